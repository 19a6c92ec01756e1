# bench area: the helper programs of tests/bench_session.sh and
# tests/bench_predict.sh (pty drivers that mirror a client's screen with
# term.c).  The Makefile reads BENCH_EXTRA before this fragment, so `bench:`
# names the targets too.  Not built by `make test`.
BENCH_TOOLS  = $(B)/benchtool_session $(B)/benchtool_keys
BENCH_EXTRA += $(BENCH_TOOLS)
bench: $(BENCH_TOOLS)

$(B)/benchtool_%: tests/benchtool_%.c $(B)/libmosh.a $(wildcard *.h)
	$(CC) $(CFLAGS) -I. -o $@ $< $(B)/libmosh.a -lutil
