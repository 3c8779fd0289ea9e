/* Operations and demo switches (ops.h). */
#include "app/ops.h"

bool nl_ops_db_answers(const struct nl_app *app)
{
	nl_conn *c;
	nl_stmt *st = NULL;
	bool ok = false;
	if (app->db && nl_db_conn(app->db, &c) == NL_OK && nl_db_prepare(c, "SELECT 1", &st) == NL_OK)
		ok = nl_db_step(st) == NL_DB_ROW && nl_db_col_int64(st, 0) == 1;
	nl_db_finalize(st);
	return ok;
}

void nl_ops_db_set_offline(const struct nl_app *app, bool offline)
{
	nl_db_set_offline(app->db, offline);
}

nl_err nl_ops_outbox(const struct nl_app *app, const struct nl_outbox_filter *f,
                     struct nl_outbox_list *out)
{
	return nl_outbox_list(app->db, f, out);
}
