/* Notifications of production, shipping and expiry (production_notify.h): by the
 * information channel chosen on the order's current form version. */
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "app/approve.h"
#include "app/production_notify.h"
#include "store/store_forms.h"
#include "store/store_order_contacts.h"
#include "store/store_orders.h"
#include "store/store_persons.h"

#define MAX_VARS 16

nl_err nl_production_notify(nl_conn *c, const struct nl_config *cfg, int64_t order_id,
                            const char *kind, const char *subject,
                            const struct nl_notify_var *extra, size_t n_extra, int64_t now)
{
	struct nl_order o = {0};
	struct nl_person p = {0};
	struct nl_form f = {0};
	nl_err rc = nl_store_order_get(c, order_id, &o);
	if (!rc) rc = nl_store_person_get(c, o.person_id, &p);
	if (!rc) rc = nl_store_form_current(c, order_id, &f);
	/* A pre-application without a form yet: the contact the institution
	 * gave, both ways (the person chose no channel). */
	bool no_form = rc == NL_ERR_NOT_FOUND;
	if (no_form)
		rc = NL_OK;
	if (rc) goto out;
	/* The pre-application's e-mail and mobile are this order's (as in
	 * payment.c); the person's record is for orders without them. */
	struct nl_order_contact oc = {0};
	bool have_oc = false;
	if (no_form) {
		rc = nl_store_order_contact_get(c, order_id, &oc);
		have_oc = rc == NL_OK;
		if (rc == NL_ERR_NOT_FOUND)
			rc = NL_OK;
		if (rc) goto out;
	}
	char order_no[32], url[NL_CONFIG_STR];
	snprintf(order_no, sizeof order_no, NL_ORDER_NO_PREFIX "%" PRId64, o.order_no);
	size_t bl = strlen(cfg->base_url);
	while (bl && cfg->base_url[bl - 1] == '/')
		bl--;
	snprintf(url, sizeof url, "%.*s", (int)bl, cfg->base_url);
	struct nl_notify_var vars[MAX_VARS] = {
		{"given_name", p.given_name}, {"surname", p.surname}, {"order_no", order_no},
		{"base_url", url},
	};
	size_t n = 4;
	for (size_t i = 0; i < n_extra && n < MAX_VARS; i++)
		vars[n++] = extra[i];
	const struct nl_notify_person who = {
		.channel = no_form ? NULL : f.info_channel,
		.email = !no_form ? f.email : have_oc ? oc.email : p.email,
		.mobile = !no_form ? f.mobile : have_oc ? oc.mobile : p.mobile,
		.subject = subject, .order_id = o.id, .lang = nl_notify_lang_of(&p),
	};
	if (no_form && !(who.email && *who.email) && !(who.mobile && *who.mobile))
		goto out;   /* nothing to reach him by: nobody to tell */
	rc = nl_notify_person_enqueue(c, cfg->web_dir, kind, &who, vars, n, now, NULL);
out:
	nl_form_clear(&f);
	nl_person_clear(&p);
	nl_order_clear(&o);
	return rc;
}
