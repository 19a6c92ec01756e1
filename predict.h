/*
 * predict.h -- predictive local echo and the notification bar (SPEC.md §9).
 *
 * The client shows the newest server framebuffer plus two overlays, drawn
 * on a copy each time the screen is painted:
 *
 *   struct term_fb shown;
 *   fb_copy(&shown, newest_server_fb);
 *   pred_cull(p, newest_server_fb, now);      judge, expire, set triggers
 *   pred_apply(p, &shown);                    confirmed predictions
 *   notify_apply(&bar, &shown, now);          row 0 bar, if due
 *   ... display_frame(out, &last_shown, &shown, ...) ...
 *
 * Feed the engine from the transport (pred_set_transport) before each
 * batch of typed bytes and after each received packet, then hand it the
 * bytes as read from the keyboard (pred_user_bytes, one call per read: a
 * read of more than PRED_PASTE_BYTES is a paste and is not predicted).
 * Call pred_reset on SIGWINCH.  Wake up after at most
 * min(pred_wait_time, notify_wait_time) ms to repaint.  Times are ms on
 * the client's monotonic clock.
 */
#ifndef PREDICT_H
#define PREDICT_H
#include <stdbool.h>
#include <stdint.h>
#include "term.h"

/* MOSH_PREDICTION_DISPLAY (NULL: adaptive): 0, or -1 for an unknown word. */
enum pred_mode { PRED_ADAPTIVE, PRED_ALWAYS, PRED_NEVER, PRED_EXPERIMENTAL };
int pred_mode_parse(const char *s, enum pred_mode *m);

struct pred;
/* overwrite: MOSH_PREDICTION_OVERWRITE is exactly "yes". */
struct pred *pred_new(enum pred_mode mode, bool overwrite);
void pred_free(struct pred *p);
/* sent: the newest client state sent; late_ack: the newest server state's
 * echo ack; send_interval: the frame interval in ms (about SRTT/2). */
void pred_set_transport(struct pred *p, uint64_t sent, uint64_t late_ack,
    int send_interval);
/* Predicts one keyboard read's effect on server_fb (the newest state). */
void pred_user_bytes(struct pred *p, const struct term_fb *server_fb,
    const uint8_t *bytes, size_t n, uint64_t now);
/* Judges pending predictions against server_fb.  Call before pred_apply. */
void pred_cull(struct pred *p, const struct term_fb *server_fb, uint64_t now);
/* Draws the shown predictions and cursor on a copy of that server_fb. */
void pred_apply(const struct pred *p, struct term_fb *display);
/* Forgets every prediction; the next ones are tentative. */
void pred_reset(struct pred *p);
/* ms until a timing trigger may fire, or INT_MAX. */
int pred_wait_time(const struct pred *p);

/* The notification bar, embedded by value.  The client sets heard (newest
 * server state arrived) and acked (our newest acked state was sent), the
 * clocks of "Last contact" and "Last reply"; predict.c owns the rest. */
#define NOTIFY_TEXT_MAX 256     /* bytes of a message or quit-key text kept */
enum {
	NOTIFY_PERMANENT = 1,   /* shown until replaced, not for 1 s */
	NOTIFY_NO_QUIT_KEY = 2, /* without " [To quit: Ctrl-^ .]" */
	NOTIFY_NETWORK_ERROR = 4,  /* 3.1 s; see notify_clear_network_error */
};
struct notify {
	char message[NOTIFY_TEXT_MAX];  /* "" = none */
	char quit_key[NOTIFY_TEXT_MAX]; /* " [To quit: Ctrl-^ .]" */
	unsigned flags;                 /* NOTIFY_* */
	uint64_t expires;               /* unless NOTIFY_PERMANENT */
	uint64_t heard, acked;
};
/* quit_key_name: "Ctrl-^", or "\"~\"" if printable; NULL if none. */
void notify_init(struct notify *n, const char *quit_key_name, uint64_t now);
/* msg "" clears the message. */
void notify_set_message(struct notify *n, const char *msg, unsigned flags,
    uint64_t now);
/* Sending works again: a network error shows at most 1 s more. */
void notify_clear_network_error(struct notify *n, uint64_t now);
void notify_apply(const struct notify *n, struct term_fb *display, uint64_t now);
/* ms until the bar must be redrawn, or INT_MAX. */
int notify_wait_time(const struct notify *n, uint64_t now);
#endif
