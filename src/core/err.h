/* Errors are values: every internal function returns enum nl_err, 0 is success.
 * Errors that reach a user or an API client are mapped, in one table (err.c), to
 * a stable code string, an HTTP status and a translatable message id. */
#ifndef NL_CORE_ERR_H
#define NL_CORE_ERR_H

typedef enum nl_err {
	NL_OK = 0,
	NL_ERR_NOMEM,         /* allocation failed */
	NL_ERR_INVALID,       /* input failed validation */
	NL_ERR_NOT_FOUND,     /* no such thing (or not visible to the caller) */
	NL_ERR_CONFLICT,      /* unique key, duplicate, already done */
	NL_ERR_FORBIDDEN,     /* caller may not do this */
	NL_ERR_UNAUTHORIZED,  /* caller is not logged in / bad credentials */
	NL_ERR_TRANSITION,    /* state change not allowed by the transition table */
	NL_ERR_LOCKED,        /* too many failures: temporarily locked */
	NL_ERR_EXPIRED,       /* code, session or form has expired */
	NL_ERR_TOO_LARGE,     /* body or file over the limit */
	NL_ERR_CSRF,          /* missing or wrong CSRF token */
	NL_ERR_RATE_LIMIT,    /* too many requests of this kind */
	NL_ERR_BUSY,          /* transient: database busy or serialization failure; retry */
	NL_ERR_DB,            /* database error that is not transient */
	NL_ERR_IO,            /* file, socket or outside-system failure */
	NL_ERR_CRYPTO,        /* OpenSSL / PKCS#11 failure */
	NL_ERR_CONFIG,        /* configuration is wrong */
	NL_ERR_INTERNAL,      /* a bug: should not happen */
	NL_ERR_UNAVAILABLE,   /* the database cannot be reached (down, disk failing): try later */
	NL_ERR__COUNT
} nl_err;

/* Every function that returns nl_err carries NL_MUST_USE: an error nobody looks
 * at is a bug waiting (tests/unit/must_use_check.sh keeps the rule). Where a
 * caller truly has nothing to do with a failure (best-effort clean-up, a log
 * line), it says so with nl_err_ignore(), because gcc does not let a (void)
 * cast silence the attribute. */
#define NL_MUST_USE __attribute__((warn_unused_result))

static inline void nl_err_ignore(nl_err e) { (void)e; }

/* Row of the public error table. `code` is stable API (never rename one). */
struct nl_err_info {
	const char *code;     /* e.g. "invalid_input" */
	int http_status;      /* e.g. 400 */
	const char *msgid;    /* English message, also the gettext msgid */
};

const struct nl_err_info *nl_err_info(nl_err e);
const char *nl_err_code(nl_err e);
int nl_err_http_status(nl_err e);

#endif
