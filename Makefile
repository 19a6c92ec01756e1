# Minimal Mosh in C.  `make` builds mosh-server, mosh-client and the relay mosh.sh uses here;
# `make test` runs every test in every configuration (tests/configs.sh); `make bench` prints ratios
# against Debian's mosh; `make fuzz` runs the libFuzzer harnesses briefly.
CC      ?= cc
CFLAGS  ?= -O2 -g
# The feature macros: the tests and tools use GNU extensions; the product
# needs only POSIX 2008 with XSI, which `make strict` checks.
FEATURES ?= -D_DEFAULT_SOURCE -D_GNU_SOURCE
STRICT_FEATURES = -D_POSIX_C_SOURCE=200809L -D_XOPEN_SOURCE=700
override CFLAGS += -std=c11 $(FEATURES) -Wall -Wextra -Werror
LDLIBS  ?=
PREFIX  ?= /usr/local
B       ?= build

# The product: every top-level .c except the two mains is library code.
MAINS   = server.c client.c
LIBSRC  = $(filter-out $(MAINS),$(wildcard *.c))
LIBOBJ  = $(LIBSRC:%.c=$(B)/%.o)
PROGS   = $(patsubst %.c,mosh-%,$(wildcard $(MAINS)))

# Unit tests: tests/test_*.c, each its own cmocka program, linked with
# tests/testutil.c and the library.
TESTSRC = $(wildcard tests/test_*.c)
TESTBIN = $(TESTSRC:tests/%.c=$(B)/%)

# mosh.sh --local --delay/--loss runs the impairment relay, $(B)/relay
# (its rule is in tests/wire.mk): a plain `make` is enough for it.
all: $(PROGS) $(B)/relay

# Each area adds its own tools, bench and fuzz rules in tests/<area>.mk.
-include $(wildcard tests/*.mk)


$(B)/%.o: %.c $(wildcard *.h) | $(B)
	$(CC) $(CFLAGS) -c -o $@ $<

$(B)/libmosh.a: $(LIBOBJ)
	rm -f $@ && ar rcs $@ $^

# -lm: ssp.c's ceil and fabs (an optimising compiler may inline them).
mosh-%: $(B)/%.o $(B)/libmosh.a
	$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS) -lm

# The same programs inside a build directory (sanitizer, strict, musl builds).
$(B)/mosh-%: $(B)/%.o $(B)/libmosh.a
	$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS) -lm

# The programs from C11 and POSIX 2008 with XSI alone, every product file
# compiled with no GNU or BSD extension in sight (tests/strict.test).
strict:
	$(MAKE) B=$(B)/strict FEATURES='$(STRICT_FEATURES)' $(B)/strict/mosh-server \
	    $(B)/strict/mosh-client

$(B):
	mkdir -p $(B)

$(B)/testutil.o: tests/testutil.c tests/testutil.h | $(B)
	$(CC) $(CFLAGS) -I. -c -o $@ $<

$(B)/test_%: tests/test_%.c $(B)/testutil.o $(B)/libmosh.a tests/testutil.h $(wildcard tests/*.h) $(wildcard *.h)
	$(CC) $(CFLAGS) -I. -Itests -o $@ $< $(B)/testutil.o $(B)/libmosh.a -lcmocka -lm

tests: $(TESTBIN) $(TEST_EXTRA)

test: deps
	tests/configs.sh $(CONFIGS)

deps:
	@tests/deps.sh

bench: all tests $(BENCH_EXTRA)
	@tests/bench.sh

fuzz: $(FUZZ_EXTRA)
	@tests/fuzz.sh

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 755 mosh-server mosh-client $(DESTDIR)$(PREFIX)/bin/
	install -m 755 mosh.sh $(DESTDIR)$(PREFIX)/bin/mosh
	install -m 644 man/mosh.1 man/mosh-server.1 man/mosh-client.1 $(DESTDIR)$(PREFIX)/share/man/man1/

clean:
	rm -rf $(B) mosh-server mosh-client

.PHONY: all test tests deps bench fuzz install clean strict
.SECONDARY:
