#!/bin/sh
# Sessions side by side (issue 6's Performance, issue 4's CPU goal): ours
# and Debian's mosh 1.4.0, each server with the client of its own kind, on
# 127.0.0.1, the client on a pty driven by $B/benchtool_session (which also
# forwards and counts the UDP traffic).  The server is started the same way
# for both (`mosh-server new -i 127.0.0.1`, the key handed over in
# MOSH_KEY); its command prints READY and runs sh.  Figures, each the
# median of $REPS runs alternating between the two kinds:
#   start to prompt   `mosh-server new` until the client's screen shows
#                     READY (and the same through the wrappers:
#                     `./mosh.sh --local` against `mosh --local`)
#   cat 40 MB         `cat` of a generated 40,000,000-byte text file:
#                     wall time until the following echo shows, the server
#                     daemon's CPU (utime + stime in /proc/PID/stat, read
#                     before it exits), UDP payload bytes each way
#   memory            VmHWM (peak resident) and VmRSS of server and client
#                     at the end of the cat, both still running
# Run by `make bench`; never fails (a missing piece is reported and skipped).
. tests/lib.sh
REPS=3
TOOL=$B/benchtool_session
MOSH_SERVER=/usr/bin/mosh-server
MOSH_CLIENT=/usr/bin/mosh-client
for p in "$TOOL" "$OUR_SERVER" "$OUR_CLIENT" "$MOSH_SERVER" "$MOSH_CLIENT"; do
	[ -x "$p" ] || { echo "   skipped: no $p (make, make bench, apt-get install mosh)"; exit 0; }
done
lib_init
export TERM=xterm-256color

# 40,000,000 bytes of text in lines of varying length, ending with a newline.
awk 'BEGIN {
	w = "the quick brown fox jumps over the lazy dog; pack my box with five dozen liquor jugs"
	for (i = 0; n < 40000000; i++) {
		s = sprintf("%08d %s %d\n", i, substr(w, 1 + i % 29, 20 + i % 41), i * 7919)
		if (n + length(s) > 40000000)
			s = substr(sprintf("%08d %s", i, w w), 1, 40000000 - n - 1) "\n"
		printf "%s", s
		n += length(s)
	}
}' >"$T/text"
[ "$(wc -c <"$T/text")" -eq 40000000 ] || { echo "   skipped: could not make the 40 MB file"; exit 0; }

# session KIND SERVER CLIENT: one measured session; appends "KIND name value"
# lines to $T/results.
session() {
	kind=$1 server=$2 client=$3
	t0=$(date +%s%N)
	conn=$("$server" new -i 127.0.0.1 -- sh -c 'echo READY; exec sh' 2>"$T/server.err" </dev/null |
	    sed -n 's/^MOSH CONNECT \([0-9]*\) \([A-Za-z0-9/+]*\)$/\1 \2/p')
	spid=$(sed -n 's/.*detached, pid = \([0-9]*\).*/\1/p' "$T/server.err")
	if [ -z "$conn" ] || [ -z "$spid" ]; then
		echo "   $kind: the server did not start: $(head -3 "$T/server.err")"
		return
	fi
	EXTRA_PIDS="$EXTRA_PIDS $spid"
	MOSH_KEY=${conn#* } timeout 200 "$TOOL" --to "${conn% *}" --server-pid "$spid" \
	    --cat "$T/text" --t0 "$t0" -- "$client" 127.0.0.1 @PORT >"$T/out" 2>"$T/err"
	grep -q '^error' "$T/out" && echo "   $kind: $(grep '^error' "$T/out") $(head -2 "$T/err")"
	sed "s/^/$kind /" "$T/out" >>"$T/results"
	# The server ends by itself after `exit`; a stuck one is stopped here.
	wait_until "! kill -0 $spid 2>/dev/null" 50 || kill "$spid" 2>/dev/null
}

# wrapper KIND COMMAND...: start to prompt through a wrapper's --local.
wrapper() {
	kind=$1
	shift
	t0=$(date +%s%N)
	timeout 60 "$TOOL" --t0 "$t0" -- "$@" -- sh -c 'echo READY; exec sh' >"$T/out" 2>"$T/err"
	grep -q '^error' "$T/out" && echo "   $kind wrapper: $(grep '^error' "$T/out") $(head -2 "$T/err")"
	sed -n "s/^prompt_ms /$kind wrapper_ms /p" "$T/out" >>"$T/results"
}

: >"$T/results"
r=0
while [ $r -lt $REPS ]; do
	session mosh "$MOSH_SERVER" "$MOSH_CLIENT"
	session ours "$OUR_SERVER" "$OUR_CLIENT"
	if command -v mosh >/dev/null; then
		wrapper mosh mosh --local --server="$MOSH_SERVER" --client="$MOSH_CLIENT" 127.0.0.1
	fi
	wrapper ours ./mosh.sh --local --server="$OUR_SERVER" --client="$OUR_CLIENT"
	r=$((r + 1))
done
command -v mosh >/dev/null || echo "   skipped: no Debian mosh wrapper for the wrapper row"

# The table: median per figure, ratio ours / mosh, and the issues' goals.
awk -v reps=$REPS '
function median(k,   n, i, j, t, a) {
	n = split(vals[k], a, " ")
	if (n == 0 || vals[k] == "")
		return ""
	for (i = 1; i <= n; i++)
		for (j = i + 1; j <= n; j++)
			if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }
	return a[int((n + 1) / 2)]
}
{ vals[$1 " " $2] = vals[$1 " " $2] (vals[$1 " " $2] == "" ? "" : " ") $3 }
END {
	nk = split("prompt_ms wrapper_ms cat_ms server_cpu_s cat_bytes_down cat_bytes_up " \
	    "cat_dgrams_down cat_dgrams_up server_hwm_kib client_hwm_kib server_rss_kib " \
	    "client_rss_kib", keys, " ")
	label["prompt_ms"] = "start to prompt, server+client (ms)"
	label["wrapper_ms"] = "start to prompt, wrapper --local (ms)"
	label["cat_ms"] = "cat 40 MB: wall time (ms)"
	label["server_cpu_s"] = "cat 40 MB: server CPU (s)"
	label["cat_bytes_down"] = "cat 40 MB: bytes server->client"
	label["cat_bytes_up"] = "cat 40 MB: bytes client->server"
	label["cat_dgrams_down"] = "cat 40 MB: datagrams server->client"
	label["cat_dgrams_up"] = "cat 40 MB: datagrams client->server"
	label["server_hwm_kib"] = "server peak RSS (KiB)"
	label["client_hwm_kib"] = "client peak RSS (KiB)"
	label["server_rss_kib"] = "server RSS after the cat (KiB)"
	label["client_rss_kib"] = "client RSS after the cat (KiB)"
	goal["server_cpu_s"] = 0.10; goal["cat_bytes_down"] = 1.00
	goal["server_hwm_kib"] = 0.25; goal["client_hwm_kib"] = 0.25
	strict["server_hwm_kib"] = 1; strict["client_hwm_kib"] = 1
	printf "   %-38s %10s %10s %10s  %s\n", "median of " reps " runs", "ours", "mosh", "ours/mosh", "goal"
	for (i = 1; i <= nk; i++) {
		k = keys[i]
		o = median("ours " k); m = median("mosh " k)
		if (o == "" && m == "") {
			printf "   %-38s skipped (no measurement)\n", label[k]
			continue
		}
		ratio = (o != "" && m != "" && m + 0 > 0) ? sprintf("%.3f", o / m) : "-"
		g = ""
		if (k in goal) {
			met = ratio != "-" && (strict[k] ? ratio + 0 < goal[k] : ratio + 0 <= goal[k])
			g = sprintf("%s %.2f: %s", strict[k] ? "<" : "<=", goal[k],
			    ratio == "-" ? "unknown" : met ? "met" : "NOT met")
		}
		printf "   %-38s %10s %10s %10s  %s\n", label[k], o == "" ? "-" : o, m == "" ? "-" : m, ratio, g
	}
}' "$T/results"
exit 0
