# predict area (SPEC.md §9): the benchmark's pty driver, which replays a
# keystroke trace (traces/*.keys) into a client and judges its screen with
# term.c (bench_predict.sh).  Built by `make bench`, not by `make tests`.
BENCH_EXTRA += $(B)/benchtool_keys
$(B)/benchtool_keys: tests/predict/benchtool_keys.c $(B)/libmosh.a $(wildcard *.h)
	$(CC) $(CFLAGS) -I. -o $@ $< $(B)/libmosh.a -lutil
