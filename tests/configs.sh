#!/bin/sh
# The suite in every configuration (Monocypher's habit), one after another:
#   plain     make all tests; every unit program and script (tests/run.sh)
#   asan      the unit programs rebuilt with ASan + UBSan, aborting on any report
#   valgrind  the plain unit programs under memcheck (leaks and uninitialised reads)
#   asan-e2e  every script test (sessions, interop, transport) with ASan + UBSan
#             builds of mosh-server, mosh-client and the test tools; any
#             sanitizer report, even from a detached server, fails it
# The constant-time check (tests/crypto/ctgrind.test), the fuzz corpus
# replay, the strict POSIX build (tests/programs/strict.test) and the musl
# build's session (tests/programs/musl.test) are script tests: they run in
# the plain configuration (and again, unchanged, in asan-e2e).
# Usage: tests/configs.sh [CONFIG...]
cd "$(dirname "$0")/.." || exit 1
configs=${*:-plain asan valgrind asan-e2e}
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
	asan-e2e)
		logs=$(mktemp -d)
		# mosh.sh --local --delay takes the relay from build/.
		make -s -j"$JOBS" build/relay && make -s -j"$JOBS" B=build/asan CFLAGS="$SAN" tests \
			build/asan/mosh-server build/asan/mosh-client &&
			ASAN_OPTIONS="log_path=$logs/asan" \
			UBSAN_OPTIONS="log_path=$logs/ubsan:print_stacktrace=1" \
			OUR_SERVER=$PWD/build/asan/mosh-server \
			OUR_CLIENT=$PWD/build/asan/mosh-client \
			B=build/asan SCRIPTS_ONLY=1 tests/run.sh
		rc=$?
		if [ -n "$(ls "$logs")" ]; then
			echo "sanitizer reports:"; cat "$logs"/*; rc=1
		fi
		rm -rf "$logs"
		[ "$rc" -eq 0 ] ;;
	*)
		echo "unknown configuration $c"; false ;;
	esac || failed="$failed $c"
done
if [ -n "$failed" ]; then
	echo "configurations failed:$failed"
	exit 1
fi
echo "all configurations passed: $configs"
