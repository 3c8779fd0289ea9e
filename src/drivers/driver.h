/* What every outside-system driver shares.
 *
 * The driver pattern (docs/drivers.md): each outside system has an interface
 * struct of function pointers plus an opaque `self`, a real driver speaking a
 * real protocol and a built-in simulator, chosen by the configuration
 * (`[mail] driver = smtp|simulator`). Callers hold only the interface, so a test
 * can hand in its own implementation (a driver that fails on purpose, say).
 *
 * Threads: a driver instance is shared by every thread; the real drivers open a
 * fresh libcurl handle per call and keep no mutable state, the simulators lock
 * what they change. */
#ifndef NL_DRIVERS_DRIVER_H
#define NL_DRIVERS_DRIVER_H

#include <stdbool.h>
#include <stddef.h>

#include "core/err.h"

/* Why a call to an outside system failed, for the outbox's last_error column and
 * the logs (never for end users: it may name hosts). `permanent` means trying
 * again cannot help (the mail server refused the mailbox, the gateway rejected
 * the number), so the outbox gives up at once instead of backing off. */
struct nl_drv_error {
	char msg[256];
	bool permanent;
};

/* Sets e->msg with printf formatting; e may be NULL. Returns `code` so a driver
 * can write `return nl_drv_fail(e, NL_ERR_IO, "...")`. */
NL_MUST_USE nl_err nl_drv_fail(struct nl_drv_error *e, nl_err code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void nl_drv_error_clear(struct nl_drv_error *e);

/* libcurl's process-wide initialisation; idempotent and thread-safe. Every
 * real driver's constructor calls it. */
NL_MUST_USE nl_err nl_drv_curl_init(void);

/* Parses config values the same way for every driver. */
bool nl_drv_parse_bool(const char *v, bool *out);        /* true/false/yes/no/on/off/1/0 */
bool nl_drv_parse_long(const char *v, long min, long max, long *out);

/* Copies v into a fixed config field; NL_ERR_CONFIG when it does not fit
 * (a truncated URL or password would fail later and more obscurely). */
NL_MUST_USE nl_err nl_drv_set_str(char *dst, size_t cap, const char *v);

/* The connection settings every real driver has (SMTP and HTTPS alike):
 * pointers into the driver's own config struct. */
struct nl_drv_conn_fields {
	char *user;
	size_t user_cap;
	char *password;
	size_t password_cap;
	char *ca_file;
	size_t ca_file_cap;
	bool *tls_verify;
	long *timeout_ms;
	long *connect_timeout_ms;
};

/* Sets one of user, password, ca_file, tls_verify, timeout_ms,
 * connect_timeout_ms; NL_ERR_NOT_FOUND for any other key, NL_ERR_CONFIG for
 * a bad value. */
NL_MUST_USE nl_err nl_drv_conn_set(const struct nl_drv_conn_fields *f, const char *key, const char *value);

#endif
