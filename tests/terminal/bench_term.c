/*
 * bench_term.c -- emulator throughput (SPEC.md §7): a fixed, generated
 * mixed stream (plain text, coloured text, cursor motion, erasing and
 * scrolling, some UTF-8) fed through term_write at a given size.
 * Usage: bench_term WIDTH HEIGHT MEGABYTES [FILE]   -- prints "MB/s";
 * with FILE, writes the stream there instead (for the mosh comparison).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "term.h"

static uint64_t seed = 0x6D6F7368;     /* fixed: every run sees the same bytes */

static uint32_t
next(void)
{
	seed ^= seed << 13;
	seed ^= seed >> 7;
	seed ^= seed << 17;
	return (uint32_t)(seed >> 11);
}

static size_t
generate(char *p, size_t n, int width, int height)
{
	static const char *const words[] = { "the ", "quick ", "brown ", "fox ",
	    "jumps ", "over ", "lazy ", "dog ", "caf\xc3\xa9 ", "\xe4\xb8\xad\xe6\x96\x87 ",
	    "int main(void) ", "{ return 0; } ", "\t", "-- ", "0123456789 " };
	size_t len = 0;

	while (len + 256 < n) {
		uint32_t r = next() % 100;
		if (r < 50) {                   /* a line of plain text */
			int col = 0;
			while (col < width - 12 && len + 32 < n) {
				const char *w = words[next() % 15];
				len += (size_t)sprintf(p + len, "%s", w);
				col += (int)strlen(w);
			}
			len += (size_t)sprintf(p + len, "\r\n");
		} else if (r < 75) {            /* coloured text */
			len += (size_t)sprintf(p + len, "\033[%u;%um%s\033[38;5;%um%s\033[0m ",
			    30 + next() % 8, next() % 2, words[next() % 15], next() % 256,
			    words[next() % 15]);
		} else if (r < 90) {            /* cursor motion and edits */
			len += (size_t)sprintf(p + len, "\033[%u;%uH%s\033[K", 1 + next() % height,
			    1 + next() % width, words[next() % 15]);
		} else if (r < 97) {            /* scrolling, in a region now and then */
			len += (size_t)sprintf(p + len, "\033[%u;%ur\033[%uH\n\n\n\033[r\033[%uH\n",
			    1 + next() % 4, height - next() % 4, height, height);
		} else {                        /* erasing */
			len += (size_t)sprintf(p + len, "\033[%uJ\033[%u@\033[%uP",
			    next() % 3, next() % 5, next() % 5);
		}
	}
	return len;
}

int
main(int argc, char **argv)
{
	int width = argc > 1 ? atoi(argv[1]) : 80, height = argc > 2 ? atoi(argv[2]) : 24;
	size_t n = (size_t)(argc > 3 ? atoi(argv[3]) : 40) << 20;
	char *p = malloc(n);
	struct term *t = term_new(width, height);

	if (p == NULL || width < 20 || height < 8)
		return 1;
	n = generate(p, n, width, height);
	if (argc > 4) {
		FILE *f = fopen(argv[4], "wb");
		return f == NULL || fwrite(p, 1, n, f) != n || fclose(f) != 0;
	}
	clock_t t0 = clock();
	for (size_t i = 0; i < n; i += 4096)    /* in pty-sized reads */
		term_write(t, (const uint8_t *)p + i, n - i < 4096 ? n - i : 4096, NULL);
	double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
	printf("%dx%d: %.1f MB in %.2f s CPU: %.1f MB/s\n", width, height,
	    (double)n / (1 << 20), secs, (double)n / (1 << 20) / secs);
	term_free(t);
	free(p);
	return 0;
}
