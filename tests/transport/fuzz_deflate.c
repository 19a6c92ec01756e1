/*
 * fuzz_deflate -- libFuzzer harness for the sender's compressor,
 * zlib_deflate (SPEC.md §4.1).
 *
 * Input: byte 0 shapes the plaintext so that matches are common: its low
 * 2 bits fold the other bytes into an alphabet (0: as they are; 1: 4
 * letters; 2: 16; 3: 2), its top 6 bits repeat them 1 to 64 times, up
 * to FD_PLAIN_MAX bytes (past one stored block); the rest are the bytes.
 * Oracles, besides the sanitizers:
 *  - the stream is appended after what the buffer held, which is kept;
 *  - it is never larger than zlib_store's stream of the same bytes;
 *  - our inflater (checked against real zlib by fuzz_inflate) gives the
 *    plaintext back;
 *  - when the system's zlib (libz.so.1, found with dlopen: the product
 *    does not link it) is present, its uncompress2 gives it back too,
 *    reading the whole stream.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "fuzz_zlib.h"
#include "wire.h"

#define FD_PLAIN_MAX 70000

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t fold[4] = { 0, 4, 16, 2 };
	static const uint8_t pre[5] = "pre.";
	struct buf plain = { 0 }, z = { 0 }, s = { 0 }, out = { 0 };
	fz_uncompress2 ref = fz_zlib();

	if (size < 1)
		return 0;
	unsigned mod = fold[data[0] & 3], reps = 1 + (data[0] >> 2);
	for (unsigned r = 0; r < reps; r++)
		for (size_t i = 1; i < size && plain.len < FD_PLAIN_MAX; i++)
			buf_putc(&plain, mod ? 'a' + data[i] % mod : data[i]);

	buf_put(&z, pre, sizeof pre);
	zlib_deflate(&z, plain.data, plain.len);
	fz_check(memcmp(z.data, pre, sizeof pre) == 0, "prefix changed");
	zlib_store(&s, plain.data, plain.len);
	fz_check(z.len - sizeof pre <= s.len, "larger than stored");
	fz_check(zlib_inflate(z.data + sizeof pre, z.len - sizeof pre, &out,
	    plain.len) == ZLIB_OK, "our inflater rejects it");
	fz_check(out.len == plain.len && (plain.len == 0 ||
	    memcmp(out.data, plain.data, plain.len) == 0), "inflate(deflate(x)) != x");
	if (ref != NULL) {
		unsigned long dlen = plain.len + 1, slen = z.len - sizeof pre;
		uint8_t *dst = malloc(dlen);
		fz_check(dst != NULL, "out of memory");
		fz_check(ref(dst, &dlen, z.data + sizeof pre, &slen) == 0 &&
		    slen == z.len - sizeof pre && dlen == plain.len && (dlen == 0 || memcmp(dst, plain.data, dlen) == 0),
		    "zlib does not give x back");
		free(dst);
	}
	buf_free(&plain);
	buf_free(&z);
	buf_free(&s);
	buf_free(&out);
	return 0;
}
