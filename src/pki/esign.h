/* Electronic signatures of persons (SPEC §5; docs/esign.md):
 *   - the card side, for the signing application nitelik-imza: open a PKCS#11
 *     token, list its certificates, log in with the PIN (tries left from the
 *     token's flags), sign a CMS / CAdES-BES with the key kept on the card;
 *   - the server side: verify such a CMS against the text issued, a trust list
 *     and the time of signing, and ask OCSP (or a CRL) about the certificate.
 *
 * Ownership: nl_card_open -> nl_card_close; nl_pki_trust_new -> nl_pki_trust_free;
 * struct nl_cms_signed is cleared by nl_cms_signed_clear; every nl_buf filled
 * here is the caller's. */
#ifndef NL_PKI_ESIGN_H
#define NL_PKI_ESIGN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pki/pki.h"

/* ---- the card (nitelik-imza) ---- */
typedef struct nl_card nl_card;

struct nl_card_cert {
	char subject[256];        /* one line, RFC 2253 */
	char common_name[128];
	char serial_attr[64];     /* subject serialNumber: "PNOTR-10000000146" (ETSI) or
	                             "10000000146" (bare, as Kamu SM issues it) */
	char serial_hex[64];
	char issuer_cn[128];
	int64_t not_before, not_after;
	bool qualified;           /* QcCompliance and nonRepudiation */
};

/* PIN state from the token's flags (CKF_USER_PIN_*); tokens that do not count
 * (SoftHSM2) report none of these. */
enum { NL_PIN_COUNT_LOW = 1, NL_PIN_FINAL_TRY = 2, NL_PIN_LOCKED = 4 };

/* Loads the PKCS#11 module and opens the token labelled `token` (NULL: the
 * first initialised token holding a certificate). NL_ERR_CONFIG when the
 * module cannot be loaded, NL_ERR_NOT_FOUND when no such token is present. */
NL_MUST_USE nl_err nl_card_open(const char *module, const char *token, nl_card **out);
/* The same description of any certificate (the one code every reader of
 * certificates uses: card, CMS signer, tests on reference certificates). */
void nl_pki_cert_describe(const nl_pki_cert *c, struct nl_card_cert *out);
void nl_card_close(nl_card *card);
const char *nl_card_label(const nl_card *card);
size_t nl_card_cert_count(const nl_card *card);
const struct nl_card_cert *nl_card_cert_at(const nl_card *card, size_t i);
/* Re-reads the token's PIN flags. */
unsigned nl_card_pin_flags(nl_card *card);
/* Logs in: NL_OK; NL_ERR_UNAUTHORIZED for a wrong PIN (read nl_card_pin_flags
 * for the tries left); NL_ERR_LOCKED when the PIN is blocked. */
NL_MUST_USE nl_err nl_card_login(nl_card *card, const char *pin);
/* After login: a CMS SignedData (DER) over text, content attached, SHA-256,
 * signed attributes contentType, messageDigest, signingTime and
 * signing-certificate-v2 (CAdES-BES), signed by the private key of
 * certificate i, which never leaves the card. */
NL_MUST_USE nl_err nl_card_sign_cms(nl_card *card, size_t i, const void *text, size_t len, nl_buf *cms);
/* After login: a PKCS#10 request (PEM) for the card's first private key (or
 * the one labelled key_label), subject CN=cn, signed on the card. */
NL_MUST_USE nl_err nl_card_make_csr(nl_card *card, const char *key_label, const char *cn, nl_buf *pem);

/* ---- the trust list (server) ---- */
typedef struct nl_pki_trust nl_pki_trust;
NL_MUST_USE nl_err nl_pki_trust_new(nl_pki_trust **out);
void nl_pki_trust_free(nl_pki_trust *t);
/* Adds every certificate of a PEM file (roots and intermediates). */
NL_MUST_USE nl_err nl_pki_trust_add_file(nl_pki_trust *t, const char *path);
/* Adds every *.pem, *.crt and *.cer file of a folder. A missing folder is
 * NL_ERR_NOT_FOUND. */
NL_MUST_USE nl_err nl_pki_trust_add_dir(nl_pki_trust *t, const char *dir);
size_t nl_pki_trust_count(const nl_pki_trust *t);

/* ---- verifying a CMS (server) ---- */
enum nl_cms_result {
	NL_CMS_OK = 0,
	NL_CMS_BROKEN,            /* not a DER SignedData with one signer and its content */
	NL_CMS_BAD_SIGNATURE,     /* the signature does not verify */
	NL_CMS_TEXT_MISMATCH,     /* it signs another text */
	NL_CMS_NO_ATTRIBUTES,     /* no signingTime or no signing-certificate-v2 (not CAdES-BES) */
	NL_CMS_UNTRUSTED,         /* no chain to a root of the trust list */
	NL_CMS_CERT_EXPIRED,      /* expired at the signing time */
	NL_CMS_CERT_NOT_YET,      /* not yet valid at the signing time */
	NL_CMS_NOT_QUALIFIED,     /* no QcCompliance statement */
	NL_CMS_NO_NONREPUDIATION, /* keyUsage without nonRepudiation */
};

struct nl_cms_signed {
	enum nl_cms_result result;
	int64_t signing_time;
	nl_pki_cert *signer;      /* when it could be found (owned) */
	nl_pki_cert *issuer;      /* the signer's issuer from the chain (owned) */
	char serial_attr[64];     /* the signer's subject serialNumber */
	char serial_hex[64];
	char issuer_name[256];
	char detail[160];         /* OpenSSL's word on a chain failure, for logs */
};
void nl_cms_signed_clear(struct nl_cms_signed *s);

/* Verifies cms: one signer, content attached and equal to text, signature,
 * CAdES-BES attributes, chain to a root of t at the signing time, QcCompliance
 * and nonRepudiation. Returns NL_OK with out->result telling the verdict (the
 * first failure in the order of the enum), or NL_ERR_NOMEM. */
NL_MUST_USE nl_err nl_pki_cms_verify(const void *cms, size_t cms_len, const void *text, size_t text_len,
                         const nl_pki_trust *t, struct nl_cms_signed *out);

/* ---- certificate status (server) ---- */
/* A DER OCSPRequest for cert (SHA-1 CertID, no nonce). */
NL_MUST_USE nl_err nl_pki_ocsp_request_for(const nl_pki_cert *cert, const nl_pki_cert *issuer, nl_buf *req);
/* Checks a DER OCSPResponse about cert: successful, signed by the issuer or a
 * responder it delegated, fresh at now (5 minutes of skew). *status gets
 * good/revoked/unknown (ocsp.h's enum nl_ocsp_cert_status), *reason the
 * CRLReason when revoked (6 = certificateHold: suspended). NL_ERR_INVALID for
 * a response that does not check. */
NL_MUST_USE nl_err nl_pki_ocsp_check_response(const void *resp, size_t len, const nl_pki_cert *cert,
                                  const nl_pki_cert *issuer, int64_t now, int *status,
                                  int *reason);
/* The first OCSP URL of the AIA, or the first CRL distribution point URL;
 * NL_ERR_NOT_FOUND if none. */
NL_MUST_USE nl_err nl_pki_cert_ocsp_url(const nl_pki_cert *c, char *out, size_t cap);
NL_MUST_USE nl_err nl_pki_cert_crl_url(const nl_pki_cert *c, char *out, size_t cap);
/* True when a and b are the same certificate. */
bool nl_pki_cert_equal(const nl_pki_cert *a, const nl_pki_cert *b);
/* Verifies a CRL (DER or PEM) signed by issuer, current at now, and tells
 * whether it lists cert, with its reason (-1 when none). */
NL_MUST_USE nl_err nl_pki_crl_status(const void *crl, size_t len, const nl_pki_cert *issuer,
                         const nl_pki_cert *cert, int64_t now, bool *listed, int *reason);

#endif
