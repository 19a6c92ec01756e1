/*
 * test_crypto.c -- known answers for crypto.c (SPEC.md §11): AES-128 from
 * FIPS-197, OCB3 from RFC 7253 and draft-krovetz-ocb-03, the session key
 * form from mosh's base64 test, and the golden datagrams of SPEC.md §11.7.
 * Every expected value comes from those documents, never from crypto.c.
 */
#include "testutil.h"
#include "crypto.h"

#include <stdio.h>
#include <string.h>

#define MAXLEN          256     /* largest vector, bytes */
#define FLIPS           64      /* single-bit flips per good ciphertext */

static uint64_t rng = 0x6d6f73682d6b6579ULL;

/* ---- AES-128: FIPS-197 Appendix C.1 and the Appendix B cipher trace ---- */

static const struct {
	const char *key, *pt, *ct;
} aes_vectors[] = {
	{ "000102030405060708090a0b0c0d0e0f", "00112233445566778899aabbccddeeff",
	  "69c4e0d86a7b0430d8cdb78070b4c55a" },                 /* C.1 */
	{ "2b7e151628aed2a6abf7158809cf4f3c", "3243f6a8885a308d313198a2e0370734",
	  "3925841d02dc09fbdc118597196a0b32" },                 /* B */
};

static void
aes_fips197(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof aes_vectors / sizeof aes_vectors[0]; i++) {
		uint8_t key[16], pt[16], ct[16], out[16];
		struct aes_key k;
		hex2bin(aes_vectors[i].key, key, 16);
		hex2bin(aes_vectors[i].pt, pt, 16);
		hex2bin(aes_vectors[i].ct, ct, 16);
		aes128_expand(&k, key);
		aes_blocks(&k, pt, out, 1, 0);
		assert_bytes_equal(out, ct, 16);
		aes_blocks(&k, ct, out, 1, 1);
		assert_bytes_equal(out, pt, 16);
		aes_blocks(&k, out, out, 1, 0);         /* in place */
		assert_bytes_equal(out, ct, 16);
	}
}

/* ---- OCB3 known answers ---- */

struct ocb_vector {
	const char *key, *nonce;
	size_t alen, plen, taglen;  /* A and P are prefixes of 00 01 02 ... */
	const char *out;            /* C || T */
};

/* RFC 7253 Appendix A: 16 samples for AEAD_AES_128_OCB_TAGLEN128, then
 * the TAGLEN96 one. */
#define RFC_KEY "000102030405060708090A0B0C0D0E0F"
static const struct ocb_vector rfc7253[] = {
	{ RFC_KEY, "BBAA99887766554433221100", 0, 0, 16,
	  "785407BFFFC8AD9EDCC5520AC9111EE6" },
	{ RFC_KEY, "BBAA99887766554433221101", 8, 8, 16,
	  "6820B3657B6F615A5725BDA0D3B4EB3A257C9AF1F8F03009" },
	{ RFC_KEY, "BBAA99887766554433221102", 8, 0, 16,
	  "81017F8203F081277152FADE694A0A00" },
	{ RFC_KEY, "BBAA99887766554433221103", 0, 8, 16,
	  "45DD69F8F5AAE72414054CD1F35D82760B2CD00D2F99BFA9" },
	{ RFC_KEY, "BBAA99887766554433221104", 16, 16, 16,
	  "571D535B60B277188BE5147170A9A22C3AD7A4FF3835B8C5701C1CCEC8FC3358" },
	{ RFC_KEY, "BBAA99887766554433221105", 16, 0, 16,
	  "8CF761B6902EF764462AD86498CA6B97" },
	{ RFC_KEY, "BBAA99887766554433221106", 0, 16, 16,
	  "5CE88EC2E0692706A915C00AEB8B2396F40E1C743F52436BDF06D8FA1ECA343D" },
	{ RFC_KEY, "BBAA99887766554433221107", 24, 24, 16,
	  "1CA2207308C87C010756104D8840CE1952F09673A448A122"
	  "C92C62241051F57356D7F3C90BB0E07F" },
	{ RFC_KEY, "BBAA99887766554433221108", 24, 0, 16,
	  "6DC225A071FC1B9F7C69F93B0F1E10DE" },
	{ RFC_KEY, "BBAA99887766554433221109", 0, 24, 16,
	  "221BD0DE7FA6FE993ECCD769460A0AF2D6CDED0C395B1C3C"
	  "E725F32494B9F914D85C0B1EB38357FF" },
	{ RFC_KEY, "BBAA9988776655443322110A", 32, 32, 16,
	  "BD6F6C496201C69296C11EFD138A467ABD3C707924B964DEAFFC40319AF5A485"
	  "40FBBA186C5553C68AD9F592A79A4240" },
	{ RFC_KEY, "BBAA9988776655443322110B", 32, 0, 16,
	  "FE80690BEE8A485D11F32965BC9D2A32" },
	{ RFC_KEY, "BBAA9988776655443322110C", 0, 32, 16,
	  "2942BFC773BDA23CABC6ACFD9BFD5835BD300F0973792EF46040C53F1432BCDF"
	  "B5E1DDE3BC18A5F840B52E653444D5DF" },
	{ RFC_KEY, "BBAA9988776655443322110D", 40, 40, 16,
	  "D5CA91748410C1751FF8A2F618255B68A0A12E093FF454606E59F9C1D0DDC54B"
	  "65E8628E568BAD7AED07BA06A4A69483A7035490C5769E60" },
	{ RFC_KEY, "BBAA9988776655443322110E", 40, 0, 16,
	  "C5CD9D1850C141E358649994EE701B68" },
	{ RFC_KEY, "BBAA9988776655443322110F", 0, 40, 16,
	  "4412923493C57D5DE0D700F753CCE0D1D2D95060122E9F15A5DDBFC5787E50B5"
	  "CC55EE507BCB084E479AD363AC366B95A98CA5F3000B1479" },
	{ "0F0E0D0C0B0A09080706050403020100", "BBAA9988776655443322110D", 40, 40, 12,
	  "1792A4E31E0755FB03E31B22116E6C2DDF9EFD6E33D536F1A0124B0A55BAE884"
	  "ED93481529C76B6AD0C515F4D1CDD4FDAC4F02AA" },
};

/* draft-krovetz-ocb-03 Appendix A, as mosh's src/tests/ocb-aes.cc uses it
 * with key 00..0F, nonce 00..0B. */
static const struct ocb_vector krovetz[] = {
	{ RFC_KEY, "000102030405060708090A0B", 0, 0, 16,
	  "197B9C3C441D3C83EAFB2BEF633B9182" },
	{ RFC_KEY, "000102030405060708090A0B", 8, 8, 16,
	  "92B657130A74B85A16DC76A46D47E1EAD537209E8A96D14E" },
};

/* Runs one vector both ways, then FLIPS single-bit flips of A || C || T,
 * each of which must fail to open and leave the output zeroed. */
static void
ocb_check(const struct ocb_vector *v)
{
	uint8_t key[16], nonce[16], ad[MAXLEN], pt[MAXLEN], want[MAXLEN];
	uint8_t got[MAXLEN], back[MAXLEN];
	struct ocb_ctx c;
	size_t nlen = hex2bin(v->nonce, nonce, sizeof nonce);
	size_t clen = v->plen + v->taglen;

	hex2bin(v->key, key, sizeof key);
	assert_int_equal(hex2bin(v->out, want, sizeof want), clen);
	for (size_t i = 0; i < MAXLEN; i++)
		ad[i] = pt[i] = (uint8_t)i;
	ocb_init(&c, key);
	assert_int_equal(ocb_seal(&c, nonce, nlen, ad, v->alen, pt, v->plen,
	    got, v->taglen), 0);
	assert_bytes_equal(got, want, clen);
	assert_int_equal(ocb_open(&c, nonce, nlen, ad, v->alen, want, clen,
	    back, v->taglen), 0);
	assert_bytes_equal(back, pt, v->plen);

	for (int f = 0; f < FLIPS; f++) {
		size_t bit = test_rand(&rng) % (8 * (v->alen + clen));
		uint8_t a2[MAXLEN], c2[MAXLEN];
		memcpy(a2, ad, v->alen);
		memcpy(c2, want, clen);
		if (bit < 8 * v->alen)
			a2[bit / 8] ^= (uint8_t)(1 << bit % 8);
		else
			c2[bit / 8 - v->alen] ^= (uint8_t)(1 << bit % 8);
		memset(back, 0xA5, sizeof back);
		assert_int_equal(ocb_open(&c, nonce, nlen, a2, v->alen, c2, clen,
		    back, v->taglen), -1);
		for (size_t i = 0; i < v->plen; i++)
			assert_int_equal(back[i], 0);
	}
	ocb_wipe(&c);
}

static void
ocb_rfc7253_samples(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof rfc7253 / sizeof rfc7253[0]; i++)
		ocb_check(&rfc7253[i]);
}

static void
ocb_draft_krovetz(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof krovetz / sizeof krovetz[0]; i++)
		ocb_check(&krovetz[i]);
}

/*
 * RFC 7253 Appendix A, the iterative test: 384 encryptions over growing
 * zero strings concatenated into C, then the tag over C as associated
 * data.  Expected results for AES-128 and tag lengths 128, 96 and 64 from
 * the RFC.
 */
static void
ocb_rfc7253_iterative(void **state)
{
	static const struct { size_t taglen; const char *want; } rows[] = {
		{ 16, "67E944D23256C5E0B6C61FA22FDF1EA2" },
		{ 12, "77A3D8E73589158D25D01209" },
		{ 8, "192C9B7BD90BA06A" },
	};
	static uint8_t cat[128 * (2 * 127 + 3 * 16) + 16];
	uint8_t key[16] = { 0 }, nonce[12] = { 0 }, zeros[128] = { 0 };
	uint8_t want[16], tag[16];
	struct ocb_ctx c;

	(void)state;
	for (size_t r = 0; r < sizeof rows / sizeof rows[0]; r++) {
		size_t t = rows[r].taglen, n = 0;
		key[15] = (uint8_t)(8 * t);
		ocb_init(&c, key);
		for (unsigned i = 0; i < 128; i++) {
			for (unsigned k = 1; k <= 3; k++) {
				nonce[10] = (uint8_t)((3 * i + k) >> 8);
				nonce[11] = (uint8_t)(3 * i + k);
				size_t alen = k == 2 ? 0 : i, plen = k == 3 ? 0 : i;
				assert_int_equal(ocb_seal(&c, nonce, 12, zeros, alen,
				    zeros, plen, cat + n, t), 0);
				n += plen + t;
			}
		}
		assert_int_equal(n, 128 * 127 + 384 * t);
		nonce[10] = 385 >> 8;
		nonce[11] = 385 & 0xff;
		assert_int_equal(ocb_seal(&c, nonce, 12, cat, n, NULL, 0, tag, t), 0);
		hex2bin(rows[r].want, want, sizeof want);
		assert_bytes_equal(tag, want, t);
		ocb_wipe(&c);
	}
}

/* ---- Mosh datagrams: the worked example of SPEC.md §11.7 ---- */

static const char golden_pt[] =
	"1234ffff" "0000000000000001" "8000"
	"789ce360126090605460d06030e2e0629362d1083090b0620000105301de";
static const struct {
	const char *seq, *datagram;
} golden[] = {
	{ "0000000000000000",   /* client -> server, seq 0 */
	  "00000000000000009f164d976357081cc1c8bceef905db5a02428c8571949d68"
	  "6f4420ca31f0060ca43d50ffb19e12e522a8cf6e73fd36a91f68ecf470d119b5"
	  "2ed349b9" },
	{ "8000000000000005",   /* server -> client, seq 5 */
	  "800000000000000562b1452b49441f8f5465091d7d412a3808799ea49d75557b"
	  "0e1bf05087770ef85bc8a9bacfe9cb328cc58a2c693476245dc72b4e55ed8d8d"
	  "dede59b9" },
};

static void
ocb_mosh_datagrams(void **state)
{
	uint8_t key[KEY_LEN], pt[64], nonce[12] = { 0 }, want[128], dg[128];
	uint8_t back[64];
	struct ocb_ctx c;

	(void)state;
	assert_null(key_decode("AAECAwQFBgcICQoLDA0ODw", key));
	size_t plen = hex2bin(golden_pt, pt, sizeof pt);
	ocb_init(&c, key);
	for (size_t i = 0; i < sizeof golden / sizeof golden[0]; i++) {
		size_t dlen = hex2bin(golden[i].datagram, want, sizeof want);
		assert_int_equal(dlen, 8 + plen + OCB_TAG_LEN);
		hex2bin(golden[i].seq, nonce + 4, 8);
		memcpy(dg, nonce + 4, 8);
		assert_int_equal(ocb_seal(&c, nonce, 12, NULL, 0, pt, plen, dg + 8,
		    OCB_TAG_LEN), 0);
		assert_bytes_equal(dg, want, dlen);
		assert_int_equal(ocb_open(&c, nonce, 12, NULL, 0, want + 8, dlen - 8,
		    back, OCB_TAG_LEN), 0);
		assert_bytes_equal(back, pt, plen);
		for (int f = 0; f < FLIPS; f++) {
			size_t bit = test_rand(&rng) % (8 * (dlen - 8));
			memcpy(dg, want, dlen);
			dg[8 + bit / 8] ^= (uint8_t)(1 << bit % 8);
			memset(back, 0xA5, sizeof back);
			assert_int_equal(ocb_open(&c, nonce, 12, NULL, 0, dg + 8,
			    dlen - 8, back, OCB_TAG_LEN), -1);
			for (size_t j = 0; j < plen; j++)
				assert_int_equal(back[j], 0);
		}
		/* in place, as ssp.c may do it */
		memcpy(dg, want, dlen);
		assert_int_equal(ocb_open(&c, nonce, 12, NULL, 0, dg + 8, dlen - 8,
		    dg + 8, OCB_TAG_LEN), 0);
		assert_bytes_equal(dg + 8, pt, plen);
		assert_int_equal(ocb_seal(&c, nonce, 12, NULL, 0, dg + 8, plen,
		    dg + 8, OCB_TAG_LEN), 0);
		assert_bytes_equal(dg, want, dlen);
	}
	ocb_wipe(&c);
}

/*
 * A full-size mosh datagram body: 1228 bytes (76 blocks and a 12-byte
 * tail), so every batch size, L_0..L_6 and the partial block are used in
 * both directions.  Key 00..0f, nonce 00000000 8000000000000005, no AD,
 * plaintext byte i = 13i + 1 (mod 256).  Expected output computed once with
 * python3's `cryptography` AESOCB3 (OpenSSL underneath), an independent
 * implementation:
 *   AESOCB3(bytes(range(16))).encrypt(nonce, pt, None).hex()
 */
static const char long_datagram[] =
	"f63ed24a7945aa6cde992c3dea8cfab1b10e1cfdba5f2461dc1bd45dd777753d"
	"1e3dc708606acdd79c9e6b943508e76edc0269a1bea54799991dcdf512903c33"
	"7aa11fd5baa17b21e0dd4431d912982fa8a3fa682691efbcef1a2c408dab199b"
	"14b6ef3adf754aeb9e6eef8e1531a4287b3f608c45dba256a3c5909a2bd37ccd"
	"05f12bf235f06bf64fbc4b670567e038cf03841b2713584d18b2efa0e6a305e4"
	"bc0d5cb3ed8819165b947898a4dcf88378434f049bdb24ce24a1b4f15e6de160"
	"966aefa60df4e2ab2f4af665619fa5f97c9d7ddd85c5013ae4bd02e41409603f"
	"d0da547cbd13826457d47d062396aff16c955ecd2fce26e79fd4c3d1875f5742"
	"5fa09cf272e9ab39fec477b7421ee95369909072e3347e3d14afacaec7973dcb"
	"c1d5e343b80c15cbc93b6dedd6cec27fb395ed1c3afb685f9e49ea283a6a239f"
	"6cecb1a38acc2d1cc7836e160ec0720bd26d30ecddb96259cac5fe3e34093701"
	"8043c044d78e559184d27d73b37453ee82247229c68f11de6ab665a2228b16fe"
	"3144d89dc4dea3062fd6374bd896e2b290f3bb615c816243e9468a58067c82e1"
	"65396b5371b0383d7be4ab0d6e0d98d1f3c9965cc6b90da61df25eb35ac04108"
	"3f979f670b3990adc43016a9b0bfd9424dd6e33fcd1ea0caffd4f9ebec41a5a7"
	"83575990bbea53f8df3ab3b1a38d4ba9305104a5d5b572f56f9e5f2b04c81e7a"
	"ecf4d3bdbae681be3e5c367a132b016bd83cda3cf383db43b1b465903b8b130a"
	"71028f4666f7d59e7f654bcb33c4bddbcad12d28d5697782d6c9b40fbab1901b"
	"022b8a61cb8f88ecbd2aeb3bde86486f164d4e849ac852da1b7d96ddb6f245a1"
	"d898b7082c1e72a6c235dcc985c2417895cd279e4a18335a69cb7cc87a00c5f3"
	"688de77aae6a05d2a1928525741b94c34e17735ef0339a95888050a0b03d1e85"
	"4b305be58d840a6deedfd2c7ff9eb358c81674b2287b97f8260d0ac004f911f2"
	"e87de8680cce27d20ad8f74a31e6b4376db18d0eae958003aadb6e7fa781d197"
	"b054eb36956237d962918e49bac55fc27da69eaea895492c415ef6910e44a620"
	"bba476620e07e1869aadb1c825d3dec637263e7ad77d0b7445768040c5f61e19"
	"f331961a7b10d4eef976c5c759b88f2efc7825f4501030b6696a07f9e3a73d58"
	"9b5784a341e2612c55e73d87bc3ae3e34fa36a1249d009ec588e6bb0b0a2fc17"
	"c8b4623fd0ab9fd250fa8606249ec668872ebecc769c84fd77942a209e5d522b"
	"020461912ab59bec7594d569c1262ad17bdd77e3ec0cf31346c221e11a034681"
	"31d84ef53244286426e69f797a1bb9c75510e97781da313d1bb5e112f1a8b767"
	"78bc03ff45cf061b6e7497a2ca12c9dd23000314a382538d5ff089696a542980"
	"09f03795d0be09b04127346b3d5bf85fe6d59d1d1e783d57cd44431e0effa6a9"
	"a07435343d7ebb03b851a3ce49ebb3d34ad0cbb57571dd396b634eec63291768"
	"782ec97ccc87a0f311aeb3aea941c4fb47e96fd25721c62a732afc87f668defd"
	"0eb7a8670b5ad5463413d53aa67f5f2981b5d33877b921b68686e244a907c0ff"
	"4508bf72ef76cd282b9687916e3dc234366c3a78e6e9fbcabc44b658a31b4d88"
	"38eedb58a2466a49775ca83e57e9c100b06f6de6b0b74e98e7f871d9b715feab"
	"2a6e4b0a6f0d297d60602baab34370d265766a57316e52b400936a5edfd634ab"
	"1acbd2c889e610921d3414c270e0751946d047a2120fa53a41e256bb";

static void
ocb_long_vector(void **state)
{
	static uint8_t pt[1228], want[1228 + 16], got[1228 + 16], back[1228];
	uint8_t key[16], nonce[12] = { 0, 0, 0, 0, 0x80, 0, 0, 0, 0, 0, 0, 5 };
	struct ocb_ctx c;

	(void)state;
	for (size_t i = 0; i < 16; i++)
		key[i] = (uint8_t)i;
	for (size_t i = 0; i < sizeof pt; i++)
		pt[i] = (uint8_t)(13 * i + 1);
	assert_int_equal(hex2bin(long_datagram, want, sizeof want), sizeof want);
	ocb_init(&c, key);
	assert_int_equal(ocb_seal(&c, nonce, 12, NULL, 0, pt, sizeof pt, got, 16), 0);
	assert_bytes_equal(got, want, sizeof want);
	assert_int_equal(ocb_open(&c, nonce, 12, NULL, 0, want, sizeof want, back,
	    16), 0);
	assert_bytes_equal(back, pt, sizeof pt);
	for (int f = 0; f < FLIPS; f++) {
		size_t bit = test_rand(&rng) % (8 * sizeof want);
		memcpy(got, want, sizeof want);
		got[bit / 8] ^= (uint8_t)(1 << bit % 8);
		memset(back, 0xA5, sizeof back);
		assert_int_equal(ocb_open(&c, nonce, 12, NULL, 0, got, sizeof got,
		    back, 16), -1);
		for (size_t i = 0; i < sizeof back; i++)
			assert_int_equal(back[i], 0);
	}
	ocb_wipe(&c);
}

/* Long messages cross many 4-block batches and every L_i up to L_7:
 * seal and open in place and out of place must agree. */
static void
ocb_long_roundtrip(void **state)
{
	static uint8_t pt[4099], ct[4099 + 16], back[4099];
	uint8_t key[16] = { 7 }, nonce[12] = { 1, 2, 3 };
	struct ocb_ctx c;

	(void)state;
	for (size_t i = 0; i < sizeof pt; i++)
		pt[i] = (uint8_t)test_rand(&rng);
	ocb_init(&c, key);
	for (size_t len = 0; len <= sizeof pt; len += len < 70 ? 1 : 509) {
		nonce[11] = (uint8_t)len;
		assert_int_equal(ocb_seal(&c, nonce, 12, pt, len % 40, pt, len, ct, 16), 0);
		assert_int_equal(ocb_open(&c, nonce, 12, pt, len % 40, ct, len + 16,
		    back, 16), 0);
		assert_bytes_equal(back, pt, len);
		assert_int_equal(ocb_open(&c, nonce, 12, pt, len % 40, ct, len + 16,
		    ct, 16), 0);
		assert_bytes_equal(ct, pt, len);
	}
	ocb_wipe(&c);
}

/* ---- Limits and malformed calls: one row each, with its outcome ---- */

/* Mosh's rule (SPEC.md §11.5): the count of sealed blocks, a partial block
 * counting as one, must never reach 2^47. */
static void
ocb_block_limit(void **state)
{
	uint8_t key[16] = { 0 }, nonce[12] = { 0 }, pt[48] = { 0 }, out[64];
	struct ocb_ctx c;

	(void)state;
	ocb_init(&c, key);
	c.blocks_sealed = OCB_BLOCK_LIMIT - 3;
	assert_int_equal(ocb_seal(&c, nonce, 12, NULL, 0, pt, 33, out, 16), -1);
	assert_true(c.blocks_sealed == OCB_BLOCK_LIMIT - 3);
	assert_int_equal(ocb_seal(&c, nonce, 12, NULL, 0, pt, 17, out, 16), 0);
	assert_true(c.blocks_sealed == OCB_BLOCK_LIMIT - 1);
	memset(out, 0xA5, sizeof out);
	assert_int_equal(ocb_seal(&c, nonce, 12, NULL, 0, pt, 1, out, 16), -1);
	for (size_t i = 0; i < sizeof out; i++)
		assert_int_equal(out[i], 0xA5);                 /* untouched */
	assert_true(c.blocks_sealed == OCB_BLOCK_LIMIT - 1);
	assert_int_equal(ocb_seal(&c, nonce, 12, NULL, 0, pt, 0, out, 16), 0);
	c.blocks_sealed = OCB_BLOCK_LIMIT;                  /* a reached limit stays */
	assert_int_equal(ocb_seal(&c, nonce, 12, NULL, 0, pt, 0, out, 16), -1);
	ocb_wipe(&c);
}

static void
ocb_bad_lengths(void **state)
{
	uint8_t key[16] = { 0 }, nonce[16] = { 0 }, buf[64] = { 0 }, out[64];
	struct ocb_ctx c;

	(void)state;
	ocb_init(&c, key);
	assert_int_equal(ocb_seal(&c, nonce, 0, NULL, 0, buf, 8, out, 16), -1);
	assert_int_equal(ocb_seal(&c, nonce, 16, NULL, 0, buf, 8, out, 16), -1);
	assert_int_equal(ocb_seal(&c, nonce, 12, NULL, 0, buf, 8, out, 0), -1);
	assert_int_equal(ocb_seal(&c, nonce, 12, NULL, 0, buf, 8, out, 17), -1);
	assert_int_equal(c.blocks_sealed, 0);
	for (size_t len = 0; len < 16; len++)      /* shorter than the tag */
		assert_int_equal(ocb_open(&c, nonce, 12, NULL, 0, buf, len, out, 16), -1);
	assert_int_equal(ocb_open(&c, nonce, 12, NULL, 0, buf, 16, out, 16), -1);
	ocb_wipe(&c);
}

/* ---- The session key (SPEC.md §11.1) ---- */

static void
key_good(void **state)
{
	static const struct { const char *text, *hex; } rows[] = {
		{ "AAAAAAAAAAAAAAAAAAAAAA", "00000000000000000000000000000000" },
		{ "AAECAwQFBgcICQoLDA0ODw", "000102030405060708090a0b0c0d0e0f" },
		/* python3 base64.b64encode(bytes.fromhex(hex))[:22] */
		{ "/////////////////////w", "ffffffffffffffffffffffffffffffff" },
		{ "+/v8/f7/AAECAwQFBgcICQ", "fbfbfcfdfeff00010203040506070809" },
	};
	uint8_t key[KEY_LEN], want[KEY_LEN];
	char text[KEY_B64_LEN + 1];

	(void)state;
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		hex2bin(rows[i].hex, want, sizeof want);
		assert_null(key_decode(rows[i].text, key));
		assert_bytes_equal(key, want, KEY_LEN);
		key_encode(want, text);
		assert_string_equal(text, rows[i].text);
	}
}

/* Every value of the last byte: its high 6 bits are character 21, its low
 * 2 bits and four zero bits character 22 (so that one is A, Q, g or w).
 * The 20 characters before encode 00..0e (python3 base64). */
static void
key_last_byte(void **state)
{
	static const char b64[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	uint8_t key[KEY_LEN], back[KEY_LEN];
	char text[KEY_B64_LEN + 1], want[KEY_B64_LEN + 1];

	(void)state;
	for (int i = 0; i < KEY_LEN; i++)
		key[i] = (uint8_t)i;
	for (int b = 0; b < 256; b++) {
		key[15] = (uint8_t)b;
		snprintf(want, sizeof want, "AAECAwQFBgcICQoLDA0O%c%c",
		    b64[b >> 2], b64[(b & 3) << 4]);
		key_encode(key, text);
		assert_string_equal(text, want);
		assert_null(key_decode(text, back));
		assert_bytes_equal(back, key, KEY_LEN);
	}
}

static void
key_reject(void **state)
{
	static const char len[] = "Key must be 22 letters long.";
	static const char form[] = "Key must be well-formed base64.";
	static const char canon[] = "Base64 key was not encoded 128-bit key.";
	static const struct { const char *text, *err; } rows[] = {
		{ "", len },
		{ "AAAAAAAAAAAAAAAAAAAAA=", form },           /* 22 with '=' */
		{ "AAAAAAAAAAAAAAAAAAAAA==", len },           /* 21 + "==" */
		{ "AAAAAAAAAAAAAAAAAAAAAA==", len },          /* 22 + "==" */
		{ "AAAAAAAAAAAAAAAAAAAAAAA==", len },         /* 23 + "==" */
		{ "AAAAAAAAAAAAAAAAAAAAAAAA==", len },        /* 24 + "==" */
		{ "AAAAAAAAAA==", len },
		{ "AAAAAAAAAAAAAAAAAAAAA", len },             /* 21 */
		{ "AAAAAAAAAAAAAAAAAAAAAAA", len },           /* 23 */
		{ "~AAAAAAAAAAAAAAAAAAAAA", form },
		{ "AAAAAAAAAA~AAAAAAAAAAA", form },
		{ "AAAAAAAAAAAAAAAAAAAAA~", form },
		{ "AAAAAAAAAAAAAAAAAAAAA-", form },           /* base64url */
		{ "AAAAAAAAAAAAAAAAAAAA_A", form },
		{ "AAAAAAAAAA AAAAAAAAAAA", form },
		{ "AAAAAAAAAAAAAAAAAAAA\x80" "A", form },
		{ "AAAAAAAAAAAAAAAAAAAAAB", canon },          /* low bits set */
		{ "AAAAAAAAAAAAAAAAAAAAAP", canon },
		{ "AAAAAAAAAAAAAAAAAAAAAh", canon },
		{ "AAAAAAAAAAAAAAAAAAAAA/", canon },
		{ "AAECAwQFBgcICQoLDA0ODx", canon },
	};
	uint8_t key[KEY_LEN];

	(void)state;
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		memset(key, 0x5A, sizeof key);
		const char *err = key_decode(rows[i].text, key);
		if (err == NULL || strcmp(err, rows[i].err) != 0)
			fail_msg("row %zu \"%s\": got %s, want %s", i, rows[i].text,
			    err ? err : "success", rows[i].err);
		for (int j = 0; j < KEY_LEN; j++)
			assert_int_equal(key[j], 0x5A);         /* untouched */
	}
}

static void
key_random(void **state)
{
	uint8_t a[KEY_LEN], b[KEY_LEN], back[KEY_LEN];
	char text[KEY_B64_LEN + 1];

	(void)state;
	assert_int_equal(crypto_random(a, sizeof a), 0);
	assert_int_equal(crypto_random(b, sizeof b), 0);
	assert_memory_not_equal(a, b, KEY_LEN);
	key_encode(a, text);
	assert_int_equal(strlen(text), KEY_B64_LEN);
	assert_null(key_decode(text, back));
	assert_bytes_equal(back, a, KEY_LEN);
	crypto_wipe(a, sizeof a);
	for (int i = 0; i < KEY_LEN; i++)
		assert_int_equal(a[i], 0);
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(aes_fips197),
		cmocka_unit_test(ocb_rfc7253_samples),
		cmocka_unit_test(ocb_draft_krovetz),
		cmocka_unit_test(ocb_rfc7253_iterative),
		cmocka_unit_test(ocb_mosh_datagrams),
		cmocka_unit_test(ocb_long_vector),
		cmocka_unit_test(ocb_long_roundtrip),
		cmocka_unit_test(ocb_block_limit),
		cmocka_unit_test(ocb_bad_lengths),
		cmocka_unit_test(key_good),
		cmocka_unit_test(key_last_byte),
		cmocka_unit_test(key_reject),
		cmocka_unit_test(key_random),
	};
	return RUN_TESTS("crypto", tests);
}
