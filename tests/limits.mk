# limits area: the fast-typing client driven by tests/e2e_limits.test
# (see tests/echoburst.c).  The explicit `tests:` line: TEST_EXTRA is read
# by the Makefile before this fragment is included.
TEST_EXTRA += $(B)/echoburst
tests: $(B)/echoburst

$(B)/echoburst: tests/echoburst.c $(B)/libmosh.a $(wildcard *.h)
	$(CC) $(CFLAGS) -I. -Itests -o $@ $< $(B)/libmosh.a
