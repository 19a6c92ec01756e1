/* Helpers shared by the cmocka programs: hex vectors and a seeded PRNG. */
#ifndef TESTUTIL_H
#define TESTUTIL_H
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

/* Decodes a hex string (spaces ignored) into out; returns the byte count.
 * Fails the test on a malformed string or one longer than cap. */
size_t hex2bin(const char *hex, uint8_t *out, size_t cap);
/* Fails the test, printing both in hex, unless a and b are equal. */
void assert_bytes_equal(const uint8_t *a, const uint8_t *b, size_t n);
/* Deterministic PRNG (xorshift64*) so that every run sees the same data. */
uint64_t test_rand(uint64_t *state);
/* Runs the named tests only when argv names some: `build/test_x name...`. */
int test_select(int argc, char **argv, const char *group,
    const struct CMUnitTest *tests, size_t n);
#define RUN_TESTS(group, t) test_select(argc, argv, group, t, sizeof t / sizeof t[0])
#endif
