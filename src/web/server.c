/* The HTTP server: libmicrohttpd with its own epoll threads (a pool sized to the
 * cores), the access handler that collects a request and dispatches it through
 * the route table, and the graceful stop.
 *
 * Keep-alive: libmicrohttpd answers `Connection: close` when a response is queued
 * on the very first call of the access handler (it has not read the body yet).
 * So the first call only sets up the request, and the response is queued on a
 * later call once the body has arrived. The one exception is a body announced
 * larger than the limit: that 413 is queued at once, on purpose, so the body is
 * never read and the connection is closed. */
#include <netdb.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "web/router.h"
#include "web/server_internal.h"

/* A body sent without Content-Length (chunked) that passes the limit is read and
 * thrown away up to this many further bytes, to answer 413 properly; beyond
 * that the connection is simply closed. */
#define DISCARD_MAX (1u << 20)
#define SHUTDOWN_POLL_US 10000

/* libmicrohttpd must not unescape anything: request.c decodes and validates. */
static size_t no_unescape(void *cls, struct MHD_Connection *c, char *s)
{
	(void)cls;
	(void)c;
	return strlen(s);
}

static void mhd_log(void *cls, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	(void)cls;
	fputs("nitelikd: http: ", stderr);
	vfprintf(stderr, fmt, ap);
}

static struct nl_req *req_new(struct nl_server *srv, struct MHD_Connection *conn,
                              const char *url, const char *method)
{
	nl_arena *a = nl_arena_new();
	if (!a)
		return NULL;
	struct nl_req *r = nl_arena_alloc(a, sizeof *r);
	struct nl_req_private *p = nl_arena_alloc(a, sizeof *p);
	if (!r || !p) {
		nl_arena_free(a);
		return NULL;
	}
	r->arena = a;
	r->srv = srv;
	r->priv = p;
	p->conn = conn;
	p->t_start_us = nl_now_us();
	p->dynamic = true;
	p->metric_slot = nl_routes_count + NL_METRIC_UNMATCHED;
	p->method_name = nl_arena_strdup(a, method);
	r->now = (int64_t)time(NULL) + atomic_load(&srv->priv->clock_offset);
	r->method = nl_method_parse(method, &r->is_head);
	r->is_api = !strncmp(url, "/api/", 5) || !strcmp(url, "/api");
	r->lang = srv->cfg->default_lang;
	r->content_type = "";
	r->content_type_full = "";
	if (nl_req_decode_path(a, url, &r->path) != NL_OK) {
		p->bad_path = true;
		r->path = "/";
	}
	const char *ct = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Content-Type");
	if (ct) {
		r->content_type_full = nl_arena_strdup(a, ct);
		size_t n = strcspn(ct, ";");
		while (n && (ct[n - 1] == ' ' || ct[n - 1] == '\t'))
			n--;
		char *lower = nl_arena_strndup(a, ct, n);
		for (char *c = lower; c && *c; c++)
			if (*c >= 'A' && *c <= 'Z')
				*c = (char)(*c - 'A' + 'a');
		if (lower)
			r->content_type = lower;
	}
	nl_req_client_ip(r);
	atomic_fetch_add(&srv->priv->metrics.in_flight, 1);
	return r;
}

/* Appends upload data; past the limit the request is marked too large and the
 * rest is dropped. Returns false when the connection should be closed. */
static bool collect_body(struct nl_req *r, const char *data, size_t n)
{
	struct nl_req_private *p = r->priv;
	size_t limit = (size_t)r->srv->cfg->body_limit;
	if (p->too_large || n > limit - p->body_len) {
		p->too_large = true;
		p->discarded += n;
		return p->discarded <= DISCARD_MAX;
	}
	if (p->body_len + n + 1 > p->body_cap) {
		size_t cap = p->body_cap ? p->body_cap : 4096;
		while (cap < p->body_len + n + 1)
			cap *= 2;
		if (cap > limit + 1)
			cap = limit + 1;
		unsigned char *b = realloc(p->body, cap);
		if (!b)
			return false;
		p->body = b;
		p->body_cap = cap;
	}
	memcpy(p->body + p->body_len, data, n);
	p->body_len += n;
	p->body[p->body_len] = '\0';
	return true;
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
		if (tok && r->srv->api_token_check &&
		    r->srv->api_token_check(r->srv, tok, &r->api_subject_id, &r->api_roles) == NL_OK)
			return true;
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
		else if (need == NL_AUTH_OFFICER || need == NL_AUTH_RA || need == NL_AUTH_ADMIN)
			nl_resp_redirect(r, "/kurum/giris");  /* the staff door */
		else if (need == NL_AUTH_HOLDER)
			nl_resp_redirect(r, "/online-islemler");   /* the holder's door */
		else
			nl_resp_redirect(r, "/");
		return false;
	}
	bool staff = s->s.kind == NL_SESS_OFFICER;
	bool ok = false;
	switch (need) {
	case NL_AUTH_SESSION: ok = true; break;
	case NL_AUTH_PERSON: ok = s->s.kind == NL_SESS_PERSON; break;
	case NL_AUTH_HOLDER: ok = s->s.kind == NL_SESS_HOLDER; break;
	case NL_AUTH_OFFICER: ok = staff && (s->roles & NL_SROLE_OFFICER); break;
	case NL_AUTH_RA: ok = staff && (s->roles & NL_SROLE_RA); break;
	case NL_AUTH_ADMIN: ok = staff && (s->roles & NL_SROLE_ADMIN); break;
	default: ok = false; break;
	}
	if (!ok)
		nl_resp_error(r, NL_ERR_FORBIDDEN, NULL);
	return ok;
}

/* Runs once the whole request is in: decode, route, session, auth, CSRF, handler. */
static void dispatch(struct nl_req *r)
{
	struct nl_req_private *p = r->priv;
	if (p->bad_path) {
		nl_resp_error(r, NL_ERR_INVALID, "The address contains invalid characters.");
		return;
	}
	if (p->too_large) {
		nl_resp_error(r, NL_ERR_TOO_LARGE, "The request body is larger than %lld bytes.",
		              (long long)r->srv->cfg->body_limit);
		return;
	}
	if (nl_req_load_query(r) != NL_OK) {
		nl_resp_error(r, NL_ERR_INVALID, "The query string contains invalid characters.");
		return;
	}
	nl_req_parse_cookies(r);
	if (p->body) {
		r->body = p->body;
		r->body_len = p->body_len;
	}
	if (!strncmp(r->path, "/static/", 8)) {
		p->metric_slot = nl_routes_count + NL_METRIC_STATIC;
		nl_static_serve(r);
		return;
	}
	struct nl_kv *params;
	size_t n_params;
	unsigned allowed;
	const struct nl_route *route;
	enum nl_route_result rr = nl_route_match(nl_routes, nl_routes_count, r->method, r->path,
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
	p->metric_slot = (size_t)(route - nl_routes);
	bool cookies = !r->is_api && route->auth != NL_AUTH_API_TOKEN &&
	               route->auth != NL_AUTH_OPEN;
	if (cookies)
		nl_session_load(r);
	const char *ql = nl_req_query(r, "lang");
	if (ql && (!strcmp(ql, "tr") || !strcmp(ql, "en")))
		r->lang = ql;
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
	nl_session_save(r);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version,
                                  const char *upload_data, size_t *upload_data_size,
                                  void **con_cls)
{
	struct nl_server *srv = cls;
	struct nl_req *r = *con_cls;
	(void)version;
	if (!r) {
		r = req_new(srv, conn, url, method);
		if (!r)
			return MHD_NO;
		*con_cls = r;
		const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Content-Length");
		if (cl) {
			char *end;
			unsigned long long v = strtoull(cl, &end, 10);
			if (end != cl && v > (unsigned long long)srv->cfg->body_limit) {
				r->priv->too_large = true;
				r->priv->first_call_done = true;
				nl_resp_error(r, NL_ERR_TOO_LARGE,
				              "The request body is larger than %lld bytes.",
				              (long long)srv->cfg->body_limit);
				return nl_resp_finish(r);
			}
		}
		return MHD_YES;
	}
	if (r->priv->status) { /* already answered (the early 413) */
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (*upload_data_size) {
		bool ok = collect_body(r, upload_data, *upload_data_size);
		*upload_data_size = 0;
		return ok ? MHD_YES : MHD_NO;
	}
	dispatch(r);
	return nl_resp_finish(r);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
	struct nl_server *srv = cls;
	struct nl_req *r = *con_cls;
	(void)conn;
	(void)toe;
	if (!r)
		return;
	struct nl_req_private *p = r->priv;
	uint64_t dur = nl_now_us() - p->t_start_us;
	const char *route = p->metric_slot < nl_routes_count ? nl_routes[p->metric_slot].pattern
	                    : p->metric_slot == nl_routes_count + NL_METRIC_STATIC ? "/static/*"
	                    : "unmatched";
	nl_metrics_record(&srv->priv->metrics, p->metric_slot, p->status, dur);
	nl_reqlog_write(&srv->priv->log, p->method_name, route, p->status, dur, p->resp_bytes);
	if (p->resp) /* built but never queued (the connection died first) */
		MHD_destroy_response(p->resp);
	nl_session_release(r);
	free(p->body);
	atomic_fetch_sub(&srv->priv->metrics.in_flight, 1);
	nl_arena_free(r->arena);
	*con_cls = NULL;
}

struct nl_server *nl_server_new(const struct nl_config *cfg, nl_db *db, char *err,
                                size_t err_size)
{
	struct nl_server *srv = calloc(1, sizeof *srv);
	struct nl_server_private *p = calloc(1, sizeof *p);
	if (!srv || !p) {
		free(srv);
		free(p);
		snprintf(err, err_size, "out of memory");
		return NULL;
	}
	srv->cfg = cfg;
	srv->db = db;
	srv->priv = p;
	p->log.fd = -1;
	return srv;
}

/* "host:port", "[v6]:port"; host may be a name. */
static nl_err resolve_listen(const char *listen, struct sockaddr_storage *ss, socklen_t *len,
                             char *err, size_t err_size)
{
	char host[256];
	const char *colon = strrchr(listen, ':');
	const char *h = listen;
	size_t hl = colon ? (size_t)(colon - listen) : 0;
	if (!colon || !colon[1] || hl == 0) {
		snprintf(err, err_size, "listen '%s': expected ADDRESS:PORT", listen);
		return NL_ERR_CONFIG;
	}
	if (h[0] == '[' && hl >= 2 && h[hl - 1] == ']') {
		h++;
		hl -= 2;
	}
	if (hl >= sizeof host) {
		snprintf(err, err_size, "listen '%s': address too long", listen);
		return NL_ERR_CONFIG;
	}
	memcpy(host, h, hl);
	host[hl] = '\0';
	struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM,
	                         .ai_flags = AI_PASSIVE | AI_NUMERICSERV};
	struct addrinfo *res = NULL;
	int rc = getaddrinfo(host, colon + 1, &hints, &res);
	if (rc != 0 || !res) {
		snprintf(err, err_size, "listen '%s': %s", listen, gai_strerror(rc));
		return NL_ERR_CONFIG;
	}
	memcpy(ss, res->ai_addr, res->ai_addrlen);
	*len = res->ai_addrlen;
	freeaddrinfo(res);
	return NL_OK;
}

nl_err nl_server_start(struct nl_server *srv, char *err, size_t err_size)
{
	struct nl_server_private *p = srv->priv;
	const struct nl_config *cfg = srv->cfg;
	nl_err e = nl_routes_check(nl_routes, nl_routes_count, err, err_size);
	if (e)
		return e;
	if ((e = nl_metrics_init(&p->metrics, nl_routes_count)) != NL_OK) {
		snprintf(err, err_size, "out of memory");
		return e;
	}
	char dir[NL_CONFIG_STR + 16];
	snprintf(dir, sizeof dir, "%s/static", cfg->web_dir);
	if ((e = nl_static_load(&p->statics, dir, err, err_size)) != NL_OK)
		return e;
	if ((e = nl_reqlog_open(&p->log, cfg->log_file, cfg->log_requests)) != NL_OK) {
		snprintf(err, err_size, "log file %s: cannot open", cfg->log_file);
		return e;
	}
	struct sockaddr_storage ss;
	socklen_t ss_len;
	if ((e = resolve_listen(cfg->listen, &ss, &ss_len, err, err_size)) != NL_OK)
		return e;
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	p->threads = cfg->threads > 0 ? (unsigned)cfg->threads : cores > 0 ? (unsigned)cores : 1;
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC |
	                 MHD_USE_ERROR_LOG;
	if (ss.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	struct MHD_OptionItem opts[] = {
		{MHD_OPTION_THREAD_POOL_SIZE, p->threads, NULL},
		{MHD_OPTION_CONNECTION_LIMIT, (intptr_t)cfg->connection_limit, NULL},
		{MHD_OPTION_CONNECTION_TIMEOUT, (intptr_t)cfg->connection_timeout, NULL},
		{MHD_OPTION_PER_IP_CONNECTION_LIMIT, (intptr_t)cfg->per_ip_connection_limit, NULL},
		{MHD_OPTION_LISTEN_BACKLOG_SIZE, 1024, NULL},
		{MHD_OPTION_END, 0, NULL},
	};
	p->daemon = MHD_start_daemon(flags, 0, NULL, NULL, on_request, srv,
	                             MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
	                             MHD_OPTION_ARRAY, opts,
	                             MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
	                             MHD_OPTION_NOTIFY_COMPLETED, on_completed, srv,
	                             MHD_OPTION_UNESCAPE_CALLBACK, no_unescape, NULL,
	                             MHD_OPTION_END);
	(void)ss_len;
	if (!p->daemon) {
		snprintf(err, err_size, "cannot listen on %s", cfg->listen);
		return NL_ERR_IO;
	}
	return NL_OK;
}

int64_t nl_server_clock_advance(struct nl_server *srv, int64_t seconds)
{
	return atomic_fetch_add(&srv->priv->clock_offset, seconds) + seconds;
}

uint16_t nl_server_port(const struct nl_server *srv)
{
	if (!srv->priv->daemon)
		return 0;
	const union MHD_DaemonInfo *di = MHD_get_daemon_info(srv->priv->daemon,
	                                                     MHD_DAEMON_INFO_BIND_PORT);
	return di ? di->port : 0;
}

void nl_server_stop(struct nl_server *srv)
{
	struct nl_server_private *p = srv->priv;
	if (!p->daemon)
		return;
	p->stopping = true;
	MHD_socket fd = MHD_quiesce_daemon(p->daemon);
	if (fd != MHD_INVALID_SOCKET)
		close(fd);
	uint64_t deadline = nl_now_us() + (uint64_t)srv->cfg->shutdown_timeout * 1000000u;
	while (atomic_load(&p->metrics.in_flight) > 0 && nl_now_us() < deadline)
		usleep(SHUTDOWN_POLL_US);
	MHD_stop_daemon(p->daemon);
	p->daemon = NULL;
}

void nl_server_free(struct nl_server *srv)
{
	if (!srv)
		return;
	nl_server_stop(srv);
	nl_static_free(&srv->priv->statics);
	nl_metrics_free(&srv->priv->metrics);
	nl_reqlog_close(&srv->priv->log);
	free(srv->priv);
	free(srv);
}
