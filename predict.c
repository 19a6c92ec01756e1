/*
 * predict.c -- predictive local echo and the notification bar (SPEC.md §9):
 * mosh's PredictionEngine and NotificationEngine
 * (src/frontend/terminaloverlay.h, terminaloverlay.cc), whose step names
 * the functions here keep (pred_cull, pred_new_user_byte, pred_apply,
 * pred_become_tentative, pred_kill_epoch, ...).
 *
 * The engine guesses what the server's screen will show once it has seen
 * the keys just typed, so the client can paint the guess at once instead
 * of a round trip later.  A prediction (a cell's contents, or the cursor's
 * place) is judged once the server's echo ack reaches the client state
 * that carried its key (`expires`): the application has then had 50 ms to
 * echo it.  Keys that may change how the application echoes open a new
 * epoch, and an epoch is shown only once one of its predictions came true.
 *
 * Layers: an input parser (pred_new_user_byte, pred_codepoint) turns keys
 * into actions that make predictions (pred_insert, pred_backspace,
 * pred_newline_carriage_return); pred_cull judges them against each server
 * screen and sets the show and underline triggers; pred_apply paints the
 * shown ones on a copy of that screen.  notify_* draws the bar.
 * Invariants: predictions exist only for the screen size last culled; a
 * shown prediction that proves wrong resets the engine, a hidden one kills
 * its epoch and all later ones.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "predict.h"
#include "ssp.h"

/* Triggers, compared with the send interval (about SRTT/2), in ms. */
#define PRED_SRTT_TRIGGER_HIGH  30      /* above: show predictions */
#define PRED_SRTT_TRIGGER_LOW   20      /* at or below, none left: stop */
#define PRED_FLAG_TRIGGER_HIGH  80      /* above: underline predictions */
#define PRED_FLAG_TRIGGER_LOW   50      /* at or below: stop underlining */
/* Glitches: predictions that wait long are shown (and underlined) anyway. */
#define PRED_GLITCH_THRESHOLD   250     /* ms pending: show */
#define PRED_GLITCH_REPAIR_COUNT 10     /* quick confirmations to stop */
#define PRED_GLITCH_REPAIR_MININTERVAL 150  /* ms between counted ones */
#define PRED_GLITCH_FLAG_THRESHOLD 5000 /* ms pending: show and underline */
#define PRED_TIMING_WAKEUP      50      /* ms between looks at the timers */
/* Limits (SPEC.md §A). */
#define PRED_PASTE_BYTES        100     /* a larger read is a paste */
#define PRED_ORIGINALS_MAX      8       /* earlier contents kept per cell */
#define PRED_CURSORS_MAX        64      /* cursor predictions kept */
/* The notification bar. */
#define NOTIFY_SERVER_LATE      6500    /* ms without a server state */
#define NOTIFY_REPLY_LATE       10000   /* ms since our newest acked send */
#define NOTIFY_MESSAGE_LIFE     1000    /* ms an ordinary message shows */
#define NOTIFY_ERROR_LIFE       3100    /* ACK_INTERVAL + 100 */
#define NOTIFY_COUNTUP          1000    /* ms between clock redraws... */
#define NOTIFY_COUNTUP_SLOW     3000    /* ...once silent for: */
#define NOTIFY_SLOW_AFTER       60000
#define NOTIFY_FG               37      /* palette 7, white */
#define NOTIFY_BG               44      /* palette 4, blue */

struct pred_cell {
	bool active, unknown;   /* unknown: shifted in from past the edge */
	/* Shown once confirmed_epoch >= epoch, judged once late_ack >= expires;
	 * made: when predicted, for the glitch timers. */
	uint64_t epoch, expires, made;
	struct term_cell repl;  /* the predicted cell */
	/* The originals: what the cell showed before this guess covered it.
	 * A guess equal to one proves nothing (the server may not have
	 * redrawn the cell yet) and earns no credit.  Only len and text count;
	 * length 0 stands for any blank. */
	int n_orig;
	bool orig_lost;         /* more than PRED_ORIGINALS_MAX: no credit */
	struct term_cell orig[PRED_ORIGINALS_MAX];
};

struct pred_cursor {
	int row, col;
	uint64_t epoch, expires;
};

/* Input parser states: just enough of a vt500 parser to tell printable
 * keys, controls, escapes and CSI sequences apart. */
enum { IN_GROUND, IN_ESC, IN_CSI };

struct pred {
	enum pred_mode mode;
	bool overwrite;
	int width, height;              /* screen last culled; 0 = none yet */
	struct pred_cell *rows[TERM_MAX_HEIGHT];  /* NULL: nothing predicted */
	struct pred_cursor cursors[PRED_CURSORS_MAX];  /* oldest first */
	int n_cursors;
	uint64_t prediction_epoch, confirmed_epoch;
	uint64_t sent, sent_newest, late_ack;  /* sent: latched per keyboard read */
	int send_interval;
	bool srtt_trigger, flagging;
	int glitch_trigger;             /* > 0: show; > REPAIR_COUNT: flag */
	uint64_t last_quick_confirmation;
	int in;                         /* IN_* */
	uint8_t last_byte;
	uint32_t cp;                    /* the typed character, decoded so far */
	int u8_len, u8_need;            /* its UTF-8 length, bytes still to come */
};

/* A cell prediction judged against the server's screen (mosh's Validity). */
enum pred_verdict {
	PV_INACTIVE,            /* no prediction */
	PV_PENDING,             /* the echo ack has not reached it yet */
	PV_CORRECT,             /* it came true, and proves the epoch */
	PV_NO_CREDIT,           /* it came true, or may have, but proves nothing */
	PV_WRONG,
};

int
pred_mode_parse(const char *s, enum pred_mode *m)
{
	static const char *const names[] = { "adaptive", "always", "never",
		"experimental" };       /* enum pred_mode order */
	for (int i = 0; i < 4; i++) {
		/* An unset variable (NULL) is adaptive, the first. */
		if (s == NULL || strcmp(s, names[i]) == 0) {
			*m = (enum pred_mode)i;
			return 0;
		}
	}
	return -1;
}

/* Empty, a space and NBSP all look the same, so they judge the same. */
static bool
pred_blank(const struct term_cell *c)
{
	return c->len == 0 || (c->len == 1 && c->text[0] == ' ') ||
	    (c->len == 2 && memcmp(c->text, "\xC2\xA0", 2) == 0);
}

/* Whether cell t's text is among c's originals. */
static bool
pred_cell_is_original(const struct pred_cell *c, const struct term_cell *t)
{
	uint8_t len = pred_blank(t) ? 0 : t->len;
	for (int i = 0; i < c->n_orig; i++)
		if (c->orig[i].len == len && memcmp(c->orig[i].text, t->text, len) == 0)
			return true;
	return false;
}

/* Makes t one of c's originals, unless it is one already. */
static void
pred_cell_add_original(struct pred_cell *c, const struct term_cell *t)
{
	if (pred_cell_is_original(c, t))
		return;
	if (c->n_orig == PRED_ORIGINALS_MAX) {
		c->orig_lost = true;
		return;
	}
	c->orig[c->n_orig] = *t;
	if (pred_blank(t))
		c->orig[c->n_orig].len = 0;
	c->n_orig++;
}

/* Forgets cell c's prediction and its originals (mosh's reset).  Only
 * the replacement stays, as in mosh: an unknown guess made here later keeps
 * it, and it decides whether that guess is underlined. */
static void
pred_cell_reset(struct pred_cell *c)
{
	*c = (struct pred_cell){ .repl = c->repl };
}

/* A new prediction for cell (y, x).  A prediction it replaces becomes one
 * more original: if the server still shows that, it has not echoed yet. */
static struct pred_cell *
pred_cell_start(struct pred *p, const struct term_fb *fb, int y, int x,
    uint64_t now)
{
	if (p->rows[y] == NULL)         /* the row is made on first use */
		p->rows[y] = ssp_alloc((size_t)p->width * sizeof *p->rows[y]);
	struct pred_cell *c = &p->rows[y][x];
	if (c->active && !c->unknown)
		pred_cell_add_original(c, &c->repl);
	else
		pred_cell_reset(c);
	c->active = true;
	c->epoch = p->prediction_epoch;
	c->expires = p->sent + 1;
	c->made = now;
	pred_cell_add_original(c, &fb->rows[y]->cells[x]);
	return c;
}

/* What comes next may not echo as guessed: later predictions belong to a
 * new epoch, not shown until one of them comes true. */
static void
pred_become_tentative(struct pred *p)
{
	if (p->mode != PRED_EXPERIMENTAL)
		p->prediction_epoch++;
}

void
pred_reset(struct pred *p)
{
	for (int y = 0; y < p->height; y++)
		free(p->rows[y]);
	memset(p->rows, 0, sizeof p->rows);
	p->n_cursors = 0;
	pred_become_tentative(p);
}

struct pred *
pred_new(enum pred_mode mode, bool overwrite)
{
	struct pred *p = ssp_alloc(sizeof *p);
	*p = (struct pred){ .mode = mode, .overwrite = overwrite, .prediction_epoch = 1 };
	return p;
}

void
pred_free(struct pred *p)
{
	pred_reset(p);
	free(p);
}

void
pred_set_transport(struct pred *p, uint64_t sent, uint64_t late_ack,
    int send_interval)
{
	p->sent_newest = sent;
	p->late_ack = late_ack;
	p->send_interval = send_interval;
}

/* A new cursor prediction; the oldest goes if there is no room (only the
 * newest is judged, and newer ones are drawn over older ones). */
static struct pred_cursor *
pred_cursor_push(struct pred *p, int row, int col)
{
	if (p->n_cursors == PRED_CURSORS_MAX) {
		p->n_cursors--;
		memmove(p->cursors, p->cursors + 1, (size_t)p->n_cursors * sizeof p->cursors[0]);
	}
	p->cursors[p->n_cursors] = (struct pred_cursor){
		.row = row, .col = col, .epoch = p->prediction_epoch, .expires = p->sent + 1,
	};
	p->n_cursors++;
	return &p->cursors[p->n_cursors - 1];
}

/* The cursor prediction that the next key moves (mosh's init_cursor): one
 * per epoch, starting where the previous one (or else the server) put the
 * cursor. */
static struct pred_cursor *
pred_init_cursor(struct pred *p, const struct term_fb *fb)
{
	if (p->n_cursors == 0)
		return pred_cursor_push(p, fb->ds.row, fb->ds.col);
	struct pred_cursor *newest = &p->cursors[p->n_cursors - 1];
	if (newest->epoch != p->prediction_epoch)
		return pred_cursor_push(p, newest->row, newest->col);
	return newest;
}

/* CR: the cursor goes to the start of the next row.  Scrolling is not
 * predicted; on the bottom row we predict only that it will be blank. */
static void
pred_newline_carriage_return(struct pred *p, const struct term_fb *fb, uint64_t now)
{
	struct pred_cursor *cur = pred_init_cursor(p, fb);
	cur->col = 0;
	if (cur->row < p->height - 1) {
		cur->row++;
		return;
	}
	for (int x = 0; x < p->width; x++) {
		struct pred_cell *c = pred_cell_start(p, fb, cur->row, x, now);
		c->repl = (struct term_cell){ 0 };
	}
}

/* Cell i of row y takes what cell src showed (predicted, or else actual),
 * or becomes unknown if that came from past the edge. */
static void
pred_shift(struct pred *p, const struct term_fb *fb, int y, int i, int src,
    bool edge, uint64_t now)
{
	struct pred_cell *c = pred_cell_start(p, fb, y, i, now);
	const struct pred_cell *from = &p->rows[y][src];
	if (edge || (from->active && from->unknown))
		c->unknown = true;
	else
		c->repl = from->active ? from->repl : fb->rows[y]->cells[src];
}

/* Printable character cp, of width 1, at the cursor.  Cells to its right
 * shift right (unless overwriting); what shifts in at the last column is
 * unknown.  The character takes the renditions of its left neighbour
 * (predicted, or else actual; at column 0, the pen's). */
static void
pred_insert(struct pred *p, const struct term_fb *fb, struct pred_cursor *cur,
    uint32_t cp, uint64_t now)
{
	int x = cur->col;
	int w = p->width;
	if (x + 1 >= w)         /* an editor may wrap here, a shell may not */
		pred_become_tentative(p);
	if (!p->overwrite) {
		for (int i = w - 1; i > x; i--)
			pred_shift(p, fb, cur->row, i, i - 1, i == w - 1, now);
	}
	struct pred_cell *c = pred_cell_start(p, fb, cur->row, x, now);
	c->repl = (struct term_cell){ .rend = fb->ds.rend };    /* the pen's */
	if (x > 0 && c[-1].active && !c[-1].unknown)
		c->repl.rend = c[-1].repl.rend;                         /* as predicted */
	else if (x > 0)
		c->repl.rend = fb->rows[cur->row]->cells[x - 1].rend;   /* as shown */
	c->repl.len = (uint8_t)term_utf8_encode(cp, c->repl.text);
	cur->expires = p->sent + 1;
	if (x < w - 1) {
		cur->col++;
	} else {
		pred_become_tentative(p);
		pred_newline_carriage_return(p, fb, now);
	}
}

/* DEL: the cursor steps left and the rest of the row shifts left; the
 * last two columns become unknown (an application may redraw them).  When
 * overwriting, only the cell under the cursor changes, to a space. */
static void
pred_backspace(struct pred *p, const struct term_fb *fb,
    struct pred_cursor *cur, uint64_t now)
{
	if (cur->col == 0)
		return;
	cur->col--;
	cur->expires = p->sent + 1;
	if (p->overwrite) {
		struct pred_cell *c = pred_cell_start(p, fb, cur->row, cur->col, now);
		c->repl = (struct term_cell){
			.rend = fb->rows[cur->row]->cells[cur->col].rend, .len = 1, .text = " ",
		};
		return;
	}
	for (int i = cur->col; i < p->width; i++) {
		bool edge = i + 2 >= p->width;
		pred_shift(p, fb, cur->row, i, edge ? i : i + 1, edge, now);
	}
}

/*
 * One typed character, code point cp, through the input parser, and what
 * it predicts.  C0 and C1 controls execute in every state; CAN and SUB
 * also cancel a sequence.  Code points from U+00A0 up end a sequence as
 * 'A' would.  Only printable characters, DEL and the two arrows are
 * predicted; anything else opens a new epoch.
 */
static void
pred_codepoint(struct pred *p, const struct term_fb *fb, uint32_t cp,
    uint64_t now)
{
	/* In a sequence, the bytes from 20 (controls are dealt with first) up
	 * to these go on with it: intermediates (20-2F), and in CSI
	 * parameters too (30-3F). */
	static const uint32_t continues_up_to[] = { [IN_ESC] = 0x2F, [IN_CSI] = 0x3F };
	if (cp == 0x1B) {                       /* ESC, even inside a sequence */
		p->in = IN_ESC;
		return;
	}
	if (cp == 0x18 || cp == 0x1A)           /* CAN, SUB */
		p->in = IN_GROUND;
	if (cp < 0x20 || (cp >= 0x80 && cp < 0xA0)) {
		pred_become_tentative(p);
		if (cp == '\r')
			pred_newline_carriage_return(p, fb, now);
		return;
	}
	if (p->in == IN_GROUND) {
		struct pred_cursor *cur = pred_init_cursor(p, fb);
		if (cp == 0x7F)
			pred_backspace(p, fb, cur, now);
		else if (term_wcwidth(cp) == 1)
			pred_insert(p, fb, cur, cp, now);
		else
			pred_become_tentative(p);       /* wide, zero width, unassigned */
	} else if (cp <= continues_up_to[p->in] || cp == 0x7F) {
		return;                 /* the sequence goes on; DEL is ignored */
	} else if (p->in == IN_ESC && cp == '[') {
		p->in = IN_CSI;
	} else if (p->in == IN_ESC || (cp != 'C' && cp != 'D')) {
		p->in = IN_GROUND;
		pred_become_tentative(p);       /* a sequence but an arrow ends */
	} else {                                /* CSI C, CSI D: an arrow */
		p->in = IN_GROUND;
		struct pred_cursor *cur = pred_init_cursor(p, fb);
		int col = cur->col + (cp == 'C' ? 1 : -1);
		if (col >= 0 && col < p->width) {
			cur->col = col;
			cur->expires = p->sent + 1;
		}
	}
}

/*
 * One typed byte (mosh's new_user_byte).  UTF-8 is gathered into whole
 * characters; a byte that is not UTF-8 (or cuts a sequence short) opens a
 * new epoch, as anything unpredictable does, and so does an overlong form.
 */
static void
pred_new_user_byte(struct pred *p, const struct term_fb *fb, uint8_t c, uint64_t now)
{
	/* UTF-8 by the sequence's length (RFC 3629): the lead bytes that start
	 * it, the lead byte's bits of the code point, and the smallest code
	 * point that needs that length.  No character starts with any other
	 * byte: a continuation byte, C0 and C1 (which could only start
	 * overlong forms), F5-FF (beyond U+10FFFF); their length is 0. */
	static const struct { uint8_t first, last, bits; uint32_t min; } utf8[5] = {
		[1] = { 0x00, 0x7F, 0x7F, 0 },
		[2] = { 0xC2, 0xDF, 0x1F, 0x80 },
		[3] = { 0xE0, 0xEF, 0x0F, 0x800 },
		[4] = { 0xF0, 0xF4, 0x07, 0x10000 },
	};
	if (p->last_byte == 0x1B && c == 'O')
		c = '[';        /* application-mode arrows parse as CSI */
	p->last_byte = c;
	if (p->u8_need > 0 && (c & 0xC0) == 0x80) {     /* a continuation byte */
		p->cp = p->cp << 6 | (c & 0x3F);
	} else {                                        /* a character starts */
		if (p->u8_need > 0)
			pred_become_tentative(p);       /* the last one was cut short */
		p->u8_len = 0;
		for (int len = 1; len <= 4; len++)
			if (c >= utf8[len].first && c <= utf8[len].last)
				p->u8_len = len;
		p->u8_need = p->u8_len;
		p->cp = c & utf8[p->u8_len].bits;
		if (p->u8_len == 0) {
			pred_become_tentative(p);       /* not UTF-8 */
			return;
		}
	}
	p->u8_need--;
	if (p->u8_need > 0)
		return;
	if (p->cp >= utf8[p->u8_len].min)       /* surrogates, > U+10FFFF: not width 1 */
		pred_codepoint(p, fb, p->cp, now);
	else
		pred_become_tentative(p);       /* an overlong form */
}

void
pred_user_bytes(struct pred *p, const struct term_fb *server_fb,
    const uint8_t *bytes, size_t n, uint64_t now)
{
	/* Never: nothing is predicted, so pred_cull and pred_apply find
	 * nothing to judge or draw. */
	if (p->mode == PRED_NEVER)
		return;
	/* Predictions (and a killed epoch's fresh cursor) expire with the state
	 * after the one sent before the keys were read, as in mosh: a newer
	 * number would keep a stale cursor guess pending for longer. */
	p->sent = p->sent_newest;
	if (n > PRED_PASTE_BYTES) {
		pred_reset(p);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		if (p->mode == PRED_EXPERIMENTAL)
			p->prediction_epoch = p->confirmed_epoch;
		pred_cull(p, server_fb, now);
		pred_new_user_byte(p, server_fb, bytes[i], now);
	}
}

/* Whether anything is predicted. */
static bool
pred_active(const struct pred *p)
{
	for (int y = 0; y < p->height; y++)
		for (int x = 0; p->rows[y] != NULL && x < p->width; x++)
			if (p->rows[y][x].active)
				return true;
	return p->n_cursors > 0;
}

/* Judges cell prediction c against the server's cell (mosh's get_validity). */
static enum pred_verdict
pred_cell_validity(const struct pred *p, const struct pred_cell *c,
    const struct term_cell *actual)
{
	if (!c->active)
		return PV_INACTIVE;
	if (p->late_ack < c->expires)
		return PV_PENDING;
	if (c->unknown || pred_blank(&c->repl))
		return PV_NO_CREDIT;    /* too easy to come true by chance */
	if (pred_blank(actual) || actual->len != c->repl.len ||
	    memcmp(actual->text, c->repl.text, actual->len) != 0)
		return PV_WRONG;
	if (c->orig_lost || pred_cell_is_original(c, &c->repl))
		return PV_NO_CREDIT;    /* the server may not have redrawn it yet */
	return PV_CORRECT;
}

/* A hidden prediction of epoch e was wrong: the application is not
 * echoing as guessed, so drop e and every later epoch, and go on from
 * the server's cursor in a fresh epoch.  Epochs are killed only outside
 * experimental mode, where prediction_epoch only grows, so the cursor
 * predictions, pushed oldest first, are in epoch order: those of e and
 * later are the newest ones. */
static void
pred_kill_epoch(struct pred *p, uint64_t e, const struct term_fb *fb)
{
	while (p->n_cursors > 0 && p->cursors[p->n_cursors - 1].epoch >= e)
		p->n_cursors--;
	pred_cursor_push(p, fb->ds.row, fb->ds.col);
	for (int y = 0; y < p->height; y++)
		for (int x = 0; p->rows[y] != NULL && x < p->width; x++)
			if (p->rows[y][x].active && p->rows[y][x].epoch >= e)
				pred_cell_reset(&p->rows[y][x]);
	pred_become_tentative(p);
}

/* ms from then to now, or 0 if the clock says then is later. */
static uint64_t
pred_age(uint64_t now, uint64_t then)
{
	return now > then ? now - then : 0;
}

/* Judges cell (y, x) against the server's screen and acts on the verdict
 * (mosh's cull, one cell). */
static void
pred_cull_cell(struct pred *p, int y, int x, const struct term_fb *fb, uint64_t now)
{
	struct pred_cell *c = &p->rows[y][x];
	enum pred_verdict v = pred_cell_validity(p, c, &fb->rows[y]->cells[x]);
	uint64_t age = pred_age(now, c->made);
	/* The longer a guess waits, the surer a glitch is. */
	if (v == PV_PENDING && age >= PRED_GLITCH_FLAG_THRESHOLD)
		p->glitch_trigger = PRED_GLITCH_REPAIR_COUNT * 2;
	else if (v == PV_PENDING && age >= PRED_GLITCH_THRESHOLD &&
	    p->glitch_trigger < PRED_GLITCH_REPAIR_COUNT)
		p->glitch_trigger = PRED_GLITCH_REPAIR_COUNT;
	else if (v == PV_NO_CREDIT || (v == PV_WRONG && p->mode == PRED_EXPERIMENTAL))
		pred_cell_reset(c);     /* experimental: a wrong cell goes alone */
	else if (v == PV_WRONG && c->epoch > p->confirmed_epoch)
		pred_kill_epoch(p, c->epoch, fb);       /* it was not shown yet */
	else if (v == PV_WRONG)
		pred_reset(p);          /* it was shown: start over */
	if (v != PV_CORRECT)
		return;
	/* Correct: its epoch is confirmed, the rest of the row takes the
	 * server's renditions, and a quick one helps repair a glitch. */
	if (c->epoch > p->confirmed_epoch)
		p->confirmed_epoch = c->epoch;
	if (age < PRED_GLITCH_THRESHOLD && p->glitch_trigger > 0 &&
	    now >= p->last_quick_confirmation + PRED_GLITCH_REPAIR_MININTERVAL) {
		p->glitch_trigger--;
		p->last_quick_confirmation = now;
	}
	for (int k = x; k < p->width; k++)
		p->rows[y][k].repl.rend = fb->rows[y]->cells[x].rend;
	pred_cell_reset(c);
}

/* mosh's PredictionEngine::cull, run before each paint and each typed byte.
 * A reset on the way leaves no rows and no cursor predictions, so the
 * loops below simply run out. */
void
pred_cull(struct pred *p, const struct term_fb *fb, uint64_t now)
{
	if (fb->ds.width != p->width || fb->ds.height != p->height) {
		pred_reset(p);
		p->width = fb->ds.width;
		p->height = fb->ds.height;
	}
	/* The triggers, with hysteresis; a big glitch underlines too. */
	if (p->send_interval > PRED_SRTT_TRIGGER_HIGH)
		p->srtt_trigger = true;
	else if (p->send_interval <= PRED_SRTT_TRIGGER_LOW && !pred_active(p))
		p->srtt_trigger = false;        /* never while something shows */
	if (p->send_interval > PRED_FLAG_TRIGGER_HIGH ||
	    p->glitch_trigger > PRED_GLITCH_REPAIR_COUNT)
		p->flagging = true;
	else if (p->send_interval <= PRED_FLAG_TRIGGER_LOW)
		p->flagging = false;
	for (int y = 0; y < p->height; y++)
		for (int x = 0; p->rows[y] != NULL && x < p->width; x++)
			pred_cull_cell(p, y, x, fb, now);
	/* Only the newest cursor prediction is judged: it implies the rest. */
	if (p->n_cursors > 0) {
		const struct pred_cursor *newest = &p->cursors[p->n_cursors - 1];
		bool wrong = p->late_ack >= newest->expires &&
		    (newest->row != fb->ds.row || newest->col != fb->ds.col);
		if (wrong && p->mode == PRED_EXPERIMENTAL)
			p->n_cursors = 0;       /* experimental: only the cursor guesses go */
		else if (wrong)
			pred_reset(p);
	}
	int kept = 0;                   /* the cursor predictions still pending */
	for (int i = 0; i < p->n_cursors; i++) {
		if (p->late_ack < p->cursors[i].expires) {
			p->cursors[kept] = p->cursors[i];
			kept++;
		}
	}
	p->n_cursors = kept;
}

/* Draws cell prediction c, of cell (y, x), on d if it is shown (mosh's
 * ConditionalOverlayCell::apply).  Underline marks a guess while the link
 * is bad, but not a blank guessed over a blank, nor an unknown last
 * column: both are usually right. */
static void
pred_cell_apply(const struct pred *p, const struct pred_cell *c, struct term_fb *d,
    int y, int x)
{
	const struct term_cell *actual = &d->rows[y]->cells[x];
	bool flag = p->flagging && !(pred_blank(&c->repl) && pred_blank(actual));
	if (!c->active || c->epoch > p->confirmed_epoch)
		return;
	if (c->unknown && (!flag || x == p->width - 1))
		return;
	if (!c->unknown && cell_equal(actual, &c->repl))
		return;
	if (!c->unknown)
		fb_row_mut(d, y)->cells[x] = c->repl;
	if (flag)
		fb_row_mut(d, y)->cells[x].rend.attr |= TERM_UNDERLINE;
}

/* mosh's PredictionEngine::apply: the confirmed epochs' cursor and cells. */
void
pred_apply(const struct pred *p, struct term_fb *d)
{
	/* Adaptive mode shows predictions only while a trigger is on. */
	if (p->mode == PRED_ADAPTIVE && !p->srtt_trigger && p->glitch_trigger == 0)
		return;
	if (d->ds.width != p->width || d->ds.height != p->height)
		return;
	for (int i = 0; i < p->n_cursors; i++) {
		if (p->cursors[i].epoch <= p->confirmed_epoch) {
			d->ds.row = p->cursors[i].row;
			d->ds.col = p->cursors[i].col;
		}
	}
	for (int y = 0; y < p->height; y++)
		for (int x = 0; p->rows[y] != NULL && x < p->width; x++)
			pred_cell_apply(p, &p->rows[y][x], d, y, x);
}

int
pred_wait_time(const struct pred *p)
{
	/* mosh's timing_tests_necessary: a timing trigger is yet to fire. */
	bool timing_tests_necessary = !(p->glitch_trigger > 0 && p->flagging);
	if (timing_tests_necessary && pred_active(p))
		return PRED_TIMING_WAKEUP;
	return INT_MAX;
}

/* ------------------------------------------------------------------ bar */

void
notify_init(struct notify *n, const char *quit_key_name, uint64_t now)
{
	*n = (struct notify){ .heard = now, .acked = now };
	if (quit_key_name != NULL)
		snprintf(n->quit_key, sizeof n->quit_key, " [To quit: %.200s .]",
		    quit_key_name);
}

void
notify_set_message(struct notify *n, const char *msg, unsigned flags,
    uint64_t now)
{
	snprintf(n->message, sizeof n->message, "%s", msg);
	n->flags = flags;
	n->expires = now + (flags & NOTIFY_NETWORK_ERROR ? NOTIFY_ERROR_LIFE : NOTIFY_MESSAGE_LIFE);
}

void
notify_clear_network_error(struct notify *n, uint64_t now)
{
	if ((n->flags & NOTIFY_NETWORK_ERROR) && n->expires > now + NOTIFY_MESSAGE_LIFE)
		n->expires = now + NOTIFY_MESSAGE_LIFE;
}

/* "12 seconds" (seconds_abbr "s": "12 s"), "1:15", "1:02:05": mosh's
 * human_readable_duration. */
static void
notify_duration(char *out, size_t size, unsigned long sec, const char *seconds_abbr)
{
	if (sec < 60)
		snprintf(out, size, "%lu %s", sec, seconds_abbr);
	else if (sec < 3600)
		snprintf(out, size, "%lu:%02lu", sec / 60, sec % 60);
	else
		snprintf(out, size, "%lu:%02lu:%02lu", sec / 3600, sec / 60 % 60, sec % 60);
}

/* Row 0 white on blue, the text in bold, one character per cell: the
 * texts are ASCII, and anything else is taken to be one column wide. */
void
notify_apply(const struct notify *n, struct term_fb *d, uint64_t now)
{
	bool message = n->message[0] != '\0' &&
	    ((n->flags & NOTIFY_PERMANENT) || now < n->expires);
	bool server_late = pred_age(now, n->heard) > NOTIFY_SERVER_LATE;
	/* Reply late: the server is heard, but we are not. */
	bool reply_late = !server_late && pred_age(now, n->acked) > NOTIFY_REPLY_LATE;
	bool late = server_late || reply_late;
	if (!message && !late)
		return;
	const char *key = n->flags & NOTIFY_NO_QUIT_KEY ? "" : n->quit_key;
	const char *what = reply_late ? "reply" : "contact";
	uint64_t since = reply_late ? n->acked : n->heard;
	char dur[48], text[3 * NOTIFY_TEXT_MAX];
	notify_duration(dur, sizeof dur, pred_age(now, since) / 1000, message ? "s" : "seconds");
	if (!message)
		snprintf(text, sizeof text, "mosh: Last %s %s ago.%s", what, dur, key);
	else if (!late)
		snprintf(text, sizeof text, "mosh: %s%s", n->message, key);
	else
		snprintf(text, sizeof text, "mosh: %s (%s without %s.)%s",
		    n->message, dur, what, key);
	if (d->ds.row == 0)
		d->ds.cursor_visible = false;
	struct term_row *row = fb_row_mut(d, 0);
	const char *s = text;
	row->wrap = false;
	for (int x = 0; x < d->ds.width; x++) {
		struct term_cell *c = &row->cells[x];
		*c = (struct term_cell){        /* a blank, past the end of the text */
			.rend = { .fg = NOTIFY_FG, .bg = NOTIFY_BG }, .len = 1, .text = " ",
		};
		if (*s == '\0')
			continue;
		c->rend.attr = TERM_BOLD;
		c->len = 0;
		/* A character a cell: its UTF-8 continuation bytes come along. */
		do {
			c->text[c->len] = *s;
			c->len++;
			s++;
		} while (((uint8_t)*s & 0xC0) == 0x80 && c->len < TERM_CELL_TEXT);
	}
}

int
notify_wait_time(const struct notify *n, uint64_t now)
{
	int wait = INT_MAX;
	if (n->message[0] != '\0' && !(n->flags & NOTIFY_PERMANENT) && now < n->expires)
		wait = n->expires - now < INT_MAX ? (int)(n->expires - now) : INT_MAX;
	bool clock_shown = pred_age(now, n->heard) > NOTIFY_SERVER_LATE ||
	    pred_age(now, n->acked) > NOTIFY_REPLY_LATE;
	if (!clock_shown)
		return wait;
	int every = NOTIFY_COUNTUP;     /* the clock's seconds go on counting */
	if (pred_age(now, n->heard) > NOTIFY_SLOW_AFTER)
		every = NOTIFY_COUNTUP_SLOW;
	return every < wait ? every : wait;
}
