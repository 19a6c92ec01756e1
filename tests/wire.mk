# wire area: the UDP impairment relay used by the transport and session
# tests (tests/relay.c; usage at its top).  `tests:` is named here too
# because the Makefile reads its `tests:` line before including us.
TEST_EXTRA += $(B)/relay
tests: $(B)/relay

$(B)/relay: tests/relay.c | $(B)
	$(CC) $(CFLAGS) -o $@ tests/relay.c
