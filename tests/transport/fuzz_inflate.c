/*
 * fuzz_inflate -- libFuzzer harness for the zlib inflater alone (SPEC.md §4).
 *
 * Input: byte 0's low 4 bits are the length of a prefix already in the
 * output buffer (inflate appends); the rest is the zlib stream.
 * Oracles, besides the sanitizers:
 *  - output never exceeds the cap; on error the buffer is exactly as
 *    before (length and prefix); on success the prefix is untouched;
 *  - a stream that inflates to m bytes inflates the same with cap m, and
 *    fails with ZLIB_E_TOOBIG under cap m - 1;
 *  - inflate(store(x)) == x, for x the input itself, and x does not fit
 *    under cap |x| - 1;
 *  - when the system's zlib (libz.so.1, found with dlopen: the product
 *    does not link it) is present, it is the reference: whatever one of
 *    the two inflates whole within the cap, the other inflates to the
 *    same bytes (zlib consuming every input byte, as ours requires).
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "fuzz_zlib.h"
#include "wire.h"

#define FI_CAP (1u << 16)     /* output cap for the fuzzed stream */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Inflates into a buffer holding pre (k bytes); checks the contract and
 * returns the result, the output (without the prefix) left in *got. */
static int
fi_inflate(const uint8_t *in, size_t n, size_t cap, const uint8_t *pre, size_t k,
    struct buf *got)
{
	struct buf out = { 0 };
	int rc;

	buf_put(&out, pre, k);
	rc = zlib_inflate(in, n, &out, cap);
	fz_check(out.len >= k && (k == 0 || memcmp(out.data, pre, k) == 0), "prefix changed");
	fz_check(rc == ZLIB_OK || out.len == k, "error but output appended");
	fz_check(out.len - k <= cap, "output over the cap");
	got->len = 0;
	buf_put(got, out.data + k, out.len - k);
	buf_free(&out);
	return rc;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t pre[16] = "prefix.prefix.p";
	struct buf got = { 0 }, again = { 0 }, z = { 0 };
	fz_uncompress2 ref = fz_zlib();
	size_t k, n;
	int rc;

	if (size < 1)
		return 0;
	k = data[0] & 15;
	data++, n = size - 1;

	rc = fi_inflate(data, n, FI_CAP, pre, k, &got);
	if (rc == ZLIB_OK) {
		fz_check(fi_inflate(data, n, got.len, pre, k, &again) == ZLIB_OK &&
		    again.len == got.len && (got.len == 0 || memcmp(again.data, got.data, got.len) == 0),
		    "result changes with an exact cap");
		if (got.len > 0)
			fz_check(fi_inflate(data, n, got.len - 1, NULL, 0, &again) == ZLIB_E_TOOBIG,
			    "one byte under the cap is not TOOBIG");
	}
	if (ref != NULL) {
		uint8_t *dst = malloc(FI_CAP + 1);
		unsigned long dlen = FI_CAP, slen = n;
		int zrc = ref(dst, &dlen, data, &slen);
		bool zok = zrc == 0 && slen == n;
		if (zok || rc == ZLIB_OK) {
			if (zok != (rc == ZLIB_OK))
				fprintf(stderr, "zlib %d (used %lu of %zu), ours %d\n", zrc, slen, n, rc);
			fz_check(zok == (rc == ZLIB_OK), "zlib and ours disagree on validity");
			fz_check(dlen == got.len && (dlen == 0 || memcmp(dst, got.data, dlen) == 0),
			    "zlib and ours disagree on the output");
		}
		free(dst);
	}

	zlib_store(&z, data, n);
	fz_check(fi_inflate(z.data, z.len, n, pre, k, &again) == ZLIB_OK &&
	    again.len == n && (n == 0 || memcmp(again.data, data, n) == 0),
	    "inflate(store(x)) != x");
	if (n > 0)
		fz_check(fi_inflate(z.data, z.len, n - 1, pre, k, &again) == ZLIB_E_TOOBIG,
		    "stored x fits under |x| - 1");
	buf_free(&got);
	buf_free(&again);
	buf_free(&z);
	return 0;
}
