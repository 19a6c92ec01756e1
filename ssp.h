/*
 * ssp.h -- the State Synchronization Protocol over UDP (SPEC.md §2, §5-6).
 *
 * A transport carries two objects: the local one we send (the client's
 * user stream, the server's terminal) and the remote one we receive.  The
 * transport knows them only through struct ssp_state_ops.
 *
 * Datagram (all integers big-endian):
 *   0..7    direction (bit 63: 1 = to client) | 63-bit sequence number;
 *           the OCB nonce is 4 zero bytes followed by these 8
 *   8..     OCB3 ciphertext of the plaintext, then the 16-byte tag
 * Plaintext:
 *   0..1    timestamp (ms mod 65536; 0xFFFF = none)
 *   2..3    timestamp reply (the peer's, plus hold time; 0xFFFF = none)
 *   4..     one fragment
 * Fragment:
 *   0..7    instruction id
 *   8..9    bit 15: final; bits 14..0: fragment number from 0
 *   10..    a slice of the zlib stream holding the Instruction
 */
#ifndef SSP_H
#define SSP_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include "crypto.h"
#include "wire.h"

enum ssp_role { SSP_SERVER = 0, SSP_CLIENT = 1 };

/* What the transport needs of a synchronized object. */
struct ssp_state_ops {
	void *(*copy)(const void *s);
	void (*free)(void *s);
	bool (*equal)(const void *a, const void *b);
	/* Cuts prefix's events from the front of s; NULL: no history (terminal). */
	void (*subtract)(void *s, const void *prefix);
	/* Appends the diff string turning `from` into `to`; empty if equal. */
	void (*diff)(const void *from, const void *to, struct buf *out);
	/* Applies a peer's diff: 0, or -1 if malformed (the caller drops s). */
	int (*apply)(void *s, const uint8_t *diff, size_t n);
	/* Bytes s holds, a part shared with other states in proportion. */
	size_t (*size)(const void *s);
};

struct ssp;

/* Milliseconds on the monotonic clock. */
uint64_t ssp_now(void);

/* The transport takes ownership of both initial states. */
struct ssp *ssp_new(enum ssp_role role, const uint8_t key[KEY_LEN],
    const struct ssp_state_ops *local_ops, void *local_initial,
    const struct ssp_state_ops *remote_ops, void *remote_initial, uint64_t now);
void ssp_free(struct ssp *t);

/* Server: binds the first free port of lo..hi on ip (NULL: any, dual stack;
 * 0..0: the kernel picks).  Returns the port, or -1 with a message in err. */
int ssp_bind(struct ssp *t, const char *ip, int lo, int hi, char *err, size_t errlen);
/* Client: sets the server's numeric address.  0, or -1 with err. */
int ssp_connect(struct ssp *t, const char *ip, const char *port, char *err, size_t errlen);

/* Sockets to poll for reading; returns how many were stored. */
int ssp_fds(const struct ssp *t, int *fds, int max);
/* Reads one datagram from fd: 1 if a new remote state was accepted, else 0
 * (a bad datagram is dropped; ssp_last_error says why). */
int ssp_recv(struct ssp *t, int fd, uint64_t now);
/* Sends whatever the timers say is due. */
void ssp_tick(struct ssp *t, uint64_t now);
/* Milliseconds until ssp_tick has something to do; -1 for never. */
int ssp_wait_time(struct ssp *t, uint64_t now);

/* ---- the programs' main loops (SPEC.md §10.2, §10.3) ---- */
/* What ssp_wait found, as bits. */
#define SSP_WAIT_DATAGRAM 1     /* a socket was read (ssp_last_error: a drop) */
#define SSP_WAIT_STATE    2     /* a datagram made a newer remote state current */
#define SSP_WAIT_FD       4     /* the caller's fd is readable, or at its end */
/* Installs handler for the n signals in sigs and blocks them: from then on
 * they arrive only inside ssp_wait. */
void ssp_wait_signals(const int *sigs, int n, void (*handler)(int));
/* Waits until a socket or fd (-1: none) is readable, timeout_ms passes
 * (-1: no limit) or a blocked signal arrives, then reads one datagram from
 * each readable socket.  Returns SSP_WAIT_ bits (0 after a timeout or a
 * signal), or -1 with errno if the wait failed. */
int ssp_wait(struct ssp *t, int fd, int timeout_ms);
/* The shorter of two timeouts in ms; -1 (none) counts as the longest. */
int ssp_min_timeout(int a, int b);
/* Writes all n bytes: true, or false if the fd fails. */
bool ssp_write_all(int fd, const void *p, size_t n);

/* The live local object: change it, and the next tick sends the diff. */
void *ssp_local(struct ssp *t);
/* Newest remote state in order, and its number. */
const void *ssp_remote(const struct ssp *t);
uint64_t ssp_remote_num(const struct ssp *t);
/* Server: the new user events since the last call (a diff). */
void ssp_take_remote_diff(struct ssp *t, struct buf *out);

void ssp_start_shutdown(struct ssp *t, uint64_t now);
bool ssp_shutdown_in_progress(const struct ssp *t);
bool ssp_shutdown_acknowledged(const struct ssp *t);
bool ssp_shutdown_ack_timed_out(const struct ssp *t, uint64_t now);
bool ssp_counterparty_shutdown_ack_sent(const struct ssp *t);

/* Figures the client and the prediction engine read. */
double ssp_srtt(const struct ssp *t);
int ssp_send_interval(const struct ssp *t);
uint64_t ssp_last_heard(const struct ssp *t);           /* 0: never */
uint64_t ssp_last_roundtrip_success(const struct ssp *t);
uint64_t ssp_sent_state_num(const struct ssp *t);       /* newest sent */
uint64_t ssp_acked_state_num(const struct ssp *t);      /* newest acked */
bool ssp_has_remote_addr(const struct ssp *t);
const char *ssp_remote_addr_str(const struct ssp *t);   /* "ip:port", till the next call */
const char *ssp_last_error(const struct ssp *t);         /* NULL if none */
void ssp_clear_error(struct ssp *t);

/* Memory: both exit with a message when the host has none left. */
void *ssp_realloc(void *p, size_t n);
void *ssp_alloc(size_t n);

/* userstream.c: the client's object (SPEC.md §6.1): typed bytes and window sizes; the
 * server reads them with ssp_take_remote_diff and wire_next_event. */
extern const struct ssp_state_ops userstream_ops;
void *userstream_new(void);
void userstream_push_bytes(void *s, const uint8_t *p, size_t n);
void userstream_push_resize(void *s, int w, int h);

/* ---- resume (SPEC.md §10.6) ---- */
/* Hands put the states another process needs to continue the transport:
 * the sent ones (the acknowledged one first; changes not yet sent as one
 * more), then the received ones (oldest first). */
void ssp_save(const struct ssp *t, void (*put)(void *arg, bool remote, uint64_t num,
    const struct ssp_state_ops *ops, const void *state), void *arg);
uint64_t ssp_next_seq(const struct ssp *t);
/* Continuing a saved transport: on one fresh from ssp_new, restore_begin
 * empties both lists and sets the next sequence number; restore_state then
 * takes the saved states (and ownership) in ssp_save's order. */
void ssp_restore_begin(struct ssp *t, uint64_t seq);
void ssp_restore_state(struct ssp *t, bool remote, uint64_t num, void *state);

/* ---- exposed for tests and tools; production paths use them too ---- */
#define SSP_DATAGRAM_MAX    2048    /* the peer's receive buffer */
#define SSP_OVERHEAD        (8 + 4 + OCB_TAG_LEN) /* nonce, clocks, tag */
#define SSP_FRAGMENT_HEADER 10
/* Writes the datagram for one fragment to out (room for n + SSP_OVERHEAD);
 * returns its length, 0 if too big or the key is worn out. */
size_t ssp_datagram_seal(struct ocb_ctx *c, uint64_t direction_seq, uint16_t ts,
    uint16_t tsr, const uint8_t *payload, size_t n, uint8_t *out);
/* Opens a datagram into payload (room for n - SSP_OVERHEAD): NULL, or why not. */
const char *ssp_datagram_open(struct ocb_ctx *c, const uint8_t *dg, size_t n,
    uint64_t *direction_seq, uint16_t *ts, uint16_t *tsr, uint8_t *payload, size_t *payload_len);
/* ssp_recv after the socket read: one datagram from `from`. */
int ssp_input(struct ssp *t, const uint8_t *dg, size_t n, const struct sockaddr *from,
    socklen_t fromlen, uint64_t now);
uint64_t ssp_datagrams_sent(const struct ssp *t);
#endif
