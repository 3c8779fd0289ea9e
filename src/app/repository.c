/* The public repository (repository.h). */
#include <string.h>

#include "app/repository.h"

nl_err nl_repo_search(const struct nl_app *app, const char *q, int limit, nl_cert_fn fn, void *ctx)
{
	nl_conn *c;
	nl_err e = nl_db_conn(app->db, &c);
	return e ? e : nl_store_cert_search(c, q, limit, fn, ctx);
}

nl_err nl_repo_cert(const struct nl_app *app, const char *serial, struct nl_cert_row *out)
{
	nl_conn *c;
	nl_err e = nl_db_conn(app->db, &c);
	if (e == NL_OK)
		e = nl_store_cert_get(c, serial, out);
	if (e == NL_OK && (!out->publish || strcmp(out->kind, "person"))) {
		nl_cert_row_clear(out);
		e = NL_ERR_NOT_FOUND;   /* unpublished certificates are not public */
	}
	return e;
}

nl_err nl_repo_crl_times(const struct nl_app *app, int64_t *this_update, int64_t *next_update)
{
	nl_conn *c;
	nl_err e = nl_db_conn(app->db, &c);
	return e ? e : nl_store_crl_latest_times(c, this_update, next_update);
}
