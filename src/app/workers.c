#include "app/workers.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "app/audit_checkpoint.h"
#include "app/ca_jobs.h"
#include "app/outbox_worker.h"
#include "app/production.h"
#include "app/shipping.h"
#include "app/timeout_worker.h"
#include "store/store_esign.h"
#include "store/store_nodes.h"
#include "store/store_sessions.h"

/* A periodic job: run(app, now) once every `every` seconds. A job does one
 * bounded pass and returns; errors are logged and the job runs again next time. */
struct periodic_job {
	const char *name;
	unsigned every;          /* seconds between passes */
	nl_err (*run)(struct nl_app *app, int64_t now);
};

/* Deletes sessions past their idle or absolute time-out ([session]), so the
 * sessions table holds only live ones. */
static NL_MUST_USE nl_err session_purge_job(struct nl_app *app, int64_t now)
{
	nl_conn *c;
	nl_err e = nl_db_conn(app->db, &c);
	if (e == NL_OK)
		e = nl_store_session_purge(c, now - app->cfg->session_idle_timeout,
		                           now - app->cfg->session_absolute_timeout, NULL);
	return e;
}

/* The node's heartbeat (store_nodes.h): other nodes take over the rows of a
 * node silent for NL_NODE_DEAD_S without waiting for their leases. */
static NL_MUST_USE nl_err heartbeat_job(struct nl_app *app, int64_t now)
{
	nl_conn *c;
	if (!app->node_id[0])
		return NL_OK;
	nl_err e = nl_db_conn(app->db, &c);
	return e ? e : nl_store_node_beat(c, app->node_id, now);
}

/* Deletes e-İmza codes that expired an hour ago and were never used (used
 * ones are the signatures' evidence), so anonymous login codes do not pile up;
 * the hour lets a waiting page still say "expired". */
static NL_MUST_USE nl_err esign_code_purge_job(struct nl_app *app, int64_t now)
{
	nl_conn *c;
	nl_err e = nl_db_conn(app->db, &c);
	if (e == NL_OK)
		e = nl_store_esign_code_purge(c, now - 3600, NULL);
	return e;
}

/* Add a row per periodic job. */
static const struct periodic_job jobs[] = {
	{"crl", 300, nl_ca_job_crl},      /* renews the CRL at half its life (ca_jobs.c) */
	{"ocsp", 300, nl_ca_job_ocsp},    /* re-signs OCSP responses due within 2 h */
	{"timeout", 300, nl_timeout_job}, /* cancels overdue pre-applications (timeout_worker.c) */
	{"production", 60, nl_production_job},   /* schedules and produces cards (production.c) */
	{"shipping", 300, nl_shipping_job},       /* records the courier's reports (shipping.c) */
	{"expiry", 3600, nl_expiry_notice_job},   /* "ends in 2 months" notices (production.c) */
	{"sessions", 300, session_purge_job},     /* deletes expired sessions (above) */
	{"heartbeat", NL_NODE_BEAT_S, heartbeat_job},   /* this node is alive (above) */
	{"esign_codes", 300, esign_code_purge_job}, /* deletes expired unused codes (above) */
	/* signs the audit chain's head every [audit] checkpoint_interval
	   (audit_checkpoint.c); it looks every 10 s whether that is due */
	{"audit-checkpoint", 10, nl_audit_checkpoint_job},
	{NULL, 0, NULL},
};

struct job_thread {
	pthread_t tid;
	bool started;
	struct nl_workers *w;
	const struct periodic_job *job;   /* NULL: the outbox sender */
};

struct nl_workers {
	struct nl_app *app;
	atomic_bool stop;
	size_t n_threads;              /* the periodic jobs, then the outbox sender */
	struct job_thread *threads;
};

/* Sleeps up to `seconds`, waking every 100 ms to notice a stop. */
static void nap(struct nl_workers *w, unsigned seconds)
{
	for (unsigned i = 0; i < seconds * 10 && !atomic_load(&w->stop); i++) {
		struct timespec ts = {.tv_sec = 0, .tv_nsec = 100 * 1000 * 1000};
		nanosleep(&ts, NULL);
	}
}

static void *job_main(void *arg)
{
	struct job_thread *t = arg;
	struct nl_workers *w = t->w;
	if (!t->job) {
		nl_outbox_worker_loop(w->app, &w->stop, 1000);
		return NULL;
	}
	while (!atomic_load(&w->stop)) {
		nl_err e = t->job->run(w->app, (int64_t)time(NULL));
		if (e)
			fprintf(stderr, "{\"worker\":\"%s\",\"error\":\"%s\"}\n", t->job->name,
			        nl_err_code(e));
		nap(w, t->job->every);
	}
	nl_db_thread_done(w->app->db);
	return NULL;
}

nl_err nl_workers_start(struct nl_app *app, nl_workers **out)
{
	struct nl_workers *w = calloc(1, sizeof *w);
	if (!w)
		return NL_ERR_NOMEM;
	w->app = app;
	atomic_init(&w->stop, false);
	size_t n_jobs = 0;
	while (jobs[n_jobs].name)
		n_jobs++;
	w->threads = calloc(n_jobs + 1, sizeof *w->threads);
	if (!w->threads) {
		free(w);
		return NL_ERR_NOMEM;
	}
	w->n_threads = n_jobs + 1;
	for (size_t i = 0; i < w->n_threads; i++) {
		struct job_thread *t = &w->threads[i];
		t->w = w;
		t->job = i < n_jobs ? &jobs[i] : NULL;
		if (pthread_create(&t->tid, NULL, job_main, t) != 0) {
			nl_workers_stop(w);
			return NL_ERR_INTERNAL;
		}
		t->started = true;
	}
	*out = w;
	return NL_OK;
}

void nl_workers_stop(nl_workers *w)
{
	if (!w)
		return;
	atomic_store(&w->stop, true);
	for (size_t i = 0; i < w->n_threads; i++)
		if (w->threads[i].started)
			pthread_join(w->threads[i].tid, NULL);
	/* A clean stop: every job has finished, so nothing of this node is left
	 * to take over; its heartbeat row goes. */
	nl_conn *c;
	if (w->app->node_id[0] && nl_db_conn(w->app->db, &c) == NL_OK) {
		nl_err_ignore(nl_store_node_gone(c, w->app->node_id));
		nl_db_thread_done(w->app->db);
	}
	free(w->threads);
	free(w);
}
