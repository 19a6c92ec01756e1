/*
 * term_dump.c -- feeds a file through the emulator and prints the screen,
 * for tests that compare our emulator with another one (term_mosh.test).
 * Usage: term_dump WIDTH HEIGHT FILE [OFFSET WIDTH2 HEIGHT2]
 * (with OFFSET, the emulator is resized after that many bytes)
 * Output: one line per row, `|` + the cells' text (an empty cell is a
 * space; the cell after a wide one is skipped, here and below, because a
 * frame diff never draws it) + `|`, then one line per row listing the
 * renditions that differ from the default as
 * `col:fg/bg/attr`, then the transmitted modes, the clipboard, `cursor ROW
 * COL` and the title's code points in hex.
 */
#include <stdio.h>
#include <stdlib.h>
#include "term.h"

int
main(int argc, char **argv)
{
	static uint8_t data[1 << 22];
	FILE *f = argc == 4 || argc == 7 ? fopen(argv[3], "rb") : NULL;
	struct term *t;
	const struct term_fb *fb;
	size_t n, at;

	if (f == NULL) {
		fprintf(stderr, "usage: term_dump WIDTH HEIGHT FILE [OFFSET WIDTH2 HEIGHT2]\n");
		return 2;
	}
	n = fread(data, 1, sizeof data, f);
	fclose(f);
	t = term_new(atoi(argv[1]), atoi(argv[2]));
	at = argc == 7 ? (size_t)atol(argv[4]) : n;
	term_write(t, data, at < n ? at : n, NULL);
	if (argc == 7)
		term_resize(t, atoi(argv[5]), atoi(argv[6]));
	if (at < n)
		term_write(t, data + at, n - at, NULL);
	fb = term_fb(t);
	for (int y = 0; y < fb->ds.height; y++) {
		const struct term_row *r = fb->rows[y];
		putchar('|');
		for (int x = 0; x < r->width; x++) {
			const struct term_cell *c = &r->cells[x];
			if (c->len == 0)
				putchar(' ');
			fwrite(c->text, 1, c->len, stdout);
			x += c->wide;
		}
		printf("|\n");
	}
	for (int y = 0; y < fb->ds.height; y++) {
		const struct term_row *r = fb->rows[y];
		printf("rend %d:", y);
		for (int x = 0; x < r->width; x++) {
			const struct term_rend *p = &r->cells[x].rend;
			if (p->fg || p->bg || p->attr)
				printf(" %d:%x/%x/%x", x, p->fg, p->bg, p->attr);
			x += r->cells[x].wide;  /* the right half is never drawn */
		}
		printf("\n");
	}
	printf("modes visible %d reverse %d paste %d mouse %d focus %d encoding %d\n",
	    fb->ds.cursor_visible, fb->ds.reverse_video, fb->ds.bracketed_paste,
	    fb->ds.mouse_mode, fb->ds.mouse_focus, fb->ds.mouse_encoding);
	printf("clipboard %.*s\n", (int)fb->clip_len, fb->clip_len ? (const char *)fb->clipboard : "");
	printf("cursor %d %d\ntitle ", fb->ds.row, fb->ds.col);
	for (int i = 0; i < fb->title_len; i++)
		printf("%x ", fb->title[i]);
	printf("\n");
	term_free(t);
	return 0;
}
