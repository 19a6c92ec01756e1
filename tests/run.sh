#!/bin/sh
# Runs the whole suite: every cmocka program build/test_* and every script
# tests/*.test.  A script exits 0 (pass), 77 (skip) or anything else (fail).
# Usage: tests/run.sh [NAME...]   (names without build/ or .test)
# B=dir selects another build (ASan, valgrind); WRAP="valgrind ..." wraps
# the unit-test programs; UNIT_ONLY=1 or SCRIPTS_ONLY=1 runs half the suite.
cd "$(dirname "$0")/.." || exit 1
B=${B:-build}
export B
pass=0 fail=0 skip=0 failed=""
want() {
	[ $# -eq 0 ] && return 0
	for w in $SELECT; do [ "$w" = "$1" ] && return 0; done
	return 1
}
SELECT="$*"
for t in "$B"/test_*; do
	[ -x "$t" ] && [ -z "$SCRIPTS_ONLY" ] || continue
	n=$(basename "$t")
	[ -n "$SELECT" ] && ! want "$n" && continue
	echo "== $n"
	if $WRAP "$t"; then pass=$((pass + 1)); else fail=$((fail + 1)); failed="$failed $n"; fi
done
if [ -z "$UNIT_ONLY" ]; then
	for t in tests/*.test; do
		[ -f "$t" ] || continue
		n=$(basename "$t" .test)
		[ -n "$SELECT" ] && ! want "$n" && continue
		echo "== $n"
		sh "$t"
		rc=$?
		case $rc in
		0) pass=$((pass + 1)) ;;
		77) skip=$((skip + 1)); echo "   (skipped)" ;;
		*) fail=$((fail + 1)); failed="$failed $n" ;;
		esac
	done
fi
[ -n "$failed" ] && echo "FAILED:$failed"
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
