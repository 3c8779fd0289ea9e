/* Helpers of the officer's pages (see kurum_common.h). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "app/staff.h"
#include "core/order.h"
#include "pages/kurum_common.h"
#include "pages/pages.h"

bool nl_kurum_officer(struct nl_req *r, struct nl_officer *o)
{
	struct nl_user u = {0};
	struct nl_institution inst = {0};
	bool ok = false;
	memset(o, 0, sizeof *o);
	nl_err e = nl_staff_user(nl_app_of(r), r->session.s.subject_id, &u);
	if (e == NL_OK && u.active && u.role == NL_ROLE_KURUM && u.institution_id > 0)
		e = nl_staff_institution(nl_app_of(r), u.institution_id, &inst);
	else if (e == NL_OK)
		e = NL_ERR_FORBIDDEN;
	if (e == NL_OK && inst.active) {
		o->user_id = u.id;
		o->institution_id = u.institution_id;
		snprintf(o->username, sizeof o->username, "%s", u.username);
		snprintf(o->institution, sizeof o->institution, "%s", inst.name);
		ok = true;
	} else {
		nl_kurum_staff_refused(r, e);
	}
	nl_user_clear(&u);
	nl_institution_clear(&inst);
	return ok;
}

void nl_kurum_staff_refused(struct nl_req *r, nl_err e)
{
	if (e == NL_ERR_DB || e == NL_ERR_BUSY || e == NL_ERR_NOMEM || e == NL_ERR_UNAVAILABLE) {
		nl_resp_error(r, e, NULL);
		return;
	}
	/* The account lost its right to be here since it logged in. */
	nl_err_ignore(nl_session_logout(r));
	nl_resp_error(r, NL_ERR_FORBIDDEN, NULL);
}

json_t *nl_admin_page_data(struct nl_req *r, const char *title_msgid)
{
	json_t *d = nl_page_data(r, title_msgid);
	if (d) {
		json_object_set_new(d, "csrf", json_string(nl_session_csrf(r)));
		json_object_set_new(d, "is_admin", json_boolean(r->session.roles & NL_SROLE_ADMIN));
	}
	return d;
}

const char *nl_kurum_actor(struct nl_req *r, int64_t user_id)
{
	char buf[32];
	snprintf(buf, sizeof buf, "user:%" PRId64, user_id);
	return nl_arena_strdup(r->arena, buf);
}

static bool en(const struct nl_req *r)
{
	return r->lang && !strcmp(r->lang, "en");
}

const char *nl_kurum_status_label(const struct nl_req *r, int status)
{
	const char *s = en(r) ? nl_order_status_label_en((enum nl_order_status)status)
	                      : nl_order_status_label_tr((enum nl_order_status)status);
	return s ? s : "?";
}

const char *nl_kurum_reason_label(const struct nl_req *r, int reason)
{
	const char *s = en(r) ? nl_reason_label_en((enum nl_reason)reason)
	                      : nl_reason_label_tr((enum nl_reason)reason);
	return s ? s : "?";
}

const char *nl_kurum_payment_label(const struct nl_req *r, int payment)
{
	const char *s = en(r) ? nl_payment_type_label_en((enum nl_payment_type)payment)
	                      : nl_payment_type_label_tr((enum nl_payment_type)payment);
	return s ? s : "?";
}

json_t *nl_kurum_reason_options(const struct nl_req *r, const char *selected)
{
	json_t *a = json_array();
	for (int k = NL_REASON__FIRST; a && k <= NL_REASON__LAST; k++) {
		const char *code = nl_reason_code((enum nl_reason)k);
		json_array_append_new(a, json_pack("{s:s, s:s, s:b}", "value", code, "label",
		                                   nl_kurum_reason_label(r, k), "selected",
		                                   selected && !strcmp(selected, code)));
	}
	return a;
}

json_t *nl_kurum_payment_options(const struct nl_req *r, const char *selected)
{
	json_t *a = json_array();
	for (int k = NL_PAY_INSTITUTION; a && k <= NL_PAY_PERSON; k++) {
		const char *code = nl_payment_type_code((enum nl_payment_type)k);
		json_array_append_new(a, json_pack("{s:s, s:s, s:b}", "value", code, "label",
		                                   nl_kurum_payment_label(r, k), "selected",
		                                   selected && !strcmp(selected, code)));
	}
	return a;
}

bool nl_kurum_order_no(const char *s, int64_t *out)
{
	if (!s)
		return false;
	if (!strncasecmp(s, NL_ORDER_NO_PREFIX, strlen(NL_ORDER_NO_PREFIX)))
		s += strlen(NL_ORDER_NO_PREFIX);
	if (!*s || strlen(s) > 15)
		return false;
	for (const char *p = s; *p; p++)
		if (*p < '0' || *p > '9')
			return false;
	long long v = strtoll(s, NULL, 10);
	if (v <= 0)
		return false;
	*out = v;
	return true;
}

/* Adds one error (field, code, message msgid) to a nl_spec_form_json object. */
void nl_kurum_form_add_error(struct nl_req *r, json_t *form, const char *field,
                             const char *code, const char *msgid)
{
	const char *msg = nl_page_tr(r, msgid);
	json_t *errors = json_object_get(form, "errors");
	if (!errors) {
		errors = json_object();
		json_object_set_new(form, "errors", errors);
	}
	if (!json_object_get(errors, field))
		json_object_set_new(errors, field, json_pack("{s:s, s:s}", "code", code, "message", msg));
	json_t *list = json_object_get(form, "error_list");
	if (!list) {
		list = json_array();
		json_object_set_new(form, "error_list", list);
	}
	json_array_append_new(list, json_pack("{s:s, s:s}", "field", field, "message", msg));
	json_object_set_new(form, "has_errors", json_true());
}
