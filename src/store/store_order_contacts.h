/* What a pre-application typed about the person, kept with its order
 * (table order_contacts, migration 0013; docs/applicant.md "Doors and
 * entitlement"). An institution's views of its order show these values, and
 * the order's own mails go to this e-mail, so that a pre-application neither
 * reads nor replaces what is stored about the person (persons). */
#ifndef NL_STORE_ORDER_CONTACTS_H
#define NL_STORE_ORDER_CONTACTS_H

#include <stdint.h>

#include "core/err.h"
#include "store/db.h"

struct nl_order_contact {
	char given_name[260];
	char surname[260];
	char email[256];
	char mobile[16];
};

/* Writes (or replaces) the contact data of order_id. */
NL_MUST_USE nl_err nl_store_order_contact_put(nl_conn *c, int64_t order_id,
                                  const struct nl_order_contact *oc);

/* Reads it; NL_ERR_NOT_FOUND when the order has none (it was not made by a
 * pre-application, e.g. demo seed data written straight into the store). */
NL_MUST_USE nl_err nl_store_order_contact_get(nl_conn *c, int64_t order_id, struct nl_order_contact *out);

#endif
