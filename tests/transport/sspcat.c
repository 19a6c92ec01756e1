/*
 * sspcat -- a small peer built on ssp.c, for the transport scripts
 * (tests/transport/ssp_*.test).  A byte string (tests/transport/ssp_bytes.h) stands in for
 * the terminal; the user stream is the real one.
 *
 *   sspcat server [-p PORT] [-e N] [-s] [-t SECS]
 *       Binds 127.0.0.1, prints "MOSH CONNECT <port> <key>".  -e N: expect
 *       exactly N typed bytes of the test pattern, in order, and exit 0 when
 *       the client shuts down after them.  -s (serve a real mosh-client):
 *       wait for its resize, send a line of text, and once the client has
 *       acknowledged it, shut down.
 *   sspcat client IP PORT KEY [-n N] [-i MS] [-w TEXT] [-x TEXT] [-I SECS] [-t SECS]
 *       Sends the resize 80x24, then types: -n N bytes of the test pattern,
 *       one every -i MS (0: in bursts), or -w TEXT (\r and \n understood).
 *       -x TEXT: wait until the server's bytes contain TEXT.  -I SECS: stay
 *       idle that long and count the datagrams sent (heartbeats).  Then
 *       shuts down.  Prints SRTT, frame interval and counts on stdout.
 * Every run ends by -t SECS (default 60) at the latest.
 */
#include "ssp.h"
#include "ssp_bytes.h"

#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CAT_BURST 10            /* bytes typed per 10 ms with -i 0 */

static uint8_t
pattern(size_t i)
{
	/* no short period, so a lost, doubled or swapped run shows */
	return (uint8_t)(i + (i >> 8) * 7 + (i >> 16));
}

static int
usage(void)
{
	fprintf(stderr, "usage: sspcat server [-p PORT] [-e N] [-s] [-t SECS]\n"
	    "       sspcat client IP PORT KEY [-n N] [-i MS] [-w TEXT] [-x TEXT] [-I SECS] [-t SECS]\n");
	return 2;
}

/* One turn of the event loop: tick, wait at most 10 ms, read. */
static void
cat_turn(struct ssp *t)
{
	int fds[16], n = ssp_fds(t, fds, 16), wait = ssp_wait_time(t, ssp_now());
	struct pollfd pf[16];

	ssp_tick(t, ssp_now());
	for (int i = 0; i < n; i++)
		pf[i] = (struct pollfd){ .fd = fds[i], .events = POLLIN };
	poll(pf, (nfds_t)n, wait < 0 || wait > 10 ? 10 : wait);
	for (int i = 0; i < n; i++)
		if (pf[i].revents & POLLIN)
			ssp_recv(t, pf[i].fd, ssp_now());
}

static void
unescape(const char *s, struct buf *out)
{
	for (; *s; s++) {
		if (s[0] == '\\' && (s[1] == 'r' || s[1] == 'n')) {
			buf_putc(out, s[1] == 'r' ? '\r' : '\n');
			s++;
		} else {
			buf_putc(out, (uint8_t)*s);
		}
	}
}

static int
cat_server(int argc, char **argv)
{
	uint8_t key[KEY_LEN];
	char keytext[KEY_B64_LEN + 1], err[160];
	int port = 0, secs = 60, opt, rc = 1;
	long expect = -1;
	bool serve = false, resized = false, bad_order = false;
	size_t got = 0;
	uint64_t start = ssp_now(), text_num = 0;
	struct ssp *t;

	while ((opt = getopt(argc, argv, "p:e:st:")) != -1) {
		if (opt == 'p')
			port = atoi(optarg);
		else if (opt == 'e')
			expect = atol(optarg);
		else if (opt == 's')
			serve = true;
		else if (opt == 't')
			secs = atoi(optarg);
		else
			return usage();
	}
	if (crypto_random(key, sizeof key) != 0)
		return 1;
	key_encode(key, keytext);
	t = ssp_new(SSP_SERVER, key, &bytes_ops, bytes_new(), &userstream_ops, userstream_new(), start);
	if ((port = ssp_bind(t, "127.0.0.1", port, port, err, sizeof err)) < 0) {
		fprintf(stderr, "sspcat: %s\n", err);
		return 1;
	}
	printf("MOSH CONNECT %d %s\n", port, keytext);
	fflush(stdout);
	while (ssp_now() - start < (uint64_t)secs * 1000) {
		struct buf d = { 0 };
		const uint8_t *p;
		struct wire_event ev;

		cat_turn(t);
		ssp_take_remote_diff(t, &d);
		for (p = d.data; wire_next_event(&p, d.data + d.len, &ev) == 1;) {
			if (ev.type == WIRE_RESIZE && !resized) {
				printf("RESIZE %dx%d\n", ev.width, ev.height);
				fflush(stdout);
				resized = true;
			}
			for (size_t i = 0; ev.type == WIRE_BYTES && i < ev.len; i++, got++)
				bad_order |= ev.bytes[i] != pattern(got);
		}
		buf_free(&d);
		if (serve && resized && text_num == 0) {
			buf_puts(ssp_local(t), "hello from sspcat\r\n");
			text_num = ssp_sent_state_num(t) + 1;
		}
		if (serve && text_num && ssp_acked_state_num(t) >= text_num && !ssp_shutdown_in_progress(t)) {
			printf("ACKED %llu\n", (unsigned long long)ssp_acked_state_num(t));
			fflush(stdout);
			ssp_start_shutdown(t, ssp_now());
			rc = 0;
		}
		if (ssp_shutdown_in_progress(t) && (ssp_shutdown_acknowledged(t) ||
		    ssp_shutdown_ack_timed_out(t, ssp_now())))
			break;
		if (ssp_counterparty_shutdown_ack_sent(t)) {
			rc = expect >= 0 && ((long)got != expect || bad_order);
			break;
		}
	}
	printf("SERVER got %zu bytes, %s, srtt %.0f, interval %d, shutdown %s\n", got,
	    bad_order ? "OUT OF ORDER" : "in order", ssp_srtt(t), ssp_send_interval(t),
	    ssp_shutdown_acknowledged(t) ? "ours acknowledged" :
	    ssp_counterparty_shutdown_ack_sent(t) ? "theirs acknowledged" : "none");
	ssp_free(t);
	return rc;
}

static int
cat_client(int argc, char **argv)
{
	uint8_t key[KEY_LEN];
	char err[160];
	const char *why;
	long count = 0, interval = 0, idle = 0, secs = 60;
	struct buf text = { 0 }, want = { 0 };
	int opt, rc = 0, fds[16];
	uint64_t start = ssp_now(), last_type = 0, idle_from = 0, idle_sent = 0, final_num = 0;
	size_t typed = 0;
	struct ssp *t;
	void *us = userstream_new();
	const struct buf *remote;

	if (argc < 4)
		return usage();
	if ((why = key_decode(argv[3], key)) != NULL) {
		fprintf(stderr, "sspcat: %s\n", why);
		return 1;
	}
	optind = 4;
	while ((opt = getopt(argc, argv, "n:i:w:x:I:t:")) != -1) {
		if (opt == 'n')
			count = atol(optarg);
		else if (opt == 'i')
			interval = atol(optarg);
		else if (opt == 'w')
			unescape(optarg, &text);
		else if (opt == 'x')
			buf_puts(&want, optarg);
		else if (opt == 'I')
			idle = atol(optarg);
		else if (opt == 't')
			secs = atol(optarg);
		else
			return usage();
	}
	userstream_push_resize(us, 80, 24);     /* state 1, as mosh-client */
	t = ssp_new(SSP_CLIENT, key, &userstream_ops, us, &bytes_ops, bytes_new(), start);
	if (ssp_connect(t, argv[1], argv[2], err, sizeof err) != 0) {
		fprintf(stderr, "sspcat: %s\n", err);
		return 1;
	}
	if (text.len)
		userstream_push_bytes(ssp_local(t), text.data, text.len);
	while (ssp_now() - start < (uint64_t)secs * 1000) {
		uint64_t now = ssp_now();
		bool typing = (long)typed < count;

		remote = ssp_remote(t);
		if (typing && now - last_type >= (uint64_t)(interval ? interval : 10)) {
			for (int k = 0; k < (interval ? 1 : CAT_BURST) && (long)typed < count; k++, typed++) {
				uint8_t c = pattern(typed);

				userstream_push_bytes(ssp_local(t), &c, 1);
			}
			last_type = now;
		}
		bool seen = want.len == 0 || (remote->len >= want.len &&
		    memmem(remote->data, remote->len, want.data, want.len) != NULL);
		/* Once the last keystroke has surely gone out, every later state
		 * holds it too, so an ack of any of them (a heartbeat's, say)
		 * means the server has everything. */
		if (!typing && !final_num && now - last_type > 300)
			final_num = ssp_sent_state_num(t);
		bool settled = final_num && seen && ssp_acked_state_num(t) >= final_num;
		if (settled && idle && !idle_from) {
			idle_from = now;
			idle_sent = ssp_datagrams_sent(t);
			printf("SRTT %.0f INTERVAL %d\n", ssp_srtt(t), ssp_send_interval(t));
			fflush(stdout);
		}
		if (settled && (!idle || now - idle_from >= (uint64_t)idle * 1000) &&
		    !ssp_shutdown_in_progress(t)) {
			if (idle)
				printf("HEARTBEATS %llu in %ld s\n",
				    (unsigned long long)(ssp_datagrams_sent(t) - idle_sent), idle);
			ssp_start_shutdown(t, now);
		}
		if (ssp_shutdown_in_progress(t) && (ssp_shutdown_acknowledged(t) ||
		    ssp_shutdown_ack_timed_out(t, now)))
			break;
		cat_turn(t);
	}
	remote = ssp_remote(t);
	if (!ssp_shutdown_in_progress(t) || want.len) {
		rc = !ssp_shutdown_in_progress(t);
		printf("CLIENT %s; server bytes (%zu): ", rc ? "timed out" : "saw", remote->len);
		for (size_t i = 0; i < remote->len && i < 400; i++)
			printf(remote->data[i] >= 32 && remote->data[i] < 127 ? "%c" : "\\x%02x",
			    remote->data[i]);
		printf("\n");
	}
	printf("CLIENT typed %zu, sent %llu datagrams, srtt %.0f, interval %d, sockets %d, "
	    "shutdown %s\n", typed, (unsigned long long)ssp_datagrams_sent(t), ssp_srtt(t),
	    ssp_send_interval(t), ssp_fds(t, fds, 16),
	    ssp_shutdown_acknowledged(t) ? "acknowledged" : "timed out");
	buf_free(&text);
	buf_free(&want);
	ssp_free(t);
	return rc;
}

int
main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc >= 2 && strcmp(argv[1], "server") == 0)
		return cat_server(argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "client") == 0)
		return cat_client(argc - 1, argv + 1);
	return usage();
}
