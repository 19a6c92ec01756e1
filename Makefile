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

# The tests live by layer, one area per part of SPEC.md (tests/README.md);
# every program they build goes to $(B)/ under its bare name, so names are
# unique across areas.  Unit tests: tests/<area>/test_*.c, each its own
# cmocka program, linked with tests/testutil.c and the library; make finds
# a test_NAME.c in its area through vpath.
TESTDIRS = tests/crypto tests/transport tests/terminal tests/predict tests/programs tests/limits
TESTSRC  = $(wildcard $(TESTDIRS:%=%/test_*.c))
TESTBIN  = $(patsubst %.c,$(B)/%,$(notdir $(TESTSRC)))
vpath test_%.c $(TESTDIRS)
# A unit test or fuzz harness left at the top of tests/ would be built by no rule.
STRAY_TESTS = $(filter-out tests/fuzz_replay.c,$(wildcard tests/test_*.c tests/fuzz_*.c))
$(if $(STRAY_TESTS),$(error $(STRAY_TESTS): move it to its area, tests/<area>/ (tests/README.md)))

# mosh.sh --local --delay/--loss/--trace runs the impairment relay, $(B)/relay
# (its rule is in tests/transport/transport.mk): a plain `make` is enough for it.
all: $(PROGS) $(B)/relay

# Each area adds its own tools, bench and fuzz rules in tests/<area>/<area>.mk;
# tests/fuzz.mk has the rules every fuzz harness shares.
-include $(wildcard tests/*.mk $(TESTDIRS:%=%/*.mk))


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
# compiled with no GNU or BSD extension in sight (tests/programs/strict.test).
strict:
	$(MAKE) B=$(B)/strict FEATURES='$(STRICT_FEATURES)' $(B)/strict/mosh-server \
	    $(B)/strict/mosh-client

$(B):
	mkdir -p $(B)

$(B)/testutil.o: tests/testutil.c tests/testutil.h | $(B)
	$(CC) $(CFLAGS) -I. -c -o $@ $<

# -Itests: testutil.h, and an area's header by its path (transport/ssp_bytes.h).
$(B)/test_%: test_%.c $(B)/testutil.o $(B)/libmosh.a $(wildcard tests/*.h tests/*/*.h *.h)
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
