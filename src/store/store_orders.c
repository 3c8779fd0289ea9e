/* Orders. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "store/store_audit.h"
#include "store/store_orders.h"
#include "store/store_util.h"

#define COLS "o.id, o.order_no, o.person_id, o.institution_id, o.reason, o.payment_type," \
             " o.backup_cert, o.status, o.access_password_hash, o.created_at, o.updated_at," \
             " o.cancel_reason"
/* Its columns, in order. */
enum { C_ID, C_ORDER_NO, C_PERSON_ID, C_INSTITUTION_ID, C_REASON, C_PAYMENT_TYPE, C_BACKUP_CERT,
	C_STATUS, C_ACCESS_PASSWORD_HASH, C_CREATED_AT, C_UPDATED_AT, C_CANCEL_REASON, C__N };
#define ITEM_COLS COLS ", p.id_kind, p.id_number, p.given_name, p.surname"
/* The columns ITEM_COLS (and INST_ITEM_COLS, below) add after COLS's. */
enum { IT_ID_KIND = C__N, IT_ID_NUMBER, IT_GIVEN_NAME, IT_SURNAME };

void nl_order_clear(struct nl_order *o)
{
	if (!o)
		return;
	free(o->access_password_hash);
	free(o->cancel_reason);
	memset(o, 0, sizeof *o);
}

/* Frees what read_item allocated in one list row (nl_store_clear_row). */
static void clear_item(void *row)
{
	struct nl_order_item *it = row;
	nl_order_clear(&it->order);
	free(it->id_number);
	free(it->given_name);
	free(it->surname);
}

void nl_order_list_free(struct nl_order_list *l)
{
	if (!l)
		return;
	for (size_t k = 0; l->items && k < l->n; k++)
		clear_item(&l->items[k]);
	free(l->items);
	memset(l, 0, sizeof *l);
}

static NL_MUST_USE nl_err read_order(nl_stmt *s, struct nl_order *o)
{
	nl_err rc = NL_OK;
	memset(o, 0, sizeof *o);
	o->id = nl_db_col_int64(s, C_ID);
	o->order_no = nl_db_col_int64(s, C_ORDER_NO);
	o->person_id = nl_db_col_int64(s, C_PERSON_ID);
	o->institution_id = nl_db_col_int64(s, C_INSTITUTION_ID);
	if (!nl_reason_parse(nl_db_col_text(s, C_REASON), &o->reason) ||
	    !nl_payment_type_parse(nl_db_col_text(s, C_PAYMENT_TYPE), &o->payment_type) ||
	    !nl_order_status_parse(nl_db_col_text(s, C_STATUS), &o->status))
		rc = NL_ERR_DB;
	o->backup_cert = nl_db_col_bool(s, C_BACKUP_CERT);
	o->access_password_hash = nl_store_col_dup(s, C_ACCESS_PASSWORD_HASH, &rc);
	o->created_at = nl_db_col_int64(s, C_CREATED_AT);
	o->updated_at = nl_db_col_int64(s, C_UPDATED_AT);
	o->cancel_reason = nl_store_col_dup(s, C_CANCEL_REASON, &rc);
	if (rc != NL_OK)
		nl_order_clear(o);
	return rc;
}

/* Draws the next SD number, inserts the row and writes its audit record. */
static NL_MUST_USE nl_err create_tx(nl_conn *c, void *ctx)
{
	struct { struct nl_order *o; const char *actor; } *a = ctx;
	struct nl_order *o = a->o;
	nl_stmt *s;
	int64_t now = nl_store_now();
	nl_err rc = nl_db_query(c, &s,
		"UPDATE counters SET value = value + 1 WHERE name = 'order_no' RETURNING value",
		NL_NO_PARAMS);
	if (rc != NL_OK)
		return rc;
	rc = nl_store_one_int64(s, &o->order_no);
	if (rc != NL_OK)
		return rc == NL_ERR_NOT_FOUND ? NL_ERR_DB : rc;
	o->status = nl_order_initial_status(o->payment_type);
	rc = nl_db_query(c, &s,
		"INSERT INTO orders (order_no, person_id, institution_id, reason, payment_type,"
		" backup_cert, status, access_password_hash, created_at, updated_at)"
		" VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING id",
		NL_PARAMS(NL_P_INT(o->order_no), NL_P_INT(o->person_id),
		NL_P_REF(o->institution_id), NL_P_TEXT(nl_reason_code(o->reason)),
		NL_P_TEXT(nl_payment_type_code(o->payment_type)), NL_P_BOOL(o->backup_cert),
		NL_P_TEXT(nl_order_status_code(o->status)),
		NL_P_TEXT(o->access_password_hash ? o->access_password_hash : ""), NL_P_INT(now)));
	if (rc != NL_OK)
		return rc;
	rc = nl_store_one_int64(s, &o->id);
	if (rc != NL_OK)
		return rc;
	o->created_at = o->updated_at = now;
	struct nl_audit_rec rec = {
		.at = now, .actor = a->actor, .entity = "order", .entity_id = o->id,
		.action = "create", .from = "", .to = nl_order_status_code(o->status), .reason = "",
	};
	return nl_store_audit_append(c, &rec);
}

nl_err nl_store_order_create(nl_conn *c, struct nl_order *o, const char *actor)
{
	if (!nl_reason_code(o->reason) || !nl_payment_type_code(o->payment_type) || !o->person_id)
		return NL_ERR_INVALID;
	struct { struct nl_order *o; const char *actor; } a = {o, actor ? actor : ""};
	nl_err rc = nl_store_run_tx(nl_db_of(c), create_tx, &a);
	if (rc != NL_OK)
		o->id = o->order_no = 0;
	return rc;
}

static NL_MUST_USE nl_err get_one(nl_stmt *s, struct nl_order *out)
{
	nl_err rc = nl_store_step_row(s);
	if (rc == NL_OK)
		rc = read_order(s, out);
	nl_db_finalize(s);
	return rc;
}

nl_err nl_store_order_get(nl_conn *c, int64_t id, struct nl_order *out)
{
	nl_stmt *s;
	memset(out, 0, sizeof *out);
	nl_err rc = nl_db_query(c, &s, "SELECT " COLS " FROM orders o WHERE o.id = $1",
		NL_PARAMS(NL_P_INT(id)));
	return rc == NL_OK ? get_one(s, out) : rc;
}

nl_err nl_store_order_get_by_no(nl_conn *c, int64_t order_no, struct nl_order *out)
{
	nl_stmt *s;
	memset(out, 0, sizeof *out);
	nl_err rc = nl_db_query(c, &s, "SELECT " COLS " FROM orders o WHERE o.order_no = $1",
	                        NL_PARAMS(NL_P_INT(order_no)));
	return rc == NL_OK ? get_one(s, out) : rc;
}

/* Reads one row of an ITEM_COLS query (nl_store_read_row); on failure nothing
 * stays allocated in it. */
static NL_MUST_USE nl_err read_item(nl_stmt *s, void *row)
{
	struct nl_order_item *it = row;
	nl_err rc = read_order(s, &it->order);
	if (rc != NL_OK)
		return rc;
	if (!nl_id_kind_parse(nl_db_col_text(s, IT_ID_KIND), &it->id_kind))
		rc = NL_ERR_DB;
	it->id_number = nl_store_col_dup(s, IT_ID_NUMBER, &rc);
	it->given_name = nl_store_col_dup(s, IT_GIVEN_NAME, &rc);
	it->surname = nl_store_col_dup(s, IT_SURNAME, &rc);
	if (rc != NL_OK)
		clear_item(it);
	return rc;
}

/* Reads every row of an ITEM_COLS query into l; finalizes s. */
static NL_MUST_USE nl_err read_items(nl_stmt *s, struct nl_order_list *l)
{
	void *items = NULL;
	nl_err rc = nl_store_rows(s, sizeof *l->items, read_item, clear_item, &items, &l->n);
	l->items = items;
	return rc;
}

/* "SD-123", "sd-123" or "123" -> 123; -1 when q is no order number. */
static int64_t parse_order_no(const char *q)
{
	if (!strncasecmp(q, NL_ORDER_NO_PREFIX, strlen(NL_ORDER_NO_PREFIX)))
		q += strlen(NL_ORDER_NO_PREFIX);
	if (!*q || strlen(q) > 18)
		return -1;
	for (const char *p = q; *p; p++)
		if (!isdigit((unsigned char)*p))
			return -1;
	return strtoll(q, NULL, 10);
}

/* "%q%" for LIKE, lower-cased (ASCII, as SQLite's LOWER) with %, _ and \ escaped. */
static char *like_pattern(const char *q)
{
	size_t n = strlen(q);
	char *p = malloc(2 * n + 3), *w = p;
	if (!p)
		return NULL;
	*w++ = '%';
	for (; *q; q++) {
		if (*q == '%' || *q == '_' || *q == '\\')
			*w++ = '\\';
		*w++ = (char)tolower((unsigned char)*q);
	}
	*w++ = '%';
	*w = '\0';
	return p;
}

/* An institution sees and searches the names its pre-application typed
 * (order_contacts), never the person's stored ones: another institution's
 * data about the same person must not show, nor be found by a search
 * (docs/applicant.md, "Doors and entitlement"). */
#define INST_NAME "COALESCE(oc.given_name, p.given_name)"
#define INST_SURNAME "COALESCE(oc.surname, p.surname)"
#define INST_ITEM_COLS COLS ", p.id_kind, p.id_number, " INST_NAME ", " INST_SURNAME
#define LIST_FROM \
	" FROM orders o JOIN persons p ON p.id = o.person_id" \
	" LEFT JOIN order_contacts oc ON oc.order_id = o.id WHERE o.institution_id = $1" \
	" AND ($2 = '' OR o.order_no = $3 OR p.id_number = $2" \
	"  OR LOWER(" INST_NAME " || ' ' || " INST_SURNAME ") LIKE $4 ESCAPE '\\')"

nl_err nl_store_order_list_institution(nl_conn *c, int64_t institution_id, const char *q,
                                       int64_t limit, int64_t offset, struct nl_order_list *out)
{
	nl_stmt *s;
	memset(out, 0, sizeof *out);
	if (!q)
		q = "";
	char *pattern = like_pattern(q);
	if (!pattern)
		return NL_ERR_NOMEM;
	int64_t no = parse_order_no(q);
	nl_err rc = nl_db_query(c, &s, "SELECT COUNT(*)" LIST_FROM,
		NL_PARAMS(NL_P_INT(institution_id), NL_P_TEXT(q), NL_P_INT(no),
		NL_P_TEXT(pattern)));
	if (rc == NL_OK)
		rc = nl_store_one_int64(s, &out->total);
	if (rc == NL_OK)
		rc = nl_db_query(c, &s, "SELECT " INST_ITEM_COLS LIST_FROM
		                    " ORDER BY o.id DESC LIMIT $5 OFFSET $6",
		                    NL_PARAMS(NL_P_INT(institution_id), NL_P_TEXT(q), NL_P_INT(no),
		                    NL_P_TEXT(pattern), NL_P_INT(limit > 0 ? limit : (int64_t)50),
		                    NL_P_INT(offset > 0 ? offset : (int64_t)0)));
	if (rc == NL_OK)
		rc = read_items(s, out);
	free(pattern);
	if (rc != NL_OK)
		nl_order_list_free(out);
	return rc;
}

nl_err nl_store_order_list_person(nl_conn *c, int64_t person_id, struct nl_order_list *out)
{
	nl_stmt *s;
	memset(out, 0, sizeof *out);
	nl_err rc = nl_db_query(c, &s,
		"SELECT " ITEM_COLS " FROM orders o JOIN persons p ON p.id = o.person_id"
		" WHERE o.person_id = $1 ORDER BY o.id DESC", NL_PARAMS(NL_P_INT(person_id)));
	if (rc != NL_OK)
		return rc;
	rc = read_items(s, out);
	if (rc != NL_OK)
		nl_order_list_free(out);
	else
		out->total = (int64_t)out->n;
	return rc;
}

struct status_args {
	int64_t order_id;
	enum nl_order_status from, to;
	const char *actor, *reason;
};

static NL_MUST_USE nl_err set_status_tx(nl_conn *c, void *ctx)
{
	struct status_args *a = ctx;
	nl_stmt *s;
	int64_t changed = 0, now = nl_store_now();
	bool cancel = a->to == NL_ST_CANCELLED;
	/* WHERE status = from: of two concurrent changes only one matches. */
	nl_err rc = nl_db_query(c, &s,
		"UPDATE orders SET status = $3, updated_at = $4,"
		" cancel_reason = CASE WHEN $5 THEN $6 ELSE cancel_reason END"
		" WHERE id = $1 AND status = $2",
		NL_PARAMS(NL_P_INT(a->order_id), NL_P_TEXT(nl_order_status_code(a->from)),
		NL_P_TEXT(nl_order_status_code(a->to)), NL_P_INT(now), NL_P_BOOL(cancel),
		NL_P_TEXT(a->reason)));
	if (rc == NL_OK)
		rc = nl_store_exec_stmt(s, &changed);
	if (rc != NL_OK)
		return rc;
	if (changed == 0) {
		struct nl_order o;
		rc = nl_store_order_get(c, a->order_id, &o);
		nl_order_clear(&o);
		return rc == NL_OK ? NL_ERR_CONFLICT : rc;
	}
	struct nl_audit_rec rec = {
		.at = now, .actor = a->actor, .entity = "order", .entity_id = a->order_id,
		.action = "status", .from = nl_order_status_code(a->from),
		.to = nl_order_status_code(a->to), .reason = a->reason ? a->reason : "",
	};
	return nl_store_audit_append(c, &rec);
}

nl_err nl_store_order_set_status(nl_conn *c, int64_t order_id, enum nl_order_status expected_from,
                                 enum nl_order_status to, const char *actor, const char *reason)
{
	if (!nl_order_transition_allowed(expected_from, to))
		return NL_ERR_TRANSITION;
	struct status_args a = {order_id, expected_from, to, actor ? actor : "", reason};
	return nl_store_run_tx(nl_db_of(c), set_status_tx, &a);
}

nl_err nl_store_order_upgrade_access_password(nl_conn *c, int64_t order_id, const char *old_hash,
                                              const char *new_hash)
{
	nl_stmt *s;
	nl_err rc = nl_db_query(c, &s,
		"UPDATE orders SET access_password_hash = $3 WHERE id = $1 AND access_password_hash = $2",
		NL_PARAMS(NL_P_INT(order_id), NL_P_TEXT(old_hash), NL_P_TEXT(new_hash)));
	if (rc == NL_OK)
		rc = nl_store_exec_stmt(s, NULL);
	return rc;
}

nl_err nl_store_order_set_access_password(nl_conn *c, int64_t order_id, const char *hash)
{
	nl_stmt *s;
	int64_t changed = 0;
	nl_err rc = nl_db_query(c, &s,
		"UPDATE orders SET access_password_hash = $2, updated_at = $3 WHERE id = $1",
		NL_PARAMS(NL_P_INT(order_id), NL_P_TEXT(hash ? hash : ""),
		NL_P_INT(nl_store_now())));
	if (rc == NL_OK)
		rc = nl_store_exec_stmt(s, &changed);
	return rc == NL_OK && changed == 0 ? NL_ERR_NOT_FOUND : rc;
}
