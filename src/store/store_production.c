/* Production rows and PIN letters (store_production.h): scheduling, the
 * compare-and-set claim with its lease, and the letter handed out once. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store_nodes.h"
#include "store/store_production.h"
#include "store/store_util.h"

#define PROD_COLS "p.id, p.order_id, o.order_no, p.state, p.due_at, p.renew_serial, p.attempts," \
                  " p.claimed_by, p.lease_until, p.card_label, p.cert_serial, p.backup_serial," \
                  " p.revoked_count, p.last_error, p.created_at, p.updated_at"
/* Its columns, in order. */
enum { PR_ID, PR_ORDER_ID, PR_ORDER_NO, PR_STATE, PR_DUE_AT, PR_RENEW_SERIAL, PR_ATTEMPTS,
	PR_CLAIMED_BY, PR_LEASE_UNTIL, PR_CARD_LABEL, PR_CERT_SERIAL, PR_BACKUP_SERIAL,
	PR_REVOKED_COUNT, PR_LAST_ERROR, PR_CREATED_AT, PR_UPDATED_AT };
#define PROD_FROM " FROM productions p JOIN orders o ON o.id = p.order_id"

static NL_MUST_USE nl_err read_prod(nl_stmt *s, void *row)
{
	struct nl_production *p = row;
	memset(p, 0, sizeof *p);
	p->id = nl_db_col_int64(s, PR_ID);
	p->order_id = nl_db_col_int64(s, PR_ORDER_ID);
	p->order_no = nl_db_col_int64(s, PR_ORDER_NO);
	nl_store_col_copy(s, PR_STATE, p->state, sizeof p->state);
	p->due_at = nl_db_col_int64(s, PR_DUE_AT);
	nl_store_col_copy(s, PR_RENEW_SERIAL, p->renew_serial, sizeof p->renew_serial);
	p->attempts = nl_db_col_int64(s, PR_ATTEMPTS);
	nl_store_col_copy(s, PR_CLAIMED_BY, p->claimed_by, sizeof p->claimed_by);
	p->lease_until = nl_db_col_int64(s, PR_LEASE_UNTIL);
	nl_store_col_copy(s, PR_CARD_LABEL, p->card_label, sizeof p->card_label);
	nl_store_col_copy(s, PR_CERT_SERIAL, p->cert_serial, sizeof p->cert_serial);
	nl_store_col_copy(s, PR_BACKUP_SERIAL, p->backup_serial, sizeof p->backup_serial);
	p->revoked_count = nl_db_col_int64(s, PR_REVOKED_COUNT);
	nl_store_col_copy(s, PR_LAST_ERROR, p->last_error, sizeof p->last_error);
	p->created_at = nl_db_col_int64(s, PR_CREATED_AT);
	p->updated_at = nl_db_col_int64(s, PR_UPDATED_AT);
	return NL_OK;
}

static NL_MUST_USE nl_err prod_rows(nl_stmt *s, struct nl_production **out, size_t *n)
{
	return nl_store_rows(s, sizeof **out, read_prod, NULL, (void **)out, n);
}

nl_err nl_store_production_unscheduled(nl_conn *c, int limit, int64_t **ids, size_t *n)
{
	nl_stmt *s;
	nl_err rc = nl_db_query(c, &s,
		"SELECT o.id FROM orders o WHERE o.status = 'production_wait' AND NOT EXISTS"
		" (SELECT 1 FROM productions p WHERE p.order_id = o.id) ORDER BY o.id LIMIT $1",
		NL_PARAMS(NL_P_INT(limit)));
	return rc ? rc : nl_store_rows(s, sizeof **ids, nl_store_read_int64, NULL, (void **)ids, n);
}

nl_err nl_store_production_insert(nl_conn *c, struct nl_production *p, int64_t now)
{
	nl_stmt *s;
	nl_err rc = nl_db_query(c, &s,
		"INSERT INTO productions (order_id, state, due_at, renew_serial, last_error, created_at,"
		" updated_at) VALUES ($1, $2, $3, $4, $5, $6, $6) ON CONFLICT (order_id) DO NOTHING"
		" RETURNING id",
		NL_PARAMS(NL_P_INT(p->order_id), NL_P_TEXT(p->state), NL_P_INT(p->due_at),
		NL_P_TEXT(p->renew_serial), NL_P_TEXT(p->last_error), NL_P_INT(now)));
	if (rc) return rc;
	rc = nl_store_step_row(s);
	if (rc == NL_OK) {
		p->id = nl_db_col_int64(s, 0);
		p->created_at = p->updated_at = now;
	} else if (rc == NL_ERR_NOT_FOUND) {
		rc = NL_ERR_CONFLICT;
	}
	nl_db_finalize(s);
	return rc;
}

nl_err nl_store_production_get_by_order(nl_conn *c, int64_t order_id, struct nl_production *out)
{
	nl_stmt *s;
	nl_err rc = nl_db_query(c, &s, "SELECT " PROD_COLS PROD_FROM " WHERE p.order_id = $1",
	                        NL_PARAMS(NL_P_INT(order_id)));
	if (rc) return rc;
	if ((rc = nl_store_step_row(s)) == NL_OK) rc = read_prod(s, out);
	nl_db_finalize(s);
	return rc;
}

nl_err nl_store_production_due(nl_conn *c, int64_t now, int limit, struct nl_production **out,
                               size_t *n)
{
	nl_stmt *s;
	/* A running row is due again when its lease ran out, or at once when the
	 * node that claimed it has stopped beating (store_nodes.h). */
	nl_err rc = nl_db_query(c, &s, "SELECT " PROD_COLS PROD_FROM
		" WHERE (p.state = 'scheduled' AND p.due_at <= $1)"
		" OR (p.state = 'running' AND (p.lease_until < $1 OR p.claimed_by IN"
		"  (SELECT n.node_id FROM nodes n WHERE n.seen_at < $3)))"
		" ORDER BY p.due_at, p.id LIMIT $2",
		NL_PARAMS(NL_P_INT(now), NL_P_INT(limit), NL_P_INT(now - NL_NODE_DEAD_S)));
	if (rc) return rc;
	return prod_rows(s, out, n);
}

nl_err nl_store_production_claim(nl_conn *c, struct nl_production *p, const char *node,
                                 int64_t now, int64_t lease_s)
{
	nl_stmt *s;
	int64_t changes = 0;
	nl_err rc = nl_db_query(c, &s,
		"UPDATE productions SET state = 'running', attempts = attempts + 1, claimed_by = $1,"
		" lease_until = $2, updated_at = $3 WHERE id = $4 AND state = $5 AND attempts = $6"
		" AND lease_until = $7",
		NL_PARAMS(NL_P_TEXT(node), NL_P_INT(now + lease_s), NL_P_INT(now), NL_P_INT(p->id),
		NL_P_TEXT(p->state), NL_P_INT(p->attempts), NL_P_INT(p->lease_until)));
	if (rc) return rc;
	if ((rc = nl_store_exec_stmt(s, &changes))) return rc;
	if (changes != 1) return NL_ERR_CONFLICT;
	memcpy(p->state, "running", 8);
	p->attempts++;
	snprintf(p->claimed_by, sizeof p->claimed_by, "%s", node);
	p->lease_until = now + lease_s;
	p->updated_at = now;
	return NL_OK;
}

nl_err nl_store_production_update(nl_conn *c, const struct nl_production *p, int64_t now)
{
	nl_stmt *s;
	int64_t changes = 0;
	nl_err rc = nl_db_query(c, &s,
		"UPDATE productions SET state = $1, due_at = $2, card_label = $3, cert_serial = $4,"
		" backup_serial = $5, revoked_count = $6, last_error = $7, updated_at = $8,"
		" lease_until = CASE WHEN $1 = 'running' THEN lease_until ELSE 0 END"
		" WHERE id = $9 AND state = 'running' AND claimed_by = $10 AND attempts = $11",
		NL_PARAMS(NL_P_TEXT(p->state), NL_P_INT(p->due_at), NL_P_TEXT(p->card_label),
		NL_P_TEXT(p->cert_serial), NL_P_TEXT(p->backup_serial), NL_P_INT(p->revoked_count),
		NL_P_TEXT(p->last_error), NL_P_INT(now), NL_P_INT(p->id), NL_P_TEXT(p->claimed_by),
		NL_P_INT(p->attempts)));
	if (rc) return rc;
	if ((rc = nl_store_exec_stmt(s, &changes))) return rc;
	return changes == 1 ? NL_OK : NL_ERR_CONFLICT;
}

nl_err nl_store_production_release_node(nl_conn *c, const char *node, int64_t now, int64_t *n)
{
	nl_stmt *s;
	int64_t changes = 0;
	if (!node || !*node)
		return NL_ERR_INVALID;
	nl_err rc = nl_db_query(c, &s,
		"UPDATE productions SET lease_until = 0, updated_at = $2"
		" WHERE state = 'running' AND claimed_by = $1",
		NL_PARAMS(NL_P_TEXT(node), NL_P_INT(now)));
	if (rc == NL_OK)
		rc = nl_store_exec_stmt(s, &changes);
	if (n)
		*n = changes;
	return rc;
}

nl_err nl_store_production_unclaim(nl_conn *c, const struct nl_production *p, int64_t now)
{
	nl_stmt *s;
	int64_t changes = 0;
	nl_err rc = nl_db_query(c, &s,
		"UPDATE productions SET state = 'scheduled', attempts = attempts - 1, lease_until = 0,"
		" claimed_by = '', due_at = $1, last_error = $2, updated_at = $1"
		" WHERE id = $3 AND state = 'running' AND claimed_by = $4 AND attempts = $5",
		NL_PARAMS(NL_P_INT(now), NL_P_TEXT(p->last_error), NL_P_INT(p->id),
		NL_P_TEXT(p->claimed_by), NL_P_INT(p->attempts)));
	if (rc)
		return rc;
	if ((rc = nl_store_exec_stmt(s, &changes)))
		return rc;
	return changes == 1 ? NL_OK : NL_ERR_CONFLICT;
}

nl_err nl_store_production_reschedule(nl_conn *c, int64_t order_id, int64_t now)
{
	nl_stmt *s;
	int64_t changes = 0;
	nl_err rc = nl_db_query(c, &s,
		"UPDATE productions SET state = 'scheduled', attempts = 0, lease_until = 0,"
		" claimed_by = '', due_at = $1, updated_at = $1"
		" WHERE order_id = $2 AND state IN ('failed', 'refused')",
		NL_PARAMS(NL_P_INT(now), NL_P_INT(order_id)));
	if (rc) return rc;
	if ((rc = nl_store_exec_stmt(s, &changes))) return rc;
	return changes == 1 ? NL_OK : NL_ERR_CONFLICT;
}

nl_err nl_store_production_list(nl_conn *c, int limit, struct nl_production **out, size_t *n)
{
	nl_stmt *s;
	nl_err rc = nl_db_query(c, &s, "SELECT " PROD_COLS PROD_FROM
		" ORDER BY p.updated_at DESC, p.id DESC LIMIT $1", NL_PARAMS(NL_P_INT(limit)));
	if (rc) return rc;
	return prod_rows(s, out, n);
}

/* ---- PIN letters ---- */

nl_err nl_store_pin_letter_put(nl_conn *c, int64_t order_id, const void *pdf, size_t len,
                               int64_t now)
{
	nl_stmt *s;
	nl_err rc = nl_db_query(c, &s,
		"INSERT INTO pin_letters (order_id, pdf, created_at) VALUES ($1, $2, $3)",
		NL_PARAMS(NL_P_INT(order_id), NL_P_BLOB(pdf, len), NL_P_INT(now)));
	if (rc) return rc;
	return nl_store_exec_stmt(s, NULL);
}

nl_err nl_store_pin_letter_take(nl_conn *c, int64_t order_id, const char *actor, int64_t now,
                                nl_buf *pdf)
{
	nl_stmt *s;
	nl_err rc = nl_db_query(c, &s,
		"SELECT pdf FROM pin_letters WHERE order_id = $1 AND printed_at = 0 AND pdf IS NOT NULL",
		NL_PARAMS(NL_P_INT(order_id)));
	if (rc) return rc;
	if ((rc = nl_store_step_row(s)) == NL_OK) {
		size_t len = 0;
		const void *p = nl_db_col_blob(s, 0, &len);
		nl_buf_append(pdf, p, len);
	}
	nl_db_finalize(s);
	if (rc) return rc;
	int64_t changes = 0;
	/* Only one caller gets it: the UPDATE is the arbiter. */
	if ((rc = nl_db_query(c, &s,
		"UPDATE pin_letters SET pdf = NULL, printed_at = $1, printed_by = $2"
		" WHERE order_id = $3 AND printed_at = 0",
		NL_PARAMS(NL_P_INT(now), NL_P_TEXT(actor), NL_P_INT(order_id)))))
		return rc;
	if ((rc = nl_store_exec_stmt(s, &changes))) return rc;
	if (changes != 1) {
		nl_buf_reset(pdf);
		return NL_ERR_NOT_FOUND;
	}
	return NL_OK;
}

nl_err nl_store_pin_letter_waiting(nl_conn *c, int64_t order_id, bool *waiting)
{
	nl_stmt *s;
	nl_err rc = nl_db_query(c, &s,
		"SELECT 1 FROM pin_letters WHERE order_id = $1 AND printed_at = 0",
		NL_PARAMS(NL_P_INT(order_id)));
	if (rc) return rc;
	rc = nl_store_step_row(s);
	nl_db_finalize(s);
	*waiting = rc == NL_OK;
	return rc == NL_ERR_NOT_FOUND ? NL_OK : rc;
}
