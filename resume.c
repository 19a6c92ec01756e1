/*
 * resume.c -- detach from a session and resume it from another process
 * (SPEC.md §10.6).
 *
 * mosh's server ignores a new client for two reasons: it follows only
 * sequence numbers newer than any it has seen, and it diffs from states it
 * believes the client holds.  A client that saves what it knows meets both,
 * with nothing changed on the wire, so a resumed client works against a
 * stock mosh-server as well as ours.  Saved: the key, the server's address,
 * the next sequence number to send, the options the client reads from its
 * environment, and the states ssp_save hands on (SPEC.md §5: every sent
 * state from the acknowledged one, every received state from the peer's
 * throwaway number), each as mosh's own diff message that builds it from a
 * fresh object.  For a received state that is a HostMessage against a
 * blank 80x24 screen -- the escapes that draw it, which the resuming client
 * replays through its own emulator; for a sent state, the UserMessage of
 * its events.
 *
 * The file is text, one field a line, in this order:
 *   mosh-resume 1
 *   id <32 hex digits>          names the file and its used- marker
 *   key <22 base64 characters>
 *   server <numeric ip> <port>
 *   seq <next sequence number to send>
 *   option <NAME> <value>       each of resume_options that was set
 *   sent <num> <hex>            the sent states, the acknowledged one first
 *                               (and changes not yet sent, as one more)
 *   recv <num> <hex>            the received states, oldest first
 *   end
 * A reader takes the header lines in this order and the others in any;
 * it refuses a file that does not close with its end line (truncated), a
 * line it does not know, hex that is not, or a state that does not decode.
 * Two things a replayed screen does not keep: how many times the bell rang
 * (display_frame sends one BEL) and the alternate-scroll mode (1007),
 * which display_frame does not send.
 * Invariants: a file is written once, atomically (a temporary file, fsync,
 * rename, fsync of the directory), mode 0600 in a 0700 directory; it is
 * read only if it is the user's own, private and whole; and it is used
 * once: the resuming client claims it by creating used-<id> with O_EXCL
 * before it sends anything.  A detaching client sends nothing after the
 * save, so no sequence number -- no nonce -- goes out twice under the key.
 */
#include "resume.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "display.h"

#define RESUME_VERSION  1
#define RESUME_DIR_MAX  (RESUME_PATH_MAX - 64) /* leaves room for a file name */
#define RESUME_BLANK_W  80      /* the blank screen received states are drawn on */
#define RESUME_BLANK_H  24

/* What a second use hears: of a file the claim deleted, or of a copy. */
#define RESUME_USED "already resumed once; resuming it again would reuse encryption nonces"

/* The environment variables the client reads at start: its options. */
static const char *const resume_options[] = {
	"MOSH_ESCAPE_KEY", "MOSH_PREDICTION_DISPLAY", "MOSH_PREDICTION_OVERWRITE",
	"MOSH_NO_TERM_INIT", "MOSH_TITLE_NOPREFIX",
};
#define RESUME_OPTIONS (sizeof resume_options / sizeof resume_options[0])
static char resume_why[RESUME_PATH_MAX + 64];   /* a reason returned */

static const char *
resume_error(const char *what, const char *path)
{
	snprintf(resume_why, sizeof resume_why, "%s %s: %s", what, path, strerror(errno));
	return resume_why;
}

/* The save directory, created 0700 with its parents if need be. */
static const char *
resume_dir(char dir[RESUME_DIR_MAX])
{
	const char *xdg = getenv("XDG_STATE_HOME");
	const char *home = getenv("HOME");
	char *slash = dir;

	if (xdg != NULL && xdg[0] == '/')       /* a relative one is ignored */
		snprintf(dir, RESUME_DIR_MAX, "%s/mosh", xdg);
	else if (home != NULL)
		snprintf(dir, RESUME_DIR_MAX, "%s/.local/state/mosh", home);
	else
		return "HOME is not set";
	if (strlen(dir) >= RESUME_DIR_MAX - 1)
		return "the save directory's path is too long";
	while ((slash = strchr(slash + 1, '/')) != NULL) {
		*slash = '\0';
		mkdir(dir, 0700);       /* an existing one is fine; the last one tells */
		*slash = '/';
	}
	if (mkdir(dir, 0700) != 0 && errno != EEXIST)
		return resume_error("cannot create", dir);
	return NULL;
}

/* What a saved state is built on: a new user stream, or a blank screen. */
static void *
resume_fresh(bool remote)
{ return remote ? (void *)hoststate_new(RESUME_BLANK_W, RESUME_BLANK_H) : userstream_new(); }

/* ssp_save's callback: one state line onto the text of the file. */
static void
resume_put_state(void *text, bool remote, uint64_t num, const struct ssp_state_ops *ops,
    const void *state)
{
	void *fresh = resume_fresh(remote);
	struct buf diff = { 0 };

	ops->diff(fresh, state, &diff);
	ops->free(fresh);
	buf_printf(text, "%s %llu ", remote ? "recv" : "sent", (unsigned long long)num);
	for (size_t i = 0; i < diff.len; i++)
		buf_printf(text, "%02x", diff.data[i]);
	buf_putc(text, '\n');
	buf_free(&diff);
}

const char *
resume_save(const struct ssp *t, const struct resume_peer *p, char path[RESUME_PATH_MAX])
{
	char dir[RESUME_DIR_MAX], tmp[RESUME_PATH_MAX];
	char id[RESUME_ID_LEN + 1], key64[KEY_B64_LEN + 1];
	uint8_t random[RESUME_ID_LEN / 2];
	struct buf text = { 0 };
	const char *why = resume_dir(dir);

	if (why != NULL || crypto_random(random, sizeof random) != 0)
		return why != NULL ? why : "cannot read random bytes";
	for (size_t i = 0; i < sizeof random; i++)
		snprintf(id + 2 * i, 3, "%02x", random[i]);
	snprintf(path, RESUME_PATH_MAX, "%s/session-%s", dir, id);
	snprintf(tmp, sizeof tmp, "%s/.tmp-%s", dir, id);
	key_encode(p->key, key64);
	buf_printf(&text, "mosh-resume %d\nid %s\nkey %s\nserver %s %s\nseq %llu\n", RESUME_VERSION,
	    id, key64, p->ip, p->port, (unsigned long long)ssp_next_seq(t));
	crypto_wipe(key64, sizeof key64);
	for (size_t i = 0; i < RESUME_OPTIONS; i++) {
		const char *value = getenv(resume_options[i]);
		if (value != NULL && strchr(value, '\n') == NULL)
			buf_printf(&text, "option %s %s\n", resume_options[i], value);
	}
	ssp_save(t, resume_put_state, &text);
	buf_puts(&text, "end\n");
	/* A new file, written whole and on disk before the rename makes it the
	 * session's: a reader sees all of it or nothing. */
	int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL, 0600);
	bool ok = fd >= 0 && ssp_write_all(fd, text.data, text.len) && fsync(fd) == 0;
	crypto_wipe(text.data, text.len);       /* it holds the key */
	buf_free(&text);
	if (fd < 0 || close(fd) != 0 || !ok || rename(tmp, path) != 0) {
		why = resume_error("cannot write", tmp);
		unlink(tmp);
		return why;
	}
	/* The rename lasts once the directory is on disk too (best effort). */
	fd = open(dir, O_RDONLY);
	fsync(fd);
	close(fd);
	return NULL;
}

/* ---- reading a saved session ---- */

/* One line after the header, an option or a state: NULL, or what is wrong
 * (count: the states restored, sent ones and received ones). */
static const char *
resume_line(struct ssp *t, char *line, int count[2])
{
	char word[32], *hex;
	unsigned long long num;
	bool remote = strncmp(line, "recv ", 5) == 0;
	const struct ssp_state_ops *ops = remote ? &hoststate_ops : &userstream_ops;
	void *state;
	int at = 0;

	if (sscanf(line, "option %31s%n", word, &at) == 1 && line[at] == ' ') {
		for (size_t i = 0; i < RESUME_OPTIONS; i++)
			if (strcmp(word, resume_options[i]) == 0)
				return setenv(word, line + at + 1, 1) == 0 ? NULL : "no memory";
	}
	if (sscanf(line, "%4s %llu %n", word, &num, &at) != 2 ||
	    (!remote && strcmp(word, "sent") != 0))
		return "corrupt: a line that is not an option, sent or recv";
	/* Each list goes up, as ssp.c keeps a transport's lists. */
	if (count[remote] > 0 && !remote && num <= ssp_sent_state_num(t))
		return "corrupt: state numbers out of order";
	if (count[remote] > 0 && remote && num <= ssp_remote_num(t))
		return "corrupt: state numbers out of order";
	/* Bad hex is one way a state does not decode. */
	hex = line + at;
	size_t n = strlen(hex) / 2;
	uint8_t *diff = ssp_alloc(n + 1);
	for (size_t i = 0; i < n; i++)
		sscanf(hex + 2 * i, "%2hhx", &diff[i]);
	state = resume_fresh(remote);
	if (strlen(hex) % 2 != 0 || strspn(hex, "0123456789abcdef") != strlen(hex) ||
	    ops->apply(state, diff, n) != 0) {
		ops->free(state);
		state = NULL;
	}
	free(diff);
	if (state == NULL)
		return "corrupt: a state that does not decode";
	count[remote]++;
	ssp_restore_state(t, remote, num, state);
	return NULL;
}

/* The marker's name for a session file's name: used-<id> beside it. */
static void
resume_marker(char marker[RESUME_PATH_MAX], const char *file)
{
	const char *slash = strrchr(file, '/');
	int dirlen = slash == NULL ? 0 : (int)(slash + 1 - file);
	const char *id = file + dirlen + strlen("session-");

	if (strncmp(file + dirlen, "session-", strlen("session-")) != 0)
		id = "";        /* no session file's name: no marker to find */
	snprintf(marker, RESUME_PATH_MAX, "%.*sused-%s", dirlen, file, id);
}

struct ssp *
resume_load(const char *file, struct resume_peer *p, const char **why)
{
	char key64[KEY_B64_LEN + 2], err[256], *line = NULL;
	char marker[RESUME_PATH_MAX];
	unsigned long long seq;
	int version = 0, count[2] = { 0, 0 };
	size_t cap = 0;
	ssize_t n = 0;
	struct stat st;
	struct ssp *t = NULL;
	FILE *f = fopen(file, "r");

	*why = NULL;
	resume_marker(marker, file);
	if (f == NULL && errno == ENOENT && access(marker, F_OK) == 0)
		*why = RESUME_USED;     /* the claim deleted it: a second use */
	else if (f == NULL || fstat(fileno(f), &st) != 0)
		*why = strerror(errno);
	else if (!S_ISREG(st.st_mode))
		*why = "not a regular file";
	else if (st.st_uid != getuid() || (st.st_mode & 077) != 0)
		*why = "not private (it must be yours, mode 0600: it holds a session key)";
	else if (fscanf(f, "mosh-resume %d\n", &version) != 1 || version != RESUME_VERSION)
		*why = "not a saved mosh session of format version 1";
	else if (fscanf(f, "id %32[0-9a-f] key %23s server %63s %5[0-9] seq %llu\n", p->id,
	    key64, p->ip, p->port, &seq) != 5 || strlen(p->id) != RESUME_ID_LEN ||
	    key_decode(key64, p->key) != NULL)
		*why = "corrupt or truncated: a bad id, key, server or seq line";
	else
		t = ssp_new(SSP_CLIENT, p->key, &userstream_ops, resume_fresh(false),
		    &hoststate_ops, resume_fresh(true), ssp_now());
	if (t != NULL && ssp_connect(t, p->ip, p->port, err, sizeof err) != 0)
		*why = "corrupt: a bad server address";
	if (t != NULL)
		ssp_restore_begin(t, seq);
	/* The options and states, a line at a time, then the end line. */
	while (*why == NULL && (n = getline(&line, &cap, f)) > 0 && strcmp(line, "end\n") != 0) {
		if (line[n - 1] != '\n' || strlen(line) != (size_t)n)
			break;          /* cut short, or not text */
		line[n - 1] = '\0';
		*why = resume_line(t, line, count);
	}
	if (*why == NULL && (n <= 0 || strcmp(line, "end\n") != 0 || fgetc(f) != EOF))
		*why = "truncated, or not text (it does not close with its end line)";
	if (*why == NULL && (count[0] == 0 || count[1] == 0))
		*why = "corrupt: no sent or no received state";
	free(line);
	if (f != NULL)
		fclose(f);
	if (*why == NULL)
		return t;
	ssp_free(t);
	return NULL;
}

const char *
resume_claim(const char *file, const struct resume_peer *p)
{
	char dir[RESUME_DIR_MAX], path[RESUME_PATH_MAX];
	const char *why = resume_dir(dir);

	if (why != NULL)
		return why;
	snprintf(path, sizeof path, "%s/used-%s", dir, p->id);
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	if (fd < 0 && errno == EEXIST)
		return RESUME_USED;
	if (fd < 0)
		return resume_error("cannot claim it with", path);
	close(fd);
	unlink(file);   /* the marker is what counts: a copy is refused as well */
	return NULL;
}
