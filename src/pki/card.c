/* The card side of an e-signature (esign.h): a PKCS#11 token through libp11.
 * The private key stays on the token: libp11 hands OpenSSL an EVP_PKEY whose
 * operations are PKCS#11 calls (C_Sign), and OpenSSL's CMS code signs with it. */
#include "pki/esign_util.h"

#include <dlfcn.h>
#include <libp11.h>
#include <limits.h>
#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <p11-kit/pkcs11.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_CERTS 16

struct nl_card {
	PKCS11_CTX *ctx;
	PKCS11_SLOT *slots;
	unsigned nslots;
	PKCS11_SLOT *slot;
	char label[64];
	char module[512];
	PKCS11_CERT *certs;          /* libp11's, owned by the token */
	size_t ncerts;
	struct nl_card_cert info[MAX_CERTS];
};

int64_t nl_esign_asn1_epoch(const ASN1_TIME *t)
{
	struct tm tm;
	if (!t || !ASN1_TIME_to_tm(t, &tm))
		return 0;
	return (int64_t)timegm(&tm);
}

static void name_entry(X509_NAME *n, int nid, char *out, size_t cap)
{
	out[0] = '\0';
	int i = X509_NAME_get_index_by_NID(n, nid, -1);
	if (i < 0)
		return;
	ASN1_STRING *d = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(n, i));
	unsigned char *u = NULL;
	int len = ASN1_STRING_to_UTF8(&u, d);
	if (len >= 0) {
		snprintf(out, cap, "%.*s", len, (const char *)u);
		OPENSSL_free(u);
	}
}

/* qcStatements ::= SEQUENCE OF QCStatement; QCStatement ::= SEQUENCE {
 * statementId OID, statementInfo ANY OPTIONAL }: walk it and look for the id. */
bool nl_esign_has_qc_compliance(X509 *x)
{
	static const unsigned char qc_compliance[] = {0x06, 0x06, 0x04, 0x00, 0x8e, 0x46, 0x01, 0x01};
	ASN1_OBJECT *oid = OBJ_txt2obj("1.3.6.1.5.5.7.1.3", 1);
	int idx = oid ? X509_get_ext_by_OBJ(x, oid, -1) : -1;
	ASN1_OBJECT_free(oid);
	if (idx < 0)
		return false;
	ASN1_OCTET_STRING *v = X509_EXTENSION_get_data(X509_get_ext(x, idx));
	const unsigned char *p = ASN1_STRING_get0_data(v), *end = p + ASN1_STRING_length(v);
	long len;
	int tag, cls;
	if (ASN1_get_object(&p, &len, &tag, &cls, end - p) & 0x80 || tag != V_ASN1_SEQUENCE)
		return false;
	end = p + len;
	while (p < end) {
		if (ASN1_get_object(&p, &len, &tag, &cls, end - p) & 0x80 || tag != V_ASN1_SEQUENCE)
			return false;
		const unsigned char *next = p + len;
		if ((size_t)len >= sizeof qc_compliance &&
		    !memcmp(p, qc_compliance, sizeof qc_compliance))
			return true;
		p = next;
	}
	return false;
}

void nl_esign_describe(X509 *x, struct nl_card_cert *o)
{
	memset(o, 0, sizeof *o);
	BIO *b = BIO_new(BIO_s_mem());
	if (b) {
		X509_NAME_print_ex(b, X509_get_subject_name(x), 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB);
		int n = BIO_read(b, o->subject, (int)sizeof o->subject - 1);
		o->subject[n > 0 ? n : 0] = '\0';
		BIO_free(b);
	}
	name_entry(X509_get_subject_name(x), NID_commonName, o->common_name, sizeof o->common_name);
	name_entry(X509_get_subject_name(x), NID_serialNumber, o->serial_attr, sizeof o->serial_attr);
	name_entry(X509_get_issuer_name(x), NID_commonName, o->issuer_cn, sizeof o->issuer_cn);
	const ASN1_INTEGER *sn = X509_get0_serialNumber(x);
	BIGNUM *bn = ASN1_INTEGER_to_BN(sn, NULL);
	char *hex = bn ? BN_bn2hex(bn) : NULL;
	if (hex)
		snprintf(o->serial_hex, sizeof o->serial_hex, "%s", hex);
	OPENSSL_free(hex);
	BN_free(bn);
	o->not_before = nl_esign_asn1_epoch(X509_get0_notBefore(x));
	o->not_after = nl_esign_asn1_epoch(X509_get0_notAfter(x));
	o->qualified = nl_esign_has_qc_compliance(x) &&
	               (X509_get_key_usage(x) & KU_NON_REPUDIATION);
}

void nl_pki_cert_describe(const nl_pki_cert *c, struct nl_card_cert *out)
{
	nl_esign_describe(c->x, out);
}

static NL_MUST_USE nl_err load_certs(nl_card *c)
{
	unsigned n = 0;
	c->certs = NULL;
	c->ncerts = 0;
	if (PKCS11_enumerate_certs(c->slot->token, &c->certs, &n) != 0)
		return NL_ERR_IO;
	c->ncerts = n > MAX_CERTS ? MAX_CERTS : n;
	for (size_t i = 0; i < c->ncerts; i++)
		nl_esign_describe(c->certs[i].x509, &c->info[i]);
	return NL_OK;
}

nl_err nl_card_open(const char *module, const char *token, nl_card **out)
{
	*out = NULL;
	nl_card *c = calloc(1, sizeof *c);
	if (!c)
		return NL_ERR_NOMEM;
	snprintf(c->module, sizeof c->module, "%s", module);
	c->ctx = PKCS11_CTX_new();
	if (!c->ctx || PKCS11_CTX_load(c->ctx, module) != 0) {
		if (c->ctx)
			PKCS11_CTX_free(c->ctx);
		free(c);
		ERR_clear_error();
		return NL_ERR_CONFIG;
	}
	nl_err rc = NL_ERR_NOT_FOUND;
	if (PKCS11_enumerate_slots(c->ctx, &c->slots, &c->nslots) != 0) {
		rc = NL_ERR_IO;
		goto fail;
	}
	for (unsigned i = 0; i < c->nslots; i++) {
		PKCS11_SLOT *s = &c->slots[i];
		if (!s->token || !s->token->initialized)
			continue;
		if (token && strcmp(s->token->label, token) != 0)
			continue;
		c->slot = s;
		if (load_certs(c) != NL_OK || (!token && c->ncerts == 0)) {
			c->slot = NULL;
			continue;
		}
		break;
	}
	if (!c->slot)
		goto fail;
	snprintf(c->label, sizeof c->label, "%s", c->slot->token->label);
	*out = c;
	return NL_OK;
fail:
	nl_card_close(c);
	ERR_clear_error();
	return rc;
}

void nl_card_close(nl_card *c)
{
	if (!c)
		return;
	if (c->slots)
		PKCS11_release_all_slots(c->ctx, c->slots, c->nslots);
	PKCS11_CTX_unload(c->ctx);
	PKCS11_CTX_free(c->ctx);
	free(c);
}

const char *nl_card_label(const nl_card *c) { return c->label; }
size_t nl_card_cert_count(const nl_card *c) { return c->ncerts; }
const struct nl_card_cert *nl_card_cert_at(const nl_card *c, size_t i)
{
	return i < c->ncerts ? &c->info[i] : NULL;
}

unsigned nl_card_pin_flags(nl_card *c)
{
	/* libp11 reads the flags only when it enumerates slots, and enumerating
	 * again would close our sessions: ask the module directly (it is loaded
	 * and initialised already, so this is the same instance). */
	unsigned f = 0;
	void *dl = dlopen(c->module, RTLD_NOW | RTLD_LOCAL);
	CK_C_GetFunctionList get = NULL;
	CK_FUNCTION_LIST_PTR fl = NULL;
	CK_TOKEN_INFO ti;
	if (dl)
		*(void **)&get = dlsym(dl, "C_GetFunctionList");
	if (get && get(&fl) == CKR_OK &&
	    fl->C_GetTokenInfo(PKCS11_get_slotid_from_slot(c->slot), &ti) == CKR_OK) {
		if (ti.flags & CKF_USER_PIN_COUNT_LOW) f |= NL_PIN_COUNT_LOW;
		if (ti.flags & CKF_USER_PIN_FINAL_TRY) f |= NL_PIN_FINAL_TRY;
		if (ti.flags & CKF_USER_PIN_LOCKED) f |= NL_PIN_LOCKED;
	}
	if (dl)
		dlclose(dl);
	return f;
}

nl_err nl_card_login(nl_card *c, const char *pin)
{
	if (nl_card_pin_flags(c) & NL_PIN_LOCKED)
		return NL_ERR_LOCKED;
	if (PKCS11_open_session(c->slot, 0) == 0 && PKCS11_login(c->slot, 0, pin) == 0) {
		ERR_clear_error();
		return NL_OK;
	}
	unsigned long e = ERR_peek_last_error();
	ERR_clear_error();
	/* libp11 files the card's CKR_* code as the reason; ERR_GET_REASON masks
	 * the code with ERR_REASON_MASK (or ERR_SYSTEM_MASK), so it is never
	 * negative and the cast keeps its value. */
	unsigned long ckr = (unsigned long)ERR_GET_REASON(e);
	if (ckr == CKR_PIN_LOCKED || (nl_card_pin_flags(c) & NL_PIN_LOCKED))
		return NL_ERR_LOCKED;
	return NL_ERR_UNAUTHORIZED;
}

static EVP_PKEY *private_key_of(nl_card *c, size_t i)
{
	PKCS11_KEY *k = PKCS11_find_key(&c->certs[i]);
	return k ? PKCS11_get_private_key(k) : NULL;
}

nl_err nl_card_sign_cms(nl_card *c, size_t i, const void *text, size_t len, nl_buf *out)
{
	nl_err rc = NL_ERR_CRYPTO;
	CMS_ContentInfo *cms = NULL;
	BIO *in = NULL;
	unsigned char *der = NULL;
	if (i >= c->ncerts)
		return NL_ERR_INVALID;
	if (len > INT_MAX)   /* BIO_new_mem_buf takes an int; a cut length would sign a part */
		return NL_ERR_TOO_LARGE;
	EVP_PKEY *pk = private_key_of(c, i);
	if (!pk) {
		rc = NL_ERR_NOT_FOUND;
		goto out;
	}
	X509 *x = c->certs[i].x509;
	/* CMS_PARTIAL, then the signer with SHA-256 named: with CMS_CADES and an
	 * explicit SHA-256 OpenSSL adds signing-certificate-v2 (with no digest
	 * named it would add the SHA-1 v1 attribute). signingTime is added when
	 * the signer info is signed. Content attached (no CMS_DETACHED). */
	const unsigned flags = CMS_BINARY | CMS_NOSMIMECAP | CMS_CADES;
	in = BIO_new_mem_buf(text, (int)len);   /* len <= INT_MAX: checked above */
	cms = in ? CMS_sign(NULL, NULL, NULL, NULL, flags | CMS_PARTIAL) : NULL;
	if (!cms || !CMS_add1_signer(cms, x, pk, EVP_sha256(), flags))
		goto out;
	if (!CMS_final(cms, in, NULL, CMS_BINARY))
		goto out;
	int n = i2d_CMS_ContentInfo(cms, &der);
	if (n <= 0)
		goto out;
	nl_buf_append(out, der, (size_t)n);
	rc = out->oom ? NL_ERR_NOMEM : NL_OK;
out:
	OPENSSL_free(der);
	CMS_ContentInfo_free(cms);
	BIO_free(in);
	EVP_PKEY_free(pk);
	ERR_clear_error();
	return rc;
}

nl_err nl_card_make_csr(nl_card *c, const char *key_label, const char *cn, nl_buf *pem)
{
	nl_err rc = NL_ERR_CRYPTO;
	PKCS11_KEY *keys = NULL;
	unsigned nkeys = 0;
	EVP_PKEY *priv = NULL, *pub = NULL;
	X509_REQ *req = NULL;
	BIO *b = NULL;
	if (PKCS11_enumerate_keys(c->slot->token, &keys, &nkeys) != 0)
		goto out;
	for (unsigned i = 0; i < nkeys && !priv; i++)
		if (keys[i].isPrivate && (!key_label || (keys[i].label && !strcmp(keys[i].label, key_label))))
			priv = PKCS11_get_private_key(&keys[i]);
	/* libp11's private key carries the public half (read from the token's
	 * public key object); PKCS11_get_public_key would leak in libp11 0.4.12. */
	pub = priv;
	if (pub)
		EVP_PKEY_up_ref(pub);
	if (!priv || !pub) {
		rc = NL_ERR_NOT_FOUND;
		goto out;
	}
	req = X509_REQ_new();
	X509_NAME *n = req ? X509_REQ_get_subject_name(req) : NULL;
	if (!n || !X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_UTF8, (const unsigned char *)cn, -1, -1, 0) ||
	    !X509_REQ_set_pubkey(req, pub) || !X509_REQ_sign(req, priv, EVP_sha256()))
		goto out;
	b = BIO_new(BIO_s_mem());
	if (!b || !PEM_write_bio_X509_REQ(b, req))
		goto out;
	char *p;
	long len = BIO_get_mem_data(b, &p);
	nl_buf_append(pem, p, (size_t)len);
	rc = pem->oom ? NL_ERR_NOMEM : NL_OK;
out:
	BIO_free(b);
	X509_REQ_free(req);
	EVP_PKEY_free(priv);
	EVP_PKEY_free(pub);
	ERR_clear_error();
	return rc;
}
