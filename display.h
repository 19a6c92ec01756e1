/*
 * display.h -- the frame diff (SPEC.md §8) and the terminal as the server's
 * synchronized object (SPEC.md §6.2).
 */
#ifndef DISPLAY_H
#define DISPLAY_H
#include <stdbool.h>
#include "term.h"
#include "wire.h"

struct display_caps { bool has_ech, has_bce, has_title; };

/* Appends to out the bytes that turn `last` into `f`.  With initialized
 * false nothing is assumed about the screen (full repaint). */
void display_frame(struct buf *out, const struct term_fb *last,
    const struct term_fb *f, bool initialized, const struct display_caps *caps);
/* Appends the SGR sequence for r, always from a reset: ESC[0;...m (SPEC.md
 * §8.2; mosh's Renditions::sgr). */
void display_sgr(struct buf *out, const struct term_rend *r);

/* The server's object (§6.2; the client holds copies): the emulator and
 * the newest user state applied and given ECHO_TIMEOUT to echo.  Its ops
 * diff into a HostMessage; apply refuses a size outside 1..TERM_MAX_* and
 * a decreasing echo ack.  Free with hoststate_ops.free. */
struct hoststate {
	struct term *term;
	uint64_t echo_ack;
};
struct hoststate *hoststate_new(int width, int height);
struct ssp_state_ops;
extern const struct ssp_state_ops hoststate_ops;
#endif
