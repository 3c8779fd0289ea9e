/* The pre-application's contact data of an order (store_order_contacts.h). */
#include "store/store_order_contacts.h"

#include <string.h>

#include "store/store_util.h"

nl_err nl_store_order_contact_put(nl_conn *c, int64_t order_id,
                                  const struct nl_order_contact *oc)
{
	nl_stmt *s;
	nl_err rc = nl_db_query(c, &s,
		"INSERT INTO order_contacts (order_id, given_name, surname, email, mobile)"
		" VALUES ($1, $2, $3, $4, $5) ON CONFLICT (order_id) DO UPDATE SET"
		" given_name = excluded.given_name, surname = excluded.surname,"
		" email = excluded.email, mobile = excluded.mobile",
		NL_PARAMS(NL_P_INT(order_id), NL_P_TEXT(oc->given_name), NL_P_TEXT(oc->surname),
		NL_P_TEXT(oc->email), NL_P_TEXT(oc->mobile)));
	return rc == NL_OK ? nl_store_exec_stmt(s, NULL) : rc;
}

nl_err nl_store_order_contact_get(nl_conn *c, int64_t order_id, struct nl_order_contact *out)
{
	nl_stmt *s;
	memset(out, 0, sizeof *out);
	enum { C_GIVEN_NAME, C_SURNAME, C_EMAIL, C_MOBILE };
	nl_err rc = nl_db_query(c, &s,
		"SELECT given_name, surname, email, mobile FROM order_contacts WHERE order_id = $1",
		NL_PARAMS(NL_P_INT(order_id)));
	if (rc)
		return rc;
	rc = nl_store_step_row(s);
	if (rc == NL_OK) {
		nl_store_col_copy(s, C_GIVEN_NAME, out->given_name, sizeof out->given_name);
		nl_store_col_copy(s, C_SURNAME, out->surname, sizeof out->surname);
		nl_store_col_copy(s, C_EMAIL, out->email, sizeof out->email);
		nl_store_col_copy(s, C_MOBILE, out->mobile, sizeof out->mobile);
	}
	nl_db_finalize(s);
	return rc;
}
