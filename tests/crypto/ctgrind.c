/*
 * ctgrind.c -- the constant-time check of crypto.c (SPEC.md §11.6), after
 * Adam Langley's ctgrind: the key and the plaintext are marked undefined
 * for valgrind memcheck, which then reports every branch taken and every
 * address formed from them.  Only what may be public is declassified: the
 * ciphertext and tag that go on the wire, the one "tag ok" result of
 * ocb_open, and key_decode's verdict on a key text.  Run by
 * tests/crypto/ctgrind.test as
 *   valgrind -q --error-exitcode=1 --suppressions=tests/crypto/ctgrind.supp build/ctgrind-O2
 * Built without sanitizers, at several -O levels (tests/crypto/crypto.mk):
 * compilers may turn masks into branches, so the binary is what counts.
 */
#include <stdio.h>
#include <string.h>
#include <valgrind/memcheck.h>

#include "crypto.h"

#define SECRET(p, n)    VALGRIND_MAKE_MEM_UNDEFINED((p), (n))
#define PUBLIC(p, n)    VALGRIND_MAKE_MEM_DEFINED((p), (n))
#define DGRAM_PT        1228    /* a 1252-byte IPv4 mosh datagram, minus 24 */

int
main(void)
{
	static const size_t lens[] = { 0, 1, 15, 16, 17, 64, 65, 100, DGRAM_PT };
	static uint8_t pt[DGRAM_PT], ct[DGRAM_PT + OCB_TAG_LEN], back[DGRAM_PT];
	uint8_t key[KEY_LEN], nonce[OCB_NONCE_LEN] = { 0 }, ad[24] = { 0 };
	uint8_t block[16], out[16];
	char text[KEY_B64_LEN + 1];
	struct ocb_ctx c;
	struct aes_key k;
	int failures = 0;

	for (size_t i = 0; i < sizeof pt; i++)
		pt[i] = (uint8_t)(i * 7 + 3);
	for (size_t i = 0; i < sizeof key; i++)
		key[i] = (uint8_t)(0xA0 + i);
	memcpy(block, pt, 16);
	SECRET(key, sizeof key);
	SECRET(pt, sizeof pt);
	SECRET(block, sizeof block);

	/* The raw cipher, both directions, and the printable key. */
	aes128_expand(&k, key);
	aes_blocks(&k, block, out, 1, 0);
	aes_blocks(&k, out, out, 1, 1);
	key_encode(key, text);
	crypto_wipe(&k, sizeof k);

	/* Key setup (L table: doubling of secret values), seal, open. */
	ocb_init(&c, key);
	for (size_t i = 0; i < sizeof lens / sizeof lens[0]; i++) {
		size_t len = lens[i], adlen = i % 3 * 9;
		nonce[11] = (uint8_t)(i * 61);
		if (ocb_seal(&c, nonce, sizeof nonce, ad, adlen, pt, len, ct,
		    OCB_TAG_LEN) != 0)
			failures++;
		PUBLIC(ct, len + OCB_TAG_LEN);
		int rc = ocb_open(&c, nonce, sizeof nonce, ad, adlen, ct,
		    len + OCB_TAG_LEN, back, OCB_TAG_LEN);
		PUBLIC(&rc, sizeof rc);
		failures += rc != 0;
		ct[len] ^= 1;                   /* a bad tag: the wipe path */
		rc = ocb_open(&c, nonce, sizeof nonce, ad, adlen, ct,
		    len + OCB_TAG_LEN, back, OCB_TAG_LEN);
		PUBLIC(&rc, sizeof rc);
		failures += rc != -1;
	}
	ocb_wipe(&c);

	/* The key's text, good and bad: every character is secret, the verdict
	 * (well-formed or not, and why) is public.  Only the length may be
	 * learnt by branching, where strnlen finds the end (ctgrind.supp). */
	static const struct { const char *text, *err; } keys[] = {
		{ "AAECAwQFBgcICQoLDA0ODw", NULL },
		{ "!AECAwQFBgcICQoLDA0ODw", "Key must be well-formed base64." },
		{ "AAECAwQFBgcICQoLDA0ODx", "Base64 key was not encoded 128-bit key." },
		{ "AAECAwQFBgcICQoLDA0OD_", "Key must be well-formed base64." }, /* and bits */
	};
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
		uint8_t got[KEY_LEN] = { 0 };
		memcpy(text, keys[i].text, sizeof text);
		SECRET(text, KEY_B64_LEN);
		const char *err = key_decode(text, got);
		PUBLIC(&err, sizeof err);
		const char *want = keys[i].err ? keys[i].err : "ok";
		failures += strcmp(err ? err : "ok", want) != 0;
	}
	if (failures)
		fprintf(stderr, "ctgrind: %d wrong results\n", failures);
	return failures != 0;
}
