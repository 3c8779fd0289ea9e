/* The access-password e-mail (see notify_access.h). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/notify_access.h"
#include "app/notify_template.h"
#include "core/order.h"
#include "store/store_outbox.h"

#define TEXT_PART "mail/access_password.txt"
#define HTML_PART "mail/access_password.html"
#define TEXT_PART_EN "mail/en/access_password.txt"
#define HTML_PART_EN "mail/en/access_password.html"

nl_err nl_access_tmpl_load(const char *web_dir, struct nl_access_tmpl *t)
{
	memset(t, 0, sizeof *t);
	if (!(t->set = nl_tmpl_set_new()))
		return NL_ERR_NOMEM;
	nl_err rc = nl_notify_template_load(t->set, web_dir, TEXT_PART);
	if (rc == NL_OK)
		rc = nl_notify_template_load(t->set, web_dir, HTML_PART);
	if (rc == NL_OK)
		rc = nl_notify_template_load(t->set, web_dir, TEXT_PART_EN);
	if (rc == NL_OK)
		rc = nl_notify_template_load(t->set, web_dir, HTML_PART_EN);
	if (rc != NL_OK)
		nl_access_tmpl_free(t);
	return rc;
}

void nl_access_tmpl_free(struct nl_access_tmpl *t)
{
	if (!t)
		return;
	nl_tmpl_set_free(t->set);
	memset(t, 0, sizeof *t);
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
	const char *law = m->english ? NL_ACCESS_MAIL_LAW_EN : NL_ACCESS_MAIL_LAW;
	const struct nl_notify_var vars[] = {
		{"given_name", m->given_name}, {"surname", m->surname}, {"order_no", order_no},
		{"password", m->password},     {"login_url", login_url}, {"law", law},
	};
	size_t n = sizeof vars / sizeof vars[0];
	nl_err e = nl_notify_render(t->set, m->english ? TEXT_PART_EN : TEXT_PART, false, vars, n, text);
	if (e == NL_OK)
		e = nl_notify_render(t->set, m->english ? HTML_PART_EN : HTML_PART, true, vars, n, html);
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
			.subject = m->english ? NL_ACCESS_MAIL_SUBJECT_EN : NL_ACCESS_MAIL_SUBJECT,
			.body_text = text.data,
			.body_html = html.data, .order_id = order_id,
		};
		e = nl_outbox_enqueue(c, &msg, now, NULL);
	}
	nl_buf_free(&text);
	nl_buf_free(&html);
	return e;
}
