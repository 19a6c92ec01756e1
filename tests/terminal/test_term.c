/*
 * test_term.c -- the terminal emulator (SPEC.md §7).
 *
 * Expected screens come from mosh 1.4's own behaviour, worked out by hand:
 * its emulation tests (src/tests/emulation-*.test) and its emulator
 * (src/terminal/terminal.cc, terminalfunctions.cc, terminaldispatcher.cc,
 * terminalframebuffer.cc), as SPEC.md §7 restates them;
 * widths and UTF-8 decoding are checked against the C library itself
 * (wcwidth, and mbrtowc driven by mosh's buffering rule).
 */
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <wchar.h>
#include "testutil.h"
#include "term.h"

#define BAD_INPUT_CPU_SECONDS 20.0  /* per input; a healthy run takes ms */

static void
feed(struct term *t, const char *s)
{
	term_write(t, (const uint8_t *)s, strlen(s), NULL);
}

/* Row y as text: an empty cell reads as a space, the cell after a wide
 * one is skipped; trailing spaces are trimmed. */
static const char *
row_text(struct term *t, int y)
{
	static char out[TERM_MAX_WIDTH * TERM_CELL_TEXT + 1];
	const struct term_row *r = term_fb(t)->rows[y];
	size_t n = 0;

	for (int x = 0; x < r->width; x++) {
		const struct term_cell *c = &r->cells[x];
		if (c->len == 0)
			out[n++] = ' ';
		memcpy(out + n, c->text, c->len);
		n += c->len;
		if (c->wide)
			x++;
	}
	while (n > 0 && out[n - 1] == ' ')
		n--;
	out[n] = '\0';
	return out;
}

static void
assert_cursor(struct term *t, int row, int col)
{
	assert_int_equal(term_fb(t)->ds.row, row);
	assert_int_equal(term_fb(t)->ds.col, col);
}

static uint32_t
first_cp(const struct term_cell *c)
{
	const uint8_t *p = (const uint8_t *)c->text;

	if (p[0] < 0x80)
		return p[0];
	if (p[0] < 0xE0)
		return (uint32_t)(p[0] & 0x1F) << 6 | (p[1] & 0x3F);
	if (p[0] < 0xF0)
		return (uint32_t)(p[0] & 0x0F) << 12 | (uint32_t)(p[1] & 0x3F) << 6 | (p[2] & 0x3F);
	return (uint32_t)(p[0] & 0x07) << 18 | (uint32_t)(p[1] & 0x3F) << 12 |
	    (uint32_t)(p[2] & 0x3F) << 6 | (p[3] & 0x3F);
}

/* The invariants every screen keeps, whatever the input. */
static void
assert_valid(struct term *t)
{
	const struct term_fb *fb = term_fb(t);
	const struct term_ds *ds = &fb->ds;

	assert_true(ds->width >= 1 && ds->width <= TERM_MAX_WIDTH);
	assert_true(ds->height >= 1 && ds->height <= TERM_MAX_HEIGHT);
	assert_true(ds->row >= 0 && ds->row < ds->height);
	assert_true(ds->col >= 0 && ds->col < ds->width);
	assert_true(ds->scroll_top >= 0 && ds->scroll_top <= ds->scroll_bottom);
	assert_true(ds->scroll_bottom < ds->height);
	assert_true(fb->title_len >= 0 && fb->title_len < TERM_TITLE_MAX);
	assert_true(fb->clip_len <= TERM_CLIP_MAX);
	for (int y = 0; y < ds->height; y++) {
		const struct term_row *r = fb->rows[y];
		assert_int_equal(r->width, ds->width);
		assert_true(r->refs >= 1);
		for (int x = 0; x < r->width; x++) {
			const struct term_cell *c = &r->cells[x];
			assert_true(c->len <= TERM_CELL_TEXT);
			if (c->len == 0) {
				assert_false(c->wide);
				continue;
			}
			int w = term_wcwidth(first_cp(c));
			if (c->fallback)
				assert_int_equal(w, 0);
			else
				assert_int_equal(w, c->wide ? 2 : 1);
		}
	}
}

/* ---- widths and UTF-8 against the C library ---- */

static void
widths_agree_with_libc(void **state)
{
	(void)state;
	assert_non_null(setlocale(LC_CTYPE, "C.UTF-8"));
	for (uint32_t cp = 0; cp <= 0x10FFFF; cp++)
		if (term_wcwidth(cp) != wcwidth((wchar_t)cp))
			fail_msg("U+%04X: ours %d, libc %d", cp, term_wcwidth(cp), wcwidth((wchar_t)cp));
	assert_int_equal(term_wcwidth(0x110000), -1);
}

/* mosh's UTF8Parser, restated: glibc's mbrtowc on the buffered bytes from a
 * fresh state; an invalid sequence gives U+FFFD and the last byte is kept
 * and tried alone; values past U+10FFFF and surrogates become U+FFFD. */
static size_t
oracle_decode(const uint8_t *in, size_t n, uint32_t *out)
{
	char buf[8];
	size_t len = 0, k = 0;

	for (size_t i = 0; i < n; i++) {
		if (len == 0 && in[i] < 0x80) {
			out[k++] = in[i];
			continue;
		}
		buf[len++] = (char)in[i];
		for (;;) {
			mbstate_t ps;
			wchar_t wc;
			memset(&ps, 0, sizeof ps);
			size_t r = mbrtowc(&wc, buf, len, &ps);
			uint32_t cp;
			if (r == (size_t)-2)
				break;
			if (r == (size_t)-1) {
				out[k++] = 0xFFFD;
				if (len > 1) {
					buf[0] = buf[len - 1];
					len = 1;
					continue;
				}
				len = 0;
				break;
			}
			cp = r == 0 ? 0 : (uint32_t)wc;
			out[k++] = cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF) ? 0xFFFD : cp;
			len = 0;
			break;
		}
	}
	return k;
}

/* Our decoder, observed through an OSC title, which keeps every code point
 * >= 0x20 (inputs below avoid C0 and C1 results). */
static int
decode_via_title(const uint8_t *in, size_t n, uint32_t *out)
{
	struct term *t = term_new(20, 4);
	int len;

	feed(t, "\033]2;");
	term_write(t, in, n, NULL);
	feed(t, "\007");
	len = term_fb(t)->title_len;
	memcpy(out, term_fb(t)->title, (size_t)len * sizeof out[0]);
	term_free(t);
	return len;
}

static void
check_decode(const uint8_t *in, size_t n)
{
	uint32_t want[64], got[TERM_TITLE_MAX];
	uint8_t msg[64];
	size_t k = oracle_decode(in, n, want), i;

	for (i = 0; i < k; i++)
		if (want[i] < 0x20 || (want[i] >= 0x7F && want[i] <= 0x9F))
			return;         /* would be a control: not observable this way */
	memcpy(msg, in, n);
	msg[n] = '\n';          /* a complete trailing sequence is flushed */
	k = oracle_decode(msg, n + 1, want) - 1;
	int g = decode_via_title(msg, n + 1, got);
	if ((size_t)g != k || memcmp(got, want, k * sizeof want[0]) != 0) {
		fprintf(stderr, "input:");
		for (i = 0; i < n; i++)
			fprintf(stderr, " %02X", in[i]);
		fail_msg("decoded %d code points, mbrtowc says %zu", g, k);
	}
}

static void
utf8_agrees_with_mbrtowc(void **state)
{
	static const uint8_t interesting[] = {
		0x41, 0x7E, 0x80, 0x8F, 0x9F, 0xA0, 0xBF, 0xC0, 0xC1, 0xC2, 0xDF,
		0xE0, 0xED, 0xEF, 0xF0, 0xF4, 0xF5, 0xF7, 0xF8, 0xFB, 0xFC, 0xFD,
		0xFE, 0xFF,
	};
	size_t ni = sizeof interesting;
	uint64_t seed = 0x7E57A11;
	uint8_t in[40];

	(void)state;
	assert_non_null(setlocale(LC_CTYPE, "C.UTF-8"));
	/* every string of up to three bytes over the interesting set */
	for (size_t a = 0; a < ni; a++)
		for (size_t b = 0; b <= ni; b++)
			for (size_t c = 0; c <= ni; c++) {
				size_t n = 1;
				in[0] = interesting[a];
				if (b < ni)
					in[n++] = interesting[b];
				if (b < ni && c < ni)
					in[n++] = interesting[c];
				check_decode(in, n);
			}
	/* and random strings of lead and continuation bytes */
	for (int i = 0; i < 20000; i++) {
		size_t n = 1 + test_rand(&seed) % 30;
		for (size_t j = 0; j < n; j++) {
			uint64_t r = test_rand(&seed);
			in[j] = r % 3 == 0 ? (uint8_t)(0x80 | (r >> 8) % 64) :
			    r % 3 == 1 ? (uint8_t)(0xC0 | (r >> 8) % 64) : (uint8_t)(0x20 + (r >> 8) % 95);
		}
		check_decode(in, n);
	}
}

/* ---- scenarios (mosh's emulation tests, src/tests/emulation-*.test) ---- */

/* emulation-back-tab: CBT 1, 2, 99 and CHT 1, 99 on "hello, wurld". */
static void
back_tab(void **state)
{
	struct term *t = term_new(80, 24);

	(void)state;
	feed(t, "hello, wurld\033[Zo");         /* CBT 1: column 8 */
	assert_string_equal(row_text(t, 0), "hello, world");
	feed(t, "\r\nhello, wurld\033[2Zo");    /* CBT 2: column 0 */
	assert_string_equal(row_text(t, 1), "oello, wurld");
	feed(t, "\r\nhello, wurld\033[99Z9");   /* CBT 99: column 0 */
	assert_string_equal(row_text(t, 2), "9ello, wurld");
	feed(t, "\r\nhello, wurld\033[It");     /* CHT 1: column 16 */
	assert_string_equal(row_text(t, 3), "hello, wurld    t");
	feed(t, "\r\n\033[99I#");               /* CHT 99: the last column */
	assert_string_equal(row_text(t, 4),
	    "                                                                               #");
	assert_cursor(t, 4, 79);
	assert_true(term_fb(t)->ds.next_print_will_wrap);
	term_free(t);
}

static void
cursor_motion(void **state)
{
	struct term *t = term_new(80, 24);

	(void)state;
	feed(t, "\033[5;10H");
	assert_cursor(t, 4, 9);
	feed(t, "\033[2A\033[3C");
	assert_cursor(t, 2, 12);
	feed(t, "\033[99B\033[99D");
	assert_cursor(t, 23, 0);
	feed(t, "\033[0A\033[H");               /* explicit 0 means 1 */
	assert_cursor(t, 0, 0);
	feed(t, "\033[12G\033[7d");
	assert_cursor(t, 6, 11);
	feed(t, "\033[30`\033[;5H");
	assert_cursor(t, 0, 4);
	feed(t, "\033[999;999f");
	assert_cursor(t, 23, 79);
	feed(t, "\033[5;10r");                  /* DECSTBM homes */
	assert_cursor(t, 0, 0);
	feed(t, "\033[?6h\033[H");              /* origin mode */
	assert_cursor(t, 4, 0);
	feed(t, "\033[99B");
	assert_cursor(t, 9, 0);
	feed(t, "\033[?6l\033[99B");
	assert_cursor(t, 23, 0);
	/* ?6h homes with the old origin (row 0, outside the region); the
	 * next print's implicit move snaps the cursor into the region */
	feed(t, "\033[?6hab");
	assert_string_equal(row_text(t, 0), "a");
	assert_string_equal(row_text(t, 4), " b");
	feed(t, "\033[?6l");
	feed(t, "\033[20;5H\033[?1h");
	assert_true(term_fb(t)->ds.app_cursor_keys);
	feed(t, "\033[6n");
	assert_valid(t);
	term_free(t);
}

/* Rows of 24 distinct lines "0".."23", then IL or DL with a count. */
static struct term *
numbered(int width, int height)
{
	struct term *t = term_new(width, height);
	char s[16];

	for (int y = 0; y < height; y++) {
		snprintf(s, sizeof s, "%s%d", y ? "\r\n" : "", y);
		feed(t, s);
	}
	return t;
}

/* emulation-multiline-scroll: IL/DL with counts 0-2 and 22-26. */
static void
multiline_scroll(void **state)
{
	static const int counts[] = { 0, 1, 2, 22, 23, 24, 25, 26 };
	char s[32];

	(void)state;
	for (size_t i = 0; i < sizeof counts / sizeof counts[0]; i++) {
		int n = counts[i], eff = n == 0 ? 1 : n;
		for (int del = 0; del < 2; del++) {
			struct term *t = numbered(80, 24);
			snprintf(s, sizeof s, "\033[3;7H\033[%d%c", n, del ? 'M' : 'L');
			feed(t, s);
			assert_cursor(t, 2, 0);
			for (int y = 0; y < 24; y++) {
				int want;       /* the number expected on row y, -1 blank */
				if (y < 2)
					want = y;
				else if (del)
					want = y + eff < 24 ? y + eff : -1;
				else
					want = y < 2 + eff ? -1 : y - eff;
				snprintf(s, sizeof s, "%d", want);
				assert_string_equal(row_text(t, y), want < 0 ? "" : s);
			}
			assert_valid(t);
			term_free(t);
		}
	}
}

/* emulation-scroll: SU 4 then SD 2 leave the cursor alone. */
static void
scroll_up_down(void **state)
{
	struct term *t = numbered(80, 24);

	(void)state;
	feed(t, "\033[10;5H\033[4S");
	assert_cursor(t, 9, 4);
	assert_string_equal(row_text(t, 0), "4");
	assert_string_equal(row_text(t, 19), "23");
	assert_string_equal(row_text(t, 20), "");
	feed(t, "\033[2T");
	assert_cursor(t, 9, 4);
	assert_string_equal(row_text(t, 0), "");
	assert_string_equal(row_text(t, 1), "");
	assert_string_equal(row_text(t, 2), "4");
	assert_string_equal(row_text(t, 21), "23");
	term_free(t);
}

static void
scroll_region(void **state)
{
	struct term *t = numbered(80, 24);

	(void)state;
	feed(t, "\033[5;8r\033[8;1H\nX");       /* LF at the bottom margin */
	assert_cursor(t, 7, 1);
	assert_string_equal(row_text(t, 3), "3");
	assert_string_equal(row_text(t, 4), "5");
	assert_string_equal(row_text(t, 6), "7");
	assert_string_equal(row_text(t, 7), "X");
	assert_string_equal(row_text(t, 8), "8");
	feed(t, "\033[5;1H\033M");              /* RI at the top margin */
	assert_string_equal(row_text(t, 4), "");
	assert_string_equal(row_text(t, 5), "5");
	assert_string_equal(row_text(t, 7), "7");
	feed(t, "\033[20;1H\033[L");            /* IL outside the region */
	assert_string_equal(row_text(t, 19), "19");
	feed(t, "\033[8;5r\033[30;40r");        /* both ignored */
	assert_int_equal(term_fb(t)->ds.scroll_top, 4);
	assert_int_equal(term_fb(t)->ds.scroll_bottom, 7);
	feed(t, "\033[24;1H\n\n");              /* outside: just moves */
	assert_string_equal(row_text(t, 0), "0");
	assert_cursor(t, 23, 0);
	feed(t, "\033[r");
	assert_int_equal(term_fb(t)->ds.scroll_bottom, 23);
	term_free(t);
}

/* ISO 2022 locking escapes are ignored: ESC(0lqk prints lqk. */
static void
iso2022_ignored(void **state)
{
	struct term *t = term_new(80, 24);

	(void)state;
	feed(t, "\033(0lqk\016abc\017def\033)0\033*B");
	assert_string_equal(row_text(t, 0), "lqkabcdef");
	term_free(t);
}

/* unicode-later-combining: a lone U+0302 at column 0 makes a fallback
 * cell (drawn NBSP + combiner); e + U+0301 stays one cell. */
static void
combining_first_column(void **state)
{
	struct term *t = term_new(80, 24);
	const struct term_cell *c;

	(void)state;
	feed(t, "abc\r\n\xcc\x82\r\ndef e\xcc\x81x");
	c = &term_fb(t)->rows[1]->cells[0];
	assert_true(c->fallback);
	assert_int_equal(c->len, 2);
	assert_memory_equal(c->text, "\xcc\x82", 2);
	c = &term_fb(t)->rows[2]->cells[4];
	assert_int_equal(c->len, 3);
	assert_memory_equal(c->text, "e\xcc\x81", 3);
	assert_string_equal(row_text(t, 2), "def e\xcc\x81x");
	/* at most TERM_CELL_TEXT bytes; more combiners are dropped */
	for (int i = 0; i < 40; i++)
		feed(t, "\xcc\x81");
	assert_true(term_fb(t)->rows[2]->cells[5].len <= TERM_CELL_TEXT);
	assert_valid(t);
	term_free(t);
}

/* unicode-combine-fallback-assert (mosh issue #667). */
static void
combine_after_erase(void **state)
{
	struct term *t = term_new(80, 24);

	(void)state;
	feed(t, "0\033[1J\xcc\xb4");
	assert_true(term_fb(t)->rows[0]->cells[0].fallback);
	assert_memory_equal(term_fb(t)->rows[0]->cells[0].text, "\xcc\xb4", 2);
	assert_cursor(t, 0, 2);
	assert_valid(t);
	term_free(t);
}

static void
wide_right_margin(void **state)
{
	struct term *t = term_new(10, 4);
	const struct term_fb *fb = term_fb(t);

	(void)state;
	feed(t, "123456789\xe4\xb8\xad");       /* U+4E2D at column 9 */
	assert_int_equal(fb->rows[0]->cells[9].len, 0);
	assert_false(fb->rows[0]->wrap);
	assert_true(fb->rows[1]->cells[0].wide);
	assert_int_equal(fb->rows[1]->cells[1].len, 0);
	assert_cursor(t, 1, 2);
	feed(t, "\r\n12345678\xe4\xb8\xad");    /* exactly fits: pending wrap */
	assert_true(fb->rows[2]->cells[8].wide);
	assert_cursor(t, 2, 9);
	assert_true(fb->ds.next_print_will_wrap);
	feed(t, "x");
	assert_true(fb->rows[2]->wrap);
	assert_string_equal(row_text(t, 3), "x");
	feed(t, "\033[?7l\033[1;10H\xe4\xb8\xad");   /* no autowrap: stays */
	assert_true(fb->rows[0]->cells[9].wide);
	assert_cursor(t, 0, 9);
	assert_valid(t);
	term_free(t);
}

static void
renditions(void **state)
{
	struct term *t = term_new(80, 24);
	const struct term_row *r;

	(void)state;
	feed(t, "\033[1;3;4;5;7;8;31;42ma\033[0m"
	    "\033[38;5;100;48;5;9mb\033[m"
	    "\033[38;2;1;2;3;48;2;250;0;7mc\033[m"
	    "\033[92;101md\033[0m"
	    "\033[38;5;3me\033[33mf\033[0m"
	    "\033[2mg\033[1;22mh"
	    "\033[38;1mi\033[0m"
	    "\033[38;5;300;1mj\033[0m");
	r = term_fb(t)->rows[0];
	assert_int_equal(r->cells[0].rend.attr, TERM_BOLD | TERM_ITALIC |
	    TERM_UNDERLINE | TERM_BLINK | TERM_INVERSE | TERM_INVISIBLE);
	assert_int_equal(r->cells[0].rend.fg, 31);
	assert_int_equal(r->cells[0].rend.bg, 42);
	assert_int_equal(r->cells[1].rend.fg, 30 + 100);
	assert_int_equal(r->cells[1].rend.bg, 40 + 9);
	assert_int_equal(r->cells[2].rend.fg, TERM_RGB | 0x010203);
	assert_int_equal(r->cells[2].rend.bg, TERM_RGB | 0xFA0007);
	assert_int_equal(r->cells[3].rend.fg, 30 + 10);   /* SGR 92: palette 10 */
	assert_int_equal(r->cells[3].rend.bg, 40 + 9);
	assert_int_equal(r->cells[4].rend.fg, 33);        /* 38;5;3 == 33 */
	assert_true(rend_equal(&r->cells[4].rend, &r->cells[5].rend));
	assert_int_equal(r->cells[6].rend.attr, 0);       /* faint ignored */
	assert_int_equal(r->cells[7].rend.attr, 0);
	assert_int_equal(r->cells[8].rend.attr, TERM_BOLD); /* lone 38 */
	assert_int_equal(r->cells[9].rend.fg, 0);         /* 300 ignored */
	assert_int_equal(r->cells[9].rend.attr, TERM_BOLD);
	/* the longest SGR a frame diff sends has 17 parameters: 0, six
	 * attributes, then 38;2;r;g;b and 48;2;r;g;b (mosh's
	 * src/terminal/terminalframebuffer.cc, Renditions::sgr) */
	feed(t, "\033[0;1;3;4;5;7;8;38;2;1;2;3;48;2;4;5;6mL\033[m");
	assert_int_equal(r->cells[10].rend.bg, TERM_RGB | 0x040506);
	assert_int_equal(r->cells[10].rend.attr, 0x7D);
	feed(t, "\033[38:5:1mk");               /* ':' makes CSI ignore it all */
	assert_int_equal(r->cells[11].rend.fg, 0);
	assert_int_equal(r->cells[11].len, 1);
	/* BCE: erasing fills with the pen's background only */
	feed(t, "\033[1;44m\033[2;1H\033[K");
	r = term_fb(t)->rows[1];
	assert_int_equal(r->cells[79].rend.bg, 44);
	assert_int_equal(r->cells[79].rend.attr, 0);
	assert_int_equal(r->cells[79].len, 0);
	term_free(t);
}

/* While a wrap is pending the cursor stays on the last column (mosh's
 * DrawState::move_col clamps it, src/terminal/terminalframebuffer.cc), so
 * BS goes to width-2. */
static void
pending_wrap_backspace(void **state)
{
	struct term *t = term_new(80, 24);

	(void)state;
	for (int i = 0; i < 80; i++)
		feed(t, "x");
	assert_cursor(t, 0, 79);
	assert_true(term_fb(t)->ds.next_print_will_wrap);
	feed(t, "\b");
	assert_cursor(t, 0, 78);
	assert_false(term_fb(t)->ds.next_print_will_wrap);
	term_free(t);
}

/* Every dispatched function drops the pending wrap except HT, CHT, CBT,
 * TBC, DECSET, DECRST and SGR (registered so in mosh's
 * src/terminal/terminalfunctions.cc); unknown ones drop it too
 * (Dispatcher::dispatch, src/terminal/terminaldispatcher.cc). */
static void
wrap_flag_rules(void **state)
{
	static const char *const keep[] = { "\033[1m", "\t", "\033[I", "\033[Z",
	    "\033[g", "\033[?25h", "\033[?1l", "\033]2;x\007" };
	static const char *const drop[] = { "\a", "\033[5x", "\033(0", "\0",
	    "\033[4h", "\0337", "\033[?5$p", "\x0e" };
	struct term *t = term_new(10, 3);

	(void)state;
	for (size_t i = 0; i < sizeof keep / sizeof keep[0]; i++) {
		feed(t, "\033[1;10Hx");
		assert_true(term_fb(t)->ds.next_print_will_wrap);
		term_write(t, (const uint8_t *)keep[i], keep[i][0] ? strlen(keep[i]) : 1, NULL);
		assert_true(term_fb(t)->ds.next_print_will_wrap);
	}
	for (size_t i = 0; i < sizeof drop / sizeof drop[0]; i++) {
		feed(t, "\033[1;10Hx");
		term_write(t, (const uint8_t *)drop[i], drop[i][0] ? strlen(drop[i]) : 1, NULL);
		assert_false(term_fb(t)->ds.next_print_will_wrap);
		feed(t, "\033[4l\033[1;10H");
	}
	feed(t, "\033[1;10Hx\ay");            /* no wrap after BEL: y overwrites */
	assert_string_equal(row_text(t, 0), "         y");
	assert_string_equal(row_text(t, 1), "");
	term_free(t);
}

/*
 * Runs of printable ASCII (term.c writes them straight into the row, SPEC
 * §7.4) at their edges, on a 10 x 4 screen.  Each expected screen is worked
 * out by hand from the printing rules of SPEC.md §7.4 (pending wrap,
 * margins, insert mode, combining, the scroll region, DECOM's homing), and
 * each input is fed whole and then one byte per write: both must give it.
 * A snapshot taken before must stay blank: a run never writes into a row
 * that another copy shares (after DECOM's first advance, the cursor's row
 * is one such).
 */
static void
ascii_runs(void **state)
{
	static const struct {
		const char *in, *rows[4];
		int row, col, pending;          /* pending: -1 = not checked */
		const char *wraps;              /* row wrap flags, '0' or '1' */
	} cases[] = {
		{ "0123456789", { "0123456789", "", "", "" }, 0, 9, 1, "0000" },
		{ "0123456789AB", { "0123456789", "AB", "", "" }, 1, 2, 0, "1000" },
		{ "abcdefghijklmnopqrstuvwxyz", { "abcdefghij", "klmnopqrst", "uvwxyz", "" },
		    2, 6, 0, "1100" },
		/* autowrap off: the last cell takes every further character */
		{ "\033[?7labcdefghijklm", { "abcdefghim", "", "", "" }, 0, 9, -1, "0000" },
		/* insert mode pushes the row right, one cell a character */
		{ "0123456789\r\033[4hab", { "ab01234567", "", "", "" }, 0, 2, 0, "0000" },
		/* UTF-8 and controls between runs: BS, HT, CR LF, a wide character */
		{ "ab\xc3\xa9" "cd\be\tf\r\nx\xe4\xb8\xadyz", { "ab\xc3\xa9" "ce   f", "x\xe4\xb8\xadyz",
		    "", "" }, 1, 5, 0, "0000" },
		/* a combining character joins the run's last cell, at the margin too */
		{ "abc\xcc\x81" "d", { "abc\xcc\x81" "d", "", "", "" }, 0, 4, 0, "0000" },
		{ "0123456789\xcc\x81", { "0123456789\xcc\x81", "", "", "" }, 0, 9, 1, "0000" },
		/* the wrap at the region's bottom scrolls the region only */
		{ "\033[4;1Hkeep\033[2;3r\033[3;1H0123456789AB", { "", "0123456789", "AB", "keep" },
		    2, 2, 0, "0100" },
		/* DECOM homes above the region; the first advance snaps into it */
		{ "\033[2;3r\033[?6hab", { "a", " b", "", "" }, 1, 2, 0, "0000" },
		/* rewriting the last cell clears the row's wrap flag; short of it, not */
		{ "0123456789A\033[1;6Hxxxxx", { "01234xxxxx", "A", "", "" }, 0, 9, 1, "0000" },
		{ "0123456789A\033[1;6Hxx", { "01234xx789", "A", "", "" }, 0, 7, 0, "1000" },
		/* ASCII right after a wide character starts after its right half */
		{ "\xe4\xb8\xad" "ab", { "\xe4\xb8\xad" "ab", "", "", "" }, 0, 4, 0, "0000" },
		/* a wide character short of the margin keeps the row's wrap flag */
		{ "0123456789A\033[1;3H\xe4\xb8\xad", { "01\xe4\xb8\xad" "456789", "A", "", "" },
		    0, 4, 0, "1000" },
		/* a wide character after a run that ends in the last column but one */
		{ "012345678\xe4\xb8\xad", { "012345678", "\xe4\xb8\xad", "", "" }, 1, 2, 0, "0000" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		for (int split = 0; split < 2; split++) {
			struct term *t = term_new(10, 4);
			const char *in = cases[i].in;
			struct term_fb snap, blank;
			fb_copy(&snap, term_fb(t));
			fb_init(&blank, 10, 4);
			for (size_t j = 0, n = strlen(in); j < n; j += split ? 1 : n)
				term_write(t, (const uint8_t *)in + j, split ? 1 : n, NULL);
			for (int y = 0; y < 4; y++) {
				assert_string_equal(row_text(t, y), cases[i].rows[y]);
				assert_int_equal(term_fb(t)->rows[y]->wrap, cases[i].wraps[y] == '1');
			}
			assert_cursor(t, cases[i].row, cases[i].col);
			if (cases[i].pending >= 0)
				assert_int_equal(term_fb(t)->ds.next_print_will_wrap, cases[i].pending);
			assert_valid(t);
			assert_true(fb_equal(&snap, &blank));
			fb_free(&snap);
			fb_free(&blank);
			term_free(t);
		}
	}
}

/* The line scrolled in is blank with the pen's background and counts as a
 * new row (fresh gen, no wrap flag), whether term.c reuses the row that
 * left or, when a snapshot still holds that one, makes another (SPEC §7.5). */
static void
scrolled_rows_fresh(void **state)
{
	struct term *t = term_new(10, 3);
	struct term_fb *fb = term_fb(t), snap;
	struct term_row *r, *top;
	uint64_t gen;

	(void)state;
	feed(t, "0123456789wrapped\r\nc");
	gen = fb->rows[0]->gen;
	assert_true(fb->rows[0]->wrap);
	for (int held = 0; held < 2; held++) {
		if (held)
			fb_copy(&snap, fb);
		top = fb->rows[0];
		feed(t, "\033[44m\r\n");
		r = fb->rows[2];
		assert_true(r->gen > gen);
		assert_false(r->wrap);
		for (int x = 0; x < 10; x++) {
			assert_int_equal(r->cells[x].len, 0);
			assert_int_equal(r->cells[x].rend.bg, 44);     /* BCE */
		}
	}
	assert_string_equal(row_text(t, 0), "c");
	assert_ptr_equal(snap.rows[0], top);    /* unchanged, and now the */
	assert_int_equal(top->refs, 1);         /* snapshot's alone */
	assert_int_equal(top->cells[0].text[0], 'w');
	fb_free(&snap);
	term_free(t);
}

/* emulation-80th-column: 25 lines of 80 E's, each with CR LF. */
static void
eightieth_column(void **state)
{
	struct term *t = term_new(80, 24);
	char line[83];

	(void)state;
	memset(line, 'E', 80);
	memcpy(line + 80, "\r\n", 3);
	for (int i = 0; i < 25; i++)
		feed(t, line);
	for (int y = 0; y < 23; y++)
		assert_int_equal(strlen(row_text(t, y)), 80);
	assert_string_equal(row_text(t, 23), "");
	assert_cursor(t, 23, 0);
	assert_false(term_fb(t)->rows[0]->wrap);
	term_free(t);
}

static void
alternate_screen(void **state)
{
	struct term *t = term_new(20, 5);

	(void)state;
	feed(t, "shell$ \033[1;31m");
	for (int mode = 0; mode < 3; mode++) {
		static const char *const on[] = { "\033[?1049h", "\033[?1047h", "\033[?47h" };
		static const char *const off[] = { "\033[?1049l", "\033[?1047l", "\033[?47l" };
		feed(t, on[mode]);
		assert_string_equal(row_text(t, 0), "");
		feed(t, "\033[3;3Hvim");
		feed(t, on[mode]);              /* entering twice changes nothing */
		assert_string_equal(row_text(t, 2), "  vim");
		feed(t, off[mode]);
		assert_string_equal(row_text(t, 0), "shell$");
		assert_string_equal(row_text(t, 2), "");
		if (mode == 0)
			assert_cursor(t, 0, 7);
		feed(t, "\033[1;8H");
	}
	/* a resize while the alternate screen shows reaches the primary too */
	feed(t, "\033[?1049h");
	term_resize(t, 30, 8);
	feed(t, "\033[?1049l");
	assert_string_equal(row_text(t, 0), "shell$");
	assert_int_equal(term_fb(t)->rows[7]->width, 30);
	feed(t, "\033[?1049h\033c");            /* RIS leaves it */
	assert_valid(t);
	term_free(t);
}

static void
replies(void **state)
{
	struct term *t = term_new(80, 24);
	struct buf r = { 0 };
	const char *s = "\033[5n\033[3;7H\033[6n\033[c\033[0c\033[>c\033[?6h\033[2;5r\033[6n";
	const char *want = "\033[0n\033[3;7R\033[?62c\033[?62c\033[>1;10;0c\033[2;1R";

	(void)state;
	term_write(t, (const uint8_t *)s, strlen(s), &r);
	assert_int_equal(r.len, strlen(want));
	assert_memory_equal(r.data, want, r.len);
	buf_free(&r);
	term_free(t);
}

static void
titles(void **state)
{
	struct term *t = term_new(80, 24);
	const struct term_fb *fb = term_fb(t);
	char s[400];

	(void)state;
	assert_false(fb->title_initialized);
	feed(t, "\033]2;win\007");
	assert_true(fb->title_initialized);
	assert_int_equal(fb->title_len, 3);
	assert_int_equal(fb->title[2], 'n');
	assert_int_equal(fb->icon_len, 0);
	feed(t, "\033]1;ic\033\\");             /* ESC \ ends it too */
	assert_int_equal(fb->icon_len, 2);
	assert_int_equal(fb->title_len, 3);
	feed(t, "\033];both\xc3\xa9\xc2\x9c");  /* ";": command 0; C1 ST */
	assert_int_equal(fb->title_len, 5);
	assert_int_equal(fb->title[4], 0xE9);
	assert_int_equal(fb->icon_len, 5);
	feed(t, "\033]3;x\007\033]22;x\007\033]a;x\007");   /* ignored */
	assert_int_equal(fb->title_len, 5);
	memcpy(s, "\033]0;", 4);                /* cut at index 256 */
	memset(s + 4, 'x', 300);
	strcpy(s + 304, "\007");
	feed(t, s);
	assert_int_equal(fb->title_len, 254);
	feed(t, "\033]52;c;aGVsbG8=\007");
	assert_int_equal(fb->clip_len, 8);
	assert_memory_equal(fb->clipboard, "aGVsbG8=", 8);
	feed(t, "\033]52;p;x\007\a\a");         /* only selection c */
	assert_int_equal(fb->clip_len, 8);
	feed(t, "\033c");                       /* RIS keeps icon and bells */
	assert_int_equal(fb->title_len, 0);
	assert_int_equal(fb->clip_len, 0);
	assert_int_equal(fb->icon_len, 254);
	assert_true(fb->title_initialized);
	assert_int_equal(fb->bell_count, 2);
	term_free(t);
}

/* UTF-8-encoded C1 controls act as controls: mosh decodes first
 * (src/terminal/parser.cc, UTF8Parser) and its parser takes U+0080..U+009F
 * as C1 (src/terminal/parserstate.cc, State::anywhere_rule). */
static void
c1_csi_in_utf8(void **state)
{
	struct term *t = term_new(80, 24);

	(void)state;
	feed(t, "\xc2\x9b\x33\x31mr\xc2\x9b" "5;5H");
	assert_int_equal(term_fb(t)->rows[0]->cells[0].rend.fg, 31);
	assert_cursor(t, 4, 4);
	feed(t, "\xc3\x41");                    /* U+FFFD, then A */
	assert_string_equal(row_text(t, 4), "    \xef\xbf\xbd" "A");
	term_free(t);
}

static void
editing(void **state)
{
	struct term *t = term_new(10, 3);

	(void)state;
	feed(t, "abcdefghij");                  /* pending wrap on row 0 */
	feed(t, "k");
	assert_true(term_fb(t)->rows[0]->wrap);
	feed(t, "\033[1;3H\033[2@");            /* ICH 2 */
	assert_string_equal(row_text(t, 0), "ab  cdefgh");
	assert_false(term_fb(t)->rows[0]->wrap);
	feed(t, "\033[3P");                     /* DCH 3 */
	assert_string_equal(row_text(t, 0), "abdefgh");
	feed(t, "\033[2X");                     /* ECH 2, cursor stays */
	assert_string_equal(row_text(t, 0), "ab  fgh");
	assert_cursor(t, 0, 2);
	feed(t, "\033[4hXY\033[4l");            /* IRM */
	assert_string_equal(row_text(t, 0), "abXY  fgh");
	feed(t, "\033[1K");                     /* EL 1 */
	assert_string_equal(row_text(t, 0), "      fgh");
	feed(t, "\033[2;1Hxyz\033[2;2H\033[J");  /* ED 0 */
	assert_string_equal(row_text(t, 1), "x");
	assert_string_equal(row_text(t, 0), "      fgh");
	feed(t, "\033#8");                      /* DECALN */
	assert_string_equal(row_text(t, 2), "EEEEEEEEEE");
	feed(t, "\033[2J");
	assert_string_equal(row_text(t, 2), "");
	feed(t, "\033[H\033[3g\tT");            /* no tab stops left */
	assert_cursor(t, 0, 9);
	feed(t, "\033[1;4H\033H\033[1;1H\tT");  /* HTS at column 3 */
	assert_cursor(t, 0, 4);
	feed(t, "\033[1;5r\033[?6h\033[4h\033[?1h\033[1m\0337\033[!p");  /* DECSTR */
	assert_false(term_fb(t)->ds.origin_mode);
	assert_false(term_fb(t)->ds.insert_mode);
	assert_false(term_fb(t)->ds.app_cursor_keys);
	assert_int_equal(term_fb(t)->ds.rend.attr, 0);
	assert_int_equal(term_fb(t)->ds.saved.row, 0);
	feed(t, "\033[2;3H\0337\033[H\0338");   /* DECSC, DECRC */
	assert_cursor(t, 1, 2);
	feed(t, "\033[?3h");                    /* DECCOLM: clear and home */
	assert_cursor(t, 0, 0);
	assert_valid(t);
	term_free(t);
}

static void
modes(void **state)
{
	struct term *t = term_new(80, 24);
	const struct term_ds *ds = &term_fb(t)->ds;

	(void)state;
	feed(t, "\033[?25l\033[?5;1002;1006;1004;2004;1007h");
	assert_true(ds->reverse_video);
	assert_false(ds->cursor_visible);
	assert_int_equal(ds->mouse_mode, 1002);
	assert_int_equal(ds->mouse_encoding, 1006);
	assert_true(ds->mouse_focus && ds->bracketed_paste && ds->alt_scroll);
	feed(t, "\033[?1000l\033[?1015l");      /* reset of any: none */
	assert_int_equal(ds->mouse_mode, 0);
	assert_int_equal(ds->mouse_encoding, 0);
	feed(t, "\033c");
	assert_false(ds->reverse_video);
	assert_true(ds->cursor_visible && ds->autowrap);
	assert_false(ds->bracketed_paste);
	term_free(t);
}

/* The key translator (SPEC.md §7.6; mosh's src/terminal/terminaluserinput.cc). */
static void
user_bytes(void **state)
{
	struct term *t = term_new(80, 24);
	struct buf out = { 0 };
	const char *in = "a\033OA\033OB\033Ox\033[C\033\033OD";

	(void)state;
	for (const char *p = in; *p; p++)
		term_user_byte(t, (uint8_t)*p, &out);
	/* as in mosh, a second ESC right after ESC is passed and forgotten */
	assert_int_equal(out.len, strlen("a\033[A\033[B\033Ox\033[C\033\033OD"));
	assert_memory_equal(out.data, "a\033[A\033[B\033Ox\033[C\033\033OD", out.len);
	out.len = 0;
	feed(t, "\033[?1h");                    /* DECCKM: left alone */
	for (const char *p = "\033OA"; *p; p++)
		term_user_byte(t, (uint8_t)*p, &out);
	assert_memory_equal(out.data, "\033OA", 3);
	buf_free(&out);
	term_free(t);
}

/* Copies share rows until one is written (SPEC.md §7.5). */
/* term_clone: rows shared, the saved primary screen copied, and parsing
 * goes on from the original's state (here inside an OSC string). */
static void
clone_parses_on(void **state)
{
	struct term *t = term_new(20, 5), *c;

	(void)state;
	feed(t, "ab\033[?1049hxy\033]2;ti");
	c = term_clone(t);
	assert_ptr_equal(term_fb(c)->rows[0], term_fb(t)->rows[0]);
	feed(c, "tle\007");
	assert_int_equal(term_fb(c)->title_len, 5);
	assert_int_equal(term_fb(c)->title[4], 'e');
	assert_int_equal(term_fb(t)->title_len, 0);     /* still in its string */
	feed(t, "\007");
	assert_int_equal(term_fb(t)->title_len, 2);
	feed(c, "\033[?1049l");
	assert_string_equal(row_text(c, 0), "ab");
	assert_string_equal(row_text(t, 0), "  xy");    /* the original: still alternate */
	term_free(c);
	term_free(t);
}

static void
framebuffer_sharing(void **state)
{
	struct term *t = term_new(20, 5);
	struct term_fb snap, other;

	(void)state;
	feed(t, "one\r\ntwo");
	fb_copy(&snap, term_fb(t));
	assert_ptr_equal(snap.rows[0], term_fb(t)->rows[0]);
	assert_int_equal(snap.rows[0]->refs, 2);
	assert_true(fb_equal(&snap, term_fb(t)));
	uint64_t gen = snap.rows[1]->gen;
	feed(t, "!");
	assert_ptr_not_equal(snap.rows[1], term_fb(t)->rows[1]);
	assert_int_equal(term_fb(t)->rows[1]->gen, gen);   /* same row, edited */
	assert_string_equal(row_text(t, 1), "two!");
	assert_int_equal(snap.rows[1]->cells[3].len, 0);   /* snapshot unchanged */
	assert_false(fb_equal(&snap, term_fb(t)));
	feed(t, "\033[2K");                     /* blanked whole: a new row */
	assert_true(term_fb(t)->rows[1]->gen != gen);
	/* what counts as equal: icon and modes no, title and bell yes */
	fb_free(&snap);
	fb_copy(&snap, term_fb(t));
	feed(t, "\033]1;icon\007\033[4h\033[?7l\033[?1h\033[3g\033[2;3r\033[H");
	fb_copy(&other, term_fb(t));
	feed(t, "\033[H");
	assert_true(fb_equal(&snap, term_fb(t)) == false);  /* cursor moved by DECSTBM+H */
	snap.ds.row = term_fb(t)->ds.row;
	snap.ds.col = term_fb(t)->ds.col;
	assert_true(fb_equal(&snap, term_fb(t)));
	feed(t, "\a");
	assert_false(fb_equal(&other, term_fb(t)));
	fb_free(&other);
	fb_copy(&other, term_fb(t));
	feed(t, "\033]2;t\007");
	assert_false(fb_equal(&other, term_fb(t)));
	fb_free(&other);
	fb_free(&snap);
	term_free(t);
}

static void
resize(void **state)
{
	struct term *t = term_new(10, 4);
	const struct term_fb *fb = term_fb(t);

	(void)state;
	feed(t, "0123456789ab\033[4;10H\033[44m");
	assert_true(fb->rows[0]->wrap);
	term_resize(t, 0, 5);                   /* ignored */
	term_resize(t, 5, -1);
	assert_int_equal(fb->ds.width, 10);
	term_resize(t, 20, 6);
	assert_false(fb->rows[0]->wrap);
	assert_string_equal(row_text(t, 0), "0123456789");
	assert_int_equal(fb->rows[5]->cells[0].rend.bg, 44);
	assert_int_equal(fb->rows[0]->cells[15].rend.bg, 44);
	feed(t, "\033[1;11H\t");                /* default stop at 16 */
	assert_cursor(t, 0, 16);
	term_resize(t, 3, 2);
	assert_cursor(t, 0, 2);
	assert_string_equal(row_text(t, 0), "012");
	term_resize(t, 100000, 100000);
	assert_int_equal(fb->ds.width, TERM_MAX_WIDTH);
	assert_int_equal(fb->ds.height, TERM_MAX_HEIGHT);
	assert_valid(t);
	term_free(t);
}

/* ---- hostile input: bounded time, valid screen ---- */

static double
cpu_seconds(void)
{
	return (double)clock() / CLOCKS_PER_SEC;
}

static void
feed_timed(struct term *t, const uint8_t *p, size_t n, const char *what)
{
	double t0 = cpu_seconds();
	struct buf reply = { 0 };

	term_write(t, p, n, &reply);
	buf_free(&reply);
	if (cpu_seconds() - t0 > BAD_INPUT_CPU_SECONDS)
		fail_msg("%s took %.1f s of CPU", what, cpu_seconds() - t0);
	assert_valid(t);
}

static void
bad_input(void **state)
{
	static const char *const rows[] = {
		"\033[2147483647L", "\033[2147483647M", "\033[2147483647@",
		"\033[2147483647P", "\033[2147483647b", "\033[2147483647S",
		"\033[2147483647T", "\033[2147483647X", "\033[2147483647Z",
		"\033[2147483647I", "\033[65535;65535H", "\033[65535A",
		"\033[4294967297C", "\033[-5;-5H", "\033[?2147483647h",
		"\033[38;5;2147483647m", "\033[38;2;99999;99999;99999m",
		"\033P1;2;3qpayload\033\\", "\033_apc\033\\", "\xc2\x98sos\xc2\x9c",
		"\xff\xfe\xc0\x80\xed\xa0\x80\xf4\x90\x80\x80\xf8\x88\x80\x80\x80",
		"\033[1;2:3m", "\033[?1049h\033[?1049h\033[?1049l\033[?1049l",
	};
	struct term *t = term_new(80, 24);
	size_t big = 1u << 20;
	uint8_t *p = malloc(big + 16);

	(void)state;
	assert_non_null(p);
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
		feed_timed(t, (const uint8_t *)rows[i], strlen(rows[i]), rows[i]);
	/* a 99-digit parameter counts as missing, and the ';' after it is the
	 * 100th parameter character, so the 3 is dropped: CUP to 1;1 */
	memcpy(p, "\033[5;5H\033[", 9);
	memset(p + 9, '9', 99);
	memcpy(p + 108, ";3H", 3);
	feed_timed(t, p, 111, "99 digits");
	assert_cursor(t, 0, 0);
	/* 10,000 ';' then a final; 1000 parameters */
	memcpy(p, "\033[", 2);
	memset(p + 2, ';', 10000);
	p[10002] = 'm';
	feed_timed(t, p, 10003, "10,000 ;");
	memcpy(p, "\033[", 2);
	for (int i = 0; i < 1000; i++)
		memcpy(p + 2 + 2 * i, "1;", 2);
	p[2001] = 'L';
	feed_timed(t, p, 2002, "1000 params");
	/* an unterminated 1 MiB OSC: kept to its limit, then ended by CAN */
	memcpy(p, "\033]2;", 4);
	memset(p + 4, 'x', big);
	feed_timed(t, p, big + 4, "1 MiB OSC");
	feed(t, "\030");
	assert_int_equal(term_fb(t)->title_len, 254);
	memcpy(p, "\033]52;c;", 7);
	feed_timed(t, p, big + 4, "1 MiB OSC 52");
	feed(t, "\a");
	assert_int_equal(term_fb(t)->clip_len, 16384 - 5);   /* OSC limit less "52;c;" */
	free(p);
	term_free(t);
}

/* 10 MB of seeded random bytes in 10 chunks: each chunk costs about the
 * same (no state grows with the input). */
static void
random_bytes_flat(void **state)
{
	size_t chunk = getenv("TEST_QUICK") ? 100000 : 1000000;
	uint8_t *p = malloc(chunk);
	struct term *t = term_new(80, 24);
	uint64_t seed = 0x5EED;
	double first = 0, last = 0;

	(void)state;
	assert_non_null(p);
	for (int i = 0; i < 10; i++) {
		for (size_t j = 0; j < chunk; j++) {
			uint64_t r = test_rand(&seed);
			/* some ESC and [ so that sequences really happen */
			p[j] = r % 16 == 0 ? 0x1B : r % 16 == 1 ? '[' : (uint8_t)(r >> 8);
		}
		double t0 = cpu_seconds();
		feed_timed(t, p, chunk, "random chunk");
		double dt = cpu_seconds() - t0;
		if (i == 0)
			first = dt;
		last = dt;
	}
	print_message("random bytes: first chunk %.3f s, last %.3f s\n", first, last);
	assert_true(last < 5 * first + 0.05);
	free(p);
	term_free(t);
}

/* The worked example of SPEC.md §7.7.  */
static void
spec_example(void **state)
{
	struct term *t = term_new(10, 3);
	const struct term_row *r;

	(void)state;
	feed(t, "\033[1;31mhi\033[0m\033[2;9HAB\xe4\xb8\xad\033[1;4He\xcc\x81");
	r = term_fb(t)->rows[0];
	assert_string_equal(row_text(t, 0), "hi e\xcc\x81");
	assert_int_equal(r->cells[3].len, 3);
	assert_int_equal(r->cells[0].rend.fg, 31);
	assert_int_equal(r->cells[0].rend.attr, TERM_BOLD);
	assert_string_equal(row_text(t, 1), "        AB");
	assert_true(term_fb(t)->rows[1]->wrap);
	assert_string_equal(row_text(t, 2), "\xe4\xb8\xad");
	assert_true(term_fb(t)->rows[2]->cells[0].wide);
	assert_cursor(t, 0, 4);
	term_free(t);
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(widths_agree_with_libc),
		cmocka_unit_test(utf8_agrees_with_mbrtowc),
		cmocka_unit_test(back_tab),
		cmocka_unit_test(cursor_motion),
		cmocka_unit_test(multiline_scroll),
		cmocka_unit_test(scroll_up_down),
		cmocka_unit_test(scroll_region),
		cmocka_unit_test(iso2022_ignored),
		cmocka_unit_test(combining_first_column),
		cmocka_unit_test(combine_after_erase),
		cmocka_unit_test(wide_right_margin),
		cmocka_unit_test(renditions),
		cmocka_unit_test(pending_wrap_backspace),
		cmocka_unit_test(wrap_flag_rules),
		cmocka_unit_test(ascii_runs),
		cmocka_unit_test(scrolled_rows_fresh),
		cmocka_unit_test(eightieth_column),
		cmocka_unit_test(alternate_screen),
		cmocka_unit_test(replies),
		cmocka_unit_test(titles),
		cmocka_unit_test(c1_csi_in_utf8),
		cmocka_unit_test(editing),
		cmocka_unit_test(modes),
		cmocka_unit_test(user_bytes),
		cmocka_unit_test(clone_parses_on),
		cmocka_unit_test(framebuffer_sharing),
		cmocka_unit_test(resize),
		cmocka_unit_test(bad_input),
		cmocka_unit_test(random_bytes_flat),
		cmocka_unit_test(spec_example),
	};
	return RUN_TESTS("term", tests);
}
