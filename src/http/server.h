/* The nitelikd HTTP server on libmicrohttpd: lifecycle for src/cmd/nitelikd.c.
 *
 *   struct nl_server *srv = nl_server_new(&cfg, db, err, sizeof err);
 *   ... install srv->templates, srv->i18n, srv->api_token_check, srv->error_page ...
 *   nl_server_start(srv, err, sizeof err);
 *   ... wait for SIGTERM ...
 *   nl_server_stop(srv);      // stop accepting, finish requests in flight
 *   nl_server_free(srv);      // caller then closes the database
 */
#ifndef NL_HTTP_SERVER_H
#define NL_HTTP_SERVER_H

#include <stddef.h>
#include <stdint.h>

#include "http/http.h"

/* cfg and db must outlive the server; the caller owns both. NULL on failure with
 * a message in err. Free with nl_server_free. */
struct nl_server *nl_server_new(const struct nl_config *cfg, nl_db *db, char *err,
                                size_t err_size);
/* Loads static files, checks the route table and starts listening on cfg->listen. */
NL_MUST_USE nl_err nl_server_start(struct nl_server *srv, char *err, size_t err_size);
/* The port actually bound (useful when listen asked for port 0). */
uint16_t nl_server_port(const struct nl_server *srv);
/* Demo/test mode only (POST /demo/clock, src/pages/demo/demo_clock.c): moves the
 * server's notion of now (r->now of later requests) by seconds, so tests can
 * expire codes without sleeping. Returns the new total offset. */
int64_t nl_server_clock_advance(struct nl_server *srv, int64_t seconds);
/* Graceful stop: stops accepting, waits up to cfg->shutdown_timeout seconds for
 * requests in flight, then stops the daemon. Safe to call when not started. */
void nl_server_stop(struct nl_server *srv);
/* SIGHUP: opens the request log file again (logrotate has moved it). */
NL_MUST_USE nl_err nl_server_reopen_log(struct nl_server *srv);
void nl_server_free(struct nl_server *srv);

/* The server's Prometheus text (requests by route and status, latencies, the
 * database's time, srv->metrics_extra) appended to out, for GET /metrics. */
void nl_metrics_render(struct nl_server *srv, nl_buf *out);

#endif
