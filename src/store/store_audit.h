/* The audit trail in the database: append one record in the caller's
 * transaction, verify the whole hash chain (src/core/audit.h). */
#ifndef NL_STORE_AUDIT_H
#define NL_STORE_AUDIT_H

#include <stdint.h>

#include "core/audit.h"
#include "core/err.h"
#include "store/db.h"

/* Appends rec to the chain and sets rec->seq (and rec->at to now if it is 0).
 * Call it inside the transaction of the change it records (nl_store_run_tx),
 * so both commit or neither; called outside one it opens its own. Appenders
 * are serialised by the one-row audit_head table (on PostgreSQL its UPDATE
 * takes a row lock), so seq has no gaps and the chain no forks. */
nl_err nl_store_audit_append(nl_conn *c, struct nl_audit_rec *rec);

/* Checks the whole chain: seq 1..n without gaps, each prev_hash equal to the
 * previous hash, each hash recomputed from the fields, and the head row equal to
 * the last record. NL_OK if intact; NL_ERR_INVALID if not, with *first_bad_seq
 * the first record that is changed, missing or extra; other errors are
 * database errors. *count (may be NULL) receives the number of records read. */
nl_err nl_store_audit_verify_n(nl_db *db, int64_t *first_bad_seq, int64_t *count);
nl_err nl_store_audit_verify(nl_db *db, int64_t *first_bad_seq);

#endif
