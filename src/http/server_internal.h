/* The server's own state behind struct nl_server and struct nl_req. Only the
 * server files (server.c, server_access.c, server_gate.c, request.c, response.c,
 * session.c, static_files.c, metrics.c, reqlog.c, ops.c) include this; handlers
 * use http.h. */
#ifndef NL_HTTP_SERVER_INTERNAL_H
#define NL_HTTP_SERVER_INTERNAL_H

#include <microhttpd.h>
#include <pthread.h>
#include <stdatomic.h>

#include "http/http.h"
#include "http/server.h"

/* ---- metrics (metrics.c) ---- */
#define NL_METRIC_STATUSES 24   /* distinct status codes tracked per route; others go to "other" */
#define NL_METRIC_BUCKETS 14

struct nl_route_metrics {
	_Atomic uint64_t by_status[NL_METRIC_STATUSES];
};

struct nl_metrics {
	size_t n_routes;                 /* table rows + NL_METRIC_EXTRA pseudo routes */
	struct nl_route_metrics *routes;
	_Atomic uint64_t buckets[NL_METRIC_BUCKETS]; /* cumulative counts built at output */
	_Atomic uint64_t latency_sum_us;
	_Atomic uint64_t latency_count;
	_Atomic int64_t in_flight;
};
/* Pseudo routes after the table rows, for requests no row answered. */
enum { NL_METRIC_UNMATCHED = 0, NL_METRIC_STATIC = 1, NL_METRIC_EXTRA = 2 };

NL_MUST_USE nl_err nl_metrics_init(struct nl_metrics *m, size_t n_table_rows);
void nl_metrics_free(struct nl_metrics *m);
void nl_metrics_record(struct nl_metrics *m, size_t route_slot, int status, uint64_t dur_us);

/* ---- static files (static_files.c) ---- */
struct nl_static_file {
	char *url_path;          /* "/static/css/site.css" */
	unsigned char *data;
	size_t len;
	unsigned char *gz;       /* gzip of data for text types when smaller; NULL otherwise */
	size_t gz_len;
	const char *content_type;
	char etag[24];           /* "\"<16 hex>\"" */
	char last_modified[32];  /* RFC 7231 IMF-fixdate */
};

struct nl_static {
	struct nl_static_file *files;  /* sorted by url_path */
	size_t n;
};

NL_MUST_USE nl_err nl_static_load(struct nl_static *st, const char *static_dir, char *err, size_t err_size);
void nl_static_free(struct nl_static *st);
const struct nl_static_file *nl_static_find(const struct nl_static *st, const char *url_path);

/* ---- request log (reqlog.c) ---- */
struct nl_reqlog {
	int fd;                  /* -1: disabled */
	bool own_fd;
};
NL_MUST_USE nl_err nl_reqlog_open(struct nl_reqlog *l, const char *path, bool enabled);
void nl_reqlog_close(struct nl_reqlog *l);
/* Opens path again (after logrotate moved it) in place of the old file. */
NL_MUST_USE nl_err nl_reqlog_reopen(struct nl_reqlog *l, const char *path);
void nl_reqlog_write(struct nl_reqlog *l, const char *method, const char *route, int status,
                     uint64_t dur_us, uint64_t bytes);

/* ---- the whole-request deadline (server_deadline.c) ---- */
enum { NL_CT_READING, NL_CT_HANDLING, NL_CT_EXPIRED };

/* One per connection, from libmicrohttpd's start notice to its close notice
 * (the connection's socket context). */
struct nl_conn_track {
	struct nl_conn_track *prev, *next;   /* in priv->tracks, under tracks_mu */
	int fd;
	_Atomic uint64_t since_us;   /* monotonic: start of the wait for the current request */
	_Atomic int state;           /* NL_CT_*: the deadline applies while READING */
};

/* ---- the server ---- */
struct nl_server_private {
	const struct nl_config *cfg;    /* listen address, limits, cookies, log files */
	nl_db *db;                      /* session rows only (session.c) */
	struct MHD_Daemon *daemon;
	struct nl_metrics metrics;
	struct nl_static statics;
	struct nl_reqlog log;
	unsigned threads;
	bool stopping;
	_Atomic int64_t clock_offset;   /* demo/test mode: seconds added to r->now (POST /demo/clock) */
	pthread_mutex_t tracks_mu;
	struct nl_conn_track *tracks;   /* every open connection */
	pthread_t reaper;
	bool reaper_started;
	atomic_bool reaper_stop;
	_Atomic uint64_t request_timeouts; /* connections the reaper ended */
};

struct nl_resp_header {
	const char *name, *value;       /* in the request arena */
	struct nl_resp_header *next;
};

struct nl_req_private {
	struct MHD_Connection *conn;
	struct nl_conn_track *track;    /* the connection's deadline entry; NULL = untracked */
	uint64_t t_start_us;            /* monotonic */
	const char *method_name;        /* as sent, for the log */
	size_t metric_slot;             /* route row index or n_rows + NL_METRIC_* */

	/* body: malloc'd, grown up to the limit; freed in the completion callback */
	unsigned char *body;
	size_t body_len, body_cap;
	uint64_t discarded;             /* bytes dropped after the limit was passed */
	bool too_large;
	bool bad_path;                  /* path failed decoding: answer 400 */
	bool first_call_done;

	/* response being built: exactly one */
	struct MHD_Response *resp;
	int status;
	uint64_t resp_bytes;
	bool dynamic;                   /* Cache-Control: no-store unless nl_resp_cacheable */
	int max_age;
	struct nl_resp_header *headers;
	const char *set_cookie;         /* Set-Cookie value for nl_sid, or NULL */
	nl_err session_fault;           /* nl_session_ensure failed with this: see the gate */
};

/* server_access.c: libmicrohttpd's access handler and completion callback
 * (cls is the struct nl_server), installed by nl_server_start. */
enum MHD_Result nl_server_on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                     const char *method, const char *version,
                                     const char *upload_data, size_t *upload_data_size,
                                     void **con_cls);
void nl_server_on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                            enum MHD_RequestTerminationCode toe);

/* server_deadline.c: the connection notice (cls is the struct nl_server)
 * tracks every connection; the reaper thread ends those whose request is not
 * all in within cfg->request_timeout. */
void nl_server_on_connection(void *cls, struct MHD_Connection *conn, void **socket_context,
                             enum MHD_ConnectionNotificationCode toe);
struct nl_conn_track *nl_server_track_of(struct MHD_Connection *conn);
/* The request is all in: the deadline stops. False when the reaper came first
 * (the connection is being shut down: answer nothing). NULL t is fine. */
bool nl_server_track_begin(struct nl_conn_track *t);
/* The answer is sent: the deadline of the next request starts now. */
void nl_server_track_end(struct nl_conn_track *t);
NL_MUST_USE nl_err nl_server_reaper_start(struct nl_server *srv);
void nl_server_reaper_stop(struct nl_server *srv);

/* server_gate.c: runs once the whole request is in: decode, route, session,
 * auth, CSRF, handler. Queues exactly one response. */
void nl_server_dispatch(struct nl_req *r);

/* request.c */
NL_MUST_USE nl_err nl_req_decode_path(nl_arena *a, const char *raw, const char **out);
NL_MUST_USE nl_err nl_req_load_query(struct nl_req *r);
NL_MUST_USE nl_err nl_req_parse_cookies(struct nl_req *r);
void nl_req_client_ip(struct nl_req *r);
unsigned nl_method_parse(const char *m, bool *is_head);
uint64_t nl_now_us(void);

/* response.c */
/* Drops the response the handler built (headers and cookie too) and answers
 * the error instead. */
void nl_resp_replace_error(struct nl_req *r, nl_err e);
/* Adds security headers, cookies and extra headers, then queues priv->resp.
 * A 503 gets Retry-After (NL_RETRY_AFTER_S) unless the handler set one. */
enum MHD_Result nl_resp_finish(struct nl_req *r);
void nl_resp_set_mhd(struct nl_req *r, int status, struct MHD_Response *resp, uint64_t bytes);

/* session.c */
/* Loads the session from the nl_sid cookie (expired ones are deleted). NL_OK
 * also when there is none; the store's error when the database cannot say
 * (the cookie is kept: answer 503). */
NL_MUST_USE nl_err nl_session_load(struct nl_req *r);
/* Writes back a dirty session or refreshes last_seen; called after the handler. */
void nl_session_save(struct nl_req *r);
/* True when the request carries the session's CSRF token. */
bool nl_csrf_ok(struct nl_req *r);
/* Releases what the request's session holds; called at completion. */
void nl_session_release(struct nl_req *r);

/* static_files.c */
void nl_static_serve(struct nl_req *r);

#endif
