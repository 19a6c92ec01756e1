#!/bin/sh
# mosh.sh -- the wrapper a user runs (SPEC.md §11.1).
#
# It logs in with ssh, starts `mosh-server new` there, reads the line
# `MOSH CONNECT <port> <key>` the server prints, and replaces itself with
# mosh-client, handing it the key in the client's environment alone: never
# in argv (public in ps), never to ssh, getent, awk or the relay.  The
# server's address is the third word of SSH_CONNECTION as seen on the
# server, which a small `sh -c` prefix prints before the server starts
# (`MOSH SSH_CONNECTION ...`); when that line is missing (a shell that is
# not POSIX, a proxy) the host name is resolved here with `ssh -G` and
# getent.  `--local` skips ssh and runs the server on this machine.
#
# Every word that reaches a shell -- the remote one, or `sh -c` for
# --local -- is single-quoted, except the --server command, which may carry
# its own words.  Exit status: the client's, or 1 (bad usage or locale),
# 2 (no startup line: ssh or the server failed).

VERSION="mosh.sh (minimal mosh, wire-compatible with mosh 1.4.0) 0.1"
here=$(cd "$(dirname "$0")" && pwd)
# Only the key we read from the server goes to the client, and only there.
unset MOSH_KEY

usage() {
	cat <<EOF
Usage: $0 [options] [user@]host [-- command...]
       $0 [options] --local [-- command...]

  --client=PATH      mosh-client to run here (default: the one beside
                     this script if built, else mosh-client on PATH)
  --server=COMMAND   mosh-server on the remote side (default: mosh-server)
  --ssh=COMMAND      ssh command and its options (default: ssh)
  -p, --port=PORT[:HIGH]  server-side UDP port or range
  --predict=adaptive|always|never|experimental  local echo (default adaptive)
  -a                 predict always          -n  predict never
  -o, --predict-overwrite  predicted characters overwrite, not insert
  --no-init          do not switch to the alternate screen
  --local            no ssh: run the server on this machine (127.0.0.1)
  --delay=MS --loss=PCT  with --local: send the traffic through
                     build/relay with this one-way delay and loss
  --help, --version
EOF
}

die() {
	echo "mosh: $*" >&2
	exit 1
}

# Single-quotes one word for a POSIX shell: each ' becomes '\'' (close the
# quote, an escaped quote, reopen).  Done by parameter expansion alone: a
# command substitution would drop the word's trailing newlines.
quote() {
	_q_rest=$1
	_q_done=
	while :; do
		case $_q_rest in
		*"'"*) ;;
		*) break ;;
		esac
		_q_done=$_q_done${_q_rest%%"'"*}"'\\''"
		_q_rest=${_q_rest#*"'"}
	done
	printf "'%s%s'" "$_q_done" "$_q_rest"
}

client="" server="" ssh="ssh" port="" local=0 noinit=0 delay="" loss=""
predict=${MOSH_PREDICTION_DISPLAY:-adaptive}
host=""
args="$*"
while [ $# -gt 0 ]; do
	case $1 in
	--client=*) client=${1#*=} ;;
	--server=*) server=${1#*=} ;;
	--ssh=*) ssh=${1#*=} ;;
	--port=*) port=${1#*=} ;;
	-p) [ $# -ge 2 ] || die "option -p needs an argument"; port=$2; shift ;;
	-p*) port=${1#-p} ;;
	--predict=*) predict=${1#*=} ;;
	-a) predict=always ;;
	-n) predict=never ;;
	-o | --predict-overwrite) export MOSH_PREDICTION_OVERWRITE=yes ;;
	--no-init) noinit=1 ;;
	--local) local=1 ;;
	--delay=*) delay=${1#*=} ;;
	--loss=*) loss=${1#*=} ;;
	--help | -h) usage; exit 0 ;;
	--version) echo "$VERSION"; exit 0 ;;
	--) shift; break ;;
	-*) echo "mosh: unknown option $1" >&2; usage >&2; exit 1 ;;
	*)
		[ -z "$host" ] || die "more than one host given ($host, $1); put a command after --"
		host=$1
		;;
	esac
	shift
done

case $predict in
adaptive | always | never | experimental) ;;
*) die "unknown prediction mode '$predict' (adaptive, always, never, experimental)" ;;
esac
if [ -n "$port" ]; then
	lo=${port%%:*} hi=${port#*:}
	case $lo$hi in *[!0-9]* | "") die "bad port '$port': want PORT or LOW:HIGH" ;; esac
	[ "$lo" -le 65535 ] && [ "$hi" -le 65535 ] || die "port '$port' outside 0..65535"
	[ "$lo" -le "$hi" ] || die "low port $lo greater than high port $hi"
fi
if [ $local = 1 ]; then
	[ -z "$host" ] || [ "$host" = 127.0.0.1 ] || die "--local takes no host"
	host=127.0.0.1
	relay=$here/build/relay
	[ -z "$delay$loss" ] || [ -x "$relay" ] || die "--delay and --loss need build/relay (run make)"
else
	[ -n "$host" ] || { echo "mosh: no host given" >&2; usage >&2; exit 1; }
	[ -z "$delay$loss" ] || die "--delay and --loss need --local"
fi
if [ -z "$client" ]; then
	if [ -x "$here/mosh-client" ]; then client=$here/mosh-client; else client=mosh-client; fi
fi
command -v "$client" >/dev/null 2>&1 || die "client '$client' not found (run make, or give --client=PATH)"

# The client checks the locale too, but failing here saves a login.
charmap=$(locale charmap 2>/dev/null)
case $charmap in
UTF-8 | utf-8 | utf8) ;;
*) die "needs a UTF-8 native locale to run (the character set here is \"$charmap\"); try LANG=C.UTF-8" ;;
esac

colors=$("$client" -c 2>/dev/null)
case $colors in "" | *[!0-9]*) colors=0 ;; esac

# The remote command: `<server> 'new' '-c' N ...`; the server command itself
# is inserted as given so that it may carry its own words.
cmd=" 'new' '-c' '$colors'"
if [ $local = 1 ]; then cmd="$cmd '-i' '127.0.0.1'"; else cmd="$cmd '-s'"; fi
[ -z "$port" ] || cmd="$cmd '-p' $(quote "$port")"
for v in LANG LANGUAGE LC_CTYPE LC_NUMERIC LC_TIME LC_COLLATE LC_MONETARY \
    LC_MESSAGES LC_PAPER LC_NAME LC_ADDRESS LC_TELEPHONE LC_MEASUREMENT \
    LC_IDENTIFICATION LC_ALL; do
	eval "val=\${$v-}"
	eval "isset=\${$v+x}"
	[ -n "$isset" ] && cmd="$cmd '-l' $(quote "$v=$val")"
done
if [ $# -gt 0 ]; then
	cmd="$cmd '--'"
	for w in "$@"; do cmd="$cmd $(quote "$w")"; done
fi

# Reads the bootstrap output: echoes ordinary lines to stderr, prints
# "<ip> <port> <key>" when the CONNECT line arrives, and stops there.
parse='
{ sub(/\r$/, "") }
/^MOSH SSH_CONNECTION / && NF >= 6 { ip = $5; next }
/^MOSH CONNECT [0-9]+ [A-Za-z0-9\/+]+$/ && length($4) == 22 {
	print (ip == "" ? "-" : ip), $3, $4; done = 1; exit
}
{ print > "/dev/stderr" }
END { if (!done) print "none" }'

if [ $local = 1 ]; then
	if [ -z "$server" ]; then
		if [ -x "$here/mosh-server" ]; then
			server=$(quote "$here/mosh-server")
		else
			server=mosh-server
		fi
	else
		# The server starts in $HOME: a relative path must not change meaning.
		case $server in /*) ;; */*) server=$(quote "$PWD")/$server ;; esac
	fi
	conn=$(cd && unset SSH_CONNECTION && sh -c "$server$cmd" 2>&1 </dev/null | awk "$parse")
	ip=127.0.0.1
else
	server=${server:-mosh-server}
	# Prints where the client came from, as the server saw it, first.
	probe='[ -n "$SSH_CONNECTION" ] && printf "\nMOSH SSH_CONNECTION %s\n" "$SSH_CONNECTION"'
	# shellcheck disable=SC2086 # --ssh is a list of words
	conn=$($ssh -n -tt "$host" -- "sh -c $(quote "$probe") ; $server$cmd" 2>&1 | awk "$parse")
	ip=${conn%% *}
fi
case $conn in
none | "")
	echo "mosh: Did not find mosh server startup message. (Have you installed mosh on your server?)" >&2
	exit 2
	;;
esac
# "<ip or -> <port> <key>", split without the shell's globbing: the first
# word came from the remote side.
conn=${conn#* }
port=${conn%% *}
key=${conn#* }
if [ "$ip" = "-" ]; then
	name=${host#*@}
	real=$($ssh -G "$host" 2>/dev/null | awk '$1 == "hostname" { print $2; exit }')
	ip=$(getent ahosts "${real:-$name}" | awk 'NR == 1 { print $1 }')
	[ -n "$ip" ] || die "could not resolve $name to an address"
fi

export MOSH_PREDICTION_DISPLAY=$predict
[ $noinit = 0 ] || export MOSH_NO_TERM_INIT=1
# The key goes into the client's environment only, by an assignment on its
# own command: never a command-line word, never exported to a helper.
if [ -z "$delay$loss" ]; then
	MOSH_KEY=$key exec "$client" -# "$args |" "$ip" "$port"
fi

# --local with impairment: the client talks to the relay, which forwards to
# the server; the relay lives as long as the client does.
out=$(mktemp) || exit 1
"$relay" --listen 127.0.0.1:0 --to "$ip:$port" --duration 86400 \
    ${delay:+--delay "$delay"} ${loss:+--loss "$loss"} >"$out" 2>/dev/null &
relay_pid=$!
n=0
until port=$(sed -n 's/^RELAY //p' "$out") && [ -n "$port" ]; do
	n=$((n + 1))
	[ $n -lt 50 ] || { kill $relay_pid; rm -f "$out"; die "the relay did not start"; }
	sleep 0.1
done
rm -f "$out"
MOSH_KEY=$key "$client" -# "$args |" "$ip" "$port"
status=$?
kill $relay_pid 2>/dev/null
exit $status
