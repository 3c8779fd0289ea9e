/* The institutions' JSON API, writing side (docs/api.md):
 *   POST /api/v1/preapplications      one pre-application (app/preapply.h)
 *   POST /api/v1/orders/{no}/cancel   {"reason": "..."} (app/cancel.h)
 * Field errors come back per field in the error envelope of web/spec.h; the
 * codes are stable. */
#include <inttypes.h>
#include <stdio.h>

#include "app/cancel.h"
#include "app/preapply.h"
#include "web/api_common.h"
#include "web/handlers.h"
#include "web/i18n.h"
#include "web/spec.h"

struct api_pa {
	struct nl_id_number id;
	const char *country;
	const char *given_name;
	const char *surname;
	const char *email;
	const char *mobile;
	int reason;
	int payment;
	bool backup;
};

/* In the order of enum nl_reason / nl_payment_type (index + 1 = value). */
static const char *const reason_codes[] = {
	"first", "renewal", "lost", "hardware_failure", "identity_update", "pin_lost", "other", NULL,
};
static const char *const payment_codes[] = {"institution", "person", NULL};

static const struct nl_spec api_pa_spec[] = {
	NL_SPEC_ID_NUMBER(NL_PA_ID_NUMBER, struct api_pa, id, NL_SPEC_REQUIRED),
	NL_SPEC_TEXT(NL_PA_COUNTRY, struct api_pa, country, 2, 3, 0),
	NL_SPEC_NAME(NL_PA_GIVEN, struct api_pa, given_name, NL_PA_NAME_MAX, NL_SPEC_REQUIRED),
	NL_SPEC_NAME(NL_PA_SURNAME, struct api_pa, surname, NL_PA_NAME_MAX, NL_SPEC_REQUIRED),
	NL_SPEC_EMAIL(NL_PA_EMAIL, struct api_pa, email, NL_SPEC_REQUIRED),
	NL_SPEC_MOBILE(NL_PA_MOBILE, struct api_pa, mobile, NL_SPEC_REQUIRED),
	NL_SPEC_ENUM(NL_PA_REASON, struct api_pa, reason, reason_codes, NL_SPEC_REQUIRED),
	NL_SPEC_ENUM(NL_PA_PAYMENT, struct api_pa, payment, payment_codes, NL_SPEC_REQUIRED),
	NL_SPEC_BOOL(NL_PA_BACKUP, struct api_pa, backup, 0),
	NL_SPEC_END,
};

/* The use case's own field errors, in the same envelope as the spec's. */
static void use_case_errors(struct nl_req *r, const struct nl_preapply_field_error *errs, size_t n)
{
	json_t *fields = json_object();
	for (size_t i = 0; fields && i < n; i++)
		if (!json_object_get(fields, errs[i].field))
			json_object_set_new(fields, errs[i].field, json_pack(
				"{s:s, s:s}", "code", errs[i].code, "message",
				nl_i18n_get(r->lang, nl_spec_code_msgid(errs[i].code))));
	nl_api_error(r, 400, nl_err_code(NL_ERR_INVALID), "The input is not valid.",
	             json_pack("{s:o}", "fields", fields));
}

void nl_h_api_preapply(struct nl_req *r)
{
	int64_t inst;
	const char *actor;
	struct api_pa f;
	struct nl_spec_result res;
	if (!nl_api_institution(r, &inst, &actor))
		return;
	nl_err e = nl_spec_parse(r->arena, api_pa_spec, r->content_type_full, r->body, r->body_len,
	                         &f, &res);
	if (e == NL_ERR_NOMEM) {
		nl_resp_error(r, e, NULL);
		return;
	}
	if (e) {
		nl_resp_json(r, 400, nl_spec_errors_json(api_pa_spec, &res, r->lang));
		return;
	}
	struct nl_preapply_input in = {
		.id_number = f.id.number, .passport_country = f.country,
		.given_name = f.given_name, .surname = f.surname, .email = f.email,
		.mobile = f.mobile, .backup_cert = f.backup,
		.reason = (enum nl_reason)(f.reason + 1),
		.payment_type = (enum nl_payment_type)(f.payment + 1),
	};
	struct nl_preapply_clean clean;
	struct nl_preapply_field_error errs[NL_PA_MAX_ERRORS];
	size_t n_errs = 0;
	if (nl_preapply_validate(&in, &clean, errs, &n_errs) != NL_OK) {
		use_case_errors(r, errs, n_errs);
		return;
	}
	struct nl_preapply_ctx ctx = {
		.db = r->srv->db, .cfg = r->srv->cfg, .institution_id = inst, .actor = actor,
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

struct api_cancel {
	const char *reason;
};

static const struct nl_spec api_cancel_spec[] = {
	NL_SPEC_TEXT("reason", struct api_cancel, reason, 3, NL_CANCEL_REASON_MAX,
	             NL_SPEC_REQUIRED | NL_SPEC_MULTILINE),
	NL_SPEC_END,
};

void nl_h_api_cancel(struct nl_req *r)
{
	int64_t inst, no;
	const char *actor;
	struct api_cancel f;
	struct nl_spec_result res;
	if (!nl_api_institution(r, &inst, &actor))
		return;
	if (!nl_api_order_no(r, &no)) {
		nl_resp_error(r, NL_ERR_NOT_FOUND, NULL);
		return;
	}
	nl_err e = nl_spec_parse(r->arena, api_cancel_spec, r->content_type_full, r->body,
	                         r->body_len, &f, &res);
	if (e == NL_ERR_NOMEM) {
		nl_resp_error(r, e, NULL);
		return;
	}
	if (e) {
		nl_resp_json(r, 400, nl_spec_errors_json(api_cancel_spec, &res, r->lang));
		return;
	}
	struct nl_cancel_input in = {
		.order_no = no, .institution_id = inst, .actor = actor, .reason = f.reason,
	};
	e = nl_cancel_order(r->srv->db, &in, NULL);
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
