/* The access-password e-mail (SPEC §1, guide 000 §2.1): after a
 * pre-application the person gets, in Turkish, the link to the form login page,
 * the access password and the law it is given under (5070 sayılı Elektronik
 * İmza Kanunu), as plain text and HTML. The message is written to the durable
 * outbox inside the caller's transaction, so it exists exactly when the order
 * does; the outbox worker delivers it.
 *
 * Templates: <web_dir>/templates/mail/access_password.txt and .html. They use
 * {{name}} placeholders only (a mustache subset, so the .html also loads in
 * the page template set) and {{! comments }}:
 *   given_name, surname, order_no ("SD-100001"), password, login_url, law
 * Values are inserted as they are into the text and HTML-escaped into the
 * HTML. An unknown placeholder is an error, so a typo never reaches a person. */
#ifndef NL_APP_NOTIFY_ACCESS_H
#define NL_APP_NOTIFY_ACCESS_H

#include <stdbool.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/err.h"
#include "store/db.h"
#include "view/tmpl.h"

#define NL_ACCESS_MAIL_SUBJECT "Nitelikli Elektronik Sertifika Başvuru Formu Erişim Parolası"
#define NL_ACCESS_MAIL_LAW "5070 sayılı Elektronik İmza Kanunu"
#define NL_ACCESS_MAIL_SUBJECT_EN "Access password of your qualified electronic certificate application form"
#define NL_ACCESS_MAIL_LAW_EN "the Electronic Signature Law No. 5070"
#define NL_FORM_LOGIN_PATH "/giris/form"

/* The two template texts, read once per use (e.g. per CSV batch). */
struct nl_access_tmpl {
	nl_tmpl_set *set;   /* "mail/access_password.txt" and ".html" (view/tmpl.h) */
};

/* Reads both templates below web_dir. NL_ERR_IO when one is missing,
 * NL_ERR_INVALID when one does not parse.
 * Free with nl_access_tmpl_free. */
NL_MUST_USE nl_err nl_access_tmpl_load(const char *web_dir, struct nl_access_tmpl *t);
void nl_access_tmpl_free(struct nl_access_tmpl *t);

struct nl_access_mail {
	const char *to;            /* e-mail address */
	const char *given_name;
	const char *surname;
	int64_t order_no;
	const char *password;      /* the plain access password: only ever in this mail */
	const char *base_url;      /* cfg->base_url; the link is base_url + /giris/form */
	bool english;              /* a passport holder: mail/en/access_password.* (issue 13 item 6) */
};

/* Renders the text and HTML bodies into text/html (appended). NL_ERR_INVALID
 * for an unknown or unterminated placeholder. */
NL_MUST_USE nl_err nl_access_mail_render(const struct nl_access_tmpl *t, const struct nl_access_mail *m,
                             nl_buf *text, nl_buf *html);

/* Renders and enqueues the mail on c (inside the caller's transaction). */
NL_MUST_USE nl_err nl_notify_access_enqueue(nl_conn *c, const struct nl_access_tmpl *t,
                                const struct nl_access_mail *m, int64_t order_id, int64_t now);

#endif
