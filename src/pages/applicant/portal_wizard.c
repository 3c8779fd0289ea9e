/* Shared parts of the wizard pages (portal_wizard.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/datetime.h"
#include "pages/entitle.h"
#include "pages/pages.h"
#include "pages/applicant/portal_wizard.h"

int64_t nl_wz_person(const struct nl_req *r)
{
	return r->session.s.subject_id;
}

/* A session that an access password opened sees no stored identity of the
 * person (the institution that sent the mail may be the one at the keyboard;
 * pages/entitle.h): the identity box stays empty but for the masked number. */
static NL_MUST_USE nl_err hide_identity(struct nl_form_view *v)
{
	char **f[] = {&v->given_name, &v->surname, &v->birth_place, &v->birth_date};
	for (size_t i = 0; i < sizeof f / sizeof f[0]; i++) {
		free(*f[i]);
		if (!(*f[i] = strdup("")))
			return NL_ERR_NOMEM;
	}
	return NL_OK;
}

bool nl_wz_load(struct nl_req *r, struct nl_form_view *v, int64_t *order_no)
{
	nl_err e = nl_req_param_id(r, "no", order_no);
	if (e == NL_OK)
		e = nl_form_load(nl_app_of(r), nl_wz_person(r), *order_no, v);
	if (e == NL_OK && !nl_entitled_identity(r, *order_no))
		e = hide_identity(v);
	if (e == NL_ERR_NOT_FOUND) {
		nl_resp_error(r, e, "%s", "This application was not found.");
		return false;
	}
	if (e != NL_OK) {
		nl_resp_error(r, e, NULL);
		return false;
	}
	return true;
}

const char *nl_wz_url(struct nl_req *r, int64_t order_no, const char *leaf)
{
	char buf[96];
	snprintf(buf, sizeof buf, "/basvuru/%lld/%s", (long long)order_no, leaf);
	return nl_arena_strdup(r->arena, buf);
}

void nl_wz_set_msg(struct nl_req *r, json_t *d, const char *key, const char *msgid)
{
	if (msgid)
		json_object_set_new(d, key, json_string(nl_page_tr(r, msgid)));
}

json_t *nl_wz_page(struct nl_req *r, const char *title_msgid, int step, int64_t order_no)
{
	static const char *const labels[] = {"Application Form Details", "Approval", "Result"};
	json_t *d = nl_page_data(r, title_msgid);
	const char *csrf = nl_session_csrf(r);
	json_t *steps = json_array();
	if (!d || !csrf || !steps) {
		json_decref(d);
		json_decref(steps);
		return NULL;
	}
	for (int i = 0; i < 3; i++)
		json_array_append_new(steps, json_pack("{s:i, s:s, s:b, s:b}", "n", i + 1, "label",
		                                       nl_page_tr(r, labels[i]), "current", i + 1 == step,
		                                       "done", i + 1 < step));
	char no[32];
	snprintf(no, sizeof no, "SD-%lld", (long long)order_no);
	json_object_set_new(d, "steps", steps);
	json_object_set_new(d, "csrf", json_string(csrf));
	json_object_set_new(d, "order_label", json_string(no));
	json_object_set_new(d, "no", json_integer(order_no));
	return d;
}

void nl_wz_time(int64_t utc, char *out)
{
	/* the time of day of core's "21.11.2026 14:05:09" in Istanbul time */
	char t[NL_DATETIME_FMT_MAX];
	nl_time_format_tr_seconds(utc, t);
	const char *sp = strchr(t, ' ');
	snprintf(out, 24, "%s", sp ? sp + 1 : t);
}
