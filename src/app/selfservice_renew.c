/* Yenileme from Online İşlemler (selfservice.h): a new order with reason
 * renewal, made by the same pre-application use case the institutions use
 * (preapply.h), for the institution of the holder's newest certificate. The
 * production scheduler starts it when the old certificate has two months
 * left (SPEC §9). */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "app/preapply.h"
#include "app/selfservice.h"
#include "store/store_orders.h"
#include "store/store_persons.h"

nl_err nl_ss_renew(struct nl_app *app, int64_t person_id, int64_t now, int64_t *order_no)
{
	struct nl_ss_cert certs[NL_SS_MAX_CERTS];
	struct nl_order_list l = {0};
	struct nl_person p = {0};
	struct nl_holder_contact hc;
	nl_conn *c;
	int n = 0;
	int64_t institution = 0;
	enum nl_payment_type pay = NL_PAY_INSTITUTION;
	bool backup = false;
	*order_no = 0;
	nl_err rc = nl_ss_certs(app, person_id, certs, &n);
	if (rc == NL_OK)
		rc = nl_db_conn(app->db, &c);
	if (rc == NL_OK)
		rc = nl_store_order_list_person(c, person_id, &l);
	if (rc)
		goto out;
	for (int i = 0; i < n && !institution; i++)
		institution = certs[i].institution_id;
	/* Payment type and backup as on his last order of that institution. */
	for (size_t i = 0; i < l.n; i++) {
		const struct nl_order *o = &l.items[i].order;
		if (!institution)
			institution = o->institution_id;
		if (o->institution_id == institution) {
			pay = o->payment_type;
			backup = o->backup_cert;
			break;
		}
	}
	if (!institution) {
		rc = NL_ERR_NOT_FOUND;
		goto out;
	}
	if ((rc = nl_store_person_get(c, person_id, &p)) != NL_OK ||
	    (rc = nl_ss_contact(app, person_id, &hc)) != NL_OK)
		goto out;
	char actor[48];
	snprintf(actor, sizeof actor, "holder:%" PRId64, person_id);
	struct nl_preapply_ctx ctx = {
		.app = app, .institution_id = institution, .actor = actor, .now = now,
	};
	struct nl_preapply_input in = {
		.id_number = p.id_number,
		.passport_country = p.id_kind == NL_ID_PASSPORT ? p.passport_country : NULL,
		.given_name = p.given_name, .surname = p.surname,
		.email = hc.email, .mobile = hc.mobile,
		.reason = NL_REASON_RENEWAL, .payment_type = pay, .backup_cert = backup,
	};
	struct nl_preapply_result res = {0};
	rc = nl_preapply_one(&ctx, &in, &res);
	if (rc == NL_OK || rc == NL_ERR_CONFLICT)
		*order_no = res.order_no;
out:
	nl_order_list_free(&l);
	nl_person_clear(&p);
	return rc;
}
