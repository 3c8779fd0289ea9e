/* Login look-ups for the applicant's doors (store_login.h). */
#include "store/store_login.h"

#include <stdlib.h>
#include <string.h>

#include "core/order.h"
#include "store/store_util.h"

void nl_login_candidates_free(struct nl_login_candidate *items, size_t n)
{
	for (size_t i = 0; items && i < n; i++)
		free(items[i].access_password_hash);
	free(items);
}

/* The columns of nl_store_login_candidates's query, in order. */
enum { LC_PERSON_ID, LC_ACCESS_PASSWORD_HASH, LC_ORDER_NO, LC_ORDER_ID };

/* One row of the candidates' query (nl_store_read_row). */
static NL_MUST_USE nl_err read_candidate(nl_stmt *s, void *row)
{
	struct nl_login_candidate *cand = row;
	cand->person_id = nl_db_col_int64(s, LC_PERSON_ID);
	cand->order_id = nl_db_col_int64(s, LC_ORDER_ID);
	cand->access_password_hash = strdup(nl_db_col_text(s, LC_ACCESS_PASSWORD_HASH));
	cand->order_no = nl_db_col_int64(s, LC_ORDER_NO);
	return cand->access_password_hash ? NL_OK : NL_ERR_NOMEM;
}

static void clear_candidate(void *row)
{
	free(((struct nl_login_candidate *)row)->access_password_hash);
}

nl_err nl_store_login_candidates(nl_conn *c, bool passport, const char *id_number,
                                 struct nl_login_candidate **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	if (!id_number || !*id_number)
		return NL_ERR_INVALID;
	nl_stmt *s;
	nl_err rc = nl_db_query(c, &s,
		"SELECT p.id, o.access_password_hash, o.order_no, o.id FROM persons p JOIN orders o ON o.person_id = p.id"
		" WHERE p.id_kind = $1 AND p.id_number = $2 AND o.status <> $3"
		" ORDER BY o.id DESC LIMIT 16",
		NL_PARAMS(NL_P_TEXT(passport ? "passport" : "tckn"), NL_P_TEXT(id_number),
		NL_P_TEXT(nl_order_status_code(NL_ST_CANCELLED))));
	if (rc)
		return rc;
	void *items = NULL;
	rc = nl_store_rows(s, sizeof **out, read_candidate, clear_candidate, &items, n);
	*out = items;
	return rc;
}
