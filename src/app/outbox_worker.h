/* The outbox worker: one pass over the due notifications. nitelikd runs it in a
 * loop on a worker thread (or in `nitelikd --worker-only`), any number of nodes
 * at once: claims in the database keep them from sending a message twice. */
#ifndef NL_APP_OUTBOX_WORKER_H
#define NL_APP_OUTBOX_WORKER_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "app/app.h"
#include "core/err.h"
#include "drivers/drivers.h"
#include "store/db.h"

struct nl_outbox_stats {
	size_t claimed;   /* rows taken this pass */
	size_t sent;      /* delivered and marked sent */
	size_t retried;   /* failed, will be tried again after a back-off */
	size_t failed;    /* failed for good (permanent error or max attempts) */
};

/* Claims one batch (app->drivers.outbox.batch) of messages due at `now`, sends
 * each with the driver of its channel (app->drivers), and records each outcome. Send failures are
 * recorded, not returned: the result is an error only when the database
 * failed. A caller loops, sleeping a little when a pass claimed nothing. */
NL_MUST_USE nl_err nl_outbox_run_once(const struct nl_app *app, int64_t now);

/* The same, also counting what happened (stats may be NULL). */
NL_MUST_USE nl_err nl_outbox_run_once_stats(const struct nl_app *app, int64_t now, struct nl_outbox_stats *stats);

/* A ready worker-thread body: runs passes at the wall clock until *stop is
 * set, sleeping idle_ms (checking *stop every 100 ms) after a pass that found
 * nothing or failed, and closes this thread's database connection at the end.
 * Start it with pthread_create through a small adapter; set *stop and join to
 * end it. */
void nl_outbox_worker_loop(const struct nl_app *app, const atomic_bool *stop, unsigned idle_ms);

#endif
