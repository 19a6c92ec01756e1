#!/bin/sh
# Emulator throughput on a fixed generated 40 MB mixed stream
# (tests/terminal/bench_term.c) at 80x24 and 200x60.  For scale, the same stream is
# then `cat` under Debian's mosh-server with its client attached, and the
# server's whole CPU time (emulator, diffs, compression, crypto) is shown
# next to our emulator's alone (tests/terminal/bench_term_mosh.py).
cd "$(dirname "$0")/../.." || exit 0
B=${B:-build}
[ -x "$B/bench_term" ] || { echo "no $B/bench_term (make bench builds it)"; exit 0; }
"$B/bench_term" 80 24 40
"$B/bench_term" 200 60 40
command -v mosh-server >/dev/null 2>&1 && command -v python3 >/dev/null 2>&1 || exit 0
f=$(mktemp /tmp/bench_term.XXXXXX) || exit 0
trap 'rm -f "$f"' EXIT
"$B/bench_term" 80 24 40 "$f" || exit 0
ours=$("$B/bench_term" 80 24 40 | sed 's/.* in \([0-9.]*\) s CPU.*/\1/')
theirs=$(timeout 200 python3 tests/terminal/bench_term_mosh.py "$f")
[ -n "$theirs" ] || { echo "mosh-server could not be measured"; exit 0; }
awk -v o="$ours" -v t="$theirs" 'BEGIN {
	printf "mosh-server 1.4, whole server, same 40 MB at 80x24: %.2f s CPU (%.1f MB/s)\n", t, 40 / t
	printf "our emulator alone: %.2f s CPU; mosh-server / ours = %.1f\n", o, t / o }'
exit 0
