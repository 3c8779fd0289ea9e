/* Step 1 of the application wizard, "Başvuru Bilgileri" (SPEC §4):
 *   GET  /basvuru/{no}/form    the form: the draft if there is one, else the
 *                              current version (Önceki Başvuru), else defaults
 *   POST /basvuru/{no}/form    action = submit (Devam) | draft (Taslak Kaydet) |
 *                              districts (reload the district list without
 *                              JavaScript) | identity (Kimlik Bilgilerimi Güncelle)
 *   GET  /il/{plate}/ilceler   districts of a province as JSON (the script's way)
 * The field rules live in src/app/form.c; this file parses, calls the use
 * case and shows every problem next to its field, keeping what was typed
 * (never the security word). The fields, and the spec that binds them straight
 * into the use case's input, are in portal_form_fields.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/app.h"
#include "core/geo.h"
#include "pages/handlers.h"
#include "pages/pages.h"
#include "pages/applicant/portal_form_fields.h"
#include "pages/applicant/portal_wizard.h"
#include "view/spec.h"

/* The values to show: what was typed (spec result), never secrets. */
static json_t *typed_values(const struct nl_spec_result *res)
{
	const struct nl_spec *form_spec = nl_form_post_spec();
	json_t *v = json_object();
	for (size_t i = 0; v && i < res->n_specs && form_spec[i].name; i++)
		if (res->typed && res->typed[i] && !(form_spec[i].flags & NL_SPEC_SECRET))
			json_object_set_new(v, form_spec[i].name, json_string(res->typed[i]));
	return v;
}

/* Values for a first visit: the draft, else the current version (an update
 * starts from what was sent before), else what the pre-application knows. */
static json_t *initial_values(const struct nl_form_view *fv)
{
	if (fv->has_draft)
		return nl_form_stored_values(&fv->draft);
	if (fv->has_current)
		return nl_form_stored_values(&fv->current);
	json_t *v = json_object();
	if (!v)
		return NULL;
	if (*fv->email)
		json_object_set_new(v, "email", json_string(fv->email));
	if (*fv->mobile)
		json_object_set_new(v, "mobile", json_string(fv->mobile));
	const char *reason = nl_reason_code(fv->reason);
	if (reason)
		json_object_set_new(v, "reason", json_string(reason));
	return v;
}

/* errors: {"field": "translated message"}; the spec's problems first (bad
 * UTF-8, too long), then the field rules' for fields still without one. */
static json_t *errors_json(struct nl_req *r, const struct nl_spec_result *res,
                           const struct nl_form_check *chk, json_t *list)
{
	json_t *e = json_object();
	for (size_t i = 0; e && res && i < res->n_errors; i++) {
		const struct nl_field_error *fe = &res->errors[i];
		const char *field = fe->field ? fe->field : "form";
		if (!json_object_get(e, field)) {
			const char *msg = nl_page_tr(r, fe->msgid);
			json_object_set_new(e, field, json_string(msg));
			json_array_append_new(list, json_pack("{s:s, s:s}", "field", field, "message", msg));
		}
	}
	for (size_t i = 0; e && chk && i < chk->n; i++) {
		const char *field = chk->issues[i].field;
		if (!json_object_get(e, field)) {
			const char *msg = nl_page_tr(r, chk->issues[i].msgid);
			json_object_set_new(e, field, json_string(msg));
			json_array_append_new(list, json_pack("{s:s, s:s}", "field", field, "message", msg));
		}
	}
	return e;
}

static void render(struct nl_req *r, int status, const struct nl_form_view *fv, int64_t order_no,
                   json_t *values, json_t *errors, json_t *error_list, const char *notice,
                   const char *error)
{
	json_t *d = nl_wz_page(r, "Application Form Details", 1, order_no);
	if (!d || !values) {
		json_decref(d);
		json_decref(values);
		json_decref(errors);
		json_decref(error_list);
		nl_resp_error(r, NL_ERR_NOMEM, NULL);
		return;
	}
	int64_t base = fv->has_current ? fv->current.version : 0;
	json_object_set_new(d, "base_version", json_integer(base));
	json_object_set_new(d, "update", json_boolean(fv->has_current));
	json_object_set_new(d, "editable", json_boolean(fv->editable));
	json_object_set_new(d, "action", json_string(nl_wz_url(r, order_no, "form")));
	json_object_set_new(d, "identity", nl_form_identity_json(r, fv));
	json_object_set_new(d, "institution_name", json_string(fv->institution_name));
	json_object_set_new(d, "sections", nl_form_sections_json(r, values, errors));
	if (error_list && json_array_size(error_list))
		json_object_set_new(d, "error_list", error_list);
	else
		json_decref(error_list);
	json_decref(values);
	json_decref(errors);
	nl_wz_set_msg(r, d, "notice", notice);
	nl_wz_set_msg(r, d, "error", error);
	nl_page_respond(r, status, "form/step1", d);
}

void nl_h_wizard_form(struct nl_req *r)
{
	struct nl_form_view fv;
	int64_t no;
	if (!nl_wz_load(r, &fv, &no))
		return;
	render(r, 200, &fv, no, initial_values(&fv), json_object(), json_array(), NULL,
	       fv.editable ? NULL : "This application can no longer be changed.");
	nl_form_view_free(&fv);
}

static const char *identity_msgid(nl_err e)
{
	switch (e) {
	case NL_OK: return "Your identity details were updated from the population registry.";
	case NL_ERR_INVALID: return "Identity details of passport holders cannot be updated here.";
	case NL_ERR_NOT_FOUND: return "The population registry does not know this identity number.";
	default: return "The population registry cannot be reached. Please try again later.";
	}
}

void nl_h_wizard_form_post(struct nl_req *r)
{
	struct nl_form_view fv;
	struct nl_form_post p;
	struct nl_spec_result res;
	struct nl_form_check chk = {0};
	int64_t no, version = 0;
	if (!nl_wz_load(r, &fv, &no))
		return;
	nl_err e = nl_req_parse_body(r, nl_form_post_spec(), &p, &res);
	json_t *list = json_array();
	if (e == NL_ERR_NOMEM) {
		nl_resp_error(r, e, NULL);
		goto out;
	}
	const char *action = p.action ? p.action : "submit";
	if (e != NL_OK) {
		/* Bad UTF-8, over-long or unknown fields: nothing is stored, whatever
		 * the button; the typed values come back with the problems. */
		json_t *errs = errors_json(r, &res, NULL, list);
		render(r, 400, &fv, no, typed_values(&res), errs, list, NULL,
		       "Please correct the fields marked below.");
		list = NULL;
		goto out;
	}
	if (!strcmp(action, "districts")) {
		render(r, 200, &fv, no, typed_values(&res), json_object(), list, NULL, NULL);
		list = NULL;
		goto out;
	}
	if (!strcmp(action, "identity")) {
		e = nl_form_refresh_identity(nl_app_of(r), nl_wz_person(r), r->now);
		nl_form_view_free(&fv);
		if (!nl_wz_load(r, &fv, &no))
			goto out;
		render(r, e == NL_OK ? 200 : 502, &fv, no, typed_values(&res), json_object(), list,
		       e == NL_OK ? identity_msgid(e) : NULL, e == NL_OK ? NULL : identity_msgid(e));
		list = NULL;
		goto out;
	}
	if (!fv.editable) {
		render(r, 409, &fv, no, typed_values(&res), json_object(), list, NULL,
		       "This application can no longer be changed.");
		list = NULL;
		goto out;
	}
	if (!strcmp(action, "draft")) {
		e = nl_form_save_draft(nl_app_of(r), nl_wz_person(r), no, &p.in, r->now);
		if (e != NL_OK && e != NL_ERR_TRANSITION) {
			nl_resp_error(r, e, NULL);
			goto out;
		}
		render(r, e ? 409 : 200, &fv, no, typed_values(&res), json_object(), list,
		       e ? NULL : "Your draft was saved. You can come back and continue later.",
		       e ? "This application can no longer be changed." : NULL);
		list = NULL;
		goto out;
	}
	e = nl_form_submit(nl_app_of(r), nl_wz_person(r), no, &p.in, p.base_version, r->now, &chk,
	                   &version);
	switch (e) {
	case NL_OK:
		nl_resp_redirect(r, nl_wz_url(r, no, "sms"));
		break;
	case NL_ERR_INVALID:
		render(r, 400, &fv, no, typed_values(&res), errors_json(r, NULL, &chk, list), list,
		       NULL, "Please correct the fields marked below.");
		list = NULL;
		break;
	case NL_ERR_CONFLICT:
		render(r, 409, &fv, no, typed_values(&res), json_object(), list, NULL,
		       "A newer version of this form was saved in the meantime. Please check the form "
		       "and send it again.");
		list = NULL;
		break;
	case NL_ERR_TRANSITION:
		render(r, 409, &fv, no, typed_values(&res), json_object(), list, NULL,
		       "This application can no longer be changed.");
		list = NULL;
		break;
	default:
		nl_resp_error(r, e, NULL);
	}
out:
	json_decref(list);
	nl_form_view_free(&fv);
}

/* GET /il/{plate}/ilceler: ["Adalar", "Arnavutköy", ...] in Turkish order. */
void nl_h_districts_json(struct nl_req *r)
{
	int64_t plate;
	const struct nl_province *p = NULL;
	if (nl_req_param_id(r, "plate", &plate) == NL_OK && plate <= 81)
		p = nl_province_by_plate((int)plate);
	if (!p) {
		nl_resp_error(r, NL_ERR_NOT_FOUND, NULL);
		return;
	}
	json_t *list = json_array();
	for (size_t i = 0; list && i < p->n_districts; i++)
		json_array_append_new(list, json_string(nl_district_at(p, i)));
	nl_resp_cacheable(r, 86400);
	nl_resp_json(r, 200, json_pack("{s:i, s:s, s:o}", "plate", p->plate, "province", p->name,
	                               "districts", list));
}
