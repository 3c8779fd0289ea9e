/* The applicant's doors (SPEC §2, issue 3 item 5):
 *   GET  /captcha.png     a new captcha for this session (src/app/captcha.h)
 *   GET  /giris/form      form login: captcha + T.C./passport + access password
 *   POST /giris/form
 *   GET  /giris/kimlik    identity login: captcha + T.C. + name + surname +
 *   POST /giris/kimlik    birth place + birth date (population registry)
 *   POST /cikis           log out
 *
 * The captcha ticket lives in the session (data "captcha": {"h": keyed hash,
 * "exp": expiry}) and is taken out by every POST before anything else, so it
 * is used once whatever happens next. Every wrong ID/password/identity gets
 * one message and one status (401); the use cases make them cost the same
 * and count them (src/app/login_person.h). A successful login rotates the
 * session id (nl_session_login) and leads to /basvuru. The form door opens
 * the order of the password only, the identity door all of the person's
 * orders (pages/entitle.h). */
#include <string.h>

#include "app/app.h"
#include "app/captcha.h"
#include "app/login_person.h"
#include "app/throttle.h"
#include "pages/entitle.h"
#include "pages/handlers.h"
#include "pages/lookup_page.h"
#include "pages/pages.h"

/* One message for every wrong answer, true for each cause. */
#define MSG_FORM_WRONG "The identity number or the access password is wrong, or there is no open application for them."
#define MSG_IDENTITY_WRONG "The identity details could not be verified, or there is no open application for them."
#define MSG_LOCKED "Too many failed attempts. This login is locked for a while; please try again later."
#define MSG_REGISTRY_DOWN "The population registry cannot be reached at the moment. Please try again later."

/* ---- the captcha in the session ---- */

void nl_h_captcha_png(struct nl_req *r)
{
	nl_err se = nl_session_ensure(r);
	if (se != NL_OK) {
		nl_resp_error(r, se, NULL);
		return;
	}
	struct nl_captcha pic;
	struct nl_captcha_ticket t;
	nl_err e = nl_app_captcha_new(nl_app_of(r), r->now, &pic, &t);
	if (e) {
		nl_resp_error(r, e, NULL);
		return;
	}
	json_t *cap = json_pack("{s:s, s:I}", "h", t.hash, "exp", (json_int_t)t.expires_at);
	if (!cap || json_object_set_new(r->session.data, NL_SESSION_CAPTCHA, cap) != 0) {
		nl_captcha_free(&pic);
		nl_resp_error(r, NL_ERR_NOMEM, NULL);
		return;
	}
	nl_session_touch_data(r);
	nl_resp_bytes(r, 200, "image/png", pic.png, pic.png_len);
	nl_captcha_free(&pic);
}

/* ---- form login ---- */

struct form_login {
	const char *captcha;
	struct nl_id_number id;
	const char *password;
};

static const struct nl_spec form_login_spec[] = {
	NL_SPEC_TEXT("captcha", struct form_login, captcha, 1, 16, NL_SPEC_REQUIRED),
	NL_SPEC_ID_NUMBER("id_number", struct form_login, id, NL_SPEC_REQUIRED),
	NL_SPEC_TEXT("password", struct form_login, password, 1, 128,
	             NL_SPEC_REQUIRED | NL_SPEC_SECRET),
	NL_SPEC_END
};

static const struct nl_captcha_page form_door = {
	.page = "portal/login_form", .title = "Application Form Login", .specs = form_login_spec,
	.door = NL_DOOR_FORM,
};

void nl_h_login_form_page(struct nl_req *r)
{
	/* A session that proved the person has every order already; any other
	 * person session may come here to add an order or prove himself (one
	 * person session across the doors, pages/entitle.h). */
	if (nl_entitled_all(r)) {
		nl_resp_redirect(r, "/basvuru");
		return;
	}
	nl_captcha_page_respond(r, &form_door, 200, NULL, NULL);
}

/* Answers a failed login of either door: its page with the form values as
 * typed (secrets never), the field errors and a message at the top. */
static void login_refused(struct nl_req *r, nl_err e, const struct nl_captcha_page *door,
                          const struct nl_spec_result *res, const char *wrong_msg)
{
	switch (e) {
	case NL_ERR_UNAUTHORIZED:
		nl_captcha_page_respond(r, door, 401, res, wrong_msg);
		break;
	case NL_ERR_LOCKED:
		nl_captcha_page_respond(r, door, 429, res, MSG_LOCKED);
		break;
	case NL_ERR_IO:
		nl_captcha_page_respond(r, door, 503, res, MSG_REGISTRY_DOWN);
		break;
	default:
		nl_resp_error(r, e, NULL);
		break;
	}
}

/* The captcha step of both doors. Returns true when it passed; otherwise the
 * response is queued. */
static bool captcha_passed(struct nl_req *r, const struct nl_captcha_page *door,
                           const char *typed, const struct nl_captcha_ticket *t, bool had_ticket,
                           const struct nl_spec_result *res)
{
	nl_err e = nl_app_captcha_check(nl_app_of(r), had_ticket ? t : NULL, typed, r->now);
	if (e == NL_OK)
		return true;
	if (e != NL_ERR_INVALID && e != NL_ERR_EXPIRED) {
		nl_resp_error(r, e, NULL);
		return false;
	}
	struct nl_throttle_policy pol;
	nl_throttle_policy_from_config(nl_app_of(r)->cfg, &pol);
	e = nl_login_person_captcha_failed(nl_app_of(r), &pol, door->door, r->client_ip, r->now);
	if (e) {
		nl_resp_error(r, e, NULL);
		return false;
	}
	nl_captcha_page_respond(r, door, 400, res, NL_MSG_CAPTCHA_WRONG);
	return false;
}

void nl_h_login_form_post(struct nl_req *r)
{
	struct nl_captcha_ticket t;
	bool had = nl_captcha_ticket_take(r, &t);
	struct form_login in;
	struct nl_spec_result res;
	memset(&in, 0, sizeof in);
	nl_err e = nl_req_parse_body(r, form_login_spec, &in, &res);
	if (e == NL_ERR_INVALID) {
		nl_captcha_page_respond(r, &form_door, 400, &res, NULL);
		return;
	} else if (e) {
		nl_resp_error(r, e, NULL);
		return;
	}
	if (!captcha_passed(r, &form_door, in.captcha, &t, had, &res))
		return;
	struct nl_throttle_policy pol;
	nl_throttle_policy_from_config(nl_app_of(r)->cfg, &pol);
	struct nl_login_form_input li = {
		.passport = in.id.kind == NL_ID_PASSPORT, .id_number = in.id.number,
		.password = in.password, .client_addr = r->client_ip, .now = r->now,
	};
	struct nl_login_result out;
	e = nl_login_person_form(nl_app_of(r), &pol, &li, &out);
	if (e) {
		login_refused(r, e, &form_door, &res, MSG_FORM_WRONG);
		return;
	}
	/* The password opens its own order only (pages/entitle.h). */
	if ((e = nl_entitle_login(r, out.person_id, out.order_no, 0)) != NL_OK) {
		nl_resp_error(r, e, NULL);
		return;
	}
	nl_resp_redirect(r, "/basvuru");
}

/* ---- identity login ---- */

struct identity_login {
	const char *captcha;
	const char *tckn;
	const char *given_name;
	const char *surname;
	const char *birth_place;
	struct nl_date birth_date;
};

static const struct nl_spec identity_login_spec[] = {
	NL_SPEC_TEXT("captcha", struct identity_login, captcha, 1, 16, NL_SPEC_REQUIRED),
	NL_SPEC_TCKN("tckn", struct identity_login, tckn, NL_SPEC_REQUIRED),
	NL_SPEC_NAME("given_name", struct identity_login, given_name, 64, NL_SPEC_REQUIRED),
	NL_SPEC_NAME("surname", struct identity_login, surname, 64, NL_SPEC_REQUIRED),
	NL_SPEC_NAME("birth_place", struct identity_login, birth_place, 64, NL_SPEC_REQUIRED),
	NL_SPEC_DATE("birth_date", struct identity_login, birth_date, 1900, 2100, NL_SPEC_REQUIRED),
	NL_SPEC_END
};

static const struct nl_captcha_page identity_door = {
	.page = "portal/login_identity", .title = "Login with Identity Details",
	.specs = identity_login_spec, .door = NL_DOOR_IDENTITY,
};

void nl_h_login_identity_page(struct nl_req *r)
{
	/* A session that proved the person has every order already; any other
	 * person session may come here to add an order or prove himself (one
	 * person session across the doors, pages/entitle.h). */
	if (nl_entitled_all(r)) {
		nl_resp_redirect(r, "/basvuru");
		return;
	}
	nl_captcha_page_respond(r, &identity_door, 200, NULL, NULL);
}

void nl_h_login_identity_post(struct nl_req *r)
{
	struct nl_captcha_ticket t;
	bool had = nl_captcha_ticket_take(r, &t);
	struct identity_login in;
	struct nl_spec_result res;
	memset(&in, 0, sizeof in);
	nl_err e = nl_req_parse_body(r, identity_login_spec, &in, &res);
	if (e == NL_ERR_INVALID) {
		nl_captcha_page_respond(r, &identity_door, 400, &res, NULL);
		return;
	} else if (e) {
		nl_resp_error(r, e, NULL);
		return;
	}
	if (!captcha_passed(r, &identity_door, in.captcha, &t, had, &res))
		return;
	char date[16];
	snprintf(date, sizeof date, "%04d-%02d-%02d", in.birth_date.year % 10000,
	         in.birth_date.month % 100, in.birth_date.day % 100);
	struct nl_throttle_policy pol;
	nl_throttle_policy_from_config(nl_app_of(r)->cfg, &pol);
	struct nl_login_identity_input li = {
		.tckn = in.tckn, .given_name = in.given_name, .surname = in.surname,
		.birth_place = in.birth_place, .birth_date = date,
		.client_addr = r->client_ip, .now = r->now,
	};
	struct nl_login_result out;
	e = nl_login_person_identity(nl_app_of(r), &pol, &li, &out);
	if (e) {
		login_refused(r, e, &identity_door, &res, MSG_IDENTITY_WRONG);
		return;
	}
	/* The registry proved the person: all his orders (pages/entitle.h). */
	if ((e = nl_entitle_login(r, out.person_id, 0, 0)) != NL_OK) {
		nl_resp_error(r, e, NULL);
		return;
	}
	nl_resp_redirect(r, "/basvuru");
}

/* ---- logout ---- */

void nl_h_logout_person(struct nl_req *r)
{
	nl_err_ignore(nl_session_logout(r));
	nl_resp_redirect(r, "/");
}
