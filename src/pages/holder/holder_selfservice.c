/* Online İşlemler → Bireysel İşlemler, the holder's certificates (SPEC §11;
 * docs/selfservice.md; use cases in src/app/selfservice.h):
 *   GET  /online-islemler/sertifikalarim   his certificates and when they end
 *                                          (also the menu's /askiya-al, /iptal)
 *   GET  /online-islemler/sertifika/{serial}/{action}   the confirmation page
 *   POST /online-islemler/sertifika/{serial}/{action}   do it (security word)
 * action: askiya-al (suspend), askidan-indir (unsuspend), iptal (revoke).
 * Another person's serial is 404, like an unknown one. */
#include <stdio.h>
#include <string.h>

#include "app/holder_login.h"
#include "app/selfservice.h"
#include "app/verify_code.h"
#include "app/econsent.h"
#include "pages/entitle.h"
#include "pages/handlers.h"
#include "pages/holder/holder_ss.h"
#include "pages/pages.h"
#include "pages/pki/pki_web.h"
#include "view/spec.h"

json_t *nl_ss_page(struct nl_req *r, const char *title)
{
	json_t *d = nl_page_data(r, title);
	if (!d)
		return NULL;
	json_object_set_new(d, "csrf", json_string(nl_session_csrf(r)));
	char name[160], id_number[32];
	/* The stored name only for a session that proved the person: a word of
	 * an unapproved form (e-Onay only) may be another institution's. */
	if (nl_entitled_all(r) &&
	    nl_holder_identity(nl_app_of(r), r->session.s.subject_id, name, id_number) == NL_OK)
		json_object_set_new(d, "holder_name", json_string(name));
	return d;
}

static const struct {
	const char *slug;
	enum nl_ss_action action;
	const char *title;       /* msgid */
	const char *done;        /* msgid of the result line */
} actions[] = {
	{"askiya-al", NL_SS_SUSPEND, "Suspend Certificate", "Your certificate is suspended."},
	{"askidan-indir", NL_SS_RELEASE, "Unsuspend Certificate", "Your certificate is no longer suspended."},
	{"iptal", NL_SS_REVOKE, "Revoke Certificate", "Your certificate is revoked."},
};
#define N_ACTIONS (sizeof actions / sizeof actions[0])

static int action_index(const char *slug)
{
	for (size_t i = 0; slug && i < N_ACTIONS; i++)
		if (!strcmp(slug, actions[i].slug))
			return (int)i;
	return -1;
}

static const char *status_msgid(const char *status)
{
	if (!strcmp(status, "good")) return "Valid";
	if (!strcmp(status, "hold")) return "Suspended";
	if (!strcmp(status, "revoked")) return "Revoked";
	return status;
}

static void date_text(int64_t t, char out[32])
{
	nl_esign_time_text(t, out);
	out[10] = '\0';   /* dd.mm.yyyy */
}

static json_t *cert_json(struct nl_req *r, const struct nl_ss_cert *c)
{
	char from[32], until[32];
	json_t *j = json_object();
	if (!j)
		return NULL;
	bool expired = c->not_after <= r->now;
	date_text(c->not_before, from);
	date_text(c->not_after, until);
	json_object_set_new(j, "serial", json_string(c->serial));
	json_object_set_new(j, "common_name", json_string(c->common_name));
	json_object_set_new(j, "not_before", json_string(from));
	json_object_set_new(j, "not_after", json_string(until));
	json_object_set_new(j, "status", json_string(expired && !strcmp(c->status, "good") ? "expired" : c->status));
	json_object_set_new(j, "status_label",
	                    json_string(nl_page_tr(r, expired && !strcmp(c->status, "good")
	                                                  ? "Expired" : status_msgid(c->status))));
	if (!expired && strcmp(c->status, "revoked"))
		json_object_set_new(j, "days_left", json_integer((c->not_after - r->now) / 86400));
	if (!strcmp(c->status, "revoked")) {
		char when[32];
		nl_esign_time_text(c->revoked_at, when);
		json_object_set_new(j, "revoked_at", json_string(when));
		json_object_set_new(j, "reason_label", json_string(nl_ss_reason_label_tr(c->reason)));
	}
	json_object_set_new(j, "can_suspend", json_boolean(nl_ss_judge(c, NL_SS_SUSPEND, r->now) == NL_SS_REFUSE_NONE));
	json_object_set_new(j, "can_release", json_boolean(nl_ss_judge(c, NL_SS_RELEASE, r->now) == NL_SS_REFUSE_NONE));
	json_object_set_new(j, "can_revoke", json_boolean(nl_ss_judge(c, NL_SS_REVOKE, r->now) == NL_SS_REFUSE_NONE));
	return j;
}

/* The e-Onay consent in force, for the list page (item 7). */
static void consent_json(struct nl_req *r, json_t *d)
{
	char current[16] = "";
	int64_t at = 0, version = 0;
	if (nl_econsent_choice(nl_app_of(r), r->session.s.subject_id, current, &at, &version) != NL_OK)
		return;
	if (!strcmp(current, "accept")) {
		char when[32];
		nl_esign_time_text(at, when);
		json_object_set_new(d, "econsent_in_force", json_true());
		json_object_set_new(d, "econsent_at", json_string(when));
		json_object_set_new(d, "econsent_version", json_integer(version));
	}
}

void nl_h_ss_certs(struct nl_req *r)
{
	struct nl_ss_cert certs[NL_SS_MAX_CERTS];
	int n = 0;
	nl_err e = nl_ss_certs(nl_app_of(r), r->session.s.subject_id, certs, &n);
	json_t *d = e == NL_OK ? nl_ss_page(r, "My Certificates") : NULL;
	json_t *list = d ? json_array() : NULL;
	if (!list) {
		json_decref(d);
		nl_resp_error(r, e ? e : NL_ERR_NOMEM, NULL);
		return;
	}
	for (int i = 0; i < n; i++)
		json_array_append_new(list, cert_json(r, &certs[i]));
	json_object_set_new(d, "certs", list);
	json_object_set_new(d, "has_certs", json_boolean(n > 0));
	const char *done = nl_req_query(r, "sonuc");
	int k = action_index(done);
	if (k >= 0)
		json_object_set_new(d, "done", json_string(nl_page_tr(r, actions[k].done)));
	consent_json(r, d);
	nl_page_respond(r, 200, "holder/ss_certs", d);
}

/* The confirmation page; error (a msgid) and status when re-shown after a
 * refused POST. */
static void render_confirm(struct nl_req *r, int k, const struct nl_ss_cert *c, int status,
                           const char *error)
{
	json_t *d = nl_ss_page(r, actions[k].title);
	if (!d) {
		nl_resp_error(r, NL_ERR_NOMEM, NULL);
		return;
	}
	json_object_set_new(d, "cert", cert_json(r, c));
	json_object_set_new(d, "slug", json_string(actions[k].slug));
	json_object_set_new(d, "heading", json_string(nl_page_tr(r, actions[k].title)));
	json_object_set_new(d, actions[k].slug[0] == 'i' ? "is_revoke"
	                       : actions[k].action == NL_SS_SUSPEND ? "is_suspend" : "is_release",
	                    json_true());
	enum nl_ss_refusal why = nl_ss_judge(c, actions[k].action, r->now);
	if (why != NL_SS_REFUSE_NONE) {
		json_object_set_new(d, "refused", json_string(nl_page_tr(r, nl_ss_refusal_msgid(why))));
		if (status == 200)
			status = 409;
	} else {
		json_object_set_new(d, "allowed", json_true());
	}
	if (actions[k].action == NL_SS_REVOKE) {
		json_t *reasons = json_array();
		for (int i = 0; nl_ss_reason_codes[i]; i++)
			json_array_append_new(reasons, json_pack("{s:s,s:s}", "code", nl_ss_reason_codes[i],
			                      "label", nl_ss_reason_label_tr(nl_ss_reason_value(i))));
		json_object_set_new(d, "reasons", reasons);
	}
	if (error)
		json_object_set_new(d, "error", json_string(nl_page_tr(r, error)));
	nl_page_respond(r, status, "holder/ss_confirm", d);
}

void nl_h_ss_confirm(struct nl_req *r)
{
	int k = action_index(nl_req_param(r, "action"));
	struct nl_ss_cert c;
	nl_err e = k < 0 ? NL_ERR_NOT_FOUND
	                 : nl_ss_cert(nl_app_of(r), r->session.s.subject_id, nl_req_param(r, "serial"), &c);
	if (e) {
		nl_resp_error(r, e, NULL);
		return;
	}
	render_confirm(r, k, &c, 200, NULL);
}

struct change_post {
	const char *security_word;
	int reason;
	bool confirm;
};
static const struct nl_spec change_spec[] = {
	NL_SPEC_TEXT("security_word", struct change_post, security_word, 0, 64, NL_SPEC_SECRET),
	NL_SPEC_ENUM("reason", struct change_post, reason, nl_ss_reason_codes, 0),
	NL_SPEC_BOOL("confirm", struct change_post, confirm, 0),
	NL_SPEC_END,
};

void nl_h_ss_change(struct nl_req *r)
{
	int k = action_index(nl_req_param(r, "action"));
	struct nl_ss_cert c;
	int64_t person = r->session.s.subject_id;
	nl_err e = k < 0 ? NL_ERR_NOT_FOUND : nl_ss_cert(nl_app_of(r), person, nl_req_param(r, "serial"), &c);
	if (e == NL_ERR_NOT_FOUND && k >= 0) {
		/* Logged by the use case (another person's serial is an attack). */
		struct nl_throttle_policy pol;
		enum nl_ss_refusal why;
		nl_throttle_policy_from_config(nl_app_of(r)->cfg, &pol);
		struct nl_ss_change_req req = {
			.person_id = person, .serial = nl_req_param(r, "serial"), .action = actions[k].action,
			.reason = 0, .security_word = "", .addr = r->client_ip, .now = r->now,
		};
		e = nl_ss_change(nl_app_of(r), &pol, &req, &why, NULL);
	}
	if (e) {
		nl_resp_error(r, e, NULL);
		return;
	}
	struct change_post p = {.reason = -1};
	struct nl_spec_result res;
	e = nl_req_parse_body(r, change_spec, &p, &res);
	if (e == NL_ERR_NOMEM) {
		nl_resp_error(r, e, NULL);
		return;
	}
	if (e != NL_OK || !p.confirm || !p.security_word ||
	    (actions[k].action == NL_SS_REVOKE && p.reason < 0)) {
		render_confirm(r, k, &c, 400, actions[k].action == NL_SS_REVOKE
		               ? "Choose a reason, tick the confirmation and enter your security word."
		               : "Tick the confirmation and enter your security word.");
		return;
	}
	struct nl_throttle_policy pol;
	nl_throttle_policy_from_config(nl_app_of(r)->cfg, &pol);
	struct nl_ss_change_req req = {
		.person_id = person, .serial = c.serial, .action = actions[k].action,
		.reason = p.reason >= 0 ? nl_ss_reason_value(p.reason) : 0,
		.security_word = p.security_word, .addr = r->client_ip, .now = r->now,
	};
	enum nl_ss_refusal why = NL_SS_REFUSE_NONE;
	int64_t until = 0;
	e = nl_ss_change(nl_app_of(r), &pol, &req, &why, &until);
	switch (e) {
	case NL_OK: {
		nl_web_ocsp_forget();
		char to[96];
		snprintf(to, sizeof to, "/online-islemler/sertifikalarim?sonuc=%s", actions[k].slug);
		nl_resp_redirect(r, to);
		return;
	}
	case NL_ERR_UNAUTHORIZED:
		render_confirm(r, k, &c, 401, "The security word is wrong.");
		return;
	case NL_ERR_LOCKED:
		render_confirm(r, k, &c, 429, "Too many wrong security words. Please try again later.");
		return;
	case NL_ERR_TRANSITION:
		nl_err_ignore(nl_ss_cert(nl_app_of(r), person, c.serial, &c));   /* show it as it is now */
		render_confirm(r, k, &c, 409, nl_ss_refusal_msgid(why));
		return;
	default:
		nl_resp_error(r, e, NULL);
	}
}
