/* Internal to the e-İmza use case (esign_verify.c): the certificate's
 * revocation status with its evidence. */
#ifndef NL_APP_ESIGN_STATUS_H
#define NL_APP_ESIGN_STATUS_H

#include "app/app.h"
#include "core/buf.h"
#include "pki/ca_store.h"
#include "pki/esign.h"

enum nl_cert_verdict { NL_CERT_GOOD = 0, NL_CERT_REVOKED, NL_CERT_SUSPENDED, NL_CERT_UNKNOWN };

/* Asks about signer (issued by issuer). ca: our CA (NULL when there is none).
 * kind gets "ocsp", "crl" or "store"; evidence the response, CRL or a line of
 * text (the caller frees it). NL_OK with *verdict, or an infrastructure error. */
NL_MUST_USE nl_err nl_esign_cert_status(const struct nl_app *app, const struct nl_ca *ca,
                            const nl_pki_cert *signer, const nl_pki_cert *issuer, int64_t now,
                            enum nl_cert_verdict *verdict, const char **kind, nl_buf *evidence);

#endif
