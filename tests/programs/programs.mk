# programs area (SPEC.md §10): the benchmark's pty driver, one measured
# session that mirrors a client's screen with term.c (bench_session.sh).
# Built by `make bench`, not by `make tests`.
BENCH_EXTRA += $(B)/benchtool_session
$(B)/benchtool_session: tests/programs/benchtool_session.c $(B)/libmosh.a $(wildcard *.h)
	$(CC) $(CFLAGS) -I. -o $@ $< $(B)/libmosh.a -lutil
