/*
 * trace.c -- the protocol trace for the classroom: every datagram the
 * relay (tests/transport/relay.c) receives, opened with the session key and printed
 * on one line; and each instruction, once its fragments are in, decoded
 * on a line of its own.  From a real session: a command typed, Enter,
 * and the echo with the command's output:
 *
 *   2.864 c>s seq=3299370745053297585 ts=22871 tsr=none  frag id=3 #0 final
 *   2.864 c>s inst old=1 new=3 ack=2 throw=1 diff: keys "echo trace''demo"
 *   2.899 c>s seq=3299370745053297586 ts=22908 tsr=22908 frag id=4 #0 final
 *   2.899 c>s inst old=3 new=4 ack=3 throw=3 diff: keys "\r"
 *   2.907 s>c seq=1751489624307556094 ts=22916 tsr=22916 frag id=4 #0 final
 *   2.907 s>c inst old=3 new=4 ack=4 throw=3 diff: host "\x1b[?25l\r\ntracedemo\r\n# \x1b[?25h"
 *
 * The layers are the receiver's, peeled in the receiver's order (SPEC.md's
 * chapters on packets, fragments and the messages):
 *   datagram     ssp_datagram_open checks the OCB3 tag and gives the
 *                sequence number, the timestamp and its reply;
 *   fragment     a 10-byte header: instruction id, number, final flag;
 *   instruction  the fragments of one id, joined in number order, are a
 *                zlib stream (zlib_inflate) holding an Instruction
 *                (wire_instruction_decode);
 *   diff         a UserMessage (c>s) or HostMessage (s>c): a list of
 *                events, walked with wire_next_event.
 *
 * Gathering fragments follows the receiver (ssp_receive_fragment in
 * ssp.c), simplified: one assembly per direction; a fragment of another
 * id starts it over (ids only grow: a new id is a newer instruction); a
 * duplicate is ignored, and so is a fragment that contradicts the final
 * one; once every number up to the final one is in, the instruction is
 * decoded and the assembly emptied, keeping its id, so a resend of the
 * same instruction is decoded and shown again, as its receiver would take
 * it again.  Only datagrams the relay forwards are gathered: an
 * instruction line means the receiver could have assembled it.
 *
 * Bounds: an assembly holds TRACE_FRAGMENTS_MAX fragments (1 MiB for the
 * two directions, allocated once); a fragment numbered past it is
 * reported and not kept, so its instruction never completes; inflating
 * stops at ZLIB_MAX_OUT; a line shows at most TRACE_EVENTS_SHOWN events
 * and TRACE_BYTES_SHOWN bytes of each.  Every decoding step returns an
 * error the trace prints ("bad" for a datagram, "inst undecodable" for an
 * instruction); nothing the peer or the network sends can stop the trace.
 *
 * The trace holds everything typed, passwords included: the relay
 * creates its file readable by its owner only.
 */
#include "trace.h"
#include "ssp.h"
#include "wire.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define TRACE_FRAGMENTS_MAX 256 /* fragments of one instruction gathered */
#define TRACE_EVENTS_SHOWN  32  /* events of one diff printed */
#define TRACE_BYTES_SHOWN   240 /* bytes of one event's keys or host bytes */
#define TRACE_PROTOCOL_VERSION 2 /* the Instruction's protocol_version, as ssp.c's */
#define TRACE_TS_NONE       0xFFFF /* "no timestamp" on the wire */
#define TRACE_NUM_SHUTDOWN  UINT64_MAX /* new_num of a shutdown instruction */

/* The legend: the first lines of every trace. */
static const char *const trace_legend[] = {
	"mosh protocol trace: each datagram the relay received, opened with the session key",
	"time   seconds since the relay started, to the millisecond, when the datagram arrived",
	"dir    c>s: client to server; s>c: server to client",
	"seq    the datagram's sequence number (each direction counts up from a random start)",
	"ts     the sender's clock, milliseconds mod 65536 (none: 0xffff on the wire)",
	"tsr    timestamp reply: the last ts the sender heard, plus the time it held it",
	"frag   the fragment: id of its instruction, #number from 0, final on the last",
	"[..]   what the relay did, when not simply forwarded: lost, blackout, late, twice",
	"bad    a datagram that does not decode: its length and why; the receiver drops it",
	"inst   an instruction, once all its forwarded fragments are in:",
	"old    the state the diff starts from (the sender assumes the receiver has it)",
	"new    the state the diff leads to",
	"ack    the newest state of the other direction the sender has received",
	"throw  throwaway: the receiver may discard its states numbered below it",
	"       shutdown, in any of these four: state number 2^64-1, the end of the session",
	"diff   the events: keys \"...\" typed (c>s), host \"...\" the terminal's bytes (s>c),",
	"       resize WxH, echoack N (keystroke state N is on the screen); empty: an ack only",
	"       bytes escaped as in C: \\r \\n \\t \\\\ \\\" and \\xNN (two hex digits)",
};

/* One instruction being gathered. */
struct assembly {
	uint64_t id;
	int total;                      /* fragments in all; -1 until the final one */
	bool have[TRACE_FRAGMENTS_MAX];
	size_t len[TRACE_FRAGMENTS_MAX];
	uint8_t data[TRACE_FRAGMENTS_MAX][SSP_DATAGRAM_MAX];
};

struct trace {
	FILE *out;
	struct ocb_ctx ocb;
	struct assembly gather[2];      /* indexed by enum trace_dir */
};

static const char *const dir_name[2] = { "c>s", "s>c" };

/* The fragment header's instruction id: 8 bytes, big-endian. */
static uint64_t
get64(const uint8_t *p)
{
	uint64_t v = 0;
	for (int i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

static void
assembly_clear(struct assembly *a)
{
	memset(a->have, 0, sizeof a->have);
	a->total = -1;
}

struct trace *
trace_new(FILE *out, const uint8_t key[KEY_LEN], const char *title)
{
	struct trace *t = calloc(1, sizeof *t);
	if (t == NULL)
		return NULL;
	t->out = out;
	ocb_init(&t->ocb, key);
	for (int d = TRACE_C2S; d <= TRACE_S2C; d++)
		assembly_clear(&t->gather[d]);
	for (size_t i = 0; i < sizeof trace_legend / sizeof trace_legend[0]; i++)
		fprintf(out, "# %s\n", trace_legend[i]);
	fprintf(out, "# %s\n", title);
	fflush(out);
	return t;
}

void
trace_free(struct trace *t)
{
	if (t == NULL)
		return;
	fflush(t->out);
	ocb_wipe(&t->ocb);
	for (int d = TRACE_C2S; d <= TRACE_S2C; d++)
		crypto_wipe(t->gather[d].data, sizeof t->gather[d].data);
	free(t);
}

/* ---- printing ---- */

/* One byte, escaped as a C string literal would hold it. */
static void
put_escaped(FILE *out, uint8_t c)
{
	switch (c) {
	case '\r':
		fputs("\\r", out);
		break;
	case '\n':
		fputs("\\n", out);
		break;
	case '\t':
		fputs("\\t", out);
		break;
	case '\\':
		fputs("\\\\", out);
		break;
	case '"':
		fputs("\\\"", out);
		break;
	default:
		if (c >= 0x20 && c < 0x7f)
			fputc(c, out);
		else
			fprintf(out, "\\x%02x", c);
	}
}

/* ` keys "..."`, the bytes cut at TRACE_BYTES_SHOWN with their count. */
static void
put_bytes(FILE *out, const char *what, const uint8_t *p, size_t n)
{
	size_t shown = n;
	if (shown > TRACE_BYTES_SHOWN)
		shown = TRACE_BYTES_SHOWN;
	fprintf(out, " %s \"", what);
	for (size_t i = 0; i < shown; i++)
		put_escaped(out, p[i]);
	fputc('"', out);
	if (shown < n)
		fprintf(out, "... (%zu bytes)", n);
}

static void
put_event(FILE *out, enum trace_dir dir, const struct wire_event *ev)
{
	switch (ev->type) {
	case WIRE_BYTES:
		put_bytes(out, dir == TRACE_C2S ? "keys" : "host", ev->bytes, ev->len);
		break;
	case WIRE_RESIZE:
		fprintf(out, " resize %" PRId32 "x%" PRId32, ev->width, ev->height);
		break;
	case WIRE_ECHOACK:
		fprintf(out, " echoack %" PRIu64, ev->echo_ack);
		break;
	}
}

/* ` diff: <event> <event> ...` */
static void
put_diff(FILE *out, enum trace_dir dir, const uint8_t *p, size_t n)
{
	const uint8_t *end = p + n;
	struct wire_event ev;
	int events = 0;
	int rc;

	fputs(" diff:", out);
	while ((rc = wire_next_event(&p, end, &ev)) == 1) {
		if (events < TRACE_EVENTS_SHOWN)
			put_event(out, dir, &ev);
		events++;
	}
	if (events > TRACE_EVENTS_SHOWN)
		fprintf(out, " ... (%d events)", events);
	if (rc < 0)
		fputs(" malformed", out);
	else if (events == 0)
		fputs(" empty", out);
}

static void
put_num(FILE *out, const char *name, uint64_t v)
{
	if (v == TRACE_NUM_SHUTDOWN)
		fprintf(out, " %s=shutdown", name);
	else
		fprintf(out, " %s=%" PRIu64, name, v);
}

/* The instruction in a complete zlib stream, on one line after head. */
static void
put_instruction(FILE *out, const char *head, enum trace_dir dir, const uint8_t *z, size_t n)
{
	struct buf plain = { 0 };
	struct wire_instruction in;
	int zrc = zlib_inflate(z, n, &plain, ZLIB_MAX_OUT);

	fprintf(out, "%s inst", head);
	if (zrc != ZLIB_OK) {
		fprintf(out, " undecodable: bad zlib stream (error %d)\n", zrc);
	} else if (wire_instruction_decode(plain.data, plain.len, &in) != 0) {
		fprintf(out, " undecodable: malformed Instruction\n");
	} else if (in.protocol_version != TRACE_PROTOCOL_VERSION) {
		fprintf(out, " undecodable: protocol version %" PRIu32 ", not %d\n",
		    in.protocol_version, TRACE_PROTOCOL_VERSION);
	} else {
		put_num(out, "old", in.old_num);
		put_num(out, "new", in.new_num);
		put_num(out, "ack", in.ack_num);
		put_num(out, "throw", in.throwaway_num);
		put_diff(out, dir, in.diff, in.diff_len);
		fputc('\n', out);
	}
	crypto_wipe(plain.data, plain.len);
	buf_free(&plain);
}

/* ---- gathering fragments ---- */

/* Adds one fragment (its header and data); prints the instruction it
 * completes. */
static void
gather_fragment(struct trace *t, const char *head, enum trace_dir dir,
    const uint8_t *frag, size_t n)
{
	struct assembly *a = &t->gather[dir];
	uint64_t id = get64(frag);
	unsigned num = (unsigned)(frag[8] & 0x7f) << 8 | frag[9];
	bool final = frag[8] & 0x80;

	if (id != a->id) {
		assembly_clear(a);
		a->id = id;
	}
	if (num >= TRACE_FRAGMENTS_MAX) {
		fprintf(t->out, "%s inst undecodable: fragment #%u, past the %d this tool gathers\n",
		    head, num, TRACE_FRAGMENTS_MAX);
		return;
	}
	if (a->have[num])
		return;         /* a duplicate */
	if (a->total >= 0 && (final || (int)num >= a->total))
		return;         /* inconsistent with the final fragment: not kept */
	a->have[num] = true;
	a->len[num] = n - SSP_FRAGMENT_HEADER;
	memcpy(a->data[num], frag + SSP_FRAGMENT_HEADER, a->len[num]);
	if (final)
		a->total = (int)num + 1;
	if (a->total < 0)
		return;
	for (int i = 0; i < a->total; i++)
		if (!a->have[i])
			return;

	struct buf z = { 0 };
	for (int i = 0; i < a->total; i++)
		buf_put(&z, a->data[i], a->len[i]);
	assembly_clear(a);
	put_instruction(t->out, head, dir, z.data, z.len);
	crypto_wipe(z.data, z.len);
	buf_free(&z);
}

/* ---- one datagram ---- */

static void
put_fate(FILE *out, unsigned fate)
{
	if (fate & TRACE_LOST)
		fputs(" [lost]", out);
	if (fate & TRACE_BLACKOUT)
		fputs(" [blackout]", out);
	if (fate & TRACE_LATE)
		fputs(" [late]", out);
	if (fate & TRACE_TWICE)
		fputs(" [twice]", out);
}

/* A timestamp as a number, or "none". */
static const char *
ts_text(uint16_t ts, char *text, size_t size)
{
	if (ts == TRACE_TS_NONE)
		snprintf(text, size, "none");
	else
		snprintf(text, size, "%u", (unsigned)ts);
	return text;
}

void
trace_datagram(struct trace *t, uint64_t ms, enum trace_dir dir,
    const uint8_t *dg, size_t n, unsigned fate)
{
	uint8_t payload[SSP_DATAGRAM_MAX];
	uint64_t direction_seq = 0;
	uint16_t ts = 0, tsr = 0;
	size_t len = 0;
	char head[48], tstext[8], tsrtext[8];

	snprintf(head, sizeof head, "%4" PRIu64 ".%03" PRIu64 " %s", ms / 1000, ms % 1000,
	    dir_name[dir]);
	const char *why = ssp_datagram_open(&t->ocb, dg, n, &direction_seq, &ts, &tsr,
	    payload, &len);
	/* The nonce's top bit says which way the sender meant it to go. */
	bool to_client = direction_seq >> 63;
	if (why == NULL && to_client != (dir == TRACE_S2C))
		why = "its direction bit says the other way (a reflected datagram)";
	if (why == NULL && len < SSP_FRAGMENT_HEADER)
		why = "too short for a fragment header";
	if (why != NULL) {
		fprintf(t->out, "%s bad len=%zu why=\"%s\"", head, n, why);
		put_fate(t->out, fate);
		fputc('\n', t->out);
		crypto_wipe(payload, sizeof payload);
		return;
	}

	uint64_t seq = direction_seq & ~(1ULL << 63);
	unsigned num = (unsigned)(payload[8] & 0x7f) << 8 | payload[9];
	bool final = payload[8] & 0x80;
	fprintf(t->out, "%s seq=%-4" PRIu64 " ts=%-5s tsr=%-5s frag id=%" PRIu64 " #%u%s",
	    head, seq, ts_text(ts, tstext, sizeof tstext), ts_text(tsr, tsrtext, sizeof tsrtext),
	    get64(payload), num, final ? " final" : "");
	put_fate(t->out, fate);
	fputc('\n', t->out);
	if (!(fate & (TRACE_LOST | TRACE_BLACKOUT)))
		gather_fragment(t, head, dir, payload, len);
	crypto_wipe(payload, sizeof payload);
}
