# wire area: the compressor as a filter for tests/deflate_zlib.test
# (tests/zdeflate.c).  (The relay's rules are in tests/relay.mk.)
TEST_EXTRA += $(B)/zdeflate

$(B)/zdeflate: tests/zdeflate.c $(B)/libmosh.a wire.h
	$(CC) $(CFLAGS) -I. -o $@ tests/zdeflate.c $(B)/libmosh.a
