#!/bin/sh
# make fuzz: runs every libFuzzer harness build/fuzz/fuzz_* for FUZZ_SECONDS
# (default 60) each, on a copy of its seed corpus tests/corpus/<name>/.
cd "$(dirname "$0")/.." || exit 1
secs=${FUZZ_SECONDS:-60}
rc=0
for f in build/fuzz/fuzz_*; do
	[ -x "$f" ] || continue
	n=$(basename "$f")
	work=build/fuzz/corpus-$n
	mkdir -p "$work"
	[ -d "tests/corpus/$n" ] && cp -n tests/corpus/"$n"/* "$work"/ 2>/dev/null
	echo "== $n ($secs s)"
	"$f" -max_total_time="$secs" -print_final_stats=1 "$work" 2>&1 | tail -n 12 || rc=1
done
exit $rc
