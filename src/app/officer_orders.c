/* The officer's view of orders (see officer_orders.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/officer_orders.h"
#include "core/datetime.h"
#include "store/store_order_contacts.h"
#include "store/store_orders.h"
#include "store/store_persons.h"

void nl_officer_order_list_free(struct nl_officer_order_list *l)
{
	if (!l)
		return;
	free(l->items);
	memset(l, 0, sizeof *l);
}

static void from_order(const struct nl_order *o, struct nl_officer_order *v)
{
	v->order_no = o->order_no;
	v->created_at = o->created_at;
	v->updated_at = o->updated_at;
	nl_date_format_tr(o->created_at, v->created_date);
	nl_time_format_tr(o->created_at, v->created_time);
	v->status = o->status;
	v->reason = o->reason;
	v->payment_type = o->payment_type;
	v->backup_cert = o->backup_cert;
	snprintf(v->cancel_reason, sizeof v->cancel_reason, "%s",
	         o->cancel_reason ? o->cancel_reason : "");
}

nl_err nl_officer_orders(const struct nl_app *app, int64_t institution_id, const char *q, int64_t limit,
                         int64_t offset, struct nl_officer_order_list *out)
{
	nl_db *db = app->db;
	nl_conn *c;
	struct nl_order_list l = {0};
	memset(out, 0, sizeof *out);
	nl_err e = nl_db_conn(db, &c);
	if (e == NL_OK)
		e = nl_store_order_list_institution(c, institution_id, q, limit, offset, &l);
	if (e == NL_OK && l.n && !(out->items = calloc(l.n, sizeof *out->items)))
		e = NL_ERR_NOMEM;
	for (size_t i = 0; e == NL_OK && i < l.n; i++) {
		struct nl_officer_order *v = &out->items[i];
		from_order(&l.items[i].order, v);
		v->passport = l.items[i].id_kind == NL_ID_PASSPORT;
		snprintf(v->id_number, sizeof v->id_number, "%s", l.items[i].id_number);
		snprintf(v->given_name, sizeof v->given_name, "%s", l.items[i].given_name);
		snprintf(v->surname, sizeof v->surname, "%s", l.items[i].surname);
	}
	if (e == NL_OK) {
		out->n = l.n;
		out->total = l.total;
	} else {
		nl_officer_order_list_free(out);
	}
	nl_order_list_free(&l);
	return e;
}

nl_err nl_officer_order(const struct nl_app *app, int64_t institution_id, int64_t order_no,
                        struct nl_officer_order *out)
{
	nl_db *db = app->db;
	nl_conn *c;
	struct nl_order o = {0};
	struct nl_person p = {0};
	memset(out, 0, sizeof *out);
	nl_err e = nl_db_conn(db, &c);
	if (e == NL_OK)
		e = nl_store_order_get_by_no(c, order_no, &o);
	/* Another institution's order does not exist for this officer. */
	if (e == NL_OK && (institution_id <= 0 || o.institution_id != institution_id))
		e = NL_ERR_NOT_FOUND;
	if (e == NL_OK)
		e = nl_store_person_get(c, o.person_id, &p);
	if (e == NL_OK) {
		from_order(&o, out);
		out->passport = p.id_kind == NL_ID_PASSPORT;
		snprintf(out->id_number, sizeof out->id_number, "%s", p.id_number);
		snprintf(out->passport_country, sizeof out->passport_country, "%s",
		         p.passport_country ? p.passport_country : "");
		/* What the institution's pre-application typed, never the person's
		 * stored data (docs/applicant.md, "Doors and entitlement"). Only an
		 * order made without a pre-application (seed data) has none. */
		struct nl_order_contact oc;
		e = nl_store_order_contact_get(c, o.id, &oc);
		if (e == NL_ERR_NOT_FOUND) {
			snprintf(oc.given_name, sizeof oc.given_name, "%s", p.given_name);
			snprintf(oc.surname, sizeof oc.surname, "%s", p.surname);
			snprintf(oc.email, sizeof oc.email, "%s", p.email);
			snprintf(oc.mobile, sizeof oc.mobile, "%s", p.mobile);
			e = NL_OK;
		}
		snprintf(out->given_name, sizeof out->given_name, "%s", oc.given_name);
		snprintf(out->surname, sizeof out->surname, "%s", oc.surname);
		snprintf(out->email, sizeof out->email, "%s", oc.email);
		snprintf(out->mobile, sizeof out->mobile, "%s", oc.mobile);
	}
	nl_order_clear(&o);
	nl_person_clear(&p);
	return e;
}
