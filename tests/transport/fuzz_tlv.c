/*
 * fuzz_tlv -- libFuzzer harness for the tag-length-value codec alone
 * (SPEC.md §4): wire_instruction_decode and wire_next_event.
 *
 * The whole input is read three ways:
 *  1. as an Instruction.  If it decodes, diff and chaff lie inside the
 *     input, and encode then decode gives the same fields (a fixed point:
 *     encoding again gives the same bytes);
 *  2. as a UserMessage / HostMessage.  Every event's bytes lie inside the
 *     input and each call makes progress.  If the list parses to the end,
 *     re-encoding the events and parsing them again gives the same list;
 *  3. as the fields of an Instruction and of events (numbers from the
 *     first 40 bytes, byte strings from the rest): encode then decode
 *     gives back exactly what was encoded.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "wire.h"

#define FT_EVENTS_MAX 4096    /* events compared per message */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
ft_check(int ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "fuzz_tlv: %s\n", what);
		abort();
	}
}

static int
ft_same(const uint8_t *a, size_t an, const uint8_t *b, size_t bn)
{
	return an == bn && (an == 0 || memcmp(a, b, an) == 0);
}

static int
ft_inside(const uint8_t *p, size_t n, const uint8_t *lo, size_t size)
{
	return n == 0 || (p >= lo && n <= size && (size_t)(p - lo) <= size - n);
}

static int
ft_same_instruction(const struct wire_instruction *a, const struct wire_instruction *b)
{
	return a->protocol_version == b->protocol_version && a->old_num == b->old_num &&
	    a->new_num == b->new_num && a->ack_num == b->ack_num &&
	    a->throwaway_num == b->throwaway_num &&
	    ft_same(a->diff, a->diff_len, b->diff, b->diff_len) &&
	    ft_same(a->chaff, a->chaff_len, b->chaff, b->chaff_len);
}

static int
ft_same_event(const struct wire_event *a, const struct wire_event *b)
{
	if (a->type != b->type)
		return 0;
	if (a->type == WIRE_BYTES)
		return ft_same(a->bytes, a->len, b->bytes, b->len);
	if (a->type == WIRE_RESIZE)
		return a->width == b->width && a->height == b->height;
	return a->echo_ack == b->echo_ack;
}

static void
ft_put_event(struct buf *out, const struct wire_event *ev)
{
	if (ev->type == WIRE_BYTES)
		wire_put_bytes(out, ev->bytes, ev->len);
	else if (ev->type == WIRE_RESIZE)
		wire_put_resize(out, ev->width, ev->height);
	else
		wire_put_echoack(out, ev->echo_ack);
}

/* Parses all events of [p, p + n) into ev (at most max); returns the
 * count, or -1 if the message is malformed. */
static int
ft_events(const uint8_t *p, size_t n, struct wire_event *ev, int max)
{
	const uint8_t *at = p, *end;
	int count = 0, rc;

	if (n == 0)
		return 0;       /* (an empty buf has no data pointer) */
	end = p + n;
	while (count < max) {
		const uint8_t *was = at;
		if ((rc = wire_next_event(&at, end, &ev[count])) <= 0)
			return rc < 0 ? -1 : count;
		ft_check(at > was && at <= end, "event parse made no progress");
		ft_check(ev[count].type == WIRE_BYTES || ev[count].type == WIRE_RESIZE ||
		    ev[count].type == WIRE_ECHOACK, "event of unknown type");
		ft_check(ev[count].type != WIRE_BYTES ||
		    ft_inside(ev[count].bytes, ev[count].len, p, n), "event bytes outside the input");
		count++;
	}
	return -1;
}

static uint64_t
ft_u64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct wire_event ev[FT_EVENTS_MAX], ev2[FT_EVENTS_MAX];
	struct wire_instruction in, back;
	struct buf enc = { 0 }, enc2 = { 0 };
	int n, n2;

	/* 1 */
	if (wire_instruction_decode(data, size, &in) == 0) {
		ft_check(ft_inside(in.diff, in.diff_len, data, size) &&
		    ft_inside(in.chaff, in.chaff_len, data, size), "field bytes outside the input");
		wire_instruction_encode(&enc, &in);
		ft_check(wire_instruction_decode(enc.data, enc.len, &back) == 0,
		    "re-encoded instruction does not decode");
		ft_check(ft_same_instruction(&in, &back), "instruction round trip differs");
		wire_instruction_encode(&enc2, &back);
		ft_check(ft_same(enc.data, enc.len, enc2.data, enc2.len), "encoding is not a fixed point");
	}

	/* 2 */
	enc.len = 0;
	if ((n = ft_events(data, size, ev, FT_EVENTS_MAX)) >= 0) {
		for (int i = 0; i < n; i++)
			ft_put_event(&enc, &ev[i]);
		n2 = ft_events(enc.data, enc.len, ev2, FT_EVENTS_MAX);
		ft_check(n2 == n, "re-encoded events differ in number");
		for (int i = 0; i < n; i++)
			ft_check(ft_same_event(&ev[i], &ev2[i]), "event round trip differs");
	}

	/* 3 */
	if (size >= 40) {
		size_t split = (size_t)data[0] * (size - 40) / 255;
		struct wire_instruction mine = { .protocol_version = (uint32_t)ft_u64(data + 1),
			.old_num = ft_u64(data + 5), .new_num = ft_u64(data + 13),
			.ack_num = ft_u64(data + 21), .throwaway_num = ft_u64(data + 29),
			.diff = data + 40, .diff_len = split, .chaff = data + 40 + split,
			.chaff_len = size - 40 - split };
		struct wire_event made[3] = {
			{ .type = WIRE_BYTES, .bytes = data + 40, .len = split },
			{ .type = WIRE_RESIZE, .width = (int32_t)(uint32_t)ft_u64(data + 5),
			  .height = (int32_t)(uint32_t)ft_u64(data + 13) },
			{ .type = WIRE_ECHOACK, .echo_ack = ft_u64(data + 21) },
		};
		enc.len = 0;
		wire_instruction_encode(&enc, &mine);
		ft_check(wire_instruction_decode(enc.data, enc.len, &back) == 0 &&
		    ft_same_instruction(&mine, &back), "encoded instruction does not decode back");
		enc.len = 0;
		for (int i = 0; i < 3; i++)
			ft_put_event(&enc, &made[(data[39] + i) % 3]);
		ft_check(ft_events(enc.data, enc.len, ev2, FT_EVENTS_MAX) == 3,
		    "three encoded events do not parse");
		for (int i = 0; i < 3; i++)
			ft_check(ft_same_event(&made[(data[39] + i) % 3], &ev2[i]),
			    "encoded event does not decode back");
	}
	buf_free(&enc);
	buf_free(&enc2);
	return 0;
}
