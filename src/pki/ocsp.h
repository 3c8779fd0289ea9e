/* OCSP (RFC 6960, RFC 5019): request parsing, and responses built and signed
 * inside the signer from a small status description (nl_ocsp_status). */
#ifndef NL_PKI_OCSP_H
#define NL_PKI_OCSP_H

#include "pki/pki.h"

/* OCSPResponseStatus values for error answers. */
enum { NL_OCSP_MALFORMED = 1, NL_OCSP_INTERNAL = 2, NL_OCSP_TRY_LATER = 3, NL_OCSP_UNAUTHORIZED = 6 };
enum nl_ocsp_cert_status { NL_OCSP_GOOD = 0, NL_OCSP_REVOKED = 1, NL_OCSP_UNKNOWN = 2 };

#define NL_OCSP_MAX_REQUEST 4096   /* a single-certificate request is ~100 bytes */

struct nl_ocsp_req {
	char serial_hex[64];
	bool sha1;            /* CertID hashed with SHA-1 (the pre-signed cache's key) */
	nl_buf certid;        /* CertID DER, echoed in the response */
	nl_buf nonce;         /* nonce Extension DER, empty if none was asked */
};
void nl_ocsp_req_clear(struct nl_ocsp_req *r);

/* Parses a DER OCSPRequest for one certificate of `issuer`. NL_OK, or an error
 * with *ocsp_status set to the OCSPResponseStatus to answer: malformedRequest
 * for garbage, oversize input, more than one request or an unknown hash;
 * unauthorized for a certificate of another CA. */
NL_MUST_USE nl_err nl_pki_ocsp_parse(const void *der, size_t len, const nl_pki_cert *issuer,
                         struct nl_ocsp_req *out, int *ocsp_status);

/* What the signer is asked to sign: one SingleResponse. */
struct nl_ocsp_status {
	uint8_t status;       /* enum nl_ocsp_cert_status */
	uint8_t reason;       /* CRLReason when revoked; 0xff: none */
	int64_t revoked_at, this_update, next_update;
	nl_buf certid;        /* CertID DER; empty: SHA-1 CertID of serial_hex */
	nl_buf nonce;         /* nonce Extension DER or empty */
	char serial_hex[64];
};
void nl_ocsp_status_clear(struct nl_ocsp_status *s);
/* Wire form of nl_ocsp_status for the signer protocol. */
NL_MUST_USE nl_err nl_ocsp_status_encode(const struct nl_ocsp_status *s, nl_buf *out);
NL_MUST_USE nl_err nl_ocsp_status_decode(const void *p, size_t n, struct nl_ocsp_status *s);

/* Builds and signs a successful OCSPResponse (signer side). Refuses a CertID
 * whose issuer is not `issuer`. */
NL_MUST_USE nl_err nl_pki_ocsp_sign_status(nl_pki_key *k, const nl_pki_cert *responder,
                               const nl_pki_cert *issuer, const struct nl_ocsp_status *s,
                               nl_buf *response_der);

/* An unsuccessful OCSPResponse (no body), e.g. NL_OCSP_MALFORMED. */
NL_MUST_USE nl_err nl_pki_ocsp_error(int ocsp_status, nl_buf *response_der);

#endif
