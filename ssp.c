/*
 * ssp.c -- the State Synchronization Protocol, wire-compatible with mosh
 * 1.4: datagrams and roaming (SPEC.md §2), fragments (§3), the transport
 * state machine (§5); the user stream is in userstream.c.  Layers, bottom-up:
 *   datagram   8-byte direction|seq nonce tail, OCB ciphertext, tag; the
 *              plaintext opens with two 16-bit clocks that give the RTT.
 *              Receiving checks the direction bit, applies the replay rule
 *              and moves the server to any newer authentic source address.
 *              (mosh: Connection in src/network/network.cc -- send,
 *              recv_one, hop_port, prune_sockets.)
 *   fragment   one per datagram: instruction id, final bit, number; one
 *              instruction is reassembled at a time, and while one is,
 *              fragments of an older one are ignored.  (mosh: Fragmenter
 *              and FragmentAssembly, src/network/transportfragment.cc.)
 *   transport  numbered states.  The sender keeps what it sent, the
 *              acknowledged state first, and diffs the live object from the
 *              state it assumes the receiver has; the receiver keeps the
 *              states it may still be asked to diff from.  (mosh:
 *              TransportSender, src/network/transportsender-impl.h, and
 *              Transport::recv, src/network/networktransport-impl.h.)
 *              Where mosh names a step, a function here has its name after
 *              ssp_: ssp_calculate_timers, ssp_update_assumed_receiver_state,
 *              ssp_rationalize_states, ssp_send_to_receiver,
 *              ssp_add_sent_state, ssp_process_acknowledgment_through, ...
 *   the wait   ssp_wait: what the client's and the server's loops wait in
 *              (the transport's sockets plus one descriptor of their own).
 * Invariants: both state lists are non-empty and ordered by number; every
 * datagram takes a fresh sequence number, so no nonce repeats under the
 * session key, and each transport starts its numbers at a random point, so
 * that a second transport under the same key (a client started again with
 * one MOSH_KEY) almost surely uses other nonces; nothing a peer sends
 * reaches an assert: bad input is dropped and the reason kept for
 * ssp_last_error.
 */
#include "ssp.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <netdb.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <time.h>
#include <unistd.h>

/* Packet layer (SPEC.md §2). */
#define SSP_MTU_DEFAULT     500     /* before bind, and after EMSGSIZE */
#define SSP_MTU_IPV4        1252    /* 1280 minus IPv4 + UDP headers */
#define SSP_MTU_IPV6        1216    /* 1280 minus IPv6 + UDP headers */
#define SSP_TS_NONE         0xFFFF  /* "no timestamp" on the wire */
#define SSP_TS_HOLD_MAX     1000    /* echo a peer timestamp only this fresh */
#define SSP_RTT_SAMPLE_MAX  5000    /* larger RTT samples are ignored */
#define SSP_SRTT_INITIAL    1000    /* guesses before the first sample */
#define SSP_RTTVAR_INITIAL  500
#define SSP_RTO_MIN         50
#define SSP_RTO_MAX         1000
#define SSP_SEQ_LIMIT       (1ULL << 63) /* sequence numbers have 63 bits */
#define SSP_SEQ_START_LIMIT (1ULL << 62) /* the first one is random below this */
#define SSP_DETACH_MS       40000   /* server forgets a silent client */
#define SSP_HOP_MS          10000   /* client port hop without round trip */
#define SSP_PORTS_MAX       10      /* client sockets kept for receiving */
#define SSP_OLD_SOCKET_MS   60000   /* ...and for how long */
#define SSP_ECT0            0x02    /* IP_TOS: ECN-capable transport */
/* Fragments (SPEC.md §3). */
#define SSP_FRAGMENTS_MAX   4096    /* per instruction; bounds reassembly */
#define SSP_ASSEMBLY_MAX    (ZLIB_MAX_OUT + 65536) /* compressed bytes */
/* Transport (SPEC.md §5). */
#define SSP_PROTOCOL_VERSION 2
#define SSP_INTERVAL_MIN    20      /* frame interval clamp */
#define SSP_INTERVAL_MAX    250
#define SSP_ACK_INTERVAL    3000    /* heartbeat */
#define SSP_ACK_DELAY       100     /* delayed ack of a non-empty diff */
#define SSP_SHUTDOWN_RETRIES 16
#define SSP_ACTIVE_RETRY_MS 10000   /* fast retransmit while peer heard */
#define SSP_MINDELAY_SERVER 8       /* ms to collect changes before sending */
#define SSP_MINDELAY_CLIENT 1
#define SSP_SENT_MAX        32      /* sent states kept */
#define SSP_SENT_THIN       16      /* ...past it, drop the 16th from the end */
#define SSP_RECEIVED_MAX    1024    /* received states kept */
#define SSP_QUENCH_MS       15000   /* then accept one per this interval */
#define SSP_HELD_MAX        (64 << 20) /* bytes of received states kept */
#define SSP_CHAFF_MAX       16
#define SSP_PROPHYLACTIC_SMALL 1000 /* a resend diff below this size... */
#define SSP_PROPHYLACTIC_EXTRA 100  /* ...may be this much longer */
#define SSP_NEVER           UINT64_MAX
#define SSP_SHUTDOWN_NUM    UINT64_MAX

struct ssp_entry {              /* one numbered state */
	uint64_t num, stamp;    /* state number; when sent or received */
	void *state;
};

struct ssp_fragment {
	uint8_t *data;          /* NULL: not yet received */
	size_t len;
	bool final;
};

struct ssp {
	enum ssp_role role;
	struct ocb_ctx ocb;
	char err[160];                  /* why the last input was dropped */
	/* packet layer */
	uint64_t seq, expected_seq;     /* next to send; lowest still "new" */
	uint64_t first_seq;             /* where seq started */
	int saved_ts;                   /* peer timestamp to echo, -1 none */
	uint64_t saved_ts_at;
	double srtt, rttvar;
	bool rtt_hit;                   /* an RTT sample replaced the guess */
	size_t mtu;
	int socks[SSP_PORTS_MAX + 1], nsocks; /* client: sends on the newest */
	struct sockaddr_storage remote; /* the peer (client: fixed) */
	socklen_t remote_len;
	bool has_remote;
	uint64_t net_last_heard, last_port_choice;
	uint64_t roundtrip_success;     /* 0: never */
	/* fragments */
	uint64_t next_id, asm_id;       /* last id sent; id being assembled */
	struct ssp_fragment frags[SSP_FRAGMENTS_MAX];
	int frag_count, frag_high, frag_total; /* total -1 until final seen */
	size_t asm_bytes;
	/* sender */
	const struct ssp_state_ops *lops;
	void *current;
	struct ssp_entry sent[SSP_SENT_MAX + 1];
	int nsent;
	int assumed;                    /* index; ssp_calculate_timers sets it afresh */
	uint64_t next_ack_time, next_send_time, mindelay_end; /* or SSP_NEVER */
	uint64_t ack_num, last_heard;   /* newest remote state; when heard */
	bool pending_data_ack, shutdown_ack_sent;
	int shutdown_tries;
	uint64_t shutdown_start;        /* SSP_NEVER: no shutdown begun */
	/* receiver */
	const struct ssp_state_ops *rops;
	struct ssp_entry *recvd;
	size_t nrecvd;
	uint64_t quench_until;
	void *taken;                    /* the remote state last taken */
};

/* Keeps why input was dropped; returns 0 for `return ssp_err(...)`. */
static int
ssp_err(struct ssp *t, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(t->err, sizeof t->err, fmt, ap);
	va_end(ap);
	return 0;
}

/* Memory runs out only on a broken host: say so and stop. */
void *
ssp_realloc(void *p, size_t n)
{
	void *q = realloc(p, n > 0 ? n : 1);

	if (q == NULL) {
		fprintf(stderr, "ssp: out of memory\n");
		exit(1);
	}
	return q;
}

void *
ssp_alloc(size_t n) { return memset(ssp_realloc(NULL, n), 0, n); }

/* Big-endian, as every integer on the wire: n bytes of v. */
static void
ssp_put_be(uint8_t *p, uint64_t v, int n)
{
	for (int i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * (n - 1 - i)));
}

static uint64_t
ssp_get_be(const uint8_t *p, int n)
{
	uint64_t v = 0;

	for (int i = 0; i < n; i++)
		v = v << 8 | p[i];
	return v;
}

uint64_t
ssp_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/*
 * A transport's first sequence number, uniform below SSP_SEQ_START_LIMIT
 * (SPEC.md §B): at least 2^62 numbers remain before SSP_SEQ_LIMIT.  The
 * kernel's randomness (crypto_random), as for the chaff; without it there
 * is no safe number to start from.
 */
static uint64_t
ssp_random_first_seq(void)
{
	uint8_t r[8];

	if (crypto_random(r, sizeof r) != 0) {
		fprintf(stderr, "ssp: cannot read random bytes: %s\n", strerror(errno));
		exit(1);
	}
	return ssp_get_be(r, 8) & (SSP_SEQ_START_LIMIT - 1);
}

/* ---- datagrams (SPEC.md §2.1) ---- */
size_t
ssp_datagram_seal(struct ocb_ctx *c, uint64_t direction_seq, uint16_t ts,
    uint16_t tsr, const uint8_t *payload, size_t n, uint8_t *out)
{
	uint8_t nonce[OCB_NONCE_LEN] = { 0 };
	uint8_t *pt = out + 8;          /* sealed in place, after the nonce */

	if (n + SSP_OVERHEAD > SSP_DATAGRAM_MAX)
		return 0;
	memmove(pt + 4, payload, n);    /* first: payload may lie at pt */
	ssp_put_be(out, direction_seq, 8);
	ssp_put_be(pt, ts, 2);
	ssp_put_be(pt + 2, tsr, 2);
	ssp_put_be(nonce + 4, direction_seq, 8);
	if (ocb_seal(c, nonce, sizeof nonce, NULL, 0, pt, n + 4, pt, OCB_TAG_LEN) != 0)
		return 0;
	return n + SSP_OVERHEAD;
}

const char *
ssp_datagram_open(struct ocb_ctx *c, const uint8_t *dg, size_t n, uint64_t *direction_seq,
    uint16_t *ts, uint16_t *tsr, uint8_t *payload, size_t *payload_len)
{
	uint8_t nonce[OCB_NONCE_LEN] = { 0 };
	uint8_t pt[SSP_DATAGRAM_MAX];

	if (n < 8 + OCB_TAG_LEN)
		return "Ciphertext must contain nonce and tag.";
	if (n > SSP_DATAGRAM_MAX)
		return "Received oversize datagram";
	memcpy(nonce + 4, dg, 8);
	if (ocb_open(c, nonce, sizeof nonce, NULL, 0, dg + 8, n - 8, pt, OCB_TAG_LEN) != 0)
		return "Packet failed integrity check.";
	if (n - 8 - OCB_TAG_LEN < 4)
		return "Illegal counterparty input (no timestamps)";
	*direction_seq = ssp_get_be(dg, 8);
	*ts = (uint16_t)ssp_get_be(pt, 2);
	*tsr = (uint16_t)ssp_get_be(pt + 2, 2);
	*payload_len = n - SSP_OVERHEAD;
	memcpy(payload, pt + 4, *payload_len);
	crypto_wipe(pt, sizeof pt);
	return NULL;
}

/* RTO and frame interval follow the smoothed RTT, within fixed bounds. */
static int
ssp_clamp(double v, int lo, int hi)
{
	if (v < lo)
		return lo;
	return v > hi ? hi : (int)v;
}

/* RFC 6298's retransmission timeout (mosh's Connection::timeout). */
static int
ssp_rto(const struct ssp *t)
{ return ssp_clamp(ceil(t->srtt + 4 * t->rttvar), SSP_RTO_MIN, SSP_RTO_MAX); }

/* About two frames per round trip (mosh's TransportSender::send_interval). */
int
ssp_send_interval(const struct ssp *t)
{ return ssp_clamp(ceil(t->srtt / 2), SSP_INTERVAL_MIN, SSP_INTERVAL_MAX); }

/* ---- sockets (SPEC.md §2.4) ---- */
static int
ssp_socket(int family)
{
	int fd = socket(family, SOCK_DGRAM, 0);
	int tos = SSP_ECT0;

	if (fd < 0)
		return -1;
	/* Never blocks (a full send buffer drops the datagram, as a network
	 * would), and the command the server starts does not inherit it. */
	fcntl(fd, F_SETFL, O_NONBLOCK);
	fcntl(fd, F_SETFD, FD_CLOEXEC);
	/* Best effort, as mosh's Connection::Socket::Socket: mark the
	 * datagrams ECN-capable, and let IP fragment them if it must. */
	if (family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_TCLASS, &tos, sizeof tos);
	else
		setsockopt(fd, IPPROTO_IP, IP_TOS, &tos, sizeof tos);
#ifdef IP_MTU_DISCOVER
	int pmtu = IP_PMTUDISC_DONT;    /* Linux only */
	setsockopt(fd, IPPROTO_IP, IP_MTU_DISCOVER, &pmtu, sizeof pmtu);
#endif
	return fd;
}

/* mosh's prune_sockets: old client sockets stay open for late replies,
 * but not forever, and not too many. */
static void
ssp_prune_sockets(struct ssp *t, uint64_t now)
{
	int keep = now - t->last_port_choice > SSP_OLD_SOCKET_MS ? 1 : SSP_PORTS_MAX;

	for (; t->role == SSP_CLIENT && t->nsocks > keep; t->nsocks--) {
		close(t->socks[0]);
		memmove(t->socks, t->socks + 1, (size_t)(t->nsocks - 1) * sizeof t->socks[0]);
	}
}

/* mosh's hop_port: the client sends from a fresh socket, so from a fresh
 * source port; the old ones stay open to receive. */
static void
ssp_hop_port(struct ssp *t, uint64_t now)
{
	int fd = ssp_socket(t->remote.ss_family);

	t->last_port_choice = now;
	if (fd < 0)
		ssp_err(t, "socket: %s", strerror(errno));
	else
		t->socks[t->nsocks++] = fd;     /* room for one over the limit */
	ssp_prune_sockets(t, now);
}

/* The port field of an IPv4 or IPv6 address. */
static in_port_t *
ssp_port(struct sockaddr_storage *ss)
{
	return ss->ss_family == AF_INET6 ? &((struct sockaddr_in6 *)ss)->sin6_port :
	    &((struct sockaddr_in *)ss)->sin_port;
}

int
ssp_bind(struct ssp *t, const char *ip, int lo, int hi, char *err, size_t errlen)
{
	struct addrinfo hints = { .ai_socktype = SOCK_DGRAM,
		.ai_flags = AI_PASSIVE | AI_NUMERICHOST | AI_NUMERICSERV };
	struct addrinfo *ai;
	struct sockaddr_storage ss;
	int rc = getaddrinfo(ip, "0", &hints, &ai);
	int off = 0;

	if (rc != 0) {
		snprintf(err, errlen, "%s: %s", ip ? ip : "*", gai_strerror(rc));
		return -1;
	}
	socklen_t len = ai->ai_addrlen;
	memcpy(&ss, ai->ai_addr, len);
	freeaddrinfo(ai);
	snprintf(err, errlen, "Bad UDP port range %d:%d", lo, hi);
	for (int p = lo; p <= hi; p++) {        /* the first free port wins */
		int fd = ssp_socket(ss.ss_family);
		if (fd < 0)
			break;
		*ssp_port(&ss) = htons((in_port_t)p);
		if (ss.ss_family == AF_INET6)       /* dual stack */
			setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof off);
		if (bind(fd, (struct sockaddr *)&ss, len) == 0 &&
		    getsockname(fd, (struct sockaddr *)&ss, &len) == 0) {
			t->socks[t->nsocks++] = fd;
			t->mtu = ss.ss_family == AF_INET6 ? SSP_MTU_IPV6 : SSP_MTU_IPV4;
			return ntohs(*ssp_port(&ss));
		}
		snprintf(err, errlen, "Failed binding to %s:%d: %s", ip ? ip : "*", p,
		    strerror(errno));
		close(fd);
	}
	return -1;
}

int
ssp_connect(struct ssp *t, const char *ip, const char *port, char *err, size_t errlen)
{
	struct addrinfo hints = { .ai_socktype = SOCK_DGRAM,
		.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV };
	struct addrinfo *ai;
	int rc = getaddrinfo(ip, port, &hints, &ai);

	if (rc != 0) {
		snprintf(err, errlen, "%s:%s: %s", ip, port, gai_strerror(rc));
		return -1;
	}
	t->remote_len = ai->ai_addrlen;
	memcpy(&t->remote, ai->ai_addr, t->remote_len);
	freeaddrinfo(ai);
	t->mtu = t->remote.ss_family == AF_INET6 ? SSP_MTU_IPV6 : SSP_MTU_IPV4;
	t->socks[0] = ssp_socket(t->remote.ss_family);
	if (t->socks[0] < 0) {
		snprintf(err, errlen, "socket: %s", strerror(errno));
		return -1;
	}
	t->nsocks = 1;
	t->has_remote = true;
	return 0;
}

int
ssp_fds(const struct ssp *t, int *fds, int max)
{
	int n = t->nsocks < max ? t->nsocks : max;

	memcpy(fds, t->socks, (size_t)n * sizeof *fds);        /* oldest first */
	return n;
}

/*
 * Seals one fragment into a datagram and sends it to the peer (mosh's
 * Connection::send, with new_packet).  After each send the server lets go
 * of a client silent too long, and a client whose sends go unanswered
 * hops to a new port.
 */
static int
ssp_send_payload(struct ssp *t, const uint8_t *payload, size_t n, uint64_t now)
{
	uint8_t dg[SSP_DATAGRAM_MAX];
	uint64_t to_client = t->role == SSP_SERVER ? SSP_SEQ_LIMIT : 0;    /* bit 63 */
	uint16_t ts = (uint16_t)now;
	uint16_t tsr = SSP_TS_NONE;

	if (t->seq >= SSP_SEQ_LIMIT || t->nsocks == 0)
		return ssp_err(t, "cannot send: %s",
		    t->nsocks > 0 ? "sequence numbers exhausted" : "no socket");
	if (t->saved_ts >= 0 && now - t->saved_ts_at < SSP_TS_HOLD_MAX) {
		/* Add the hold time so the peer's sample is the network RTT. */
		tsr = (uint16_t)(t->saved_ts + (now - t->saved_ts_at));
		t->saved_ts = -1;
	}
	if (ts == SSP_TS_NONE)          /* it means "none": that reading goes out as 0 */
		ts = 0;
	size_t len = ssp_datagram_seal(&t->ocb, to_client | t->seq, ts, tsr, payload, n, dg);
	if (len == 0)
		return ssp_err(t, "Encrypted 2^47 blocks.");
	t->seq++;
	if (sendto(t->socks[t->nsocks - 1], dg, len, 0, (struct sockaddr *)&t->remote,
	    t->remote_len) < 0) {
		if (errno == EMSGSIZE)
			t->mtu = SSP_MTU_DEFAULT;
		ssp_err(t, "sendto: %s", strerror(errno));
	}
	if (t->role == SSP_SERVER && now - t->net_last_heard > SSP_DETACH_MS)
		t->has_remote = false;
	if (t->role == SSP_CLIENT && now - t->last_port_choice > SSP_HOP_MS &&
	    (t->roundtrip_success == 0 || now - t->roundtrip_success > SSP_HOP_MS))
		ssp_hop_port(t, now);
	return 0;
}

/* ---- fragments (SPEC.md §3) ---- */
static void
ssp_assembly_clear(struct ssp *t)
{
	for (int i = 0; i <= t->frag_high; i++) {
		free(t->frags[i].data);
		t->frags[i].data = NULL;
	}
	t->frag_high = -1;
	t->frag_total = -1;
	t->frag_count = 0;
	t->asm_bytes = 0;
}

/*
 * Sends one Instruction (mosh's send_in_fragments): it goes out zlib-
 * compressed, cut into fragments of what fits a datagram under the MTU
 * (Fragmenter::make_fragments), each fragment in its own datagram.
 */
static void
ssp_send_instruction(struct ssp *t, uint64_t old_num, uint64_t new_num,
    const struct buf *diff, uint64_t now)
{
	uint8_t chaff[SSP_CHAFF_MAX + 1];
	struct wire_instruction in = {
		.protocol_version = SSP_PROTOCOL_VERSION,
		.old_num = old_num, .new_num = new_num, .ack_num = t->ack_num,
		.throwaway_num = t->sent[0].num,        /* our acknowledged state */
		.diff = diff->data, .diff_len = diff->len, .chaff = chaff + 1,
	};
	struct buf plain = { 0 }, z = { 0 };
	uint8_t frag[SSP_DATAGRAM_MAX];
	size_t room = t->mtu - SSP_OVERHEAD - SSP_FRAGMENT_HEADER;

	/* Chaff hides the exact length; it needs no secrecy. */
	if (crypto_random(chaff, sizeof chaff) == 0)
		in.chaff_len = chaff[0] % (SSP_CHAFF_MAX + 1);
	wire_instruction_encode(&plain, &in);
	zlib_deflate(&z, plain.data, plain.len);
	t->next_id++;
	if (z.len > SSP_FRAGMENTS_MAX * room) {         /* the peer could not assemble it */
		ssp_err(t, "instruction of %zu bytes too large to send", z.len);
		z.len = 0;                              /* no fragment goes */
	}
	for (size_t off = 0; off < z.len; off += room) {
		size_t num = off / room;
		size_t len = z.len - off < room ? z.len - off : room;
		bool final = off + len == z.len;
		ssp_put_be(frag, t->next_id, 8);
		ssp_put_be(frag + 8, (final ? 0x8000 : 0) | num, 2);
		memcpy(frag + SSP_FRAGMENT_HEADER, z.data + off, len);
		ssp_send_payload(t, frag, SSP_FRAGMENT_HEADER + len, now);
	}
	if (new_num == SSP_SHUTDOWN_NUM)
		t->shutdown_tries++;
	if (t->ack_num == SSP_SHUTDOWN_NUM)
		t->shutdown_ack_sent = true;
	t->pending_data_ack = false;
	buf_free(&plain);
	buf_free(&z);
}

/* ---- transport: sender (SPEC.md §5.1-5.2) ---- */
static bool
ssp_same(const struct ssp *t, const void *s) { return t->lops->equal(t->current, s); }

static void
ssp_sent_remove(struct ssp *t, int i)
{
	t->lops->free(t->sent[i].state);
	memmove(t->sent + i, t->sent + i + 1, (size_t)(t->nsent - i - 1) * sizeof t->sent[0]);
	t->nsent--;
}

/* Recently sent states get the benefit of the doubt, but only a run of
 * them directly after the acknowledged one. */
static void
ssp_update_assumed_receiver_state(struct ssp *t, uint64_t now)
{
	uint64_t grace = (uint64_t)ssp_rto(t) + SSP_ACK_DELAY;

	t->assumed = 0;
	for (int i = 1; i < t->nsent && now - t->sent[i].stamp < grace; i++)
		t->assumed = i;
}

/* Cuts the oldest state's events, which the peer has, from the live
 * object (or the taken copy) and every state of the list: the lists stay
 * short.  The sender cuts the acknowledged state; the receiver the oldest
 * one it holds, which every later state starts with. */
static void
ssp_rationalize_states(const struct ssp_state_ops *ops, void *live, struct ssp_entry *list,
    size_t n)
{
	if (ops->subtract == NULL)
		return;
	ops->subtract(live, list[0].state);
	for (size_t i = n; i > 0; i--)          /* the oldest itself last */
		ops->subtract(list[i - 1].state, list[0].state);
}

/* When the next ack and the next send are due (SPEC.md §5.1). */
static void
ssp_calculate_timers(struct ssp *t, uint64_t now)
{
	const struct ssp_entry *back = &t->sent[t->nsent - 1];
	bool heard = t->last_heard + SSP_ACTIVE_RETRY_MS > now;
	uint64_t interval = (uint64_t)ssp_send_interval(t);

	ssp_update_assumed_receiver_state(t, now);
	ssp_rationalize_states(t->lops, t->current, t->sent, (size_t)t->nsent);
	bool changed = !ssp_same(t, back->state);      /* since the last send */
	if (t->pending_data_ack && t->next_ack_time > now + SSP_ACK_DELAY)
		t->next_ack_time = now + SSP_ACK_DELAY;
	if (changed && t->mindelay_end == SSP_NEVER)
		t->mindelay_end = now + (t->role == SSP_CLIENT ? SSP_MINDELAY_CLIENT :
		    SSP_MINDELAY_SERVER);
	if (changed || (!ssp_same(t, t->sent[t->assumed].state) && heard)) {
		/* new changes, or a resend at the frame rate */
		t->next_send_time = back->stamp + interval;
		if (t->mindelay_end != SSP_NEVER && t->mindelay_end > t->next_send_time)
			t->next_send_time = t->mindelay_end;
	} else if (!ssp_same(t, t->sent[0].state) && heard) {
		/* a slow retransmission */
		t->next_send_time = back->stamp + (uint64_t)ssp_rto(t) + SSP_ACK_DELAY;
	} else {
		t->next_send_time = SSP_NEVER;
	}
	if (ssp_shutdown_in_progress(t) || t->ack_num == SSP_SHUTDOWN_NUM)
		t->next_ack_time = back->stamp + interval;
}

/* A copy of the live object goes on the list of sent states; past
 * SSP_SENT_MAX the 16th from the end goes, which thins the middle and
 * keeps the acknowledged state and the newest. */
static void
ssp_add_sent_state(struct ssp *t, uint64_t num, uint64_t now)
{
	t->sent[t->nsent++] = (struct ssp_entry){ num, now, t->lops->copy(t->current) };
	if (t->nsent > SSP_SENT_MAX)
		ssp_sent_remove(t, t->nsent - SSP_SENT_THIN);
}

/*
 * Sends the diff from the assumed state (mosh's send_to_receiver, and its
 * send_empty_ack when the diff is empty).  It gets a new state number,
 * unless nothing changed since the last one sent (a retransmission); an
 * empty ack always does, so heartbeats consume numbers.
 */
static void
ssp_send_to_receiver(struct ssp *t, const struct buf *diff, uint64_t now)
{
	struct ssp_entry *back = &t->sent[t->nsent - 1];
	uint64_t old_num = t->sent[t->assumed].num;
	uint64_t new_num = back->num + 1;

	if (diff->len > 0 && ssp_same(t, back->state))
		new_num = back->num;
	if (ssp_shutdown_in_progress(t))
		new_num = SSP_SHUTDOWN_NUM;
	if (new_num == back->num)
		back->stamp = now;
	else
		ssp_add_sent_state(t, new_num, now);
	ssp_send_instruction(t, old_num, new_num, diff, now);
	t->next_ack_time = now + SSP_ACK_INTERVAL;
}

void
ssp_tick(struct ssp *t, uint64_t now)
{
	struct buf diff = { 0 }, resend = { 0 };
	struct buf *use = &diff;

	ssp_calculate_timers(t, now);
	if (!t->has_remote || (now < t->next_ack_time && now < t->next_send_time))
		return;
	t->lops->diff(t->sent[t->assumed].state, t->current, &diff);
	/* A prophylactic retransmission (mosh's attempt_prospective_resend_
	 * optimization): the diff from the acknowledged state also repairs an
	 * earlier packet that was lost, and often costs nothing more. */
	if (t->assumed != 0) {
		t->lops->diff(t->sent[0].state, t->current, &resend);
		if (resend.len <= diff.len || (resend.len < SSP_PROPHYLACTIC_SMALL &&
		    resend.len - diff.len < SSP_PROPHYLACTIC_EXTRA)) {
			use = &resend;
			t->assumed = 0;
		}
	}
	/* One timer is due.  A diff goes out either way; no diff means an
	 * empty ack if the ack timer is due, else nothing to send after all. */
	if (use->len > 0 || now >= t->next_ack_time)
		ssp_send_to_receiver(t, use, now);
	t->next_send_time = SSP_NEVER;
	t->mindelay_end = SSP_NEVER;
	buf_free(&diff);
	buf_free(&resend);
}

int
ssp_wait_time(struct ssp *t, uint64_t now)
{
	ssp_calculate_timers(t, now);
	uint64_t next = t->next_ack_time < t->next_send_time ? t->next_ack_time : t->next_send_time;
	if (!t->has_remote || next == SSP_NEVER)
		return -1;
	if (next <= now)
		return 0;
	return next - now > INT_MAX ? INT_MAX : (int)(next - now);
}

/* ---- transport: receiver (SPEC.md §5.3) ---- */
/* The peer holds our state `ack`: the sent states before it are needed no
 * more.  An ack of a state we no longer hold is old news: ignored. */
static void
ssp_process_acknowledgment_through(struct ssp *t, uint64_t ack)
{
	for (int i = 0; i < t->nsent; i++)
		if (t->sent[i].num == ack)
			while (t->sent[0].num < ack)
				ssp_sent_remove(t, 0);
}

/* Returns 1 if the instruction made a newer remote state current. */
static int
ssp_receive_instruction(struct ssp *t, const struct wire_instruction *in, uint64_t now)
{
	struct ssp_entry *ref = NULL;
	size_t held, i;

	if (in->protocol_version != SSP_PROTOCOL_VERSION)
		return ssp_err(t, "mosh protocol version mismatch");
	ssp_process_acknowledgment_through(t, in->ack_num);
	t->roundtrip_success = t->sent[0].stamp;
	for (i = 0; i < t->nrecvd; i++) {
		if (t->recvd[i].num == in->new_num)
			return 0;       /* duplicate */
		if (t->recvd[i].num == in->old_num)
			ref = &t->recvd[i];
	}
	if (ref == NULL)
		return ssp_err(t, "diff from unknown state %llu", (unsigned long long)in->old_num);
	void *state = t->rops->copy(ref->state);
	if (in->diff_len > 0 && t->rops->apply(state, in->diff, in->diff_len) != 0) {
		t->rops->free(state);
		return ssp_err(t, "malformed diff in state %llu", (unsigned long long)in->new_num);
	}
	/* The peer's throwaway: it will never diff from a state before it, and
	 * those are a prefix of the list.  (The new state is measured first: it
	 * may share parts with those.) */
	held = t->rops->size(state);
	for (i = 0; i < t->nrecvd && t->recvd[i].num < in->throwaway_num; i++)
		t->rops->free(t->recvd[i].state);
	t->nrecvd -= i;
	memmove(t->recvd, t->recvd + i, t->nrecvd * sizeof t->recvd[0]);
	for (i = 0; i < t->nrecvd; i++)
		held += t->rops->size(t->recvd[i].state);
	/* Over budget, a new state is dropped (resent once the peer's throwaway
	 * frees ours) unless it would be the only other one: no deadlock.  Over
	 * the count, one is accepted per SSP_QUENCH_MS. */
	if ((t->nrecvd > 1 && held > SSP_HELD_MAX) ||
	    (t->nrecvd > SSP_RECEIVED_MAX && now < t->quench_until)) {
		t->rops->free(state);
		return ssp_err(t, "receiver full (%zu states, %zu bytes), state dropped", t->nrecvd,
		    held);
	}
	if (t->nrecvd > SSP_RECEIVED_MAX)       /* accept one, then quench */
		t->quench_until = now + SSP_QUENCH_MS;
	/* In order of number; a state that arrives late goes before newer ones. */
	t->recvd = ssp_realloc(t->recvd, (t->nrecvd + 1) * sizeof t->recvd[0]);
	for (i = 0; i < t->nrecvd && t->recvd[i].num < in->new_num; i++)
		;
	memmove(t->recvd + i + 1, t->recvd + i, (t->nrecvd - i) * sizeof t->recvd[0]);
	t->recvd[i] = (struct ssp_entry){ .num = in->new_num, .stamp = now, .state = state };
	t->nrecvd++;
	if (i + 1 != t->nrecvd)
		return 0;       /* out of order: no ack for it yet */
	t->ack_num = in->new_num;
	t->last_heard = now;
	if (in->diff_len > 0)
		t->pending_data_ack = true;
	return 1;
}

/* Adds one fragment (n >= SSP_FRAGMENT_HEADER); a completed instruction
 * goes to the transport (mosh's FragmentAssembly::add_fragment). */
static int
ssp_receive_fragment(struct ssp *t, const uint8_t *p, size_t n, uint64_t now)
{
	uint64_t id = ssp_get_be(p, 8);
	unsigned num = (unsigned)ssp_get_be(p + 8, 2) & 0x7fff;
	bool final = p[8] & 0x80;
	struct ssp_fragment *f = &t->frags[num < SSP_FRAGMENTS_MAX ? num : 0];
	struct buf z = { 0 }, plain = { 0 };
	struct wire_instruction in;
	const char *why = NULL;
	int rc = 0;

	/* Ids only grow, so an older one is late or replayed: it must not cost
	 * the instruction being assembled, which supersedes it anyway. */
	if (id < t->asm_id && t->frag_count > 0)
		return 0;
	if (id != t->asm_id) {  /* (an empty assembly has no id to keep) */
		ssp_assembly_clear(t);
		t->asm_id = id;
	}
	p += SSP_FRAGMENT_HEADER;
	n -= SSP_FRAGMENT_HEADER;
	if (num >= SSP_FRAGMENTS_MAX)
		why = "fragment number over the limit:";
	else if (f->data && (f->final != final || f->len != n || memcmp(f->data, p, n) != 0))
		why = "conflicting duplicate fragment";
	else if (f->data != NULL)
		return 0;       /* an identical duplicate */
	else if ((final && (t->frag_total >= 0 || (int)num < t->frag_high)) ||
	    (t->frag_total >= 0 && (int)num >= t->frag_total) ||
	    t->asm_bytes + n > SSP_ASSEMBLY_MAX)
		why = "inconsistent fragment";  /* two finals, one too early or passed, too big */
	if (why != NULL) {      /* this instruction can no longer complete */
		ssp_err(t, "%s %u", why, num);
		ssp_assembly_clear(t);
		return 0;
	}
	*f = (struct ssp_fragment){ .data = ssp_realloc(NULL, n), .len = n, .final = final };
	memcpy(f->data, p, n);
	t->asm_bytes += n;
	t->frag_count++;
	if ((int)num > t->frag_high)
		t->frag_high = (int)num;
	if (final)
		t->frag_total = (int)num + 1;
	if (t->frag_count != t->frag_total)
		return 0;
	for (int i = 0; i < t->frag_total; i++)
		buf_put(&z, t->frags[i].data, t->frags[i].len);
	ssp_assembly_clear(t);  /* keeps asm_id: a resend reassembles harmlessly */
	int zrc = zlib_inflate(z.data, z.len, &plain, ZLIB_MAX_OUT);
	if (zrc != ZLIB_OK)
		ssp_err(t, "bad zlib stream (%d)", zrc);
	else if (wire_instruction_decode(plain.data, plain.len, &in) != 0)
		ssp_err(t, "malformed instruction");
	else
		rc = ssp_receive_instruction(t, &in, now);
	buf_free(&z);
	buf_free(&plain);
	return rc;
}

int
ssp_input(struct ssp *t, const uint8_t *dg, size_t n, const struct sockaddr *from,
    socklen_t fromlen, uint64_t now)
{
	uint8_t payload[SSP_DATAGRAM_MAX];
	size_t len;
	uint64_t dseq, seq;
	uint16_t ts, tsr;
	const char *why = ssp_datagram_open(&t->ocb, dg, n, &dseq, &ts, &tsr, payload, &len);
	int rc;

	if (why != NULL)
		return ssp_err(t, "%s", why);
	/* Our own packets reflected back must not count as the peer's. */
	if ((dseq >> 63) != (t->role == SSP_SERVER ? 0u : 1u))
		return ssp_err(t, "Illegal counterparty input (wrong direction)");
	seq = dseq & (SSP_SEQ_LIMIT - 1);
	if (seq >= t->expected_seq) {   /* newer than any before (mosh's recv_one) */
		t->expected_seq = seq + 1;
		if (ts != SSP_TS_NONE) {
			t->saved_ts = ts;
			t->saved_ts_at = now;
		}
		double r = (uint16_t)((uint16_t)now - tsr);
		if (tsr != SSP_TS_NONE && r < SSP_RTT_SAMPLE_MAX && !t->rtt_hit) {
			t->srtt = r;            /* the first sample replaces the guesses */
			t->rttvar = r / 2;
			t->rtt_hit = true;
		} else if (tsr != SSP_TS_NONE && r < SSP_RTT_SAMPLE_MAX) {
			/* RFC 6298's smoothing */
			t->rttvar = 0.75 * t->rttvar + 0.25 * fabs(t->srtt - r);
			t->srtt = 0.875 * t->srtt + 0.125 * r;
		}
		t->has_remote = true;
		t->net_last_heard = now;
		/* Roaming: authentic and newer is all it takes (SPEC.md §2.3). */
		if (t->role == SSP_SERVER && from != NULL && fromlen <= sizeof t->remote) {
			memcpy(&t->remote, from, fromlen);
			t->remote_len = fromlen;
		}
	}
	/* Older or not, the fragment goes up (the replay rule, SPEC.md §2.3). */
	if (len < SSP_FRAGMENT_HEADER)
		rc = ssp_err(t, "fragment shorter than its header");
	else
		rc = ssp_receive_fragment(t, payload, len, now);
	crypto_wipe(payload, len);
	ssp_prune_sockets(t, now);
	return rc;
}

int
ssp_recv(struct ssp *t, int fd, uint64_t now)
{
	uint8_t dg[SSP_DATAGRAM_MAX + 1];
	struct sockaddr_storage from;
	socklen_t fromlen = sizeof from;
	bool ours = false;

	/* A socket pruned since the caller polled is no longer ours. */
	for (int i = 0; i < t->nsocks; i++)
		ours |= t->socks[i] == fd;
	if (!ours)
		return 0;
	/* One byte more than the peer may send shows an oversize datagram. */
	ssize_t n = recvfrom(fd, dg, sizeof dg, 0, (struct sockaddr *)&from, &fromlen);
	if (n < 0) {
		if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
			ssp_err(t, "recvfrom: %s", strerror(errno));
		return 0;
	}
	return ssp_input(t, dg, (size_t)n, (struct sockaddr *)&from, fromlen, now);
}

/* ---- the programs' wait (SPEC.md §10.2, §10.3) ---- */
void
ssp_wait_signals(const int *sigs, int n, void (*handler)(int))
{
	struct sigaction sa = { .sa_handler = handler };
	sigset_t block;

	sigemptyset(&block);
	for (int i = 0; i < n; i++) {
		sigaddset(&block, sigs[i]);
		sigaction(sigs[i], &sa, NULL);
	}
	sigprocmask(SIG_BLOCK, &block, NULL);
}

/*
 * A loop that checks a flag set by a signal handler and then waits has a
 * race: a signal that arrives after the check and before the wait starts
 * is noticed only when the wait ends, perhaps never.  So the loop's
 * signals stay blocked (ssp_wait_signals), and pselect unblocks them only
 * for the wait itself, atomically: a signal that came in between is
 * delivered as pselect starts and ends it at once (EINTR).  pselect is
 * POSIX; ppoll, which does the same for poll, is not (macOS lacks it).
 */
int
ssp_wait(struct ssp *t, int fd, int timeout_ms)
{
	int socks[SSP_PORTS_MAX + 1];
	int nsocks = ssp_fds(t, socks, SSP_PORTS_MAX + 1);
	struct timespec limit = { .tv_sec = timeout_ms / 1000,
		.tv_nsec = timeout_ms % 1000 * 1000000L };
	fd_set readable;
	sigset_t unblocked;
	int top = fd, found = 0;

	for (int i = 0; i < nsocks; i++)
		if (socks[i] > top)
			top = socks[i];
	if (top >= FD_SETSIZE) {        /* an fd_set has no room for it */
		errno = EBADF;
		return -1;
	}
	FD_ZERO(&readable);
	for (int i = 0; i < nsocks; i++)
		FD_SET(socks[i], &readable);
	if (fd >= 0)
		FD_SET(fd, &readable);
	sigemptyset(&unblocked);
	if (pselect(top + 1, &readable, NULL, NULL, timeout_ms < 0 ? NULL : &limit, &unblocked) < 0)
		return errno == EINTR ? 0 : -1;
	/* One datagram from each readable socket, the oldest socket first. */
	uint64_t now = ssp_now();
	for (int i = 0; i < nsocks; i++) {
		if (!FD_ISSET(socks[i], &readable))
			continue;
		found |= SSP_WAIT_DATAGRAM;
		if (ssp_recv(t, socks[i], now) == 1)
			found |= SSP_WAIT_STATE;
	}
	if (fd >= 0 && FD_ISSET(fd, &readable))
		found |= SSP_WAIT_FD;
	return found;
}

/* -1 (no timeout) is the largest unsigned number. */
int
ssp_min_timeout(int a, int b) { return (unsigned)a < (unsigned)b ? a : b; }

bool
ssp_write_all(int fd, const void *p, size_t n)
{
	const uint8_t *at = p;

	while (n > 0) {
		ssize_t w = write(fd, at, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return false;
		at += w;
		n -= (size_t)w;
	}
	return true;
}

/* ---- life cycle and queries ---- */
struct ssp *
ssp_new(enum ssp_role role, const uint8_t key[KEY_LEN], const struct ssp_state_ops *local_ops,
    void *local_initial, const struct ssp_state_ops *remote_ops, void *remote_initial, uint64_t now)
{
	struct ssp *t = ssp_alloc(sizeof *t);

	*t = (struct ssp){
		.role = role,
		.saved_ts = -1, .srtt = SSP_SRTT_INITIAL, .rttvar = SSP_RTTVAR_INITIAL,
		.mtu = SSP_MTU_DEFAULT, .last_port_choice = now,
		.frag_high = -1, .frag_total = -1,
		.lops = local_ops, .current = local_initial, .nsent = 1,
		.next_ack_time = now, .next_send_time = now, .mindelay_end = SSP_NEVER,
		.shutdown_start = SSP_NEVER,
		.rops = remote_ops, .nrecvd = 1,
	};
	ocb_init(&t->ocb, key);
	t->seq = ssp_random_first_seq();
	t->first_seq = t->seq;
	/* State 0 on both sides: the initial objects, which both peers know. */
	t->sent[0] = (struct ssp_entry){ .stamp = now, .state = local_ops->copy(local_initial) };
	t->recvd = ssp_realloc(NULL, sizeof t->recvd[0]);
	t->recvd[0] = (struct ssp_entry){ .stamp = now, .state = remote_initial };
	t->taken = remote_ops->copy(remote_initial);
	return t;
}

void
ssp_free(struct ssp *t)
{
	if (t == NULL)
		return;
	for (int i = 0; i < t->nsocks; i++)
		close(t->socks[i]);
	ssp_assembly_clear(t);
	for (int i = 0; i < t->nsent; i++)
		t->lops->free(t->sent[i].state);
	t->lops->free(t->current);
	for (size_t i = 0; i < t->nrecvd; i++)
		t->rops->free(t->recvd[i].state);
	free(t->recvd);
	t->rops->free(t->taken);
	ocb_wipe(&t->ocb);
	free(t);
}

void *
ssp_local(struct ssp *t) { return t->current; }
const void *
ssp_remote(const struct ssp *t) { return t->recvd[t->nrecvd - 1].state; }
uint64_t
ssp_remote_num(const struct ssp *t) { return t->recvd[t->nrecvd - 1].num; }
bool
ssp_shutdown_in_progress(const struct ssp *t) { return t->shutdown_start != SSP_NEVER; }
bool
ssp_shutdown_acknowledged(const struct ssp *t) { return t->sent[0].num == SSP_SHUTDOWN_NUM; }
bool
ssp_counterparty_shutdown_ack_sent(const struct ssp *t) { return t->shutdown_ack_sent; }
double
ssp_srtt(const struct ssp *t) { return t->srtt; }
uint64_t
ssp_last_heard(const struct ssp *t) { return t->net_last_heard; }
uint64_t
ssp_last_roundtrip_success(const struct ssp *t) { return t->roundtrip_success; }
uint64_t
ssp_sent_state_num(const struct ssp *t) { return t->sent[t->nsent - 1].num; }
uint64_t
ssp_acked_state_num(const struct ssp *t) { return t->sent[0].num; }
bool
ssp_has_remote_addr(const struct ssp *t) { return t->has_remote; }
const char *
ssp_last_error(const struct ssp *t) { return t->err[0] ? t->err : NULL; }
void
ssp_clear_error(struct ssp *t) { t->err[0] = 0; }
uint64_t
ssp_datagrams_sent(const struct ssp *t) { return t->seq - t->first_seq; }

void
ssp_take_remote_diff(struct ssp *t, struct buf *out)
{
	void *newest = t->recvd[t->nrecvd - 1].state;

	t->rops->diff(t->taken, newest, out);
	t->rops->free(t->taken);
	t->taken = t->rops->copy(newest);
	ssp_rationalize_states(t->rops, t->taken, t->recvd, t->nrecvd);
}

void
ssp_start_shutdown(struct ssp *t, uint64_t now)
{
	if (t->shutdown_start == SSP_NEVER)
		t->shutdown_start = now;
}

bool
ssp_shutdown_ack_timed_out(const struct ssp *t, uint64_t now)
{
	return ssp_shutdown_in_progress(t) && (t->shutdown_tries >= SSP_SHUTDOWN_RETRIES ||
	    now - t->shutdown_start >= SSP_ACTIVE_RETRY_MS);
}

const char *
ssp_remote_addr_str(const struct ssp *t)
{
	static char str[INET6_ADDRSTRLEN + 8];  /* good until the next call */
	char host[INET6_ADDRSTRLEN], serv[8];

	if (!t->has_remote || getnameinfo((const struct sockaddr *)&t->remote, t->remote_len,
	    host, sizeof host, serv, sizeof serv, NI_NUMERICHOST | NI_NUMERICSERV) != 0)
		return "";
	snprintf(str, sizeof str, "%s:%s", host, serv);
	return str;
}

/* ---- resume (SPEC.md §10.6) ---- */
void
ssp_save(const struct ssp *t, void (*put)(void *arg, bool remote, uint64_t num,
    const struct ssp_state_ops *ops, const void *state), void *arg)
{
	const struct ssp_entry *back = &t->sent[t->nsent - 1];

	for (int i = 0; i < t->nsent; i++)
		put(arg, false, t->sent[i].num, t->lops, t->sent[i].state);
	/* Unsent changes, as a state sent under a number the peer never saw. */
	if (!ssp_same(t, back->state))
		put(arg, false, back->num + 1, t->lops, t->current);
	for (size_t i = 0; i < t->nrecvd; i++)
		put(arg, true, t->recvd[i].num, t->rops, t->recvd[i].state);
}

uint64_t
ssp_next_seq(const struct ssp *t) { return t->seq; }

void
ssp_restore_begin(struct ssp *t, uint64_t seq)
{
	t->lops->free(t->sent[0].state);
	t->rops->free(t->recvd[0].state);
	t->nsent = 0;
	t->nrecvd = 0;
	t->seq = seq;
	t->first_seq = seq;
	/* No instruction id may come again either: mosh's FragmentAssembly
	 * asserts that a repeated id brings the same fragments.  Every id the
	 * saved transport sent took a sequence number, so all are below seq. */
	t->next_id = seq;
}

/*
 * The restored states count as sent just longer ago than any grace of
 * ssp_update_assumed_receiver_state (so the bar's "without reply" counts
 * from the resume, not from the clock's zero): the first diff
 * goes from the acknowledged state, which the peer keeps until we give a
 * newer throwaway number, and the first new state takes the number after
 * the newest saved one, which the peer has never seen.  The live object
 * starts as the newest sent state; our next ack is the newest received.
 * (resume_line refuses numbers that do not go up: the lists stay ordered.)
 */
void
ssp_restore_state(struct ssp *t, bool remote, uint64_t num, void *state)
{
	if (!remote) {
		t->lops->free(t->current);
		t->current = state;
		uint64_t long_ago = ssp_now() - (SSP_RTO_MAX + SSP_ACK_DELAY);
		ssp_add_sent_state(t, num, long_ago);
		return;
	}
	t->recvd = ssp_realloc(t->recvd, (t->nrecvd + 1) * sizeof t->recvd[0]);
	t->recvd[t->nrecvd++] = (struct ssp_entry){ .num = num, .state = state };
	t->ack_num = num;
}
