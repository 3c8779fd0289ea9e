/* libmicrohttpd's access handler and completion callback: collect a request,
 * hand it to the gate (server_gate.c), count and log it, free it.
 *
 * Keep-alive: libmicrohttpd answers `Connection: close` when a response is queued
 * on the very first call of the access handler (it has not read the body yet).
 * So the first call only sets up the request, and the response is queued on a
 * later call once the body has arrived. The one exception is a body announced
 * larger than the limit: that 413 is queued at once, on purpose, so the body is
 * never read and the connection is closed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "http/router.h"
#include "http/server_internal.h"

/* A body sent without Content-Length (chunked) that passes the limit is read and
 * thrown away up to this many further bytes, to answer 413 properly; beyond
 * that the connection is simply closed. */
#define DISCARD_MAX (1u << 20)

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
	p->track = nl_server_track_of(conn);
	p->t_start_us = nl_now_us();
	p->dynamic = true;
	p->metric_slot = r->srv->n_routes + NL_METRIC_UNMATCHED;
	p->method_name = nl_arena_strdup(a, method);
	r->now = (int64_t)time(NULL) + atomic_load(&srv->priv->clock_offset);
	r->method = nl_method_parse(method, &r->is_head);
	r->is_api = !strncmp(url, "/api/", 5) || !strcmp(url, "/api");
	r->lang = srv->priv->cfg->default_lang;
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
	size_t limit = (size_t)r->srv->priv->cfg->body_limit;   /* 1 KiB..1 GiB: config.c */
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

enum MHD_Result nl_server_on_request(void *cls, struct MHD_Connection *conn, const char *url,
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
			if (end != cl && v > (unsigned long long)srv->priv->cfg->body_limit) {
				if (!nl_server_track_begin(r->priv->track))
					return MHD_NO;
				r->priv->too_large = true;
				r->priv->first_call_done = true;
				nl_resp_error(r, NL_ERR_TOO_LARGE,
				              "The request body is larger than %lld bytes.",
				              (long long)srv->priv->cfg->body_limit);
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
	if (!nl_server_track_begin(r->priv->track))
		return MHD_NO;   /* past the deadline: the reaper is closing it */
	nl_server_dispatch(r);
	return nl_resp_finish(r);
}

void nl_server_on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                            enum MHD_RequestTerminationCode toe)
{
	struct nl_server *srv = cls;
	struct nl_req *r = *con_cls;
	(void)toe;
	if (!r)
		return;
	struct nl_req_private *p = r->priv;
	uint64_t dur = nl_now_us() - p->t_start_us;
	const char *route = p->metric_slot < r->srv->n_routes ? r->srv->routes[p->metric_slot].pattern
	                    : p->metric_slot == r->srv->n_routes + NL_METRIC_STATIC ? "/static/*"
	                    : "unmatched";
	nl_metrics_record(&srv->priv->metrics, p->metric_slot, p->status, dur);
	nl_reqlog_write(&srv->priv->log, p->method_name, route, p->status, dur, p->resp_bytes);
	/* Looked up again: the connection's entry may be gone if it is closing. */
	nl_server_track_end(nl_server_track_of(conn));
	if (p->resp) /* built but never queued (the connection died first) */
		MHD_destroy_response(p->resp);
	nl_session_release(r);
	free(p->body);
	atomic_fetch_sub(&srv->priv->metrics.in_flight, 1);
	nl_arena_free(r->arena);
	*con_cls = NULL;
}
