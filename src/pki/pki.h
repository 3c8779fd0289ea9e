/* The PKI layer: certificate profiles, the pre-issuance linter, CA keys, CRLs and
 * OCSP. Only src/pki/ includes <openssl/...>; everything above it passes DER
 * blobs and the opaque types below.
 *
 * Ownership: every nl_buf filled here is the caller's (nl_buf_free); every
 * opaque object has its _free; NULL is fine for every _free. */
#ifndef NL_PKI_PKI_H
#define NL_PKI_PKI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/config.h"
#include "core/err.h"

/* ---- Object identifiers of the profile (ETSI EN 319 412, BTK) ---- */
#define NL_OID_QCP_N_QSCD     "0.4.0.194112.1.2"
#define NL_OID_BTK_NES        "2.16.792.1.61.0.1.5070.1.1"
#define NL_OID_DEMO_POLICY    NL_CA_DEMO_POLICY_OID          /* placeholder provider OID */
#define NL_OID_SEMANTICS_NATURAL "0.4.0.194121.1.1"

enum nl_key_type {
	NL_KEY_P256 = 1,
	NL_KEY_P384,
	NL_KEY_RSA3072,
	NL_KEY_RSA4096,
};
/* "p256", "p384", "rsa3072", "rsa4096" -> type; 0 if unknown. */
enum nl_key_type nl_key_type_parse(const char *s);
const char *nl_key_type_name(enum nl_key_type t);

/* How the subject serialNumber carries a T.C. number ([ca] serial_number_form):
 * TR the bare 11 digits, as Kamu SM issues and Turkish relying parties read it;
 * ETSI "PNOTR-<no>" (EN 319 412-1 5.1.3) with the semanticsId-Natural statement.
 * A passport holder is "PAS<cc>-<no>" in both forms. */
enum nl_serial_form { NL_SERIAL_FORM_TR = 0, NL_SERIAL_FORM_ETSI = 1 };

/* URLs and identifiers that go into every issued certificate. */
struct nl_pki_urls {
	const char *ocsp;        /* http://host/ocsp */
	const char *ca_issuers;  /* http://host/repo/issuing.crt */
	const char *crl;         /* http://host/repo/issuing.crl */
	const char *delta_crl;   /* http://host/repo/issuing-delta.crl: freshestCRL;
	                            NULL: no delta CRLs ([ca] delta_crl = false) */
	const char *cps;         /* https://host/cps */
	const char *pds_en;      /* https only */
	const char *pds_tr;      /* https only */
	const char *policy_oid;  /* the provider's policy OIDs, space-separated; the first
	                            carries the CPS URI and the user notice */
	const char *user_notice; /* NULL or "": none */
	enum nl_serial_form serial_form;
};
/* Fills u with defaults under base_url (e.g. "http://localhost:8080"); the
 * strings live in *store, which the caller frees with nl_buf_free. */
void nl_pki_urls_default(struct nl_pki_urls *u, const char *base_url, nl_buf *store);

/* The holder. Exactly one of tckn or (passport_country, passport_no). */
struct nl_holder {
	const char *given_name;
	const char *surname;
	const char *common_name;       /* NULL: "<given_name> <surname>" */
	const char *tckn;              /* 11 digits -> serialNumber PNOTR-<tckn> */
	const char *passport_country;  /* 2 letters -> PAS<cc>-<no> */
	const char *passport_no;
};

/* The person's ID as Nitelik stores it (certificates.id_number, whatever the
 * certificate's form): "PNOTR-<tckn>" or "PAS<cc>-<no>"; NL_ERR_INVALID if the
 * person's identifiers break the rules. */
NL_MUST_USE nl_err nl_pki_person_serial_attr(const struct nl_holder *p, char out[64]);
/* The subject serialNumber attribute in the given form: the bare T.C. number
 * (TR) or the stored ID (ETSI); a passport is "PAS<cc>-<no>" in both. */
NL_MUST_USE nl_err nl_pki_person_subject_serial(const struct nl_holder *p, enum nl_serial_form f, char out[64]);
/* True when a subject serialNumber attribute is in an ETSI semantics form
 * ("PNOTR-", "PAS..-"): the certificate then carries semanticsId-Natural. */
bool nl_pki_serial_is_etsi(const char *attr);

/* ---- Validity ---- */
/* The one validity rule (CLI and production): a certificate ordered for
 * `years` whole years (1..3) from not_before ends at not_before + years
 * calendar years (UTC; 29 February + 1 year is 1 March) - 1 s, because RFC
 * 5280 4.1.2.5 counts notAfter inside the period. 0 for years outside 1..3. */
int64_t nl_pki_validity_end(int64_t not_before, int years);

/* ---- Serial numbers ---- */
#define NL_SERIAL_LEN 16      /* 127 random bits, positive, first byte non-zero */
void nl_pki_serial_random(uint8_t out[NL_SERIAL_LEN]);
/* Upper-case hex of a serial, as stored in the database: out has 2*len+1. */
void nl_pki_hex(const uint8_t *p, size_t n, char *out);

/* ---- CSR ---- */
/* Parses a PEM or DER CSR, verifies its self-signature and returns its public
 * key as SubjectPublicKeyInfo DER in spki. NL_ERR_INVALID for a bad signature
 * or garbage; the key itself is judged by the linter. */
NL_MUST_USE nl_err nl_pki_csr_spki(const void *csr, size_t len, nl_buf *spki);

/* ---- Certificates ---- */
typedef struct nl_pki_cert nl_pki_cert;   /* a parsed certificate */
NL_MUST_USE nl_err nl_pki_cert_parse(const void *pem_or_der, size_t len, nl_pki_cert **out);
void nl_pki_cert_free(nl_pki_cert *c);
NL_MUST_USE nl_err nl_pki_cert_der(const nl_pki_cert *c, nl_buf *der);
NL_MUST_USE nl_err nl_pki_cert_pem(const nl_pki_cert *c, nl_buf *pem);
/* Serial as upper-case hex, subject as one line (RFC 2253), validity. */
NL_MUST_USE nl_err nl_pki_cert_info(const nl_pki_cert *c, char serial_hex[64], nl_buf *subject,
                        int64_t *not_before, int64_t *not_after);
NL_MUST_USE nl_err nl_pki_der_to_pem(const void *der, size_t len, nl_buf *pem);

/* The qualified natural-person certificate, unsigned: a complete Certificate
 * whose signature is empty, ready for nl_signer / nl_pki_sign_cert. The issuer
 * name, AKI and signature algorithm come from the issuer certificate. */
struct nl_person_cert_req {
	struct nl_holder person;
	const uint8_t *spki; size_t spki_len;   /* from nl_pki_csr_spki */
	uint8_t serial[NL_SERIAL_LEN];
	int64_t not_before, not_after;          /* from the order's period */
	const struct nl_pki_urls *urls;
};
NL_MUST_USE nl_err nl_pki_person_tbs(const struct nl_person_cert_req *r, const nl_pki_cert *issuer,
                         nl_buf *unsigned_der);

/* qcStatements extension value (DER) of the profile; exposed for tests. The
 * semantics identifier is included when u->serial_form is ETSI. */
NL_MUST_USE nl_err nl_pki_qcstatements_der(const struct nl_pki_urls *u, nl_buf *out);
/* The same with the semantics statement chosen explicitly (a passport holder
 * under the TR form still gets it). */
NL_MUST_USE nl_err nl_pki_qcstatements_der_for(const struct nl_pki_urls *u, bool semantics, nl_buf *out);
/* BTK's statement: SEQUENCE { 2.16.792.1.61.0.1.5070.1.1, UTF8String
 * NL_CA_BTK_NES_TEXT }, as in Kamu SM's certificates; exposed for tests. */
NL_MUST_USE nl_err nl_pki_btk_statement_der(nl_buf *out);

/* ---- The linter (lint.c) ---- */
#define NL_LINT_MAX 32
struct nl_lint {
	int count;
	char failure[NL_LINT_MAX][160];
};
enum nl_lint_profile { NL_LINT_PERSON = 1, NL_LINT_OCSP_RESPONDER, NL_LINT_SUB_CA };
/* Checks a (signed or unsigned) certificate against the profile and the issuer.
 * NL_OK when it passes; NL_ERR_INVALID with every failure in *out otherwise. */
NL_MUST_USE nl_err nl_pki_lint(const void *der, size_t len, const nl_pki_cert *issuer,
                   enum nl_lint_profile profile, struct nl_lint *out);

/* ---- Keys (key.c, p11.c) ---- */
typedef struct nl_pki_key nl_pki_key;
/* Key reference strings, as written into ca.conf:
 *   "file:/path/key.pem"                               (demo mode only)
 *   "pkcs11:<module>|<token label>|<key label>|<pin file>"           */
NL_MUST_USE nl_err nl_pki_key_open(const char *ref, nl_pki_key **out);
/* The file that holds a key reference's secret: the PIN file of a "pkcs11:"
 * ref, the key file of a "file:" ref (the signer checks who may read it). */
NL_MUST_USE nl_err nl_pki_key_secret_file(const char *ref, char *out, size_t size);
void nl_pki_key_free(nl_pki_key *k);
/* Generates a key. For "file:" refs writes the PEM file (mode 0600); for
 * "pkcs11:" refs generates inside the token (non-extractable). */
NL_MUST_USE nl_err nl_pki_key_generate(const char *ref, enum nl_key_type t);
/* Creates (re-initialises) a SoftHSM2 token in demo/test mode. */
NL_MUST_USE nl_err nl_pki_p11_init_token(const char *module, const char *label, const char *pin,
                             const char *so_pin);
enum nl_key_type nl_pki_key_type(const nl_pki_key *k);
/* True when the key is the private half of the certificate's public key. */
bool nl_pki_key_matches(const nl_pki_key *k, const nl_pki_cert *c);
/* Passphrase encryption for backups (seal.c): AES-256-GCM under a
 * PBKDF2-HMAC-SHA256 key, salt and IV random. unseal returns
 * NL_ERR_UNAUTHORIZED for a wrong passphrase or a changed file, NL_ERR_INVALID
 * for something that is no sealed file. */
NL_MUST_USE nl_err nl_pki_seal(const char *passphrase, const void *plain, size_t n, nl_buf *out);
NL_MUST_USE nl_err nl_pki_unseal(const char *passphrase, const void *sealed, size_t n, nl_buf *out);
/* Reads the first line of a PIN file; caller frees with free(). */
char *nl_pki_read_pin(const char *path);
NL_MUST_USE nl_err nl_pki_key_spki(const nl_pki_key *k, nl_buf *spki);

/* ---- Signing ---- */
/* Signs an unsigned certificate or a CRL (a TBSCertList, see crl.h); OCSP
 * responses are signed by nl_pki_ocsp_sign_status (ocsp.h). Thread-safe: a
 * PKCS#11 key signs on a pool of sessions. */
NL_MUST_USE nl_err nl_pki_sign_cert(nl_pki_key *k, const void *unsigned_der, size_t len, nl_buf *out);
NL_MUST_USE nl_err nl_pki_sign_crl(nl_pki_key *k, const void *tbs_der, size_t len, nl_buf *out);

/* A plain signature over msg with the key's hash (sig.c): for the audit
 * checkpoints, whose message the signer builds itself. verify: NL_OK when sig
 * is c's key's signature of msg, NL_ERR_INVALID when not. */
NL_MUST_USE nl_err nl_pki_sign_message(nl_pki_key *k, const void *msg, size_t len, nl_buf *sig);
NL_MUST_USE nl_err nl_pki_verify_message(const nl_pki_cert *c, const void *msg, size_t len, const void *sig,
                             size_t sig_len);

/* Lints and, if it passes, signs: the signer's one call for a certificate, which
 * parses the DER once. NL_ERR_INVALID with the failures in *lint. serial_hex
 * (may be NULL) receives the certificate's serial for the signer's log. */
NL_MUST_USE nl_err nl_pki_lint_and_sign(nl_pki_key *k, const void *unsigned_der, size_t len,
                            const nl_pki_cert *issuer, enum nl_lint_profile profile,
                            struct nl_lint *lint, nl_buf *out, char serial_hex[64]);

/* ---- CA certificates (ca.c) ---- */
struct nl_ca_names {
	const char *org;          /* "Nitelik Demo" */
	const char *root_cn;
	const char *issuing_cn;
	const char *ocsp_cn;
};
NL_MUST_USE nl_err nl_pki_root_cert(nl_pki_key *root, const struct nl_ca_names *n, int64_t now,
                        nl_buf *der);
NL_MUST_USE nl_err nl_pki_issuing_tbs(const nl_pki_key *issuing, const nl_pki_cert *root,
                          const struct nl_ca_names *n, const struct nl_pki_urls *root_urls,
                          int64_t now, nl_buf *unsigned_der);
NL_MUST_USE nl_err nl_pki_ocsp_responder_tbs(const nl_pki_key *responder, const nl_pki_cert *issuing,
                                 const struct nl_ca_names *n, int64_t now, int64_t days,
                                 nl_buf *unsigned_der);
/* The renewal of the responder's certificate: the same subject and key as
 * `current`, a new serial, `days` from now (cut at the issuing CA's end). */
NL_MUST_USE nl_err nl_pki_ocsp_responder_renew_tbs(const nl_pki_cert *current, const nl_pki_cert *issuing, int64_t now,
                                       int64_t days, nl_buf *unsigned_der);
/* Another reference to the same certificate (the caller frees both). */
nl_pki_cert *nl_pki_cert_ref(const nl_pki_cert *c);
/* True when both certificates carry the same public key. */
bool nl_pki_cert_same_key(const nl_pki_cert *a, const nl_pki_cert *b);

#endif
