/* Shared by the institution officer's handlers (kurum_*.c) and the admin pages:
 * who the logged-in officer is, select options of the pre-application form,
 * order numbers in URLs. Includes neither view/spec.h nor store_persons.h, so
 * any handler file may include it. */
#ifndef NL_PAGES_KURUM_COMMON_H
#define NL_PAGES_KURUM_COMMON_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "http/http.h"

struct nl_officer {
	int64_t user_id;
	int64_t institution_id;
	char username[65];
	char institution[256];    /* the institution's name, for the page header */
};

/* The logged-in officer of a session route (NL_AUTH_OFFICER). When the account
 * has been disabled meanwhile, has no institution, or the institution is
 * inactive, it logs the session out, answers 403 and returns false. */
bool nl_kurum_officer(struct nl_req *r, struct nl_officer *o);

/* Answers a failed check of the logged-in staff account (officer, RA,
 * production): a store error (db, busy, out of memory) as it is; anything else
 * (disabled, another role, gone) logs the session out and answers 403. */
void nl_kurum_staff_refused(struct nl_req *r, nl_err e);

/* Page data of the administration (yonetim) pages: what nl_page_data gives,
 * csrf, and is_admin for the menu (partials/admin_nav.html). New reference;
 * NULL on OOM. */
json_t *nl_admin_page_data(struct nl_req *r, const char *title_msgid);

/* "user:<id>" in r->arena, for the audit trail. */
const char *nl_kurum_actor(struct nl_req *r, int64_t user_id);

/* [{"value":"first","label":"İlk Sertifika","selected":true}, ...] for the
 * reason and payment type selects, labels in r->lang. New references. */
json_t *nl_kurum_reason_options(const struct nl_req *r, const char *selected);
json_t *nl_kurum_payment_options(const struct nl_req *r, const char *selected);

/* Renders /kurum/siparis/{no} (kurum_orders.c) with an optional notice msgid
 * and the cancel form's state `form` (nl_spec_form_json shape, consumed; may
 * be NULL), with the given status. 404 for another institution's order. */
void nl_kurum_order_page(struct nl_req *r, int status, const char *notice, json_t *form);

/* Adds one error to a nl_spec_form_json-shaped object (errors.<field> unless
 * the field has one already, error_list, has_errors). msgid is translated
 * (a text that is no msgid is kept as it is). */
void nl_kurum_form_add_error(struct nl_req *r, json_t *form, const char *field,
                             const char *code, const char *msgid);

/* Parses "123" or "SD-123" (any case) into a positive order number. */
bool nl_kurum_order_no(const char *s, int64_t *out);

/* Status, reason and payment type labels in r->lang. */
const char *nl_kurum_status_label(const struct nl_req *r, int status);
const char *nl_kurum_reason_label(const struct nl_req *r, int reason);
const char *nl_kurum_payment_label(const struct nl_req *r, int payment);

#endif
