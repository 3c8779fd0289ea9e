/* Parsing, encoding and small helpers shared by the profiles. */
#include "pki/pki_internal.h"

#include <limits.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <sodium.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum nl_key_type nl_key_type_parse(const char *s)
{
	if (!s) return 0;
	if (!strcmp(s, "p256")) return NL_KEY_P256;
	if (!strcmp(s, "p384")) return NL_KEY_P384;
	if (!strcmp(s, "rsa3072")) return NL_KEY_RSA3072;
	if (!strcmp(s, "rsa4096")) return NL_KEY_RSA4096;
	return 0;
}

const char *nl_key_type_name(enum nl_key_type t)
{
	switch (t) {
	case NL_KEY_P256: return "p256";
	case NL_KEY_P384: return "p384";
	case NL_KEY_RSA3072: return "rsa3072";
	case NL_KEY_RSA4096: return "rsa4096";
	}
	return "?";
}

/* Defaults follow the routes nitelikd serves: /ocsp, /repo/, /cps and /pds/.
 * The PDS must be https (EN 319 412-5 4.3.4), so it is derived from the host
 * with https (a TLS proxy in front of nitelikd serves it); the CPS, like AIA and
 * CRL DP, keeps the base URL's scheme. */
void nl_pki_urls_default(struct nl_pki_urls *u, const char *base_url, nl_buf *store)
{
	const char *host = strstr(base_url, "://");
	host = host ? host + 3 : base_url;
	size_t off[7];
	nl_buf_reset(store);
	off[0] = store->len; nl_buf_printf(store, "%s/ocsp", base_url); nl_buf_putc(store, '\0');
	off[1] = store->len; nl_buf_printf(store, "%s/repo/issuing.crt", base_url); nl_buf_putc(store, '\0');
	off[2] = store->len; nl_buf_printf(store, "%s/repo/issuing.crl", base_url); nl_buf_putc(store, '\0');
	off[3] = store->len; nl_buf_printf(store, "%s/cps", base_url); nl_buf_putc(store, '\0');
	off[4] = store->len; nl_buf_printf(store, "https://%s/pds/en", host); nl_buf_putc(store, '\0');
	off[5] = store->len; nl_buf_printf(store, "https://%s/pds/tr", host); nl_buf_putc(store, '\0');
	off[6] = store->len; nl_buf_printf(store, "%s/repo/issuing-delta.crl", base_url); nl_buf_putc(store, '\0');
	u->ocsp = store->data + off[0];
	u->ca_issuers = store->data + off[1];
	u->crl = store->data + off[2];
	u->cps = store->data + off[3];
	u->pds_en = store->data + off[4];
	u->pds_tr = store->data + off[5];
	u->delta_crl = store->data + off[6];
	u->policy_oid = NL_OID_DEMO_POLICY;
	u->user_notice = NL_CA_BTK_NES_TEXT;
	u->serial_form = NL_SERIAL_FORM_TR;
}

int64_t nl_pki_validity_end(int64_t not_before, int years)
{
	if (years < 1 || years > 3)
		return 0;
	time_t t = (time_t)not_before;
	struct tm tm;
	if (!gmtime_r(&t, &tm))
		return 0;
	tm.tm_year += years;
	return (int64_t)timegm(&tm) - 1;
}

void nl_pki_serial_random(uint8_t out[NL_SERIAL_LEN])
{
	do {
		randombytes_buf(out, NL_SERIAL_LEN);
		out[0] &= 0x7f;   /* positive INTEGER */
	} while (out[0] == 0);    /* full length: at least 120 random bits */
}

void nl_pki_hex(const uint8_t *p, size_t n, char *out)
{
	static const char hx[] = "0123456789ABCDEF";
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = hx[p[i] >> 4];
		out[2 * i + 1] = hx[p[i] & 15];
	}
	out[2 * n] = '\0';
}

nl_err nl_pki_i2d_append(nl_buf *out, int len, unsigned char **derp)
{
	/* derp, not *derp: the i2d call and this argument are evaluated in an
	 * unspecified order, so we read the pointer only here. */
	unsigned char *der = *derp;
	*derp = NULL;
	if (len <= 0 || !der) {
		OPENSSL_free(der);
		return NL_ERR_CRYPTO;
	}
	nl_buf_append(out, der, (size_t)len);
	OPENSSL_free(der);
	return out->oom ? NL_ERR_NOMEM : NL_OK;
}

static bool looks_pem(const void *p, size_t len)
{
	return len > 10 && memmem(p, len, "-----BEGIN", 10) != NULL;
}

nl_err nl_pki_csr_spki(const void *csr, size_t len, nl_buf *spki)
{
	X509_REQ *req = NULL;
	EVP_PKEY *pk = NULL;
	unsigned char *der = NULL;
	nl_err rc = NL_ERR_INVALID;
	if (len > 64 * 1024)
		return NL_ERR_TOO_LARGE;
	if (looks_pem(csr, len)) {
		BIO *b = BIO_new_mem_buf(csr, (int)len);   /* len <= 64 KiB: checked above */
		req = b ? PEM_read_bio_X509_REQ(b, NULL, NULL, NULL) : NULL;
		BIO_free(b);
	} else {
		const unsigned char *p = csr;
		req = d2i_X509_REQ(NULL, &p, (long)len);
	}
	if (!req)
		goto out;
	pk = X509_REQ_get_pubkey(req);
	if (!pk || X509_REQ_verify(req, pk) != 1)
		goto out;   /* proof of possession failed */
	rc = nl_pki_i2d_append(spki, i2d_PUBKEY(pk, &der), &der);
out:
	EVP_PKEY_free(pk);
	X509_REQ_free(req);
	ERR_clear_error();
	return rc;
}

nl_err nl_pki_cert_parse(const void *p, size_t len, nl_pki_cert **out)
{
	X509 *x = NULL;
	if (len > 256 * 1024)
		return NL_ERR_TOO_LARGE;
	if (looks_pem(p, len)) {
		BIO *b = BIO_new_mem_buf(p, (int)len);   /* len <= 256 KiB: checked above */
		x = b ? PEM_read_bio_X509(b, NULL, NULL, NULL) : NULL;
		BIO_free(b);
	} else {
		const unsigned char *q = p;
		x = d2i_X509(NULL, &q, (long)len);
	}
	ERR_clear_error();
	if (!x)
		return NL_ERR_INVALID;
	*out = calloc(1, sizeof **out);
	if (!*out) {
		X509_free(x);
		return NL_ERR_NOMEM;
	}
	(*out)->x = x;
	return NL_OK;
}

nl_pki_cert *nl_pki_cert_ref(const nl_pki_cert *c)
{
	nl_pki_cert *r = calloc(1, sizeof *r);
	if (!r || !X509_up_ref(c->x)) {
		free(r);
		return NULL;
	}
	r->x = c->x;
	return r;
}

bool nl_pki_cert_same_key(const nl_pki_cert *a, const nl_pki_cert *b)
{
	const EVP_PKEY *ka = X509_get0_pubkey(a->x), *kb = X509_get0_pubkey(b->x);
	bool same = ka && kb && EVP_PKEY_eq(ka, kb) == 1;
	ERR_clear_error();
	return same;
}

void nl_pki_cert_free(nl_pki_cert *c)
{
	if (!c) return;
	X509_free(c->x);
	free(c);
}

nl_err nl_pki_cert_der(const nl_pki_cert *c, nl_buf *der)
{
	unsigned char *p = NULL;
	return nl_pki_i2d_append(der, i2d_X509(c->x, &p), &p);
}

nl_err nl_pki_der_to_pem(const void *der, size_t len, nl_buf *pem)
{
	nl_pki_cert *c = NULL;
	nl_err rc = nl_pki_cert_parse(der, len, &c);
	if (!rc)
		rc = nl_pki_cert_pem(c, pem);
	nl_pki_cert_free(c);
	return rc;
}

nl_err nl_pki_cert_pem(const nl_pki_cert *c, nl_buf *pem)
{
	BIO *b = BIO_new(BIO_s_mem());
	char *data;
	long n;
	if (!b || !PEM_write_bio_X509(b, c->x)) {
		BIO_free(b);
		return NL_ERR_CRYPTO;
	}
	n = BIO_get_mem_data(b, &data);
	nl_buf_append(pem, data, (size_t)n);
	BIO_free(b);
	return pem->oom ? NL_ERR_NOMEM : NL_OK;
}

static int64_t asn1_to_epoch(const ASN1_TIME *t)
{
	struct tm tm;
	if (!t || !ASN1_TIME_to_tm(t, &tm))
		return 0;
	return (int64_t)timegm(&tm);
}

nl_err nl_pki_cert_info(const nl_pki_cert *c, char serial_hex[64], nl_buf *subject,
                        int64_t *not_before, int64_t *not_after)
{
	const ASN1_INTEGER *sn = X509_get0_serialNumber(c->x);
	if (serial_hex) {
		if (sn->length > 31)
			return NL_ERR_INVALID;
		nl_pki_hex(sn->data, (size_t)sn->length, serial_hex);
	}
	if (subject) {
		BIO *b = BIO_new(BIO_s_mem());
		char *data;
		if (!b) return NL_ERR_NOMEM;
		X509_NAME_print_ex(b, X509_get_subject_name(c->x), 0,
		                   XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB);
		long n = BIO_get_mem_data(b, &data);
		nl_buf_append(subject, data, (size_t)n);
		BIO_free(b);
	}
	if (not_before) *not_before = asn1_to_epoch(X509_get0_notBefore(c->x));
	if (not_after) *not_after = asn1_to_epoch(X509_get0_notAfter(c->x));
	return NL_OK;
}

nl_err nl_pki_set_validity(X509 *x, int64_t not_before, int64_t not_after)
{
	/* ASN1_TIME_adj picks UTCTime before 2050 and GeneralizedTime after, as
	 * RFC 5280 4.1.2.5 requires. */
	if (not_after <= not_before)
		return NL_ERR_INVALID;
	if (!ASN1_TIME_set(X509_getm_notBefore(x), (time_t)not_before) ||
	    !ASN1_TIME_set(X509_getm_notAfter(x), (time_t)not_after))
		return NL_ERR_CRYPTO;
	return NL_OK;
}

nl_err nl_pki_add_ext_der(X509 *x, const char *oid, int critical, const void *der, size_t len)
{
	ASN1_OBJECT *obj = OBJ_txt2obj(oid, 1);
	ASN1_OCTET_STRING *os = ASN1_OCTET_STRING_new();
	X509_EXTENSION *ext = NULL;
	nl_err rc = NL_ERR_CRYPTO;
	if (len > INT_MAX) {   /* ASN1_OCTET_STRING_set takes an int: refuse, never cut */
		rc = NL_ERR_TOO_LARGE;
		goto out;
	}
	if (!obj || !os || !ASN1_OCTET_STRING_set(os, der, (int)len))
		goto out;
	ext = X509_EXTENSION_create_by_OBJ(NULL, obj, critical, os);
	if (ext && X509_add_ext(x, ext, -1))
		rc = NL_OK;
out:
	X509_EXTENSION_free(ext);
	ASN1_OCTET_STRING_free(os);
	ASN1_OBJECT_free(obj);
	return rc;
}

nl_err nl_pki_add_ext_conf(X509 *x, X509 *issuer, int nid, const char *value)
{
	X509V3_CTX ctx;
	X509V3_set_ctx_nodb(&ctx);
	X509V3_set_ctx(&ctx, issuer ? issuer : x, x, NULL, NULL, 0);
	X509_EXTENSION *ext = X509V3_EXT_conf_nid(NULL, &ctx, nid, value);
	if (!ext) {
		ERR_clear_error();
		return NL_ERR_CRYPTO;
	}
	int ok = X509_add_ext(x, ext, -1);
	X509_EXTENSION_free(ext);
	return ok ? NL_OK : NL_ERR_CRYPTO;
}

nl_err nl_pki_add_key_ids(X509 *x, X509 *issuer)
{
	nl_err rc = nl_pki_add_ext_conf(x, NULL, NID_subject_key_identifier, "hash");
	if (!rc && issuer)
		rc = nl_pki_add_ext_conf(x, issuer, NID_authority_key_identifier, "keyid:always");
	return rc;
}

enum nl_key_type nl_pki_pkey_type(const EVP_PKEY *k)
{
	if (EVP_PKEY_base_id(k) == EVP_PKEY_EC) {
		char name[64] = "";
		size_t n = 0;
		if (EVP_PKEY_get_utf8_string_param(k, "group", name, sizeof name, &n) != 1) {
			/* A legacy (libp11) key may not answer: ask its public half,
			 * re-read as a provider key. */
			unsigned char *der = NULL;
			int len = i2d_PUBKEY(k, &der);
			const unsigned char *p = der;
			EVP_PKEY *pub = len > 0 ? d2i_PUBKEY(NULL, &p, len) : NULL;
			if (!pub || EVP_PKEY_get_utf8_string_param(pub, "group", name, sizeof name, &n) != 1)
				name[0] = '\0';
			EVP_PKEY_free(pub);
			OPENSSL_free(der);
			ERR_clear_error();
		}
		if (!strcmp(name, "prime256v1") || !strcmp(name, "P-256")) return NL_KEY_P256;
		if (!strcmp(name, "secp384r1") || !strcmp(name, "P-384")) return NL_KEY_P384;
		return 0;
	}
	if (EVP_PKEY_base_id(k) == EVP_PKEY_RSA) {
		int bits = EVP_PKEY_get_bits(k);
		return bits == 3072 ? NL_KEY_RSA3072 : bits == 4096 ? NL_KEY_RSA4096 : 0;
	}
	return 0;
}

nl_err nl_pki_cert_key_type(X509 *issuer, enum nl_key_type *t)
{
	EVP_PKEY *pk = X509_get0_pubkey(issuer);
	*t = pk ? nl_pki_pkey_type(pk) : 0;
	return *t ? NL_OK : NL_ERR_CONFIG;
}

const EVP_MD *nl_pki_md_for(enum nl_key_type t)
{
	/* Match the hash to the key's strength (SOG-IS / ETSI TS 119 312). */
	return t == NL_KEY_P384 || t == NL_KEY_RSA4096 ? EVP_sha384() : EVP_sha256();
}

/* The signature AlgorithmIdentifier must appear in the TBS (and must equal the
 * outer one); X509_sign sets both. For an unsigned certificate we set them
 * ourselves so that the linter sees the final TBS. */
nl_err nl_pki_finish_unsigned(X509 *x, enum nl_key_type issuer_key, nl_buf *der)
{
	const X509_ALGOR *tbs_alg = X509_get0_tbs_sigalg(x);
	const X509_ALGOR *outer;
	const ASN1_BIT_STRING *sig;
	int nid;
	switch (issuer_key) {
	case NL_KEY_P256: nid = NID_ecdsa_with_SHA256; break;
	case NL_KEY_P384: nid = NID_ecdsa_with_SHA384; break;
	case NL_KEY_RSA3072: nid = NID_sha256WithRSAEncryption; break;
	case NL_KEY_RSA4096: nid = NID_sha384WithRSAEncryption; break;
	default: return NL_ERR_CONFIG;
	}
	X509_get0_signature(&sig, &outer, x);
	int ptype = issuer_key >= NL_KEY_RSA3072 ? V_ASN1_NULL : V_ASN1_UNDEF;
	/* OpenSSL offers no setter for these two of an X509 under construction; they
	 * are ours (we created x), so writing them is safe. */
	if (!X509_ALGOR_set0((X509_ALGOR *)(uintptr_t)tbs_alg, OBJ_nid2obj(nid), ptype, NULL) ||
	    !X509_ALGOR_set0((X509_ALGOR *)(uintptr_t)outer, OBJ_nid2obj(nid), ptype, NULL))
		return NL_ERR_CRYPTO;
	unsigned char *p = NULL;
	return nl_pki_i2d_append(der, i2d_X509(x, &p), &p);
}
