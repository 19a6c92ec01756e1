# term area: the width-table generator (tools/genwidth.c; termwidth.h is its
# output, which tests/width_table.test regenerates and compares) and the
# emulator benchmark (tests/bench_term.sh).
TEST_EXTRA  += $(B)/genwidth
BENCH_EXTRA += $(B)/bench_term

$(B)/genwidth: tools/genwidth.c | $(B)
	$(CC) $(CFLAGS) -o $@ $<

$(B)/bench_term: tests/bench_term.c $(B)/libmosh.a | $(B)
	$(CC) $(CFLAGS) -I. -o $@ $< $(B)/libmosh.a

TEST_EXTRA += $(B)/term_dump
$(B)/term_dump: tests/term_dump.c $(B)/libmosh.a | $(B)
	$(CC) $(CFLAGS) -I. -o $@ $< $(B)/libmosh.a
