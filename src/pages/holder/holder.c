/* Online İşlemler for certificate holders (SPEC §2, §6, §11; docs/esign.md):
 *   GET/POST /online-islemler        the door: Şifreli Giriş (T.C. number +
 *                                    security word) or E-İmzalı Giriş (T.C.
 *                                    number -> a verification code to sign)
 *   GET  /online-islemler/eimza      E-İmzalı Giriş: the code and the countdown
 *   POST /online-islemler/eimza      a new login code
 *   GET  /online-islemler/menu       the holder's home: the menu of SPEC §11
 *   POST /online-islemler/cikis      log out
 *   GET/POST /online-islemler/eonay  e-Onay: KABUL EDİYORUM / KABUL ETMİYORUM,
 *                                    signed through nitelik-imza
 *   GET  /online-islemler/eonay/imza  the code for the choice
 *   GET  /online-islemler/eonay/sonuc "Seçiminiz kaydedildi" */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/holder_login.h"
#include "app/throttle.h"
#include "app/verify_code.h"
#include "app/econsent.h"
#include "pages/entitle.h"
#include "pages/esign_web.h"
#include "pages/handlers.h"
#include "pages/holder/holder_ss.h"
#include "pages/pages.h"
#include "view/spec.h"

#define MSG_WRONG "The identity number or the security word is wrong."
#define MSG_LOCKED "Too many failed attempts. This login is locked for a while; please try again later."
#define MSG_TOO_MANY_CODES "Too many verification codes were asked for from your network. Please use a code you already have or try again in a few minutes."

struct door_post {
	int door;                   /* 0 = sifre, 1 = eimza */
	const char *tckn;
	const char *security_word;
};
static const char *const doors[] = {"sifre", "eimza", NULL};
static const struct nl_spec door_spec[] = {
	NL_SPEC_ENUM("door", struct door_post, door, doors, NL_SPEC_REQUIRED),
	NL_SPEC_TCKN("tckn", struct door_post, tckn, NL_SPEC_REQUIRED),
	NL_SPEC_TEXT("security_word", struct door_post, security_word, 0, 64, 0),
	NL_SPEC_END,
};

static void render_door(struct nl_req *r, int status, const char *error, const char *tckn)
{
	json_t *d = nl_page_data(r, "Online Transactions");
	if (!d) {
		nl_resp_error(r, NL_ERR_NOMEM, NULL);
		return;
	}
	json_object_set_new(d, "csrf", json_string(nl_session_csrf(r)));
	if (error)
		json_object_set_new(d, "error", json_string(nl_page_tr(r, error)));
	if (tckn)
		json_object_set_new(d, "tckn", json_string(tckn));
	nl_page_respond(r, status, "holder/door", d);
}

void nl_h_holder_door(struct nl_req *r)
{
	/* A session without Online İşlemler (an access password, the identity
	 * door, an unapproved word) sees the door: proving himself here adds
	 * to what he has (pages/entitle.h). */
	if (nl_entitled_right(r, NL_RIGHT_ONLINE)) {
		nl_resp_redirect(r, "/online-islemler/menu");
		return;
	}
	nl_err e = nl_session_ensure(r);
	if (e != NL_OK) {
		nl_resp_error(r, e, NULL);
		return;
	}
	render_door(r, 200, NULL, NULL);
}

static NL_MUST_USE nl_err issue_login_code(struct nl_req *r, const char *tckn)
{
	char *text = nl_esign_text_login(tckn, r->now);
	if (!text)
		return NL_ERR_NOMEM;
	/* Anyone may ask for a login code: bounded per address. */
	struct nl_esign_issue in = {.purpose = "login", .id_number = tckn, .text = text,
	                            .addr_max = nl_app_of(r)->cfg->session_max_login_codes_per_address};
	int64_t id;
	nl_err e = nl_esign_web_issue(r, &in, &id);
	if (e == NL_OK) {
		json_object_set_new(r->session.data, "esign_login_tckn", json_string(tckn));
		nl_session_touch_data(r);
	}
	free(text);
	return e;
}

void nl_h_holder_door_post(struct nl_req *r)
{
	struct door_post p = {0};
	struct nl_spec_result res;
	nl_err e = nl_req_parse_body(r, door_spec, &p, &res);
	if (e == NL_ERR_NOMEM) {
		nl_resp_error(r, e, NULL);
		return;
	}
	if (e != NL_OK) {
		render_door(r, 400, "Please enter a valid T.C. identity number.", NULL);
		return;
	}
	if (p.door == 1) {
		/* E-İmzalı Giriş: a code for this browser; whether the number has an
		 * account is told only after a valid signature (no page tells whether
		 * an ID number exists). */
		e = issue_login_code(r, p.tckn);
		if (e == NL_ERR_RATE_LIMIT)
			render_door(r, 429, MSG_TOO_MANY_CODES, p.tckn);
		else if (e)
			nl_resp_error(r, e, NULL);
		else
			nl_resp_redirect(r, "/online-islemler/eimza");
		return;
	}
	struct nl_throttle_policy pol;
	int64_t person = 0, until = 0;
	struct nl_holder_door door;
	nl_throttle_policy_from_config(nl_app_of(r)->cfg, &pol);
	e = nl_login_holder_password(nl_app_of(r), &pol, p.tckn, p.security_word ? p.security_word : "",
	                             r->client_ip, r->now, &person, &until, &door);
	/* The word of an approved form proves the person: Online İşlemler and
	 * all his orders. A word nobody approved yet may have been typed by
	 * whoever got that order's access password: that order and e-Onay
	 * only (docs/applicant.md, "Doors and entitlement"). */
	if (e == NL_OK && door.approved)
		e = nl_entitle_login(r, person, 0, NL_RIGHT_ONLINE | NL_RIGHT_EONAY);
	else if (e == NL_OK)
		e = nl_entitle_login(r, person, door.order_no, NL_RIGHT_EONAY);
	if (e == NL_OK)
		nl_resp_redirect(r, "/online-islemler/menu");
	else if (e == NL_ERR_UNAUTHORIZED)
		render_door(r, 401, MSG_WRONG, p.tckn);
	else if (e == NL_ERR_LOCKED)
		render_door(r, 429, MSG_LOCKED, p.tckn);
	else
		nl_resp_error(r, e, NULL);
}

void nl_h_holder_esign_wait(struct nl_req *r)
{
	struct nl_esign_code code;
	char digits[NL_ESIGN_CODE_DIGITS + 1];
	if (nl_esign_web_current(r, "login", &code, digits) != NL_OK) {
		nl_resp_redirect(r, "/online-islemler");
		return;
	}
	json_t *d = nl_page_data(r, "Login with e-İmza");
	if (!d) {
		nl_esign_code_clear(&code);
		nl_resp_error(r, NL_ERR_NOMEM, NULL);
		return;
	}
	json_object_set_new(d, "login", json_true());
	nl_esign_web_wait_page(r, d, &code, digits, "/online-islemler/eimza", "/online-islemler/eimza");
	nl_esign_code_clear(&code);
}

void nl_h_holder_esign_new(struct nl_req *r)
{
	const char *tckn = json_string_value(json_object_get(r->session.data, "esign_login_tckn"));
	if (!tckn) {
		nl_resp_redirect(r, "/online-islemler");
		return;
	}
	char copy[16];
	snprintf(copy, sizeof copy, "%s", tckn);
	nl_err e = issue_login_code(r, copy);
	if (e)
		nl_resp_error(r, e, NULL);
	else
		nl_resp_redirect(r, "/online-islemler/eimza");
}

void nl_h_holder_logout(struct nl_req *r)
{
	nl_err_ignore(nl_session_logout(r));
	nl_resp_redirect(r, "/online-islemler");
}

/* ---- the holder's home ---- */

/* The self-service page data, and whether this session came in by e-İmza. */
static json_t *holder_page(struct nl_req *r, const char *title)
{
	json_t *d = nl_ss_page(r, title);
	if (!d)
		return NULL;
	json_object_set_new(d, "esign_login",
	                    json_boolean(json_is_true(json_object_get(r->session.data, "esign_login"))));
	/* What this door may do here (docs/applicant.md, the table of doors). */
	json_object_set_new(d, "online", json_boolean(nl_entitled_right(r, NL_RIGHT_ONLINE)));
	return d;
}

void nl_h_holder_menu(struct nl_req *r)
{
	json_t *d = holder_page(r, "Individual Transactions");
	if (!d) {
		nl_resp_error(r, NL_ERR_NOMEM, NULL);
		return;
	}
	nl_page_respond(r, 200, "holder/menu", d);
}

/* ---- e-Onay ---- */

struct consent_post {
	int choice;   /* 0 = accept, 1 = decline */
};
static const char *const choices[] = {"accept", "decline", NULL};
static const struct nl_spec consent_spec[] = {
	NL_SPEC_ENUM("choice", struct consent_post, choice, choices, NL_SPEC_REQUIRED),
	NL_SPEC_END,
};

static void render_consent(struct nl_req *r, int status, const char *error)
{
	struct nl_econsent_text t = {0};
	char current[16] = "";
	int64_t at = 0, version = 0;
	nl_err e = nl_econsent_text(nl_app_of(r), r->now, &t);
	if (e == NL_OK)
		e = nl_econsent_choice(nl_app_of(r), r->session.s.subject_id, current, &at, &version);
	json_t *d = e == NL_OK ? holder_page(r, "e-Onay Choice") : NULL;
	if (!d) {
		nl_econsent_text_clear(&t);
		nl_resp_error(r, e ? e : NL_ERR_NOMEM, NULL);
		return;
	}
	json_object_set_new(d, "intro", json_string(t.intro));
	json_object_set_new(d, "accept_text", json_string(t.accept_text));
	json_object_set_new(d, "decline_text", json_string(t.decline_text));
	json_object_set_new(d, "text_version", json_integer(t.version));
	json_object_set_new(d, "in_force", json_boolean(!strcmp(current, "accept")));
	json_object_set_new(d, "declined", json_boolean(!strcmp(current, "decline")));
	if (at) {
		char when[32];
		nl_esign_time_text(at, when);
		json_object_set_new(d, "chosen_at", json_string(when));
		json_object_set_new(d, "chosen_version", json_integer(version));
	}
	if (error)
		json_object_set_new(d, "error", json_string(nl_page_tr(r, error)));
	nl_econsent_text_clear(&t);
	nl_page_respond(r, status, "holder/econsent", d);
}

void nl_h_holder_econsent(struct nl_req *r)
{
	render_consent(r, 200, NULL);
}

void nl_h_holder_econsent_post(struct nl_req *r)
{
	struct consent_post p = {0};
	struct nl_spec_result res;
	nl_err e = nl_req_parse_body(r, consent_spec, &p, &res);
	if (e != NL_OK) {
		render_consent(r, 400, "Please choose KABUL EDİYORUM or KABUL ETMİYORUM.");
		return;
	}
	struct nl_econsent_text t = {0};
	char name[160], id_number[32];
	if ((e = nl_econsent_text(nl_app_of(r), r->now, &t)) == NL_OK &&
	    (e = nl_holder_identity(nl_app_of(r), r->session.s.subject_id, name, id_number)) == NL_OK) {
		char *text = nl_esign_text_econsent(t.version, p.choice == 0 ? t.accept_text : t.decline_text,
		                                    r->now);
		struct nl_esign_issue in = {
			.purpose = "econsent", .id_number = id_number,
			.person_id = r->session.s.subject_id, .consent_text_id = t.id,
			.consent_choice = choices[p.choice], .text = text,
		};
		int64_t id;
		e = text ? nl_esign_web_issue(r, &in, &id) : NL_ERR_NOMEM;
		free(text);
	}
	nl_econsent_text_clear(&t);
	if (e)
		nl_resp_error(r, e, NULL);
	else
		nl_resp_redirect(r, "/online-islemler/eonay/imza");
}

void nl_h_holder_econsent_wait(struct nl_req *r)
{
	struct nl_esign_code code;
	char digits[NL_ESIGN_CODE_DIGITS + 1];
	if (nl_esign_web_current(r, "econsent", &code, digits) != NL_OK) {
		nl_resp_redirect(r, "/online-islemler/eonay");
		return;
	}
	json_t *d = holder_page(r, "e-Onay Choice");
	if (!d) {
		nl_esign_code_clear(&code);
		nl_resp_error(r, NL_ERR_NOMEM, NULL);
		return;
	}
	json_object_set_new(d, "econsent", json_true());
	/* A new code for the same choice starts again from the choice page. */
	nl_esign_web_wait_page(r, d, &code, digits, "/online-islemler/eonay/imza", "");
	nl_esign_code_clear(&code);
}

void nl_h_holder_econsent_result(struct nl_req *r)
{
	json_t *d = holder_page(r, "e-Onay Result");
	if (!d) {
		nl_resp_error(r, NL_ERR_NOMEM, NULL);
		return;
	}
	char current[16] = "";
	nl_err_ignore(nl_econsent_choice(nl_app_of(r), r->session.s.subject_id, current, NULL, NULL));   /* unread: not in force */
	json_object_set_new(d, "in_force", json_boolean(!strcmp(current, "accept")));
	nl_page_respond(r, 200, "holder/econsent_result", d);
}
