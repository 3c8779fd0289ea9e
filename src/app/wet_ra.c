/* The registration officer's side of the wet signature (wet.h): look up a
 * scanned code, accept the paper form (approval in the same transaction) or
 * reject it with a reason. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/wet_internal.h"
#include "core/utf8.h"
#include "store/store_audit.h"

/* Loads the barcode, its version and order, decides whether the paper can be
 * registered, and (when v) fills the view. Errors as nl_wet_lookup. */
static NL_MUST_USE nl_err check(nl_conn *c, const char *code_in, struct nl_wet_view *v,
                    enum nl_wet_refusal *why, struct nl_barcode *b_out)
{
	char code[NL_BARCODE_LEN + 1];
	struct nl_barcode b = {0};
	struct nl_form f = {0};
	struct nl_order o = {0};
	*why = NL_WET_REFUSED_NONE;
	if (!nl_wet_code_normalize(code_in, code)) {
		*why = NL_WET_REFUSED_FORMAT;
		return NL_ERR_NOT_FOUND;
	}
	nl_err rc = nl_store_barcode_by_code(c, code, &b);
	if (rc == NL_ERR_NOT_FOUND)
		*why = NL_WET_REFUSED_UNKNOWN;
	if (rc != NL_OK)
		return rc;
	/* The version's row lock orders this decision against another officer's
	 * decision on the same paper, a new version being submitted and an
	 * electronic approval of the same version (PostgreSQL); the barcode is
	 * read again under the lock so the loser sees the winner's decision. */
	int64_t version_id = b.form_version_id;
	nl_barcode_clear(&b);
	if ((rc = nl_store_form_lock(c, version_id)) != NL_OK ||
	    (rc = nl_store_barcode_by_code(c, code, &b)) != NL_OK ||
	    (rc = nl_store_form_get(c, version_id, &f)) != NL_OK ||
	    (rc = nl_store_order_get(c, b.order_id, &o)) != NL_OK)
		goto out;
	if (b.status == NL_BARCODE_ACCEPTED)
		*why = NL_WET_REFUSED_ACCEPTED;
	else if (b.status == NL_BARCODE_REJECTED)
		*why = NL_WET_REFUSED_REJECTED;
	else if (f.status == NL_FORM_SUPERSEDED)
		*why = NL_WET_REFUSED_OLD;
	else if (f.status == NL_FORM_APPROVED)
		*why = NL_WET_REFUSED_APPROVED;
	else if (o.status != NL_ST_FORM_WAIT && o.status != NL_ST_FORM_PAYMENT_WAIT &&
	         o.status != NL_ST_PAYMENT_WAIT && o.status != NL_ST_PRODUCTION_WAIT)
		*why = NL_WET_REFUSED_CLOSED;
	if (v)
		rc = nl_wet_fill_view(c, &o, &f, &b, v);
	if (rc == NL_OK && *why != NL_WET_REFUSED_NONE)
		rc = NL_ERR_CONFLICT;
	if (rc == NL_OK && b_out) {
		*b_out = b;
		memset(&b, 0, sizeof b);
	}
out:
	nl_barcode_clear(&b);
	nl_form_clear(&f);
	nl_order_clear(&o);
	return rc;
}

nl_err nl_wet_lookup(const struct nl_app *app, const char *code, struct nl_wet_view *v,
                     enum nl_wet_refusal *why)
{
	nl_db *db = app->db;
	nl_conn *c;
	nl_err rc = nl_db_conn(db, &c);
	if (rc != NL_OK)
		return rc;
	return check(c, code, v, why, NULL);
}

/* ---- Kabul ---- */

struct accept_ctx {
	const struct nl_config *cfg;
	const char *code;
	int64_t user_id, now;
	enum nl_wet_refusal *why;
	struct nl_approve_result *res;
};

static NL_MUST_USE nl_err accept_tx(nl_conn *c, void *arg)
{
	struct accept_ctx *a = arg;
	struct nl_barcode b = {0};
	struct nl_order o = {0};
	nl_err rc = check(c, a->code, NULL, a->why, &b);
	if (rc != NL_OK)
		return rc;
	char actor[32], evidence[8 + NL_BARCODE_LEN];
	snprintf(actor, sizeof actor, "user:%" PRId64, a->user_id);
	snprintf(evidence, sizeof evidence, "wet:%s", b.code);
	if ((rc = nl_store_barcode_decide(c, b.id, NL_BARCODE_ACCEPTED, a->user_id, "", a->now)) ==
	    NL_ERR_CONFLICT)
		*a->why = NL_WET_REFUSED_ACCEPTED;
	if (rc != NL_OK)
		goto out;
	struct nl_audit_rec rec = {
		.at = a->now, .actor = actor, .entity = "form_barcode", .entity_id = b.id,
		.action = "ra_accept", .from = "issued", .to = "accepted", .reason = b.code,
	};
	if ((rc = nl_store_audit_append(c, &rec)) != NL_OK ||
	    (rc = nl_store_order_get(c, b.order_id, &o)) != NL_OK)
		goto out;
	int64_t version = 0;
	struct nl_form f = {0};
	if ((rc = nl_store_form_get(c, b.form_version_id, &f)) != NL_OK)
		goto out;
	version = f.version;
	nl_form_clear(&f);
	struct nl_approve_req q = {
		.order_no = o.order_no, .version = version, .person_id = 0,
		.method = NL_APPROVE_ISLAK, .actor = actor, .evidence = evidence, .now = a->now,
	};
	rc = nl_approve_form_tx(c, a->cfg, &q, a->res);
out:
	nl_barcode_clear(&b);
	nl_order_clear(&o);
	return rc;
}

nl_err nl_wet_accept(const struct nl_app *app, const char *code, int64_t user_id, int64_t now,
                     enum nl_wet_refusal *why, struct nl_approve_result *res)
{
	enum nl_wet_refusal w_scratch;
	struct nl_approve_result r_scratch;
	struct accept_ctx a = {app->cfg, code, user_id, now, why ? why : &w_scratch,
	                       res ? res : &r_scratch};
	memset(a.res, 0, sizeof *a.res);
	return nl_store_run_tx(app->db, accept_tx, &a);
}

/* ---- Red ---- */

struct reject_ctx {
	const struct nl_config *cfg;
	const char *code, *reason;
	int64_t user_id, now;
	enum nl_wet_refusal *why;
};

static NL_MUST_USE nl_err reject_tx(nl_conn *c, void *arg)
{
	struct reject_ctx *a = arg;
	struct nl_barcode b = {0};
	struct nl_wet_view *v = calloc(1, sizeof *v);
	struct nl_form f = {0};
	if (!v)
		return NL_ERR_NOMEM;
	nl_err rc = check(c, a->code, v, a->why, &b);
	if (rc != NL_OK)
		goto out;
	char actor[32];
	snprintf(actor, sizeof actor, "user:%" PRId64, a->user_id);
	if ((rc = nl_store_barcode_decide(c, b.id, NL_BARCODE_REJECTED, a->user_id, a->reason,
	                                  a->now)) == NL_ERR_CONFLICT)
		*a->why = NL_WET_REFUSED_REJECTED;
	if (rc != NL_OK)
		goto out;
	struct nl_audit_rec rec = {
		.at = a->now, .actor = actor, .entity = "form_barcode", .entity_id = b.id,
		.action = "ra_reject", .from = "issued", .to = "rejected", .reason = a->reason,
	};
	if ((rc = nl_store_audit_append(c, &rec)) != NL_OK ||
	    (rc = nl_store_form_get(c, b.form_version_id, &f)) != NL_OK)
		goto out;
	char order_no[32], url[NL_CONFIG_STR];
	snprintf(order_no, sizeof order_no, NL_ORDER_NO_PREFIX "%" PRId64, v->order_no);
	size_t bl = strlen(a->cfg->base_url);
	while (bl && a->cfg->base_url[bl - 1] == '/')
		bl--;
	snprintf(url, sizeof url, "%.*s", (int)bl, a->cfg->base_url);
	const struct nl_notify_var vars[] = {
		{"name", v->holder_name}, {"order_no", order_no}, {"reason", a->reason},
		{"base_url", url},
	};
	const struct nl_notify_person who = {
		.channel = f.info_channel, .email = f.email, .mobile = f.mobile,
		.subject = "Nitelikli Elektronik Sertifika Başvuru Formunuz Kabul Edilmedi",
		.order_id = b.order_id, .lang = nl_notify_lang_of_order(c, b.order_id),
	};
	rc = nl_notify_person_enqueue(c, a->cfg->web_dir, "form_rejected", &who, vars,
	                              sizeof vars / sizeof vars[0], a->now, NULL);
out:
	free(v);
	nl_barcode_clear(&b);
	nl_form_clear(&f);
	return rc;
}

nl_err nl_wet_reject(const struct nl_app *app, const char *code, int64_t user_id,
                     const char *reason, int64_t now, enum nl_wet_refusal *why)
{
	enum nl_wet_refusal w_scratch;
	enum nl_wet_refusal *w = why ? why : &w_scratch;
	*w = NL_WET_REFUSED_NONE;
	size_t len = reason ? strlen(reason) : 0;
	size_t n = len && nl_utf8_valid(reason, len) ? nl_utf8_count(reason, len) : 0;
	if (n < NL_WET_REASON_MIN || n > NL_WET_REASON_MAX)
		return NL_ERR_INVALID;
	struct reject_ctx a = {app->cfg, code, reason, user_id, now, w};
	return nl_store_run_tx(app->db, reject_tx, &a);
}
