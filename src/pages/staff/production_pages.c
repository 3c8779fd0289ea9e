/* The production operator's page (role production; docs/production.md):
 *   GET  /uretim                           queue, results, shipments
 *   POST /uretim/parti                     run a production batch now
 *   POST /uretim/kargo                     hand the produced cards to the courier
 *   POST /uretim/kargo-guncelle            ask the courier about open shipments
 *   POST /uretim/{no}/yeniden              put a failed or refused order back
 *   POST /uretim/{no}/pin-zarfi            the PIN letter PDF, once
 *   POST /uretim/gonderi/{tracking}/ilerlet  demo only: the courier moves a step
 * Staff with the production or administrator role (NL_AUTH_PRODUCTION: the
 * server answers others 403 and sends nobody to the login); each handler also
 * checks that the account is still active. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/production.h"
#include "app/shipping.h"
#include "core/datetime.h"
#include "core/order.h"
#include "app/staff.h"
#include "pages/handlers.h"
#include "pages/kurum_common.h"
#include "pages/pages.h"

#define PAGE "uretim/index"
#define TITLE "Production"

/* The session's role was checked by the route (NL_AUTH_PRODUCTION); this checks
 * that the account behind it still has it and is active (a disabled account is
 * logged out: 403). Returns the operator's user name for the menu, in r->arena,
 * or NULL with the refusal queued. */
static const char *production_staff(struct nl_req *r)
{
	struct nl_user u = {0};
	const char *who = NULL;
	nl_err e = nl_staff_user(nl_app_of(r), r->session.s.subject_id, &u);
	bool ok = e == NL_OK && u.active && (u.role == NL_ROLE_PRODUCTION || u.role == NL_ROLE_ADMIN);
	if (!ok)
		nl_kurum_staff_refused(r, e);
	else if (!(who = nl_arena_strdup(r->arena, u.username)))
		nl_resp_error(r, NL_ERR_NOMEM, NULL);
	nl_user_clear(&u);
	return who;
}

static const char *state_msgid(const char *s)
{
	if (!strcmp(s, "scheduled")) return "Scheduled";
	if (!strcmp(s, "running")) return "In production";
	if (!strcmp(s, "done")) return "Produced";
	if (!strcmp(s, "failed")) return "Failed";
	if (!strcmp(s, "refused")) return "Refused";
	return s;
}

static json_t *report_json(struct nl_req *r, const struct nl_production_report *rep)
{
	json_t *items = json_array();
	for (size_t i = 0; items && i < rep->n; i++) {
		const struct nl_production_item *it = &rep->items[i];
		json_array_append_new(items, json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:I, s:s, s:b}",
			"order_no", (json_int_t)it->order_no, "state", it->state,
			"state_label", nl_page_tr(r, state_msgid(it->state)), "card", it->card_label,
			"serial", it->cert_serial, "backup", it->backup_serial,
			"revoked", (json_int_t)it->revoked, "error", it->error,
			"ok", !strcmp(it->state, "done")));
	}
	return json_pack("{s:I, s:I, s:I, s:I, s:I, s:b, s:s, s:o}", "scheduled",
	                 (json_int_t)rep->scheduled, "produced", (json_int_t)rep->produced,
	                 "refused", (json_int_t)rep->refused, "failed", (json_int_t)rep->failed,
	                 "retry", (json_int_t)rep->retry, "stopped", rep->stopped,
	                 "stop_reason", rep->stop_reason, "items", items ? items : json_array());
}

static json_t *queue_json(struct nl_req *r)
{
	struct nl_production_row *list = NULL;
	size_t n = 0;
	json_t *a = json_array();
	if (!a || nl_production_queue(nl_app_of(r), 100, &list, &n))
		return a;
	for (size_t i = 0; i < n; i++) {
		const struct nl_production *p = &list[i].p;
		bool letter = list[i].letter, shipped = list[i].shipped;
		const struct nl_shipment *s = &list[i].shipment;
		char due[NL_DATETIME_FMT_MAX];
		nl_time_format_tr(p->due_at, due);
		json_t *o = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:I, s:s, s:b, s:b}",
			"order_no", (json_int_t)p->order_no, "state", p->state,
			"state_label", nl_page_tr(r, state_msgid(p->state)), "due", due,
			"card", p->card_label, "serial", p->cert_serial, "backup", p->backup_serial,
			"revoked", (json_int_t)p->revoked_count, "attempts", (json_int_t)p->attempts,
			"error", p->last_error, "letter", letter,
			"retry", !strcmp(p->state, "failed") || !strcmp(p->state, "refused"));
		if (o && shipped) {
			json_object_set_new(o, "tracking_no", json_string(s->tracking_no));
			json_object_set_new(o, "shipment", json_string(
				!strcmp(r->lang, "en") ? nl_shipping_status_label_en(s->status)
				                       : nl_shipping_status_label_tr(s->status)));
			json_object_set_new(o, "advance", json_boolean(nl_app_of(r)->cfg->demo &&
			                                              strcmp(s->status, "delivered")));
		}
		if (o) json_array_append_new(a, o);
	}
	free(list);
	return a;
}

static void render(struct nl_req *r, const char *who, int status, json_t *report,
                   const char *notice, const char *error)
{
	json_t *d = nl_page_data(r, TITLE);
	const char *csrf = nl_session_csrf(r);
	if (!d || !csrf) {
		json_decref(d);
		json_decref(report);
		nl_resp_error(r, NL_ERR_INTERNAL, NULL);
		return;
	}
	json_object_set_new(d, "csrf", json_string(csrf));
	json_object_set_new(d, "staff_user", json_string(who));
	json_object_set_new(d, "demo", json_boolean(nl_app_of(r)->cfg->demo));
	if (report) json_object_set_new(d, "report", report);
	if (notice) json_object_set_new(d, "notice", json_string(notice));
	if (error) json_object_set_new(d, "error", json_string(error));
	json_t *q = queue_json(r);
	json_object_set_new(d, "has_rows", json_boolean(json_array_size(q) > 0));
	json_object_set_new(d, "rows", q);
	nl_page_respond(r, status, PAGE, d);
}

void nl_h_production(struct nl_req *r)
{
	const char *who = production_staff(r);
	if (who)
		render(r, who, 200, NULL, NULL, NULL);
}

void nl_h_production_batch(struct nl_req *r)
{
	const char *who = production_staff(r);
	if (!who)
		return;
	struct nl_production_report *rep = malloc(sizeof *rep);
	if (!rep) {
		nl_resp_error(r, NL_ERR_NOMEM, NULL);
		return;
	}
	nl_err e = nl_production_run(nl_app_of(r), r->now, nl_kurum_actor(r, r->session.s.subject_id),
	                             rep);
	json_t *report = report_json(r, rep);
	free(rep);
	if (e == NL_ERR_CONFIG) {
		render(r, who, 503, report, NULL, nl_page_tr(r, "The CA or its signer is not available: "
		       "nothing was produced. Start nitelik-signer and try again."));
		return;
	}
	if (e) {
		json_decref(report);
		nl_resp_error(r, e, NULL);
		return;
	}
	render(r, who, 200, report, nl_page_tr(r, "The production batch has run."), NULL);
}

void nl_h_production_ship(struct nl_req *r)
{
	const char *who = production_staff(r);
	if (!who)
		return;
	size_t n = 0;
	nl_err e = nl_shipping_ship_produced(nl_app_of(r), r->now,
	                                     nl_kurum_actor(r, r->session.s.subject_id), &n);
	if (e) {
		nl_resp_error(r, e, NULL);
		return;
	}
	char msg[160];
	snprintf(msg, sizeof msg, "%s: %zu", nl_page_tr(r, "Cards handed to the courier"), n);
	render(r, who, 200, NULL, msg, NULL);
}

void nl_h_production_poll(struct nl_req *r)
{
	const char *who = production_staff(r);
	if (!who)
		return;
	size_t n = 0;
	nl_err e = nl_shipping_poll(nl_app_of(r), r->now, nl_kurum_actor(r, r->session.s.subject_id), &n);
	if (e) {
		nl_resp_error(r, e, NULL);
		return;
	}
	char msg[160];
	snprintf(msg, sizeof msg, "%s: %zu", nl_page_tr(r, "Shipment status changes recorded"), n);
	render(r, who, 200, NULL, msg, NULL);
}

void nl_h_production_retry(struct nl_req *r)
{
	const char *who = production_staff(r);
	if (!who)
		return;
	int64_t no;
	if (!nl_kurum_order_no(nl_req_param(r, "no"), &no)) {
		nl_resp_error(r, NL_ERR_NOT_FOUND, NULL);
		return;
	}
	nl_err e = nl_production_retry(nl_app_of(r), no, nl_kurum_actor(r, r->session.s.subject_id),
	                               r->now);
	if (e == NL_ERR_CONFLICT || e == NL_ERR_NOT_FOUND) {
		render(r, who, 409, NULL, NULL,
		       nl_page_tr(r, "Only a failed or refused order can be retried."));
		return;
	}
	if (e) {
		nl_resp_error(r, e, NULL);
		return;
	}
	render(r, who, 200, NULL, nl_page_tr(r, "The order is back in the production queue."), NULL);
}

void nl_h_production_letter(struct nl_req *r)
{
	const char *who = production_staff(r);
	if (!who)
		return;
	int64_t no;
	nl_buf pdf = NL_BUF_INIT;
	if (!nl_kurum_order_no(nl_req_param(r, "no"), &no)) {
		nl_resp_error(r, NL_ERR_NOT_FOUND, NULL);
		return;
	}
	nl_err e = nl_production_pin_letter(nl_app_of(r), no, nl_kurum_actor(r, r->session.s.subject_id),
	                                    r->now, &pdf);
	if (e == NL_ERR_NOT_FOUND) {
		render(r, who, 410, NULL, NULL, nl_page_tr(r, "This PIN letter was printed already or does "
		       "not exist; a PIN letter is handed out once."));
		return;
	}
	if (e) {
		nl_resp_error(r, e, NULL);
		return;
	}
	char disp[96];
	snprintf(disp, sizeof disp, "attachment; filename=\"pin-zarfi-SD-%" PRId64 ".pdf\"", no);
	nl_resp_add_header(r, "Content-Disposition", disp);
	nl_resp_add_header(r, "Cache-Control", "no-store");
	nl_resp_buf(r, 200, "application/pdf", &pdf);
}

void nl_h_production_advance(struct nl_req *r)
{
	const char *who = production_staff(r);
	if (!who)
		return;
	if (!nl_app_of(r)->cfg->demo) {
		nl_resp_error(r, NL_ERR_NOT_FOUND, NULL);
		return;
	}
	nl_err e = nl_shipping_advance(nl_app_of(r), nl_req_param(r, "tracking"), r->now,
	                               nl_kurum_actor(r, r->session.s.subject_id));
	if (e == NL_ERR_NOT_FOUND || e == NL_ERR_TRANSITION) {
		render(r, who, 409, NULL, NULL, nl_page_tr(r, "No such open shipment."));
		return;
	}
	if (e) {
		nl_resp_error(r, e, NULL);
		return;
	}
	render(r, who, 200, NULL, nl_page_tr(r, "The shipment moved one step on (demo courier)."), NULL);
}
