/* Institutions, staff accounts and API tokens: the use cases behind
 * `nitelik institution|user|token` and the admin pages under /yonetim, and the
 * staff login check behind /kurum/giris.
 *
 * Every change is one transaction with an audit record (entity "institution",
 * "user" or "api_token"; the actor is "cli:<login>" or "user:<id>").
 * Passwords are hashed with argon2id before the transaction; API tokens are 256
 * random bits shown once, stored only as SHA-256. This header does not include
 * store_persons.h, so web handlers may include it next to view/spec.h. */
#ifndef NL_APP_STAFF_H
#define NL_APP_STAFF_H

#include <stdbool.h>
#include <stdint.h>

#include "app/app.h"
#include "core/err.h"
#include "store/db.h"
#include "store/store_institutions.h"
#include "store/store_users.h"

#define NL_PASSWORD_MIN 10           /* characters of a staff password */
#define NL_PASSWORD_MAX 256
#define NL_USERNAME_MAX 64
#define NL_GENERATED_PASSWORD_LEN 16
#define NL_API_TOKEN_PREFIX "nlt_"   /* + 64 hex characters */
#define NL_API_TOKEN_LEN (4 + 64)

/* Adds an institution. NL_ERR_INVALID for a bad name (1..200 characters of
 * text), NL_ERR_CONFLICT when the name exists. *id may be NULL. */
NL_MUST_USE nl_err nl_staff_institution_add(const struct nl_app *app, const char *name, const char *registry_no,
                                const char *address, const char *actor, int64_t *id);
/* Activates or deactivates an institution (its officers and tokens stop working). */
NL_MUST_USE nl_err nl_staff_institution_set_active(const struct nl_app *app, int64_t id, bool active, const char *actor);

/* A user name is 3..64 of a-z 0-9 . _ - (lower case). Returns NULL or a reason code. */
const char *nl_staff_valid_username(const char *s);
/* A password is NL_PASSWORD_MIN..NL_PASSWORD_MAX characters of text. NULL or a code. */
const char *nl_staff_valid_password(const char *s);

/* Adds a staff account. A kurum (officer) needs an existing institution_id;
 * other roles may name one or not (0). NL_ERR_INVALID (bad user name, password
 * or role/institution combination; *why gets the reason code when why is not
 * NULL), NL_ERR_NOT_FOUND (no such institution), NL_ERR_CONFLICT (user name taken). */
NL_MUST_USE nl_err nl_staff_user_add(const struct nl_app *app, const char *username, const char *password,
                         enum nl_user_role role, int64_t institution_id, const char *actor,
                         int64_t *id, const char **why);
/* New password (also clears the lock-out). NL_ERR_NOT_FOUND for an unknown user. */
NL_MUST_USE nl_err nl_staff_user_passwd(const struct nl_app *app, const char *username, const char *password,
                            const char *actor, const char **why);
/* Disables (active false) or enables an account. */
NL_MUST_USE nl_err nl_staff_user_set_active(const struct nl_app *app, const char *username, bool active, const char *actor);

/* A new API token for an institution: writes the token (NL_API_TOKEN_LEN
 * characters + NUL) to token_out, to be shown once. *id may be NULL. */
NL_MUST_USE nl_err nl_staff_token_add(const struct nl_app *app, int64_t institution_id, const char *name, const char *actor,
                          char token_out[NL_API_TOKEN_LEN + 1], int64_t *id);
/* Deactivates a token for good (audited). NL_ERR_NOT_FOUND if there is none. */
NL_MUST_USE nl_err nl_staff_token_revoke(const struct nl_app *app, int64_t token_id, const char *actor);
/* Checks a bearer token: NL_OK with the token id and its institution, or
 * NL_ERR_UNAUTHORIZED (unknown, revoked, malformed, inactive institution). */
NL_MUST_USE nl_err nl_staff_token_check(const struct nl_app *app, const char *token, int64_t now, int64_t *token_id,
                            int64_t *institution_id);

/* Staff login. NL_OK fills *out (caller clears it with nl_user_clear).
 * NL_ERR_UNAUTHORIZED for an unknown user, a wrong password or a disabled
 * account (the same answer for all: the hash is checked against a dummy when
 * there is no account, so the time is the same too); NL_ERR_LOCKED while the
 * account is locked (users.locked_until; the password is not even checked).
 * Wrong passwords are not counted here: the staff door's throttle
 * (throttle.h: per user name and address, a higher per-name ceiling, growing
 * locks) is the lock-out rule, so a stranger typing wrong passwords locks out
 * his own address, not the account (docs/officer.md). A right password clears
 * a count or lock left from before. */
NL_MUST_USE nl_err nl_staff_login(const struct nl_app *app, const char *username, const char *password, int64_t now,
                      struct nl_user *out);

/* ---- reading (staff_read.c) ---- */

/* One account (nl_user_clear it); NL_ERR_NOT_FOUND when there is none. */
NL_MUST_USE nl_err nl_staff_user(const struct nl_app *app, int64_t id, struct nl_user *out);
/* The accounts of one institution, or all when institution_id is 0, by user
 * name; free with nl_user_list_free. */
NL_MUST_USE nl_err nl_staff_users(const struct nl_app *app, int64_t institution_id, struct nl_user **items,
                      size_t *n);
/* One institution (nl_institution_clear it); NL_ERR_NOT_FOUND when none. */
NL_MUST_USE nl_err nl_staff_institution(const struct nl_app *app, int64_t id, struct nl_institution *out);
/* Every institution; free with nl_institution_list_free. */
NL_MUST_USE nl_err nl_staff_institutions(const struct nl_app *app, struct nl_institution **items, size_t *n);
/* The institution an API token (by id, as nl_staff_token_check gave it)
 * acts for; NL_ERR_NOT_FOUND when there is no such token. */
NL_MUST_USE nl_err nl_staff_token_institution(const struct nl_app *app, int64_t token_id,
                                  int64_t *institution_id);

#endif
