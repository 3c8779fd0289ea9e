/* Shipping (shipping.h). */
#include "app/shipping.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "app/approve.h"
#include "app/production_notify.h"
#include "core/datetime.h"
#include "core/geo.h"
#include "core/order.h"
#include "store/store_audit.h"
#include "store/store_forms.h"
#include "store/store_orders.h"
#include "store/store_persons.h"

const char *nl_shipping_status_label_tr(const char *code)
{
	if (!code) return "";
	if (!strcmp(code, "accepted")) return "Kargoya Verildi";
	if (!strcmp(code, "in_transit")) return "Yolda";
	if (!strcmp(code, "delivered")) return "Teslim Edildi";
	return "";
}

const char *nl_shipping_status_label_en(const char *code)
{
	if (!code) return "";
	if (!strcmp(code, "accepted")) return "Handed to the courier";
	if (!strcmp(code, "in_transit")) return "In transit";
	if (!strcmp(code, "delivered")) return "Delivered";
	return "";
}

/* ---- handing over ---- */

struct ship_ctx {
	struct nl_app *app;
	int64_t order_id, now;
	const char *actor;
	bool shipped;
};

static NL_MUST_USE nl_err ship_tx(nl_conn *c, void *arg)
{
	struct ship_ctx *x = arg;
	struct nl_order o = {0};
	struct nl_person p = {0};
	struct nl_form f = {0};
	struct nl_shipment s = {0};
	nl_err rc = nl_store_order_get(c, x->order_id, &o);
	if (!rc) rc = nl_store_person_get(c, o.person_id, &p);
	if (!rc) rc = nl_store_form_current(c, o.id, &f);
	if (rc) goto out;
	if (o.status != NL_ST_PRODUCED) goto out;
	char name[256];
	snprintf(name, sizeof name, "%s %s", p.given_name, p.surname);
	const struct nl_province *pv = nl_province_by_plate((int)f.province);
	struct nl_parcel parcel = {
		.order_no = o.order_no, .name = name, .address = f.address, .district = f.district,
		.province = pv ? pv->name : "", .postal_code = f.postal_code,
	};
	s.order_id = o.id;
	s.shipped_at = x->now;
	snprintf(s.courier, sizeof s.courier, "%s", nl_courier_name(x->app->drivers.courier));
	if ((rc = nl_courier_ship(x->app->drivers.courier, &parcel, x->now, s.tracking_no))) goto out;
	if ((rc = nl_store_shipment_insert(c, &s, x->now))) goto out;
	if ((rc = nl_store_order_set_status(c, o.id, NL_ST_PRODUCED, NL_ST_SHIPPED, x->actor,
	                                    s.tracking_no)))
		goto out;
	const struct nl_notify_var vars[] = {
		{"status", nl_order_status_label_tr(NL_ST_SHIPPED)}, {"tracking_no", s.tracking_no},
	};
	rc = nl_production_notify(c, x->app->cfg, o.id, "shipped", "Kartınız Kargoya Verildi", vars,
	                          2, x->now);
	if (!rc) x->shipped = true;
out:
	nl_form_clear(&f);
	nl_person_clear(&p);
	nl_order_clear(&o);
	return rc;
}

nl_err nl_shipping_ship_produced(struct nl_app *app, int64_t now, const char *actor,
                                 size_t *shipped)
{
	nl_conn *c;
	int64_t *ids = NULL;
	size_t n = 0, count = 0;
	nl_err rc = nl_db_conn(app->db, &c);
	if (!rc) rc = nl_store_orders_unshipped(c, 200, &ids, &n);
	nl_err first = NL_OK;
	for (size_t i = 0; !rc && i < n; i++) {
		struct ship_ctx x = {.app = app, .order_id = ids[i], .now = now, .actor = actor};
		nl_err e = nl_store_run_tx(app->db, ship_tx, &x);
		/* CONFLICT: another node shipped it first. Other errors: the rest
		 * are still handed over, the first error is reported. */
		if (e && e != NL_ERR_CONFLICT && !first) first = e;
		if (x.shipped) count++;
	}
	free(ids);
	if (shipped) *shipped = count;
	return rc ? rc : first;
}

/* ---- the courier's reports ---- */

struct step_ctx {
	struct nl_app *app;
	const struct nl_shipment *s;
	const char *to;
	int64_t now;
	const char *actor;
};

static NL_MUST_USE nl_err step_tx(nl_conn *c, void *arg)
{
	struct step_ctx *x = arg;
	nl_err rc = nl_store_shipment_set_status(c, x->s->id, x->s->status, x->to, x->now);
	if (rc) return rc;
	struct nl_audit_rec rec = {
		.at = x->now, .actor = x->actor, .entity = "shipment", .entity_id = x->s->id,
		.action = "status", .from = x->s->status, .to = x->to, .reason = x->s->tracking_no,
	};
	if ((rc = nl_store_audit_append(c, &rec))) return rc;
	if (strcmp(x->to, "delivered")) return NL_OK;
	if ((rc = nl_store_order_set_status(c, x->s->order_id, NL_ST_SHIPPED, NL_ST_DELIVERED,
	                                    x->actor, x->s->tracking_no)))
		return rc;
	const struct nl_notify_var vars[] = {
		{"status", nl_order_status_label_tr(NL_ST_DELIVERED)}, {"tracking_no", x->s->tracking_no},
	};
	return nl_production_notify(c, x->app->cfg, x->s->order_id, "delivered",
	                            "Kartınız Teslim Edildi", vars, 2, x->now);
}

static const char *next_status(const char *from)
{
	if (!strcmp(from, "accepted")) return "in_transit";
	if (!strcmp(from, "in_transit")) return "delivered";
	return NULL;
}

/* Moves s one step at a time up to `target` (the courier may report a jump). */
static NL_MUST_USE nl_err move_to(struct nl_app *app, struct nl_shipment *s, enum nl_parcel_status target,
                      int64_t now, const char *actor, size_t *changed)
{
	enum nl_parcel_status cur;
	if (!nl_parcel_status_parse(s->status, &cur)) return NL_ERR_INTERNAL;
	while (cur < target) {
		const char *to = next_status(s->status);
		struct step_ctx x = {.app = app, .s = s, .to = to, .now = now, .actor = actor};
		nl_err rc = nl_store_run_tx(app->db, step_tx, &x);
		if (rc) return rc;
		snprintf(s->status, sizeof s->status, "%s", to);
		cur++;
		if (changed) (*changed)++;
	}
	return NL_OK;
}

nl_err nl_shipping_poll(struct nl_app *app, int64_t now, const char *actor, size_t *changed)
{
	nl_conn *c;
	struct nl_shipment *open = NULL;
	size_t n = 0, count = 0;
	nl_err first = NL_OK;
	nl_err rc = nl_db_conn(app->db, &c);
	if (!rc) rc = nl_store_shipment_open(c, 500, &open, &n);
	for (size_t i = 0; !rc && i < n; i++) {
		enum nl_parcel_status st;
		if (nl_courier_status(app->drivers.courier, open[i].tracking_no, open[i].shipped_at, now,
		                      &st) != NL_OK)
			continue;
		nl_err e = move_to(app, &open[i], st, now, actor, &count);
		if (e && e != NL_ERR_CONFLICT && !first) first = e;   /* CONFLICT: another node */
	}
	free(open);
	if (changed) *changed = count;
	return rc ? rc : first;
}

nl_err nl_shipping_job(struct nl_app *app, int64_t now)
{
	return nl_shipping_poll(app, now, "worker:shipping", NULL);
}

nl_err nl_shipping_advance(struct nl_app *app, const char *tracking_no, int64_t now,
                           const char *actor)
{
	nl_conn *c;
	struct nl_shipment s;
	nl_err rc = nl_db_conn(app->db, &c);
	if (!rc) rc = nl_store_shipment_by_tracking(c, tracking_no, &s);
	if (rc) return rc;
	enum nl_parcel_status cur;
	if (!nl_parcel_status_parse(s.status, &cur)) return NL_ERR_INTERNAL;
	if (cur == NL_PARCEL_DELIVERED) return NL_ERR_TRANSITION;
	return move_to(app, &s, (enum nl_parcel_status)(cur + 1), now, actor, NULL);
}

/* ---- look-ups ---- */

static bool parse_order_no(const char *q, int64_t *no)
{
	if (!strncasecmp(q, NL_ORDER_NO_PREFIX, strlen(NL_ORDER_NO_PREFIX)))
		q += strlen(NL_ORDER_NO_PREFIX);
	if (!*q || strlen(q) > 15) return false;
	*no = 0;
	for (; *q; q++) {
		if (!isdigit((unsigned char)*q)) return false;
		*no = *no * 10 + (*q - '0');
	}
	return true;
}

nl_err nl_shipping_lookup(struct nl_app *app, const char *q, struct nl_shipment *s,
                          struct nl_shipment_event **events, size_t *n_events)
{
	nl_conn *c;
	*events = NULL;
	*n_events = 0;
	char t[40];
	size_t k = 0;
	for (; q && *q && k < sizeof t - 1; q++)   /* as typed: spaces and case forgiven */
		if (!isspace((unsigned char)*q)) t[k++] = (char)toupper((unsigned char)*q);
	t[k] = '\0';
	nl_err rc = nl_db_conn(app->db, &c);
	if (rc) return rc;
	int64_t no;
	if (nl_courier_tracking_valid(t)) {
		rc = nl_store_shipment_by_tracking(c, t, s);
	} else if (parse_order_no(t, &no)) {
		struct nl_order o = {0};
		rc = nl_store_order_get_by_no(c, no, &o);
		if (!rc) rc = nl_store_shipment_by_order(c, o.id, s);
		nl_order_clear(&o);
	} else {
		return NL_ERR_NOT_FOUND;
	}
	if (rc) return rc;
	return nl_store_shipment_events(c, s->id, events, n_events);
}

nl_err nl_shipping_list_person(struct nl_app *app, int64_t person_id, struct nl_shipment **out,
                               size_t *n)
{
	nl_conn *c;
	nl_err rc = nl_db_conn(app->db, &c);
	return rc ? rc : nl_store_shipment_list_person(c, person_id, out, n);
}
