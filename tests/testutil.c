#include "testutil.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int
nibble(char c)
{
	if (c >= '0' && c <= '9') return c - '0';
	if (c >= 'a' && c <= 'f') return c - 'a' + 10;
	if (c >= 'A' && c <= 'F') return c - 'A' + 10;
	return -1;
}

size_t
hex2bin(const char *hex, uint8_t *out, size_t cap)
{
	size_t n = 0;
	int hi = -1;

	for (; *hex; hex++) {
		if (*hex == ' ' || *hex == '\n')
			continue;
		int v = nibble(*hex);
		if (v < 0)
			fail_msg("bad hex digit '%c'", *hex);
		if (hi < 0) {
			hi = v;
			continue;
		}
		if (n >= cap)
			fail_msg("hex vector longer than %zu bytes", cap);
		out[n++] = (uint8_t)(hi << 4 | v);
		hi = -1;
	}
	if (hi >= 0)
		fail_msg("odd number of hex digits");
	return n;
}

static void
print_hex(const char *label, const uint8_t *p, size_t n)
{
	fprintf(stderr, "%s", label);
	for (size_t i = 0; i < n; i++)
		fprintf(stderr, "%02x", p[i]);
	fprintf(stderr, "\n");
}

void
assert_bytes_equal(const uint8_t *a, const uint8_t *b, size_t n)
{
	if (memcmp(a, b, n) == 0)
		return;
	print_hex("got:      ", a, n);
	print_hex("expected: ", b, n);
	fail_msg("byte strings differ");
}

uint64_t
test_rand(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545F4914F6CDD1DULL;
}

int
test_select(int argc, char **argv, const char *group,
    const struct CMUnitTest *tests, size_t n)
{
	if (argc > 1) {
		struct CMUnitTest *sel = calloc(n, sizeof *sel);
		size_t k = 0;
		for (size_t i = 0; i < n; i++)
			for (int a = 1; a < argc; a++)
				if (strcmp(argv[a], tests[i].name) == 0)
					sel[k++] = tests[i];
		int rc = _cmocka_run_group_tests(group, sel, k, NULL, NULL);
		free(sel);
		return rc;
	}
	return _cmocka_run_group_tests(group, tests, n, NULL, NULL);
}
