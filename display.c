/*
 * display.c -- the frame diff (SPEC.md §8), and the terminal as the
 * server's synchronized object (SPEC.md §6.2).
 *
 * display_frame() writes the escape string that turns a terminal showing
 * framebuffer `last` into one showing `f`: mosh's Display::new_frame
 * (src/terminal/terminaldisplay.cc).  The server sends it to the client as
 * HostBytes; the client uses it again to paint the user's real terminal.
 * It emits what mosh 1.4 emits, byte for byte where real traffic pins the
 * bytes (tests/terminal/display_mosh.test compares with Debian's mosh-server), so
 * that a stock mosh-client draws our frames.
 *
 * Layers, bottom up:
 *  1. struct frame: what we know of the receiving terminal while we write
 *     to it -- its cursor (row -1 = unknown), its pen, whether the cursor
 *     is shown (mosh's FrameState).  Every byte that moves the cursor or
 *     changes the pen updates it, so the knowledge stays true.
 *  2. put_row(): one row against the row the receiver already holds;
 *     put_scroll(): the receiver scrolls instead of redrawing.
 *  3. display_frame(): the fixed order of SPEC.md §8.1 (bell, title,
 *     clipboard, reverse video, size, scrolling, rows, cursor, modes).
 *  4. hoststate_ops: the terminal plus echo ack for the transport, mosh's
 *     Terminal::Complete (src/statesync/completeterminal.cc); its diff is a
 *     HostMessage around display_frame's output.
 * Invariants: the receiver is assumed to keep autowrap on, origin and insert
 * mode off and a full-screen scroll region (nothing here changes them for
 * longer than one step); a tracked column equal to the width means "the
 * last column, with a wrap pending", where only CR and CUP are exact.
 */
#include <stdlib.h>
#include <string.h>
#include "display.h"
#include "ssp.h"

/* Limits and tuning (SPEC.md §A). */
#define DISPLAY_SHORT_MOVE 5    /* CR/LF and BS are used for moves below this */
#define DISPLAY_ECH_MIN    5    /* shorter blank runs are sent as spaces */

static const struct term_rend display_default_rend;     /* all zero */
static const struct term_cell display_blank_cell;       /* empty, default */

/* What we know of the receiving terminal. */
struct frame {
	struct buf *out;
	const struct display_caps *caps;
	int width;
	int row, col;                   /* row -1: unknown; col == width: pending wrap */
	struct term_rend rend;
	bool cursor_visible;
};

/* ------------------------------------------------------------ output */

/* A colour as SGR parameters; base is 30 (foreground) or 40 (background). */
static void
display_colour(struct buf *out, uint32_t c, unsigned base)
{
	if (c == 0)
		return;
	if (c & TERM_RGB)
		buf_printf(out, ";%u;2;%u;%u;%u", base + 8, (c >> 16) & 0xFF,
		    (c >> 8) & 0xFF, c & 0xFF);
	else if (c - base < 8)
		buf_printf(out, ";%u", c);
	else
		buf_printf(out, ";%u;5;%u", base + 8, c - base);
}

void
display_sgr(struct buf *out, const struct term_rend *r)
{
	static const struct { uint8_t bit; const char *param; } attrs[] = {
		{ TERM_BOLD, ";1" }, { TERM_ITALIC, ";3" },
		{ TERM_UNDERLINE, ";4" }, { TERM_BLINK, ";5" },
		{ TERM_INVERSE, ";7" }, { TERM_INVISIBLE, ";8" },
	};

	buf_puts(out, "\033[0");
	for (size_t i = 0; i < sizeof attrs / sizeof attrs[0]; i++)
		if (r->attr & attrs[i].bit)
			buf_puts(out, attrs[i].param);
	display_colour(out, r->fg, 30);
	display_colour(out, r->bg, 40);
	buf_putc(out, 'm');
}

/* An OSC string such as a title, in UTF-8, ended by BEL (mosh sends BEL,
 * which more terminals understand than ST). */
static void
display_osc_text(struct buf *out, const char *cmd, const uint32_t *s, int n)
{
	char u[4];

	buf_printf(out, "\033]%s;", cmd);
	for (int i = 0; i < n; i++)
		buf_put(out, u, (size_t)term_utf8_encode(s[i], u));
	buf_putc(out, '\007');
}

/* n times byte c: the LFs, BSs and spaces of short moves and blank runs. */
static void
display_repeat(struct buf *out, uint8_t c, int n)
{
	for (int i = 0; i < n; i++)
		buf_putc(out, c);
}

/* ------------------------------------------------------------ frame */

/* mosh's FrameState::append_move: CR/LF or BS when the move is short,
 * else CUP.  A pending wrap is left exactly by CR, never by BS (mosh 1.4
 * backspaces from there and lands one column too far left). */
static void
frame_append_move(struct frame *fr, int row, int col)
{
	int row0 = fr->row, col0 = fr->col;

	fr->row = row;
	fr->col = col;
	if (row0 >= 0 && col == 0 && row - row0 >= 0 && row - row0 < DISPLAY_SHORT_MOVE) {
		if (col0 != 0)
			buf_putc(fr->out, '\r');
		display_repeat(fr->out, '\n', row - row0);
		return;
	}
	/* Back along the same row, from a known column (row is never -1). */
	if (row == row0 && col0 < fr->width && col0 - col > 0 &&
	    col0 - col < DISPLAY_SHORT_MOVE) {
		display_repeat(fr->out, '\b', col0 - col);
		return;
	}
	buf_printf(fr->out, "\033[%d;%dH", row + 1, col + 1);
}

/* A move while drawing (mosh's append_silent_move): the cursor is hidden
 * first so that it does not flicker across the screen. */
static void
frame_append_silent_move(struct frame *fr, int row, int col)
{
	if (fr->row == row && fr->col == col)
		return;
	if (fr->cursor_visible) {
		buf_puts(fr->out, "\033[?25l");
		fr->cursor_visible = false;
	}
	frame_append_move(fr, row, col);
}

/* mosh's FrameState::update_rendition: a whole SGR, only when the pen
 * changes (or when forced, to make a known pen out of an unknown one). */
static void
frame_update_rendition(struct frame *fr, const struct term_rend *r, bool force)
{
	if (!force && rend_equal(&fr->rend, r))
		return;
	display_sgr(fr->out, r);
	fr->rend = *r;
}

/* Prints one cell at the cursor, as mosh's Cell::print_grapheme
 * (src/terminal/terminalframebuffer.h). */
static void
frame_append_cell(struct frame *fr, const struct term_cell *c)
{
	frame_update_rendition(fr, &c->rend, false);
	if (c->fallback)                /* a lone combining mark sits on NBSP */
		buf_put(fr->out, "\xC2\xA0", 2);
	if (c->len == 0)
		buf_putc(fr->out, ' ');         /* an empty cell prints as a space */
	else
		buf_put(fr->out, c->text, c->len);
	fr->col += c->wide ? 2 : 1;
}

/* ------------------------------------------------------------ rows */

/* Same row for the scroll search, as mosh's new_frame compares rows: the
 * same object, or a copy of it (same generation) with the same cells. */
static bool
row_same(const struct term_row *a, const struct term_row *b)
{
	return a == b || (a->gen == b->gen && row_equal(a, b));
}

/* Clears the blank run of n cells of rendition r that ends before column
 * x, as mosh's put_row does.  Erasing (ECH, EL) paints the pen's
 * background only where the terminal has BCE; without it, only the default
 * rendition may be erased. */
static void
put_blanks(struct frame *fr, int row, int x, int n,
    const struct term_rend *r, bool at_eol, bool wraps)
{
	bool can_use_erase = fr->caps->has_bce || rend_equal(r, &display_default_rend);

	frame_append_silent_move(fr, row, x - n);
	frame_update_rendition(fr, r, false);
	if (at_eol && can_use_erase && !wraps) {
		buf_puts(fr->out, "\033[K");
	} else if (!at_eol && can_use_erase && fr->caps->has_ech && n >= DISPLAY_ECH_MIN) {
		buf_printf(fr->out, "\033[%dX", n);
	} else {
		display_repeat(fr->out, ' ', n);
		fr->col = x;
	}
}

/*
 * Draws row y of f over `old` (NULL: a blank row), as mosh's
 * Display::put_row.  wrap_in says the receiver sits after the last cell of
 * row y-1 with a wrap pending, so cell 0 is printed at once and the
 * receiver's own autowrap marks row y-1 as wrapped.  Returns the same for
 * row y+1.
 */
static bool
put_row(struct frame *fr, const struct term_fb *f, int y,
    const struct term_row *old, bool initialized, bool wrap_in)
{
	const struct term_row *row = f->rows[y];
	const int w = f->ds.width;
	bool old_wrap = old != NULL && old->wrap;
	struct term_rend run_rend = display_default_rend;
	int x = 0, run = 0;

	if (wrap_in) {
		frame_append_cell(fr, &row->cells[0]);
		x = row->cells[0].wide ? 2 : 1;
	}
	if (initialized && row == old)
		x = w;          /* the receiver holds this very row */
	while (x < w) {
		const struct term_cell *c = &row->cells[x];
		const struct term_cell *was = old != NULL ? &old->cells[x] : &display_blank_cell;
		int cw = c->wide ? 2 : 1;

		/* A cell the receiver already shows is skipped, unless a blank
		 * run is pending.  The wrap flag lives on the row here, on the
		 * last cell in mosh: a change of it redraws the last cell. */
		bool wrap_changed = x + cw >= w && row->wrap != old_wrap;
		if (initialized && run == 0 && cell_equal(c, was) && !wrap_changed) {
			x += cw;
			continue;
		}
		/* A run of empty cells of one rendition is cleared at once. */
		if (run > 0 && (c->len != 0 || !rend_equal(&c->rend, &run_rend))) {
			put_blanks(fr, y, x, run, &run_rend, false, row->wrap);
			run = 0;
		}
		if (c->len == 0) {
			run_rend = c->rend;     /* the same, if the run goes on */
			run++;
			x++;
			continue;
		}
		/* The receiver's wrap state at the end of a wrapping row may
		 * differ from ours: place its last cell explicitly. */
		if (row->wrap && x + cw >= w)
			fr->row = -1;   /* unknown: the move is a CUP */
		frame_append_silent_move(fr, y, x);
		/* A wide cell in the last column (written with autowrap off, or
		 * cut by a resize) fits only with autowrap off, switched off
		 * after the pen is set. */
		frame_update_rendition(fr, &c->rend, false);
		if (x + cw > w)
			buf_puts(fr->out, "\033[?7l");
		frame_append_cell(fr, c);
		if (x + cw > w)
			buf_puts(fr->out, "\033[?7h");
		x += cw;
	}
	if (run > 0)
		put_blanks(fr, y, x, run, &run_rend, true, row->wrap);
	/* Only writing this row's last column leaves the receiver on row y
	 * past the end, with a wrap pending. */
	if (fr->row != y || fr->col < w || y == f->ds.height - 1)
		return false;
	if (!row->wrap)
		buf_puts(fr->out, "\r\n");
	fr->row = y + 1;
	fr->col = 0;
	return row->wrap;
}

/*
 * If new row 0 is old row r > 0 (and the rows after it follow), scrolls the
 * receiver by r instead of redrawing, as mosh's new_frame does.  Returns
 * the first row to draw; rows from it to *bottom are then blank, the ones
 * below still last's.
 */
static int
put_scroll(struct frame *fr, const struct term_fb *last, const struct term_fb *f,
    int *bottom)
{
	const int h = f->ds.height;
	int r, n;

	for (r = 0; r < h && !row_same(f->rows[0], last->rows[r]); r++)
		;
	if (r == 0 || r == h)
		return 0;
	for (n = 1; r + n < h && row_same(f->rows[n], last->rows[r + n]); n++)
		;
	*bottom = r + n - 1;
	/* The lines scrolled in take the pen's background: make it the default. */
	frame_update_rendition(fr, &display_default_rend, true);
	if (*bottom == h - 1 && fr->row == h - 1) {
		buf_putc(fr->out, '\r');
		display_repeat(fr->out, '\n', r);
		fr->col = 0;
	} else {
		/* Where setting or resetting the region leaves the cursor is
		 * not tracked: the next move is a CUP. */
		buf_printf(fr->out, "\033[1;%dr", *bottom + 1);
		fr->row = -1;
		frame_append_silent_move(fr, *bottom, 0);
		display_repeat(fr->out, '\n', r);
		buf_puts(fr->out, "\033[r");
		fr->row = -1;
	}
	return n;
}

/* ------------------------------------------------------------ display */

static bool
display_title_same(const uint32_t *a, int alen, const uint32_t *b, int blen)
{
	return alen == blen && memcmp(a, b, (size_t)alen * sizeof a[0]) == 0;
}

/* A mouse mode or encoding, of which one is on at a time (SPEC.md §8.1,
 * item 12), sent if it changed or the frame is not `initialized`: to none
 * is `off`, the whole group off; otherwise the old one goes off and the
 * new one on. */
static void
display_mode(struct buf *out, bool initialized, int last, int now, const char *off)
{
	if (initialized && now == last)
		return;
	if (now == 0)
		buf_puts(out, off);
	else if (last != 0)
		buf_printf(out, "\033[?%dl", last);
	if (now != 0)
		buf_printf(out, "\033[?%dh", now);
}

/* mosh's Display::new_frame.  Each step is sent only if it changed, or
 * always when not `initialized`. */
void
display_frame(struct buf *out, const struct term_fb *last,
    const struct term_fb *f, bool initialized, const struct display_caps *caps)
{
	const struct term_ds *ds = &f->ds;
	/* The receiver as a reset leaves it (the zero frame: cursor home and
	 * hidden, default pen), or, below, as it showed `last`. */
	struct frame fr = { .out = out, .caps = caps, .width = ds->width };
	bool wrap = false;
	int first = 0, bottom = -1;

	if (f->bell_count != last->bell_count)
		buf_putc(out, '\007');        /* one BEL, however many rang */
	bool title_changed =
	    !display_title_same(f->title, f->title_len, last->title, last->title_len) ||
	    !display_title_same(f->icon, f->icon_len, last->icon, last->icon_len);
	if (caps->has_title && f->title_initialized && (!initialized || title_changed)) {
		if (display_title_same(f->title, f->title_len, f->icon, f->icon_len)) {
			display_osc_text(out, "0", f->title, f->title_len);
		} else {
			display_osc_text(out, "1", f->icon, f->icon_len);
			display_osc_text(out, "2", f->title, f->title_len);
		}
	}
	if (f->clip_len != last->clip_len || (f->clip_len > 0 &&
	    memcmp(f->clipboard, last->clipboard, f->clip_len) != 0)) {
		buf_puts(out, "\033]52;c;");
		buf_put(out, f->clipboard, f->clip_len);
		buf_putc(out, '\007');
	}
	if (!initialized || ds->reverse_video != last->ds.reverse_video)
		buf_printf(out, "\033[?5%c", ds->reverse_video ? 'h' : 'l');
	if (!initialized || ds->width != last->ds.width || ds->height != last->ds.height) {
		/* Reset the scroll region and the pen, clear, hide the cursor;
		 * from here on assume nothing else. */
		buf_puts(out, "\033[r\033[0m\033[H\033[2J\033[?25l");
		initialized = false;
	} else {
		fr.row = last->ds.row;
		fr.col = last->ds.col;
		fr.rend = last->ds.rend;
		fr.cursor_visible = last->ds.cursor_visible;
		first = put_scroll(&fr, last, f, &bottom);
	}
	for (int y = first; y < ds->height; y++) {
		/* The row the receiver holds: last's, or (NULL) a blank one
		 * scrolled in or painted from nothing. */
		const struct term_row *old = initialized && y > bottom ? last->rows[y] : NULL;
		wrap = put_row(&fr, f, y, old, initialized, wrap);
	}
	if (!initialized || fr.row != ds->row || fr.col != ds->col)
		frame_append_move(&fr, ds->row, ds->col);
	if (!initialized || fr.cursor_visible != ds->cursor_visible)
		buf_printf(out, "\033[?25%c", ds->cursor_visible ? 'h' : 'l');
	frame_update_rendition(&fr, &ds->rend, !initialized);
	if (!initialized || ds->bracketed_paste != last->ds.bracketed_paste)
		buf_printf(out, "\033[?2004%c", ds->bracketed_paste ? 'h' : 'l');
	display_mode(out, initialized, last->ds.mouse_mode, ds->mouse_mode,
	    "\033[?1003l\033[?1002l\033[?1001l\033[?1000l");
	if (!initialized || ds->mouse_focus != last->ds.mouse_focus)
		buf_printf(out, "\033[?1004%c", ds->mouse_focus ? 'h' : 'l');
	display_mode(out, initialized, last->ds.mouse_encoding, ds->mouse_encoding,
	    "\033[?1015l\033[?1006l\033[?1005l");
}

/* ------------------------------------------------------------ state */

struct hoststate *
hoststate_new(int width, int height)
{
	struct hoststate *s = ssp_alloc(sizeof *s);

	s->term = term_new(width, height);
	return s;
}

/* A snapshot: the emulator's clone shares the rows (copy-on-write). */
static void *
hoststate_copy(const void *p)
{
	const struct hoststate *s = p;
	struct hoststate *c = ssp_alloc(sizeof *c);

	*c = (struct hoststate){ .term = term_clone(s->term), .echo_ack = s->echo_ack };
	return c;
}

static void
hoststate_free(void *p)
{
	struct hoststate *s = p;

	term_free(s->term);
	free(s);
}

static bool
hoststate_equal(const void *a, const void *b)
{
	const struct hoststate *s = a, *t = b;

	return s->echo_ack == t->echo_ack && fb_equal(term_fb(s->term), term_fb(t->term));
}

/* A HostMessage: EchoAck, Resize, HostBytes, in that order, as mosh's
 * Complete::diff_from. */
static void
hoststate_diff(const void *from, const void *to, struct buf *out)
{
	const struct hoststate *s = from, *t = to;
	const struct term_fb *a = term_fb(s->term);
	const struct term_fb *b = term_fb(t->term);
	struct buf bytes = { 0 };

	if (t->echo_ack != s->echo_ack)
		wire_put_echoack(out, t->echo_ack);
	if (fb_equal(a, b))
		return;
	if (a->ds.width != b->ds.width || a->ds.height != b->ds.height)
		wire_put_resize(out, b->ds.width, b->ds.height);
	/* The server's display of the client's emulator: mosh's is configured
	 * with ECH, BCE and titles (src/statesync/completeterminal.cc). */
	display_frame(&bytes, a, b, true,
	    &(struct display_caps){ .has_ech = true, .has_bce = true, .has_title = true });
	if (bytes.len > 0)
		wire_put_bytes(out, bytes.data, bytes.len);
	buf_free(&bytes);
}

/* A peer's HostMessage (mosh's Complete::apply_string).  Host bytes go
 * through the emulator, whose replies are dropped: the client has no
 * application to answer.  Where mosh asserts on a bad size or a decreasing
 * echo ack, we refuse the message. */
static int
hoststate_apply(void *p, const uint8_t *diff, size_t n)
{
	struct hoststate *s = p;
	const uint8_t *at = diff, *end = diff + n;
	struct wire_event ev;
	int r;

	while ((r = wire_next_event(&at, end, &ev)) == 1) {
		if (ev.type == WIRE_BYTES) {
			term_write(s->term, ev.bytes, ev.len, NULL);
		} else if (ev.type == WIRE_RESIZE) {
			if (ev.width < 1 || ev.width > TERM_MAX_WIDTH ||
			    ev.height < 1 || ev.height > TERM_MAX_HEIGHT)
				return -1;
			term_resize(s->term, ev.width, ev.height);
		} else if (ev.type == WIRE_ECHOACK) {
			if (ev.echo_ack < s->echo_ack)
				return -1;
			s->echo_ack = ev.echo_ack;
		}
	}
	return r;
}

/* A row held by several snapshots counts a share in each (SSP_HELD_MAX). */
static size_t
hoststate_size(const void *p)
{
	const struct hoststate *s = p;
	const struct term_fb *fb = term_fb(s->term);
	size_t n = sizeof *fb + fb->clip_len;

	for (int y = 0; y < fb->ds.height; y++)
		n += fb->rows[y]->width * sizeof(struct term_cell) / fb->rows[y]->refs;
	return n;
}

const struct ssp_state_ops hoststate_ops = {
	.copy = hoststate_copy,
	.free = hoststate_free,
	.equal = hoststate_equal,
	.subtract = NULL,               /* the terminal has no history to cut */
	.diff = hoststate_diff,
	.apply = hoststate_apply,
	.size = hoststate_size,
};
