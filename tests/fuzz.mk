# Every harness tests/<area>/fuzz_<name>.c is built twice:
#  build/fuzz/fuzz_<name>   libFuzzer + ASan + UBSan (clang), for `make fuzz`
#  $(B)/replay_<name>       normal compiler + tests/fuzz_replay.c, for the
#                           corpus replay in `make test` (corpus_replay.test)
# Its seeds and past findings are in tests/corpus/fuzz_<name>/.  make finds
# a harness in its area through vpath, as it finds the unit tests.
FUZZSRC   = $(wildcard $(TESTDIRS:%=%/fuzz_*.c))
FUZZCC   ?= clang
FUZZFLAGS = -g -O1 -std=c11 -D_GNU_SOURCE -I. -fsanitize=fuzzer,address,undefined \
            -fno-sanitize-recover=undefined
vpath fuzz_%.c $(TESTDIRS)

FUZZ_EXTRA += $(patsubst %.c,build/fuzz/%,$(notdir $(FUZZSRC)))
TEST_EXTRA += $(patsubst fuzz_%.c,$(B)/replay_%,$(notdir $(FUZZSRC)))

build/fuzz/fuzz_%: fuzz_%.c $(LIBSRC) $(wildcard *.h tests/*/*.h)
	@mkdir -p build/fuzz
	$(FUZZCC) $(FUZZFLAGS) -o $@ $< $(LIBSRC)

$(B)/replay_%: fuzz_%.c tests/fuzz_replay.c $(B)/libmosh.a $(wildcard *.h tests/*/*.h)
	$(CC) $(CFLAGS) -I. -o $@ $< tests/fuzz_replay.c $(B)/libmosh.a
