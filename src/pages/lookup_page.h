/* Pages whose form is guarded by a captcha: the captcha ticket in the session,
 * the form page (values, field errors, a fresh picture), and the start of a
 * captcha-protected look-up (Borç Sorgulama in payment_pages.c, Gönderi
 * Sorgulama in shipment_pages.c). The applicant's login doors (portal_login.c)
 * use the ticket and the form page; their throttling is their own. */
#ifndef NL_PAGES_LOOKUP_PAGE_H
#define NL_PAGES_LOOKUP_PAGE_H

#include <jansson.h>
#include <stdbool.h>

#include "app/captcha.h"
#include "http/http.h"
#include "view/spec.h"

/* Session data member holding the ticket of the last picture served
 * (GET /captcha.png): {"h": keyed hash, "exp": expiry}. */
#define NL_SESSION_CAPTCHA "captcha"

/* One message for a wrong or expired captcha answer, on every captcha page. */
#define NL_MSG_CAPTCHA_WRONG                                                   \
	"The text in the picture was not typed correctly or has expired. Please " \
	"type the text of the new picture."

/* Takes the ticket out of the session into *t: one use, whatever the answer.
 * False when there was none (t is then all zero). */
bool nl_captcha_ticket_take(struct nl_req *r, struct nl_captcha_ticket *t);

struct nl_captcha_page {
	const char *page;            /* template, web/templates/<page>.html */
	const char *title;           /* msgid of the page title */
	const struct nl_spec *specs; /* the form; its captcha field is named "captcha" */
	const char *hidden;          /* a field never shown back as typed, or NULL */
	const char *door;            /* its throttle door (app/throttle.h): a look-up counts
	                                every inquiry there, a login door its failures */
};

/* The page's template data: the form's values as typed (secrets and `hidden`
 * never) and field errors from res (NULL: none), the CSRF token, a captcha
 * nonce and message (a msgid, translated; NULL: none). New reference for
 * nl_page_respond; NULL after answering 500. */
json_t *nl_captcha_page_data(struct nl_req *r, const struct nl_captcha_page *cp,
                             const struct nl_spec_result *res, const char *message);

/* nl_captcha_page_data, answered at once with status. */
void nl_captcha_page_respond(struct nl_req *r, const struct nl_captcha_page *cp, int status,
                             const struct nl_spec_result *res, const char *message);

/* The common start of a look-up POST: takes the ticket, counts the look-up
 * against the client address at cp->door (429 page when over the limit),
 * parses the body into in (400 page with the field errors) and checks the
 * typed captcha, *captcha once parsed (400 page). True when the caller may
 * look up; otherwise the answer is queued. */
bool nl_lookup_begin(struct nl_req *r, const struct nl_captcha_page *cp, void *in,
                     struct nl_spec_result *res, const char *const *captcha);

#endif
