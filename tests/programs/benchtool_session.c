/*
 * benchtool_session.c -- one measured mosh session for tests/programs/bench_session.sh.
 *
 *   benchtool_session [--to PORT --server-pid PID --cat FILE] [--t0 NS]
 *                     -- CLIENT ARGS...
 *
 * The client runs on an 80x24 pty; what it prints is fed to our emulator
 * (term.c) so that the tool can see the screen the user would see.  With
 * --to, the tool is also the client's network: it binds a UDP port on
 * 127.0.0.1, puts its number in place of any argument "@PORT", forwards
 * datagrams to the server at 127.0.0.1:PORT and counts them and their
 * payload bytes in each direction (a NAT-like forwarder, as build/relay,
 * which counts datagrams but not bytes).
 *
 * Steps, each with a bounded wait:
 *   1. wait until the screen shows READY (the session's command prints it);
 *      prompt_ms is the time since --t0 (CLOCK_REALTIME ns; default: the
 *      tool's start), so the caller can include the server's own start;
 *   2. with --cat: read the server's CPU time (utime + stime of
 *      /proc/PID/stat), type `cat FILE; echo C$((1+1))`, wait for a row
 *      that starts with "C2" (only the command's output can), then read
 *      the server's CPU time again and the peak and current resident memory
 *      of server and client (VmHWM, VmRSS of /proc/PID/status) while both
 *      still run;
 *   3. type `exit`, wait for the client to end (killed if it does not).
 * Results are printed as "name value" lines on stdout; a failed step prints
 * "error what" and the tool exits 1.
 */
#include <errno.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <time.h>
#include <unistd.h>
#include "term.h"

#define BS_WIDTH     80
#define BS_HEIGHT    24
#define BS_READY_MS  20000      /* longest wait for the first prompt */
#define BS_CAT_MS    170000     /* longest wait for the cat to finish */
#define BS_EXIT_MS   5000       /* longest wait for the client to end */
#define BS_DGRAM     65536      /* largest datagram forwarded */
#define BS_ARGS      64

enum { UP = 0, DOWN = 1 };

static struct term *bs_term;
static int bs_master = -1, bs_cl = -1, bs_up = -1;
static pid_t bs_client;
static int bs_client_status = -1;       /* wait status once it ended */
static struct sockaddr_in bs_peer;      /* the client's latest address */
static int bs_have_peer;
static unsigned long long bs_bytes[2], bs_dgrams[2];

static double
bs_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static long long
bs_real_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* Row y of the screen as UTF-8 (empty cells as spaces) into out. */
static void
bs_row_text(int y, char *out, size_t cap)
{
	struct term_fb *fb = term_fb(bs_term);
	struct term_row *row = fb->rows[y];
	size_t n = 0;

	for (int x = 0; x < row->width; x++) {
		const struct term_cell *c = &row->cells[x];
		if (n + TERM_CELL_TEXT + 1 >= cap)
			break;
		if (c->len == 0) {
			out[n++] = ' ';
		} else {
			memcpy(out + n, c->text, c->len);
			n += c->len;
		}
	}
	out[n] = '\0';
}

/* Does any row contain s (anywhere, or at its start when at_start)? */
static int
bs_screen_has(const char *s, int at_start)
{
	char line[BS_WIDTH * (TERM_CELL_TEXT + 1) + 1];
	int h = term_fb(bs_term)->ds.height;

	for (int y = 0; y < h; y++) {
		bs_row_text(y, line, sizeof line);
		char *p = strstr(line, s);
		if (p && (!at_start || p == line))
			return 1;
	}
	return 0;
}

static void
bs_forward(int from)
{
	static uint8_t d[BS_DGRAM];
	struct sockaddr_in a;
	socklen_t alen = sizeof a;
	ssize_t n = recvfrom(from, d, sizeof d, MSG_DONTWAIT, (struct sockaddr *)&a, &alen);

	if (n < 0)
		return;
	if (from == bs_cl) {
		bs_peer = a;
		bs_have_peer = 1;
		bs_bytes[UP] += (unsigned long long)n;
		bs_dgrams[UP]++;
		send(bs_up, d, (size_t)n, MSG_DONTWAIT);
	} else if (bs_have_peer) {
		bs_bytes[DOWN] += (unsigned long long)n;
		bs_dgrams[DOWN]++;
		sendto(bs_cl, d, (size_t)n, MSG_DONTWAIT, (struct sockaddr *)&bs_peer, sizeof bs_peer);
	}
}

/*
 * Serves the pty and the sockets for up to ms milliseconds, or until
 * done() holds (checked after each read).  Returns 1 if done() held.
 */
static int
bs_pump(double ms, int (*done)(void))
{
	double end = bs_now_ms() + ms;
	static uint8_t buf[65536];

	for (;;) {
		struct pollfd p[3] = {
			{ .fd = bs_master, .events = POLLIN },
			{ .fd = bs_cl, .events = POLLIN },
			{ .fd = bs_up, .events = POLLIN },
		};
		double left = end - bs_now_ms();
		if (left <= 0)
			return 0;
		if (poll(p, 3, (int)left + 1) < 0 && errno != EINTR)
			return 0;
		if (p[1].revents & POLLIN)
			bs_forward(bs_cl);
		if (p[2].revents & POLLIN)
			bs_forward(bs_up);
		if (p[0].revents & (POLLIN | POLLHUP | POLLERR)) {
			ssize_t n = read(bs_master, buf, sizeof buf);
			if (n > 0)
				term_write(bs_term, buf, (size_t)n, NULL);
			else if (n == 0 || (errno != EINTR && errno != EAGAIN))
				bs_master = -1;   /* the client is gone: poll ignores -1 */
		}
		int st;
		if (bs_client_status < 0 && waitpid(bs_client, &st, WNOHANG) == bs_client)
			bs_client_status = st;
		if (done && done())
			return 1;
		if (!done && bs_master < 0 && bs_client_status >= 0)
			return 1;
	}
}

static int
bs_ready(void)
{
	return bs_screen_has("READY", 0);
}

static int
bs_cat_done(void)
{
	return bs_screen_has("C2", 1);
}

static int
bs_client_ended(void)
{
	return bs_client_status >= 0;
}

static void
bs_type(const char *s)
{
	size_t n = strlen(s);

	if (bs_master >= 0 && write(bs_master, s, n) != (ssize_t)n)
		perror("write");
}

/* utime + stime of pid, in seconds, or -1. */
static double
bs_cpu(pid_t pid)
{
	char path[64], buf[1024];
	FILE *f;
	size_t n;

	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	if (!(f = fopen(path, "r")))
		return -1;
	n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	/* The command name may hold spaces: count fields after its ')'. */
	char *p = strrchr(buf, ')');
	unsigned long ut, st;
	if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu",
	    &ut, &st) != 2)
		return -1;
	return (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
}

/* A "Vm...:" figure of pid in KiB, or -1. */
static long
bs_vm(pid_t pid, const char *field)
{
	char path[64], line[256];
	FILE *f;
	long v = -1;

	snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
	if (!(f = fopen(path, "r")))
		return -1;
	while (fgets(line, sizeof line, f))
		if (strncmp(line, field, strlen(field)) == 0)
			v = atol(line + strlen(field) + 1);
	fclose(f);
	return v;
}

static void
bs_print_vm(const char *name, pid_t pid, const char *field)
{
	long v = bs_vm(pid, field);

	if (v >= 0)
		printf("%s %ld\n", name, v);
}

static int
bs_udp(uint16_t connect_port)
{
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	struct sockaddr_in a = { .sin_family = AF_INET };

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) < 0)
		return -1;
	if (connect_port) {
		a.sin_port = htons(connect_port);
		if (connect(fd, (struct sockaddr *)&a, sizeof a) < 0)
			return -1;
	}
	return fd;
}

static void
bs_usage(void)
{
	fprintf(stderr, "usage: benchtool_session [--to PORT --server-pid PID --cat FILE] "
	    "[--t0 NS] -- CLIENT ARGS...\n");
	exit(2);
}

static void
bs_fail(const char *what)
{
	printf("error %s\n", what);
	if (bs_client > 0)
		kill(bs_client, SIGKILL);
	exit(1);
}

int
main(int argc, char **argv)
{
	int to = 0, spid = 0, i;
	const char *cat = NULL;
	long long t0 = bs_real_ns();
	char *args[BS_ARGS + 1], port[16] = "";

	for (i = 1; i < argc && strcmp(argv[i], "--") != 0; i++) {
		if (i + 1 >= argc)
			bs_usage();
		if (strcmp(argv[i], "--to") == 0)
			to = atoi(argv[++i]);
		else if (strcmp(argv[i], "--server-pid") == 0)
			spid = atoi(argv[++i]);
		else if (strcmp(argv[i], "--cat") == 0)
			cat = argv[++i];
		else if (strcmp(argv[i], "--t0") == 0)
			t0 = atoll(argv[++i]);
		else
			bs_usage();
	}
	if (i + 1 >= argc || argc - i - 1 > BS_ARGS || (cat && (!to || !spid)))
		bs_usage();
	if (to) {
		struct sockaddr_in a;
		socklen_t alen = sizeof a;
		if ((bs_cl = bs_udp(0)) < 0 || (bs_up = bs_udp((uint16_t)to)) < 0 ||
		    getsockname(bs_cl, (struct sockaddr *)&a, &alen) < 0)
			bs_fail("udp");
		snprintf(port, sizeof port, "%d", ntohs(a.sin_port));
	}
	int na = 0;
	for (i++; i < argc; i++)
		args[na++] = strcmp(argv[i], "@PORT") == 0 && port[0] ? port : argv[i];
	args[na] = NULL;

	bs_term = term_new(BS_WIDTH, BS_HEIGHT);
	struct winsize ws = { .ws_row = BS_HEIGHT, .ws_col = BS_WIDTH };
	bs_client = forkpty(&bs_master, NULL, NULL, &ws);
	if (bs_client < 0)
		bs_fail("forkpty");
	if (bs_client == 0) {
		execvp(args[0], args);
		perror(args[0]);
		_exit(127);
	}

	if (!bs_pump(BS_READY_MS, bs_ready))
		bs_fail("no READY on the screen");
	printf("prompt_ms %.0f\n", (bs_real_ns() - t0) / 1e6);

	if (cat) {
		char cmd[4096];
		double cpu0 = bs_cpu(spid), t;
		unsigned long long b0[2] = { bs_bytes[UP], bs_bytes[DOWN] };
		unsigned long long d0[2] = { bs_dgrams[UP], bs_dgrams[DOWN] };

		snprintf(cmd, sizeof cmd, "cat %s; echo C$((1+1))\r", cat);
		t = bs_now_ms();
		bs_type(cmd);
		if (!bs_pump(BS_CAT_MS, bs_cat_done))
			bs_fail("the cat did not finish");
		double cpu1 = bs_cpu(spid);
		printf("cat_ms %.0f\n", bs_now_ms() - t);
		/* A figure that cannot be read (the process is gone) is left out. */
		if (cpu0 >= 0 && cpu1 >= 0)
			printf("server_cpu_s %.2f\n", cpu1 - cpu0);
		bs_print_vm("server_hwm_kib", spid, "VmHWM:");
		bs_print_vm("server_rss_kib", spid, "VmRSS:");
		bs_print_vm("client_hwm_kib", bs_client, "VmHWM:");
		bs_print_vm("client_rss_kib", bs_client, "VmRSS:");
		printf("cat_bytes_down %llu\ncat_bytes_up %llu\n",
		    bs_bytes[DOWN] - b0[DOWN], bs_bytes[UP] - b0[UP]);
		printf("cat_dgrams_down %llu\ncat_dgrams_up %llu\n",
		    bs_dgrams[DOWN] - d0[DOWN], bs_dgrams[UP] - d0[UP]);
	}
	fflush(stdout);
	bs_type("exit\r");
	if (!bs_pump(BS_EXIT_MS, bs_client_ended)) {
		kill(bs_client, SIGTERM);
		bs_pump(1000, bs_client_ended);
		if (bs_client_status < 0)
			kill(bs_client, SIGKILL);
		printf("client_exit killed\n");
	} else {
		printf("client_exit %d\n", WIFEXITED(bs_client_status) ?
		    WEXITSTATUS(bs_client_status) : 128 + WTERMSIG(bs_client_status));
	}
	return 0;
}
