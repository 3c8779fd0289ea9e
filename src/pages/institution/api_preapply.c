/* The institutions' JSON API, writing side (docs/api.md):
 *   POST /api/v1/preapplications      one pre-application (app/preapply.h)
 *   POST /api/v1/orders/{no}/cancel   {"reason": "..."} (app/cancel.h)
 * Field errors come back per field in the error envelope of view/spec.h; the
 * codes are stable. */
#include <inttypes.h>
#include <stdio.h>

#include "app/cancel.h"
#include "app/preapply.h"
#include "pages/api_common.h"
#include "pages/handlers.h"
#include "pages/pages.h"
#include "view/i18n.h"
#include "pages/institution/order_forms.h"

/* The use case's own field errors, in the same envelope as the spec's. */
static void use_case_errors(struct nl_req *r, const struct nl_preapply_field_error *errs, size_t n)
{
	json_t *fields = json_object();
	for (size_t i = 0; fields && i < n; i++)
		if (!json_object_get(fields, errs[i].field))
			json_object_set_new(fields, errs[i].field, json_pack(
				"{s:s, s:s}", "code", errs[i].code, "message",
				nl_i18n_get(r->lang, nl_field_msgid(errs[i].code))));
	nl_api_error(r, 400, nl_err_code(NL_ERR_INVALID), "The input is not valid.",
	             json_pack("{s:o}", "fields", fields));
}

void nl_h_api_preapply(struct nl_req *r)
{
	int64_t inst;
	const char *actor;
	struct nl_preapply_input in;
	struct nl_spec_result res;
	if (!nl_api_institution(r, &inst, &actor))
		return;
	nl_err e = nl_spec_parse(r->arena, nl_preapply_spec, r->content_type_full, r->body,
	                         r->body_len, &in, &res);
	if (e == NL_ERR_NOMEM) {
		nl_resp_error(r, e, NULL);
		return;
	}
	if (e) {
		nl_resp_json(r, 400, nl_spec_errors_json(nl_preapply_spec, &res, r->lang));
		return;
	}
	struct nl_preapply_clean clean;
	struct nl_preapply_field_error errs[NL_PA_MAX_ERRORS];
	size_t n_errs = 0;
	if (nl_preapply_validate(&in, &clean, errs, &n_errs) != NL_OK) {
		use_case_errors(r, errs, n_errs);
		return;
	}
	struct nl_preapply_ctx ctx = {
		.app = nl_app_of(r), .institution_id = inst, .actor = actor,
		.now = r->now,
	};
	struct nl_preapply_result out;
	e = nl_preapply_one(&ctx, &in, &out);
	if (e == NL_ERR_CONFLICT) {
		char no[32];
		snprintf(no, sizeof no, NL_ORDER_NO_PREFIX "%" PRId64, out.order_no);
		nl_api_error(r, 409, "open_order",
		             "This person already has an open order in your institution.",
		             json_pack("{s:s}", "order_no", no));
		return;
	}
	if (e) {
		nl_resp_error(r, e, NULL);
		return;
	}
	json_t *j = nl_api_order_json(r, inst, out.order_no, &e);
	if (!j) {
		nl_resp_error(r, e, NULL);
		return;
	}
	char loc[64];
	snprintf(loc, sizeof loc, "/api/v1/orders/%" PRId64, out.order_no);
	nl_resp_add_header(r, "Location", loc);
	nl_resp_json(r, 201, j);
}

void nl_h_api_cancel(struct nl_req *r)
{
	int64_t inst, no;
	const char *actor;
	struct nl_cancel_fields f;
	struct nl_spec_result res;
	if (!nl_api_institution(r, &inst, &actor))
		return;
	if (!nl_api_order_no(r, &no)) {
		nl_resp_error(r, NL_ERR_NOT_FOUND, NULL);
		return;
	}
	nl_err e = nl_spec_parse(r->arena, nl_cancel_spec, r->content_type_full, r->body,
	                         r->body_len, &f, &res);
	if (e == NL_ERR_NOMEM) {
		nl_resp_error(r, e, NULL);
		return;
	}
	if (e) {
		nl_resp_json(r, 400, nl_spec_errors_json(nl_cancel_spec, &res, r->lang));
		return;
	}
	struct nl_cancel_input in = {
		.order_no = no, .institution_id = inst, .actor = actor, .reason = f.reason,
	};
	e = nl_cancel_order(nl_app_of(r), &in, NULL);
	if (e == NL_ERR_CONFLICT)
		e = NL_ERR_TRANSITION;
	if (e) {
		nl_resp_error(r, e, NULL);
		return;
	}
	json_t *j = nl_api_order_json(r, inst, no, &e);
	if (!j) {
		nl_resp_error(r, e, NULL);
		return;
	}
	nl_resp_json(r, 200, j);
}
