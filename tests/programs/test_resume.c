/*
 * Resume tests (SPEC.md §10.6): a real client transport, talking to a
 * server transport on 127.0.0.1, is saved to a file and loaded back: the
 * same numbered states (the screens equal cell for cell), the same next
 * sequence number, and the server takes the resumed client's typing while
 * no sequence number goes out twice.  Then one row per malformed file, each
 * with the message it must get, and the single-use claim.
 */
#include "testutil.h"
#include "display.h"
#include "resume.h"
#include "ssp.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

static const uint8_t key[KEY_LEN] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15 };
static char dir[64];            /* XDG_STATE_HOME for every test */

/* A server (a terminal) and a client (a user stream) on 127.0.0.1. */
struct pair {
	struct ssp *s, *c;
	struct resume_peer peer;
	int sfd;
	struct buf typed;               /* what the server took from the user */
};

static struct term *
server_term(struct pair *p) { return ((struct hoststate *)ssp_local(p->s))->term; }

/* Runs both ends for ms, moving datagrams both ways (the client's may be
 * left on the wire when drop_client is set). */
static void
pump(struct pair *p, int ms, bool drop_client)
{
	uint64_t end = ssp_now() + (uint64_t)ms;
	struct buf d = { 0 };
	uint8_t dg[4096];

	while (ssp_now() < end) {
		ssp_tick(p->c, ssp_now());
		ssp_tick(p->s, ssp_now());
		usleep(2000);
		if (drop_client)
			recv(p->sfd, dg, sizeof dg, MSG_DONTWAIT);     /* lost */
		else
			ssp_recv(p->s, p->sfd, ssp_now());
		int fds[16], n = ssp_fds(p->c, fds, 16);
		for (int i = 0; i < n; i++)
			ssp_recv(p->c, fds[i], ssp_now());
	}
	ssp_take_remote_diff(p->s, &d);
	const uint8_t *q = d.data;
	struct wire_event ev;
	while (wire_next_event(&q, d.data + d.len, &ev) == 1)
		if (ev.type == WIRE_BYTES)
			buf_put(&p->typed, ev.bytes, ev.len);
	buf_free(&d);
}

static void
pair_open(struct pair *p)
{
	char err[128];
	void *us = userstream_new();
	int port;

	memset(p, 0, sizeof *p);
	p->s = ssp_new(SSP_SERVER, key, &hoststate_ops, hoststate_new(80, 24), &userstream_ops,
	    userstream_new(), ssp_now());
	port = ssp_bind(p->s, "127.0.0.1", 0, 0, err, sizeof err);
	assert_true(port > 0);
	ssp_fds(p->s, &p->sfd, 1);
	memcpy(p->peer.key, key, KEY_LEN);
	strcpy(p->peer.ip, "127.0.0.1");
	snprintf(p->peer.port, sizeof p->peer.port, "%d", port);
	userstream_push_resize(us, 80, 24);
	p->c = ssp_new(SSP_CLIENT, key, &userstream_ops, us, &hoststate_ops,
	    hoststate_new(80, 24), ssp_now());
	assert_int_equal(ssp_connect(p->c, p->peer.ip, p->peer.port, err, sizeof err), 0);
	pump(p, 300, false);
}

static void
pair_close(struct pair *p)
{
	ssp_free(p->c);
	ssp_free(p->s);
	buf_free(&p->typed);
}

/* The states ssp_save hands on, copied. */
struct saved {
	int n;
	bool remote[64];
	uint64_t num[64];
	const struct ssp_state_ops *ops[64];
	void *state[64];
};

static void
collect(void *arg, bool remote, uint64_t num, const struct ssp_state_ops *ops,
    const void *state)
{
	struct saved *s = arg;

	assert_true(s->n < 64);
	s->remote[s->n] = remote;
	s->num[s->n] = num;
	s->ops[s->n] = ops;
	s->state[s->n] = ops->copy(state);
	s->n++;
}

static void
saved_free(struct saved *s)
{
	for (int i = 0; i < s->n; i++)
		s->ops[i]->free(s->state[i]);
}

static char *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "r");
	char *text = calloc(1, 1 << 20);

	assert_non_null(f);
	*len = fread(text, 1, (1 << 20) - 1, f);
	fclose(f);
	return text;
}

static void
spit(const char *path, const char *text, size_t len, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, len), (ssize_t)len);
	close(fd);
	assert_int_equal(chmod(path, mode), 0);
}

/* A session with something on the screen, typing acknowledged and typing
 * in flight, saved: its file's path in path. */
static void
session_saved(struct pair *p, char path[RESUME_PATH_MAX])
{
	static const char screen[] = "\033]0;T\007\033[1;31mhello\033[m \xe4\xb8\xad\r\nworld";
	const char *why;

	pair_open(p);
	term_write(server_term(p), (const uint8_t *)screen, sizeof screen - 1, NULL);
	userstream_push_bytes(ssp_local(p->c), (const uint8_t *)"ab", 2);
	pump(p, 300, false);
	/* Sent, never received: the server never sees this state. */
	userstream_push_bytes(ssp_local(p->c), (const uint8_t *)"cd", 2);
	pump(p, 100, true);
	/* Typed, not yet sent. */
	userstream_push_bytes(ssp_local(p->c), (const uint8_t *)"ef", 2);
	why = resume_save(p->c, &p->peer, path);
	assert_null(why);
}

static void
round_trip(void **unused)
{
	struct pair p;
	char path[RESUME_PATH_MAX];
	struct saved before = { 0 }, after = { 0 };
	struct resume_peer peer;
	const char *why;
	struct stat st;
	uint8_t dg[4096];

	(void)unused;
	session_saved(&p, path);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_memory_equal(p.typed.data, "ab", 2);
	ssp_save(p.c, collect, &before);
	uint64_t seq = ssp_next_seq(p.c);
	uint64_t datagrams_before = ssp_datagrams_sent(p.c);

	struct ssp *c = resume_load(path, &peer, &why);
	assert_non_null(c);
	assert_null(why);
	assert_string_equal(peer.ip, "127.0.0.1");
	assert_string_equal(peer.port, p.peer.port);
	assert_memory_equal(peer.key, key, KEY_LEN);
	assert_int_equal(ssp_next_seq(c), seq);
	ssp_save(c, collect, &after);
	/* The same states under the same numbers: at least the acknowledged
	 * sent state, the one in flight, the live one, and a received one. */
	assert_int_equal(after.n, before.n);
	assert_true(before.n >= 4);
	for (int i = 0; i < before.n; i++) {
		assert_int_equal(after.remote[i], before.remote[i]);
		assert_int_equal(after.num[i], before.num[i]);
		assert_true(before.ops[i]->equal(before.state[i], after.state[i]));
	}
	/* The newest screen, restored from the file's escapes. */
	const struct term_fb *fb = term_fb(((struct hoststate *)after.state[after.n - 1])->term);
	assert_true(after.remote[after.n - 1]);
	assert_true(fb_equal(fb, term_fb(server_term(&p))));
	assert_memory_equal(fb->rows[0]->cells[0].text, "h", 1);
	assert_int_equal(fb->rows[0]->cells[0].rend.fg, 31);
	assert_memory_equal(fb->rows[1]->cells[4].text, "d", 1);
	assert_int_equal(fb->title_len, 1);

	/* The resumed client goes on: the old one sends nothing more, the new
	 * one continues the sequence, and the server takes what was in flight
	 * and what was never sent, in order. */
	ssp_free(p.c);
	p.c = c;
	ssp_tick(c, ssp_now());
	usleep(20000);
	ssize_t n = recv(p.sfd, dg, sizeof dg, MSG_PEEK);
	assert_true(n > 8);
	uint64_t first = 0;
	for (int i = 0; i < 8; i++)
		first = first << 8 | dg[i];
	assert_int_equal(first, seq);           /* the saved one, never used */
	/* Its instruction id is new as well (ids started at 0 in the old one):
	 * mosh-server asserts that a repeated id brings the same fragments. */
	struct ocb_ctx ocb;
	uint8_t payload[4096];
	uint64_t dseq, id = 0;
	uint16_t ts, tsr;
	size_t plen;
	ocb_init(&ocb, key);
	assert_null(ssp_datagram_open(&ocb, dg, (size_t)n, &dseq, &ts, &tsr, payload, &plen));
	for (int i = 0; i < 8; i++)
		id = id << 8 | payload[i];
	assert_true(id > datagrams_before);
	userstream_push_bytes(ssp_local(c), (const uint8_t *)"gh", 2);
	pump(&p, 500, false);
	assert_int_equal(p.typed.len, 8);
	assert_memory_equal(p.typed.data, "abcdefgh", 8);
	assert_true(ssp_next_seq(c) > seq);
	saved_free(&before);
	saved_free(&after);
	pair_close(&p);
}

/* One row per malformed file: how to make it from a good one, and the
 * message it must get. */
struct bad_row {
	const char *name;
	const char *find, *replace;     /* the first find becomes replace... */
	size_t replace_len;             /* ...of this length (0: strlen) */
	long keep;                      /* or: > 0 keep so many bytes, < 0 drop so many */
	mode_t mode;
	const char *why;
};

static const struct bad_row bad_rows[] = {
	{ "truncated at the end", NULL, NULL, 0, -3, 0600, "truncated" },
	{ "truncated in the header", NULL, NULL, 0, 40, 0600, "corrupt or truncated" },
	{ "not a session", "mosh-resume 1", "#!/bin/sh", 0, 0, 0600, "not a saved mosh session" },
	{ "another version", "mosh-resume 1", "mosh-resume 2", 0, 0, 0600, "format version 1" },
	{ "bad key", "\nkey ", "\nkey !", 0, 0, 0600, "bad id, key" },
	{ "bad id", "\nid ", "\nid z", 0, 0, 0600, "bad id, key" },
	{ "bad server", "server 127.0.0.1", "server 127.0.0.300", 0, 0, 0600, "bad server" },
	{ "bad hex", "\nrecv ", "\nrecv 1 zz\nrecv ", 0, 0, 0600, "does not decode" },
	{ "odd hex", "\nrecv ", "\nrecv 1 abc\nrecv ", 0, 0, 0600, "does not decode" },
	{ "no number", "\nrecv ", "\nrecv x\nrecv ", 0, 0, 0600, "not an option, sent or recv" },
	{ "undecodable", "\nrecv ", "\nrecv 1 ff\nrecv ", 0, 0, 0600, "does not decode" },
	{ "zero width", "\nrecv ", "\nrecv 1 0a061a0428003018\nrecv ", 0, 0, 0600,
	    "does not decode" },
	{ "unknown line", "\nrecv ", "\nsend 1 00\nrecv ", 0, 0, 0600, "not an option" },
	{ "unknown option", "\nsent ", "\noption PATH /tmp\nsent ", 0, 0, 0600, "not an option" },
	{ "a NUL byte", "\nrecv ", "\nrecv 1 0\0000\nrecv ", 17, 0, 0600, "not text" },
	{ "sent states out of order", "\nsent ", "\nsent 18446744073709551615 \nsent ", 0, 0, 0600,
	    "out of order" },
	{ "received states out of order", "\nrecv ", "\nrecv 18446744073709551615 \nrecv ", 0, 0,
	    0600, "out of order" },
	{ "group-readable", NULL, NULL, 0, 0, 0640, "not private" },
	{ "world-writable", NULL, NULL, 0, 0, 0602, "not private" },
};

/* The good file with row r applied; its length in *n. */
static char *
bad_text(const char *good, size_t len, const struct bad_row *r, size_t *n)
{
	char *text = calloc(1, len + 256);
	size_t rl = r->replace_len > 0 ? r->replace_len : (r->replace ? strlen(r->replace) : 0);

	memcpy(text, good, len);
	*n = len;
	if (r->keep > 0)
		*n = (size_t)r->keep;
	if (r->keep < 0)
		*n = len - (size_t)-r->keep;
	if (r->find != NULL) {
		char *at = strstr(text, r->find);
		size_t fl = strlen(r->find);
		assert_non_null(at);
		memmove(at + rl, at + fl, len - (size_t)(at - text) - fl);
		memcpy(at, r->replace, rl);
		*n = len - fl + rl;
	}
	return text;
}

static void
bad_files(void **unused)
{
	struct pair p;
	char path[RESUME_PATH_MAX], bad[RESUME_PATH_MAX + 8];
	struct resume_peer peer;
	const char *why;
	size_t len, n;

	(void)unused;
	session_saved(&p, path);
	char *good = slurp(path, &len);
	snprintf(bad, sizeof bad, "%s.bad", path);
	for (size_t i = 0; i < sizeof bad_rows / sizeof bad_rows[0]; i++) {
		const struct bad_row *r = &bad_rows[i];
		char *text = bad_text(good, len, r, &n);
		spit(bad, text, n, r->mode);
		why = NULL;
		struct ssp *t = resume_load(bad, &peer, &why);
		if (t != NULL || why == NULL || strstr(why, r->why) == NULL)
			fail_msg("%s: got \"%s\", want \"%s\"", r->name, why ? why : "(accepted)",
			    r->why);
		free(text);
	}
	/* Empty; no received state; not a regular file; missing; another
	 * user's. */
	spit(bad, "", 0, 0600);
	assert_null(resume_load(bad, &peer, &why));
	assert_string_equal(why, "not a saved mosh session of format version 1");
	spit(bad, good, (size_t)(strstr(good, "\nrecv ") - good + 1), 0600);
	assert_int_equal(write(open(bad, O_WRONLY | O_APPEND), "end\n", 4), 4);
	assert_null(resume_load(bad, &peer, &why));
	assert_string_equal(why, "corrupt: no sent or no received state");
	assert_null(resume_load(dir, &peer, &why));
	assert_string_equal(why, "not a regular file");
	unlink(bad);
	assert_null(resume_load(bad, &peer, &why));
	assert_string_equal(why, "No such file or directory");
	if (geteuid() == 0) {
		spit(bad, good, len, 0600);
		assert_int_equal(chown(bad, 12345, 12345), 0);
		assert_null(resume_load(bad, &peer, &why));
		assert_non_null(strstr(why, "not private"));
	}
	unlink(bad);
	free(good);
	pair_close(&p);
}

/* A session resumes once; a copy made before is refused after. */
static void
claim_once(void **unused)
{
	struct pair p;
	char path[RESUME_PATH_MAX], copy[RESUME_PATH_MAX + 8];
	struct resume_peer peer;
	const char *why;
	size_t len;

	(void)unused;
	session_saved(&p, path);
	char *text = slurp(path, &len);
	snprintf(copy, sizeof copy, "%s/copy", dir);
	spit(copy, text, len, 0600);
	struct ssp *t = resume_load(path, &peer, &why);
	assert_non_null(t);
	assert_null(resume_claim(path, &peer));
	assert_int_equal(access(path, F_OK), -1);       /* the file is gone */
	ssp_free(t);
	assert_null(resume_load(path, &peer, &why));    /* used again by its name */
	assert_non_null(strstr(why, "already resumed"));
	t = resume_load(copy, &peer, &why);
	assert_non_null(t);
	why = resume_claim(copy, &peer);
	assert_non_null(why);
	assert_non_null(strstr(why, "already resumed"));
	ssp_free(t);
	unlink(copy);
	free(text);
	pair_close(&p);
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(round_trip),
		cmocka_unit_test(bad_files),
		cmocka_unit_test(claim_once),
	};
	char state[80];
	int rc;

	strcpy(dir, "/tmp/test_resume.XXXXXX");
	assert_non_null(mkdtemp(dir));
	setenv("XDG_STATE_HOME", dir, 1);
	rc = RUN_TESTS("resume", tests);
	snprintf(state, sizeof state, "rm -rf '%s'", dir);
	if (system(state) != 0)
		rc = 1;
	return rc;
}
