/*
 * fuzz_display -- libFuzzer harness for the frame diff (SPEC.md §8) and
 * the terminal state object (§6.2).
 *
 * Input: byte 0 and 1 give the first screen's size (and flags), bytes 2-3
 * where the rest splits.  The first part is written to a fresh emulator:
 * screen A.  A copy of A (rows shared) gets the second part, and perhaps a
 * resize: screen B.  Then, and any failure aborts:
 *  1. the frame A -> B applied to a client holding A shows B;
 *  2. the frame painting B from nothing shows B on a blank client;
 *  3. the HostMessage A -> B applies to a copy of A, which then shows B;
 *  4. the raw input as a HostMessage is applied or refused, never a crash.
 */
#include <stdio.h>
#include <stdlib.h>
#include "display_check.h"
#include "ssp.h"

static void
check(int what, struct term *client, struct term *want, struct term *before)
{
	const char *why = dc_shows(term_fb(client), term_fb(want), term_fb(before));

	if (why != NULL) {
		fprintf(stderr, "check %d: client differs: %s\n", what, why);
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct ssp_state_ops *ops = &hoststate_ops;
	struct display_caps caps = { true, true, true };
	struct hoststate *ha, *hb, *hc;
	struct term *a, *b, *c;
	struct term_fb *fb;
	struct buf out = { 0 };
	size_t split;

	if (size < 4)
		return 0;
	caps.has_ech = !(data[0] & 0x40);
	caps.has_bce = !(data[0] & 0x80);
	split = (size_t)(data[2] | data[3] << 8) % (size - 4 + 1);
	ha = hoststate_new(1 + data[0] % 40, 1 + data[1] % 16);
	a = ha->term;
	term_write(a, data + 4, split, NULL);
	hb = ops->copy(ha);
	b = hb->term;
	hb->echo_ack = data[1] >> 4;
	if (data[1] & 0x80)
		term_resize(b, 1 + data[2] % 40, 1 + data[3] % 16);
	term_write(b, data + 4 + split, size - 4 - split, NULL);
	fb = term_fb(b);

	/* 1 */
	display_frame(&out, term_fb(a), fb, true, &caps);
	c = dc_client(a);
	term_resize(c, fb->ds.width, fb->ds.height);
	term_write(c, out.data, out.len, NULL);
	check(1, c, b, a);
	term_free(c);

	/* 2 */
	c = term_new(fb->ds.width, fb->ds.height);
	out.len = 0;
	display_frame(&out, term_fb(c), fb, false, &caps);
	{
		struct term *blank = dc_clone(c);
		term_write(c, out.data, out.len, NULL);
		check(2, c, b, blank);
		term_free(blank);
	}
	term_free(c);

	/* 3 */
	out.len = 0;
	ops->diff(ha, hb, &out);
	hc = ops->copy(ha);
	term_free(hc->term);    /* a client's emulator is never mid-sequence */
	hc->term = dc_clone(ha->term);
	{
		struct term_ds *ds = &term_fb(hc->term)->ds;
		ds->autowrap = true;    /* a client's modes, as dc_client */
		ds->origin_mode = ds->insert_mode = false;
		ds->scroll_top = 0;
		ds->scroll_bottom = ds->height - 1;
		ds->next_print_will_wrap = false;
	}
	if (ops->apply(hc, out.data, out.len) != 0 || hc->echo_ack != hb->echo_ack)
		abort();
	check(3, hc->term, b, a);
	ops->free(hc);

	/* 4 */
	hc = ops->copy(ha);
	(void)ops->apply(hc, data, size);
	ops->free(hc);

	ops->free(ha);
	ops->free(hb);
	buf_free(&out);
	return 0;
}
