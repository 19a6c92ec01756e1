/*
 * Transport tests (SPEC.md §2, §3, §5, §6.1): the golden datagrams of
 * SPEC.md §11.7 byte for byte, the first packets of a recorded mosh 1.4.0
 * session (SPEC.md §2.5, §5.5), the user stream encodings observed from
 * real mosh, and one row per malformed input a peer can send.  The bad-input rows run
 * against a live client/server pair on 127.0.0.1 and check afterwards
 * that a keystroke still gets through.
 */
#include "testutil.h"
#include "ssp.h"
#include "ssp_bytes.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* SPEC.md §11.7: key AAECAwQFBgcICQoLDA0ODw (bytes 00..0f). */
static const uint8_t key[KEY_LEN] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15 };
/* SPEC.md §3.1: fragment id 1, #0 final, then zlib 1.2.13 compress() of the
 * instruction v2 o/n/a/t 0/1/0/0, diff = resize 80x24, empty chaff. */
static const char golden_fragment[] = "0000000000000001" "8000"
    "789ce360126090605460d06030e2e0629362d1083090b0620000105301de";
static const char golden_instruction[] = "0802100018012000280032080a061a04285030183a00";
static const char golden_c2s_seq0[] =
    "00000000000000009f164d976357081cc1c8bceef905db5a02428c8571949d686f4420ca31f0"
    "060ca43d50ffb19e12e522a8cf6e73fd36a91f68ecf470d119b52ed349b9";
static const char golden_s2c_seq5[] =
    "800000000000000562b1452b49441f8f5465091d7d412a3808799ea49d75557b0e1bf05087770e"
    "f85bc8a9bacfe9cb328cc58a2c693476245dc72b4e55ed8d8ddede59b9";
/* Bytes recorded from the real client (SPEC.md §6.1). */
static const char resize_80x24[] = "0a061a0428503018";
static const char keys_ab[] = "0a0612042202" "6162";
#define TO_CLIENT (1ULL << 63)
/* SPEC §B: a transport's first sequence number is random below 2^62
 * (mosh starts at 0: the recorded traces below differ there). */
#define SEQ_START_LIMIT (1ULL << 62)

static void
golden_seal(uint64_t dseq, const char *expect)
{
	struct ocb_ctx c;
	uint8_t frag[128], want[256], dg[SSP_DATAGRAM_MAX], payload[SSP_DATAGRAM_MAX];
	size_t nf = hex2bin(golden_fragment, frag, sizeof frag);
	size_t nw = hex2bin(expect, want, sizeof want), np;
	uint64_t got_dseq;
	uint16_t ts, tsr;

	ocb_init(&c, key);
	assert_int_equal(ssp_datagram_seal(&c, dseq, 0x1234, 0xFFFF, frag, nf, dg), nw);
	assert_bytes_equal(dg, want, nw);
	assert_null(ssp_datagram_open(&c, want, nw, &got_dseq, &ts, &tsr, payload, &np));
	assert_int_equal(got_dseq, dseq);
	assert_int_equal(ts, 0x1234);
	assert_int_equal(tsr, 0xFFFF);
	assert_int_equal(np, nf);
	assert_bytes_equal(payload, frag, nf);
	ocb_wipe(&c);
}

static void
golden_client_seq0(void **unused)
{
	(void)unused;
	golden_seal(0, golden_c2s_seq0);
}

static void
golden_server_seq5(void **unused)
{
	(void)unused;
	golden_seal(TO_CLIENT | 5, golden_s2c_seq5);
}

/* The golden fragment, decoded the way the receiver does: inflate, TLV,
 * then the user stream applies the diff and re-encodes it identically. */
static void
golden_decode(void **unused)
{
	uint8_t frag[128], want[64];
	size_t nf = hex2bin(golden_fragment, frag, sizeof frag);
	struct buf plain = { 0 }, again = { 0 };
	struct wire_instruction in;
	void *us = userstream_new(), *empty = userstream_new();

	(void)unused;
	assert_int_equal(zlib_inflate(frag + 10, nf - 10, &plain, ZLIB_MAX_OUT), ZLIB_OK);
	assert_int_equal(plain.len, hex2bin(golden_instruction, want, sizeof want));
	assert_bytes_equal(plain.data, want, plain.len);
	assert_int_equal(wire_instruction_decode(plain.data, plain.len, &in), 0);
	assert_int_equal(in.protocol_version, 2);
	assert_int_equal(in.old_num, 0);
	assert_int_equal(in.new_num, 1);
	assert_int_equal(userstream_ops.apply(us, in.diff, in.diff_len), 0);
	userstream_ops.diff(empty, us, &again);
	assert_int_equal(again.len, hex2bin(resize_80x24, want, sizeof want));
	assert_bytes_equal(again.data, want, again.len);
	buf_free(&plain);
	buf_free(&again);
	userstream_ops.free(us);
	userstream_ops.free(empty);
}

/* The real client's first instruction (SPEC.md §4.4; it had 15 chaff
 * bytes, whose values do not matter). */
static void
real_first_instruction(void **unused)
{
	uint8_t b[64];
	size_t n = hex2bin("08021000180120002800320 80a061a04285030183a0f"
	    "000102030405060708090a0b0c0d0e", b, sizeof b);
	struct wire_instruction in;

	(void)unused;
	assert_int_equal(wire_instruction_decode(b, n, &in), 0);
	assert_int_equal(in.protocol_version, 2);
	assert_int_equal(in.new_num, 1);
	assert_int_equal(in.ack_num, 0);
	assert_int_equal(in.throwaway_num, 0);
	assert_int_equal(in.chaff_len, 15);
	assert_int_equal(in.diff_len, 8);
}

static void
userstream_encodings(void **unused)
{
	void *a = userstream_new(), *b = userstream_new();
	struct buf d = { 0 };
	uint8_t want[64];
	size_t n;

	(void)unused;
	userstream_push_bytes(b, (const uint8_t *)"ab", 2);
	userstream_ops.diff(a, b, &d);
	n = hex2bin(keys_ab, want, sizeof want);
	assert_int_equal(d.len, n);
	assert_bytes_equal(d.data, want, n);
	/* resize, bytes, resize, resize: runs merge, resizes stay separate */
	d.len = 0;
	userstream_push_resize(a, 80, 24);
	userstream_push_resize(b, 80, 24);     /* b: ab 80x24 */
	assert_false(userstream_ops.equal(a, b));
	userstream_ops.subtract(a, a);             /* a: empty again */
	userstream_ops.subtract(b, b);
	assert_true(userstream_ops.equal(a, b));
	userstream_ops.free(a);
	userstream_ops.free(b);
	a = userstream_new();
	b = userstream_new();
	userstream_push_resize(b, 80, 24);
	userstream_push_bytes(b, (const uint8_t *)"a", 1);
	userstream_push_bytes(b, (const uint8_t *)"b", 1);
	userstream_push_resize(b, 80, 24);
	userstream_ops.diff(a, b, &d);
	n = hex2bin("0a061a0428503018" "0a0612042202 6162" "0a061a0428503018", want, sizeof want);
	assert_int_equal(d.len, n);
	assert_bytes_equal(d.data, want, n);
	/* subtracting a prefix leaves the tail; the diff from it is the same */
	userstream_push_resize(a, 80, 24);
	userstream_ops.subtract(b, a);
	userstream_ops.subtract(a, a);
	d.len = 0;
	userstream_ops.diff(a, b, &d);
	assert_int_equal(d.len, n - 8);
	assert_bytes_equal(d.data, want + 8, n - 8);
	/* apply validates sizes: 0x0 and 100000x100000 are malformed */
	d.len = 0;
	wire_put_resize(&d, 0, 0);
	assert_int_equal(userstream_ops.apply(a, d.data, d.len), -1);
	d.len = 0;
	wire_put_resize(&d, 100000, 100000);
	assert_int_equal(userstream_ops.apply(a, d.data, d.len), -1);
	buf_free(&d);
	userstream_ops.free(a);
	userstream_ops.free(b);
}

/* ---- a live pair on 127.0.0.1 ---- */

struct pair {
	struct ssp *c, *s;
	struct ocb_ctx ocb;             /* the session key, for forging */
	struct sockaddr_storage caddr;  /* the client's current source */
	socklen_t caddr_len;
	struct sockaddr_in saddr;
	int sfd;
	uint64_t forged_id;
	struct buf got;                 /* user bytes the server took */
};

static int
client_fd(struct pair *p)
{
	int fds[16], n = ssp_fds(p->c, fds, 16);

	return fds[n - 1];
}

static void
take_user_bytes(struct pair *p)
{
	struct buf d = { 0 };
	const uint8_t *q;
	struct wire_event ev;

	ssp_take_remote_diff(p->s, &d);
	q = d.data;
	while (wire_next_event(&q, d.data + d.len, &ev) == 1)
		if (ev.type == WIRE_BYTES)
			buf_put(&p->got, ev.bytes, ev.len);
	buf_free(&d);
}

/* Runs both ends for up to ms or until done(p); false on timeout. */
static bool
pump(struct pair *p, int ms, bool (*done)(struct pair *))
{
	uint64_t end = ssp_now() + (uint64_t)ms;

	while (!(done && done(p))) {
		uint64_t now = ssp_now();
		struct pollfd pf[17];
		int fds[16], n, wait, w;

		if (now >= end)
			return false;
		ssp_tick(p->c, now);
		ssp_tick(p->s, now);
		n = ssp_fds(p->c, fds, 16);
		for (int i = 0; i < n; i++)
			pf[i] = (struct pollfd){ .fd = fds[i], .events = POLLIN };
		pf[n] = (struct pollfd){ .fd = p->sfd, .events = POLLIN };
		wait = 10;
		if ((w = ssp_wait_time(p->c, now)) >= 0 && w < wait)
			wait = w;
		if ((w = ssp_wait_time(p->s, now)) >= 0 && w < wait)
			wait = w;
		poll(pf, (nfds_t)n + 1, wait);
		now = ssp_now();
		for (int i = 0; i <= n; i++)
			if (pf[i].revents & POLLIN)
				ssp_recv(i < n ? p->c : p->s, pf[i].fd, now);
		take_user_bytes(p);
	}
	return true;
}

static bool
resize_acked(struct pair *p)
{
	return ssp_acked_state_num(p->c) >= 1 && ssp_remote_num(p->s) >= 1;
}

static int
pair_setup(void **state)
{
	struct pair *p = calloc(1, sizeof *p);
	char err[128];
	int port;
	uint64_t now = ssp_now();
	void *us = userstream_new();

	ocb_init(&p->ocb, key);
	p->forged_id = 1ULL << 40;
	p->s = ssp_new(SSP_SERVER, key, &bytes_ops, bytes_new(), &userstream_ops,
	    userstream_new(), now);
	assert_int_equal(ssp_wait_time(p->s, now), -1);  /* nobody to send to */
	port = ssp_bind(p->s, "127.0.0.1", 0, 0, err, sizeof err);
	assert_true(port > 0);
	ssp_fds(p->s, &p->sfd, 1);
	p->saddr = (struct sockaddr_in){ .sin_family = AF_INET, .sin_port = htons((uint16_t)port),
		.sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	userstream_push_resize(us, 80, 24);
	p->c = ssp_new(SSP_CLIENT, key, &userstream_ops, us, &bytes_ops, bytes_new(), now);
	snprintf(err, sizeof err, "%d", port);
	assert_int_equal(ssp_connect(p->c, "127.0.0.1", err, err, sizeof err), 0);
	assert_true(pump(p, 3000, resize_acked));
	p->caddr_len = sizeof p->caddr;
	getsockname(client_fd(p), (struct sockaddr *)&p->caddr, &p->caddr_len);
	*state = p;
	return 0;
}

static int
pair_teardown(void **state)
{
	struct pair *p = *state;

	ssp_free(p->c);
	ssp_free(p->s);
	ocb_wipe(&p->ocb);
	buf_free(&p->got);
	free(p);
	return 0;
}

static bool
got_marker(struct pair *p)
{
	return p->got.len > 0 && p->got.data[p->got.len - 1] == '!';
}

/* The row's promise: the session is undisturbed.  The server still
 * sends to the same client address and a keystroke still arrives. */
static void
still_works(struct pair *p)
{
	char before[64];

	snprintf(before, sizeof before, "%s", ssp_remote_addr_str(p->s));
	userstream_push_bytes(ssp_local(p->c), (const uint8_t *)"!", 1);
	assert_true(pump(p, 3000, got_marker));
	assert_string_equal(ssp_remote_addr_str(p->s), before);
}

/* Sends raw bytes from the client's own socket and lets the server read
 * everything queued; returns the server's last error (cleared first). */
static const char *
deliver(struct pair *p, const uint8_t *dg, size_t n)
{
	struct pollfd pf = { .fd = p->sfd, .events = POLLIN };

	ssp_clear_error(p->s);
	assert_true(sendto(client_fd(p), dg, n, 0, (struct sockaddr *)&p->saddr, sizeof p->saddr) >= 0);
	for (int i = 0; i < 50 && poll(&pf, 1, i == 0 ? 500 : 20) > 0; i++)
		ssp_recv(p->s, p->sfd, ssp_now());
	return ssp_last_error(p->s);
}

/* Seals a payload as an old client datagram (seq 0: payload processed,
 * but no effect on clocks or address) and delivers it. */
static const char *
deliver_payload(struct pair *p, uint64_t dseq, const uint8_t *payload, size_t n)
{
	uint8_t dg[SSP_DATAGRAM_MAX];
	size_t len = ssp_datagram_seal(&p->ocb, dseq, 0xFFFF, 0xFFFF, payload, n, dg);

	assert_true(len > 0);
	return deliver(p, dg, len);
}

static const char *
deliver_fragment(struct pair *p, uint64_t id, bool final, unsigned num,
    const uint8_t *data, size_t n)
{
	uint8_t f[SSP_DATAGRAM_MAX];

	for (int i = 0; i < 8; i++)
		f[i] = (uint8_t)(id >> (56 - 8 * i));
	f[8] = (uint8_t)((final ? 0x80 : 0) | num >> 8);
	f[9] = (uint8_t)num;
	memcpy(f + 10, data, n);
	return deliver_payload(p, 0, f, n + 10);
}

/* The zlib stream of an instruction from old_num to new_num. */
static void
forge(struct buf *z, uint32_t version, uint64_t old_num,
    uint64_t new_num, const struct buf *diff)
{
	struct wire_instruction in = { .protocol_version = version, .old_num = old_num,
		.new_num = new_num, .diff = diff->data, .diff_len = diff->len };
	struct buf plain = { 0 };

	wire_instruction_encode(&plain, &in);
	zlib_store(z, plain.data, plain.len);
	buf_free(&plain);
}

/* Forges and delivers a one-fragment instruction; returns the error. */
static const char *
deliver_instruction(struct pair *p, uint32_t version, uint64_t old_num,
    uint64_t new_num, const struct buf *diff)
{
	struct buf z = { 0 };
	const char *e;

	forge(&z, version, old_num, new_num, diff);
	e = deliver_fragment(p, ++p->forged_id, true, 0, z.data, z.len);
	buf_free(&z);
	return e;
}

static bool
got_forged(struct pair *p)
{
	return p->got.len >= 5 && memcmp(p->got.data + p->got.len - 5, "XYZZY", 5) == 0;
}

/* The positive control for every forged row below. */
static void
forged_instruction_accepted(void **state)
{
	struct pair *p = *state;
	struct buf d = { 0 };

	wire_put_bytes(&d, (const uint8_t *)"XYZZY", 5);
	assert_null(deliver_instruction(p, 2, ssp_remote_num(p->s), 1000, &d));
	assert_int_equal(ssp_remote_num(p->s), 1000);
	assert_true(pump(p, 100, got_forged));
	buf_free(&d);
}

/* A multi-fragment instruction arriving in any order is assembled. */
static void
fragments_any_order(void **state)
{
	struct pair *p = *state;
	struct buf d = { 0 }, z = { 0 };
	uint8_t big[2500];
	size_t third;

	memset(big, 'q', sizeof big);
	memcpy(big + sizeof big - 5, "XYZZY", 5);
	wire_put_bytes(&d, big, sizeof big);
	forge(&z, 2, ssp_remote_num(p->s), 1000, &d);
	third = z.len / 3;
	p->forged_id++;
	assert_null(deliver_fragment(p, p->forged_id, true, 2, z.data + 2 * third, z.len - 2 * third));
	assert_null(deliver_fragment(p, p->forged_id, false, 0, z.data, third));
	assert_null(deliver_fragment(p, p->forged_id, false, 0, z.data, third)); /* same again */
	assert_null(deliver_fragment(p, p->forged_id, false, 1, z.data + third, third));
	assert_int_equal(ssp_remote_num(p->s), 1000);
	assert_true(pump(p, 100, got_forged));
	buf_free(&d);
	buf_free(&z);
}

/* Our own sender splits a large diff into fragments under the MTU. */
static bool
got_5000(struct pair *p)
{
	return p->got.len >= 5000;
}

static void
large_diff_fragmented(void **state)
{
	struct pair *p = *state;
	uint8_t big[5000];

	for (size_t i = 0; i < sizeof big; i++)
		big[i] = (uint8_t)(i + (i >> 8));
	userstream_push_bytes(ssp_local(p->c), big, sizeof big);
	assert_true(pump(p, 3000, got_5000));
	assert_int_equal(p->got.len, sizeof big);
	assert_bytes_equal(p->got.data, big, sizeof big);
}

/* ---- bad input rows: dropped with a reason, session undisturbed ---- */

static void
bad_empty(void **state)
{
	struct pair *p = *state;

	assert_non_null(deliver(p, (const uint8_t *)"", 0));
	still_works(p);
}

static void
bad_short(void **state)
{
	struct pair *p = *state;
	uint8_t dg[23] = { 0 };

	assert_non_null(deliver(p, dg, sizeof dg));
	still_works(p);
}

static void
bad_oversize(void **state)
{
	struct pair *p = *state;
	static uint8_t dg[3000], payload[2048];

	/* 2021 payload bytes make a 2049-byte datagram: we never seal one */
	assert_int_equal(ssp_datagram_seal(&p->ocb, 0, 0, 0, payload, 2021, dg), 0);
	assert_int_equal(ssp_datagram_seal(&p->ocb, 0, 0, 0, payload, 2020, dg), SSP_DATAGRAM_MAX);
	assert_string_equal(deliver(p, dg, SSP_DATAGRAM_MAX + 1), "Received oversize datagram");
	assert_string_equal(deliver(p, dg, sizeof dg), "Received oversize datagram");
	still_works(p);
}

static void
bad_bitflip(void **state)
{
	struct pair *p = *state;
	uint8_t frag[256], dg[SSP_DATAGRAM_MAX];
	struct buf d = { 0 }, z = { 0 };
	size_t n;

	wire_put_bytes(&d, (const uint8_t *)"XYZZY", 5);
	forge(&z, 2, ssp_remote_num(p->s), 1000, &d);
	memset(frag, 0, 10);
	frag[7] = 9;
	frag[8] = 0x80;
	memcpy(frag + 10, z.data, z.len);
	n = ssp_datagram_seal(&p->ocb, 0, 0xFFFF, 0xFFFF, frag, z.len + 10, dg);
	for (size_t bit = 0; bit < n * 8; bit++) {
		dg[bit / 8] ^= (uint8_t)(1 << bit % 8);
		ssp_clear_error(p->s);
		ssp_input(p->s, dg, n, (struct sockaddr *)&p->caddr, p->caddr_len, ssp_now());
		assert_non_null(ssp_last_error(p->s));
		dg[bit / 8] ^= (uint8_t)(1 << bit % 8);
	}
	assert_int_not_equal(ssp_remote_num(p->s), 1000);
	buf_free(&d);
	buf_free(&z);
	still_works(p);
}

static void
bad_truncated(void **state)
{
	struct pair *p = *state;
	uint8_t payload[40] = { 0 }, dg[SSP_DATAGRAM_MAX];
	size_t n = ssp_datagram_seal(&p->ocb, 0, 0xFFFF, 0xFFFF, payload, sizeof payload, dg);

	assert_string_equal(deliver(p, dg, n - 1), "Packet failed integrity check.");
	still_works(p);
}

static void
bad_reflected(void **state)
{
	struct pair *p = *state;
	uint8_t payload[40] = { 0 };

	/* Server-to-client direction, a high sequence number: were it
	 * accepted it would also move the server's target. */
	assert_string_equal(deliver_payload(p, TO_CLIENT | 1000000, payload, sizeof payload),
	    "Illegal counterparty input (wrong direction)");
	still_works(p);
}

/* Sends dg from socket fd to the server and lets it read everything. */
static void
deliver_from(struct pair *p, int fd, const uint8_t *dg, size_t n)
{
	struct pollfd pf = { .fd = p->sfd, .events = POLLIN };

	assert_true(sendto(fd, dg, n, 0, (struct sockaddr *)&p->saddr, sizeof p->saddr) >= 0);
	for (int i = 0; i < 50 && poll(&pf, 1, i == 0 ? 500 : 20) > 0; i++)
		ssp_recv(p->s, p->sfd, ssp_now());
}

/* A replayed (old) authentic datagram from a new address neither moves
 * the server nor counts as hearing from the client. */
static void
bad_replayed(void **state)
{
	struct pair *p = *state;
	int other = socket(AF_INET, SOCK_DGRAM, 0);
	uint8_t payload[12] = { 0 }, dg[SSP_DATAGRAM_MAX];
	char before[64];
	uint64_t heard = ssp_last_heard(p->s);
	size_t n = ssp_datagram_seal(&p->ocb, 0, 0x1111, 0xFFFF, payload, sizeof payload, dg);

	snprintf(before, sizeof before, "%s", ssp_remote_addr_str(p->s));
	usleep(20000);
	deliver_from(p, other, dg, n);
	assert_string_equal(ssp_remote_addr_str(p->s), before);
	assert_int_equal(ssp_last_heard(p->s), heard);
	close(other);
	still_works(p);
}

/* Roaming: a newer authentic datagram from a new address moves the
 * server's target at once, and its next datagram goes there. */
static void
roaming_newer_datagram(void **state)
{
	struct pair *p = *state;
	int other = socket(AF_INET, SOCK_DGRAM, 0);
	uint8_t payload[12] = { 0 }, dg[SSP_DATAGRAM_MAX];
	struct sockaddr_in oa;
	socklen_t olen = sizeof oa;
	char want[64];
	uint64_t newer = SEQ_START_LIMIT + (1ULL << 40);  /* past any start */
	size_t n = ssp_datagram_seal(&p->ocb, newer, 0x1111, 0xFFFF, payload, sizeof payload, dg);
	struct pollfd pf = { .fd = other, .events = POLLIN };

	deliver_from(p, other, dg, n);
	getsockname(other, (struct sockaddr *)&oa, &olen);
	snprintf(want, sizeof want, "127.0.0.1:%d", ntohs(oa.sin_port));
	assert_string_equal(ssp_remote_addr_str(p->s), want);
	/* the 3 s heartbeat at the latest */
	for (int i = 0; i < 400 && poll(&pf, 1, 0) == 0; i++) {
		ssp_tick(p->s, ssp_now());
		usleep(10000);
	}
	assert_int_equal(poll(&pf, 1, 0), 1);
	close(other);
}

/* ---- the clock is a parameter: long timers run on a fake one ---- */

static struct ssp *
client_to(int port, uint64_t t0)
{
	struct ssp *c = ssp_new(SSP_CLIENT, key, &userstream_ops, userstream_new(), &bytes_ops,
	    bytes_new(), t0);
	char err[64], ps[16];

	snprintf(ps, sizeof ps, "%d", port);
	assert_int_equal(ssp_connect(c, "127.0.0.1", ps, err, sizeof err), 0);
	userstream_push_resize(ssp_local(c), 80, 24);
	return c;
}

/* The server stops sending 40 s after it last heard from the client, and
 * waits forever; any newer datagram attaches it again. */
static void
server_detach_40s(void **unused)
{
	uint64_t t0 = ssp_now();
	struct ssp *s = ssp_new(SSP_SERVER, key, &bytes_ops, bytes_new(), &userstream_ops,
	    userstream_new(), t0);
	char err[64];
	int sfd, port = ssp_bind(s, "127.0.0.1", 0, 0, err, sizeof err);
	struct ssp *c = client_to(port, t0);
	struct pollfd pf;
	uint64_t sent;

	(void)unused;
	ssp_fds(s, &sfd, 1);
	pf = (struct pollfd){ .fd = sfd, .events = POLLIN };
	ssp_tick(c, t0 + 300);
	assert_int_equal(poll(&pf, 1, 1000), 1);
	ssp_recv(s, sfd, t0 + 300);
	assert_true(ssp_has_remote_addr(s));
	for (uint64_t t = t0 + 300; t <= t0 + 39000; t += 100)
		ssp_tick(s, t);
	assert_true(ssp_has_remote_addr(s));
	for (uint64_t t = t0 + 39000; t <= t0 + 45000; t += 100)
		ssp_tick(s, t);
	assert_false(ssp_has_remote_addr(s));
	assert_int_equal(ssp_wait_time(s, t0 + 45000), -1);
	sent = ssp_datagrams_sent(s);
	ssp_tick(s, t0 + 60000);
	assert_int_equal(ssp_datagrams_sent(s), sent);
	/* the client's next datagram re-attaches it */
	for (uint64_t t = t0 + 300; ssp_datagrams_sent(c) < 2 && t < t0 + 70000; t += 100)
		ssp_tick(c, t);
	for (int i = 0; i < 10 && poll(&pf, 1, 200) == 1; i++)
		ssp_recv(s, sfd, t0 + 70000);
	assert_true(ssp_has_remote_addr(s));
	assert_true(ssp_wait_time(s, t0 + 70000) >= 0);
	ssp_free(c);
	ssp_free(s);
}

/* With no round trip, the client moves to a new source port every 10 s,
 * keeping at most 10 sockets open for late replies. */
static void
client_port_hops(void **unused)
{
	uint64_t t0 = ssp_now(), t;
	int sink = socket(AF_INET, SOCK_DGRAM, 0), fds[16];
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof sa;
	struct ssp *c;

	(void)unused;
	bind(sink, (struct sockaddr *)&sa, sizeof sa);  /* a silent server */
	getsockname(sink, (struct sockaddr *)&sa, &len);
	c = client_to(ntohs(sa.sin_port), t0);
	for (t = t0; t < t0 + 9000; t += 50)
		ssp_tick(c, t);
	assert_true(ssp_datagrams_sent(c) >= 3);        /* the state, resent every 3 s */
	assert_int_equal(ssp_fds(c, fds, 16), 1);
	for (; t < t0 + 25000; t += 50)
		ssp_tick(c, t);
	assert_int_equal(ssp_fds(c, fds, 16), 3);       /* hops near 12 s and 22 s */
	for (; t < t0 + 200000; t += 50)
		ssp_tick(c, t);
	assert_int_equal(ssp_fds(c, fds, 16), 10);
	ssp_free(c);
	close(sink);
}

static void
bad_payload_under_10(void **state)
{
	struct pair *p = *state;
	uint8_t payload[9] = { 0 };

	assert_string_equal(deliver_payload(p, 0, payload, sizeof payload),
	    "fragment shorter than its header");
	still_works(p);
}

static void
bad_zlib(void **state)
{
	struct pair *p = *state;
	uint8_t z[] = { 0x78, 0x9c, 0xff, 0xfe, 0x01, 0x02, 0x03 };

	assert_non_null(deliver_fragment(p, ++p->forged_id, true, 0, z, sizeof z));
	still_works(p);
}

/* Python zlib.compress(bytes(4 * 2**20 + 1), 9), zlib 1.2.13: 4086 bytes,
 * a 17-byte head, 4063 zero bytes and a 6-byte tail; inflates to one
 * byte over the 4 MiB cap. */
static void
bad_zlib_bomb(void **state)
{
	struct pair *p = *state;
	static uint8_t z[4086];
	uint8_t *w = z;
	size_t room = 1214;

	w += hex2bin("78daedc101010000008220ffaf6e484001", w, 17);
	memset(w, 0, 4063);
	w += 4063;
	hex2bin("9c1b03c10001", w, 6);
	p->forged_id++;
	for (unsigned i = 0; i * room < sizeof z; i++) {
		size_t len = sizeof z - i * room < room ? sizeof z - i * room : room;
		const char *e = deliver_fragment(p, p->forged_id, (i + 1) * room >= sizeof z, i,
		    z + i * room, len);

		if ((i + 1) * room >= sizeof z)
			assert_string_equal(e, "bad zlib stream (-5)");
	}
	still_works(p);
}

static void
bad_garbage_tlv(void **state)
{
	struct pair *p = *state;
	struct buf z = { 0 };
	const uint8_t junk[] = { 0x08, 0x02, 0x12, 0xff, 0xff, 0x07 };

	zlib_store(&z, junk, sizeof junk);
	assert_string_equal(deliver_fragment(p, ++p->forged_id, true, 0, z.data, z.len),
	    "malformed instruction");
	buf_free(&z);
	still_works(p);
}

static void
bad_protocol_version(void **state)
{
	struct pair *p = *state;
	struct buf d = { 0 };

	wire_put_bytes(&d, (const uint8_t *)"XYZZY", 5);
	assert_string_equal(deliver_instruction(p, 3, ssp_remote_num(p->s), 1000, &d),
	    "mosh protocol version mismatch");
	assert_int_not_equal(ssp_remote_num(p->s), 1000);
	buf_free(&d);
	still_works(p);
}

static void
bad_unknown_old_num(void **state)
{
	struct pair *p = *state;
	struct buf d = { 0 };

	wire_put_bytes(&d, (const uint8_t *)"XYZZY", 5);
	assert_string_equal(deliver_instruction(p, 2, 999, 1000, &d), "diff from unknown state 999");
	assert_int_not_equal(ssp_remote_num(p->s), 1000);
	buf_free(&d);
	still_works(p);
}

static void
bad_fragment_7fff(void **state)
{
	struct pair *p = *state;
	struct buf d = { 0 }, z = { 0 };

	wire_put_bytes(&d, (const uint8_t *)"XYZZY", 5);
	forge(&z, 2, ssp_remote_num(p->s), 1000, &d);
	assert_non_null(deliver_fragment(p, ++p->forged_id, true, 0x7fff, z.data, z.len));
	assert_non_null(deliver_fragment(p, ++p->forged_id, false, 0x7fff, z.data, z.len));
	assert_int_not_equal(ssp_remote_num(p->s), 1000);
	buf_free(&d);
	buf_free(&z);
	still_works(p);
}

static void
bad_conflicting_duplicate(void **state)
{
	struct pair *p = *state;
	struct buf d = { 0 }, z = { 0 };
	uint8_t other[8] = "........";
	size_t half;

	wire_put_bytes(&d, (const uint8_t *)"XYZZY", 5);
	forge(&z, 2, ssp_remote_num(p->s), 1000, &d);
	half = z.len / 2;
	p->forged_id++;
	assert_null(deliver_fragment(p, p->forged_id, false, 0, z.data, half));
	assert_string_equal(deliver_fragment(p, p->forged_id, false, 0, other, sizeof other),
	    "conflicting duplicate fragment 0");
	deliver_fragment(p, p->forged_id, true, 1, z.data + half, z.len - half);
	assert_int_not_equal(ssp_remote_num(p->s), 1000);
	/* That fragment began a new partial instruction.  Forged ids run above
	 * the client's, whose fragments, older, wait while it lasts (SPEC §3);
	 * the forger's next instruction replaces it, as a sender's always does
	 * (a version 3 one, which the transport then drops). */
	assert_string_equal(deliver_instruction(p, 3, 0, 1000, &d),
	    "mosh protocol version mismatch");
	buf_free(&d);
	buf_free(&z);
	still_works(p);
}

/* Two instructions interleaved: the newer id replaces the older one's
 * partial assembly, whose last fragment is then ignored; the newer one
 * completes (a version 3 instruction, so that what completes shows as the
 * transport's error and no forged state stands in the client's way). */
static void
bad_interleaved(void **state)
{
	struct pair *p = *state;
	struct buf d = { 0 }, a = { 0 }, b = { 0 };
	uint64_t ida = ++p->forged_id, idb = ++p->forged_id;
	size_t ha, hb;
	const char *e;

	wire_put_bytes(&d, (const uint8_t *)"XYZZY", 5);
	forge(&a, 2, ssp_remote_num(p->s), 1000, &d);
	forge(&b, 3, ssp_remote_num(p->s), 1001, &d);
	ha = a.len / 2;
	hb = b.len / 2;
	assert_null(deliver_fragment(p, ida, false, 0, a.data, ha));
	assert_null(deliver_fragment(p, idb, false, 0, b.data, hb));
	assert_null(deliver_fragment(p, ida, true, 1, a.data + ha, a.len - ha));
	e = deliver_fragment(p, idb, true, 1, b.data + hb, b.len - hb);
	assert_non_null(e);
	assert_string_equal(e, "mosh protocol version mismatch");
	assert_true(ssp_remote_num(p->s) < 1000);
	buf_free(&d);
	buf_free(&a);
	buf_free(&b);
	still_works(p);
}

/*
 * SPEC §B: a replay only delivers late.  A 25-fragment instruction with
 * the client's first datagram replayed between fragments 11 and 12 (the
 * real datagram, golden_c2s_seq0: id 1, the resize) still completes.  Its
 * forged state 1000 then stands above the client's own, so this row, like
 * the positive controls, has no keystroke afterwards.
 */
static void
bad_replayed_mid_assembly(void **state)
{
	struct pair *p = *state;
	struct buf d = { 0 }, z = { 0 };
	uint8_t big[25 * 100], old[128];
	size_t nold = hex2bin(golden_c2s_seq0, old, sizeof old);

	memset(big, 'r', sizeof big);
	memcpy(big + sizeof big - 5, "XYZZY", 5);
	wire_put_bytes(&d, big, sizeof big);
	forge(&z, 2, ssp_remote_num(p->s), 1000, &d);
	p->forged_id++;
	for (size_t i = 0; i < 25; i++) {
		size_t lo = z.len * i / 25, hi = z.len * (i + 1) / 25;
		if (i == 12)
			assert_null(deliver(p, old, nold));
		assert_null(deliver_fragment(p, p->forged_id, i == 24, (unsigned)i,
		    z.data + lo, hi - lo));
	}
	assert_int_equal(ssp_remote_num(p->s), 1000);
	assert_true(pump(p, 100, got_forged));
	buf_free(&d);
	buf_free(&z);
}

static void
bad_resize(struct pair *p, int32_t w, int32_t h)
{
	struct buf d = { 0 };

	wire_put_resize(&d, w, h);
	assert_string_equal(deliver_instruction(p, 2, ssp_remote_num(p->s), 1000, &d),
	    "malformed diff in state 1000");
	assert_int_not_equal(ssp_remote_num(p->s), 1000);
	buf_free(&d);
	still_works(p);
}

static void
bad_resize_0x0(void **state)
{
	bad_resize(*state, 0, 0);
}

static void
bad_resize_huge(void **state)
{
	bad_resize(*state, 100000, 100000);
}

/* ---- behaviour ---- */

static bool
shutdown_done(struct pair *p)
{
	return ssp_shutdown_acknowledged(p->c) && ssp_counterparty_shutdown_ack_sent(p->s);
}

static void
shutdown_handshake(void **state)
{
	struct pair *p = *state;

	ssp_start_shutdown(p->c, ssp_now());
	assert_true(ssp_shutdown_in_progress(p->c));
	assert_true(pump(p, 3000, shutdown_done));
	assert_false(ssp_shutdown_ack_timed_out(p->c, ssp_now()));
}

/* A datagram the client sent, read off the server's socket and decoded
 * as the trace notation: o/n/a/t, id, timestamps.  One fragment only. */
struct seen {
	uint64_t dseq, id;
	uint16_t ts, tsr;
	struct wire_instruction in;
	uint8_t raw[SSP_DATAGRAM_MAX];
	size_t n;
	struct sockaddr_storage from;
	socklen_t fromlen;
	struct buf plain;
};

static void
capture(int fd, struct ocb_ctx *ocb, struct seen *s)
{
	uint8_t payload[SSP_DATAGRAM_MAX];
	size_t np;
	struct pollfd pf = { .fd = fd, .events = POLLIN };

	assert_int_equal(poll(&pf, 1, 2000), 1);
	s->fromlen = sizeof s->from;
	s->n = (size_t)recvfrom(fd, s->raw, sizeof s->raw, 0, (struct sockaddr *)&s->from, &s->fromlen);
	assert_null(ssp_datagram_open(ocb, s->raw, s->n, &s->dseq, &s->ts, &s->tsr, payload, &np));
	assert_true(np > 10);
	assert_int_equal(payload[8], 0x80);     /* fragment #0, final */
	assert_int_equal(payload[9], 0);
	s->id = 0;
	for (int i = 0; i < 8; i++)
		s->id = s->id << 8 | payload[i];
	s->plain.len = 0;
	assert_int_equal(zlib_inflate(payload + 10, np - 10, &s->plain, ZLIB_MAX_OUT), ZLIB_OK);
	assert_int_equal(wire_instruction_decode(s->plain.data, s->plain.len, &s->in), 0);
}

/* A recorded mosh 1.4.0 session (SPEC.md §2.5), first exchange: C2S seq0
 * id1 0/1/0/0 resize 80x24 tsr none; S2C seq0 id1 0/1/1/0 empty, echoing
 * the client's timestamp. */
static void
trace_first_exchange(void **unused)
{
	struct ocb_ctx ocb;
	struct seen c2s = { 0 }, s2c = { 0 };
	char err[64], port[16];
	uint64_t t0 = ssp_now();
	void *us = userstream_new();
	struct ssp *s = ssp_new(SSP_SERVER, key, &bytes_ops, bytes_new(), &userstream_ops,
	    userstream_new(), t0);
	struct ssp *c = ssp_new(SSP_CLIENT, key, &userstream_ops, us, &bytes_ops, bytes_new(), t0);
	int sfd, cfd, p = ssp_bind(s, "127.0.0.1", 0, 0, err, sizeof err);
	uint8_t want[16];

	(void)unused;
	ocb_init(&ocb, key);
	snprintf(port, sizeof port, "%d", p);
	assert_int_equal(ssp_connect(c, "127.0.0.1", port, err, sizeof err), 0);
	ssp_fds(s, &sfd, 1);
	ssp_fds(c, &cfd, 1);
	userstream_push_resize(us, 80, 24);
	/* The clock is ours (the network takes 1 ms each way), so that the
	 * RTT sample does not depend on how fast this test runs. */
	ssp_tick(c, t0 + 250);
	capture(sfd, &ocb, &c2s);
	assert_true(c2s.dseq < SEQ_START_LIMIT);        /* the trace: 0 */
	assert_int_equal(c2s.id, 1);
	assert_int_equal(c2s.tsr, 0xFFFF);
	assert_int_equal(c2s.in.protocol_version, 2);
	assert_int_equal(c2s.in.old_num, 0);
	assert_int_equal(c2s.in.new_num, 1);
	assert_int_equal(c2s.in.ack_num, 0);
	assert_int_equal(c2s.in.throwaway_num, 0);
	assert_int_equal(c2s.in.diff_len, hex2bin(resize_80x24, want, sizeof want));
	assert_bytes_equal(c2s.in.diff, want, c2s.in.diff_len);
	assert_true(c2s.in.chaff_len <= 16);
	assert_int_equal(ssp_input(s, c2s.raw, c2s.n, (struct sockaddr *)&c2s.from,
	    c2s.fromlen, t0 + 251), 1);
	/* the server's reply is due at once: an empty ack of state 1 */
	assert_int_equal(ssp_wait_time(s, t0 + 251), 0);
	ssp_tick(s, t0 + 251);
	capture(cfd, &ocb, &s2c);
	assert_true(s2c.dseq >= TO_CLIENT && s2c.dseq - TO_CLIENT < SEQ_START_LIMIT);
	assert_int_equal(s2c.id, 1);
	assert_int_equal(s2c.in.old_num, 0);
	assert_int_equal(s2c.in.new_num, 1);
	assert_int_equal(s2c.in.ack_num, 1);
	assert_int_equal(s2c.in.throwaway_num, 0);
	assert_int_equal(s2c.in.diff_len, 0);
	/* the echo is the client's timestamp plus the hold time, here 0 */
	assert_int_equal(s2c.tsr, c2s.ts);
	assert_int_equal(ssp_input(c, s2c.raw, s2c.n, (struct sockaddr *)&s2c.from,
	    s2c.fromlen, t0 + 252), 1);
	assert_int_equal(ssp_acked_state_num(c), 1);
	assert_true(ssp_srtt(c) == 2);          /* the first sample replaces 1000 */
	assert_int_equal(ssp_send_interval(c), 20);
	buf_free(&c2s.plain);
	buf_free(&s2c.plain);
	ocb_wipe(&ocb);
	ssp_free(c);
	ssp_free(s);
}

/* The recorded session, the next packets, on a fake clock: the server's
 * first frame S2C 0/2/1/0 (diffed from state 0: the prophylactic resend),
 * and the client's delayed ack C2S 1/2/2/1, sent 100 ms after the frame
 * arrived and echoing its timestamp plus those 100 ms (SPEC.md §2.2). */
static void
trace_delayed_ack(void **unused)
{
	struct ocb_ctx ocb;
	struct seen c2s = { 0 }, s2c = { 0 };
	char err[64], port[16];
	uint64_t t0 = ssp_now();
	struct ssp *s = ssp_new(SSP_SERVER, key, &bytes_ops, bytes_new(), &userstream_ops,
	    userstream_new(), t0);
	struct ssp *c = ssp_new(SSP_CLIENT, key, &userstream_ops, userstream_new(), &bytes_ops,
	    bytes_new(), t0);
	int sfd, cfd, p = ssp_bind(s, "127.0.0.1", 0, 0, err, sizeof err);
	uint16_t frame_ts;
	uint64_t c2s_first, s2c_first;
	struct wire_event ev;
	const uint8_t *q;

	(void)unused;
	ocb_init(&ocb, key);
	snprintf(port, sizeof port, "%d", p);
	assert_int_equal(ssp_connect(c, "127.0.0.1", port, err, sizeof err), 0);
	ssp_fds(s, &sfd, 1);
	ssp_fds(c, &cfd, 1);
	userstream_push_resize(ssp_local(c), 80, 24);
	ssp_tick(c, t0 + 250);                  /* state 1: the resize */
	capture(sfd, &ocb, &c2s);
	c2s_first = c2s.dseq;
	ssp_input(s, c2s.raw, c2s.n, (struct sockaddr *)&c2s.from, c2s.fromlen, t0 + 251);
	ssp_tick(s, t0 + 251);                  /* the immediate empty ack */
	capture(cfd, &ocb, &s2c);
	s2c_first = s2c.dseq;
	assert_int_equal(s2c.tsr, c2s.ts);      /* held 0 ms */
	ssp_input(c, s2c.raw, s2c.n, (struct sockaddr *)&s2c.from, s2c.fromlen, t0 + 252);
	buf_puts(ssp_local(s), "hello");
	ssp_tick(s, t0 + 520);                  /* starts the 8 ms mindelay */
	assert_int_equal(ssp_wait_time(s, t0 + 520), 8);
	ssp_tick(s, t0 + 528);
	capture(cfd, &ocb, &s2c);
	assert_int_equal(s2c.dseq, s2c_first + 1);     /* the trace: TO_CLIENT | 1 */
	assert_int_equal(s2c.in.old_num, 0);
	assert_int_equal(s2c.in.new_num, 2);
	assert_int_equal(s2c.in.ack_num, 1);
	assert_int_equal(s2c.in.throwaway_num, 0);
	assert_int_equal(s2c.tsr, 0xFFFF);
	q = s2c.in.diff;
	assert_int_equal(wire_next_event(&q, s2c.in.diff + s2c.in.diff_len, &ev), 1);
	assert_int_equal(ev.type, WIRE_BYTES);
	assert_int_equal(ev.len, 5);
	assert_memory_equal(ev.bytes, "hello", 5);
	frame_ts = s2c.ts;
	assert_int_equal(ssp_input(c, s2c.raw, s2c.n, (struct sockaddr *)&s2c.from, s2c.fromlen,
	    t0 + 530), 1);
	assert_int_equal(ssp_wait_time(c, t0 + 530), 100);
	ssp_tick(c, t0 + 629);
	assert_int_equal(ssp_datagrams_sent(c), 1);     /* not yet */
	ssp_tick(c, t0 + 630);
	capture(sfd, &ocb, &c2s);
	assert_int_equal(c2s.dseq, c2s_first + 1);     /* the trace: 1 */
	assert_int_equal(c2s.in.old_num, 1);
	assert_int_equal(c2s.in.new_num, 2);
	assert_int_equal(c2s.in.ack_num, 2);
	assert_int_equal(c2s.in.throwaway_num, 1);
	assert_int_equal(c2s.in.diff_len, 0);
	assert_int_equal(c2s.tsr, (uint16_t)(frame_ts + 100));
	buf_free(&c2s.plain);
	buf_free(&s2c.plain);
	ocb_wipe(&ocb);
	ssp_free(c);
	ssp_free(s);
}

/*
 * SPEC §B: transports under one key (a client started again with the same
 * MOSH_KEY) start their sequence numbers, and so their nonces, at random
 * points below 2^62.  Eight clients send their first datagram to a socket
 * read here: eight different numbers, in range, not all small.
 */
static void
nonce_per_transport(void **unused)
{
	struct ocb_ctx ocb;
	struct seen dg = { 0 };
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof sa;
	int sink = socket(AF_INET, SOCK_DGRAM, 0);
	uint64_t t0 = ssp_now(), seq[8], high = 0;
	char err[64], port[16];

	(void)unused;
	ocb_init(&ocb, key);
	assert_int_equal(bind(sink, (struct sockaddr *)&sa, sizeof sa), 0);
	assert_int_equal(getsockname(sink, (struct sockaddr *)&sa, &len), 0);
	snprintf(port, sizeof port, "%d", ntohs(sa.sin_port));
	for (int i = 0; i < 8; i++) {
		struct ssp *c = ssp_new(SSP_CLIENT, key, &userstream_ops, userstream_new(),
		    &bytes_ops, bytes_new(), t0);
		assert_int_equal(ssp_connect(c, "127.0.0.1", port, err, sizeof err), 0);
		userstream_push_resize(ssp_local(c), 80, 24);
		ssp_tick(c, t0 + 250);
		capture(sink, &ocb, &dg);
		seq[i] = dg.dseq;
		assert_true(seq[i] < SEQ_START_LIMIT);
		for (int j = 0; j < i; j++)
			assert_true(seq[j] != seq[i]);
		high = seq[i] > high ? seq[i] : high;
		ssp_free(c);
	}
	assert_true(high >= 1ULL << 40);        /* all 8 below: odds 2^-176 */
	buf_free(&dg.plain);
	ocb_wipe(&ocb);
	close(sink);
}

/* A recorded session with a blackout (SPEC.md §5.5), on a fake clock: the
 * server goes silent, the client's heartbeat goes unanswered, then a
 * keystroke.  With an old unacknowledged state in between, the assumed
 * receiver state falls back to the acknowledged one, so the keystroke is
 * resent at the frame rate (20 ms here) until 10 s after the client last
 * heard from the server, and from then on only with each 3 s heartbeat. */
static void
retransmit_rates(void **unused)
{
	struct ocb_ctx ocb;
	struct seen dg = { 0 };
	char err[64], port[16];
	uint64_t t0 = ssp_now(), t, heard, n0, n1, n2;
	struct ssp *s = ssp_new(SSP_SERVER, key, &bytes_ops, bytes_new(), &userstream_ops,
	    userstream_new(), t0);
	struct ssp *c = ssp_new(SSP_CLIENT, key, &userstream_ops, userstream_new(), &bytes_ops,
	    bytes_new(), t0);
	int sfd, cfd, p = ssp_bind(s, "127.0.0.1", 0, 0, err, sizeof err);

	(void)unused;
	ocb_init(&ocb, key);
	snprintf(port, sizeof port, "%d", p);
	assert_int_equal(ssp_connect(c, "127.0.0.1", port, err, sizeof err), 0);
	ssp_fds(s, &sfd, 1);
	ssp_fds(c, &cfd, 1);
	userstream_push_resize(ssp_local(c), 80, 24);
	ssp_tick(c, t0 + 250);
	capture(sfd, &ocb, &dg);
	ssp_input(s, dg.raw, dg.n, (struct sockaddr *)&dg.from, dg.fromlen, t0 + 251);
	ssp_tick(s, t0 + 251);
	capture(cfd, &ocb, &dg);
	heard = t0 + 252;
	assert_int_equal(ssp_input(c, dg.raw, dg.n, (struct sockaddr *)&dg.from, dg.fromlen, heard), 1);
	assert_int_equal(ssp_send_interval(c), 20);     /* a 2 ms RTT */
	/* from here on the server never answers */
	for (t = heard; t < heard + 3500; t += 5)
		ssp_tick(c, t);
	assert_int_equal(ssp_sent_state_num(c), 2);     /* the heartbeat */
	n0 = ssp_datagrams_sent(c);
	userstream_push_bytes(ssp_local(c), (const uint8_t *)"x", 1);
	for (; t < heard + 9500; t += 5)
		ssp_tick(c, t);
	n1 = ssp_datagrams_sent(c);
	for (; t < heard + 10500; t += 5)
		ssp_tick(c, t);
	n2 = ssp_datagrams_sent(c);
	for (; t < heard + 19500; t += 5)
		ssp_tick(c, t);
	/* 6 s at 20 ms: about 300; then 3 in 9 s */
	assert_true(n1 - n0 > 250);
	assert_true(ssp_datagrams_sent(c) - n2 >= 2 && ssp_datagrams_sent(c) - n2 <= 4);
	buf_free(&dg.plain);
	ocb_wipe(&ocb);
	ssp_free(c);
	ssp_free(s);
}

#define ROW(f) cmocka_unit_test_setup_teardown(f, pair_setup, pair_teardown)

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(golden_client_seq0),
		cmocka_unit_test(golden_server_seq5),
		cmocka_unit_test(golden_decode),
		cmocka_unit_test(real_first_instruction),
		cmocka_unit_test(userstream_encodings),
		cmocka_unit_test(trace_first_exchange),
		cmocka_unit_test(trace_delayed_ack),
		cmocka_unit_test(nonce_per_transport),
		ROW(forged_instruction_accepted),
		ROW(fragments_any_order),
		ROW(large_diff_fragmented),
		ROW(shutdown_handshake),
		ROW(roaming_newer_datagram),
		cmocka_unit_test(server_detach_40s),
		cmocka_unit_test(client_port_hops),
		cmocka_unit_test(retransmit_rates),
		ROW(bad_empty),
		ROW(bad_short),
		ROW(bad_oversize),
		ROW(bad_bitflip),
		ROW(bad_truncated),
		ROW(bad_reflected),
		ROW(bad_replayed),
		ROW(bad_payload_under_10),
		ROW(bad_zlib),
		ROW(bad_zlib_bomb),
		ROW(bad_garbage_tlv),
		ROW(bad_protocol_version),
		ROW(bad_unknown_old_num),
		ROW(bad_fragment_7fff),
		ROW(bad_conflicting_duplicate),
		ROW(bad_interleaved),
		ROW(bad_replayed_mid_assembly),
		ROW(bad_resize_0x0),
		ROW(bad_resize_huge),
	};

	return RUN_TESTS("ssp", tests);
}
