/* The administrator's pages for institutions and staff accounts (the same use
 * cases as `nitelik institution|user`, app/staff.h):
 *   GET/POST /yonetim/kurumlar                 list, add an institution
 *   GET/POST /yonetim/kullanicilar             list, add a staff account (an empty
 *                                              password field: one is generated
 *                                              and shown once)
 *   POST     /yonetim/kullanicilar/{id}/durum  enable or disable an account */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "app/staff.h"
#include "core/secret.h"
#include "pages/handlers.h"
#include "pages/kurum_common.h"
#include "pages/pages.h"
#include "view/spec.h"

static const char *admin_actor(struct nl_req *r)
{
	return nl_kurum_actor(r, r->session.s.subject_id);
}

/* ---- institutions ---- */

struct inst_form {
	const char *name;
	const char *registry_no;
	const char *address;
};

static const struct nl_spec inst_spec[] = {
	NL_SPEC_TEXT("name", struct inst_form, name, 2, 200, NL_SPEC_REQUIRED),
	NL_SPEC_TEXT("registry_no", struct inst_form, registry_no, 0, 50, 0),
	NL_SPEC_TEXT("address", struct inst_form, address, 0, 500, NL_SPEC_MULTILINE),
	NL_SPEC_END,
};

static json_t *institutions_json(struct nl_req *r, nl_err *e)
{
	struct nl_institution *items = NULL;
	size_t n = 0;
	*e = nl_staff_institutions(nl_app_of(r), &items, &n);
	if (*e)
		return NULL;
	json_t *a = json_array();
	for (size_t i = 0; a && i < n; i++)
		json_array_append_new(a, json_pack("{s:I, s:s, s:s, s:s, s:b}", "id",
		                                   (json_int_t)items[i].id, "name", items[i].name,
		                                   "registry_no", items[i].registry_no, "address",
		                                   items[i].address, "active", items[i].active));
	nl_institution_list_free(items, n);
	return a;
}

static void render_institutions(struct nl_req *r, int status, json_t *form, const char *notice)
{
	nl_err e;
	json_t *list = institutions_json(r, &e);
	json_t *d = list ? nl_admin_page_data(r, "Institutions") : NULL;
	if (!d) {
		json_decref(list);
		json_decref(form);
		nl_resp_error(r, list ? NL_ERR_NOMEM : e, NULL);
		return;
	}
	json_object_set_new(d, "institutions", list);
	json_object_set_new(d, "form", form ? form : json_object());
	if (notice)
		json_object_set_new(d, "notice", json_string(notice));
	nl_page_respond(r, status, "yonetim/institutions", d);
}

void nl_h_admin_institutions(struct nl_req *r)
{
	render_institutions(r, 200, NULL, NULL);
}

void nl_h_admin_institution_add(struct nl_req *r)
{
	struct inst_form f;
	struct nl_spec_result res;
	nl_err e = nl_spec_parse(r->arena, inst_spec, r->content_type_full, r->body, r->body_len,
	                         &f, &res);
	json_t *form = nl_spec_form_json(inst_spec, &res, r->lang);
	if (e) {
		render_institutions(r, 400, form, NULL);
		return;
	}
	int64_t id = 0;
	e = nl_staff_institution_add(nl_app_of(r), f.name, f.registry_no, f.address, admin_actor(r),
	                             &id);
	if (e == NL_ERR_CONFLICT || e == NL_ERR_INVALID) {
		nl_kurum_form_add_error(r, form, "name", e == NL_ERR_CONFLICT ? "exists" : "invalid",
		                        e == NL_ERR_CONFLICT ? "An institution with this name exists."
		                                             : "This value is not valid.");
		render_institutions(r, e == NL_ERR_CONFLICT ? 409 : 400, form, NULL);
		return;
	}
	json_decref(form);
	if (e) {
		nl_resp_error(r, e, NULL);
		return;
	}
	char msg[300];
	snprintf(msg, sizeof msg, "%s (ID %" PRId64 ")", nl_page_tr(r, "The institution was added."),
	         id);
	render_institutions(r, 200, NULL, msg);
}

/* ---- users ---- */

static const char *const role_codes[] = {"admin", "kurum", "ra", "production", "auditor", NULL};

struct user_form {
	const char *username;
	int role;
	int64_t institution_id;
	const char *password;
};

static const struct nl_spec user_spec[] = {
	NL_SPEC_TEXT("username", struct user_form, username, 3, NL_USERNAME_MAX, NL_SPEC_REQUIRED),
	NL_SPEC_ENUM("role", struct user_form, role, role_codes, NL_SPEC_REQUIRED),
	NL_SPEC_INT("institution_id", struct user_form, institution_id, 1, INT64_MAX, 0),
	NL_SPEC_TEXT("password", struct user_form, password, NL_PASSWORD_MIN, NL_PASSWORD_MAX,
	             NL_SPEC_SECRET),
	NL_SPEC_END,
};

static json_t *users_json(struct nl_req *r, nl_err *e)
{
	struct nl_user *items = NULL;
	size_t n = 0;
	*e = nl_staff_users(nl_app_of(r), 0, &items, &n);
	if (*e)
		return NULL;
	json_t *a = json_array();
	for (size_t i = 0; a && i < n; i++)
		json_array_append_new(a, json_pack(
			"{s:I, s:s, s:s, s:I, s:b, s:b, s:b}", "id", (json_int_t)items[i].id,
			"username", items[i].username, "role", nl_user_role_code(items[i].role),
			"institution_id", (json_int_t)items[i].institution_id,
			"active", items[i].active, "locked", items[i].locked_until > r->now,
			"self", items[i].id == r->session.s.subject_id));
	nl_user_list_free(items, n);
	return a;
}

static void render_users(struct nl_req *r, int status, json_t *form, const char *notice,
                         const char *password)
{
	nl_err e = NL_OK, e2 = NL_OK;
	json_t *list = users_json(r, &e);
	json_t *insts = list ? institutions_json(r, &e2) : NULL;
	json_t *d = list && insts ? nl_admin_page_data(r, "Staff Accounts") : NULL;
	if (!d) {
		json_decref(list);
		json_decref(insts);
		json_decref(form);
		nl_resp_error(r, e ? e : e2 ? e2 : NL_ERR_NOMEM, NULL);
		return;
	}
	json_t *roles = json_array();
	const char *sel = json_string_value(json_object_get(json_object_get(form, "values"), "role"));
	for (size_t i = 0; roles && role_codes[i]; i++)
		json_array_append_new(roles, json_pack("{s:s, s:b}", "value", role_codes[i], "selected",
		                                       sel && !strcmp(sel, role_codes[i])));
	json_object_set_new(d, "users", list);
	json_object_set_new(d, "institutions", insts);
	json_object_set_new(d, "roles", roles);
	json_object_set_new(d, "form", form ? form : json_object());
	if (notice)
		json_object_set_new(d, "notice", json_string(notice));
	if (password)
		json_object_set_new(d, "password", json_string(password));
	nl_page_respond(r, status, "yonetim/users", d);
}

void nl_h_admin_users(struct nl_req *r)
{
	render_users(r, 200, NULL, NULL, NULL);
}

static const char *staff_msgid(const char *code)
{
	if (!strcmp(code, "username_chars"))
		return "Use 3 to 64 of a-z, 0-9, dot, underscore and hyphen.";
	if (!strcmp(code, "institution_required"))
		return "An institution officer needs an institution.";
	return nl_field_msgid(code);
}

void nl_h_admin_user_add(struct nl_req *r)
{
	struct user_form f;
	struct nl_spec_result res;
	nl_err e = nl_spec_parse(r->arena, user_spec, r->content_type_full, r->body, r->body_len,
	                         &f, &res);
	json_t *form = nl_spec_form_json(user_spec, &res, r->lang);
	if (e) {
		render_users(r, 400, form, NULL, NULL);
		return;
	}
	enum nl_user_role role = 0;
	nl_user_role_parse(role_codes[f.role], &role);
	char generated[NL_GENERATED_PASSWORD_LEN + 1] = "";
	if (!f.password) {
		nl_random_access_password(NL_GENERATED_PASSWORD_LEN, generated);
		f.password = generated;
	}
	const char *why = NULL;
	int64_t id = 0;
	e = nl_staff_user_add(nl_app_of(r), f.username, f.password, role, f.institution_id,
	                      admin_actor(r), &id, &why);
	if (e == NL_ERR_INVALID || e == NL_ERR_CONFLICT || e == NL_ERR_NOT_FOUND) {
		const char *field = e == NL_ERR_INVALID && why && !strcmp(why, "institution_required")
		                    ? "institution_id" : e == NL_ERR_NOT_FOUND ? "institution_id"
		                    : "username";
		const char *msgid = e == NL_ERR_CONFLICT ? "This user name is taken."
		                    : e == NL_ERR_NOT_FOUND ? "There is no such institution."
		                    : staff_msgid(why ? why : "invalid");
		nl_kurum_form_add_error(r, form, field, why ? why : "invalid", msgid);
		sodium_memzero(generated, sizeof generated);
		render_users(r, e == NL_ERR_CONFLICT ? 409 : 400, form, NULL, NULL);
		return;
	}
	json_decref(form);
	if (e) {
		sodium_memzero(generated, sizeof generated);
		nl_resp_error(r, e, NULL);
		return;
	}
	char msg[300];
	snprintf(msg, sizeof msg, "%s (%s)", nl_page_tr(r, "The account was added."), f.username);
	/* A generated password is shown once, on this page only (no-store). */
	render_users(r, 200, NULL, msg, generated[0] ? generated : NULL);
	sodium_memzero(generated, sizeof generated);
}

struct active_form {
	bool active;
};

static const struct nl_spec active_spec[] = {
	NL_SPEC_BOOL("active", struct active_form, active, 0),
	NL_SPEC_END,
};

void nl_h_admin_user_active(struct nl_req *r)
{
	struct active_form f;
	struct nl_spec_result res;
	int64_t id;
	struct nl_user u;
	if (nl_req_param_id(r, "id", &id) != NL_OK) {
		nl_resp_error(r, NL_ERR_NOT_FOUND, NULL);
		return;
	}
	nl_err e = nl_spec_parse(r->arena, active_spec, r->content_type_full, r->body, r->body_len,
	                         &f, &res);
	if (e) {
		nl_resp_error(r, e == NL_ERR_NOMEM ? e : NL_ERR_INVALID, NULL);
		return;
	}
	/* An administrator cannot lock himself out. */
	if (id == r->session.s.subject_id && !f.active) {
		render_users(r, 409, NULL, nl_page_tr(r, "You cannot disable your own account."), NULL);
		return;
	}
	e = nl_staff_user(nl_app_of(r), id, &u);
	if (e == NL_OK) {
		e = nl_staff_user_set_active(nl_app_of(r), u.username, f.active, admin_actor(r));
		nl_user_clear(&u);
	}
	if (e) {
		nl_resp_error(r, e, NULL);
		return;
	}
	nl_resp_redirect(r, "/yonetim/kullanicilar");
}
