/* Route matching over the server's route table (pages/routes.c installs it). */
#ifndef NL_HTTP_ROUTER_H
#define NL_HTTP_ROUTER_H

#include <stddef.h>

#include "core/arena.h"
#include "http/http.h"

enum nl_route_result {
	NL_ROUTE_FOUND = 0,
	NL_ROUTE_NOT_FOUND,      /* 404 */
	NL_ROUTE_BAD_METHOD,     /* 405; *allowed has the methods the path accepts */
};

/* Finds the row for method + path (decoded, starting with '/'). On FOUND, *params
 * (in arena a) receives the {name} segments. A literal segment beats a {param}
 * segment at the first place where two matching patterns differ. HEAD must be
 * passed as NL_GET. */
enum nl_route_result nl_route_match(const struct nl_route *table, size_t n, unsigned method,
                                    const char *path, nl_arena *a,
                                    const struct nl_route **out, struct nl_kv **params,
                                    size_t *n_params, unsigned *allowed);

/* "GET, HEAD, POST" for an Allow header, into arena a. */
const char *nl_route_allow_header(unsigned allowed, nl_arena *a);

/* Checks the table at start: patterns well-formed, no duplicate method+pattern.
 * Returns NL_ERR_CONFIG with a message in err. */
NL_MUST_USE nl_err nl_routes_check(const struct nl_route *table, size_t n, char *err, size_t err_size);

#endif
