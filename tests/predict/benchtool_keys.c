/*
 * benchtool_keys.c -- replays a keystroke trace into a mosh client on a
 * pty and judges what its screen shows, for tests/predict/bench_predict.sh.
 *
 *   benchtool_keys truth   TRACE TRUTHFILE -- CLIENT ARGS...
 *   benchtool_keys measure TRACE TRUTHFILE [-v] -- CLIENT ARGS...
 *
 * The client's output is fed to our emulator (term.c), so the tool sees the
 * 80x24 screen a user would see.  A screen is reduced to a "shot": a hash
 * of each cell's text (renditions ignored, so underlined predictions count
 * as shown; an empty cell is a space) and the cursor position.
 *
 * TRACE (tests/predict/traces/NAME.keys): "#" comments; "ready TEXT": start once a
 * row contains TEXT and the screen has been still for READY_STILL_MS; then
 * one keystroke a line, "GAP KEY": wait GAP ms after the previous key, then
 * type KEY (escapes \e \r \t \s (space) \\ \xHH; an arrow is one key).
 *
 * truth: the trace is typed without waiting for its gaps but for the screen
 * to be still after each key (the client runs with no delay and no
 * prediction); the shots T[-1] (before the first key) .. T[n-1] are
 * written to TRUTHFILE.
 *
 * measure: keys are typed at their trace times; after each burst of client
 * output (reads coalesced while more arrives within COALESCE_MS) the screen
 * S, at time t, with m the last key typed so far, is judged:
 *  - key k's effect is the cells where T[k] differs from T[k-1], and the
 *    cursor if it moved.  k is displayed at the first t at which, for some
 *    j with k <= j <= m, S agrees with T[j] on all of those cells (and the
 *    cursor) and T[j] is not T[k-1] there (the effect was not undone by a
 *    later key).  Its response time is t minus the time it was typed; keys
 *    with no effect are not timed.
 *  - a cell of S is wrong when no T[j], L <= j <= m, has its value there,
 *    L being the newest truth state that S has matched exactly (cells only)
 *    so far (-1 at first).  Each wrong cell value, when it appears, is a
 *    misprediction episode charged to key m; a key is mispredicted when at
 *    least one episode is charged to it.  (A wrong cursor alone does not
 *    count: the cursor passes through intermediate places while a server
 *    frame is drawn.)
 * It prints one line:
 *   keys N timed V instant I mean_ms M median_ms D never Z mispredicted W episodes E
 * (I, M, D over the timed keys that were displayed; Z timed keys never
 * displayed; W of all N keys.)  With -v each timed key's figures go to stderr.
 * Every wait is bounded; the client is killed at the end.
 */
#include <errno.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "term.h"

#define KB_WIDTH         80
#define KB_HEIGHT        24
#define KB_KEYS_MAX      1000
#define KB_KEY_BYTES     16
#define KB_LINE_MAX      512
#define READY_MS         20000  /* longest wait for the ready text */
#define READY_STILL_MS   300    /* still screen that starts the trace */
#define TRUTH_MIN_MS     40     /* truth: least wait after a key */
#define TRUTH_STILL_MS   100    /* truth: still screen that ends a key */
#define TRUTH_MAX_MS     2500   /* truth: longest wait after a key */
#define TAIL_MS          3000   /* measure: judging goes on this long */
#define COALESCE_MS      2      /* output this close together is one frame */
#define COALESCE_MAX_MS  10     /* but a burst is judged after this long */
#define INSTANT_MS       20.0   /* "displayed at once" */

struct kb_shot {
	int row, col;
	uint32_t cell[KB_HEIGHT][KB_WIDTH];
};

struct kb_key {
	int gap;                        /* ms after the previous key */
	char bytes[KB_KEY_BYTES];
	size_t len;
};

static struct term *kb_term;
static int kb_master = -1;
static pid_t kb_child;
static char kb_ready[KB_LINE_MAX];
static struct kb_key kb_key[KB_KEYS_MAX];
static int kb_nkeys;
static struct kb_shot *kb_truth;        /* kb_truth[k + 1] is T[k] */
static double kb_last_change;           /* when the screen last changed */
static int kb_verbose;                  /* -v: details on stderr */

static double
kb_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void
kb_die(const char *what)
{
	fprintf(stderr, "benchtool_keys: %s\n", what);
	if (kb_child > 0)
		kill(kb_child, SIGKILL);
	exit(1);
}

/* FNV-1a of a cell's text; an empty cell hashes as a space. */
static uint32_t
kb_cell_hash(const struct term_cell *c)
{
	const char *p = c->len ? c->text : " ";
	size_t n = c->len ? c->len : 1;
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < n; i++)
		h = (h ^ (uint8_t)p[i]) * 16777619u;
	return h;
}

static void
kb_take(struct kb_shot *s)
{
	struct term_fb *fb = term_fb(kb_term);

	memset(s, 0, sizeof *s);
	s->row = fb->ds.row;
	s->col = fb->ds.col;
	for (int y = 0; y < KB_HEIGHT && y < fb->ds.height; y++)
		for (int x = 0; x < KB_WIDTH && x < fb->rows[y]->width; x++)
			s->cell[y][x] = kb_cell_hash(&fb->rows[y]->cells[x]);
}

static int
kb_screen_has(const char *text)
{
	struct term_fb *fb = term_fb(kb_term);
	char line[KB_WIDTH * (TERM_CELL_TEXT + 1) + 1];

	for (int y = 0; y < fb->ds.height; y++) {
		size_t n = 0;
		for (int x = 0; x < fb->rows[y]->width && x < KB_WIDTH; x++) {
			const struct term_cell *c = &fb->rows[y]->cells[x];
			if (c->len == 0) {
				line[n++] = ' ';
			} else {
				memcpy(line + n, c->text, c->len);
				n += c->len;
			}
		}
		line[n] = '\0';
		if (strstr(line, text))
			return 1;
	}
	return 0;
}

/* -v: row y of the screen between bars, on stderr, unless it is blank. */
static void
kb_print_row(int y)
{
	const struct term_row *row = term_fb(kb_term)->rows[y];

	int blank = 1;

	for (int x = 0; x < row->width && x < KB_WIDTH; x++)
		blank &= row->cells[x].len == 0 || (row->cells[x].len == 1 && row->cells[x].text[0] == ' ');
	if (blank)
		return;
	fprintf(stderr, " %2d |", y);
	for (int x = 0; x < row->width && x < KB_WIDTH; x++) {
		const struct term_cell *c = &row->cells[x];
		fprintf(stderr, "%.*s", c->len ? (int)c->len : 1, c->len ? c->text : " ");
	}
	fprintf(stderr, "|\n");
}

/* Decodes the escapes of a trace key into k; 0 on a malformed one. */
static int
kb_parse_key(const char *s, struct kb_key *k)
{
	k->len = 0;
	while (*s) {
		char c = *s++;
		if (c == '\\') {
			switch (*s++) {
			case 'e': c = 0x1b; break;
			case 'r': c = '\r'; break;
			case 't': c = '\t'; break;
			case 's': c = ' '; break;
			case '\\': c = '\\'; break;
			case 'x': {
				unsigned v;
				if (sscanf(s, "%2x", &v) != 1)
					return 0;
				c = (char)v;
				s += 2;
				break;
			}
			default: return 0;
			}
		}
		if (k->len >= KB_KEY_BYTES)
			return 0;
		k->bytes[k->len++] = c;
	}
	return k->len > 0;
}

static void
kb_load_trace(const char *path)
{
	FILE *f = fopen(path, "r");
	char line[KB_LINE_MAX];

	if (!f)
		kb_die("cannot open the trace");
	while (fgets(line, sizeof line, f)) {
		line[strcspn(line, "\n")] = '\0';
		char *sp = strchr(line, ' ');
		if (line[0] == '#' || line[0] == '\0')
			continue;
		if (strncmp(line, "ready ", 6) == 0) {
			snprintf(kb_ready, sizeof kb_ready, "%s", line + 6);
			continue;
		}
		if (!sp || kb_nkeys >= KB_KEYS_MAX)
			kb_die("bad trace line or too many keys");
		kb_key[kb_nkeys].gap = atoi(line);
		if (!kb_parse_key(sp + 1, &kb_key[kb_nkeys]))
			kb_die("bad key in the trace");
		kb_nkeys++;
	}
	fclose(f);
	if (!kb_ready[0] || kb_nkeys == 0)
		kb_die("the trace needs a ready line and keys");
}

/*
 * Reads the client's output for up to ms milliseconds; returns after the
 * first burst (reads COALESCE_MS apart or closer) when one arrives, with
 * its end time in *when.  Returns 1 on output, 0 on timeout.
 */
static int
kb_read(double ms, double *when)
{
	static uint8_t buf[65536];
	double end = kb_now_ms() + ms, first = 0;
	int got = 0;

	for (;;) {
		double left = got ? COALESCE_MS : end - kb_now_ms();
		if (got && kb_now_ms() - first > COALESCE_MAX_MS)
			return got;     /* a steady stream: judge it now and then */
		struct pollfd p = { .fd = kb_master, .events = POLLIN };
		if (left <= 0)
			return got;
		int r = poll(&p, 1, (int)(left + 0.999));
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return got;
		ssize_t n = read(kb_master, buf, sizeof buf);
		if (n <= 0)
			kb_die("the client ended");
		term_write(kb_term, buf, (size_t)n, NULL);
		*when = kb_now_ms();
		kb_last_change = *when;
		if (!got)
			first = *when;
		got = 1;
	}
}

/* Waits (bounded by max_ms) until the screen has been still for still_ms. */
static void
kb_settle(double still_ms, double max_ms)
{
	double end = kb_now_ms() + max_ms, when;

	while (kb_now_ms() < end) {
		double quiet = kb_now_ms() - kb_last_change;
		if (quiet >= still_ms)
			return;
		kb_read(still_ms - quiet, &when);
	}
}

static void
kb_type(const struct kb_key *k)
{
	if (write(kb_master, k->bytes, k->len) != (ssize_t)k->len)
		kb_die("cannot type");
}

static void
kb_start(char **argv)
{
	struct winsize ws = { .ws_row = KB_HEIGHT, .ws_col = KB_WIDTH };
	double end, when;

	kb_term = term_new(KB_WIDTH, KB_HEIGHT);
	kb_child = forkpty(&kb_master, NULL, NULL, &ws);
	if (kb_child < 0)
		kb_die("forkpty");
	if (kb_child == 0) {
		execvp(argv[0], argv);
		perror(argv[0]);
		_exit(127);
	}
	end = kb_now_ms() + READY_MS;
	while (!kb_screen_has(kb_ready)) {
		if (kb_now_ms() > end)
			kb_die("the ready text never showed");
		kb_read(end - kb_now_ms(), &when);
	}
	kb_settle(READY_STILL_MS, READY_MS);
}

static void
kb_do_truth(const char *out)
{
	FILE *f;
	double when;

	kb_truth = calloc((size_t)kb_nkeys + 1, sizeof *kb_truth);
	if (!kb_truth)
		kb_die("out of memory");
	kb_take(&kb_truth[0]);
	for (int k = 0; k < kb_nkeys; k++) {
		double t = kb_now_ms();
		kb_type(&kb_key[k]);
		kb_last_change = t;     /* stillness counts from the key */
		while (kb_now_ms() - t < TRUTH_MIN_MS)
			kb_read(TRUTH_MIN_MS - (kb_now_ms() - t), &when);
		kb_settle(TRUTH_STILL_MS, TRUTH_MAX_MS);
		kb_take(&kb_truth[k + 1]);
		if (kb_verbose) {
			fprintf(stderr, "T%d cursor %d,%d\n", k, kb_truth[k + 1].row,
			    kb_truth[k + 1].col);
			for (int y = 0; y < KB_HEIGHT; y++)
				kb_print_row(y);
		}
	}
	if (!(f = fopen(out, "wb")) ||
	    fwrite(kb_truth, sizeof *kb_truth, (size_t)kb_nkeys + 1, f) != (size_t)kb_nkeys + 1 ||
	    fclose(f) != 0)
		kb_die("cannot write the truth file");
}

/* Measuring state. */
static double kb_typed_at[KB_KEYS_MAX], kb_resp[KB_KEYS_MAX];
static int kb_timed[KB_KEYS_MAX], kb_shown[KB_KEYS_MAX], kb_mis[KB_KEYS_MAX];
static int kb_m = -1, kb_low = -1, kb_episodes;
static uint32_t kb_wrong[KB_HEIGHT][KB_WIDTH]; /* wrong value shown, 0 = none */
static int kb_wrong_set[KB_HEIGHT][KB_WIDTH];

#define T(j) (&kb_truth[(j) + 1])

/* Does some T[j], lo <= j <= hi, hold v at (y, x)? */
static int
kb_in_truth(int lo, int hi, int y, int x, uint32_t v)
{
	for (int j = lo; j <= hi; j++)
		if (T(j)->cell[y][x] == v)
			return 1;
	return 0;
}

/* -v: a row with fresh wrong cells, as the screen shows it. */
static void
kb_show_row(int y, int fresh, double t, const char *mark)
{
	fprintf(stderr, "wrong: %d cells %.0f ms after key %d (window %d..%d), row %2d:\n",
	    fresh, t - kb_typed_at[kb_m], kb_m, kb_low, kb_m, y);
	const struct term_row *row = term_fb(kb_term)->rows[y];

	kb_print_row(y);
	fprintf(stderr, "     %s\n", mark);
	for (int x = 0, shown = 0; x < KB_WIDTH && shown < 4; x++) {
		if (mark[x] != '^')
			continue;
		fprintf(stderr, "      col %d:", x);
		for (int b = 0; b < row->cells[x].len; b++)
			fprintf(stderr, " %02x", (unsigned char)row->cells[x].text[b]);
		fprintf(stderr, row->cells[x].len ? "\n" : " (empty)\n");
		shown++;
	}
}

/*
 * Does s show key k's effect as truth state j (k <= j <= m) shows it: on
 * every cell k changed (and the cursor, if k moved it), s agrees with T[j],
 * and T[j] there is not simply T[k-1] again (an effect undone later)?
 */
static int
kb_shows_as(int k, int j, const struct kb_shot *s)
{
	const struct kb_shot *a = T(k - 1), *b = T(k), *c = T(j);
	int moved = a->row != b->row || a->col != b->col, differs = 0;

	for (int y = 0; y < KB_HEIGHT; y++)
		for (int x = 0; x < KB_WIDTH; x++) {
			if (a->cell[y][x] == b->cell[y][x])
				continue;
			if (s->cell[y][x] != c->cell[y][x])
				return 0;
			differs |= c->cell[y][x] != a->cell[y][x];
		}
	if (moved) {
		if (s->row != c->row || s->col != c->col)
			return 0;
		differs |= c->row != a->row || c->col != a->col;
	}
	return differs;
}

static int
kb_displayed(int k, const struct kb_shot *s)
{
	for (int j = k; j <= kb_m; j++)
		if (kb_shows_as(k, j, s))
			return 1;
	return 0;
}

static void
kb_judge(double t)
{
	struct kb_shot s;

	kb_take(&s);
	for (int k = 0; k <= kb_m; k++)
		if (kb_timed[k] && !kb_shown[k] && kb_displayed(k, &s)) {
			kb_shown[k] = 1;
			kb_resp[k] = t - kb_typed_at[k];
		}
	for (int j = kb_m; j > kb_low; j--)
		if (memcmp(s.cell, T(j)->cell, sizeof s.cell) == 0) {
			kb_low = j;
			break;
		}
	for (int y = 0; y < KB_HEIGHT; y++) {
		int fresh = 0;
		char mark[KB_WIDTH + 1];
		memset(mark, ' ', KB_WIDTH);
		mark[KB_WIDTH] = '\0';
		for (int x = 0; x < KB_WIDTH; x++) {
			uint32_t v = s.cell[y][x];
			if (kb_in_truth(kb_low, kb_m, y, x, v)) {
				kb_wrong_set[y][x] = 0;
				continue;
			}
			if (kb_wrong_set[y][x] && kb_wrong[y][x] == v)
				continue;       /* the same wrong value, still shown */
			kb_wrong_set[y][x] = 1;
			kb_wrong[y][x] = v;
			if (kb_m >= 0) {
				kb_episodes++;
				kb_mis[kb_m] = 1;
				mark[x] = '^';
				fresh++;
			}
		}
		if (fresh && kb_verbose)
			kb_show_row(y, fresh, t, mark);
	}
}

static int
kb_cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static void
kb_do_measure(const char *in)
{
	FILE *f = fopen(in, "rb");
	double base, due, when, end;
	static double sorted[KB_KEYS_MAX];
	int next = 0, timed = 0, shown = 0, instant = 0, mis = 0;
	double sum = 0;

	kb_truth = calloc((size_t)kb_nkeys + 1, sizeof *kb_truth);
	if (!kb_truth || !f ||
	    fread(kb_truth, sizeof *kb_truth, (size_t)kb_nkeys + 1, f) != (size_t)kb_nkeys + 1)
		kb_die("cannot read the truth file (made from the same trace?)");
	fclose(f);
	for (int k = 0; k < kb_nkeys; k++) {
		const struct kb_shot *a = T(k - 1), *b = T(k);
		kb_timed[k] = memcmp(a->cell, b->cell, sizeof a->cell) != 0 ||
		    a->row != b->row || a->col != b->col;
	}
	kb_judge(kb_now_ms());
	base = due = kb_now_ms();
	end = 0;
	for (;;) {
		double now = kb_now_ms();
		if (next < kb_nkeys) {
			due = (next == 0 ? base : kb_typed_at[next - 1]) + kb_key[next].gap;
			if (now >= due) {
				kb_type(&kb_key[next]);
				kb_typed_at[next] = kb_now_ms();
				kb_m = next++;
				if (next == kb_nkeys)
					end = kb_now_ms() + TAIL_MS;
				continue;
			}
		} else {
			due = end;
			if (now >= end)
				break;
		}
		if (kb_read(due - now, &when))
			kb_judge(when);
	}
	for (int k = 0; k < kb_nkeys; k++) {
		mis += kb_mis[k];
		if (!kb_timed[k])
			continue;
		timed++;
		if (kb_verbose) {
			fprintf(stderr, "key %3d ", k);
			for (size_t b = 0; b < kb_key[k].len; b++) {
				unsigned char c = (unsigned char)kb_key[k].bytes[b];
				fprintf(stderr, c > ' ' && c < 0x7f ? "%c" : "\\x%02x", c);
			}
			fprintf(stderr, ": %s %.1f ms%s\n", kb_shown[k] ? "shown" : "NEVER",
			    kb_resp[k], kb_mis[k] ? " MISPREDICTED" : "");
		}
		if (!kb_shown[k])
			continue;
		sorted[shown++] = kb_resp[k];
		sum += kb_resp[k];
		instant += kb_resp[k] <= INSTANT_MS;
	}
	qsort(sorted, (size_t)shown, sizeof *sorted, kb_cmp_double);
	printf("keys %d timed %d instant %d mean_ms %.1f median_ms %.1f never %d "
	    "mispredicted %d episodes %d\n", kb_nkeys, timed, instant,
	    shown ? sum / shown : 0.0, shown ? sorted[shown / 2] : 0.0,
	    timed - shown, mis, kb_episodes);
}

int
main(int argc, char **argv)
{
	int i = 4;

	if (argc < 6 || (strcmp(argv[1], "truth") != 0 && strcmp(argv[1], "measure") != 0)) {
		fprintf(stderr, "usage: benchtool_keys truth|measure TRACE TRUTHFILE [-v] "
		    "-- CLIENT ARGS...\n");
		return 2;
	}
	if (strcmp(argv[i], "-v") == 0) {
		kb_verbose = 1;
		i++;
	}
	if (i + 1 >= argc || strcmp(argv[i], "--") != 0)
		kb_die("expected -- CLIENT");
	kb_load_trace(argv[2]);
	kb_start(argv + i + 1);
	if (strcmp(argv[1], "truth") == 0)
		kb_do_truth(argv[3]);
	else
		kb_do_measure(argv[3]);
	kill(kb_child, SIGTERM);
	for (int n = 0; n < 50 && waitpid(kb_child, NULL, WNOHANG) == 0; n++)
		usleep(20000);
	kill(kb_child, SIGKILL);
	waitpid(kb_child, NULL, 0);
	return 0;
}
