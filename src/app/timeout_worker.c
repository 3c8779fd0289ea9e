/* Pre-application time-outs (timeout_worker.h). */
#include "app/timeout_worker.h"

#include <stdio.h>
#include <stdlib.h>

#include "app/app.h"
#include "app/cancel.h"
#include "store/store_throttle.h"
#include "store/store_timeout.h"

nl_err nl_timeout_run_once(const struct nl_app *app, int64_t now, int64_t *cancelled)
{
	const struct nl_config *cfg = app->cfg;
	nl_db *db = app->db;
	int64_t done = 0;
	int64_t days = cfg->preapplication_timeout_days > 0 ? cfg->preapplication_timeout_days : 30;
	int64_t before = now - days * 86400;
	int64_t last_id = 0;
	nl_err rc = NL_OK;
	/* Batches by growing id, so an order skipped (another node won, its
	 * status moved on meanwhile) is never looked at twice in one run. */
	for (;;) {
		nl_conn *c;
		struct nl_stale_order *items = NULL;
		size_t n = 0;
		if ((rc = nl_db_conn(db, &c)) != NL_OK ||
		    (rc = nl_store_orders_form_overdue(c, before, last_id, NL_TIMEOUT_BATCH,
		                                         &items, &n)) != NL_OK)
			break;
		for (size_t i = 0; i < n && rc == NL_OK; i++) {
			last_id = items[i].id;
			struct nl_cancel_input in = {
				.order_id = items[i].id, .expected_status = items[i].status,
				.actor = NL_TIMEOUT_ACTOR, .reason = NL_TIMEOUT_REASON, .now = now,
			};
			nl_err e = nl_cancel_order(app, &in, NULL);
			if (e == NL_OK)
				done++;
			else if (e != NL_ERR_CONFLICT && e != NL_ERR_TRANSITION && e != NL_ERR_NOT_FOUND)
				rc = e;
		}
		free(items);
		if (rc || n < NL_TIMEOUT_BATCH)
			break;
	}
	/* House keeping on the same beat: login failure counters whose window
	 * and lock have ended count for nothing any more. */
	nl_conn *c;
	if (rc == NL_OK && (rc = nl_db_conn(db, &c)) == NL_OK)
		rc = nl_store_throttle_purge(c, now, NULL);
	if (cancelled)
		*cancelled = done;
	return rc;
}

nl_err nl_timeout_job(struct nl_app *app, int64_t now)
{
	int64_t n = 0;
	nl_err rc = nl_timeout_run_once(app, now, &n);
	if (n > 0)
		fprintf(stderr, "{\"worker\":\"timeout\",\"cancelled\":%lld}\n", (long long)n);
	return rc;
}
