#!/bin/sh
# mosh.sh -- the wrapper a user runs as `mosh` (SPEC.md §10.1).
#
# It logs in with ssh, starts `mosh-server new` there, reads the line
# `MOSH CONNECT <port> <key>` the server prints, and replaces itself with
# mosh-client, handing it the key in the client's environment alone: never
# in argv (public in ps), never to ssh, getent, awk or the relay.  It takes
# the stock wrapper's command line (mosh 1.4.0's scripts/mosh.pl): options,
# then [user@]host, then the command.
#
# Where the client sends its datagrams (--experimental-remote-ip):
#   proxy   (default) the host ssh connects to -- its HostName after the
#           ssh config, from `ssh -G` -- resolved here with getent
#   local   the host as typed, resolved here; ssh is sent to that address
#   remote  the server's address as the server saw the ssh connection: a
#           small `sh -c` prefix prints `MOSH SSH_CONNECTION ...` first
# --family (-4, -6) picks among the addresses.  `--local` skips ssh and
# runs the server on this machine.
#
# `--resume[=FILE]` skips all that: it replaces itself with `mosh-client
# --resume FILE`, for the session saved in FILE (default: the newest one in
# the save directory), which the client claims and continues (SPEC.md §10.6).
#
# Every word that reaches a shell -- the remote one, or `sh -c` for
# --local -- is single-quoted, except the --server command, which may carry
# its own words.  Exit status: the client's, or 1 (bad usage, locale or
# address), 2 (no startup line: ssh or the server failed).

VERSION="mosh.sh (minimal mosh, wire-compatible with mosh 1.4.0) 0.1"
here=$(cd "$(dirname "$0")" && pwd)
# Only the key we read from the server goes to the client, and only there.
unset MOSH_KEY

usage() {
	cat <<EOF
Usage: $0 [options] [--] [user@]host [command...]
       $0 [options] --local [IP] [--] [command...]
       $0 [--client=PATH] --resume[=FILE]

  --client=PATH      mosh-client to run here (default: the one beside
                     this script if built, else mosh-client on PATH)
  --server=COMMAND   mosh-server on the remote side (default: mosh-server)
  --ssh=COMMAND      ssh command and its options (default: ssh)
  --predict=adaptive|always|never|experimental  local echo (default adaptive)
  -a                 --predict=always        -n  --predict=never
  -o, --predict-overwrite  predicted characters overwrite, not insert
                     (--no-predict-overwrite: insert, the default)
  -4, --family=inet  IPv4 only               -6, --family=inet6  IPv6 only
  --family=auto      the host must have addresses of one family only
  --family=all       the first address, of either family
  --family=prefer-inet|prefer-inet6  IPv4 (IPv6) first (default prefer-inet)
  -p, --port=PORT[:HIGH]  server-side UDP port or range
  --bind-server=ssh|any|IP  address the server binds: the one ssh came in
                     on (default), any, or this one
  --no-ssh-pty       no pseudo-terminal for ssh (--ssh-pty: one, the default)
  --no-init          stay on the main screen (--init: the default)
  --experimental-remote-ip=proxy|local|remote  where the client sends
                     datagrams: the host ssh connects to, resolved here
                     (default); the host as typed, resolved here; or the
                     address the server saw the ssh connection arrive on
  --local            no ssh: run the server on this machine, at IP
                     (default 127.0.0.1)
  --delay=MS --loss=PCT  with --local: send the traffic through
                     build/relay with this one-way delay and loss
  --trace=FILE       with --local: send the traffic through build/relay,
                     which writes every datagram to FILE, decoded
  --resume[=FILE]    continue a detached session: the one saved in FILE,
                     or the newest one saved (the escape key then "d",
                     SIGHUP or SIGTERM detach a session)
  -h, --help, --version

Options take a value as --name=VALUE or --name VALUE.  Everything after
the host is the command (a -- right after the host is dropped).
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

# Whether $1 has the form of a numeric IPv4 or IPv6 address (getent and the
# server judge the rest).
is_address() {
	case $1 in
	*[!0-9.]*) ;;
	*.*.*.*) return 0 ;;
	esac
	case $1 in
	*[!0-9A-Fa-f:.]*) return 1 ;;
	*:*) return 0 ;;
	esac
	return 1
}

# Dies unless option $1's value $2 is one of the words that follow.
one_of() {
	_o_name=$1
	_o_value=$2
	shift 2
	for _o_word in "$@"; do
		[ "$_o_value" != "$_o_word" ] || return 0
	done
	die "unknown $_o_name '$_o_value' (one of: $*)"
}

# Prints the address of host $1 that --family picks, resolved here by
# getent in the resolver's order, or says why there is none.  (Called in
# $(...): its variables and its exit stay in that subshell.)
resolve() {
	all=$(getent ahosts "$1" | awk '$2 == "STREAM" { print $1 }')
	[ -n "$all" ] || die "could not resolve $1 to an address"
	first=$(printf '%s\n' "$all" | head -n 1)
	v4=$(printf '%s\n' "$all" | grep -v : | head -n 1)
	v6=$(printf '%s\n' "$all" | grep : | head -n 1)
	case $family in
	inet)
		[ -n "$v4" ] || die "$1 has no IPv4 address (it has $v6); drop -4 or --family=inet"
		echo "$v4"
		;;
	inet6)
		[ -n "$v6" ] || die "$1 has no IPv6 address (it has $v4); drop -6 or --family=inet6"
		echo "$v6"
		;;
	auto)
		if [ -n "$v4" ] && [ -n "$v6" ]; then
			die "$1 has both IPv4 and IPv6 addresses; choose with --family, -4 or -6"
		fi
		echo "$first"
		;;
	all) echo "$first" ;;
	prefer-inet) echo "${v4:-$v6}" ;;
	prefer-inet6) echo "${v6:-$v4}" ;;
	esac
}

client="" server="" ssh="ssh" port="" local=0 delay="" loss="" trace=""
predict=${MOSH_PREDICTION_DISPLAY:-adaptive}
overwrite=0 init=1 ssh_pty=1
family=prefer-inet bind=ssh remote_ip=proxy
dashdash=0 resume=0 resume_file=""
args="$*"
while [ $# -gt 0 ]; do
	# Perl's Getopt::Long, which the stock wrapper uses, takes `--name value`
	# as well as `--name=value`: the first becomes the second here.
	case $1 in
	-p | --port | --client | --server | --ssh | --predict | --family | \
	--bind-server | --experimental-remote-ip | --delay | --loss | --trace)
		[ $# -ge 2 ] || die "option $1 needs an argument"
		opt=$1=$2
		shift
		;;
	*)
		opt=$1
		;;
	esac
	case $opt in
	--client=*) client=${opt#*=} ;;
	--server=*) server=${opt#*=} ;;
	--ssh=*) ssh=${opt#*=} ;;
	-p=* | --port=*) port=${opt#*=} ;;
	-p*) port=${opt#-p} ;;
	--predict=*) predict=${opt#*=} ;;
	-a) predict=always ;;
	-n) predict=never ;;
	-o | --predict-overwrite) overwrite=1 ;;
	--no-predict-overwrite) overwrite=0 ;;
	-4) family=inet ;;
	-6) family=inet6 ;;
	--family=*) family=${opt#*=} ;;
	--bind-server=*) bind=${opt#*=} ;;
	--ssh-pty) ssh_pty=1 ;;
	--no-ssh-pty) ssh_pty=0 ;;
	--init) init=1 ;;
	--no-init) init=0 ;;
	--experimental-remote-ip=*) remote_ip=${opt#*=} ;;
	--local) local=1 ;;
	--delay=*) delay=${opt#*=} ;;
	--loss=*) loss=${opt#*=} ;;
	--trace=*) trace=${opt#*=}; [ -n "$trace" ] || die "--trace needs a file name" ;;
	--resume) resume=1 ;;
	--resume=*) resume=1; resume_file=${opt#*=} ;;
	--help | -h) usage; exit 0 ;;
	--version) echo "$VERSION"; exit 0 ;;
	--) shift; dashdash=1; break ;;
	-*) echo "mosh: unknown option $1" >&2; usage >&2; exit 1 ;;
	*) break ;;
	esac
	shift
done

# The host comes next.  With --local it is optional, and taken only if it
# has the form of an address, so that `--local -- command` keeps working.
if [ $resume = 1 ]; then
	[ $# = 0 ] || die "--resume takes no host or command"
elif [ $local = 1 ]; then
	host=127.0.0.1
	if is_address "$1"; then
		host=$1
		shift
	fi
elif [ $# -gt 0 ]; then
	host=$1
	shift
else
	echo "mosh: no host given" >&2
	usage >&2
	exit 1
fi
# Everything after the host is the command, as with ssh.  The stock wrapper
# reads `host -- command` as `host command` (Getopt::Long takes that --):
# so do we, unless a -- before the host already ended the options.
if [ $dashdash = 0 ] && [ "$1" = -- ]; then
	shift
fi

one_of --predict "$predict" adaptive always never experimental
# The stock wrapper lowercases the family, and takes ssh and any in any case.
family=$(printf '%s' "$family" | tr '[:upper:]' '[:lower:]')
one_of --family "$family" inet inet6 auto all prefer-inet prefer-inet6
one_of --experimental-remote-ip "$remote_ip" proxy local remote
case $bind in
[Ss][Ss][Hh]) bind=ssh ;;
[Aa][Nn][Yy]) bind=any ;;
*) is_address "$bind" || die "--bind-server takes ssh, any or an IP address, not '$bind'" ;;
esac
if [ -n "$port" ]; then
	lo=${port%%:*} hi=${port#*:}
	case $lo$hi in *[!0-9]* | "") die "bad port '$port': want PORT or LOW:HIGH" ;; esac
	[ "$lo" -le 65535 ] && [ "$hi" -le 65535 ] || die "port '$port' outside 0..65535"
	[ "$lo" -le "$hi" ] || die "low port $lo greater than high port $hi"
fi
if [ $local = 1 ]; then
	relay=$here/build/relay
	if [ -n "$delay$loss$trace" ] && [ ! -x "$relay" ]; then
		die "--delay, --loss and --trace need build/relay (run make)"
	fi
else
	[ -z "$delay$loss$trace" ] || die "--delay, --loss and --trace need --local"
fi
if [ -z "$client" ]; then
	if [ -x "$here/mosh-client" ]; then client=$here/mosh-client; else client=mosh-client; fi
fi
if ! command -v "$client" >/dev/null 2>&1; then
	die "client '$client' not found (run make, or give --client=PATH)"
fi

# --resume: the client continues a saved session; no ssh, no new server.
if [ $resume = 1 ]; then
	if [ -z "$resume_file" ]; then
		case ${XDG_STATE_HOME:-} in
		/*) dir=$XDG_STATE_HOME/mosh ;;
		*) dir=$HOME/.local/state/mosh ;;
		esac
		# shellcheck disable=SC2012 # the names are session-<hex>
		resume_file=$(ls -t "$dir"/session-* 2>/dev/null | head -n 1)
		[ -n "$resume_file" ] || die "no saved session in $dir"
	fi
	exec "$client" --resume "$resume_file"
fi

# The client checks the locale too, but failing here saves a login.
charmap=$(locale charmap 2>/dev/null)
case $charmap in
UTF-8 | utf-8 | utf8) ;;
*)
	die "needs a UTF-8 native locale to run" \
	    "(the character set here is \"$charmap\"); try LANG=C.UTF-8"
	;;
esac

colors=$("$client" -c 2>/dev/null)
case $colors in "" | *[!0-9]*) colors=0 ;; esac

# The server's words after the server command itself: `'new' '-c' N ...`.
cmd=" 'new' '-c' $(quote "$colors")"
case $bind in
ssh)
	# The address the client will use: ssh's for a remote server.
	if [ $local = 1 ]; then cmd="$cmd '-i' $(quote "$host")"; else cmd="$cmd '-s'"; fi
	;;
any) ;;
*) cmd="$cmd '-i' $(quote "$bind")" ;;
esac
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
	ip=$(resolve "$host") || exit 1
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
else
	name=${host##*@}
	user=${host%"$name"}
	case $remote_ip in
	proxy)
		# ssh -G prints the configuration for this host: HostName
		# follows aliases.  An ssh without -G leaves the name as given.
		# shellcheck disable=SC2086 # --ssh is a list of words
		real=$($ssh -G "$host" 2>/dev/null | awk '$1 == "hostname" { print $2; exit }')
		ip=$(resolve "${real:-$name}") || exit 1
		;;
	local)
		ip=$(resolve "$name") || exit 1
		host=$user$ip
		;;
	remote)
		ip=""
		;;
	esac
	server=${server:-mosh-server}
	remote=$server$cmd
	if [ "$remote_ip" = remote ]; then
		# Prints where the client came from, as the server saw it, first.
		# (Single quotes: the remote shell expands $SSH_CONNECTION.)
		# shellcheck disable=SC2016
		probe='[ -n "$SSH_CONNECTION" ] && printf "\nMOSH SSH_CONNECTION %s\n"'
		# shellcheck disable=SC2016
		probe="$probe"' "$SSH_CONNECTION"'
		remote="sh -c $(quote "$probe") ; $remote"
	fi
	# ssh's own options; the command words above are in $cmd by now.
	set -- -n
	[ $ssh_pty = 0 ] || set -- "$@" -tt
	# ssh connects over the family the client will use.
	[ "$family" != inet ] || set -- "$@" -4
	[ "$family" != inet6 ] || set -- "$@" -6
	# shellcheck disable=SC2086 # --ssh is a list of words
	conn=$($ssh "$@" "$host" -- "$remote" 2>&1 | awk "$parse")
fi
case $conn in
none | "")
	echo "mosh: Did not find mosh server startup message." \
	    "(Have you installed mosh on your server?)" >&2
	exit 2
	;;
esac
# "<ip or -> <port> <key>", split without the shell's globbing: the first
# word came from the remote side.
seen=${conn%% *}
conn=${conn#* }
port=${conn%% *}
key=${conn#* }
if [ $local = 0 ] && [ "$remote_ip" = remote ]; then
	if [ "$seen" = - ]; then
		die "Did not find remote IP address (no MOSH SSH_CONNECTION line);" \
		    "try --experimental-remote-ip=proxy"
	fi
	ip=$seen
fi

export MOSH_PREDICTION_DISPLAY="$predict"
[ $overwrite = 0 ] || export MOSH_PREDICTION_OVERWRITE=yes
[ $init = 1 ] || export MOSH_NO_TERM_INIT=1
# The key goes into the client's environment only, by an assignment on its
# own command: never a command-line word, never exported to a helper.
if [ -z "$delay$loss$trace" ]; then
	MOSH_KEY=$key exec "$client" -# "$args |" "$ip" "$port"
fi

# --local with impairment or a trace: the client talks to the relay, which
# forwards to the server; the relay lives as long as the client does.  To
# decode the trace the relay needs the key: it reads it as one line on its
# stdin (printf is a shell builtin, so the key is in no process's argv).
key_line() {
	[ -z "$trace" ] || printf '%s\n' "$key"
}
out=$(mktemp) || exit 1
err=$(mktemp) || exit 1
key_line | "$relay" --listen 127.0.0.1:0 --to "$ip:$port" --duration 86400 \
    ${delay:+--delay "$delay"} ${loss:+--loss "$loss"} ${trace:+--trace "$trace"} \
    >"$out" 2>"$err" &
relay_pid=$!
n=0
until port=$(sed -n 's/^RELAY //p' "$out") && [ -n "$port" ]; do
	n=$((n + 1))
	if [ $n -ge 50 ] || ! kill -0 "$relay_pid" 2>/dev/null; then
		kill "$relay_pid" 2>/dev/null
		cat "$err" >&2
		rm -f "$out" "$err"
		die "the relay did not start"
	fi
	sleep 0.1
done
rm -f "$out"
MOSH_KEY=$key "$client" -# "$args |" "$ip" "$port"
status=$?
kill "$relay_pid" 2>/dev/null
rm -f "$err"
[ -z "$trace" ] || echo "mosh: the protocol trace is in $trace" >&2
exit "$status"
