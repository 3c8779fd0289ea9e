/* Migration 0004: institutions' API tokens and the server-side previews of CSV
 * pre-application imports.
 *
 * Secrets are never stored: a token and a preview id are random values whose
 * SHA-256 (32 bytes, computed by the caller) is the key. */
#ifndef NL_STORE_STAFF_API_H
#define NL_STORE_STAFF_API_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "store/db.h"

#define NL_TOKEN_HASH_LEN 32
#define NL_TOKEN_PREFIX_MAX 16

struct nl_api_token {
	int64_t id;
	int64_t institution_id;
	char *name;                           /* label chosen by the operator; "" if none */
	char prefix[NL_TOKEN_PREFIX_MAX];     /* first characters of the token, to recognise it */
	bool active;
	int64_t created_at;
	int64_t last_used_at;                 /* 0 = never */
};

/* Frees the strings and zeroes the struct. */
void nl_api_token_clear(struct nl_api_token *t);
void nl_api_token_list_free(struct nl_api_token *items, size_t n);

/* Inserts a token of t->institution_id with t->name, t->prefix and the hash;
 * sets t->id, active and created_at. NL_ERR_CONFLICT if the hash exists. */
NL_MUST_USE nl_err nl_store_api_token_create(nl_conn *c, struct nl_api_token *t,
                                 const uint8_t hash[NL_TOKEN_HASH_LEN]);
/* The active token with this hash whose institution is active; sets its
 * last_used_at to now. NL_ERR_NOT_FOUND otherwise. Caller clears out. */
NL_MUST_USE nl_err nl_store_api_token_use(nl_conn *c, const uint8_t hash[NL_TOKEN_HASH_LEN], int64_t now,
                              struct nl_api_token *out);
NL_MUST_USE nl_err nl_store_api_token_get(nl_conn *c, int64_t id, struct nl_api_token *out);
/* Tokens of one institution (0: all), oldest first. Free with nl_api_token_list_free. */
NL_MUST_USE nl_err nl_store_api_token_list(nl_conn *c, int64_t institution_id, struct nl_api_token **items,
                               size_t *n);
/* Deactivates a token for good. NL_ERR_NOT_FOUND if there is no such token. */
NL_MUST_USE nl_err nl_store_api_token_revoke(nl_conn *c, int64_t id);

/* ---- CSV import previews ---- */

/* Stores a preview (payload: JSON text) under the hash of its random id. */
NL_MUST_USE nl_err nl_store_batch_put(nl_conn *c, const uint8_t id_hash[NL_TOKEN_HASH_LEN], int64_t user_id,
                          int64_t institution_id, const char *payload, int64_t now);
/* Reads a preview without consuming it (same conditions as take). Caller
 * frees *payload. NL_ERR_NOT_FOUND otherwise. */
NL_MUST_USE nl_err nl_store_batch_get(nl_conn *c, const uint8_t id_hash[NL_TOKEN_HASH_LEN], int64_t user_id,
                          int64_t not_before, char **payload);
/* Marks the preview consumed and returns its payload (malloc'd; caller frees),
 * only if it belongs to user_id, is not consumed yet and was created at or
 * after not_before. NL_ERR_NOT_FOUND otherwise (unknown, someone else's,
 * expired or used: all look the same). Call inside the import's transaction
 * so a failed import leaves the preview usable. */
NL_MUST_USE nl_err nl_store_batch_take(nl_conn *c, const uint8_t id_hash[NL_TOKEN_HASH_LEN], int64_t user_id,
                           int64_t not_before, int64_t now, char **payload);
/* Deletes previews created before `before`. *purged may be NULL. */
NL_MUST_USE nl_err nl_store_batch_purge(nl_conn *c, int64_t before, int64_t *purged);

#endif
