/*
 * test_display -- the frame diff and the terminal state object (SPEC.md
 * §6.2, §8).
 *
 * Expected bytes come from real mosh 1.4.0 traffic (the hoststrings that
 * Debian's mosh-server 1.4.0 sent, on loopback, for the application output
 * each golden test names; tests/terminal/display_mosh.test checks the same kind of
 * bytes against that server live) and from the rules of mosh's
 * Display::new_frame (src/terminal/terminaldisplay.cc; SPEC.md §8) worked
 * by hand; never from our own output.  The
 * property tests then check that every frame does its job: an emulator
 * holding the old screen shows the new one after the frame
 * (tests/terminal/display_check.h says what "shows" forgives, and why).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "testutil.h"
#include "display_check.h"
#include "ssp.h"

/* Counts of random cases; a tenth of each with TEST_QUICK (valgrind). */
#define ROUND_TRIPS  20000      /* random screen pairs */
#define REPAINTS     5000       /* random screens painted from scratch */
#define HOST_PAIRS   2000       /* random state pairs through hoststate_ops */
#define MAX_OPS      40         /* random operations to make one screen */

static const struct display_caps server_caps = { true, true, true };

static void
feed(struct term *t, const char *s)
{
	term_write(t, (const uint8_t *)s, strlen(s), NULL);
}

/* Fails unless out holds exactly the C string want (printed escaped). */
static void
assert_out(const struct buf *out, const char *want)
{
	size_t n = strlen(want);

	if (out->len != n || memcmp(out->data, want, n) != 0) {
		fprintf(stderr, "got:      ");
		for (size_t i = 0; i < out->len; i++)
			fprintf(stderr, out->data[i] >= 0x20 && out->data[i] < 0x7F ?
			    "%c" : "\\x%02x", out->data[i]);
		fprintf(stderr, "\nexpected: ");
		for (size_t i = 0; i < n; i++)
			fprintf(stderr, (uint8_t)want[i] >= 0x20 && (uint8_t)want[i] < 0x7F ?
			    "%c" : "\\x%02x", (uint8_t)want[i]);
		fprintf(stderr, "\n");
		fail_msg("frame bytes differ");
	}
}

/* The frame from a's screen to b's, with the server's capabilities. */
static void
frame(struct buf *out, struct term *a, struct term *b, bool initialized)
{
	out->len = 0;
	display_frame(out, term_fb(a), term_fb(b), initialized, &server_caps);
}

/* Applies the frame to a client holding a and checks it then shows b. */
static void
check_applies(struct term *a, struct term *b, const struct buf *out)
{
	struct term *c = dc_client(a);
	const char *why;

	/* a size change travels beside the frame, as a resize (§6.2) */
	term_resize(c, term_fb(b)->ds.width, term_fb(b)->ds.height);
	term_write(c, out->data, out->len, NULL);
	why = dc_shows(term_fb(c), term_fb(b), term_fb(a));
	if (why != NULL)
		fail_msg("client does not show the server's screen: %s", why);
	term_free(c);
}

/*
 * One step of a recorded session: the application's output turns the
 * screen in *t into a new one, and the frame must be want.  *t becomes the
 * new screen.
 */
static void
step(struct term **t, const char *app, const char *want)
{
	struct term *next = dc_clone(*t);
	struct buf out = { 0 };

	feed(next, app);
	frame(&out, *t, next, true);
	assert_out(&out, want);
	check_applies(*t, next, &out);
	term_free(*t);
	*t = next;
	buf_free(&out);
}

/* ------------------------------------------------------------ SGR */

/* mosh's Renditions::sgr (src/terminal/terminalframebuffer.cc): reset
 * first, attributes in a fixed order, faint never, then palette or true
 * colour; the last row is the real server's answer to SGR 92 / 101. */
static void
sgr_output(void **state)
{
	static const struct { struct term_rend r; const char *want; } v[] = {
		{ { 0, 0, 0 }, "\033[0m" },
		{ { 0, 0, TERM_BOLD | TERM_FAINT }, "\033[0;1m" },
		{ { 0, 0, TERM_FAINT }, "\033[0m" },
		{ { 0, 0, 0x7F }, "\033[0;1;3;4;5;7;8m" },
		{ { 31, 0, TERM_BOLD }, "\033[0;1;31m" },
		{ { 37, 47, 0 }, "\033[0;37;47m" },
		{ { 30 + 100, 0, 0 }, "\033[0;38;5;100m" },
		{ { 30 + 100, TERM_RGB | 0x010203, 0 }, "\033[0;38;5;100;48;2;1;2;3m" },
		{ { 30 + 10, 40 + 9, 0 }, "\033[0;38;5;10;48;5;9m" },
		{ { 30 + 255, 40 + 8, TERM_INVERSE }, "\033[0;7;38;5;255;48;5;8m" },
		{ { TERM_RGB | 0xFF0080, 0, TERM_UNDERLINE }, "\033[0;4;38;2;255;0;128m" },
	};
	struct buf out = { 0 };

	(void)state;
	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
		out.len = 0;
		display_sgr(&out, &v[i].r);
		assert_out(&out, v[i].want);
	}
	buf_free(&out);
}

/* ------------------------------------------------------------ goldens */

/* Real traffic: application output -> the hoststring the real mosh-server
 * 1.4.0 sent for it, one frame per line, in order, on an 80x24 screen. */
static void
session4_golden(void **state)
{
	struct term *t = term_new(80, 24);
	struct term *next;
	struct buf out = { 0 };

	(void)state;
	step(&t, "A\033[38;5;100mB\033[48;2;1;2;3mC\033[92mD\033[101mE\033[0m"
	    "\033[1;3;4;5;7;8mF\033[22;23;24;25;27;28mG\033[2mH",
	    "A\033[0;38;5;100mB\033[0;38;5;100;48;2;1;2;3mC"
	    "\033[0;38;5;10;48;2;1;2;3mD\033[0;38;5;10;48;5;9mE"
	    "\033[0;1;3;4;5;7;8mF\033[0mGH");
	step(&t, "\033]2;wintitle\007", "\033]1;\007\033]2;wintitle\007");
	step(&t, "\033]0;both\033\\", "\033]0;both\007");
	step(&t, "\007\007\007", "\007");
	step(&t, "\033[?2004h\033[?1002h\033[?1006h\033[?1004h",
	    "\033[?2004h\033[?1002h\033[?1004h\033[?1006h");
	step(&t, "\033[?1000h\033[?1015h",
	    "\033[?1002l\033[?1000h\033[?1006l\033[?1015h");
	step(&t, "\033[?2004l\033[?1000l\033[?1006l\033[?1004l",
	    "\033[?2004l\033[?1003l\033[?1002l\033[?1001l\033[?1000l"
	    "\033[?1004l\033[?1015l\033[?1006l\033[?1005l");
	step(&t, "\033[?5h", "\033[?5h");
	step(&t, "\033[?5l\033[?25l", "\033[?5l\033[?25l");
	step(&t, "\033]52;c;aGVsbG8=\007", "\033]52;c;aGVsbG8=\007");
	step(&t, "\033(0lqk\033(B", "lqk");
	/* The trace pins "\e[0;31mCSI8bit"; the pen's return to default is
	 * item 11 of SPEC.md §8.1's order. */
	next = dc_clone(t);
	feed(next, "\xC2\x9B" "31mCSI8bit\xC2\x9B" "0m");
	frame(&out, t, next, true);
	assert_true(out.len >= 14 && memcmp(out.data, "\033[0;31mCSI8bit", 14) == 0);
	assert_out(&out, "\033[0;31mCSI8bit\033[0m");
	term_free(next);
	term_free(t);
	buf_free(&out);
}

/* The client's first frame, a blank 20x5 screen drawn from nothing, as
 * mosh-client 1.4.0 drew it with TERM=xterm-256color (the elided rows as
 * SPEC.md §8.2 says). */
static void
blank_screen_repaint(void **state)
{
	struct term *t = term_new(20, 5);
	struct buf out = { 0 };

	(void)state;
	frame(&out, t, t, false);
	assert_out(&out, "\033[?5l\033[r\033[0m\033[H\033[2J\033[?25l"
	    "\033[K\n\033[K\n\033[K\n\033[K\n\033[K"
	    "\033[1;1H\033[?25h\033[0m\033[?2004l"
	    "\033[?1003l\033[?1002l\033[?1001l\033[?1000l\033[?1004l"
	    "\033[?1015l\033[?1006l\033[?1005l");
	term_free(t);
	buf_free(&out);
}

/* Checks that msg is exactly the events: an optional echo ack, an optional
 * resize, and host bytes `bytes` (NULL: none). */
static void
assert_host_message(const struct buf *msg, uint64_t echo_ack, int w, int h,
    const char *bytes)
{
	const uint8_t *p = msg->data, *end = msg->data + msg->len;
	struct wire_event ev;

	if (echo_ack != 0) {
		assert_int_equal(wire_next_event(&p, end, &ev), 1);
		assert_int_equal(ev.type, WIRE_ECHOACK);
		assert_int_equal(ev.echo_ack, echo_ack);
	}
	if (w != 0) {
		assert_int_equal(wire_next_event(&p, end, &ev), 1);
		assert_int_equal(ev.type, WIRE_RESIZE);
		assert_int_equal(ev.width, w);
		assert_int_equal(ev.height, h);
	}
	if (bytes != NULL) {
		struct buf got = { 0 };
		assert_int_equal(wire_next_event(&p, end, &ev), 1);
		assert_int_equal(ev.type, WIRE_BYTES);
		buf_put(&got, ev.bytes, ev.len);
		assert_out(&got, bytes);
		buf_free(&got);
	}
	assert_int_equal(wire_next_event(&p, end, &ev), 0);
}

/*
 * A real mosh 1.4.0 session, as HostMessages.  The application wrote
 * "hello\e]0;ttl\a" after the pty echoed the server's "\n" as "\r\n", then
 * "\e[1;31mred\e[0m x\n" (ONLCR), then the user typed "ab"; the lines up
 * to the resize are reconstructed ("ab", Enter, cat's "ab").  The resize
 * frame's elided rows follow SPEC.md §8.2.
 */
static void
session1_golden(void **state)
{
	const struct ssp_state_ops *ops = &hoststate_ops;
	struct hoststate *s0 = hoststate_new(80, 24), *s1, *s2, *s3, *s4;
	struct buf msg = { 0 }, want = { 0 };
	uint8_t hex[64];
	size_t n;

	(void)state;
	s1 = ops->copy(s0);
	feed(s1->term, "\r\nhello\033]0;ttl\007");
	s1->echo_ack = 1;
	ops->diff(s0, s1, &msg);
	/* SPEC.md §4.3's layout: echo ack 1, then HostBytes of 26 bytes. */
	n = hex2bin("0a043a024001 0a1e121c221a", hex, sizeof hex);
	buf_put(&want, hex, n);
	buf_puts(&want, "\033]0;ttl\007\033[?25l\nhello\033[?25h");
	assert_int_equal(msg.len, want.len);
	assert_bytes_equal(msg.data, want.data, want.len);

	s2 = ops->copy(s1);
	feed(s2->term, "\033[1;31mred\033[0m x\r\n");
	msg.len = 0;
	ops->diff(s1, s2, &msg);
	assert_host_message(&msg, 0, 0, 0, "\033[0;1;31mred\033[0m x\r\n");

	s3 = ops->copy(s2);
	feed(s3->term, "ab");
	msg.len = 0;
	ops->diff(s2, s3, &msg);
	assert_host_message(&msg, 0, 0, 0, "ab");

	s4 = ops->copy(s3);
	feed(s4->term, "\r\nab\r\n");
	term_resize(s4->term, 100, 30);
	msg.len = 0;
	ops->diff(s3, s4, &msg);
	want.len = 0;
	buf_puts(&want, "\033[r\033[0m\033[H\033[2J\033[?25l\033[K"
	    "\nhello\033[0;1;31mred\033[0m x\033[K\r\nab\033[K\r\nab\033[K\r\n\033[K");
	for (int y = 5; y < 30; y++)
		buf_puts(&want, "\n\033[K");
	buf_puts(&want, "\033[5;1H\033[?25h\033[0m\033[?2004l\033[?1003l\033[?1002l"
	    "\033[?1001l\033[?1000l\033[?1004l\033[?1015l\033[?1006l\033[?1005l");
	buf_putc(&want, 0);
	assert_host_message(&msg, 0, 100, 30, (const char *)want.data);

	ops->free(s0);
	ops->free(s1);
	ops->free(s2);
	ops->free(s3);
	ops->free(s4);
	buf_free(&msg);
	buf_free(&want);
}

/* Real traffic (a screen of base64 from mosh-server 1.4.0): a wrapping
 * row's last cell gets an explicit CUP, and the next row continues with no
 * move at all. */
static void
wrapped_rows(void **state)
{
	struct term *t = term_new(80, 24);
	char app[201], want[400];
	int n = 0;

	(void)state;
	memset(app, 'x', 200);
	app[200] = 0;
	n += sprintf(want + n, "%.79s\033[?25l\033[1;80Hx", app);
	n += sprintf(want + n, "%.79s\033[2;80Hx", app);
	n += sprintf(want + n, "%.40s\033[?25h", app);
	step(&t, app, want);
	term_free(t);
}

/* The same real session: how that hoststring began, the bell and the
 * titles first, then the cursor hidden and sent home to draw row 0. */
static void
session2_prefix(void **state)
{
	static const char want[] = "\007\033]1;icon\007\033]2;wintitle\007"
	    "\033[?25l\033[1;1H";
	struct term *t = term_new(80, 24), *next;
	struct buf out = { 0 };

	(void)state;
	feed(t, "\033[10;1H$ \033]1;icon\007");
	next = dc_clone(t);
	feed(next, "\007\033]2;wintitle\007\033[H");
	for (int i = 0; i < 30; i++)
		feed(next, "aGVsbG8gd29ybGQgaGVsbG8gd29ybGQgaGVsbG8gd29ybGQgaGVsbG8g");
	frame(&out, t, next, true);
	assert_true(out.len > sizeof want - 1);
	assert_bytes_equal(out.data, (const uint8_t *)want, sizeof want - 1);
	check_applies(t, next, &out);
	term_free(t);
	term_free(next);
	buf_free(&out);
}

/*
 * After printing the last column of the bottom row, mosh 1.4 backspaced
 * from the pending-wrap column (FrameState::append_move in
 * src/terminal/terminaldisplay.cc) and landed one column left.  We
 * place the cursor with CUP there; the next frame's backspaces then start
 * from a cursor that really is where we think.
 */
static void
pending_wrap_no_backspace(void **state)
{
	struct term *t = term_new(80, 24);
	char app[100], want[200];

	(void)state;
	memset(app, '0', 80);
	app[80] = 0;
	sprintf(want, "\033[?25l\033[24;1H%s\033[24;80H\033[?25h", app);
	memmove(app + 7, app, 81);
	memcpy(app, "\033[24;1H", 7);
	step(&t, app, want);
	step(&t, "\033[24;78HQ", "\033[?25l\b\bQ\033[?25h");
	assert_int_equal(term_fb(t)->rows[23]->cells[77].text[0], 'Q');
	term_free(t);
}

/* SPEC.md §8.4 (mosh's new_frame): a full-screen scroll with
 * the cursor on the last row is CR + LFs, after a forced ESC[0m. */
static void
scroll_whole_screen(void **state)
{
	struct term *t = term_new(20, 6);

	(void)state;
	feed(t, "line 0\r\nline 1\r\nline 2\r\nline 3\r\nline 4\r\nline 5");
	step(&t, "\r\nnew", "\033[0m\r\nnew");
	step(&t, "\r\n\r\nx", "\033[0m\r\n\nx");
	term_free(t);
}

/* SPEC.md §8.4: a scroll of rows 0..9 only goes through a
 * transient scroll region, with the cursor hidden and unknown afterwards. */
static void
scroll_region(void **state)
{
	struct term *t = term_new(20, 24);

	(void)state;
	for (int i = 0; i < 24; i++) {
		char line[32];
		sprintf(line, "%sline %d", i ? "\r\n" : "", i);
		feed(t, line);
	}
	feed(t, "\033[6;1H");
	step(&t, "\033[1;10r\033[10;1H\n\033[r",
	    "\033[0m\033[1;10r\033[?25l\033[10;1H\n\033[r\033[1;1H\033[?25h");
	term_free(t);
}

/* The worked example of SPEC.md §8.6, byte for byte. */
static void
worked_example(void **state)
{
	struct term *t = term_new(12, 3);

	(void)state;
	feed(t, "hello world");
	step(&t, "\007\033]0;demo\007\r\033[2C\033[1;31mL\033[0m\033[6X\r\nnext",
	    "\007\033]0;demo\007\033[?25l\033[1;3H\033[0;1;31mL\033[0m\033[6X"
	    "\033[1;10Hl\r\nnext\033[?25h");
	term_free(t);
}

/* Small cases the random tests reach only rarely. */
static void
edge_cases(void **state)
{
	struct term *t = term_new(10, 3);

	(void)state;
	/* a combining mark alone in column 0 goes out on an NBSP */
	step(&t, "\r\xCC\x82", "\xC2\xA0\xCC\x82");
	/* e + U+0301 is one cell */
	step(&t, "e\xCC\x81", "e\xCC\x81");
	step(&t, "\r\nabcdefghij", "\033[?25l\r\nabcdefghij\r\n\033[2;10H\033[?25h");
	/* a long blank run over old text is ECH, then CUP forward */
	step(&t, "\033[2;3H\033[6X",
	    "\033[?25l\033[2;3H\033[6X\033[2;9Hi\033[2;3H\033[?25h");
	/* a short one is spaces, and redraws the cell after it */
	step(&t, "\033[2;9H\033[1X", "\033[?25l\033[2;9H j\r\n\033[2;9H\033[?25h");
	/* a title of UTF-8 with a different icon name */
	step(&t, "\033]1;ic\007\033]2;\xC3\xA9t\xC3\xA9\007",
	    "\033]1;ic\007\033]2;\xC3\xA9t\xC3\xA9\007");
	/* a wide cell cut to the last column by a resize is put there with
	 * autowrap off */
	term_free(t);
	t = term_new(4, 2);
	feed(t, "ab\xE6\x97\xA5");
	{
		struct term *next = dc_clone(t);
		struct buf out = { 0 };
		term_resize(next, 3, 2);
		frame(&out, t, next, true);
		check_applies(t, next, &out);
		term_free(next);
		buf_free(&out);
	}
	term_free(t);
}

/* ------------------------------------------------------------ random */

static uint64_t rng;

static int
cases(int n)
{
	return getenv("TEST_QUICK") != NULL ? n / 10 : n;
}

static int
rnd(int n)
{
	return (int)(test_rand(&rng) % (uint64_t)n);
}

/* Appends one random piece of application output to s. */
static void
random_op(struct buf *s, int w, int h)
{
	static const char *const texts[] = {
		"a", "hello", " ", "  x  ", "\xE4\xB8\x80", "\xE6\x97\xA5\xE6\x9C\xAC",
		"\xF0\x9F\x98\x80", "e\xCC\x81", "\xCC\x82", "\xCC\x81\xCC\x82",
		"\xC3\xA9", "\r", "\n", "\r\n", "\b", "\t", "\007", "\033D", "\033E",
		"\033M", "\0337", "\0338", "\xC2\x9B" "1m", "\x7F",
	};
	static const char *const modes[] = {
		"5", "25", "2004", "9", "1000", "1001", "1002", "1003", "1004",
		"1005", "1006", "1015", "1007", "7", "6", "1",
	};
	static const char *const sgr[] = {
		"0", "1", "2", "3", "4", "5", "7", "8", "22", "23", "24", "27",
		"31", "37", "39", "42", "49", "92", "101", "", "1;4;33;44",
	};
	static const char *const csi[] = { "J", "K", "X", "@", "P", "L", "M",
		"S", "T", "A", "B", "C", "D", "G", "d", "I", "Z", "g" };

	switch (rnd(16)) {
	case 0: case 1: case 2: case 3:
		buf_puts(s, texts[rnd(sizeof texts / sizeof texts[0])]);
		break;
	case 4:
		for (int i = rnd(w * 2) + 1; i > 0; i--)
			buf_putc(s, (uint8_t)('A' + rnd(26)));
		break;
	case 5:
		buf_printf(s, "\033[%d;%dH", rnd(h + 2), rnd(w + 2));
		break;
	case 6:
		buf_printf(s, "\033[%sm", sgr[rnd(sizeof sgr / sizeof sgr[0])]);
		break;
	case 7:
		switch (rnd(4)) {
		case 0: buf_printf(s, "\033[38;5;%dm", rnd(256)); break;
		case 1: buf_printf(s, "\033[48;5;%dm", rnd(256)); break;
		case 2: buf_printf(s, "\033[38;2;%d;%d;%dm", rnd(256), rnd(256), rnd(256)); break;
		default: buf_printf(s, "\033[48;2;%d;%d;%dm", rnd(256), rnd(256), rnd(256)); break;
		}
		break;
	case 8: case 9:
		buf_printf(s, "\033[%d%s", rnd(w + 1), csi[rnd(sizeof csi / sizeof csi[0])]);
		break;
	case 10:
		buf_printf(s, "\033[?%s%c", modes[rnd(sizeof modes / sizeof modes[0])],
		    rnd(2) ? 'h' : 'l');
		break;
	case 11:
		if (rnd(2))
			buf_printf(s, "\033[%d;%dr", rnd(h) + 1, rnd(h) + 1);
		else
			buf_puts(s, rnd(2) ? "\033[r" : "\033[4h");
		break;
	case 12:
		buf_printf(s, "\033]%d;%s\007", rnd(3),
		    rnd(2) ? "t\xC3\xAFtle" : rnd(2) ? "x" : "");
		break;
	case 13:
		buf_printf(s, "\033]52;c;%s\007", rnd(2) ? "aGVsbG8=" : "");
		break;
	case 14:
		buf_puts(s, rnd(2) ? "\033[4l" : rnd(4) ? "\033#8" : "\033c");
		break;
	default:
		buf_printf(s, "\033[%dK\033[%dJ", rnd(3), rnd(3));
		break;
	}
}

/* Drives t with n random operations, sometimes resizing it. */
static void
random_screen(struct term *t, int n)
{
	struct buf s = { 0 };

	for (int i = 0; i < n; i++) {
		struct term_ds *ds = &term_fb(t)->ds;
		if (rnd(60) == 0) {
			term_resize(t, 1 + rnd(30), 1 + rnd(10));
			continue;
		}
		s.len = 0;
		random_op(&s, ds->width, ds->height);
		term_write(t, s.data, s.len, NULL);
	}
	buf_free(&s);
}

static struct term *
random_term(void)
{
	struct term *t = rnd(8) == 0 ? term_new(80, 24) :
	    term_new(1 + rnd(30), 1 + rnd(10));
	random_screen(t, rnd(MAX_OPS));
	return t;
}

/* Seeded pairs A, B (B grown from A, so rows are shared and scrolled);
 * the frame from A to B applied to a client holding A shows B. */
static void
round_trip_random(void **state)
{
	(void)state;
	rng = 0x5EED0001;
	for (int i = 0; i < cases(ROUND_TRIPS); i++) {
		struct term *a = random_term(), *b = dc_clone(a), *c;
		struct display_caps caps = { rnd(2), rnd(2), true };
		struct buf out = { 0 };
		const char *why;

		if (i % 3 == 0)
			caps.has_ech = caps.has_bce = true;
		random_screen(b, rnd(3) ? rnd(8) : rnd(MAX_OPS));
		display_frame(&out, term_fb(a), term_fb(b), true, &caps);
		c = dc_client(a);
		term_resize(c, term_fb(b)->ds.width, term_fb(b)->ds.height);
		term_write(c, out.data, out.len, NULL);
		why = dc_shows(term_fb(c), term_fb(b), term_fb(a));
		if (why != NULL)
			fail_msg("pair %d: %s", i, why);
		term_free(a);
		term_free(b);
		term_free(c);
		buf_free(&out);
	}
}

/* A frame with initialized = false paints B on a blank client. */
static void
repaint_random(void **state)
{
	(void)state;
	rng = 0x5EED0002;
	for (int i = 0; i < cases(REPAINTS); i++) {
		struct term *b = random_term();
		struct term_fb *fb = term_fb(b);
		struct term *blank = term_new(fb->ds.width, fb->ds.height);
		struct term *c = dc_client(blank);
		struct buf out = { 0 };
		const char *why;

		display_frame(&out, term_fb(blank), fb, false, &server_caps);
		term_write(c, out.data, out.len, NULL);
		why = dc_shows(term_fb(c), fb, term_fb(blank));
		if (why != NULL)
			fail_msg("screen %d: %s", i, why);
		term_free(b);
		term_free(blank);
		term_free(c);
		buf_free(&out);
	}
}

/* ------------------------------------------------------------ hoststate */

static void
hoststate_round_trip(void **state)
{
	const struct ssp_state_ops *ops = &hoststate_ops;
	struct hoststate *a = hoststate_new(80, 24), *b, *c;
	struct buf msg = { 0 };

	(void)state;
	feed(a->term, "hello\r\nworld");
	b = ops->copy(a);
	c = ops->copy(a);
	assert_true(ops->equal(a, c));
	ops->diff(a, c, &msg);
	assert_int_equal(msg.len, 0);           /* equal: nothing to say */
	assert_null(ops->subtract);

	b->echo_ack = 7;
	assert_false(ops->equal(a, b));
	ops->diff(a, b, &msg);
	assert_host_message(&msg, 7, 0, 0, NULL);    /* echo ack only */
	assert_int_equal(ops->apply(c, msg.data, msg.len), 0);
	assert_true(ops->equal(c, b));

	feed(b->term, "\033[2J\033[1;1H\033[44mblue\033]0;t\007");
	term_resize(b->term, 100, 30);
	b->echo_ack = 9;
	msg.len = 0;
	ops->diff(c, b, &msg);
	assert_int_equal(ops->apply(c, msg.data, msg.len), 0);
	assert_true(ops->equal(c, b));
	assert_int_equal(c->echo_ack, 9);
	assert_int_equal(term_fb(c->term)->ds.width, 100);

	ops->free(a);
	ops->free(b);
	ops->free(c);
	buf_free(&msg);
}

/*
 * What a held host state weighs for the receiver's byte budget (SPEC.md §A,
 * SSP_HELD_MAX): the cells of its rows, a row shared by k snapshots
 * counting 1/k in each, plus a fixed header.  A copy shares every row, so
 * the two together weigh one screen of cells and two headers; writing a
 * row un-shares it, and that row then counts whole in both.
 */
static void
hoststate_weight(void **state)
{
	const struct ssp_state_ops *ops = &hoststate_ops;
	const size_t row = 80 * sizeof(struct term_cell);
	struct hoststate *a = hoststate_new(80, 24), *b;
	size_t one, header;

	(void)state;
	one = ops->size(a);
	assert_true(one >= 24 * row && one < 24 * row + 65536);
	header = one - 24 * row;
	b = ops->copy(a);
	assert_int_equal(ops->size(a) + ops->size(b), 2 * header + 24 * row);
	feed(b->term, "\033[5;1Hx");           /* un-shares row 5 only */
	assert_int_equal(ops->size(a) + ops->size(b), 2 * header + 25 * row);
	term_resize(b->term, TERM_MAX_WIDTH, TERM_MAX_HEIGHT);
	feed(b->term, "\033[2J");              /* every row its own */
	assert_true(ops->size(b) >= (size_t)TERM_MAX_WIDTH * TERM_MAX_HEIGHT *
	    sizeof(struct term_cell));
	ops->free(a);
	ops->free(b);
}

/* Seeded pairs through the transport's interface: diff, then apply to a
 * copy of the old state (with a client's modes), with echo acks and
 * resizes; the copy then equals the new state but for what a frame
 * forgives (tests/terminal/display_check.h). */
static void
hoststate_random(void **state)
{
	const struct ssp_state_ops *ops = &hoststate_ops;
	struct buf msg = { 0 };

	(void)state;
	rng = 0x5EED0003;
	for (int i = 0; i < cases(HOST_PAIRS); i++) {
		struct hoststate *a = hoststate_new(1, 1), *b, *c;
		const char *why;

		term_free(a->term);
		a->term = random_term();
		a->echo_ack = (uint64_t)rnd(5);
		b = ops->copy(a);
		random_screen(b->term, rnd(8));
		b->echo_ack = a->echo_ack + (uint64_t)rnd(2);
		c = hoststate_new(1, 1);
		term_free(c->term);
		c->term = dc_client(a->term);
		c->echo_ack = a->echo_ack;
		msg.len = 0;
		ops->diff(a, b, &msg);
		assert_int_equal(ops->apply(c, msg.data, msg.len), 0);
		assert_int_equal(c->echo_ack, b->echo_ack);
		why = dc_shows(term_fb(c->term), term_fb(b->term), term_fb(a->term));
		if (why != NULL)
			fail_msg("pair %d: %s", i, why);
		ops->free(a);
		ops->free(b);
		ops->free(c);
	}
	buf_free(&msg);
}

/* One row per bad HostMessage: apply must return -1 and not crash. */
static void
hoststate_apply_rejects(void **state)
{
	const struct ssp_state_ops *ops = &hoststate_ops;
	static const struct { int w, h; } sizes[] = {
		{ 0, 24 }, { 80, 0 }, { -1, 24 }, { 80, -5 },
		{ TERM_MAX_WIDTH + 1, 24 }, { 80, TERM_MAX_HEIGHT + 1 },
		{ 2147483647, 2147483647 },
	};
	struct hoststate *s = hoststate_new(80, 24);
	struct buf msg = { 0 };

	(void)state;
	for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
		msg.len = 0;
		wire_put_resize(&msg, sizes[i].w, sizes[i].h);
		assert_int_equal(ops->apply(s, msg.data, msg.len), -1);
	}
	msg.len = 0;
	wire_put_resize(&msg, TERM_MAX_WIDTH, 1);       /* the edges are fine */
	assert_int_equal(ops->apply(s, msg.data, msg.len), 0);

	msg.len = 0;
	wire_put_echoack(&msg, 5);
	assert_int_equal(ops->apply(s, msg.data, msg.len), 0);
	assert_int_equal(ops->apply(s, msg.data, msg.len), 0);  /* same: fine */
	msg.len = 0;
	wire_put_echoack(&msg, 4);                      /* decreasing */
	assert_int_equal(ops->apply(s, msg.data, msg.len), -1);

	/* not a HostMessage: a field-1 length running past the end */
	static const uint8_t junk[] = { 0x0a, 0x7f, 0x12, 0x01 };
	assert_int_equal(ops->apply(s, junk, sizeof junk), -1);
	ops->free(s);
	buf_free(&msg);
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sgr_output),
		cmocka_unit_test(session4_golden),
		cmocka_unit_test(blank_screen_repaint),
		cmocka_unit_test(session1_golden),
		cmocka_unit_test(wrapped_rows),
		cmocka_unit_test(session2_prefix),
		cmocka_unit_test(pending_wrap_no_backspace),
		cmocka_unit_test(scroll_whole_screen),
		cmocka_unit_test(scroll_region),
		cmocka_unit_test(worked_example),
		cmocka_unit_test(edge_cases),
		cmocka_unit_test(round_trip_random),
		cmocka_unit_test(repaint_random),
		cmocka_unit_test(hoststate_round_trip),
		cmocka_unit_test(hoststate_random),
		cmocka_unit_test(hoststate_weight),
		cmocka_unit_test(hoststate_apply_rejects),
	};
	return RUN_TESTS("display", tests);
}
