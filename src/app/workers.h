/* The background workers of a node: the outbox sender and the periodic jobs
 * (pre-application time-outs, CRL renewal, OCSP refresh, production, ...).
 * Each runs on its own thread. Every job claims its work in the database, so
 * any number of nodes may run the same workers at once (`nitelikd --worker-only`
 * runs only these, with no HTTP server). */
#ifndef NL_APP_WORKERS_H
#define NL_APP_WORKERS_H

#include "app/app.h"

typedef struct nl_workers nl_workers;

/* Starts every worker for app (which must outlive them). Caller stops and frees
 * with nl_workers_stop. */
NL_MUST_USE nl_err nl_workers_start(struct nl_app *app, nl_workers **out);
/* Asks every worker to stop, waits for each to finish its pass, frees. NULL is fine. */
void nl_workers_stop(nl_workers *w);

#endif
