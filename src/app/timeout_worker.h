/* The pre-application time-out (SPEC §1): an order still waiting for its form
 * ("Başvuru Formu Bekleniyor", or with payment) that was created more than
 * [orders] preapplication_timeout_days ago is cancelled with the reason
 * "zaman aşımı", actor "worker:timeout", through the cancellation use case
 * (src/app/cancel.h: audited, one transaction per order).
 *
 * Safe with several nodes at once: each cancellation names the status it
 * selected on (expected_status), and the store's UPDATE ... WHERE status =
 * from lets only one node change an order; the others get NL_ERR_CONFLICT and
 * skip it. An order someone moved on meanwhile (form submitted and approved,
 * cancelled by the officer) is skipped the same way.
 *
 * Each run also deletes the login failure counters (store_throttle.h) whose
 * window and lock have both ended.
 *
 * The lead runs nl_timeout_run_once from a worker thread every few minutes;
 * tests call it with a chosen `now`. */
#ifndef NL_APP_TIMEOUT_WORKER_H
#define NL_APP_TIMEOUT_WORKER_H

#include <stdint.h>

#include "app/app.h"
#include "core/config.h"
#include "core/err.h"
#include "store/db.h"

#define NL_TIMEOUT_ACTOR "worker:timeout"
#define NL_TIMEOUT_REASON "zaman aşımı"
#define NL_TIMEOUT_BATCH 100   /* orders looked at per query */

/* Cancels every overdue pre-application at `now` (app->cfg's
 * preapplication_timeout_days). *cancelled (may be NULL)
 * gets how many this call cancelled. Returns the first database error (the
 * orders done before it stay done). */
NL_MUST_USE nl_err nl_timeout_run_once(const struct nl_app *app, int64_t now, int64_t *cancelled);

struct nl_app;
/* The same as a periodic job of src/app/workers.c (app->db, app->cfg). */
NL_MUST_USE nl_err nl_timeout_job(struct nl_app *app, int64_t now);

#endif
