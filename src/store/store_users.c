/* Staff accounts. */
#include <stdlib.h>
#include <string.h>

#include "store/store_users.h"
#include "store/store_util.h"

#define COLS "id, username, password_hash, role, institution_id, failed_logins, locked_until," \
             " active, created_at, updated_at"
/* Its columns, in order. */
enum { C_ID, C_USERNAME, C_PASSWORD_HASH, C_ROLE, C_INSTITUTION_ID, C_FAILED_LOGINS,
	C_LOCKED_UNTIL, C_ACTIVE, C_CREATED_AT, C_UPDATED_AT };

static const char *const role_codes[] = {
	[NL_ROLE_ADMIN] = "admin",
	[NL_ROLE_KURUM] = "kurum",
	[NL_ROLE_RA] = "ra",
	[NL_ROLE_PRODUCTION] = "production",
	[NL_ROLE_AUDITOR] = "auditor",
};

const char *nl_user_role_code(enum nl_user_role r)
{
	return r >= NL_ROLE_ADMIN && r <= NL_ROLE_AUDITOR ? role_codes[r] : NULL;
}

bool nl_user_role_parse(const char *code, enum nl_user_role *out)
{
	for (int r = NL_ROLE_ADMIN; code && r <= NL_ROLE_AUDITOR; r++)
		if (!strcmp(code, role_codes[r])) {
			*out = (enum nl_user_role)r;
			return true;
		}
	return false;
}

void nl_user_clear(struct nl_user *u)
{
	if (!u)
		return;
	free(u->username);
	free(u->password_hash);
	memset(u, 0, sizeof *u);
}

void nl_user_list_free(struct nl_user *items, size_t n)
{
	for (size_t k = 0; items && k < n; k++)
		nl_user_clear(&items[k]);
	free(items);
}

/* nl_store_clear_row for the list readers. */
static void clear_row(void *row)
{
	nl_user_clear(row);
}

static NL_MUST_USE nl_err read_row(nl_stmt *s, void *row)
{
	struct nl_user *out = row;
	nl_err rc = NL_OK;
	memset(out, 0, sizeof *out);
	out->id = nl_db_col_int64(s, C_ID);
	out->username = nl_store_col_dup(s, C_USERNAME, &rc);
	out->password_hash = nl_store_col_dup(s, C_PASSWORD_HASH, &rc);
	if (!nl_user_role_parse(nl_db_col_text(s, C_ROLE), &out->role) && rc == NL_OK)
		rc = NL_ERR_DB;
	out->institution_id = nl_db_col_int64(s, C_INSTITUTION_ID);
	out->failed_logins = nl_db_col_int64(s, C_FAILED_LOGINS);
	out->locked_until = nl_db_col_int64(s, C_LOCKED_UNTIL);
	out->active = nl_db_col_bool(s, C_ACTIVE);
	out->created_at = nl_db_col_int64(s, C_CREATED_AT);
	out->updated_at = nl_db_col_int64(s, C_UPDATED_AT);
	if (rc != NL_OK)
		nl_user_clear(out);
	return rc;
}

nl_err nl_store_user_create(nl_conn *c, struct nl_user *u)
{
	const char *role = nl_user_role_code(u->role);
	if (!role || !u->username || !u->password_hash)
		return NL_ERR_INVALID;
	nl_stmt *s;
	int64_t now = nl_store_now();
	nl_err rc = nl_db_query(c, &s,
		"INSERT INTO users (username, password_hash, role, institution_id, active,"
		" created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id",
		NL_PARAMS(NL_P_TEXT(u->username), NL_P_TEXT(u->password_hash), NL_P_TEXT(role),
		NL_P_REF(u->institution_id), NL_P_BOOL(u->active), NL_P_INT(now)));
	if (rc != NL_OK)
		return rc;
	if ((rc = nl_store_step_row(s)) == NL_OK) {
		u->id = nl_db_col_int64(s, 0);
		u->created_at = u->updated_at = now;
	}
	nl_db_finalize(s);
	return rc;
}

static NL_MUST_USE nl_err get_one(nl_stmt *s, struct nl_user *out)
{
	nl_err rc = nl_store_step_row(s);
	if (rc == NL_OK)
		rc = read_row(s, out);
	nl_db_finalize(s);
	return rc;
}

nl_err nl_store_user_get(nl_conn *c, int64_t id, struct nl_user *out)
{
	nl_stmt *s;
	memset(out, 0, sizeof *out);
	nl_err rc = nl_db_query(c, &s, "SELECT " COLS " FROM users WHERE id = $1",
		NL_PARAMS(NL_P_INT(id)));
	return rc == NL_OK ? get_one(s, out) : rc;
}

nl_err nl_store_user_get_by_username(nl_conn *c, const char *username, struct nl_user *out)
{
	nl_stmt *s;
	memset(out, 0, sizeof *out);
	nl_err rc = nl_db_query(c, &s, "SELECT " COLS " FROM users WHERE username = $1",
		NL_PARAMS(NL_P_TEXT(username)));
	return rc == NL_OK ? get_one(s, out) : rc;
}

nl_err nl_store_user_list(nl_conn *c, int64_t institution_id, struct nl_user **items, size_t *n)
{
	nl_stmt *s;
	*items = NULL;
	*n = 0;
	nl_err rc = nl_db_query(c, &s,
		"SELECT " COLS " FROM users WHERE $1 = 0 OR institution_id = $1 ORDER BY username",
		NL_PARAMS(NL_P_INT(institution_id)));
	return rc != NL_OK ? rc
		: nl_store_rows(s, sizeof **items, read_row, clear_row, (void **)items, n);
}

static NL_MUST_USE nl_err update_one(nl_stmt *s)
{
	int64_t changed = 0;
	nl_err rc = nl_store_exec_stmt(s, &changed);
	return rc == NL_OK && changed == 0 ? NL_ERR_NOT_FOUND : rc;
}

nl_err nl_store_user_set_password(nl_conn *c, int64_t id, const char *password_hash)
{
	nl_stmt *s;
	nl_err rc = nl_db_query(c, &s,
		"UPDATE users SET password_hash = $2, updated_at = $3 WHERE id = $1",
		NL_PARAMS(NL_P_INT(id), NL_P_TEXT(password_hash), NL_P_INT(nl_store_now())));
	return rc == NL_OK ? update_one(s) : rc;
}

nl_err nl_store_user_set_active(nl_conn *c, int64_t id, bool active)
{
	nl_stmt *s;
	nl_err rc = nl_db_query(c, &s,
		"UPDATE users SET active = $2, updated_at = $3 WHERE id = $1",
		NL_PARAMS(NL_P_INT(id), NL_P_BOOL(active), NL_P_INT(nl_store_now())));
	return rc == NL_OK ? update_one(s) : rc;
}

nl_err nl_store_user_login_failed(nl_conn *c, int64_t id, int64_t now, int64_t max_failures,
                                  int64_t lock_seconds, int64_t *failed, int64_t *locked_until)
{
	nl_stmt *s;
	enum { LF_FAILED_LOGINS, LF_LOCKED_UNTIL };
	nl_err rc = nl_db_query(c, &s,
		"UPDATE users SET"
		" locked_until = CASE WHEN failed_logins + 1 >= $2 THEN $3 + $4 ELSE locked_until END,"
		" failed_logins = CASE WHEN failed_logins + 1 >= $2 THEN 0 ELSE failed_logins + 1 END"
		" WHERE id = $1 RETURNING failed_logins, locked_until",
		NL_PARAMS(NL_P_INT(id), NL_P_INT(max_failures), NL_P_INT(now),
		NL_P_INT(lock_seconds)));
	if (rc != NL_OK)
		return rc;
	if ((rc = nl_store_step_row(s)) == NL_OK) {
		if (failed)
			*failed = nl_db_col_int64(s, LF_FAILED_LOGINS);
		if (locked_until)
			*locked_until = nl_db_col_int64(s, LF_LOCKED_UNTIL);
	}
	nl_db_finalize(s);
	return rc;
}

nl_err nl_store_user_login_ok(nl_conn *c, int64_t id)
{
	nl_stmt *s;
	nl_err rc = nl_db_query(c, &s,
		"UPDATE users SET failed_logins = 0, locked_until = 0 WHERE id = $1",
		NL_PARAMS(NL_P_INT(id)));
	return rc == NL_OK ? update_one(s) : rc;
}
