/* The audit trail in the database: append one record in the caller's
 * transaction, verify the whole hash chain (src/core/audit.h). */
#ifndef NL_STORE_AUDIT_H
#define NL_STORE_AUDIT_H

#include <stddef.h>
#include <stdint.h>

#include "core/audit.h"
#include "core/err.h"
#include "store/db.h"

/* Appends rec to the chain and sets rec->seq (and rec->at to now if it is 0).
 * For an order, payment, certificate or consent the record binds the digest of
 * the row's state as this transaction sees it (rec->state is ignored and
 * computed here): so append after the change, in its transaction.
 * Call it inside the transaction of the change it records (nl_store_run_tx),
 * so both commit or neither; called outside one it opens its own. Appenders
 * are serialised by the one-row audit_head table (on PostgreSQL its UPDATE
 * takes a row lock), so seq has no gaps and the chain no forks. */
NL_MUST_USE nl_err nl_store_audit_append(nl_conn *c, struct nl_audit_rec *rec);

/* Checks, in one snapshot:
 *   1. the chain: seq 1..n without gaps, each prev_hash equal to the previous
 *      hash, each hash recomputed from the fields, the head row equal to the
 *      last record;
 *   2. the checkpoints (n_cps, already authenticated by the caller; may be 0):
 *      the chain reaches each one's seq and the record there has its hash;
 *   3. every order, payment, certificate and consent row: its state digest
 *      equals that of its latest state-bound record; a row without one, or a
 *      record whose row is gone, is a problem too.
 * NL_OK if all hold; NL_ERR_INVALID with *out naming the first problem; other
 * errors are database errors. */
NL_MUST_USE nl_err nl_store_audit_verify_full(nl_db *db, const struct nl_audit_checkpoint *cps,
                                  size_t n_cps, struct nl_audit_finding *out);

/* verify_full without checkpoints. *first_bad_seq is the record named (0 for a
 * row no record speaks of); *count (may be NULL) the records read. */
NL_MUST_USE nl_err nl_store_audit_verify_n(nl_db *db, int64_t *first_bad_seq, int64_t *count);
NL_MUST_USE nl_err nl_store_audit_verify(nl_db *db, int64_t *first_bad_seq);

/* The head now: (seq, hash) of the last record; seq 0 for an empty chain.
 * This is what a checkpoint signs. */
NL_MUST_USE nl_err nl_store_audit_head(nl_db *db, int64_t *seq, uint8_t hash[NL_AUDIT_HASH_LEN]);

/* Appends a "baseline" record (actor given) binding the current state of each
 * order, payment, certificate and consent row that no state-bound record
 * speaks of yet. Migration 0016 runs it once, for rows older than state
 * digests. *appended (may be NULL) receives the number of records. */
NL_MUST_USE nl_err nl_store_audit_baseline(nl_conn *c, const char *actor, int64_t *appended);

/* Appends a "rebaseline" record for each row whose latest record holds the
 * digest of the wrong column letters used before migration 0019 (the
 * certificates': status and DER were not bound) and whose state still
 * matches it, so from then on the row is bound with the right letters. A
 * row that matches neither stays reported as changed. Migration 0019 runs
 * it once. */
NL_MUST_USE nl_err nl_store_audit_rebaseline(nl_conn *c, const char *actor, int64_t *appended);

#endif
