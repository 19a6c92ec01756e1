/*
 * trace.h -- the protocol trace decoder behind `relay --trace FILE`
 * (tests/transport/trace.c; the line format is described there and in the legend
 * at the top of every trace file).
 */
#ifndef TRACE_H
#define TRACE_H
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "crypto.h"

/* Which way a datagram travels; the relay's UP and DOWN. */
enum trace_dir { TRACE_C2S = 0, TRACE_S2C = 1 };

/* What the relay did with a datagram (a set of flags; 0: forwarded). */
enum trace_fate {
	TRACE_FORWARDED = 0,
	TRACE_LOST = 1,         /* --loss dropped it */
	TRACE_BLACKOUT = 2,     /* inside a --blackout window */
	TRACE_LATE = 4,         /* --reorder held it longer */
	TRACE_TWICE = 8,        /* --dup sent it twice */
};

struct trace;

/* Starts a trace on out, which stays the caller's to close: prints the
 * legend and then `# ` and the title.  The key is copied. */
struct trace *trace_new(FILE *out, const uint8_t key[KEY_LEN], const char *title);
/* Prints one datagram of n bytes that arrived ms after the relay
 * started, and the instruction it completes, if any.  Any bytes at all
 * are allowed: what does not decode is printed as such. */
void trace_datagram(struct trace *t, uint64_t ms, enum trace_dir dir,
    const uint8_t *dg, size_t n, unsigned fate);
/* Flushes the output and wipes the key. */
void trace_free(struct trace *t);
#endif
