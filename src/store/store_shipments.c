/* Shipments and their events (store_production.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store_production.h"
#include "store/store_util.h"

#define SHIP_COLS "s.id, s.order_id, o.order_no, s.tracking_no, s.courier, s.status," \
                  " s.shipped_at, s.updated_at"
/* Its columns, in order. */
enum { SH_ID, SH_ORDER_ID, SH_ORDER_NO, SH_TRACKING_NO, SH_COURIER, SH_STATUS, SH_SHIPPED_AT,
	SH_UPDATED_AT };
#define SHIP_FROM " FROM shipments s JOIN orders o ON o.id = s.order_id"

nl_err nl_store_orders_unshipped(nl_conn *c, int limit, int64_t **ids, size_t *n)
{
	nl_stmt *s;
	nl_err rc = nl_db_query(c, &s,
		"SELECT o.id FROM orders o WHERE o.status = 'produced' AND NOT EXISTS"
		" (SELECT 1 FROM shipments s WHERE s.order_id = o.id) ORDER BY o.id LIMIT $1",
		NL_PARAMS(NL_P_INT(limit)));
	return rc ? rc : nl_store_rows(s, sizeof **ids, nl_store_read_int64, NULL, (void **)ids, n);
}

static NL_MUST_USE nl_err add_event(nl_conn *c, int64_t id, const char *status, int64_t now)
{
	nl_stmt *s;
	nl_err rc = nl_db_query(c, &s,
		"INSERT INTO shipment_events (shipment_id, status, at) VALUES ($1, $2, $3)",
		NL_PARAMS(NL_P_INT(id), NL_P_TEXT(status), NL_P_INT(now)));
	if (rc) return rc;
	return nl_store_exec_stmt(s, NULL);
}

nl_err nl_store_shipment_insert(nl_conn *c, struct nl_shipment *sh, int64_t now)
{
	nl_stmt *s;
	nl_err rc = nl_db_query(c, &s,
		"INSERT INTO shipments (order_id, tracking_no, courier, status, shipped_at, updated_at)"
		" VALUES ($1, $2, $3, 'accepted', $4, $5) RETURNING id",
		NL_PARAMS(NL_P_INT(sh->order_id), NL_P_TEXT(sh->tracking_no),
		NL_P_TEXT(sh->courier), NL_P_INT(sh->shipped_at), NL_P_INT(now)));
	if (rc) return rc;
	if ((rc = nl_store_step_row(s)) == NL_OK) sh->id = nl_db_col_int64(s, 0);
	nl_db_finalize(s);
	if (rc) return rc;
	memcpy(sh->status, "accepted", 9);
	sh->updated_at = now;
	return add_event(c, sh->id, "accepted", sh->shipped_at);
}

nl_err nl_store_shipment_set_status(nl_conn *c, int64_t id, const char *from, const char *to,
                                    int64_t now)
{
	nl_stmt *s;
	int64_t changes = 0;
	nl_err rc = nl_db_query(c, &s,
		"UPDATE shipments SET status = $1, updated_at = $2 WHERE id = $3 AND status = $4",
		NL_PARAMS(NL_P_TEXT(to), NL_P_INT(now), NL_P_INT(id), NL_P_TEXT(from)));
	if (rc) return rc;
	if ((rc = nl_store_exec_stmt(s, &changes))) return rc;
	if (changes != 1) return NL_ERR_CONFLICT;
	return add_event(c, id, to, now);
}

static NL_MUST_USE nl_err read_ship(nl_stmt *s, void *row)
{
	struct nl_shipment *o = row;
	memset(o, 0, sizeof *o);
	o->id = nl_db_col_int64(s, SH_ID);
	o->order_id = nl_db_col_int64(s, SH_ORDER_ID);
	o->order_no = nl_db_col_int64(s, SH_ORDER_NO);
	nl_store_col_copy(s, SH_TRACKING_NO, o->tracking_no, sizeof o->tracking_no);
	nl_store_col_copy(s, SH_COURIER, o->courier, sizeof o->courier);
	nl_store_col_copy(s, SH_STATUS, o->status, sizeof o->status);
	o->shipped_at = nl_db_col_int64(s, SH_SHIPPED_AT);
	o->updated_at = nl_db_col_int64(s, SH_UPDATED_AT);
	return NL_OK;
}

static NL_MUST_USE nl_err ship_one(nl_stmt *s, struct nl_shipment *out)
{
	nl_err rc = nl_store_step_row(s);
	if (rc == NL_OK) rc = read_ship(s, out);
	nl_db_finalize(s);
	return rc;
}

static NL_MUST_USE nl_err ship_rows(nl_stmt *s, struct nl_shipment **out, size_t *n)
{
	return nl_store_rows(s, sizeof **out, read_ship, NULL, (void **)out, n);
}

nl_err nl_store_shipment_by_tracking(nl_conn *c, const char *tracking_no, struct nl_shipment *out)
{
	nl_stmt *s;
	nl_err rc = nl_db_query(c, &s, "SELECT " SHIP_COLS SHIP_FROM " WHERE s.tracking_no = $1",
	                        NL_PARAMS(NL_P_TEXT(tracking_no)));
	return rc ? rc : ship_one(s, out);
}

nl_err nl_store_shipment_by_order(nl_conn *c, int64_t order_id, struct nl_shipment *out)
{
	nl_stmt *s;
	nl_err rc = nl_db_query(c, &s, "SELECT " SHIP_COLS SHIP_FROM " WHERE s.order_id = $1",
	                        NL_PARAMS(NL_P_INT(order_id)));
	return rc ? rc : ship_one(s, out);
}

/* The columns of nl_store_shipment_events's query, in order. */
enum { EV_STATUS, EV_AT };

static NL_MUST_USE nl_err read_event(nl_stmt *s, void *row)
{
	struct nl_shipment_event *e = row;
	nl_store_col_copy(s, EV_STATUS, e->status, sizeof e->status);
	e->at = nl_db_col_int64(s, EV_AT);
	return NL_OK;
}

nl_err nl_store_shipment_events(nl_conn *c, int64_t shipment_id, struct nl_shipment_event **out,
                                size_t *n)
{
	nl_stmt *s;
	*out = NULL;
	*n = 0;
	nl_err rc = nl_db_query(c, &s, "SELECT status, at FROM shipment_events"
	                           " WHERE shipment_id = $1 ORDER BY at, id",
	                           NL_PARAMS(NL_P_INT(shipment_id)));
	return rc ? rc : nl_store_rows(s, sizeof **out, read_event, NULL, (void **)out, n);
}

nl_err nl_store_shipment_open(nl_conn *c, int limit, struct nl_shipment **out, size_t *n)
{
	nl_stmt *s;
	nl_err rc = nl_db_query(c, &s, "SELECT " SHIP_COLS SHIP_FROM
		" WHERE s.status <> 'delivered' ORDER BY s.shipped_at, s.id LIMIT $1",
		NL_PARAMS(NL_P_INT(limit)));
	return rc ? rc : ship_rows(s, out, n);
}

nl_err nl_store_shipment_list_person(nl_conn *c, int64_t person_id, struct nl_shipment **out,
                                     size_t *n)
{
	nl_stmt *s;
	nl_err rc = nl_db_query(c, &s, "SELECT " SHIP_COLS SHIP_FROM
		" WHERE o.person_id = $1 ORDER BY s.shipped_at DESC, s.id DESC",
		NL_PARAMS(NL_P_INT(person_id)));
	return rc ? rc : ship_rows(s, out, n);
}
