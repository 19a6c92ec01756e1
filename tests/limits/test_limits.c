/*
 * Resource limits (SPEC.md §A, §B): every count a peer or an application
 * can grow, tested at the limit and one past it.  Expected outcomes come
 * from mosh 1.4's own source (its limits: received-state queue, 4 MiB
 * inflate buffer, 2048-byte datagrams, 100 parameter characters, 65535 per
 * parameter, 16384-character OSC strings, 256 for titles) or, for limits
 * mosh does not have, from the SPEC §A row that promises them.
 *
 * Transport rows drive a transport directly through ssp_input with
 * datagrams sealed here under the session key, and `now` is ours, so the
 * 15 s quench needs no waiting.  The sender rows use a client whose local
 * object is a byte string (tests/transport/ssp_bytes.h); it sends to a silent socket
 * on 127.0.0.1 that the test reads, and the test plays its server.
 */
#include "testutil.h"
#include "display.h"
#include "ssp.h"
#include "transport/ssp_bytes.h"
#include "term.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* Limits restated from mosh's source, so that a changed constant in the code
 * fails here instead of silently moving the behaviour. */
#define FACT_DATAGRAM_MAX   2048        /* mosh's RECEIVE_MTU: the peer's receive buffer */
#define FACT_INFLATE_MAX    (4u << 20)  /* mosh's compressor.h: 4 MiB buffer */
#define FACT_QUEUE_MAX      1024        /* mosh's Transport::recv: received states */
#define FACT_QUENCH_MS      15000
#define FACT_PARAM_CHARS    100         /* Dispatcher::newparamchar */
#define FACT_PARAM_MAX      65535
#define FACT_OSC_MAX        16384       /* Dispatcher::OSC_put */
#define FACT_TITLE_END      256         /* chars [offset, min(len, 256)) */
#define FACT_SENT_MAX       32          /* add_sent_state: kept... */
#define FACT_SENT_THIN      16          /* ...then the 16th from the end goes */
#define FACT_FRAG_ROOM      1214        /* SPEC.md §3: 1252 - 12 - 16 - 10 (IPv4) */
/* Our own limits (SPEC §A), not mosh's. */
#define OUR_FRAGMENTS_MAX   4096
#define OUR_ASSEMBLY_MAX    (FACT_INFLATE_MAX + 65536)
#define OUR_CELL_TEXT       32
#define OUR_CLIP_MAX        16384       /* bytes of clipboard */
#define OUR_MAX_WIDTH       1024
#define OUR_MAX_HEIGHT      512
#define OUR_DIM_MAX         65535       /* a resize must fit struct winsize */
#define OUR_HELD_MAX        (64u << 20) /* bytes of held received states */
#define OUR_EVENT_BYTES     12          /* a user-stream event's weight */

#define FRAG_ROOM           2000        /* zlib bytes per fragment we seal */

static const uint8_t key[KEY_LEN] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15 };

#define SENT_STEP_MS        2000        /* past the sender's RTO + 100 ms grace */

/* ---- a transport fed by hand ---- */
struct feed {
	struct ssp *t;
	struct ocb_ctx ocb;
	uint64_t dir, seq, id, now;     /* dir: bit 63 of what we seal */
	struct sockaddr_in from;
	int sink;                       /* a client's peer socket, or -1 */
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
	f->sink = -1;
	ocb_init(&f->ocb, key);
	return f;
}

/* A client whose local object is a byte string, sending to f->sink; the
 * datagrams sealed here come from its server (direction bit set). */
static struct feed *
feed_client(void)
{
	struct feed *f = calloc(1, sizeof *f);
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof sa;
	char port[16], err[128];

	assert_non_null(f);
	f->now = 1000000;
	f->id = 100;
	f->dir = 1ULL << 63;
	f->sink = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
	assert_true(f->sink >= 0);
	assert_int_equal(bind(f->sink, (struct sockaddr *)&sa, sizeof sa), 0);
	assert_int_equal(getsockname(f->sink, (struct sockaddr *)&sa, &len), 0);
	snprintf(port, sizeof port, "%d", ntohs(sa.sin_port));
	f->t = ssp_new(SSP_CLIENT, key, &bytes_ops, bytes_new(), &userstream_ops,
	    userstream_new(), f->now);
	assert_int_equal(ssp_connect(f->t, "127.0.0.1", port, err, sizeof err), 0);
	ocb_init(&f->ocb, key);
	return f;
}

static void
feed_free(struct feed *f)
{
	if (f->sink >= 0)
		close(f->sink);
	ssp_free(f->t);
	ocb_wipe(&f->ocb);
	free(f);
}

/* Seals one client datagram with a fresh sequence number; ssp_input's result. */
static int
feed_payload(struct feed *f, const uint8_t *payload, size_t n)
{
	uint8_t dg[FACT_DATAGRAM_MAX];
	size_t len = ssp_datagram_seal(&f->ocb, f->dir | f->seq++, 0xFFFF, 0xFFFF, payload, n, dg);

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
 * The received-state queue (SPEC.md §5.3): with 1024 states held a new one
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

/* ---- sender rows ---- */

/* Types one byte and ticks until the client sends it as a new state. */
static void
send_one_state(struct feed *f)
{
	uint64_t before = ssp_sent_state_num(f->t);

	buf_putc(ssp_local(f->t), 'x');
	for (int i = 0; i < 10 && ssp_sent_state_num(f->t) == before; i++)
		ssp_tick(f->t, f->now++);
	assert_int_equal(ssp_sent_state_num(f->t), before + 1);
	f->now += SENT_STEP_MS;
}

/* The test's server acknowledges state `ack` in its own state n (a diff
 * from its state 0); returns the sender's acknowledged state afterwards. */
static uint64_t
ack_through(struct feed *f, uint64_t ack, uint64_t n)
{
	struct wire_instruction in = { .protocol_version = 2, .old_num = 0, .new_num = n,
		.ack_num = ack };
	struct buf plain = { 0 };

	wire_instruction_encode(&plain, &in);
	feed_instruction(f, &plain);
	buf_free(&plain);
	return ssp_acked_state_num(f->t);
}

/* Reads every datagram waiting at the sink and decodes the newest, a
 * one-fragment instruction, into *in (pointing into plain). */
static void
sink_newest(struct feed *f, struct buf *plain, struct wire_instruction *in)
{
	uint8_t dg[FACT_DATAGRAM_MAX], last[FACT_DATAGRAM_MAX], payload[FACT_DATAGRAM_MAX];
	size_t lastn = 0, plen;
	uint64_t dseq;
	uint16_t ts, tsr;
	ssize_t n;

	for (int i = 0; i < 10000 && (n = recv(f->sink, dg, sizeof dg, 0)) > 0; i++)
		memcpy(last, dg, lastn = (size_t)n);
	assert_true(lastn > 0);
	assert_null(ssp_datagram_open(&f->ocb, last, lastn, &dseq, &ts, &tsr, payload, &plen));
	assert_int_equal(dseq >> 63, 0);                /* client to server */
	assert_true(plen > SSP_FRAGMENT_HEADER);
	assert_int_equal(payload[8], 0x80);             /* final, number 0 */
	assert_int_equal(payload[9], 0);
	plain->len = 0;
	assert_int_equal(zlib_inflate(payload + SSP_FRAGMENT_HEADER, plen - SSP_FRAGMENT_HEADER,
	    plain, FACT_INFLATE_MAX), ZLIB_OK);
	assert_int_equal(wire_instruction_decode(plain->data, plain->len, in), 0);
}

/*
 * The sender's sent-state list (SPEC.md §5.2): after appending, a list of
 * more than 32 states (the acknowledged front, state 0 here, included)
 * loses the one 16th from the end.  Nothing is acknowledged while the
 * client sends states 1..`unacked`:
 *   31: 32 states held, the limit: nothing is dropped;
 *   32: 33 states 0..32, so 33 - 16 = index 17, state 17, goes;
 *   33: then 33 states 0..16, 18..33 lose index 17 again: state 18.
 * Which states are held shows through acks (SPEC.md §5.3): an ack of a held
 * state makes it the front, an ack of a dropped one is ignored.  So the
 * test's server acks 1, 2, 3, ... in turn.  After the ack of 17 the client
 * sends one more state, which must diff from (old_num) and throw away up
 * to (throwaway_num) the front it really has: 16 where 17 was dropped.
 */
static void
sent_states(void **unused)
{
	static const struct { uint64_t unacked, dropped[2]; } rows[] = {
		{ FACT_SENT_MAX - 1, { 0, 0 } },
		{ FACT_SENT_MAX, { 17, 0 } },
		{ FACT_SENT_MAX + 1, { 17, 18 } },
	};

	(void)unused;
	for (size_t r = 0; r < sizeof rows / sizeof rows[0]; r++) {
		struct feed *f = feed_client();
		struct buf plain = { 0 };
		struct wire_instruction in;
		uint64_t unacked = rows[r].unacked, front = 0, server_num = 0;
		size_t held = 1;        /* the front, state 0 */

		for (uint64_t i = 1; i <= unacked; i++)
			send_one_state(f);
		assert_int_equal(ssp_sent_state_num(f->t), unacked);
		sink_newest(f, &plain, &in);    /* nothing acked: all from state 0 */
		assert_int_equal(in.new_num, unacked);
		assert_int_equal(in.old_num, 0);
		assert_int_equal(in.throwaway_num, 0);
		for (uint64_t k = 1; k <= unacked + 1; k++) {
			bool dropped = k == rows[r].dropped[0] || k == rows[r].dropped[1];
			front = dropped ? front : k;
			assert_int_equal(ack_through(f, k, ++server_num), front);
			held += !dropped && k <= unacked;
			if (k != FACT_SENT_MAX + 1 - FACT_SENT_THIN)
				continue;
			send_one_state(f);      /* state unacked + 1 */
			sink_newest(f, &plain, &in);
			assert_int_equal(in.new_num, unacked + 1);
			assert_int_equal(in.old_num, front);
			assert_int_equal(in.throwaway_num, front);
		}
		assert_int_equal(held, FACT_SENT_MAX);
		buf_free(&plain);
		feed_free(f);
	}
}

/*
 * Fragments per instruction on the sending side (SPEC §A: refused with
 * an error).  A client on IPv4 puts 1214 zlib bytes in each fragment
 * (SPEC.md §3), so 4096 fragments carry up to 4,972,544 bytes: more than
 * any receiver takes (ours drops past SSP_ASSEMBLY_MAX, 4 MiB + 64 KiB of
 * compressed bytes; mosh inflates at most 4 MiB).  What the limit
 * guarantees is the sender's own bound: a zlib stream of exactly 4096
 * fragments' room goes out as 4096 datagrams, one byte more is not sent.
 * The typed bytes are an xorshift sequence: no compressor shrinks them, so
 * the sender writes stored blocks (SPEC §4.1) and the sizes are exact.
 */
static size_t
varint_len(uint64_t v)
{
	size_t n = 1;

	while (v >>= 7)
		n++;
	return n;
}

/* The sender's chaff length is its first random byte mod 17.  This
 * program's getentropy takes the place of libc's and gives zeros, so the
 * instructions carry no chaff and their sizes are exact. */
int
getentropy(void *buf, size_t len)
{
	memset(buf, 0, len);
	return 0;
}

/* The zlib stream the client sends for its state 1 of n typed bytes, from
 * the layouts, not our encoder: the diff is UserMessage.instruction
 * { Keystroke (extension 2) { keys (field 4) } } (SPEC.md §4.3, §6.1);
 * the Instruction is 08 02 10 00 18 01 20 00 28 00, 32 diff, 3A 00 (no
 * chaff); stored blocks of at most 65535 bytes cost 5 bytes each, plus
 * the 2-byte zlib header and the 4-byte Adler-32 (RFC 1950, 1951). */
static size_t
sent_zlib_len(size_t n)
{
	size_t keys = 1 + varint_len(n) + n, ext = 1 + varint_len(keys) + keys;
	size_t diff = 1 + varint_len(ext) + ext;
	size_t plain = 10 + 1 + varint_len(diff) + diff + 2;

	return 2 + 5 * (plain / 65535 + (plain % 65535 != 0)) + plain + 4;
}

/* Sends state 1 holding n typed bytes (xorshift32 from a fixed seed);
 * returns the datagrams it took and whether the sender reported an error. */
static uint64_t
send_typed(size_t n, bool *err)
{
	struct feed *f = feed_client();
	uint8_t *bytes = malloc(n), dg[FACT_DATAGRAM_MAX], payload[FACT_DATAGRAM_MAX];
	uint64_t sent, dseq;
	uint32_t x = 2463534242u;
	uint16_t ts, tsr;
	size_t plen;
	ssize_t got;

	assert_non_null(bytes);
	for (size_t i = 0; i < n; i++) {
		x ^= x << 13, x ^= x >> 17, x ^= x << 5;
		bytes[i] = (uint8_t)x;
	}
	buf_put(ssp_local(f->t), bytes, n);
	free(bytes);
	ssp_tick(f->t, f->now);
	sent = ssp_datagrams_sent(f->t);
	*err = ssp_last_error(f->t) != NULL;
	if (sent > 0) {         /* the first fragment: number 0, not final, full */
		got = recv(f->sink, dg, sizeof dg, 0);
		assert_true(got > 0);
		assert_null(ssp_datagram_open(&f->ocb, dg, (size_t)got, &dseq, &ts, &tsr,
		    payload, &plen));
		assert_int_equal(plen, SSP_FRAGMENT_HEADER + FACT_FRAG_ROOM);
		assert_int_equal(payload[8], 0);
		assert_int_equal(payload[9], 0);
	}
	feed_free(f);
	return sent;
}

static void
fragments_sent(void **unused)
{
	const size_t cap = OUR_FRAGMENTS_MAX * (size_t)FACT_FRAG_ROOM;
	size_t at = cap;
	bool err;

	(void)unused;
	for (int i = 0; i < 1000 && sent_zlib_len(at) > cap; i++)
		at--;
	assert_int_equal(sent_zlib_len(at), cap);
	assert_int_equal(sent_zlib_len(at + 1), cap + 1);
	print_message("%zu typed bytes: %zu zlib bytes, 4096 fragments; one more: 4097\n",
	    at, cap);
	assert_int_equal(send_typed(at, &err), OUR_FRAGMENTS_MAX);
	assert_false(err);
	assert_int_equal(send_typed(at + 1, &err), 0);
	assert_true(err);
}

/*
 * The byte budget for held received states (SPEC §A, SSP_HELD_MAX, our
 * limit, not mosh's): a user-stream state weighs 12 bytes per event.
 * States 1 and 2, each from the empty state 0, weigh together the largest
 * multiple of 12 within 64 MiB: both are taken.  One event more in state
 * 2 and it is dropped.  Once the peer's throwaway leaves only state 1, a
 * state past the budget is taken: an honest peer is never stuck.
 */
static void
keystrokes(struct buf *plain, uint64_t old_num, uint64_t new_num, uint64_t throwaway,
    size_t n)
{
	uint8_t *keys = malloc(n);
	struct buf diff = { 0 };

	assert_non_null(keys);
	memset(keys, 'k', n);
	wire_put_bytes(&diff, keys, n);
	plain->len = 0;
	wire_instruction_encode(plain, &(struct wire_instruction){ .protocol_version = 2,
	    .old_num = old_num, .new_num = new_num, .throwaway_num = throwaway,
	    .diff = diff.data, .diff_len = diff.len });
	buf_free(&diff);
	free(keys);
}

static void
held_bytes(void **unused)
{
	const size_t events = OUR_HELD_MAX / OUR_EVENT_BYTES, half = events / 2;
	struct buf plain = { 0 };

	(void)unused;
	for (size_t extra = 0; extra < 2; extra++) {
		struct feed *f = feed_new();
		keystrokes(&plain, 0, 1, 0, half);
		assert_int_equal(feed_instruction(f, &plain), 1);
		keystrokes(&plain, 0, 2, 0, events - half + extra);
		ssp_clear_error(f->t);
		assert_int_equal(feed_instruction(f, &plain), extra ? 0 : 1);
		assert_int_equal(ssp_remote_num(f->t), extra ? 1 : 2);
		if (extra) {
			assert_non_null(ssp_last_error(f->t));
			/* Only state 1 left after the throwaway: taken though over. */
			keystrokes(&plain, 1, 3, 1, events - half + extra);
			assert_int_equal(feed_instruction(f, &plain), 1);
			assert_int_equal(ssp_remote_num(f->t), 3);
		}
		feed_free(f);
	}
	buf_free(&plain);
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

/* Parameter characters: 100 kept (SPEC.md §7.2), the 101st dropped.
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

/* Parameter values: 65535 is a number, 65536 counts as missing (SPEC.md
 * §7.2), so CUF moves by the default, one column. */
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

/* Titles: chars [2, 256) of "2;..." (SPEC.md §7.3), so 254 characters are
 * kept whole and a 255th is cut.  The ";..." form (offset 1) would keep
 * 255 in mosh, but every frame re-sends a title as "0;...", which keeps
 * 254, so we cut that form at 254 too (SPEC §A): what a client shows is
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

/* OSC strings: 16384 characters (SPEC.md §7.3), so a clipboard set by
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

/* Clipboard bytes: 16384 of UTF-8 (SPEC §A), cut at a character
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
 * fills it exactly and a 16th mark is dropped (SPEC §A). */
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
		cmocka_unit_test(held_bytes),
		cmocka_unit_test(sent_states),
		cmocka_unit_test(fragments_sent),
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
