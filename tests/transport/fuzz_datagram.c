/*
 * fuzz_datagram -- libFuzzer harness for the whole receive path (SPEC.md
 * §2-§6, §B): datagram open -> direction and replay rule -> roaming ->
 * fragment reassembly -> inflate -> TLV decode -> instruction -> apply to
 * the remote state, through ssp_input, in either role:
 *   server: the peer is a client, the remote object a user stream;
 *   client: the peer is a server, the remote object a terminal
 *           (display.h's hoststate_ops).
 * The harness holds the session key, so it can seal anything: the attacker
 * it plays is an authentic but hostile peer, plus an off-path sender of
 * raw bytes.
 *
 * Input: byte 0 picks the role (bit 0) and the terminal size; then records
 *   op (1 byte), length (2 bytes, little-endian, cut to what is left), data
 * op bits 0-2 say what data is:
 *   0 raw      sent as the datagram itself, unauthenticated
 *   1 plain    the whole plaintext (clocks, fragment header, fragment
 *              bytes), sealed as a datagram
 *   2 tlv      an Instruction's bytes; stored in zlib, cut into 1-4
 *              fragments (op bits 5-6) and sent last-first if bit 7
 *   3 diff     a UserMessage / HostMessage; the harness builds a valid
 *              Instruction from the newest remote state to a newer one
 *   4 tick     now advances by data[0] * 16 ms, then ssp_tick (nothing can
 *              be sent: there is no socket)
 *   5 take     ssp_take_remote_diff, whose output must parse cleanly
 * bit 3: seal with the wrong direction bit (our own packet reflected);
 * bit 4: reuse an old sequence number (a replay) instead of a fresh one;
 * bits 5-7 (kinds 0, 1, 3): which of 8 source ports on 127.0.0.1.
 *
 * Oracles, besides the sanitizers:
 *  - raw bytes (unless they open under the key: a mutated seed may be a
 *    real datagram) and wrongly directed, oversize or clock-less
 *    datagrams change nothing: not the remote state number, not the
 *    address, not the last-heard time;
 *  - roaming: the server's peer address is the source of the authentic,
 *    rightly directed datagram with the highest sequence number so far
 *    (modelled here from the rule of SPEC.md §2.3, not read from ssp.c);
 *  - while every earlier record was clean (diff, raw, tick, take or
 *    wrongly directed), a diff record is accepted exactly when applying
 *    its diff to a copy of the newest remote state succeeds, and the new
 *    remote state then equals that copy;
 *  - a user stream diff taken by the server parses to the end, with every
 *    size in 1..65535.
 */
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "display.h"
#include "ssp.h"

#define FD_PORTS      8       /* distinct source addresses */
#define FD_FRAG_ROOM  1200    /* bytes of zlib stream per harness fragment */
#define FD_TICK_STEP  16      /* ms per unit of a tick record */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* SPEC.md §11.7's key, bytes 00..0f. */
static const uint8_t fd_key[KEY_LEN] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15 };

struct fd {
	struct ssp *t;
	enum ssp_role role;
	const struct ssp_state_ops *rops;
	struct ocb_ctx ocb;             /* the peer's copy of the key */
	uint64_t now, next_seq, expected_seq, next_id;
	bool any_seq, clean;
	int addr;                       /* model of the server's peer: -1 none */
};

static void
fd_check(int ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "fuzz_datagram: %s\n", what);
		abort();
	}
}

static struct sockaddr_in
fd_addr(int i)
{
	struct sockaddr_in a = { .sin_family = AF_INET,
		.sin_port = htons((uint16_t)(40000 + i)),
		.sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	return a;
}

static void
fd_put64(uint8_t *p, uint64_t v)
{
	for (int i = 7; i >= 0; i--, v >>= 8)
		p[i] = (uint8_t)v;
}

/* What must not move under unauthentic input. */
struct fd_view {
	uint64_t remote_num, last_heard;
	char addr[64];
};

static struct fd_view
fd_view(struct fd *f)
{
	struct fd_view v = { ssp_remote_num(f->t), ssp_last_heard(f->t), { 0 } };

	snprintf(v.addr, sizeof v.addr, "%s", ssp_remote_addr_str(f->t));
	return v;
}

static void
fd_check_addr(struct fd *f)
{
	char want[64] = "";

	if (f->role == SSP_SERVER && f->addr >= 0)
		snprintf(want, sizeof want, "127.0.0.1:%d", 40000 + f->addr);
	fd_check(strcmp(ssp_remote_addr_str(f->t), want) == 0, "roaming: wrong peer address");
}

/*
 * The model after one datagram, from the rule of SPEC.md §2.3: one that is not
 * authentic, rightly directed and with room for the clocks changes
 * nothing; one that is, at a sequence number not below the highest seen,
 * moves the server to its source.
 */
static void
fd_after(struct fd *f, bool valid, uint64_t seq, int port, const struct fd_view *before, int rc)
{
	struct fd_view after = fd_view(f);

	if (!valid) {
		fd_check(rc == 0, "a rejected datagram was accepted");
		fd_check(after.remote_num == before->remote_num &&
		    after.last_heard == before->last_heard &&
		    strcmp(after.addr, before->addr) == 0, "a rejected datagram changed the session");
		return;
	}
	if (!f->any_seq || seq >= f->expected_seq) {
		f->expected_seq = seq + 1;
		f->any_seq = true;
		f->addr = port;
	}
	fd_check_addr(f);
}

/*
 * Raw bytes from port: not authentic, as a rule, so nothing may change.
 * (Mutating a seed may yet produce an authentic datagram under the
 * harness's key; it is then judged as one.)
 */
static void
fd_send_raw(struct fd *f, const uint8_t *dg, size_t n, int port)
{
	uint8_t payload[SSP_DATAGRAM_MAX];
	struct sockaddr_in from = fd_addr(port);
	struct fd_view before = fd_view(f);
	uint64_t dseq = 0;
	uint16_t ts, tsr;
	size_t len;
	bool valid = ssp_datagram_open(&f->ocb, dg, n, &dseq, &ts, &tsr, payload, &len) == NULL &&
	    (dseq >> 63) == (f->role == SSP_SERVER ? 0u : 1u);
	int rc = ssp_input(f->t, dg, n, (struct sockaddr *)&from, sizeof from, f->now);

	if (valid)
		f->clean = false;
	fd_after(f, valid, dseq & ~(1ULL << 63), port, &before, rc);
}

/*
 * Seals plaintext pt (n bytes) as the peer's datagram and feeds it to the
 * transport.  Returns ssp_input's result.
 */
static int
fd_send_plain(struct fd *f, const uint8_t *pt, size_t n, unsigned op)
{
	uint8_t dg[SSP_DATAGRAM_MAX + 64], nonce[OCB_NONCE_LEN] = { 0 };
	bool wrong = op & 8, fits = 8 + n + OCB_TAG_LEN <= SSP_DATAGRAM_MAX;
	int port = (int)(op >> 5) % FD_PORTS, rc;
	uint64_t seq = f->next_seq, dir;
	struct sockaddr_in from = fd_addr(port);
	struct fd_view before = fd_view(f);

	if (n > sizeof dg - 8 - OCB_TAG_LEN)
		n = sizeof dg - 8 - OCB_TAG_LEN;
	if ((op & 16) && f->next_seq > 0)
		seq = f->next_seq - 1 - (n > 0 ? pt[n - 1] : 0) % f->next_seq;
	else
		f->next_seq++;
	dir = (f->role == SSP_SERVER) == wrong ? 1ULL << 63 : 0;
	fd_put64(dg, dir | seq);
	fd_put64(nonce + 4, dir | seq);
	fd_check(ocb_seal(&f->ocb, nonce, sizeof nonce, NULL, 0, pt, n, dg + 8, OCB_TAG_LEN) == 0,
	    "seal");
	rc = ssp_input(f->t, dg, 8 + n + OCB_TAG_LEN, (struct sockaddr *)&from, sizeof from, f->now);
	fd_after(f, !wrong && fits && n >= 4, seq, port, &before, rc);
	return rc;
}

/* Stores the instruction bytes in zlib and sends them as fragments of a
 * fresh id: `parts` pieces (the last may be empty), last-first if asked. */
static int
fd_send_instruction(struct fd *f, const uint8_t *in, size_t n, unsigned op, int parts)
{
	struct buf z = { 0 };
	uint8_t pt[4 + SSP_FRAGMENT_HEADER + FD_FRAG_ROOM];
	size_t per, count;
	int rc = 0;

	zlib_store(&z, in, n);
	per = (z.len + (size_t)parts - 1) / (size_t)parts;
	if (per > FD_FRAG_ROOM)
		per = FD_FRAG_ROOM;
	count = (z.len + per - 1) / per;
	f->next_id++;
	for (size_t k = 0; k < count; k++) {
		size_t i = (op & 128) ? count - 1 - k : k, off = i * per;
		size_t len = z.len - off < per ? z.len - off : per;
		pt[0] = pt[1] = pt[2] = pt[3] = 0xFF;   /* no clocks */
		fd_put64(pt + 4, f->next_id);
		pt[12] = (uint8_t)((i + 1 == count ? 0x80 : 0) | i >> 8);
		pt[13] = (uint8_t)i;
		memcpy(pt + 14, z.data + off, len);
		rc = fd_send_plain(f, pt, 14 + len, op & ~(unsigned)16);
	}
	buf_free(&z);
	return rc;
}

/* A valid Instruction carrying diff from the newest remote state. */
static void
fd_send_diff(struct fd *f, const uint8_t *diff, size_t n, unsigned op)
{
	uint64_t old = ssp_remote_num(f->t), new = old + 1 + (op >> 5);
	struct wire_instruction in = { .protocol_version = 2, .old_num = old,
		.new_num = new, .throwaway_num = old, .diff = diff, .diff_len = n };
	struct buf b = { 0 };
	void *want = NULL;
	bool sure = f->clean && !(op & 8) && new > old;
	int ok = 1, rc;

	if (sure) {
		want = f->rops->copy(ssp_remote(f->t));
		ok = n == 0 || f->rops->apply(want, diff, n) == 0;
	}
	wire_instruction_encode(&b, &in);
	rc = fd_send_instruction(f, b.data, b.len, op, 1 + (int)(n / FD_FRAG_ROOM));
	if (sure) {
		fd_check(rc == ok, ok ? "a valid diff was refused" : "a malformed diff was accepted");
		fd_check(!ok || (ssp_remote_num(f->t) == new && f->rops->equal(ssp_remote(f->t), want)),
		    "the new remote state is not the diff applied");
		f->rops->free(want);
	}
	buf_free(&b);
}

/* The server's view of new user input must be well formed. */
static void
fd_take(struct fd *f)
{
	struct buf d = { 0 };
	const uint8_t *p;
	struct wire_event ev;
	int rc;

	ssp_take_remote_diff(f->t, &d);
	if (f->role == SSP_SERVER && d.len > 0) {
		p = d.data;
		while ((rc = wire_next_event(&p, d.data + d.len, &ev)) == 1)
			fd_check(ev.type != WIRE_RESIZE || (ev.width >= 1 && ev.height >= 1 &&
			    ev.width <= 65535 && ev.height <= 65535), "taken resize out of range");
		fd_check(rc == 0, "taken user diff does not parse");
	}
	buf_free(&d);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fd f = { .now = 1000000, .addr = -1, .clean = true };
	const uint8_t *p = data, *end = data + size;

	if (size < 1)
		return 0;
	f.role = (data[0] & 1) ? SSP_CLIENT : SSP_SERVER;
	int w = 1 + (data[0] >> 1) % 24, h = 1 + (data[0] >> 5);
	if (f.role == SSP_SERVER) {
		f.rops = &userstream_ops;
		f.t = ssp_new(SSP_SERVER, fd_key, &hoststate_ops, hoststate_new(w, h),
		    &userstream_ops, userstream_new(), f.now);
	} else {
		f.rops = &hoststate_ops;
		f.t = ssp_new(SSP_CLIENT, fd_key, &userstream_ops, userstream_new(),
		    &hoststate_ops, hoststate_new(w, h), f.now);
	}
	ocb_init(&f.ocb, fd_key);
	p++;
	while (end - p >= 3) {
		unsigned op = p[0];
		size_t n = (size_t)(p[1] | p[2] << 8);
		p += 3;
		if (n > (size_t)(end - p))
			n = (size_t)(end - p);
		const uint8_t *d = p;
		p += n;
		f.now += 1;
		switch (op & 7) {
		case 0:
			fd_send_raw(&f, d, n, (int)(op >> 5));
			break;
		case 1:
			fd_send_plain(&f, d, n, op);
			f.clean &= (op & 8) != 0;
			break;
		case 2:
			fd_send_instruction(&f, d, n, op, 1 + (op >> 5 & 3));
			f.clean &= (op & 8) != 0;
			break;
		case 3:
			fd_send_diff(&f, d, n, op);
			break;
		case 4:
			f.now += (uint64_t)(n > 0 ? d[0] : 0) * FD_TICK_STEP;
			ssp_tick(f.t, f.now);
			break;
		case 5:
			fd_take(&f);
			break;
		default:
			break;
		}
	}
	ssp_free(f.t);
	ocb_wipe(&f.ocb);
	return 0;
}
