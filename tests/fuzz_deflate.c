/*
 * fuzz_deflate -- libFuzzer harness for the sender's compressor,
 * zlib_deflate (SPEC.md §5.1).
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
 *    does not link it) is present, its uncompress gives it back too.
 */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "wire.h"

#define FD_PLAIN_MAX 70000

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* zlib's uncompress (zlib.h); Z_OK is 0. */
typedef int (*fd_uncompress)(uint8_t *dest, unsigned long *destlen,
    const uint8_t *src, unsigned long srclen);

static void
fd_check(int ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "fuzz_deflate: %s\n", what);
		abort();
	}
}

static fd_uncompress
fd_zlib(void)
{
	static int tried;
	static fd_uncompress fn;
	void *lib;

	if (!tried) {
		tried = 1;
		if ((lib = dlopen("libz.so.1", RTLD_NOW)) != NULL)
			*(void **)&fn = dlsym(lib, "uncompress");
	}
	return fn;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t fold[4] = { 0, 4, 16, 2 };
	static const uint8_t pre[5] = "pre.";
	struct buf plain = { 0 }, z = { 0 }, s = { 0 }, out = { 0 };
	fd_uncompress ref = fd_zlib();

	if (size < 1)
		return 0;
	unsigned mod = fold[data[0] & 3], reps = 1 + (data[0] >> 2);
	for (unsigned r = 0; r < reps; r++)
		for (size_t i = 1; i < size && plain.len < FD_PLAIN_MAX; i++)
			buf_putc(&plain, mod ? 'a' + data[i] % mod : data[i]);

	buf_put(&z, pre, sizeof pre);
	zlib_deflate(&z, plain.data, plain.len);
	fd_check(memcmp(z.data, pre, sizeof pre) == 0, "prefix changed");
	zlib_store(&s, plain.data, plain.len);
	fd_check(z.len - sizeof pre <= s.len, "larger than stored");
	fd_check(zlib_inflate(z.data + sizeof pre, z.len - sizeof pre, &out,
	    plain.len) == ZLIB_OK, "our inflater rejects it");
	fd_check(out.len == plain.len && (plain.len == 0 ||
	    memcmp(out.data, plain.data, plain.len) == 0), "inflate(deflate(x)) != x");
	if (ref != NULL) {
		unsigned long dlen = plain.len + 1;
		uint8_t *dst = malloc(dlen);
		fd_check(dst != NULL, "out of memory");
		fd_check(ref(dst, &dlen, z.data + sizeof pre, z.len - sizeof pre) == 0 &&
		    dlen == plain.len && (dlen == 0 || memcmp(dst, plain.data, dlen) == 0),
		    "zlib does not give x back");
		free(dst);
	}
	buf_free(&plain);
	buf_free(&z);
	buf_free(&s);
	buf_free(&out);
	return 0;
}
