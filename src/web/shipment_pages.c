/* Gönderi Sorgulama (SPEC §9; docs/production.md):
 *   GET/POST /gonderi-sorgulama   captcha + a tracking number or an order
 *                                 number -> the shipment's status history
 * The answer shows only the number, the statuses and their times: no name,
 * no address. Every look-up counts against the client address at the door
 * "shipment" (app/throttle.h), like Borç Sorgulama, so numbers cannot be
 * walked; an unknown number and a malformed one get the same answer. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/app.h"
#include "app/captcha.h"
#include "app/shipping.h"
#include "app/throttle.h"
#include "web/handlers.h"
#include "web/pages.h"

#define PAGE "gonderi/sorgu"
#define TITLE "Shipment Tracking"
#define DOOR "shipment"

/* The captcha ticket out of the session: one use, whatever the answer. */
static bool take_ticket(struct nl_req *r, struct nl_captcha_ticket *t)
{
	memset(t, 0, sizeof *t);
	json_t *cap = r->session.present ? json_object_get(r->session.data, "captcha") : NULL;
	if (!cap)
		return false;
	const char *h = json_string_value(json_object_get(cap, "h"));
	json_t *exp = json_object_get(cap, "exp");
	bool ok = h && strlen(h) < sizeof t->hash && json_is_integer(exp);
	if (ok) {
		memcpy(t->hash, h, strlen(h) + 1);
		t->expires_at = (int64_t)json_integer_value(exp);
	}
	json_object_del(r->session.data, "captcha");
	nl_session_touch_data(r);
	return ok;
}

struct track_form {
	const char *captcha;
	const char *q;
};

static const struct nl_spec track_spec[] = {
	NL_SPEC_TEXT("captcha", struct track_form, captcha, 1, 16, NL_SPEC_REQUIRED),
	NL_SPEC_TEXT("q", struct track_form, q, 1, 40, NL_SPEC_REQUIRED),
	NL_SPEC_END
};

static void page(struct nl_req *r, int status, const struct nl_spec_result *res,
                 const char *message, json_t *result)
{
	json_t *d = nl_page_data(r, TITLE);
	const char *csrf = nl_session_csrf(r);
	if (!d || !csrf) {
		json_decref(d);
		json_decref(result);
		nl_resp_error(r, NL_ERR_INTERNAL, NULL);
		return;
	}
	struct nl_spec_result empty = {0};
	json_t *form = nl_spec_form_json(track_spec, res ? res : &empty, r->lang);
	if (form)
		json_object_update(d, form);
	json_decref(form);
	json_object_set_new(d, "csrf", json_string(csrf));
	json_object_set_new(d, "captcha_nonce", json_integer((json_int_t)r->now));
	if (message)
		json_object_set_new(d, "message", json_string(nl_page_tr(r, message)));
	if (result) {
		json_object_set_new(d, "searched", json_true());
		json_object_set_new(d, "result", result);
	}
	nl_page_respond(r, status, PAGE, d);
}

void nl_h_shipment_page(struct nl_req *r)
{
	page(r, 200, NULL, NULL, NULL);
}

static const char *label(struct nl_req *r, const char *code)
{
	return !strcmp(r->lang, "en") ? nl_shipping_status_label_en(code)
	                              : nl_shipping_status_label_tr(code);
}

/* The status history, and nothing about the person. */
static json_t *result_json(struct nl_req *r, const struct nl_shipment *s,
                           const struct nl_shipment_event *ev, size_t n)
{
	json_t *events = json_array();
	for (size_t i = 0; events && i < n; i++) {
		char at[NL_SHIPPING_TIME_MAX];
		nl_shipping_time_tr(ev[i].at, at);
		json_array_append_new(events, json_pack("{s:s, s:s, s:s}", "status", ev[i].status,
		                                        "label", label(r, ev[i].status), "at", at));
	}
	return json_pack("{s:b, s:s, s:I, s:s, s:s, s:o}", "found", true,
	                 "tracking_no", s->tracking_no, "order_no", (json_int_t)s->order_no,
	                 "status", s->status, "status_label", label(r, s->status),
	                 "events", events ? events : json_array());
}

void nl_h_shipment_post(struct nl_req *r)
{
	struct nl_captcha_ticket t;
	bool had = take_ticket(r, &t);
	struct track_form in;
	struct nl_spec_result res;
	memset(&in, 0, sizeof in);
	struct nl_throttle_policy pol;
	nl_throttle_policy_from_config(r->srv->cfg, &pol);
	int64_t until = 0;
	nl_err e = nl_throttle_check(r->srv->db, &pol, DOOR, NULL, r->client_ip, r->now, &until);
	if (e == NL_ERR_LOCKED) {
		page(r, 429, NULL, "Too many inquiries from your address. Please try again later.", NULL);
		return;
	} else if (e) {
		nl_resp_error(r, e, NULL);
		return;
	}
	if ((e = nl_throttle_fail(r->srv->db, &pol, DOOR, NULL, r->client_ip, r->now, NULL))) {
		nl_resp_error(r, e, NULL);
		return;
	}
	e = nl_req_parse_body(r, track_spec, &in, &res);
	if (e == NL_ERR_INVALID) {
		page(r, 400, &res, NULL, NULL);
		return;
	} else if (e) {
		nl_resp_error(r, e, NULL);
		return;
	}
	e = nl_app_captcha_check(r->srv->db, had ? &t : NULL, in.captcha, r->now);
	if (e == NL_ERR_INVALID || e == NL_ERR_EXPIRED) {
		page(r, 400, &res, "The text in the picture was not typed correctly or has "
		     "expired. Please type the text of the new picture.", NULL);
		return;
	} else if (e) {
		nl_resp_error(r, e, NULL);
		return;
	}
	struct nl_shipment s;
	struct nl_shipment_event *ev = NULL;
	size_t n = 0;
	e = nl_shipping_lookup(r->srv->app, in.q, &s, &ev, &n);
	if (e == NL_ERR_NOT_FOUND) {
		page(r, 200, &res, NULL, json_pack("{s:b}", "found", false));
		return;
	}
	if (e) {
		nl_resp_error(r, e, NULL);
		return;
	}
	json_t *result = result_json(r, &s, ev, n);
	free(ev);
	page(r, 200, &res, NULL, result);
}
