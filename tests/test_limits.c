/*
 * Resource limits (SPEC.md §12, §13): every count a peer or an application
 * can grow, tested at the limit and one past it.  Expected outcomes come
 * from the fact sheet (mosh 1.4's own limits: received-state queue, 4 MiB
 * inflate buffer, 2048-byte datagrams, 100 parameter characters, 65535 per
 * parameter, 16384-character OSC strings, 256 for titles) or, for limits
 * mosh does not have, from the SPEC §12 row that promises them.
 *
 * Transport rows drive a server transport directly through ssp_input with
 * datagrams sealed here under the session key: no sockets, and `now` is
 * ours, so the 15 s quench needs no waiting.
 */
#include "testutil.h"
#include "display.h"
#include "ssp.h"
#include "term.h"

#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

/* Limits restated from the facts, so that a changed constant in the code
 * fails here instead of silently moving the behaviour. */
#define FACT_DATAGRAM_MAX   2048        /* facts §13.4: the peer's receive buffer */
#define FACT_INFLATE_MAX    (4u << 20)  /* facts §4.3: 4 MiB uncompress buffer */
#define FACT_QUEUE_MAX      1024        /* facts §6.5: received states */
#define FACT_QUENCH_MS      15000
#define FACT_PARAM_CHARS    100         /* facts §9.3 */
#define FACT_PARAM_MAX      65535
#define FACT_OSC_MAX        16384       /* facts §9.4 (OSC) */
#define FACT_TITLE_END      256         /* chars [offset, min(len, 256)) */
/* Our own limits (SPEC §12), not mosh's. */
#define OUR_FRAGMENTS_MAX   4096
#define OUR_ASSEMBLY_MAX    (FACT_INFLATE_MAX + 65536)
#define OUR_CELL_TEXT       32
#define OUR_CLIP_MAX        16384       /* bytes of clipboard */
#define OUR_MAX_WIDTH       1024
#define OUR_MAX_HEIGHT      512
#define OUR_DIM_MAX         65535       /* a resize must fit struct winsize */

#define FRAG_ROOM           2000        /* zlib bytes per fragment we seal */

static const uint8_t key[KEY_LEN] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15 };

/* ---- a server transport fed by hand ---- */
struct feed {
	struct ssp *t;
	struct ocb_ctx ocb;
	uint64_t seq, id, now;
	struct sockaddr_in from;
};

static struct feed *
feed_new(void)
{
	struct feed *f = calloc(1, sizeof *f);

	assert_non_null(f);
	f->now = 1000000;
	f->id = 100;
	f->from = (struct sockaddr_in){ .sin_family = AF_INET, .sin_port = htons(40000),
		.sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	f->t = ssp_new(SSP_SERVER, key, &userstream_ops, userstream_new(), &userstream_ops,
	    userstream_new(), f->now);
	ocb_init(&f->ocb, key);
	return f;
}

static void
feed_free(struct feed *f)
{
	ssp_free(f->t);
	ocb_wipe(&f->ocb);
	free(f);
}

/* Seals one client datagram with a fresh sequence number; ssp_input's result. */
static int
feed_payload(struct feed *f, const uint8_t *payload, size_t n)
{
	uint8_t dg[FACT_DATAGRAM_MAX];
	size_t len = ssp_datagram_seal(&f->ocb, f->seq++, 0xFFFF, 0xFFFF, payload, n, dg);

	assert_true(len > 0);
	return ssp_input(f->t, dg, len, (struct sockaddr *)&f->from, sizeof f->from, f->now);
}

/* Sends zlib bytes z as `count` fragments of a fresh id, numbers 0..count-1,
 * in order; returns the result of the last one. */
static int
feed_fragments(struct feed *f, const struct buf *z, size_t count)
{
	uint8_t frag[SSP_FRAGMENT_HEADER + FACT_DATAGRAM_MAX];
	int rc = 0;

	f->id++;
	for (size_t i = 0; i < count; i++) {
		size_t lo = z->len * i / count, hi = z->len * (i + 1) / count;
		assert_true(hi - lo <= FACT_DATAGRAM_MAX - SSP_OVERHEAD - SSP_FRAGMENT_HEADER);
		for (int b = 0; b < 8; b++)
			frag[b] = (uint8_t)(f->id >> (56 - 8 * b));
		frag[8] = (uint8_t)((i + 1 == count ? 0x80 : 0) | i >> 8);
		frag[9] = (uint8_t)i;
		memcpy(frag + SSP_FRAGMENT_HEADER, z->data + lo, hi - lo);
		rc = feed_payload(f, frag, SSP_FRAGMENT_HEADER + hi - lo);
	}
	return rc;
}

static size_t
fragments_for(size_t len)
{
	return len / FRAG_ROOM + 1;
}

/* The Instruction from old_num to new_num with the given diff and `chaff`
 * bytes of chaff (the bulk, when a size is what is tested). */
static void
instruction(struct buf *plain, uint64_t old_num, uint64_t new_num, const struct buf *diff,
    size_t chaff)
{
	uint8_t *c = calloc(1, chaff + 1);
	struct wire_instruction in = { .protocol_version = 2, .old_num = old_num,
		.new_num = new_num, .diff = diff ? diff->data : NULL,
		.diff_len = diff ? diff->len : 0, .chaff = c, .chaff_len = chaff };

	assert_non_null(c);
	plain->len = 0;
	wire_instruction_encode(plain, &in);
	free(c);
}

/* Stores an instruction in zlib and sends it whole; ssp_input's result. */
static int
feed_instruction(struct feed *f, const struct buf *plain)
{
	struct buf z = { 0 };
	int rc;

	zlib_store(&z, plain->data, plain->len);
	rc = feed_fragments(f, &z, fragments_for(z.len));
	buf_free(&z);
	return rc;
}

/* An instruction with no diff whose encoding is exactly `size` bytes. */
static void
instruction_of_size(struct buf *plain, uint64_t old_num, uint64_t new_num, size_t size)
{
	size_t chaff = size;

	for (int i = 0; i < 4; i++) {   /* the chaff's length varint settles */
		instruction(plain, old_num, new_num, NULL, chaff);
		chaff = chaff + size - plain->len;
	}
	instruction(plain, old_num, new_num, NULL, chaff);
	assert_int_equal(plain->len, size);
}

/* ---- transport rows ---- */

/* A datagram of exactly 2048 bytes is read; 2049 is dropped unopened. */
static void
datagram_size(void **unused)
{
	struct feed *f = feed_new();
	struct buf plain = { 0 }, z = { 0 };
	uint8_t dg[FACT_DATAGRAM_MAX + 1], frag[FACT_DATAGRAM_MAX];
	size_t n;

	(void)unused;
	/* A one-fragment instruction padded with chaff to fill the datagram. */
	for (size_t want = FACT_DATAGRAM_MAX - SSP_OVERHEAD - SSP_FRAGMENT_HEADER, c = want;; c--) {
		instruction(&plain, 0, 1, NULL, c);
		z.len = 0;
		zlib_store(&z, plain.data, plain.len);
		if (z.len <= want) {
			assert_int_equal(z.len, want);
			break;
		}
	}
	memset(frag, 0, 8);
	frag[7] = 1;
	frag[8] = 0x80, frag[9] = 0;
	memcpy(frag + SSP_FRAGMENT_HEADER, z.data, z.len);
	n = ssp_datagram_seal(&f->ocb, f->seq++, 0xFFFF, 0xFFFF, frag,
	    SSP_FRAGMENT_HEADER + z.len, dg);
	assert_int_equal(n, FACT_DATAGRAM_MAX);
	assert_int_equal(ssp_input(f->t, dg, n, NULL, 0, f->now), 1);
	assert_int_equal(ssp_remote_num(f->t), 1);

	/* One byte more: the same datagram with a trailing byte (nothing else
	 * could be sealed that long: the seal refuses it, as it must). */
	assert_int_equal(ssp_datagram_seal(&f->ocb, f->seq, 0xFFFF, 0xFFFF, frag,
	    SSP_FRAGMENT_HEADER + z.len + 1, dg), 0);
	dg[FACT_DATAGRAM_MAX] = 0;
	assert_int_equal(ssp_input(f->t, dg, FACT_DATAGRAM_MAX + 1, NULL, 0, f->now), 0);
	assert_non_null(ssp_last_error(f->t));
	buf_free(&plain);
	buf_free(&z);
	feed_free(f);
}

/* Fragment numbers 0..4095 make an instruction; number 4096 ends it. */
static void
fragments_per_instruction(void **unused)
{
	struct feed *f = feed_new();
	struct buf plain = { 0 }, z = { 0 };

	(void)unused;
	instruction_of_size(&plain, 0, 1, 6 * OUR_FRAGMENTS_MAX);
	zlib_store(&z, plain.data, plain.len);
	assert_int_equal(feed_fragments(f, &z, OUR_FRAGMENTS_MAX), 1);
	assert_int_equal(ssp_remote_num(f->t), 1);

	instruction_of_size(&plain, 1, 2, 6 * OUR_FRAGMENTS_MAX);
	z.len = 0;
	zlib_store(&z, plain.data, plain.len);
	ssp_clear_error(f->t);
	assert_int_equal(feed_fragments(f, &z, OUR_FRAGMENTS_MAX + 1), 0);
	assert_int_equal(ssp_remote_num(f->t), 1);
	assert_non_null(ssp_last_error(f->t));

	/* The session is undisturbed: the same instruction, fewer pieces. */
	assert_int_equal(feed_fragments(f, &z, fragments_for(z.len)), 1);
	assert_int_equal(ssp_remote_num(f->t), 2);
	buf_free(&plain);
	buf_free(&z);
	feed_free(f);
}

/* An instruction inflating to exactly 4 MiB is taken; one byte more is not. */
static void
inflated_instruction_size(void **unused)
{
	struct feed *f = feed_new();
	struct buf plain = { 0 };

	(void)unused;
	instruction_of_size(&plain, 0, 1, FACT_INFLATE_MAX);
	assert_int_equal(feed_instruction(f, &plain), 1);
	assert_int_equal(ssp_remote_num(f->t), 1);

	instruction_of_size(&plain, 1, 2, FACT_INFLATE_MAX + 1);
	ssp_clear_error(f->t);
	assert_int_equal(feed_instruction(f, &plain), 0);
	assert_int_equal(ssp_remote_num(f->t), 1);
	assert_non_null(ssp_last_error(f->t));
	buf_free(&plain);
	feed_free(f);
}

/*
 * Compressed bytes held for one instruction: exactly OUR_ASSEMBLY_MAX are
 * assembled, one more drops the assembly.  The zlib stream is padded with
 * empty stored blocks; the instruction's chaff sets the last few bytes.
 */
/* A zlib stream of plain in one final stored block after `pads` empty
 * stored blocks (5 bytes each, valid deflate that adds no output). */
static void
padded_stream(struct buf *z, const struct buf *plain, size_t pads)
{
	uint32_t a = 1, b = 0;
	size_t n = plain->len;

	z->len = 0;
	buf_put(z, "\x78\x01", 2);
	for (size_t i = 0; i < pads; i++)
		buf_put(z, "\x00\x00\x00\xff\xff", 5);       /* empty, not final */
	buf_put(z, (uint8_t[]){ 1, (uint8_t)n, (uint8_t)(n >> 8), (uint8_t)~n,
	    (uint8_t)(~n >> 8) }, 5);
	buf_put(z, plain->data, n);
	for (size_t i = 0; i < n; i++) {        /* RFC 1950 Adler-32 */
		a = (a + plain->data[i]) % 65521;
		b = (b + a) % 65521;
	}
	buf_put(z, (uint8_t[]){ (uint8_t)(b >> 8), (uint8_t)b, (uint8_t)(a >> 8), (uint8_t)a }, 4);
}

static void
assembly_bytes(void **unused)
{
	struct feed *f = feed_new();
	struct buf plain = { 0 }, z = { 0 };
	size_t len, pads;

	(void)unused;
	/* The plaintext's length makes the rest a whole number of pads. */
	for (len = 100; (OUR_ASSEMBLY_MAX - (2 + 5 + len + 4)) % 5 != 0; len++)
		;
	pads = (OUR_ASSEMBLY_MAX - (2 + 5 + len + 4)) / 5;
	instruction_of_size(&plain, 0, 1, len);
	padded_stream(&z, &plain, pads);
	assert_int_equal(z.len, OUR_ASSEMBLY_MAX);
	assert_int_equal(feed_fragments(f, &z, fragments_for(z.len)), 1);
	assert_int_equal(ssp_remote_num(f->t), 1);

	instruction_of_size(&plain, 1, 2, len + 1);     /* one byte more */
	padded_stream(&z, &plain, pads);
	assert_int_equal(z.len, OUR_ASSEMBLY_MAX + 1);
	ssp_clear_error(f->t);
	assert_int_equal(feed_fragments(f, &z, fragments_for(z.len)), 0);
	assert_int_equal(ssp_remote_num(f->t), 1);
	assert_non_null(ssp_last_error(f->t));
	buf_free(&plain);
	buf_free(&z);
	feed_free(f);
}

/*
 * The received-state queue (facts §6.5): with 1024 states held a new one
 * is taken; past 1024 one more is taken and a 15 s quench starts, during
 * which new states are dropped; after it, one is taken again.
 */
static void
receiver_queue(void **unused)
{
	struct feed *f = feed_new();
	struct buf plain = { 0 };
	uint64_t n;

	(void)unused;
	for (n = 1; n < FACT_QUEUE_MAX; n++) {  /* with state 0: 1024 held */
		instruction(&plain, 0, n, NULL, 0);
		assert_int_equal(feed_instruction(f, &plain), 1);
	}
	instruction(&plain, 0, n, NULL, 0);     /* 1024 held: not over */
	assert_int_equal(feed_instruction(f, &plain), 1);
	instruction(&plain, 0, ++n, NULL, 0);   /* 1025 held: taken, quench */
	assert_int_equal(feed_instruction(f, &plain), 1);
	assert_int_equal(ssp_remote_num(f->t), FACT_QUEUE_MAX + 1);
	instruction(&plain, 0, ++n, NULL, 0);   /* quenched */
	assert_int_equal(feed_instruction(f, &plain), 0);
	assert_int_equal(ssp_remote_num(f->t), FACT_QUEUE_MAX + 1);
	f->now += FACT_QUENCH_MS - 1;
	assert_int_equal(feed_instruction(f, &plain), 0);
	f->now += 1;                            /* the quench is over */
	assert_int_equal(feed_instruction(f, &plain), 1);
	assert_int_equal(ssp_remote_num(f->t), n);
	/* Throwing states away (throwaway_num) makes room at once. */
	{
		struct wire_instruction in = { .protocol_version = 2, .old_num = n,
			.new_num = n + 1, .throwaway_num = n };
		plain.len = 0;
		wire_instruction_encode(&plain, &in);
		assert_int_equal(feed_instruction(f, &plain), 1);
	}
	buf_free(&plain);
	feed_free(f);
}

/* ---- state rows ---- */

static int
apply_resize(const struct ssp_state_ops *ops, void *s, int32_t w, int32_t h)
{
	struct buf d = { 0 };
	int rc;

	wire_put_resize(&d, w, h);
	rc = ops->apply(s, d.data, d.len);
	buf_free(&d);
	return rc;
}

/* A user resize must fit a struct winsize: 1..65535 each way. */
static void
user_resize_bounds(void **unused)
{
	static const struct { int32_t w, h; int rc; } rows[] = {
		{ 1, 1, 0 }, { OUR_DIM_MAX, OUR_DIM_MAX, 0 },
		{ 0, 1, -1 }, { 1, 0, -1 },
		{ OUR_DIM_MAX + 1, 1, -1 }, { 1, OUR_DIM_MAX + 1, -1 },
	};

	(void)unused;
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		void *s = userstream_new();
		assert_int_equal(apply_resize(&userstream_ops, s, rows[i].w, rows[i].h), rows[i].rc);
		userstream_ops.free(s);
	}
}

/* A host resize must be within the emulator's 1024 x 512. */
static void
host_resize_bounds(void **unused)
{
	static const struct { int32_t w, h; int rc; } rows[] = {
		{ 1, 1, 0 }, { OUR_MAX_WIDTH, OUR_MAX_HEIGHT, 0 },
		{ 0, 1, -1 }, { 1, 0, -1 },
		{ OUR_MAX_WIDTH + 1, 1, -1 }, { 1, OUR_MAX_HEIGHT + 1, -1 },
	};

	(void)unused;
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		struct hoststate *s = hoststate_new(80, 24);
		assert_int_equal(apply_resize(&hoststate_ops, s, rows[i].w, rows[i].h), rows[i].rc);
		if (rows[i].rc == 0) {
			assert_int_equal(term_fb(s->term)->ds.width, rows[i].w);
			assert_int_equal(term_fb(s->term)->ds.height, rows[i].h);
		}
		hoststate_ops.free(s);
	}
}

/* The emulator's own size: up to 1024 x 512, larger is clamped. */
static void
term_size_bounds(void **unused)
{
	struct term *t = term_new(80, 24);

	(void)unused;
	term_resize(t, OUR_MAX_WIDTH, OUR_MAX_HEIGHT);
	assert_int_equal(term_fb(t)->ds.width, OUR_MAX_WIDTH);
	assert_int_equal(term_fb(t)->ds.height, OUR_MAX_HEIGHT);
	term_resize(t, OUR_MAX_WIDTH + 1, OUR_MAX_HEIGHT + 1);
	assert_int_equal(term_fb(t)->ds.width, OUR_MAX_WIDTH);
	assert_int_equal(term_fb(t)->ds.height, OUR_MAX_HEIGHT);
	term_free(t);
}

/* ---- emulator rows ---- */

static struct term *
run(int w, int h, const struct buf *b)
{
	struct term *t = term_new(w, h);

	term_write(t, b->data, b->len, NULL);
	return t;
}

static int
bold_at(struct term *t)
{
	return term_fb(t)->ds.rend.attr & TERM_BOLD;
}

/* Parameter characters: 100 kept (facts §9.3), the 101st dropped.
 * ESC [ 0...0 ; 1 m with the "1" as the 100th and then the 101st. */
static void
parameter_chars(void **unused)
{
	for (int over = 0; over <= 1; over++) {
		struct buf b = { 0 };
		struct term *t;
		buf_puts(&b, "\033[");
		for (int i = 0; i < FACT_PARAM_CHARS - 2 + over; i++)
			buf_putc(&b, '0');
		buf_puts(&b, ";1m");
		t = run(80, 24, &b);
		assert_int_equal(bold_at(t) != 0, !over);
		term_free(t);
		buf_free(&b);
	}
	(void)unused;
}

/* Parameter values: 65535 is a number, 65536 counts as missing (facts
 * §9.3), so CUF moves by the default, one column. */
static void
parameter_value(void **unused)
{
	struct buf b = { 0 };
	struct term *t;

	(void)unused;
	buf_puts(&b, "\033[65535C");
	t = run(80, 24, &b);
	assert_int_equal(term_fb(t)->ds.col, 79);
	term_free(t);
	b.len = 0;
	buf_puts(&b, "\033[65536C");
	t = run(80, 24, &b);
	assert_int_equal(term_fb(t)->ds.col, 1);
	term_free(t);
	buf_free(&b);
	assert_int_equal(FACT_PARAM_MAX, 65535);
}

/* Parameter count: none of its own (mosh has none): as many as 100
 * characters hold, so the 50th of "0;0;...;1" is used, and one more
 * parameter pushes its "1" past the 100th character. */
static void
parameter_count(void **unused)
{
	for (int over = 0; over <= 1; over++) {
		struct buf b = { 0 };
		struct term *t;
		buf_puts(&b, "\033[");
		for (int i = 0; i < FACT_PARAM_CHARS / 2 - 1 + over; i++)
			buf_puts(&b, "0;");
		buf_puts(&b, "01m");    /* the 99th and 100th characters */
		t = run(80, 24, &b);
		assert_int_equal(bold_at(t) != 0, !over);
		term_free(t);
		buf_free(&b);
	}
	(void)unused;
}

/* Titles: chars [2, 256) of "2;..." (facts §9.4), so 254 characters are
 * kept whole and a 255th is cut.  The ";..." form (offset 1) would keep
 * 255 in mosh, but every frame re-sends a title as "0;...", which keeps
 * 254, so we cut that form at 254 too (SPEC §12): what a client shows is
 * then what the server believes it shows. */
static void
title_length(void **unused)
{
	static const struct { const char *head; int len, kept; } rows[] = {
		{ "2;", FACT_TITLE_END - 2, FACT_TITLE_END - 2 },
		{ "2;", FACT_TITLE_END - 1, FACT_TITLE_END - 2 },
		{ "0;", FACT_TITLE_END - 1, FACT_TITLE_END - 2 },
		{ ";", FACT_TITLE_END - 2, FACT_TITLE_END - 2 },
		{ ";", FACT_TITLE_END - 1, FACT_TITLE_END - 2 },
	};

	(void)unused;
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		struct buf b = { 0 };
		struct term *t;
		buf_puts(&b, "\033]");
		buf_puts(&b, rows[i].head);
		for (int k = 0; k < rows[i].len; k++)
			buf_putc(&b, (uint8_t)('a' + k % 26));
		buf_putc(&b, 7);
		t = run(80, 24, &b);
		assert_int_equal(term_fb(t)->title_len, rows[i].kept);
		for (int k = 0; k < rows[i].kept; k++)
			assert_int_equal(term_fb(t)->title[k], (uint32_t)('a' + k % 26));
		term_free(t);
		buf_free(&b);
	}
}

/* OSC strings: 16384 characters (facts §9.4), so a clipboard set by
 * "52;c;" keeps 16379; one more is dropped. */
static void
osc_length(void **unused)
{
	for (int over = 0; over <= 1; over++) {
		struct buf b = { 0 };
		struct term *t;
		size_t want = FACT_OSC_MAX - 5;
		buf_puts(&b, "\033]52;c;");
		for (size_t k = 0; k < want + (size_t)over; k++)
			buf_putc(&b, 'A');
		buf_putc(&b, 7);
		t = run(80, 24, &b);
		assert_int_equal(term_fb(t)->clip_len, want);
		term_free(t);
		buf_free(&b);
	}
	(void)unused;
}

/* Clipboard bytes: 16384 of UTF-8 (SPEC §12), cut at a character
 * boundary: 8192 two-byte characters fit, of 8193 the last is dropped. */
static void
clipboard_bytes(void **unused)
{
	for (int over = 0; over <= 1; over++) {
		struct buf b = { 0 };
		struct term *t;
		buf_puts(&b, "\033]52;c;");
		for (int k = 0; k < OUR_CLIP_MAX / 2 + over; k++)
			buf_puts(&b, "\xc3\xa9");              /* U+00E9 */
		buf_putc(&b, 7);
		t = run(80, 24, &b);
		assert_int_equal(term_fb(t)->clip_len, OUR_CLIP_MAX);
		assert_bytes_equal(term_fb(t)->clipboard, b.data + 7, OUR_CLIP_MAX);
		term_free(t);
		buf_free(&b);
	}
	(void)unused;
}

/* Cell text: 32 bytes, so a 2-byte base with 15 two-byte combining marks
 * fills it exactly and a 16th mark is dropped (SPEC §12). */
static void
cell_text(void **unused)
{
	for (int over = 0; over <= 1; over++) {
		struct buf b = { 0 };
		struct term *t;
		const struct term_cell *c;
		buf_puts(&b, "\xc3\xa9");                        /* U+00E9 */
		for (int k = 0; k < (OUR_CELL_TEXT - 2) / 2 + over; k++)
			buf_puts(&b, "\xcc\x81");                /* U+0301 */
		t = run(80, 24, &b);
		c = &term_fb(t)->rows[0]->cells[0];
		assert_int_equal(c->len, OUR_CELL_TEXT);
		assert_int_equal(term_fb(t)->ds.col, 1);
		term_free(t);
		buf_free(&b);
	}
	(void)unused;
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(datagram_size),
		cmocka_unit_test(fragments_per_instruction),
		cmocka_unit_test(inflated_instruction_size),
		cmocka_unit_test(assembly_bytes),
		cmocka_unit_test(receiver_queue),
		cmocka_unit_test(user_resize_bounds),
		cmocka_unit_test(host_resize_bounds),
		cmocka_unit_test(term_size_bounds),
		cmocka_unit_test(parameter_chars),
		cmocka_unit_test(parameter_value),
		cmocka_unit_test(parameter_count),
		cmocka_unit_test(title_length),
		cmocka_unit_test(osc_length),
		cmocka_unit_test(clipboard_bytes),
		cmocka_unit_test(cell_text),
	};
	return RUN_TESTS("limits", tests);
}
