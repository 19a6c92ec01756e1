/*
 * userstream.c -- the client's state object (SPEC.md §6.1): the bytes the
 * user typed and the window sizes, in order, as one append-only list of
 * events.  The transport (ssp.c) drives it only through userstream_ops:
 * a diff is the events after a prefix, so subtracting the acknowledged
 * prefix keeps the list short.  (mosh: UserStream,
 * src/statesync/user.cc.)
 */
#include "ssp.h"

#include <stdlib.h>
#include <string.h>

/* A window side fits a struct winsize. */
#define USERSTREAM_DIM_MAX  65535

/* An append-only list of events, back to back in a struct buf whose data
 * is never NULL (for memcmp and memmove).  All fields are int32_t, so
 * there is no padding and memcmp compares events. */
struct us_event {
	int32_t byte;           /* 0..255, or US_RESIZE */
	int32_t width, height;
};
#define US_RESIZE (-1)

void *
userstream_new(void)
{
	struct buf *u = ssp_alloc(sizeof *u);

	u->data = ssp_realloc(NULL, 0);
	return u;
}

void
userstream_push_bytes(void *s, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		buf_put(s, &(struct us_event){ .byte = p[i] }, sizeof(struct us_event));
}

void
userstream_push_resize(void *s, int w, int h)
{ buf_put(s, &(struct us_event){ US_RESIZE, w, h }, sizeof(struct us_event)); }

static void *
us_copy(const void *s)
{
	const struct buf *u = s;
	struct buf *c = userstream_new();

	buf_put(c, u->data, u->len);
	return c;
}

static void
us_free(void *s)
{
	buf_free(s);
	free(s);
}

static size_t
us_size(const void *s) { return ((const struct buf *)s)->len; }

static bool
us_equal(const void *a, const void *b)
{
	const struct buf *x = a, *y = b;

	return x->len == y->len && memcmp(x->data, y->data, x->len) == 0;
}

/* Removes prefix's events from the front of s (all of them, if s is
 * shorter: the peer's states need not be consistent). */
static void
us_subtract(void *s, const void *prefix)
{
	struct buf *u = s;
	size_t k = ((const struct buf *)prefix)->len;

	if (k > u->len)
		k = u->len;
	memmove(u->data, u->data + k, u->len - k);
	u->len -= k;
}

/* `from` is a prefix of `to`: encode the events after it, each run of
 * bytes merged into one Keystroke, each resize on its own. */
static void
us_diff(const void *from, const void *to, struct buf *out)
{
	const struct buf *f = from, *t = to;
	const struct us_event *ev = (const void *)t->data;
	size_t n = t->len / sizeof *ev;
	struct buf run = { 0 };

	for (size_t i = f->len / sizeof *ev; i < n; i++) {
		if (ev[i].byte == US_RESIZE)
			wire_put_resize(out, ev[i].width, ev[i].height);
		else
			buf_putc(&run, (uint8_t)ev[i].byte);
		if (run.len > 0 && (i + 1 == n || ev[i + 1].byte == US_RESIZE)) {
			wire_put_bytes(out, run.data, run.len);
			run.len = 0;
		}
	}
	buf_free(&run);
}

/* A size outside 1..USERSTREAM_DIM_MAX makes the whole diff malformed:
 * the real server would abort on it, so an honest client never sends it. */
static int
us_apply(void *s, const uint8_t *diff, size_t n)
{
	const uint8_t *p = diff;
	struct wire_event ev;
	int rc;

	while ((rc = wire_next_event(&p, diff + n, &ev)) == 1) {
		bool bad_size = ev.width < 1 || ev.height < 1 ||
		    ev.width > USERSTREAM_DIM_MAX || ev.height > USERSTREAM_DIM_MAX;
		if (ev.type == WIRE_BYTES)
			userstream_push_bytes(s, ev.bytes, ev.len);
		else if (ev.type == WIRE_RESIZE && bad_size)
			return -1;
		else if (ev.type == WIRE_RESIZE)
			userstream_push_resize(s, ev.width, ev.height);
	}
	return rc;
}

const struct ssp_state_ops userstream_ops = {
	.copy = us_copy,
	.free = us_free,
	.equal = us_equal,
	.subtract = us_subtract,
	.diff = us_diff,
	.apply = us_apply,
	.size = us_size,
};
