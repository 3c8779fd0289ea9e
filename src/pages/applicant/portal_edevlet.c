/* The e-Devlet door (issue 14 item 2; drivers/oidc.h does the protocol):
 *   GET /giris/edevlet         (?hedef=online from Online İşlemler) starts: state, nonce and the PKCE verifier go in
 *                              this browser's session (data "edevlet", 10
 *                              minutes), the browser goes to the provider
 *   GET /giris/edevlet/donus   the redirect URI (<base_url>/giris/edevlet/donus):
 *                              takes the session's secrets out (used once
 *                              whatever happens), checks state, lets the driver
 *                              trade the code and check the ID token, then logs
 *                              the person in through the same door function as
 *                              the identity login (pages/entitle.h): it proves
 *                              the person, so all his orders. Started from
 *                              Online İşlemler it opens the holder's pages
 *                              instead (the holder's rights, as docs/applicant.md's doors table says).
 * Every refusal is audited (app/login_edevlet.h) and answered with a page that
 * says what happened; the other doors do not depend on the provider.
 *
 * The session cookie is SameSite=Strict, so a browser coming back from the
 * provider's site does not send it; the first arrival without the session's
 * secrets is answered by a page that reloads the same address from this site
 * (marked b=1), and that request carries the cookie. */
#include <stdio.h>
#include <string.h>

#include "app/app.h"
#include "app/login_edevlet.h"
#include "drivers/oidc.h"
#include "pages/entitle.h"
#include "pages/handlers.h"
#include "pages/pages.h"

/* e-Devlet proves the person with his own e-Devlet password: like E-İmzalı
 * Giriş, every door of the doors table (docs/applicant.md) opens. */
#define EDEVLET_RIGHTS (NL_RIGHT_ONLINE | NL_RIGHT_EONAY)

#define SESSION_KEY "edevlet"
#define FLOW_TTL 600

#define MSG_OFF "Login with e-Devlet is not available here. Please use another way to log in."
#define MSG_DOWN "e-Devlet cannot be reached at the moment. Please try again later or use another way to log in."
#define MSG_STATE "This e-Devlet login was not started in this browser, was already used or has expired. Please start again."
#define MSG_CANCELLED "The e-Devlet login was cancelled."
#define MSG_REFUSED "The answer from e-Devlet could not be verified, so you were not logged in. Please start again."
#define MSG_NOAPP "You were identified through e-Devlet, but there is no open application for you. Your institution's e-signature officer makes the pre-application; please ask him or her."

static nl_oidc *door(struct nl_req *r)
{
	struct nl_app *app = nl_app_of(r);
	return app ? app->drivers.oidc : NULL;
}

static const char *redirect_uri(struct nl_req *r)
{
	const char *b = nl_app_of(r)->cfg->base_url;
	size_t n = strlen(b);
	return nl_arena_printf(r->arena, "%.*s/giris/edevlet/donus",
	                       (int)(n && b[n - 1] == '/' ? n - 1 : n), b);
}

static void refuse(struct nl_req *r, int status, nl_err e, const char *msg, const char *why)
{
	nl_err ae = nl_login_edevlet_refused(nl_app_of(r), why, r->client_ip, r->now);
	if (ae) {
		nl_resp_error(r, ae, NULL);
		return;
	}
	nl_resp_error_status(r, status, e, msg);
}

void nl_h_edevlet_start(struct nl_req *r)
{
	nl_oidc *o = door(r);
	if (!o) {
		nl_resp_error_status(r, 404, NL_ERR_NOT_FOUND, MSG_OFF);
		return;
	}
	nl_err e = nl_session_ensure(r);
	if (e) {
		nl_resp_error(r, e, NULL);
		return;
	}
	struct nl_oidc_start st;
	struct nl_drv_error de;
	memset(&de, 0, sizeof de);
	if ((e = nl_oidc_begin(o, redirect_uri(r), &st, &de)) != NL_OK) {
		refuse(r, 503, NL_ERR_IO, MSG_DOWN, de.msg);
		return;
	}
	const char *to = nl_req_query(r, "hedef");
	json_t *f = json_pack("{s:s, s:s, s:s, s:I, s:b}", "state", st.state, "nonce", st.nonce,
	                      "verifier", st.verifier, "exp", (json_int_t)(r->now + FLOW_TTL),
	                      "holder", to && strcmp(to, "online") == 0);
	if (!f || json_object_set_new(r->session.data, SESSION_KEY, f) != 0) {
		nl_resp_error(r, NL_ERR_NOMEM, NULL);
		return;
	}
	nl_session_touch_data(r);
	nl_resp_add_header(r, "Location", st.url);
	nl_resp_bytes(r, 303, "text/plain; charset=utf-8", "", 0);
}

/* Percent-encodes s for a query value. */
static void put_q(nl_buf *b, const char *s)
{
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;
		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '_' || c == '.' || c == '~')
			nl_buf_printf(b, "%c", c);
		else
			nl_buf_printf(b, "%%%02X", c);
	}
}

/* The page that reloads the redirect URI from this site (see the top). */
static void bounce(struct nl_req *r)
{
	static const char *const keys[] = {"code", "state", "error"};
	nl_buf u = {0}, page = {0};
	nl_buf_puts(&u, "/giris/edevlet/donus?b=1");
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
		const char *v = nl_req_query(r, keys[i]);
		if (v) {
			nl_buf_printf(&u, "&%s=", keys[i]);
			put_q(&u, v);
		}
	}
	nl_buf_puts(&page, "<!DOCTYPE html><html><head><meta charset=\"utf-8\">"
	                   "<meta http-equiv=\"refresh\" content=\"0;url=");
	nl_buf_put_html(&page, u.data ? u.data : "/");
	nl_buf_puts(&page, "\"></head><body><p><a href=\"");
	nl_buf_put_html(&page, u.data ? u.data : "/");
	nl_buf_puts(&page, "\">e-Devlet</a></p></body></html>\n");
	nl_buf_free(&u);
	nl_resp_html(r, 200, &page);
	nl_buf_free(&page);
}

void nl_h_edevlet_return(struct nl_req *r)
{
	nl_oidc *o = door(r);
	if (!o) {
		nl_resp_error_status(r, 404, NL_ERR_NOT_FOUND, MSG_OFF);
		return;
	}
	json_t *f = r->session.present ? json_object_get(r->session.data, SESSION_KEY) : NULL;
	if (!f && !nl_req_query(r, "b")) {
		bounce(r);
		return;
	}
	/* Used once, whatever happens next. */
	char state[64] = "", nonce[64] = "", verifier[64] = "";
	int64_t exp = 0;
	bool holder = false;
	if (f) {
		holder = json_is_true(json_object_get(f, "holder"));
		snprintf(state, sizeof state, "%s", json_string_value(json_object_get(f, "state"))
		         ? json_string_value(json_object_get(f, "state")) : "");
		snprintf(nonce, sizeof nonce, "%s", json_string_value(json_object_get(f, "nonce"))
		         ? json_string_value(json_object_get(f, "nonce")) : "");
		snprintf(verifier, sizeof verifier, "%s",
		         json_string_value(json_object_get(f, "verifier"))
		         ? json_string_value(json_object_get(f, "verifier")) : "");
		exp = (int64_t)json_integer_value(json_object_get(f, "exp"));
		json_object_del(r->session.data, SESSION_KEY);
		nl_session_touch_data(r);
	}
	const char *qs = nl_req_query(r, "state"), *code = nl_req_query(r, "code");
	if (!state[0] || exp < r->now || !qs || strcmp(qs, state) != 0) {
		refuse(r, 400, NL_ERR_INVALID, MSG_STATE,
		       !state[0] ? "state: no e-Devlet login started in this session"
		       : exp < r->now ? "state: the login started too long ago"
		       : "state: does not match this session's");
		return;
	}
	if (nl_req_query(r, "error") || !code || !*code) {
		refuse(r, 401, NL_ERR_UNAUTHORIZED, MSG_CANCELLED,
		       nl_arena_printf(r->arena, "the provider answered error=%.60s",
		                       nl_req_query(r, "error") ? nl_req_query(r, "error") : "(no code)"));
		return;
	}
	char tckn[16];
	struct nl_drv_error de;
	memset(&de, 0, sizeof de);
	nl_err e = nl_oidc_finish(o, redirect_uri(r), code, verifier, nonce, r->now, tckn,
	                          sizeof tckn, &de);
	if (e == NL_ERR_IO) {
		refuse(r, 503, NL_ERR_IO, MSG_DOWN, de.msg);
		return;
	} else if (e) {
		refuse(r, 401, NL_ERR_UNAUTHORIZED, MSG_REFUSED, de.msg);
		return;
	}
	int64_t person = 0;
	if (holder) {
		e = nl_login_holder_edevlet(nl_app_of(r), tckn, r->client_ip, r->now, &person);
		if (e == NL_ERR_NOT_FOUND)
			nl_resp_error_status(r, 403, NL_ERR_FORBIDDEN, MSG_NOAPP);
		else if (e == NL_OK && (e = nl_entitle_login(r, person, 0, EDEVLET_RIGHTS)) == NL_OK)
			nl_resp_redirect(r, "/online-islemler/menu");
		if (e && e != NL_ERR_NOT_FOUND)
			nl_resp_error(r, e, NULL);
		return;
	}
	e = nl_login_person_edevlet(nl_app_of(r), tckn, r->client_ip, r->now, &person);
	if (e == NL_ERR_NOT_FOUND) {
		nl_resp_error_status(r, 403, NL_ERR_FORBIDDEN, MSG_NOAPP);
		return;
	} else if (e) {
		nl_resp_error(r, e, NULL);
		return;
	}
	/* e-Devlet proved the person: all his orders, like the identity login. */
	if ((e = nl_entitle_login(r, person, 0, EDEVLET_RIGHTS)) != NL_OK) {
		nl_resp_error(r, e, NULL);
		return;
	}
	nl_resp_redirect(r, "/basvuru");
}
