/*
 * resume.h -- detach from a session and resume it from another process
 * (SPEC.md §10.6): the saved-session file (its format is in resume.c).
 *
 * Files, in ${XDG_STATE_HOME:-$HOME/.local/state}/mosh/ (mode 0700):
 *   session-<id>   one saved session, mode 0600, written atomically
 *   used-<id>      the claim: this session was resumed once
 */
#ifndef RESUME_H
#define RESUME_H
#include <stdint.h>
#include "crypto.h"
#include "ssp.h"

#define RESUME_ID_LEN   32      /* hex digits of a session's id */
#define RESUME_PATH_MAX 4096

/* A saved session apart from its states: the id, the key, the server. */
struct resume_peer {
	char id[RESUME_ID_LEN + 1];
	uint8_t key[KEY_LEN];
	char ip[64];            /* numeric, as ssp_connect takes it */
	char port[6];
};

/* Writes the session of client transport t, whose peer is p (its id is
 * not used), to a new file of the save directory and puts the file's name
 * in path: NULL, or why it could not. */
const char *resume_save(const struct ssp *t, const struct resume_peer *p,
    char path[RESUME_PATH_MAX]);
/* Reads the session saved in file and sets its options in the environment:
 * a client transport that continues it, connected to its server, with its
 * id, key and server in *peer; or NULL, and *why says what is wrong with
 * the file.  Nothing is claimed yet. */
struct ssp *resume_load(const char *file, struct resume_peer *peer, const char **why);
/* Claims the session loaded from file, once only: NULL, or why not. */
const char *resume_claim(const char *file, const struct resume_peer *peer);
#endif
