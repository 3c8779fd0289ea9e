/* Production (SPEC §9; docs/production.md): the scheduler that decides when an
 * order in Üretim Bekleniyor is produced, the batch that personalises its
 * card (app/card.h, which knows nothing of the batch), and the "ends in 2 months" notices.
 *
 * When an order is produced:
 *   İlk Sertifika, Diğer                    at once
 *   Yenileme                                when the holder's newest active
 *                                           certificate has renewal_lead_days
 *                                           left; the new one starts when the
 *                                           old one ends
 *   Kayıp/Çalıntı, Donanım Arızası, Kimlik  at once; once the new certificate
 *   Bilgisi Güncelleme, PIN/PUK Kayıp/Çalıntı is on the card, every certificate
 *                                           of the holder from the SAME
 *                                           institution is revoked (only those)
 * An order is produced only when its current form version is approved and it
 * is settled (nl_payment_settled; institution-paid counts as settled);
 * otherwise it is refused: the production row says why, the audit trail and
 * the log record it, nothing is issued.
 *
 * A signer outage: the batch asks the signer (a ping) before it touches each
 * card and stops at the first signer error (report.stopped, the reason
 * logged); the orders not reached stay scheduled with their attempts
 * uncounted, and a later batch produces them.
 *
 * Several nodes: production rows are claimed by compare-and-set in the
 * database with a lease (store_production.h) under the node's name
 * (node.h), so one order is produced by one node; a node that dies mid-card
 * leaves a row that is claimed again when it restarts (its own rows are
 * released at start), when its heartbeat stops, or after the lease, and the
 * half-made card's certificate is revoked first. */
#ifndef NL_APP_PRODUCTION_H
#define NL_APP_PRODUCTION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "app/app.h"
#include "app/card.h"
#include "store/store_production.h"

#define NL_PRODUCTION_MAX_ITEMS 64

struct nl_production_report {
	size_t scheduled;        /* new production rows (due now or later) */
	size_t refused;          /* not approved or not settled */
	size_t produced;
	size_t failed;           /* given up */
	size_t retry;            /* failed this time, will be retried */
	bool stopped;            /* the batch stopped early: the signer did not answer */
	char stop_reason[200];   /* why, when stopped */
	size_t n;                /* items[] filled (refusals and card outcomes) */
	struct nl_production_item items[NL_PRODUCTION_MAX_ITEMS];
};

/* One batch: schedules the orders waiting in production_wait, then produces
 * up to the configured batch of due ones. actor is "user:12" for the
 * operator's button, "worker:production" for the periodic job. NL_ERR_CONFIG
 * when the data folder has no CA or the signer is not reachable. */
NL_MUST_USE nl_err nl_production_run(struct nl_app *app, int64_t now, const char *actor,
                         struct nl_production_report *rep);

/* Puts a failed or refused order back in the queue (operator). */
NL_MUST_USE nl_err nl_production_retry(struct nl_app *app, int64_t order_no, const char *actor, int64_t now);

/* Hands the PIN letter of order_no out once (the operator prints it); after
 * that the PDF is gone. NL_ERR_NOT_FOUND when none waits. */
NL_MUST_USE nl_err nl_production_pin_letter(struct nl_app *app, int64_t order_no, const char *actor,
                                int64_t now, nl_buf *pdf);

/* Periodic jobs (workers.c): the batch (when [production] auto = true) and
 * the expiry notices (once per certificate, expiry_notice_days ahead). */
NL_MUST_USE nl_err nl_production_job(struct nl_app *app, int64_t now);
NL_MUST_USE nl_err nl_expiry_notice_job(struct nl_app *app, int64_t now);

/* One row of the operator's queue: the production row, its shipment if it
 * has one, and whether a PIN letter waits to be printed. */
struct nl_production_row {
	struct nl_production p;
	bool shipped;                  /* shipment is filled in */
	struct nl_shipment shipment;
	bool letter;
};
/* The newest limit rows (updated_at descending); *out is malloc'd (free it). */
NL_MUST_USE nl_err nl_production_queue(const struct nl_app *app, int limit, struct nl_production_row **out,
                           size_t *n);

#endif
