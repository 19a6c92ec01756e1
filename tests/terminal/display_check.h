/*
 * display_check.h -- shared by tests/terminal/test_display.c and tests/terminal/fuzz_display.c:
 * copying an emulator, setting up a client's emulator, and deciding whether
 * the client's screen after a frame shows the server's.
 *
 * "Shows" is fb_equal after forgiving exactly the differences mosh 1.4's
 * frame format makes by design (SPEC.md §8.5, "What a receiver gets
 * approximately"), each patched away only where it occurs so that
 * everything else is still compared by fb_equal:
 *  - blank runs of at most 4 cells, blanks at the end of a wrapping row and
 *    an empty cell printed to carry a wrap arrive as spaces;
 *  - a lone combining mark arrives on an NBSP (mosh's Cell::print_grapheme);
 *  - the cell after a wide cell is never sent (SPEC.md §7.5);
 *  - however many bells rang, one BEL is sent (SPEC.md §8.1);
 *  - alternate scroll (1007) is not sent (mosh's new_frame never sends it);
 *  - the last row's wrap flag cannot be sent: carrying it would scroll;
 *  - the icon name is not part of equality (SPEC.md §6.2), so a state
 *    that changed only it is not sent at all.
 */
#ifndef DISPLAY_CHECK_H
#define DISPLAY_CHECK_H
#include <string.h>
#include "display.h"

/* A new emulator holding a copy of src's framebuffer (rows shared). */
static inline struct term *
dc_clone(struct term *src)
{
	struct term_fb *fb = term_fb(src);
	struct term *t = term_new(fb->ds.width, fb->ds.height);

	fb_free(term_fb(t));
	fb_copy(term_fb(t), fb);
	return t;
}

/* A client's emulator holding fb: the modes frames never send are as a
 * client always has them (autowrap on, origin and insert off, full scroll
 * region, no pending wrap). */
static inline struct term *
dc_client(struct term *src)
{
	struct term *t = dc_clone(src);
	struct term_ds *ds = &term_fb(t)->ds;

	ds->autowrap = true;
	ds->origin_mode = ds->insert_mode = false;
	ds->scroll_top = 0;
	ds->scroll_bottom = ds->height - 1;
	ds->next_print_will_wrap = false;
	ds->combining_row = ds->combining_col = -1;
	return t;
}

static inline bool
dc_is_space(const struct term_cell *c)
{
	return c->len == 1 && c->text[0] == ' ' && !c->wide && !c->fallback;
}

/* Does client cell c stand for server cell s under the rules above? */
static inline bool
dc_cell_forgiven(const struct term_cell *c, const struct term_cell *s)
{
	if (!rend_equal(&c->rend, &s->rend))
		return false;
	if (s->len == 0 && !s->wide && !s->fallback && dc_is_space(c))
		return true;
	return s->fallback && !c->fallback && c->wide == s->wide &&
	    c->len >= 2 && memcmp(c->text, "\xC2\xA0", 2) == 0 &&
	    c->len - 2 <= s->len && memcmp(c->text + 2, s->text, c->len - 2u) == 0;
}

static inline bool
dc_same_icon(const struct term_fb *a, const struct term_fb *b)
{
	return a->icon_len == b->icon_len &&
	    memcmp(a->icon, b->icon, (size_t)a->icon_len * sizeof a->icon[0]) == 0;
}

/*
 * NULL if client framebuffer c (which held `before` when the frame was
 * applied) shows server framebuffer s; otherwise what differs.  c is
 * patched where a forgiven difference was found.
 */
static inline const char *
dc_shows(struct term_fb *c, const struct term_fb *s, const struct term_fb *before)
{
	int y, x;

	if (c->ds.width != s->ds.width || c->ds.height != s->ds.height)
		return "size";
	if ((c->bell_count != before->bell_count) != (s->bell_count != before->bell_count))
		return "bell";
	c->bell_count = s->bell_count;
	c->ds.alt_scroll = s->ds.alt_scroll;
	if (s->title_initialized && !dc_same_icon(c, s) &&
	    !(dc_same_icon(c, before) && fb_equal(before, s)))
		return "icon";
	for (y = 0; y < s->ds.height; y++) {
		const struct term_row *sr = s->rows[y];
		/* walk the row as the frame diff does: a wide cell hides the next */
		for (x = 0; x < s->ds.width; x++) {
			const struct term_cell *sc = &sr->cells[x];
			const struct term_cell *cc = &c->rows[y]->cells[x];
			if (!cell_equal(cc, sc) && dc_cell_forgiven(cc, sc))
				fb_row_mut(c, y)->cells[x] = *sc;
			if (sc->wide && x + 1 < s->ds.width) {
				x++;
				fb_row_mut(c, y)->cells[x] = sr->cells[x];
			}
		}
		if (y == s->ds.height - 1 && c->rows[y]->wrap != sr->wrap)
			fb_row_mut(c, y)->wrap = sr->wrap;
	}
	return fb_equal(c, s) ? NULL : "framebuffer";
}
#endif
