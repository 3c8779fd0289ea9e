/* The mail and SMS notifications' templates (web/templates/{mail,sms}/) go
 * through the pages' template engine (view/tmpl.h): this is only the bridge
 * from a list of name/value pairs to its JSON data. The HTML part of a mail
 * is HTML-escaped, the text part and an SMS are not; a placeholder without a
 * value is an error (nl_tmpl_render_message). Shared by the notifications by
 * information channel (notify_person.c) and the access-password e-mail
 * (notify_access.c). */
#ifndef NL_APP_NOTIFY_TEMPLATE_H
#define NL_APP_NOTIFY_TEMPLATE_H

#include <stdbool.h>
#include <stddef.h>

#include "core/buf.h"
#include "core/err.h"
#include "view/tmpl.h"

/* One placeholder's value; a NULL value fills in as "". */
struct nl_notify_var {
	const char *name;
	const char *value;
};

/* Reads <web_dir>/templates/<name> ("mail/form_approved.txt") into set
 * under name. NL_ERR_IO when it cannot be read, NL_ERR_INVALID when it does
 * not parse. */
NL_MUST_USE nl_err nl_notify_template_load(nl_tmpl_set *set, const char *web_dir, const char *name);

/* Renders template name of set with vars, HTML-escaped when html, and
 * appends to out. A placeholder not among vars is NL_ERR_INVALID, so a typo
 * never reaches a person. */
NL_MUST_USE nl_err nl_notify_render(const nl_tmpl_set *set, const char *name, bool html,
                                    const struct nl_notify_var *vars, size_t n, nl_buf *out);

#endif
