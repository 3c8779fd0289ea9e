/* Reading and filling in the notification templates (notify_template.h). */
#include "app/notify_template.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TEMPLATE_MAX (64 * 1024)

/* Reads a small file into a malloc'd NUL-terminated string; NULL on failure.
 * The caller frees it. */
char *nl_notify_template_read(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	char *buf = malloc(TEMPLATE_MAX + 1);
	size_t n = buf ? fread(buf, 1, TEMPLATE_MAX + 1, f) : 0;
	bool bad = ferror(f) || n > TEMPLATE_MAX;
	fclose(f);
	if (!buf || bad) {
		free(buf);
		return NULL;
	}
	buf[n] = '\0';
	return buf;
}

static const char *lookup(const struct nl_notify_var *vars, size_t n, const char *name,
                          size_t len)
{
	for (size_t i = 0; i < n; i++)
		if (strlen(vars[i].name) == len && !memcmp(vars[i].name, name, len))
			return vars[i].value ? vars[i].value : "";
	return NULL;
}

nl_err nl_notify_expand(const char *src, bool html, const struct nl_notify_var *vars, size_t n,
                        nl_buf *out)
{
	const char *p = src;
	while (*p) {
		const char *open = strstr(p, "{{");
		if (!open) {
			nl_buf_puts(out, p);
			break;
		}
		const char *close = strstr(open + 2, "}}");
		if (!close)
			return NL_ERR_INVALID;
		nl_buf_append(out, p, (size_t)(open - p));
		p = close + 2;
		if (open[2] == '!') {
			/* A comment alone on its line takes its newline with it. */
			bool line_start = open == src || open[-1] == '\n';
			if (line_start && *p == '\n')
				p++;
			continue;
		}
		const char *name = open + 2;
		while (*name == ' ')
			name++;
		size_t len = (size_t)(close - name);
		while (len && name[len - 1] == ' ')
			len--;
		const char *v = lookup(vars, n, name, len);
		if (!v)
			return NL_ERR_INVALID;
		if (html)
			nl_buf_put_html(out, v);
		else
			nl_buf_puts(out, v);
	}
	return out->oom ? NL_ERR_NOMEM : NL_OK;
}
