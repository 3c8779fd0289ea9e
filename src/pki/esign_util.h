/* Internal to src/pki: helpers shared by card.c, cms_verify.c and
 * ocsp_client.c (esign.h). */
#ifndef NL_PKI_ESIGN_UTIL_H
#define NL_PKI_ESIGN_UTIL_H

#include "pki/esign.h"
#include "pki/pki_internal.h"

int64_t nl_esign_asn1_epoch(const ASN1_TIME *t);
/* Fills the description of a certificate (subject, serialNumber, ...). */
void nl_esign_describe(X509 *x, struct nl_card_cert *out);
/* True when the qcStatements extension holds QcCompliance (0.4.0.1862.1.1). */
bool nl_esign_has_qc_compliance(X509 *x);

#endif
