#!/bin/sh
# Emulator throughput on a fixed generated 40 MB mixed stream
# (tests/bench_term.c) at 80x24 and 200x60.  Debian's mosh ships no
# emulator-only benchmark, so there is no same-run ratio here; the end-to-end
# `cat` comparison against mosh-server belongs to the programs' bench.
cd "$(dirname "$0")/.." || exit 0
B=${B:-build}
[ -x "$B/bench_term" ] || { echo "no $B/bench_term (make bench builds it)"; exit 0; }
"$B/bench_term" 80 24 40
"$B/bench_term" 200 60 40
exit 0
