/* The audit trail: append and verify. */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "store/store_audit.h"
#include "store/store_audit_state.h"
#include "store/store_util.h"

static NL_MUST_USE nl_err append_tx(nl_conn *c, void *ctx)
{
	struct nl_audit_rec *rec = ctx;
	nl_stmt *s;
	uint8_t prev[NL_AUDIT_HASH_LEN], hash[NL_AUDIT_HASH_LEN], state[NL_AUDIT_HASH_LEN];
	bool bound = false;
	/* Taking the next seq is the UPDATE that locks the head row until commit. */
	enum { HEAD_SEQ, HEAD_HASH };
	nl_err rc = nl_db_query(c, &s,
		"UPDATE audit_head SET seq = seq + 1 WHERE id = 1 RETURNING seq, hash",
		NL_NO_PARAMS);
	if (rc != NL_OK)
		return rc;
	if ((rc = nl_store_step_row(s)) == NL_OK) {
		size_t n;
		const void *p = nl_db_col_blob(s, HEAD_HASH, &n);
		rec->seq = nl_db_col_int64(s, HEAD_SEQ);
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
	/* The row as this transaction left it (the change comes before its
	 * record), read only now, under the head's lock: a record about a row
	 * this transaction did not change sees every change whose record came
	 * before it (PostgreSQL reads committed rows per statement), so the
	 * latest record always holds the latest state. */
	if ((rc = nl_store_audit_row_state(c, rec->entity, rec->entity_id, state, &bound)) != NL_OK)
		return rc;
	rec->state = bound ? state : NULL;
	nl_audit_hash(rec, prev, hash);
	rc = nl_db_query(c, &s,
		"INSERT INTO audit_log (seq, at, actor, entity, entity_id, action, from_state, to_state,"
		" reason, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
		NL_PARAMS(NL_P_INT(rec->seq), NL_P_INT(rec->at),
		NL_P_TEXT(rec->actor ? rec->actor : ""), NL_P_TEXT(rec->entity ? rec->entity : ""),
		NL_P_INT(rec->entity_id), NL_P_TEXT(rec->action ? rec->action : ""),
		NL_P_TEXT(rec->from ? rec->from : ""), NL_P_TEXT(rec->to ? rec->to : ""),
		NL_P_TEXT(rec->reason ? rec->reason : ""),
		NL_P_BLOB(prev, (size_t)NL_AUDIT_HASH_LEN),
		NL_P_BLOB(hash, (size_t)NL_AUDIT_HASH_LEN)));
	rec->state = NULL;   /* pointed into this frame */
	if (rc == NL_OK)
		rc = nl_store_exec_stmt(s, NULL);
	/* A separate UPDATE: an empty blob parameter is not NULL on every engine. */
	if (rc == NL_OK && bound &&
	    (rc = nl_db_query(c, &s, "UPDATE audit_log SET state_hash = $2 WHERE seq = $1",
	                      NL_PARAMS(NL_P_INT(rec->seq),
	                                NL_P_BLOB(state, NL_AUDIT_HASH_LEN)))) == NL_OK)
		rc = nl_store_exec_stmt(s, NULL);
	if (rc != NL_OK)
		return rc;
	rc = nl_db_query(c, &s, "UPDATE audit_head SET hash = $1 WHERE id = 1",
		NL_PARAMS(NL_P_BLOB(hash, (size_t)NL_AUDIT_HASH_LEN)));
	return rc == NL_OK ? nl_store_exec_stmt(s, NULL) : rc;
}

nl_err nl_store_audit_append(nl_conn *c, struct nl_audit_rec *rec)
{
	if (!rec->at)
		rec->at = nl_store_now();
	return nl_store_run_tx(nl_db_of(c), append_tx, rec);
}

struct verify_ctx {
	const struct nl_audit_checkpoint *cps;   /* sorted by seq */
	size_t n_cps;
	struct nl_audit_finding *f;
};

static bool blob_eq(nl_stmt *s, int col, const uint8_t want[NL_AUDIT_HASH_LEN])
{
	size_t n;
	const void *p = nl_db_col_blob(s, col, &n);
	return p && n == NL_AUDIT_HASH_LEN && sodium_memcmp(p, want, n) == 0;
}

static void chain_bad(struct nl_audit_finding *f, enum nl_audit_problem p, int64_t seq)
{
	f->problem = p;
	f->seq = seq;
	f->problems = 1;
}

/* Walks the chain; stops at the first broken record. */
static NL_MUST_USE nl_err walk_chain(nl_conn *c, struct verify_ctx *v, int64_t head_seq,
                         const uint8_t head_hash[NL_AUDIT_HASH_LEN])
{
	struct nl_audit_finding *f = v->f;
	uint8_t prev[NL_AUDIT_HASH_LEN] = {0};
	size_t cp = 0;
	nl_stmt *s;
	enum { AL_SEQ, AL_AT, AL_ACTOR, AL_ENTITY, AL_ENTITY_ID, AL_ACTION, AL_FROM_STATE,
		AL_TO_STATE, AL_REASON, AL_PREV_HASH, AL_HASH, AL_STATE_HASH };
	nl_err rc = nl_db_query(c, &s,
		"SELECT seq, at, actor, entity, entity_id, action, from_state, to_state, reason,"
		" prev_hash, hash, state_hash FROM audit_log ORDER BY seq", NL_NO_PARAMS);
	if (rc != NL_OK)
		return rc;
	int64_t expect = 1;
	while ((rc = nl_store_step_row(s)) == NL_OK) {
		size_t sn = 0;
		const void *st = nl_db_col_blob(s, AL_STATE_HASH, &sn);
		uint8_t state[NL_AUDIT_HASH_LEN] = {0};
		struct nl_audit_rec r = {
			.seq = nl_db_col_int64(s, AL_SEQ),
			.at = nl_db_col_int64(s, AL_AT),
			.actor = nl_db_col_text(s, AL_ACTOR),
			.entity = nl_db_col_text(s, AL_ENTITY),
			.entity_id = nl_db_col_int64(s, AL_ENTITY_ID),
			.action = nl_db_col_text(s, AL_ACTION),
			.from = nl_db_col_text(s, AL_FROM_STATE),
			.to = nl_db_col_text(s, AL_TO_STATE),
			.reason = nl_db_col_text(s, AL_REASON),
		};
		uint8_t h[NL_AUDIT_HASH_LEN];
		f->count++;
		if (r.seq != expect) {           /* a record is missing (or one was slipped in) */
			chain_bad(f, NL_AUDIT_RECORD_MISSING, expect < r.seq ? expect : r.seq);
			break;
		}
		/* A state of the wrong length cannot be the one hashed: the record is bad. */
		if (!nl_db_col_is_null(s, AL_STATE_HASH)) {
			if (st && sn == NL_AUDIT_HASH_LEN)
				memcpy(state, st, sn);
			r.state = state;
		}
		nl_audit_hash(&r, prev, h);
		if (!blob_eq(s, AL_PREV_HASH, prev) || !blob_eq(s, AL_HASH, h) ||
		    (r.state && sn != NL_AUDIT_HASH_LEN)) {
			chain_bad(f, NL_AUDIT_RECORD_CHANGED, r.seq);
			break;
		}
		for (; cp < v->n_cps && v->cps[cp].seq <= r.seq; cp++)
			if (v->cps[cp].seq == r.seq && sodium_memcmp(v->cps[cp].hash, h, sizeof h) != 0) {
				chain_bad(f, NL_AUDIT_CP_HASH, r.seq);
				f->checkpoint_seq = r.seq;
				break;
			}
		if (f->problem)
			break;
		memcpy(prev, h, sizeof h);
		expect++;
	}
	nl_db_finalize(s);
	if (rc != NL_OK && rc != NL_ERR_NOT_FOUND)
		return rc;
	if (f->problem)
		return NL_OK;
	int64_t last = expect - 1;
	f->last_seq = last;
	/* The head remembers how long the chain was: a deleted tail or an
	 * appended record that bypassed the head shows up here. */
	if (head_seq != last)
		chain_bad(f, NL_AUDIT_HEAD_MISMATCH, (head_seq < last ? head_seq : last) + 1);
	else if (sodium_memcmp(head_hash, prev, NL_AUDIT_HASH_LEN) != 0)
		chain_bad(f, NL_AUDIT_HEAD_MISMATCH, last ? last : 1);
	/* ...but head and tail can be cut back together: the signed checkpoints
	 * remember a length the database cannot unsay. */
	else if (v->n_cps && v->cps[v->n_cps - 1].seq > last) {
		chain_bad(f, NL_AUDIT_CP_TRUNCATED, last + 1);
		f->checkpoint_seq = v->cps[v->n_cps - 1].seq;
	}
	return NL_OK;
}

static NL_MUST_USE nl_err verify_tx(nl_conn *c, void *ctx)
{
	struct verify_ctx *v = ctx;
	nl_stmt *s = NULL;
	int64_t head_seq = 0;
	uint8_t head_hash[NL_AUDIT_HASH_LEN] = {0};
	nl_err rc;
	memset(v->f, 0, sizeof *v->f);
	/* One snapshot for head, log and rows, or a concurrent change looks like
	 * tampering. */
	if (nl_db_engine(nl_db_of(c)) == NL_DB_POSTGRES &&
	    (rc = nl_db_exec(c, "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")) != NL_OK)
		return rc;
	enum { HEAD_SEQ, HEAD_HASH };
	if ((rc = nl_db_query(c, &s, "SELECT seq, hash FROM audit_head WHERE id = 1",
	                      NL_NO_PARAMS)) != NL_OK)
		return rc;
	if ((rc = nl_store_step_row(s)) == NL_OK) {
		size_t n;
		const void *p = nl_db_col_blob(s, HEAD_HASH, &n);
		head_seq = nl_db_col_int64(s, HEAD_SEQ);
		if (p && n == NL_AUDIT_HASH_LEN)
			memcpy(head_hash, p, n);
	}
	nl_db_finalize(s);
	if (rc != NL_OK)
		return rc == NL_ERR_NOT_FOUND ? NL_ERR_DB : rc;
	if ((rc = walk_chain(c, v, head_seq, head_hash)) != NL_OK || v->f->problem)
		return rc;
	/* The rows are judged against records only once the records are sound. */
	return nl_store_audit_check_rows(c, v->f);
}

static int cp_cmp(const void *a, const void *b)
{
	const struct nl_audit_checkpoint *x = a, *y = b;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

nl_err nl_store_audit_verify_full(nl_db *db, const struct nl_audit_checkpoint *cps,
                                  size_t n_cps, struct nl_audit_finding *out)
{
	struct nl_audit_checkpoint *sorted = NULL;
	if (n_cps) {
		if (!(sorted = malloc(n_cps * sizeof *sorted)))
			return NL_ERR_NOMEM;
		memcpy(sorted, cps, n_cps * sizeof *sorted);
		qsort(sorted, n_cps, sizeof *sorted, cp_cmp);
	}
	struct verify_ctx v = {.cps = sorted, .n_cps = n_cps, .f = out};
	nl_err rc = nl_store_run_tx(db, verify_tx, &v);
	free(sorted);
	if (rc != NL_OK)
		return rc;
	return out->problem ? NL_ERR_INVALID : NL_OK;
}

nl_err nl_store_audit_verify_n(nl_db *db, int64_t *first_bad_seq, int64_t *count)
{
	struct nl_audit_finding f;
	nl_err rc = nl_store_audit_verify_full(db, NULL, 0, &f);
	if (first_bad_seq)
		*first_bad_seq = rc == NL_ERR_INVALID ? f.seq : 0;
	if (count)
		*count = rc == NL_OK || rc == NL_ERR_INVALID ? f.count : 0;
	return rc;
}

nl_err nl_store_audit_verify(nl_db *db, int64_t *first_bad_seq)
{
	return nl_store_audit_verify_n(db, first_bad_seq, NULL);
}

struct head_ctx {
	int64_t seq;
	uint8_t *hash;
};

static NL_MUST_USE nl_err head_tx(nl_conn *c, void *ctx)
{
	struct head_ctx *h = ctx;
	nl_stmt *s;
	enum { HEAD_SEQ, HEAD_HASH };
	nl_err rc = nl_db_query(c, &s, "SELECT seq, hash FROM audit_head WHERE id = 1",
		NL_NO_PARAMS);
	if (rc != NL_OK)
		return rc;
	if ((rc = nl_store_step_row(s)) == NL_OK) {
		size_t n;
		const void *p = nl_db_col_blob(s, HEAD_HASH, &n);
		h->seq = nl_db_col_int64(s, HEAD_SEQ);
		if (p && n == NL_AUDIT_HASH_LEN)
			memcpy(h->hash, p, n);
		else
			rc = NL_ERR_DB;
	}
	nl_db_finalize(s);
	return rc == NL_ERR_NOT_FOUND ? NL_ERR_DB : rc;
}

nl_err nl_store_audit_head(nl_db *db, int64_t *seq, uint8_t hash[NL_AUDIT_HASH_LEN])
{
	struct head_ctx h = {0, hash};
	nl_err rc = nl_store_run_tx(db, head_tx, &h);
	*seq = rc == NL_OK ? h.seq : 0;
	return rc;
}

/* One record per row of the kind which, with action and reason. */
static NL_MUST_USE nl_err append_for(nl_conn *c, enum nl_audit_stale which, const char *actor,
                                     const char *action, const char *reason, int64_t *appended)
{
	nl_err rc = NL_OK;
	if (appended)
		*appended = 0;
	for (size_t i = 0; i < nl_store_audit_entity_count() && rc == NL_OK; i++) {
		const char *entity = nl_store_audit_entity(i);
		int64_t *ids;
		size_t n;
		if ((rc = nl_store_audit_stale_ids(c, entity, which, &ids, &n)) != NL_OK)
			break;
		for (size_t k = 0; k < n && rc == NL_OK; k++) {
			struct nl_audit_rec rec = {.actor = actor, .entity = entity,
			                           .entity_id = ids[k], .action = action,
			                           .reason = reason};
			rc = nl_store_audit_append(c, &rec);
			if (rc == NL_OK && appended)
				(*appended)++;
		}
		free(ids);
	}
	return rc;
}

nl_err nl_store_audit_baseline(nl_conn *c, const char *actor, int64_t *appended)
{
	return append_for(c, NL_AUDIT_STALE_UNBOUND, actor, "baseline",
	                  "state as found when state digests began", appended);
}

nl_err nl_store_audit_rebaseline(nl_conn *c, const char *actor, int64_t *appended)
{
	return append_for(c, NL_AUDIT_STALE_LEGACY, actor, "rebaseline",
	                  "state digest corrected: status and DER now bound", appended);
}
