/* Institutions, staff accounts, API tokens and the staff login (see staff.h). */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "app/pwhash_pool.h"
#include "app/login_dummy.h"
#include "app/staff.h"
#include "core/secret.h"
#include "core/validate.h"
#include "store/store_audit.h"
#include "store/store_institutions.h"
#include "store/store_staff_api.h"

static NL_MUST_USE nl_err audit(nl_conn *c, const char *actor, const char *entity, int64_t id,
                    const char *action, const char *to)
{
	struct nl_audit_rec rec = {
		.actor = actor ? actor : "", .entity = entity, .entity_id = id, .action = action,
		.from = "", .to = to ? to : "", .reason = "",
	};
	return nl_store_audit_append(c, &rec);
}

/* ---- institutions ---- */

struct inst_ctx {
	struct nl_institution i;
	const char *actor;
	bool active;
};

static NL_MUST_USE nl_err inst_add_tx(nl_conn *c, void *arg)
{
	struct inst_ctx *x = arg;
	nl_err e = nl_store_institution_create(c, &x->i);
	return e ? e : audit(c, x->actor, "institution", x->i.id, "create", x->i.name);
}

nl_err nl_staff_institution_add(const struct nl_app *app, const char *name, const char *registry_no,
                                const char *address, const char *actor, int64_t *id)
{
	nl_db *db = app->db;
	char empty[1] = "";
	char nm[801], reg[201], addr[2001];
	if (!name || nl_valid_text(name, 1, 200, false) ||
	    (registry_no && nl_valid_text(registry_no, 0, 50, false)) ||
	    (address && nl_valid_text(address, 0, 500, false)))
		return NL_ERR_INVALID;
	snprintf(nm, sizeof nm, "%s", name);
	snprintf(reg, sizeof reg, "%s", registry_no ? registry_no : empty);
	snprintf(addr, sizeof addr, "%s", address ? address : empty);
	struct inst_ctx x = {
		.i = {.name = nm, .registry_no = reg, .address = addr, .active = true},
		.actor = actor,
	};
	nl_err e = nl_store_run_tx(db, inst_add_tx, &x);
	if (e == NL_OK && id)
		*id = x.i.id;
	return e;
}

static NL_MUST_USE nl_err inst_active_tx(nl_conn *c, void *arg)
{
	struct inst_ctx *x = arg;
	struct nl_institution cur;
	nl_err e = nl_store_institution_get(c, x->i.id, &cur);
	if (e)
		return e;
	cur.active = x->active;
	e = nl_store_institution_update(c, &cur);
	nl_institution_clear(&cur);
	return e ? e : audit(c, x->actor, "institution", x->i.id, "active",
	                     x->active ? "active" : "inactive");
}

nl_err nl_staff_institution_set_active(const struct nl_app *app, int64_t id, bool active, const char *actor)
{
	nl_db *db = app->db;
	struct inst_ctx x = {.i = {.id = id}, .actor = actor, .active = active};
	return nl_store_run_tx(db, inst_active_tx, &x);
}

/* ---- users ---- */

const char *nl_staff_valid_username(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	if (n == 0)
		return "required";
	if (n < 3)
		return "too_short";
	if (n > NL_USERNAME_MAX)
		return "too_long";
	for (size_t i = 0; i < n; i++) {
		char ch = s[i];
		if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '.' || ch == '_' ||
		      ch == '-'))
			return "username_chars";
	}
	return NULL;
}

const char *nl_staff_valid_password(const char *s)
{
	if (!s || !*s)
		return "required";
	return nl_valid_text(s, NL_PASSWORD_MIN, NL_PASSWORD_MAX, false);
}

struct user_ctx {
	struct nl_user u;
	const char *actor;
	const char *username;
	const char *hash;
	bool active;
};

static NL_MUST_USE nl_err user_add_tx(nl_conn *c, void *arg)
{
	struct user_ctx *x = arg;
	if (x->u.institution_id) {
		struct nl_institution i;
		nl_err e = nl_store_institution_get(c, x->u.institution_id, &i);
		nl_institution_clear(&i);
		if (e)
			return e;
	}
	nl_err e = nl_store_user_create(c, &x->u);
	return e ? e : audit(c, x->actor, "user", x->u.id, "create", nl_user_role_code(x->u.role));
}

nl_err nl_staff_user_add(const struct nl_app *app, const char *username, const char *password,
                         enum nl_user_role role, int64_t institution_id, const char *actor,
                         int64_t *id, const char **why)
{
	nl_db *db = app->db;
	const char *r = nl_staff_valid_username(username);
	if (!r)
		r = nl_staff_valid_password(password);
	if (!r && !nl_user_role_code(role))
		r = "not_allowed";
	if (!r && role == NL_ROLE_KURUM && institution_id <= 0)
		r = "institution_required";
	if (r) {
		if (why)
			*why = r;
		return NL_ERR_INVALID;
	}
	char hash[NL_PWHASH_LEN], name[NL_USERNAME_MAX + 1];
	nl_err e = nl_secret_init();
	if (e || (e = nl_pwhash_hash(password, hash)))
		return e;
	snprintf(name, sizeof name, "%s", username);
	struct user_ctx x = {
		.u = {.username = name, .password_hash = hash, .role = role,
		      .institution_id = institution_id, .active = true},
		.actor = actor,
	};
	e = nl_store_run_tx(db, user_add_tx, &x);
	if (e == NL_OK && id)
		*id = x.u.id;
	return e;
}

static NL_MUST_USE nl_err user_passwd_tx(nl_conn *c, void *arg)
{
	struct user_ctx *x = arg;
	struct nl_user u;
	nl_err e = nl_store_user_get_by_username(c, x->username, &u);
	if (e)
		return e;
	int64_t uid = u.id;
	nl_user_clear(&u);
	if (x->hash) {
		if ((e = nl_store_user_set_password(c, uid, x->hash)) ||
		    (e = nl_store_user_login_ok(c, uid)))
			return e;
		return audit(c, x->actor, "user", uid, "password", "");
	}
	if ((e = nl_store_user_set_active(c, uid, x->active)))
		return e;
	return audit(c, x->actor, "user", uid, "active", x->active ? "active" : "disabled");
}

nl_err nl_staff_user_passwd(const struct nl_app *app, const char *username, const char *password,
                            const char *actor, const char **why)
{
	nl_db *db = app->db;
	const char *r = nl_staff_valid_password(password);
	if (r) {
		if (why)
			*why = r;
		return NL_ERR_INVALID;
	}
	char hash[NL_PWHASH_LEN];
	nl_err e = nl_secret_init();
	if (e || (e = nl_pwhash_hash(password, hash)))
		return e;
	struct user_ctx x = {.actor = actor, .username = username, .hash = hash};
	return nl_store_run_tx(db, user_passwd_tx, &x);
}

nl_err nl_staff_user_set_active(const struct nl_app *app, const char *username, bool active, const char *actor)
{
	nl_db *db = app->db;
	struct user_ctx x = {.actor = actor, .username = username, .active = active};
	return nl_store_run_tx(db, user_passwd_tx, &x);
}

/* ---- API tokens ---- */

struct token_ctx {
	struct nl_api_token t;
	uint8_t hash[NL_TOKEN_HASH_LEN];
	const char *actor;
};

static NL_MUST_USE nl_err token_add_tx(nl_conn *c, void *arg)
{
	struct token_ctx *x = arg;
	struct nl_institution i;
	nl_err e = nl_store_institution_get(c, x->t.institution_id, &i);
	nl_institution_clear(&i);
	if (e || (e = nl_store_api_token_create(c, &x->t, x->hash)))
		return e;
	return audit(c, x->actor, "api_token", x->t.id, "create", x->t.prefix);
}

nl_err nl_staff_token_add(const struct nl_app *app, int64_t institution_id, const char *name, const char *actor,
                          char token_out[NL_API_TOKEN_LEN + 1], int64_t *id)
{
	nl_db *db = app->db;
	char label[201];
	if (name && nl_valid_text(name, 0, 100, false))
		return NL_ERR_INVALID;
	nl_err e = nl_secret_init();
	if (e)
		return e;
	snprintf(label, sizeof label, "%s", name ? name : "");
	memcpy(token_out, NL_API_TOKEN_PREFIX, 4);
	nl_random_hex(32, token_out + 4);
	struct token_ctx x = {.t = {.institution_id = institution_id, .name = label}, .actor = actor};
	snprintf(x.t.prefix, sizeof x.t.prefix, "%.12s", token_out);
	crypto_hash_sha256(x.hash, (const unsigned char *)token_out, NL_API_TOKEN_LEN);
	e = nl_store_run_tx(db, token_add_tx, &x);
	if (e == NL_OK && id)
		*id = x.t.id;
	if (e)
		sodium_memzero(token_out, NL_API_TOKEN_LEN + 1);
	return e;
}

static NL_MUST_USE nl_err token_revoke_tx(nl_conn *c, void *arg)
{
	struct token_ctx *x = arg;
	nl_err e = nl_store_api_token_revoke(c, x->t.id);
	return e ? e : audit(c, x->actor, "api_token", x->t.id, "revoke", "");
}

nl_err nl_staff_token_revoke(const struct nl_app *app, int64_t token_id, const char *actor)
{
	nl_db *db = app->db;
	struct token_ctx x = {.t = {.id = token_id}, .actor = actor};
	return nl_store_run_tx(db, token_revoke_tx, &x);
}

nl_err nl_staff_token_check(const struct nl_app *app, const char *token, int64_t now, int64_t *token_id,
                            int64_t *institution_id)
{
	nl_db *db = app->db;
	if (!token || strlen(token) != NL_API_TOKEN_LEN || strncmp(token, NL_API_TOKEN_PREFIX, 4))
		return NL_ERR_UNAUTHORIZED;
	uint8_t hash[NL_TOKEN_HASH_LEN];
	nl_conn *c;
	struct nl_api_token t;
	/* Looked up by hash (an index lookup): no secret is compared byte by byte. */
	crypto_hash_sha256(hash, (const unsigned char *)token, NL_API_TOKEN_LEN);
	nl_err e = nl_db_conn(db, &c);
	if (e == NL_OK)
		e = nl_store_api_token_use(c, hash, now, &t);
	if (e == NL_ERR_NOT_FOUND)
		return NL_ERR_UNAUTHORIZED;
	if (e)
		return e;
	*token_id = t.id;
	*institution_id = t.institution_id;
	nl_api_token_clear(&t);
	return NL_OK;
}

/* ---- login ---- */

nl_err nl_staff_login(const struct nl_app *app, const char *username, const char *password, int64_t now,
                      struct nl_user *out)
{
	nl_db *db = app->db;
	nl_conn *c;
	memset(out, 0, sizeof *out);
	nl_err e = nl_secret_init();
	if (e || (e = nl_db_conn(db, &c)))
		return e;
	/* Failing to make it costs only the timing equality (the hash is ""). */
	const char *dummy_hash;
	nl_err_ignore(nl_login_dummy_hash(&dummy_hash));
	if (!username || !password || strlen(username) > NL_USERNAME_MAX ||
	    strlen(password) > NL_PASSWORD_MAX) {
		nl_pwhash_verify(dummy_hash, "x");
		return NL_ERR_UNAUTHORIZED;
	}
	e = nl_store_user_get_by_username(c, username, out);
	if (e == NL_ERR_NOT_FOUND) {
		nl_pwhash_verify(dummy_hash, password);
		return NL_ERR_UNAUTHORIZED;
	}
	if (e)
		return e;
	if (out->locked_until > now) {
		e = NL_ERR_LOCKED;
		goto fail;
	}
	bool ok = nl_pwhash_verify(out->password_hash, password);
	if (!ok || !out->active) {
		e = NL_ERR_UNAUTHORIZED;
		goto fail;
	}
	if (out->failed_logins || out->locked_until)
		nl_err_ignore(nl_store_user_login_ok(c, out->id));   /* clearing old counters is best effort */
	return NL_OK;
fail:
	nl_user_clear(out);
	return e;
}
