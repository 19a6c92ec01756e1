/*
 * wire.c -- byte buffers, the zlib container and the tag-length-value
 * codec: from an instruction's reassembled fragments to a decoded message
 * and back (SPEC.md §4: §4.1 the zlib container, §4.2 the protobuf wire
 * format, §4.3 the three messages).
 *
 * Three layers, bottom up:
 *  1. struct buf, the growable byte string the whole program appends to.
 *  2. The zlib container (RFC 1950 around RFC 1951's deflate).  mosh
 *     compresses every instruction with zlib's compress() and inflates it
 *     with uncompress() into a 4 MiB buffer (src/network/compressor.cc).
 *     Our sender needs only a small deflater: one block of greedy LZ77
 *     matches in the fixed Huffman code, or stored blocks when that is not
 *     smaller.  Our receiver needs a full inflater, because mosh sends
 *     dynamic Huffman blocks.
 *  3. The TLV codec for the subset of protobuf that mosh's messages use
 *     (src/protobufs/transportinstruction.proto, userinput.proto,
 *     hostinput.proto); wire.h shows the byte layouts.
 *
 * Invariants: every byte the peer controls is read only after a bounds
 * check against the end of its input; inflate never appends more than its
 * cap and, on error, leaves the output buffer as it found it; decoders
 * return an error for malformed input and never assert on it.
 */
#include "wire.h"
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
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

/* ---- struct buf ---- */

/* Makes room for n more bytes; the capacity at least doubles, so appending
 * byte by byte costs amortized constant time. */
static void
buf_reserve(struct buf *b, size_t n)
{
	if (n <= b->cap - b->len)
		return;
	size_t cap = 2 * b->cap;
	if (cap < BUF_MIN_CAP)
		cap = BUF_MIN_CAP;
	if (cap < b->len + n)
		cap = b->len + n;
	uint8_t *p = NULL;
	if (n <= SIZE_MAX / 2 - b->len)         /* else the sizes above overflowed */
		p = realloc(b->data, cap);
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
		return;         /* p may be NULL */
	buf_reserve(b, n);
	memcpy(b->data + b->len, p, n);
	b->len += n;
}

void
buf_putc(struct buf *b, uint8_t c)
{
	buf_put(b, &c, 1);
}

void
buf_puts(struct buf *b, const char *s)
{
	buf_put(b, s, strlen(s));
}

/* Formats straight into the spare room; only if that is too small does it
 * grow the buffer and format a second time. */
void
buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap, again;
	buf_reserve(b, BUF_MIN_CAP);
	va_start(ap, fmt);
	va_copy(again, ap);
	int n = vsnprintf((char *)b->data + b->len, b->cap - b->len, fmt, ap);
	if (n >= 0 && (size_t)n >= b->cap - b->len) {
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

/* ---- zlib container: what both directions share ---- */

/* CMF 0x78: deflate with a 32 KiB window.  FLG 0x01: no preset dictionary,
 * level "fastest", and 0x7801 is a multiple of 31 as FCHECK requires. */
#define ZLIB_HEADER "\x78\x01"

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

/*
 * RFC 1951 §3.2.5: the length codes 257-285 and the distance codes 0-29,
 * each a base and the number of extra bits whose value is added to it.
 * Entry i of the length tables is code 257 + i.
 */
static const uint16_t len_base[29] = {
	3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31,
	35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258 };
static const uint8_t len_extra[29] = {
	0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2,
	3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0 };
static const uint16_t dist_base[INFL_NDIST] = {
	1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193,
	257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577 };
static const uint8_t dist_extra[INFL_NDIST] = {
	0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6,
	7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13 };

/*
 * RFC 1951 §3.2.6, the fixed Huffman code, as its table reads: the
 * literal/length symbols first..last have codes of `bits` bits, counting up
 * from `code` (written here in hex; the RFC writes them in binary):
 *
 *      Lit Value    Bits        Codes
 *        0 - 143     8          00110000 through 10111111
 *      144 - 255     9          110010000 through 111111111
 *      256 - 279     7          0000000 through 0010111
 *      280 - 287     8          11000000 through 11000111
 *
 * Distance codes 0-31 are 5-bit codes, each the code number itself.  The
 * deflater encodes with this table; the inflater builds its fixed codes
 * from the bit counts, which (canonical codes) gives these same codes.
 */
struct fixed_range {
	uint16_t first, last;   /* literal/length symbols */
	uint16_t code;          /* the code of `first` */
	uint8_t bits;           /* the length of each code in the range */
};
static const struct fixed_range fixed_litlen[4] = {
	{ .first = 0, .last = 143, .code = 0x30, .bits = 8 },      /* 00110000 */
	{ .first = 144, .last = 255, .code = 0x190, .bits = 9 },   /* 110010000 */
	{ .first = 256, .last = 279, .code = 0x00, .bits = 7 },    /* 0000000 */
	{ .first = 280, .last = 287, .code = 0xC0, .bits = 8 },    /* 11000000 */
};
#define FIXED_DIST_BITS 5
#define FIXED_NDIST     32
#define END_OF_BLOCK    256

/* ---- zlib container: the sender ---- */

void
zlib_store(struct buf *out, const uint8_t *in, size_t n)
{
	buf_put(out, ZLIB_HEADER, 2);
	size_t off = 0;
	do {
		size_t len = n - off < ZLIB_STORED_MAX ? n - off : ZLIB_STORED_MAX;
		/* BFINAL (is this the last block?) and BTYPE 00 in the low bits of
		 * a byte, the rest of it padding; LEN and NLEN = ~LEN, little-endian. */
		buf_put(out, (uint8_t[5]){ off + len == n, len, len >> 8, ~len, ~len >> 8 }, 5);
		if (len > 0)
			buf_put(out, in + off, len);    /* in may be NULL when n is 0 */
		off += len;
	} while (off < n);
	uint32_t a = adler32(in, n);    /* the trailer, most significant byte first */
	buf_put(out, (uint8_t[4]){ a >> 24, a >> 16, a >> 8, a }, 4);
}

/* The deflate bit stream (RFC 1951 §3.1.1) fills each byte from its least
 * significant bit.  Bits wait in `bits` until they make a whole byte. */
struct bitwriter {
	struct buf *out;
	uint32_t bits;          /* the first waiting bit is bit 0 */
	unsigned count;         /* how many are waiting, below 8 between calls */
};

/* Appends the k (at most 16) low bits of v, lowest first: how header
 * fields and extra bits are packed. */
static void
defl_put_bits(struct bitwriter *w, uint32_t v, unsigned k)
{
	w->bits |= v << w->count;
	w->count += k;
	while (w->count >= 8) {
		buf_putc(w->out, (uint8_t)w->bits);
		w->bits >>= 8;
		w->count -= 8;
	}
}

/* Appends a Huffman code of `bits` bits.  Codes are packed from their most
 * significant bit (RFC 1951 §3.1.1), so the code goes in a bit at a time
 * from the top. */
static void
defl_put_code(struct bitwriter *w, unsigned code, unsigned bits)
{
	for (unsigned i = bits; i > 0; i--)
		defl_put_bits(w, code >> (i - 1) & 1, 1);
}

/* Appends literal/length symbol sym in the fixed code. */
static void
defl_put_symbol(struct bitwriter *w, unsigned sym)
{
	const struct fixed_range *r = fixed_litlen;
	while (sym > r->last)
		r++;
	defl_put_code(w, r->code + (sym - r->first), r->bits);
}

/* Appends a match: the length's code and extra bits, then the distance's. */
static void
defl_put_match(struct bitwriter *w, unsigned len, unsigned dist)
{
	unsigned lc = 28;
	while (len_base[lc] > len)
		lc--;
	unsigned dc = INFL_NDIST - 1;
	while (dist_base[dc] > dist)
		dc--;
	defl_put_symbol(w, 257 + lc);
	defl_put_bits(w, len - len_base[lc], len_extra[lc]);
	defl_put_code(w, dc, FIXED_DIST_BITS);
	defl_put_bits(w, dist - dist_base[dc], dist_extra[dc]);
}

/*
 * Greedy LZ77 with one candidate per position: the last position whose
 * next 3 bytes had the same hash.  A match of DEFL_MATCH_MIN or more is
 * taken whole, and positions inside it are not entered in the table; a
 * shorter one is a literal.  The loop gives up as soon as the output is as
 * long as the stored form, which is then written instead.
 */
void
zlib_deflate(struct buf *out, const uint8_t *in, size_t n)
{
	size_t start = out->len;
	/* zlib_store's length: header, a 5-byte header per block, data, trailer */
	size_t blocks = n == 0 ? 1 : (n - 1) / ZLIB_STORED_MAX + 1;
	size_t stored = 2 + 5 * blocks + n + 4;
	uint32_t head[1 << DEFL_HASH_BITS] = { 0 };     /* position mod 2^32 by hash */
	struct bitwriter w = { .out = out };
	buf_put(out, ZLIB_HEADER, 2);
	defl_put_bits(&w, 1, 1);                /* BFINAL: the last block */
	defl_put_bits(&w, 1, 2);                /* BTYPE 01: fixed Huffman codes */
	size_t i = 0;
	while (i < n && out->len - start < stored) {
		/* The match table's slot: Knuth's multiplicative hash (2^32 / phi)
		 * of the next 3 bytes; the last 2 bytes, too few to match, use 0. */
		uint32_t h = 0;
		if (n - i >= DEFL_MATCH_MIN) {
			uint32_t three = in[i] << 16 | in[i + 1] << 8 | in[i + 2];
			h = three * 2654435761u >> (32 - DEFL_HASH_BITS);
		}
		uint32_t dist = (uint32_t)i - head[h];
		head[h] = (uint32_t)i;
		/* How many bytes from in[i] on equal those dist back, if the
		 * candidate is in the window and in the input. */
		size_t len = 0;
		if (dist != 0 && dist <= DEFL_WINDOW && dist <= i) {
			size_t max = n - i < DEFL_MATCH_MAX ? n - i : DEFL_MATCH_MAX;
			while (len < max && in[i - dist + len] == in[i + len])
				len++;
		}
		if (len >= DEFL_MATCH_MIN) {
			defl_put_match(&w, (unsigned)len, dist);
			i += len;
		} else {
			defl_put_symbol(&w, in[i]);
			i++;
		}
	}
	defl_put_symbol(&w, END_OF_BLOCK);
	defl_put_bits(&w, 0, 7);                /* zeros to finish the last byte */
	uint32_t a = adler32(in, n);                    /* as zlib_store */
	buf_put(out, (uint8_t[4]){ a >> 24, a >> 16, a >> 8, a }, 4);
	if (out->len - start >= stored) {       /* not smaller: stored instead */
		out->len = start;
		zlib_store(out, in, n);
	}
}

/* ---- zlib container: the receiver ---- */

/* A canonical Huffman code, decoded a bit at a time as zlib's
 * contrib/puff/puff.c does (over 100 MB/s: a lookup table would buy speed
 * that screens do not need). */
struct huffman {
	uint16_t count[INFL_MAXBITS + 1];   /* codes of each length ([0]: unused symbols) */
	uint16_t sym[INFL_NLITLEN];         /* symbols in code order */
};

/* The inflater.  Bits are read least significant first, by their index
 * into the input, after a check that the input still holds them. */
struct inflater {
	const uint8_t *in;
	size_t n;               /* input bytes */
	size_t bit;             /* the next bit is bit % 8 of in[bit / 8] */
	struct buf *out;
	size_t base;            /* this stream's output starts at out->data + base */
	size_t limit;           /* and ends by out->data + limit */
	struct huffman fixed_lit, fixed_dist;   /* the fixed codes, once built_fixed */
	bool built_fixed;
	jmp_buf fail;           /* where a failed check goes: back to infl_stream */
	int err;                /* and the error it reports */
};

/*
 * Every check of peer input is one infl_check, so a reader can list them.
 * A failed check abandons the whole stream: it jumps straight back to
 * infl_stream, as puff.c does when its input runs out, so no step has to
 * pass an error up and each reads as if its input were good.  Nothing on
 * the way needs undoing: the inflater allocates nothing but output, and
 * infl_stream cuts that back.
 */
static void
infl_check(struct inflater *s, bool ok, int err)
{
	if (ok)
		return;
	s->err = err;
	longjmp(s->fail, 1);
}

/* The next k (at most 16) bits, the first read lowest. */
static unsigned
infl_bits(struct inflater *s, unsigned k)
{
	infl_check(s, k <= 8 * (uint64_t)s->n - s->bit, ZLIB_E_TRUNCATED);
	unsigned v = 0;
	for (unsigned i = 0; i < k; i++) {
		unsigned bit = s->in[s->bit / 8] >> (s->bit % 8) & 1;
		v |= bit << i;
		s->bit++;
	}
	return v;
}

/* Builds a code from n code lengths.  It must be complete, but when
 * `sparse` (as zlib allows in a dynamic block) one code of length 1 (a
 * single distance) or none (a block of literals only) will do. */
static void
huff_build(struct inflater *s, struct huffman *h, const uint8_t *len, unsigned n, bool sparse)
{
	uint16_t offs[INFL_MAXBITS + 2] = { 0 };        /* first index of each length */
	int left = 1;                                   /* codes not yet used */
	memset(h, 0, sizeof *h);
	for (unsigned i = 0; i < n; i++)
		h->count[len[i]]++;
	for (unsigned l = 1; l <= INFL_MAXBITS; l++) {
		left = 2 * left - h->count[l];
		infl_check(s, left >= 0, ZLIB_E_DATA);          /* over-subscribed */
		offs[l + 1] = offs[l] + h->count[l];
	}
	/* every code used is of length 1, and there is at most one */
	bool one_short_or_none = offs[INFL_MAXBITS + 1] == h->count[1] && h->count[1] <= 1;
	infl_check(s, left == 0 || (sparse && one_short_or_none), ZLIB_E_DATA); /* incomplete */
	for (unsigned i = 0; i < n; i++) {
		if (len[i] != 0) {
			h->sym[offs[len[i]]] = (uint16_t)i;
			offs[len[i]]++;
		}
	}
}

/* The next symbol of code h. */
static unsigned
huff_decode(struct inflater *s, const struct huffman *h)
{
	/* The codes of length l are first .. first + count[l] - 1, read most
	 * significant bit first; index counts the symbols of shorter codes. */
	unsigned code = 0, first = 0, index = 0;
	for (unsigned l = 1;; l++) {
		infl_check(s, l <= INFL_MAXBITS, ZLIB_E_DATA);  /* an unused code */
		code |= infl_bits(s, 1);
		if (code - first < h->count[l])
			return h->sym[index + code - first];
		index += h->count[l];
		first = (first + h->count[l]) << 1;
		code <<= 1;
	}
}

/* A stored block (type 0): LEN, NLEN, then LEN bytes as they are. */
static void
infl_stored(struct inflater *s)
{
	s->bit = (s->bit + 7) / 8 * 8;          /* LEN starts on a byte */
	unsigned len = infl_bits(s, 16);
	unsigned nlen = infl_bits(s, 16);
	infl_check(s, len == (~nlen & 0xffff), ZLIB_E_DATA);
	infl_check(s, s->n - s->bit / 8 >= len, ZLIB_E_TRUNCATED);
	infl_check(s, len <= s->limit - s->out->len, ZLIB_E_TOOBIG);
	buf_put(s->out, s->in + s->bit / 8, len);
	s->bit += 8 * (size_t)len;
}

/* Decodes a Huffman-coded block's symbols up to its end of block. */
static void
infl_codes(struct inflater *s, const struct huffman *lit, const struct huffman *dist)
{
	for (;;) {
		unsigned sym = huff_decode(s, lit);
		if (sym == END_OF_BLOCK)
			return;
		if (sym < END_OF_BLOCK) {               /* a literal byte */
			infl_check(s, s->out->len < s->limit, ZLIB_E_TOOBIG);
			buf_putc(s->out, (uint8_t)sym);
			continue;
		}
		unsigned lc = sym - 257;                /* a length code, then a distance */
		infl_check(s, lc < 29, ZLIB_E_DATA);            /* symbols 286, 287 */
		size_t len = len_base[lc] + infl_bits(s, len_extra[lc]);
		unsigned dc = huff_decode(s, dist);
		infl_check(s, dc < INFL_NDIST, ZLIB_E_DATA);    /* symbols 30, 31 */
		size_t back = dist_base[dc] + infl_bits(s, dist_extra[dc]);
		infl_check(s, back <= s->out->len - s->base, ZLIB_E_DISTANCE);
		infl_check(s, len <= s->limit - s->out->len, ZLIB_E_TOOBIG);
		/* Byte by byte: the copy may overlap what it writes. */
		for (size_t i = 0; i < len; i++)
			buf_putc(s->out, s->out->data[s->out->len - back]);
	}
}

/* A fixed Huffman block (type 1).  The codes are built at the stream's
 * first fixed block and kept: an empty fixed block is only 10 bits, and
 * rebuilding the codes for each of a million of them would cost seconds. */
static void
infl_fixed(struct inflater *s)
{
	if (!s->built_fixed) {
		uint8_t len[INFL_NLITLEN];
		for (size_t i = 0; i < sizeof fixed_litlen / sizeof fixed_litlen[0]; i++) {
			const struct fixed_range *r = &fixed_litlen[i];
			memset(len + r->first, r->bits, r->last - r->first + 1u);
		}
		huff_build(s, &s->fixed_lit, len, INFL_NLITLEN, false);
		memset(len, FIXED_DIST_BITS, FIXED_NDIST);
		huff_build(s, &s->fixed_dist, len, FIXED_NDIST, false);
		s->built_fixed = true;
	}
	infl_codes(s, &s->fixed_lit, &s->fixed_dist);
}

/*
 * A dynamic Huffman block (type 2): the sizes of its two codes, the code
 * length code, then the code lengths in that code (RFC 1951 §3.2.7), one
 * list for both codes: 0-15 are a length; 16 repeats the previous length
 * 3-6 times, 17 a zero 3-10 times, 18 a zero 11-138 times.  Then the data.
 */
static void
infl_dynamic(struct inflater *s)
{
	/* The order in which the code length code's lengths are sent. */
	static const uint8_t clen_order[19] = {
		16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15 };
	static const uint8_t rep_bits[3] = { 2, 3, 7 };     /* for 16, 17, 18 */
	static const uint8_t rep_base[3] = { 3, 3, 11 };
	uint8_t len[INFL_MAXHLIT + INFL_NDIST] = { 0 };
	struct huffman lencode, lit, dist;
	unsigned hlit = infl_bits(s, 5) + 257;
	unsigned hdist = infl_bits(s, 5) + 1;
	unsigned hclen = infl_bits(s, 4) + 4;
	infl_check(s, hlit <= INFL_MAXHLIT && hdist <= INFL_NDIST, ZLIB_E_DATA);
	for (unsigned i = 0; i < hclen; i++)
		len[clen_order[i]] = (uint8_t)infl_bits(s, 3);
	huff_build(s, &lencode, len, 19, false);
	unsigned i = 0;
	while (i < hlit + hdist) {
		/* Each symbol stands for `times` lengths of `value`. */
		unsigned sym = huff_decode(s, &lencode);
		uint8_t value = (uint8_t)sym;
		unsigned times = 1;
		if (sym >= 16) {
			infl_check(s, sym != 16 || i > 0, ZLIB_E_DATA); /* no previous length */
			value = sym == 16 ? len[i - 1] : 0;
			times = rep_base[sym - 16] + infl_bits(s, rep_bits[sym - 16]);
		}
		infl_check(s, times <= hlit + hdist - i, ZLIB_E_DATA);  /* past the last length */
		memset(len + i, value, times);
		i += times;
	}
	infl_check(s, len[END_OF_BLOCK] != 0, ZLIB_E_DATA);     /* no end of block */
	huff_build(s, &lit, len, hlit, true);
	huff_build(s, &dist, len + hlit, hdist, true);
	infl_codes(s, &lit, &dist);
}

/* The header, the blocks up to the final one, and the Adler-32: ZLIB_OK,
 * or the error of the first check that failed, with the output cut back to
 * where it started. */
static int
infl_stream(struct inflater *s)
{
	if (setjmp(s->fail) != 0) {             /* from infl_check */
		s->out->len = s->base;
		return s->err;
	}
	unsigned cmf = infl_bits(s, 8);
	unsigned flg = infl_bits(s, 8);
	infl_check(s, (cmf & 0x0f) == 8, ZLIB_E_HEADER);           /* CM: deflate */
	infl_check(s, cmf >> 4 <= 7, ZLIB_E_HEADER);               /* CINFO: window <= 32 KiB */
	infl_check(s, (cmf << 8 | flg) % 31 == 0, ZLIB_E_HEADER);  /* FCHECK */
	infl_check(s, !(flg & 0x20), ZLIB_E_HEADER);               /* FDICT: no dictionary */
	unsigned final;
	do {
		final = infl_bits(s, 1);
		unsigned type = infl_bits(s, 2);
		infl_check(s, type != 3, ZLIB_E_DATA);                  /* reserved */
		if (type == 0)
			infl_stored(s);
		else if (type == 1)
			infl_fixed(s);
		else
			infl_dynamic(s);
	} while (!final);
	s->bit = (s->bit + 7) / 8 * 8;          /* the Adler-32 starts on a byte */
	infl_check(s, s->n - s->bit / 8 >= 4, ZLIB_E_TRUNCATED);
	const uint8_t *p = s->in + s->bit / 8;
	uint32_t want = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
	uint32_t got = adler32(s->out->data + s->base, s->out->len - s->base);
	infl_check(s, got == want, ZLIB_E_CHECKSUM);
	infl_check(s, s->bit / 8 + 4 == s->n, ZLIB_E_DATA);        /* bytes after it */
	return ZLIB_OK;
}

int
zlib_inflate(const uint8_t *in, size_t n, struct buf *out, size_t cap)
{
	struct inflater s = { .in = in, .n = n, .out = out, .base = out->len };
	s.limit = cap <= SIZE_MAX - out->len ? out->len + cap : SIZE_MAX;
	buf_reserve(out, 1);    /* out->data is not NULL: data + base is defined */
	return infl_stream(&s);
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
		uint8_t c = **p;
		(*p)++;
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
	if (t->type == WT_I64)
		t->v = 8;               /* skipped as bytes */
	else if (t->type == WT_I32)
		t->v = 4;
	else if (t->type != WT_LEN || tlv_varint(p, end, &t->v) < 0)
		return -1;
	if (t->v > (uint64_t)(end - *p))
		return -1;
	t->p = *p;
	*p += t->v;
	return 0;
}

/* A message's fields as protobuf keeps them: the last of each field
 * number and wire type.  An absent field is all zero, so it reads as 0 or
 * as empty, as protobuf reads it, and its `field` is 0. */
#define TLV_FIELDS 9            /* our messages use field numbers 1-8 */
struct tlv_message {
	struct tlv varint[TLV_FIELDS];  /* wire type 0 */
	struct tlv len[TLV_FIELDS];     /* wire type 2 */
};

/* Reads every field in [p, end) into *m: 0, or -1 if any is malformed.
 * Unknown fields are skipped, and so is a known field with another wire
 * type. */
static int
tlv_read_message(const uint8_t *p, const uint8_t *end, struct tlv_message *m)
{
	struct tlv t;
	memset(m, 0, sizeof *m);
	while (p < end) {
		if (tlv_next(&p, end, &t) < 0)
			return -1;
		if (t.field < TLV_FIELDS && t.type == WT_VARINT)
			m->varint[t.field] = t;
		if (t.field < TLV_FIELDS && t.type == WT_LEN)
			m->len[t.field] = t;
	}
	return 0;
}

/* Writes x as a varint at d; returns its length, at most TLV_VARINT_MAX. */
static size_t
tlv_varint_to(uint8_t *d, uint64_t x)
{
	size_t n = 0;
	while (x >= 0x80) {
		d[n] = (uint8_t)(x | 0x80);
		n++;
		x >>= 7;
	}
	d[n] = (uint8_t)x;
	return n + 1;
}

/* Writes a field's key and then v (a varint's value or a length) at d,
 * which has room for 2 * TLV_VARINT_MAX bytes; returns the length. */
static size_t
tlv_put_to(uint8_t *d, uint32_t field, unsigned type, uint64_t v)
{
	size_t n = tlv_varint_to(d, (uint64_t)field << 3 | type);
	return n + tlv_varint_to(d + n, v);
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

int
wire_instruction_decode(const uint8_t *p, size_t n, struct wire_instruction *out)
{
	struct tlv_message m;
	memset(out, 0, sizeof *out);
	if (n == 0)
		return -1;      /* (and p may be NULL) */
	if (tlv_read_message(p, p + n, &m) < 0 || m.varint[1].field == 0)
		return -1;      /* malformed, or no protocol_version */
	out->protocol_version = (uint32_t)m.varint[1].v;
	out->old_num = m.varint[2].v;
	out->new_num = m.varint[3].v;
	out->ack_num = m.varint[4].v;
	out->throwaway_num = m.varint[5].v;
	out->diff_len = (size_t)m.len[6].v;
	out->chaff_len = (size_t)m.len[7].v;
	/* An absent diff or chaff is empty but points into the message, so
	 * that diff + diff_len is always defined. */
	out->diff = m.len[6].field != 0 ? m.len[6].p : p;
	out->chaff = m.len[7].field != 0 ? m.len[7].p : p;
	return 0;
}

/* Appends one event (layout in wire.h): an Instruction (field 1) holding
 * extension `ext`, whose body is one field (its key, then v) and then
 * tail's bytes: the bytes of a Keystroke or HostBytes (not copied first),
 * or a ResizeMessage's second field. */
static void
wire_put_event(struct buf *out, uint32_t ext, uint32_t field, unsigned type, uint64_t v,
    const uint8_t *tail, size_t tail_len)
{
	uint8_t ext_key[2 * TLV_VARINT_MAX], first[2 * TLV_VARINT_MAX];
	size_t first_len = tlv_put_to(first, field, type, v);
	size_t ext_key_len = tlv_put_to(ext_key, ext, WT_LEN, first_len + tail_len);
	tlv_put(out, 1, WT_LEN, ext_key_len + first_len + tail_len);
	buf_put(out, ext_key, ext_key_len);
	buf_put(out, first, first_len);
	buf_put(out, tail, tail_len);
}

void
wire_put_bytes(struct buf *out, const uint8_t *p, size_t n)
{
	wire_put_event(out, WIRE_BYTES, 4, WT_LEN, n, p, n);    /* keys / hoststring */
}

/* int32: negative values are sign-extended to 64 bits, as protobuf does. */
void
wire_put_resize(struct buf *out, int32_t width, int32_t height)
{
	uint8_t height_field[2 * TLV_VARINT_MAX];
	size_t n = tlv_put_to(height_field, 6, WT_VARINT, (uint64_t)(int64_t)height);
	wire_put_event(out, WIRE_RESIZE, 5, WT_VARINT, (uint64_t)(int64_t)width, height_field, n);
}

void
wire_put_echoack(struct buf *out, uint64_t num)
{
	wire_put_event(out, WIRE_ECHOACK, 8, WT_VARINT, num, NULL, 0);  /* echo_ack_num */
}

/* Fills *ev from extension `ext` of type `type`, after checking all of
 * its fields; a missing field reads 0.  The three extensions number their
 * fields apart, so every member is read from its own field number and the
 * type says which members count. */
static int
wire_event_read(struct wire_event *ev, enum wire_event_type type, const struct tlv *ext)
{
	struct tlv_message m;
	if (tlv_read_message(ext->p, ext->p + ext->v, &m) < 0)
		return -1;
	*ev = (struct wire_event){
		.type = type,
		.bytes = m.len[4].p,                    /* keys / hoststring */
		.len = (size_t)m.len[4].v,
		/* int32: the low 32 bits, as protobuf reads them */
		.width = (int32_t)(uint32_t)m.varint[5].v,
		.height = (int32_t)(uint32_t)m.varint[6].v,
		.echo_ack = m.varint[8].v,              /* echo_ack_num */
	};
	return 1;
}

int
wire_next_event(const uint8_t **p, const uint8_t *end, struct wire_event *ev)
{
	static const enum wire_event_type known[3] = { WIRE_BYTES, WIRE_RESIZE, WIRE_ECHOACK };
	struct tlv t;
	struct tlv_message instruction;
	while (*p < end) {
		if (tlv_next(p, end, &t) < 0)
			return -1;
		if (t.field != 1 || t.type != WT_LEN)
			continue;               /* not an instruction */
		if (tlv_read_message(t.p, t.p + t.v, &instruction) < 0)
			return -1;
		/* One event per instruction: its first known extension. */
		for (int i = 0; i < 3; i++)
			if (instruction.len[known[i]].field != 0)
				return wire_event_read(ev, known[i], &instruction.len[known[i]]);
	}
	return 0;
}
