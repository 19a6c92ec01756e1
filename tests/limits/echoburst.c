/*
 * echoburst -- a client that types faster than any real one, for
 * tests/limits/e2e_limits.test (ECHO_HISTORY_MAX in server.c, SPEC.md §A).
 *
 *   echoburst IP PORT KEY N...
 *
 * A real client sends a new state at most once a frame (20 ms or more),
 * so it never has more than a few states awaiting their echo ack.  This
 * one seals its instructions itself: state 1 is the resize 80x24, and
 * then, for each N, it sends N states of one keystroke each, 32 back to
 * back and then a 0.5 ms pause so that the server's socket buffer does
 * not overflow.  Each is a diff from the one before, with the previous
 * burst's last state (echo-acknowledged, so the server holds it) as
 * throwaway_num.  A dropped datagram therefore stops the server from
 * taking any later state of the burst, and reaching the last state's echo
 * ack with no resend shows that the server took them all.  Stuck, it
 * sends the states after the server's ack_num again every 250 ms, for at
 * most 5 s.
 * The server's states are received through a client transport fed with
 * ssp_input, which never sends.
 *
 * Whether the server's history of ECHO_HISTORY_MAX (256) entries was
 * full shows from the clocks.  The server sets the echo ack to the last
 * state only 50 ms after that state arrived, and stamps each datagram
 * with its CLOCK_MONOTONIC milliseconds, the clock this program reads
 * too.  So if the datagram that first carries that echo ack is stamped
 * less than 100 ms after the burst began, every state of the burst
 * arrived within 50 ms of the first: none had been acknowledged when the
 * 257th came, and the history was full ("full: yes").
 *
 * Prints one line per burst; exits 0 when every burst got its echo ack.
 */
#include "display.h"
#include "ssp.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BURST_ECHO_WAIT_MS  5000    /* for the echo ack of a burst's last state */
#define BURST_RESEND_MS     250     /* resend unacknowledged states this often */
#define BURST_HISTORY       256     /* server.c's ECHO_HISTORY_MAX (SPEC §A) */
#define BURST_ECHO_MS       50      /* server.c's ECHO_TIMEOUT_MS (SPEC.md §6.2) */
#define BURST_SEEN_MAX      64      /* distinct echo acks remembered */
#define BURST_COUNT_MAX     100000  /* states per burst */
#define BURST_SLICE         32      /* states sent back to back, then... */
#define BURST_PAUSE_US      500     /* ...a pause (µs) for the server to read them */

struct burst {
	int fd;
	struct ocb_ctx ocb;
	struct ssp *rx;         /* the server's states arrive here */
	uint64_t seq;           /* next sequence number */
	uint16_t stamp;         /* server clock of the last datagram read */
	uint64_t stamp_at;      /* ...and ours when it came (to echo it) */
	uint64_t server_has;    /* the newest state the server acknowledged */
};

/* Sends state num, given as diff from state old. */
static void
burst_send(struct burst *b, uint64_t old, uint64_t num, uint64_t throwaway,
    const struct buf *diff)
{
	struct wire_instruction in = { .protocol_version = 2, .old_num = old, .new_num = num,
		.ack_num = ssp_remote_num(b->rx), .throwaway_num = throwaway,
		.diff = diff->data, .diff_len = diff->len };
	struct buf plain = { 0 }, z = { 0 };
	uint8_t frag[SSP_DATAGRAM_MAX], dg[SSP_DATAGRAM_MAX];
	size_t n;

	wire_instruction_encode(&plain, &in);
	zlib_store(&z, plain.data, plain.len);
	if (SSP_FRAGMENT_HEADER + z.len + SSP_OVERHEAD > sizeof dg) {
		fprintf(stderr, "echoburst: instruction too long\n");
		exit(2);
	}
	for (int i = 0; i < 8; i++)     /* instruction id: the sequence number */
		frag[i] = (uint8_t)(b->seq >> (56 - 8 * i));
	frag[8] = 0x80;                 /* final, fragment 0 */
	frag[9] = 0;
	memcpy(frag + SSP_FRAGMENT_HEADER, z.data, z.len);
	/* Echoing the server's clock gives it a round trip time, and so its
	 * usual frame rate on a fast link. */
	n = ssp_datagram_seal(&b->ocb, b->seq++, (uint16_t)(ssp_now() % 0xFFFF),
	    b->stamp_at ? (uint16_t)(b->stamp + (ssp_now() - b->stamp_at)) : 0xFFFF, frag,
	    SSP_FRAGMENT_HEADER + z.len, dg);
	if (n > 0 && send(b->fd, dg, n, 0) < 0)
		perror("echoburst: send");
	buf_free(&plain);
	buf_free(&z);
}

static uint64_t
burst_echo_ack(const struct burst *b)
{
	return ((const struct hoststate *)ssp_remote(b->rx))->echo_ack;
}

/* Reads what the server sent, waiting at most ms, until the echo ack is
 * `want`; b->stamp is then the server clock of the datagram that said so. */
static void
burst_receive(struct burst *b, int ms, uint64_t want)
{
	uint8_t dg[SSP_DATAGRAM_MAX + 1], payload[SSP_DATAGRAM_MAX];
	struct pollfd pf = { .fd = b->fd, .events = POLLIN };
	uint64_t dseq;
	uint16_t tsr;
	size_t len;
	ssize_t n;

	if (poll(&pf, 1, ms) <= 0)
		return;
	for (int i = 0; i < 1000 && burst_echo_ack(b) != want &&
	    (n = recv(b->fd, dg, sizeof dg, MSG_DONTWAIT)) > 0; i++) {
		if (ssp_datagram_open(&b->ocb, dg, (size_t)n, &dseq, &b->stamp, &tsr, payload,
		    &len) != NULL)
			continue;
		b->stamp_at = ssp_now();
		ssp_input(b->rx, dg, (size_t)n, NULL, 0, b->stamp_at);
		/* A whole instruction in one fragment: note its ack_num. */
		if (len > SSP_FRAGMENT_HEADER && payload[8] == 0x80 && payload[9] == 0) {
			struct buf plain = { 0 };
			struct wire_instruction in;
			if (zlib_inflate(payload + SSP_FRAGMENT_HEADER, len - SSP_FRAGMENT_HEADER,
			    &plain, ZLIB_MAX_OUT) == ZLIB_OK &&
			    wire_instruction_decode(plain.data, plain.len, &in) == 0 &&
			    in.ack_num > b->server_has && in.ack_num != UINT64_MAX)
				b->server_has = in.ack_num;
			buf_free(&plain);
		}
	}
}

/*
 * Sends states first..last, each one keystroke after the one before
 * (first after `base`), and waits for the echo ack of `last`, sending
 * those the server has not acknowledged again when stuck.  Prints the
 * outcome; returns whether the echo ack came.
 */
static bool
burst_run(struct burst *b, uint64_t base, uint64_t first, uint64_t last)
{
	struct buf key = { 0 };
	uint64_t t0 = ssp_now(), sent_ms, last_send, seen[BURST_SEEN_MAX];
	int nseen = 0, resends = 0;

	wire_put_bytes(&key, (const uint8_t *)"x", 1);
	for (uint64_t k = first; k <= last; k++) {
		/* A pause now and then lets the server's socket drain. */
		if ((k - first) % BURST_SLICE == BURST_SLICE - 1)
			nanosleep(&(struct timespec){ 0, BURST_PAUSE_US * 1000L }, NULL);
		burst_send(b, k == first ? base : k - 1, k, base, &key);
	}
	sent_ms = last_send = ssp_now() - t0;
	while (burst_echo_ack(b) != last && ssp_now() - t0 < BURST_ECHO_WAIT_MS) {
		uint64_t ack = burst_echo_ack(b);
		if (nseen == 0 || (seen[nseen - 1] != ack && nseen < BURST_SEEN_MAX))
			seen[nseen++] = ack;
		if (ssp_now() - t0 - last_send >= BURST_RESEND_MS) {
			for (uint64_t k = b->server_has + 1 > first ? b->server_has + 1 : first;
			    k <= last; k++)
				burst_send(b, k == first ? base : k - 1, k, base, &key);
			last_send = ssp_now() - t0;
			resends++;
		}
		burst_receive(b, 10, last);
	}
	buf_free(&key);
	bool got = burst_echo_ack(b) == last;
	uint16_t took = (uint16_t)(b->stamp - (uint16_t)t0);  /* server clock */
	printf("BURST %llu states %llu..%llu sent in %llu ms, %d resends; echo ack %s %llu, "
	    "stamped %u ms after the start; full: %s; acks seen:",
	    (unsigned long long)(last - first + 1), (unsigned long long)first,
	    (unsigned long long)last, (unsigned long long)sent_ms, resends,
	    got ? "reached" : "stuck at", (unsigned long long)burst_echo_ack(b), took,
	    last - first + 1 < BURST_HISTORY ? "no" : !got || resends ? "unknown" :
	    took < 2 * BURST_ECHO_MS ? "yes" : "unknown");
	for (int i = 0; i < nseen; i++)
		printf(" %llu", (unsigned long long)seen[i]);
	printf("\n");
	return got;
}

int
main(int argc, char **argv)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	uint8_t key[KEY_LEN];
	struct burst b = { 0 };
	struct buf resize = { 0 };
	const char *why;
	uint64_t num = 1;
	int rc = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc < 5) {
		fprintf(stderr, "usage: echoburst IP PORT KEY N...\n");
		return 2;
	}
	if ((why = key_decode(argv[3], key)) != NULL) {
		fprintf(stderr, "echoburst: %s\n", why);
		return 2;
	}
	sa.sin_port = htons((uint16_t)atoi(argv[2]));
	if (inet_pton(AF_INET, argv[1], &sa.sin_addr) != 1 ||
	    (b.fd = socket(AF_INET, SOCK_DGRAM, 0)) < 0 ||
	    connect(b.fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
		perror("echoburst: socket");
		return 2;
	}
	ocb_init(&b.ocb, key);
	b.rx = ssp_new(SSP_CLIENT, key, &userstream_ops, userstream_new(), &hoststate_ops,
	    hoststate_new(80, 24), ssp_now());
	/* State 1, as mosh-client's: the window size. */
	wire_put_resize(&resize, 80, 24);
	for (int i = 0; i < BURST_ECHO_WAIT_MS / BURST_RESEND_MS && burst_echo_ack(&b) != 1; i++) {
		burst_send(&b, 0, 1, 0, &resize);
		for (int k = 0; k < BURST_RESEND_MS / 10 && burst_echo_ack(&b) != 1; k++)
			burst_receive(&b, 10, 1);
	}
	buf_free(&resize);
	if (burst_echo_ack(&b) != 1) {
		printf("NO ECHO ACK of state 1\n");
		rc = 1;
	}
	for (int a = 4; a < argc && rc == 0; a++) {
		long count = atol(argv[a]);
		if (count < 1 || count > BURST_COUNT_MAX) {
			fprintf(stderr, "echoburst: burst size %s outside 1..%d\n", argv[a],
			    BURST_COUNT_MAX);
			rc = 2;
			break;
		}
		rc = !burst_run(&b, num, num + 1, num + (uint64_t)count);
		num += (uint64_t)count;
	}
	ssp_free(b.rx);
	ocb_wipe(&b.ocb);
	close(b.fd);
	return rc;
}
