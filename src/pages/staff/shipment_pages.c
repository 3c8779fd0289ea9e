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
#include "app/shipping.h"
#include "core/datetime.h"
#include "pages/handlers.h"
#include "pages/lookup_page.h"
#include "pages/pages.h"

struct track_form {
	const char *captcha;
	const char *q;
};

static const struct nl_spec track_spec[] = {
	NL_SPEC_TEXT("captcha", struct track_form, captcha, 1, 16, NL_SPEC_REQUIRED),
	NL_SPEC_TEXT("q", struct track_form, q, 1, 40, NL_SPEC_REQUIRED),
	NL_SPEC_END
};

static const struct nl_captcha_page track_page = {
	.page = "gonderi/sorgu", .title = "Shipment Tracking", .specs = track_spec,
	.door = "shipment",
};

void nl_h_shipment_page(struct nl_req *r)
{
	nl_captcha_page_respond(r, &track_page, 200, NULL, NULL);
}

/* The look-up's page with its answer (consumed; NULL shows the empty form). */
static void result_page(struct nl_req *r, const struct nl_spec_result *res, json_t *result)
{
	json_t *d = nl_captcha_page_data(r, &track_page, res, NULL);
	if (!d) {
		json_decref(result);
		return;
	}
	if (result) {
		json_object_set_new(d, "searched", json_true());
		json_object_set_new(d, "result", result);
	}
	nl_page_respond(r, 200, track_page.page, d);
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
		char at[NL_DATETIME_FMT_MAX];
		nl_time_format_tr(ev[i].at, at);
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
	struct track_form in;
	struct nl_spec_result res;
	memset(&in, 0, sizeof in);
	if (!nl_lookup_begin(r, &track_page, &in, &res, &in.captcha))
		return;
	struct nl_shipment s;
	struct nl_shipment_event *ev = NULL;
	size_t n = 0;
	nl_err e = nl_shipping_lookup(nl_app_of(r), in.q, &s, &ev, &n);
	if (e == NL_ERR_NOT_FOUND) {
		result_page(r, &res, json_pack("{s:b}", "found", false));
		return;
	}
	if (e) {
		nl_resp_error(r, e, NULL);
		return;
	}
	json_t *result = result_json(r, &s, ev, n);
	free(ev);
	result_page(r, &res, result);
}
