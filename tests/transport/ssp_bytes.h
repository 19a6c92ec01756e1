/*
 * A byte string as a synchronized object, for the transport tests and
 * tests/transport/sspcat.c: it stands in for the terminal.  Its diff is one
 * HostBytes (or Keystroke) event carrying the bytes past the old state;
 * apply appends every bytes event and ignores the others (echo ack,
 * resize), so it can also accumulate a real mosh-server's hoststrings,
 * which are always diffs from a state we hold.
 */
#ifndef SSP_BYTES_H
#define SSP_BYTES_H
#include <stdlib.h>
#include <string.h>
#include "ssp.h"

static void *
bytes_new(void)
{
	struct buf *b = calloc(1, sizeof *b);

	if (b == NULL)
		abort();
	return b;
}

static void *
bytes_copy(const void *s)
{
	const struct buf *b = s;
	struct buf *c = bytes_new();

	buf_put(c, b->data, b->len);
	return c;
}

static void
bytes_free(void *s)
{
	buf_free(s);
	free(s);
}

static bool
bytes_equal(const void *a, const void *b)
{
	const struct buf *x = a, *y = b;

	return x->len == y->len && (x->len == 0 || memcmp(x->data, y->data, x->len) == 0);
}

static void
bytes_subtract(void *s, const void *prefix)
{
	struct buf *b = s;
	size_t k = ((const struct buf *)prefix)->len;

	if (k > b->len)
		k = b->len;
	if (k == 0)
		return;
	memmove(b->data, b->data + k, b->len - k);
	b->len -= k;
}

static void
bytes_diff(const void *from, const void *to, struct buf *out)
{
	const struct buf *f = from, *t = to;

	if (t->len > f->len)
		wire_put_bytes(out, t->data + f->len, t->len - f->len);
}

static int
bytes_apply(void *s, const uint8_t *diff, size_t n)
{
	const uint8_t *p = diff;
	struct wire_event ev;
	int rc;

	while ((rc = wire_next_event(&p, diff + n, &ev)) == 1)
		if (ev.type == WIRE_BYTES)
			buf_put(s, ev.bytes, ev.len);
	return rc;
}

static size_t
bytes_size(const void *s)
{
	return ((const struct buf *)s)->len;
}

static const struct ssp_state_ops bytes_ops = {
	bytes_copy, bytes_free, bytes_equal, bytes_subtract, bytes_diff, bytes_apply,
	bytes_size,
};
#endif
