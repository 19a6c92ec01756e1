# The display area (display.c): its bench, and the targets that build its
# harness.  The unit test and the fuzz harness use the generic rules; alone:
#   make B=build/display LIBSRC='display.c term.c vtparse.c wire.c' build/display/test_display
# The Makefile reads the *_EXTRA lists before including this fragment, so
# the targets are named here as well.
BENCH_EXTRA += $(B)/bench_display
tests: $(B)/replay_display
bench: $(B)/bench_display
fuzz: build/fuzz/fuzz_display

$(B)/bench_display: tests/bench_display.c $(B)/libmosh.a $(wildcard *.h)
	$(CC) $(CFLAGS) -I. -o $@ $< $(B)/libmosh.a

# The harness and the unit test share tests/display_check.h.
$(B)/replay_display build/fuzz/fuzz_display: tests/display_check.h

# A client of the real mosh-server that checks its hoststrings against ours
# (tests/display_mosh.test).
TEST_EXTRA += $(B)/display_capture
tests: $(B)/display_capture
$(B)/display_capture: tests/display_capture.c $(B)/libmosh.a $(wildcard *.h)
	$(CC) $(CFLAGS) -I. -o $@ $< $(B)/libmosh.a
