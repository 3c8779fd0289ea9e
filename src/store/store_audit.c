/* The audit trail: append and verify. */
#include <string.h>

#include <sodium.h>

#include "store/store_audit.h"
#include "store/store_util.h"

static nl_err append_tx(nl_conn *c, void *ctx)
{
	struct nl_audit_rec *rec = ctx;
	nl_stmt *s;
	uint8_t prev[NL_AUDIT_HASH_LEN], hash[NL_AUDIT_HASH_LEN];
	/* Taking the next seq is the UPDATE that locks the head row until commit. */
	nl_err rc = nl_store_query(c, &s,
		"UPDATE audit_head SET seq = seq + 1 WHERE id = 1 RETURNING seq, hash", "");
	if (rc != NL_OK)
		return rc;
	if ((rc = nl_store_step_row(s)) == NL_OK) {
		size_t n;
		const void *p = nl_db_col_blob(s, 1, &n);
		rec->seq = nl_db_col_int64(s, 0);
		if (p && n == NL_AUDIT_HASH_LEN)
			memcpy(prev, p, n);
		else
			rc = NL_ERR_DB;
	} else if (rc == NL_ERR_NOT_FOUND) {
		rc = NL_ERR_DB;   /* the migration inserts the head row */
	}
	nl_db_finalize(s);
	if (rc != NL_OK)
		return rc;
	nl_audit_hash(rec, prev, hash);
	rc = nl_store_query(c, &s,
		"INSERT INTO audit_log (seq, at, actor, entity, entity_id, action, from_state, to_state,"
		" reason, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
		"iittittttxx", rec->seq, rec->at, rec->actor ? rec->actor : "",
		rec->entity ? rec->entity : "", rec->entity_id, rec->action ? rec->action : "",
		rec->from ? rec->from : "", rec->to ? rec->to : "", rec->reason ? rec->reason : "",
		(const void *)prev, (size_t)NL_AUDIT_HASH_LEN, (const void *)hash, (size_t)NL_AUDIT_HASH_LEN);
	if (rc == NL_OK)
		rc = nl_store_exec_stmt(s, NULL);
	if (rc != NL_OK)
		return rc;
	rc = nl_store_query(c, &s, "UPDATE audit_head SET hash = $1 WHERE id = 1", "x",
	                    (const void *)hash, (size_t)NL_AUDIT_HASH_LEN);
	return rc == NL_OK ? nl_store_exec_stmt(s, NULL) : rc;
}

nl_err nl_store_audit_append(nl_conn *c, struct nl_audit_rec *rec)
{
	if (!rec->at)
		rec->at = nl_store_now();
	return nl_store_run_tx(nl_db_of(c), append_tx, rec);
}

struct verify_ctx {
	int64_t first_bad;
	int64_t count;
};

static bool blob_eq(nl_stmt *s, int col, const uint8_t want[NL_AUDIT_HASH_LEN])
{
	size_t n;
	const void *p = nl_db_col_blob(s, col, &n);
	return p && n == NL_AUDIT_HASH_LEN && sodium_memcmp(p, want, n) == 0;
}

static nl_err verify_tx(nl_conn *c, void *ctx)
{
	struct verify_ctx *v = ctx;
	nl_stmt *s = NULL;
	int64_t head_seq = 0;
	uint8_t head_hash[NL_AUDIT_HASH_LEN] = {0}, prev[NL_AUDIT_HASH_LEN] = {0};
	nl_err rc;
	v->first_bad = 0;
	v->count = 0;
	/* One snapshot for head and log, or a concurrent append looks like tampering. */
	if (nl_db_engine(nl_db_of(c)) == NL_DB_POSTGRES &&
	    (rc = nl_db_exec(c, "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")) != NL_OK)
		return rc;
	if ((rc = nl_store_query(c, &s, "SELECT seq, hash FROM audit_head WHERE id = 1", "")) != NL_OK)
		return rc;
	if ((rc = nl_store_step_row(s)) == NL_OK) {
		size_t n;
		const void *p = nl_db_col_blob(s, 1, &n);
		head_seq = nl_db_col_int64(s, 0);
		if (p && n == NL_AUDIT_HASH_LEN)
			memcpy(head_hash, p, n);
	}
	nl_db_finalize(s);
	if (rc != NL_OK)
		return rc == NL_ERR_NOT_FOUND ? NL_ERR_DB : rc;

	rc = nl_store_query(c, &s,
		"SELECT seq, at, actor, entity, entity_id, action, from_state, to_state, reason,"
		" prev_hash, hash FROM audit_log ORDER BY seq", "");
	if (rc != NL_OK)
		return rc;
	int64_t expect = 1;
	while ((rc = nl_store_step_row(s)) == NL_OK) {
		struct nl_audit_rec r = {
			.seq = nl_db_col_int64(s, 0),
			.at = nl_db_col_int64(s, 1),
			.actor = nl_db_col_text(s, 2),
			.entity = nl_db_col_text(s, 3),
			.entity_id = nl_db_col_int64(s, 4),
			.action = nl_db_col_text(s, 5),
			.from = nl_db_col_text(s, 6),
			.to = nl_db_col_text(s, 7),
			.reason = nl_db_col_text(s, 8),
		};
		uint8_t h[NL_AUDIT_HASH_LEN];
		v->count++;
		if (r.seq != expect) {           /* a record is missing (or one was slipped in) */
			v->first_bad = expect < r.seq ? expect : r.seq;
			break;
		}
		nl_audit_hash(&r, prev, h);
		if (!blob_eq(s, 9, prev) || !blob_eq(s, 10, h)) {
			v->first_bad = r.seq;
			break;
		}
		memcpy(prev, h, sizeof h);
		expect++;
	}
	nl_db_finalize(s);
	if (rc != NL_OK && rc != NL_ERR_NOT_FOUND)
		return rc;
	if (!v->first_bad) {
		int64_t last = expect - 1;
		/* The head remembers how long the chain was: a deleted tail or an
		 * appended record that bypassed the head shows up here. */
		if (head_seq != last)
			v->first_bad = (head_seq < last ? head_seq : last) + 1;
		else if (sodium_memcmp(head_hash, prev, sizeof prev) != 0)
			v->first_bad = last ? last : 1;
	}
	return NL_OK;
}

nl_err nl_store_audit_verify_n(nl_db *db, int64_t *first_bad_seq, int64_t *count)
{
	struct verify_ctx v = {0};
	nl_err rc = nl_store_run_tx(db, verify_tx, &v);
	if (first_bad_seq)
		*first_bad_seq = rc == NL_OK ? v.first_bad : 0;
	if (count)
		*count = v.count;
	if (rc != NL_OK)
		return rc;
	return v.first_bad ? NL_ERR_INVALID : NL_OK;
}

nl_err nl_store_audit_verify(nl_db *db, int64_t *first_bad_seq)
{
	return nl_store_audit_verify_n(db, first_bad_seq, NULL);
}
