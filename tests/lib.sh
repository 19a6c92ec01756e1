# tests/lib.sh -- shell helpers for the session tests (sourced, POSIX sh).
#
# lib_init makes a private temp dir $T and arranges cleanup of everything
# the test started: its own sshd (by pid), its own tmux server (private
# socket), and every mosh-server that our sshd started (found by a marker
# in their environment, which our sshd passes along with AcceptEnv, and
# which sessions started here inherit).  Every wait is a bounded poll.

ROOT=$(pwd)
B=${B:-build}
# Our programs; OUR_SERVER/OUR_CLIENT may point at another build.
OUR_SERVER=${OUR_SERVER:-$ROOT/mosh-server}
OUR_CLIENT=${OUR_CLIENT:-$ROOT/mosh-client}
export LANG=C.UTF-8
unset LC_ALL LC_CTYPE MOSH_KEY TMUX

# Skips (exit 77) unless every named program exists.
need() {
	for p in "$@"; do
		command -v "$p" >/dev/null 2>&1 || { echo "   no $p: skipping"; exit 77; }
	done
}

fail() {
	echo "FAIL: $*"
	if [ -n "$TMSOCK" ] && [ -S "$TMSOCK" ]; then
		echo "---- screen:"
		tm capture-pane -p -t t 2>/dev/null
	fi
	[ -f "$T/sshd.log" ] && { echo "---- sshd log:"; tail -5 "$T/sshd.log"; }
	exit 1
}

lib_init() {
	T=$(mktemp -d /tmp/moshtest.XXXXXX) || exit 1
	MARK=moshtest$$
	# Sessions started here (--local) inherit the marker too.
	MOSHTEST=$MARK
	export MOSHTEST
	# A client that detaches (killed at the end of a test, say) saves its
	# session here, never in the user's own save directory (SPEC.md §10.6).
	XDG_STATE_HOME=$T/state
	export XDG_STATE_HOME
	trap lib_cleanup EXIT
	trap 'exit 1' INT TERM
}

# Pids of processes whose environment holds our marker (the sessions our
# sshd started), optionally only those whose command name is $1.
marked_pids() {
	for e in /proc/[0-9]*/environ; do
		d=${e%/environ}
		{ tr '\0' '\n' <"$e"; } 2>/dev/null | grep -qx "MOSHTEST=$MARK" || continue
		[ -z "$1" ] || [ "$(cat "$d/comm" 2>/dev/null)" = "$1" ] || continue
		echo "${d#/proc/}"
	done
}

lib_cleanup() {
	for s in "$T"/tmux.*; do
		[ -S "$s" ] && tmux -S "$s" kill-server 2>/dev/null
	done
	[ -n "$SSHD_PID" ] && kill "$SSHD_PID" 2>/dev/null
	for p in $(marked_pids mosh-server) $(marked_pids mosh-client) $EXTRA_PIDS; do
		kill "$p" 2>/dev/null
	done
	rm -rf "$T"
}

# Waits up to $2 tenths of a second (default 100) for command $1 to succeed.
# (Helpers count in variables of their own: a caller's n is its own.)
wait_until() {
	_wu_n=0
	while ! eval "$1"; do
		_wu_n=$((_wu_n + 1))
		[ $_wu_n -ge "${2:-100}" ] && return 1
		sleep 0.1
	done
	return 0
}

# Starts sshd on 127.0.0.1 with fresh host and user keys; sets SSH (the
# command line to reach it as the current user) and SSHD_PID.
start_sshd() {
	need ssh ssh-keygen
	[ -x /usr/sbin/sshd ] || { echo "   no sshd: skipping"; exit 77; }
	# Privilege separation wants this directory; only root can make it.
	[ -d /run/sshd ] || mkdir -p /run/sshd 2>/dev/null || { echo "   no /run/sshd: skipping"; exit 77; }
	ssh-keygen -q -t ed25519 -N '' -f "$T/host_key" || exit 1
	ssh-keygen -q -t ed25519 -N '' -f "$T/id" || exit 1
	cp "$T/id.pub" "$T/authorized_keys"
	chmod 600 "$T/authorized_keys"
	tries=0
	while :; do
		SSHD_PORT=$((20000 + ($$ * 7 + tries * 131) % 20000))
		cat >"$T/sshd_config" <<EOF
Port $SSHD_PORT
ListenAddress 127.0.0.1
HostKey $T/host_key
AuthorizedKeysFile $T/authorized_keys
PidFile $T/sshd.pid
StrictModes no
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin yes
UsePAM no
AcceptEnv MOSHTEST
PrintMotd no
EOF
		/usr/sbin/sshd -D -e -f "$T/sshd_config" 2>"$T/sshd.log" &
		SSHD_PID=$!
		SSH="ssh -p $SSHD_PORT -i $T/id -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR -o BatchMode=yes -o SetEnv=MOSHTEST=$MARK"
		USER_AT=$(id -un)@127.0.0.1
		if wait_until "$SSH $USER_AT true </dev/null 2>/dev/null" 50; then
			return 0
		fi
		kill "$SSHD_PID" 2>/dev/null
		SSHD_PID=
		tries=$((tries + 1))
		[ $tries -lt 5 ] || fail "sshd did not start: $(cat "$T/sshd.log")"
	done
}

# tmux on a private socket; the session is called t.  Each tm_start takes
# a new socket: a server just killed may still hold the old one.
TMSOCKS=0
tm() {
	tmux -S "$TMSOCK" "$@"
}

# Starts command $3... in a detached tmux window of $1 x $2 cells.
tm_start() {
	_ts_w=$1 _ts_h=$2
	shift 2
	TMSOCKS=$((TMSOCKS + 1))
	TMSOCK=$T/tmux.$TMSOCKS
	tm -f /dev/null new-session -d -s t -x "$_ts_w" -y "$_ts_h" "$@" || fail "tmux did not start"
	tm set-option -t t remain-on-exit on >/dev/null
}

tm_screen() {
	tm capture-pane -p -t t "$@"
}

# Waits (up to $2 tenths, default 100) until the screen matches regex $1.
tm_wait() {
	_tw_n=0
	until tm_screen | grep -Eq -- "$1"; do
		_tw_n=$((_tw_n + 1))
		[ $_tw_n -ge "${2:-100}" ] && return 1
		sleep 0.1
	done
	return 0
}

tm_type() {
	tm send-keys -t t -l -- "$1"
	tm send-keys -t t Enter
}

# Types command $1 until the screen matches $2 (3 tries of 3 s): for a
# line typed while the shell may still be flushing its input.
tm_run() {
	for _tr_i in 1 2 3; do
		tm_type "$1"
		tm_wait "$2" 30 && return 0
	done
	return 1
}

# The interop row: typing (ASCII and UTF-8), colours, the title, a
# full-screen program, resize, exit.
# The session must already run in tmux window t (80x24), its command
# followed by `echo EXIT=$?`.  $1 names the row in messages.
session_checks() {
	tm_wait '[#$] *$' 150 || fail "$1: no prompt"
	tm_type 'echo $((6*7))'
	tm_wait '^42 *$' 100 || fail "$1: typing: no 42"
	tm_type 'echo glück faĩl'
	tm_wait '^glück faĩl *$' 100 || fail "$1: UTF-8 typing: no 'glück faĩl'"
	tm_type "printf 'x\\033[1;31mred\\033[0mx\\n'"
	red=$(printf 'x\033[1m\033[31mred\033[0m')
	wait_until 'tm_screen -e | grep -qF -- "$red"' 100 || fail "$1: no bold red"
	tm_type "printf '\\033]2;t%s\\007' 42"
	wait_until '[ "$(tm display-message -p -t t "#{pane_title}")" = "[mosh] t42" ]' 100 ||
	    fail "$1: window title is not '[mosh] t42'"
	tm_type 'seq 1 200 | less'
	tm_wait '^23 *$' 100 || fail "$1: full-screen: no line 23"
	[ "$(tm_screen | sed -n 1p)" = 1 ] || fail "$1: full-screen: line 1 not on top"
	tm send-keys -t t q
	tm_run 'clear; echo back$((40+2))' '^back42' || fail "$1: no prompt after less"
	tm resize-window -t t -x 100 -y 30
	# tmux signals a resize when it gets round to it: ask again if early.
	tm_run 'clear; stty size' '^30 100 *$' || fail "$1: resize: stty size did not follow"
	tm_type 'exit'
	tm_wait '^EXIT=0' 100 || fail "$1: exit status not 0"
}

# Starts our server on 127.0.0.1 running command "$@"; sets SRV_PORT and
# exports MOSH_KEY for the client that follows (never in a command line).
start_local_server() {
	conn=$("$OUR_SERVER" new -i 127.0.0.1 -- "$@" 2>"$T/server.err" </dev/null |
	    sed -n 's/^MOSH CONNECT \([0-9]*\) \([A-Za-z0-9/+]*\)$/\1 \2/p')
	[ -n "$conn" ] || fail "no MOSH CONNECT from $OUR_SERVER: $(cat "$T/server.err")"
	SRV_PORT=${conn% *}
	MOSH_KEY=${conn#* }
	export MOSH_KEY
}

# Starts build/relay in front of SRV_PORT with options "$@"; sets
# RELAY_PORT, RELAY_PID and RELAY_T0 (its start, in seconds); its counters
# go to $T/relay.err when it ends.
start_relay() {
	[ -x "$B/relay" ] || fail "no $B/relay (make tests builds it)"
	rm -f "$T/relay.out" "$T/relay.err"   # a previous relay's port is no answer
	RELAY_T0=$(date +%s)
	"$B/relay" --listen 127.0.0.1:0 --to "127.0.0.1:$SRV_PORT" --duration 300 "$@" \
	    >"$T/relay.out" 2>"$T/relay.err" &
	RELAY_PID=$!
	EXTRA_PIDS="$EXTRA_PIDS $RELAY_PID"
	wait_until 'grep -qs "^RELAY " "$T/relay.out"' 50 || fail "relay did not start"
	RELAY_PORT=$(sed -n 's/^RELAY //p' "$T/relay.out")
}
