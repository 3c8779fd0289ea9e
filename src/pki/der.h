/* A small DER writer for the extensions we encode ourselves (qc.c). Errors
 * poison the buffer (oom) so callers check once at the end. */
#ifndef NL_PKI_DER_H
#define NL_PKI_DER_H

#include <stdbool.h>
#include <stddef.h>

#include "core/buf.h"
#include "core/err.h"

void nl_der_header(nl_buf *b, unsigned tag, size_t len);
void nl_der_wrap(nl_buf *out, unsigned tag, const nl_buf *inner);
void nl_der_string(nl_buf *out, unsigned tag, const char *s);
bool nl_der_oid(nl_buf *out, const char *dotted);
/* certificatePolicies: each provider OID (space- or comma-separated), the
 * first with the CPS URI and the user notice (either may be NULL or ""),
 * then QCP-n-qscd. */
NL_MUST_USE nl_err nl_pki_policies_der(const char *provider_oids, const char *cps_url, const char *notice,
                           nl_buf *out);

#endif
