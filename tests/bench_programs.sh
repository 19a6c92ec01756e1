#!/bin/sh
# Sessions side by side: ours and Debian's mosh, each server and client
# as a pair on 127.0.0.1, through a small byte-counting UDP forwarder.
# Figures: time from `./mosh.sh --local` to a prompt; `yes` then Ctrl-C
# back to a prompt; for `cat` of a 40 MB text file: server CPU seconds and
# bytes on the wire each way; peak resident memory of server and client.
. tests/lib.sh
command -v tmux >/dev/null && command -v python3 >/dev/null &&
    [ -x /usr/bin/mosh-server ] && [ -x "$OUR_SERVER" ] && [ -x "$OUR_CLIENT" ] || {
	echo "   needs tmux, python3, Debian's mosh and our build"; exit 0; }
lib_init
fail() {
	echo "   $*"
	exit 0
}
awk 'BEGIN { for (i = 0; i < 800000; i++)
	printf "%08d the quick brown fox jumps over the lazy dog %d\n", i, i * 7 }' >"$T/text"

# counter LISTEN_PORT_FILE TO_PORT: forwards UDP, counts bytes each way,
# prints "up down" to $T/count on SIGTERM.
cat >"$T/count.py" <<'EOP'
import selectors, signal, socket, sys
to = ("127.0.0.1", int(sys.argv[2]))
cl = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); cl.bind(("127.0.0.1", 0))
up = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); up.bind(("127.0.0.1", 0))
open(sys.argv[1], "w").write("%d\n" % cl.getsockname()[1])
n = [0, 0]; peer = None
def done(*a):
    open(sys.argv[3], "w").write("%d %d\n" % (n[0], n[1])); sys.exit(0)
signal.signal(signal.SIGTERM, done)
sel = selectors.DefaultSelector()
sel.register(cl, selectors.EVENT_READ); sel.register(up, selectors.EVENT_READ)
while True:
    for k, _ in sel.select():
        d, a = k.fileobj.recvfrom(4096)
        if k.fileobj is cl:
            peer = a; n[0] += len(d); up.sendto(d, to)
        elif peer:
            n[1] += len(d); cl.sendto(d, peer)
EOP

ticks=$(getconf CLK_TCK)
cpu() {   # seconds of user + system time of pid $1
	awk -v t="$ticks" '{ printf "%.2f", ($14 + $15) / t }' "/proc/$1/stat"
}
hwm() {   # peak resident memory of pid $1, in KiB
	awk '/^VmHWM/ { print $2 }' "/proc/$1/status"
}
ms() {
	echo $(( ($(date +%s%N) - $1) / 1000000 ))
}

run() {   # NAME SERVER CLIENT
	name=$1 server=$2 client=$3
	t0=$(date +%s%N)
	tm_start 80 24 sh -c "./mosh.sh --local --server=$server --client=$client -- sh -c 'echo READY; exec sh'"
	tm_wait '^READY' 200 || fail "$name: no prompt"
	start_ms=$(ms "$t0")
	tm_type 'yes'
	sleep 1
	t0=$(date +%s%N)
	tm send-keys -t t C-c
	tm_type 'clear; echo Y$((1+1))'
	tm_wait '^Y2' 300 || fail "$name: yes + Ctrl-C did not come back"
	yes_ms=$(ms "$t0")
	tm kill-server

	OUR_SERVER=$server start_local_server sh
	spid=$(marked_pids mosh-server | head -1)
	rm -f "$T/port" "$T/count"
	python3 "$T/count.py" "$T/port" "$SRV_PORT" "$T/count" &
	cpid=$!
	wait_until '[ -s "$T/port" ]' 50 || fail "$name: counter did not start"
	tm_start 80 24 "$client" 127.0.0.1 "$(cat "$T/port")"
	tm_wait '[#$] *$' 100 || fail "$name: no prompt"
	clpid=$(ps -o pid= --ppid "$(tm display-message -p -t t '#{pane_pid}')" | tr -d ' ')
	[ -n "$clpid" ] || clpid=$(tm display-message -p -t t '#{pane_pid}')
	cpu0=$(cpu "$spid")
	t0=$(date +%s%N)
	tm_type "cat $T/text; echo C\$((1+1))"
	tm_wait '^C2' 3000 || fail "$name: cat did not finish"
	cat_ms=$(ms "$t0")
	cpu1=$(cpu "$spid")
	srss=$(hwm "$spid") crss=$(hwm "$clpid")
	kill "$cpid"
	wait_until '[ -s "$T/count" ]' 50
	read -r bup bdown <"$T/count"
	tm_type exit
	sleep 1
	tm kill-server
	kill "$spid" 2>/dev/null
	scpu=$(echo "$cpu1 $cpu0" | awk '{ printf "%.2f", $1 - $2 }')
	eval "${name}_row=\"\$start_ms \$yes_ms \$cat_ms \$scpu \$bdown \$bup \$srss \$crss\""
	printf '   %-6s start %5d ms  yes^C %5d ms  cat 40 MB: %6d ms, server CPU %6s s, wire %9d B down %7d B up  RSS server %6d KiB client %6d KiB\n' \
	    "$name" "$start_ms" "$yes_ms" "$cat_ms" "$scpu" "$bdown" "$bup" "$srss" "$crss"
}
run mosh /usr/bin/mosh-server /usr/bin/mosh-client
run ours "$OUR_SERVER" "$OUR_CLIENT"
echo "$ours_row $mosh_row" | awk '{
	printf "   ours / mosh: start %.2f  yes^C %.2f  server CPU %.2f  wire down %.2f  RSS server %.2f  client %.2f\n",
	    $1 / ($9 ? $9 : 1), $2 / ($10 ? $10 : 1), $4 / ($12 > 0 ? $12 : 0.01),
	    $5 / ($13 ? $13 : 1), $7 / ($15 ? $15 : 1), $8 / ($16 ? $16 : 1) }'
exit 0
