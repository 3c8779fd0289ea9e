/* CRLs (RFC 5280 section 5): full lists with a CRL number and next update. */
#ifndef NL_PKI_CRL_H
#define NL_PKI_CRL_H

#include "pki/pki.h"

/* RFC 5280 CRLReason codes. */
enum nl_crl_reason {
	NL_REASON_UNSPECIFIED = 0, NL_REASON_KEY_COMPROMISE = 1, NL_REASON_CA_COMPROMISE = 2,
	NL_REASON_AFFILIATION_CHANGED = 3, NL_REASON_SUPERSEDED = 4,
	NL_REASON_CESSATION = 5, NL_REASON_HOLD = 6, NL_REASON_REMOVE_FROM_CRL = 8,
	NL_REASON_PRIVILEGE_WITHDRAWN = 9, NL_REASON_AA_COMPROMISE = 10,
};
/* "keyCompromise" etc. (RFC 5280 names) -> code; -1 if unknown. */
int nl_crl_reason_parse(const char *s);
const char *nl_crl_reason_name(int code);
/* The reasonCode a CRL entry and an OCSP revokedInfo both carry for a stored
 * reason, one to one; -1: none, for unspecified (RFC 5280 5.3.1 advises to
 * omit it; RFC 6960 then leaves revocationReason out) and anything that is not
 * a CRLReason (7, out of range). */
int nl_crl_reason_ext(int reason);

struct nl_revoked {
	const uint8_t *serial;   /* big-endian bytes */
	size_t serial_len;
	int64_t revoked_at;
	int reason;              /* enum nl_crl_reason */
};

/* The unsigned TBSCertList; the signer signs it with nl_pki_sign_crl. */
NL_MUST_USE nl_err nl_pki_crl_tbs(const nl_pki_cert *issuer, const struct nl_revoked *r, size_t n,
                      int64_t crl_number, int64_t this_update, int64_t next_update, nl_buf *tbs);
/* NL_OK if tbs is a TBSCertList whose issuer is this CA's subject. */
NL_MUST_USE nl_err nl_pki_crl_check(const void *tbs, size_t len, const nl_pki_cert *issuer);
/* Verifies a CRL signed by `issuer` and tells whether it lists `subject`'s
 * serial. NL_ERR_INVALID for a CRL that does not verify. */
NL_MUST_USE nl_err nl_pki_crl_lists(const void *der, size_t len, const nl_pki_cert *issuer,
                        const nl_pki_cert *subject, bool *listed);
/* AlgorithmIdentifier DER for signatures made by a key of this type. */
NL_MUST_USE nl_err nl_pki_sigalg_der(enum nl_key_type t, nl_buf *out);

#endif
