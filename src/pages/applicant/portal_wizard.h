/* What the three wizard pages share (portal_form.c, portal_sms.c,
 * portal_approve.c): the order of the URL for the session's person, the step
 * indicator, the page data every step shows. Not a handler file. */
#ifndef NL_PAGES_APPLICANT_PORTAL_WIZARD_H
#define NL_PAGES_APPLICANT_PORTAL_WIZARD_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "app/form.h"
#include "http/http.h"

/* Loads the view of order {no} for the logged-in person into v. On failure it
 * has queued the answer (404 for a malformed number, someone else's order or
 * a missing one — never 403; 500 otherwise) and returns false. On success the
 * caller frees v with nl_form_view_free. */
bool nl_wz_load(struct nl_req *r, struct nl_form_view *v, int64_t *order_no);

/* Page data for a wizard step (1..3): layout data, csrf, the order ("SD-n"
 * and n), the step indicator. New reference; NULL on OOM. */
json_t *nl_wz_page(struct nl_req *r, const char *title_msgid, int step, int64_t order_no);

/* The person of the session. */
int64_t nl_wz_person(const struct nl_req *r);

/* "/basvuru/<no>/<leaf>" in the request arena. */
const char *nl_wz_url(struct nl_req *r, int64_t order_no, const char *leaf);

/* Sets key to the translation of msgid (no-op for NULL msgid). */
void nl_wz_set_msg(struct nl_req *r, json_t *d, const char *key, const char *msgid);

/* "14:05:09", Istanbul time of day (out: 24 bytes). */
void nl_wz_time(int64_t utc, char *out);

#endif
