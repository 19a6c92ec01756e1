/*
 * client.c -- mosh-client: the user's end of a session (SPEC.md §10.3).
 *
 * The client owns the user stream (keystrokes and window sizes) and
 * receives the server's terminal.  What the user sees is never the raw
 * server output: each loop iteration takes the newest server framebuffer,
 * lays the prediction overlay and the notification bar on a copy, and
 * writes the escapes (display_frame) that turn the screen we last drew into
 * that copy.  So a lost packet, a late prediction or a stale bar fixes
 * itself on the next frame, and the terminal is only ever written here.
 *
 * Keyboard bytes pass the escape-key state machine (Ctrl-^ then "." quits,
 * "d" detaches, "^" sends Ctrl-^ itself, Ctrl-Z suspends) before they go
 * into the user stream and to the prediction engine.  Detaching (also on
 * SIGHUP and SIGTERM) saves the session to a file and exits; `--resume
 * FILE` continues it in a new process (resume.c, SPEC.md §10.6).  The terminal is in raw mode from
 * start to finish, and every way out (the loop ending, a fatal error,
 * exit() anywhere) passes cl_restore, which puts it back.  The exit status
 * is 0 only after a clean shutdown handshake (§5.4).
 *
 * The loop (cl_loop) draws, then waits in ssp_wait for a datagram, a key,
 * a timer or a signal.  The signals it handles (window size, the end of a
 * suspension, the ones that end a session) only set a flag, and are
 * blocked except during that wait, so none can slip in between the checks
 * of the flags and the wait.  Raw mode is set field by field in POSIX
 * termios (cl_raw), as is everything else here: no cfmakeraw, no ppoll.
 */
#include <ctype.h>
#include <errno.h>
#include <langinfo.h>
#include <locale.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <termios.h>
#include <unistd.h>
#include "crypto.h"
#include "display.h"
#include "predict.h"
#include "resume.h"
#include "ssp.h"
#include "term.h"
#include "wire.h"

#define CLIENT_VERSION     "mosh-client (minimal mosh) 1.4.0-compatible"
#define STDIN_READ_MAX     16384    /* bytes per keyboard read */
#define CONNECT_POLL_MS    250      /* wake-up cap until the first server state */
#define SILENCE_NOTICE_MS  250      /* "Nothing received" after this long */
#define CONNECT_TIMEOUT_MS 15000    /* give up without any server state */
#define ESCAPE_KEY_DEFAULT 0x1E     /* Ctrl-^ */

/* Terminal set-up strings; we have no terminfo, so the
 * alternate screen is xterm's, which every terminal we meet understands.
 * xterm's smcup/rmcup also save and restore the window title (XTWINOPS
 * 22;0;0 and 23;0;0), so the session's title does not outlive it; mosh
 * writes its terminfo's pair (src/frontend/stmclient.cc, init and
 * shutdown, with src/terminal/terminaldisplayinit.cc). */
#define SMCUP "\033[?1049h\033[22;0;0t"
#define RMCUP "\033[?1049l\033[23;0;0t"
#define OPEN_STR "\033[?1h"
#define CLOSE_STR "\033[?1l\033[0m\033[?25h\033[?1003l\033[?1002l\033[?1001l" \
	"\033[?1000l\033[?1015l\033[?1006l\033[?1005l"

static struct termios saved_tio;
static bool raw_on, term_init = true;
static volatile sig_atomic_t got_winch, got_quit;

/* The escape key and what the user types after it. */
struct escape {
	int key;            /* -1: disabled */
	int pass;           /* the byte that sends `key` itself */
	bool pending;       /* key seen, next byte decides */
	bool after_newline; /* a printable key works only at a line start */
	char name[16];      /* "Ctrl-^" or "\"~\"" */
};

/* Everything the loop works on. */
struct client {
	struct ssp *t;
	struct pred *pred;
	struct notify bar;
	struct escape esc;
	struct display_caps caps;
	struct term_fb last;        /* what the screen shows now */
	bool initialized;           /* false: repaint everything next time */
	bool title_prefix;
	bool got_state;             /* some server state has arrived */
	bool stdin_eof;             /* the keyboard is gone: stop polling it */
	int width, height;
	struct resume_peer peer;    /* key and server, for a detach to save */
};

static void
on_signal(int sig)
{
	if (sig == SIGWINCH || sig == SIGCONT)
		got_winch = 1;          /* the window may have changed: look, redraw */
	else
		got_quit = sig;
}

static void
cl_puts(const char *s) { ssp_write_all(STDOUT_FILENO, s, strlen(s)); }

static void
cl_raw(void)
{
	struct termios raw = saved_tio;

	/* Raw mode, field by field: what cfmakeraw does on the BSDs and in
	 * glibc (it is not POSIX).  Bytes pass unchanged both ways and a read
	 * returns as soon as one byte is there: no echo, no line editing, no
	 * signals from ^C or ^Z, no flow control, no output processing. */
	raw.c_iflag &= ~(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR | ICRNL | IXON);
	raw.c_oflag &= ~OPOST;
	raw.c_lflag &= ~(ECHO | ECHONL | ICANON | ISIG | IEXTEN);
	raw.c_cflag &= ~(CSIZE | PARENB);
	raw.c_cflag |= CS8;
	raw.c_cc[VMIN] = 1;
	raw.c_cc[VTIME] = 0;
#ifdef IUTF8
	/* Linux and macOS: the line discipline knows UTF-8 (for erase). */
	raw.c_iflag |= IUTF8;
#endif
	tcsetattr(STDIN_FILENO, TCSANOW, &raw);
	raw_on = true;
	cl_puts(term_init ? SMCUP OPEN_STR : OPEN_STR);
}

/* Undoes cl_raw; safe to call twice (atexit and the normal path). */
static void
cl_restore(void)
{
	if (!raw_on)
		return;
	cl_puts(term_init ? CLOSE_STR RMCUP : CLOSE_STR);
	tcsetattr(STDIN_FILENO, TCSANOW, &saved_tio);
	raw_on = false;
}

static const char usage_fmt[] =
    "Usage: %s [-# 'ARGS'] IP PORT\n       %s --resume FILE\n       %s -c\n";

/* A mistake found before the session starts: say so and exit 1. */
static void
cl_die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	exit(1);
}

/*
 * MOSH_ESCAPE_KEY (read by STMClient::init, src/frontend/stmclient.cc):
 * one character 1..127; empty disables it; anything else, or a key the
 * terminal needs (^C ^D LF ^L CR), gives Ctrl-^.
 */
static void
cl_escape_init(struct escape *e, const char *env)
{
	int k = ESCAPE_KEY_DEFAULT;

	if (env != NULL && env[0] == '\0')
		k = -1;
	else if (env != NULL && strlen(env) == 1 && env[0] > 0 &&
	    strchr("\003\004\n\014\r", env[0]) == NULL)
		k = (unsigned char)env[0];
	*e = (struct escape){ .key = k, .pass = k < 32 ? k + '@' : k, .after_newline = true };
	snprintf(e->name, sizeof e->name, k < 32 ? "Ctrl-%c" : "\"%c\"", e->pass);
}

static void
cl_window_size(int *w, int *h)
{
	struct winsize ws;
	bool ok = ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0 && ws.ws_row > 0;

	*w = ok ? ws.ws_col : 80;
	*h = ok ? ws.ws_row : 24;
}

/* The user asked to leave (or a signal did): shut down, or go now if the
 * server was never reached.  Returns false when the loop should end. */
static bool
cl_quit(struct client *c, const char *why, uint64_t now)
{
	notify_set_message(&c->bar, why, NOTIFY_PERMANENT, now);
	if (!ssp_has_remote_addr(c->t))
		return false;
	ssp_start_shutdown(c->t, now);  /* (a second start changes nothing) */
	return true;
}

/*
 * Detach (SPEC.md §10.6): the session goes to a file, and the client exits
 * at once, sending nothing more, so the saved next sequence number was never
 * used.  A session shutting down is not saved.  Returns only if nothing was
 * saved: the bar then says why.
 */
static void
cl_detach(struct client *c, uint64_t now)
{
	char path[RESUME_PATH_MAX];
	const char *why = "Cannot detach while shutting down";

	if (!ssp_shutdown_in_progress(c->t))
		why = resume_save(c->t, &c->peer, path);
	if (why != NULL) {
		notify_set_message(&c->bar, why, 0, now);
		return;
	}
	cl_restore();
	fprintf(stderr, "mosh: detached; resume with: mosh --resume=%s\n", path);
	exit(0);
}

/*
 * Runs one keyboard read through the escape key and hands the bytes that
 * remain to the user stream and the prediction engine.  Returns false
 * when the loop should end at once.
 */
static bool
cl_keyboard(struct client *c, const uint8_t *in, size_t n, uint64_t now)
{
	struct escape *e = &c->esc;
	struct buf out = { 0 };
	bool go_on = true;

	for (size_t i = 0; i < n; i++) {
		uint8_t b = in[i];
		if (e->pending) {
			e->pending = false;
			notify_set_message(&c->bar, "", 0, now);
			if (b == '.') {
				go_on = cl_quit(c, "Exiting on user request...", now);
				break;
			} else if (b == 'd') {
				cl_detach(c, now);
			} else if (b == 0x1A) {
				cl_restore();
				cl_puts("\n\033[37;44m[mosh is suspended.]\033[m\n");
				kill(0, SIGSTOP);
				cl_raw();
				c->initialized = false;
			} else {
				buf_putc(&out, (uint8_t)e->key);
				if (b != e->pass && !(isupper(e->pass) && b == tolower(e->pass)))
					buf_putc(&out, b);
			}
		} else if (e->key >= 0 && b == e->key && (e->key < 32 || e->after_newline)) {
			char help[128];
			e->pending = true;
			snprintf(help, sizeof help, "Commands: Ctrl-Z suspends, \".\" quits, "
			    "\"d\" detaches, \"%c\" gives literal %s", e->pass, e->name);
			notify_set_message(&c->bar, help, NOTIFY_PERMANENT | NOTIFY_NO_QUIT_KEY,
			    now);
			continue;       /* the byte after it decides; the line start stays */
		} else {
			if (b == 0x0C)
				c->initialized = false; /* Ctrl-L: repaint, and send it */
			buf_putc(&out, b);
		}
		e->after_newline = b == '\r' || b == '\n';
	}
	if (out.len > 0) {
		const struct hoststate *hs = ssp_remote(c->t);
		pred_set_transport(c->pred, ssp_sent_state_num(c->t), hs->echo_ack,
		    ssp_send_interval(c->t));
		pred_user_bytes(c->pred, term_fb(hs->term), out.data, out.len, now);
		userstream_push_bytes(ssp_local(c->t), out.data, out.len);
	}
	buf_free(&out);
	return go_on;
}

/* "[mosh] " before the window title (and the icon name when they match). */
static void
cl_title_prefix(struct term_fb *f)
{
	static const char pre[] = "[mosh] ";
	const int n = (int)sizeof pre - 1;
	bool icon_same = f->icon_len == f->title_len &&
	    memcmp(f->icon, f->title, (size_t)f->title_len * sizeof f->title[0]) == 0;
	int keep = f->title_len < TERM_TITLE_MAX - n ? f->title_len : TERM_TITLE_MAX - n;

	memmove(f->title + n, f->title, (size_t)keep * sizeof f->title[0]);
	for (int i = 0; i < n; i++)
		f->title[i] = (uint8_t)pre[i];
	f->title_len = keep + n;
	if (icon_same) {
		memcpy(f->icon, f->title, sizeof f->icon);
		f->icon_len = f->title_len;
	}
}

/* Draws the newest server screen with the overlays on it. */
static void
cl_draw(struct client *c, uint64_t now)
{
	const struct hoststate *hs = ssp_remote(c->t);
	const struct term_fb *server = term_fb(hs->term);
	struct term_fb shown;
	struct buf out = { 0 };

	fb_copy(&shown, server);
	pred_cull(c->pred, server, now);
	pred_apply(c->pred, &shown);
	if (c->title_prefix && shown.title_initialized)
		cl_title_prefix(&shown);
	notify_apply(&c->bar, &shown, now);
	display_frame(&out, &c->last, &shown, c->initialized, &c->caps);
	ssp_write_all(STDOUT_FILENO, out.data, out.len);
	buf_free(&out);
	fb_free(&c->last);
	c->last = shown;
	c->initialized = true;
}

/*
 * Shows a transport failure the way mosh does: a bad packet as a crypto
 * exception for 1 s, a socket error (and any error in sending) as a network
 * error, which lapses once sending works.  Protocol noise (a diff from a
 * state we dropped, a duplicate fragment) stays silent.
 */
static void
cl_show_error(struct client *c, bool sending, uint64_t now)
{
	const char *e = ssp_last_error(c->t);
	char msg[NOTIFY_TEXT_MAX];

	if (e == NULL && sending)
		notify_clear_network_error(&c->bar, now);
	if (e == NULL)
		return;
	if (strncmp(e, "Packet failed", 13) == 0 || strncmp(e, "Ciphertext", 10) == 0) {
		snprintf(msg, sizeof msg, "Crypto exception: %s", e);
		notify_set_message(&c->bar, msg, 0, now);
	} else if (sending || strncmp(e, "recvfrom", 8) == 0 ||
	    strncmp(e, "Received oversize", 17) == 0) {
		notify_set_message(&c->bar, e, NOTIFY_NETWORK_ERROR, now);
	}
	ssp_clear_error(c->t);
}

/* The main loop; returns whether the session ended cleanly. */
static bool
cl_loop(struct client *c)
{
	static uint8_t kbuf[STDIN_READ_MAX];
	uint64_t start = ssp_now();

	for (;;) {
		uint64_t now = ssp_now();
		int keyboard = c->stdin_eof ? -1 : STDIN_FILENO;

		cl_draw(c, now);
		int timeout = ssp_min_timeout(ssp_wait_time(c->t, now), pred_wait_time(c->pred));
		timeout = ssp_min_timeout(timeout, notify_wait_time(&c->bar, now));
		if (!c->got_state)
			timeout = ssp_min_timeout(timeout, CONNECT_POLL_MS);
		int ready = ssp_wait(c->t, keyboard, timeout);
		if (ready < 0)
			return false;
		now = ssp_now();

		if (ready & SSP_WAIT_STATE) {
			c->got_state = true;
			c->bar.heard = now;
		}
		if (ready & SSP_WAIT_DATAGRAM) {
			const struct hoststate *hs = ssp_remote(c->t);
			cl_show_error(c, false, now);
			pred_set_transport(c->pred, ssp_sent_state_num(c->t), hs->echo_ack,
			    ssp_send_interval(c->t));
			c->bar.acked = ssp_last_roundtrip_success(c->t);
		}
		if (ready & SSP_WAIT_FD) {
			ssize_t n = read(STDIN_FILENO, kbuf, sizeof kbuf);
			if (n > 0 && !cl_keyboard(c, kbuf, (size_t)n, now))
				return false;
			if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN)) {
				/* A raw terminal reads no end of file: it hung up (its
				 * window closed), which counts as SIGHUP, just below. */
				c->stdin_eof = true;
				got_quit = SIGHUP;
			}
		}
		if (got_winch) {
			int w = c->width, h = c->height;
			got_winch = 0;
			c->initialized = false;
			cl_window_size(&c->width, &c->height);
			if (w != c->width || h != c->height) {
				userstream_push_resize(ssp_local(c->t), c->width, c->height);
				pred_reset(c->pred);
			}
		}
		if (got_quit) {
			if (got_quit == SIGHUP || got_quit == SIGTERM)
				cl_detach(c, now);      /* returns only if that failed: quit */
			got_quit = 0;
			if (!cl_quit(c, "Signal received, shutting down...", now))
				return false;
		}
		if (!c->got_state && now - start > SILENCE_NOTICE_MS &&
		    !ssp_shutdown_in_progress(c->t)) {
			char msg[128];
			snprintf(msg, sizeof msg,
			    "Nothing received from server on UDP port %s.", c->peer.port);
			notify_set_message(&c->bar, msg, 0, now);
			if (now - start > CONNECT_TIMEOUT_MS &&
			    !cl_quit(c, "Timed out waiting for server...", now))
				return false;
		}

		ssp_tick(c->t, now);
		cl_show_error(c, true, now);
		/* Clean: our shutdown acknowledged, or the server's acknowledged by us. */
		if (!ssp_shutdown_acknowledged(c->t) && ssp_shutdown_ack_timed_out(c->t, now))
			return false;           /* (it is false if no shutdown is in progress) */
		if (ssp_counterparty_shutdown_ack_sent(c->t) ||
		    (ssp_shutdown_in_progress(c->t) && ssp_shutdown_acknowledged(c->t)))
			return true;
	}
}

/* has_title: the terminals known to take xterm's title escapes. */
static bool
cl_has_title(const char *term)
{
	static const char *const names[] = { "xterm", "rxvt", "kterm", "Eterm",
	    "alacritty", "screen", "tmux" };

	for (size_t i = 0; term != NULL && i < sizeof names / sizeof names[0]; i++)
		if (strncmp(term, names[i], strlen(names[i])) == 0)
			return true;
	return false;
}

int
main(int argc, char **argv)
{
	static struct client c;
	bool resuming = argc == 3 && strcmp(argv[1], "--resume") == 0;
	const char *env, *bad;
	enum pred_mode mode;
	char err[256];
	int opt;

	setrlimit(RLIMIT_CORE, &(struct rlimit){ 0, 0 });     /* a core would hold the key */
	for (int i = 1; i < argc; i++) {
		bool help = strcmp(argv[i], "--help") == 0;
		if (help || strcmp(argv[i], "--version") == 0) {
			puts(CLIENT_VERSION);
			if (help)
				printf(usage_fmt, argv[0], argv[0], argv[0]);
			return 0;
		}
	}
	cl_window_size(&c.width, &c.height);
	if (resuming) {
		/* The saved session, its options set in the environment. */
		c.t = resume_load(argv[2], &c.peer, &bad);
		if (c.t == NULL)
			cl_die("mosh-client: %s: %s\n", argv[2], bad);
	} else {
		/* -# (the wrapper's command line, for ps) and -v are taken and ignored. */
		while ((opt = getopt(argc, argv, "#:cv")) != -1 && opt != '?')
			if (opt == 'c') {
				/* Colours of $TERM: without terminfo, the name tells. */
				env = getenv("TERM");
				puts(env != NULL && strstr(env, "256color") ? "256" : "8");
				return 0;
			}
		if (opt == '?' || argc - optind != 2)
			cl_die(usage_fmt, argv[0], argv[0], argv[0]);
		const char *port = argv[optind + 1];
		if (port[0] == '\0' || strspn(port, "0123456789") != strlen(port) ||
		    strlen(port) > 5)
			cl_die("%s: Bad UDP port (%s)\n", argv[0], port);
		/* (Every numeric address fits; ssp_connect refuses the others.) */
		snprintf(c.peer.ip, sizeof c.peer.ip, "%s", argv[optind]);
		snprintf(c.peer.port, sizeof c.peer.port, "%s", port);
		env = getenv("MOSH_KEY");
		if (env == NULL)
			cl_die("MOSH_KEY environment variable not found.\n");
		bad = key_decode(env, c.peer.key);
		unsetenv("MOSH_KEY");
		if (bad != NULL)
			cl_die("%s: bad MOSH_KEY: %s\n", argv[0], bad);
		c.t = ssp_new(SSP_CLIENT, c.peer.key, &userstream_ops, userstream_new(),
		    &hoststate_ops, hoststate_new(c.width, c.height), ssp_now());
		if (ssp_connect(c.t, argv[optind], c.peer.port, err, sizeof err) < 0)
			cl_die("%s: %s\n", argv[0], err);
	}
	env = getenv("MOSH_PREDICTION_DISPLAY");
	if (pred_mode_parse(env, &mode) < 0)
		cl_die("Unknown prediction mode %s.\n", env);
	setlocale(LC_ALL, "");
	env = nl_langinfo(CODESET);
	if (strcmp(env, "UTF-8") != 0 && strcmp(env, "utf-8") != 0)
		cl_die("mosh-client needs a UTF-8 native locale to run.\n\n"
		    "Unfortunately, the client's environment specifies the character set \"%s\".\n"
		    "Set LANG (for example LANG=C.UTF-8) and try again.\n", env);
	if (tcgetattr(STDIN_FILENO, &saved_tio) < 0)
		cl_die("%s: standard input is not a terminal: %s\n", argv[0], strerror(errno));

	cl_escape_init(&c.esc, getenv("MOSH_ESCAPE_KEY"));
	term_init = getenv("MOSH_NO_TERM_INIT") == NULL;
	c.title_prefix = getenv("MOSH_TITLE_NOPREFIX") == NULL;
	c.caps = (struct display_caps){ .has_ech = true, .has_bce = true,
	    .has_title = cl_has_title(getenv("TERM")) };
	/* Claimed only now that nothing else can stop it: before we send. */
	bad = resuming ? resume_claim(argv[2], &c.peer) : NULL;
	if (bad != NULL)
		cl_die("mosh-client: %s: %s\n", argv[2], bad);
	/* The first state the server sees is our window size (SPEC.md §6.1;
	 * mosh's STMClient::main_init, src/frontend/stmclient.cc). */
	userstream_push_resize(ssp_local(c.t), c.width, c.height);
	env = getenv("MOSH_PREDICTION_OVERWRITE");
	c.pred = pred_new(mode, env != NULL && strcmp(env, "yes") == 0);
	notify_init(&c.bar, c.esc.key >= 0 ? c.esc.name : NULL, ssp_now());
	fb_init(&c.last, c.width, c.height);

	/* The signals the loop handles arrive only inside its wait (ssp_wait). */
	const int sigs[] = { SIGWINCH, SIGTERM, SIGINT, SIGHUP, SIGPIPE, SIGCONT };
	ssp_wait_signals(sigs, sizeof sigs / sizeof sigs[0], on_signal);
	atexit(cl_restore);
	cl_raw();

	bool clean = cl_loop(&c);

	/* The last frame, which the loop ends before drawing: the session's
	 * final output stays on the screen, without the bar or the prefix. */
	uint64_t now = ssp_now();
	notify_set_message(&c.bar, "", 0, now);
	c.bar.heard = now;
	c.title_prefix = false;
	cl_draw(&c, now);
	cl_restore();
	cl_puts("[mosh is exiting.]\n");
	if (!c.got_state)
		fprintf(stderr, "\nmosh did not make a successful connection to %s:%s.\n"
		    "Please verify that UDP port %s is not firewalled and can reach the server.\n\n"
		    "(By default, mosh uses a UDP port between 60000 and 61000. The -p option\n"
		    "selects a specific UDP port number.)\n", c.peer.ip, c.peer.port, c.peer.port);
	else if (!clean)
		fputs("\nmosh did not shut down cleanly. Please note that the\n"
		    "mosh-server process may still be running on the server.\n", stderr);
	crypto_wipe(c.peer.key, sizeof c.peer.key);
	pred_free(c.pred);
	ssp_free(c.t);
	fb_free(&c.last);
	return clean ? 0 : 1;
}
