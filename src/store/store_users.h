/* Staff accounts: administrators, institution officers, registration officers,
 * production operators and auditors. Passwords are stored only as argon2id
 * hashes (encoded text from libsodium); hashing and checking is the caller's. */
#ifndef NL_STORE_USERS_H
#define NL_STORE_USERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "store/db.h"

enum nl_user_role {
	NL_ROLE_ADMIN = 1,    /* "admin": yönetici */
	NL_ROLE_KURUM,        /* "kurum": institution officer (has institution_id) */
	NL_ROLE_RA,           /* "ra": registration officer (kayıt görevlisi) */
	NL_ROLE_PRODUCTION,   /* "production": üretim */
	NL_ROLE_AUDITOR,      /* "auditor": denetçi, read-only */
};

const char *nl_user_role_code(enum nl_user_role r);   /* NULL if invalid */
bool nl_user_role_parse(const char *code, enum nl_user_role *out);

struct nl_user {
	int64_t id;
	char *username;
	char *password_hash;      /* argon2id encoded string */
	enum nl_user_role role;
	int64_t institution_id;   /* 0 = none */
	int64_t failed_logins;
	int64_t locked_until;     /* epoch seconds; 0 = not locked */
	bool active;
	int64_t created_at;
	int64_t updated_at;
};

/* Frees the strings and zeroes the struct (structs filled by the store own
 * their malloc'd strings). */
void nl_user_clear(struct nl_user *u);
void nl_user_list_free(struct nl_user *items, size_t n);

/* Inserts u (username, password_hash, role, institution_id, active); sets id and
 * times. NL_ERR_CONFLICT if the username exists. */
NL_MUST_USE nl_err nl_store_user_create(nl_conn *c, struct nl_user *u);
NL_MUST_USE nl_err nl_store_user_get(nl_conn *c, int64_t id, struct nl_user *out);
NL_MUST_USE nl_err nl_store_user_get_by_username(nl_conn *c, const char *username, struct nl_user *out);
/* Users of one institution, or all when institution_id is 0, by username. */
NL_MUST_USE nl_err nl_store_user_list(nl_conn *c, int64_t institution_id, struct nl_user **items, size_t *n);
NL_MUST_USE nl_err nl_store_user_set_password(nl_conn *c, int64_t id, const char *password_hash);
NL_MUST_USE nl_err nl_store_user_set_active(nl_conn *c, int64_t id, bool active);

/* Counts a failed login in one statement (no lost updates between nodes). When
 * the count reaches max_failures the account is locked until now+lock_seconds
 * and the count starts again. *failed / *locked_until (may be NULL) receive
 * the new values. */
NL_MUST_USE nl_err nl_store_user_login_failed(nl_conn *c, int64_t id, int64_t now, int64_t max_failures,
                                  int64_t lock_seconds, int64_t *failed, int64_t *locked_until);
/* A successful login clears the count and the lock. */
NL_MUST_USE nl_err nl_store_user_login_ok(nl_conn *c, int64_t id);

#endif
