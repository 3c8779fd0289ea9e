/* Captcha-guarded form pages and look-ups (pages/lookup_page.h). */
#include "pages/lookup_page.h"

#include <string.h>

#include "app/throttle.h"
#include "pages/pages.h"

bool nl_captcha_ticket_take(struct nl_req *r, struct nl_captcha_ticket *t)
{
	memset(t, 0, sizeof *t);
	json_t *cap = r->session.present ? json_object_get(r->session.data, NL_SESSION_CAPTCHA)
	                                 : NULL;
	if (!cap)
		return false;
	const char *h = json_string_value(json_object_get(cap, "h"));
	json_t *exp = json_object_get(cap, "exp");
	bool ok = h && strlen(h) < sizeof t->hash && json_is_integer(exp);
	if (ok) {
		memcpy(t->hash, h, strlen(h) + 1);
		t->expires_at = (int64_t)json_integer_value(exp);
	}
	json_object_del(r->session.data, NL_SESSION_CAPTCHA);
	nl_session_touch_data(r);
	return ok;
}

json_t *nl_captcha_page_data(struct nl_req *r, const struct nl_captcha_page *cp,
                             const struct nl_spec_result *res, const char *message)
{
	json_t *d = nl_page_data(r, cp->title);
	const char *csrf = nl_session_csrf(r);
	if (!d || !csrf) {
		json_decref(d);
		nl_resp_error(r, NL_ERR_INTERNAL, NULL);
		return NULL;
	}
	struct nl_spec_result empty = {0};
	json_t *form = nl_spec_form_json(cp->specs, res ? res : &empty, r->lang);
	if (form)
		json_object_update(d, form);
	json_decref(form);
	if (cp->hidden)
		json_object_del(json_object_get(d, "values"), cp->hidden);
	json_object_set_new(d, "csrf", json_string(csrf));
	/* A fresh picture URL each time, so no cache shows an old picture. */
	json_object_set_new(d, "captcha_nonce", json_integer((json_int_t)r->now));
	if (message)
		json_object_set_new(d, "message", json_string(nl_page_tr(r, message)));
	return d;
}

void nl_captcha_page_respond(struct nl_req *r, const struct nl_captcha_page *cp, int status,
                             const struct nl_spec_result *res, const char *message)
{
	json_t *d = nl_captcha_page_data(r, cp, res, message);
	if (d)
		nl_page_respond(r, status, cp->page, d);
}

bool nl_lookup_begin(struct nl_req *r, const struct nl_captcha_page *cp, void *in,
                     struct nl_spec_result *res, const char *const *captcha)
{
	struct nl_captcha_ticket t;
	bool had = nl_captcha_ticket_take(r, &t);
	struct nl_throttle_policy pol;
	nl_throttle_policy_from_config(nl_app_of(r)->cfg, &pol);
	int64_t until = 0;
	nl_err e = nl_throttle_check(nl_app_of(r), &pol, cp->door, NULL, r->client_ip, r->now, &until);
	if (e == NL_ERR_LOCKED) {
		nl_captcha_page_respond(r, cp, 429, NULL,
		                        "Too many inquiries from your address. Please try again later.");
		return false;
	} else if (e) {
		nl_resp_error(r, e, NULL);
		return false;
	}
	/* Every inquiry counts, right or wrong: the limit is on look-ups, so the
	 * page cannot be used to walk through numbers. */
	if ((e = nl_throttle_fail(nl_app_of(r), &pol, cp->door, NULL, r->client_ip, r->now, NULL))) {
		nl_resp_error(r, e, NULL);
		return false;
	}
	e = nl_req_parse_body(r, cp->specs, in, res);
	if (e == NL_ERR_INVALID) {
		nl_captcha_page_respond(r, cp, 400, res, NULL);
		return false;
	} else if (e) {
		nl_resp_error(r, e, NULL);
		return false;
	}
	e = nl_app_captcha_check(nl_app_of(r), had ? &t : NULL, *captcha, r->now);
	if (e == NL_ERR_INVALID || e == NL_ERR_EXPIRED) {
		nl_captcha_page_respond(r, cp, 400, res, NL_MSG_CAPTCHA_WRONG);
		return false;
	} else if (e) {
		nl_resp_error(r, e, NULL);
		return false;
	}
	return true;
}
