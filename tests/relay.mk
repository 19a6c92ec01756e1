# The UDP impairment relay used by the transport and session tests, with
# its protocol trace (tests/relay.c, tests/trace.c; usage at the top of
# relay.c).  It links the product library to open datagrams and decode
# instructions.  test_trace is the decoder's cmocka program: the pattern
# rule in the Makefile would link it without tests/trace.c.
TEST_EXTRA += $(B)/relay

$(B)/relay: tests/relay.c tests/trace.c tests/trace.h $(B)/libmosh.a $(wildcard *.h)
	$(CC) $(CFLAGS) -I. -Itests -o $@ tests/relay.c tests/trace.c $(B)/libmosh.a -lm

$(B)/test_trace: tests/test_trace.c tests/trace.c tests/trace.h $(B)/testutil.o \
    $(B)/libmosh.a $(wildcard *.h)
	$(CC) $(CFLAGS) -I. -Itests -o $@ tests/test_trace.c tests/trace.c $(B)/testutil.o \
	    $(B)/libmosh.a -lcmocka -lm
