/* Web sessions. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store_sessions.h"
#include "store/store_util.h"

#define COLS "id_hash, csrf, kind, subject_id, data, created_at, last_seen, lang"
/* Its columns, in order. */
enum { C_ID_HASH, C_CSRF, C_KIND, C_SUBJECT_ID, C_DATA, C_CREATED_AT, C_LAST_SEEN, C_LANG };

static const char *const kind_codes[] = {
	[NL_SESS_ANON] = "anon",
	[NL_SESS_PERSON] = "person",
	[NL_SESS_OFFICER] = "officer",
	[NL_SESS_HOLDER] = "holder",
};

const char *nl_session_kind_code(enum nl_session_kind k)
{
	return k >= NL_SESS_ANON && k <= NL_SESS_HOLDER ? kind_codes[k] : NULL;
}

bool nl_session_kind_parse(const char *code, enum nl_session_kind *out)
{
	for (int k = NL_SESS_ANON; code && k <= NL_SESS_HOLDER; k++)
		if (!strcmp(code, kind_codes[k])) {
			*out = (enum nl_session_kind)k;
			return true;
		}
	return false;
}

void nl_session_clear(struct nl_session *s)
{
	if (!s)
		return;
	free(s->data);
	memset(s, 0, sizeof *s);
}

static const char *lang_of(const struct nl_session *s)
{
	return s->lang[0] ? s->lang : "tr";
}

nl_err nl_store_session_create(nl_conn *c, const struct nl_session *s)
{
	const char *kind = nl_session_kind_code(s->kind);
	if (!kind)
		return NL_ERR_INVALID;
	nl_stmt *st;
	nl_err rc = nl_db_query(c, &st,
		"INSERT INTO sessions (" COLS ", addr_hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
		NL_PARAMS(NL_P_BLOB(s->id_hash, (size_t)NL_SESSION_ID_HASH_LEN),
		NL_P_TEXT(s->csrf), NL_P_TEXT(kind), NL_P_REF(s->subject_id),
		NL_P_TEXT(s->data ? s->data : "{}"), NL_P_INT(s->created_at),
		NL_P_INT(s->last_seen), NL_P_TEXT(lang_of(s)), NL_P_TEXT(s->addr_hash)));
	return rc == NL_OK ? nl_store_exec_stmt(st, NULL) : rc;
}

nl_err nl_store_session_get(nl_conn *c, const uint8_t id_hash[NL_SESSION_ID_HASH_LEN],
                            struct nl_session *out)
{
	nl_stmt *st;
	memset(out, 0, sizeof *out);
	nl_err rc = nl_db_query(c, &st, "SELECT " COLS " FROM sessions WHERE id_hash = $1",
		NL_PARAMS(NL_P_BLOB(id_hash, (size_t)NL_SESSION_ID_HASH_LEN)));
	if (rc != NL_OK)
		return rc;
	if ((rc = nl_store_step_row(st)) == NL_OK) {
		memcpy(out->id_hash, id_hash, NL_SESSION_ID_HASH_LEN);
		nl_store_col_copy(st, C_CSRF, out->csrf, sizeof out->csrf);
		if (!nl_session_kind_parse(nl_db_col_text(st, C_KIND), &out->kind))
			rc = NL_ERR_DB;
		out->subject_id = nl_db_col_int64(st, C_SUBJECT_ID);
		out->data = nl_store_col_dup(st, C_DATA, &rc);
		out->created_at = nl_db_col_int64(st, C_CREATED_AT);
		out->last_seen = nl_db_col_int64(st, C_LAST_SEEN);
		nl_store_col_copy(st, C_LANG, out->lang, sizeof out->lang);
		if (rc != NL_OK)
			nl_session_clear(out);
	}
	nl_db_finalize(st);
	return rc;
}

static NL_MUST_USE nl_err exec_one(nl_stmt *st)
{
	int64_t changed = 0;
	nl_err rc = nl_store_exec_stmt(st, &changed);
	return rc == NL_OK && changed == 0 ? NL_ERR_NOT_FOUND : rc;
}

nl_err nl_store_session_touch(nl_conn *c, const uint8_t id_hash[NL_SESSION_ID_HASH_LEN],
                              int64_t now)
{
	nl_stmt *st;
	nl_err rc = nl_db_query(c, &st, "UPDATE sessions SET last_seen = $2 WHERE id_hash = $1",
	                        NL_PARAMS(NL_P_BLOB(id_hash, (size_t)NL_SESSION_ID_HASH_LEN),
	                        NL_P_INT(now)));
	return rc == NL_OK ? exec_one(st) : rc;
}

nl_err nl_store_session_update(nl_conn *c, const struct nl_session *s)
{
	const char *kind = nl_session_kind_code(s->kind);
	if (!kind)
		return NL_ERR_INVALID;
	nl_stmt *st;
	nl_err rc = nl_db_query(c, &st,
		"UPDATE sessions SET csrf = $2, kind = $3, subject_id = $4, data = $5, lang = $6,"
		" last_seen = $7 WHERE id_hash = $1",
		NL_PARAMS(NL_P_BLOB(s->id_hash, (size_t)NL_SESSION_ID_HASH_LEN),
		NL_P_TEXT(s->csrf), NL_P_TEXT(kind), NL_P_REF(s->subject_id),
		NL_P_TEXT(s->data ? s->data : "{}"), NL_P_TEXT(lang_of(s)),
		NL_P_INT(s->last_seen)));
	return rc == NL_OK ? exec_one(st) : rc;
}

nl_err nl_store_session_delete(nl_conn *c, const uint8_t id_hash[NL_SESSION_ID_HASH_LEN])
{
	nl_stmt *st;
	nl_err rc = nl_db_query(c, &st, "DELETE FROM sessions WHERE id_hash = $1",
		NL_PARAMS(NL_P_BLOB(id_hash, (size_t)NL_SESSION_ID_HASH_LEN)));
	return rc == NL_OK ? nl_store_exec_stmt(st, NULL) : rc;
}

nl_err nl_store_session_count_addr(nl_conn *c, const char *addr_hash, int64_t live_since,
                                   int64_t *n)
{
	nl_stmt *st;
	*n = 0;
	nl_err rc = nl_db_query(c, &st,
		"SELECT COUNT(*) FROM sessions WHERE addr_hash = $1 AND kind = 'anon' AND last_seen >= $2",
		NL_PARAMS(NL_P_TEXT(addr_hash), NL_P_INT(live_since)));
	return rc == NL_OK ? nl_store_one_int64(st, n) : rc;
}

nl_err nl_store_session_purge(nl_conn *c, int64_t idle_before, int64_t created_before,
                              int64_t *purged)
{
	nl_stmt *st;
	int64_t n = 0;
	nl_err rc = nl_db_query(c, &st,
		"DELETE FROM sessions WHERE last_seen < $1 OR created_at < $2",
		NL_PARAMS(NL_P_INT(idle_before), NL_P_INT(created_before)));
	if (rc == NL_OK)
		rc = nl_store_exec_stmt(st, &n);
	if (purged)
		*purged = n;
	return rc;
}
