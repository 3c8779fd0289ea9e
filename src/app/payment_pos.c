/* The virtual POS flow: opening a session, the bank's callback (payment.h). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/payment.h"
#include "core/secret.h"
#include "store/store_audit.h"
#include "store/store_orders.h"

/* ---- start ---- */

struct start_ctx {
	int64_t order_no, now, ttl;
	struct nl_pos_session_row s;
};

static NL_MUST_USE nl_err start_tx(nl_conn *c, void *arg)
{
	struct start_ctx *ctx = arg;
	struct nl_order o;
	struct nl_debt d;
	nl_err e = nl_store_order_get_by_no(c, ctx->order_no, &o);
	if (e)
		return e;
	int64_t order_id = o.id;
	nl_order_clear(&o);
	if ((e = nl_payment_debt_of(c, order_id, ctx->now, &d)))
		return e;
	if (!d.priced)
		return NL_ERR_NOT_FOUND;
	/* A payment already under way for this debt (a second click, a second
	 * tab) goes on in the same session: one session, one possible charge. */
	e = nl_store_pos_session_open_for(c, order_id, d.amount_kurus, ctx->now, &ctx->s);
	if (e != NL_ERR_NOT_FOUND)
		return e;
	memset(&ctx->s, 0, sizeof ctx->s);
	nl_random_hex(NL_POS_KEY_LEN / 2, ctx->s.session_key);   /* 128 random bits */
	ctx->s.order_id = order_id;
	ctx->s.amount_kurus = d.amount_kurus;
	ctx->s.created_at = ctx->now;
	ctx->s.expires_at = ctx->now + ctx->ttl;
	return nl_store_pos_session_create(c, &ctx->s);
}

nl_err nl_payment_pos_start(struct nl_app *app, int64_t order_no, int64_t now,
                            char session_key[NL_POS_KEY_LEN + 1], char *url, size_t url_size)
{
	nl_pos *pos = app->drivers.pos;
	if (!pos)
		return NL_ERR_CONFIG;
	struct start_ctx ctx = {.order_no = order_no, .now = now, .ttl = pos->session_ttl_s};
	nl_err e = nl_store_run_tx(app->db, start_tx, &ctx);
	if (e)
		return e;
	memcpy(session_key, ctx.s.session_key, NL_POS_KEY_LEN + 1);
	char ret[600];
	const char *base = app->cfg ? app->cfg->base_url : "";
	size_t bl = strlen(base);
	while (bl && base[bl - 1] == '/')
		bl--;
	snprintf(ret, sizeof ret, "%.*s/odeme/geri-donus", (int)bl, base);
	struct nl_pos_request rq = {.session = session_key, .order_no = order_no,
	                            .amount_kurus = ctx.s.amount_kurus, .return_url = ret};
	struct nl_drv_error de = {0};
	return pos->redirect_url(pos->self, &rq, url, url_size, &de);
}

nl_err nl_payment_pos_view(const struct nl_app *app, const char *session_key, struct nl_pos_view *out)
{
	nl_db *db = app->db;
	memset(out, 0, sizeof *out);
	if (!session_key || strlen(session_key) != NL_POS_KEY_LEN)
		return NL_ERR_NOT_FOUND;
	nl_conn *c;
	nl_err e = nl_db_conn(db, &c);
	if (e == NL_OK)
		e = nl_store_pos_session_get(c, session_key, &out->s);
	if (e == NL_OK) {
		struct nl_order o;
		if ((e = nl_store_order_get(c, out->s.order_id, &o)) == NL_OK)
			out->order_no = o.order_no;
		nl_order_clear(&o);
	}
	return e;
}

/* ---- callback ---- */

static bool parse_i64(const char *s, int64_t *v)
{
	if (!s || !*s || strlen(s) > 18)
		return false;
	int64_t n = 0;
	for (const char *p = s; *p; p++) {
		if (*p < '0' || *p > '9')
			return false;
		n = n * 10 + (*p - '0');
	}
	*v = n;
	return true;
}

struct cb_ctx {
	const struct nl_pos_callback *cb;
	const char *base_url, *web_dir;
	int64_t now;
	struct nl_pos_result *res;
	int64_t session_id;
};

#define REFUSE(code) do { res->outcome = NL_POS_REFUSED; res->reason = (code); \
                          return NL_ERR_INVALID; } while (0)

/* Checks the callback against the stored session and records it. A refusal
 * returns NL_ERR_INVALID so that nothing of the transaction stays. */
static NL_MUST_USE nl_err cb_tx(nl_conn *c, void *arg)
{
	struct cb_ctx *ctx = arg;
	const struct nl_pos_callback *cb = ctx->cb;
	struct nl_pos_result *res = ctx->res;
	struct nl_pos_session_row s;
	res->order_no = 0;
	nl_err e = nl_store_pos_session_get(c, cb->session, &s);
	if (e == NL_ERR_NOT_FOUND)
		REFUSE("unknown_session");
	if (e)
		return e;
	ctx->session_id = s.id;
	struct nl_order o;
	if ((e = nl_store_order_get(c, s.order_id, &o)))
		return e;
	int64_t order_no = o.order_no;
	nl_order_clear(&o);
	int64_t cb_order, cb_amount;
	if (!parse_i64(cb->order_no, &cb_order) || cb_order != order_no)
		REFUSE("order_mismatch");
	if (!parse_i64(cb->amount, &cb_amount) || cb_amount != s.amount_kurus)
		REFUSE("amount_mismatch");
	if (strcmp(cb->currency, "TRY") != 0)
		REFUSE("currency_mismatch");
	bool approved = !strcmp(cb->status, "approved");
	if (!approved && strcmp(cb->status, "declined") != 0)
		REFUSE("bad_status");
	res->order_no = order_no;
	if (strcmp(s.status, "open") != 0) {
		/* The same approved callback again (a browser's reload, a replay):
		 * answer as before, record nothing. */
		if (approved && !strcmp(s.status, "approved") && !strcmp(s.bank_ref, cb->bank_ref)) {
			res->outcome = NL_POS_REPLAYED;
			return NL_OK;
		}
		if (!approved && !strcmp(s.status, "declined")) {
			res->outcome = NL_POS_DECLINED;
			return NL_OK;
		}
		REFUSE("session_closed");
	}
	if ((e = nl_store_pos_session_finish(c, s.id, approved ? "approved" : "declined",
	                                     cb->bank_ref, ctx->now)))
		return e == NL_ERR_CONFLICT ? NL_ERR_BUSY : e;   /* a concurrent callback: again */
	if (!approved) {
		struct nl_audit_rec rec = {
			.at = ctx->now, .actor = "pos:bank", .entity = "pos_session", .entity_id = s.id,
			.action = "declined", .from = "open", .to = "declined", .reason = cb->bank_ref,
		};
		res->outcome = NL_POS_DECLINED;
		return nl_store_audit_append(c, &rec);
	}
	char ref[NL_PAY_REF_MAX];
	snprintf(ref, sizeof ref, "pos:%s", cb->bank_ref);
	struct nl_payment_input in = {
		.order_id = s.order_id, .amount_kurus = s.amount_kurus, .channel = "pos",
		.external_ref = ref, .pos_session_id = s.id, .actor = "pos:bank",
		.base_url = ctx->base_url, .web_dir = ctx->web_dir,
	};
	e = nl_payment_record(c, &in, ctx->now, NULL);
	if (e == NL_ERR_CONFLICT)
		REFUSE("duplicate_reference");
	if (e == NL_ERR_TRANSITION)
		REFUSE("not_payable");
	if (e)
		return e;
	res->outcome = NL_POS_RECORDED;
	return NL_OK;
}

/* A refusal leaves a trace: stderr for the operator, the audit trail for the
 * record (own transaction: the refused one was rolled back). */
static NL_MUST_USE nl_err log_refusal(nl_db *db, const struct nl_pos_callback *cb, int64_t session_id,
                          const char *reason, const char *client, int64_t now)
{
	char why[200];
	snprintf(why, sizeof why, "%s; session %.32s; order %.20s; amount %.20s; from %.46s",
	         reason, cb->session ? cb->session : "-", cb->order_no ? cb->order_no : "-",
	         cb->amount ? cb->amount : "-", client ? client : "-");
	fprintf(stderr, "payment: POS callback refused: %s\n", why);
	nl_conn *c;
	nl_err e = nl_db_conn(db, &c);
	if (e)
		return e;
	struct nl_audit_rec rec = {
		.at = now, .actor = "pos:callback", .entity = "pos_callback", .entity_id = session_id,
		.action = "refused", .from = "", .to = "", .reason = why,
	};
	return nl_store_audit_append(c, &rec);
}

nl_err nl_payment_pos_callback(struct nl_app *app, const struct nl_pos_callback *cb,
                               const char *client, int64_t now, struct nl_pos_result *res)
{
	memset(res, 0, sizeof *res);
	nl_pos *pos = app->drivers.pos;
	if (!pos)
		return NL_ERR_CONFIG;
	if (cb->session && strlen(cb->session) == NL_POS_KEY_LEN)
		memcpy(res->session_key, cb->session, NL_POS_KEY_LEN + 1);
	struct nl_drv_error de = {0};
	if (pos->verify(pos->self, cb, &de) != NL_OK) {
		res->outcome = NL_POS_REFUSED;
		res->reason = "bad_signature";
		return log_refusal(app->db, cb, 0, res->reason, client, now);
	}
	struct cb_ctx ctx = {.cb = cb, .base_url = app->cfg ? app->cfg->base_url : NULL,
	                     .web_dir = app->cfg ? app->cfg->web_dir : NULL, .now = now, .res = res};
	nl_err e = nl_store_run_tx(app->db, cb_tx, &ctx);
	if (e == NL_ERR_INVALID && res->outcome == NL_POS_REFUSED)
		return log_refusal(app->db, cb, ctx.session_id, res->reason, client, now);
	return e;
}
