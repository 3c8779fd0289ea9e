/* Operations endpoints: /healthz (is the database answering?) and /metrics. */
#include "web/handlers.h"
#include "web/server_internal.h"

void nl_h_healthz(struct nl_req *r)
{
	nl_conn *c;
	nl_stmt *st = NULL;
	bool ok = false;
	if (r->srv->db && nl_db_conn(r->srv->db, &c) == NL_OK &&
	    nl_db_prepare(c, "SELECT 1", &st) == NL_OK)
		ok = nl_db_step(st) == NL_DB_ROW && nl_db_col_int64(st, 0) == 1;
	nl_db_finalize(st);
	if (ok)
		nl_resp_bytes(r, 200, "text/plain; charset=utf-8", "ok\n", 3);
	else
		nl_resp_bytes(r, 503, "text/plain; charset=utf-8", "database unavailable\n", 21);
}

void nl_h_metrics(struct nl_req *r)
{
	nl_buf out = NL_BUF_INIT;
	nl_metrics_render(r->srv, &out);
	nl_resp_buf(r, 200, "text/plain; version=0.0.4; charset=utf-8", &out);
}
