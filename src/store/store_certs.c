/* Certificates, serials, CRLs and pre-signed OCSP responses. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store_audit.h"
#include "store/store_certs.h"
#include "store/store_util.h"

#define COLS "id, serial, kind, subject, common_name, email, id_number, institution_id," \
             " order_id, not_before, not_after, status, revoked_at, reason, publish, der," \
             " status_version"
/* Its columns, in order. */
enum { C_ID, C_SERIAL, C_KIND, C_SUBJECT, C_COMMON_NAME, C_EMAIL, C_ID_NUMBER, C_INSTITUTION_ID,
	C_ORDER_ID, C_NOT_BEFORE, C_NOT_AFTER, C_STATUS, C_REVOKED_AT, C_REASON, C_PUBLISH, C_DER,
	C_STATUS_VERSION };

#define REASON_HOLD 6

void nl_cert_row_clear(struct nl_cert_row *r)
{
	if (!r) return;
	free(r->subject); free(r->common_name); free(r->email); free(r->id_number); free(r->der);
	memset(r, 0, sizeof *r);
}

static NL_MUST_USE nl_err read_row(nl_stmt *s, struct nl_cert_row *r)
{
	nl_err rc = NL_OK;
	size_t n = 0;
	memset(r, 0, sizeof *r);
	r->id = nl_db_col_int64(s, C_ID);
	nl_store_col_copy(s, C_SERIAL, r->serial, sizeof r->serial);
	nl_store_col_copy(s, C_KIND, r->kind, sizeof r->kind);
	r->subject = nl_store_col_dup(s, C_SUBJECT, &rc);
	r->common_name = nl_store_col_dup(s, C_COMMON_NAME, &rc);
	r->email = nl_store_col_dup(s, C_EMAIL, &rc);
	r->id_number = nl_store_col_dup(s, C_ID_NUMBER, &rc);
	r->institution_id = nl_db_col_int64(s, C_INSTITUTION_ID);
	r->order_id = nl_db_col_int64(s, C_ORDER_ID);
	r->not_before = nl_db_col_int64(s, C_NOT_BEFORE);
	r->not_after = nl_db_col_int64(s, C_NOT_AFTER);
	nl_store_col_copy(s, C_STATUS, r->status, sizeof r->status);
	r->revoked_at = nl_db_col_int64(s, C_REVOKED_AT);
	r->reason = (int)nl_db_col_int64(s, C_REASON);
	r->publish = nl_db_col_bool(s, C_PUBLISH);
	const void *der = nl_db_col_blob(s, C_DER, &n);
	r->der = malloc(n ? n : 1);
	if (!r->der) rc = NL_ERR_NOMEM;
	else if (n) memcpy(r->der, der, n);
	r->der_len = n;
	r->status_version = nl_db_col_int64(s, C_STATUS_VERSION);
	if (rc) nl_cert_row_clear(r);
	return rc;
}

nl_err nl_store_serial_reserve(nl_conn *c, const char *serial_hex)
{
	nl_stmt *s;
	int64_t changed = 0;
	nl_err rc = nl_db_query(c, &s,
		"INSERT INTO cert_serials (serial, created_at) VALUES ($1, $2)"
		" ON CONFLICT (serial) DO NOTHING",
		NL_PARAMS(NL_P_TEXT(serial_hex), NL_P_INT(nl_store_now())));
	if (rc == NL_OK) rc = nl_store_exec_stmt(s, &changed);
	if (rc == NL_OK && changed != 1) rc = NL_ERR_CONFLICT;
	return rc;
}

struct insert_args { struct nl_cert_row *r; const char *actor; };

static NL_MUST_USE nl_err insert_tx(nl_conn *c, void *ctx)
{
	struct insert_args *a = ctx;
	struct nl_cert_row *r = a->r;
	nl_stmt *s;
	int64_t now = nl_store_now();
	nl_err rc = nl_db_query(c, &s,
		"INSERT INTO certificates (serial, kind, subject, common_name, email, id_number,"
		" institution_id, order_id, not_before, not_after, status, publish, der,"
		" created_at, updated_at)"
		" VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'good', $11, $12, $13, $13) RETURNING id",
		NL_PARAMS(NL_P_TEXT(r->serial), NL_P_TEXT(r->kind[0] ? r->kind : "person"),
		NL_P_TEXT(r->subject ? r->subject : ""),
		NL_P_TEXT(r->common_name ? r->common_name : ""),
		NL_P_TEXT(r->email ? r->email : ""), NL_P_TEXT(r->id_number ? r->id_number : ""),
		NL_P_REF(r->institution_id), NL_P_REF(r->order_id), NL_P_INT(r->not_before),
		NL_P_INT(r->not_after), NL_P_BOOL(r->publish), NL_P_BLOB(r->der, r->der_len),
		NL_P_INT(now)));
	if (rc) return rc;
	if ((rc = nl_store_step_row(s)) == NL_OK) r->id = nl_db_col_int64(s, 0);
	nl_db_finalize(s);
	if (rc) return rc == NL_ERR_NOT_FOUND ? NL_ERR_DB : rc;
	struct nl_audit_rec rec = {
		.at = now, .actor = a->actor, .entity = "certificate", .entity_id = r->id,
		.action = "create", .from = "", .to = "good", .reason = r->serial,
	};
	return nl_store_audit_append(c, &rec);
}

nl_err nl_store_cert_insert(nl_db *db, struct nl_cert_row *r, const char *actor)
{
	struct insert_args a = {r, actor ? actor : ""};
	if (!r->der || !r->serial[0]) return NL_ERR_INVALID;
	return nl_store_run_tx(db, insert_tx, &a);
}

nl_err nl_store_cert_get(nl_conn *c, const char *serial_hex, struct nl_cert_row *out)
{
	nl_stmt *s;
	nl_err rc = nl_db_query(c, &s, "SELECT " COLS " FROM certificates WHERE serial = $1",
		NL_PARAMS(NL_P_TEXT(serial_hex)));
	if (rc) return rc;
	if ((rc = nl_store_step_row(s)) == NL_OK) rc = read_row(s, out);
	nl_db_finalize(s);
	return rc;
}

struct status_args {
	const char *serial, *from_a, *from_b, *to, *action, *actor, *why;
	int reason;
	int64_t at;
};

/* One UPDATE guarded by the expected statuses: of two concurrent changes only
 * one matches; then the audit record in the same transaction. The UPDATE adds
 * one to status_version, so an OCSP answer signed from the status before it
 * can no longer be stored (nl_store_ocsp_put) nor served (nl_store_ocsp_get). */
static NL_MUST_USE nl_err status_tx(nl_conn *c, void *ctx)
{
	struct status_args *a = ctx;
	struct nl_cert_row r;
	nl_stmt *s;
	int64_t changed = 0, now = nl_store_now();
	nl_err rc = nl_store_cert_get(c, a->serial, &r);
	if (rc) return rc;
	char from[16];
	snprintf(from, sizeof from, "%s", r.status);
	int64_t id = r.id;
	nl_cert_row_clear(&r);
	if (strcmp(from, a->from_a) && strcmp(from, a->from_b)) return NL_ERR_TRANSITION;
	rc = nl_db_query(c, &s,
		"UPDATE certificates SET status = $2, revoked_at = $3, reason = $4, updated_at = $5,"
		" status_version = status_version + 1 WHERE id = $1 AND status = $6",
		NL_PARAMS(NL_P_INT(id), NL_P_TEXT(a->to), NL_P_INT(a->at), NL_P_INT(a->reason),
		NL_P_INT(now), NL_P_TEXT(from)));
	if (rc == NL_OK) rc = nl_store_exec_stmt(s, &changed);
	if (rc) return rc;
	if (changed != 1) return NL_ERR_CONFLICT;
	/* The pre-signed OCSP response now lies: drop it, the worker re-signs. */
	rc = nl_db_query(c, &s, "DELETE FROM ocsp_responses WHERE serial = $1",
		NL_PARAMS(NL_P_TEXT(a->serial)));
	if (rc == NL_OK) rc = nl_store_exec_stmt(s, NULL);
	if (rc) return rc;
	struct nl_audit_rec rec = {
		.at = now, .actor = a->actor, .entity = "certificate", .entity_id = id,
		.action = a->action, .from = from, .to = a->to, .reason = a->why ? a->why : "",
	};
	return nl_store_audit_append(c, &rec);
}

nl_err nl_store_cert_revoke(nl_db *db, const char *serial_hex, int reason, int64_t at,
                            const char *actor, const char *why)
{
	if (reason < 0 || reason > 10 || reason == 7 || reason == REASON_HOLD || reason == 8)
		return NL_ERR_INVALID;
	struct status_args a = {serial_hex, "good", "hold", "revoked", "revoke", actor ? actor : "", why,
	                        reason, at};
	return nl_store_run_tx(db, status_tx, &a);
}

nl_err nl_store_cert_suspend(nl_db *db, const char *serial_hex, int64_t at, const char *actor,
                             const char *why)
{
	struct status_args a = {serial_hex, "good", "good", "hold", "suspend", actor ? actor : "", why,
	                        REASON_HOLD, at};
	return nl_store_run_tx(db, status_tx, &a);
}

nl_err nl_store_cert_release(nl_db *db, const char *serial_hex, const char *actor, const char *why)
{
	struct status_args a = {serial_hex, "hold", "hold", "good", "release", actor ? actor : "", why, 0, 0};
	return nl_store_run_tx(db, status_tx, &a);
}

nl_err nl_store_cert_set_publish(nl_db *db, const char *serial_hex, bool publish)
{
	nl_conn *c;
	nl_stmt *s;
	int64_t changed = 0;
	nl_err rc = nl_db_conn(db, &c);
	if (!rc) rc = nl_db_query(c, &s, "UPDATE certificates SET publish = $2 WHERE serial = $1",
	                          NL_PARAMS(NL_P_TEXT(serial_hex), NL_P_BOOL(publish)));
	if (!rc) rc = nl_store_exec_stmt(s, &changed);
	return rc ? rc : changed ? NL_OK : NL_ERR_NOT_FOUND;
}

nl_err nl_store_cert_each_revoked(nl_conn *c, nl_revoked_fn fn, void *ctx)
{
	nl_stmt *s;
	int st;
	enum { RV_SERIAL, RV_REVOKED_AT, RV_REASON, RV_STATUS };
	nl_err rc = nl_db_query(c, &s,
		"SELECT serial, revoked_at, reason, status FROM certificates"
		" WHERE status <> 'good'",
		NL_NO_PARAMS);
	if (rc) return rc;
	while ((st = nl_db_step(s)) == NL_DB_ROW) {
		bool hold = !strcmp(nl_db_col_text(s, RV_STATUS), "hold");
		rc = fn(ctx, nl_db_col_text(s, RV_SERIAL), nl_db_col_int64(s, RV_REVOKED_AT),
		        hold ? REASON_HOLD : (int)nl_db_col_int64(s, RV_REASON));
		if (rc) break;
	}
	if (!rc && st != NL_DB_DONE) rc = (nl_err)st;
	nl_db_finalize(s);
	return rc;
}

static NL_MUST_USE nl_err each_row(nl_stmt *s, nl_cert_fn fn, void *ctx)
{
	int st;
	nl_err rc = NL_OK;
	while ((st = nl_db_step(s)) == NL_DB_ROW) {
		struct nl_cert_row r;
		if ((rc = read_row(s, &r))) break;
		rc = fn(ctx, &r);
		nl_cert_row_clear(&r);
		if (rc) break;
	}
	if (!rc && st != NL_DB_DONE) rc = (nl_err)st;
	nl_db_finalize(s);
	return rc;
}

nl_err nl_store_cert_search(nl_conn *c, const char *q, int limit, nl_cert_fn fn, void *ctx)
{
	char pattern[260];
	size_t j = 0;
	if (!q || !*q || strlen(q) > 100) return NL_ERR_INVALID;
	/* LIKE with the user's text as a bound value, its wildcards escaped. */
	pattern[j++] = '%';
	for (const char *p = q; *p && j < sizeof pattern - 3; p++) {
		if (*p == '%' || *p == '_' || *p == '\\') pattern[j++] = '\\';
		pattern[j++] = *p;
	}
	pattern[j++] = '%';
	pattern[j] = '\0';
	nl_stmt *s;
	nl_err rc = nl_db_query(c, &s,
		"SELECT " COLS " FROM certificates WHERE kind = 'person' AND publish = $3"
		" AND (lower(common_name) LIKE lower($1) ESCAPE '\\' OR lower(email) = lower($2))"
		" ORDER BY common_name, id LIMIT $4",
		NL_PARAMS(NL_P_TEXT(pattern), NL_P_TEXT(q), NL_P_BOOL(true), NL_P_INT(limit)));
	return rc ? rc : each_row(s, fn, ctx);
}

nl_err nl_store_cert_last_change(nl_conn *c, int64_t *at)
{
	nl_stmt *s;
	/* The audit trail has every status change with its time. */
	nl_err rc = nl_db_query(c, &s,
		"SELECT COALESCE(MAX(at), 0) FROM audit_log WHERE entity = 'certificate'"
		" AND action IN ('revoke', 'suspend', 'release')", NL_NO_PARAMS);
	return rc ? rc : nl_store_one_int64(s, at);
}

nl_err nl_store_crl_latest_times(nl_conn *c, int64_t *this_update, int64_t *next_update)
{
	nl_stmt *s;
	enum { CT_THIS_UPDATE, CT_NEXT_UPDATE };
	nl_err rc = nl_db_query(c, &s,
		"SELECT this_update, next_update FROM crls WHERE base_number IS NULL"
		" ORDER BY crl_number DESC LIMIT 1",
		NL_NO_PARAMS);
	if (rc) return rc;
	if ((rc = nl_store_step_row(s)) == NL_OK) {
		*this_update = nl_db_col_int64(s, CT_THIS_UPDATE);
		*next_update = nl_db_col_int64(s, CT_NEXT_UPDATE);
	}
	nl_db_finalize(s);
	return rc;
}

nl_err nl_store_crl_next_number(nl_conn *c, int64_t *number)
{
	nl_stmt *s;
	nl_err rc = nl_db_query(c, &s, "SELECT COALESCE(MAX(crl_number), 0) + 1 FROM crls",
		NL_NO_PARAMS);
	return rc ? rc : nl_store_one_int64(s, number);
}

nl_err nl_store_crl_insert(nl_conn *c, int64_t number, int64_t this_update, int64_t next_update,
                           int64_t entries, const void *der, size_t len)
{
	nl_stmt *s;
	nl_err rc = nl_db_query(c, &s,
		"INSERT INTO crls (crl_number, this_update, next_update, entries, der)"
		" VALUES ($1, $2, $3, $4, $5)",
		NL_PARAMS(NL_P_INT(number), NL_P_INT(this_update), NL_P_INT(next_update),
		NL_P_INT(entries), NL_P_BLOB(der, len)));
	return rc ? rc : nl_store_exec_stmt(s, NULL);
}

nl_err nl_store_crl_latest(nl_conn *c, int64_t *number, int64_t *next_update, nl_buf *der)
{
	nl_stmt *s;
	size_t n = 0;
	enum { CRL_CRL_NUMBER, CRL_NEXT_UPDATE, CRL_DER };
	nl_err rc = nl_db_query(c, &s,
		"SELECT crl_number, next_update, der FROM crls WHERE base_number IS NULL"
		" ORDER BY crl_number DESC LIMIT 1",
		NL_NO_PARAMS);
	if (rc) return rc;
	if ((rc = nl_store_step_row(s)) == NL_OK) {
		if (number) *number = nl_db_col_int64(s, CRL_CRL_NUMBER);
		if (next_update) *next_update = nl_db_col_int64(s, CRL_NEXT_UPDATE);
		const void *p = nl_db_col_blob(s, CRL_DER, &n);
		if (der) {
			nl_buf_append(der, p, n);
			if (der->oom) rc = NL_ERR_NOMEM;
		}
	}
	nl_db_finalize(s);
	return rc;
}

nl_err nl_store_crl_insert_delta(nl_conn *c, int64_t number, int64_t base, int64_t this_update,
                                 int64_t next_update, int64_t entries, const void *der, size_t len)
{
	nl_stmt *s;
	if (base < 1 || base >= number) return NL_ERR_INVALID;
	nl_err rc = nl_db_query(c, &s,
		"INSERT INTO crls (crl_number, base_number, this_update, next_update, entries, der)"
		" VALUES ($1, $2, $3, $4, $5, $6)",
		NL_PARAMS(NL_P_INT(number), NL_P_INT(base), NL_P_INT(this_update), NL_P_INT(next_update),
		NL_P_INT(entries), NL_P_BLOB(der, len)));
	return rc ? rc : nl_store_exec_stmt(s, NULL);
}

/* The oldest complete CRL a relying party may still hold (next update ahead),
 * or the newest when every one has lapsed. */
nl_err nl_store_crl_delta_base(nl_conn *c, int64_t now, int64_t *number, nl_buf *der)
{
	nl_stmt *s;
	size_t n = 0;
	enum { DB_CRL_NUMBER, DB_DER };
	nl_err rc = nl_db_query(c, &s,
		"SELECT crl_number, der FROM crls WHERE base_number IS NULL"
		" ORDER BY CASE WHEN next_update > $1 THEN 0 ELSE 1 END,"
		" CASE WHEN next_update > $1 THEN crl_number ELSE -crl_number END LIMIT 1",
		NL_PARAMS(NL_P_INT(now)));
	if (rc) return rc;
	if ((rc = nl_store_step_row(s)) == NL_OK) {
		*number = nl_db_col_int64(s, DB_CRL_NUMBER);
		const void *p = nl_db_col_blob(s, DB_DER, &n);
		nl_buf_reset(der);
		nl_buf_append(der, p, n);
		if (der->oom) rc = NL_ERR_NOMEM;
	}
	nl_db_finalize(s);
	return rc;
}

nl_err nl_store_crl_latest_delta(nl_conn *c, int64_t *number, int64_t *base, int64_t *this_update,
                                 int64_t *next_update)
{
	nl_stmt *s;
	enum { LD_NUMBER, LD_BASE, LD_THIS_UPDATE, LD_NEXT_UPDATE };
	nl_err rc = nl_db_query(c, &s,
		"SELECT crl_number, base_number, this_update, next_update FROM crls"
		" WHERE base_number IS NOT NULL ORDER BY crl_number DESC LIMIT 1", NL_NO_PARAMS);
	if (rc) return rc;
	if ((rc = nl_store_step_row(s)) == NL_OK) {
		if (number) *number = nl_db_col_int64(s, LD_NUMBER);
		if (base) *base = nl_db_col_int64(s, LD_BASE);
		if (this_update) *this_update = nl_db_col_int64(s, LD_THIS_UPDATE);
		if (next_update) *next_update = nl_db_col_int64(s, LD_NEXT_UPDATE);
	}
	nl_db_finalize(s);
	return rc;
}

struct ocsp_put_args {
	const char *serial;
	int64_t version, this_update, next_update;
	const void *der;
	size_t len;
};

/* Stores the answer only while the certificate's status is still the one it
 * was signed from. The UPDATE that changes nothing is there for its lock: a
 * status change (status_tx) updates the same row first, so the two serialise
 * on both engines (SQLite: one writer; PostgreSQL: the row lock, and READ
 * COMMITTED re-checks the WHERE on the row a committed change left). Whichever
 * commits second sees the other: a change after the put deletes the answer, a
 * put after the change finds another version and stores nothing. */
static NL_MUST_USE nl_err ocsp_put_tx(nl_conn *c, void *ctx)
{
	struct ocsp_put_args *a = ctx;
	nl_stmt *s;
	int64_t changed = 0;
	nl_err rc = nl_db_query(c, &s,
		"UPDATE certificates SET status_version = status_version"
		" WHERE serial = $1 AND status_version = $2",
		NL_PARAMS(NL_P_TEXT(a->serial), NL_P_INT(a->version)));
	if (rc == NL_OK) rc = nl_store_exec_stmt(s, &changed);
	if (rc) return rc;
	if (changed != 1) return NL_ERR_CONFLICT;
	rc = nl_db_query(c, &s,
		"INSERT INTO ocsp_responses (serial, this_update, next_update, der, status_version)"
		" VALUES ($1, $2, $3, $4, $5)"
		" ON CONFLICT (serial) DO UPDATE SET this_update = excluded.this_update,"
		" next_update = excluded.next_update, der = excluded.der,"
		" status_version = excluded.status_version",
		NL_PARAMS(NL_P_TEXT(a->serial), NL_P_INT(a->this_update), NL_P_INT(a->next_update),
		NL_P_BLOB(a->der, a->len), NL_P_INT(a->version)));
	return rc ? rc : nl_store_exec_stmt(s, NULL);
}

nl_err nl_store_ocsp_put(nl_conn *c, const char *serial_hex, int64_t status_version,
                         int64_t this_update, int64_t next_update, const void *der, size_t len)
{
	struct ocsp_put_args a = {serial_hex, status_version, this_update, next_update, der, len};
	return nl_store_run_tx(nl_db_of(c), ocsp_put_tx, &a);
}

nl_err nl_store_ocsp_get(nl_conn *c, const char *serial_hex, int64_t now, nl_buf *der,
                         int64_t *this_update, int64_t *next_update)
{
	nl_stmt *s;
	size_t n = 0;
	enum { O_DER, O_THIS_UPDATE, O_NEXT_UPDATE };
	nl_err rc = nl_db_query(c, &s,
		/* Served only while signed from the certificate's current status, even
		 * if a writer slipped past nl_store_ocsp_put's check. */
		"SELECT o.der, o.this_update, o.next_update FROM ocsp_responses o"
		" JOIN certificates c ON c.serial = o.serial"
		" WHERE o.serial = $1 AND o.next_update > $2 AND o.status_version = c.status_version",
		NL_PARAMS(NL_P_TEXT(serial_hex), NL_P_INT(now)));
	if (rc) return rc;
	if ((rc = nl_store_step_row(s)) == NL_OK) {
		if (this_update) *this_update = nl_db_col_int64(s, O_THIS_UPDATE);
		if (next_update) *next_update = nl_db_col_int64(s, O_NEXT_UPDATE);
		const void *p = nl_db_col_blob(s, O_DER, &n);
		nl_buf_append(der, p, n);
		if (der->oom) rc = NL_ERR_NOMEM;
	}
	nl_db_finalize(s);
	return rc;
}

nl_err nl_store_ocsp_each_stale(nl_conn *c, int64_t before, nl_serial_fn fn, void *ctx)
{
	nl_stmt *s;
	int st;
	nl_err rc = nl_db_query(c, &s,
		"SELECT c.serial FROM certificates c LEFT JOIN ocsp_responses o ON o.serial = c.serial"
		" WHERE c.kind = 'person' AND (o.serial IS NULL OR o.next_update < $1)",
		NL_PARAMS(NL_P_INT(before)));
	if (rc) return rc;
	while ((st = nl_db_step(s)) == NL_DB_ROW)
		if ((rc = fn(ctx, nl_db_col_text(s, 0)))) break;
	if (!rc && st != NL_DB_DONE) rc = (nl_err)st;
	nl_db_finalize(s);
	return rc;
}
