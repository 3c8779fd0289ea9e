/* Web sessions kept in the database.
 *
 * The cookie carries a 256-bit random value; the database keeps only its SHA-256
 * (id_hash), so a leaked database or backup does not hand out live sessions. The
 * caller (src/http/session.c) draws the random value, hashes it and passes the hash here.
 *
 * All functions take this thread's connection (nl_db_conn) so that they can run
 * inside nl_store_run_tx or on their own. Times are UTC epoch seconds. */
#ifndef NL_STORE_SESSIONS_H
#define NL_STORE_SESSIONS_H

#include <stdbool.h>
#include <stdint.h>

#include "core/err.h"
#include "store/db.h"

#define NL_SESSION_ID_HASH_LEN 32
#define NL_SESSION_CSRF_MAX 128   /* bytes incl. NUL: room for hex or base64url tokens */
#define NL_SESSION_LANG_MAX 8     /* "tr", "en" */
#define NL_SESSION_ADDR_HASH_MAX 65   /* = NL_KEYED_HEX_LEN: 64 hex + NUL */

enum nl_session_kind {
	NL_SESS_ANON = 1,     /* "anon": nobody logged in yet (captcha, language) */
	NL_SESS_PERSON,       /* "person": applicant after form login; subject = persons.id */
	NL_SESS_OFFICER,      /* "officer": staff user; subject = users.id */
	NL_SESS_HOLDER,       /* "holder": no longer issued (every door of a person logs
	                       * in as kind person, pages/entitle.h); kept so stored
	                       * rows still parse */
};

struct nl_session {
	uint8_t id_hash[NL_SESSION_ID_HASH_LEN];
	char csrf[NL_SESSION_CSRF_MAX];
	enum nl_session_kind kind;
	int64_t subject_id;   /* 0 = none (stored as NULL) */
	char *data;           /* JSON text; NULL means "{}". Owned: nl_session_clear frees it */
	int64_t created_at;
	int64_t last_seen;
	char lang[NL_SESSION_LANG_MAX];
	char addr_hash[NL_SESSION_ADDR_HASH_MAX]; /* keyed hash of the client address that
	                                             made an anonymous session; "" = none */
};

/* "anon", "person", "officer", "holder"; NULL if invalid. */
const char *nl_session_kind_code(enum nl_session_kind k);
bool nl_session_kind_parse(const char *code, enum nl_session_kind *out);

/* Frees s->data and zeroes the struct (safe on a zeroed struct). */
void nl_session_clear(struct nl_session *s);

/* Inserts s as given (created_at, last_seen included). NL_ERR_CONFLICT if the
 * id_hash exists already (draw a new random value). */
NL_MUST_USE nl_err nl_store_session_create(nl_conn *c, const struct nl_session *s);

/* Loads a session; NL_ERR_NOT_FOUND if none. out->data is malloc'd: the caller
 * frees it with nl_session_clear(out). Expiry is the caller's decision
 * (compare created_at / last_seen with its time-outs). */
NL_MUST_USE nl_err nl_store_session_get(nl_conn *c, const uint8_t id_hash[NL_SESSION_ID_HASH_LEN],
                            struct nl_session *out);

/* Sets last_seen = now. NL_ERR_NOT_FOUND if the session is gone. */
NL_MUST_USE nl_err nl_store_session_touch(nl_conn *c, const uint8_t id_hash[NL_SESSION_ID_HASH_LEN],
                              int64_t now);

/* Writes kind, subject_id, data, csrf, lang and last_seen of s (keyed by
 * s->id_hash). To rotate the session id at login, create a new one and delete
 * the old instead. NL_ERR_NOT_FOUND if the session is gone. */
NL_MUST_USE nl_err nl_store_session_update(nl_conn *c, const struct nl_session *s);

/* Deletes one session (logout). Deleting a missing session is not an error. */
NL_MUST_USE nl_err nl_store_session_delete(nl_conn *c, const uint8_t id_hash[NL_SESSION_ID_HASH_LEN]);

/* The anonymous sessions made from the address with this hash that were seen
 * at or after live_since (migration 0017): the bound per address. */
NL_MUST_USE nl_err nl_store_session_count_addr(nl_conn *c, const char *addr_hash, int64_t live_since,
                                   int64_t *n);

/* Deletes every session idle since before idle_before (last_seen < idle_before)
 * or created before created_before (absolute time-out). *purged (may be NULL)
 * receives the number deleted. */
NL_MUST_USE nl_err nl_store_session_purge(nl_conn *c, int64_t idle_before, int64_t created_before,
                              int64_t *purged);

#endif
