#!/bin/sh
# Interactive latency side by side (tests/programs/bench_session.sh has the
# throughput, CPU and memory figures): ours and Debian's mosh, each pair
# through its own wrapper with --local, in a tmux window.  Figure, the
# median of 3: `yes` flooding the screen, then Ctrl-C, until the next
# command's output shows, i.e. how fast a runaway command can be stopped.
. tests/lib.sh
command -v tmux >/dev/null && command -v mosh >/dev/null &&
    [ -x /usr/bin/mosh-server ] && [ -x "$OUR_SERVER" ] && [ -x "$OUR_CLIENT" ] || {
	echo "   skipped: needs tmux, Debian's mosh and our build"; exit 0; }
lib_init

ms_since() {
	echo $((($(date +%s%N) - $1) / 1000000))
}

# One run of wrapper command $1: prints the milliseconds, or nothing.
yes_ctrl_c() {
	tm_start 80 24 sh -c "$1 -- sh -c 'echo READY; exec sh'"
	tm_wait '^READY' 200 || { tm kill-server; return; }
	tm_type 'yes'
	sleep 1
	t0=$(date +%s%N)
	tm send-keys -t t C-c
	tm_run 'clear; echo Y$((1+1))' '^Y2' && ms_since "$t0"
	tm_type 'exit'
	sleep 0.5
	tm kill-server
}

median() {
	tr ' ' '\n' | grep . | sort -n | awk '{ v[NR] = $1 } END { print NR ? v[int((NR + 1) / 2)] : "?" }'
}

ours="" mosh=""
for i in 1 2 3; do
	mosh="$mosh $(yes_ctrl_c 'mosh --local --bind-server=127.0.0.1 127.0.0.1')"
	ours="$ours $(yes_ctrl_c "./mosh.sh --local --server=$OUR_SERVER --client=$OUR_CLIENT")"
done
m=$(echo "$mosh" | median) o=$(echo "$ours" | median)
printf '   yes, Ctrl-C, next prompt:  ours %s ms  mosh %s ms  (runs: ours%s; mosh%s)\n' "$o" "$m" "$ours" "$mosh"
exit 0
