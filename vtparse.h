/*
 * vtparse.h -- the seam between the parser (vtparse.c: UTF-8 and Paul
 * Williams' state machine, SPEC.md §7.1-7.2) and the emulator (term.c,
 * §7.3-7.6).  The emulator owns a struct vt_parser and feeds it bytes
 * with vt_utf8; the parser's actions call the emulator back through the
 * five functions below, passing on the struct term it was given, which
 * the parser never looks into.  A dispatched function reads the sequence
 * (parameters, intermediates, OSC string) from the parser's fields.
 */
#ifndef VTPARSE_H
#define VTPARSE_H
#include "term.h"

/* Limits (SPEC.md §A). */
#define VT_PARAM_CHARS  100     /* digits and ';' kept per sequence (mosh) */
#define VT_PARAM_COUNT  (VT_PARAM_CHARS + 1)   /* as many as 100 chars can hold */
#define VT_PARAM_MAX    65535   /* a larger value counts as missing (mosh) */
#define VT_INTER_MAX    8       /* intermediate and private-marker chars */
#define VT_OSC_MAX      16384   /* characters of an OSC string (mosh) */

/* Paul Williams' states (vt100.net/emu/dec_ansi_parser), by his names,
 * after VT_STAY, which is 0 so that an all-zero transition ignores and
 * stays. */
enum vt_state {
	VT_STAY,                /* not a state: a transition that keeps the current one */
	VT_GROUND,
	VT_ESCAPE, VT_ESCAPE_INTERMEDIATE,
	VT_CSI_ENTRY, VT_CSI_PARAM, VT_CSI_INTERMEDIATE, VT_CSI_IGNORE,
	VT_DCS_ENTRY, VT_DCS_PARAM, VT_DCS_INTERMEDIATE, VT_DCS_PASSTHROUGH, VT_DCS_IGNORE,
	VT_OSC_STRING,
	VT_SOS_PM_APC_STRING,
	VT_STATES,
};

/* What the sequence being parsed has collected; its start clears it all
 * (Williams' entry action "clear"). */
struct vt_sequence {
	int param[VT_PARAM_COUNT];      /* 0 = missing: a function takes its
	                                 * default for both (vt_param, mosh) */
	int param_idx;                  /* field being parsed: < VT_PARAM_COUNT,
	                                 * as each ';' is one of the 100 chars */
	int param_chars;                /* <= VT_PARAM_CHARS */
	char inter[VT_INTER_MAX + 1];   /* intermediates, NUL-terminated */
};

struct vt_parser {
	uint32_t u8_cp, u8_min;         /* UTF-8: value so far, least legal value */
	int u8_need;                    /* continuation bytes still expected */
	enum vt_state state;
	struct vt_sequence seq;
	uint32_t *osc;                  /* VT_OSC_MAX, allocated only inside an
	                                 * OSC string, so a copy stays small */
	int osc_len;
};

/* vtparse.c: one byte of application output through the parser. */
void vt_utf8(struct vt_parser *p, struct term *t, uint8_t b);

/* term.c: the emulator's entry points, which the parser's actions call. */
void vt_print(struct term *t, uint32_t cp);
void vt_control(struct term *t, uint32_t c);
void vt_esc_dispatch(struct term *t, uint32_t c);
void vt_csi_dispatch(struct term *t, uint32_t c);
void vt_osc_dispatch(struct term *t);
#endif
