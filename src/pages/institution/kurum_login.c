/* Staff login (every staff role logs in here: officers, RA, production, admin,
 * auditor):
 *   GET  /kurum/giris   the form
 *   POST /kurum/giris   user name + password
 *   POST /kurum/cikis   log out
 * An unknown user, a wrong password and a disabled account get the same
 * message (and take the same time: app/staff.c). Failures are counted per
 * account (store_users: lock-out) and per (door, user name) and per client
 * address (app/throttle.h), so a lock never tells whether a name exists. The
 * session id is rotated at login (nl_session_login). */
#include <string.h>

#include "app/staff.h"
#include "app/throttle.h"
#include "pages/handlers.h"
#include "pages/pages.h"
#include "view/spec.h"

struct login_form {
	const char *username;
	const char *password;
};

static const struct nl_spec login_spec[] = {
	NL_SPEC_TEXT("username", struct login_form, username, 1, 64, NL_SPEC_REQUIRED),
	NL_SPEC_TEXT("password", struct login_form, password, 1, 256,
	             NL_SPEC_REQUIRED | NL_SPEC_SECRET),
	NL_SPEC_END,
};

#define MSG_WRONG "The user name or password is wrong."
#define MSG_LOCKED "Too many failed attempts. Please try again in a few minutes."

static unsigned roles_of(enum nl_user_role role)
{
	switch (role) {
	case NL_ROLE_KURUM: return NL_SROLE_OFFICER;
	case NL_ROLE_RA: return NL_SROLE_RA;
	case NL_ROLE_PRODUCTION: return NL_SROLE_PRODUCTION;
	case NL_ROLE_ADMIN: return NL_SROLE_ADMIN;
	case NL_ROLE_AUDITOR: return NL_SROLE_AUDITOR;
	}
	return 0;
}

/* Where each role starts after login. */
static const char *home_of(unsigned roles)
{
	if (roles & NL_SROLE_OFFICER)
		return "/kurum";
	if (roles & NL_SROLE_ADMIN)
		return "/yonetim/kullanicilar";
	if (roles & NL_SROLE_RA)
		return "/kayit";
	if (roles & NL_SROLE_PRODUCTION)
		return "/uretim";
	return "/";
}

static void render(struct nl_req *r, int status, const char *username, const char *error)
{
	json_t *d = nl_page_data(r, "Institution Officer Login");
	const char *csrf = nl_session_csrf(r);
	if (!d || !csrf) {
		json_decref(d);
		nl_resp_error(r, NL_ERR_INTERNAL, NULL);
		return;
	}
	json_object_set_new(d, "csrf", json_string(csrf));
	if (username)
		json_object_set_new(d, "username", json_string(username));
	if (error)
		json_object_set_new(d, "error", json_string(nl_page_tr(r, error)));
	nl_page_respond(r, status, "kurum/login", d);
}

void nl_h_kurum_login_page(struct nl_req *r)
{
	if (r->session.present && r->session.s.kind == NL_SESS_OFFICER) {
		nl_resp_redirect(r, home_of(r->session.roles));
		return;
	}
	render(r, 200, NULL, NULL);
}

void nl_h_kurum_login(struct nl_req *r)
{
	struct login_form f;
	struct nl_spec_result res;
	struct nl_throttle_policy pol;
	int64_t until = 0;
	nl_err e = nl_spec_parse(r->arena, login_spec, r->content_type_full, r->body, r->body_len,
	                         &f, &res);
	if (e == NL_ERR_NOMEM) {
		nl_resp_error(r, e, NULL);
		return;
	}
	if (e) {
		render(r, 400, res.typed ? res.typed[0] : NULL,
		       "Enter your user name and password.");
		return;
	}
	nl_throttle_policy_from_config(nl_app_of(r)->cfg, &pol);
	e = nl_throttle_check(nl_app_of(r), &pol, NL_DOOR_STAFF, f.username, r->client_ip, r->now,
	                      &until);
	if (e == NL_ERR_LOCKED) {
		render(r, 429, f.username, MSG_LOCKED);
		return;
	}
	if (e) {
		nl_resp_error(r, e, NULL);
		return;
	}
	struct nl_user u;
	e = nl_staff_login(nl_app_of(r), f.username, f.password, r->now, &u);
	if (e == NL_ERR_UNAUTHORIZED || e == NL_ERR_LOCKED) {
		bool locked_now = false;
		nl_err_ignore(nl_throttle_fail(nl_app_of(r), &pol, NL_DOOR_STAFF, f.username, r->client_ip, r->now,
		                 &locked_now));
		if (e == NL_ERR_LOCKED || locked_now)
			render(r, 429, f.username, MSG_LOCKED);
		else
			render(r, 401, f.username, MSG_WRONG);
		return;
	}
	if (e) {
		nl_resp_error(r, e, NULL);
		return;
	}
	unsigned roles = roles_of(u.role);
	int64_t uid = u.id;
	nl_user_clear(&u);
	nl_err_ignore(nl_throttle_success(nl_app_of(r), NL_DOOR_STAFF, f.username, r->client_ip, r->now));
	if ((e = nl_session_login(r, NL_SESS_OFFICER, uid, roles)) != NL_OK) {
		nl_resp_error(r, e, NULL);
		return;
	}
	nl_resp_redirect(r, home_of(roles));
}

void nl_h_kurum_logout(struct nl_req *r)
{
	nl_err_ignore(nl_session_logout(r));
	nl_resp_redirect(r, "/kurum/giris");
}
