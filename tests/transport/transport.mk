# transport area (SPEC.md §2-§6): the test peer, the compressor as a filter,
# and the impairment relay with its protocol trace.

# The test peer driven by the ssp_*.test scripts (sspcat.c).
TEST_EXTRA += $(B)/sspcat
$(B)/sspcat: tests/transport/sspcat.c tests/transport/ssp_bytes.h $(B)/libmosh.a \
    $(wildcard *.h)
	$(CC) $(CFLAGS) -I. -o $@ $< $(B)/libmosh.a

# The compressor as a filter, for deflate_zlib.test (zdeflate.c).
TEST_EXTRA += $(B)/zdeflate
$(B)/zdeflate: tests/transport/zdeflate.c $(B)/libmosh.a wire.h
	$(CC) $(CFLAGS) -I. -o $@ $< $(B)/libmosh.a

# The UDP impairment relay used by the transport and session tests and by
# mosh.sh --delay/--loss/--trace, with its protocol trace (relay.c,
# trace.c; usage at the top of relay.c).  It links the product library to
# open datagrams and decode instructions.  test_trace is the decoder's
# cmocka program: the pattern rule in the Makefile would link it without
# trace.c.
TEST_EXTRA += $(B)/relay
RELAY_SRC = tests/transport/relay.c tests/transport/trace.c

$(B)/relay: $(RELAY_SRC) tests/transport/trace.h $(B)/libmosh.a $(wildcard *.h)
	$(CC) $(CFLAGS) -I. -o $@ $(RELAY_SRC) $(B)/libmosh.a -lm

$(B)/test_trace: tests/transport/test_trace.c tests/transport/trace.c \
    tests/transport/trace.h $(B)/testutil.o $(B)/libmosh.a $(wildcard *.h)
	$(CC) $(CFLAGS) -I. -Itests -o $@ tests/transport/test_trace.c \
	    tests/transport/trace.c $(B)/testutil.o $(B)/libmosh.a -lcmocka -lm
