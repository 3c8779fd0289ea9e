/* Online İşlemler → Bireysel İşlemler, besides the certificates
 * (docs/selfservice.md; use cases in src/app/selfservice.h):
 *   GET/POST /online-islemler/iletisim        contact data (a new mobile gets
 *   POST     /online-islemler/iletisim/onay   an SMS code; confirmed here)
 *   GET      /online-islemler/pin-puk         PIN/PUK information
 *   GET/POST /online-islemler/kilit-cozme     Kilit Çözme: a one-time code
 *   GET      /api/v1/kilit/{code}             nitelik-imza --unblock checks it
 *   POST     /api/v1/kilit/{code}             ... and spends it after the new PIN is set
 *   GET/POST /online-islemler/yenileme        start a renewal -> the wizard
 *   GET      /online-islemler/gonderilerim    my orders and their shipments
 *                                             (shipping.h: tracking numbers) */
#include <stdio.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "app/person_orders.h"
#include "app/selfservice.h"
#include "app/shipping.h"
#include "app/verify_code.h"
#include "core/datetime.h"
#include "pages/entitle.h"
#include "pages/handlers.h"
#include "pages/holder/holder_ss.h"
#include "pages/pages.h"
#include "view/spec.h"

/* ---- contact data ---- */

static const char *const channels[] = {"email", "sms", "both", NULL};

struct contact_post {
	const char *email;
	const char *mobile;
	int channel;
};
static const struct nl_spec contact_spec[] = {
	NL_SPEC_EMAIL("email", struct contact_post, email, NL_SPEC_REQUIRED),
	NL_SPEC_MOBILE("mobile", struct contact_post, mobile, NL_SPEC_REQUIRED),
	NL_SPEC_ENUM("info_channel", struct contact_post, channel, channels, NL_SPEC_REQUIRED),
	NL_SPEC_END,
};

struct code_post {
	const char *code;
};
static const struct nl_spec code_spec[] = {
	NL_SPEC_TEXT("code", struct code_post, code, 1, 16, NL_SPEC_REQUIRED),
	NL_SPEC_END,
};

static void render_contact(struct nl_req *r, int status, const char *error, const char *notice,
                           bool code_pending, json_t *form)
{
	struct nl_holder_contact hc;
	nl_err e = nl_ss_contact(nl_app_of(r), r->session.s.subject_id, &hc);
	json_t *d = e == NL_OK ? nl_ss_page(r, "My Contact Information") : NULL;
	if (!d) {
		json_decref(form);
		nl_resp_error(r, e ? e : NL_ERR_NOMEM, NULL);
		return;
	}
	json_object_set_new(d, "email", json_string(hc.email));
	json_object_set_new(d, "mobile", json_string(hc.mobile));
	char key[16];
	snprintf(key, sizeof key, "ch_%s", hc.info_channel);
	json_object_set_new(d, key, json_true());
	if (error)
		json_object_set_new(d, "error", json_string(nl_page_tr(r, error)));
	if (notice)
		json_object_set_new(d, "notice", json_string(nl_page_tr(r, notice)));
	if (code_pending)
		json_object_set_new(d, "code_pending", json_true());
	if (form)
		json_object_set_new(d, "form", form);
	nl_page_respond(r, status, "holder/ss_contact", d);
}

void nl_h_ss_contact(struct nl_req *r)
{
	render_contact(r, 200, NULL, NULL, false, NULL);
}

void nl_h_ss_contact_post(struct nl_req *r)
{
	struct contact_post p = {.channel = -1};
	struct nl_spec_result res;
	nl_err e = nl_req_parse_body(r, contact_spec, &p, &res);
	if (e == NL_ERR_NOMEM) {
		nl_resp_error(r, e, NULL);
		return;
	}
	if (e != NL_OK) {
		render_contact(r, 400, "Please correct the marked fields.", NULL, false,
		               nl_spec_form_json(contact_spec, &res, r->lang));
		return;
	}
	enum nl_ss_contact_outcome out = 0;
	e = nl_ss_contact_request(nl_app_of(r), r->session.s.subject_id, p.email, p.mobile,
	                          channels[p.channel], r->now, &out);
	if (e) {
		nl_resp_error(r, e, NULL);
		return;
	}
	if (out == NL_SS_CONTACT_SAVED)
		render_contact(r, 200, NULL, "Your contact information is updated.", false, NULL);
	else if (out == NL_SS_CONTACT_CODE_SENT)
		render_contact(r, 200, NULL, "We sent a code by SMS to your new mobile number. Enter it below to confirm the change.", true, NULL);
	else
		render_contact(r, 429, "Too many codes were sent lately. Please try again later.", NULL,
		               false, NULL);
}

void nl_h_ss_contact_confirm(struct nl_req *r)
{
	struct code_post p = {0};
	struct nl_spec_result res;
	nl_err e = nl_req_parse_body(r, code_spec, &p, &res);
	if (e == NL_ERR_NOMEM) {
		nl_resp_error(r, e, NULL);
		return;
	}
	enum nl_ss_contact_outcome out = NL_SS_CONTACT_WRONG;
	int64_t left = 0;
	if (e == NL_OK)
		e = nl_ss_contact_confirm(nl_app_of(r), r->session.s.subject_id, p.code, r->now, &out, &left);
	else
		e = NL_OK;
	if (e) {
		nl_resp_error(r, e, NULL);
		return;
	}
	switch (out) {
	case NL_SS_CONTACT_SAVED:
		render_contact(r, 200, NULL, "Your contact information is updated.", false, NULL);
		break;
	case NL_SS_CONTACT_WRONG:
		render_contact(r, 400, "The code is wrong.", NULL, true, NULL);
		break;
	case NL_SS_CONTACT_LOCKED:
		render_contact(r, 429, "Too many wrong codes. Please ask for a new code.", NULL, false, NULL);
		break;
	case NL_SS_CONTACT_EXPIRED:
		render_contact(r, 400, "The code has expired. Please ask for a new code.", NULL, false, NULL);
		break;
	default:
		render_contact(r, 400, "There is no change waiting for a code.", NULL, false, NULL);
	}
}

/* ---- PIN/PUK information ---- */

void nl_h_ss_pinpuk(struct nl_req *r)
{
	json_t *d = nl_ss_page(r, "PIN/PUK Information");
	if (!d) {
		nl_resp_error(r, NL_ERR_NOMEM, NULL);
		return;
	}
	nl_page_respond(r, 200, "holder/ss_pinpuk", d);
}

/* ---- Kilit Çözme ---- */

static void render_unblock(struct nl_req *r, int status, const char *error, const char *code,
                           int64_t expires_at)
{
	struct nl_ss_cert certs[NL_SS_MAX_CERTS];
	int n = 0;
	nl_err e = nl_ss_certs(nl_app_of(r), r->session.s.subject_id, certs, &n);
	json_t *d = e == NL_OK ? nl_ss_page(r, "Unlock a Blocked Card") : NULL;
	json_t *list = d ? json_array() : NULL;
	if (!list) {
		json_decref(d);
		nl_resp_error(r, e ? e : NL_ERR_NOMEM, NULL);
		return;
	}
	for (int i = 0; i < n; i++) {
		if (!strcmp(certs[i].status, "revoked") || certs[i].not_after <= r->now)
			continue;
		char until[32];
		nl_esign_time_text(certs[i].not_after, until);
		json_array_append_new(list, json_pack("{s:s,s:s,s:s}", "serial", certs[i].serial,
		                                      "common_name", certs[i].common_name, "not_after", until));
	}
	json_object_set_new(d, "has_certs", json_boolean(json_array_size(list) > 0));
	json_object_set_new(d, "certs", list);
	if (code) {
		char until[32];
		nl_esign_time_text(expires_at, until);
		json_object_set_new(d, "code", json_string(code));
		json_object_set_new(d, "code_until", json_string(until));
		json_object_set_new(d, "server", json_string(nl_app_of(r)->cfg->base_url));
	}
	if (error)
		json_object_set_new(d, "error", json_string(nl_page_tr(r, error)));
	nl_page_respond(r, status, "holder/ss_unblock", d);
}

void nl_h_ss_unblock(struct nl_req *r)
{
	render_unblock(r, 200, NULL, NULL, 0);
}

struct unblock_post {
	const char *serial;
};
static const struct nl_spec unblock_spec[] = {
	NL_SPEC_TEXT("serial", struct unblock_post, serial, 1, 63, NL_SPEC_REQUIRED),
	NL_SPEC_END,
};

void nl_h_ss_unblock_post(struct nl_req *r)
{
	struct unblock_post p = {0};
	struct nl_spec_result res;
	nl_err e = nl_req_parse_body(r, unblock_spec, &p, &res);
	if (e == NL_ERR_NOMEM) {
		nl_resp_error(r, e, NULL);
		return;
	}
	char code[NL_UNBLOCK_DIGITS + 1];
	int64_t until = 0;
	if (e == NL_OK)
		e = nl_ss_unblock_issue(nl_app_of(r), r->session.s.subject_id, p.serial, r->now, code, &until);
	if (e == NL_OK)
		render_unblock(r, 200, NULL, code, until);
	else if (e == NL_ERR_INVALID)
		render_unblock(r, 400, "Please choose the certificate of the blocked card.", NULL, 0);
	else if (e == NL_ERR_TRANSITION)
		render_unblock(r, 409, "This certificate is revoked or expired; its card cannot be unlocked.", NULL, 0);
	else
		nl_resp_error(r, e, NULL);
	memset(code, 0, sizeof code);
}

/* The answer to a refused code, the same for the check and the use. */
static void unblock_refused(struct nl_req *r, enum nl_unblock_outcome out)
{
	switch (out) {
	case NL_UNBLOCK_LOCKED:
		nl_resp_error_status(r, 429, NL_ERR_LOCKED,
		                     "Çok fazla hatalı kod girildi. Lütfen bir süre sonra tekrar deneyiniz.");
		return;
	case NL_UNBLOCK_USED:
		nl_resp_error_status(r, 409, NL_ERR_CONFLICT,
		                     "Bu kilit çözme kodu kullanıldı. Online İşlemler'den yeni bir kod alınız.");
		return;
	case NL_UNBLOCK_EXPIRED:
		nl_resp_error_status(r, 410, NL_ERR_EXPIRED,
		                     "Kilit çözme kodunun süresi doldu. Online İşlemler'den yeni bir kod alınız.");
		return;
	default:
		nl_resp_error_status(r, 404, NL_ERR_NOT_FOUND, "Kilit çözme kodu geçersiz.");
	}
}

/* GET /api/v1/kilit/{code}: nitelik-imza's check before it touches the card:
 * which certificate the code is for (serial, and the certificate itself so
 * the program can find it on the card by issuer and serial). Spends nothing.
 * No session, the code is the key; unknown codes count against the address. */
void nl_h_api_unblock_check(struct nl_req *r)
{
	struct nl_throttle_policy pol;
	enum nl_unblock_outcome out = 0;
	char serial[64];
	nl_buf der = NL_BUF_INIT;
	nl_throttle_policy_from_config(nl_app_of(r)->cfg, &pol);
	nl_err e = nl_ss_unblock_check(nl_app_of(r), &pol, nl_req_param(r, "code"), r->client_ip,
	                               r->now, &out, serial, &der);
	if (e) {
		nl_resp_error(r, e, NULL);
		goto out;
	}
	if (out != NL_UNBLOCK_OK) {
		unblock_refused(r, out);
		goto out;
	}
	size_t cap = sodium_base64_ENCODED_LEN(der.len, sodium_base64_VARIANT_ORIGINAL);
	char *b64 = nl_arena_alloc(r->arena, cap);
	if (!b64) {
		nl_resp_error(r, NL_ERR_NOMEM, NULL);
		goto out;
	}
	sodium_bin2base64(b64, cap, (const unsigned char *)der.data, der.len,
	                  sodium_base64_VARIANT_ORIGINAL);
	nl_resp_json(r, 200, json_pack("{s:s,s:s,s:s,s:s}", "result", "ok", "serial", serial,
	             "certificate", b64,
	             "message", "Kilit çözme kodu geçerli. Kartınızın PUK kodu ile yeni PIN belirleyebilirsiniz."));
out:
	nl_buf_free(&der);
}

/* POST /api/v1/kilit/{code}: the card took the new PIN; the code is used
 * now, once. Same checks and counting as the GET. */
void nl_h_api_unblock(struct nl_req *r)
{
	struct nl_throttle_policy pol;
	enum nl_unblock_outcome out = 0;
	char serial[64];
	nl_throttle_policy_from_config(nl_app_of(r)->cfg, &pol);
	nl_err e = nl_ss_unblock_use(nl_app_of(r), &pol, nl_req_param(r, "code"), r->client_ip, r->now,
	                             &out, serial);
	if (e) {
		nl_resp_error(r, e, NULL);
		return;
	}
	if (out == NL_UNBLOCK_OK)
		nl_resp_json(r, 200, json_pack("{s:s,s:s,s:s}", "result", "ok", "serial", serial,
		             "message", "Kilit çözme kodu kullanıldı."));
	else
		unblock_refused(r, out);
}

/* ---- renewal ---- */

void nl_h_ss_renew(struct nl_req *r)
{
	json_t *d = nl_ss_page(r, "Start a Renewal");
	if (!d) {
		nl_resp_error(r, NL_ERR_NOMEM, NULL);
		return;
	}
	nl_page_respond(r, 200, "holder/ss_renew", d);
}

void nl_h_ss_renew_post(struct nl_req *r)
{
	int64_t person = r->session.s.subject_id, order_no = 0;
	nl_err e = nl_ss_renew(nl_app_of(r), person, r->now, &order_no);
	if (e == NL_ERR_NOT_FOUND || e == NL_ERR_INVALID) {
		json_t *d = nl_ss_page(r, "Start a Renewal");
		if (!d) {
			nl_resp_error(r, NL_ERR_NOMEM, NULL);
			return;
		}
		/* INVALID: the pre-application refused his data (no e-mail or mobile). */
		json_object_set_new(d, "error", json_string(nl_page_tr(r, e == NL_ERR_NOT_FOUND
		    ? "We found no institution to renew your certificate with. Please ask your institution's e-signature officer."
		    : "Your contact information is incomplete. Please update your e-mail and mobile number first.")));
		nl_page_respond(r, 409, "holder/ss_renew", d);
		return;
	}
	if (e != NL_OK && e != NL_ERR_CONFLICT) {
		nl_resp_error(r, e, NULL);
		return;
	}
	/* One person session: the door that gave Online İşlemler proved the
	 * person, so the renewal's order is already his to open, and Online
	 * İşlemler stays open (docs/applicant.md, "Doors and entitlement"). */
	char to[64];
	snprintf(to, sizeof to, "/basvuru/%lld/form", (long long)order_no);
	nl_resp_redirect(r, to);
}

/* ---- my shipments ---- */

void nl_h_ss_shipments(struct nl_req *r)
{
	struct nl_person_order *orders = NULL;
	size_t n = 0;
	nl_err e = nl_person_orders(nl_app_of(r), r->session.s.subject_id, &orders, &n);
	json_t *d = e == NL_OK ? nl_ss_page(r, "My Shipments") : NULL;
	json_t *list = d ? json_array() : NULL;
	if (!list) {
		free(orders);
		json_decref(d);
		nl_resp_error(r, e ? e : NL_ERR_NOMEM, NULL);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		char no[32];
		snprintf(no, sizeof no, NL_ORDER_NO_PREFIX "%lld", (long long)orders[i].order_no);
		json_array_append_new(list, json_pack("{s:s,s:s,s:s,s:s}", "order_no", no,
		    "date", orders[i].created_date, "status", nl_order_status_label_tr(orders[i].status),
		    "reason", nl_reason_label_tr(orders[i].reason)));
	}
	free(orders);
	json_object_set_new(d, "has_orders", json_boolean(n > 0));
	json_object_set_new(d, "orders", list);
	/* The courier's side (production's shipping.h): tracking number and state. */
	struct nl_shipment *ships = NULL;
	size_t ns = 0;
	json_t *sl = json_array();
	if (sl && nl_shipping_list_person(nl_app_of(r), r->session.s.subject_id, &ships, &ns) == NL_OK) {
		for (size_t i = 0; i < ns; i++) {
			char no[32], at[NL_DATETIME_FMT_MAX], upd[NL_DATETIME_FMT_MAX];
			snprintf(no, sizeof no, NL_ORDER_NO_PREFIX "%lld", (long long)ships[i].order_no);
			nl_time_format_tr(ships[i].shipped_at, at);
			nl_time_format_tr(ships[i].updated_at, upd);
			json_array_append_new(sl, json_pack("{s:s,s:s,s:s,s:s,s:s,s:s}", "order_no", no,
			    "tracking_no", ships[i].tracking_no, "status_code", ships[i].status,
			    "status", !strcmp(r->lang, "en") ? nl_shipping_status_label_en(ships[i].status)
			                                      : nl_shipping_status_label_tr(ships[i].status),
			    "shipped_at", at, "updated_at", upd));
		}
	}
	free(ships);
	json_object_set_new(d, "has_shipments", json_boolean(json_array_size(sl) > 0));
	json_object_set_new(d, "shipments", sl ? sl : json_array());
	nl_page_respond(r, 200, "holder/ss_shipments", d);
}
