# Every harness tests/fuzz_<name>.c is built twice:
#  build/fuzz/fuzz_<name>   libFuzzer + ASan + UBSan (clang), for `make fuzz`
#  $(B)/replay_<name>       normal compiler + tests/fuzz_replay.c, for the
#                           corpus replay in `make test`
FUZZSRC   = $(filter-out tests/fuzz_replay.c,$(wildcard tests/fuzz_*.c))
FUZZCC   ?= clang
FUZZFLAGS = -g -O1 -std=c11 -D_GNU_SOURCE -I. -fsanitize=fuzzer,address,undefined \
            -fno-sanitize-recover=undefined

FUZZ_EXTRA += $(FUZZSRC:tests/%.c=build/fuzz/%)
TEST_EXTRA += $(FUZZSRC:tests/fuzz_%.c=$(B)/replay_%)

build/fuzz/fuzz_%: tests/fuzz_%.c $(LIBSRC) $(wildcard *.h tests/fuzz_*.h)
	@mkdir -p build/fuzz
	$(FUZZCC) $(FUZZFLAGS) -o $@ $< $(LIBSRC)

$(B)/replay_%: tests/fuzz_%.c tests/fuzz_replay.c $(B)/libmosh.a $(wildcard tests/fuzz_*.h)
	$(CC) $(CFLAGS) -I. -o $@ $< tests/fuzz_replay.c $(B)/libmosh.a
