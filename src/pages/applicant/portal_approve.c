/* Step 2 "Onay" (İmzalama Yöntemi) and step 3 "Sonuç" of the wizard:
 *   GET  /basvuru/{no}/onay    the approval methods: e-Onay (only with standing
 *                              consent), e-İmza, Islak İmza, with the guides'
 *                              explanations
 *   POST /basvuru/{no}/onay    method + version (+ accept for e-Onay): records
 *                              the choice on the SMS-confirmed version
 *   GET  /basvuru/{no}/sonuc   what happens next, per chosen method and payment
 * Performing the approval (the signing application, the wet-signature PDF with
 * its barcode, e-Onay itself) is issue 6; here the form ends "filled and
 * confirmed by SMS, awaiting approval" with the method recorded. */
#include <string.h>

#include "app/form.h"
#include "app/wet.h"
#include "pages/esign_web.h"
#include "pages/handlers.h"
#include "pages/pages.h"
#include "pages/applicant/portal_wizard.h"
#include "view/spec.h"

struct approve_post {
	int method;        /* index into methods[] */
	int64_t version;
	bool accept;       /* the undertaking's checkbox (e-Onay) */
};

#define STALE "This form version is no longer valid: a newer version was saved."

static const char *const methods[] = {"e_onay", "e_imza", "islak", NULL};
static const struct nl_spec approve_spec[] = {
	NL_SPEC_ENUM("method", struct approve_post, method, methods, NL_SPEC_REQUIRED),
	NL_SPEC_INT("version", struct approve_post, version, 1, 1000000, NL_SPEC_REQUIRED),
	NL_SPEC_BOOL("accept", struct approve_post, accept, 0),
	NL_SPEC_END,
};

/* The step a person belongs to when not at step 2. NULL: step 2. */
static const char *not_step2(struct nl_req *r, const struct nl_form_view *fv)
{
	if (!fv->has_current)
		return nl_wz_url(r, fv->order_no, "form");
	if (fv->current.status == NL_FORM_SUBMITTED)
		return nl_wz_url(r, fv->order_no, "sms");
	return NULL;
}

static void render_step2(struct nl_req *r, int status, const struct nl_form_view *fv,
                         const char *error)
{
	json_t *d = nl_wz_page(r, "Approval Method", 2, fv->order_no);
	if (!d) {
		nl_resp_error(r, NL_ERR_NOMEM, NULL);
		return;
	}
	json_object_set_new(d, "version", json_integer(fv->current.version));
	json_object_set_new(d, "econsent", json_boolean(fv->econsent));
	json_object_set_new(d, "action", json_string(nl_wz_url(r, fv->order_no, "onay")));
	json_object_set_new(d, "approved", json_boolean(fv->current.status == NL_FORM_APPROVED));
	if (*fv->current.approval_method)
		json_object_set_new(d, "chosen", json_string(fv->current.approval_method));
	nl_wz_set_msg(r, d, "error", error);
	nl_page_respond(r, status, "form/approve", d);
}

void nl_h_wizard_approve(struct nl_req *r)
{
	struct nl_form_view fv;
	int64_t no;
	if (!nl_wz_load(r, &fv, &no))
		return;
	const char *go = not_step2(r, &fv);
	if (go)
		nl_resp_redirect(r, go);
	else
		render_step2(r, 200, &fv, NULL);
	nl_form_view_free(&fv);
}

void nl_h_wizard_approve_post(struct nl_req *r)
{
	struct nl_form_view fv;
	struct approve_post p;
	struct nl_spec_result res;
	int64_t no;
	if (!nl_wz_load(r, &fv, &no))
		return;
	nl_err e = nl_req_parse_body(r, approve_spec, &p, &res);
	const char *go = not_step2(r, &fv);
	if (e == NL_ERR_NOMEM) {
		nl_resp_error(r, e, NULL);
	} else if (e == NL_OK && fv.has_current && p.version != fv.current.version) {
		/* A page of an older version (superseded by "Önceki Başvuru"): say so
		 * rather than quietly sending the person elsewhere. */
		nl_resp_error(r, NL_ERR_CONFLICT, "%s", STALE);
	} else if (go) {
		nl_resp_redirect(r, go);
	} else if (e != NL_OK) {
		render_step2(r, 400, &fv, "Please choose an approval method.");
	} else if (p.method == 0 && !p.accept) {
		render_step2(r, 400, &fv, "Please confirm that you accept the undertaking.");
	} else if (p.method == 0) {
		/* e-Onay approves at once (esign_web.h). */
		const char *why = nl_esign_web_eonay(r, &fv, p.version);
		if (why)
			render_step2(r, fv.econsent ? 409 : 403, &fv, why);
		else
			nl_resp_redirect(r, nl_wz_url(r, no, "sonuc"));
	} else {
		e = nl_form_choose_method(nl_app_of(r), nl_wz_person(r), no, p.version,
		                          (enum nl_approval_method)(p.method + 1), r->now);
		if (e == NL_OK && p.method == 1)
			nl_resp_redirect(r, nl_wz_url(r, no, "eimza"));   /* the code page */
		else if (e == NL_OK)
			nl_resp_redirect(r, nl_wz_url(r, no, "sonuc"));
		else if (e == NL_ERR_FORBIDDEN)
			render_step2(r, 403, &fv, "e-Onay needs your standing consent, which you have "
			                          "not given. Please choose another method.");
		else if (e == NL_ERR_CONFLICT)
			render_step2(r, 409, &fv, STALE);
		else
			nl_resp_error(r, e, NULL);
	}
	nl_form_view_free(&fv);
}

void nl_h_wizard_result(struct nl_req *r)
{
	struct nl_form_view fv;
	int64_t no;
	if (!nl_wz_load(r, &fv, &no))
		return;
	const char *go = not_step2(r, &fv);
	if (!go && !*fv.current.approval_method)
		go = nl_wz_url(r, no, "onay");
	if (go) {
		nl_resp_redirect(r, go);
		nl_form_view_free(&fv);
		return;
	}
	json_t *d = nl_wz_page(r, "Result", 3, no);
	if (!d) {
		nl_resp_error(r, NL_ERR_NOMEM, NULL);
		nl_form_view_free(&fv);
		return;
	}
	const char *m = fv.current.approval_method;
	json_object_set_new(d, "islak", json_boolean(!strcmp(m, "islak")));
	json_object_set_new(d, "e_imza", json_boolean(!strcmp(m, "e_imza")));
	json_object_set_new(d, "e_onay", json_boolean(!strcmp(m, "e_onay")));
	json_object_set_new(d, "person_pays", json_boolean(fv.payment_type == NL_PAY_PERSON));
	json_object_set_new(d, "approve_url", json_string(nl_wz_url(r, no, "onay")));
	json_object_set_new(d, "eimza_url", json_string(nl_wz_url(r, no, "eimza")));
	json_object_set_new(d, "approved", json_boolean(fv.current.status == NL_FORM_APPROVED));
	json_object_set_new(d, "version", json_integer(fv.current.version));
	/* Islak İmza (wet): the PDF's link and the CA's postal address, one line
	 * per '|'-separated part of [ca] postal_address. */
	json_object_set_new(d, "pdf_url", json_string(nl_wz_url(r, no, "form.pdf")));
	json_t *lines = json_array();
	for (const char *p = nl_app_of(r)->cfg->ca_postal_address; lines && *p;) {
		size_t n = strcspn(p, "|");
		size_t a = 0, b = n;
		while (a < b && p[a] == ' ')
			a++;
		while (b > a && p[b - 1] == ' ')
			b--;
		json_array_append_new(lines, json_pack("{s:s%}", "line", p + a, b - a));
		p += n + (p[n] == '|');
	}
	json_object_set_new(d, "postal_lines", lines ? lines : json_array());
	/* A paper form the registration officer rejected: say why, offer a new version. */
	bool rejected = false;
	char reason[NL_WET_VALUE_MAX];
	if (!strcmp(m, "islak") &&
	    nl_wet_rejection(nl_app_of(r), fv.current.id, &rejected, reason, sizeof reason) == NL_OK &&
	    rejected) {
		json_object_set_new(d, "wet_rejected", json_true());
		json_object_set_new(d, "reject_reason", json_string(reason));
		json_object_set_new(d, "form_url", json_string(nl_wz_url(r, no, "form")));
	}
	nl_page_respond(r, 200, "form/result", d);
	nl_form_view_free(&fv);
}
