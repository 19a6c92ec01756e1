/*
 * test_trace.c -- the protocol trace decoder (tests/transport/trace.c) behind
 * `relay --trace`: the lines it prints for real mosh datagrams, for
 * instructions in one fragment and in several, and for every kind of bad
 * input, which must give a "bad" or "inst undecodable" line and never a
 * crash (this program also runs under ASan and valgrind).
 *
 * Every expected line is written out here by hand from the format in
 * trace.c's legend.  The golden datagrams are mosh 1.4's own bytes (the
 * same vectors as tests/transport/test_ssp.c); the other inputs are assembled with
 * the product's encoders, which their own tests check against real zlib
 * and real mosh.
 */
#include "testutil.h"
#include "ssp.h"
#include "trace.h"
#include "wire.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* mosh 1.4 traffic (tests/transport/test_ssp.c): key AAECAwQFBgcICQoLDA0ODw, one
 * fragment (id 1, #0 final) of the instruction v2 old 0 new 1 ack 0
 * throwaway 0, diff = resize 80x24; timestamp 0x1234, no reply. */
static const uint8_t key[KEY_LEN] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15 };
static const char golden_c2s_seq0[] =
    "00000000000000009f164d976357081cc1c8bceef905db5a02428c8571949d686f4420ca31f0"
    "060ca43d50ffb19e12e522a8cf6e73fd36a91f68ecf470d119b52ed349b9";
static const char golden_s2c_seq5[] =
    "800000000000000562b1452b49441f8f5465091d7d412a3808799ea49d75557b0e1bf05087770e"
    "f85bc8a9bacfe9cb328cc58a2c693476245dc72b4e55ed8d8ddede59b9";

/* Instruction v2 old 2 new 3 ack 7 throwaway 2, diff = Keystroke "ls\r",
 * empty chaff, assembled by hand from the TLV layout in wire.h. */
static const char keys_ls_instruction[] =
    "0802" "1002" "1803" "2007" "2802" "3209" "0a07120522036c730d" "3a00";

#define TO_CLIENT (1ULL << 63)

/* A trace written to memory. */
struct run {
	char *text;
	size_t size;
	FILE *out;
	struct trace *t;
};

static void
run_start(struct run *r)
{
	r->out = open_memstream(&r->text, &r->size);
	assert_non_null(r->out);
	r->t = trace_new(r->out, key, "test_trace");
	assert_non_null(r->t);
}

/* Ends the trace; returns its lines after the legend. */
static const char *
run_end(struct run *r)
{
	trace_free(r->t);
	assert_int_equal(fclose(r->out), 0);
	const char *p = r->text;
	while (*p == '#') {
		p = strchr(p, '\n');
		assert_non_null(p);
		p++;
	}
	return p;
}

static void
feed_hex(struct run *r, uint64_t ms, enum trace_dir dir, const char *hex, unsigned fate)
{
	uint8_t dg[SSP_DATAGRAM_MAX];
	size_t n = hex2bin(hex, dg, sizeof dg);
	trace_datagram(r->t, ms, dir, dg, n, fate);
}

/* Seals a fragment (id, number, final, then data) as the sender would. */
static size_t
seal(uint8_t *dg, uint64_t direction_seq, uint16_t ts, uint16_t tsr, uint64_t id,
    unsigned num, bool final, const uint8_t *data, size_t n)
{
	uint8_t frag[SSP_DATAGRAM_MAX];
	struct ocb_ctx c;

	assert_true(n + SSP_FRAGMENT_HEADER + SSP_OVERHEAD <= SSP_DATAGRAM_MAX);
	for (int i = 0; i < 8; i++)
		frag[i] = (uint8_t)(id >> (56 - 8 * i));
	frag[8] = (uint8_t)((final ? 0x80 : 0) | num >> 8);
	frag[9] = (uint8_t)num;
	memcpy(frag + SSP_FRAGMENT_HEADER, data, n);
	ocb_init(&c, key);
	size_t len = ssp_datagram_seal(&c, direction_seq, ts, tsr, frag, SSP_FRAGMENT_HEADER + n, dg);
	ocb_wipe(&c);
	assert_true(len > 0);
	return len;
}

static void
feed_fragment(struct run *r, uint64_t ms, enum trace_dir dir, uint64_t seq, uint64_t id,
    unsigned num, bool final, const uint8_t *data, size_t n, unsigned fate)
{
	uint8_t dg[SSP_DATAGRAM_MAX];
	uint64_t direction_seq = seq | (dir == TRACE_S2C ? TO_CLIENT : 0);
	size_t len = seal(dg, direction_seq, 1000, 0xFFFF, id, num, final, data, n);
	trace_datagram(r->t, ms, dir, dg, len, fate);
}

/* The zlib stream (stored blocks) of an instruction given in hex. */
static void
zlib_of_hex(struct buf *z, const char *hex)
{
	uint8_t plain[512];
	size_t n = hex2bin(hex, plain, sizeof plain);
	zlib_store(z, plain, n);
}

/* The zlib stream of an instruction with this diff. */
static void
zlib_of_instruction(struct buf *z, uint32_t version, uint64_t old_num, uint64_t new_num,
    const struct buf *diff)
{
	struct buf plain = { 0 };
	struct wire_instruction in = { .protocol_version = version, .old_num = old_num,
		.new_num = new_num, .ack_num = 4, .throwaway_num = 1,
		.diff = diff->data ? diff->data : (const uint8_t *)"", .diff_len = diff->len,
		.chaff = (const uint8_t *)"", .chaff_len = 0 };
	wire_instruction_encode(&plain, &in);
	zlib_store(z, plain.data, plain.len);
	buf_free(&plain);
}

/* ---- known answers ---- */

static void
legend(void **unused)
{
	(void)unused;
	struct run r;
	run_start(&r);
	const char *body = run_end(&r);
	assert_true(strncmp(r.text, "# mosh protocol trace:", 22) == 0);
	assert_non_null(strstr(r.text, "\n# time "));
	assert_non_null(strstr(r.text, "\n# throw "));
	assert_non_null(strstr(r.text, "\n# test_trace\n"));
	assert_string_equal(body, "");
	free(r.text);
}

static void
golden_mosh_datagrams(void **unused)
{
	(void)unused;
	struct run r;
	run_start(&r);
	feed_hex(&r, 0, TRACE_C2S, golden_c2s_seq0, TRACE_FORWARDED);
	feed_hex(&r, 65432, TRACE_S2C, golden_s2c_seq5, TRACE_FORWARDED);
	assert_string_equal(run_end(&r),
	    "   0.000 c>s seq=0    ts=4660  tsr=none  frag id=1 #0 final\n"
	    "   0.000 c>s inst old=0 new=1 ack=0 throw=0 diff: resize 80x24\n"
	    "  65.432 s>c seq=5    ts=4660  tsr=none  frag id=1 #0 final\n"
	    "  65.432 s>c inst old=0 new=1 ack=0 throw=0 diff: resize 80x24\n");
	free(r.text);
}

static void
keys_typed(void **unused)
{
	(void)unused;
	struct run r;
	struct buf z = { 0 };
	zlib_of_hex(&z, keys_ls_instruction);
	run_start(&r);
	feed_fragment(&r, 12345, TRACE_C2S, 5, 3, 0, true, z.data, z.len, TRACE_FORWARDED);
	assert_string_equal(run_end(&r),
	    "  12.345 c>s seq=5    ts=1000  tsr=none  frag id=3 #0 final\n"
	    "  12.345 c>s inst old=2 new=3 ack=7 throw=2 diff: keys \"ls\\r\"\n");
	buf_free(&z);
	free(r.text);
}

/* Every escape, the other events, and the numbers of a shutdown. */
static void
host_bytes_escaped(void **unused)
{
	(void)unused;
	static const uint8_t host[] = "\x1b[1m\"q\"\\\t\xc3\xbc\x7f\x00~";
	struct buf diff = { 0 }, z = { 0 }, none = { 0 };
	struct run r;

	wire_put_echoack(&diff, 14);
	wire_put_bytes(&diff, host, sizeof host - 1);
	wire_put_resize(&diff, 100, 30);
	zlib_of_instruction(&z, 2, 17, 18, &diff);
	run_start(&r);
	feed_fragment(&r, 1, TRACE_S2C, 9, 18, 0, true, z.data, z.len, TRACE_FORWARDED);
	z.len = 0;
	zlib_of_instruction(&z, 2, 18, UINT64_MAX, &none);
	feed_fragment(&r, 2, TRACE_S2C, 10, 19, 0, true, z.data, z.len, TRACE_FORWARDED);
	assert_string_equal(run_end(&r),
	    "   0.001 s>c seq=9    ts=1000  tsr=none  frag id=18 #0 final\n"
	    "   0.001 s>c inst old=17 new=18 ack=4 throw=1 diff: echoack 14"
	    " host \"\\x1b[1m\\\"q\\\"\\\\\\t\\xc3\\xbc\\x7f\\x00~\" resize 100x30\n"
	    "   0.002 s>c seq=10   ts=1000  tsr=none  frag id=19 #0 final\n"
	    "   0.002 s>c inst old=18 new=shutdown ack=4 throw=1 diff: empty\n");
	buf_free(&diff);
	buf_free(&z);
	free(r.text);
}

/* Long host bytes are cut at 240 bytes; the line says how many there were. */
static void
long_bytes_cut(void **unused)
{
	(void)unused;
	uint8_t host[300];
	struct buf diff = { 0 }, z = { 0 };
	struct run r;
	char want[512];

	memset(host, 'a', sizeof host);
	wire_put_bytes(&diff, host, sizeof host);
	zlib_of_instruction(&z, 2, 1, 2, &diff);
	run_start(&r);
	feed_fragment(&r, 0, TRACE_S2C, 0, 0, 0, true, z.data, z.len, TRACE_FORWARDED);
	snprintf(want, sizeof want,
	    "   0.000 s>c seq=0    ts=1000  tsr=none  frag id=0 #0 final\n"
	    "   0.000 s>c inst old=1 new=2 ack=4 throw=1 diff: host \"%.240s\"... (300 bytes)\n",
	    host);
	assert_string_equal(run_end(&r), want);
	buf_free(&diff);
	buf_free(&z);
	free(r.text);
}

/* Three fragments arrive #2, #0, #0 again, #1: the instruction is printed
 * once, after the last; a lost fragment is not gathered, and its resend
 * completes the next copy. */
static void
fragments_gathered(void **unused)
{
	(void)unused;
	struct buf z = { 0 };
	struct run r;

	zlib_of_hex(&z, keys_ls_instruction);
	assert_true(z.len > 6);
	size_t cut1 = 3, cut2 = 6;
	const uint8_t *p0 = z.data, *p1 = z.data + cut1, *p2 = z.data + cut2;
	run_start(&r);
	feed_fragment(&r, 0, TRACE_C2S, 0, 7, 2, true, p2, z.len - cut2, TRACE_FORWARDED);
	feed_fragment(&r, 0, TRACE_C2S, 1, 7, 0, false, p0, cut1, TRACE_TWICE | TRACE_LATE);
	feed_fragment(&r, 0, TRACE_C2S, 1, 7, 0, false, p0, cut1, TRACE_FORWARDED);
	feed_fragment(&r, 0, TRACE_C2S, 2, 7, 1, false, p1, cut2 - cut1, TRACE_FORWARDED);
	feed_fragment(&r, 1, TRACE_C2S, 3, 7, 0, false, p0, cut1, TRACE_LOST);
	feed_fragment(&r, 1, TRACE_C2S, 4, 7, 1, false, p1, cut2 - cut1, TRACE_BLACKOUT);
	feed_fragment(&r, 1, TRACE_C2S, 5, 7, 2, true, p2, z.len - cut2, TRACE_FORWARDED);
	feed_fragment(&r, 2, TRACE_C2S, 6, 7, 0, false, p0, cut1, TRACE_FORWARDED);
	feed_fragment(&r, 2, TRACE_C2S, 7, 7, 1, false, p1, cut2 - cut1, TRACE_FORWARDED);
	assert_string_equal(run_end(&r),
	    "   0.000 c>s seq=0    ts=1000  tsr=none  frag id=7 #2 final\n"
	    "   0.000 c>s seq=1    ts=1000  tsr=none  frag id=7 #0 [late] [twice]\n"
	    "   0.000 c>s seq=1    ts=1000  tsr=none  frag id=7 #0\n"
	    "   0.000 c>s seq=2    ts=1000  tsr=none  frag id=7 #1\n"
	    "   0.000 c>s inst old=2 new=3 ack=7 throw=2 diff: keys \"ls\\r\"\n"
	    "   0.001 c>s seq=3    ts=1000  tsr=none  frag id=7 #0 [lost]\n"
	    "   0.001 c>s seq=4    ts=1000  tsr=none  frag id=7 #1 [blackout]\n"
	    "   0.001 c>s seq=5    ts=1000  tsr=none  frag id=7 #2 final\n"
	    "   0.002 c>s seq=6    ts=1000  tsr=none  frag id=7 #0\n"
	    "   0.002 c>s seq=7    ts=1000  tsr=none  frag id=7 #1\n"
	    "   0.002 c>s inst old=2 new=3 ack=7 throw=2 diff: keys \"ls\\r\"\n");
	buf_free(&z);
	free(r.text);
}

/* A fragment of a newer id starts the assembly over: the older
 * instruction's first fragment does not complete the newer one. */
static void
newer_id_starts_over(void **unused)
{
	(void)unused;
	struct buf z = { 0 };
	struct run r;

	zlib_of_hex(&z, keys_ls_instruction);
	run_start(&r);
	feed_fragment(&r, 0, TRACE_C2S, 0, 1, 0, false, z.data, 4, TRACE_FORWARDED);
	feed_fragment(&r, 0, TRACE_C2S, 1, 2, 1, true, z.data + 4, z.len - 4, TRACE_FORWARDED);
	feed_fragment(&r, 0, TRACE_C2S, 2, 2, 0, false, z.data, 4, TRACE_FORWARDED);
	assert_string_equal(run_end(&r),
	    "   0.000 c>s seq=0    ts=1000  tsr=none  frag id=1 #0\n"
	    "   0.000 c>s seq=1    ts=1000  tsr=none  frag id=2 #1 final\n"
	    "   0.000 c>s seq=2    ts=1000  tsr=none  frag id=2 #0\n"
	    "   0.000 c>s inst old=2 new=3 ack=7 throw=2 diff: keys \"ls\\r\"\n");
	buf_free(&z);
	free(r.text);
}

/* ---- bad input: one row per malformed input, with the line it gets ---- */

enum bad_kind {
	RAW_HEX,        /* these bytes as the datagram */
	SEALED_PAYLOAD, /* hex sealed as the whole plaintext after the 8-byte header */
	FRAGMENT_ZLIB,  /* hex as the zlib stream of a one-fragment instruction */
	FRAGMENT_PLAIN, /* hex as an instruction, stored in a zlib stream */
};

struct bad_row {
	const char *name;
	enum bad_kind kind;
	enum trace_dir dir;
	uint64_t direction_seq;
	const char *hex;
	const char *want;       /* the last line, after the time and direction */
};

static const struct bad_row bad_rows[] = {
	{ "empty datagram", RAW_HEX, TRACE_C2S, 0, "",
	  "bad len=0 why=\"Ciphertext must contain nonce and tag.\"" },
	{ "23 bytes", RAW_HEX, TRACE_C2S, 0, "0000000000000000" "00112233445566778899aabbccddee",
	  "bad len=23 why=\"Ciphertext must contain nonce and tag.\"" },
	{ "24 bytes of garbage", RAW_HEX, TRACE_S2C, 0,
	  "8000000000000000" "00112233445566778899aabbccddeeff",
	  "bad len=24 why=\"Packet failed integrity check.\"" },
	{ "no timestamps (3 bytes sealed)", SEALED_PAYLOAD, TRACE_C2S, 0, "123456",
	  "bad len=27 why=\"Illegal counterparty input (no timestamps)\"" },
	{ "timestamps, 9-byte fragment", SEALED_PAYLOAD, TRACE_C2S, 0,
	  "03e8ffff" "000000000000000080",
	  "bad len=37 why=\"too short for a fragment header\"" },
	{ "to-client bit on c>s", SEALED_PAYLOAD, TRACE_C2S, TO_CLIENT,
	  "03e8ffff" "00000000000000018000" "7801010000ffff00000001",
	  "bad len=49 why=\"its direction bit says the other way (a reflected datagram)\"" },
	{ "no to-client bit on s>c", SEALED_PAYLOAD, TRACE_S2C, 0,
	  "03e8ffff" "00000000000000018000" "7801010000ffff00000001",
	  "bad len=49 why=\"its direction bit says the other way (a reflected datagram)\"" },
	{ "not zlib", FRAGMENT_ZLIB, TRACE_C2S, 0, "0102030405",
	  "inst undecodable: bad zlib stream (error -1)" },
	{ "zlib cut short", FRAGMENT_ZLIB, TRACE_C2S, 0, "789c",
	  "inst undecodable: bad zlib stream (error -2)" },
	{ "empty instruction", FRAGMENT_ZLIB, TRACE_C2S, 0, "7801010000ffff00000001",
	  "inst undecodable: malformed Instruction" },
	{ "no protocol version", FRAGMENT_PLAIN, TRACE_C2S, 0, "1002",
	  "inst undecodable: malformed Instruction" },
	{ "diff length past the end", FRAGMENT_PLAIN, TRACE_C2S, 0, "0802" "3209" "0a07",
	  "inst undecodable: malformed Instruction" },
	{ "protocol version 3", FRAGMENT_PLAIN, TRACE_C2S, 0, "0803" "1001",
	  "inst undecodable: protocol version 3, not 2" },
	{ "event cut short", FRAGMENT_PLAIN, TRACE_C2S, 0, "0802" "1801" "3203" "0a0512",
	  "inst old=0 new=1 ack=0 throw=0 diff: malformed" },
	{ "keys, then an event cut short", FRAGMENT_PLAIN, TRACE_C2S, 0,
	  "0802" "1801" "320b" "0a0612042202" "6162" "0a05" "12",
	  "inst old=0 new=1 ack=0 throw=0 diff: keys \"ab\" malformed" },
};

static void
bad_input(void **unused)
{
	(void)unused;
	for (size_t i = 0; i < sizeof bad_rows / sizeof bad_rows[0]; i++) {
		const struct bad_row *row = &bad_rows[i];
		uint8_t data[512], dg[SSP_DATAGRAM_MAX];
		size_t n = hex2bin(row->hex, data, sizeof data), len = n;
		struct buf z = { 0 };
		struct ocb_ctx c;
		struct run r;

		memcpy(dg, data, n);
		if (row->kind == SEALED_PAYLOAD) {
			/* ssp_datagram_seal adds the timestamps: seal this
			 * plaintext directly, as a broken sender could. */
			uint8_t nonce[12] = { 0 };
			for (int b = 0; b < 8; b++)
				dg[b] = nonce[4 + b] = (uint8_t)(row->direction_seq >> (56 - 8 * b));
			ocb_init(&c, key);
			assert_int_equal(ocb_seal(&c, nonce, sizeof nonce, NULL, 0, data, n,
			    dg + 8, OCB_TAG_LEN), 0);
			ocb_wipe(&c);
			len = 8 + n + OCB_TAG_LEN;
		} else if (row->kind == FRAGMENT_ZLIB || row->kind == FRAGMENT_PLAIN) {
			if (row->kind == FRAGMENT_ZLIB)
				buf_put(&z, data, n);
			else
				zlib_store(&z, data, n);
			uint64_t dseq = row->dir == TRACE_S2C ? TO_CLIENT : 0;
			len = seal(dg, dseq, 1000, 0xFFFF, 1, 0, true, z.data, z.len);
		}
		run_start(&r);
		trace_datagram(r.t, 0, row->dir, dg, len, TRACE_FORWARDED);
		const char *body = run_end(&r);
		const char *last = strrchr(body, '\n');
		assert_non_null(last);
		while (last > body && last[-1] != '\n')
			last--;
		char want[512];
		snprintf(want, sizeof want, "   0.000 %s %s\n",
		    row->dir == TRACE_C2S ? "c>s" : "s>c", row->want);
		if (strcmp(last, want) != 0)
			fail_msg("%s:\n got: %s want: %s", row->name, last, want);
		buf_free(&z);
		free(r.text);
	}
}

/* A datagram over 2048 bytes is refused, as the receiver refuses it. */
static void
oversize(void **unused)
{
	(void)unused;
	static uint8_t dg[SSP_DATAGRAM_MAX + 1];
	struct run r;
	run_start(&r);
	trace_datagram(r.t, 0, TRACE_C2S, dg, sizeof dg, TRACE_LOST);
	assert_string_equal(run_end(&r),
	    "   0.000 c>s bad len=2049 why=\"Received oversize datagram\" [lost]\n");
	free(r.text);
}

/* A fragment numbered past the tool's 256 is reported, not kept. */
static void
fragment_past_the_limit(void **unused)
{
	(void)unused;
	struct buf z = { 0 };
	struct run r;
	zlib_of_hex(&z, keys_ls_instruction);
	run_start(&r);
	feed_fragment(&r, 0, TRACE_C2S, 0, 1, 256, true, z.data, z.len, TRACE_FORWARDED);
	feed_fragment(&r, 0, TRACE_C2S, 1, 1, 32767, true, z.data, z.len, TRACE_FORWARDED);
	assert_string_equal(run_end(&r),
	    "   0.000 c>s seq=0    ts=1000  tsr=none  frag id=1 #256 final\n"
	    "   0.000 c>s inst undecodable: fragment #256, past the 256 this tool gathers\n"
	    "   0.000 c>s seq=1    ts=1000  tsr=none  frag id=1 #32767 final\n"
	    "   0.000 c>s inst undecodable: fragment #32767, past the 256 this tool gathers\n");
	buf_free(&z);
	free(r.text);
}

/* Every bit of a real mosh datagram flipped, one at a time: each copy is
 * a bad line, and the original still decodes afterwards. */
static void
bit_flips(void **unused)
{
	(void)unused;
	uint8_t dg[256];
	size_t n = hex2bin(golden_c2s_seq0, dg, sizeof dg);
	struct run r;
	run_start(&r);
	for (size_t i = 0; i < n; i++) {
		for (int bit = 0; bit < 8; bit++) {
			dg[i] ^= (uint8_t)(1u << bit);
			trace_datagram(r.t, 0, TRACE_C2S, dg, n, TRACE_FORWARDED);
			dg[i] ^= (uint8_t)(1u << bit);
		}
	}
	trace_datagram(r.t, 0, TRACE_C2S, dg, n, TRACE_FORWARDED);
	const char *body = run_end(&r);
	char bad[128];
	snprintf(bad, sizeof bad,
	    "   0.000 c>s bad len=%zu why=\"Packet failed integrity check.\"\n", n);
	for (size_t i = 0; i < n * 8; i++) {
		assert_true(strncmp(body, bad, strlen(bad)) == 0);
		body += strlen(bad);
	}
	assert_string_equal(body,
	    "   0.000 c>s seq=0    ts=4660  tsr=none  frag id=1 #0 final\n"
	    "   0.000 c>s inst old=0 new=1 ack=0 throw=0 diff: resize 80x24\n");
	free(r.text);
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(legend),
		cmocka_unit_test(golden_mosh_datagrams),
		cmocka_unit_test(keys_typed),
		cmocka_unit_test(host_bytes_escaped),
		cmocka_unit_test(long_bytes_cut),
		cmocka_unit_test(fragments_gathered),
		cmocka_unit_test(newer_id_starts_over),
		cmocka_unit_test(bad_input),
		cmocka_unit_test(oversize),
		cmocka_unit_test(fragment_past_the_limit),
		cmocka_unit_test(bit_flips),
	};
	return RUN_TESTS("trace", tests);
}
