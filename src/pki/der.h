/* A small DER writer for the extensions we encode ourselves (qc.c; errors
 * poison the buffer, oom, so callers check once at the end) and a small
 * reader for the linters (der_read.c). */
#ifndef NL_PKI_DER_H
#define NL_PKI_DER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

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

/* A span of DER being read: [p, end). */
struct nl_der_rd {
	const uint8_t *p, *end;
};

/* Reads the next TLV of d: its tag, its content in c; *start (may be NULL)
 * where the TLV began. Definite lengths in their shortest form only (DER);
 * false on anything else or a length past the end. */
bool nl_der_next(struct nl_der_rd *d, unsigned *tag, struct nl_der_rd *c, const uint8_t **start);

#endif
