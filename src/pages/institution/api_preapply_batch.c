/* POST /api/v1/preapplications/batch (docs/api.md): {"items": [ {...}, ... ]}
 * with up to NL_API_BATCH_MAX pre-applications of the single endpoint's shape,
 * answered 200 with one result per item in the same order:
 *   {"index":0,"status":"created","order_no":"SD-..."}
 *   {"index":1,"status":"invalid","fields":{...}}       (nothing done for it)
 *   {"index":2,"status":"open_order","order_no":"SD-..."}
 * The good items are created in one transaction (app/preapply.h
 * nl_preapply_batch); a bad item never costs the good ones. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/preapply.h"
#include "pages/api_common.h"
#include "pages/handlers.h"
#include "pages/pages.h"
#include "view/i18n.h"
#include "pages/institution/order_forms.h"

#define NL_API_BATCH_MAX 1000

static json_t *use_case_fields(struct nl_req *r, const struct nl_preapply_field_error *errs,
                               size_t n)
{
	json_t *fields = json_object();
	for (size_t i = 0; fields && i < n; i++)
		if (!json_object_get(fields, errs[i].field))
			json_object_set_new(fields, errs[i].field, json_pack(
				"{s:s, s:s}", "code", errs[i].code, "message",
				nl_i18n_get(r->lang, nl_field_msgid(errs[i].code))));
	return fields;
}

/* Item i checked alone, as the single endpoint would: a result for a bad
 * item (appended to out), or the clean row in *row. */
static NL_MUST_USE nl_err one_item(struct nl_req *r, json_t *item, size_t i, json_t *out,
                       struct nl_preapply_clean *row, bool *good)
{
	struct nl_preapply_input in;
	struct nl_spec_result res;
	*good = false;
	char *text = json_dumps(item, JSON_COMPACT);
	if (!text)
		return NL_ERR_NOMEM;
	nl_err e = nl_spec_parse(r->arena, nl_preapply_spec, "application/json", text,
	                         strlen(text), &in, &res);
	free(text);
	if (e == NL_ERR_NOMEM)
		return e;
	json_t *fields = NULL;
	if (e) {
		json_t *env = nl_spec_errors_json(nl_preapply_spec, &res, r->lang);
		json_t *err = env ? json_object_get(env, "error") : NULL;
		json_t *ff = err ? json_object_get(err, "fields") : NULL;
		json_t *body = err ? json_object_get(err, "body") : NULL;
		fields = ff ? json_incref(ff) : body ? json_pack("{s:O}", "body", body) : json_object();
		json_decref(env);
	} else {
		struct nl_preapply_field_error errs[NL_PA_MAX_ERRORS];
		size_t n_errs = 0;
		if (nl_preapply_validate(&in, row, errs, &n_errs) == NL_OK) {
			*good = true;
			return NL_OK;
		}
		fields = use_case_fields(r, errs, n_errs);
	}
	json_array_set_new(out, i, json_pack("{s:I, s:s, s:o}", "index", (json_int_t)i,
	                                     "status", "invalid", "fields", fields));
	return NL_OK;
}

void nl_h_api_preapply_batch(struct nl_req *r)
{
	int64_t inst;
	const char *actor;
	json_error_t jerr;
	json_t *doc = NULL, *results = NULL;
	struct nl_preapply_clean *rows = NULL;
	struct nl_preapply_result *res = NULL;
	size_t *index = NULL, n_good = 0;
	if (!nl_api_institution(r, &inst, &actor))
		return;
	doc = json_loadb((const char *)r->body, r->body_len, JSON_REJECT_DUPLICATES, &jerr);
	json_t *items = doc ? json_object_get(doc, "items") : NULL;
	if (!json_is_array(items) || json_object_size(doc) != 1) {
		nl_api_error(r, 400, nl_err_code(NL_ERR_INVALID),
		             "The body must be {\"items\": [...]} with pre-applications.", NULL);
		goto out;
	}
	size_t n = json_array_size(items);
	if (n == 0 || n > NL_API_BATCH_MAX) {
		nl_api_error(r, 400, "batch_size", "A batch has 1 to 1000 items.", NULL);
		goto out;
	}
	nl_err e = NL_ERR_NOMEM;
	rows = calloc(n, sizeof *rows);
	res = calloc(n, sizeof *res);
	index = calloc(n, sizeof *index);
	results = json_array();
	for (size_t i = 0; results && i < n; i++)
		json_array_append_new(results, json_null());
	if (!rows || !res || !index || !results)
		goto fail;
	for (size_t i = 0; i < n; i++) {
		bool good;
		if ((e = one_item(r, json_array_get(items, i), i, results, &rows[n_good], &good)))
			goto fail;
		if (good)
			index[n_good++] = i;
	}
	struct nl_preapply_ctx ctx = {
		.app = nl_app_of(r), .institution_id = inst, .actor = actor,
		.now = r->now,
	};
	if (n_good && (e = nl_preapply_batch(&ctx, rows, n_good, res)))
		goto fail;
	for (size_t k = 0; k < n_good; k++) {
		char no[32];
		snprintf(no, sizeof no, NL_ORDER_NO_PREFIX "%" PRId64, res[k].order_no);
		json_array_set_new(results, index[k], json_pack(
			"{s:I, s:s, s:s}", "index", (json_int_t)index[k], "status",
			res[k].outcome == NL_PA_CREATED ? "created" : "open_order", "order_no", no));
	}
	size_t created = 0;
	for (size_t k = 0; k < n_good; k++)
		created += res[k].outcome == NL_PA_CREATED;
	nl_resp_json(r, 200, json_pack("{s:I, s:I, s:o}", "created", (json_int_t)created,
	                               "refused", (json_int_t)(n - created), "results", results));
	results = NULL;
	goto out;
fail:
	nl_resp_error(r, e, NULL);
out:
	json_decref(results);
	json_decref(doc);
	free(rows);
	free(res);
	free(index);
}
