# limits area (SPEC.md §A): the fast-typing client driven by
# e2e_limits.test (echoburst.c).
TEST_EXTRA += $(B)/echoburst
$(B)/echoburst: tests/limits/echoburst.c $(B)/libmosh.a $(wildcard *.h)
	$(CC) $(CFLAGS) -I. -o $@ $< $(B)/libmosh.a
