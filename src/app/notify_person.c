/* The notification by the person's information channel (approve.h,
 * nl_notify_person_enqueue): templates with {{name}} placeholders read from
 * <web_dir>/templates/{mail,sms}/<kind>.*, rendered by view/tmpl
 * (notify_template.h) and written to the outbox inside the caller's
 * transaction. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/approve.h"
#include "app/notify_template.h"
#include "core/buf.h"
#include "store/store_outbox.h"
#include "store/store_orders.h"
#include "store/store_persons.h"

/* The English subjects, by kind; the Turkish one comes from the caller. A
 * kind missing here keeps the caller's subject (a test holds every kind). */
static const struct {
	const char *kind, *subject;
} subjects_en[] = {
	{"form_approved", "Your application form has been approved"},
	{"form_rejected", "Your application form has been rejected"},
	{"payment_received", "Your payment has been received"},
	{"produced", "Your certificate has been produced"},
	{"pin_puk", "The PIN and PUK of your card"},
	{"shipped", "Your card has been shipped"},
	{"delivered", "Your card has been delivered"},
	{"expiry", "Your certificate is about to expire"},
	{"cancelled", "Your application has been cancelled"},
	{"timed_out", "Your application has timed out"},
	{"certs_revoked", "Your earlier certificates have been revoked"},
};

const char *nl_notify_lang_of(const struct nl_person *p)
{
	return p && p->id_kind == NL_ID_PASSPORT ? "en" : "tr";
}

const char *nl_notify_lang_of_order(nl_conn *c, int64_t order_id)
{
	struct nl_order o = {0};
	struct nl_person p = {0};
	const char *lang = "tr";
	if (nl_store_order_get(c, order_id, &o) == NL_OK &&
	    nl_store_person_get(c, o.person_id, &p) == NL_OK)
		lang = nl_notify_lang_of(&p);
	nl_person_clear(&p);
	nl_order_clear(&o);
	return lang;
}

static const char *subject_for(const char *kind, const char *lang, const char *tr)
{
	if (!lang || strcmp(lang, "en") != 0)
		return tr;
	for (size_t i = 0; i < sizeof subjects_en / sizeof subjects_en[0]; i++)
		if (!strcmp(subjects_en[i].kind, kind))
			return subjects_en[i].subject;
	return tr;
}

/* Reads templates/<dir>/<kind>.<ext> and renders it into out. */
static NL_MUST_USE nl_err render(const char *web_dir, const char *dir, const char *kind, const char *ext,
                     bool html, const struct nl_notify_var *vars, size_t n, nl_buf *out)
{
	char name[256];
	snprintf(name, sizeof name, "%s/%s.%s", dir, kind, ext);   /* dir: "mail" or "mail/en" */
	nl_tmpl_set *set = nl_tmpl_set_new();
	if (!set)
		return NL_ERR_NOMEM;
	nl_err rc = nl_notify_template_load(set, web_dir, name);
	if (rc == NL_OK)
		rc = nl_notify_render(set, name, html, vars, n, out);
	nl_tmpl_set_free(set);
	return rc;
}

/* SMS text on one line: template newlines become spaces, the trailing one goes. */
static void flatten(nl_buf *b)
{
	while (b->len && (b->data[b->len - 1] == '\n' || b->data[b->len - 1] == ' '))
		b->data[--b->len] = '\0';
	for (size_t i = 0; i < b->len; i++)
		if (b->data[i] == '\n')
			b->data[i] = ' ';
}

nl_err nl_notify_person_enqueue(nl_conn *c, const char *web_dir, const char *kind,
                                const struct nl_notify_person *to,
                                const struct nl_notify_var *vars, size_t n_vars, int64_t now,
                                int *sent)
{
	nl_buf text = NL_BUF_INIT, html = NL_BUF_INIT, sms = NL_BUF_INIT;
	const char *ch = to->channel ? to->channel : "";
	bool by_sms = strcmp(ch, "email") != 0;   /* "sms", "both", or unknown: tell both ways */
	bool by_mail = strcmp(ch, "sms") != 0;
	bool en = to->lang && !strcmp(to->lang, "en");
	const char *mail_dir = en ? "mail/en" : "mail", *sms_dir = en ? "sms/en" : "sms";
	int n = 0;
	nl_err rc = NL_OK;
	if (by_mail && to->email && *to->email) {
		rc = render(web_dir, mail_dir, kind, "txt", false, vars, n_vars, &text);
		if (rc == NL_OK)
			rc = render(web_dir, mail_dir, kind, "html", true, vars, n_vars, &html);
		if (rc != NL_OK)
			goto out;
		struct nl_outbox_new m = {
			.channel = NL_OUTBOX_MAIL, .recipient = to->email,
			.subject = subject_for(kind, to->lang, to->subject),
			.body_text = text.data, .body_html = html.data, .order_id = to->order_id,
		};
		if ((rc = nl_outbox_enqueue(c, &m, now, NULL)) != NL_OK)
			goto out;
		n++;
	}
	if (by_sms && to->mobile && *to->mobile) {
		if ((rc = render(web_dir, sms_dir, kind, "txt", false, vars, n_vars, &sms)) != NL_OK)
			goto out;
		flatten(&sms);
		struct nl_outbox_new m = {
			.channel = NL_OUTBOX_SMS, .recipient = to->mobile, .body_text = sms.data,
			.order_id = to->order_id,
		};
		if ((rc = nl_outbox_enqueue(c, &m, now, NULL)) != NL_OK)
			goto out;
		n++;
	}
	if (n == 0)
		rc = NL_ERR_INVALID;   /* no address for the chosen channel: a bug above */
out:
	if (sent)
		*sent = rc == NL_OK ? n : 0;
	nl_buf_free(&text);
	nl_buf_free(&html);
	nl_buf_free(&sms);
	return rc;
}
