/*
 * term.h -- the framebuffer and the terminal emulator (SPEC.md §7-8).
 * A framebuffer is what both peers agree on: cells, cursor, modes, title;
 * its rows are shared copy-on-write between snapshots (term.c, layer 2).
 */
#ifndef TERM_H
#define TERM_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "wire.h"

/* Limits (SPEC.md limits table). */
#define TERM_CELL_TEXT   32     /* UTF-8 bytes per cell: base + combiners */
#define TERM_MAX_WIDTH   1024   /* a larger resize is clamped */
#define TERM_MAX_HEIGHT  512
#define TERM_TITLE_MAX   256    /* a title/icon is OSC chars [2, 256): < 256 */
#define TERM_CLIP_MAX    16384  /* bytes of clipboard (UTF-8) */

enum {                          /* rendition attributes */
	TERM_BOLD = 1, TERM_FAINT = 2, TERM_ITALIC = 4, TERM_UNDERLINE = 8,
	TERM_BLINK = 16, TERM_INVERSE = 32, TERM_INVISIBLE = 64,
};
/*
 * Colours as mosh stores them: 0 = default; palette n is 30 + n (fg) or
 * 40 + n (bg) for n in 0..255; true colour is TERM_RGB | r << 16 | g << 8 | b.
 */
#define TERM_RGB 0x1000000u
struct term_rend {
	uint32_t fg, bg;
	uint8_t attr;
};

/*
 * One cell.  len == 0 is an empty cell, which is not the same as a space.
 * text is UTF-8, not NUL-terminated: a base character and its combining
 * characters, or (fallback) combining characters alone, drawn after an
 * NBSP.  After a wide cell comes its right half, which is never drawn (it
 * is normally empty, but a later print may have written it).
 */
struct term_cell {
	struct term_rend rend;
	uint8_t len;            /* bytes used in text */
	uint8_t wide;           /* left half of a width-2 character */
	uint8_t fallback;       /* text starts with a combining character */
	char text[TERM_CELL_TEXT];
};

/* A row, shared by every framebuffer that holds the pointer (refs counts
 * them); write only through fb_row_mut().  Equal gens: the same row,
 * perhaps moved (a made or wholly blanked row gets a fresh gen). */
struct term_row {
	unsigned refs;
	uint64_t gen;
	int width;
	bool wrap;              /* text continues on the next row; cleared when
	                         * the last cell is reset, as mosh does */
	struct term_cell cells[];
};

struct term_ds {                /* everything about the screen but its cells */
	int width, height;
	int row, col;                   /* cursor */
	bool next_print_will_wrap;
	int combining_row, combining_col;  /* grapheme start; row -1: none */
	int scroll_top, scroll_bottom;  /* inclusive */
	struct term_rend rend;          /* the pen */
	bool autowrap, origin_mode, insert_mode, cursor_visible, reverse_video;
	bool app_cursor_keys, bracketed_paste, mouse_focus, alt_scroll;
	int mouse_mode;                 /* 0, 9, 1000..1003 */
	int mouse_encoding;             /* 0, 1005, 1006, 1015 */
	bool default_tabs;
	uint8_t tabs[TERM_MAX_WIDTH];   /* 1 = tab stop at this column */
	struct term_cursor_save {       /* DECSC */
		int row, col;
		struct term_rend rend;
		bool autowrap, origin_mode;
	} saved;
};

struct term_fb {
	struct term_ds ds;
	struct term_row **rows;         /* ds.height rows */
	uint32_t title[TERM_TITLE_MAX], icon[TERM_TITLE_MAX];
	int title_len, icon_len;
	bool title_initialized;
	uint8_t *clipboard;             /* malloc'd; clip_len bytes of UTF-8 */
	size_t clip_len;
	unsigned bell_count;
};

void fb_init(struct term_fb *fb, int width, int height);
/* dst must hold nothing (new, or after fb_free); it then shares src's rows. */
void fb_copy(struct term_fb *dst, const struct term_fb *src);
void fb_free(struct term_fb *fb);
bool fb_equal(const struct term_fb *a, const struct term_fb *b); /* SPEC §7.5 */
/* The row to write into: un-shares it first if another copy holds it. */
struct term_row *fb_row_mut(struct term_fb *fb, int y);
bool row_equal(const struct term_row *a, const struct term_row *b);
bool cell_equal(const struct term_cell *a, const struct term_cell *b);
bool rend_equal(const struct term_rend *a, const struct term_rend *b);
/* glibc 2.36's wcwidth() (C.UTF-8), built in from termwidth.h: -1, 0, 1
 * or 2 (SPEC §7.4). */
int term_wcwidth(uint32_t cp);
/* Writes cp (at most U+10FFFF) as UTF-8; returns the length, 1..4. */
int term_utf8_encode(uint32_t cp, char out[4]);

/* The emulator: parser state + framebuffer (+ the server-side alternate
 * screen, which is never transmitted).  Fields are term.c's. */
struct term;
struct term *term_new(int width, int height);
/* A copy (sharing rows) that parses on from the same state. */
struct term *term_clone(const struct term *t);
void term_free(struct term *t);
struct term_fb *term_fb(struct term *t);
/* Feeds application output; replies (DSR, DA) are appended to reply, which
 * may be NULL to discard them. */
void term_write(struct term *t, const uint8_t *p, size_t n, struct buf *reply);
void term_resize(struct term *t, int width, int height);
/* Server: translates one typed byte for the pty (ESC O A..D becomes
 * ESC [ A..D unless the application asked for cursor-key mode). */
void term_user_byte(struct term *t, uint8_t c, struct buf *out);
#endif
