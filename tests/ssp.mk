# ssp area: the test peer driven by tests/ssp_*.test (see tests/sspcat.c).
# (The explicit `tests:` line: TEST_EXTRA is read by the Makefile before
# this fragment is included.)
TEST_EXTRA += $(B)/sspcat
tests: $(B)/sspcat

$(B)/sspcat: tests/sspcat.c tests/ssp_bytes.h $(B)/libmosh.a $(wildcard *.h)
	$(CC) $(CFLAGS) -I. -Itests -o $@ $< $(B)/libmosh.a
