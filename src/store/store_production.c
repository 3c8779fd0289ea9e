/* Production, PIN letters, shipments and expiry notices (store_production.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store_production.h"
#include "store/store_util.h"

#define PROD_COLS "p.id, p.order_id, o.order_no, p.state, p.due_at, p.renew_serial, p.attempts," \
                  " p.claimed_by, p.lease_until, p.card_label, p.cert_serial, p.backup_serial," \
                  " p.revoked_count, p.last_error, p.created_at, p.updated_at"
#define PROD_FROM " FROM productions p JOIN orders o ON o.id = p.order_id"

#define SHIP_COLS "s.id, s.order_id, o.order_no, s.tracking_no, s.courier, s.status," \
                  " s.shipped_at, s.updated_at"
#define SHIP_FROM " FROM shipments s JOIN orders o ON o.id = s.order_id"

/* Grows a malloc'd array by one element of size sz; NULL on OOM. */
static void *grow(void **arr, size_t *n, size_t *cap, size_t sz)
{
	if (*n == *cap) {
		size_t nc = *cap ? *cap * 2 : 16;
		void *a = realloc(*arr, nc * sz);
		if (!a) return NULL;
		*arr = a;
		*cap = nc;
	}
	char *slot = (char *)*arr + (*n)++ * sz;
	memset(slot, 0, sz);
	return slot;
}

static void read_prod(nl_stmt *s, struct nl_production *p)
{
	memset(p, 0, sizeof *p);
	p->id = nl_db_col_int64(s, 0);
	p->order_id = nl_db_col_int64(s, 1);
	p->order_no = nl_db_col_int64(s, 2);
	nl_store_col_copy(s, 3, p->state, sizeof p->state);
	p->due_at = nl_db_col_int64(s, 4);
	nl_store_col_copy(s, 5, p->renew_serial, sizeof p->renew_serial);
	p->attempts = nl_db_col_int64(s, 6);
	nl_store_col_copy(s, 7, p->claimed_by, sizeof p->claimed_by);
	p->lease_until = nl_db_col_int64(s, 8);
	nl_store_col_copy(s, 9, p->card_label, sizeof p->card_label);
	nl_store_col_copy(s, 10, p->cert_serial, sizeof p->cert_serial);
	nl_store_col_copy(s, 11, p->backup_serial, sizeof p->backup_serial);
	p->revoked_count = nl_db_col_int64(s, 12);
	nl_store_col_copy(s, 13, p->last_error, sizeof p->last_error);
	p->created_at = nl_db_col_int64(s, 14);
	p->updated_at = nl_db_col_int64(s, 15);
}

static nl_err prod_rows(nl_stmt *s, struct nl_production **out, size_t *n)
{
	size_t cap = 0;
	*out = NULL;
	*n = 0;
	int r;
	while ((r = nl_db_step(s)) == NL_DB_ROW) {
		struct nl_production *p = grow((void **)out, n, &cap, sizeof **out);
		if (!p) { r = NL_ERR_NOMEM; break; }
		read_prod(s, p);
	}
	nl_db_finalize(s);
	if (r != NL_DB_DONE) {
		free(*out);
		*out = NULL;
		*n = 0;
		return (nl_err)r;
	}
	return NL_OK;
}

static nl_err id_rows(nl_stmt *s, int64_t **ids, size_t *n);

nl_err nl_store_production_unscheduled(nl_conn *c, int limit, int64_t **ids, size_t *n)
{
	nl_stmt *s;
	nl_err rc = nl_store_query(c, &s,
		"SELECT o.id FROM orders o WHERE o.status = 'production_wait' AND NOT EXISTS"
		" (SELECT 1 FROM productions p WHERE p.order_id = o.id) ORDER BY o.id LIMIT $1",
		"i", (int64_t)limit);
	return rc ? rc : id_rows(s, ids, n);
}

nl_err nl_store_orders_unshipped(nl_conn *c, int limit, int64_t **ids, size_t *n)
{
	nl_stmt *s;
	nl_err rc = nl_store_query(c, &s,
		"SELECT o.id FROM orders o WHERE o.status = 'produced' AND NOT EXISTS"
		" (SELECT 1 FROM shipments s WHERE s.order_id = o.id) ORDER BY o.id LIMIT $1",
		"i", (int64_t)limit);
	return rc ? rc : id_rows(s, ids, n);
}

static nl_err id_rows(nl_stmt *s, int64_t **ids, size_t *n)
{
	size_t cap = 0;
	*ids = NULL;
	*n = 0;
	int r;
	while ((r = nl_db_step(s)) == NL_DB_ROW) {
		int64_t *v = grow((void **)ids, n, &cap, sizeof **ids);
		if (!v) { r = NL_ERR_NOMEM; break; }
		*v = nl_db_col_int64(s, 0);
	}
	nl_db_finalize(s);
	if (r != NL_DB_DONE) {
		free(*ids);
		*ids = NULL;
		*n = 0;
		return (nl_err)r;
	}
	return NL_OK;
}

nl_err nl_store_production_insert(nl_conn *c, struct nl_production *p, int64_t now)
{
	nl_stmt *s;
	nl_err rc = nl_store_query(c, &s,
		"INSERT INTO productions (order_id, state, due_at, renew_serial, last_error, created_at,"
		" updated_at) VALUES ($1, $2, $3, $4, $5, $6, $6) ON CONFLICT (order_id) DO NOTHING"
		" RETURNING id",
		"ititti", p->order_id, p->state, p->due_at, p->renew_serial, p->last_error, now);
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
	nl_err rc = nl_store_query(c, &s, "SELECT " PROD_COLS PROD_FROM " WHERE p.order_id = $1",
	                           "i", order_id);
	if (rc) return rc;
	if ((rc = nl_store_step_row(s)) == NL_OK) read_prod(s, out);
	nl_db_finalize(s);
	return rc;
}

nl_err nl_store_production_due(nl_conn *c, int64_t now, int limit, struct nl_production **out,
                               size_t *n)
{
	nl_stmt *s;
	nl_err rc = nl_store_query(c, &s, "SELECT " PROD_COLS PROD_FROM
		" WHERE (p.state = 'scheduled' AND p.due_at <= $1)"
		" OR (p.state = 'running' AND p.lease_until < $1) ORDER BY p.due_at, p.id LIMIT $2",
		"ii", now, (int64_t)limit);
	if (rc) return rc;
	return prod_rows(s, out, n);
}

nl_err nl_store_production_claim(nl_conn *c, struct nl_production *p, const char *node,
                                 int64_t now, int64_t lease_s)
{
	nl_stmt *s;
	int64_t changes = 0;
	nl_err rc = nl_store_query(c, &s,
		"UPDATE productions SET state = 'running', attempts = attempts + 1, claimed_by = $1,"
		" lease_until = $2, updated_at = $3 WHERE id = $4 AND state = $5 AND attempts = $6"
		" AND lease_until = $7",
		"tiiitii", node, now + lease_s, now, p->id, p->state, p->attempts, p->lease_until);
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
	nl_err rc = nl_store_query(c, &s,
		"UPDATE productions SET state = $1, due_at = $2, card_label = $3, cert_serial = $4,"
		" backup_serial = $5, revoked_count = $6, last_error = $7, updated_at = $8,"
		" lease_until = CASE WHEN $1 = 'running' THEN lease_until ELSE 0 END"
		" WHERE id = $9 AND state = 'running' AND claimed_by = $10",
		"titttitiit", p->state, p->due_at, p->card_label, p->cert_serial, p->backup_serial,
		p->revoked_count, p->last_error, now, p->id, p->claimed_by);
	if (rc) return rc;
	if ((rc = nl_store_exec_stmt(s, &changes))) return rc;
	return changes == 1 ? NL_OK : NL_ERR_CONFLICT;
}

nl_err nl_store_production_reschedule(nl_conn *c, int64_t order_id, int64_t now)
{
	nl_stmt *s;
	int64_t changes = 0;
	nl_err rc = nl_store_query(c, &s,
		"UPDATE productions SET state = 'scheduled', attempts = 0, lease_until = 0,"
		" claimed_by = '', due_at = $1, updated_at = $1"
		" WHERE order_id = $2 AND state IN ('failed', 'refused')",
		"ii", now, order_id);
	if (rc) return rc;
	if ((rc = nl_store_exec_stmt(s, &changes))) return rc;
	return changes == 1 ? NL_OK : NL_ERR_CONFLICT;
}

nl_err nl_store_production_list(nl_conn *c, int limit, struct nl_production **out, size_t *n)
{
	nl_stmt *s;
	nl_err rc = nl_store_query(c, &s, "SELECT " PROD_COLS PROD_FROM
		" ORDER BY p.updated_at DESC, p.id DESC LIMIT $1", "i", (int64_t)limit);
	if (rc) return rc;
	return prod_rows(s, out, n);
}

/* ---- certificates ---- */

nl_err nl_store_cert_newest_active(nl_conn *c, const char *id_number, int64_t now,
                                   char serial[64], int64_t *not_after)
{
	nl_stmt *s;
	nl_err rc = nl_store_query(c, &s,
		"SELECT serial, not_after FROM certificates WHERE kind = 'person' AND id_number = $1"
		" AND status = 'good' AND not_after > $2 AND not_before <= $2"
		" ORDER BY not_after DESC, id DESC LIMIT 1",
		"ti", id_number, now);
	if (rc) return rc;
	if ((rc = nl_store_step_row(s)) == NL_OK) {
		nl_store_col_copy(s, 0, serial, 64);
		*not_after = nl_db_col_int64(s, 1);
	}
	nl_db_finalize(s);
	return rc;
}

nl_err nl_store_cert_same_institution(nl_conn *c, const char *id_number, int64_t institution_id,
                                      char (**serials)[64], size_t *n)
{
	nl_stmt *s;
	size_t cap = 0;
	*serials = NULL;
	*n = 0;
	nl_err rc = nl_store_query(c, &s,
		"SELECT serial FROM certificates WHERE kind = 'person' AND id_number = $1"
		" AND institution_id = $2 AND status IN ('good', 'hold') ORDER BY id",
		"ti", id_number, institution_id);
	if (rc) return rc;
	int r;
	while ((r = nl_db_step(s)) == NL_DB_ROW) {
		char (*v)[64] = grow((void **)serials, n, &cap, sizeof **serials);
		if (!v) { r = NL_ERR_NOMEM; break; }
		nl_store_col_copy(s, 0, *v, sizeof *v);
	}
	nl_db_finalize(s);
	if (r != NL_DB_DONE) {
		free(*serials);
		*serials = NULL;
		*n = 0;
		return (nl_err)r;
	}
	return NL_OK;
}

nl_err nl_store_cert_expiring(nl_conn *c, int64_t now, int64_t until, int limit,
                              struct nl_expiring **out, size_t *n)
{
	nl_stmt *s;
	size_t cap = 0;
	*out = NULL;
	*n = 0;
	nl_err rc = nl_store_query(c, &s,
		"SELECT c.serial, c.order_id, c.not_after FROM certificates c WHERE c.kind = 'person'"
		" AND c.status = 'good' AND c.order_id IS NOT NULL AND c.not_after > $1"
		" AND c.not_after <= $2 AND NOT EXISTS (SELECT 1 FROM expiry_notices e"
		" WHERE e.cert_serial = c.serial) ORDER BY c.not_after LIMIT $3",
		"iii", now, until, (int64_t)limit);
	if (rc) return rc;
	int r;
	while ((r = nl_db_step(s)) == NL_DB_ROW) {
		struct nl_expiring *e = grow((void **)out, n, &cap, sizeof **out);
		if (!e) { r = NL_ERR_NOMEM; break; }
		nl_store_col_copy(s, 0, e->serial, sizeof e->serial);
		e->order_id = nl_db_col_int64(s, 1);
		e->not_after = nl_db_col_int64(s, 2);
	}
	nl_db_finalize(s);
	if (r != NL_DB_DONE) {
		free(*out);
		*out = NULL;
		*n = 0;
		return (nl_err)r;
	}
	return NL_OK;
}

nl_err nl_store_expiry_notice_insert(nl_conn *c, const char *serial, int64_t now)
{
	nl_stmt *s;
	nl_err rc = nl_store_query(c, &s, "INSERT INTO expiry_notices (cert_serial, sent_at)"
	                           " VALUES ($1, $2)", "ti", serial, now);
	if (rc) return rc;
	return nl_store_exec_stmt(s, NULL);
}

/* ---- PIN letters ---- */

nl_err nl_store_pin_letter_put(nl_conn *c, int64_t order_id, const void *pdf, size_t len,
                               int64_t now)
{
	nl_stmt *s;
	nl_err rc = nl_store_query(c, &s,
		"INSERT INTO pin_letters (order_id, pdf, created_at) VALUES ($1, $2, $3)",
		"ixi", order_id, pdf, len, now);
	if (rc) return rc;
	return nl_store_exec_stmt(s, NULL);
}

nl_err nl_store_pin_letter_take(nl_conn *c, int64_t order_id, const char *actor, int64_t now,
                                nl_buf *pdf)
{
	nl_stmt *s;
	nl_err rc = nl_store_query(c, &s,
		"SELECT pdf FROM pin_letters WHERE order_id = $1 AND printed_at = 0 AND pdf IS NOT NULL",
		"i", order_id);
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
	if ((rc = nl_store_query(c, &s,
		"UPDATE pin_letters SET pdf = NULL, printed_at = $1, printed_by = $2"
		" WHERE order_id = $3 AND printed_at = 0", "iti", now, actor, order_id)))
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
	nl_err rc = nl_store_query(c, &s,
		"SELECT 1 FROM pin_letters WHERE order_id = $1 AND printed_at = 0", "i", order_id);
	if (rc) return rc;
	rc = nl_store_step_row(s);
	nl_db_finalize(s);
	*waiting = rc == NL_OK;
	return rc == NL_ERR_NOT_FOUND ? NL_OK : rc;
}

/* ---- shipments ---- */

static nl_err add_event(nl_conn *c, int64_t id, const char *status, int64_t now)
{
	nl_stmt *s;
	nl_err rc = nl_store_query(c, &s,
		"INSERT INTO shipment_events (shipment_id, status, at) VALUES ($1, $2, $3)",
		"iti", id, status, now);
	if (rc) return rc;
	return nl_store_exec_stmt(s, NULL);
}

nl_err nl_store_shipment_insert(nl_conn *c, struct nl_shipment *sh, int64_t now)
{
	nl_stmt *s;
	nl_err rc = nl_store_query(c, &s,
		"INSERT INTO shipments (order_id, tracking_no, courier, status, shipped_at, updated_at)"
		" VALUES ($1, $2, $3, 'accepted', $4, $5) RETURNING id",
		"ittii", sh->order_id, sh->tracking_no, sh->courier, sh->shipped_at, now);
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
	nl_err rc = nl_store_query(c, &s,
		"UPDATE shipments SET status = $1, updated_at = $2 WHERE id = $3 AND status = $4",
		"tiit", to, now, id, from);
	if (rc) return rc;
	if ((rc = nl_store_exec_stmt(s, &changes))) return rc;
	if (changes != 1) return NL_ERR_CONFLICT;
	return add_event(c, id, to, now);
}

static void read_ship(nl_stmt *s, struct nl_shipment *o)
{
	memset(o, 0, sizeof *o);
	o->id = nl_db_col_int64(s, 0);
	o->order_id = nl_db_col_int64(s, 1);
	o->order_no = nl_db_col_int64(s, 2);
	nl_store_col_copy(s, 3, o->tracking_no, sizeof o->tracking_no);
	nl_store_col_copy(s, 4, o->courier, sizeof o->courier);
	nl_store_col_copy(s, 5, o->status, sizeof o->status);
	o->shipped_at = nl_db_col_int64(s, 6);
	o->updated_at = nl_db_col_int64(s, 7);
}

static nl_err ship_one(nl_stmt *s, struct nl_shipment *out)
{
	nl_err rc = nl_store_step_row(s);
	if (rc == NL_OK) read_ship(s, out);
	nl_db_finalize(s);
	return rc;
}

static nl_err ship_rows(nl_stmt *s, struct nl_shipment **out, size_t *n)
{
	size_t cap = 0;
	*out = NULL;
	*n = 0;
	int r;
	while ((r = nl_db_step(s)) == NL_DB_ROW) {
		struct nl_shipment *o = grow((void **)out, n, &cap, sizeof **out);
		if (!o) { r = NL_ERR_NOMEM; break; }
		read_ship(s, o);
	}
	nl_db_finalize(s);
	if (r != NL_DB_DONE) {
		free(*out);
		*out = NULL;
		*n = 0;
		return (nl_err)r;
	}
	return NL_OK;
}

nl_err nl_store_shipment_by_tracking(nl_conn *c, const char *tracking_no, struct nl_shipment *out)
{
	nl_stmt *s;
	nl_err rc = nl_store_query(c, &s, "SELECT " SHIP_COLS SHIP_FROM " WHERE s.tracking_no = $1",
	                           "t", tracking_no);
	return rc ? rc : ship_one(s, out);
}

nl_err nl_store_shipment_by_order(nl_conn *c, int64_t order_id, struct nl_shipment *out)
{
	nl_stmt *s;
	nl_err rc = nl_store_query(c, &s, "SELECT " SHIP_COLS SHIP_FROM " WHERE s.order_id = $1",
	                           "i", order_id);
	return rc ? rc : ship_one(s, out);
}

nl_err nl_store_shipment_events(nl_conn *c, int64_t shipment_id, struct nl_shipment_event **out,
                                size_t *n)
{
	nl_stmt *s;
	size_t cap = 0;
	*out = NULL;
	*n = 0;
	nl_err rc = nl_store_query(c, &s, "SELECT status, at FROM shipment_events"
	                           " WHERE shipment_id = $1 ORDER BY at, id", "i", shipment_id);
	if (rc) return rc;
	int r;
	while ((r = nl_db_step(s)) == NL_DB_ROW) {
		struct nl_shipment_event *e = grow((void **)out, n, &cap, sizeof **out);
		if (!e) { r = NL_ERR_NOMEM; break; }
		nl_store_col_copy(s, 0, e->status, sizeof e->status);
		e->at = nl_db_col_int64(s, 1);
	}
	nl_db_finalize(s);
	if (r != NL_DB_DONE) {
		free(*out);
		*out = NULL;
		*n = 0;
		return (nl_err)r;
	}
	return NL_OK;
}

nl_err nl_store_shipment_open(nl_conn *c, int limit, struct nl_shipment **out, size_t *n)
{
	nl_stmt *s;
	nl_err rc = nl_store_query(c, &s, "SELECT " SHIP_COLS SHIP_FROM
		" WHERE s.status <> 'delivered' ORDER BY s.shipped_at, s.id LIMIT $1", "i", (int64_t)limit);
	return rc ? rc : ship_rows(s, out, n);
}

nl_err nl_store_shipment_list_person(nl_conn *c, int64_t person_id, struct nl_shipment **out,
                                     size_t *n)
{
	nl_stmt *s;
	nl_err rc = nl_store_query(c, &s, "SELECT " SHIP_COLS SHIP_FROM
		" WHERE o.person_id = $1 ORDER BY s.shipped_at DESC, s.id DESC", "i", person_id);
	return rc ? rc : ship_rows(s, out, n);
}
