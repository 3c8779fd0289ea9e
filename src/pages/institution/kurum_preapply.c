/* The officer's pre-application form and the cancel button:
 *   GET/POST /kurum/basvuru/yeni          one pre-application (app/preapply.h)
 *   POST     /kurum/siparis/{no}/iptal    cancel with a reason (app/cancel.h)
 * Every field is checked by its spec and again by the use case; on an error
 * the form comes back with what was typed and a message next to each field. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "app/cancel.h"
#include "app/preapply.h"
#include "pages/handlers.h"
#include "pages/kurum_common.h"
#include "pages/institution/order_forms.h"
#include "pages/pages.h"

static void render_form(struct nl_req *r, int status, json_t *form)
{
	struct nl_officer o;
	if (!nl_kurum_officer(r, &o)) {
		json_decref(form);
		return;
	}
	json_t *d = nl_page_data(r, "New Pre-application");
	if (!d || !form) {
		json_decref(d);
		json_decref(form);
		nl_resp_error(r, NL_ERR_NOMEM, NULL);
		return;
	}
	json_t *values = json_object_get(form, "values");
	json_object_set_new(d, "officer", json_pack("{s:s, s:s}", "username", o.username,
	                                            "institution", o.institution));
	json_object_set_new(d, "csrf", json_string(nl_session_csrf(r)));
	json_object_set_new(d, "reasons", nl_kurum_reason_options(
		r, json_string_value(json_object_get(values, NL_PA_REASON))));
	json_object_set_new(d, "payments", nl_kurum_payment_options(
		r, json_string_value(json_object_get(values, NL_PA_PAYMENT))));
	json_object_set_new(d, "form", form);
	nl_page_respond(r, status, "kurum/preapply", d);
}

void nl_h_kurum_preapply_page(struct nl_req *r)
{
	/* Sensible defaults: a first certificate, paid by the institution. */
	json_t *form = json_pack("{s:{s:s, s:s}}", "values", NL_PA_REASON, "first", NL_PA_PAYMENT,
	                         "institution");
	render_form(r, 200, form);
}

/* The use-case error codes that specs do not know. */
static const char *extra_msgid(const char *code)
{
	if (!strcmp(code, "open_order"))
		return "This person already has an open order in your institution.";
	return nl_field_msgid(code);
}

void nl_h_kurum_preapply(struct nl_req *r)
{
	struct nl_preapply_input in;
	struct nl_spec_result res;
	struct nl_officer o;
	if (!nl_kurum_officer(r, &o))
		return;
	nl_err e = nl_spec_parse(r->arena, nl_preapply_spec, r->content_type_full, r->body,
	                         r->body_len, &in, &res);
	if (e == NL_ERR_NOMEM) {
		nl_resp_error(r, e, NULL);
		return;
	}
	json_t *form = nl_spec_form_json(nl_preapply_spec, &res, r->lang);
	if (e) {
		render_form(r, 400, form);
		return;
	}
	struct nl_preapply_clean clean;
	struct nl_preapply_field_error errs[NL_PA_MAX_ERRORS];
	size_t n_errs = 0;
	if (nl_preapply_validate(&in, &clean, errs, &n_errs) != NL_OK) {
		for (size_t i = 0; i < n_errs; i++)
			nl_kurum_form_add_error(r, form, errs[i].field, errs[i].code,
			                        extra_msgid(errs[i].code));
		render_form(r, 400, form);
		return;
	}
	struct nl_preapply_ctx ctx = {
		.app = nl_app_of(r), .institution_id = o.institution_id,
		.actor = nl_kurum_actor(r, o.user_id), .now = r->now,
	};
	struct nl_preapply_result out;
	e = nl_preapply_one(&ctx, &in, &out);
	if (e == NL_ERR_CONFLICT) {
		char msg[300];
		snprintf(msg, sizeof msg, "%s (%s%" PRId64 ")", nl_page_tr(r, extra_msgid("open_order")),
		         NL_ORDER_NO_PREFIX, out.order_no);
		nl_kurum_form_add_error(r, form, NL_PA_ID_NUMBER, "open_order", msg);
		render_form(r, 409, form);
		return;
	}
	json_decref(form);
	if (e) {
		nl_resp_error(r, e, NULL);
		return;
	}
	char url[64];
	snprintf(url, sizeof url, "/kurum/siparis/%" PRId64 "?durum=yeni", out.order_no);
	nl_resp_redirect(r, url);
}

void nl_h_kurum_cancel(struct nl_req *r)
{
	struct nl_cancel_fields f;
	struct nl_spec_result res;
	struct nl_officer o;
	int64_t no;
	if (!nl_kurum_officer(r, &o))
		return;
	if (!nl_kurum_order_no(nl_req_param(r, "no"), &no)) {
		nl_resp_error(r, NL_ERR_NOT_FOUND, NULL);
		return;
	}
	nl_err e = nl_spec_parse(r->arena, nl_cancel_spec, r->content_type_full, r->body, r->body_len,
	                         &f, &res);
	if (e == NL_ERR_NOMEM) {
		nl_resp_error(r, e, NULL);
		return;
	}
	if (e) {
		nl_kurum_order_page(r, 400, NULL, nl_spec_form_json(nl_cancel_spec, &res, r->lang));
		return;
	}
	struct nl_cancel_input in = {
		.order_no = no, .institution_id = o.institution_id,
		.actor = nl_kurum_actor(r, o.user_id), .reason = f.reason,
	};
	e = nl_cancel_order(nl_app_of(r), &in, NULL);
	if (e == NL_ERR_TRANSITION || e == NL_ERR_CONFLICT) {
		json_t *form = nl_spec_form_json(nl_cancel_spec, &res, r->lang);
		nl_kurum_form_add_error(r, form, "reason", "transition",
		                        "This order can no longer be cancelled.");
		nl_kurum_order_page(r, 409, NULL, form);
		return;
	}
	if (e) {
		nl_resp_error(r, e, NULL);
		return;
	}
	char url[64];
	snprintf(url, sizeof url, "/kurum/siparis/%" PRId64 "?durum=iptal", no);
	nl_resp_redirect(r, url);
}
