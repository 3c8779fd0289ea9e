/* Overdue pre-applications (store_timeout.h). */
#include "store/store_timeout.h"

#include <stdlib.h>

#include "store/store_util.h"

nl_err nl_store_orders_form_overdue(nl_conn *c, int64_t created_before, int64_t after_id,
                                    int64_t limit,
                                    struct nl_stale_order **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	if (limit < 1)
		return NL_ERR_INVALID;
	nl_stmt *s;
	enum { OD_ID, OD_STATUS };
	nl_err rc = nl_db_query(c, &s,
		"SELECT id, status FROM orders WHERE status IN ($1, $2) AND created_at < $3"
		" AND id > $4 ORDER BY id LIMIT $5",
		NL_PARAMS(NL_P_TEXT(nl_order_status_code(NL_ST_FORM_WAIT)),
		NL_P_TEXT(nl_order_status_code(NL_ST_FORM_PAYMENT_WAIT)), NL_P_INT(created_before),
		NL_P_INT(after_id), NL_P_INT(limit)));
	if (rc)
		return rc;
	struct nl_stale_order *items = calloc((size_t)limit, sizeof *items);
	size_t count = 0;
	int r = NL_DB_DONE;
	if (!items)
		rc = NL_ERR_NOMEM;
	while (rc == NL_OK && count < (size_t)limit && (r = nl_db_step(s)) == NL_DB_ROW) {
		items[count].id = nl_db_col_int64(s, OD_ID);
		if (!nl_order_status_parse(nl_db_col_text(s, OD_STATUS), &items[count].status))
			continue;   /* cannot happen: the IN list names two known codes */
		count++;
	}
	if (rc == NL_OK && r != NL_DB_DONE && r != NL_DB_ROW)
		rc = (nl_err)r;
	nl_db_finalize(s);
	if (rc || count == 0) {
		free(items);
		return rc;
	}
	*out = items;
	*n = count;
	return NL_OK;
}
