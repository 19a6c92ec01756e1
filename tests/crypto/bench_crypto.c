/*
 * bench_crypto.c -- seal+open throughput of mosh-sized datagrams (1252
 * bytes on the wire: 8-byte nonce tail, 1228 bytes of plaintext, 16-byte
 * tag), for crypto.c and, when built with HAVE_OPENSSL, for OpenSSL's EVP
 * aes-128-ocb -- the cipher Debian's mosh 1.4.0 uses -- in the same run.
 * Figures are datagram megabytes (10^6) per second, each datagram sealed
 * once and opened once, best of RUNS alternating runs (the VMs this runs
 * on are noisy).  The OpenSSL path also cross-checks one datagram.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "crypto.h"
#ifdef HAVE_OPENSSL
#include <openssl/evp.h>
#endif

#define DGRAM           1252
#define PT_LEN          (DGRAM - 8 - OCB_TAG_LEN)
#define RUN_SECONDS     0.25            /* per run; the best of RUNS counts */
#define RUNS            6
#define MAX_DGRAMS      10000000L       /* bounds a run even if time stalls */

static uint8_t key[KEY_LEN] = { 0x6d, 0x6f, 0x73, 0x68 };
static uint8_t pt[PT_LEN], ct[PT_LEN + OCB_TAG_LEN], back[PT_LEN];

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void
nonce_for(uint8_t nonce[OCB_NONCE_LEN], uint64_t seq)
{
	memset(nonce, 0, OCB_NONCE_LEN);
	for (int i = 0; i < 8; i++)
		nonce[11 - i] = (uint8_t)(seq >> 8 * i);
}

static double
bench_ours(void)
{
	struct ocb_ctx c;
	uint8_t nonce[OCB_NONCE_LEN];
	long n = 0;
	double t0 = now(), t;

	ocb_init(&c, key);
	do {
		for (int k = 0; k < 64; k++, n++) {
			nonce_for(nonce, (uint64_t)n);
			if (ocb_seal(&c, nonce, sizeof nonce, NULL, 0, pt, PT_LEN, ct,
			    OCB_TAG_LEN) != 0 ||
			    ocb_open(&c, nonce, sizeof nonce, NULL, 0, ct, sizeof ct,
			    back, OCB_TAG_LEN) != 0) {
				fprintf(stderr, "bench_crypto: our round trip failed\n");
				return 0;
			}
		}
	} while ((t = now() - t0) < RUN_SECONDS && n < MAX_DGRAMS);
	ocb_wipe(&c);
	return n * (double)DGRAM / t / 1e6;
}

#ifdef HAVE_OPENSSL
static int
ssl_seal(EVP_CIPHER_CTX *e, const uint8_t *nonce, uint8_t *out)
{
	int len, fin;

	return EVP_EncryptInit_ex(e, NULL, NULL, NULL, nonce) == 1 &&
	    EVP_EncryptUpdate(e, out, &len, pt, PT_LEN) == 1 &&
	    EVP_EncryptFinal_ex(e, out + len, &fin) == 1 &&
	    len + fin == PT_LEN &&
	    EVP_CIPHER_CTX_ctrl(e, EVP_CTRL_AEAD_GET_TAG, OCB_TAG_LEN,
	    out + PT_LEN) == 1;
}

static int
ssl_open(EVP_CIPHER_CTX *d, const uint8_t *nonce, const uint8_t *in)
{
	int len, fin;

	return EVP_DecryptInit_ex(d, NULL, NULL, NULL, nonce) == 1 &&
	    EVP_CIPHER_CTX_ctrl(d, EVP_CTRL_AEAD_SET_TAG, OCB_TAG_LEN,
	    (void *)(in + PT_LEN)) == 1 &&
	    EVP_DecryptUpdate(d, back, &len, in, PT_LEN) == 1 &&
	    EVP_DecryptFinal_ex(d, back + len, &fin) == 1;
}

static double
bench_openssl(void)
{
	EVP_CIPHER_CTX *e = EVP_CIPHER_CTX_new(), *d = EVP_CIPHER_CTX_new();
	uint8_t nonce[OCB_NONCE_LEN], ours[sizeof ct];
	struct ocb_ctx c;
	double rate = 0, t0, t;
	long n = 0;

	if (!e || !d || EVP_EncryptInit_ex(e, EVP_aes_128_ocb(), NULL, key, NULL) != 1 ||
	    EVP_DecryptInit_ex(d, EVP_aes_128_ocb(), NULL, key, NULL) != 1)
		goto out;
	/* Differential check: both must produce the same datagram. */
	nonce_for(nonce, 0x8000000000000005ULL);     /* server -> client */
	ocb_init(&c, key);
	if (ocb_seal(&c, nonce, sizeof nonce, NULL, 0, pt, PT_LEN, ours,
	    OCB_TAG_LEN) != 0 || !ssl_seal(e, nonce, ct) ||
	    memcmp(ours, ct, sizeof ct) != 0) {
		fprintf(stderr, "bench_crypto: OpenSSL and crypto.c disagree\n");
		goto out;
	}
	ocb_wipe(&c);
	t0 = now();
	do {
		for (int k = 0; k < 64; k++, n++) {
			nonce_for(nonce, (uint64_t)n);
			if (!ssl_seal(e, nonce, ct) || !ssl_open(d, nonce, ct)) {
				fprintf(stderr, "bench_crypto: OpenSSL round trip failed\n");
				goto out;
			}
		}
	} while ((t = now() - t0) < RUN_SECONDS && n < MAX_DGRAMS);
	rate = n * (double)DGRAM / t / 1e6;
out:
	EVP_CIPHER_CTX_free(e);
	EVP_CIPHER_CTX_free(d);
	return rate;
}
#endif

int
main(void)
{
	for (size_t i = 0; i < sizeof pt; i++)
		pt[i] = (uint8_t)(i * 13 + 1);
	double ours = 0, ssl = 0;
	for (int r = 0; r < RUNS; r++) {
		double a = bench_ours();
		ours = a > ours ? a : ours;
#ifdef HAVE_OPENSSL
		double b = bench_openssl();
		ssl = b > ssl ? b : ssl;
#endif
	}
	printf("crypto.c   AES-128-OCB3 seal+open, %d-byte datagrams: %8.1f MB/s\n",
	    DGRAM, ours);
#ifdef HAVE_OPENSSL
	printf("OpenSSL    EVP aes-128-ocb (mosh 1.4.0's cipher):       %8.1f MB/s\n",
	    ssl);
	if (ours > 0 && ssl > 0)
		printf("ratio      OpenSSL / crypto.c = %.1f  (crypto.c is %.1f%% of OpenSSL)\n",
		    ssl / ours, 100 * ours / ssl);
#else
	printf("OpenSSL    not measured (no libssl-dev headers)\n");
#endif
	return 0;
}
