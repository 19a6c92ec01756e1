/*
 * wire.c -- byte buffers, the zlib container and the tag-length-value
 * codec: everything between a reassembled fragment and a decoded message
 * (SPEC.md §5).
 *
 * Three layers, bottom up.  struct buf is the one growable byte string of
 * the program.  The zlib container (RFC 1950) wraps a deflate stream (RFC
 * 1951): our sender writes only stored blocks, which every inflater
 * accepts, so the product carries no compressor; our receiver is a full
 * inflater, because mosh sends fixed and dynamic Huffman blocks.  The TLV
 * codec reads and writes the protobuf wire format for the few messages
 * mosh uses (transport instruction, user and host events).
 *
 * Invariants: every byte the peer controls is read only after a bounds
 * check against the end of its input; inflate never appends more than its
 * cap and, on any error, leaves the output buffer as it found it; decoders
 * return an error for malformed input and never assert on it.
 */
#include "wire.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BUF_MIN_CAP      64         /* first allocation of a buf */
#define ZLIB_STORED_MAX  65535      /* bytes in one stored block (16-bit LEN) */
#define ADLER_MOD        65521      /* largest prime below 2^16 */
#define ADLER_NMAX       5552       /* bytes summed before a reduction can overflow */
#define INFL_MAXBITS     15         /* longest Huffman code in deflate */
#define INFL_FASTBITS    9          /* codes this short decode by one lookup */
#define INFL_NLITLEN     288        /* literal/length symbols, 286-287 invalid */
#define INFL_NDIST       30         /* distance symbols (fixed code has 32) */
#define INFL_MAXHLIT     286
#define TLV_VARINT_MAX   10         /* bytes in a 64-bit varint */

/* ---- struct buf ---- */

static void
buf_reserve(struct buf *b, size_t n)
{
	if (n <= b->cap - b->len)
		return;
	size_t cap = b->cap ? b->cap : BUF_MIN_CAP;
	while (cap - b->len < n) {
		if (cap > SIZE_MAX / 2)
			goto oom;
		cap *= 2;
	}
	uint8_t *p = realloc(b->data, cap);
	if (p == NULL)
		goto oom;
	b->data = p;
	b->cap = cap;
	return;
oom:
	fprintf(stderr, "out of memory\n");
	exit(1);
}

void
buf_put(struct buf *b, const void *p, size_t n)
{
	if (n == 0)
		return;
	buf_reserve(b, n);
	memcpy(b->data + b->len, p, n);
	b->len += n;
}

void
buf_putc(struct buf *b, uint8_t c)
{
	buf_reserve(b, 1);
	b->data[b->len++] = c;
}

void
buf_puts(struct buf *b, const char *s)
{
	buf_put(b, s, strlen(s));
}

void
buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	char small[256];

	va_start(ap, fmt);
	int n = vsnprintf(small, sizeof small, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n < sizeof small) {
		buf_put(b, small, (size_t)n);
		return;
	}
	/* Too long for the stack copy: format straight into the buffer, which
	 * needs room for vsnprintf's terminating NUL too. */
	buf_reserve(b, (size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf((char *)b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

void
buf_free(struct buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

/* ---- zlib container ---- */

static uint32_t
adler32(uint32_t adler, const uint8_t *p, size_t n)
{
	uint32_t a = adler & 0xffff, b = adler >> 16;

	while (n > 0) {
		size_t k = n < ADLER_NMAX ? n : ADLER_NMAX;
		n -= k;
		while (k--) {
			a += *p++;
			b += a;
		}
		a %= ADLER_MOD;
		b %= ADLER_MOD;
	}
	return b << 16 | a;
}

static void
put_be32(struct buf *out, uint32_t v)
{
	uint8_t b[4] = { v >> 24, v >> 16, v >> 8, v };
	buf_put(out, b, 4);
}

void
zlib_store(struct buf *out, const uint8_t *in, size_t n)
{
	/* CMF 0x78: deflate, 32 KiB window.  FLG 0x01: no dictionary, level
	 * "fastest", and 0x7801 is a multiple of 31 as FCHECK requires. */
	buf_putc(out, 0x78);
	buf_putc(out, 0x01);
	size_t off = 0;
	do {
		size_t k = n - off < ZLIB_STORED_MAX ? n - off : ZLIB_STORED_MAX;
		/* Block header: BFINAL in bit 0, BTYPE 00, padded to a byte;
		 * then LEN and NLEN, little-endian. */
		uint8_t h[5] = { off + k == n, k & 0xff, k >> 8,
			~k & 0xff, (~k >> 8) & 0xff };
		buf_put(out, h, 5);
		buf_put(out, in + off, k);
		off += k;
	} while (off < n);
	put_be32(out, adler32(1, in, n));
}

/*
 * The inflater.  Bits are read least significant first from a 64-bit
 * reservoir that is topped up a byte at a time, never past the input's
 * end.  Byte-aligned reads (stored blocks, the trailer) first hand the
 * whole bytes still in the reservoir back to the input.
 */
struct inflater {
	const uint8_t *in;
	size_t n, pos;          /* input and bytes moved into the reservoir */
	uint64_t bits;          /* reservoir, next bit in bit 0 */
	unsigned nbits;
	struct buf *out;
	size_t base, limit;     /* output starts at out->len == base, ends by limit */
};

/* A canonical Huffman code.  fast[] is indexed by the next INFL_FASTBITS
 * input bits and holds len << 9 | symbol, or 0 for a longer (or unused)
 * code, which the slow path decodes from count[] and sym[]. */
struct huffman {
	uint16_t count[INFL_MAXBITS + 1];   /* codes of each length */
	uint16_t sym[INFL_NLITLEN];         /* symbols in code order */
	uint16_t fast[1 << INFL_FASTBITS];
};

static void
infl_fill(struct inflater *s)
{
	while (s->nbits <= 56 && s->pos < s->n) {
		s->bits |= (uint64_t)s->in[s->pos++] << s->nbits;
		s->nbits += 8;
	}
}

/* The next k (<= 16) bits as a number, or ZLIB_E_TRUNCATED. */
static int
infl_bits(struct inflater *s, unsigned k)
{
	if (s->nbits < k)
		infl_fill(s);
	if (s->nbits < k)
		return ZLIB_E_TRUNCATED;
	int v = (int)(s->bits & ((1u << k) - 1));
	s->bits >>= k;
	s->nbits -= k;
	return v;
}

/* Drops the bits up to the next byte boundary and returns whole bytes from
 * the reservoir to the input, so that s->pos is the next byte to read. */
static void
infl_align(struct inflater *s)
{
	s->pos -= s->nbits / 8;
	s->bits = 0;
	s->nbits = 0;
}

/*
 * Builds a code from n code lengths.  A code must be complete; when
 * `sparse`, a single code of length 1 (one used distance) and no code at
 * all (a block of literals only) are allowed too, as zlib allows them.
 */
static int
huff_build(struct huffman *h, const uint8_t *len, unsigned n, int sparse)
{
	uint16_t next[INFL_MAXBITS + 2];
	unsigned used = 0;

	memset(h->count, 0, sizeof h->count);
	memset(h->fast, 0, sizeof h->fast);
	for (unsigned i = 0; i < n; i++)
		h->count[len[i]]++;
	h->count[0] = 0;
	int left = 1;
	for (unsigned l = 1; l <= INFL_MAXBITS; l++) {
		left = 2 * left - h->count[l];
		if (left < 0)
			return ZLIB_E_DATA;     /* over-subscribed */
		used += h->count[l];
	}
	if (left > 0 && !(sparse && (used == 0 || (used == 1 && h->count[1] == 1))))
		return ZLIB_E_DATA;             /* incomplete */
	next[1] = 0;
	for (unsigned l = 1; l <= INFL_MAXBITS; l++)
		next[l + 1] = next[l] + h->count[l];
	unsigned code = 0, nextcode[INFL_MAXBITS + 1];
	for (unsigned l = 1; l <= INFL_MAXBITS; l++) {
		code = (code + h->count[l - 1]) << 1;
		nextcode[l] = code;
	}
	for (unsigned i = 0; i < n; i++) {
		unsigned l = len[i];
		if (l == 0)
			continue;
		h->sym[next[l]++] = (uint16_t)i;
		if (l > INFL_FASTBITS)
			continue;
		/* Codes arrive most significant bit first: index by the
		 * reversed code, for every value of the bits after it. */
		unsigned c = nextcode[l]++, rev = 0;
		for (unsigned b = 0; b < l; b++)
			rev |= ((c >> b) & 1) << (l - 1 - b);
		for (unsigned j = rev; j < (1u << INFL_FASTBITS); j += 1u << l)
			h->fast[j] = (uint16_t)(l << 9 | i);
	}
	return ZLIB_OK;
}

/* The next symbol of code h, or a negative error. */
static int
huff_decode(struct inflater *s, const struct huffman *h)
{
	if (s->nbits < INFL_MAXBITS)
		infl_fill(s);
	unsigned e = h->fast[s->bits & ((1u << INFL_FASTBITS) - 1)];
	if (e != 0) {
		if ((e >> 9) > s->nbits)
			return ZLIB_E_TRUNCATED;
		s->bits >>= e >> 9;
		s->nbits -= e >> 9;
		return (int)(e & 0x1ff);
	}
	/* Canonical decode: codes of length l are the integers first ..
	 * first + count[l] - 1, read most significant bit first. */
	int code = 0, first = 0, index = 0;
	for (unsigned l = 1; l <= INFL_MAXBITS; l++) {
		if (l > s->nbits)
			return ZLIB_E_TRUNCATED;
		code |= (int)((s->bits >> (l - 1)) & 1);
		if (code - first < h->count[l]) {
			s->bits >>= l;
			s->nbits -= l;
			return h->sym[index + code - first];
		}
		index += h->count[l];
		first = (first + h->count[l]) << 1;
		code <<= 1;
	}
	return ZLIB_E_DATA;     /* a prefix no code uses */
}

/* Room for k more output bytes, or ZLIB_E_TOOBIG. */
static int
infl_room(struct inflater *s, size_t k)
{
	if (k > s->limit - s->out->len)
		return ZLIB_E_TOOBIG;
	buf_reserve(s->out, k);
	return ZLIB_OK;
}

static int
infl_stored(struct inflater *s)
{
	infl_align(s);
	if (s->n - s->pos < 4)
		return ZLIB_E_TRUNCATED;
	const uint8_t *p = s->in + s->pos;
	size_t len = p[0] | p[1] << 8, nlen = p[2] | p[3] << 8;
	if (len != (~nlen & 0xffff))
		return ZLIB_E_DATA;
	s->pos += 4;
	if (s->n - s->pos < len)
		return ZLIB_E_TRUNCATED;
	int err = infl_room(s, len);
	if (err)
		return err;
	buf_put(s->out, s->in + s->pos, len);
	s->pos += len;
	return ZLIB_OK;
}

/* Length and distance bases and extra bits (RFC 1951 §3.2.5). */
static const uint16_t len_base[29] = {
	3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31,
	35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258 };
static const uint8_t len_extra[29] = {
	0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2,
	3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0 };
static const uint16_t dist_base[INFL_NDIST] = {
	1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193,
	257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145,
	8193, 12289, 16385, 24577 };
static const uint8_t dist_extra[INFL_NDIST] = {
	0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6,
	7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13 };

/* Decodes one Huffman-coded block up to its end-of-block symbol. */
static int
infl_codes(struct inflater *s, const struct huffman *lit, const struct huffman *dist)
{
	for (;;) {
		int sym = huff_decode(s, lit);
		if (sym < 0)
			return sym;
		if (sym < 256) {
			int err = infl_room(s, 1);
			if (err)
				return err;
			s->out->data[s->out->len++] = (uint8_t)sym;
			continue;
		}
		if (sym == 256)
			return ZLIB_OK;
		sym -= 257;
		if (sym >= 29)
			return ZLIB_E_DATA;     /* 286 and 287 */
		int x = infl_bits(s, len_extra[sym]);
		if (x < 0)
			return x;
		size_t len = len_base[sym] + (size_t)x;
		int d = huff_decode(s, dist);
		if (d < 0)
			return d;
		if (d >= INFL_NDIST)
			return ZLIB_E_DATA;     /* 30 and 31 */
		x = infl_bits(s, dist_extra[d]);
		if (x < 0)
			return x;
		size_t back = dist_base[d] + (size_t)x;
		if (back > s->out->len - s->base)
			return ZLIB_E_DISTANCE;
		int err = infl_room(s, len);
		if (err)
			return err;
		/* Byte by byte: the copy may overlap what it writes. */
		uint8_t *dst = s->out->data + s->out->len, *src = dst - back;
		for (size_t i = 0; i < len; i++)
			dst[i] = src[i];
		s->out->len += len;
	}
}

static int
infl_fixed(struct inflater *s)
{
	struct huffman lit, dist;
	uint8_t len[INFL_NLITLEN];
	unsigned i = 0;

	while (i < 144) len[i++] = 8;
	while (i < 256) len[i++] = 9;
	while (i < 280) len[i++] = 7;
	while (i < 288) len[i++] = 8;
	huff_build(&lit, len, INFL_NLITLEN, 0);
	memset(len, 5, 32);
	huff_build(&dist, len, 32, 0);
	return infl_codes(s, &lit, &dist);
}

/* The order in which code length code lengths are sent (RFC 1951 §3.2.7). */
static const uint8_t clen_order[19] = {
	16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15 };

static int
infl_dynamic(struct inflater *s)
{
	struct huffman lit, dist;
	uint8_t len[INFL_MAXHLIT + INFL_NDIST];
	int hlit = infl_bits(s, 5), hdist = infl_bits(s, 5), hclen = infl_bits(s, 4);

	if (hlit < 0 || hdist < 0 || hclen < 0)
		return ZLIB_E_TRUNCATED;
	hlit += 257;
	hdist += 1;
	if (hlit > INFL_MAXHLIT || hdist > INFL_NDIST)
		return ZLIB_E_DATA;
	memset(len, 0, 19);
	for (int i = 0; i < hclen + 4; i++) {
		int v = infl_bits(s, 3);
		if (v < 0)
			return v;
		len[clen_order[i]] = (uint8_t)v;
	}
	int err = huff_build(&lit, len, 19, 0);
	if (err)
		return err;
	for (int i = 0; i < hlit + hdist;) {
		int sym = huff_decode(s, &lit);
		if (sym < 0)
			return sym;
		if (sym < 16) {
			len[i++] = (uint8_t)sym;
			continue;
		}
		int rep, val = 0;
		if (sym == 16) {
			if (i == 0)
				return ZLIB_E_DATA;     /* nothing to repeat */
			val = len[i - 1];
			rep = infl_bits(s, 2);
			rep = rep < 0 ? rep : 3 + rep;
		} else if (sym == 17) {
			rep = infl_bits(s, 3);
			rep = rep < 0 ? rep : 3 + rep;
		} else {
			rep = infl_bits(s, 7);
			rep = rep < 0 ? rep : 11 + rep;
		}
		if (rep < 0)
			return rep;
		if (rep > hlit + hdist - i)
			return ZLIB_E_DATA;     /* repeat runs past the lengths */
		memset(len + i, val, (size_t)rep);
		i += rep;
	}
	if (len[256] == 0)
		return ZLIB_E_DATA;     /* no end-of-block code */
	if ((err = huff_build(&lit, len, (unsigned)hlit, 1)) != 0 ||
	    (err = huff_build(&dist, len + hlit, (unsigned)hdist, 1)) != 0)
		return err;
	return infl_codes(s, &lit, &dist);
}

static int
infl_stream(struct inflater *s)
{
	if (s->n < 2)
		return ZLIB_E_TRUNCATED;
	unsigned cmf = s->in[0], flg = s->in[1];
	if ((cmf & 0x0f) != 8 || (cmf >> 4) > 7 || (cmf << 8 | flg) % 31 != 0 ||
	    (flg & 0x20))
		return ZLIB_E_HEADER;
	s->pos = 2;
	int last;
	do {
		last = infl_bits(s, 1);
		int type = infl_bits(s, 2);
		if (last < 0 || type < 0)
			return ZLIB_E_TRUNCATED;
		int err = type == 0 ? infl_stored(s) : type == 1 ? infl_fixed(s) :
		    type == 2 ? infl_dynamic(s) : ZLIB_E_DATA;
		if (err)
			return err;
	} while (!last);
	infl_align(s);
	if (s->n - s->pos < 4)
		return ZLIB_E_TRUNCATED;
	const uint8_t *p = s->in + s->pos;
	uint32_t want = (uint32_t)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3];
	if (adler32(1, s->out->data + s->base, s->out->len - s->base) != want)
		return ZLIB_E_CHECKSUM;
	if (s->pos + 4 != s->n)
		return ZLIB_E_DATA;     /* trailing bytes */
	return ZLIB_OK;
}

int
zlib_inflate(const uint8_t *in, size_t n, struct buf *out, size_t cap)
{
	struct inflater s = { .in = in, .n = n, .out = out, .base = out->len };

	s.limit = cap > SIZE_MAX - out->len ? SIZE_MAX : out->len + cap;
	int err = infl_stream(&s);
	if (err)
		out->len = s.base;
	return err;
}

/* ---- tag-length-value (protobuf wire format) ---- */

/* A key is field << 3 | wire type; mosh uses only these two types. */
enum { WT_VARINT = 0, WT_I64 = 1, WT_LEN = 2, WT_I32 = 5 };

/* One field as read: a varint value, or the bytes of a length-delimited
 * field (fixed-width fields of unknown messages are skipped). */
struct tlv {
	uint32_t field;
	unsigned type;
	uint64_t v;
	const uint8_t *p;
	size_t len;
};

static int
tlv_varint(const uint8_t **p, const uint8_t *end, uint64_t *v)
{
	uint64_t x = 0;

	for (unsigned i = 0; i < TLV_VARINT_MAX && *p < end; i++) {
		uint8_t c = *(*p)++;
		/* The tenth byte holds only bit 63. */
		if (i == TLV_VARINT_MAX - 1 && c > 1)
			return -1;
		x |= (uint64_t)(c & 0x7f) << (7 * i);
		if (!(c & 0x80)) {
			*v = x;
			return 0;
		}
	}
	return -1;      /* truncated, or longer than ten bytes */
}

/* Reads the field at *p.  0, or -1 if it is malformed: a bad key, field 0,
 * a group (wire types 3, 4) or types 6, 7, or a length past the end. */
static int
tlv_next(const uint8_t **p, const uint8_t *end, struct tlv *t)
{
	uint64_t key;

	if (tlv_varint(p, end, &key) < 0 || key >> 3 == 0 || key >> 3 > UINT32_MAX)
		return -1;
	t->field = (uint32_t)(key >> 3);
	t->type = key & 7;
	t->p = NULL;
	t->len = 0;
	t->v = 0;
	size_t skip;
	switch (t->type) {
	case WT_VARINT:
		return tlv_varint(p, end, &t->v);
	case WT_LEN:
		if (tlv_varint(p, end, &t->v) < 0 || t->v > (uint64_t)(end - *p))
			return -1;
		t->p = *p;
		t->len = (size_t)t->v;
		*p += t->len;
		return 0;
	case WT_I64:
		skip = 8;
		break;
	case WT_I32:
		skip = 4;
		break;
	default:
		return -1;
	}
	if ((size_t)(end - *p) < skip)
		return -1;
	*p += skip;
	return 0;
}

static void
tlv_put_varint(struct buf *out, uint64_t v)
{
	while (v >= 0x80) {
		buf_putc(out, (uint8_t)(v | 0x80));
		v >>= 7;
	}
	buf_putc(out, (uint8_t)v);
}

static size_t
tlv_varint_len(uint64_t v)
{
	size_t n = 1;
	while (v >= 0x80) {
		v >>= 7;
		n++;
	}
	return n;
}

static void
tlv_put_uint(struct buf *out, uint32_t field, uint64_t v)
{
	tlv_put_varint(out, (uint64_t)field << 3 | WT_VARINT);
	tlv_put_varint(out, v);
}

/* Writes only the key and length of a length-delimited field. */
static void
tlv_put_len(struct buf *out, uint32_t field, size_t n)
{
	tlv_put_varint(out, (uint64_t)field << 3 | WT_LEN);
	tlv_put_varint(out, n);
}

static void
tlv_put_bytes(struct buf *out, uint32_t field, const uint8_t *p, size_t n)
{
	tlv_put_len(out, field, n);
	buf_put(out, p, n);
}

void
wire_instruction_encode(struct buf *out, const struct wire_instruction *in)
{
	/* All seven fields, in field order, as mosh's sender writes them. */
	tlv_put_uint(out, 1, in->protocol_version);
	tlv_put_uint(out, 2, in->old_num);
	tlv_put_uint(out, 3, in->new_num);
	tlv_put_uint(out, 4, in->ack_num);
	tlv_put_uint(out, 5, in->throwaway_num);
	tlv_put_bytes(out, 6, in->diff, in->diff_len);
	tlv_put_bytes(out, 7, in->chaff, in->chaff_len);
}

int
wire_instruction_decode(const uint8_t *p, size_t n, struct wire_instruction *out)
{
	const uint8_t *end = p + n;
	int have_version = 0;
	struct tlv t;

	memset(out, 0, sizeof *out);
	while (p < end) {
		if (tlv_next(&p, end, &t) < 0)
			return -1;
		/* As protobuf does, a known field with another wire type is an
		 * unknown field, and a repeated scalar keeps its last value. */
		if (t.type == WT_VARINT) {
			switch (t.field) {
			case 1: out->protocol_version = (uint32_t)t.v; have_version = 1; break;
			case 2: out->old_num = t.v; break;
			case 3: out->new_num = t.v; break;
			case 4: out->ack_num = t.v; break;
			case 5: out->throwaway_num = t.v; break;
			}
		} else if (t.type == WT_LEN && t.field == 6) {
			out->diff = t.p;
			out->diff_len = t.len;
		} else if (t.type == WT_LEN && t.field == 7) {
			out->chaff = t.p;
			out->chaff_len = t.len;
		}
	}
	return have_version ? 0 : -1;
}

/* Both events and their extension share this outer shape:
 * 0A <len> <ext key> <len> <inner fields>. */
static void
wire_put_event(struct buf *out, uint32_t ext, const struct buf *inner)
{
	tlv_put_len(out, 1, 1 + tlv_varint_len(inner->len) + inner->len);
	tlv_put_bytes(out, ext, inner->data, inner->len);
}

void
wire_put_bytes(struct buf *out, const uint8_t *p, size_t n)
{
	tlv_put_len(out, 1, 1 + tlv_varint_len(1 + tlv_varint_len(n) + n) +
	    1 + tlv_varint_len(n) + n);
	tlv_put_len(out, WIRE_BYTES, 1 + tlv_varint_len(n) + n);
	tlv_put_bytes(out, 4, p, n);
}

void
wire_put_resize(struct buf *out, int32_t width, int32_t height)
{
	uint8_t mem[2 * (1 + TLV_VARINT_MAX)];
	struct buf inner = { .data = mem, .cap = sizeof mem };

	/* int32 fields are sign-extended to 64 bits on the wire. */
	tlv_put_uint(&inner, 5, (uint64_t)(int64_t)width);
	tlv_put_uint(&inner, 6, (uint64_t)(int64_t)height);
	wire_put_event(out, WIRE_RESIZE, &inner);
}

void
wire_put_echoack(struct buf *out, uint64_t num)
{
	uint8_t mem[1 + TLV_VARINT_MAX];
	struct buf inner = { .data = mem, .cap = sizeof mem };

	tlv_put_uint(&inner, 8, num);
	wire_put_event(out, WIRE_ECHOACK, &inner);
}

/* Fills ev from the body of one extension message; -1 if malformed. */
static int
wire_event_body(const uint8_t *p, const uint8_t *end, struct wire_event *ev)
{
	struct tlv t;

	while (p < end) {
		if (tlv_next(&p, end, &t) < 0)
			return -1;
		if (ev->type == WIRE_BYTES && t.field == 4 && t.type == WT_LEN) {
			ev->bytes = t.p;
			ev->len = t.len;
		} else if (ev->type == WIRE_RESIZE && t.type == WT_VARINT &&
		    (t.field == 5 || t.field == 6)) {
			/* int32 keeps the low 32 bits, as protobuf does. */
			int32_t v = (int32_t)(uint32_t)t.v;
			if (t.field == 5)
				ev->width = v;
			else
				ev->height = v;
		} else if (ev->type == WIRE_ECHOACK && t.field == 8 && t.type == WT_VARINT) {
			ev->echo_ack = t.v;
		}
	}
	return 0;
}

int
wire_next_event(const uint8_t **p, const uint8_t *end, struct wire_event *ev)
{
	struct tlv t, x;

	while (*p < end) {
		if (tlv_next(p, end, &t) < 0)
			return -1;
		if (t.field != 1 || t.type != WT_LEN)
			continue;       /* not an instruction: unknown field */
		/* One event per instruction: its first known extension.  The
		 * whole instruction is checked before that event is returned. */
		const uint8_t *q = t.p, *qend = t.p + t.len;
		int found = 0;
		while (q < qend) {
			if (tlv_next(&q, qend, &x) < 0)
				return -1;
			if (found || x.type != WT_LEN || (x.field != WIRE_BYTES &&
			    x.field != WIRE_RESIZE && x.field != WIRE_ECHOACK))
				continue;
			memset(ev, 0, sizeof *ev);
			ev->type = (enum wire_event_type)x.field;
			if (wire_event_body(x.p, x.p + x.len, ev) < 0)
				return -1;
			found = 1;
		}
		if (found)
			return 1;
	}
	return 0;
}
