/* The request/response contract every handler uses.
 *
 * A handler is `void h(struct nl_req *r)`. The server calls it once the whole
 * request (headers and body, up to the configured limit) has arrived, on one of
 * libmicrohttpd's worker threads. The handler queues exactly ONE response with
 * one of the nl_resp_* functions below; queuing a second one is a bug (it is
 * logged and ignored), queuing none makes the server answer 500.
 *
 * Memory: everything reachable from struct nl_req (params, query, cookies, body,
 * strings returned by the accessors) lives in the request's arena r->arena and is
 * freed when the request completes. Handlers allocate from r->arena too and never
 * free. Response bodies passed as nl_buf are taken over by the server (the buffer
 * is left empty); json_t references are consumed.
 *
 * Errors: nl_resp_error(r, e, ...) answers with the HTTP status and stable code of
 * src/core/err.h, as an HTML page on page routes and as JSON
 * {"error":{"code":"...","message":"..."}} on API routes (paths under /api/). */
#ifndef NL_HTTP_HTTP_H
#define NL_HTTP_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/config.h"
#include "core/err.h"
#include "store/db.h"
#include "store/store_sessions.h"

struct nl_req;
typedef void (*nl_handler)(struct nl_req *r);

enum nl_method {
	NL_GET = 1 << 0,      /* HEAD is served by the GET route, without a body */
	NL_POST = 1 << 1,
	NL_PUT = 1 << 2,
	NL_PATCH = 1 << 3,
	NL_DELETE = 1 << 4,
	NL_OPTIONS = 1 << 5,
};

/* Who may call a route. Checked by the server before the handler runs: a page
 * route redirects an anonymous caller to the login page (303) or answers 403
 * for the wrong role; an API route answers 401/403 as JSON. */
enum nl_auth {
	NL_AUTH_NONE = 0,     /* anyone; the session is still loaded if the cookie is there */
	NL_AUTH_SESSION,      /* any logged-in session (person, holder or officer) */
	NL_AUTH_PERSON,       /* a person session (any door); {no} must be entitled */
	NL_AUTH_HOLDER,       /* a person session with Online İşlemler (pages/entitle.h) */
	NL_AUTH_EONAY,        /* a person session that came by a holder door: menu, e-Onay */
	NL_AUTH_OFFICER,      /* staff user with role NL_SROLE_OFFICER (institution officer) */
	NL_AUTH_RA,           /* staff user with role NL_SROLE_RA (registration officer) */
	NL_AUTH_ADMIN,        /* staff user with role NL_SROLE_ADMIN */
	NL_AUTH_PRODUCTION,   /* staff user with role NL_SROLE_PRODUCTION or NL_SROLE_ADMIN
	                         (production pages, bank reconciliation) */
	NL_AUTH_API_TOKEN,    /* Authorization: Bearer <token>, checked by srv->api_token_check;
	                         no cookies, no CSRF */
	NL_AUTH_OPEN,         /* machine endpoints for anyone (OCSP, CRLs): no session is
	                         loaded and no CSRF is asked, so the handler must not act
	                         on behalf of a logged-in user */
};

/* Roles of a staff session (kind NL_SESS_OFFICER), a bit mask kept in the session.
 * Distinct from store_users.h's enum nl_user_role (one role per account row):
 * a session may carry several bits. */
enum nl_session_role {
	NL_SROLE_OFFICER = 1u << 0,
	NL_SROLE_RA = 1u << 1,
	NL_SROLE_PRODUCTION = 1u << 2,
	NL_SROLE_ADMIN = 1u << 3,
	NL_SROLE_AUDITOR = 1u << 4,
};

/* One row of the route table in routes.c. */
struct nl_route {
	unsigned method;        /* one enum nl_method value */
	const char *pattern;    /* "/orders/{id}/pdf": literal segments and {name} params;
	                           a last segment {name...} takes the rest of the path */
	enum nl_auth auth;
	nl_handler handler;
};

struct nl_kv {
	const char *key;        /* NUL-terminated, valid UTF-8, in r->arena */
	const char *value;
	size_t value_len;       /* values may be binary-safe in principle; strlen for text */
};

struct nl_server;

/* Verifies an API bearer token; on success sets *subject_id (e.g. the officer's
 * user id) and returns NL_OK. Installed by the layer that owns API tokens. */
typedef nl_err (*nl_api_token_fn)(struct nl_server *srv, const char *token,
                                  int64_t *subject_id, unsigned *roles);

/* Renders an error page for page routes (so errors look like the rest of the
 * site). Installed by the template layer; when NULL a minimal built-in page is
 * used. Must queue nothing: it fills `out` and returns NL_OK, or fails. */
typedef nl_err (*nl_error_page_fn)(struct nl_req *r, int status, const char *message,
                                   nl_buf *out);

/* Appends more Prometheus text to /metrics (e.g. outbox counts by status).
 * Installed by the layer that owns the numbers; runs on a request thread. */
typedef void (*nl_metrics_extra_fn)(struct nl_server *srv, nl_buf *out);

/* The check of a route that needs a person session (NL_AUTH_PERSON, _HOLDER,
 * _EONAY) once the session is known to be a person's: whether this session
 * may open this route (its order, its rights). Installed by the pages, which
 * own what a door entitles (pages/entitle.h); it queues its own answer (404,
 * a redirect) when it returns false. NULL: every such route is refused. */
typedef bool (*nl_person_gate_fn)(struct nl_req *r, enum nl_auth need);

/* The application context (src/app/app.h): the configuration, the database
 * and the drivers. The server only carries it to the pages (nl_app_of in
 * pages/pages.h); http knows nothing of it. */
struct nl_app;

/* Settles r->lang for a page request (a route with cookies: not the API nor
 * the machine endpoints), once, in the gate before the handler (after the
 * session is loaded, before the route's authorisation, so error pages speak
 * it too). Installed by the pages, which know the languages (pages.h
 * nl_page_settle_lang); it sets r->lang_settled. NULL, and for the other
 * routes: the `lang` query parameter, else the session's, else the default. */
typedef void (*nl_lang_fn)(struct nl_req *r);

/* Server-wide context, one per process, shared read-only by all threads after
 * start. Owned by nitelikd's main (nl_server_new / nl_server_free). The
 * configuration and database the framework itself needs (listen address,
 * limits, session rows) are in its private part: pages reach everything
 * through app. */
struct nl_server {
	const struct nl_route *routes;     /* the route table (pages/routes.c), before start */
	size_t n_routes;
	nl_api_token_fn api_token_check;   /* NULL: every API_TOKEN route answers 401 */
	nl_person_gate_fn person_gate;     /* NULL: every person route answers 403 */
	nl_error_page_fn error_page;       /* NULL: built-in page */
	nl_lang_fn settle_lang;            /* NULL: see nl_lang_fn */
	nl_metrics_extra_fn metrics_extra; /* NULL: only the server's own metrics */
	void *templates;                   /* owned by the template layer (src/view/tmpl.h) */
	void *i18n;                        /* owned by the i18n layer (src/view/i18n.h) */
	struct nl_app *app;                /* the application context, set by main before start */
	struct nl_server_private *priv;    /* the server's own state (daemon, metrics, static) */
};

/* The session as the web layer sees it. `s` is the stored row (store_sessions.h);
 * `data` is s.data parsed, owned by the request (decref'd at the end). Changes to
 * lang or data are written back at the end of the request when `dirty` is set. */
struct nl_web_session {
	bool present;              /* a valid, unexpired session was found or created */
	bool dirty;                /* write back at the end of the request */
	struct nl_session s;       /* kind, subject_id, csrf, lang, created_at, last_seen */
	json_t *data;              /* a JSON object; never NULL when present */
	unsigned roles;            /* enum nl_session_role bits (kept in data under "_roles") */
};

struct nl_req {
	nl_arena *arena;               /* freed when the request completes */
	struct nl_server *srv;         /* srv->app (pages: nl_app_of(r)) */
	const struct nl_route *route;  /* the matched row; route->pattern names the route */

	unsigned method;               /* enum nl_method (HEAD reported as NL_GET) */
	bool is_head;
	bool is_api;                   /* path under /api/: errors are JSON, no cookies */
	const char *path;              /* decoded, valid UTF-8, starts with '/' */

	struct nl_kv *params;          /* path params from {name} segments, decoded */
	size_t n_params;
	struct nl_kv *query;           /* query string, decoded ('+' is a space) */
	size_t n_query;
	struct nl_kv *cookies;
	size_t n_cookies;

	const unsigned char *body;     /* NUL-terminated for convenience; NULL if none */
	size_t body_len;
	const char *content_type;      /* media type in lower case without parameters, or "" */
	const char *content_type_full; /* the header as sent (for multipart boundary), or "" */

	char client_ip[46];            /* textual IPv4/IPv6 (X-Forwarded-For when behind a proxy) */
	int64_t now;                   /* UTC epoch seconds at the start of the request */

	struct nl_web_session session; /* loaded before the handler; see sessions below */
	const char *lang;              /* "tr" (default) or "en", settled by the gate before the
	                                  handler (srv->settle_lang); handlers only read it */
	bool lang_settled;             /* srv->settle_lang ran (once a request; an answer given
	                                  before routing settles it when its page is drawn) */

	const char *error_code;        /* stable code (err.h) while srv->error_page renders */

	int64_t api_subject_id;        /* set on NL_AUTH_API_TOKEN routes */
	unsigned api_roles;

	struct nl_req_private *priv;   /* the server's own per-request state */
};

/* ---- request accessors (results live in r->arena; NULL when absent) ---- */
const char *nl_req_param(const struct nl_req *r, const char *name);
const char *nl_req_query(const struct nl_req *r, const char *name);
const char *nl_req_cookie(const struct nl_req *r, const char *name);
const char *nl_req_header(const struct nl_req *r, const char *name); /* case-insensitive */
/* Parses a path param as a positive decimal int64; NL_ERR_NOT_FOUND when it is
 * missing or not a number (a malformed id is "no such thing" to the client). */
NL_MUST_USE nl_err nl_req_param_id(const struct nl_req *r, const char *name, int64_t *out);

/* ---- responses: exactly one per request ---- */
/* body: HTML text; taken over (left empty). Adds text/html; charset=utf-8. */
void nl_resp_html(struct nl_req *r, int status, nl_buf *body);
/* j: a reference consumed by the call (json_decref'd). application/json. */
void nl_resp_json(struct nl_req *r, int status, json_t *j);
/* Any content type; body taken over. */
void nl_resp_buf(struct nl_req *r, int status, const char *content_type, nl_buf *body);
/* Copies n bytes. */
void nl_resp_bytes(struct nl_req *r, int status, const char *content_type,
                   const void *data, size_t n);
/* 303 See Other to a local path ("/x") or an absolute URL below cfg base_url. */
void nl_resp_redirect(struct nl_req *r, const char *url);
/* Error response: status and code from err.h. fmt (may be NULL) is a detail
 * message shown to the user; it must not contain secrets. */
void nl_resp_error(struct nl_req *r, nl_err e, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Same with an explicit status (e.g. 400 for malformed input mapped by a handler). */
void nl_resp_error_status(struct nl_req *r, int status, nl_err e, const char *message);

/* Extra response header, set BEFORE queuing the response. name/value copied. */
void nl_resp_add_header(struct nl_req *r, const char *name, const char *value);
/* Allows caching of this dynamic response (default: Cache-Control: no-store). */
void nl_resp_cacheable(struct nl_req *r, int max_age_seconds);
bool nl_resp_queued(const struct nl_req *r);

/* ---- sessions (src/http/session.c) ---- */
/* Creates an anonymous session (cookie nl_sid) if the request has none, so that
 * a form can carry a CSRF token. Call it in GET handlers that render forms. */
NL_MUST_USE nl_err nl_session_ensure(struct nl_req *r);
/* The session's CSRF token for a hidden form field named "csrf" (creates an
 * anonymous session if needed); NULL on failure. */
const char *nl_session_csrf(struct nl_req *r);
/* Login: rotates the session id (a new cookie; the old row is deleted), sets
 * kind, subject and roles, and draws a new CSRF token. Call after credentials
 * were checked. */
NL_MUST_USE nl_err nl_session_login(struct nl_req *r, enum nl_session_kind kind, int64_t subject_id,
                        unsigned roles);
/* Logout: deletes the session and clears the cookie. */
NL_MUST_USE nl_err nl_session_logout(struct nl_req *r);
/* Changes the session language ("tr"/"en") and marks it dirty. */
NL_MUST_USE nl_err nl_session_set_lang(struct nl_req *r, const char *lang);
/* Marks session data changed (after json_object_set on r->session.data). */
void nl_session_touch_data(struct nl_req *r);

#endif
