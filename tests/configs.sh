#!/bin/sh
# The suite in every configuration (Monocypher's habit), one after another:
#   plain     make all tests; every unit program and script (tests/run.sh)
#   asan      the unit programs rebuilt with ASan + UBSan, aborting on any report
#   valgrind  the plain unit programs under memcheck (leaks and uninitialised reads)
# The constant-time check (tests/ctgrind.test) and the fuzz corpus replay
# run inside the plain configuration.  Usage: tests/configs.sh [CONFIG...]
cd "$(dirname "$0")/.." || exit 1
configs=${*:-plain asan valgrind}
JOBS=${JOBS:-2}
SAN='-O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all'
failed=""
for c in $configs; do
	echo "######## configuration: $c"
	case $c in
	plain)
		make -s -j"$JOBS" all tests && tests/run.sh ;;
	asan)
		make -s -j"$JOBS" B=build/asan CFLAGS="$SAN" tests &&
			ASAN_OPTIONS=detect_leaks=1 B=build/asan UNIT_ONLY=1 tests/run.sh ;;
	valgrind)
		make -s -j"$JOBS" tests &&
			WRAP="valgrind -q --read-inline-info=no --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite" \
			TEST_QUICK=1 UNIT_ONLY=1 tests/run.sh ;;
	*)
		echo "unknown configuration $c"; false ;;
	esac || failed="$failed $c"
done
if [ -n "$failed" ]; then
	echo "configurations failed:$failed"
	exit 1
fi
echo "all configurations passed: $configs"
