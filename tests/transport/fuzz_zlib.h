/*
 * What the two zlib harnesses share (tests/transport/fuzz_inflate.c,
 * tests/transport/fuzz_deflate.c): a broken contract aborts with a message, which
 * libFuzzer reports as a finding; the system's zlib, loaded at run time so
 * the product links nothing, gives a second opinion when it is there.
 */
#ifndef FUZZ_ZLIB_H
#define FUZZ_ZLIB_H
#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

/* zlib's uncompress2 (zlib.h); Z_OK is 0. */
typedef int (*fz_uncompress2)(uint8_t *dest, unsigned long *destlen,
    const uint8_t *src, unsigned long *srclen);

static void
fz_check(int ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "zlib harness: %s\n", what);
		abort();
	}
}

/* uncompress2 from libz.so.1, or NULL if the system has no zlib. */
static fz_uncompress2
fz_zlib(void)
{
	static int tried;
	static fz_uncompress2 fn;
	void *lib;

	if (!tried) {
		tried = 1;
		if ((lib = dlopen("libz.so.1", RTLD_NOW)) != NULL)
			*(void **)&fn = dlsym(lib, "uncompress2");
	}
	return fn;
}
#endif
