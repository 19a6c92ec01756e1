# terminal area (SPEC.md §7-§8): the width-table generator, the emulator
# dump and the frame-diff capture that compare us with mosh 1.4, and the
# two benchmarks.  The unit tests and fuzz harnesses use the generic
# rules; the display ones alone:
#   make B=build/display LIBSRC='display.c term.c vtparse.c wire.c ssp.c crypto.c' build/display/test_display

# tools/genwidth.c prints termwidth.h; width_table.test regenerates it
# and compares.
TEST_EXTRA += $(B)/genwidth
$(B)/genwidth: tools/genwidth.c | $(B)
	$(CC) $(CFLAGS) -o $@ $<

# Feeds a file through the emulator and prints the screen (term_mosh.test).
TEST_EXTRA += $(B)/term_dump
$(B)/term_dump: tests/terminal/term_dump.c $(B)/libmosh.a | $(B)
	$(CC) $(CFLAGS) -I. -o $@ $< $(B)/libmosh.a

# A client of the real mosh-server that checks its hoststrings against
# ours (display_mosh.test).
TEST_EXTRA += $(B)/display_capture
$(B)/display_capture: tests/terminal/display_capture.c $(B)/libmosh.a $(wildcard *.h)
	$(CC) $(CFLAGS) -I. -o $@ $< $(B)/libmosh.a

BENCH_EXTRA += $(B)/bench_term $(B)/bench_display
$(B)/bench_term: tests/terminal/bench_term.c $(B)/libmosh.a | $(B)
	$(CC) $(CFLAGS) -I. -o $@ $< $(B)/libmosh.a

$(B)/bench_display: tests/terminal/bench_display.c $(B)/libmosh.a $(wildcard *.h)
	$(CC) $(CFLAGS) -I. -o $@ $< $(B)/libmosh.a
