/*
 * zdeflate.c -- the sender's compressor as a filter, for
 * tests/transport/deflate_zlib.test: reads all of stdin, writes zlib_deflate's
 * stream to stdout (SPEC.md §4.1).  `zdeflate -s` writes zlib_store's
 * stream instead, so the test can compare the two sizes.
 */
#include <stdio.h>
#include <string.h>
#include "wire.h"

int
main(int argc, char **argv)
{
	struct buf in = { 0 }, out = { 0 };
	uint8_t chunk[65536];
	size_t got;

	while ((got = fread(chunk, 1, sizeof chunk, stdin)) > 0)
		buf_put(&in, chunk, got);
	if (argc > 1 && strcmp(argv[1], "-s") == 0)
		zlib_store(&out, in.data, in.len);
	else
		zlib_deflate(&out, in.data, in.len);
	if (ferror(stdin) || fwrite(out.data, 1, out.len, stdout) != out.len ||
	    fflush(stdout) != 0) {
		fprintf(stderr, "zdeflate: i/o error\n");
		return 1;
	}
	buf_free(&in);
	buf_free(&out);
	return 0;
}
