/* The public repository (/dizin, /repo): the certificate directory, a
 * published certificate, the newest CRL's times. Only published person
 * certificates are public. */
#ifndef NL_APP_REPOSITORY_H
#define NL_APP_REPOSITORY_H

#include <stdint.h>

#include "app/app.h"
#include "core/err.h"
#include "store/store_certs.h"

/* Published person certificates whose common name contains q (ASCII case
 * ignored) or whose e-mail equals q, at most limit, each to fn.
 * NL_ERR_INVALID for a query that cannot be searched. */
NL_MUST_USE nl_err nl_repo_search(const struct nl_app *app, const char *q, int limit, nl_cert_fn fn,
                      void *ctx);

/* A published person certificate by serial (upper-case hex); nl_cert_row_clear
 * it. NL_ERR_NOT_FOUND for an unknown or unpublished one alike. */
NL_MUST_USE nl_err nl_repo_cert(const struct nl_app *app, const char *serial, struct nl_cert_row *out);

/* thisUpdate and nextUpdate of the newest CRL; NL_ERR_NOT_FOUND if none. */
NL_MUST_USE nl_err nl_repo_crl_times(const struct nl_app *app, int64_t *this_update, int64_t *next_update);

#endif
