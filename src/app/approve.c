/* Approving a form version (approve.h): the checks, the form and order status
 * changes, the audit records and the notification, in one transaction. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "app/approve.h"
#include "store/store_audit.h"
#include "store/store_esign.h"
#include "store/store_forms.h"
#include "store/store_orders.h"
#include "store/store_persons.h"
#include "store/store_wet.h"

#define APPROVED_SUBJECT "Nitelikli Elektronik Sertifika Başvuru Formunuz Onaylandı"

static const struct {
	const char *code, *msgid;
} refusals[] = {
	[NL_APPROVE_REFUSED_NONE] = {"", ""},
	[NL_APPROVE_REFUSED_NO_ORDER] = {"no_order", "No such application."},
	[NL_APPROVE_REFUSED_NO_VERSION] = {"no_version", "No such form version."},
	[NL_APPROVE_REFUSED_SUPERSEDED] = {"superseded",
		"This form version has been replaced by a newer one; approve the newest form."},
	[NL_APPROVE_REFUSED_NOT_CONFIRMED] = {"not_confirmed",
		"This form version is not confirmed with the SMS code yet."},
	[NL_APPROVE_REFUSED_ALREADY] = {"already_approved", "This form version is already approved."},
	[NL_APPROVE_REFUSED_REJECTED] = {"rejected",
		"The paper form of this version was rejected; make a new form."},
	[NL_APPROVE_REFUSED_ORDER_CLOSED] = {"order_closed",
		"The application can no longer be approved in its current status."},
	[NL_APPROVE_REFUSED_NO_CONSENT] = {"no_consent",
		"e-Onay needs your standing consent, which you have not given. Please choose another method."},
};
#define N_REFUSALS (sizeof refusals / sizeof refusals[0])

const char *nl_approve_refusal_code(enum nl_approve_refusal r)
{
	return (size_t)r < N_REFUSALS ? refusals[r].code : "";
}

const char *nl_approve_refusal_msgid(enum nl_approve_refusal r)
{
	return (size_t)r < N_REFUSALS ? refusals[r].msgid : "";
}

static const char *method_label_tr(enum nl_approval_method m)
{
	switch (m) {
	case NL_APPROVE_E_ONAY: return "e-Onay";
	case NL_APPROVE_E_IMZA: return "e-İmza";
	case NL_APPROVE_ISLAK: return "Islak İmza";
	}
	return "";
}

/* SPEC §7–§8: where an approval takes the order. false: no approval in this
 * status. payment_wait and production_wait stay: an updated version
 * ("Başvuruyu Güncelle") is approved again after an earlier approval. */
static bool next_status(enum nl_order_status from, enum nl_order_status *to)
{
	switch (from) {
	case NL_ST_FORM_WAIT: *to = NL_ST_PRODUCTION_WAIT; return true;
	case NL_ST_FORM_PAYMENT_WAIT: *to = NL_ST_PAYMENT_WAIT; return true;
	case NL_ST_PAYMENT_WAIT:
	case NL_ST_PRODUCTION_WAIT: *to = from; return true;
	default: return false;
	}
}

static NL_MUST_USE nl_err refuse(struct nl_approve_result *res, enum nl_approve_refusal r)
{
	static const nl_err errs[] = {
		[NL_APPROVE_REFUSED_NONE] = NL_OK,
		[NL_APPROVE_REFUSED_NO_ORDER] = NL_ERR_NOT_FOUND,
		[NL_APPROVE_REFUSED_NO_VERSION] = NL_ERR_NOT_FOUND,
		[NL_APPROVE_REFUSED_SUPERSEDED] = NL_ERR_EXPIRED,
		[NL_APPROVE_REFUSED_NOT_CONFIRMED] = NL_ERR_TRANSITION,
		[NL_APPROVE_REFUSED_ALREADY] = NL_ERR_CONFLICT,
		[NL_APPROVE_REFUSED_REJECTED] = NL_ERR_FORBIDDEN,
		[NL_APPROVE_REFUSED_ORDER_CLOSED] = NL_ERR_TRANSITION,
		[NL_APPROVE_REFUSED_NO_CONSENT] = NL_ERR_FORBIDDEN,
	};
	res->refusal = r;
	return errs[r];
}

/* The version to approve, locked, and checked; a refusal otherwise. */
static NL_MUST_USE nl_err load_version(nl_conn *c, int64_t order_id, int64_t version,
                           struct nl_form *f, struct nl_approve_result *res)
{
	struct nl_form cur = {0};
	nl_err rc = nl_store_form_current(c, order_id, &cur);
	if (rc == NL_ERR_NOT_FOUND)
		return refuse(res, NL_APPROVE_REFUSED_NO_VERSION);
	if (rc != NL_OK)
		return rc;
	int64_t cur_id = cur.id, cur_version = cur.version;
	nl_form_clear(&cur);
	if (version != cur_version)
		return refuse(res, version >= 1 && version < cur_version ? NL_APPROVE_REFUSED_SUPERSEDED
		                                                        : NL_APPROVE_REFUSED_NO_VERSION);
	/* Lock, then read again: a concurrent approval or a new version that
	 * committed meanwhile is seen here (PostgreSQL), not after. */
	if ((rc = nl_store_form_lock(c, cur_id)) != NL_OK || (rc = nl_store_form_get(c, cur_id, f)) != NL_OK)
		return rc;
	switch (f->status) {
	case NL_FORM_SMS_CONFIRMED: break;
	case NL_FORM_APPROVED: return refuse(res, NL_APPROVE_REFUSED_ALREADY);
	case NL_FORM_SUPERSEDED: return refuse(res, NL_APPROVE_REFUSED_SUPERSEDED);
	default: return refuse(res, NL_APPROVE_REFUSED_NOT_CONFIRMED);
	}
	bool rejected = false;
	if ((rc = nl_store_barcode_rejected(c, f->id, &rejected)) != NL_OK)
		return rc;
	return rejected ? refuse(res, NL_APPROVE_REFUSED_REJECTED) : NL_OK;
}

/* Tells the person by the channel of the approved version. */
static NL_MUST_USE nl_err notify(nl_conn *c, const struct nl_config *cfg, const struct nl_order *o,
                     const struct nl_form *f, enum nl_approval_method m,
                     enum nl_order_status to, int64_t now, int *sent)
{
	struct nl_person p = {0};
	nl_err rc = nl_store_person_get(c, o->person_id, &p);
	if (rc != NL_OK)
		return rc;
	char order_no[32], url[NL_CONFIG_STR + 32];
	snprintf(order_no, sizeof order_no, NL_ORDER_NO_PREFIX "%" PRId64, o->order_no);
	size_t bl = strlen(cfg->base_url);
	while (bl && cfg->base_url[bl - 1] == '/')
		bl--;
	snprintf(url, sizeof url, "%.*s", (int)bl, cfg->base_url);
	const struct nl_notify_var vars[] = {
		{"given_name", p.given_name}, {"surname", p.surname}, {"order_no", order_no},
		{"method", method_label_tr(m)}, {"status", nl_order_status_label_tr(to)},
		{"next", nl_order_status_help_tr(to)}, {"base_url", url},
	};
	const struct nl_notify_person who = {
		.channel = f->info_channel, .email = f->email, .mobile = f->mobile,
		.subject = APPROVED_SUBJECT, .order_id = o->id, .lang = nl_notify_lang_of(&p),
	};
	rc = nl_notify_person_enqueue(c, cfg->web_dir, "form_approved", &who, vars,
	                              sizeof vars / sizeof vars[0], now, sent);
	nl_person_clear(&p);
	return rc;
}

nl_err nl_approve_form_tx(nl_conn *c, const struct nl_config *cfg,
                          const struct nl_approve_req *req, struct nl_approve_result *res_in)
{
	struct nl_approve_result scratch;
	struct nl_approve_result *res = res_in ? res_in : &scratch;
	memset(res, 0, sizeof *res);
	const char *method = nl_approval_method_code(req->method);
	if (!method || !req->actor || !*req->actor)
		return NL_ERR_INVALID;
	struct nl_order o = {0};
	struct nl_form f = {0};
	enum nl_order_status to;
	nl_err rc = nl_store_order_get_by_no(c, req->order_no, &o);
	if (rc == NL_ERR_NOT_FOUND || (rc == NL_OK && req->person_id && o.person_id != req->person_id)) {
		rc = refuse(res, NL_APPROVE_REFUSED_NO_ORDER);
		goto out;
	}
	if (rc != NL_OK)
		goto out;
	res->order_id = o.id;
	res->from = o.status;
	if ((rc = load_version(c, o.id, req->version, &f, res)) != NL_OK)
		goto out;
	if (!next_status(o.status, &to)) {
		rc = refuse(res, NL_APPROVE_REFUSED_ORDER_CLOSED);
		goto out;
	}
	/* e-Onay stands on the person's standing consent: the rule is checked
	 * here, not by the pages, so no caller (page, API, CLI) approves without
	 * it; the consent in force is the approval's evidence. */
	const char *evidence = req->evidence;
	char consent_ref[40];
	if (req->method == NL_APPROVE_E_ONAY) {
		int64_t consent = 0;
		rc = nl_store_econsent_in_force_id(c, o.person_id, &consent);
		if (rc == NL_ERR_NOT_FOUND) {
			rc = refuse(res, NL_APPROVE_REFUSED_NO_CONSENT);
			goto out;
		}
		if (rc != NL_OK)
			goto out;
		snprintf(consent_ref, sizeof consent_ref, "econsent:%" PRId64, consent);
		evidence = consent_ref;
	}
	res->form_id = f.id;
	res->to = to;
	if ((rc = nl_store_form_set_approval_method(c, f.id, method, req->now)) != NL_OK ||
	    (rc = nl_store_form_set_status(c, f.id, NL_FORM_SMS_CONFIRMED, NL_FORM_APPROVED,
	                                   req->now)) != NL_OK)
		goto out;
	char why[256];
	snprintf(why, sizeof why, "version %" PRId64 " approved by %s%s%s", f.version, method,
	         evidence && *evidence ? ", evidence " : "", evidence ? evidence : "");
	if (to != o.status) {
		rc = nl_store_order_set_status(c, o.id, o.status, to, req->actor, why);
		/* Someone (a payment) moved the order after we read it: run the whole
		 * transaction again on the new status rather than fail the approval. */
		if (rc == NL_ERR_CONFLICT)
			rc = NL_ERR_BUSY;
		if (rc != NL_OK)
			goto out;
	}
	struct nl_audit_rec rec = {
		.at = req->now, .actor = req->actor, .entity = "form", .entity_id = f.id,
		.action = "approve", .from = "sms_confirmed", .to = "approved", .reason = why,
	};
	if ((rc = nl_store_audit_append(c, &rec)) != NL_OK)
		goto out;
	rc = notify(c, cfg, &o, &f, req->method, to, req->now, &res->notified);
out:
	nl_order_clear(&o);
	nl_form_clear(&f);
	return rc;
}

struct approve_ctx {
	const struct nl_config *cfg;
	const struct nl_approve_req *req;
	struct nl_approve_result *res;
};

static NL_MUST_USE nl_err approve_tx(nl_conn *c, void *arg)
{
	struct approve_ctx *a = arg;
	return nl_approve_form_tx(c, a->cfg, a->req, a->res);
}

nl_err nl_approve_form(const struct nl_app *app, const struct nl_approve_req *req,
                       struct nl_approve_result *res)
{
	struct nl_approve_result scratch;
	struct approve_ctx a = {app->cfg, req, res ? res : &scratch};
	return nl_store_run_tx(app->db, approve_tx, &a);
}
