/* Borç Sorgulama ve Ödeme and the virtual POS (SPEC §7, docs/payment.md):
 *   GET/POST /borc-sorgulama          captcha + T.C. number -> open debts
 *                                     (order number and amount only)
 *   POST     /odeme/{no}              opens a POS session, 303 to the bank page
 *   GET/POST /sanal-pos/sim/{session} the bank simulator's card page
 *   POST     /odeme/geri-donus        the bank's signed callback (OPEN: no
 *                                     session, no CSRF; the HMAC is the proof)
 *   GET      /odeme/{no}/sonuc        the result (?oturum=<session key>)
 *
 * A look-up answers with the same page whether or not the number exists (an
 * unknown number has no debts). Every look-up counts against the client
 * address at the door "debt" (app/throttle.h), so the page cannot be used to
 * walk through numbers. The order numbers a look-up showed are kept in the
 * session ("debt_orders"): only those can be paid from it. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/app.h"
#include "app/payment.h"
#include "core/money.h"
#include "core/secret.h"
#include "pages/handlers.h"
#include "pages/kurum_common.h"
#include "pages/lookup_page.h"
#include "pages/pages.h"
#include "pages/payment/payment_web.h"

#define SESSION_DEBTS "debt_orders"

struct debt_form {
	const char *captcha;
	const char *tckn;
};

static const struct nl_spec debt_spec[] = {
	NL_SPEC_TEXT("captcha", struct debt_form, captcha, 1, 16, NL_SPEC_REQUIRED),
	NL_SPEC_TCKN("tckn", struct debt_form, tckn, NL_SPEC_REQUIRED),
	NL_SPEC_END
};

static const struct nl_captcha_page debt_page = {
	.page = "payment/debt", .title = "Debt Inquiry and Payment", .specs = debt_spec,
	.hidden = "tckn",   /* the number typed is never shown back: the answer names nobody */
	.door = "debt",
};

void nl_h_debt_page(struct nl_req *r)
{
	nl_captcha_page_respond(r, &debt_page, 200, NULL, NULL);
}

/* One row of the answer: the order number and the amount, nothing else. */
static json_t *debt_json(const struct nl_debt *d)
{
	char amount[NL_MONEY_FMT_MAX], net[NL_MONEY_FMT_MAX], vat[NL_MONEY_FMT_MAX];
	nl_money_format(d->amount_kurus, amount);
	nl_money_format(d->net_kurus, net);
	nl_money_format(d->vat_kurus, vat);
	char rate[16];
	nl_payment_vat_rate_text(d->vat_bp, rate, sizeof rate);
	return json_pack("{s:I, s:b, s:s, s:s, s:s, s:s}", "order_no", (json_int_t)d->order_no,
	                 "priced", d->priced, "amount", amount, "net", net, "vat", vat,
	                 "vat_rate", rate);
}

void nl_h_debt_post(struct nl_req *r)
{
	struct debt_form in;
	struct nl_spec_result res;
	memset(&in, 0, sizeof in);
	if (!nl_lookup_begin(r, &debt_page, &in, &res, &in.captcha))
		return;
	struct nl_debt *debts = NULL;
	size_t n = 0;
	nl_err e;
	if ((e = nl_payment_debts_by_tckn(nl_app_of(r), in.tckn, r->now, &debts, &n))) {
		nl_resp_error(r, e, NULL);
		return;
	}
	json_t *list = json_array(), *payable = json_array();
	for (size_t i = 0; list && payable && i < n; i++) {
		json_array_append_new(list, debt_json(&debts[i]));
		if (debts[i].priced)
			json_array_append_new(payable, json_integer((json_int_t)debts[i].order_no));
	}
	free(debts);
	if (!list || !payable || json_object_set_new(r->session.data, SESSION_DEBTS, payable)) {
		json_decref(list);
		nl_resp_error(r, NL_ERR_NOMEM, NULL);
		return;
	}
	nl_session_touch_data(r);
	json_t *d = nl_captcha_page_data(r, &debt_page, &res, NULL);
	if (!d) {
		json_decref(list);
		return;
	}
	json_object_set_new(d, "searched", json_true());
	json_object_set_new(d, "has_debts", json_boolean(json_array_size(list) > 0));
	json_object_set_new(d, "debts", list);
	nl_page_respond(r, 200, debt_page.page, d);
}

/* Adds order_no to the session's payable orders (the look-up's list). */
static void remember_payable(struct nl_req *r, int64_t order_no)
{
	json_t *a = json_object_get(r->session.data, SESSION_DEBTS);
	if (!json_is_array(a)) {
		a = json_array();
		if (!a || json_object_set_new(r->session.data, SESSION_DEBTS, a) != 0)
			return;
	}
	size_t i;
	json_t *v;
	json_array_foreach(a, i, v)
		if (json_integer_value(v) == order_no)
			return;
	json_array_append_new(a, json_integer((json_int_t)order_no));
	nl_session_touch_data(r);
}

json_t *nl_payment_debt_for_owner(struct nl_req *r, int64_t order_no)
{
	struct nl_debt d;
	if (!r->session.present || nl_payment_debt_of_no(nl_app_of(r), order_no, r->now, &d) != NL_OK)
		return NULL;
	json_t *j = debt_json(&d);
	if (j && d.priced) {
		char url[48];
		snprintf(url, sizeof url, "/odeme/" NL_ORDER_NO_PREFIX "%" PRId64, order_no);
		json_object_set_new(j, "pay_url", json_string(url));
		remember_payable(r, order_no);
	}
	return j;
}

/* ---- POST /odeme/{no} ---- */

static bool may_pay(struct nl_req *r, int64_t order_no)
{
	json_t *a = r->session.present ? json_object_get(r->session.data, SESSION_DEBTS) : NULL;
	size_t i;
	json_t *v;
	json_array_foreach(a, i, v)
		if (json_is_integer(v) && json_integer_value(v) == order_no)
			return true;
	return false;
}

void nl_h_pay_start(struct nl_req *r)
{
	int64_t no;
	if (!nl_kurum_order_no(nl_req_param(r, "no"), &no) || !may_pay(r, no)) {
		nl_resp_error(r, NL_ERR_NOT_FOUND, NULL);
		return;
	}
	char key[NL_POS_KEY_LEN + 1], url[512];
	nl_err e = nl_payment_pos_start(nl_app_of(r), no, r->now, key, url, sizeof url);
	if (e) {
		nl_resp_error(r, e, e == NL_ERR_NOT_FOUND ? "There is no open debt to pay for this "
		                                            "order." : NULL);
		return;
	}
	if (url[0] == '/') {
		nl_resp_redirect(r, url);
		return;
	}
	/* A bank's page is outside base_url, which nl_resp_redirect refuses (no
	 * open redirect); this URL comes from the configuration ([pos] url), not
	 * from the request, so it is sent as it is. */
	nl_resp_add_header(r, "Location", url);
	nl_resp_bytes(r, 303, "text/plain; charset=utf-8", "", 0);
}

/* ---- the bank simulator ---- */

static void sim_page(struct nl_req *r, int status, const struct nl_pos_view *v,
                     const char *message)
{
	json_t *d = nl_page_data(r, "Virtual POS (simulator)");
	const char *csrf = nl_session_csrf(r);
	if (!d || !csrf) {
		json_decref(d);
		nl_resp_error(r, NL_ERR_INTERNAL, NULL);
		return;
	}
	char amount[NL_MONEY_FMT_MAX];
	nl_money_format(v->s.amount_kurus, amount);
	json_object_set_new(d, "csrf", json_string(csrf));
	json_object_set_new(d, "session", json_string(v->s.session_key));
	json_object_set_new(d, "order_no", json_integer((json_int_t)v->order_no));
	json_object_set_new(d, "amount", json_string(amount));
	json_object_set_new(d, "open", json_boolean(!strcmp(v->s.status, "open") &&
	                                            r->now <= v->s.expires_at));
	if (message)
		json_object_set_new(d, "message", json_string(nl_page_tr(r, message)));
	nl_page_respond(r, status, "payment/sim", d);
}

/* The simulated bank exists only while [pos] driver = simulator. */
static bool simulator_on(struct nl_req *r)
{
	const struct nl_app *app = nl_app_of(r);
	if (app && app->drivers.pos && app->drivers.pos->sim_sign)
		return true;
	nl_resp_error(r, NL_ERR_NOT_FOUND, NULL);
	return false;
}

void nl_h_pos_sim_page(struct nl_req *r)
{
	if (!simulator_on(r))
		return;
	struct nl_pos_view v;
	nl_err e = nl_payment_pos_view(nl_app_of(r), nl_req_param(r, "session"), &v);
	if (e) {
		nl_resp_error(r, e, NULL);
		return;
	}
	sim_page(r, 200, &v, NULL);
}

struct sim_form {
	const char *card_number;
	const char *expiry;
	const char *cvv;
	int action;
};

static const char *const sim_actions[] = {"pay", "cancel", NULL};

static const struct nl_spec sim_spec[] = {
	NL_SPEC_TEXT("card_number", struct sim_form, card_number, 0, 32, NL_SPEC_SECRET),
	NL_SPEC_TEXT("expiry", struct sim_form, expiry, 0, 8, 0),
	NL_SPEC_TEXT("cvv", struct sim_form, cvv, 0, 4, NL_SPEC_SECRET),
	NL_SPEC_ENUM("action", struct sim_form, action, sim_actions, NL_SPEC_REQUIRED),
	NL_SPEC_END
};

/* The simulated bank answers like a bank: it signs the result and the browser
 * carries it back to the merchant in a form post (auto-submitted by
 * /static/js/pos-return.js; a button without JavaScript). The card number is
 * read only to choose the demo outcome: never stored, never logged. */
void nl_h_pos_sim_post(struct nl_req *r)
{
	if (!simulator_on(r))
		return;
	struct nl_pos_view v;
	struct sim_form in;
	struct nl_spec_result res;
	memset(&in, 0, sizeof in);
	nl_err e = nl_payment_pos_view(nl_app_of(r), nl_req_param(r, "session"), &v);
	if (e) {
		nl_resp_error(r, e, NULL);
		return;
	}
	if ((e = nl_req_parse_body(r, sim_spec, &in, &res))) {
		sim_page(r, 400, &v, "Please enter the card details.");
		return;
	}
	if (strcmp(v.s.status, "open") != 0 || r->now > v.s.expires_at) {
		sim_page(r, 409, &v, NULL);
		return;
	}
	const char *decline = in.action == 1 ? "cancelled" : nl_pos_sim_card_outcome(in.card_number);
	nl_pos *pos = nl_app_of(r)->drivers.pos;
	char order_no[24], amount[24], bank_ref[32], hex[13], mac[NL_POS_MAC_HEX];
	snprintf(order_no, sizeof order_no, "%" PRId64, v.order_no);
	snprintf(amount, sizeof amount, "%" PRId64, v.s.amount_kurus);
	nl_random_hex(6, hex);
	snprintf(bank_ref, sizeof bank_ref, "SIM%s", hex);
	struct nl_pos_callback cb = {
		.session = v.s.session_key, .order_no = order_no, .amount = amount,
		.currency = "TRY", .status = decline ? "declined" : "approved", .bank_ref = bank_ref,
	};
	if ((e = pos->sim_sign(pos->self, &cb, mac))) {
		nl_resp_error(r, e, NULL);
		return;
	}
	json_t *d = nl_page_data(r, "Virtual POS (simulator)");
	if (!d) {
		nl_resp_error(r, NL_ERR_NOMEM, NULL);
		return;
	}
	json_object_set_new(d, "fields", json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s}",
	                    "session", cb.session, "order_no", cb.order_no, "amount", cb.amount,
	                    "currency", cb.currency, "status", cb.status, "bank_ref", cb.bank_ref,
	                    "mac", mac));
	json_object_set_new(d, "approved", json_boolean(!decline));
	nl_page_respond(r, 200, "payment/sim_return", d);
}

/* ---- the callback ---- */

struct cb_form {
	const char *session, *order_no, *amount, *currency, *status, *bank_ref, *mac;
};

static const struct nl_spec cb_spec[] = {
	NL_SPEC_TEXT("session", struct cb_form, session, 1, 128, NL_SPEC_REQUIRED),
	NL_SPEC_TEXT("order_no", struct cb_form, order_no, 1, 128, NL_SPEC_REQUIRED),
	NL_SPEC_TEXT("amount", struct cb_form, amount, 1, 128, NL_SPEC_REQUIRED),
	NL_SPEC_TEXT("currency", struct cb_form, currency, 1, 128, NL_SPEC_REQUIRED),
	NL_SPEC_TEXT("status", struct cb_form, status, 1, 128, NL_SPEC_REQUIRED),
	NL_SPEC_TEXT("bank_ref", struct cb_form, bank_ref, 1, 128, NL_SPEC_REQUIRED),
	NL_SPEC_TEXT("mac", struct cb_form, mac, 1, 128, NL_SPEC_REQUIRED),
	NL_SPEC_END
};

static void refused_page(struct nl_req *r)
{
	json_t *d = nl_page_data(r, "Payment could not be verified");
	if (!d) {
		nl_resp_error(r, NL_ERR_NOMEM, NULL);
		return;
	}
	nl_page_respond(r, 400, "payment/refused", d);
}

void nl_h_pay_callback(struct nl_req *r)
{
	struct cb_form in;
	struct nl_spec_result res;
	memset(&in, 0, sizeof in);
	nl_err e = nl_req_parse_body(r, cb_spec, &in, &res);
	if (e == NL_ERR_INVALID) {
		fprintf(stderr, "payment: POS callback refused: malformed (from %s)\n", r->client_ip);
		refused_page(r);
		return;
	} else if (e) {
		nl_resp_error(r, e, NULL);
		return;
	}
	struct nl_pos_callback cb = {
		.session = in.session, .order_no = in.order_no, .amount = in.amount,
		.currency = in.currency, .status = in.status, .bank_ref = in.bank_ref, .mac = in.mac,
	};
	struct nl_pos_result pr;
	if ((e = nl_payment_pos_callback(nl_app_of(r), &cb, r->client_ip, r->now, &pr))) {
		nl_resp_error(r, e, NULL);
		return;
	}
	if (pr.outcome == NL_POS_REFUSED) {
		refused_page(r);
		return;
	}
	char url[128];
	snprintf(url, sizeof url, "/odeme/" NL_ORDER_NO_PREFIX "%" PRId64 "/sonuc?oturum=%s",
	         pr.order_no, pr.session_key);
	nl_resp_redirect(r, url);
}

void nl_h_pay_result(struct nl_req *r)
{
	int64_t no;
	struct nl_pos_view v;
	if (!nl_kurum_order_no(nl_req_param(r, "no"), &no) ||
	    nl_payment_pos_view(nl_app_of(r), nl_req_query(r, "oturum"), &v) != NL_OK ||
	    v.order_no != no) {
		nl_resp_error(r, NL_ERR_NOT_FOUND, NULL);
		return;
	}
	json_t *d = nl_page_data(r, "Payment Result");
	if (!d) {
		nl_resp_error(r, NL_ERR_NOMEM, NULL);
		return;
	}
	char amount[NL_MONEY_FMT_MAX];
	nl_money_format(v.s.amount_kurus, amount);
	json_object_set_new(d, "order_no", json_integer((json_int_t)no));
	json_object_set_new(d, "amount", json_string(amount));
	json_object_set_new(d, "approved", json_boolean(!strcmp(v.s.status, "approved")));
	json_object_set_new(d, "declined", json_boolean(!strcmp(v.s.status, "declined")));
	json_object_set_new(d, "pending", json_boolean(!strcmp(v.s.status, "open")));
	nl_page_respond(r, 200, "payment/result", d);
}
