/* Production, PIN letters, shipments and expiry notices (migration 0010;
 * store_production.c, store_production_certs.c, store_shipments.c;
 * docs/production.md). Every function takes this thread's connection and
 * works inside the caller's transaction when there is one.
 *
 * Ownership: arrays returned through **out are malloc'd; the caller frees
 * them with free() (the rows hold no pointers). nl_buf outputs are the
 * caller's. */
#ifndef NL_STORE_PRODUCTION_H
#define NL_STORE_PRODUCTION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/err.h"
#include "store/db.h"

/* ---- production rows ---- */

struct nl_production {
	int64_t id;
	int64_t order_id;
	int64_t order_no;          /* joined from orders (lists and getters) */
	char state[16];            /* scheduled | running | done | failed | refused */
	int64_t due_at;
	char renew_serial[64];     /* renewal: the certificate it follows */
	int64_t attempts;
	char claimed_by[64];
	int64_t lease_until;
	char card_label[40];
	char cert_serial[64];
	char backup_serial[64];
	int64_t revoked_count;
	char last_error[256];
	int64_t created_at, updated_at;
};

/* Orders in production_wait that have no production row yet (oldest first). */
NL_MUST_USE nl_err nl_store_production_unscheduled(nl_conn *c, int limit, int64_t **order_ids, size_t *n);

/* Inserts the order's production row in state (scheduled or refused); an
 * existing row is left alone and NL_ERR_CONFLICT returned. */
NL_MUST_USE nl_err nl_store_production_insert(nl_conn *c, struct nl_production *p, int64_t now);

NL_MUST_USE nl_err nl_store_production_get_by_order(nl_conn *c, int64_t order_id, struct nl_production *out);

/* Rows a node may claim now: scheduled and due, or running with a lapsed
 * lease or claimed by a node that stopped beating (store_nodes.h: the node
 * that held it died). Oldest due first. */
NL_MUST_USE nl_err nl_store_production_due(nl_conn *c, int64_t now, int limit, struct nl_production **out,
                               size_t *n);

/* Claims p (as read by _due): state running, attempts + 1, claimed_by node,
 * lease until now + lease_s. A compare-and-set on (state, attempts,
 * lease_until): NL_ERR_CONFLICT when another node claimed it first. On
 * success p is updated to the claimed row. */
NL_MUST_USE nl_err nl_store_production_claim(nl_conn *c, struct nl_production *p, const char *node,
                                 int64_t now, int64_t lease_s);

/* Writes state, due_at, card_label, cert_serial, backup_serial,
 * revoked_count and last_error of p, only while the row is still running
 * under p->claimed_by and p->attempts, i.e. our claim (NL_ERR_CONFLICT
 * otherwise: our lease ran out and the row was claimed again, maybe by
 * another thread of the same node). */
NL_MUST_USE nl_err nl_store_production_update(nl_conn *c, const struct nl_production *p, int64_t now);

/* A node starting up releases the rows it had claimed (claimed_by = node)
 * and not finished: their lease ends now, so they are due at once (and the
 * interrupted attempt is compensated by the next claim, app/card.h). *n (may
 * be NULL) gets how many. */
NL_MUST_USE nl_err nl_store_production_release_node(nl_conn *c, const char *node, int64_t now, int64_t *n);

/* Gives a claimed row back untouched (the batch stopped before its card was
 * touched, e.g. the signer did not answer): scheduled again, due now, the
 * attempt not counted, p->last_error kept as the reason. NL_ERR_CONFLICT
 * when it is no longer our claim. */
NL_MUST_USE nl_err nl_store_production_unclaim(nl_conn *c, const struct nl_production *p, int64_t now);

/* Moves a failed or refused row back to scheduled (operator's retry),
 * attempts reset. NL_ERR_CONFLICT if it is in another state. */
NL_MUST_USE nl_err nl_store_production_reschedule(nl_conn *c, int64_t order_id, int64_t now);

/* The newest rows (updated_at descending), for the operator page. */
NL_MUST_USE nl_err nl_store_production_list(nl_conn *c, int limit, struct nl_production **out, size_t *n);

/* ---- certificates as production sees them ---- */

/* The holder's (subject serialNumber id_number, e.g. "PNOTR-...") newest
 * certificate that is good and not expired at now: its serial and
 * not_after. NL_ERR_NOT_FOUND if none. */
NL_MUST_USE nl_err nl_store_cert_newest_active(nl_conn *c, const char *id_number, int64_t now,
                                   char serial[64], int64_t *not_after);

/* Serials of the holder's certificates from one institution that are still
 * good or on hold (the ones a loss replacement revokes). */
NL_MUST_USE nl_err nl_store_cert_same_institution(nl_conn *c, const char *id_number, int64_t institution_id,
                                      char (**serials)[64], size_t *n);

/* Person certificates that are good, tied to an order, end within
 * (now, until] and have no expiry notice yet. */
struct nl_expiring {
	char serial[64];
	int64_t order_id;
	int64_t not_after;
};
NL_MUST_USE nl_err nl_store_cert_expiring(nl_conn *c, int64_t now, int64_t until, int limit,
                              struct nl_expiring **out, size_t *n);
/* Records the notice; NL_ERR_CONFLICT when it was recorded before. */
NL_MUST_USE nl_err nl_store_expiry_notice_insert(nl_conn *c, const char *serial, int64_t now);

/* ---- PIN letters ---- */

NL_MUST_USE nl_err nl_store_pin_letter_put(nl_conn *c, int64_t order_id, const void *pdf, size_t len,
                               int64_t now);
/* Hands out the letter once: pdf gets it, the row keeps only printed_at/by.
 * NL_ERR_NOT_FOUND when there is none or it was printed already. */
NL_MUST_USE nl_err nl_store_pin_letter_take(nl_conn *c, int64_t order_id, const char *actor, int64_t now,
                                nl_buf *pdf);
/* Whether a letter waits to be printed. */
NL_MUST_USE nl_err nl_store_pin_letter_waiting(nl_conn *c, int64_t order_id, bool *waiting);

/* ---- shipments ---- */

struct nl_shipment {
	int64_t id;
	int64_t order_id;
	int64_t order_no;          /* joined */
	char tracking_no[32];
	char courier[16];
	char status[16];           /* accepted | in_transit | delivered */
	int64_t shipped_at, updated_at;
};

struct nl_shipment_event {
	char status[16];
	int64_t at;
};

/* Inserts s (order_id, tracking_no, courier, shipped_at) with status
 * accepted and its first event; sets s->id. */
NL_MUST_USE nl_err nl_store_shipment_insert(nl_conn *c, struct nl_shipment *s, int64_t now);
/* from -> to with an event; NL_ERR_CONFLICT when no longer in from. */
NL_MUST_USE nl_err nl_store_shipment_set_status(nl_conn *c, int64_t id, const char *from, const char *to,
                                    int64_t now);
NL_MUST_USE nl_err nl_store_shipment_by_tracking(nl_conn *c, const char *tracking_no, struct nl_shipment *out);
NL_MUST_USE nl_err nl_store_shipment_by_order(nl_conn *c, int64_t order_id, struct nl_shipment *out);
/* Oldest first. */
NL_MUST_USE nl_err nl_store_shipment_events(nl_conn *c, int64_t shipment_id, struct nl_shipment_event **out,
                                size_t *n);
/* Shipments not delivered yet (oldest first). */
NL_MUST_USE nl_err nl_store_shipment_open(nl_conn *c, int limit, struct nl_shipment **out, size_t *n);
/* Orders in status produced that have no shipment yet (oldest first). */
NL_MUST_USE nl_err nl_store_orders_unshipped(nl_conn *c, int limit, int64_t **order_ids, size_t *n);
/* Every shipment of one person's orders, newest first. */
NL_MUST_USE nl_err nl_store_shipment_list_person(nl_conn *c, int64_t person_id, struct nl_shipment **out,
                                     size_t *n);

#endif
