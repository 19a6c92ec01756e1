#!/bin/sh
# make bench: the frame diff's cost per frame on a full 200x60 screen.
# mosh 1.4 has no way to time its diff alone, so there is no ratio here;
# the end-to-end server CPU comparison is the terminal bench's.
B=${B:-build}
[ -x "$B/bench_display" ] || { echo "   $B/bench_display not built"; exit 0; }
"$B/bench_display"
