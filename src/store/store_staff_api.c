/* API tokens and CSV import previews (migration 0004). */
#include <stdlib.h>
#include <string.h>

#include "store/store_staff_api.h"
#include "store/store_util.h"

#define TOKEN_COLS "t.id, t.institution_id, t.name, t.prefix, t.active, t.created_at, t.last_used_at"
/* Its columns, in order. */
enum { TK_ID, TK_INSTITUTION_ID, TK_NAME, TK_PREFIX, TK_ACTIVE, TK_CREATED_AT, TK_LAST_USED_AT };

void nl_api_token_clear(struct nl_api_token *t)
{
	if (!t)
		return;
	free(t->name);
	memset(t, 0, sizeof *t);
}

void nl_api_token_list_free(struct nl_api_token *items, size_t n)
{
	for (size_t k = 0; items && k < n; k++)
		nl_api_token_clear(&items[k]);
	free(items);
}

/* nl_store_clear_row for the list reader. */
static void clear_row(void *row)
{
	nl_api_token_clear(row);
}

static NL_MUST_USE nl_err read_token(nl_stmt *s, void *row)
{
	struct nl_api_token *out = row;
	nl_err rc = NL_OK;
	memset(out, 0, sizeof *out);
	out->id = nl_db_col_int64(s, TK_ID);
	out->institution_id = nl_db_col_int64(s, TK_INSTITUTION_ID);
	out->name = nl_store_col_dup(s, TK_NAME, &rc);
	nl_store_col_copy(s, TK_PREFIX, out->prefix, sizeof out->prefix);
	out->active = nl_db_col_bool(s, TK_ACTIVE);
	out->created_at = nl_db_col_int64(s, TK_CREATED_AT);
	out->last_used_at = nl_db_col_int64(s, TK_LAST_USED_AT);
	if (rc == NL_OK && !out->name)
		rc = NL_ERR_DB;
	if (rc != NL_OK)
		nl_api_token_clear(out);
	return rc;
}

nl_err nl_store_api_token_create(nl_conn *c, struct nl_api_token *t,
                                 const uint8_t hash[NL_TOKEN_HASH_LEN])
{
	nl_stmt *s;
	int64_t now = nl_store_now();
	nl_err rc = nl_db_query(c, &s,
		"INSERT INTO api_tokens (institution_id, name, token_hash, prefix, active, created_at)"
		" VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
		NL_PARAMS(NL_P_INT(t->institution_id), NL_P_TEXT(t->name ? t->name : ""),
		NL_P_BLOB(hash, (size_t)NL_TOKEN_HASH_LEN), NL_P_TEXT(t->prefix), NL_P_BOOL(true),
		NL_P_INT(now)));
	if (rc != NL_OK)
		return rc;
	if ((rc = nl_store_step_row(s)) == NL_OK) {
		t->id = nl_db_col_int64(s, 0);
		t->active = true;
		t->created_at = now;
	}
	nl_db_finalize(s);
	return rc;
}

static NL_MUST_USE nl_err get_token(nl_stmt *s, struct nl_api_token *out)
{
	nl_err rc = nl_store_step_row(s);
	if (rc == NL_OK)
		rc = read_token(s, out);
	nl_db_finalize(s);
	return rc;
}

nl_err nl_store_api_token_use(nl_conn *c, const uint8_t hash[NL_TOKEN_HASH_LEN], int64_t now,
                              struct nl_api_token *out)
{
	nl_stmt *s;
	memset(out, 0, sizeof *out);
	/* One statement: the token must be active and so must its institution. */
	nl_err rc = nl_db_query(c, &s,
		"UPDATE api_tokens SET last_used_at = $2 WHERE token_hash = $1 AND active = $3"
		" AND institution_id IN (SELECT id FROM institutions WHERE active = $3)"
		" RETURNING id, institution_id, name, prefix, active, created_at, last_used_at",
		NL_PARAMS(NL_P_BLOB(hash, (size_t)NL_TOKEN_HASH_LEN), NL_P_INT(now),
		NL_P_BOOL(true)));
	return rc == NL_OK ? get_token(s, out) : rc;
}

nl_err nl_store_api_token_get(nl_conn *c, int64_t id, struct nl_api_token *out)
{
	nl_stmt *s;
	memset(out, 0, sizeof *out);
	nl_err rc = nl_db_query(c, &s, "SELECT " TOKEN_COLS " FROM api_tokens t WHERE t.id = $1",
	                        NL_PARAMS(NL_P_INT(id)));
	return rc == NL_OK ? get_token(s, out) : rc;
}

nl_err nl_store_api_token_list(nl_conn *c, int64_t institution_id, struct nl_api_token **items,
                               size_t *n)
{
	nl_stmt *s;
	*items = NULL;
	*n = 0;
	nl_err rc = nl_db_query(c, &s,
		"SELECT " TOKEN_COLS " FROM api_tokens t WHERE $1 = 0 OR t.institution_id = $1"
		" ORDER BY t.id", NL_PARAMS(NL_P_INT(institution_id)));
	return rc != NL_OK ? rc
		: nl_store_rows(s, sizeof **items, read_token, clear_row, (void **)items, n);
}

nl_err nl_store_api_token_revoke(nl_conn *c, int64_t id)
{
	nl_stmt *s;
	int64_t changed = 0;
	nl_err rc = nl_db_query(c, &s, "UPDATE api_tokens SET active = $2 WHERE id = $1",
		NL_PARAMS(NL_P_INT(id), NL_P_BOOL(false)));
	if (rc == NL_OK)
		rc = nl_store_exec_stmt(s, &changed);
	return rc == NL_OK && changed == 0 ? NL_ERR_NOT_FOUND : rc;
}

nl_err nl_store_batch_put(nl_conn *c, const uint8_t id_hash[NL_TOKEN_HASH_LEN], int64_t user_id,
                          int64_t institution_id, const char *payload, int64_t now)
{
	nl_stmt *s;
	nl_err rc = nl_db_query(c, &s,
		"INSERT INTO preapply_batches (id_hash, user_id, institution_id, payload, created_at)"
		" VALUES ($1, $2, $3, $4, $5)",
		NL_PARAMS(NL_P_BLOB(id_hash, (size_t)NL_TOKEN_HASH_LEN), NL_P_INT(user_id),
		NL_P_INT(institution_id), NL_P_TEXT(payload), NL_P_INT(now)));
	return rc == NL_OK ? nl_store_exec_stmt(s, NULL) : rc;
}

/* The payload column of the one row s returns; finalizes s. A NULL payload
 * is NL_ERR_DB (the column is NOT NULL: the row is not what we think). */
static NL_MUST_USE nl_err payload_of(nl_stmt *s, char **payload)
{
	nl_err rc = nl_store_step_row(s);
	if (rc == NL_OK) {
		*payload = nl_store_col_dup(s, 0, &rc);
		if (rc == NL_OK && !*payload)
			rc = NL_ERR_DB;
	}
	nl_db_finalize(s);
	return rc;
}

nl_err nl_store_batch_get(nl_conn *c, const uint8_t id_hash[NL_TOKEN_HASH_LEN], int64_t user_id,
                          int64_t not_before, char **payload)
{
	nl_stmt *s;
	*payload = NULL;
	nl_err rc = nl_db_query(c, &s,
		"SELECT payload FROM preapply_batches WHERE id_hash = $1 AND user_id = $2"
		" AND consumed_at = 0 AND created_at >= $3",
		NL_PARAMS(NL_P_BLOB(id_hash, (size_t)NL_TOKEN_HASH_LEN), NL_P_INT(user_id),
		NL_P_INT(not_before)));
	return rc != NL_OK ? rc : payload_of(s, payload);
}

nl_err nl_store_batch_take(nl_conn *c, const uint8_t id_hash[NL_TOKEN_HASH_LEN], int64_t user_id,
                           int64_t not_before, int64_t now, char **payload)
{
	nl_stmt *s;
	*payload = NULL;
	/* consumed_at = 0 in the WHERE: of two confirmations only one gets the rows. */
	nl_err rc = nl_db_query(c, &s,
		"UPDATE preapply_batches SET consumed_at = $4 WHERE id_hash = $1 AND user_id = $2"
		" AND consumed_at = 0 AND created_at >= $3 RETURNING payload",
		NL_PARAMS(NL_P_BLOB(id_hash, (size_t)NL_TOKEN_HASH_LEN), NL_P_INT(user_id),
		NL_P_INT(not_before), NL_P_INT(now)));
	return rc != NL_OK ? rc : payload_of(s, payload);
}

nl_err nl_store_batch_purge(nl_conn *c, int64_t before, int64_t *purged)
{
	nl_stmt *s;
	nl_err rc = nl_db_query(c, &s, "DELETE FROM preapply_batches WHERE created_at < $1",
		NL_PARAMS(NL_P_INT(before)));
	return rc == NL_OK ? nl_store_exec_stmt(s, purged) : rc;
}
