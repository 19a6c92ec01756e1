/*
 * display.h -- the frame diff: the escape string that turns one
 * framebuffer into another on a terminal that holds the first (SPEC.md §8).
 */
#ifndef DISPLAY_H
#define DISPLAY_H
#include <stdbool.h>
#include "term.h"
#include "wire.h"

struct display_caps {
	bool has_ech, has_bce, has_title;
};

/* Appends to out the bytes that turn `last` into `f`.  With initialized
 * false nothing is assumed about the screen (full repaint). */
void display_frame(struct buf *out, const struct term_fb *last,
    const struct term_fb *f, bool initialized, const struct display_caps *caps);
#endif
