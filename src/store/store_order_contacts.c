/* The pre-application's contact data of an order (store_order_contacts.h). */
#include "store/store_order_contacts.h"

#include <string.h>

#include "store/store_util.h"

nl_err nl_store_order_contact_put(nl_conn *c, int64_t order_id,
                                  const struct nl_order_contact *oc)
{
	nl_stmt *s;
	nl_err rc = nl_store_query(c, &s,
		"INSERT INTO order_contacts (order_id, given_name, surname, email, mobile)"
		" VALUES ($1, $2, $3, $4, $5) ON CONFLICT (order_id) DO UPDATE SET"
		" given_name = excluded.given_name, surname = excluded.surname,"
		" email = excluded.email, mobile = excluded.mobile", "ittt" "t",
		order_id, oc->given_name, oc->surname, oc->email, oc->mobile);
	return rc == NL_OK ? nl_store_exec_stmt(s, NULL) : rc;
}

nl_err nl_store_order_contact_get(nl_conn *c, int64_t order_id, struct nl_order_contact *out)
{
	nl_stmt *s;
	memset(out, 0, sizeof *out);
	nl_err rc = nl_store_query(c, &s,
		"SELECT given_name, surname, email, mobile FROM order_contacts WHERE order_id = $1",
		"i", order_id);
	if (rc)
		return rc;
	rc = nl_store_step_row(s);
	if (rc == NL_OK) {
		nl_store_col_copy(s, 0, out->given_name, sizeof out->given_name);
		nl_store_col_copy(s, 1, out->surname, sizeof out->surname);
		nl_store_col_copy(s, 2, out->email, sizeof out->email);
		nl_store_col_copy(s, 3, out->mobile, sizeof out->mobile);
	}
	nl_db_finalize(s);
	return rc;
}
