/* CRLs (RFC 5280 section 5): complete lists with a CRL number and next update,
 * and delta CRLs (5.2.4) that list what changed since a complete one. */
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

/* The unsigned TBSCertList of a complete CRL; the signer signs it with
 * nl_pki_sign_crl. */
NL_MUST_USE nl_err nl_pki_crl_tbs(const nl_pki_cert *issuer, const struct nl_revoked *r, size_t n,
                      int64_t crl_number, int64_t this_update, int64_t next_update, nl_buf *tbs);

/* The same with the delta CRL extensions (RFC 5280 5.2.4, 5.2.6). */
struct nl_crl_opts {
	int64_t number, this_update, next_update;
	int64_t base_number;     /* > 0: a delta CRL (critical deltaCRLIndicator) based
	                            on the complete CRL of this number; entries may then
	                            carry removeFromCRL. 0: a complete CRL */
	const char *freshest;    /* a complete CRL's freshestCRL: where its deltas are
	                            published; NULL: none */
};
NL_MUST_USE nl_err nl_pki_crl_tbs_opts(const nl_pki_cert *issuer, const struct nl_revoked *r, size_t n,
                           const struct nl_crl_opts *o, nl_buf *tbs);

/* The signer's CRL linter (crl_lint.c): the TBSCertList is DER that ends where
 * it should, v2, signed with the algorithm of the issuer's key, issued by this
 * CA, thisUpdate before nextUpdate; each entry a positive serial of at most 20
 * octets with a time and at most a reasonCode / invalidityDate (reasonCode not
 * unspecified, not 7, removeFromCRL only in a delta CRL); extensions AKI (the
 * CA's key), cRLNumber, and only deltaCRLIndicator (critical, base below the
 * number) or freshestCRL (non-critical, complete CRLs only), each once.
 * NL_OK, or NL_ERR_INVALID with every failure in *out; *is_delta (may be NULL)
 * tells which kind it is. It walks the bytes once: a list of millions stays
 * cheap. */
NL_MUST_USE nl_err nl_pki_crl_lint(const void *tbs, size_t len, const nl_pki_cert *issuer,
                       struct nl_lint *out, bool *is_delta);

/* Calls fn for each entry of a signed CRL (CertificateList DER, not
 * verified: the caller's own stored list) with the serial's big-endian bytes
 * (leading zeros stripped), its revocationDate and its reasonCode (0 when
 * absent).
 * NL_ERR_INVALID for bytes that are not a CRL. */
typedef nl_err (*nl_crl_entry_fn)(void *ctx, const uint8_t *serial, size_t len, int64_t revoked_at,
                                  int reason);
NL_MUST_USE nl_err nl_pki_crl_each(const void *der, size_t len, nl_crl_entry_fn fn, void *ctx);
/* NL_OK if tbs is a TBSCertList whose issuer is this CA's subject. */
NL_MUST_USE nl_err nl_pki_crl_check(const void *tbs, size_t len, const nl_pki_cert *issuer);
/* Verifies a CRL signed by `issuer` and tells whether it lists `subject`'s
 * serial. NL_ERR_INVALID for a CRL that does not verify. */
NL_MUST_USE nl_err nl_pki_crl_lists(const void *der, size_t len, const nl_pki_cert *issuer,
                        const nl_pki_cert *subject, bool *listed);
/* AlgorithmIdentifier DER for signatures made by a key of this type. */
NL_MUST_USE nl_err nl_pki_sigalg_der(enum nl_key_type t, nl_buf *out);

#endif
