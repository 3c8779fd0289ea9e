/* Payments, POS sessions and imports (see store_payment.h). */
#include <stdlib.h>
#include <string.h>

#include "store/store_payment.h"
#include "store/store_util.h"

#define POS_COLS "id, session_key, order_id, amount_kurus, status, bank_ref, created_at," \
                 " expires_at, completed_at"
/* Its columns, in order. */
enum { POS_ID, POS_SESSION_KEY, POS_ORDER_ID, POS_AMOUNT_KURUS, POS_STATUS, POS_BANK_REF,
	POS_CREATED_AT, POS_EXPIRES_AT, POS_COMPLETED_AT };
#define PAY_COLS "id, order_id, amount_kurus, channel, external_ref, pos_session_id," \
                 " import_id, paid_on, actor, recorded_at"
/* Its columns, in order. */
enum { PAY_ID, PAY_ORDER_ID, PAY_AMOUNT_KURUS, PAY_CHANNEL, PAY_EXTERNAL_REF, PAY_POS_SESSION_ID,
	PAY_IMPORT_ID, PAY_PAID_ON, PAY_ACTOR, PAY_RECORDED_AT };

nl_err nl_store_pos_session_create(nl_conn *c, struct nl_pos_session_row *s)
{
	nl_stmt *st;
	nl_err rc = nl_db_query(c, &st,
		"INSERT INTO pos_sessions (session_key, order_id, amount_kurus, status, created_at,"
		" expires_at) VALUES ($1, $2, $3, 'open', $4, $5) RETURNING id",
		NL_PARAMS(NL_P_TEXT(s->session_key), NL_P_INT(s->order_id),
		NL_P_INT(s->amount_kurus), NL_P_INT(s->created_at), NL_P_INT(s->expires_at)));
	if (rc != NL_OK)
		return rc;
	rc = nl_store_one_int64(st, &s->id);
	if (rc == NL_OK)
		memcpy(s->status, "open", 5);
	return rc;
}

static NL_MUST_USE nl_err session_one(nl_stmt *s, struct nl_pos_session_row *out)
{
	nl_err rc = nl_store_step_row(s);
	if (rc == NL_OK) {
		out->id = nl_db_col_int64(s, POS_ID);
		nl_store_col_copy(s, POS_SESSION_KEY, out->session_key, sizeof out->session_key);
		out->order_id = nl_db_col_int64(s, POS_ORDER_ID);
		out->amount_kurus = nl_db_col_int64(s, POS_AMOUNT_KURUS);
		nl_store_col_copy(s, POS_STATUS, out->status, sizeof out->status);
		nl_store_col_copy(s, POS_BANK_REF, out->bank_ref, sizeof out->bank_ref);
		out->created_at = nl_db_col_int64(s, POS_CREATED_AT);
		out->expires_at = nl_db_col_int64(s, POS_EXPIRES_AT);
		out->completed_at = nl_db_col_int64(s, POS_COMPLETED_AT);
	}
	nl_db_finalize(s);
	return rc;
}

nl_err nl_store_pos_session_get(nl_conn *c, const char *key, struct nl_pos_session_row *out)
{
	memset(out, 0, sizeof *out);
	nl_stmt *s;
	nl_err rc = nl_db_query(c, &s,
		"SELECT " POS_COLS " FROM pos_sessions WHERE session_key = $1",
		NL_PARAMS(NL_P_TEXT(key)));
	return rc == NL_OK ? session_one(s, out) : rc;
}

nl_err nl_store_pos_session_open_for(nl_conn *c, int64_t order_id, int64_t amount_kurus,
                                     int64_t now, struct nl_pos_session_row *out)
{
	memset(out, 0, sizeof *out);
	nl_stmt *s;
	nl_err rc = nl_db_query(c, &s,
		"SELECT " POS_COLS " FROM pos_sessions WHERE order_id = $1 AND amount_kurus = $2"
		" AND status = 'open' AND expires_at >= $3 ORDER BY id DESC LIMIT 1",
		NL_PARAMS(NL_P_INT(order_id), NL_P_INT(amount_kurus), NL_P_INT(now)));
	return rc == NL_OK ? session_one(s, out) : rc;
}

nl_err nl_store_pos_session_finish(nl_conn *c, int64_t id, const char *status,
                                   const char *bank_ref, int64_t now)
{
	nl_stmt *s;
	int64_t n = 0;
	/* "AND status = 'open'": of two callbacks racing for one session only
	 * one moves it on; the other sees NL_ERR_CONFLICT. */
	nl_err rc = nl_db_query(c, &s,
		"UPDATE pos_sessions SET status = $2, bank_ref = $3, completed_at = $4"
		" WHERE id = $1 AND status = 'open'",
		NL_PARAMS(NL_P_INT(id), NL_P_TEXT(status), NL_P_TEXT(bank_ref ? bank_ref : ""),
		NL_P_INT(now)));
	if (rc == NL_OK)
		rc = nl_store_exec_stmt(s, &n);
	return rc == NL_OK && n != 1 ? NL_ERR_CONFLICT : rc;
}

nl_err nl_store_payment_insert(nl_conn *c, struct nl_payment_row *p)
{
	nl_stmt *s;
	nl_err rc = nl_db_query(c, &s,
		"INSERT INTO payments (order_id, amount_kurus, channel, external_ref, pos_session_id,"
		" import_id, paid_on, actor, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
		" RETURNING id",
		NL_PARAMS(NL_P_INT(p->order_id), NL_P_INT(p->amount_kurus), NL_P_TEXT(p->channel),
		NL_P_TEXT(p->external_ref), NL_P_REF(p->pos_session_id), NL_P_REF(p->import_id),
		NL_P_TEXT(p->paid_on), NL_P_TEXT(p->actor), NL_P_INT(p->recorded_at)));
	return rc ? rc : nl_store_one_int64(s, &p->id);
}

static NL_MUST_USE nl_err payment_one(nl_stmt *s, struct nl_payment_row *out)
{
	nl_err rc = nl_store_step_row(s);
	if (rc == NL_OK) {
		out->id = nl_db_col_int64(s, PAY_ID);
		out->order_id = nl_db_col_int64(s, PAY_ORDER_ID);
		out->amount_kurus = nl_db_col_int64(s, PAY_AMOUNT_KURUS);
		nl_store_col_copy(s, PAY_CHANNEL, out->channel, sizeof out->channel);
		nl_store_col_copy(s, PAY_EXTERNAL_REF, out->external_ref, sizeof out->external_ref);
		out->pos_session_id = nl_db_col_int64(s, PAY_POS_SESSION_ID);
		out->import_id = nl_db_col_int64(s, PAY_IMPORT_ID);
		nl_store_col_copy(s, PAY_PAID_ON, out->paid_on, sizeof out->paid_on);
		nl_store_col_copy(s, PAY_ACTOR, out->actor, sizeof out->actor);
		out->recorded_at = nl_db_col_int64(s, PAY_RECORDED_AT);
	}
	nl_db_finalize(s);
	return rc;
}

nl_err nl_store_payment_by_ref(nl_conn *c, const char *external_ref, struct nl_payment_row *out)
{
	memset(out, 0, sizeof *out);
	nl_stmt *s;
	nl_err rc = nl_db_query(c, &s, "SELECT " PAY_COLS " FROM payments WHERE external_ref = $1",
	                        NL_PARAMS(NL_P_TEXT(external_ref)));
	return rc == NL_OK ? payment_one(s, out) : rc;
}

nl_err nl_store_payment_by_order(nl_conn *c, int64_t order_id, struct nl_payment_row *out)
{
	memset(out, 0, sizeof *out);
	nl_stmt *s;
	nl_err rc = nl_db_query(c, &s, "SELECT " PAY_COLS " FROM payments WHERE order_id = $1",
	                        NL_PARAMS(NL_P_INT(order_id)));
	return rc == NL_OK ? payment_one(s, out) : rc;
}

nl_err nl_store_payment_import_lock(nl_conn *c)
{
	if (nl_db_engine(nl_db_of(c)) != NL_DB_POSTGRES)
		return NL_OK;
	return nl_db_exec(c, "SELECT pg_advisory_xact_lock(7265837)");
}

nl_err nl_store_payment_import_create(nl_conn *c, const char *file_name, const char *actor,
                                      int64_t now, int64_t *id)
{
	nl_stmt *s;
	nl_err rc = nl_db_query(c, &s,
		"INSERT INTO payment_imports (file_name, actor, lines, recorded, skipped, refused,"
		" created_at) VALUES ($1, $2, 0, 0, 0, 0, $3) RETURNING id",
		NL_PARAMS(NL_P_TEXT(file_name), NL_P_TEXT(actor), NL_P_INT(now)));
	return rc ? rc : nl_store_one_int64(s, id);
}

nl_err nl_store_payment_import_counts(nl_conn *c, int64_t id, int64_t lines, int64_t recorded,
                                      int64_t skipped, int64_t refused)
{
	nl_stmt *s;
	nl_err rc = nl_db_query(c, &s,
		"UPDATE payment_imports SET lines = $2, recorded = $3, skipped = $4, refused = $5"
		" WHERE id = $1",
		NL_PARAMS(NL_P_INT(id), NL_P_INT(lines), NL_P_INT(recorded), NL_P_INT(skipped),
		NL_P_INT(refused)));
	return rc == NL_OK ? nl_store_exec_stmt(s, NULL) : rc;
}

nl_err nl_store_payment_open_orders_by_tckn(nl_conn *c, const char *tckn, int64_t **ids,
                                            size_t *n)
{
	*ids = NULL;
	*n = 0;
	nl_stmt *s;
	nl_err rc = nl_db_query(c, &s,
		"SELECT o.id FROM orders o JOIN persons p ON p.id = o.person_id"
		" WHERE p.id_kind = 'tckn' AND p.id_number = $1 AND o.payment_type = 'person'"
		" AND o.status IN ('form_payment_wait', 'payment_wait') ORDER BY o.id",
		NL_PARAMS(NL_P_TEXT(tckn)));
	return rc != NL_OK ? rc
		: nl_store_rows(s, sizeof **ids, nl_store_read_int64, NULL, (void **)ids, n);
}
