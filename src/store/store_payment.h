/* Payments, virtual POS sessions, reconciliation imports (migration 0009).
 *
 * Functions work on this thread's connection inside the caller's transaction
 * when there is one, so the payment use case (src/app/payment.h) records the
 * payment, the order's status, the audit record and the notification in one
 * commit. Structs are plain (fixed buffers): nothing to free. */
#ifndef NL_STORE_PAYMENT_H
#define NL_STORE_PAYMENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "store/db.h"

#define NL_POS_KEY_LEN 32          /* hex characters of a session key (128 bits) */
#define NL_PAY_REF_MAX 96          /* bytes of an external reference, NUL included */

struct nl_pos_session_row {
	int64_t id;
	char session_key[NL_POS_KEY_LEN + 1];
	int64_t order_id;
	int64_t amount_kurus;
	char status[16];              /* "open" | "approved" | "declined" | "expired" */
	char bank_ref[NL_PAY_REF_MAX];
	int64_t created_at;
	int64_t expires_at;
	int64_t completed_at;         /* 0 while open */
};

/* Inserts an open session (s->session_key, order_id, amount_kurus,
 * created_at, expires_at given); sets s->id. */
NL_MUST_USE nl_err nl_store_pos_session_create(nl_conn *c, struct nl_pos_session_row *s);
/* By key; NL_ERR_NOT_FOUND if none. */
NL_MUST_USE nl_err nl_store_pos_session_get(nl_conn *c, const char *key, struct nl_pos_session_row *out);
/* The newest session of order_id that is still open, for amount_kurus and
 * unexpired at now; NL_ERR_NOT_FOUND if none. */
NL_MUST_USE nl_err nl_store_pos_session_open_for(nl_conn *c, int64_t order_id, int64_t amount_kurus,
                                     int64_t now, struct nl_pos_session_row *out);
/* open -> status (approved/declined/expired) with the bank's reference.
 * NL_ERR_CONFLICT when the session is no longer open. */
NL_MUST_USE nl_err nl_store_pos_session_finish(nl_conn *c, int64_t id, const char *status,
                                   const char *bank_ref, int64_t now);

struct nl_payment_row {
	int64_t id;
	int64_t order_id;
	int64_t amount_kurus;
	char channel[24];             /* "pos", or the bank channel of the file */
	char external_ref[NL_PAY_REF_MAX];   /* "pos:<txn>" or "bank:<reference>" */
	int64_t pos_session_id;       /* 0 = none */
	int64_t import_id;            /* 0 = none */
	char paid_on[16];             /* YYYY-MM-DD as the bank says, or "" */
	char actor[80];
	int64_t recorded_at;
};

/* Inserts a payment; sets p->id. NL_ERR_CONFLICT when the external reference
 * or the order already has a payment (the unique keys: recorded once). */
NL_MUST_USE nl_err nl_store_payment_insert(nl_conn *c, struct nl_payment_row *p);
/* NL_ERR_NOT_FOUND if none. */
NL_MUST_USE nl_err nl_store_payment_by_ref(nl_conn *c, const char *external_ref, struct nl_payment_row *out);
NL_MUST_USE nl_err nl_store_payment_by_order(nl_conn *c, int64_t order_id, struct nl_payment_row *out);

/* Serialises reconciliation imports until the transaction ends (PostgreSQL:
 * a transaction-scoped advisory lock; SQLite transactions are serial anyway),
 * so two imports of one file never interleave their look-ups. */
NL_MUST_USE nl_err nl_store_payment_import_lock(nl_conn *c);

/* One reconciliation file: inserted first (counts 0) so its lines can name
 * it, the counts written at the end of the same transaction. */
NL_MUST_USE nl_err nl_store_payment_import_create(nl_conn *c, const char *file_name, const char *actor,
                                      int64_t now, int64_t *id);
NL_MUST_USE nl_err nl_store_payment_import_counts(nl_conn *c, int64_t id, int64_t lines, int64_t recorded,
                                      int64_t skipped, int64_t refused);

/* Person-paid orders of a person (by T.C. number) that are waiting for payment
 * (statuses form_payment_wait and payment_wait), oldest first. *ids is
 * malloc'd (caller frees), *n its length; no person means *n = 0. */
NL_MUST_USE nl_err nl_store_payment_open_orders_by_tckn(nl_conn *c, const char *tckn, int64_t **ids,
                                            size_t *n);

#endif
