/* The whole-request deadline (server.request_timeout).
 *
 * libmicrohttpd's connection_timeout counts only inactivity, so a client that
 * sends one header line every few seconds (slowloris) keeps its connection,
 * and its place under connection_limit, for as long as it likes; and the
 * access handler is first called only once the headers are all in, so no
 * handler can see such a client. Every connection is therefore tracked from
 * the moment it is accepted (MHD_OPTION_NOTIFY_CONNECTION): a request must be
 * all in, headers and body, within request_timeout seconds of the connection's
 * start or of the end of its previous answer. A reaper thread looks every
 * REAP_INTERVAL_MS and ends late connections: it writes a bare 408 and shuts
 * the socket down, which libmicrohttpd's own loop then sees as the client
 * leaving and cleans up as usual (close, completion callback, close notice).
 *
 * The socket is only touched under tracks_mu, and libmicrohttpd sends the
 * close notice (which unlinks the entry under the same mutex) before it
 * closes the socket, so the reaper never shuts down a reused descriptor. */
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "http/server_internal.h"

#define REAP_INTERVAL_MS 250

static const char timeout_answer[] = "HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n"
                                     "Content-Type: text/plain; charset=utf-8\r\n"
                                     "Content-Length: 16\r\n\r\nrequest timeout\n";

void nl_server_on_connection(void *cls, struct MHD_Connection *conn, void **socket_context,
                             enum MHD_ConnectionNotificationCode toe)
{
	struct nl_server *srv = cls;
	struct nl_server_private *p = srv->priv;
	struct nl_conn_track *t = *socket_context;
	if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
		const union MHD_ConnectionInfo *ci =
			MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
		if (!ci || !(t = calloc(1, sizeof *t)))
			return;   /* untracked: only the inactivity time-out applies */
		t->fd = ci->connect_fd;
		atomic_init(&t->since_us, nl_now_us());
		atomic_init(&t->state, NL_CT_READING);
		pthread_mutex_lock(&p->tracks_mu);
		t->next = p->tracks;
		if (p->tracks)
			p->tracks->prev = t;
		p->tracks = t;
		pthread_mutex_unlock(&p->tracks_mu);
		*socket_context = t;
		return;
	}
	if (!t)
		return;
	pthread_mutex_lock(&p->tracks_mu);
	if (t->prev)
		t->prev->next = t->next;
	else
		p->tracks = t->next;
	if (t->next)
		t->next->prev = t->prev;
	pthread_mutex_unlock(&p->tracks_mu);
	free(t);
	*socket_context = NULL;
}

struct nl_conn_track *nl_server_track_of(struct MHD_Connection *conn)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	return ci ? ci->socket_context : NULL;
}

bool nl_server_track_begin(struct nl_conn_track *t)
{
	if (!t)
		return true;
	int want = NL_CT_READING;
	return atomic_compare_exchange_strong(&t->state, &want, NL_CT_HANDLING) ||
	       want == NL_CT_HANDLING;
}

void nl_server_track_end(struct nl_conn_track *t)
{
	if (!t)
		return;
	atomic_store(&t->since_us, nl_now_us());
	int want = NL_CT_HANDLING;
	atomic_compare_exchange_strong(&t->state, &want, NL_CT_READING);
}

/* One pass: ends every connection still reading past its deadline. */
static void reap(struct nl_server *srv, uint64_t limit_us)
{
	struct nl_server_private *p = srv->priv;
	uint64_t now = nl_now_us();
	pthread_mutex_lock(&p->tracks_mu);
	for (struct nl_conn_track *t = p->tracks; t; t = t->next) {
		/* The state first: nl_server_track_end writes since_us before it
		 * sets READING, so a READING seen here comes with its own start. */
		int want = NL_CT_READING;
		if (atomic_load(&t->state) != NL_CT_READING ||
		    now - atomic_load(&t->since_us) <= limit_us ||
		    !atomic_compare_exchange_strong(&t->state, &want, NL_CT_EXPIRED))
			continue;
		/* Best effort: a client that reads gets a reason; the send buffer of a
		 * connection that sent no answer yet has room for these bytes. */
		ssize_t sent = send(t->fd, timeout_answer, sizeof timeout_answer - 1,
		                    MSG_DONTWAIT | MSG_NOSIGNAL);
		(void)sent;
		shutdown(t->fd, SHUT_RDWR);
		atomic_fetch_add(&p->request_timeouts, 1);
	}
	pthread_mutex_unlock(&p->tracks_mu);
}

static void *reaper_main(void *arg)
{
	struct nl_server *srv = arg;
	uint64_t limit_us = (uint64_t)srv->priv->cfg->request_timeout * 1000000u;
	struct timespec nap = {.tv_sec = 0, .tv_nsec = REAP_INTERVAL_MS * 1000000L};
	while (!atomic_load(&srv->priv->reaper_stop)) {
		nanosleep(&nap, NULL);
		reap(srv, limit_us);
	}
	return NULL;
}

nl_err nl_server_reaper_start(struct nl_server *srv)
{
	struct nl_server_private *p = srv->priv;
	atomic_store(&p->reaper_stop, false);
	if (pthread_create(&p->reaper, NULL, reaper_main, srv) != 0)
		return NL_ERR_INTERNAL;
	p->reaper_started = true;
	return NL_OK;
}

void nl_server_reaper_stop(struct nl_server *srv)
{
	struct nl_server_private *p = srv->priv;
	if (!p->reaper_started)
		return;
	atomic_store(&p->reaper_stop, true);
	pthread_join(p->reaper, NULL);
	p->reaper_started = false;
}
