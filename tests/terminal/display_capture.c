/*
 * display_capture -- checks our frame diff against Debian's real
 * mosh-server, frame by frame (SPEC.md §8; run by tests/terminal/display_mosh.test).
 *
 *   display_capture IP PORT KEY SECS STEP-FILE...
 *
 * The server's application writes the STEP-FILEs' contents one at a time,
 * a pause after each.  We replay them in our emulator to get every screen
 * the server can have held: blank, after the pty's echo of the server's
 * release "\n" (as "\r\n"), and after each step (the pty's ONLCR turning
 * "\n" into "\r\n").  Then, as a mosh client (ssp.c; the resize 80x24 as
 * state 1), we take every hoststring the real server sends and look for
 * screens i <= j whose frame display_frame(i, j) is exactly those bytes.
 * Prints a line per hoststring (SAME i->j, or DIFFERENT with mosh's bytes
 * and our nearest frame) and a summary; exits 0 if every hoststring was
 * found and the server ended the session, 1 otherwise, after SECS at most.
 */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "display.h"
#include "ssp.h"

#define CAPTURE_SHOW   600      /* bytes of a hoststring printed */
#define CAPTURE_SCREENS 64      /* steps + 2 */

static const struct display_caps server_caps = { true, true, true };
static struct term *screens[CAPTURE_SCREENS];
static int nscreens, frames_same, frames_different;

static void
show(const char *label, const uint8_t *p, size_t n)
{
	printf("  %s (%zu): ", label, n);
	for (size_t i = 0; i < n && i < CAPTURE_SHOW; i++)
		printf(p[i] >= 0x20 && p[i] < 0x7F && p[i] != '\\' ? "%c" : "\\x%02x", p[i]);
	printf("%s\n", n > CAPTURE_SHOW ? "..." : "");
}

/* The next screen: the last one plus bytes, "\n" written as "\r\n". */
static void
add_screen(const uint8_t *p, size_t n)
{
	struct term *t;
	struct term_fb *prev;

	if (nscreens == 0) {
		t = term_new(80, 24);
	} else {
		prev = term_fb(screens[nscreens - 1]);
		t = term_new(1, 1);
		fb_free(term_fb(t));
		fb_copy(term_fb(t), prev);
	}
	for (size_t i = 0; i < n; i++) {
		if (p[i] == '\n')
			term_write(t, (const uint8_t *)"\r", 1, NULL);
		term_write(t, p + i, 1, NULL);
	}
	screens[nscreens++] = t;
}

static size_t
common_prefix(const struct buf *a, const uint8_t *b, size_t n)
{
	size_t i;

	for (i = 0; i < a->len && i < n && a->data[i] == b[i]; i++)
		;
	return i;
}

static void
judge(const uint8_t *sent, size_t n)
{
	struct buf ours = { 0 }, best = { 0 };
	size_t best_len = 0;

	for (int i = 0; i < nscreens; i++)
		for (int j = i; j < nscreens; j++) {
			ours.len = 0;
			display_frame(&ours, term_fb(screens[i]), term_fb(screens[j]),
			    true, &server_caps);
			if (ours.len == n && memcmp(ours.data, sent, n) == 0) {
				frames_same++;
				printf("  SAME screen %d -> %d:\n", i, j);
				show("      ", sent, n);
				goto out;
			}
			if (best.len == 0 || common_prefix(&ours, sent, n) > best_len) {
				best_len = common_prefix(&ours, sent, n);
				best.len = 0;
				buf_put(&best, ours.data, ours.len);
			}
		}
	frames_different++;
	show("DIFFERENT, mosh", sent, n);
	show("  nearest ours", best.data, best.len);
out:
	buf_free(&ours);
	buf_free(&best);
}

/* hoststate_ops.apply, noting the host bytes. */
static int
capture_apply(void *s, const uint8_t *diff, size_t n)
{
	const uint8_t *p = diff;
	struct wire_event ev;
	struct buf sent = { 0 };
	int r = hoststate_ops.apply(s, diff, n);

	while (r == 0 && wire_next_event(&p, diff + n, &ev) == 1)
		if (ev.type == WIRE_BYTES)
			buf_put(&sent, ev.bytes, ev.len);
	if (r == 0 && sent.len > 0)
		judge(sent.data, sent.len);
	buf_free(&sent);
	return r;
}

static int
read_step(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t data[65536];
	size_t n;

	if (f == NULL || nscreens == CAPTURE_SCREENS) {
		perror(path);
		return -1;
	}
	n = fread(data, 1, sizeof data, f);
	fclose(f);
	add_screen(data, n);
	return 0;
}

int
main(int argc, char **argv)
{
	struct ssp_state_ops ops = hoststate_ops;
	uint8_t key[KEY_LEN];
	char err[160];
	const char *why;
	struct ssp *t;
	void *us;
	uint64_t start = ssp_now(), secs;
	bool ended;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc < 5) {
		fprintf(stderr, "usage: display_capture IP PORT KEY SECS STEP-FILE...\n");
		return 2;
	}
	if ((why = key_decode(argv[3], key)) != NULL) {
		fprintf(stderr, "display_capture: %s\n", why);
		return 2;
	}
	secs = strtoull(argv[4], NULL, 10);
	add_screen(NULL, 0);
	add_screen((const uint8_t *)"\n", 1);
	for (int i = 5; i < argc; i++)
		if (read_step(argv[i]) != 0)
			return 2;
	ops.apply = capture_apply;
	us = userstream_new();
	userstream_push_resize(us, 80, 24);
	t = ssp_new(SSP_CLIENT, key, &userstream_ops, us, &ops, hoststate_new(80, 24), start);
	if (ssp_connect(t, argv[1], argv[2], err, sizeof err) != 0) {
		fprintf(stderr, "display_capture: %s\n", err);
		return 2;
	}
	while (ssp_now() - start < secs * 1000 && !ssp_counterparty_shutdown_ack_sent(t)) {
		int fds[16], nfd = ssp_fds(t, fds, 16), wait = ssp_wait_time(t, ssp_now());
		struct pollfd pf[16];

		ssp_tick(t, ssp_now());
		for (int i = 0; i < nfd; i++)
			pf[i] = (struct pollfd){ .fd = fds[i], .events = POLLIN };
		poll(pf, (nfds_t)nfd, wait < 0 || wait > 10 ? 10 : wait);
		for (int i = 0; i < nfd; i++)
			if (pf[i].revents & POLLIN)
				ssp_recv(t, pf[i].fd, ssp_now());
	}
	ended = ssp_counterparty_shutdown_ack_sent(t);
	printf("CAPTURE %d hoststrings found among our frames, %d not, session %s\n",
	    frames_same, frames_different, ended ? "ended by the server" : "timed out");
	ssp_tick(t, ssp_now());         /* the shutdown ack goes out */
	ssp_free(t);
	for (int i = 0; i < nscreens; i++)
		term_free(screens[i]);
	return frames_different == 0 && frames_same > 0 && ended ? 0 : 1;
}
