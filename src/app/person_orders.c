/* The applicant's view of his orders (person_orders.h). */
#include "app/person_orders.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/cancel.h"
#include "core/datetime.h"
#include "store/store_forms.h"
#include "store/store_order_contacts.h"
#include "store/store_orders.h"
#include "store/store_persons.h"

static bool form_awaited(enum nl_order_status s)
{
	return s == NL_ST_FORM_WAIT || s == NL_ST_FORM_PAYMENT_WAIT;
}

static NL_MUST_USE nl_err fill(nl_conn *c, const struct nl_order *o, struct nl_person_order *out)
{
	memset(out, 0, sizeof *out);
	out->order_no = o->order_no;
	out->created_at = o->created_at;
	nl_date_format_tr(o->created_at, out->created_date);
	out->status = o->status;
	out->reason = o->reason;
	out->payment_type = o->payment_type;
	out->backup_cert = o->backup_cert;
	out->cancellable = nl_cancel_allowed(o->status);
	snprintf(out->cancel_reason, sizeof out->cancel_reason, "%s",
	         o->cancel_reason ? o->cancel_reason : "");
	out->action = NL_ACTION_DETAILS;
	if (form_awaited(o->status)) {
		int64_t versions = 0;
		nl_err rc = nl_store_form_count(c, o->id, &versions);
		if (rc)
			return rc;
		out->action = versions > 0 ? NL_ACTION_UPDATE : NL_ACTION_COMPLETE;
	}
	return NL_OK;
}

nl_err nl_person_orders(const struct nl_app *app, int64_t person_id, struct nl_person_order **out, size_t *n)
{
	nl_db *db = app->db;
	*out = NULL;
	*n = 0;
	nl_conn *c;
	struct nl_order_list l = {0};
	nl_err rc = nl_db_conn(db, &c);
	if (rc == NL_OK)
		rc = nl_store_order_list_person(c, person_id, &l);
	if (rc)
		return rc;
	struct nl_person_order *rows = l.n ? calloc(l.n, sizeof *rows) : NULL;
	if (l.n && !rows)
		rc = NL_ERR_NOMEM;
	for (size_t i = 0; rc == NL_OK && i < l.n; i++)
		rc = fill(c, &l.items[i].order, &rows[i]);
	if (rc == NL_OK) {
		*out = rows;
		*n = l.n;
	} else {
		free(rows);
	}
	nl_order_list_free(&l);
	return rc;
}

nl_err nl_person_order(const struct nl_app *app, int64_t person_id, int64_t order_no,
                       struct nl_person_order *out)
{
	nl_db *db = app->db;
	memset(out, 0, sizeof *out);
	nl_conn *c;
	struct nl_order o;
	memset(&o, 0, sizeof o);
	nl_err rc = nl_db_conn(db, &c);
	if (rc == NL_OK)
		rc = nl_store_order_get_by_no(c, order_no, &o);
	/* Another person's order does not exist for this one. */
	if (rc == NL_OK && o.person_id != person_id)
		rc = NL_ERR_NOT_FOUND;
	if (rc == NL_OK)
		rc = fill(c, &o, out);
	nl_order_clear(&o);
	return rc;
}

nl_err nl_person_display_name(const struct nl_app *app, int64_t person_id, char *out, size_t size)
{
	nl_db *db = app->db;
	if (size)
		out[0] = '\0';
	nl_conn *c;
	struct nl_person p;
	memset(&p, 0, sizeof p);
	nl_err rc = nl_db_conn(db, &c);
	if (rc == NL_OK)
		rc = nl_store_person_get(c, person_id, &p);
	if (rc == NL_OK)
		snprintf(out, size, "%s %s", p.given_name ? p.given_name : "",
		         p.surname ? p.surname : "");
	nl_person_clear(&p);
	return rc;
}

nl_err nl_person_order_display_name(const struct nl_app *app, int64_t person_id, int64_t order_no,
                                    char *out, size_t size)
{
	nl_db *db = app->db;
	if (size)
		out[0] = '\0';
	nl_conn *c;
	struct nl_order o;
	struct nl_order_contact oc;
	memset(&o, 0, sizeof o);
	nl_err rc = nl_db_conn(db, &c);
	if (rc == NL_OK)
		rc = nl_store_order_get_by_no(c, order_no, &o);
	if (rc == NL_OK && o.person_id == person_id &&
	    nl_store_order_contact_get(c, o.id, &oc) == NL_OK)
		snprintf(out, size, "%s %s", oc.given_name, oc.surname);
	nl_order_clear(&o);
	return rc == NL_ERR_NOT_FOUND ? NL_OK : rc;
}

nl_err nl_person_single_institution(const struct nl_app *app, int64_t person_id, int64_t order_no,
                                    bool *single)
{
	nl_db *db = app->db;
	*single = false;
	nl_conn *c;
	struct nl_order_list l = {0};
	nl_err rc = nl_db_conn(db, &c);
	if (rc == NL_OK)
		rc = nl_store_order_list_person(c, person_id, &l);
	int64_t inst = -1;
	for (size_t i = 0; rc == NL_OK && i < l.n; i++)
		if (l.items[i].order.order_no == order_no)
			inst = l.items[i].order.institution_id;
	bool same = inst >= 0;
	for (size_t i = 0; same && i < l.n; i++)
		same = l.items[i].order.institution_id == inst;
	*single = same;
	nl_order_list_free(&l);
	return rc;
}
