/*
 * bench_display -- the cost of one frame diff on a full 200x60 screen
 * (SPEC.md §8): a repaint from nothing, a frame where every cell changed,
 * a one-line scroll, and a frame with nothing to say.  Prints microseconds
 * per frame (CPU time, so a busy machine disturbs it less) and output
 * bytes; never fails.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "display.h"
#include "ssp.h"

#define W 200
#define H 60
#define MIN_SECONDS 0.5         /* each case runs at least this long */

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Fills t with H lines of coloured text that differ with seed. */
static void
fill(struct term *t, int seed)
{
	char line[64];

	term_write(t, (const uint8_t *)"\033[H", 3, NULL);
	for (int y = 0; y < H; y++) {
		for (int x = 0; x < W; x += 20) {
			int n = snprintf(line, sizeof line, "\033[%dm%-19d ",
			    31 + (x / 20 + y + seed) % 7, y * 1000 + x + seed);
			term_write(t, (const uint8_t *)line, (size_t)n, NULL);
		}
	}
}

static struct term *
clone(struct term *src)
{
	struct term *t = term_new(W, H);

	fb_free(term_fb(t));
	fb_copy(term_fb(t), term_fb(src));
	return t;
}

static void
run(const char *name, struct term *a, struct term *b, bool initialized)
{
	static const struct display_caps caps = { true, true, true };
	struct buf out = { 0 };
	double t0 = now(), t;
	long n = 0;

	do {
		for (int i = 0; i < 100; i++) {
			out.len = 0;
			display_frame(&out, term_fb(a), term_fb(b), initialized, &caps);
		}
		n += 100;
		t = now() - t0;
	} while (t < MIN_SECONDS);
	printf("   %-28s %8.1f us/frame  %6zu bytes\n", name, t / n * 1e6, out.len);
	buf_free(&out);
}

/* The server snapshots its terminal for every state it sends. */
static void
run_copy(void)
{
	const struct ssp_state_ops *ops = &hoststate_ops;
	struct hoststate *h = hoststate_new(W, H);
	double t0 = now(), t;
	long n = 0;

	fill(h->term, 0);
	do {
		for (int i = 0; i < 100; i++)
			ops->free(ops->copy(h));
		n += 100;
		t = now() - t0;
	} while (t < MIN_SECONDS);
	printf("   %-28s %8.1f us/copy\n", "state snapshot (copy+free)", t / n * 1e6);
	ops->free(h);
}

int
main(void)
{
	struct term *a = term_new(W, H), *b, *s, *same;

	fill(a, 0);
	b = clone(a);
	fill(b, 1);
	s = clone(a);
	same = clone(a);
	term_write(s, (const uint8_t *)"\033[60;1H\r\nnew line", 18, NULL);
	printf("   frame diff, %dx%d screen of coloured text:\n", W, H);
	run("repaint from nothing", a, a, false);
	run("every cell changed", a, b, true);
	run("one-line scroll", a, s, true);
	run("no change (shared rows)", a, same, true);
	run_copy();
	term_free(a);
	term_free(b);
	term_free(s);
	term_free(same);
	return 0;
}
