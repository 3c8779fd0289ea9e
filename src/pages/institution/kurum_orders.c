/* The officer's view of his institution's orders:
 *   GET /kurum                 list, newest first, searchable (?q= order no, ID
 *                              number or name), paged (?sayfa=N)
 *   GET /kurum/siparis/{no}    one order, with the cancel form while it can be
 *                              cancelled (POST goes to kurum_preapply.c)
 * Another institution's order answers 404, like a missing one. This file reads
 * the store directly (no field specs: the only inputs are q and the page). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/cancel.h"
#include "core/order.h"
#include "app/officer_orders.h"
#include "pages/handlers.h"
#include "pages/kurum_common.h"
#include "pages/pages.h"

#define PAGE_SIZE 20
#define Q_MAX 100

static json_t *officer_json(const struct nl_officer *o)
{
	return json_pack("{s:s, s:s}", "username", o->username, "institution", o->institution);
}

static const char *order_no_text(struct nl_req *r, int64_t no)
{
	char buf[32];
	snprintf(buf, sizeof buf, NL_ORDER_NO_PREFIX "%" PRId64, no);
	return nl_arena_strdup(r->arena, buf);
}

/* "?q=...&sayfa=N" with q percent-encoded, for the paging links. */
static const char *page_link(struct nl_req *r, const char *q, int64_t page)
{
	nl_buf b = NL_BUF_INIT;
	nl_buf_printf(&b, "/kurum?sayfa=%" PRId64, page);
	if (q && *q) {
		nl_buf_puts(&b, "&q=");
		for (const unsigned char *p = (const unsigned char *)q; *p; p++) {
			if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
			    (*p >= '0' && *p <= '9') || *p == '-' || *p == '.' || *p == '_')
				nl_buf_putc(&b, (char)*p);
			else
				nl_buf_printf(&b, "%%%02X", *p);
		}
	}
	const char *s = b.oom ? "/kurum" : nl_arena_strdup(r->arena, b.data);
	nl_buf_free(&b);
	return s;
}

void nl_h_kurum_home(struct nl_req *r)
{
	struct nl_officer o;
	struct nl_officer_order_list l = {0};
	if (!nl_kurum_officer(r, &o))
		return;
	const char *q = nl_req_query(r, "q");
	const char *ps = nl_req_query(r, "sayfa");
	int64_t page = ps ? strtoll(ps, NULL, 10) : 1;
	if (page < 1 || page > 1000000)
		page = 1;
	if (q && strlen(q) > Q_MAX)
		q = NULL;
	/* "SD-123" and "123" both find order 123 (the store matches either form). */
	nl_err e = nl_officer_orders(nl_app_of(r), o.institution_id, q, PAGE_SIZE,
	                             (page - 1) * PAGE_SIZE, &l);
	if (e) {
		nl_resp_error(r, e, NULL);
		return;
	}
	json_t *d = nl_page_data(r, "Institution Orders");
	json_t *items = json_array();
	for (size_t i = 0; d && items && i < l.n; i++) {
		const struct nl_officer_order *it = &l.items[i];
		char name[600];
		snprintf(name, sizeof name, "%s %s", it->given_name, it->surname);
		json_array_append_new(items, json_pack(
			"{s:s, s:I, s:s, s:s, s:s, s:s, s:s, s:s}",
			"order_no", order_no_text(r, it->order_no),
			"no", (json_int_t)it->order_no, "date", it->created_date,
			"id_number", it->id_number, "name", name,
			"status", nl_kurum_status_label(r, (int)it->status),
			"status_code", nl_order_status_code(it->status),
			"reason", nl_kurum_reason_label(r, (int)it->reason)));
	}
	int64_t pages = (l.total + PAGE_SIZE - 1) / PAGE_SIZE;
	if (d) {
		json_object_set_new(d, "officer", officer_json(&o));
		json_object_set_new(d, "items", items);
		json_object_set_new(d, "q", json_string(q ? q : ""));
		json_object_set_new(d, "total", json_integer(l.total));
		json_object_set_new(d, "page", json_integer(page));
		json_object_set_new(d, "pages", json_integer(pages ? pages : 1));
		json_object_set_new(d, "csrf", json_string(nl_session_csrf(r)));
		if (page > 1)
			json_object_set_new(d, "prev", json_string(page_link(r, q, page - 1)));
		if (page < pages)
			json_object_set_new(d, "next", json_string(page_link(r, q, page + 1)));
	} else {
		json_decref(items);
	}
	nl_officer_order_list_free(&l);
	nl_page_respond(r, 200, "kurum/home", d);
}

/* Fills d with the order's details; NL_ERR_NOT_FOUND for another institution's. */
static NL_MUST_USE nl_err order_json(struct nl_req *r, const struct nl_officer *o, int64_t no, json_t *d)
{
	struct nl_officer_order *ord = nl_arena_alloc(r->arena, sizeof *ord);
	nl_err e = ord ? nl_officer_order(nl_app_of(r), o->institution_id, no, ord) : NL_ERR_NOMEM;
	if (e)
		return e;
	const char *help = !strcmp(r->lang, "en") ? nl_order_status_help_en(ord->status)
	                                          : nl_order_status_help_tr(ord->status);
	json_t *j = json_pack(
		"{s:s, s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:b, s:s, s:b}",
		"order_no", order_no_text(r, ord->order_no), "no", (json_int_t)ord->order_no,
		"date", ord->created_time, "id_number", ord->id_number, "given_name", ord->given_name,
		"surname", ord->surname, "email", ord->email, "mobile", ord->mobile,
		"reason", nl_kurum_reason_label(r, (int)ord->reason),
		"payment_type", nl_kurum_payment_label(r, (int)ord->payment_type),
		"status", nl_kurum_status_label(r, (int)ord->status),
		"backup_cert", ord->backup_cert, "status_help", help ? help : "",
		"cancellable", nl_cancel_allowed(ord->status));
	if (!j)
		return NL_ERR_NOMEM;
	if (ord->cancel_reason[0])
		json_object_set_new(j, "cancel_reason", json_string(ord->cancel_reason));
	json_object_set_new(d, "order", j);
	return NL_OK;
}

void nl_kurum_order_page(struct nl_req *r, int status, const char *notice, json_t *form)
{
	struct nl_officer o;
	int64_t no;
	if (!nl_kurum_officer(r, &o)) {
		json_decref(form);
		return;
	}
	if (!nl_kurum_order_no(nl_req_param(r, "no"), &no)) {
		json_decref(form);
		nl_resp_error(r, NL_ERR_NOT_FOUND, NULL);
		return;
	}
	json_t *d = nl_page_data(r, "Order Details");
	nl_err e = d ? order_json(r, &o, no, d) : NL_ERR_NOMEM;
	if (e) {
		json_decref(d);
		json_decref(form);
		nl_resp_error(r, e, NULL);
		return;
	}
	json_object_set_new(d, "officer", officer_json(&o));
	json_object_set_new(d, "csrf", json_string(nl_session_csrf(r)));
	if (notice)
		json_object_set_new(d, "notice", json_string(nl_page_tr(r, notice)));
	if (form)
		json_object_set_new(d, "form", form);
	nl_page_respond(r, status, "kurum/order", d);
}

void nl_h_kurum_order(struct nl_req *r)
{
	const char *n = nl_req_query(r, "durum");
	const char *notice = NULL;
	if (n && !strcmp(n, "yeni"))
		notice = "The pre-application was registered and the access password was e-mailed.";
	else if (n && !strcmp(n, "iptal"))
		notice = "The order was cancelled.";
	nl_kurum_order_page(r, 200, notice, NULL);
}
