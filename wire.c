/*
 * wire.c -- byte buffers, the zlib container and the tag-length-value
 * codec, from reassembled fragments to a decoded message (SPEC.md §5).
 * Three layers: struct buf, the program's growable byte string; the zlib
 * container (RFC 1950, 1951): our sender writes a fixed-Huffman block of
 * LZ77 matches (stored blocks if not larger), our receiver is a full
 * inflater, as mosh sends dynamic blocks; the TLV codec for protobuf.
 *
 * Invariants: every byte the peer controls is read only after a bounds
 * check against the end of its input; inflate never appends more than its
 * cap and, on error, leaves the output buffer as it found it; decoders
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
#define DEFL_WINDOW      32768u     /* farthest match back (RFC 1951) */
#define DEFL_MATCH_MIN   3          /* shortest and longest match (RFC 1951) */
#define DEFL_MATCH_MAX   258
#define DEFL_HASH_BITS   14         /* match candidates: one per 3-byte hash */
#define INFL_MAXBITS     15         /* longest Huffman code in deflate */
#define INFL_NLITLEN     288        /* literal/length symbols, 286-287 invalid */
#define INFL_NDIST       30         /* distance symbols (fixed code has 32) */
#define INFL_MAXHLIT     286        /* literal/length codes a block may define */
#define TLV_VARINT_MAX   10         /* bytes in a 64-bit varint */

/* ---- struct buf.  Room for n more bytes; the capacity at least doubles. */
static void
buf_reserve(struct buf *b, size_t n)
{
	if (n <= b->cap - b->len)
		return;
	size_t cap = 2 * b->cap > BUF_MIN_CAP ? 2 * b->cap : BUF_MIN_CAP;
	if (cap < b->len + n)
		cap = b->len + n;
	uint8_t *p = n > SIZE_MAX / 2 - b->len ? NULL : realloc(b->data, cap);
	if (p == NULL) {
		fprintf(stderr, "out of memory\n");
		exit(1);
	}
	b->data = p;
	b->cap = cap;
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
buf_puts(struct buf *b, const char *s) { buf_put(b, s, strlen(s)); }

void
buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap, again;
	buf_reserve(b, BUF_MIN_CAP);    /* format into the spare room */
	va_start(ap, fmt);
	va_copy(again, ap);
	int n = vsnprintf((char *)b->data + b->len, b->cap - b->len, fmt, ap);
	if (n >= 0 && (size_t)n >= b->cap - b->len) {     /* too small: again */
		buf_reserve(b, (size_t)n + 1);  /* vsnprintf adds a NUL */
		vsnprintf((char *)b->data + b->len, b->cap - b->len, fmt, again);
	}
	if (n >= 0)
		b->len += (size_t)n;
	va_end(again);
	va_end(ap);
}

void
buf_free(struct buf *b)
{
	free(b->data);
	*b = (struct buf){ 0 };
}

/* ---- zlib container ---- */
static uint32_t
adler32(const uint8_t *p, size_t n)
{
	uint32_t a = 1, b = 0;
	for (size_t i = 0; i < n; i++) {
		a = (a + p[i]) % ADLER_MOD;
		b = (b + a) % ADLER_MOD;
	}
	return b << 16 | a;
}

/* Length and distance bases and extra bits (RFC 1951 §3.2.5). */
static const uint16_t len_base[29] = { 3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15,
	17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258 };
static const uint8_t len_extra[29] = { 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1,
	2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0 };
static const uint16_t dist_base[INFL_NDIST] = { 1, 2, 3, 4, 5, 7, 9, 13, 17, 25,
	33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097,
	6145, 8193, 12289, 16385, 24577 };
static const uint8_t dist_extra[INFL_NDIST] = { 0, 0, 0, 0, 1, 1, 2, 2, 3,
	3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13 };

void
zlib_store(struct buf *out, const uint8_t *in, size_t n)
{
	/* CMF 0x78: deflate, 32 KiB window.  FLG 0x01: no dictionary, level
	 * "fastest", and 0x7801 is a multiple of 31 as FCHECK requires. */
	buf_put(out, "\x78\x01", 2);
	size_t off = 0;
	do {
		size_t k = n - off < ZLIB_STORED_MAX ? n - off : ZLIB_STORED_MAX;
		/* BFINAL, BTYPE 00 and padding in a byte; LEN, NLEN little-endian. */
		uint8_t h[5] = { off + k == n, k, k >> 8, ~k, ~k >> 8 };
		buf_put(out, h, 5);
		buf_put(out, k ? in + off : in, k);     /* in may be NULL when n is 0 */
		off += k;
	} while (off < n);
	uint32_t a = adler32(in, n);
	buf_put(out, (uint8_t[4]){ a >> 24, a >> 16, a >> 8, a }, 4);
}

/* Appends v's k low bits to out, lowest first, or highest first for a
 * Huffman code; *bit counts those already in out's last byte. */
static void
defl_put(struct buf *out, unsigned *bit, unsigned v, unsigned k, int huffman)
{
	for (unsigned i = 0; i < k; i++, *bit = (*bit + 1) % 8) {
		if (*bit == 0)
			buf_putc(out, 0);
		out->data[out->len - 1] |= ((huffman ? v >> (k - 1 - i) : v >> i) & 1) << *bit;
	}
}

/* Greedy LZ77, one candidate per position: the last with its hash.  Fixed
 * codes (RFC 1951 §3.2.6): literals 0-143 8 bits from 0x30, 144-255 9 from
 * 0x190; 256-279 (end, lengths) 7 from 0, 280-287 8 from 0xC0; distances 5. */
void
zlib_deflate(struct buf *out, const uint8_t *in, size_t n)
{
	size_t start = out->len, stored = 11 + n + 5 * (n ? (n - 1) / ZLIB_STORED_MAX : 0);
	uint32_t head[1 << DEFL_HASH_BITS] = { 0 };     /* position mod 2^32 by hash */
	unsigned bit = 0;
	buf_put(out, "\x78\x01", 2);            /* as zlib_store */
	defl_put(out, &bit, 3, 3, 0);           /* BFINAL 1, BTYPE 01 */
	for (size_t i = 0, len; i < n && out->len - start < stored;
	    i += len < DEFL_MATCH_MIN ? 1 : len) {
		/* Knuth's 2^32 / phi; the last 2 bytes, which cannot match, use slot 0. */
		uint32_t h = n - i < DEFL_MATCH_MIN ? 0 : (uint32_t)(in[i] << 16 |
		    in[i + 1] << 8 | in[i + 2]) * 2654435761u >> (32 - DEFL_HASH_BITS);
		uint32_t dist = (uint32_t)i - head[h];
		head[h] = (uint32_t)i;
		for (len = 0; dist - 1 < DEFL_WINDOW && dist <= i && len < DEFL_MATCH_MAX &&
		    len < n - i && in[i - dist + len] == in[i + len]; len++)
			;
		if (len < DEFL_MATCH_MIN) {
			defl_put(out, &bit, in[i] + (in[i] < 144 ? 0x30 : 0x100), 8 + (in[i] >= 144), 1);
			continue;
		}
		unsigned lc = 28, dc = INFL_NDIST - 1;  /* the last codes, then down */
		while (len_base[lc] > len)
			lc--;
		while (dist_base[dc] > dist)
			dc--;
		defl_put(out, &bit, lc < 23 ? 1 + lc : 0xC0 + lc - 23, 7 + (lc >= 23), 1);
		defl_put(out, &bit, (unsigned)len - len_base[lc], len_extra[lc], 0);
		defl_put(out, &bit, dc, 5, 1);
		defl_put(out, &bit, dist - dist_base[dc], dist_extra[dc], 0);
	}
	defl_put(out, &bit, 0, 7, 1);           /* end of block (256) */
	uint32_t a = adler32(in, n);
	buf_put(out, (uint8_t[4]){ a >> 24, a >> 16, a >> 8, a }, 4);
	if (out->len - start >= stored) {       /* no smaller: stored instead */
		out->len = start;
		zlib_store(out, in, n);
	}
}

/* The inflater.  Bits are read least significant first, by their index
 * into the input, after a check that the input still holds them.
 * Each check of peer input is one INFL_CHECK; INFL_TRY passes errors up. */
#define INFL_CHECK(ok, err) do { if (!(ok)) return (err); } while (0)
#define INFL_TRY(call) do { int e_ = (call); if (e_ != ZLIB_OK) return e_; } while (0)

/* A canonical Huffman code, decoded a bit at a time as puff does (over
 * 100 MB/s: a lookup table would buy speed that screens do not need). */
struct huffman {
	uint16_t count[INFL_MAXBITS + 1];   /* codes of each length */
	uint16_t sym[INFL_NLITLEN];         /* symbols in code order */
};

struct inflater {
	const uint8_t *in;
	size_t n, bit;          /* input; the next bit is bit % 8 of in[bit / 8] */
	struct buf *out;
	size_t base, limit;     /* output starts at out->len == base, ends by limit */
	struct huffman fixed[2];        /* the fixed codes, once built_fixed */
	int built_fixed;
};

/* Reads the next k (<= 16) bits into *v, the first read lowest. */
static int
infl_bits(struct inflater *s, unsigned k, unsigned *v)
{
	INFL_CHECK(k <= 8 * (uint64_t)s->n - s->bit, ZLIB_E_TRUNCATED);
	*v = 0;
	for (unsigned i = 0; i < k; i++, s->bit++)
		*v |= (unsigned)(s->in[s->bit / 8] >> s->bit % 8 & 1) << i;
	return ZLIB_OK;
}

/* Builds a code from n code lengths.  It must be complete, but when `sparse`
 * (as zlib) one code of length 1 (a single distance) or none (a block of
 * literals only) will do. */
static int
huff_build(struct huffman *h, const uint8_t *len, unsigned n, int sparse)
{
	uint16_t offs[INFL_MAXBITS + 2] = { 0 };
	int left = 1;
	memset(h, 0, sizeof *h);
	for (unsigned i = 0; i < n; i++)
		h->count[len[i]]++;
	h->count[0] = 0;
	for (unsigned l = 1; l <= INFL_MAXBITS; l++) {
		left = 2 * left - h->count[l];
		INFL_CHECK(left >= 0, ZLIB_E_DATA);     /* over-subscribed */
		offs[l + 1] = offs[l] + h->count[l];
	}
	unsigned used = offs[INFL_MAXBITS + 1];
	if (left > 0 && !(sparse && used <= 1 && h->count[1] == used))
		return ZLIB_E_DATA;     /* incomplete */
	for (unsigned i = 0; i < n; i++)
		if (len[i] != 0)
			h->sym[offs[len[i]]++] = (uint16_t)i;
	return ZLIB_OK;
}

/* Reads the next symbol of code h into *sym. */
static int
huff_decode(struct inflater *s, const struct huffman *h, unsigned *sym)
{
	/* Codes of length l are first .. first + count[l] - 1, MSB first. */
	unsigned code = 0, first = 0, index = 0, bit;
	for (unsigned l = 1;; l++) {
		INFL_CHECK(l <= INFL_MAXBITS, ZLIB_E_DATA);  /* unused prefix */
		INFL_TRY(infl_bits(s, 1, &bit));
		code |= bit;
		if (code - first < h->count[l]) {
			*sym = h->sym[index + code - first];
			return ZLIB_OK;
		}
		index += h->count[l];
		first = (first + h->count[l]) << 1;
		code <<= 1;
	}
}

static int
infl_stored(struct inflater *s)
{
	unsigned len, nlen;
	s->bit = (s->bit + 7) / 8 * 8;          /* LEN starts on a byte */
	INFL_TRY(infl_bits(s, 16, &len));
	INFL_TRY(infl_bits(s, 16, &nlen));
	INFL_CHECK(len == (~nlen & 0xffff), ZLIB_E_DATA);
	INFL_CHECK(s->n - s->bit / 8 >= len, ZLIB_E_TRUNCATED);
	INFL_CHECK(len <= s->limit - s->out->len, ZLIB_E_TOOBIG);
	buf_put(s->out, s->in + s->bit / 8, len);
	s->bit += 8 * (size_t)len;
	return ZLIB_OK;
}

/* Decodes one Huffman-coded block up to its end-of-block symbol. */
static int
infl_codes(struct inflater *s, const struct huffman *lit, const struct huffman *dist)
{
	unsigned sym, d, x, y;
	for (;;) {
		INFL_TRY(huff_decode(s, lit, &sym));
		if (sym == 256)
			return ZLIB_OK;
		if (sym < 256) {
			INFL_CHECK(s->out->len < s->limit, ZLIB_E_TOOBIG);
			buf_putc(s->out, (uint8_t)sym);
			continue;
		}
		sym -= 257;
		INFL_CHECK(sym < 29, ZLIB_E_DATA);              /* 286, 287 */
		INFL_TRY(infl_bits(s, len_extra[sym], &x));
		INFL_TRY(huff_decode(s, dist, &d));
		INFL_CHECK(d < INFL_NDIST, ZLIB_E_DATA);        /* 30, 31 */
		INFL_TRY(infl_bits(s, dist_extra[d], &y));
		size_t len = len_base[sym] + x, back = dist_base[d] + y;
		INFL_CHECK(back <= s->out->len - s->base, ZLIB_E_DISTANCE);
		INFL_CHECK(len <= s->limit - s->out->len, ZLIB_E_TOOBIG);
		/* Byte by byte: the copy may overlap what it writes. */
		for (size_t i = 0; i < len; i++)
			buf_putc(s->out, s->out->data[s->out->len - back]);
	}
}

/* The order in which code length code lengths are sent (RFC 1951 §3.2.7). */
static const uint8_t clen_order[19] = {
	16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15 };

/* A fixed (type 1) or dynamic (type 2) Huffman block.  The fixed codes are
 * built once per stream: empty fixed blocks cost 10 bits each. */
static int
infl_huffman(struct inflater *s, unsigned type)
{
	/* Code length 16: the last length 3-6 times; 17, 18: 0 3-10 or 11-138 times. */
	static const uint8_t rep_bits[3] = { 2, 3, 7 }, rep_base[3] = { 3, 3, 11 };
	struct huffman dyn[2], *code = type == 1 ? s->fixed : dyn;
	uint8_t len[INFL_NLITLEN + 32] = { 0 };
	unsigned hlit = INFL_NLITLEN, hdist = 32, v, sym;    /* fixed */
	if (type == 1) {
		memset(len, 8, INFL_NLITLEN);
		memset(len + 144, 9, 112);
		memset(len + 256, 7, 24);
		memset(len + INFL_NLITLEN, 5, 32);
	} else {
		INFL_TRY(infl_bits(s, 14, &v));         /* HLIT, HDIST, HCLEN */
		hlit = (v & 31) + 257;
		hdist = (v >> 5 & 31) + 1;
		INFL_CHECK(hlit <= INFL_MAXHLIT && hdist <= INFL_NDIST, ZLIB_E_DATA);
		for (unsigned i = 0, hclen = (v >> 10) + 4; i < hclen; i++) {
			INFL_TRY(infl_bits(s, 3, &v));
			len[clen_order[i]] = (uint8_t)v;
		}
		INFL_TRY(huff_build(&dyn[0], len, 19, 0));      /* code length code */
		for (unsigned i = 0; i < hlit + hdist;) {
			INFL_TRY(huff_decode(s, &dyn[0], &sym));
			if (sym < 16) {
				len[i++] = (uint8_t)sym;
				continue;
			}
			INFL_CHECK(sym != 16 || i > 0, ZLIB_E_DATA);   /* no previous */
			uint8_t prev = sym == 16 ? len[i - 1] : 0;
			INFL_TRY(infl_bits(s, rep_bits[sym - 16], &v));
			v += rep_base[sym - 16];
			INFL_CHECK(v <= hlit + hdist - i, ZLIB_E_DATA); /* too many */
			memset(len + i, prev, v);
			i += v;
		}
		INFL_CHECK(len[256] != 0, ZLIB_E_DATA);         /* no end of block */
	}
	if (type == 2 || !s->built_fixed) {
		INFL_TRY(huff_build(&code[0], len, hlit, type == 2));
		INFL_TRY(huff_build(&code[1], len + hlit, hdist, type == 2));
	}
	s->built_fixed |= type == 1;
	return infl_codes(s, &code[0], &code[1]);
}

static int
infl_stream(struct inflater *s)
{
	unsigned cmf, flg, hdr;
	INFL_TRY(infl_bits(s, 8, &cmf));
	INFL_TRY(infl_bits(s, 8, &flg));
	INFL_CHECK((cmf & 0x0f) == 8 && cmf >> 4 <= 7 && (cmf << 8 | flg) % 31 == 0 &&
	    !(flg & 0x20), ZLIB_E_HEADER);      /* deflate, window, check, no dict */
	do {
		INFL_TRY(infl_bits(s, 3, &hdr));        /* BFINAL, then BTYPE */
		INFL_CHECK(hdr >> 1 != 3, ZLIB_E_DATA);
		INFL_TRY(hdr >> 1 == 0 ? infl_stored(s) : infl_huffman(s, hdr >> 1));
	} while (!(hdr & 1));
	s->bit = (s->bit + 7) / 8 * 8;          /* the Adler-32 starts on a byte */
	INFL_CHECK(s->n - s->bit / 8 >= 4, ZLIB_E_TRUNCATED);
	const uint8_t *p = s->in + s->bit / 8;
	uint32_t want = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | p[2] << 8 | p[3];
	INFL_CHECK(adler32(s->out->data + s->base, s->out->len - s->base) == want,
	    ZLIB_E_CHECKSUM);
	INFL_CHECK(s->bit / 8 + 4 == s->n, ZLIB_E_DATA);    /* trailing bytes */
	return ZLIB_OK;
}

int
zlib_inflate(const uint8_t *in, size_t n, struct buf *out, size_t cap)
{
	struct inflater s = { .in = in, .n = n, .out = out, .base = out->len };
	s.limit = cap > SIZE_MAX - out->len ? SIZE_MAX : out->len + cap;
	buf_reserve(out, 1);    /* out->data is not NULL: data + base is defined */
	int err = infl_stream(&s);
	if (err != ZLIB_OK)
		out->len = s.base;
	return err;
}

/* ---- tag-length-value (protobuf wire format) ---- */
/* Wire types (wire.h shows the layout). */
enum { WT_VARINT = 0, WT_I64 = 1, WT_LEN = 2, WT_I32 = 5 };

/* One field as read. */
struct tlv {
	uint32_t field;
	unsigned type;
	uint64_t v;             /* a varint's value, or the length of p */
	const uint8_t *p;       /* the bytes (wire types 1, 2, 5) */
};

static int
tlv_varint(const uint8_t **p, const uint8_t *end, uint64_t *v)
{
	*v = 0;
	for (unsigned i = 0; i < TLV_VARINT_MAX && *p < end; i++) {
		uint8_t c = *(*p)++;
		if (i == TLV_VARINT_MAX - 1 && c > 1)
			return -1;      /* the tenth byte holds only bit 63 */
		*v |= (uint64_t)(c & 0x7f) << (7 * i);
		if (!(c & 0x80))
			return 0;
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
	if (t->type == WT_VARINT)
		return tlv_varint(p, end, &t->v);
	if (t->type == WT_I64 || t->type == WT_I32)
		t->v = t->type == WT_I64 ? 8 : 4;       /* skipped as bytes */
	else if (t->type != WT_LEN || tlv_varint(p, end, &t->v) < 0)
		return -1;
	if (t->v > (uint64_t)(end - *p))
		return -1;
	t->p = *p;
	*p += t->v;
	return 0;
}

/* Writes a key, then v (a varint's value or a length) as varints at d,
 * which has room for 2 * TLV_VARINT_MAX bytes; returns the length. */
static size_t
tlv_put_to(uint8_t *d, uint32_t field, unsigned type, uint64_t v)
{
	size_t n = 0;
	for (uint64_t x = (uint64_t)field << 3 | type, i = 0; i < 2; i++, x = v) {
		for (; x >= 0x80; x >>= 7)
			d[n++] = (uint8_t)(x | 0x80);
		d[n++] = (uint8_t)x;
	}
	return n;
}

static void
tlv_put(struct buf *out, uint32_t field, unsigned type, uint64_t v)
{
	uint8_t d[2 * TLV_VARINT_MAX];
	buf_put(out, d, tlv_put_to(d, field, type, v));
}

void
wire_instruction_encode(struct buf *out, const struct wire_instruction *in)
{
	tlv_put(out, 1, WT_VARINT, in->protocol_version);
	tlv_put(out, 2, WT_VARINT, in->old_num);
	tlv_put(out, 3, WT_VARINT, in->new_num);
	tlv_put(out, 4, WT_VARINT, in->ack_num);
	tlv_put(out, 5, WT_VARINT, in->throwaway_num);
	tlv_put(out, 6, WT_LEN, in->diff_len);
	buf_put(out, in->diff, in->diff_len);
	tlv_put(out, 7, WT_LEN, in->chaff_len);
	buf_put(out, in->chaff, in->chaff_len);
}

/* Finds the last (as protobuf keeps it) field `field` of wire type `type`
 * in [p, end): 1 if found, 0 if absent, -1 if any field is malformed.  A
 * known field with another wire type counts as an unknown field. */
static int
tlv_find(const uint8_t *p, const uint8_t *end, uint32_t field, unsigned type,
    struct tlv *out)
{
	struct tlv t;
	int found = 0;
	while (p < end) {
		if (tlv_next(&p, end, &t) < 0)
			return -1;
		if (t.field == field && t.type == type) {
			*out = t;
			found = 1;
		}
	}
	return found;
}

int
wire_instruction_decode(const uint8_t *p, size_t n, struct wire_instruction *out)
{
	uint64_t *num[4] = { &out->old_num, &out->new_num, &out->ack_num,
		&out->throwaway_num };
	const uint8_t **bytes[2] = { &out->diff, &out->chaff };
	size_t *len[2] = { &out->diff_len, &out->chaff_len };
	struct tlv t;
	memset(out, 0, sizeof *out);
	if (n == 0 || tlv_find(p, p + n, 1, WT_VARINT, &t) <= 0)
		return -1;      /* malformed, or no protocol_version */
	out->diff = out->chaff = p;     /* absent: empty, and never NULL */
	out->protocol_version = (uint32_t)t.v;
	for (uint32_t i = 0; i < 4; i++)
		if (tlv_find(p, p + n, 2 + i, WT_VARINT, &t) > 0)
			*num[i] = t.v;
	for (uint32_t i = 0; i < 2; i++)
		if (tlv_find(p, p + n, 6 + i, WT_LEN, &t) > 0) {
			*bytes[i] = t.p;
			*len[i] = (size_t)t.v;
		}
	return 0;
}

/* One event (layout in wire.h): head holds the extension's fields, tail
 * the bytes of a Keystroke or HostBytes. */
static void
wire_put_event(struct buf *out, uint32_t ext, const uint8_t *head, size_t hn,
    const uint8_t *tail, size_t tn)
{
	uint8_t d[2 * TLV_VARINT_MAX];
	tlv_put(out, 1, WT_LEN, tlv_put_to(d, ext, WT_LEN, hn + tn) + hn + tn);
	tlv_put(out, ext, WT_LEN, hn + tn);
	buf_put(out, head, hn);
	buf_put(out, tail, tn);
}

void
wire_put_bytes(struct buf *out, const uint8_t *p, size_t n)
{
	uint8_t head[2 * TLV_VARINT_MAX];
	wire_put_event(out, WIRE_BYTES, head, tlv_put_to(head, 4, WT_LEN, n), p, n);
}

void
wire_put_resize(struct buf *out, int32_t width, int32_t height)
{
	uint8_t head[4 * TLV_VARINT_MAX];
	size_t n = tlv_put_to(head, 5, WT_VARINT, (uint64_t)(int64_t)width);
	n += tlv_put_to(head + n, 6, WT_VARINT, (uint64_t)(int64_t)height);
	wire_put_event(out, WIRE_RESIZE, head, n, NULL, 0);
}

void
wire_put_echoack(struct buf *out, uint64_t num)
{
	uint8_t h[2 * TLV_VARINT_MAX];
	wire_put_event(out, WIRE_ECHOACK, h, tlv_put_to(h, 8, WT_VARINT, num), NULL, 0);
}

int
wire_next_event(const uint8_t **p, const uint8_t *end, struct wire_event *ev)
{
	static const uint32_t types[3] = { WIRE_BYTES, WIRE_RESIZE, WIRE_ECHOACK };
	struct tlv t, x, f;
	int rc = 0;
	while (rc == 0 && *p < end) {
		if (tlv_next(p, end, &t) < 0)
			return -1;
		/* An instruction (field 1) is one event: its known extension. */
		int instruction = t.field == 1 && t.type == WT_LEN;
		for (int i = 0; i < 3 && rc == 0 && instruction; i++) {
			memset(ev, 0, sizeof *ev);
			ev->type = (enum wire_event_type)types[i];
			rc = tlv_find(t.p, t.p + t.v, types[i], WT_LEN, &x);
		}
	}
	/* Any tlv_find on the extension's body checks all its fields. */
	if (rc <= 0 || tlv_find(x.p, x.p + x.v, 4, WT_LEN, &f) < 0)
		return rc <= 0 ? rc : -1;
	if (ev->type == WIRE_BYTES && tlv_find(x.p, x.p + x.v, 4, WT_LEN, &f) > 0) {
		ev->bytes = f.p;
		ev->len = (size_t)f.v;
	}
	if (ev->type == WIRE_RESIZE && tlv_find(x.p, x.p + x.v, 5, WT_VARINT, &f) > 0)
		ev->width = (int32_t)(uint32_t)f.v;
	if (ev->type == WIRE_RESIZE && tlv_find(x.p, x.p + x.v, 6, WT_VARINT, &f) > 0)
		ev->height = (int32_t)(uint32_t)f.v;
	if (ev->type == WIRE_ECHOACK && tlv_find(x.p, x.p + x.v, 8, WT_VARINT, &f) > 0)
		ev->echo_ack = f.v;
	return 1;
}
