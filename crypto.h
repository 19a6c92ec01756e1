/*
 * crypto.h -- AES-128, OCB3 (RFC 7253) and the session key (SPEC.md §11).
 *
 * Constant time throughout (see crypto.c).
 *
 * Bitsliced AES state.  Four 16-byte blocks go through the cipher together
 * as eight 64-bit words q[0..7]: word q[i] holds bit i (0 = least
 * significant) of all 64 bytes.  Byte r + 4c of block j -- row r, column c
 * of the FIPS-197 state -- is bit 16r + 4c + j of every word:
 *
 *   bit 63       48 47       32 31       16 15        0
 *      |  row 3    |  row 2    |  row 1    |  row 0    |
 *   inside a row: bit 4c + j = column c (0..3) of block j (0..3)
 *
 * ShiftRows therefore rotates each 16-bit row by 4r bits, and MixColumns
 * reaches the next row of the same column by rotating the word 16 bits.
 * Round key r is rk[8r .. 8r+7] in the same form, repeated in all four
 * block lanes, so AddRoundKey is eight XORs.
 */
#ifndef CRYPTO_H
#define CRYPTO_H
#include <stddef.h>
#include <stdint.h>

#define KEY_LEN         16          /* AES-128 */
#define KEY_B64_LEN     22          /* base64 of 16 bytes, "==" removed */
#define OCB_NONCE_LEN   12
#define OCB_TAG_LEN     16
#define OCB_BLOCK_LIMIT (1ULL << 47) /* blocks sealed per key, both sides */
#define OCB_L_COUNT     32          /* L_0..L_31: up to 2^32 - 1 blocks */

/* Expanded AES-128 key: 11 round keys in the bitsliced layout above. */
struct aes_key { uint64_t rk[11 * 8]; };

/* One OCB key: the AES key, its L table, the usage counter, and the last
 * Ktop (RFC 7253 §4.2), which nonces differing only in their low 6 bits
 * share: consecutive mosh sequence numbers reuse it 63 times in 64. */
struct ocb_ctx {
	struct aes_key aes;
	uint8_t lstar[16], ldollar[16];
	uint8_t l[OCB_L_COUNT][16];
	uint8_t ktop_nonce[16], ktop[16];   /* all-zero nonce block: none yet */
	uint64_t blocks_sealed;     /* partial blocks count as one */
};

/* Raw AES-128 (FIPS-197), for OCB and the known-answer tests: n blocks,
 * at most 4, enciphered (decipher 0) or deciphered; in == out allowed. */
void aes128_expand(struct aes_key *k, const uint8_t key[KEY_LEN]);
void aes_blocks(const struct aes_key *k, const uint8_t *in, uint8_t *out,
    size_t n, int decipher);

void ocb_init(struct ocb_ctx *c, const uint8_t key[KEY_LEN]);
void ocb_wipe(struct ocb_ctx *c);

/* out = ciphertext (len bytes) then a taglen-byte tag (1..16); nonce 1..15
 * bytes, ad NULL if adlen is 0, pt == out allowed.  Returns 0, or -1 with
 * out untouched for a bad length or at OCB_BLOCK_LIMIT (the key must go). */
int ocb_seal(struct ocb_ctx *c, const uint8_t *nonce, size_t noncelen,
    const uint8_t *ad, size_t adlen, const uint8_t *pt, size_t len,
    uint8_t *out, size_t taglen);

/* Writes len - taglen bytes of plaintext and returns 0; a bad tag returns
 * -1 with them zeroed, a bad length -1 with out untouched.  ct == out ok. */
int ocb_open(struct ocb_ctx *c, const uint8_t *nonce, size_t noncelen,
    const uint8_t *ad, size_t adlen, const uint8_t *ct, size_t len,
    uint8_t *out, size_t taglen);

/* Session key: the 22-character form; decode returns NULL, or the reason
 * (SPEC.md §11.1). */
void key_encode(const uint8_t key[KEY_LEN], char out[KEY_B64_LEN + 1]);
const char *key_decode(const char *text, uint8_t key[KEY_LEN]);

/* n <= 256 bytes of the kernel's randomness: 0, or -1 with buf zeroed.
 * The one source of randomness: the key, the first sequence number and
 * the chaff all come from here. */
int crypto_random(void *buf, size_t n);
/* Zeroes n bytes; the compiler may not leave it out. */
void crypto_wipe(void *p, size_t n);
#endif
