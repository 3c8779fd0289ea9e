/* The institutions' JSON API, reading side (docs/api.md):
 *   GET /api/v1/preapplications?page=N&per_page=M&q=TEXT   the institution's orders
 *   GET /api/v1/orders/{no}                                one order
 * and the bearer-token check installed as srv->api_token_check. Every answer
 * is limited to the token's institution: another institution's order is 404. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app/staff.h"
#include "core/order.h"
#include "app/officer_orders.h"
#include "pages/pages.h"
#include "pages/api_common.h"
#include "pages/handlers.h"
#include "view/i18n.h"
#include "pages/kurum_common.h"

#define PER_PAGE_DEFAULT 50
#define PER_PAGE_MAX 200

nl_err nl_api_token_check(struct nl_server *srv, const char *token, int64_t *subject_id,
                          unsigned *roles)
{
	int64_t token_id, inst;
	nl_err e = nl_staff_token_check(srv->app, token, (int64_t)time(NULL), &token_id, &inst);
	if (e)
		return e;
	*subject_id = token_id;
	*roles = NL_SROLE_OFFICER;
	return NL_OK;
}

bool nl_api_institution(struct nl_req *r, int64_t *institution_id, const char **actor)
{
	nl_err e = nl_staff_token_institution(nl_app_of(r), r->api_subject_id, institution_id);
	if (e) {
		nl_resp_error(r, e == NL_ERR_NOT_FOUND ? NL_ERR_UNAUTHORIZED : e, NULL);
		return false;
	}
	if (actor) {
		char buf[48];
		snprintf(buf, sizeof buf, "api:token:%" PRId64, r->api_subject_id);
		*actor = nl_arena_strdup(r->arena, buf);
	}
	return true;
}

bool nl_api_order_no(struct nl_req *r, int64_t *no)
{
	return nl_kurum_order_no(nl_req_param(r, "no"), no);
}

void nl_api_error(struct nl_req *r, int status, const char *code, const char *msgid, json_t *extra)
{
	json_t *err = json_pack("{s:s, s:s}", "code", code, "message", nl_i18n_get(r->lang, msgid));
	if (err && extra)
		json_object_update(err, extra);
	json_decref(extra);
	nl_resp_json(r, status, json_pack("{s:o}", "error", err));
}

static void iso_time(int64_t t, char out[32])
{
	time_t tt = (time_t)t;
	struct tm tm;
	gmtime_r(&tt, &tm);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static json_t *item_json(const struct nl_officer_order *o)
{
	char no[32], at[32], upd[32];
	snprintf(no, sizeof no, NL_ORDER_NO_PREFIX "%" PRId64, o->order_no);
	iso_time(o->created_at, at);
	iso_time(o->updated_at, upd);
	json_t *j = json_pack(
		"{s:s, s:I, s:s, s:s, s:s, s:s, s:b, s:s, s:s, s:s, s:s, s:s, s:s}",
		"order_no", no, "number", (json_int_t)o->order_no,
		"status", nl_order_status_code(o->status),
		"status_label", nl_order_status_label_tr(o->status),
		"reason", nl_reason_code(o->reason),
		"payment_type", nl_payment_type_code(o->payment_type), "backup_cert", o->backup_cert,
		"id_kind", o->passport ? "passport" : "tckn", "id_number", o->id_number,
		"given_name", o->given_name, "surname", o->surname, "created_at", at,
		"updated_at", upd);
	if (j && o->passport)
		json_object_set_new(j, "passport_country", json_string(o->passport_country));
	if (j && o->email[0])
		json_object_set_new(j, "email", json_string(o->email));
	if (j && o->mobile[0])
		json_object_set_new(j, "mobile", json_string(o->mobile));
	if (j && o->cancel_reason[0])
		json_object_set_new(j, "cancel_reason", json_string(o->cancel_reason));
	return j;
}

json_t *nl_api_order_json(struct nl_req *r, int64_t institution_id, int64_t order_no, nl_err *e)
{
	struct nl_officer_order *o = nl_arena_alloc(r->arena, sizeof *o);
	*e = o ? nl_officer_order(nl_app_of(r), institution_id, order_no, o) : NL_ERR_NOMEM;
	if (*e)
		return NULL;
	json_t *j = json_pack("{s:o}", "order", item_json(o));
	if (!j)
		*e = NL_ERR_NOMEM;
	return j;
}

/* A query parameter as a positive integer within 1..max; def when absent;
 * -1 when present but not such a number. */
static int64_t query_int(struct nl_req *r, const char *name, int64_t def, int64_t max)
{
	const char *s = nl_req_query(r, name);
	if (!s)
		return def;
	char *end;
	long long v = strtoll(s, &end, 10);
	return (*s && !*end && v >= 1 && v <= max) ? v : -1;
}

void nl_h_api_orders(struct nl_req *r)
{
	int64_t inst;
	if (!nl_api_institution(r, &inst, NULL))
		return;
	int64_t page = query_int(r, "page", 1, 1000000);
	int64_t per = query_int(r, "per_page", PER_PAGE_DEFAULT, PER_PAGE_MAX);
	const char *q = nl_req_query(r, "q");
	if (page < 0 || per < 0 || (q && strlen(q) > 100)) {
		nl_api_error(r, 400, "invalid_query",
		             "page and per_page must be whole numbers (per_page at most 200).", NULL);
		return;
	}
	struct nl_officer_order_list l = {0};
	nl_err e = nl_officer_orders(nl_app_of(r), inst, q, per, (page - 1) * per, &l);
	if (e) {
		nl_resp_error(r, e, NULL);
		return;
	}
	json_t *items = json_array();
	for (size_t i = 0; items && i < l.n; i++)
		json_array_append_new(items, item_json(&l.items[i]));
	json_t *j = json_pack("{s:o, s:I, s:I, s:I}", "items", items, "page", (json_int_t)page,
	                      "per_page", (json_int_t)per, "total", (json_int_t)l.total);
	nl_officer_order_list_free(&l);
	if (!j) {
		nl_resp_error(r, NL_ERR_NOMEM, NULL);
		return;
	}
	nl_resp_json(r, 200, j);
}

void nl_h_api_order(struct nl_req *r)
{
	int64_t inst, no;
	nl_err e;
	if (!nl_api_institution(r, &inst, NULL))
		return;
	if (!nl_api_order_no(r, &no)) {
		nl_resp_error(r, NL_ERR_NOT_FOUND, NULL);
		return;
	}
	json_t *j = nl_api_order_json(r, inst, no, &e);
	if (!j) {
		nl_resp_error(r, e, NULL);
		return;
	}
	nl_resp_json(r, 200, j);
}
