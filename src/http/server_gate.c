/* The gate every request passes once it is all in: path and body checks, the
 * route table, the session, the route's auth requirement and the CSRF token,
 * then the handler. Called by the access handler (server_access.c). */
#include <string.h>
#include <strings.h>

#include "http/router.h"
#include "http/server_internal.h"

/* Errors that mean "the database cannot answer now", whatever the store made
 * of it: a door that cannot decide says 503, never "not logged in". */
static bool outage(nl_err e)
{
	return e == NL_ERR_UNAVAILABLE || e == NL_ERR_BUSY || e == NL_ERR_DB;
}

static bool is_unsafe(unsigned method)
{
	return method == NL_POST || method == NL_PUT || method == NL_PATCH || method == NL_DELETE;
}

/* Checks the route's auth requirement; queues the refusal and returns false. */
static bool authorize(struct nl_req *r)
{
	enum nl_auth need = r->route->auth;
	if (need == NL_AUTH_NONE || need == NL_AUTH_OPEN)
		return true;
	if (need == NL_AUTH_API_TOKEN) {
		const char *h = nl_req_header(r, "Authorization");
		const char *tok = h && !strncasecmp(h, "Bearer ", 7) ? h + 7 : NULL;
		nl_err e = tok && r->srv->api_token_check
		           ? r->srv->api_token_check(r->srv, tok, &r->api_subject_id, &r->api_roles)
		           : NL_ERR_UNAUTHORIZED;
		if (e == NL_OK)
			return true;
		if (outage(e)) {
			nl_resp_error(r, NL_ERR_UNAVAILABLE, NULL);
			return false;
		}
		nl_resp_add_header(r, "WWW-Authenticate", "Bearer");
		nl_resp_error(r, NL_ERR_UNAUTHORIZED, "A valid API token is required.");
		return false;
	}
	const struct nl_web_session *s = &r->session;
	bool logged_in = s->present && s->s.kind != NL_SESS_ANON;
	if (!logged_in) {
		if (r->is_api)
			nl_resp_error(r, NL_ERR_UNAUTHORIZED, NULL);
		else if (need == NL_AUTH_PERSON)
			nl_resp_redirect(r, "/giris/form");   /* the applicant's door */
		else if (need == NL_AUTH_OFFICER || need == NL_AUTH_RA || need == NL_AUTH_ADMIN ||
		         need == NL_AUTH_PRODUCTION)
			nl_resp_redirect(r, "/kurum/giris");  /* the staff door */
		else if (need == NL_AUTH_HOLDER || need == NL_AUTH_EONAY)
			nl_resp_redirect(r, "/online-islemler");   /* the holder's door */
		else
			nl_resp_redirect(r, "/");
		return false;
	}
	bool staff = s->s.kind == NL_SESS_OFFICER;
	bool ok = false;
	switch (need) {
	case NL_AUTH_SESSION: ok = true; break;
	case NL_AUTH_PERSON:
	case NL_AUTH_HOLDER:
	case NL_AUTH_EONAY:
		/* One person session for every door; which orders it opens and
		 * what it may do in Online İşlemler follow from the door used
		 * (docs/applicant.md). The pages own that rule (srv->person_gate,
		 * pages/entitle.h); it queues its own 404 or redirect. */
		if (s->s.kind != NL_SESS_PERSON || !r->srv->person_gate)
			break;
		return r->srv->person_gate(r, need);
	case NL_AUTH_OFFICER: ok = staff && (s->roles & NL_SROLE_OFFICER); break;
	case NL_AUTH_RA: ok = staff && (s->roles & NL_SROLE_RA); break;
	case NL_AUTH_ADMIN: ok = staff && (s->roles & NL_SROLE_ADMIN); break;
	case NL_AUTH_PRODUCTION:
		ok = staff && (s->roles & (NL_SROLE_PRODUCTION | NL_SROLE_ADMIN));
		break;
	default: ok = false; break;
	}
	if (!ok)
		nl_resp_error(r, NL_ERR_FORBIDDEN, NULL);
	return ok;
}

/* Runs once the whole request is in: decode, route, session, auth, CSRF, handler. */
void nl_server_dispatch(struct nl_req *r)
{
	struct nl_req_private *p = r->priv;
	if (p->bad_path) {
		nl_resp_error(r, NL_ERR_INVALID, "The address contains invalid characters.");
		return;
	}
	if (p->too_large) {
		nl_resp_error(r, NL_ERR_TOO_LARGE, "The request body is larger than %lld bytes.",
		              (long long)r->srv->priv->cfg->body_limit);
		return;
	}
	if (nl_req_load_query(r) != NL_OK) {
		nl_resp_error(r, NL_ERR_INVALID, "The query string contains invalid characters.");
		return;
	}
	nl_err_ignore(nl_req_parse_cookies(r));   /* cookies that do not parse are absent */
	if (p->body) {
		r->body = p->body;
		r->body_len = p->body_len;
	}
	if (!strncmp(r->path, "/static/", 8)) {
		p->metric_slot = r->srv->n_routes + NL_METRIC_STATIC;
		nl_static_serve(r);
		return;
	}
	struct nl_kv *params;
	size_t n_params;
	unsigned allowed;
	const struct nl_route *route;
	enum nl_route_result rr = nl_route_match(r->srv->routes, r->srv->n_routes, r->method, r->path,
	                                         r->arena, &route, &params, &n_params, &allowed);
	if (rr == NL_ROUTE_NOT_FOUND) {
		nl_resp_error(r, NL_ERR_NOT_FOUND, NULL);
		return;
	}
	if (rr == NL_ROUTE_BAD_METHOD) {
		nl_resp_add_header(r, "Allow", nl_route_allow_header(allowed, r->arena));
		nl_resp_error_status(r, 405, NL_ERR_INVALID, "This method is not allowed here.");
		return;
	}
	r->route = route;
	r->params = params;
	r->n_params = n_params;
	p->metric_slot = (size_t)(route - r->srv->routes);
	bool cookies = !r->is_api && route->auth != NL_AUTH_API_TOKEN &&
	               route->auth != NL_AUTH_OPEN;
	if (cookies) {
		nl_err e = nl_session_load(r);
		if (e) {
			nl_resp_error(r, outage(e) ? NL_ERR_UNAVAILABLE : e, NULL);
			return;
		}
	}
	/* The language of a page, once, before anything answers: the handler and
	 * the error pages of the checks below read r->lang. The API and the
	 * machine endpoints (no cookies) keep the query parameter or the default:
	 * a machine asks for a language explicitly, and OCSP pays for nothing. */
	if (r->srv->settle_lang && cookies) {
		r->srv->settle_lang(r);
	} else {
		const char *ql = nl_req_query(r, "lang");
		if (ql && (!strcmp(ql, "tr") || !strcmp(ql, "en")))
			r->lang = ql;
	}
	if (!authorize(r))
		return;
	/* CSRF guards requests that ride on the session cookie; routes without
	 * cookies (API tokens, open machine endpoints) cannot be forged that way. */
	if (is_unsafe(r->method) && cookies && !nl_csrf_ok(r)) {
		nl_resp_error(r, NL_ERR_CSRF, "The security token of this form is missing or wrong. "
		              "Please reload the page and try again.");
		return;
	}
	route->handler(r);
	if (p->session_fault) {
		nl_resp_replace_error(r, outage(p->session_fault) ? NL_ERR_UNAVAILABLE
		                                                  : p->session_fault);
		return;
	}
	nl_session_save(r);
}
