# The protocol trace decoder (tests/trace.c) and its cmocka program.  The
# pattern rule in the Makefile would link test_trace without tests/trace.c.
$(B)/test_trace: tests/test_trace.c tests/trace.c tests/trace.h $(B)/testutil.o \
    $(B)/libmosh.a $(wildcard *.h)
	$(CC) $(CFLAGS) -I. -Itests -o $@ tests/test_trace.c tests/trace.c $(B)/testutil.o \
	    $(B)/libmosh.a -lcmocka -lm
