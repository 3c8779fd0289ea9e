/* The applicant's pages after login (SPEC §3, issue 3 item 6):
 *   GET  /basvuru                  Yeni Başvuru / Önceki Başvuru choice
 *   GET  /basvurularim             Başvurularım: his orders with status and action
 *   GET  /basvurularim/{no}        one order's details
 *   POST /basvurularim/{no}/iptal  he cancels it, with a reason (src/app/cancel.h)
 * Every route is NL_AUTH_PERSON; the person is the session's subject. Another
 * person's order number, a malformed one and a missing one all answer 404, and
 * so does one of his orders this session is not entitled to (pages/entitle.h:
 * the gate checks {no}; the lists show entitled orders only). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/cancel.h"
#include "app/person_orders.h"
#include "pages/entitle.h"
#include "pages/handlers.h"
#include "pages/pages.h"
#include "pages/payment/payment_web.h"

static bool en(const struct nl_req *r)
{
	return r->lang && !strcmp(r->lang, "en");
}

static const char *status_label(const struct nl_req *r, enum nl_order_status s)
{
	const char *l = en(r) ? nl_order_status_label_en(s) : nl_order_status_label_tr(s);
	return l ? l : "?";
}

static const char *reason_label(const struct nl_req *r, enum nl_reason x)
{
	const char *l = en(r) ? nl_reason_label_en(x) : nl_reason_label_tr(x);
	return l ? l : "?";
}

static const char *payment_label(const struct nl_req *r, enum nl_payment_type p)
{
	const char *l = en(r) ? nl_payment_type_label_en(p) : nl_payment_type_label_tr(p);
	return l ? l : "?";
}

/* The {no} of a URL: the n of SD-<n>, digits only. */
static bool parse_order_no(const char *s, int64_t *out)
{
	if (!s || !*s || strlen(s) > 15 || strspn(s, "0123456789") != strlen(s))
		return false;
	long long v = strtoll(s, NULL, 10);
	if (v <= 0)
		return false;
	*out = v;
	return true;
}

/* Page data with the logged-in person's name for the header. NULL on OOM. */
static json_t *person_page(struct nl_req *r, const char *title)
{
	json_t *d = nl_page_data(r, title);
	char name[300];
	const char *csrf = nl_session_csrf(r);
	if (!d || !csrf) {
		json_decref(d);
		return NULL;
	}
	/* The stored name only to a session that proved the person; an access
	 * password shows the name its institution typed (pages/entitle.h). */
	nl_err e = nl_entitled_identity(r, nl_entitled_first(r))
	         ? nl_person_display_name(nl_app_of(r), r->session.s.subject_id, name, sizeof name)
	         : nl_person_order_display_name(nl_app_of(r), r->session.s.subject_id,
	                                        nl_entitled_first(r), name, sizeof name);
	if (e != NL_OK)
		name[0] = '\0';
	json_object_set_new(d, "person_name", json_string(name));
	json_object_set_new(d, "csrf", json_string(csrf));
	return d;
}

/* The person's orders this session may open (pages/entitle.h), newest first. */
static NL_MUST_USE nl_err entitled_orders(struct nl_req *r, struct nl_person_order **rows, size_t *n)
{
	nl_err e = nl_person_orders(nl_app_of(r), r->session.s.subject_id, rows, n);
	size_t k = 0;
	for (size_t i = 0; e == NL_OK && i < *n; i++)
		if (nl_entitled(r, (*rows)[i].order_no))
			(*rows)[k++] = (*rows)[i];
	if (e == NL_OK)
		*n = k;
	return e;
}

static json_t *order_json(const struct nl_req *r, const struct nl_person_order *o)
{
	char no[40], form_url[64], detail_url[64];
	snprintf(no, sizeof no, NL_ORDER_NO_PREFIX "%" PRId64, o->order_no);
	snprintf(form_url, sizeof form_url, "/basvuru/%" PRId64 "/form", o->order_no);
	snprintf(detail_url, sizeof detail_url, "/basvurularim/%" PRId64, o->order_no);
	const char *help = en(r) ? nl_order_status_help_en(o->status)
	                         : nl_order_status_help_tr(o->status);
	json_t *j = json_pack("{s:s, s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:b, s:b, s:s, s:s}",
		"no", no, "number", (json_int_t)o->order_no, "date", o->created_date,
		"status_code", nl_order_status_code(o->status) ? nl_order_status_code(o->status) : "",
		"status", status_label(r, o->status), "status_help", help ? help : "",
		"reason", reason_label(r, o->reason),
		"payment", payment_label(r, o->payment_type),
		"backup", o->backup_cert, "cancellable", o->cancellable,
		"form_url", form_url, "detail_url", detail_url);
	if (!j)
		return NULL;
	json_object_set_new(j, "action_complete", json_boolean(o->action == NL_ACTION_COMPLETE));
	json_object_set_new(j, "action_update", json_boolean(o->action == NL_ACTION_UPDATE));
	json_object_set_new(j, "action_details", json_boolean(o->action == NL_ACTION_DETAILS));
	/* Teslim Edildi links Yardım; an unpaid order shows the banks' channels. */
	json_object_set_new(j, "delivered", json_boolean(o->status == NL_ST_DELIVERED));
	json_object_set_new(j, "pay_wait", json_boolean(o->status == NL_ST_FORM_PAYMENT_WAIT ||
	                                                o->status == NL_ST_PAYMENT_WAIT));
	if (o->cancel_reason[0])
		json_object_set_new(j, "cancel_reason", json_string(o->cancel_reason));
	/* The help text's points are separated by newlines: one line each. */
	json_t *lines = json_array();
	for (const char *p = help ? help : ""; lines && *p;) {
		const char *e = strchr(p, '\n');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		if (len)
			json_array_append_new(lines, json_stringn(p, len));
		p += len + (e ? 1 : 0);
	}
	json_object_set_new(j, "status_help_lines", lines ? lines : json_array());
	return j;
}

void nl_h_person_choice(struct nl_req *r)
{
	struct nl_person_order *rows = NULL;
	size_t n = 0;
	nl_err e = entitled_orders(r, &rows, &n);
	if (e) {
		nl_resp_error(r, e, NULL);
		return;
	}
	/* "Yeni Başvuru" opens the newest order whose form was never submitted;
	 * "Önceki Başvuru" lists the orders (to update one, or follow it). */
	json_t *d = person_page(r, "Order Form Selection");
	if (!d) {
		free(rows);
		nl_resp_error(r, NL_ERR_NOMEM, NULL);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		if (rows[i].action == NL_ACTION_COMPLETE) {
			char url[64];
			snprintf(url, sizeof url, "/basvuru/%" PRId64 "/form", rows[i].order_no);
			json_object_set_new(d, "new_url", json_string(url));
			break;
		}
	}
	json_object_set_new(d, "has_orders", json_boolean(n > 0));
	free(rows);
	nl_page_respond(r, 200, "portal/choice", d);
}

void nl_h_person_orders(struct nl_req *r)
{
	struct nl_person_order *rows = NULL;
	size_t n = 0;
	nl_err e = entitled_orders(r, &rows, &n);
	if (e) {
		nl_resp_error(r, e, NULL);
		return;
	}
	json_t *d = person_page(r, "My Applications");
	json_t *list = json_array();
	for (size_t i = 0; d && list && i < n; i++)
		json_array_append_new(list, order_json(r, &rows[i]));
	free(rows);
	if (!d || !list) {
		json_decref(d);
		json_decref(list);
		nl_resp_error(r, NL_ERR_NOMEM, NULL);
		return;
	}
	json_object_set_new(d, "has_orders", json_boolean(json_array_size(list) > 0));
	json_object_set_new(d, "orders", list);
	nl_page_respond(r, 200, "portal/orders", d);
}

/* The order of the URL, if it is the session person's; else queues 404. */
static bool my_order(struct nl_req *r, struct nl_person_order *o)
{
	int64_t no = 0;
	if (!parse_order_no(nl_req_param(r, "no"), &no)) {
		nl_resp_error(r, NL_ERR_NOT_FOUND, NULL);
		return false;
	}
	nl_err e = nl_person_order(nl_app_of(r), r->session.s.subject_id, no, o);
	if (e) {
		nl_resp_error(r, e, NULL);
		return false;
	}
	return true;
}

static void detail_page(struct nl_req *r, int status, const struct nl_person_order *o,
                        const char *message, const char *reason_typed)
{
	json_t *d = person_page(r, "Application Details");
	json_t *oj = d ? order_json(r, o) : NULL;
	if (!oj) {
		json_decref(d);
		nl_resp_error(r, NL_ERR_NOMEM, NULL);
		return;
	}
	/* A person-paid order waiting for payment shows what it owes (payment). */
	json_t *debt = nl_payment_debt_for_owner(r, o->order_no);
	if (debt)
		json_object_set_new(oj, "debt", debt);
	json_object_set_new(d, "order", oj);
	if (message)
		json_object_set_new(d, "message", json_string(nl_page_tr(r, message)));
	if (reason_typed)
		json_object_set_new(d, "reason_typed", json_string(reason_typed));
	nl_page_respond(r, status, "portal/order", d);
}

void nl_h_person_order(struct nl_req *r)
{
	struct nl_person_order o;
	if (my_order(r, &o))
		detail_page(r, 200, &o, NULL, NULL);
}

struct cancel_form {
	const char *reason;
};

static const struct nl_spec cancel_spec[] = {
	NL_SPEC_TEXT("reason", struct cancel_form, reason, 1, NL_CANCEL_REASON_MAX,
	             NL_SPEC_REQUIRED),
	NL_SPEC_END
};

void nl_h_person_order_cancel(struct nl_req *r)
{
	struct nl_person_order o;
	if (!my_order(r, &o))
		return;
	struct cancel_form f = {0};
	struct nl_spec_result res;
	nl_err e = nl_req_parse_body(r, cancel_spec, &f, &res);
	if (e == NL_ERR_INVALID) {
		detail_page(r, 400, &o, "Please write why you cancel the application.", NULL);
		return;
	} else if (e) {
		nl_resp_error(r, e, NULL);
		return;
	}
	char actor[40];
	snprintf(actor, sizeof actor, "person:%" PRId64, r->session.s.subject_id);
	struct nl_cancel_input in = {
		.order_no = o.order_no, .person_id = r->session.s.subject_id,
		.expected_status = o.status, .actor = actor, .reason = f.reason,
	};
	e = nl_cancel_order(nl_app_of(r), &in, NULL);
	if (e == NL_ERR_TRANSITION || e == NL_ERR_CONFLICT) {
		/* Show the order as it is now. */
		if (nl_person_order(nl_app_of(r), r->session.s.subject_id, o.order_no, &o) == NL_OK)
			detail_page(r, 409, &o, "This application can no longer be cancelled.", NULL);
		else
			nl_resp_error(r, NL_ERR_NOT_FOUND, NULL);
		return;
	}
	if (e == NL_ERR_INVALID) {
		detail_page(r, 400, &o, "Please write why you cancel the application.", f.reason);
		return;
	}
	if (e) {
		nl_resp_error(r, e, NULL);
		return;
	}
	char url[64];
	snprintf(url, sizeof url, "/basvurularim/%" PRId64, o.order_no);
	nl_resp_redirect(r, url);
}
