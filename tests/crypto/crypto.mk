# crypto area (SPEC.md §11): the constant-time check and the benchmark.
# ctgrind is built without sanitizers whatever CFLAGS says, since valgrind
# cannot run an ASan binary, and at several -O levels because the compiler
# decides whether a mask stays a mask.
CT_CFLAGS  = -g -std=c11 -D_DEFAULT_SOURCE -D_GNU_SOURCE -Wall -Wextra -Werror
CT_LEVELS  = O0 O2 O3
TEST_EXTRA += $(CT_LEVELS:%=$(B)/ctgrind-%)

$(B)/ctgrind-%: tests/crypto/ctgrind.c crypto.c crypto.h | $(B)
	$(CC) -$* $(CT_CFLAGS) -I. -o $@ tests/crypto/ctgrind.c crypto.c

# The benchmark links OpenSSL's libcrypto when its headers are there, to
# time EVP aes-128-ocb in the same run; the product never links it.
BENCH_SSL   = $(if $(wildcard /usr/include/openssl/evp.h),-DHAVE_OPENSSL)
BENCH_EXTRA += $(B)/bench_crypto

$(B)/bench_crypto: tests/crypto/bench_crypto.c crypto.c crypto.h | $(B)
	$(CC) $(CFLAGS) $(BENCH_SSL) -I. -o $@ tests/crypto/bench_crypto.c crypto.c \
	    $(if $(BENCH_SSL),-lcrypto)
