#!/bin/sh
# Runs the whole suite: every cmocka program build/test_* and every script
# tests/*.test and tests/<area>/*.test.  A script exits 0 (pass), 77 (skip)
# or anything else (fail).
# Usage: tests/run.sh [NAME...]   NAME is a test's bare name (test_ssp,
# e2e_session: no directory, no build/, no .test) or an area (transport:
# every unit program and script in tests/transport/).  A NAME that selects
# nothing fails the run (unless UNIT_ONLY or SCRIPTS_ONLY left it out), so
# a misspelt name cannot pass.
# B=dir selects another build (ASan, valgrind); WRAP="valgrind ..." wraps
# the unit-test programs; UNIT_ONLY=1 or SCRIPTS_ONLY=1 runs half the suite.
cd "$(dirname "$0")/.." || exit 1
B=${B:-build}
export B
pass=0 fail=0 skip=0 failed="" ran=""
SELECT="$*"

# Every build goes to one flat directory, so a bare name must name one
# test: two areas with a test of the same name would shadow each other.
dups=$(for f in tests/*.test tests/*/*.test tests/*/test_*.c; do
	[ -f "$f" ] && basename "$f" | sed 's/\.[a-z]*$//'
done | sort | uniq -d)
if [ -n "$dups" ]; then
	echo "tests/run.sh: more than one test named:" $dups
	exit 1
fi

# want NAME AREA: is this test selected (by its name or its area)?
want() {
	[ -z "$SELECT" ] && return 0
	for w in $SELECT; do
		if [ "$w" = "$1" ] || [ "$w" = "$2" ]; then
			ran="$ran $w"
			return 0
		fi
	done
	return 1
}

# The area of a file tests/AREA/NAME (nothing for a suite-wide test).
area_of() {
	case $1 in
	tests/*/*) a=${1#tests/}; echo "${a%%/*}" ;;
	esac
}

for t in "$B"/test_*; do
	[ -x "$t" ] && [ -z "$SCRIPTS_ONLY" ] || continue
	n=$(basename "$t")
	src=$(ls tests/*/"$n".c 2>/dev/null)
	want "$n" "$(area_of "$src")" || continue
	echo "== $n"
	if $WRAP "$t"; then pass=$((pass + 1)); else fail=$((fail + 1)); failed="$failed $n"; fi
done
if [ -z "$UNIT_ONLY" ]; then
	for t in tests/*.test tests/*/*.test; do
		[ -f "$t" ] || continue
		n=$(basename "$t" .test)
		want "$n" "$(area_of "$t")" || continue
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
[ -n "$UNIT_ONLY$SCRIPTS_ONLY" ] && SELECT=""
for w in $SELECT; do
	case " $ran " in
	*" $w "*) ;;
	*) fail=$((fail + 1)); failed="$failed $w"
	   echo "no test or area named $w (not built? make tests)" ;;
	esac
done
[ -n "$failed" ] && echo "FAILED:$failed"
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
