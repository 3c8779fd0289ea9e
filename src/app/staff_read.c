/* Reading institutions, staff accounts and API tokens (staff.h): what the
 * officer, RA, production and admin pages show and check. */
#include "app/staff.h"
#include "store/store_staff_api.h"

nl_err nl_staff_user(const struct nl_app *app, int64_t id, struct nl_user *out)
{
	nl_conn *c;
	nl_err e = nl_db_conn(app->db, &c);
	return e ? e : nl_store_user_get(c, id, out);
}

nl_err nl_staff_users(const struct nl_app *app, int64_t institution_id, struct nl_user **items,
                      size_t *n)
{
	nl_conn *c;
	nl_err e = nl_db_conn(app->db, &c);
	return e ? e : nl_store_user_list(c, institution_id, items, n);
}

nl_err nl_staff_institution(const struct nl_app *app, int64_t id, struct nl_institution *out)
{
	nl_conn *c;
	nl_err e = nl_db_conn(app->db, &c);
	return e ? e : nl_store_institution_get(c, id, out);
}

nl_err nl_staff_institutions(const struct nl_app *app, struct nl_institution **items, size_t *n)
{
	nl_conn *c;
	nl_err e = nl_db_conn(app->db, &c);
	return e ? e : nl_store_institution_list(c, items, n);
}

nl_err nl_staff_token_institution(const struct nl_app *app, int64_t token_id, int64_t *institution_id)
{
	nl_conn *c;
	struct nl_api_token t;
	nl_err e = nl_db_conn(app->db, &c);
	if (e == NL_OK)
		e = nl_store_api_token_get(c, token_id, &t);
	if (e)
		return e;
	*institution_id = t.institution_id;
	nl_api_token_clear(&t);
	return NL_OK;
}
