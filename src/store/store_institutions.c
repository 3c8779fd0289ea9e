/* Institutions. */
#include <stdlib.h>
#include <string.h>

#include "store/store_institutions.h"
#include "store/store_util.h"

#define COLS "id, name, registry_no, address, active, created_at, updated_at"
/* Its columns, in order. */
enum { C_ID, C_NAME, C_REGISTRY_NO, C_ADDRESS, C_ACTIVE, C_CREATED_AT, C_UPDATED_AT };

/* nl_store_clear_row for the list readers. */
static void clear_row(void *row)
{
	nl_institution_clear(row);
}

static NL_MUST_USE nl_err read_row(nl_stmt *s, void *row)
{
	struct nl_institution *out = row;
	nl_err rc = NL_OK;
	memset(out, 0, sizeof *out);
	out->id = nl_db_col_int64(s, C_ID);
	out->name = nl_store_col_dup(s, C_NAME, &rc);
	out->registry_no = nl_store_col_dup(s, C_REGISTRY_NO, &rc);
	out->address = nl_store_col_dup(s, C_ADDRESS, &rc);
	out->active = nl_db_col_bool(s, C_ACTIVE);
	out->created_at = nl_db_col_int64(s, C_CREATED_AT);
	out->updated_at = nl_db_col_int64(s, C_UPDATED_AT);
	if (rc != NL_OK)
		nl_institution_clear(out);
	return rc;
}

void nl_institution_clear(struct nl_institution *i)
{
	if (!i)
		return;
	free(i->name);
	free(i->registry_no);
	free(i->address);
	memset(i, 0, sizeof *i);
}

void nl_institution_list_free(struct nl_institution *items, size_t n)
{
	for (size_t k = 0; items && k < n; k++)
		nl_institution_clear(&items[k]);
	free(items);
}

nl_err nl_store_institution_create(nl_conn *c, struct nl_institution *i)
{
	nl_stmt *s;
	int64_t now = nl_store_now();
	nl_err rc = nl_db_query(c, &s,
		"INSERT INTO institutions (name, registry_no, address, active, created_at, updated_at)"
		" VALUES ($1, $2, $3, $4, $5, $5) RETURNING id",
		NL_PARAMS(NL_P_TEXT(i->name), NL_P_TEXT(i->registry_no ? i->registry_no : ""),
		NL_P_TEXT(i->address ? i->address : ""), NL_P_BOOL(i->active), NL_P_INT(now)));
	if (rc != NL_OK)
		return rc;
	rc = nl_store_step_row(s);
	if (rc == NL_OK) {
		i->id = nl_db_col_int64(s, 0);
		i->created_at = i->updated_at = now;
	}
	nl_db_finalize(s);
	return rc;
}

nl_err nl_store_institution_get(nl_conn *c, int64_t id, struct nl_institution *out)
{
	nl_stmt *s;
	memset(out, 0, sizeof *out);
	nl_err rc = nl_db_query(c, &s, "SELECT " COLS " FROM institutions WHERE id = $1",
		NL_PARAMS(NL_P_INT(id)));
	if (rc != NL_OK)
		return rc;
	if ((rc = nl_store_step_row(s)) == NL_OK)
		rc = read_row(s, out);
	nl_db_finalize(s);
	return rc;
}

nl_err nl_store_institution_update(nl_conn *c, const struct nl_institution *i)
{
	nl_stmt *s;
	int64_t changed = 0;
	nl_err rc = nl_db_query(c, &s,
		"UPDATE institutions SET name = $2, registry_no = $3, address = $4, active = $5,"
		" updated_at = $6 WHERE id = $1",
		NL_PARAMS(NL_P_INT(i->id), NL_P_TEXT(i->name),
		NL_P_TEXT(i->registry_no ? i->registry_no : ""),
		NL_P_TEXT(i->address ? i->address : ""), NL_P_BOOL(i->active),
		NL_P_INT(nl_store_now())));
	if (rc == NL_OK)
		rc = nl_store_exec_stmt(s, &changed);
	return rc == NL_OK && changed == 0 ? NL_ERR_NOT_FOUND : rc;
}

nl_err nl_store_institution_list(nl_conn *c, struct nl_institution **items, size_t *n)
{
	nl_stmt *s;
	*items = NULL;
	*n = 0;
	nl_err rc = nl_db_query(c, &s, "SELECT " COLS " FROM institutions ORDER BY name, id",
		NL_NO_PARAMS);
	return rc != NL_OK ? rc
		: nl_store_rows(s, sizeof **items, read_row, clear_row, (void **)items, n);
}
