/*
 * crypto.h -- AES-128, OCB3 (RFC 7253) and the session key (SPEC.md §2).
 *
 * Everything that touches key or plaintext runs in constant time: no table
 * lookup and no branch is indexed by secret data.  See crypto.c.
 */
#ifndef CRYPTO_H
#define CRYPTO_H
#include <stddef.h>
#include <stdint.h>

#define AES_BLOCK_LEN   16
#define KEY_LEN         16          /* AES-128 */
#define KEY_B64_LEN     22          /* base64 of 16 bytes, "==" removed */
#define OCB_NONCE_LEN   12
#define OCB_TAG_LEN     16
#define OCB_BLOCK_LIMIT (1ULL << 47) /* blocks sealed per key, both sides */
#define OCB_L_COUNT     32          /* L_0..L_31: messages up to 2^32 blocks */

/* Expanded AES-128 key; the layout of rk is private to crypto.c. */
struct aes_key {
	uint64_t rk[11 * 8];
};

/* One OCB key: the AES key, its L table and the usage counter. */
struct ocb_ctx {
	struct aes_key aes;
	uint8_t lstar[16], ldollar[16];
	uint8_t l[OCB_L_COUNT][16];
	uint64_t blocks_sealed;     /* partial blocks count as one */
};

/* Raw AES-128 (FIPS-197), for the known-answer tests and OCB. */
void aes128_expand(struct aes_key *k, const uint8_t key[KEY_LEN]);
void aes128_encrypt(const struct aes_key *k, const uint8_t in[16], uint8_t out[16]);
void aes128_decrypt(const struct aes_key *k, const uint8_t in[16], uint8_t out[16]);

void ocb_init(struct ocb_ctx *c, const uint8_t key[KEY_LEN]);
void ocb_wipe(struct ocb_ctx *c);

/*
 * Seals len bytes of pt under the nonce: out receives len bytes of
 * ciphertext followed by a taglen-byte tag (taglen 16 for mosh; 12 and 8
 * exist for the RFC vectors).  ad may be NULL when adlen is 0.  pt and out
 * may be the same buffer.  Returns 0, or -1 if the key has sealed
 * OCB_BLOCK_LIMIT blocks (out is then untouched and the key must go).
 */
int ocb_seal(struct ocb_ctx *c, const uint8_t *nonce, size_t noncelen,
    const uint8_t *ad, size_t adlen, const uint8_t *pt, size_t len,
    uint8_t *out, size_t taglen);

/*
 * Opens len bytes (ciphertext then tag).  On success writes len - taglen
 * bytes of plaintext to out and returns 0.  On a bad tag (or len < taglen)
 * returns -1 and out is wiped: no plaintext is released.
 */
int ocb_open(struct ocb_ctx *c, const uint8_t *nonce, size_t noncelen,
    const uint8_t *ad, size_t adlen, const uint8_t *ct, size_t len,
    uint8_t *out, size_t taglen);

/* Session key: fresh random bytes, and the 22-character printable form. */
int key_generate(uint8_t key[KEY_LEN]);                 /* 0, or -1 */
void key_encode(const uint8_t key[KEY_LEN], char out[KEY_B64_LEN + 1]);
/* Returns NULL on success, else the reason (SPEC.md §2.1). */
const char *key_decode(const char *text, uint8_t key[KEY_LEN]);

/* Wipes memory in a way the compiler may not remove. */
void crypto_wipe(void *p, size_t n);
#endif
