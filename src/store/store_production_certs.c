/* Certificates as production sees them, and the expiry notices
 * (store_production.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store_production.h"
#include "store/store_util.h"

nl_err nl_store_cert_newest_active(nl_conn *c, const char *id_number, int64_t now,
                                   char serial[64], int64_t *not_after)
{
	nl_stmt *s;
	enum { NA_SERIAL, NA_NOT_AFTER };
	nl_err rc = nl_db_query(c, &s,
		"SELECT serial, not_after FROM certificates WHERE kind = 'person' AND id_number = $1"
		" AND status = 'good' AND not_after > $2 AND not_before <= $2"
		" ORDER BY not_after DESC, id DESC LIMIT 1",
		NL_PARAMS(NL_P_TEXT(id_number), NL_P_INT(now)));
	if (rc) return rc;
	if ((rc = nl_store_step_row(s)) == NL_OK) {
		nl_store_col_copy(s, NA_SERIAL, serial, 64);
		*not_after = nl_db_col_int64(s, NA_NOT_AFTER);
	}
	nl_db_finalize(s);
	return rc;
}

static NL_MUST_USE nl_err read_serial(nl_stmt *s, void *row)
{
	char (*serial)[64] = row;
	nl_store_col_copy(s, 0, *serial, sizeof *serial);
	return NL_OK;
}

nl_err nl_store_cert_same_institution(nl_conn *c, const char *id_number, int64_t institution_id,
                                      char (**serials)[64], size_t *n)
{
	nl_stmt *s;
	*serials = NULL;
	*n = 0;
	nl_err rc = nl_db_query(c, &s,
		"SELECT serial FROM certificates WHERE kind = 'person' AND id_number = $1"
		" AND institution_id = $2 AND status IN ('good', 'hold') ORDER BY id",
		NL_PARAMS(NL_P_TEXT(id_number), NL_P_INT(institution_id)));
	return rc ? rc : nl_store_rows(s, sizeof **serials, read_serial, NULL, (void **)serials, n);
}

/* The columns of nl_store_cert_expiring's query, in order. */
enum { EX_SERIAL, EX_ORDER_ID, EX_NOT_AFTER };

static NL_MUST_USE nl_err read_expiring(nl_stmt *s, void *row)
{
	struct nl_expiring *e = row;
	nl_store_col_copy(s, EX_SERIAL, e->serial, sizeof e->serial);
	e->order_id = nl_db_col_int64(s, EX_ORDER_ID);
	e->not_after = nl_db_col_int64(s, EX_NOT_AFTER);
	return NL_OK;
}

nl_err nl_store_cert_expiring(nl_conn *c, int64_t now, int64_t until, int limit,
                              struct nl_expiring **out, size_t *n)
{
	nl_stmt *s;
	*out = NULL;
	*n = 0;
	nl_err rc = nl_db_query(c, &s,
		"SELECT c.serial, c.order_id, c.not_after FROM certificates c WHERE c.kind = 'person'"
		" AND c.status = 'good' AND c.order_id IS NOT NULL AND c.not_after > $1"
		" AND c.not_after <= $2 AND NOT EXISTS (SELECT 1 FROM expiry_notices e"
		" WHERE e.cert_serial = c.serial) ORDER BY c.not_after LIMIT $3",
		NL_PARAMS(NL_P_INT(now), NL_P_INT(until), NL_P_INT(limit)));
	return rc ? rc : nl_store_rows(s, sizeof **out, read_expiring, NULL, (void **)out, n);
}

nl_err nl_store_expiry_notice_insert(nl_conn *c, const char *serial, int64_t now)
{
	nl_stmt *s;
	nl_err rc = nl_db_query(c, &s, "INSERT INTO expiry_notices (cert_serial, sent_at)"
	                           " VALUES ($1, $2)", NL_PARAMS(NL_P_TEXT(serial), NL_P_INT(now)));
	if (rc) return rc;
	return nl_store_exec_stmt(s, NULL);
}
