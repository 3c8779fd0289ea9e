/* "SMS Onay Kodu", between step 1 and step 2 of the wizard (SPEC §4):
 *   GET  /basvuru/{no}/sms   the masked mobile number, "Gönder", the code field
 *                            and, while a code is valid, "Kalan Süre"
 *   POST /basvuru/{no}/sms   action = send | verify; version = the form version
 *                            the page was made for (an old one is refused)
 * The countdown works without JavaScript: the page shows until when the code
 * is valid; web/static/js/wizard.js counts the seconds down from
 * data-remaining. The rules are in src/app/otp.c. */
#include <stdio.h>
#include <string.h>

#include "app/otp.h"
#include "pages/handlers.h"
#include "pages/pages.h"
#include "pages/applicant/portal_wizard.h"
#include "view/spec.h"

struct sms_post {
	const char *action;
	const char *code;
	int64_t version;
};

static const struct nl_spec sms_spec[] = {
	NL_SPEC_TEXT("action", struct sms_post, action, 1, 16, NL_SPEC_REQUIRED),
	NL_SPEC_TEXT("code", struct sms_post, code, 0, 16, NL_SPEC_SECRET),
	NL_SPEC_INT("version", struct sms_post, version, 1, 1000000, NL_SPEC_REQUIRED),
	NL_SPEC_END,
};

/* Where a person who is not (or no longer) at this step belongs: no version
 * yet -> step 1; already confirmed -> step 2. NULL: this page. */
static const char *elsewhere(struct nl_req *r, const struct nl_form_view *fv)
{
	if (!fv->has_current)
		return nl_wz_url(r, fv->order_no, "form");
	if (fv->current.status != NL_FORM_SUBMITTED)
		return nl_wz_url(r, fv->order_no, "onay");
	return NULL;
}

/* notice, error: message ids; code_error: translated text next to the field. */
static void render(struct nl_req *r, int status, const struct nl_form_view *fv,
                   const char *notice, const char *error, const char *code_error)
{
	char masked[32], until[24];
	int64_t expires = 0, tries = 0;
	json_t *d = nl_wz_page(r, "SMS Confirmation Code", 1, fv->order_no);
	if (!d) {
		nl_resp_error(r, NL_ERR_NOMEM, NULL);
		return;
	}
	nl_err_ignore(nl_otp_pending(nl_app_of(r), nl_wz_person(r), fv->order_no, fv->current.version, r->now,
	               &expires, &tries));   /* none pending: no countdown shown */
	nl_mask_mobile(fv->current.mobile, masked, sizeof masked);
	json_object_set_new(d, "mobile_masked", json_string(masked));
	json_object_set_new(d, "version", json_integer(fv->current.version));
	json_object_set_new(d, "action", json_string(nl_wz_url(r, fv->order_no, "sms")));
	json_object_set_new(d, "form_url", json_string(nl_wz_url(r, fv->order_no, "form")));
	if (expires > r->now) {
		nl_wz_time(expires, until);
		json_object_set_new(d, "countdown", json_pack("{s:I, s:s, s:I}", "remaining",
		                                              (json_int_t)(expires - r->now), "until",
		                                              until, "tries", (json_int_t)tries));
	}
	nl_wz_set_msg(r, d, "notice", notice);
	nl_wz_set_msg(r, d, "error", error);
	if (code_error)   /* already translated (it may carry a count) */
		json_object_set_new(d, "code_error", json_string(code_error));
	nl_page_respond(r, status, "form/sms", d);
}

void nl_h_wizard_sms(struct nl_req *r)
{
	struct nl_form_view fv;
	int64_t no;
	if (!nl_wz_load(r, &fv, &no))
		return;
	const char *go = elsewhere(r, &fv);
	if (go)
		nl_resp_redirect(r, go);
	else
		render(r, 200, &fv, NULL, NULL, NULL);
	nl_form_view_free(&fv);
}

static void do_send(struct nl_req *r, const struct nl_form_view *fv, int64_t version,
                    const uint8_t key[NL_KEYED_KEY_LEN])
{
	struct nl_otp_sent sent;
	nl_err e = nl_otp_send(nl_app_of(r), key, nl_wz_person(r), fv->order_no, version, r->now,
	                       &sent);
	if (e == NL_OK) {
		render(r, 200, fv, "The code was sent to your mobile phone. It is valid for 3 minutes.",
		       NULL, NULL);
	} else if (e == NL_ERR_RATE_LIMIT || e == NL_ERR_CONFLICT) {
		if (sent.refusal == NL_OTP_REFUSE_CONFIRMED) {
			nl_resp_redirect(r, nl_wz_url(r, fv->order_no, "onay"));
			return;
		}
		render(r, e == NL_ERR_RATE_LIMIT ? 429 : 409, fv, NULL,
		       nl_otp_refusal_msgid(sent.refusal), NULL);
	} else {
		nl_resp_error(r, e, NULL);
	}
}

static void do_verify(struct nl_req *r, const struct nl_form_view *fv, int64_t version,
                      const char *code, const uint8_t key[NL_KEYED_KEY_LEN])
{
	struct nl_otp_result res;
	nl_err e = nl_otp_verify(nl_app_of(r), key, nl_wz_person(r), fv->order_no, version,
	                         code ? code : "", r->now, &res);
	if (e != NL_OK) {
		nl_resp_error(r, e, NULL);
		return;
	}
	if (res.outcome == NL_OTP_OK) {
		nl_resp_redirect(r, nl_wz_url(r, fv->order_no, "onay"));
		return;
	}
	if (res.outcome == NL_OTP_WRONG) {
		char msg[200];
		snprintf(msg, sizeof msg, "%s %s: %d", nl_page_tr(r, "The code is not right."),
		         nl_page_tr(r, "Tries left"), (int)res.tries_left);
		render(r, 400, fv, NULL, NULL, msg);
		return;
	}
	int status = res.outcome == NL_OTP_STALE_VERSION ? 409
	           : res.outcome == NL_OTP_LOCKED ? 429 : 400;
	render(r, status, fv, NULL, NULL, nl_page_tr(r, nl_otp_outcome_msgid(res.outcome)));
}

void nl_h_wizard_sms_post(struct nl_req *r)
{
	struct nl_form_view fv;
	struct sms_post p;
	struct nl_spec_result res;
	uint8_t key[NL_KEYED_KEY_LEN];
	int64_t no;
	if (!nl_wz_load(r, &fv, &no))
		return;
	nl_err e = nl_req_parse_body(r, sms_spec, &p, &res);
	if (e == NL_ERR_NOMEM || (e == NL_OK && (e = nl_otp_key(nl_app_of(r), key)) != NL_OK)) {
		nl_resp_error(r, e, NULL);
		goto out;
	}
	if (e != NL_OK || (strcmp(p.action, "send") && strcmp(p.action, "verify"))) {
		if (!fv.has_current)
			nl_resp_redirect(r, nl_wz_url(r, no, "form"));
		else
			render(r, 400, &fv, NULL, "The form could not be read. Please try again.", NULL);
		goto out;
	}
	/* An old page (its version was replaced) is refused by the use cases with
	 * a clear message; with no version at all, step 1 comes first. */
	if (!fv.has_current) {
		nl_resp_redirect(r, nl_wz_url(r, no, "form"));
		goto out;
	}
	if (!strcmp(p.action, "send"))
		do_send(r, &fv, p.version, key);
	else
		do_verify(r, &fv, p.version, p.code, key);
out:
	nl_form_view_free(&fv);
}
