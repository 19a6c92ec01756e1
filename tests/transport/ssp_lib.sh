# tests/transport/ssp_lib.sh -- shell helpers for the tests/transport/ssp_*.test scripts
# (sourced, POSIX sh): a private temp dir, background processes killed by
# pid on exit, and every wait a bounded poll.
B=${B:-build}
T=$(mktemp -d /tmp/ssptest.XXXXXX) || exit 1
PIDS=""
trap 'for p in $PIDS; do kill "$p" 2>/dev/null; done; rm -rf "$T"' EXIT
trap 'exit 1' INT TERM
# SSPCAT_WRAP (e.g. "valgrind -q --error-exitcode=99") runs sspcat under a tool.
SSPCAT="${SSPCAT_WRAP:+$SSPCAT_WRAP }$B/sspcat"
for p in sspcat relay; do
	[ -x "$B/$p" ] || { echo "FAIL: no $B/$p (run make tests)"; exit 1; }
done

fail() {
	echo "FAIL: $*"
	for f in "$T"/*.out "$T"/*.err; do
		[ -s "$f" ] && { echo "---- $(basename "$f")"; tail -5 "$f"; }
	done
	exit 1
}

# Waits up to $3 tenths of a second (default 50) for a line matching $2 in $1.
wait_line() {
	n=0
	while ! grep -q "$2" "$1" 2>/dev/null; do
		n=$((n + 1))
		[ "$n" -ge "${3:-50}" ] && return 1
		sleep 0.1
	done
}

# sspcat server with the given options; sets SPID, PORT, KEY.
start_server() {
	$SSPCAT server "$@" >"$T/server.out" 2>&1 &
	SPID=$!
	PIDS="$PIDS $SPID"
	wait_line "$T/server.out" '^MOSH CONNECT' || fail "sspcat server did not start"
	set -- $(grep '^MOSH CONNECT' "$T/server.out")
	PORT=$3 KEY=$4
}

# The relay in front of $PORT with the given impairments; sets RPORT.
start_relay() {
	"$B/relay" --listen 127.0.0.1:0 --to "127.0.0.1:$PORT" "$@" >"$T/relay.out" 2>"$T/relay.err" &
	RELAY_PID=$!
	PIDS="$PIDS $RELAY_PID"
	wait_line "$T/relay.out" '^RELAY' || fail "relay did not start"
	RPORT=$(sed -n 's/^RELAY //p' "$T/relay.out")
}

# The number after the first "$2 " in file $1.
figure() {
	grep -o "$2 [0-9]*" "$1" | head -1 | cut -d' ' -f2
}

# Stops the relay (SIGTERM: it prints its counters) and shows them.
stop_relay() {
	kill "$RELAY_PID" 2>/dev/null
	wait "$RELAY_PID"
	sed -n 's/^relay: /   relay: /p' "$T/relay.err"
}

# The relay's first sequence number in direction $2 (up: client to
# server), from its counters in $1, must look random below 2^62 (SPEC
# §B): at least 2^32 (a start from 0 counts up from there; a random start
# is lower with odds 2^-30) and below 2^62.
first_seq_random() {
	s=$(sed -n "s/^relay: $2: .*first seq \([0-9]*\)$/\1/p" "$1")
	[ -n "$s" ] || fail "relay: no first sequence number $2"
	[ ${#s} -le 19 ] && [ "$s" -ge 4294967296 ] && [ "$s" -lt 4611686018427387904 ] ||
		fail "first sequence number $2 is $s: not random below 2^62"
	echo "   first sequence number $2: $s"
}
