# wire area: the UDP impairment relay used by the transport and session
# tests (tests/relay.c; usage at its top).
TEST_EXTRA += $(B)/relay

$(B)/relay: tests/relay.c | $(B)
	$(CC) $(CFLAGS) -o $@ tests/relay.c
