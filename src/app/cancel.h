/* Cancelling an order (SPEC §1, §8: "İptal Edildi"): by the institution officer,
 * by the person, or by the time-out worker ("zaman aşımı"). One use case for
 * every door so the rules and the audit record are the same everywhere.
 *
 * The change goes through nl_store_order_set_status, which checks the
 * transition table and writes the audit record (actor, from, to, reason) in
 * the same transaction; the reason is kept as the order's cancel_reason.
 *
 *   struct nl_cancel_input in = {
 *       .order_no = 100042, .institution_id = officer_inst,
 *       .actor = "user:12", .reason = "Personel ayrıldı",
 *   };
 *   struct nl_cancel_result res;
 *   nl_err e = nl_cancel_order(db, &in, &res);
 *
 * Errors:
 *   NL_ERR_INVALID     reason missing, not valid text or longer than
 *                      NL_CANCEL_REASON_MAX characters; actor missing
 *   NL_ERR_NOT_FOUND   no such order, or it is not the given institution's or
 *                      person's (callers answer 404: never reveal existence)
 *   NL_ERR_TRANSITION  the order's status cannot be cancelled (already
 *                      cancelled, produced, shipped, delivered, ...)
 *   NL_ERR_CONFLICT    expected_status was given and the order is no longer in
 *                      it (someone else moved it first), or a concurrent change
 *   database errors */
#ifndef NL_APP_CANCEL_H
#define NL_APP_CANCEL_H

#include <stdint.h>

#include "app/app.h"
#include "core/err.h"
#include "core/order.h"
#include "store/db.h"

#define NL_CANCEL_REASON_MAX 500   /* characters (code points) */

struct nl_cancel_input {
	/* Which order: order_id (the key) when non-zero, else order_no (n of SD-<n>). */
	int64_t order_id;
	int64_t order_no;
	/* Ownership checks, each applied when non-zero: the order must belong to
	 * this institution / this person, else NL_ERR_NOT_FOUND. */
	int64_t institution_id;
	int64_t person_id;
	/* Non-zero: cancel only if the order is still in this status (the time-out
	 * worker passes the status it selected on), else NL_ERR_CONFLICT. */
	enum nl_order_status expected_status;
	const char *actor;    /* "user:12", "person:7", "worker:timeout", "api:token:3" */
	const char *reason;   /* free text, required, trimmed by the caller */
	int64_t now;          /* the notice's time; 0: the clock */
};

struct nl_cancel_result {
	int64_t order_id;
	int64_t order_no;
	enum nl_order_status from;   /* the status before the cancellation */
};

/* Cancels in its own transaction (retried on NL_ERR_BUSY). out may be NULL.
 * Unless the person cancels himself (person_id given), he is told in the same
 * transaction by his channel (docs/notifications.md): "timed_out" when the
 * actor is the time-out worker, else "cancelled" with the reason. */
NL_MUST_USE nl_err nl_cancel_order(const struct nl_app *app, const struct nl_cancel_input *in, struct nl_cancel_result *out);

/* The same inside the caller's transaction (c must be in one, or it runs
 * alone): for callers that change more than the order at once. cfg gives the
 * notice's templates and links; NULL sends none (the caller tells him). */
NL_MUST_USE nl_err nl_cancel_order_tx(nl_conn *c, const struct nl_config *cfg,
                          const struct nl_cancel_input *in,
                          struct nl_cancel_result *out);

/* True when an order in status s may be cancelled (the transition table). */
bool nl_cancel_allowed(enum nl_order_status s);

#endif
