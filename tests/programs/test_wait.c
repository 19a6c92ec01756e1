/*
 * The programs' wait (ssp.c:/^ssp_wait/, SPEC.md §10.2): what the client's
 * and the server's loops wait in.  The case that matters most is the race
 * pselect closes: a signal that arrives while the loop is busy (blocked,
 * so it stays pending) must end the next wait at once, handler run, and
 * not sleep through the whole timeout.  Also: the caller's descriptor, a
 * datagram from a peer transport on 127.0.0.1, a plain timeout, the
 * shorter of two timeouts, and writing everything.
 */
#include "testutil.h"
#include "ssp.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define LONG_WAIT_MS 10000      /* how long a broken wait would sleep */

static const uint8_t key[KEY_LEN] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15 };
static volatile sig_atomic_t got_usr1;

static void
on_usr1(int sig)
{
	(void)sig;
	got_usr1 = 1;
}

static struct ssp *
new_server(void)
{
	return ssp_new(SSP_SERVER, key, &userstream_ops, userstream_new(), &userstream_ops,
	    userstream_new(), ssp_now());
}

/* SIGUSR1 is raised while blocked, as if it came while the loop was busy:
 * the wait must run the handler and return, not sleep 10 s and then
 * return with the signal still pending.  With a wait that does not unblock
 * the signal (pselect given the loop's own mask, or poll), got_usr1 stays
 * 0 here. */
static void
wait_takes_pending_signal(void **state)
{
	const int sigs[] = { SIGUSR1 };
	struct ssp *t = new_server();
	char err[128];
	sigset_t pending;

	(void)state;
	assert_true(ssp_bind(t, "127.0.0.1", 0, 0, err, sizeof err) > 0);
	ssp_wait_signals(sigs, 1, on_usr1);
	raise(SIGUSR1);
	sigpending(&pending);
	assert_true(sigismember(&pending, SIGUSR1));    /* blocked: not yet run */
	assert_int_equal(got_usr1, 0);
	assert_int_equal(ssp_wait(t, -1, LONG_WAIT_MS), 0);
	assert_int_equal(got_usr1, 1);
	sigpending(&pending);
	assert_false(sigismember(&pending, SIGUSR1));
	ssp_free(t);
}

/* The caller's descriptor: readable, and at its end (which reads as 0). */
static void
wait_reports_fd(void **state)
{
	struct ssp *t = new_server();
	char err[128];
	int p[2];

	(void)state;
	assert_true(ssp_bind(t, "127.0.0.1", 0, 0, err, sizeof err) > 0);
	assert_int_equal(pipe(p), 0);
	assert_int_equal(write(p[1], "x", 1), 1);
	assert_int_equal(ssp_wait(t, p[0], LONG_WAIT_MS), SSP_WAIT_FD);
	close(p[1]);
	assert_int_equal(ssp_wait(t, p[0], LONG_WAIT_MS), SSP_WAIT_FD);
	close(p[0]);
	ssp_free(t);
}

/* Nothing to read: the timeout passes and nothing is reported. */
static void
wait_times_out(void **state)
{
	struct ssp *t = new_server();
	char err[128];
	int p[2];

	(void)state;
	assert_true(ssp_bind(t, "127.0.0.1", 0, 0, err, sizeof err) > 0);
	assert_int_equal(pipe(p), 0);
	assert_int_equal(ssp_wait(t, p[0], 20), 0);
	close(p[0]);
	close(p[1]);
	ssp_free(t);
}

/* A client's first datagram (its state 1, an empty ack) reaches the
 * server's wait: a datagram read, and a new remote state. */
static void
wait_reads_datagram(void **state)
{
	struct ssp *s = new_server();
	struct ssp *c = ssp_new(SSP_CLIENT, key, &userstream_ops, userstream_new(),
	    &userstream_ops, userstream_new(), ssp_now());
	char err[128], port[16];
	int found = 0;

	(void)state;
	snprintf(port, sizeof port, "%d", ssp_bind(s, "127.0.0.1", 0, 0, err, sizeof err));
	assert_int_equal(ssp_connect(c, "127.0.0.1", port, err, sizeof err), 0);
	ssp_tick(c, ssp_now());
	assert_int_equal(ssp_datagrams_sent(c), 1);
	/* Loopback delivers at once; a few tries allow for a slow machine. */
	for (int i = 0; i < 50 && found == 0; i++)
		found = ssp_wait(s, -1, 100);
	assert_int_equal(found, SSP_WAIT_DATAGRAM | SSP_WAIT_STATE);
	assert_int_equal(ssp_remote_num(s), 1);
	assert_null(ssp_last_error(s));
	ssp_free(c);
	ssp_free(s);
}

/* -1 means "no timeout", so it loses to any other. */
static void
min_timeout_table(void **state)
{
	static const struct { int a, b, min; } rows[] = {
		{ -1, -1, -1 }, { -1, 0, 0 }, { 0, -1, 0 }, { -1, 250, 250 },
		{ 250, -1, 250 }, { 20, 250, 20 }, { 250, 20, 20 }, { 7, 7, 7 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
		assert_int_equal(ssp_min_timeout(rows[i].a, rows[i].b), rows[i].min);
}

/* More than a pipe holds at once goes out whole while the reader drains
 * it; a closed reader is an error. */
static void
write_all_whole(void **state)
{
	static uint8_t out[200000], in[200000];
	int p[2];
	pid_t pid;
	size_t got = 0;
	ssize_t n;

	(void)state;
	for (size_t i = 0; i < sizeof out; i++)
		out[i] = (uint8_t)(i * 131 + 7);
	assert_int_equal(pipe(p), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(p[0]);
		_exit(ssp_write_all(p[1], out, sizeof out) ? 0 : 1);
	}
	close(p[1]);
	while ((n = read(p[0], in + got, sizeof in - got)) > 0)
		got += (size_t)n;
	close(p[0]);
	assert_int_equal(got, sizeof out);
	assert_memory_equal(in, out, sizeof out);
	assert_int_equal(pipe(p), 0);
	close(p[0]);
	signal(SIGPIPE, SIG_IGN);
	assert_false(ssp_write_all(p[1], out, 1));
	close(p[1]);
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(wait_takes_pending_signal),
		cmocka_unit_test(wait_reports_fd),
		cmocka_unit_test(wait_times_out),
		cmocka_unit_test(wait_reads_datagram),
		cmocka_unit_test(min_timeout_table),
		cmocka_unit_test(write_all_whole),
	};
	return RUN_TESTS("wait", tests);
}
