/*
 * server.c -- mosh-server: a terminal on a pty, served over SSP (SPEC.md §10.2).
 *
 * Start-up runs in the order a remote user's ssh session needs: check the
 * locale (falling back to the client's -l variables), bind a UDP port, print
 * `MOSH CONNECT <port> <key>` on stdout, fork the daemon, and let the parent
 * print `[mosh-server detached, pid = N]` and exit so that ssh can finish.
 * The daemon starts the command on a pty whose child first waits for one
 * line on its stdin: the server writes that line when the first client
 * state arrives, so nothing the command prints is lost before anyone sees it,
 * and writes it before that state's keystrokes, so that keys typed while the
 * session connected reach the command whole.
 *
 * The serve loop has two inputs.  Bytes from the pty go through the
 * emulator (term_write) into the local state, the transport's live object,
 * which the next tick diffs and sends.  New client states arrive as a
 * UserMessage diff (ssp_take_remote_diff): keystrokes go through the
 * cursor-key translator to the pty, and the last of a run of resizes goes to
 * the pty (TIOCSWINSZ) and the emulator.  Each batch of input is remembered
 * with its arrival time so that the echo ack can say "applied 50 ms ago"
 * (§6.2).  The loop ends when the command exits (after the shutdown
 * handshake), on SIGTERM/SIGINT, on an idle timeout, or when no client came
 * within START_TIMEOUT_MS.  The key is printed once and never passed in argv.
 *
 * Everything is POSIX 2008 with XSI (SPEC.md §10): the pty is set up
 * step by step (srv_fork_pty) rather than with forkpty, whose header
 * differs from system to system, and the loop waits in ssp_wait (pselect),
 * with SIGTERM, SIGINT and SIGUSR1 blocked except during that wait.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <langinfo.h>
#include <locale.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>
#include "crypto.h"
#include "display.h"
#include "ssp.h"
#include "term.h"
#include "wire.h"

#define SERVER_VERSION     "mosh-server (minimal mosh) 1.4.0-compatible"
#define PORT_LOW           60001    /* default port range, as mosh 1.4 */
#define PORT_HIGH          60999
#define PTY_READ_MAX       16384    /* bytes per pty read */
#define ECHO_TIMEOUT_MS    50       /* echo ack delay after input (§6.2) */
#define ECHO_HISTORY_MAX   256      /* input frames awaiting their echo ack */
#define START_TIMEOUT_MS   60000    /* exit if no client within this */
#define IDLE_POLL_MS       5000     /* wake-up cap before a client/in shutdown */
#define LOCALE_ARGS_MAX    32       /* -l NAME=VALUE options kept */
#define DEFAULT_WIDTH      80
#define DEFAULT_HEIGHT     24

static const char usage_fmt[] =
    "Usage: %s new [-s] [-v] [-i LOCALADDR] [-p PORT[:PORT2]] [-c COLORS] "
    "[-l NAME=VALUE] [-- COMMAND...]\n";

/* The command line, once parsed. */
struct server_opts {
	const char *ip;             /* -i, or from SSH_CONNECTION with -s */
	int port_lo, port_hi;
	int colors, verbose;
	const char *locale_vars[LOCALE_ARGS_MAX];
	int nlocale;
	char **command;             /* NULL: the login shell */
};

/* One input frame waiting for its echo ack. */
struct echo_entry {
	uint64_t num, when;
};

/* POSIX: the program declares it itself. */
extern char **environ;

static volatile sig_atomic_t got_term, got_usr1;

static void
on_signal(int sig)
{
	if (sig == SIGUSR1)
		got_usr1 = 1;
	else
		got_term = 1;
}

/*
 * PORT or LOW:HIGH, with mosh's messages (Connection::parse_portrange,
 * src/network/network.cc): each number is named "port", "low port" or
 * "high port".  A lone PORT is read twice, as both ends.  0, or -1 after
 * printing why.
 */
static int
srv_parse_range(const char *arg, int *lo, int *hi)
{
	const char *colon = strchr(arg, ':');
	const char *name[2] = { colon ? "low port" : "port", "high port" };
	const char *num[2] = { arg, colon ? colon + 1 : arg };
	int *out[2] = { lo, hi };

	for (int i = 0; i < 2; i++) {
		int len = i == 0 && colon ? (int)(colon - arg) : (int)strlen(num[i]);
		char *end;
		long v = strtol(num[i], &end, 10);
		if (!isdigit((unsigned char)*num[i]) || end != num[i] + len) {
			fprintf(stderr, "Invalid %s number (%.*s)\n", name[i], len, num[i]);
			return -1;
		}
		if (v > 65535) {
			fprintf(stderr, "%c%s number %.*s outside valid range [0..65535]\n",
			    toupper((unsigned char)name[i][0]), name[i] + 1, len, num[i]);
			return -1;
		}
		*out[i] = (int)v;
	}
	if (*lo > *hi) {
		fprintf(stderr, "Low port %d greater than high port %d\n", *lo, *hi);
		return -1;
	}
	if (colon != NULL && *lo == 0) {
		fprintf(stderr, "Low port 0 incompatible with port ranges\n");
		return -1;
	}
	return 0;
}

/* The local address of the ssh connection (the 3rd word of SSH_CONNECTION). */
static const char *
srv_ssh_local_ip(void)
{
	static char ip[128];
	const char *sc = getenv("SSH_CONNECTION");

	if (sc == NULL || sscanf(sc, "%*s %*s %127s", ip) != 1) {
		fprintf(stderr, "Warning: SSH_CONNECTION not found; binding to any interface.\n");
		return NULL;
	}
	/* An IPv4 client of a dual-stack sshd shows as ::ffff:a.b.c.d. */
	return strncmp(ip, "::ffff:", 7) == 0 && strchr(ip + 7, '.') != NULL ? ip + 7 : ip;
}

static void
srv_parse_args(int argc, char **argv, struct server_opts *o)
{
	int c;

	/* Help and version win anywhere before the command. */
	for (int i = 1; i < argc && strcmp(argv[i], "--") != 0; i++) {
		bool help = strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0;
		if (help || strcmp(argv[i], "--version") == 0) {
			if (help)
				printf(usage_fmt, argv[0]);
			else
				puts(SERVER_VERSION);
			exit(0);
		}
	}
	*o = (struct server_opts){ .port_lo = PORT_LOW, .port_hi = PORT_HIGH };
	/* `mosh-server` alone means `mosh-server new`. */
	if (argc >= 2 && strcmp(argv[1], "new") != 0) {
		fprintf(stderr, usage_fmt, argv[0]);
		exit(1);
	}
	optind = 2;
	while ((c = getopt(argc, argv, "@:i:p:c:svl:")) != -1) {
		switch (c) {
		case '@':
			break;          /* the mosh test suite's marker argument */
		case 'i':
			o->ip = optarg;
			break;
		case 'p':
			if (srv_parse_range(optarg, &o->port_lo, &o->port_hi) < 0) {
				fprintf(stderr, "%s: Bad UDP port range (%s)\n", argv[0], optarg);
				fprintf(stderr, usage_fmt, argv[0]);
				exit(1);
			}
			break;
		case 'c':
			if (!isdigit((unsigned char)*optarg) || strlen(optarg) > 8 ||
			    optarg[strspn(optarg, "0123456789")] != '\0') {
				fprintf(stderr, "%s: Bad number of colors (%s)\n", argv[0], optarg);
				fprintf(stderr, usage_fmt, argv[0]);
				exit(1);
			}
			o->colors = atoi(optarg);
			break;
		case 's':
			o->ip = srv_ssh_local_ip();
			break;
		case 'v':
			o->verbose++;
			break;
		case 'l':
			if (o->nlocale < LOCALE_ARGS_MAX)
				o->locale_vars[o->nlocale++] = optarg;
			break;
		default:
			/* mosh goes on after an unknown option; so do we. */
			fprintf(stderr, usage_fmt, argv[0]);
			break;
		}
	}
	if (optind < argc)
		o->command = argv + optind;
}

/*
 * Whether the locale is UTF-8; if not, describes in out the variable that
 * chose it and its character set, for the error message.
 */
static bool
srv_locale_is_utf8(char *out, size_t n)
{
	static const char *const vars[] = { "LC_ALL", "LC_CTYPE", "LANG" };

	setlocale(LC_ALL, "");
	const char *cs = nl_langinfo(CODESET);
	if (strcmp(cs, "UTF-8") == 0 || strcmp(cs, "utf-8") == 0)
		return true;
	if (strcmp(cs, "ANSI_X3.4-1968") == 0)
		cs = "US-ASCII";
	/* The variable that chose it: the first of these that is set. */
	for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++) {
		const char *v = getenv(vars[i]);
		if (v != NULL && *v != '\0') {
			snprintf(out, n, "(%s=%s) specifies\nthe character set \"%s\"",
			    vars[i], v, cs);
			return false;
		}
	}
	snprintf(out, n, "([no charset variables]) specifies\nthe character set \"%s\"", cs);
	return false;
}

/*
 * A UTF-8 locale, or exit 1.  If the local one is not, the client's locale
 * variables (-l) replace every locale variable here, and are inherited by
 * the command.
 */
static void
srv_check_locale(const struct server_opts *o)
{
	char local[256], client[256];

	if (srv_locale_is_utf8(local, sizeof local))
		return;
	/* Drops the LANG* and LC_* entries in place; environ is ours to edit. */
	char **kept = environ;
	for (char **e = environ; *e != NULL; e++)
		if (strncmp(*e, "LANG", 4) != 0 && strncmp(*e, "LC_", 3) != 0)
			*kept++ = *e;
	*kept = NULL;
	for (int i = 0; i < o->nlocale; i++)
		if (strchr(o->locale_vars[i], '=') != NULL)
			putenv((char *)o->locale_vars[i]);
	if (srv_locale_is_utf8(client, sizeof client))
		return;
	fprintf(stderr, "mosh-server needs a UTF-8 native locale to run.\n\n"
	    "Unfortunately, the local environment %s,\n\n"
	    "The client-supplied environment %s.\n", local, client);
	exit(1);
}

/* A non-negative number of seconds from the environment, else 0. */
static long
srv_env_seconds(const char *name)
{
	const char *s = getenv(name);
	char *end = NULL;
	long v = s != NULL ? strtol(s, &end, 10) : 0;

	if (s != NULL && (*s == '\0' || *end != '\0' || v < 0)) {
		fprintf(stderr, "%s %s, ignoring\n", name,
		    v < 0 ? "is negative" : "not a valid integer");
		return 0;
	}
	return v;
}

/*
 * A new pty of size ws, and a child process whose controlling terminal,
 * stdin, stdout and stderr are its slave side: what BSD's forkpty does,
 * in POSIX calls (SPEC.md §10.2 walks through them).  Returns the child's
 * pid, with the master in *master; 0 in the child; -1 (errno) if there is
 * no pty or no child, when the caller exits (so nothing is closed here).
 */
static pid_t
srv_fork_pty(const struct winsize *ws, int *master)
{
	const char *name = NULL;
	int slave = -1;

	/* A new master (O_NOCTTY: the daemon must not take it for its
	 * controlling terminal); grantpt gives the slave to our user, unlockpt
	 * lets it be opened, ptsname names it. */
	*master = posix_openpt(O_RDWR | O_NOCTTY);
	if (*master >= 0 && grantpt(*master) == 0 && unlockpt(*master) == 0)
		name = ptsname(*master);
	/* Held open until the child has it too: a master whose slave side is
	 * closed reads as hung up (Linux: EIO), our sign that the command is
	 * gone. */
	if (name != NULL)
		slave = open(name, O_RDWR | O_NOCTTY);
	if (slave < 0)
		return -1;
	ioctl(slave, TIOCSWINSZ, ws);
	pid_t pid = fork();
	if (pid != 0) {
		close(slave);
		return pid;
	}
	/* The child: a new session has no controlling terminal; the first
	 * terminal its leader opens becomes it (System V, Linux), and on BSD
	 * and macOS the leader asks (TIOCSCTTY). */
	close(*master);
	setsid();
	int tty = open(name, O_RDWR);
	if (tty < 0)
		_exit(1);
#ifdef TIOCSCTTY
	ioctl(tty, TIOCSCTTY, 0);
#endif
	for (int fd = STDIN_FILENO; fd <= STDERR_FILENO; fd++)
		dup2(tty, fd);
	if (tty > STDERR_FILENO)
		close(tty);
	if (slave > STDERR_FILENO)
		close(slave);
	return 0;
}

/*
 * The child on the pty: sets up the terminal and environment, waits for the
 * server's release line, and execs the command (never returns).
 */
static void
srv_child(const struct server_opts *o, const struct rlimit *core)
{
	struct passwd *pw = getpwuid(getuid());
	const char *shell = getenv("SHELL");
	const char *home = getenv("HOME");
	char argv0[256], line[16];
	char *login_argv[] = { argv0, NULL };
	char **argv = o->command ? o->command : login_argv;

	signal(SIGHUP, SIG_DFL);
	signal(SIGPIPE, SIG_DFL);
#ifdef IUTF8
	/* Linux and macOS: the line discipline knows UTF-8 (for erase). */
	struct termios tio;
	if (tcgetattr(STDIN_FILENO, &tio) == 0) {
		tio.c_iflag |= IUTF8;
		tcsetattr(STDIN_FILENO, TCSANOW, &tio);
	}
#endif
	setenv("TERM", o->colors == 256 ? "xterm-256color" : "xterm", 1);
	setenv("NCURSES_NO_UTF8_ACS", "1", 1);
	unsetenv("STY");
	if (home == NULL && pw != NULL)
		home = pw->pw_dir;
	if (home != NULL && chdir(home) == 0)
		setenv("PWD", home, 1);
	if (shell == NULL || *shell == '\0')
		shell = pw != NULL && pw->pw_shell[0] ? pw->pw_shell : "/bin/sh";
	const char *base = strrchr(shell, '/');
	snprintf(argv0, sizeof argv0, "-%s", base ? base + 1 : shell);
	const char *path = o->command ? argv[0] : shell;
	/* Blocks until the first client state; the pty is in canonical mode,
	 * so this read takes exactly that one line and nothing typed after. */
	if (read(STDIN_FILENO, line, sizeof line) <= 0)
		_exit(1);
	setrlimit(RLIMIT_CORE, core);
	execvp(path, argv);
	fprintf(stderr, "\r\nmosh-server: could not run %s: %s\r\n", path, strerror(errno));
	sleep(3);
	_exit(1);
}

/*
 * Applies a batch of new user events to the pty and the emulator.  Only
 * the last resize of a run counts: the earlier ones are already stale.
 * Returns whether there was any event; false in *ok if the pty failed.
 */
static bool
srv_apply_user(struct hoststate *hs, int master, const struct buf *diff, bool *ok)
{
	const uint8_t *p = diff->data, *end = diff->data + diff->len;
	struct wire_event ev, next;
	struct buf out = { 0 };
	int r = diff->len ? wire_next_event(&p, end, &ev) : 0;
	bool any = r == 1;

	for (; r == 1; ev = next) {
		r = wire_next_event(&p, end, &next);    /* one event of lookahead */
		if (ev.type == WIRE_BYTES) {
			for (size_t i = 0; i < ev.len; i++)
				term_user_byte(hs->term, ev.bytes[i], &out);
		} else if (ev.type == WIRE_RESIZE && ev.width > 0 && ev.height > 0 &&
		    !(r == 1 && next.type == WIRE_RESIZE)) {
			/* A peer may send nonsense sizes: ignore or clamp, never trust. */
			int w = ev.width < TERM_MAX_WIDTH ? ev.width : TERM_MAX_WIDTH;
			int h = ev.height < TERM_MAX_HEIGHT ? ev.height : TERM_MAX_HEIGHT;
			struct winsize ws = { .ws_row = h, .ws_col = w };
			if (!ssp_write_all(master, out.data, out.len) ||
			    ioctl(master, TIOCSWINSZ, &ws) < 0)
				*ok = false;
			out.len = 0;
			term_resize(hs->term, w, h);
		}
	}
	if (!ssp_write_all(master, out.data, out.len))
		*ok = false;
	buf_free(&out);
	return any;
}

/*
 * Echo ack (§6.2): the newest input frame applied at least ECHO_TIMEOUT_MS
 * ago.  Returns the milliseconds until the next frame's ack is due, or -1.
 */
static int
srv_echo_ack(struct hoststate *hs, struct echo_entry *hist, int *n, uint64_t now)
{
	int done = 0;

	while (done < *n && hist[done].when + ECHO_TIMEOUT_MS <= now) {
		hs->echo_ack = hist[done].num;
		done++;
	}
	memmove(hist, hist + done, (size_t)(*n - done) * sizeof *hist);
	*n -= done;
	return *n > 0 ? (int)(hist[0].when + ECHO_TIMEOUT_MS - now) : -1;
}

/* The serve loop; returns when the session is over. */
static void
srv_serve(struct ssp *t, int master, long net_tmout, long sig_tmout)
{
	struct echo_entry hist[ECHO_HISTORY_MAX];
	int nhist = 0;
	uint64_t start = ssp_now(), last_state = 0;
	bool released = false, pty_open = true;
	static uint8_t rbuf[PTY_READ_MAX];

	for (;;) {
		struct hoststate *hs = ssp_local(t);
		uint64_t now = ssp_now();
		int timeout = srv_echo_ack(hs, hist, &nhist, now);

		timeout = ssp_min_timeout(timeout, ssp_wait_time(t, now));
		/* Idle limits are checked once a second (or every IDLE_POLL_MS). */
		if (!released || ssp_shutdown_in_progress(t) || net_tmout > 0)
			timeout = ssp_min_timeout(timeout, net_tmout > 0 ? 1000 : IDLE_POLL_MS);
		int ready = ssp_wait(t, pty_open ? master : -1, timeout);
		if (ready < 0)
			break;
		now = ssp_now();

		if (ready & SSP_WAIT_STATE) {
			struct buf diff = { 0 };
			bool ok = true;
			ssp_take_remote_diff(t, &diff);
			last_state = now;
			if (!released) {
				/* Releases the child, which waits for one line: before the
				 * user's bytes, or its read would take their first line. */
				ok = ssp_write_all(master, "\n", 1);
				released = true;
				/* Only -v keeps stderr: the daemon's is /dev/null. */
				fprintf(stderr, "Client connected from %s\n",
				    ssp_remote_addr_str(t));
			}
			if (srv_apply_user(hs, master, &diff, &ok)) {
				/* Full: the newest entry stands for the one it replaces. */
				if (nhist == ECHO_HISTORY_MAX)
					nhist--;
				hist[nhist++] = (struct echo_entry){ ssp_remote_num(t), now };
			}
			buf_free(&diff);
			if (!ok)
				ssp_start_shutdown(t, now);
		}
		if (ready & SSP_WAIT_FD) {
			ssize_t n = read(master, rbuf, sizeof rbuf);
			if (n > 0) {
				struct buf reply = { 0 };
				term_write(hs->term, rbuf, (size_t)n, &reply);
				if (!ssp_write_all(master, reply.data, reply.len))
					n = 0;
				buf_free(&reply);
			}
			if (n <= 0 && !(n < 0 && errno == EINTR)) {
				/* The command has exited (EIO) or the pty broke. */
				pty_open = false;
				if (!ssp_has_remote_addr(t))
					break;
				ssp_start_shutdown(t, now);     /* (again: no change) */
			}
		}

		/* The flags change only inside ssp_wait, where the signals are
		 * unblocked: read and cleared here, they cannot race. */
		bool want_exit = got_term;
		if (got_usr1 &&
		    (sig_tmout == 0 || now - last_state >= (uint64_t)sig_tmout * 1000)) {
			fprintf(stderr, "Network idle for %llu seconds when SIGUSR1 received\n",
			    (unsigned long long)(now - last_state) / 1000);
			want_exit = true;
		}
		got_term = 0;
		got_usr1 = 0;
		if (net_tmout > 0 && released && now - last_state >= (uint64_t)net_tmout * 1000) {
			fprintf(stderr, "Network idle for %ld seconds.\n", net_tmout);
			want_exit = true;
		}
		if (!released && now - start >= START_TIMEOUT_MS) {
			fprintf(stderr, "No connection within %d seconds.\n",
			    START_TIMEOUT_MS / 1000);
			break;
		}
		if (want_exit) {
			if (!ssp_has_remote_addr(t) || ssp_shutdown_in_progress(t))
				break;
			ssp_start_shutdown(t, now);
		}

		srv_echo_ack(hs, hist, &nhist, now);
		ssp_tick(t, now);
		if (ssp_last_error(t) != NULL)
			fprintf(stderr, "%s\n", ssp_last_error(t));
		ssp_clear_error(t);
		if (ssp_counterparty_shutdown_ack_sent(t) || (ssp_shutdown_in_progress(t) &&
		    (ssp_shutdown_acknowledged(t) || ssp_shutdown_ack_timed_out(t, now))))
			break;
	}
}

int
main(int argc, char **argv)
{
	struct server_opts o;
	struct rlimit core, nocore = { 0, 0 };
	struct winsize ws;
	uint8_t key[KEY_LEN];
	char key_text[KEY_B64_LEN + 1], err[256];
	int port, master, null;

	getrlimit(RLIMIT_CORE, &core);
	setrlimit(RLIMIT_CORE, &nocore);      /* a core would hold the key */
	srv_parse_args(argc, argv, &o);
	srv_check_locale(&o);
	long net_tmout = srv_env_seconds("MOSH_SERVER_NETWORK_TMOUT");
	long sig_tmout = srv_env_seconds("MOSH_SERVER_SIGNAL_TMOUT");

	if (ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) < 0 || ws.ws_col == 0 || ws.ws_row == 0)
		ws = (struct winsize){ .ws_row = DEFAULT_HEIGHT, .ws_col = DEFAULT_WIDTH };
	if (crypto_random(key, sizeof key) < 0) {
		fprintf(stderr, "mosh-server: cannot read random bytes for the key\n");
		return 1;
	}
	struct ssp *t = ssp_new(SSP_SERVER, key, &hoststate_ops,
	    hoststate_new(ws.ws_col, ws.ws_row), &userstream_ops, userstream_new(), ssp_now());
	port = ssp_bind(t, o.ip, o.port_lo, o.port_hi, err, sizeof err);
	if (port < 0 && o.ip != NULL) {
		fprintf(stderr, "Error binding to IP %s: %s\n", o.ip, err);
		port = ssp_bind(t, NULL, o.port_lo, o.port_hi, err, sizeof err);
	}
	if (port < 0) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	key_encode(key, key_text);
	crypto_wipe(key, sizeof key);
	if (isatty(STDIN_FILENO))
		fputs("\r\n", stdout);  /* clears the way past any typeahead echo */
	printf("MOSH CONNECT %d %s\n", port, key_text);
	fflush(stdout);
	crypto_wipe(key_text, sizeof key_text);

	signal(SIGHUP, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);
	pid_t pid = fork();
	if (pid < 0) {
		perror("fork");
		return 1;
	}
	if (pid > 0) {
		fprintf(stderr, "\n%s\n\n[mosh-server detached, pid = %d]\n",
		    SERVER_VERSION, (int)pid);
		ssp_free(t);    /* the daemon carries the session on */
		return 0;
	}
	setsid();
	null = o.verbose ? -1 : open("/dev/null", O_RDWR);
	if (null >= 0) {
		for (int fd = STDIN_FILENO; fd <= STDERR_FILENO; fd++)
			dup2(null, fd);
		if (null > STDERR_FILENO)
			close(null);
	}
	pid_t child = srv_fork_pty(&ws, &master);
	if (child < 0) {
		perror("mosh-server: pty");
		return 1;
	}
	if (child == 0)
		srv_child(&o, &core);   /* our sockets are close-on-exec */

	/* The signals the loop handles arrive only inside its wait (ssp_wait). */
	const int sigs[] = { SIGTERM, SIGINT, SIGUSR1 };
	ssp_wait_signals(sigs, sizeof sigs / sizeof sigs[0], on_signal);
	srv_serve(t, master, net_tmout, sig_tmout);
	ssp_free(t);
	close(master);
	waitpid(child, NULL, WNOHANG);
	printf("\n[mosh-server is exiting.]\n");
	return 0;
}
