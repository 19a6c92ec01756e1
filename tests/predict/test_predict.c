/*
 * Scripted scenarios for the prediction engine and the notification bar
 * (SPEC.md §9).  A fake clock and a fake transport drive the engine; the
 * server's screen is a real emulator (term_write) fed the bytes a shell
 * or an editor would echo.  Expected screens are written out by hand from
 * the rules of mosh's PredictionEngine (src/frontend/terminaloverlay.cc;
 * SPEC.md §9), and the bar texts are the ones mosh 1.4.0 shows
 * (NotificationEngine::apply; seen on screen: "mosh: Last contact 12
 * seconds ago. [To quit: Ctrl-^ .]" in SGR 0;1;37;44).
 */
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "testutil.h"
#include "predict.h"

#define T0 100000000u    /* the fake clock starts here (ms) */

/* One client and the server it talks to. */
struct sim {
	struct term *srv;       /* the server's terminal */
	struct pred *p;
	uint64_t now, sent, late_ack;
	int interval;           /* send interval, ms */
	struct term_fb shown;   /* what the client last painted */
};

static struct sim *
sim_new(enum pred_mode mode, bool overwrite, int w, int h, int interval)
{
	struct sim *s = calloc(1, sizeof *s);

	assert_non_null(s);
	s->srv = term_new(w, h);
	s->p = pred_new(mode, overwrite);
	s->now = T0;
	s->interval = interval;
	fb_copy(&s->shown, term_fb(s->srv));
	return s;
}

static void
sim_free(struct sim *s)
{
	fb_free(&s->shown);
	pred_free(s->p);
	term_free(s->srv);
	free(s);
}

/* The user types one read; the client sends it in the next state. */
static void
sim_type(struct sim *s, const char *keys)
{
	pred_set_transport(s->p, s->sent, s->late_ack, s->interval);
	pred_user_bytes(s->p, term_fb(s->srv), (const uint8_t *)keys,
	    strlen(keys), s->now);
	s->sent++;
}

/* The application writes to the server's terminal. */
static void
sim_echo(struct sim *s, const char *out)
{
	term_write(s->srv, (const uint8_t *)out, strlen(out), NULL);
}

/* The server's echo ack catches up with everything sent. */
static void
sim_ack(struct sim *s)
{
	s->late_ack = s->sent;
}

/* The client paints: server screen plus predictions. */
static void
sim_paint(struct sim *s)
{
	fb_free(&s->shown);
	fb_copy(&s->shown, term_fb(s->srv));
	pred_set_transport(s->p, s->sent, s->late_ack, s->interval);
	pred_cull(s->p, term_fb(s->srv), s->now);
	pred_apply(s->p, &s->shown);
}

/* Row y of fb as text, trailing blanks cut; empty cells read as spaces.
 * If marks, it gets '_' under each underlined cell instead. */
static const char *
row_text(const struct term_fb *fb, int y, bool marks)
{
	static char out[4096];
	size_t n = 0, end = 0;
	int x;

	for (x = 0; x < fb->ds.width; x++) {
		const struct term_cell *c = &fb->rows[y]->cells[x];
		if (marks) {
			out[n++] = c->rend.attr & TERM_UNDERLINE ? '_' : ' ';
		} else if (c->len == 0) {
			out[n++] = ' ';
		} else {
			memcpy(out + n, c->text, c->len);
			n += c->len;
		}
		if (out[n - 1] != ' ')
			end = n;
	}
	out[end] = '\0';
	return out;
}

static void
expect_row(struct sim *s, int y, const char *want)
{
	sim_paint(s);
	assert_string_equal(row_text(&s->shown, y, false), want);
}

static void
expect_cursor(struct sim *s, int row, int col)
{
	sim_paint(s);
	assert_int_equal(s->shown.ds.row, row);
	assert_int_equal(s->shown.ds.col, col);
}

/* Prompt "$ ", then "l" typed and echoed: from then on the epoch is
 * confirmed and the next keys show before the server has echoed them. */
static void
sim_confirmed_prompt(struct sim *s)
{
	sim_echo(s, "$ ");
	sim_type(s, "l");
	expect_row(s, 0, "$");          /* tentative: not shown yet */
	expect_cursor(s, 0, 2);
	sim_echo(s, "l");
	sim_ack(s);
	expect_row(s, 0, "$ l");
}

static void
shell_typing_confirmed(void **state)
{
	struct sim *s = sim_new(PRED_ADAPTIVE, false, 80, 24, 40);

	(void)state;
	sim_confirmed_prompt(s);
	sim_type(s, "s");
	s->now += 10;
	expect_row(s, 0, "$ ls");       /* shown at once */
	expect_cursor(s, 0, 4);
	assert_string_equal(row_text(term_fb(s->srv), 0, false), "$ l");
	assert_string_equal(row_text(&s->shown, 0, true), "");  /* no flag */
	sim_type(s, " -l");
	expect_row(s, 0, "$ ls -l");
	expect_cursor(s, 0, 7);
	s->now += 200;
	sim_echo(s, "s -l");
	expect_row(s, 0, "$ ls -l");    /* echoed, not yet acked: pending */
	sim_ack(s);
	expect_row(s, 0, "$ ls -l");    /* confirmed and retired */
	assert_int_equal(pred_wait_time(s->p), INT_MAX);
	sim_free(s);
}

/* Modes: never predicts nothing; adaptive shows nothing on a fast link;
 * always shows confirmed epochs even then. */
static void
modes(void **state)
{
	static const struct { enum pred_mode mode; int interval; const char *want; } t[] = {
		{ PRED_NEVER, 100, "$ l" },
		{ PRED_ADAPTIVE, 20, "$ l" },
		{ PRED_ADAPTIVE, 31, "$ ls" },
		{ PRED_ALWAYS, 20, "$ ls" },
		{ PRED_EXPERIMENTAL, 20, "$ ls" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		struct sim *s = sim_new(t[i].mode, false, 80, 24, t[i].interval);
		sim_echo(s, "$ ");
		sim_type(s, "l");
		sim_echo(s, "l");
		sim_ack(s);
		sim_paint(s);
		sim_type(s, "s");
		expect_row(s, 0, t[i].want);
		sim_free(s);
	}
}

static void
mode_names(void **state)
{
	enum pred_mode m = PRED_NEVER;

	(void)state;
	assert_int_equal(pred_mode_parse(NULL, &m), 0);
	assert_int_equal(m, PRED_ADAPTIVE);
	assert_int_equal(pred_mode_parse("always", &m), 0);
	assert_int_equal(m, PRED_ALWAYS);
	assert_int_equal(pred_mode_parse("never", &m), 0);
	assert_int_equal(m, PRED_NEVER);
	assert_int_equal(pred_mode_parse("experimental", &m), 0);
	assert_int_equal(m, PRED_EXPERIMENTAL);
	assert_int_equal(pred_mode_parse("adaptive", &m), 0);
	assert_int_equal(m, PRED_ADAPTIVE);
	assert_int_equal(pred_mode_parse("Always", &m), -1);
	assert_int_equal(pred_mode_parse("", &m), -1);
}

/* What shifts in at the last column is unknown: it keeps showing the
 * server's cell, never underlined. */
static void
insert_edge(void **state)
{
	struct sim *s = sim_new(PRED_ALWAYS, false, 10, 3, 100);

	(void)state;
	sim_echo(s, "ab");
	sim_type(s, "c");
	sim_echo(s, "cdefghij\x1b[1;4H");
	sim_ack(s);
	sim_type(s, "X");
	expect_row(s, 0, "abcXdefghj");
	assert_string_equal(row_text(&s->shown, 0, true), "   ______");
	sim_free(s);
}

/* The cursor was guessed wrong though the cells were right: the engine
 * resets, so the next key is hidden again. */
static void
wrong_cursor_resets(void **state)
{
	struct sim *s = sim_new(PRED_ADAPTIVE, false, 80, 24, 40);

	(void)state;
	sim_confirmed_prompt(s);
	sim_type(s, "s");
	sim_echo(s, "s\x1b[5;1H");
	sim_ack(s);
	expect_row(s, 0, "$ ls");
	expect_cursor(s, 4, 0);
	sim_type(s, "t");
	expect_row(s, 4, "");
	sim_free(s);
}

/* A confirmed guess gives the rest of its row the server's renditions. */
static void
confirm_takes_renditions(void **state)
{
	struct sim *s = sim_new(PRED_ADAPTIVE, false, 80, 24, 40);

	(void)state;
	sim_confirmed_prompt(s);
	sim_type(s, "a");
	sim_type(s, "b");
	sim_echo(s, "\x1b[31ma\x1b[m");
	s->late_ack = s->sent - 1;      /* a judged, b still pending */
	expect_row(s, 0, "$ lab");
	assert_int_equal(s->shown.rows[0]->cells[4].rend.fg, 31);
	sim_free(s);
}

/* Experimental mode drops a wrong cell alone. */
static void
experimental_drops_one(void **state)
{
	struct sim *s = sim_new(PRED_EXPERIMENTAL, false, 80, 24, 40);

	(void)state;
	sim_echo(s, "$ ");
	sim_type(s, "a");
	sim_type(s, "b");
	expect_row(s, 0, "$ ab");
	sim_echo(s, "x");
	s->late_ack = s->sent - 1;
	expect_row(s, 0, "$ xb");
	sim_free(s);
}

/* Quick confirmations (under 250 ms, at most one per 150 ms) repair a
 * glitch: after ten, a fast link shows nothing again. */
static void
glitch_repair(void **state)
{
	struct sim *s = sim_new(PRED_ADAPTIVE, false, 80, 24, 10);
	int i;

	(void)state;
	sim_echo(s, "$ ");
	sim_type(s, "a");
	sim_echo(s, "a");
	sim_ack(s);
	sim_paint(s);
	sim_type(s, "b");
	s->now += 300;
	expect_row(s, 0, "$ ab");       /* glitch: shown */
	for (i = 0; i < 10; i++) {
		sim_echo(s, "b");
		sim_ack(s);
		sim_paint(s);           /* confirmed in 240 ms: repair 1 */
		s->now += 10;
		sim_type(s, "b");
		s->now += 140;          /* 150 ms since the last repair */
		sim_paint(s);
		s->now += 100;
	}
	expect_row(s, 0, "$ abbbbbbbbbbb");     /* the glitch still shows */
	sim_echo(s, "b");
	sim_ack(s);
	sim_paint(s);
	sim_type(s, "c");
	expect_row(s, 0, "$ abbbbbbbbbbb");
	sim_free(s);
}

/*
 * vim: "j" and "A" typed quickly (one epoch).  The j is judged wrong while
 * the server's cursor is still at the start of row 1, which becomes the
 * new cursor guess.  That guess expires with the state after the one sent
 * before the keys were read, although the client has sent more states
 * since (acks): so it is judged as soon as A is, and the next keys are
 * predicted from the server's cursor at the end of the line.
 */
static void
stale_cursor_after_kill(void **state)
{
	struct sim *s = sim_new(PRED_ADAPTIVE, false, 40, 10, 250);

	(void)state;
	sim_echo(s, "first line\r\nsecond line\x1b[1;1H");
	sim_paint(s);
	sim_type(s, "j");
	sim_type(s, "A");
	s->sent += 3;                   /* states with no new keys */
	sim_echo(s, "\x1b[2;1H");
	s->late_ack = 1;
	sim_paint(s);                   /* j wrong: its epoch dies */
	sim_echo(s, "\x1b[2;12H");
	s->late_ack = 2;
	sim_paint(s);
	sim_type(s, ",");
	sim_echo(s, ",");
	sim_ack(s);
	sim_type(s, " m");
	expect_row(s, 1, "second line, m");
	expect_cursor(s, 1, 14);
	sim_free(s);
}

/* A password prompt does not echo: the first epoch is never confirmed,
 * so nothing typed is ever shown, and the cursor stays put. */
static void
password_prompt(void **state)
{
	struct sim *s = sim_new(PRED_ADAPTIVE, false, 80, 24, 100);
	int i;

	(void)state;
	sim_echo(s, "Password: ");
	for (i = 0; i < 6; i++) {
		sim_type(s, "x");
		s->now += 120;
		expect_row(s, 0, "Password:");
		expect_cursor(s, 0, 10);
		if (i % 2 == 1)
			sim_ack(s);     /* judged: wrong, the epoch dies */
	}
	sim_type(s, "\r");
	sim_echo(s, "\r\n$ ");
	sim_ack(s);
	expect_row(s, 0, "Password:");
	expect_row(s, 1, "$");
	expect_cursor(s, 1, 2);
	sim_free(s);
}

/* Arrows move the predicted cursor; DEL shifts the rest of the row left.
 * ESC O D (application cursor mode) is the same left arrow. */
static void
backspace_and_arrows(void **state)
{
	struct sim *s = sim_new(PRED_ADAPTIVE, false, 80, 24, 40);

	(void)state;
	sim_confirmed_prompt(s);
	sim_type(s, "sx");
	expect_row(s, 0, "$ lsx");
	sim_type(s, "\x7f");
	expect_row(s, 0, "$ ls");
	expect_cursor(s, 0, 4);
	sim_type(s, "\x1b[D");
	expect_row(s, 0, "$ ls");
	expect_cursor(s, 0, 3);
	sim_type(s, "\x1bOD");
	expect_cursor(s, 0, 2);
	sim_type(s, "\x1b[C");
	expect_cursor(s, 0, 3);
	sim_type(s, "\x7f");            /* deletes the l */
	expect_row(s, 0, "$ s");
	expect_cursor(s, 0, 2);
	/* The shell's echo: s, x; BS, erase; arrows; BS and redraw. */
	sim_echo(s, "sx\b\x1b[K\b\b\x1b[C\bs\x1b[K\b");
	sim_ack(s);
	expect_row(s, 0, "$ s");
	expect_cursor(s, 0, 2);
	sim_type(s, "\x7f\x7f\x7f");    /* backspace stops at column 0 */
	expect_row(s, 0, "s");
	expect_cursor(s, 0, 0);
	sim_free(s);
}

/* DEL shifts the row left; the last two columns become unknown, so they
 * keep showing what the server shows. */
static void
backspace_edge(void **state)
{
	struct sim *s = sim_new(PRED_ALWAYS, false, 10, 3, 40);

	(void)state;
	sim_echo(s, "abcdefghij\x1b[1;3H");
	sim_type(s, "\x1b[C");          /* confirm an epoch with an arrow... */
	sim_echo(s, "\x1b[C");
	sim_ack(s);
	sim_type(s, "\x7fX");           /* ...that cannot be confirmed: */
	expect_row(s, 0, "abcdefghij");  /* cursors earn no credit */
	sim_echo(s, "\bX");
	sim_ack(s);
	expect_row(s, 0, "abXdefghij");
	sim_type(s, "\x7f");
	expect_row(s, 0, "abdefghiij");
	expect_cursor(s, 0, 2);
	sim_free(s);
}

/* A guess that equals what the cell held already proves nothing: the
 * server may just not have got to it.  Its epoch stays hidden. */
static void
no_credit_for_unchanged_cell(void **state)
{
	struct sim *s = sim_new(PRED_ALWAYS, true, 20, 3, 40);

	(void)state;
	sim_echo(s, "$ lx\x1b[1;3H");
	sim_type(s, "l");
	sim_echo(s, "l");
	sim_ack(s);
	expect_row(s, 0, "$ lx");
	sim_type(s, "m");
	expect_row(s, 0, "$ lx");       /* still hidden */
	sim_echo(s, "m");
	sim_ack(s);
	expect_row(s, 0, "$ lm");
	sim_type(s, "n");               /* m was a real echo: confirmed */
	expect_row(s, 0, "$ lmn");
	sim_free(s);
}

/* The originals limit (SPEC §A: PRED_ORIGINALS_MAX, 8 earlier contents
 * per predicted cell; past that the cell's guess earns no credit).  In
 * overwrite mode only the cell under the cursor changes, so typing a
 * letter and DEL there before the server answers makes that letter one
 * more original of the cell, after the blank it showed first.  Seven
 * letters: 1 + 7 = 8 originals, all kept, and the final z (none of them)
 * is correct: its epoch is confirmed and the next key, q, shows at once.
 * Eight letters: the ninth original is lost, z proves nothing, and q,
 * of the same epoch, stays hidden. */
static void
originals_limit(void **state)
{
	static const struct { const char *letters, *want; } t[] = {
		{ "abcdefg", "$ zq" },
		{ "abcdefgh", "$ z" },
	};
	size_t i;
	const char *l;

	(void)state;
	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		struct sim *s = sim_new(PRED_ALWAYS, true, 20, 3, 40);
		sim_echo(s, "$ ");
		for (l = t[i].letters; *l != '\0'; l++) {
			char key[2] = { *l, '\0' };
			sim_type(s, key);
			sim_type(s, "\x7f");
		}
		sim_type(s, "z");
		expect_row(s, 0, "$");          /* all pending, none confirmed */
		for (l = t[i].letters; *l != '\0'; l++) {
			char echo[5] = { *l, '\b', ' ', '\b', '\0' };
			sim_echo(s, echo);      /* the shell's echo: letter, erase */
		}
		sim_echo(s, "z");
		sim_ack(s);
		expect_row(s, 0, "$ z");        /* z judged */
		sim_type(s, "q");
		expect_row(s, 0, t[i].want);
		sim_free(s);
	}
}

/* The show trigger: on above 30 ms, off at or below 20 ms but only once
 * no prediction is left on screen. */
static void
srtt_trigger_hysteresis(void **state)
{
	struct sim *s = sim_new(PRED_ADAPTIVE, false, 80, 24, 40);

	(void)state;
	sim_confirmed_prompt(s);
	sim_type(s, "s");
	s->interval = 20;
	expect_row(s, 0, "$ ls");       /* s still pending: stays on */
	sim_echo(s, "s");
	sim_ack(s);
	expect_row(s, 0, "$ ls");
	sim_paint(s);                   /* nothing left: off */
	sim_type(s, "x");
	expect_row(s, 0, "$ ls");
	s->interval = 30;
	expect_row(s, 0, "$ ls");
	s->interval = 31;
	expect_row(s, 0, "$ lsx");
	sim_free(s);
}

/* Typing into the last column opens a new epoch: a shell puts the
 * character there, an editor may wrap first. */
static void
last_column_tentative(void **state)
{
	struct sim *s = sim_new(PRED_ALWAYS, false, 10, 4, 40);

	(void)state;
	sim_echo(s, "$ ");
	sim_type(s, "1");
	sim_echo(s, "1");
	sim_ack(s);
	sim_type(s, "234567");
	expect_row(s, 0, "$ 1234567");
	sim_type(s, "8");               /* column 9, the last */
	expect_row(s, 0, "$ 1234567");
	expect_cursor(s, 0, 9);
	sim_free(s);
}

/* An editor in insert mode: the rest of the line moves right. */
static void
editor_insert_mode(void **state)
{
	struct sim *s = sim_new(PRED_ADAPTIVE, false, 40, 10, 40);

	(void)state;
	sim_echo(s, "\x1b[2J\x1b[1;1Hhello world\x1b[2;1H~\x1b[10;1H-- INSERT --");
	sim_echo(s, "\x1b[1;6H");
	sim_type(s, "X");
	expect_row(s, 0, "hello world");        /* tentative */
	sim_echo(s, "X world\x1b[1;7H");        /* the editor redraws */
	sim_ack(s);
	expect_row(s, 0, "helloX world");
	sim_type(s, "YZ");
	expect_row(s, 0, "helloXYZ world");
	expect_cursor(s, 0, 8);
	assert_string_equal(row_text(term_fb(s->srv), 0, false), "helloX world");
	sim_type(s, "\x1b");            /* leaving insert mode: a new epoch */
	sim_type(s, "x");               /* a command, not text: hidden */
	expect_row(s, 0, "helloXYZ world");
	sim_echo(s, "YZ world\x1b[1;9H");
	sim_ack(s);                     /* x was wrong but hidden: its epoch dies */
	expect_row(s, 0, "helloXYZ world");
	sim_free(s);
}

/* Overwrite mode (MOSH_PREDICTION_OVERWRITE=yes): nothing shifts. */
static void
overwrite_mode(void **state)
{
	struct sim *s = sim_new(PRED_ALWAYS, true, 40, 10, 40);

	(void)state;
	sim_echo(s, "abcdef\x1b[1;2H");
	sim_type(s, "X");
	sim_echo(s, "X");
	sim_ack(s);
	expect_row(s, 0, "aXcdef");
	sim_type(s, "YZ");
	expect_row(s, 0, "aXYZef");
	sim_type(s, "\x7f");
	expect_row(s, 0, "aXY ef");
	expect_cursor(s, 0, 3);
	sim_free(s);
}

/* CR on the bottom row predicts a blank row, not a scroll.  Only the
 * experimental mode shows that at once (CR opens a new epoch). */
static void
cr_bottom_row(void **state)
{
	struct sim *s = sim_new(PRED_EXPERIMENTAL, false, 20, 4, 40);
	struct sim *a = sim_new(PRED_ADAPTIVE, false, 20, 4, 40);

	(void)state;
	sim_echo(s, "\x1b[4;1H$ ls");
	sim_type(s, "\r");
	expect_row(s, 3, "");
	expect_cursor(s, 3, 0);
	s->interval = 100;      /* underlined: blanks over text, not over blanks */
	expect_row(s, 3, "");
	assert_string_equal(row_text(&s->shown, 3, true), "_ __");
	s->interval = 40;
	sim_echo(s, "\r\nfile\r\n$ ");
	sim_ack(s);
	expect_row(s, 3, "$");  /* the cursor guess was wrong: all dropped */
	expect_row(s, 2, "file");
	expect_cursor(s, 3, 2);

	sim_echo(a, "$ ");
	sim_type(a, "l");
	sim_echo(a, "l\x1b[4;1H$ ls");
	sim_ack(a);
	expect_row(a, 3, "$ ls");
	sim_type(a, "\r");
	expect_row(a, 3, "$ ls");       /* tentative */
	expect_cursor(a, 3, 4);
	sim_type(a, "x");
	expect_row(a, 3, "$ ls");
	sim_free(a);
	sim_free(s);
}

/* Typing into the last column opens a new epoch and predicts a wrap. */
static void
last_column_wraps(void **state)
{
	struct sim *s = sim_new(PRED_EXPERIMENTAL, false, 10, 4, 40);

	(void)state;
	sim_echo(s, "$ 1234567");
	sim_type(s, "89");
	expect_row(s, 0, "$ 12345678");
	expect_row(s, 1, "9");
	expect_cursor(s, 1, 1);
	sim_free(s);
}

/* Underlining switches on above FLAG_TRIGGER_HIGH (80 ms) and off at or
 * below FLAG_TRIGGER_LOW (50 ms), with hysteresis in between. */
static void
underline_thresholds(void **state)
{
	static const struct { int interval; const char *marks; } t[] = {
		{ 81, "   _" }, { 60, "   _" }, { 50, "" }, { 60, "" },
		{ 80, "" }, { 81, "   _" },
	};
	struct sim *s = sim_new(PRED_ADAPTIVE, false, 80, 24, 40);
	size_t i;

	(void)state;
	sim_confirmed_prompt(s);
	sim_type(s, "s");
	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		s->interval = t[i].interval;
		expect_row(s, 0, "$ ls");
		assert_string_equal(row_text(&s->shown, 0, true), t[i].marks);
	}
	sim_free(s);
}

/* On a fast link adaptive mode shows nothing, unless a prediction has
 * waited 250 ms (a glitch: show) or 5 s (show and underline). */
static void
glitch_triggers(void **state)
{
	struct sim *s = sim_new(PRED_ADAPTIVE, false, 80, 24, 10);

	(void)state;
	sim_echo(s, "$ ");
	sim_type(s, "l");
	sim_echo(s, "l");
	sim_ack(s);
	sim_paint(s);
	sim_type(s, "s");
	assert_int_equal(pred_wait_time(s->p), 50);
	s->now += 249;
	expect_row(s, 0, "$ l");
	s->now += 1;
	expect_row(s, 0, "$ ls");
	assert_string_equal(row_text(&s->shown, 0, true), "");
	s->now += 4750;
	expect_row(s, 0, "$ ls");
	expect_row(s, 0, "$ ls");       /* flagging follows on the next cull */
	assert_string_equal(row_text(&s->shown, 0, true), "   _");
	assert_int_equal(pred_wait_time(s->p), INT_MAX);
	sim_free(s);
}

/* A read of more than 100 bytes is a paste: nothing of it is predicted,
 * and what follows starts a new (hidden) epoch. */
static void
paste_not_predicted(void **state)
{
	struct sim *s = sim_new(PRED_ADAPTIVE, false, 200, 10, 40);
	char keys[102];

	(void)state;
	sim_confirmed_prompt(s);
	memset(keys, 'a', 101);
	keys[101] = '\0';
	sim_type(s, keys);
	expect_row(s, 0, "$ l");
	sim_type(s, "b");
	expect_row(s, 0, "$ l");
	keys[100] = '\0';       /* exactly 100 bytes is typing */
	sim_echo(s, "b");
	sim_ack(s);
	sim_paint(s);
	sim_type(s, keys);
	sim_paint(s);
	assert_int_equal(strlen(row_text(&s->shown, 0, false)), 104);
	sim_free(s);
}

/* A shown prediction that the server contradicts (or never echoes) is
 * dropped with everything else: the display is the server's again. */
static void
expiry_falls_back(void **state)
{
	struct sim *s = sim_new(PRED_ADAPTIVE, false, 80, 24, 40);

	(void)state;
	sim_confirmed_prompt(s);
	sim_type(s, "s");
	expect_row(s, 0, "$ ls");
	s->now += 1000;
	sim_ack(s);                     /* acked, but nothing was echoed */
	expect_row(s, 0, "$ l");
	expect_cursor(s, 0, 3);
	sim_type(s, "q");               /* after a reset: tentative again */
	expect_row(s, 0, "$ l");
	sim_echo(s, "Q");
	sim_ack(s);
	expect_row(s, 0, "$ lQ");
	sim_free(s);
}

/* Typed UTF-8 is predicted as the character, even split across reads. */
static void
utf8_prediction(void **state)
{
	struct sim *s = sim_new(PRED_ADAPTIVE, false, 80, 24, 40);

	(void)state;
	sim_echo(s, "$ ");
	sim_type(s, "g");
	sim_echo(s, "g");
	sim_ack(s);
	sim_type(s, "l\xc3\xbc");
	expect_row(s, 0, "$ gl\xc3\xbc");
	sim_type(s, "c\xc3");
	sim_type(s, "\xa4");
	expect_row(s, 0, "$ gl\xc3\xbc" "c\xc3\xa4");
	expect_cursor(s, 0, 7);
	assert_int_equal(s->shown.rows[0]->cells[4].len, 2);
	sim_echo(s, "l\xc3\xbc" "c\xc3\xa4");
	sim_ack(s);
	expect_row(s, 0, "$ gl\xc3\xbc" "c\xc3\xa4");
	sim_type(s, "\xe4\xb8\x80");    /* wide: not guessed, new epoch */
	sim_type(s, "k");
	expect_row(s, 0, "$ gl\xc3\xbc" "c\xc3\xa4");
	sim_free(s);
}

/* Typed bytes that are not UTF-8 are not guessed at: like any unknown
 * key they open a new epoch, so what follows is hidden.  One row per bad
 * input, each after an epoch has been confirmed at "$ g". */
static void
utf8_bad_input(void **state)
{
	static const struct { const char *keys, *want; } t[] = {
		{ "k", "$ gk" },                        /* the control row */
		{ "\xffk", "$ g" },                     /* never a lead byte */
		{ "\xc3k", "$ g" },                     /* cut short */
		{ "\xc0\xafk", "$ g" },                 /* overlong / */
		{ "\xe0\x80\xafk", "$ g" },             /* overlong, 3 bytes */
		{ "\xed\xa0\x80k", "$ g" },             /* a surrogate */
		{ "\xf4\x90\x80\x80k", "$ g" },         /* past U+10FFFF */
		{ "\xbfk", "$ g" },                     /* a lone continuation */
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		struct sim *s = sim_new(PRED_ADAPTIVE, false, 80, 24, 40);
		sim_echo(s, "$ ");
		sim_type(s, "g");
		sim_echo(s, "g");
		sim_ack(s);
		sim_type(s, t[i].keys);
		expect_row(s, 0, t[i].want);
		sim_free(s);
	}
}

/* The predicted character takes its left neighbour's renditions. */
static void
renditions_from_neighbour(void **state)
{
	struct sim *s = sim_new(PRED_ALWAYS, false, 80, 24, 40);

	(void)state;
	sim_echo(s, "$ \x1b[31m");
	sim_type(s, "r");
	sim_echo(s, "r\x1b[0m");
	sim_ack(s);
	sim_type(s, "ex");     /* x's neighbour is the predicted e */
	expect_row(s, 0, "$ rex");
	assert_int_equal(s->shown.rows[0]->cells[3].rend.fg, 31);
	assert_int_equal(s->shown.rows[0]->cells[4].rend.fg, 31);
	sim_free(s);
}

/* A size change drops every prediction. */
static void
resize_resets(void **state)
{
	struct sim *s = sim_new(PRED_ADAPTIVE, false, 80, 24, 40);

	(void)state;
	sim_confirmed_prompt(s);
	sim_type(s, "s");
	expect_row(s, 0, "$ ls");
	term_resize(s->srv, 60, 20);
	expect_row(s, 0, "$ l");
	pred_reset(s->p);
	expect_row(s, 0, "$ l");
	sim_free(s);
}

/*
 * The worked example of SPEC.md §9.6: a 500 ms round trip (send interval
 * 250 ms), prompt "$ ", the user types "ls" then Enter.  Each row is one
 * step: what happens, then row 0 as painted and the cursor column.
 */
static void
worked_example(void **state)
{
	static const struct {
		int dt;                 /* ms since the previous step */
		const char *keys, *echo;
		bool ack;
		const char *row0, *marks;
		int col;
	} t[] = {
		{ 0, "l", NULL, false, "$", "", 2 },    /* epoch 2, tentative */
		{ 250, NULL, "l", false, "$ l", "", 3 },        /* echoed */
		{ 50, NULL, NULL, true, "$ l", "", 3 }, /* judged: confirmed */
		{ 100, "s", NULL, false, "$ ls", "   _", 4 },   /* at once */
		{ 300, NULL, "s", true, "$ ls", "", 4 },        /* retired */
		{ 100, "\r", NULL, false, "$ ls", "", 4 },      /* epoch 3 */
		{ 500, NULL, "\r\n", true, "$ ls", "", 0 },
	};
	struct sim *s = sim_new(PRED_ADAPTIVE, false, 80, 24, 250);
	size_t i;

	(void)state;
	sim_echo(s, "$ ");
	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		s->now += (uint64_t)t[i].dt;
		if (t[i].keys)
			sim_type(s, t[i].keys);
		if (t[i].echo)
			sim_echo(s, t[i].echo);
		if (t[i].ack)
			sim_ack(s);
		expect_row(s, 0, t[i].row0);
		assert_string_equal(row_text(&s->shown, 0, true), t[i].marks);
		assert_int_equal(s->shown.ds.col, t[i].col);
	}
	sim_free(s);
}

/* Random keys against random screens: no crash, no leak, no read past a
 * row (run under ASan and valgrind). */
static void
random_input_is_safe(void **state)
{
	static const char *const keys[] = { "a", "\x7f", "\r", "\x1b[C",
		"\x1b[D", "\x1bOD", "\xc3\xbc", "\xc3", "\x1b", "\t", "\xff",
		"\xe4\xb8\x80", "[", "~" };
	static const char *const echo[] = { "x", "\r\n", "\b", "\x1b[K",
		"\x1b[2J", "\x1b[H", "\x1b[5;70H", "yy", "\x1b[P", "\x1b[@" };
	uint64_t seed = 5;
	int i, m;

	(void)state;
	for (m = 0; m < 4; m++) {
		struct sim *s = sim_new((enum pred_mode)m, m == 2, 9, 5, 100);
		for (i = 0; i < 3000; i++) {
			uint64_t r = test_rand(&seed);
			s->now += r % 300;
			if (r % 7 < 4)
				sim_type(s, keys[r / 7 % (sizeof keys / sizeof keys[0])]);
			else if (r % 7 < 6)
				sim_echo(s, echo[r / 7 % (sizeof echo / sizeof echo[0])]);
			else
				s->late_ack = s->sent - r / 7 % 3;
			if (r % 97 == 0)
				term_resize(s->srv, 5 + (int)(r / 97 % 7), 3 + (int)(r % 4));
			s->interval = (int)(r % 120);
			sim_paint(s);
			assert_true(s->shown.ds.row < s->shown.ds.height);
			assert_true(s->shown.ds.col < s->shown.ds.width);
		}
		sim_free(s);
	}
}

/* ---------------------------------------------------- notification bar */

static const char *
bar(const struct notify *n, uint64_t now, struct term_fb *fb)
{
	fb_free(fb);
	fb_init(fb, 80, 24);
	notify_apply(n, fb, now);
	return row_text(fb, 0, false);
}

static void
notify_texts(void **state)
{
	static const struct { uint64_t heard_ago, acked_ago; const char *want; } t[] = {
		{ 12000, 12000, "mosh: Last contact 12 seconds ago. [To quit: Ctrl-^ .]" },
		{ 75000, 75000, "mosh: Last contact 1:15 ago. [To quit: Ctrl-^ .]" },
		{ 3725000, 3725000, "mosh: Last contact 1:02:05 ago. [To quit: Ctrl-^ .]" },
		{ 6501, 0, "mosh: Last contact 6 seconds ago. [To quit: Ctrl-^ .]" },
		{ 1000, 11000, "mosh: Last reply 11 seconds ago. [To quit: Ctrl-^ .]" },
		{ 6500, 10001, "mosh: Last reply 10 seconds ago. [To quit: Ctrl-^ .]" },
		{ 6500, 10000, "" },    /* neither is late yet */
	};
	struct term_fb fb;
	struct notify n;
	size_t i;

	(void)state;
	fb_init(&fb, 80, 24);
	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		notify_init(&n, "Ctrl-^", T0);
		n.heard = T0 - t[i].heard_ago;
		n.acked = T0 - t[i].acked_ago;
		assert_string_equal(bar(&n, T0, &fb), t[i].want);
	}
	fb_free(&fb);
}

static void
notify_messages(void **state)
{
	struct term_fb fb;
	struct notify n;

	(void)state;
	fb_init(&fb, 80, 24);
	notify_init(&n, "Ctrl-^", T0);
	notify_set_message(&n, "Exiting...", NOTIFY_PERMANENT, T0);
	assert_string_equal(bar(&n, T0 + 5000, &fb),
	    "mosh: Exiting... [To quit: Ctrl-^ .]");
	assert_string_equal(bar(&n, T0 + 12000, &fb),
	    "mosh: Exiting... (12 s without contact.) [To quit: Ctrl-^ .]");
	assert_string_equal(bar(&n, T0 + 75000, &fb),
	    "mosh: Exiting... (1:15 without contact.) [To quit: Ctrl-^ .]");
	n.heard = T0 + 10000;
	assert_string_equal(bar(&n, T0 + 11000, &fb),
	    "mosh: Exiting... (11 s without reply.) [To quit: Ctrl-^ .]");

	notify_init(&n, "Ctrl-^", T0);
	notify_set_message(&n, "Commands: Ctrl-Z suspends, \".\" quits, \"^\" gives literal Ctrl-^",
	    NOTIFY_PERMANENT | NOTIFY_NO_QUIT_KEY, T0);
	assert_string_equal(bar(&n, T0 + 1, &fb),
	    "mosh: Commands: Ctrl-Z suspends, \".\" quits, \"^\" gives literal Ctrl-^");
	notify_init(&n, "\"~\"", T0);
	notify_set_message(&n, "Nothing received from server on UDP port 60001.", 0, T0);
	assert_string_equal(bar(&n, T0 + 999, &fb),
	    "mosh: Nothing received from server on UDP port 60001. [To quit: \"~\" .]");
	assert_int_equal(notify_wait_time(&n, T0 + 400), 600);
	assert_string_equal(bar(&n, T0 + 1000, &fb), "");       /* expired */
	assert_int_equal(notify_wait_time(&n, T0 + 1000), INT_MAX);

	notify_set_message(&n, "sendto: Network is unreachable", NOTIFY_NETWORK_ERROR, T0);
	assert_string_equal(bar(&n, T0 + 3099, &fb),
	    "mosh: sendto: Network is unreachable [To quit: \"~\" .]");
	assert_string_equal(bar(&n, T0 + 3100, &fb), "");
	notify_set_message(&n, "sendto: Network is unreachable", NOTIFY_NETWORK_ERROR, T0);
	notify_clear_network_error(&n, T0 + 500);
	assert_int_equal(notify_wait_time(&n, T0 + 500), 1000);
	assert_string_equal(bar(&n, T0 + 1500, &fb), "");
	fb_free(&fb);
}

/* Colours: white on blue blanks across row 0, the text bold; the cursor
 * is hidden only when it sits on row 0. */
static void
notify_colours(void **state)
{
	struct term_fb fb;
	struct notify n;
	const struct term_cell *c;

	(void)state;
	fb_init(&fb, 80, 24);
	notify_init(&n, "Ctrl-^", T0);
	bar(&n, T0 + 12000, &fb);
	assert_false(fb.ds.cursor_visible);
	c = &fb.rows[0]->cells[0];
	assert_int_equal(c->rend.fg, 37);
	assert_int_equal(c->rend.bg, 44);
	assert_int_equal(c->rend.attr, TERM_BOLD);
	c = &fb.rows[0]->cells[79];
	assert_int_equal(c->rend.fg, 37);
	assert_int_equal(c->rend.bg, 44);
	assert_int_equal(c->rend.attr, 0);
	assert_int_equal(c->len, 1);
	assert_int_equal(c->text[0], ' ');
	assert_int_equal(fb.rows[1]->cells[0].rend.bg, 0);
	fb_free(&fb);
	fb_init(&fb, 30, 2);
	fb.ds.row = 1;
	notify_apply(&n, &fb, T0 + 12000);
	assert_true(fb.ds.cursor_visible);
	assert_string_equal(row_text(&fb, 0, false), "mosh: Last contact 12 seconds");
	assert_int_equal(notify_wait_time(&n, T0 + 12000), 1000);
	assert_int_equal(notify_wait_time(&n, T0 + 61000), 3000);
	assert_int_equal(notify_wait_time(&n, T0 + 100), INT_MAX);
	fb_free(&fb);
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(shell_typing_confirmed),
		cmocka_unit_test(modes),
		cmocka_unit_test(mode_names),
		cmocka_unit_test(password_prompt),
		cmocka_unit_test(backspace_and_arrows),
		cmocka_unit_test(backspace_edge),
		cmocka_unit_test(no_credit_for_unchanged_cell),
		cmocka_unit_test(originals_limit),
		cmocka_unit_test(srtt_trigger_hysteresis),
		cmocka_unit_test(last_column_tentative),
		cmocka_unit_test(insert_edge),
		cmocka_unit_test(wrong_cursor_resets),
		cmocka_unit_test(confirm_takes_renditions),
		cmocka_unit_test(experimental_drops_one),
		cmocka_unit_test(glitch_repair),
		cmocka_unit_test(stale_cursor_after_kill),
		cmocka_unit_test(editor_insert_mode),
		cmocka_unit_test(overwrite_mode),
		cmocka_unit_test(cr_bottom_row),
		cmocka_unit_test(last_column_wraps),
		cmocka_unit_test(underline_thresholds),
		cmocka_unit_test(glitch_triggers),
		cmocka_unit_test(paste_not_predicted),
		cmocka_unit_test(expiry_falls_back),
		cmocka_unit_test(utf8_prediction),
		cmocka_unit_test(utf8_bad_input),
		cmocka_unit_test(renditions_from_neighbour),
		cmocka_unit_test(resize_resets),
		cmocka_unit_test(worked_example),
		cmocka_unit_test(random_input_is_safe),
		cmocka_unit_test(notify_texts),
		cmocka_unit_test(notify_messages),
		cmocka_unit_test(notify_colours),
	};

	return RUN_TESTS("predict", tests);
}
