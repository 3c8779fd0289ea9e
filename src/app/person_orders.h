/* What a logged-in applicant sees of his orders ("Başvurularım", SPEC §3):
 * the list and one order's details, only ever his own. Plain values (no store
 * structs), so page handlers that include view/spec.h can use them.
 *
 * The action of a row (İşlem):
 *   NL_ACTION_COMPLETE  "Başvuruyu Tamamla"  form awaited and never submitted
 *   NL_ACTION_UPDATE    "Başvuruyu Güncelle" form awaited, a version submitted
 *                       (a new version supersedes it: the wizard's rule)
 *   NL_ACTION_DETAILS   "Detaylar"           any other status */
#ifndef NL_APP_PERSON_ORDERS_H
#define NL_APP_PERSON_ORDERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "app/app.h"
#include "core/err.h"
#include "core/order.h"
#include "store/db.h"

enum nl_order_action { NL_ACTION_DETAILS = 0, NL_ACTION_COMPLETE, NL_ACTION_UPDATE };

struct nl_person_order {
	int64_t order_no;                 /* n of SD-<n> */
	int64_t created_at;
	char created_date[24];            /* "21.11.2026", Istanbul calendar day */
	enum nl_order_status status;
	enum nl_reason reason;
	enum nl_payment_type payment_type;
	bool backup_cert;
	bool cancellable;                 /* the person may still cancel it */
	enum nl_order_action action;
	char cancel_reason[512];          /* "" unless cancelled */
};

/* Every order of the person, newest first. *out is malloc'd (NULL when *n is
 * 0); the caller frees it with free(). */
NL_MUST_USE nl_err nl_person_orders(const struct nl_app *app, int64_t person_id, struct nl_person_order **out, size_t *n);

/* One order by number; NL_ERR_NOT_FOUND when there is none or it is another
 * person's (the caller answers 404 either way). */
NL_MUST_USE nl_err nl_person_order(const struct nl_app *app, int64_t person_id, int64_t order_no,
                       struct nl_person_order *out);

/* The name order_no's pre-application typed ("" when it has none, or the
 * order is not person_id's), for the header of a session that an access
 * password opened: it must not show what is stored about the person. */
NL_MUST_USE nl_err nl_person_order_display_name(const struct nl_app *app, int64_t person_id, int64_t order_no,
                                    char *out, size_t size);

/* Whether every order of person_id belongs to the institution of his order
 * SD-<order_no>: then nothing stored about him came from another institution,
 * and a session that order's access password opened may see it
 * (docs/applicant.md, "Doors and entitlement"). false when the order is not
 * his. */
NL_MUST_USE nl_err nl_person_single_institution(const struct nl_app *app, int64_t person_id, int64_t order_no,
                                    bool *single);

/* "AYŞE YILMAZ" of the person, for the page header; "" when unknown. */
NL_MUST_USE nl_err nl_person_display_name(const struct nl_app *app, int64_t person_id, char *out, size_t size);

#endif
