/* The HTTP server's lifecycle: libmicrohttpd with its own epoll threads (a pool
 * sized to the cores), started on the configured address, and the graceful
 * stop. A request's way through is in server_access.c (collecting it) and
 * server_gate.c (route, auth, CSRF, handler). */
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "http/router.h"
#include "http/server_internal.h"

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
	srv->priv = p;
	p->cfg = cfg;
	p->db = db;
	p->log.fd = -1;
	pthread_mutex_init(&p->tracks_mu, NULL);
	return srv;
}

/* "host:port", "[v6]:port"; host may be a name. */
static NL_MUST_USE nl_err resolve_listen(const char *listen, struct sockaddr_storage *ss, socklen_t *len,
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
	const struct nl_config *cfg = srv->priv->cfg;
	nl_err e = nl_routes_check(srv->routes, srv->n_routes, err, err_size);
	if (e)
		return e;
	if ((e = nl_metrics_init(&p->metrics, srv->n_routes)) != NL_OK) {
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
	/* At least two: the demo e-Devlet door asks this same server (pages/demo/demo_edevlet.c). */
	p->threads = cfg->threads > 0 ? (unsigned)cfg->threads : cores > 1 ? (unsigned)cores : 2;
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC |
	                 MHD_USE_ERROR_LOG;
	if (ss.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	struct MHD_OptionItem opts[] = {
		{MHD_OPTION_THREAD_POOL_SIZE, p->threads, NULL},
		{MHD_OPTION_CONNECTION_LIMIT, (intptr_t)cfg->connection_limit, NULL},
		{MHD_OPTION_CONNECTION_TIMEOUT, (intptr_t)cfg->connection_timeout, NULL},
		{MHD_OPTION_PER_IP_CONNECTION_LIMIT, (intptr_t)cfg->per_ip_connection_limit, NULL},
		{MHD_OPTION_NOTIFY_CONNECTION, (intptr_t)nl_server_on_connection, srv},
		{MHD_OPTION_LISTEN_BACKLOG_SIZE, 1024, NULL},
		{MHD_OPTION_END, 0, NULL},
	};
	p->daemon = MHD_start_daemon(flags, 0, NULL, NULL, nl_server_on_request, srv,
	                             MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
	                             MHD_OPTION_ARRAY, opts,
	                             MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
	                             MHD_OPTION_NOTIFY_COMPLETED, nl_server_on_completed, srv,
	                             MHD_OPTION_UNESCAPE_CALLBACK, no_unescape, NULL,
	                             MHD_OPTION_END);
	(void)ss_len;
	if (!p->daemon) {
		snprintf(err, err_size, "cannot listen on %s", cfg->listen);
		return NL_ERR_IO;
	}
	if ((e = nl_server_reaper_start(srv)) != NL_OK) {
		snprintf(err, err_size, "cannot start the request deadline thread");
		MHD_stop_daemon(p->daemon);
		p->daemon = NULL;
		return e;
	}
	return NL_OK;
}

int64_t nl_server_clock_advance(struct nl_server *srv, int64_t seconds)
{
	return atomic_fetch_add(&srv->priv->clock_offset, seconds) + seconds;
}

nl_err nl_server_reopen_log(struct nl_server *srv)
{
	return nl_reqlog_reopen(&srv->priv->log, srv->priv->cfg->log_file);
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
	uint64_t deadline = nl_now_us() + (uint64_t)srv->priv->cfg->shutdown_timeout * 1000000u;
	while (atomic_load(&p->metrics.in_flight) > 0 && nl_now_us() < deadline)
		usleep(SHUTDOWN_POLL_US);
	MHD_stop_daemon(p->daemon);
	p->daemon = NULL;
	nl_server_reaper_stop(srv);
}

void nl_server_free(struct nl_server *srv)
{
	if (!srv)
		return;
	nl_server_stop(srv);
	nl_static_free(&srv->priv->statics);
	nl_metrics_free(&srv->priv->metrics);
	nl_reqlog_close(&srv->priv->log);
	pthread_mutex_destroy(&srv->priv->tracks_mu);
	free(srv->priv);
	free(srv);
}
