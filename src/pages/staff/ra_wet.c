/* The registration officer's pages for arriving paper forms (wet, role ra):
 *   GET  /kayit                      the barcode field (autofocus: a USB scanner
 *                                    types the code and Enter), and the notice
 *                                    of the last decision (?kabul= / ?red=)
 *   POST /kayit                      code -> /kayit/form/{code}; a malformed or
 *                                    unknown code is refused here
 *   GET  /kayit/form/{code}          the stored form data to compare with the
 *                                    paper, with Kabul and Red; an old, already
 *                                    decided or otherwise approved form is
 *                                    shown with why it cannot be registered (409)
 *   POST /kayit/form/{code}/kabul    accept: the form is approved (islak)
 *   POST /kayit/form/{code}/red      reject with a reason (3..500 characters)
 * Decisions go back to /kayit, so the next paper can be scanned at once. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/wet.h"
#include "app/staff.h"
#include "pages/handlers.h"
#include "pages/kurum_common.h"
#include "pages/pages.h"
#include "view/spec.h"

struct ra_user {
	int64_t id;
	char username[65];
};

/* The logged-in registration officer; a disabled account is logged out (403). */
static bool ra_user(struct nl_req *r, struct ra_user *out)
{
	struct nl_user u = {0};
	nl_err e = nl_staff_user(nl_app_of(r), r->session.s.subject_id, &u);
	bool ok = e == NL_OK && u.active && u.role == NL_ROLE_RA;
	if (ok) {
		out->id = u.id;
		snprintf(out->username, sizeof out->username, "%s", u.username);
	} else {
		nl_kurum_staff_refused(r, e);
	}
	nl_user_clear(&u);
	return ok;
}

static json_t *ra_page(struct nl_req *r, const char *title, const struct ra_user *u)
{
	json_t *d = nl_page_data(r, title);
	const char *csrf = nl_session_csrf(r);
	if (!d || !csrf) {
		json_decref(d);
		return NULL;
	}
	json_object_set_new(d, "csrf", json_string(csrf));
	json_object_set_new(d, "ra_user", json_string(u->username));
	return d;
}

static const char *status_label(const struct nl_req *r, enum nl_order_status s)
{
	const char *l = !strcmp(r->lang, "en") ? nl_order_status_label_en(s)
	                                       : nl_order_status_label_tr(s);
	return l ? l : "";
}

/* The view as template data: order, version, holder, status, sections. */
static void put_view(struct nl_req *r, json_t *d, const struct nl_wet_view *v)
{
	char no[32];
	snprintf(no, sizeof no, NL_ORDER_NO_PREFIX "%lld", (long long)v->order_no);
	json_t *secs = json_array();
	for (size_t s = 0; s < v->n_sections; s++) {
		json_t *fields = json_array();
		for (size_t i = 0; i < v->sections[s].n; i++)
			json_array_append_new(fields, json_pack("{s:s, s:s}", "label",
			                                        v->sections[s].fields[i].label, "value",
			                                        *v->sections[s].fields[i].value
			                                                ? v->sections[s].fields[i].value
			                                                : "-"));
		json_array_append_new(secs, json_pack("{s:s, s:o}", "title", v->sections[s].title,
		                                      "fields", fields));
	}
	json_object_set_new(d, "view", json_pack("{s:s, s:I, s:s, s:s, s:s, s:o}",
		"order_label", no, "version", (json_int_t)v->version, "holder", v->holder_name,
		"status", status_label(r, v->order_status), "code", v->code, "sections", secs));
}

static void render_scan(struct nl_req *r, int status, const struct ra_user *u,
                        const char *typed, const char *error, json_t *notice)
{
	json_t *d = ra_page(r, "Paper Form Registration", u);
	if (!d) {
		json_decref(notice);
		nl_resp_error(r, NL_ERR_NOMEM, NULL);
		return;
	}
	if (typed)
		json_object_set_new(d, "typed", json_string(typed));
	if (error)
		json_object_set_new(d, "error", json_string(nl_page_tr(r, error)));
	if (notice)
		json_object_set_new(d, "notice", notice);
	nl_page_respond(r, status, "ra/scan", d);
}

/* The notice of the decision just made: only what the database says now. */
static json_t *decision_notice(struct nl_req *r)
{
	const char *kabul = nl_req_query(r, "kabul"), *red = nl_req_query(r, "red");
	const char *code = kabul ? kabul : red;
	if (!code)
		return NULL;
	struct nl_wet_view *v = calloc(1, sizeof *v);
	enum nl_wet_refusal why;
	json_t *n = NULL;
	if (v && nl_wet_lookup(nl_app_of(r), code, v, &why) == NL_ERR_CONFLICT &&
	    why == (kabul ? NL_WET_REFUSED_ACCEPTED : NL_WET_REFUSED_REJECTED)) {
		char no[32];
		snprintf(no, sizeof no, NL_ORDER_NO_PREFIX "%lld", (long long)v->order_no);
		n = json_pack("{s:b, s:b, s:s, s:s, s:s, s:s}", "accepted", kabul != NULL,
		              "rejected", kabul == NULL, "code", v->code, "order_label", no,
		              "status", status_label(r, v->order_status), "holder", v->holder_name);
	}
	free(v);
	return n;
}

void nl_h_ra_scan_page(struct nl_req *r)
{
	struct ra_user u;
	if (ra_user(r, &u))
		render_scan(r, 200, &u, NULL, NULL, decision_notice(r));
}

struct scan_post {
	const char *code;
};
static const struct nl_spec scan_spec[] = {
	/* MULTILINE: a scanner configured to send CR/LF after the code must not be
	 * refused for it; nl_wet_code_normalize trims it. */
	NL_SPEC_TEXT("code", struct scan_post, code, 1, 64, NL_SPEC_REQUIRED | NL_SPEC_MULTILINE),
	NL_SPEC_END,
};

void nl_h_ra_scan(struct nl_req *r)
{
	struct ra_user u;
	struct scan_post p = {0};
	struct nl_spec_result res;
	if (!ra_user(r, &u))
		return;
	nl_err e = nl_req_parse_body(r, scan_spec, &p, &res);
	char code[NL_BARCODE_LEN + 1];
	if (e == NL_ERR_NOMEM) {
		nl_resp_error(r, e, NULL);
		return;
	}
	if (e != NL_OK || !nl_wet_code_normalize(p.code, code)) {
		render_scan(r, 400, &u, res.typed && res.typed[0] ? res.typed[0] : p.code,
		            nl_wet_refusal_msgid(NL_WET_REFUSED_FORMAT), NULL);
		return;
	}
	struct nl_wet_view *v = calloc(1, sizeof *v);
	enum nl_wet_refusal why = NL_WET_REFUSED_NONE;
	e = v ? nl_wet_lookup(nl_app_of(r), code, v, &why) : NL_ERR_NOMEM;
	free(v);
	if (why == NL_WET_REFUSED_UNKNOWN) {
		render_scan(r, 404, &u, code, nl_wet_refusal_msgid(why), NULL);
	} else if (e == NL_OK || e == NL_ERR_CONFLICT) {
		/* Known: the form page shows the data, or why it cannot be registered. */
		char url[64];
		snprintf(url, sizeof url, "/kayit/form/%s", code);
		nl_resp_redirect(r, url);
	} else {
		nl_resp_error(r, e, NULL);
	}
}

/* The form page: data, and the decision forms or the refusal. */
static void render_form(struct nl_req *r, int status, const struct ra_user *u,
                        const struct nl_wet_view *v, const char *refusal_msgid,
                        const char *reason_typed, const char *reason_error)
{
	json_t *d = ra_page(r, "Paper Form Registration", u);
	if (!d) {
		nl_resp_error(r, NL_ERR_NOMEM, NULL);
		return;
	}
	put_view(r, d, v);
	char base[64];
	snprintf(base, sizeof base, "/kayit/form/%s", v->code);
	json_object_set_new(d, "accept_url", json_string(nl_arena_printf(r->arena, "%s/kabul", base)));
	json_object_set_new(d, "reject_url", json_string(nl_arena_printf(r->arena, "%s/red", base)));
	json_object_set_new(d, "can_decide", json_boolean(!refusal_msgid));
	if (refusal_msgid)
		json_object_set_new(d, "refusal", json_string(nl_page_tr(r, refusal_msgid)));
	if (v->barcode_status == NL_BARCODE_REJECTED && *v->reject_reason)
		json_object_set_new(d, "reject_reason", json_string(v->reject_reason));
	if (reason_typed)
		json_object_set_new(d, "reason", json_string(reason_typed));
	if (reason_error)
		json_object_set_new(d, "reason_error", json_string(nl_page_tr(r, reason_error)));
	nl_page_respond(r, status, "ra/form", d);
}

/* Looks the {code} up. On a refusal without data (format, unknown) it has
 * answered and returns false; otherwise v is filled and *why says whether
 * the paper can be decided on. */
static bool load_form(struct nl_req *r, const struct ra_user *u, struct nl_wet_view *v,
                      enum nl_wet_refusal *why)
{
	nl_err e = nl_wet_lookup(nl_app_of(r), nl_req_param(r, "code"), v, why);
	if (e == NL_OK || e == NL_ERR_CONFLICT)
		return true;
	if (*why == NL_WET_REFUSED_FORMAT || *why == NL_WET_REFUSED_UNKNOWN)
		render_scan(r, *why == NL_WET_REFUSED_FORMAT ? 400 : 404, u, NULL,
		            nl_wet_refusal_msgid(*why), NULL);
	else
		nl_resp_error(r, e, NULL);
	return false;
}

/* The start of every request on one form: the RA officer and the {code}'s
 * form. Returns the view (the caller frees it) with *why, or NULL after
 * answering. */
static struct nl_wet_view *open_form(struct nl_req *r, struct ra_user *u,
                                     enum nl_wet_refusal *why)
{
	if (!ra_user(r, u))
		return NULL;
	struct nl_wet_view *v = calloc(1, sizeof *v);
	if (!v) {
		nl_resp_error(r, NL_ERR_NOMEM, NULL);
		return NULL;
	}
	if (!load_form(r, u, v, why)) {
		free(v);
		return NULL;
	}
	return v;
}

void nl_h_ra_form(struct nl_req *r)
{
	struct ra_user u;
	enum nl_wet_refusal why;
	struct nl_wet_view *v = open_form(r, &u, &why);
	if (!v)
		return;
	render_form(r, why ? 409 : 200, &u, v, why ? nl_wet_refusal_msgid(why) : NULL, NULL, NULL);
	free(v);
}

void nl_h_ra_accept(struct nl_req *r)
{
	struct ra_user u;
	enum nl_wet_refusal why;
	struct nl_approve_result res;
	struct nl_wet_view *v = open_form(r, &u, &why);
	if (!v)
		return;
	nl_err e = nl_wet_accept(nl_app_of(r), v->code, u.id, r->now, &why, &res);
	if (e == NL_OK) {
		char url[64];
		snprintf(url, sizeof url, "/kayit?kabul=%s", v->code);
		nl_resp_redirect(r, url);
	} else if (why != NL_WET_REFUSED_NONE || res.refusal != NL_APPROVE_REFUSED_NONE) {
		/* Show the form as it is now, with why it was refused. */
		enum nl_wet_refusal now_why;
		nl_err_ignore(nl_wet_lookup(nl_app_of(r), v->code, v, &now_why));   /* shown as it was if unread */
		render_form(r, 409, &u, v, why ? nl_wet_refusal_msgid(why)
		                                : nl_approve_refusal_msgid(res.refusal), NULL, NULL);
	} else {
		nl_resp_error(r, e, NULL);
	}
	free(v);
}

struct reject_post {
	const char *reason;
};
static const struct nl_spec reject_spec[] = {
	NL_SPEC_TEXT("reason", struct reject_post, reason, NL_WET_REASON_MIN, NL_WET_REASON_MAX,
	             NL_SPEC_REQUIRED | NL_SPEC_MULTILINE),
	NL_SPEC_END,
};

void nl_h_ra_reject(struct nl_req *r)
{
	struct ra_user u;
	enum nl_wet_refusal why;
	struct reject_post p = {0};
	struct nl_spec_result res;
	struct nl_wet_view *v = open_form(r, &u, &why);
	if (!v)
		return;
	nl_err e = nl_req_parse_body(r, reject_spec, &p, &res);
	if (e == NL_ERR_NOMEM) {
		nl_resp_error(r, e, NULL);
		goto out;
	}
	if (why != NL_WET_REFUSED_NONE) {
		render_form(r, 409, &u, v, nl_wet_refusal_msgid(why), NULL, NULL);
		goto out;
	}
	if (e != NL_OK) {
		render_form(r, 400, &u, v, NULL, res.typed ? res.typed[0] : NULL,
		            "Please write why the form is rejected (3 to 500 characters).");
		goto out;
	}
	e = nl_wet_reject(nl_app_of(r), v->code, u.id, p.reason, r->now, &why);
	if (e == NL_OK) {
		char url[64];
		snprintf(url, sizeof url, "/kayit?red=%s", v->code);
		nl_resp_redirect(r, url);
	} else if (why != NL_WET_REFUSED_NONE) {
		enum nl_wet_refusal now_why;
		nl_err_ignore(nl_wet_lookup(nl_app_of(r), v->code, v, &now_why));   /* shown as it was if unread */
		render_form(r, 409, &u, v, nl_wet_refusal_msgid(why), NULL, NULL);
	} else if (e == NL_ERR_INVALID) {
		render_form(r, 400, &u, v, NULL, p.reason,
		            "Please write why the form is rejected (3 to 500 characters).");
	} else {
		nl_resp_error(r, e, NULL);
	}
out:
	free(v);
}
