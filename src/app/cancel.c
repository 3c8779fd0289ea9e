/* Order cancellation use case (see cancel.h). */
#include <string.h>
#include <time.h>

#include "app/cancel.h"
#include "app/notify_template.h"
#include "app/production_notify.h"
#include "app/timeout_worker.h"
#include "core/validate.h"
#include "store/store_orders.h"

bool nl_cancel_allowed(enum nl_order_status s)
{
	return nl_order_transition_allowed(s, NL_ST_CANCELLED);
}

struct cancel_ctx {
	const struct nl_config *cfg;
	const struct nl_cancel_input *in;
	struct nl_cancel_result res;
};

static NL_MUST_USE nl_err cancel_tx(nl_conn *c, void *arg)
{
	struct cancel_ctx *ctx = arg;
	const struct nl_cancel_input *in = ctx->in;
	struct nl_order o;
	nl_err e = in->order_id ? nl_store_order_get(c, in->order_id, &o)
	                        : nl_store_order_get_by_no(c, in->order_no, &o);
	if (e)
		goto out;
	/* Another institution's or person's order does not exist for the caller. */
	if ((in->institution_id && o.institution_id != in->institution_id) ||
	    (in->person_id && o.person_id != in->person_id)) {
		e = NL_ERR_NOT_FOUND;
		goto out;
	}
	if (in->expected_status && o.status != in->expected_status) {
		e = NL_ERR_CONFLICT;
		goto out;
	}
	if (!nl_cancel_allowed(o.status)) {
		e = NL_ERR_TRANSITION;
		goto out;
	}
	ctx->res.order_id = o.id;
	ctx->res.order_no = o.order_no;
	ctx->res.from = o.status;
	/* set_status re-checks the status in its UPDATE (of two concurrent
	 * cancellations only one wins; the other gets NL_ERR_CONFLICT). */
	e = nl_store_order_set_status(c, o.id, o.status, NL_ST_CANCELLED, in->actor, in->reason);
	/* Nobody is left uninformed (issue 13 item 6): the person learns of a
	 * cancellation he did not make himself, in the same transaction. */
	if (e == NL_OK && ctx->cfg && !in->person_id) {
		bool timed_out = !strcmp(in->actor, NL_TIMEOUT_ACTOR);
		const struct nl_notify_var vars[] = {{"reason", in->reason}};
		e = nl_production_notify(c, ctx->cfg, o.id, timed_out ? "timed_out" : "cancelled",
		                         timed_out ? "Başvurunuz Zaman Aşımına Uğradı"
		                                   : "Başvurunuz İptal Edildi",
		                         vars, 1, in->now ? in->now : (int64_t)time(NULL));
	}
out:
	nl_order_clear(&o);
	return e;
}

static NL_MUST_USE nl_err check_input(const struct nl_cancel_input *in)
{
	if (!in || (!in->order_id && !in->order_no))
		return NL_ERR_NOT_FOUND;
	if (!in->actor || !*in->actor || !in->reason)
		return NL_ERR_INVALID;
	if (nl_valid_text(in->reason, 1, NL_CANCEL_REASON_MAX, false) != NULL)
		return NL_ERR_INVALID;
	return NL_OK;
}

nl_err nl_cancel_order_tx(nl_conn *c, const struct nl_config *cfg,
                          const struct nl_cancel_input *in, struct nl_cancel_result *out)
{
	nl_err e = check_input(in);
	if (e)
		return e;
	struct cancel_ctx ctx = {.cfg = cfg, .in = in};
	e = nl_store_run_tx(nl_db_of(c), cancel_tx, &ctx);
	if (e == NL_OK && out)
		*out = ctx.res;
	return e;
}

nl_err nl_cancel_order(const struct nl_app *app, const struct nl_cancel_input *in, struct nl_cancel_result *out)
{
	nl_db *db = app->db;
	nl_conn *c;
	nl_err e = nl_db_conn(db, &c);
	if (e)
		return e;
	return nl_cancel_order_tx(c, app->cfg, in, out);
}
