/*
 * vtparse.c -- application output to emulator calls (SPEC.md §7.1-7.2),
 * in two layers, bottom up:
 *  1. UTF-8 decoding with mosh's rules for bad bytes (§7.1): vt_utf8,
 *     the parser's entry point, turns bytes into code points.
 *  2. Paul Williams' 14-state DEC ANSI parser as a table (§7.2): a code
 *     point is classified (vt_class), looked up in the "anywhere" rules
 *     (vt_anywhere), then in its state's row of vt_table; vt_input runs
 *     the exit action, the transition's action (vt_act) and the entry
 *     action.  The actions that collect (parameters, intermediates, OSC
 *     characters) fill struct vt_parser; the others are the dispatch into
 *     the emulator: print, execute, ESC, CSI and OSC dispatch call term.c
 *     (vtparse.h lists them), which reads the sequence from the parser.
 * Invariants: param_idx < VT_PARAM_COUNT and param_chars <=
 * VT_PARAM_CHARS; inter stays NUL-terminated; osc is allocated exactly
 * while the state is the OSC string.  The parser holds no pointer to the
 * emulator: every call passes it in, so a copy of the parser (term_clone)
 * needs no fixing up.  Also here, as the decoder's mirror image: the
 * UTF-8 encoder the emulator stores cells with.  Where this file says "as
 * mosh", the behaviour is mosh 1.4's, from src/terminal/parser.cc and
 * parserstate.cc.
 */
#include <stdlib.h>
#include <string.h>
#include "ssp.h"
#include "vtparse.h"

/* His actions on transitions.  The others are entry and exit actions,
 * taken in vt_input: clear, OSC start and OSC end.  Put, in DCS
 * passthrough, and hook and unhook, on entering and leaving it, would do
 * nothing, as DCS strings are discarded (as mosh does), so they have no
 * code: a put is an ignore. */
enum vt_action {
	VT_IGNORE, VT_PRINT, VT_EXECUTE, VT_COLLECT, VT_PARAM,
	VT_ESC_DISPATCH, VT_CSI_DISPATCH, VT_OSC_PUT,
};

/* The columns of vt_table: classes of codes (vt_class, SPEC.md §7.2). */
enum vt_class {
	VT_CLASS_C0, VT_CLASS_INTERMEDIATE, VT_CLASS_PARAM, VT_CLASS_COLON,
	VT_CLASS_PRIVATE, VT_CLASS_FINAL, VT_CLASS_DEL, VT_CLASSES
};

/* What one code does: an action, then a move to the state next. */
struct vt_transition {
	enum vt_action action;
	enum vt_state next;             /* or VT_STAY */
};

#define DO(act)         { .action = VT_##act, .next = VT_STAY }
#define GO(act, state)  { .action = VT_##act, .next = VT_##state }

/*
 * The state's own transitions, after the "anywhere" ones (vt_anywhere):
 * SPEC.md §7.2's table, one row per state, one entry per class, in the
 * order C0, 20-2F, 30-39 and 3B, 3A, 3C-3F, 40-7E, 7F.  Finals 40-5F in
 * the escape state (vt_input) and BEL in an OSC string (vt_anywhere) are
 * exceptions to their columns: they act as the C1 controls they stand for.
 * DCS passthrough (whose put is an ignore), DCS ignore and the SOS/PM/APC
 * string have no row: in each, every code is ignored, the all-zero
 * transition DO(IGNORE).
 */
static const struct vt_transition vt_table[VT_STATES][VT_CLASSES] = {
	[VT_GROUND] = { DO(EXECUTE), DO(PRINT), DO(PRINT), DO(PRINT),
	    DO(PRINT), DO(PRINT), DO(PRINT) },
	[VT_ESCAPE] = { DO(EXECUTE), GO(COLLECT, ESCAPE_INTERMEDIATE),
	    GO(ESC_DISPATCH, GROUND), GO(ESC_DISPATCH, GROUND),
	    GO(ESC_DISPATCH, GROUND), GO(ESC_DISPATCH, GROUND), DO(IGNORE) },
	[VT_ESCAPE_INTERMEDIATE] = { DO(EXECUTE), DO(COLLECT),
	    GO(ESC_DISPATCH, GROUND), GO(ESC_DISPATCH, GROUND),
	    GO(ESC_DISPATCH, GROUND), GO(ESC_DISPATCH, GROUND), DO(IGNORE) },
	[VT_CSI_ENTRY] = { DO(EXECUTE), GO(COLLECT, CSI_INTERMEDIATE),
	    GO(PARAM, CSI_PARAM), GO(IGNORE, CSI_IGNORE),
	    GO(COLLECT, CSI_PARAM), GO(CSI_DISPATCH, GROUND), DO(IGNORE) },
	[VT_CSI_PARAM] = { DO(EXECUTE), GO(COLLECT, CSI_INTERMEDIATE),
	    DO(PARAM), GO(IGNORE, CSI_IGNORE),
	    GO(IGNORE, CSI_IGNORE), GO(CSI_DISPATCH, GROUND), DO(IGNORE) },
	[VT_CSI_INTERMEDIATE] = { DO(EXECUTE), DO(COLLECT),
	    GO(IGNORE, CSI_IGNORE), GO(IGNORE, CSI_IGNORE),
	    GO(IGNORE, CSI_IGNORE), GO(CSI_DISPATCH, GROUND), DO(IGNORE) },
	[VT_CSI_IGNORE] = { DO(EXECUTE), DO(IGNORE), DO(IGNORE), DO(IGNORE),
	    DO(IGNORE), GO(IGNORE, GROUND), DO(IGNORE) },
	[VT_DCS_ENTRY] = { DO(IGNORE), GO(COLLECT, DCS_INTERMEDIATE),
	    GO(PARAM, DCS_PARAM), GO(IGNORE, DCS_IGNORE),
	    GO(COLLECT, DCS_PARAM), GO(IGNORE, DCS_PASSTHROUGH), DO(IGNORE) },
	[VT_DCS_PARAM] = { DO(IGNORE), GO(COLLECT, DCS_INTERMEDIATE),
	    DO(PARAM), GO(IGNORE, DCS_IGNORE),
	    GO(IGNORE, DCS_IGNORE), GO(IGNORE, DCS_PASSTHROUGH), DO(IGNORE) },
	[VT_DCS_INTERMEDIATE] = { DO(IGNORE), DO(COLLECT),
	    GO(IGNORE, DCS_IGNORE), GO(IGNORE, DCS_IGNORE),
	    GO(IGNORE, DCS_IGNORE), GO(IGNORE, DCS_PASSTHROUGH), DO(IGNORE) },
	[VT_OSC_STRING] = { DO(IGNORE), DO(OSC_PUT), DO(OSC_PUT), DO(OSC_PUT),
	    DO(OSC_PUT), DO(OSC_PUT), DO(OSC_PUT) },
};

/* The column of vt_table for c, which is no C1 control (80-9F): those
 * all have anywhere transitions. */
static enum vt_class
vt_class(uint32_t c)
{
	if (c < 0x20)
		return VT_CLASS_C0;     /* 00-1F */
	if (c < 0x30)
		return VT_CLASS_INTERMEDIATE;   /* 20-2F: space and !"#$%&'()*+,-./ */
	if (c == 0x3A)
		return VT_CLASS_COLON;  /* 3A: a sub-parameter, which mosh refuses */
	if (c < 0x3C)
		return VT_CLASS_PARAM;  /* 30-39 and 3B: digits and ';' */
	if (c < 0x40)
		return VT_CLASS_PRIVATE;        /* 3C-3F: < = > ? */
	if (c == 0x7F)
		return VT_CLASS_DEL;    /* 7F */
	return VT_CLASS_FINAL;          /* 40-7E, and every character past C1 acts like 'A' */
}

/* Williams' "anywhere" transitions, which every state takes before its
 * own; next is VT_STAY when c has none.  In an OSC string, BEL joins them
 * as the ST it stands for: it ends the string as ST does (xterm's ctlseqs,
 * "Operating System Commands"). */
static struct vt_transition
vt_anywhere(enum vt_state state, uint32_t c)
{
	if (state == VT_OSC_STRING && c == 0x07)
		c = 0x9C;
	switch (c) {
	case 0x1B: return (struct vt_transition)GO(IGNORE, ESCAPE);            /* ESC */
	case 0x90: return (struct vt_transition)GO(IGNORE, DCS_ENTRY);         /* DCS */
	case 0x9B: return (struct vt_transition)GO(IGNORE, CSI_ENTRY);         /* CSI */
	case 0x9C: return (struct vt_transition)GO(IGNORE, GROUND);            /* ST */
	case 0x9D: return (struct vt_transition)GO(IGNORE, OSC_STRING);        /* OSC */
	case 0x98: case 0x9E: case 0x9F:                                        /* SOS PM APC */
		return (struct vt_transition)GO(IGNORE, SOS_PM_APC_STRING);
	}
	if (c == 0x18 || c == 0x1A || (c >= 0x80 && c <= 0x9F))  /* CAN, SUB, other C1 */
		return (struct vt_transition)GO(EXECUTE, GROUND);
	return (struct vt_transition)DO(IGNORE);
}

/* A transition's own action (the entry and exit actions are vt_input's). */
static void
vt_act(struct vt_parser *p, struct term *t, enum vt_action action, uint32_t c)
{
	int *field = &p->seq.param[p->seq.param_idx];   /* for VT_PARAM */

	switch (action) {
	case VT_PRINT: vt_print(t, c); break;
	case VT_EXECUTE: vt_control(t, c); break;
	case VT_ESC_DISPATCH: vt_esc_dispatch(t, c); break;
	case VT_CSI_DISPATCH: vt_csi_dispatch(t, c); break;
	case VT_COLLECT:
		if (strlen(p->seq.inter) < VT_INTER_MAX)
			p->seq.inter[strlen(p->seq.inter)] = (char)c;
		break;
	case VT_PARAM:
		/* The count stops at the limit, so that no length of
		 * sequence can make it wrap and let more fields in. */
		if (p->seq.param_chars == VT_PARAM_CHARS)
			break;
		p->seq.param_chars++;
		if (c == ';')
			p->seq.param_idx++;
		else if (*field <= VT_PARAM_MAX)        /* stops growing once too big */
			*field = *field * 10 + (int)(c - '0');
		break;
	case VT_OSC_PUT:
		if (p->osc_len < VT_OSC_MAX) {
			p->osc[p->osc_len] = c;
			p->osc_len++;
		}
		break;
	default:                /* ignore */
		break;
	}
}

/* One code point through the state machine.  A transition to a state
 * (even the same one) runs the old state's exit action, the transition's
 * action, then the new state's entry action, in Williams' order.  The OSC
 * buffer exists only inside an OSC string, so a copy of a terminal stays
 * small. */
static void
vt_input(struct vt_parser *p, struct term *t, uint32_t c)
{
	struct vt_transition tr;

	/* ESC and a final 40..5F is the 7-bit form of C1 control final + 0x40
	 * (ESC [ is CSI, ESC D is IND): from here on it is that control, which
	 * the anywhere rules take.  But ESC \ (ST) stays an ESC dispatch, as in
	 * mosh: an unknown function, so it drops the pending wrap. */
	if (p->state == VT_ESCAPE && c >= 0x40 && c <= 0x5F && c != '\\')
		c += 0x40;
	tr = vt_anywhere(p->state, c);
	if (tr.next == VT_STAY)
		tr = vt_table[p->state][vt_class(c)];
	if (tr.next != VT_STAY && p->state == VT_OSC_STRING) {    /* exit: OSC end */
		vt_osc_dispatch(t);
		free(p->osc);
		p->osc = NULL;
	}
	vt_act(p, t, tr.action, c);
	if (tr.next == VT_STAY)
		return;
	p->state = tr.next;
	if (tr.next == VT_ESCAPE || tr.next == VT_CSI_ENTRY || tr.next == VT_DCS_ENTRY)
		memset(&p->seq, 0, sizeof p->seq);      /* entry: clear */
	if (tr.next == VT_OSC_STRING) {                 /* entry: OSC start */
		p->osc = ssp_realloc(p->osc, VT_OSC_MAX * sizeof p->osc[0]);
		p->osc_len = 0;
	}
}

/* The least code point that takes n + 1 bytes of UTF-8, counting glibc's
 * old 5- and 6-byte forms: one below it in that many bytes is overlong. */
static const uint32_t vt_utf8_least[6] = { 0, 0x80, 0x800, 0x10000, 0x200000, 0x4000000 };

/*
 * UTF-8 in front of the parser, decoding exactly as mosh does with glibc's
 * mbrtowc (SPEC.md §7.1; mosh's src/terminal/parser.cc, UTF8Parser): a lead
 * byte fixes the length (glibc still takes the old 5- and 6-byte forms); a
 * byte that cannot continue the sequence gives U+FFFD and is then decoded
 * afresh; an overlong form or a surrogate, noticed at its last byte, gives
 * U+FFFD and that last byte is decoded afresh (one more U+FFFD); a value
 * past U+10FFFF gives one U+FFFD.
 */
void
vt_utf8(struct vt_parser *p, struct term *t, uint8_t b)
{
	int n = 1;              /* continuation bytes that lead byte b announces */

	/* A byte that starts nothing: ASCII is itself; 80-BF only continue,
	 * C0 C1 would be overlong, FE FF never occur. */
	if (p->u8_need == 0 && (b < 0xC2 || b > 0xFD)) {
		vt_input(p, t, b < 0x80 ? b : 0xFFFD);
		return;
	}
	if (p->u8_need == 0) {
		while (n < 5 && (b & (0x40 >> n)) != 0)  /* one more for each 1 after 11 */
			n++;
		p->u8_need = n;
		p->u8_min = vt_utf8_least[n];
		p->u8_cp = b & (0x3Fu >> n);    /* the bits after its 0 bit */
		return;
	}
	if ((b & 0xC0) == 0x80) {               /* a continuation byte */
		p->u8_cp = p->u8_cp << 6 | (b & 0x3F);
		p->u8_need--;
		if (p->u8_need > 0)
			return;
		if (p->u8_cp >= p->u8_min && (p->u8_cp < 0xD800 || p->u8_cp > 0xDFFF)) {
			vt_input(p, t, p->u8_cp > 0x10FFFF ? 0xFFFD : p->u8_cp);
			return;
		}
	}
	/* Not a continuation byte, or the last byte of an overlong form or a
	 * surrogate: U+FFFD, and the byte decoded afresh. */
	p->u8_need = 0;
	vt_input(p, t, 0xFFFD);
	vt_utf8(p, t, b);
}

int
term_utf8_encode(uint32_t cp, char out[4])
{
	static const uint8_t lead[5] = { 0, 0x00, 0xC0, 0xE0, 0xF0 };   /* by length */
	int n = 1;

	while (n < 4 && cp >= vt_utf8_least[n])
		n++;
	for (int i = n - 1; i > 0; i--) {       /* 6 bits a byte, from the end */
		out[i] = (char)(0x80 | (cp & 0x3F));
		cp >>= 6;
	}
	out[0] = (char)(lead[n] | cp);
	return n;
}
