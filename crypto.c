/*
 * crypto.c -- AES-128, OCB3 and the session key: the layer that seals and
 * opens every datagram (SPEC.md §11).
 *
 * Three layers, each using only the one below it.  (1) AES-128 (FIPS-197),
 * bitsliced: four blocks at a time as eight 64-bit words, one per bit of
 * every byte (layout in crypto.h); SubBytes is a Boolean circuit on whole
 * words, inverted by two affine maps around it; ShiftRows and MixColumns
 * are masks, shifts and rotations.  (2) OCB3 exactly as RFC 7253, four
 * blocks per AES pass; the tag check has no data-dependent branch and a
 * failed open zeroes its output through a mask.  (3) The session key and
 * its base64 form, decoded by arithmetic rather than a table.
 * Invariant: no table index, branch or loop count depends on the key (its
 * text included), the plaintext or anything derived from them -- only on
 * lengths and on the nonce, which travels in clear (tests/crypto/ctgrind.test
 * checks the compiled code).  Secret temporaries are wiped before return;
 * ocb_wipe wipes keys.
 *
 * Two services for the rest of the program, each decided in one place
 * with plain POSIX 2008 as the fallback: crypto_random, the only source of
 * randomness (getentropy where a header declares it, else /dev/urandom),
 * and crypto_wipe, a wipe the compiler may not remove (memset called
 * through a volatile pointer; explicit_bzero is not POSIX).
 */
#include "crypto.h"

#include <fcntl.h>
#include <string.h>
#include <unistd.h>

/*
 * Kernel randomness: getentropy(3) where a header declares it, else
 * /dev/urandom (crypto_random).  getentropy is POSIX only since 2024 (in
 * <unistd.h>); glibc 2.25 and later declare it in <sys/random.h> whatever
 * the feature macros say.  Elsewhere (musl, the BSDs and macOS under the
 * strict POSIX 2008 flags) the device is read, as mosh's own PRNG does
 * (src/crypto/prng.h).
 */
#if defined(__GLIBC__) && (__GLIBC__ > 2 || __GLIBC_MINOR__ >= 25)
#include <sys/random.h>
#define CRYPTO_HAVE_GETENTROPY 1
#elif _POSIX_VERSION >= 202405L
#define CRYPTO_HAVE_GETENTROPY 1
#endif

#define AES_ROUNDS      10
#define AES_BATCH       4           /* blocks per pass of the circuit */
#define OCB_NONCE_MAX   15          /* RFC 7253: nonces of at most 120 bits */
#define OCB_MSG_BLOCKS  ((1ULL << OCB_L_COUNT) - 1) /* ntz(i) < OCB_L_COUNT */

/* ---- 1. Bitsliced AES-128 ---- */
/* Bytes to bit planes (SPEC.md §11.2).  The 512 state bits are numbered
 * by 9 bits: the word (3) and the place in it (6).  aes_load puts row r,
 * column c of block j in byte 2r + c / 2 of word j + 4 (c % 2), so a bit
 * of it has place (bit in byte) + 8 (c / 2) + 16r.  aes_words exchanges
 * word bit k with place bit k, k = 0, 1, 2: the place becomes j + 4c + 16r
 * and the word the bit in the byte, crypto.h's layout.  The three swaps
 * commute, so aes_words is its own inverse: aes_store runs it, then puts
 * the bytes back. */

/* Exchanges bits p + s of *a with bits p of *b, p in mask. */
static void
aes_swap(uint64_t *a, uint64_t *b, uint64_t mask, int s)
{
	uint64_t t = ((*a >> s) ^ *b) & mask;
	*b ^= t;
	*a ^= t << s;
}

static void
aes_words(uint64_t q[8])
{
	for (int a = 0; a < 4; a++)
		aes_swap(&q[a], &q[a + 4], 0x0F0F0F0F0F0F0F0FULL, 4);
	for (int a = 0; a < 8; a += (a & 1) ? 3 : 1)       /* 0, 1, 4, 5 */
		aes_swap(&q[a], &q[a + 2], 0x3333333333333333ULL, 2);
	for (int a = 0; a < 8; a += 2)
		aes_swap(&q[a], &q[a + 1], 0x5555555555555555ULL, 1);
}

/* Where byte i of word w belongs: block w % 4, row i / 2, column
 * w / 4 + 2 (i % 2) (see above). */
static int
aes_byte_at(int w, int i)
{
	return 16 * (w % 4) + 4 * (w / 4) + 8 * (i % 2) + i / 2;
}

static void
aes_load(uint64_t q[8], const uint8_t in[16 * AES_BATCH])
{
	for (int w = 0; w < 8; w++) {
		q[w] = 0;
		for (int i = 7; i >= 0; i--)
			q[w] = q[w] << 8 | in[aes_byte_at(w, i)];
	}
	aes_words(q);
}

static void
aes_store(uint8_t out[16 * AES_BATCH], uint64_t q[8])
{
	aes_words(q);
	for (int w = 0; w < 8; w++)
		for (int i = 0; i < 8; i++)
			out[aes_byte_at(w, i)] = (uint8_t)(q[w] >> 8 * i);
}

/* SubBytes on 64 bytes: Boyar and Peralta's depth-16 circuit ("A depth-16
 * circuit for the AES S-box", 2011; 34 AND, 94 XOR/XNOR), u0 and s0 most
 * significant.  t: top linear layer, m: inversion core, l: bottom layer. */
static void
aes_sbox(uint64_t q[8])
{
	uint64_t u0 = q[7], u1 = q[6], u2 = q[5], u3 = q[4];
	uint64_t u4 = q[3], u5 = q[2], u6 = q[1], u7 = q[0];
	uint64_t t1 = u0 ^ u3, t2 = u0 ^ u5, t3 = u0 ^ u6, t4 = u3 ^ u5;
	uint64_t t5 = u4 ^ u6, t6 = t1 ^ t5, t7 = u1 ^ u2, t8 = u7 ^ t6;
	uint64_t t9 = u7 ^ t7, t10 = t6 ^ t7, t11 = u1 ^ u5, t12 = u2 ^ u5;
	uint64_t t13 = t3 ^ t4, t14 = t6 ^ t11, t15 = t5 ^ t11, t16 = t5 ^ t12;
	uint64_t t17 = t9 ^ t16, t18 = u3 ^ u7, t19 = t7 ^ t18, t20 = t1 ^ t19;
	uint64_t t21 = u6 ^ u7, t22 = t7 ^ t21, t23 = t2 ^ t22, t24 = t2 ^ t10;
	uint64_t t25 = t20 ^ t17, t26 = t3 ^ t16, t27 = t1 ^ t12;
	uint64_t m1 = t13 & t6, m2 = t23 & t8, m3 = t14 ^ m1, m4 = t19 & u7;
	uint64_t m5 = m4 ^ m1, m6 = t3 & t16, m7 = t22 & t9, m8 = t26 ^ m6;
	uint64_t m9 = t20 & t17, m10 = m9 ^ m6, m11 = t1 & t15, m12 = t4 & t27;
	uint64_t m13 = m12 ^ m11, m14 = t2 & t10, m15 = m14 ^ m11;
	uint64_t m16 = m3 ^ m2, m17 = m5 ^ t24, m18 = m8 ^ m7, m19 = m10 ^ m15;
	uint64_t m20 = m16 ^ m13, m21 = m17 ^ m15, m22 = m18 ^ m13;
	uint64_t m23 = m19 ^ t25, m24 = m22 ^ m23, m25 = m22 & m20;
	uint64_t m26 = m21 ^ m25, m27 = m20 ^ m21, m28 = m23 ^ m25;
	uint64_t m29 = m28 & m27, m30 = m26 & m24, m31 = m20 & m23;
	uint64_t m32 = m27 & m31, m33 = m27 ^ m25, m34 = m21 & m22;
	uint64_t m35 = m24 & m34, m36 = m24 ^ m25, m37 = m21 ^ m29;
	uint64_t m38 = m32 ^ m33, m39 = m23 ^ m30, m40 = m35 ^ m36;
	uint64_t m41 = m38 ^ m40, m42 = m37 ^ m39, m43 = m37 ^ m38;
	uint64_t m44 = m39 ^ m40, m45 = m42 ^ m41, m46 = m44 & t6;
	uint64_t m47 = m40 & t8, m48 = m39 & u7, m49 = m43 & t16;
	uint64_t m50 = m38 & t9, m51 = m37 & t17, m52 = m42 & t15;
	uint64_t m53 = m45 & t27, m54 = m41 & t10, m55 = m44 & t13;
	uint64_t m56 = m40 & t23, m57 = m39 & t19, m58 = m43 & t3;
	uint64_t m59 = m38 & t22, m60 = m37 & t20, m61 = m42 & t1;
	uint64_t m62 = m45 & t4, m63 = m41 & t2;
	uint64_t l0 = m61 ^ m62, l1 = m50 ^ m56, l2 = m46 ^ m48;
	uint64_t l3 = m47 ^ m55, l4 = m54 ^ m58, l5 = m49 ^ m61, l6 = m62 ^ l5;
	uint64_t l7 = m46 ^ l3, l8 = m51 ^ m59, l9 = m52 ^ m53, l10 = m53 ^ l4;
	uint64_t l11 = m60 ^ l2, l12 = m48 ^ m51, l13 = m50 ^ l0;
	uint64_t l14 = m52 ^ m61, l15 = m55 ^ l1, l16 = m56 ^ l0;
	uint64_t l17 = m57 ^ l1, l18 = m58 ^ l8, l19 = m63 ^ l4, l20 = l0 ^ l1;
	uint64_t l21 = l1 ^ l7, l22 = l3 ^ l12, l23 = l18 ^ l2, l24 = l15 ^ l9;
	uint64_t l25 = l6 ^ l10, l26 = l7 ^ l9, l27 = l8 ^ l10;
	uint64_t l28 = l11 ^ l14, l29 = l11 ^ l17;
	q[7] = l6 ^ l24;
	q[6] = ~(l16 ^ l26);
	q[5] = ~(l19 ^ l28);
	q[4] = l6 ^ l21;
	q[3] = l20 ^ l22;
	q[2] = l25 ^ l29;
	q[1] = ~(l13 ^ l27);
	q[0] = ~(l6 ^ l23);
}

/* S(x) = A(x^-1) ^ 0x63, so InvS = f o S o f with f(y) = A^-1(y ^ 0x63),
 * b'_i = b_i+2 ^ b_i+5 ^ b_i+7 ^ (bit i of 0x05) (FIPS-197 §5.3.2). */
static void
aes_inv_sbox(uint64_t q[8])
{
	for (int pass = 0; pass < 2; pass++) {
		uint64_t q0 = q[0], q1 = q[1], q2 = q[2], q3 = q[3];
		uint64_t q4 = q[4], q5 = q[5], q6 = q[6], q7 = q[7];
		/* q[i] = q_i+2 ^ q_i+5 ^ q_i+7, complemented where 0x05 has a 1 */
		q[0] = ~(q2 ^ q5 ^ q7);
		q[1] = q3 ^ q6 ^ q0;
		q[2] = ~(q4 ^ q7 ^ q1);
		q[3] = q5 ^ q0 ^ q2;
		q[4] = q6 ^ q1 ^ q3;
		q[5] = q7 ^ q2 ^ q4;
		q[6] = q0 ^ q3 ^ q5;
		q[7] = q1 ^ q4 ^ q6;
		if (pass == 0)
			aes_sbox(q);
	}
}

/* Row r (16 bits) rotates right by 4r bits, or left for the inverse. */
static void
aes_shift_rows(uint64_t q[8], int inverse)
{
	int s1 = inverse ? 12 : 4, s3 = 16 - s1;        /* rows 1, 3: right */
	for (int i = 0; i < 8; i++) {
		uint64_t x = q[i], r1 = x >> 16 & 0xFFFF, r2 = x >> 32 & 0xFFFF;
		uint64_t r3 = x >> 48;
		q[i] = (x & 0xFFFF) | ((r1 >> s1 | r1 << s3) & 0xFFFF) << 16
		    | ((r2 >> 8 | r2 << 8) & 0xFFFF) << 32
		    | ((r3 >> s3 | r3 << s1) & 0xFFFF) << 48;
	}
}

/* Multiplies every byte by x (FIPS-197 xtime): modulo x^8+x^4+x^3+x+1. */
static void
aes_xtime(uint64_t x[8])
{
	uint64_t hi = x[7];

	/* Each bit one place up; the top bit comes back as x^4 + x^3 + x + 1.
	 * (Written out: a loop here costs a fifth of the cipher's speed.) */
	x[7] = x[6];
	x[6] = x[5];
	x[5] = x[4];
	x[4] = x[3] ^ hi;
	x[3] = x[2] ^ hi;
	x[2] = x[1];
	x[1] = x[0] ^ hi;
	x[0] = hi;
}

/* s'_r = 2(s_r ^ s_r+1) ^ s_r+1 ^ s_r+2 ^ s_r+3; InvMixColumns is the
 * same after s_r ^= 4(s_r ^ s_r+2) (the Rijndael book's factoring).
 * Rotating a word right by 16k bits brings row r + k to row r. */
static void
aes_mix_columns(uint64_t q[8], int inverse)
{
	uint64_t t[8];
	if (inverse) {
		for (int i = 0; i < 8; i++)
			t[i] = q[i] ^ (q[i] >> 32 | q[i] << 32);
		aes_xtime(t);
		aes_xtime(t);
		for (int i = 0; i < 8; i++)
			q[i] ^= t[i];
	}
	for (int i = 0; i < 8; i++) {
		uint64_t up1 = q[i] >> 16 | q[i] << 48;
		t[i] = q[i] ^ up1;
		q[i] = up1 ^ (t[i] >> 32 | t[i] << 32);
	}
	aes_xtime(t);
	for (int i = 0; i < 8; i++)
		q[i] ^= t[i];
}

static void
aes_add_round_key(uint64_t q[8], const struct aes_key *k, int round)
{
	for (int i = 0; i < 8; i++)
		q[i] ^= k->rk[8 * round + i];
}

/* One pass of the circuit: up to AES_BATCH blocks. */
void
aes_blocks(const struct aes_key *k, const uint8_t *in, uint8_t *out,
    size_t n, int decipher)
{
	uint8_t buf[16 * AES_BATCH] = { 0 };
	uint64_t q[8];
	memcpy(buf, in, 16 * n);
	aes_load(q, buf);
	/* FIPS-197 Cipher, or InvCipher with InvSubBytes first: it commutes
	 * with InvShiftRows, so both run the same steps in the same order. */
	aes_add_round_key(q, k, decipher ? AES_ROUNDS : 0);
	for (int i = 1; i <= AES_ROUNDS; i++) {
		int r = decipher ? AES_ROUNDS - i : i;  /* this round's key */
		if (decipher)
			aes_inv_sbox(q);
		else
			aes_sbox(q);
		aes_shift_rows(q, decipher);
		if (!decipher && r < AES_ROUNDS)
			aes_mix_columns(q, 0);
		aes_add_round_key(q, k, r);
		if (decipher && r > 0)
			aes_mix_columns(q, 1);
	}
	aes_store(buf, q);
	memcpy(out, buf, 16 * n);
	crypto_wipe(buf, sizeof buf);
	crypto_wipe(q, sizeof q);
}

/* FIPS-197 §5.2, with SubWord through the same circuit. */
void
aes128_expand(struct aes_key *k, const uint8_t key[KEY_LEN])
{
	static const uint8_t rcon[AES_ROUNDS] =
	    { 0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40, 0x80, 0x1b, 0x36 };
	uint8_t w[16 * (AES_ROUNDS + 1)], buf[16 * AES_BATCH] = { 0 };
	uint64_t q[8];
	memcpy(w, key, 16);
	for (int i = 16; i < 16 * (AES_ROUNDS + 1); i += 4) {
		for (int j = 0; j < 4; j++)     /* RotWord if i % 16 == 0 */
			buf[j] = w[i - 4 + (i % 16 ? j : (j + 1) % 4)];
		if (i % 16 == 0) {
			aes_load(q, buf);
			aes_sbox(q);
			aes_store(buf, q);
			buf[0] ^= rcon[i / 16 - 1];
		}
		for (int j = 0; j < 4; j++)
			w[i + j] = w[i - 16 + j] ^ buf[j];
	}
	for (int r = 0; r <= AES_ROUNDS; r++) {
		for (int j = 0; j < AES_BATCH; j++)
			memcpy(buf + 16 * j, w + 16 * r, 16);
		aes_load(k->rk + 8 * r, buf);
	}
	crypto_wipe(w, sizeof w);
	crypto_wipe(buf, sizeof buf);
	crypto_wipe(q, sizeof q);
}

/* ---- 2. OCB3 (RFC 7253) ---- */
enum ocb_mode { OCB_HASH, OCB_SEAL, OCB_OPEN };

static void
ocb_xor(uint8_t *out, const uint8_t *a, const uint8_t *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		out[i] = a[i] ^ b[i];
}

/* Times x in GF(2^128); the top bit of a key-derived L is masked in. */
static void
ocb_double(uint8_t out[16], const uint8_t in[16])
{
	uint8_t reduce = (uint8_t)(0u - (in[0] >> 7)) & 0x87;
	for (int i = 0; i < 15; i++)
		out[i] = (uint8_t)(in[i] << 1 | in[i + 1] >> 7);
	out[15] = (uint8_t)(in[15] << 1) ^ reduce;
}

/* L_* = E(0), L_$ = double(L_*), L_0 = double(L_$), L_i = double(L_i-1). */
void
ocb_init(struct ocb_ctx *c, const uint8_t key[KEY_LEN])
{
	memset(c, 0, sizeof *c);
	aes128_expand(&c->aes, key);
	aes_blocks(&c->aes, c->lstar, c->lstar, 1, 0);
	ocb_double(c->ldollar, c->lstar);
	ocb_double(c->l[0], c->ldollar);
	for (int i = 1; i < OCB_L_COUNT; i++)
		ocb_double(c->l[i], c->l[i - 1]);
}

void
ocb_wipe(struct ocb_ctx *c) { crypto_wipe(c, sizeof *c); }

/* The number of trailing zero bits of i > 0, a block's number: public. */
static unsigned
ocb_ntz(uint64_t i)
{
	unsigned n = 0;

	for (; (i & 1) == 0; i >>= 1)
		n++;
	return n;
}

/* n full blocks, four per AES pass, Offset_i = Offset_i-1 ^ L_ntz(i):
 *   OCB_HASH: sum ^= E(A_i ^ Offset_i)                 (HASH, RFC 7253 §4.1)
 *   OCB_SEAL: out = Offset_i ^ E(P_i ^ Offset_i), sum ^= P_i
 *   OCB_OPEN: out = Offset_i ^ D(C_i ^ Offset_i), sum ^= out
 * in and out may alias: each batch is read whole before it is written. */
static void
ocb_blocks(const struct ocb_ctx *c, enum ocb_mode mode, uint8_t off[16],
    uint8_t sum[16], const uint8_t *in, uint8_t *out, size_t n)
{
	uint8_t v[2 * 16 * AES_BATCH], *x = v, *offs = v + 16 * AES_BATCH;
	for (size_t done = 0; done < n; done += AES_BATCH) {
		size_t b = n - done < AES_BATCH ? n - done : AES_BATCH;
		for (size_t j = 0; j < b; j++) {
			const uint8_t *p = in + 16 * (done + j);      /* block i = done + j + 1 */
			ocb_xor(off, off, c->l[ocb_ntz(done + j + 1)], 16);
			memcpy(offs + 16 * j, off, 16);
			ocb_xor(x + 16 * j, p, off, 16);
			if (mode == OCB_SEAL)
				ocb_xor(sum, sum, p, 16);
		}
		aes_blocks(&c->aes, x, x, b, mode == OCB_OPEN);
		for (size_t j = 0; j < b; j++) {
			uint8_t *y = x + 16 * j;
			if (mode != OCB_HASH) {
				y = out + 16 * (done + j);
				ocb_xor(y, x + 16 * j, offs + 16 * j, 16);
			}
			if (mode != OCB_SEAL)
				ocb_xor(sum, sum, y, 16);
		}
	}
	crypto_wipe(v, sizeof v);
}

/*
 * RFC 7253 §4.1-§4.3, both ways: len bytes in -> out and the whole tag.
 * Returns -1, writing nothing, when a (public) length is out of range.
 * The nonce block is taglen mod 128 (7 bits) || zeros || 1 || N; its low
 * 6 bits pick the window of Stretch that is Offset_0.  All public.
 */
static int
ocb_crypt(struct ocb_ctx *c, enum ocb_mode mode, const uint8_t *nonce,
    size_t noncelen, const uint8_t *ad, size_t adlen, const uint8_t *in,
    size_t len, uint8_t *out, size_t taglen, uint8_t tag[16])
{
	uint8_t nb[16] = { 0 }, v[64 + 24] = { 0 };     /* v: secrets, wiped */
	uint8_t *off = v, *sum = v + 16, *hash = v + 32, *pad = v + 48;
	uint8_t *stretch = v + 64;
	size_t full = len / 16, rest = len % 16, adrest = adlen % 16;
	if (noncelen < 1 || noncelen > OCB_NONCE_MAX || taglen < 1 ||
	    taglen > OCB_TAG_LEN || full > OCB_MSG_BLOCKS ||
	    adlen / 16 > OCB_MSG_BLOCKS)
		return -1;
	ocb_blocks(c, OCB_HASH, off, hash, ad, NULL, adlen / 16);
	if (adrest) {
		ocb_xor(off, off, c->lstar, 16);
		memcpy(pad, off, 16);
		ocb_xor(pad, pad, ad + adlen - adrest, adrest);
		pad[adrest] ^= 0x80;
		aes_blocks(&c->aes, pad, pad, 1, 0);
		ocb_xor(hash, hash, pad, 16);
	}
	nb[0] = (uint8_t)(taglen * 8 % 128 << 1);
	nb[15 - noncelen] |= 1;
	memcpy(nb + 16 - noncelen, nonce, noncelen);
	unsigned bottom = nb[15] & 63, sh = bottom % 8;
	nb[15] &= 0xC0;
	if (memcmp(nb, c->ktop_nonce, 16) != 0) {     /* Ktop cache */
		aes_blocks(&c->aes, nb, c->ktop, 1, 0);
		memcpy(c->ktop_nonce, nb, 16);
	}
	memcpy(stretch, c->ktop, 16);
	ocb_xor(stretch + 16, c->ktop, c->ktop + 1, 8);
	for (int i = 0; i < 16; i++) {
		const uint8_t *p = stretch + i + bottom / 8;
		off[i] = (uint8_t)(p[0] << sh | p[1] >> (8 - sh));
	}
	ocb_blocks(c, mode, off, sum, in, out, full);
	if (rest) {
		const uint8_t *p = (mode == OCB_SEAL ? in : out) + 16 * full;
		ocb_xor(off, off, c->lstar, 16);
		aes_blocks(&c->aes, off, pad, 1, 0);
		if (mode == OCB_SEAL)   /* before out (maybe in) changes */
			ocb_xor(sum, sum, p, rest);
		ocb_xor(out + 16 * full, in + 16 * full, pad, rest);
		if (mode == OCB_OPEN)
			ocb_xor(sum, sum, p, rest);
		sum[rest] ^= 0x80;
	}
	ocb_xor(sum, sum, off, 16);
	ocb_xor(sum, sum, c->ldollar, 16);
	aes_blocks(&c->aes, sum, tag, 1, 0);
	ocb_xor(tag, tag, hash, 16);
	crypto_wipe(v, sizeof v);
	return 0;
}

int
ocb_seal(struct ocb_ctx *c, const uint8_t *nonce, size_t noncelen,
    const uint8_t *ad, size_t adlen, const uint8_t *pt, size_t len,
    uint8_t *out, size_t taglen)
{
	uint64_t blocks = len / 16 + (len % 16 != 0);
	uint8_t tag[16];
	if (blocks >= OCB_BLOCK_LIMIT - c->blocks_sealed ||
	    ocb_crypt(c, OCB_SEAL, nonce, noncelen, ad, adlen, pt, len, out,
	    taglen, tag) != 0)
		return -1;
	c->blocks_sealed += blocks;
	memcpy(out + len, tag, taglen);
	return 0;
}

int
ocb_open(struct ocb_ctx *c, const uint8_t *nonce, size_t noncelen,
    const uint8_t *ad, size_t adlen, const uint8_t *ct, size_t len,
    uint8_t *out, size_t taglen)
{
	uint8_t tag[16];
	unsigned diff = 0;
	if (len < taglen || ocb_crypt(c, OCB_OPEN, nonce, noncelen, ad, adlen,
	    ct, len - taglen, out, taglen, tag) != 0)
		return -1;
	len -= taglen;
	for (size_t i = 0; i < taglen; i++)
		diff |= tag[i] ^ ct[len + i];
	unsigned bad = (0u - diff) >> 31;       /* 1 iff diff != 0 */
	uint8_t keep = (uint8_t)(bad - 1);      /* 0xff if good, 0 if bad */
	for (size_t i = 0; i < len; i++)
		out[i] &= keep;
	crypto_wipe(tag, sizeof tag);
	return -(int)bad;
}

/* ---- 3. The session key ---- */
/* -1 if lo <= c <= hi, else 0: the sign of both differences, no branch. */
static int
key_in(int c, int lo, int hi)
{
	return -(int)((unsigned)((lo - 1 - c) & (c - hi - 1)) >> 31);
}

/* Base64 alphabet position of c, or -1 when c is not in it. */
static int
key_b64_value(int c)
{
	return -1 + (key_in(c, 'A', 'Z') & (c - 'A' + 1))
	    + (key_in(c, 'a', 'z') & (c - 'a' + 27))
	    + (key_in(c, '0', '9') & (c - '0' + 53))
	    + (key_in(c, '+', '+') & 63) + (key_in(c, '/', '/') & 64);
}

/* The character for v in 0..63: 'A' + v, moved at each range it passes. */
static char
key_b64_char(int v)
{
	return (char)('A' + v + (key_in(v, 26, 63) & ('a' - 'A' - 26))
	    - (key_in(v, 52, 63) & ('a' - '0' + 26))
	    - (key_in(v, 62, 63) & ('0' + 10 - '+'))
	    + (key_in(v, 63, 63) & ('/' - '+' - 1)));
}

/* Character k carries key bits 6k .. 6k+5, most significant first. */
void
key_encode(const uint8_t key[KEY_LEN], char out[KEY_B64_LEN + 1])
{
	for (int k = 0; k < KEY_B64_LEN; k++) {
		int byte = 6 * k / 8, sh = 6 * k % 8;
		unsigned w = (unsigned)key[byte] << 8;
		if (byte + 1 < KEY_LEN)
			w |= key[byte + 1];
		out[k] = key_b64_char((int)(w >> (10 - sh)) & 63);
	}
	out[KEY_B64_LEN] = '\0';
}

/* Mosh's three checks, in its order (SPEC.md §11.1); canonical form means
 * the 4 bits past the 128 are zero, which is what re-encoding checks.
 * Only the length is found by branching (it is public); the characters
 * are judged and the key written through masks, and the verdict is a
 * pointer chosen by masks too, for the caller to branch on. */
const char *
key_decode(const char *text, uint8_t key[KEY_LEN])
{
	static const char bad_char[] = "Key must be well-formed base64.";
	static const char bad_tail[] = "Base64 key was not encoded 128-bit key.";
	uint8_t buf[KEY_LEN];
	unsigned acc = 0, bad = 0;
	if (strnlen(text, KEY_B64_LEN + 1) != KEY_B64_LEN)
		return "Key must be 22 letters long.";
	/* As in key_encode, character k holds bits 6k .. 6k+5: the byte they
	 * begin in is whole once 6(k+1) bits are, and its place is public. */
	for (int k = 0; k < KEY_B64_LEN; k++) {
		int v = key_b64_value((unsigned char)text[k]);
		int byte = 6 * k / 8;
		bad |= (unsigned)v >> 31;
		acc = acc << 6 | ((unsigned)v & 63);
		if (6 * (k + 1) / 8 > byte)     /* the bits after it stay in acc */
			buf[byte] = (uint8_t)(acc >> 6 * (k + 1) % 8);
	}
	/* Masks of all ones or all zeros: a bad character, else (mosh's
	 * order) bits set past the 128; the key is written only if neither. */
	unsigned tail_set = ((acc & 15) + 15) >> 4;            /* 1 iff acc & 15 */
	uintptr_t char_mask = 0 - (uintptr_t)bad;
	uintptr_t tail_mask = (0 - (uintptr_t)tail_set) & ~char_mask;
	uint8_t keep = (uint8_t)~(char_mask | tail_mask);       /* 0xff iff good */
	for (int i = 0; i < KEY_LEN; i++)
		key[i] = (uint8_t)((buf[i] & keep) | (key[i] & ~keep));
	crypto_wipe(buf, sizeof buf);
	crypto_wipe(&acc, sizeof acc);
	uintptr_t verdict = ((uintptr_t)bad_char & char_mask) | ((uintptr_t)bad_tail & tail_mask);
	return (const char *)verdict;
}

/* ---- 4. Randomness and wiping, for every file ---- */
/* The kernel's randomness; the choice of source is made above, by the
 * headers this system has (SPEC.md §11.1). */
int
crypto_random(void *buf, size_t n)
{
	ssize_t got = -1;
	int fd;

#ifdef CRYPTO_HAVE_GETENTROPY
	/* Up to 256 bytes come whole once the kernel's pool is ready. */
	if (getentropy(buf, n) == 0)
		return 0;
#endif
	/* No getentropy, or a kernel without the system call under it
	 * (Linux before 3.17 has no getrandom(2)).  A read of up to 256 bytes
	 * from the device is never short and never interrupted by a signal. */
	fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		got = read(fd, buf, n);
		close(fd);
	}
	if (got == (ssize_t)n)
		return 0;
	crypto_wipe(buf, n);
	return -1;
}

/*
 * A wipe is a store that nothing reads afterwards, which a compiler may
 * delete.  Calling memset through a volatile pointer stops that: the
 * compiler must load the pointer at run time, so it cannot know that the
 * call is memset, nor drop it.  (explicit_bzero and memset_s do the same
 * job but are not in POSIX 2008.)
 */
static void *(*const volatile crypto_memset)(void *, int, size_t) = memset;

void
crypto_wipe(void *p, size_t n) { crypto_memset(p, 0, n); }
