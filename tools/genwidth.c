/*
 * genwidth.c -- prints term.c's character width table (SPEC.md §9.5).
 *
 * Mosh asks the C library's wcwidth() for every printed character, so two
 * peers agree on the screen only if they agree on widths.  Our emulator
 * must not depend on the locale at run time, so this tool asks glibc's
 * wcwidth() under C.UTF-8 once, for every code point 0..0x10FFFF, and
 * prints the answer as runs of equal width.  A run of length len and width
 * w is the number v = 4 (len - 1) + w + 1, written as v / 52 in decimal
 * (nothing when 0) and then one letter for v % 52 (A-Z = 0..25, a-z =
 * 26..51), which also ends the run.  Most runs are short, so most take one
 * character, about half the text of a letter plus hex.  Paste the output into
 * term.c; tests/test_term.c checks the pasted table against wcwidth() for
 * every code point, so a stale table fails the suite.
 *
 * Usage: build/genwidth > table.txt   (make B=... $(B)/genwidth)
 */
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <wchar.h>

#define GW_LAST   0x10FFFF      /* the last Unicode code point */
#define GW_COLS   112           /* characters of table text per line */
#define GW_MAX_RUNS 8192        /* glibc 2.36 needs about 2,040 */

static struct { int width; unsigned len; } runs[GW_MAX_RUNS];
static const char gw_letters[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

int
main(void)
{
	unsigned start = 0, cp, n = 0, i, v;
	int width, col = 0;

	if (setlocale(LC_ALL, "C.UTF-8") == NULL) {
		fprintf(stderr, "genwidth: no C.UTF-8 locale\n");
		return 1;
	}
	width = wcwidth(0);
	for (cp = 1; cp <= GW_LAST + 1; cp++) {
		int w = cp <= GW_LAST ? wcwidth((wchar_t)cp) : 99;
		if (w == width)
			continue;
		if (width < -1 || width > 2 || n == GW_MAX_RUNS) {
			fprintf(stderr, "genwidth: width %d at U+%X\n", width, start);
			return 1;
		}
		runs[n].width = width;
		runs[n++].len = cp - start;
		start = cp;
		width = w;
	}
	printf("#define VT_WIDTH_RUNS %u\nstatic const char vt_width_text[] =\n", n);
	for (i = 0; i < n; i++) {
		if (col == 0)
			printf("\t\"");
		v = 4 * (runs[i].len - 1) + (unsigned)(runs[i].width + 1);
		if (v >= 52)
			col += printf("%u", v / 52);
		col += printf("%c", gw_letters[v % 52]);
		if (col >= GW_COLS || i == n - 1) {
			printf(i == n - 1 ? "\";\n" : "\"\n");
			col = 0;
		}
	}
	return 0;
}
