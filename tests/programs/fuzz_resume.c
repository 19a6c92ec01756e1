/*
 * fuzz_resume -- libFuzzer harness for the saved-session reader (SPEC.md
 * §10.6): resume_load on any bytes.
 *
 * The input is written to a private file (mode 0600 in a 0700 directory,
 * as a saved session is) and read back with resume_load, which must either
 * refuse it with a reason or return a transport that holds at least one
 * sent and one received state -- never crash, leak or read out of bounds.
 * The reader checks every line as it goes, so this is the whole of what a
 * corrupt, cut or hostile file can reach.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "resume.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
fr_check(int ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "fuzz_resume: %s\n", what);
		abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char dir[] = "/tmp/fuzz_resume.XXXXXX";
	static char path[sizeof dir + 16];
	struct resume_peer peer;
	const char *why;

	if (path[0] == '\0') {
		umask(077);     /* the file must be private, or it is refused */
		fr_check(mkdtemp(dir) != NULL, "mkdtemp");
		snprintf(path, sizeof path, "%s/session-x", dir);
	}
	FILE *f = fopen(path, "w");
	fr_check(f != NULL, "fopen");
	fr_check(fwrite(data, 1, size, f) == size && fclose(f) == 0, "write");
	struct ssp *t = resume_load(path, &peer, &why);
	fr_check((t == NULL) == (why != NULL), "a transport and a reason, or neither");
	if (t != NULL) {
		fr_check(ssp_sent_state_num(t) >= ssp_acked_state_num(t), "sent list order");
		ssp_free(t);
	}
	return 0;
}
