/* The access-password e-mail (see notify_access.h). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/notify_access.h"
#include "core/order.h"
#include "store/store_outbox.h"

#define TEMPLATE_MAX (64 * 1024)

/* Reads a small file into a malloc'd NUL-terminated string; NULL on failure. */
static char *read_small(const char *path)
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

nl_err nl_access_tmpl_load(const char *web_dir, struct nl_access_tmpl *t)
{
	char path[1200];
	memset(t, 0, sizeof *t);
	snprintf(path, sizeof path, "%s/templates/mail/access_password.txt", web_dir);
	t->text = read_small(path);
	snprintf(path, sizeof path, "%s/templates/mail/access_password.html", web_dir);
	t->html = read_small(path);
	if (!t->text || !t->html) {
		nl_access_tmpl_free(t);
		return NL_ERR_IO;
	}
	return NL_OK;
}

void nl_access_tmpl_free(struct nl_access_tmpl *t)
{
	if (!t)
		return;
	free(t->text);
	free(t->html);
	memset(t, 0, sizeof *t);
}

/* The value of one placeholder, or NULL for an unknown name. */
static const char *value_of(const struct nl_access_mail *m, const char *name, size_t len,
                            const char *order_no, const char *login_url)
{
	static const char law[] = NL_ACCESS_MAIL_LAW;
	struct {
		const char *name;
		const char *value;
	} vals[] = {
		{"given_name", m->given_name}, {"surname", m->surname}, {"order_no", order_no},
		{"password", m->password},     {"login_url", login_url}, {"law", law},
	};
	for (size_t i = 0; i < sizeof vals / sizeof vals[0]; i++)
		if (strlen(vals[i].name) == len && !memcmp(vals[i].name, name, len))
			return vals[i].value ? vals[i].value : "";
	return NULL;
}

/* Expands {{name}} (escaped when html) and drops {{! comments }}; a line that
 * holds only a comment is dropped whole. */
static nl_err expand(const char *src, bool html, const struct nl_access_mail *m,
                     const char *order_no, const char *login_url, nl_buf *out)
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
		const char *v = value_of(m, name, len, order_no, login_url);
		if (!v)
			return NL_ERR_INVALID;
		if (html)
			nl_buf_put_html(out, v);
		else
			nl_buf_puts(out, v);
	}
	return out->oom ? NL_ERR_NOMEM : NL_OK;
}

nl_err nl_access_mail_render(const struct nl_access_tmpl *t, const struct nl_access_mail *m,
                             nl_buf *text, nl_buf *html)
{
	char order_no[32], login_url[1200];
	snprintf(order_no, sizeof order_no, NL_ORDER_NO_PREFIX "%" PRId64, m->order_no);
	const char *base = m->base_url ? m->base_url : "";
	size_t bl = strlen(base);
	while (bl && base[bl - 1] == '/')   /* "http://x/" + "/giris/form" */
		bl--;
	snprintf(login_url, sizeof login_url, "%.*s%s", (int)bl, base, NL_FORM_LOGIN_PATH);
	nl_err e = expand(t->text, false, m, order_no, login_url, text);
	if (e == NL_OK)
		e = expand(t->html, true, m, order_no, login_url, html);
	return e;
}

nl_err nl_notify_access_enqueue(nl_conn *c, const struct nl_access_tmpl *t,
                                const struct nl_access_mail *m, int64_t order_id, int64_t now)
{
	nl_buf text = NL_BUF_INIT, html = NL_BUF_INIT;
	nl_err e = nl_access_mail_render(t, m, &text, &html);
	if (e == NL_OK) {
		struct nl_outbox_new msg = {
			.channel = NL_OUTBOX_MAIL, .recipient = m->to,
			.subject = NL_ACCESS_MAIL_SUBJECT, .body_text = text.data,
			.body_html = html.data, .order_id = order_id,
		};
		e = nl_outbox_enqueue(c, &msg, now, NULL);
	}
	nl_buf_free(&text);
	nl_buf_free(&html);
	return e;
}
