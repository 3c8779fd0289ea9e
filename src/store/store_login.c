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

nl_err nl_store_login_candidates(nl_conn *c, bool passport, const char *id_number,
                                 struct nl_login_candidate **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	if (!id_number || !*id_number)
		return NL_ERR_INVALID;
	nl_stmt *s;
	nl_err rc = nl_store_query(c, &s,
		"SELECT p.id, o.access_password_hash FROM persons p JOIN orders o ON o.person_id = p.id"
		" WHERE p.id_kind = $1 AND p.id_number = $2 AND o.status NOT IN ($3, $4)"
		" ORDER BY o.id LIMIT 16", "tttt",
		passport ? "passport" : "tckn", id_number,
		nl_order_status_code(NL_ST_DELIVERED), nl_order_status_code(NL_ST_CANCELLED));
	if (rc)
		return rc;
	struct nl_login_candidate *items = NULL;
	size_t count = 0;
	int r;
	while ((r = nl_db_step(s)) == NL_DB_ROW) {
		struct nl_login_candidate *grown = realloc(items, (count + 1) * sizeof *items);
		if (!grown) {
			rc = NL_ERR_NOMEM;
			break;
		}
		items = grown;
		items[count].person_id = nl_db_col_int64(s, 0);
		items[count].access_password_hash = strdup(nl_db_col_text(s, 1));
		if (!items[count].access_password_hash) {
			rc = NL_ERR_NOMEM;
			break;
		}
		count++;
	}
	if (rc == NL_OK && r != NL_DB_DONE)
		rc = (nl_err)r;
	nl_db_finalize(s);
	if (rc) {
		nl_login_candidates_free(items, count);
		return rc;
	}
	*out = items;
	*n = count;
	return NL_OK;
}
