# wire area: the UDP impairment relay used by the transport and session
# tests (tests/relay.c; usage at its top), and the compressor as a filter
# for tests/deflate_zlib.test (tests/zdeflate.c).
TEST_EXTRA += $(B)/relay $(B)/zdeflate

$(B)/relay: tests/relay.c | $(B)
	$(CC) $(CFLAGS) -o $@ tests/relay.c

$(B)/zdeflate: tests/zdeflate.c $(B)/libmosh.a wire.h
	$(CC) $(CFLAGS) -I. -o $@ tests/zdeflate.c $(B)/libmosh.a
