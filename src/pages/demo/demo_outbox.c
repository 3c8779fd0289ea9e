/* GET /demo/outbox (demo mode only; 404 otherwise): the outbox's mail and SMS
 * messages, newest first, with their status, each readable on the page. The
 * text part is shown as text; the HTML part is shown as its escaped source,
 * never rendered: no HTML from the database reaches the page unescaped (the
 * template engine escapes every value and has no raw output). */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "app/ops.h"
#include "core/datetime.h"
#include "pages/handlers.h"
#include "pages/pages.h"

#define OUTBOX_PAGE_SIZE 100

/* "21.11.2026 14:05:09" in Istanbul time, "-" when there is no time. */
static void istanbul_time(int64_t utc, char *out, size_t size)
{
	char t[NL_DATETIME_FMT_MAX];
	nl_time_format_tr_seconds(utc, t);
	snprintf(out, size, "%s", utc > 0 ? t : "-");
}

static json_t *msg_json(const struct nl_outbox_msg *m)
{
	char created[32], sent[32];
	istanbul_time(m->created_at, created, sizeof created);
	istanbul_time(m->sent_at, sent, sizeof sent);
	const char *ch = nl_outbox_channel_code(m->channel);
	const char *st = nl_outbox_status_code(m->status);
	json_t *j = json_pack("{s:I, s:s, s:b, s:s, s:s, s:s, s:s, s:s, s:i}",
		"id", (json_int_t)m->id, "channel", ch ? ch : "?", "is_mail",
		m->channel == NL_OUTBOX_MAIL, "status", st ? st : "?", "recipient",
		m->recipient ? m->recipient : "", "subject", m->subject ? m->subject : "",
		"created", created, "sent", sent, "attempts", m->attempts);
	if (!j)
		return NULL;
	json_object_set_new(j, "body_text", json_string(m->body_text ? m->body_text : ""));
	if (m->body_html && *m->body_html)
		json_object_set_new(j, "body_html", json_string(m->body_html));
	if (m->last_error && *m->last_error)
		json_object_set_new(j, "last_error", json_string(m->last_error));
	if (m->order_id)
		json_object_set_new(j, "order_id", json_integer((json_int_t)m->order_id));
	return j;
}

void nl_h_demo_outbox(struct nl_req *r)
{
	if (!nl_app_of(r)->cfg->demo) {
		nl_resp_error(r, NL_ERR_NOT_FOUND, NULL);
		return;
	}
	struct nl_outbox_filter f = {.limit = OUTBOX_PAGE_SIZE};
	struct nl_outbox_list l = {0};
	nl_err e = nl_ops_outbox(nl_app_of(r), &f, &l);
	if (e) {
		nl_resp_error(r, e, NULL);
		return;
	}
	json_t *d = nl_page_data(r, "Demo Outbox");
	json_t *list = json_array();
	for (size_t i = 0; d && list && i < l.n; i++)
		json_array_append_new(list, msg_json(&l.items[i]));
	nl_outbox_list_free(&l);
	if (!d || !list) {
		json_decref(d);
		json_decref(list);
		nl_resp_error(r, NL_ERR_NOMEM, NULL);
		return;
	}
	json_object_set_new(d, "has_messages", json_boolean(json_array_size(list) > 0));
	json_object_set_new(d, "messages", list);
	nl_page_respond(r, 200, "portal/outbox", d);
}
