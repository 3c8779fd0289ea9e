/* Orders (sipariş, shown as SD-<n>): one application of one person, with its
 * status from src/core/order.h. Every status change goes through
 * nl_store_order_set_status, which checks the transition table and writes the
 * audit record in the same transaction. */
#ifndef NL_STORE_ORDERS_H
#define NL_STORE_ORDERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/order.h"
#include "store/db.h"
#include "store/store_persons.h"

struct nl_order {
	int64_t id;                  /* key; never shown */
	int64_t order_no;            /* n of SD-<n>, unique */
	int64_t person_id;
	int64_t institution_id;      /* 0 = none */
	enum nl_reason reason;
	enum nl_payment_type payment_type;
	bool backup_cert;
	enum nl_order_status status;
	char *access_password_hash;  /* keyed hash ("k1$..."; older: argon2id) of the e-mailed access password, or "" */
	int64_t created_at;
	int64_t updated_at;
	char *cancel_reason;         /* NULL unless cancelled */
};

/* A row of an order list: the order and who it is for. */
struct nl_order_item {
	struct nl_order order;
	enum nl_id_kind id_kind;
	char *id_number;
	char *given_name;
	char *surname;
};

struct nl_order_list {
	struct nl_order_item *items;  /* malloc'd; nl_order_list_free frees it */
	size_t n;
	int64_t total;                /* rows matching, ignoring limit/offset */
};

/* Frees the strings and zeroes the struct (structs filled by the store own
 * their malloc'd strings). */
void nl_order_clear(struct nl_order *o);
void nl_order_list_free(struct nl_order_list *l);

/* Creates an order from o's person_id, institution_id, reason, payment_type,
 * backup_cert and access_password_hash: draws the next order number, sets the
 * initial status (nl_order_initial_status) and writes the "create" audit
 * record, all in one transaction (the caller's, if it is in one). Sets o->id,
 * order_no, status and times. actor: "user:12", "cli:root", ... */
NL_MUST_USE nl_err nl_store_order_create(nl_conn *c, struct nl_order *o, const char *actor);

NL_MUST_USE nl_err nl_store_order_get(nl_conn *c, int64_t id, struct nl_order *out);
NL_MUST_USE nl_err nl_store_order_get_by_no(nl_conn *c, int64_t order_no, struct nl_order *out);

/* Orders of one institution, newest first. q (NULL or "" for all) matches the
 * order number ("SD-123" or "123"), the ID number exactly, or a part of
 * "given_name surname" (case-insensitive for ASCII letters). The names (in the
 * items and for q) are those the institution's pre-application typed
 * (store_order_contacts.h), not the person's stored ones. */
NL_MUST_USE nl_err nl_store_order_list_institution(nl_conn *c, int64_t institution_id, const char *q,
                                       int64_t limit, int64_t offset, struct nl_order_list *out);
/* Every order of one person, newest first ("Başvurularım"). */
NL_MUST_USE nl_err nl_store_order_list_person(nl_conn *c, int64_t person_id, struct nl_order_list *out);

/* Moves order_id from expected_from to to, in one transaction with its audit
 * record (action "status"). reason is kept as cancel_reason when to is
 * NL_ST_CANCELLED. Errors: NL_ERR_TRANSITION if the table forbids the change,
 * NL_ERR_NOT_FOUND if there is no such order, NL_ERR_CONFLICT if its status is
 * no longer expected_from (someone else changed it first). */
NL_MUST_USE nl_err nl_store_order_set_status(nl_conn *c, int64_t order_id, enum nl_order_status expected_from,
                                 enum nl_order_status to, const char *actor, const char *reason);

/* Replaces the access password hash (a new password was e-mailed). */
NL_MUST_USE nl_err nl_store_order_set_access_password(nl_conn *c, int64_t order_id, const char *hash);
/* Replaces an old-form access password hash by its new form (same password,
 * docs/configuration.md [security]) only while it is still old_hash: a new
 * password e-mailed meanwhile stays. Not a change of the order: updated_at
 * stays. NL_OK also when nothing was replaced. */
NL_MUST_USE nl_err nl_store_order_upgrade_access_password(nl_conn *c, int64_t order_id, const char *old_hash,
                                              const char *new_hash);

#endif
