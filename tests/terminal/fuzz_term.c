/*
 * fuzz_term.c -- libFuzzer harness for the parser and emulator (SPEC.md §7).
 *
 * Input: byte 0 picks the width (1..16), byte 1 the height (1..8), so that
 * margins and wrapping are always near; the rest is application output.
 * Oracles, besides the sanitizers:
 *  - the screen invariants hold (cursor on screen, row widths, cell text
 *    within TERM_CELL_TEXT, wide flags agreeing with the character);
 *  - split writes change nothing: the same bytes fed at once and in
 *    pieces (sizes from the input) give equal framebuffers and replies;
 *  - a snapshot taken before (fb_copy) is untouched by later writes;
 *  - a resize afterwards keeps the invariants.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "term.h"

static void
check(int ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "fuzz_term: %s\n", what);
		abort();
	}
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

static void
check_valid(const struct term_fb *fb)
{
	const struct term_ds *ds = &fb->ds;

	check(ds->row >= 0 && ds->row < ds->height, "cursor row");
	check(ds->col >= 0 && ds->col < ds->width, "cursor column");
	check(ds->scroll_top >= 0 && ds->scroll_top <= ds->scroll_bottom &&
	    ds->scroll_bottom < ds->height, "scroll region");
	check(fb->title_len >= 0 && fb->title_len < TERM_TITLE_MAX, "title");
	check(fb->clip_len <= TERM_CLIP_MAX, "clipboard");
	for (int y = 0; y < ds->height; y++) {
		const struct term_row *r = fb->rows[y];
		check(r->width == ds->width && r->refs >= 1, "row");
		for (int x = 0; x < r->width; x++) {
			const struct term_cell *c = &r->cells[x];
			check(c->len <= TERM_CELL_TEXT, "cell length");
			if (c->len == 0) {
				check(!c->wide, "empty wide cell");
				continue;
			}
			int w = term_wcwidth(first_cp(c));
			check(c->fallback ? w == 0 : w == (c->wide ? 2 : 1), "cell width");
		}
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf ra = { 0 }, rb = { 0 };
	struct term *a, *b;
	struct term_fb snap, blank;
	size_t i, step;

	if (size < 2)
		return 0;
	a = term_new(1 + data[0] % 16, 1 + data[1] % 8);
	b = term_new(1 + data[0] % 16, 1 + data[1] % 8);
	fb_copy(&snap, term_fb(a));
	fb_init(&blank, 1 + data[0] % 16, 1 + data[1] % 8);
	term_write(a, data + 2, size - 2, &ra);
	check_valid(term_fb(a));
	for (i = 2; i < size; i += step) {      /* pieces of 1..7 bytes */
		step = 1 + data[i] % 7;
		if (step > size - i)
			step = size - i;
		term_write(b, data + i, step, &rb);
	}
	check(fb_equal(term_fb(a), term_fb(b)), "split writes differ");
	check(term_fb(a)->icon_len == term_fb(b)->icon_len, "split icon");
	check(ra.len == rb.len && (ra.len == 0 || memcmp(ra.data, rb.data, ra.len) == 0),
	    "split replies differ");
	check(fb_equal(&snap, &blank), "snapshot changed");
	term_resize(a, 1 + data[1] % 16, 1 + data[0] % 8);
	check_valid(term_fb(a));
	term_write(a, data + 2, size - 2, NULL);
	check_valid(term_fb(a));
	fb_free(&snap);
	fb_free(&blank);
	buf_free(&ra);
	buf_free(&rb);
	term_free(a);
	term_free(b);
	return 0;
}
