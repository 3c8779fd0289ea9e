/* The durable outbox of notifications (mail and SMS).
 *
 * A notification is enqueued inside the caller's transaction, so a state change
 * and the message telling about it commit (or roll back) together. Workers on
 * any node claim due rows, send them with a driver outside any transaction,
 * then mark them sent, or failed: a failure backs off exponentially with
 * jitter and is retried until max_attempts, after which the row stays 'failed'
 * for an operator to see.
 *
 * Row life: pending -> sending -> sent
 *                   \-> sending -> pending (back-off) -> ... -> failed
 * While a row is 'sending', next_attempt_at is the end of the claim's lease; a
 * worker that died mid-send leaves a row that is claimed again after the lease
 * (so delivery is at-least-once, never lost).
 *
 * Claiming is the one query that differs per engine: PostgreSQL uses
 * FOR UPDATE SKIP LOCKED so concurrent workers take different rows without
 * waiting; SQLite serialises writers (BEGIN IMMEDIATE) and claims with one
 * UPDATE ... RETURNING. */
#ifndef NL_STORE_STORE_OUTBOX_H
#define NL_STORE_STORE_OUTBOX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "store/db.h"

enum nl_outbox_channel { NL_OUTBOX_MAIL = 1, NL_OUTBOX_SMS };
enum nl_outbox_status {
	NL_OUTBOX_PENDING = 1,
	NL_OUTBOX_SENDING,
	NL_OUTBOX_SENT,
	NL_OUTBOX_FAILED,
};

const char *nl_outbox_channel_code(enum nl_outbox_channel c);   /* "mail", "sms"; NULL if invalid */
const char *nl_outbox_status_code(enum nl_outbox_status s);     /* "pending", ... */
bool nl_outbox_channel_parse(const char *code, enum nl_outbox_channel *out);
bool nl_outbox_status_parse(const char *code, enum nl_outbox_status *out);

/* Retry policy, from the [outbox] configuration section. */
struct nl_outbox_policy {
	int max_attempts;        /* give up after this many sends; default 8 */
	int64_t backoff_base_s;  /* first retry after about this long; default 30 */
	int64_t backoff_max_s;   /* cap of one wait; default 3600 */
	int64_t lease_s;         /* a claim expires after this long; default 300 */
	int batch;               /* rows claimed at once; default 20 */
	char node_id[64];        /* not a key: the app sets this node's name (node.h),
	                            recorded on the rows it claims */
};

void nl_outbox_policy_defaults(struct nl_outbox_policy *p);
/* Keys: max_attempts, backoff_base_s, backoff_max_s, lease_s, batch.
 * NL_ERR_NOT_FOUND for an unknown key, NL_ERR_CONFIG for a bad value. */
NL_MUST_USE nl_err nl_outbox_policy_set(struct nl_outbox_policy *p, const char *key, const char *value);

/* Seconds to wait after the attempts-th failed send: full step
 * base * 2^(attempts-1) capped at backoff_max_s, then "equal jitter": half of
 * the step plus a random part of the other half (rnd is a uniform random
 * number), so workers that failed together do not retry together. */
int64_t nl_outbox_backoff(const struct nl_outbox_policy *p, int attempts, uint32_t rnd);

/* A message to enqueue. subject is for mail (NULL = ""), body_html optional
 * (mail only), order_id 0 = none. */
struct nl_outbox_new {
	enum nl_outbox_channel channel;
	const char *recipient;   /* e-mail address or 10-digit mobile number */
	const char *subject;
	const char *body_text;
	const char *body_html;
	int64_t order_id;
};

/* One outbox row. Strings are malloc'd and owned by the list they came in. */
struct nl_outbox_msg {
	int64_t id;
	enum nl_outbox_channel channel;
	enum nl_outbox_status status;
	char *recipient;
	char *subject;
	char *body_text;
	char *body_html;     /* NULL when none */
	char *last_error;    /* NULL when none */
	int64_t created_at;
	int64_t next_attempt_at;
	int64_t sent_at;     /* 0 when not sent */
	int64_t order_id;    /* 0 when none */
	int attempts;        /* sends tried so far, this claim included */
};

struct nl_outbox_list {
	struct nl_outbox_msg *items;
	size_t n;
};

/* Frees every row's strings and the array; the struct is left empty. */
void nl_outbox_list_free(struct nl_outbox_list *l);

/* Inserts a pending message due now, on c, inside the caller's transaction
 * (or alone, autocommitted, when c is not in one). *id (may be NULL) gets the
 * new row's id. NL_ERR_INVALID for a missing recipient or body. */
NL_MUST_USE nl_err nl_outbox_enqueue(nl_conn *c, const struct nl_outbox_new *m, int64_t now, int64_t *id);

/* Claims up to p->batch due rows in its own transaction: they become
 * 'sending', attempts + 1, leased until now + p->lease_s, claimed by
 * p->node_id. Due: pending rows whose time has come, and sending rows whose
 * lease ran out or whose node stopped beating (store_nodes.h). The caller owns
 * *out (nl_outbox_list_free) and must mark each row sent or failed. */
NL_MUST_USE nl_err nl_outbox_claim(nl_db *db, const struct nl_outbox_policy *p, int64_t now,
	struct nl_outbox_list *out);

/* Releases the rows this node (node_id) had claimed and not finished: a
 * restarted node calls it at start, so its messages are sent again at once
 * instead of after the lease. *n (may be NULL) gets how many. */
NL_MUST_USE nl_err nl_outbox_release_node(nl_db *db, const char *node_id, int64_t now, int64_t *n);

/* Records a delivery. NL_ERR_CONFLICT when the row is no longer 'sending'
 * (another worker already finished it after our lease ran out). */
NL_MUST_USE nl_err nl_outbox_mark_sent(nl_db *db, int64_t id, int64_t now);

/* Records a failed send of the claim that made attempts = `attempts`: back to
 * 'pending' after nl_outbox_backoff(), or 'failed' for good when permanent or
 * attempts >= p->max_attempts. *status (may be NULL) gets the new status.
 * NL_ERR_CONFLICT when the claim is no longer ours. */
NL_MUST_USE nl_err nl_outbox_mark_failed(nl_db *db, const struct nl_outbox_policy *p, int64_t id,
	int attempts, const char *error, bool permanent, int64_t now,
	enum nl_outbox_status *status);

/* For the demo outbox page and operators: newest first. Zero/NULL fields of
 * the filter match everything; limit 0 means 50 (at most 500). */
struct nl_outbox_filter {
	enum nl_outbox_channel channel;   /* 0 = both */
	enum nl_outbox_status status;     /* 0 = any */
	const char *recipient;
	int64_t order_id;
	int64_t limit;
	int64_t offset;
};
NL_MUST_USE nl_err nl_outbox_list(nl_db *db, const struct nl_outbox_filter *f, struct nl_outbox_list *out);

/* One row by id; NL_ERR_NOT_FOUND if none. Free with nl_outbox_msg_free. */
NL_MUST_USE nl_err nl_outbox_get(nl_db *db, int64_t id, struct nl_outbox_msg *out);
void nl_outbox_msg_free(struct nl_outbox_msg *m);

/* Row counts by status (index = enum value; [0] unused), for /metrics. */
NL_MUST_USE nl_err nl_outbox_counts(nl_db *db, int64_t counts[5]);

#endif
