/* Internal to src/pki: the OpenSSL side of the opaque types in pki.h. */
#ifndef NL_PKI_INTERNAL_H
#define NL_PKI_INTERNAL_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "pki/pki.h"

struct nl_pki_cert {
	X509 *x;
};

struct nl_pki_key {
	EVP_PKEY *pkey;          /* for PKCS#11: a libp11 key that signs in the token */
	enum nl_key_type type;
	void *p11;               /* struct nl_p11 * when the key lives in a token */
};

/* The d2i_* parsers take a length as long. A size_t that measures a buffer
 * in memory is at most PTRDIFF_MAX, which fits a long on every platform we
 * build for; this keeps it so, and with it every `(long)len` of a buffer's
 * length in src/pki (and src/imza). */
_Static_assert(PTRDIFF_MAX <= LONG_MAX, "(long) of an object's size keeps its value");

/* Appends the DER of x (any i2d type) to out. */
NL_MUST_USE nl_err nl_pki_i2d_append(nl_buf *out, int len, unsigned char **der);

/* Adds an extension given its DER value. */
NL_MUST_USE nl_err nl_pki_add_ext_der(X509 *x, const char *oid, int critical, const void *der, size_t len);
/* Adds an extension from OpenSSL's config syntax ("critical,CA:TRUE"), with
 * issuer/subject set for keyid computation. */
NL_MUST_USE nl_err nl_pki_add_ext_conf(X509 *x, X509 *issuer, int nid, const char *value);
/* Sets AKI from the issuer's SKI, and our SKI (SHA-1 of the key, RFC 5280 4.2.1.2). */
NL_MUST_USE nl_err nl_pki_add_key_ids(X509 *x, X509 *issuer);
NL_MUST_USE nl_err nl_pki_set_validity(X509 *x, int64_t not_before, int64_t not_after);
/* Puts an empty signature of the algorithm the issuer key will use, so that the
 * unsigned certificate serialises. */
NL_MUST_USE nl_err nl_pki_finish_unsigned(X509 *x, enum nl_key_type issuer_key, nl_buf *der);
const EVP_MD *nl_pki_md_for(enum nl_key_type t);
enum nl_key_type nl_pki_pkey_type(const EVP_PKEY *k);
NL_MUST_USE nl_err nl_pki_cert_key_type(X509 *issuer, enum nl_key_type *t);

/* The linter on a parsed certificate (lint.c). */
NL_MUST_USE nl_err nl_pki_lint_x509(X509 *x, const nl_pki_cert *issuer, enum nl_lint_profile profile,
                        struct nl_lint *out);

/* PKCS#11 (p11.c). */
NL_MUST_USE nl_err nl_p11_open(const char *module, const char *token, const char *key_label,
                   const char *pin, nl_pki_key *k);
void nl_p11_close(nl_pki_key *k);
NL_MUST_USE nl_err nl_p11_generate(const char *module, const char *token, const char *key_label,
                       const char *pin, enum nl_key_type t);

/* Adds one failure to a lint report (lint.c; the certificate and CRL linters). */
struct nl_lint;
void nl_lint_fail(struct nl_lint *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
