/* e-İmza on the web (SPEC §5; docs/esign.md):
 *   GET  /api/v1/imza/{code}    the signing application fetches the text to
 *                               sign (no session: the 15-digit code is the
 *                               key; unknown codes count against the address)
 *   POST /api/v1/imza/{code}    it posts the CMS (application/cms, DER)
 *   GET  /imza/{id}/durum       the waiting page's poll (JSON), this session only
 *   GET  /imza/{id}/devam       after the signature: log in, or go on to the result
 *   GET  /basvuru/{no}/eimza    step 2 by e-İmza: the code and the countdown
 *   POST /basvuru/{no}/eimza    a new code for the form version
 *   POST /basvuru/{no}/eonay    step 2 by e-Onay (standing consent): approve */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/app.h"
#include "app/approve.h"
#include "app/esign_verify.h"
#include "app/form.h"
#include "pages/entitle.h"
#include "pages/esign_web.h"
#include "pages/handlers.h"
#include "pages/pages.h"
#include "pages/applicant/portal_wizard.h"
#include "view/spec.h"

#define MAX_CMS_BODY (256 * 1024)

/* ---- the session's codes ---- */

static const char *session_key(struct nl_req *r, const char *purpose)
{
	return nl_arena_printf(r->arena, "esign_%s", purpose);
}

nl_err nl_esign_web_issue(struct nl_req *r, struct nl_esign_issue *in, int64_t *code_id)
{
	const char *sid = nl_req_cookie(r, "nl_sid");
	if (!r->session.present || !sid)
		return NL_ERR_UNAUTHORIZED;
	in->session_hash = r->session.s.id_hash;
	in->now = r->now;
	in->addr = r->client_ip;
	char nonce[NL_ESIGN_NONCE_LEN], code[NL_ESIGN_CODE_DIGITS + 1];
	struct nl_esign_code row;
	nl_err e = nl_esign_code_issue(nl_app_of(r), in, sid, nonce, code, &row);
	if (e)
		return e;
	*code_id = row.id;
	nl_esign_code_clear(&row);
	json_t *v = json_pack("{s:I, s:s}", "id", (json_int_t)*code_id, "n", nonce);
	if (!v || json_object_set_new(r->session.data, session_key(r, in->purpose), v) != 0)
		return NL_ERR_NOMEM;
	nl_session_touch_data(r);
	return NL_OK;
}

nl_err nl_esign_web_current(struct nl_req *r, const char *purpose, struct nl_esign_code *out,
                            char digits[NL_ESIGN_CODE_DIGITS + 1])
{
	memset(out, 0, sizeof *out);
	const char *sid = nl_req_cookie(r, "nl_sid");
	json_t *v = r->session.present ? json_object_get(r->session.data, session_key(r, purpose)) : NULL;
	const char *nonce = json_string_value(json_object_get(v, "n"));
	json_int_t id = json_integer_value(json_object_get(v, "id"));
	if (!sid || !nonce || id <= 0)
		return NL_ERR_NOT_FOUND;
	nl_err e = nl_esign_code_get(nl_app_of(r), id, r->session.s.id_hash, purpose, out);
	if (e)
		return e;
	return nl_esign_code_derive(nl_app_of(r), sid, nonce, digits);
}

const char *nl_esign_web_state(const struct nl_esign_code *code, int64_t now)
{
	if (!strcmp(code->status, "used"))
		return "done";
	if (!strcmp(code->status, "burnt"))
		return "burnt";
	return now >= code->expires_at ? "expired" : "waiting";
}

void nl_esign_web_wait_page(struct nl_req *r, json_t *d, const struct nl_esign_code *code,
                            const char *digits, const char *self_url,
                            const char *new_code_action)
{
	const char *state = nl_esign_web_state(code, r->now);
	int64_t left = code->expires_at - r->now;
	char created[32];
	nl_esign_time_text(code->created_at, created);
	json_object_set_new(d, "code", json_string(digits));
	json_object_set_new(d, "state", json_string(state));
	json_object_set_new(d, "waiting", json_boolean(!strcmp(state, "waiting")));
	json_object_set_new(d, "done", json_boolean(!strcmp(state, "done")));
	json_object_set_new(d, "expired", json_boolean(!strcmp(state, "expired")));
	json_object_set_new(d, "burnt", json_boolean(!strcmp(state, "burnt")));
	json_object_set_new(d, "remaining", json_integer(left > 0 ? left : 0));
	json_object_set_new(d, "created", json_string(created));
	if (*code->last_error && strcmp(state, "done") != 0)
		json_object_set_new(d, "refusal", json_string(code->last_error));
	json_object_set_new(d, "status_url",
	                    json_string(nl_arena_printf(r->arena, "/imza/%lld/durum", (long long)code->id)));
	json_object_set_new(d, "continue_url",
	                    json_string(nl_arena_printf(r->arena, "/imza/%lld/devam", (long long)code->id)));
	json_object_set_new(d, "self_url", json_string(self_url));
	json_object_set_new(d, "new_code_action", json_string(new_code_action));
	if (!json_object_get(d, "csrf"))
		json_object_set_new(d, "csrf", json_string(nl_session_csrf(r)));
	nl_page_respond(r, 200, "esign/wait", d);
}

/* ---- the signing application's API ---- */

static void api_refusal(struct nl_req *r, enum nl_esign_refusal why)
{
	nl_resp_json(r, nl_esign_refusal_status(why),
	             json_pack("{s:{s:s, s:s}}", "error", "code", nl_esign_refusal_code(why),
	                       "message", nl_esign_refusal_message(why)));
}

void nl_h_imza_api_get(struct nl_req *r)
{
	struct nl_throttle_policy pol;
	struct nl_esign_code code;
	nl_throttle_policy_from_config(nl_app_of(r)->cfg, &pol);
	nl_err e = nl_esign_code_lookup(nl_app_of(r), &pol, nl_req_param(r, "code"), r->client_ip,
	                                r->now, &code);
	if (e == NL_ERR_LOCKED || e == NL_ERR_NOT_FOUND) {
		api_refusal(r, e == NL_ERR_LOCKED ? NL_ESIGN_LOCKED : NL_ESIGN_CODE_UNKNOWN);
		return;
	}
	if (e) {
		nl_resp_error(r, e, NULL);
		return;
	}
	const char *state = nl_esign_web_state(&code, r->now);
	if (!strcmp(state, "done"))
		api_refusal(r, NL_ESIGN_CODE_USED);
	else if (!strcmp(state, "burnt"))
		api_refusal(r, NL_ESIGN_CODE_BURNT);
	else if (!strcmp(state, "expired"))
		api_refusal(r, NL_ESIGN_CODE_EXPIRED);
	else
		nl_resp_json(r, 200, json_pack("{s:s, s:s, s:I, s:I, s:I}", "text", code.text,
		                               "purpose", code.purpose,
		                               "created_at", (json_int_t)code.created_at,
		                               "expires_at", (json_int_t)code.expires_at,
		                               "now", (json_int_t)r->now));
	nl_esign_code_clear(&code);
}

void nl_h_imza_api_post(struct nl_req *r)
{
	if (!r->body || r->body_len == 0 || r->body_len > MAX_CMS_BODY) {
		api_refusal(r, NL_ESIGN_CMS_BROKEN);
		return;
	}
	struct nl_throttle_policy pol;
	struct nl_esign_outcome out;
	nl_throttle_policy_from_config(nl_app_of(r)->cfg, &pol);
	nl_err e = nl_esign_submit(nl_app_of(r), &pol, nl_req_param(r, "code"), r->body, r->body_len,
	                           r->client_ip, r->now, &out);
	if (e)
		nl_resp_error(r, e, NULL);
	else if (out.refusal)
		api_refusal(r, out.refusal);
	else
		nl_resp_json(r, 200, json_pack("{s:s, s:s, s:s}", "result", "ok", "purpose", out.purpose,
		                               "message", nl_esign_refusal_message(NL_ESIGN_OK)));
}

/* ---- the waiting page's poll and its continuation ---- */

/* Code {id} of this session; false (answer queued) otherwise. */
static bool session_code(struct nl_req *r, struct nl_esign_code *code)
{
	int64_t id;
	nl_err e = nl_req_param_id(r, "id", &id);
	if (e == NL_OK && !r->session.present)
		e = NL_ERR_NOT_FOUND;
	if (e == NL_OK)
		e = nl_esign_code_get(nl_app_of(r), id, r->session.s.id_hash, NULL, code);
	if (e)
		nl_resp_error(r, e, NULL);
	return e == NL_OK;
}

void nl_h_imza_status(struct nl_req *r)
{
	struct nl_esign_code code;
	if (!session_code(r, &code))
		return;
	int64_t left = code.expires_at - r->now;
	json_t *j = json_pack("{s:s, s:I, s:s, s:s}", "status", nl_esign_web_state(&code, r->now),
	                      "remaining", (json_int_t)(left > 0 ? left : 0),
	                      "message", code.last_error,
	                      "next", nl_arena_printf(r->arena, "/imza/%lld/devam", (long long)code.id));
	nl_esign_code_clear(&code);
	nl_resp_json(r, 200, j);
}

static const char *wait_url(struct nl_req *r, const struct nl_esign_code *code)
{
	if (!strcmp(code->purpose, "login"))
		return "/online-islemler/eimza";
	if (!strcmp(code->purpose, "econsent"))
		return "/online-islemler/eonay/imza";
	int64_t no = 0;
	nl_err_ignore(nl_esign_order_no(nl_app_of(r), code->order_id, &no));   /* 0: the wizard URL answers 404 */
	return nl_wz_url(r, no, "eimza");
}

void nl_h_imza_continue(struct nl_req *r)
{
	struct nl_esign_code code;
	if (!session_code(r, &code))
		return;
	const char *go = wait_url(r, &code);
	if (strcmp(code.status, "used") != 0) {
		nl_resp_redirect(r, go);
	} else if (!strcmp(code.purpose, "login")) {
		int64_t person = 0;
		nl_err e = nl_esign_signature_person(nl_app_of(r), code.signature_id, &person);
		/* His qualified certificate proved the person: every order, Online
		 * İşlemler and e-Onay (pages/entitle.h). */
		if (e == NL_OK)
			e = nl_entitle_login(r, person, 0,
			                     NL_RIGHT_ONLINE | NL_RIGHT_EONAY | NL_RIGHT_ESIGN);
		if (e == NL_OK) {
			nl_resp_redirect(r, "/online-islemler/menu");
		} else {
			nl_resp_error(r, e, NULL);
		}
	} else if (!strcmp(code.purpose, "econsent")) {
		nl_resp_redirect(r, "/online-islemler/eonay/sonuc");
	} else {
		size_t n = strlen(go);
		nl_resp_redirect(r, nl_arena_printf(r->arena, "%.*ssonuc", (int)(n - 5), go));
	}
	nl_esign_code_clear(&code);
}

/* ---- step 2 by e-İmza ---- */

static bool issue_approve_code(struct nl_req *r, const struct nl_form_view *fv)
{
	char *text = nl_esign_text_approve(fv, r->now);
	if (!text)
		return false;
	struct nl_esign_issue in = {
		.purpose = "approve", .id_number = fv->id_number, .person_id = nl_wz_person(r),
		.order_id = fv->order_id, .form_version_id = fv->current.id, .text = text,
	};
	int64_t id;
	nl_err e = nl_esign_web_issue(r, &in, &id);
	free(text);
	return e == NL_OK;
}

void nl_h_wizard_esign(struct nl_req *r)
{
	struct nl_form_view fv;
	int64_t no;
	if (!nl_wz_load(r, &fv, &no))
		return;
	struct nl_esign_code code = {0};
	char digits[NL_ESIGN_CODE_DIGITS + 1];
	if (!fv.has_current || fv.current.status == NL_FORM_SUBMITTED) {
		nl_resp_redirect(r, nl_wz_url(r, no, fv.has_current ? "sms" : "form"));
		goto out;
	}
	nl_err e = nl_esign_web_current(r, "approve", &code, digits);
	bool usable = e == NL_OK && code.form_version_id == fv.current.id &&
	              (!strcmp(nl_esign_web_state(&code, r->now), "waiting") ||
	               !strcmp(code.status, "used"));
	if (!usable && fv.current.status == NL_FORM_APPROVED) {
		nl_resp_redirect(r, nl_wz_url(r, no, "sonuc"));
		goto out;
	}
	if (!usable) {
		nl_esign_code_clear(&code);
		if (!issue_approve_code(r, &fv) ||
		    nl_esign_web_current(r, "approve", &code, digits) != NL_OK) {
			nl_resp_error(r, NL_ERR_INTERNAL, NULL);
			goto out;
		}
	}
	json_t *d = nl_wz_page(r, "Approval with e-İmza", 2, no);
	if (!d) {
		nl_resp_error(r, NL_ERR_NOMEM, NULL);
		goto out;
	}
	json_object_set_new(d, "approve", json_true());
	nl_esign_web_wait_page(r, d, &code, digits, nl_wz_url(r, no, "eimza"), nl_wz_url(r, no, "eimza"));
out:
	nl_esign_code_clear(&code);
	nl_form_view_free(&fv);
}

void nl_h_wizard_esign_new(struct nl_req *r)
{
	struct nl_form_view fv;
	int64_t no;
	if (!nl_wz_load(r, &fv, &no))
		return;
	if (fv.has_current && fv.current.status == NL_FORM_SMS_CONFIRMED && !issue_approve_code(r, &fv))
		nl_resp_error(r, NL_ERR_INTERNAL, NULL);
	else
		nl_resp_redirect(r, nl_wz_url(r, no, "eimza"));
	nl_form_view_free(&fv);
}

/* ---- step 2 by e-Onay ---- */

/* Approves the form version by standing consent. The undertaking's checkbox
 * was checked by the caller. NULL on success, else the msgid to show. */
const char *nl_esign_web_eonay(struct nl_req *r, const struct nl_form_view *fv, int64_t version)
{
	if (!fv->econsent)
		return "e-Onay needs your standing consent, which you have not given. Please choose another method.";
	char actor[40];
	snprintf(actor, sizeof actor, "person:%lld", (long long)nl_wz_person(r));
	/* The approval checks the consent itself and names it as the evidence. */
	struct nl_approve_req req = {
		.order_no = fv->order_no, .version = version, .person_id = nl_wz_person(r),
		.method = NL_APPROVE_E_ONAY, .actor = actor, .now = r->now,
	};
	struct nl_approve_result res = {0};
	nl_err e = nl_approve_form(nl_app_of(r), &req, &res);
	if (e == NL_OK)
		return NULL;
	if (res.refusal != NL_APPROVE_REFUSED_NONE)
		return nl_approve_refusal_msgid(res.refusal);
	return "The form could not be approved. Please try again.";
}

struct eonay_post {
	int64_t version;
	bool accept;
};
static const struct nl_spec eonay_spec[] = {
	NL_SPEC_INT("version", struct eonay_post, version, 1, 1000000, NL_SPEC_REQUIRED),
	NL_SPEC_BOOL("accept", struct eonay_post, accept, 0),
	NL_SPEC_END,
};

void nl_h_wizard_eonay(struct nl_req *r)
{
	struct nl_form_view fv;
	struct eonay_post p = {0};
	struct nl_spec_result res;
	int64_t no;
	if (!nl_wz_load(r, &fv, &no))
		return;
	nl_err e = nl_req_parse_body(r, eonay_spec, &p, &res);
	if (e != NL_OK || !p.accept) {
		nl_resp_redirect(r, nl_wz_url(r, no, "onay"));
	} else {
		const char *why = nl_esign_web_eonay(r, &fv, p.version);
		if (why)
			nl_resp_error(r, NL_ERR_CONFLICT, "%s", nl_page_tr(r, why));
		else
			nl_resp_redirect(r, nl_wz_url(r, no, "sonuc"));
	}
	nl_form_view_free(&fv);
}
