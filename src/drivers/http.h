/* A small JSON-over-HTTP client on libcurl, shared by the HTTP drivers (SMS
 * gateway, population registry). One call = one fresh curl handle, so it is
 * safe from any thread. */
#ifndef NL_DRIVERS_HTTP_H
#define NL_DRIVERS_HTTP_H

#include <stdbool.h>

#include <jansson.h>

#include "drivers/driver.h"

/* Where and how to reach an HTTP endpoint; filled from the configuration. The
 * strings are plain values so a config struct can be copied freely. */
struct nl_http_endpoint {
	char url[512];
	char user[128];          /* HTTP basic auth when not empty */
	char password[256];
	char token[512];         /* "Authorization: Bearer" when not empty */
	char ca_file[512];       /* extra CA bundle; empty = the system's */
	bool tls_verify;         /* default true; false only for tests and demos */
	long timeout_ms;         /* whole request; default 10000 */
	long connect_timeout_ms; /* default 5000 */
};

void nl_http_endpoint_defaults(struct nl_http_endpoint *ep);
/* Sets one key (url, user, password, token, ca_file, tls_verify, timeout_ms,
 * connect_timeout_ms); NL_ERR_NOT_FOUND when the key is not one of these,
 * NL_ERR_CONFIG when the value is bad. */
NL_MUST_USE nl_err nl_http_endpoint_set(struct nl_http_endpoint *ep, const char *key, const char *value);

/* POSTs `body` (JSON text) to ep->url + path and returns the parsed JSON answer
 * in *out (caller frees with json_decref). Failures, with e->msg saying which:
 *   - transport (connect, timeout, TLS)           -> NL_ERR_IO
 *   - a status outside 2xx                        -> NL_ERR_IO (permanent for 400/422)
 *   - a body that is not a JSON object            -> NL_ERR_IO
 *   - a JSON object that says it is an error      -> NL_ERR_IO
 *     ("error" present and not null/false/"", "success" or "ok" false, or
 *     "status" one of "error", "fail", "failed")
 * The answer body is capped at 1 MiB. */
NL_MUST_USE nl_err nl_http_post_json(const struct nl_http_endpoint *ep, const char *path,
	const char *body, json_t **out, struct nl_drv_error *e);

/* True when a 2xx JSON answer still reports an error (the rules above); the
 * reason goes to *why (a pointer into root, valid while root lives). */
bool nl_http_json_is_error(const json_t *root, const char **why);

#endif
