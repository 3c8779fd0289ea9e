/* The {{name}} templates of the mail and SMS notifications
 * (web/templates/{mail,sms}/): reading one and filling it in. Shared by the
 * notifications by information channel (notify_person.c) and the
 * access-password e-mail (notify_access.c). */
#ifndef NL_APP_NOTIFY_TEMPLATE_H
#define NL_APP_NOTIFY_TEMPLATE_H

#include <stdbool.h>
#include <stddef.h>

#include "core/buf.h"
#include "core/err.h"

/* One placeholder's value; a NULL value fills in as "". */
struct nl_notify_var {
	const char *name;
	const char *value;
};

/* Reads a template (at most 64 KiB) into a malloc'd NUL-terminated string;
 * NULL on failure. The caller frees it. */
char *nl_notify_template_read(const char *path);

/* Expands {{name}} (HTML-escaped when html) and drops {{! comments }} (with
 * their newline when alone on a line). An unknown or unterminated placeholder
 * is NL_ERR_INVALID, so a typo never reaches a person. */
NL_MUST_USE nl_err nl_notify_expand(const char *src, bool html, const struct nl_notify_var *vars, size_t n,
                        nl_buf *out);

#endif
