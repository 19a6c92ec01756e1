/*
 * relay.c -- a UDP impairment relay for the transport and session tests,
 * and the protocol trace for the classroom.
 *
 *   relay --listen 127.0.0.1:PORT --to 127.0.0.1:PORT [--delay MS]
 *         [--loss PCT] [--loss-up PCT] [--loss-down PCT] [--reorder PCT]
 *         [--dup PCT] [--blackout START:END]... [--rebind SECS]
 *         [--duration SECS] [--seed N] [--trace FILE]
 *   relay --selftest
 *
 * The client talks to the listen address; the relay forwards its
 * datagrams ("up") to --to from an upstream socket of its own, and the
 * server's replies ("down") back to the most recent client address, as a
 * NAT would.  Every datagram may be lost (--loss for both directions, or
 * one of them), held for --delay ms each way, held longer by a random
 * extra (--reorder: that share of datagrams overtakes no one but is
 * overtaken), or sent twice (--dup).  During a blackout window (seconds
 * since start, repeatable) nothing passes.  --rebind N replaces the
 * upstream socket every N seconds, so the server sees a new source port:
 * NAT rebinding.  Held datagrams wait in a bounded min-heap of due times;
 * one poll() loop serves sockets and timers.
 *
 * It prints "RELAY <listen port>" on stdout (PORT 0 picks a free one),
 * exits after --duration seconds (default 120) or on SIGTERM/SIGINT, and
 * then prints its counters on stderr, with the sequence number (bits
 * 62..0 of the first 8 bytes, sent in the clear) of the first datagram
 * each way: what a sender's numbering starts at, read off the wire.
 * Addresses must be loopback (127.0.0.0/8 or ::1): the relay never talks
 * to another host.
 *
 * --trace FILE writes every datagram that arrives, decoded, to FILE
 * (tests/transport/trace.c decodes; `./mosh.sh --local --trace=FILE` starts it).
 * From a real session: a command typed, Enter, its echo and output, and
 * last a datagram sealed under another key:
 *
 *   # ...a legend, one line per field...
 *      2.864 c>s seq=3299370745053297585 ts=22871 tsr=none  frag id=3 #0 final
 *      2.864 c>s inst old=1 new=3 ack=2 throw=1 diff: keys "echo trace''demo"
 *      2.899 c>s seq=3299370745053297586 ts=22908 tsr=22908 frag id=4 #0 final
 *      2.899 c>s inst old=3 new=4 ack=3 throw=3 diff: keys "\r"
 *      2.907 s>c seq=1751489624307556094 ts=22916 tsr=22916 frag id=4 #0 final
 *      2.907 s>c inst old=3 new=4 ack=4 throw=3 diff: host "\x1b[?25l\r\ntracedemo\r\n# \x1b[?25h"
 *      3.919 c>s bad len=70 why="Packet failed integrity check."
 *
 *   - One line per datagram, in arrival order: the time (seconds since the
 *     relay started, on the monotonic clock, to the millisecond: every
 *     trace starts near 0, and --blackout windows are on the same clock), the direction, then
 *     key=value fields in fixed order.  A datagram the relay did not just
 *     forward ends with [lost], [blackout], [late] or [twice], so a
 *     student sees why a resend follows.  The instruction a datagram
 *     completes follows on an "inst" line with the same time; a datagram
 *     that does not decode is a "bad" line with the receiver's reason.
 *     Keys and host bytes are escaped as in C (\r \n \x1b).  The file
 *     starts with a legend of `#` lines, so a trace explains itself.
 *   - The key comes as one line on standard input, read before anything
 *     else when --trace is given: `printf '%s\n' "$key" | relay ...`.
 *     Not in argv, where ps shows it to every user; not in MOSH_KEY,
 *     which only the client may receive (a helper that inherits it could
 *     leak it); not a --key-fd, which a shell can only feed from a here
 *     document (a temporary file in some shells) or an extra pipe.  printf
 *     is a shell builtin, so the key is never a process argument.  The
 *     line is read with read(2), not stdio, so no copy stays in a buffer,
 *     and it is wiped once decoded.
 *   - The trace holds every key typed, passwords included: FILE is made
 *     (or cut back) with mode 0600.
 */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "trace.h"

#define RELAY_MAX_DGRAM      65536  /* largest datagram read */
#define RELAY_QUEUE_MAX      8192   /* datagrams held at once; more are dropped */
#define RELAY_MAX_BLACKOUTS  16
#define RELAY_REORDER_MAX_MS 50     /* extra hold of a reordered datagram */
#define RELAY_DEFAULT_SECS   120

enum { UP = 0, DOWN = 1 };
static const char *dir_name[2] = { "up", "down" };

struct held {
	uint64_t due, seq;      /* seq keeps equal due times in arrival order */
	int dir;
	size_t len;
	uint8_t *data;
};

struct relay {
	struct sockaddr_storage to, client;
	socklen_t to_len, client_len;
	int lfd, ufd;
	double loss[2], reorder, dup;
	uint64_t delay_ms, rebind_ms, duration_ms, start;
	int nblackout;
	double blackout[RELAY_MAX_BLACKOUTS][2];
	uint64_t rng, seq;
	struct held *heap[RELAY_QUEUE_MAX];
	int nheld;
	unsigned long in[2], fwd[2], lost[2], dark[2], dups[2], full, rebinds;
	struct trace *trace;    /* NULL without --trace */
	unsigned long long first_seq[2];
};

static volatile sig_atomic_t stop;

static void
on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static uint64_t
now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* xorshift64*: uniform in [0, 1). */
static double
rnd(struct relay *r)
{
	r->rng ^= r->rng >> 12;
	r->rng ^= r->rng << 25;
	r->rng ^= r->rng >> 27;
	return (double)((r->rng * 0x2545F4914F6CDD1DULL) >> 11) / 9007199254740992.0;
}

static _Noreturn void
die(const char *fmt, const char *arg)
{
	fprintf(stderr, "relay: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\n");
	exit(2);
}

static int
is_loopback(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET)
		return (ntohl(((const struct sockaddr_in *)ss)->sin_addr.s_addr) >> 24) == 127;
	if (ss->ss_family == AF_INET6)
		return IN6_IS_ADDR_LOOPBACK(&((const struct sockaddr_in6 *)ss)->sin6_addr);
	return 0;
}

/* "127.0.0.1:PORT" or "[::1]:PORT", numeric, loopback only. */
static void
parse_addr(const char *s, struct sockaddr_storage *ss, socklen_t *len)
{
	char host[128];
	const char *colon = strrchr(s, ':');
	if (colon == NULL || (size_t)(colon - s) >= sizeof host)
		die("bad address '%s' (want HOST:PORT)", s);
	memcpy(host, s, (size_t)(colon - s));
	host[colon - s] = 0;
	char *h = host;
	if (h[0] == '[' && h[strlen(h) - 1] == ']') {
		h[strlen(h) - 1] = 0;
		h++;
	}
	struct addrinfo hints = { .ai_socktype = SOCK_DGRAM,
		.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV }, *ai;
	if (getaddrinfo(h, colon + 1, &hints, &ai) != 0)
		die("bad address '%s' (numeric HOST:PORT only)", s);
	memcpy(ss, ai->ai_addr, ai->ai_addrlen);
	*len = ai->ai_addrlen;
	freeaddrinfo(ai);
	if (!is_loopback(ss))
		die("refusing '%s': loopback addresses only", s);
}

static int
port_of(int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof ss;
	if (getsockname(fd, (struct sockaddr *)&ss, &len) < 0)
		return -1;
	if (ss.ss_family == AF_INET)
		return ntohs(((struct sockaddr_in *)&ss)->sin_port);
	return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
}

/* A non-blocking UDP socket bound to addr (port 0: any free port). */
static int
udp_bind(const struct sockaddr_storage *addr, socklen_t len)
{
	int fd = socket(addr->ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0 || bind(fd, (const struct sockaddr *)addr, len) < 0) {
		perror("relay: bind");
		exit(2);
	}
	return fd;
}

/* An upstream socket on the loopback address of --to's family. */
static int
upstream_socket(const struct relay *r)
{
	struct sockaddr_storage ss = r->to;
	if (ss.ss_family == AF_INET)
		((struct sockaddr_in *)&ss)->sin_port = 0;
	else
		((struct sockaddr_in6 *)&ss)->sin6_port = 0;
	return udp_bind(&ss, r->to_len);
}

/* ---- the timer queue: a binary min-heap on (due, seq) ---- */

static int
held_before(const struct held *a, const struct held *b)
{
	return a->due < b->due || (a->due == b->due && a->seq < b->seq);
}

static void
heap_push(struct relay *r, struct held *h)
{
	int i = r->nheld++;
	while (i > 0 && held_before(h, r->heap[(i - 1) / 2])) {
		r->heap[i] = r->heap[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	r->heap[i] = h;
}

static struct held *
heap_pop(struct relay *r)
{
	struct held *top = r->heap[0], *last = r->heap[--r->nheld];
	int i = 0;
	for (;;) {
		int c = 2 * i + 1;
		if (c >= r->nheld)
			break;
		if (c + 1 < r->nheld && held_before(r->heap[c + 1], r->heap[c]))
			c++;
		if (!held_before(r->heap[c], last))
			break;
		r->heap[i] = r->heap[c];
		i = c;
	}
	if (r->nheld > 0)
		r->heap[i] = last;
	return top;
}

static void
hold(struct relay *r, int dir, const uint8_t *p, size_t len, uint64_t due)
{
	if (r->nheld == RELAY_QUEUE_MAX) {
		r->full++;
		return;
	}
	struct held *h = malloc(sizeof *h);
	uint8_t *d = malloc(len ? len : 1);
	if (h == NULL || d == NULL)
		die("%s", "out of memory");
	memcpy(d, p, len);
	*h = (struct held){ .due = due, .seq = r->seq++, .dir = dir, .len = len, .data = d };
	heap_push(r, h);
}

static int
in_blackout(const struct relay *r, uint64_t now)
{
	double t = (double)(now - r->start) / 1000.0;
	for (int i = 0; i < r->nblackout; i++)
		if (t >= r->blackout[i][0] && t < r->blackout[i][1])
			return 1;
	return 0;
}

/* Decides the fate of one datagram that arrived from direction dir. */
static void
impair(struct relay *r, int dir, const uint8_t *p, size_t len, uint64_t now)
{
	unsigned fate = TRACE_FORWARDED;
	int copies = 1;
	uint64_t due = now + r->delay_ms;

	if (r->in[dir] == 0) {
		for (size_t i = 0; i < 8 && i < len; i++)
			r->first_seq[dir] = (r->first_seq[dir] << 8 | p[i]) & ~(1ULL << 63);
	}
	r->in[dir]++;
	if (in_blackout(r, now)) {
		r->dark[dir]++;
		fate = TRACE_BLACKOUT;
		copies = 0;
	} else if (rnd(r) * 100 < r->loss[dir]) {
		r->lost[dir]++;
		fate = TRACE_LOST;
		copies = 0;
	} else {
		if (rnd(r) * 100 < r->reorder) {
			due += 1 + (uint64_t)(rnd(r) * RELAY_REORDER_MAX_MS);
			fate |= TRACE_LATE;
		}
		if (rnd(r) * 100 < r->dup) {
			r->dups[dir]++;
			fate |= TRACE_TWICE;
			copies = 2;
		}
	}
	if (r->trace != NULL)
		trace_datagram(r->trace, now - r->start, dir == UP ? TRACE_C2S : TRACE_S2C,
		    p, len, fate);
	for (int i = 0; i < copies; i++)
		hold(r, dir, p, len, due);
}

static void
send_due(struct relay *r, uint64_t now)
{
	while (r->nheld > 0 && r->heap[0]->due <= now) {
		struct held *h = heap_pop(r);
		ssize_t n;
		if (h->dir == UP)
			n = sendto(r->ufd, h->data, h->len, 0,
			    (struct sockaddr *)&r->to, r->to_len);
		else
			n = sendto(r->lfd, h->data, h->len, 0,
			    (struct sockaddr *)&r->client, r->client_len);
		/* A refused or full socket loses the datagram, as a network would. */
		if (n == (ssize_t)h->len)
			r->fwd[h->dir]++;
		free(h->data);
		free(h);
	}
}

static int
same_addr(const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
	if (a->ss_family != b->ss_family)
		return 0;
	if (a->ss_family == AF_INET) {
		const struct sockaddr_in *x = (const void *)a, *y = (const void *)b;
		return x->sin_port == y->sin_port && x->sin_addr.s_addr == y->sin_addr.s_addr;
	}
	const struct sockaddr_in6 *x = (const void *)a, *y = (const void *)b;
	return x->sin6_port == y->sin6_port &&
	    memcmp(&x->sin6_addr, &y->sin6_addr, sizeof x->sin6_addr) == 0;
}

/* Reads every datagram waiting on fd. */
static void
drain(struct relay *r, int fd, int dir, uint64_t now)
{
	static uint8_t pkt[RELAY_MAX_DGRAM];
	for (;;) {
		struct sockaddr_storage from;
		socklen_t fl = sizeof from;
		ssize_t n = recvfrom(fd, pkt, sizeof pkt, 0, (struct sockaddr *)&from, &fl);
		if (n < 0)
			return;         /* EAGAIN, or an ICMP error from a closed port */
		if (dir == UP) {
			r->client = from;
			r->client_len = fl;
		} else if (!same_addr(&from, &r->to)) {
			continue;       /* not the server: a stray */
		}
		impair(r, dir, pkt, (size_t)n, now);
	}
}

static void
relay_run(struct relay *r)
{
	uint64_t end = r->start + r->duration_ms;
	uint64_t next_rebind = r->rebind_ms ? r->start + r->rebind_ms : UINT64_MAX;

	while (!stop) {
		uint64_t now = now_ms();
		if (now >= end)
			break;
		if (now >= next_rebind) {
			/* The new socket exists before the old one closes, so
			 * its port is certain to differ. */
			int fd = upstream_socket(r);
			close(r->ufd);
			r->ufd = fd;
			r->rebinds++;
			next_rebind += r->rebind_ms;
		}
		send_due(r, now);
		uint64_t wake = end < next_rebind ? end : next_rebind;
		if (r->nheld > 0 && r->heap[0]->due < wake)
			wake = r->heap[0]->due;
		struct pollfd pf[2] = { { r->lfd, POLLIN, 0 }, { r->ufd, POLLIN, 0 } };
		int rc = poll(pf, 2, (int)(wake > now ? wake - now : 0));
		if (rc < 0 && errno != EINTR) {
			perror("relay: poll");
			break;
		}
		now = now_ms();
		if (rc > 0 && (pf[0].revents & POLLIN))
			drain(r, r->lfd, UP, now);
		if (rc > 0 && (pf[1].revents & POLLIN))
			drain(r, r->ufd, DOWN, now);
	}
	for (int d = UP; d <= DOWN; d++)
		fprintf(stderr, "relay: %s: in %lu, forwarded %lu, lost %lu, blackout %lu, dup %lu, "
		    "first seq %llu\n", dir_name[d], r->in[d], r->fwd[d], r->lost[d], r->dark[d],
		    r->dups[d], r->first_seq[d]);
	fprintf(stderr, "relay: rebinds %lu, queue full %lu, still held %d\n",
	    r->rebinds, r->full, r->nheld);
	while (r->nheld > 0) {
		struct held *h = heap_pop(r);
		free(h->data);
		free(h);
	}
}

static double
num_arg(const char *opt, const char *v, double lo, double hi)
{
	char *end;
	double x = strtod(v, &end);
	if (end == v || *end != 0 || !(x >= lo && x <= hi))
		die("bad value for %s", opt);
	return x;
}

/* The session key for --trace: one line on standard input (see the top). */
static void
read_trace_key(uint8_t key[KEY_LEN])
{
	char line[KEY_B64_LEN + 2];
	size_t n = 0;
	char c;

	while (n < sizeof line - 1 && read(0, &c, 1) == 1 && c != '\n')
		line[n++] = c;
	line[n] = 0;
	const char *why = key_decode(line, key);
	crypto_wipe(line, sizeof line);
	crypto_wipe(&c, sizeof c);
	if (why != NULL)
		die("--trace needs the session key as one line on standard input: %s", why);
}

/* Creates (or empties) the trace file, readable by its owner only. */
static FILE *
open_trace_file(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	struct stat st;
	char why[512];
	if (fd < 0) {
		snprintf(why, sizeof why, "%s: %s", path, strerror(errno));
		die("cannot write the trace file %s", why);
	}
	/* An existing file keeps its mode through O_TRUNC. */
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 077) != 0 &&
	    fchmod(fd, 0600) != 0) {
		snprintf(why, sizeof why, "%s: %s", path, strerror(errno));
		die("cannot make the trace file private (chmod 600) %s", why);
	}
	FILE *f = fdopen(fd, "w");
	if (f == NULL)
		die("%s", "out of memory");
	setvbuf(f, NULL, _IOLBF, 0);    /* a reader may follow it live */
	return f;
}

static int selftest(const char *self);

int
main(int argc, char **argv)
{
	static struct relay r;
	struct sockaddr_storage listen;
	socklen_t listen_len = 0;
	int have_seed = 0;
	const char *trace_path = NULL;

	r.duration_ms = RELAY_DEFAULT_SECS * 1000;
	for (int i = 1; i < argc; i++) {
		const char *o = argv[i];
		if (strcmp(o, "--selftest") == 0)
			return selftest(argv[0]);
		if (i + 1 >= argc)
			die("missing value or unknown option %s", o);
		const char *v = argv[++i];
		if (strcmp(o, "--listen") == 0) {
			parse_addr(v, &listen, &listen_len);
		} else if (strcmp(o, "--to") == 0) {
			parse_addr(v, &r.to, &r.to_len);
		} else if (strcmp(o, "--delay") == 0) {
			r.delay_ms = (uint64_t)num_arg(o, v, 0, 60000);
		} else if (strcmp(o, "--loss") == 0) {
			r.loss[UP] = r.loss[DOWN] = num_arg(o, v, 0, 100);
		} else if (strcmp(o, "--loss-up") == 0) {
			r.loss[UP] = num_arg(o, v, 0, 100);
		} else if (strcmp(o, "--loss-down") == 0) {
			r.loss[DOWN] = num_arg(o, v, 0, 100);
		} else if (strcmp(o, "--reorder") == 0) {
			r.reorder = num_arg(o, v, 0, 100);
		} else if (strcmp(o, "--dup") == 0) {
			r.dup = num_arg(o, v, 0, 100);
		} else if (strcmp(o, "--blackout") == 0) {
			double a = 0, b = 0;
			char c;
			if (r.nblackout == RELAY_MAX_BLACKOUTS ||
			    sscanf(v, "%lf:%lf%c", &a, &b, &c) != 2 || !(a >= 0 && b >= a))
				die("bad --blackout '%s' (want START:END seconds)", v);
			r.blackout[r.nblackout][0] = a;
			r.blackout[r.nblackout++][1] = b;
		} else if (strcmp(o, "--rebind") == 0) {
			r.rebind_ms = (uint64_t)(num_arg(o, v, 0.01, 86400) * 1000);
		} else if (strcmp(o, "--duration") == 0) {
			r.duration_ms = (uint64_t)(num_arg(o, v, 0, 86400) * 1000);
		} else if (strcmp(o, "--trace") == 0) {
			trace_path = v;
		} else if (strcmp(o, "--seed") == 0) {
			r.rng = (uint64_t)num_arg(o, v, 0, 1e18);
			have_seed = 1;
		} else {
			die("unknown option %s", o);
		}
	}
	if (listen_len == 0 || r.to_len == 0)
		die("%s", "usage: relay --listen 127.0.0.1:PORT --to 127.0.0.1:PORT [options] | --selftest");
	if (!have_seed)
		r.rng = (uint64_t)time(NULL) ^ (uint64_t)getpid() << 32;
	r.rng = r.rng * 2 + 1;  /* xorshift needs a non-zero state */
	uint8_t key[KEY_LEN];
	FILE *trace_file = NULL;
	if (trace_path != NULL) {
		read_trace_key(key);
		trace_file = open_trace_file(trace_path);
	}

	struct sigaction sa = { .sa_handler = on_signal };
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	r.lfd = udp_bind(&listen, listen_len);
	r.ufd = upstream_socket(&r);
	if (trace_file != NULL) {
		char title[160];
		snprintf(title, sizeof title, "relay port %d, delay %llu ms, loss %g%% up %g%% down, "
		    "reorder %g%%, dup %g%%", port_of(r.lfd), (unsigned long long)r.delay_ms,
		    r.loss[UP], r.loss[DOWN], r.reorder, r.dup);
		r.trace = trace_new(trace_file, key, title);
		crypto_wipe(key, sizeof key);
		if (r.trace == NULL)
			die("%s", "out of memory");
	}
	r.start = now_ms();
	printf("RELAY %d\n", port_of(r.lfd));
	fflush(stdout);
	relay_run(&r);
	close(r.lfd);
	close(r.ufd);
	if (trace_file != NULL) {
		trace_free(r.trace);
		fclose(trace_file);
	}
	return 0;
}

/* ---- self-test: runs real relays (this program) between two sockets ---- */

#define ST_WAIT_MS 400          /* quiet time that ends a receive phase */

struct peer {
	int fd;
	struct sockaddr_in addr;
};

static pid_t st_pid;

/* Starts `self --listen 127.0.0.1:0 --to 127.0.0.1:server_port extra...`
 * and returns the port it printed. */
static int
st_spawn(const char *self, int server_port, const char **extra)
{
	int pfd[2];
	char to[32];
	const char *av[32] = { self, "--listen", "127.0.0.1:0", "--to", to };
	int ac = 5;

	snprintf(to, sizeof to, "127.0.0.1:%d", server_port);
	while (*extra && ac < 30)
		av[ac++] = *extra++;
	av[ac] = NULL;
	if (pipe(pfd) < 0)
		return -1;
	st_pid = fork();
	if (st_pid == 0) {
		dup2(pfd[1], 1);
		close(pfd[0]);
		close(pfd[1]);
		/* argv[0] when it is a path: under valgrind, /proc/self/exe
		 * is valgrind itself. */
		execv(strchr(self, '/') ? self : "/proc/self/exe", (char **)av);
		_exit(127);
	}
	close(pfd[1]);
	FILE *f = fdopen(pfd[0], "r");
	int port = -1;
	if (f == NULL || fscanf(f, "RELAY %d", &port) != 1)
		port = -1;
	if (f)
		fclose(f);
	return port;
}

/* Stops the relay with SIGTERM; 0 if it exited cleanly within 5 s. */
static int
st_stop(void)
{
	int status;
	kill(st_pid, SIGTERM);
	for (int i = 0; i < 500; i++) {
		if (waitpid(st_pid, &status, WNOHANG) == st_pid)
			return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
		usleep(10000);
	}
	kill(st_pid, SIGKILL);
	waitpid(st_pid, &status, 0);
	return -1;
}

static void
st_peer(struct peer *p)
{
	socklen_t len = sizeof p->addr;
	p->addr = (struct sockaddr_in){ .sin_family = AF_INET,
		.sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	p->fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
	if (p->fd < 0 || bind(p->fd, (struct sockaddr *)&p->addr, len) < 0 ||
	    getsockname(p->fd, (struct sockaddr *)&p->addr, &len) < 0)
		die("%s", "selftest: socket");
}

static void
st_send(struct peer *from, int port, uint32_t seq)
{
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port),
		.sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	(void)sendto(from->fd, &seq, sizeof seq, 0, (struct sockaddr *)&to, sizeof to);
}

/* Receives one datagram within ms; its sequence number, or -1. */
static long
st_recv(struct peer *p, int ms, struct sockaddr_in *from)
{
	struct pollfd pf = { p->fd, POLLIN, 0 };
	uint32_t seq;
	socklen_t fl = sizeof *from;
	if (poll(&pf, 1, ms) <= 0)
		return -1;
	if (recvfrom(p->fd, &seq, sizeof seq, 0, (struct sockaddr *)from, &fl) != sizeof seq)
		return -1;
	return seq;
}

/* What the server side saw of one run. */
struct st_result {
	int got, replies, inversions, ports;
	long first, last;
	uint64_t rtt_ms;
};

/* Sends count datagrams, one every gap_ms, through a relay with the given
 * options; the server echoes each.  Bounded by count * gap + a few
 * quiet periods. */
static int
st_run(const char *self, const char **opts, int count, int gap_ms, struct st_result *res)
{
	struct peer cli, srv;
	struct sockaddr_in from;
	uint16_t ports[64];
	long prev = -1;

	memset(res, 0, sizeof *res);
	res->first = -1;
	st_peer(&cli);
	st_peer(&srv);
	int port = st_spawn(self, ntohs(srv.addr.sin_port), opts);
	if (port <= 0)
		return -1;
	uint64_t t0 = now_ms();
	for (int i = 0; i < count || res->got == 0; i++) {
		if (i < count)
			st_send(&cli, port, (uint32_t)i);
		else if (now_ms() - t0 > 5000)
			break;
		/* Serve both sides until the next send is due. */
		uint64_t next = t0 + (uint64_t)(i + 1) * (uint64_t)gap_ms;
		int quiet = i + 1 >= count ? ST_WAIT_MS : 0;
		for (;;) {
			uint64_t now = now_ms();
			int ms = quiet ? quiet : (next > now ? (int)(next - now) : 0);
			struct pollfd pf[2] = { { srv.fd, POLLIN, 0 }, { cli.fd, POLLIN, 0 } };
			if (poll(pf, 2, ms) <= 0)
				break;
			long s;
			if ((s = st_recv(&srv, 0, &from)) >= 0) {
				if (res->got == 0)
					res->first = s;
				res->got++;
				res->last = s;
				res->inversions += s < prev;
				prev = s;
				int k;
				for (k = 0; k < res->ports && ports[k] != from.sin_port; k++)
					;
				if (k == res->ports && k < 64)
					ports[res->ports++] = from.sin_port;
				(void)sendto(srv.fd, &(uint32_t){ (uint32_t)s }, 4, 0,
				    (struct sockaddr *)&from, sizeof from);
			}
			if (st_recv(&cli, 0, &from) >= 0) {
				if (res->replies++ == 0)
					res->rtt_ms = now_ms() - t0 - (uint64_t)gap_ms * (uint64_t)res->first;
			}
		}
	}
	close(cli.fd);
	close(srv.fd);
	return st_stop();
}

static int
st_check(const char *what, int ok)
{
	fprintf(stderr, "selftest: %-44s %s\n", what, ok ? "ok" : "FAILED");
	return ok ? 0 : 1;
}

static int
selftest(const char *self)
{
	struct st_result r;
	int fails = 0;
	char msg[128];

	const char *plain[] = { "--seed", "1", NULL };
	fails += st_check("plain run", st_run(self, plain, 200, 1, &r) == 0 &&
	    r.got == 200 && r.replies == 200 && r.inversions == 0);

	const char *loss[] = { "--loss-up", "30", "--loss-down", "10", "--seed", "7", NULL };
	int rc = st_run(self, loss, 1000, 1, &r);
	snprintf(msg, sizeof msg, "loss 30%%/10%%: %d up, %d back of 1000", r.got, r.replies);
	fails += st_check(msg, rc == 0 && r.got >= 600 && r.got <= 800 &&
	    r.replies >= r.got * 8 / 10 && r.replies <= r.got * 97 / 100);

	const char *dup[] = { "--dup", "50", "--reorder", "30", "--seed", "3", NULL };
	rc = st_run(self, dup, 300, 2, &r);
	snprintf(msg, sizeof msg, "dup 50%%, reorder 30%%: %d got, %d inversions", r.got, r.inversions);
	fails += st_check(msg, rc == 0 && r.got >= 380 && r.got <= 520 && r.inversions > 0);

	const char *delay[] = { "--delay", "100", NULL };
	rc = st_run(self, delay, 3, 10, &r);
	snprintf(msg, sizeof msg, "delay 100 ms: round trip %llu ms", (unsigned long long)r.rtt_ms);
	fails += st_check(msg, rc == 0 && r.got == 3 && r.rtt_ms >= 190 && r.rtt_ms < 3000);

	const char *dark[] = { "--blackout", "0:0.5", NULL };
	rc = st_run(self, dark, 20, 50, &r);
	snprintf(msg, sizeof msg, "blackout 0-0.5 s: first %ld, last %ld", r.first, r.last);
	fails += st_check(msg, rc == 0 && r.first >= 1 && r.first <= 14 && r.last == 19);

	const char *rebind[] = { "--rebind", "0.7", NULL };
	rc = st_run(self, rebind, 20, 100, &r);
	snprintf(msg, sizeof msg, "rebind every 0.7 s: %d source ports", r.ports);
	fails += st_check(msg, rc == 0 && r.ports >= 2 && r.got >= 15);

	const char *quit[] = { "--duration", "0.3", NULL };
	struct peer srv;
	st_peer(&srv);
	int port = st_spawn(self, ntohs(srv.addr.sin_port), quit);
	int status = -1;
	for (int i = 0; i < 300 && waitpid(st_pid, &status, WNOHANG) != st_pid; i++)
		usleep(10000);
	fails += st_check("exits by itself after --duration", port > 0 &&
	    WIFEXITED(status) && WEXITSTATUS(status) == 0);
	if (!WIFEXITED(status))
		st_stop();
	close(srv.fd);
	return fails ? 1 : 0;
}
