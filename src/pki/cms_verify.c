/* Verifying a person's CMS / CAdES-BES signature on the server (esign.h), and
 * the trust list it is checked against. The checks run in a fixed order and
 * the first failure is the verdict, so each refusal has its own message. */
#include "pki/esign_util.h"
#include "core/file.h"

#include <dirent.h>
#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/ess.h>
#include <openssl/pem.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_CMS (256 * 1024)

struct nl_pki_trust {
	STACK_OF(X509) *certs;
};

nl_err nl_pki_trust_new(nl_pki_trust **out)
{
	nl_pki_trust *t = calloc(1, sizeof *t);
	if (!t || !(t->certs = sk_X509_new_null())) {
		free(t);
		return NL_ERR_NOMEM;
	}
	*out = t;
	return NL_OK;
}

void nl_pki_trust_free(nl_pki_trust *t)
{
	if (!t)
		return;
	sk_X509_pop_free(t->certs, X509_free);
	free(t);
}

size_t nl_pki_trust_count(const nl_pki_trust *t) { return (size_t)sk_X509_num(t->certs); }

nl_err nl_pki_trust_add_file(nl_pki_trust *t, const char *path)
{
	nl_buf pem = NL_BUF_INIT;
	if (nl_read_file(path, 16u << 20, &pem) != NL_OK) {
		nl_buf_free(&pem);
		return NL_ERR_NOT_FOUND;
	}
	size_t before = nl_pki_trust_count(t);
	BIO *bio = BIO_new_mem_buf(pem.data ? pem.data : "", (int)pem.len);
	X509 *x;
	while (bio && (x = PEM_read_bio_X509(bio, NULL, NULL, NULL)) != NULL)
		if (!sk_X509_push(t->certs, x))
			X509_free(x);
	BIO_free(bio);
	nl_buf_free(&pem);
	ERR_clear_error();
	return nl_pki_trust_count(t) > before ? NL_OK : NL_ERR_INVALID;
}

static bool cert_file_name(const char *n)
{
	size_t l = strlen(n);
	return l > 4 && (!strcmp(n + l - 4, ".pem") || !strcmp(n + l - 4, ".crt") ||
	                 !strcmp(n + l - 4, ".cer"));
}

nl_err nl_pki_trust_add_dir(nl_pki_trust *t, const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		return NL_ERR_NOT_FOUND;
	struct dirent *e;
	char path[1024];
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.' || !cert_file_name(e->d_name))
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		nl_err_ignore(nl_pki_trust_add_file(t, path));   /* a file that is not PEM is skipped */
	}
	closedir(d);
	return NL_OK;
}

void nl_cms_signed_clear(struct nl_cms_signed *s)
{
	if (!s)
		return;
	nl_pki_cert_free(s->signer);
	nl_pki_cert_free(s->issuer);
	memset(s, 0, sizeof *s);
}

static nl_pki_cert *wrap(X509 *x)
{
	nl_pki_cert *c = calloc(1, sizeof *c);
	if (c) {
		X509_up_ref(x);
		c->x = x;
	}
	return c;
}

/* The chain of x to a root of t at time `at`: NL_CMS_OK or the verdict. */
static enum nl_cms_result check_chain(X509 *x, STACK_OF(X509) *untrusted,
                                      const nl_pki_trust *t, int64_t at,
                                      struct nl_cms_signed *out)
{
	enum nl_cms_result v = NL_CMS_UNTRUSTED;
	X509_STORE *st = X509_STORE_new();
	X509_STORE_CTX *ctx = X509_STORE_CTX_new();
	if (!st || !ctx)
		goto out;
	for (int i = 0; i < sk_X509_num(t->certs); i++)
		X509_STORE_add_cert(st, sk_X509_value(t->certs, i));
	if (!X509_STORE_CTX_init(ctx, st, x, untrusted))
		goto out;
	X509_STORE_CTX_set_time(ctx, 0, (time_t)at);
	X509_STORE_CTX_set_purpose(ctx, X509_PURPOSE_ANY);
	if (X509_verify_cert(ctx) == 1) {
		STACK_OF(X509) *chain = X509_STORE_CTX_get0_chain(ctx);
		X509 *iss = sk_X509_num(chain) > 1 ? sk_X509_value(chain, 1) : NULL;
		if (iss) {
			out->issuer = wrap(iss);
			v = NL_CMS_OK;
		}
		goto out;
	}
	int err = X509_STORE_CTX_get_error(ctx);
	snprintf(out->detail, sizeof out->detail, "%s", X509_verify_cert_error_string(err));
	if (err == X509_V_ERR_CERT_HAS_EXPIRED)
		v = NL_CMS_CERT_EXPIRED;
	else if (err == X509_V_ERR_CERT_NOT_YET_VALID)
		v = NL_CMS_CERT_NOT_YET;
out:
	X509_STORE_CTX_free(ctx);
	X509_STORE_free(st);
	return v;
}

static bool has_attr(CMS_SignerInfo *si, int nid)
{
	return CMS_signed_get_attr_by_NID(si, nid, -1) >= 0;
}

static int64_t signing_time(CMS_SignerInfo *si)
{
	X509_ATTRIBUTE *a = CMS_signed_get_attr(si, CMS_signed_get_attr_by_NID(si, NID_pkcs9_signingTime, -1));
	ASN1_TYPE *ty = a ? X509_ATTRIBUTE_get0_type(a, 0) : NULL;
	if (!ty || (ty->type != V_ASN1_UTCTIME && ty->type != V_ASN1_GENERALIZEDTIME))
		return 0;
	return nl_esign_asn1_epoch((ASN1_TIME *)ty->value.asn1_string);
}

/* The ESS signing-certificate-v2 attribute holds the hash of signer. */
static bool signing_cert_v2_names(CMS_SignerInfo *si, X509 *signer)
{
	int i = CMS_signed_get_attr_by_NID(si, NID_id_smime_aa_signingCertificateV2, -1);
	X509_ATTRIBUTE *a = i >= 0 ? CMS_signed_get_attr(si, i) : NULL;
	ASN1_TYPE *ty = a ? X509_ATTRIBUTE_get0_type(a, 0) : NULL;
	if (!ty || ty->type != V_ASN1_SEQUENCE)
		return false;
	const unsigned char *p = ASN1_STRING_get0_data(ty->value.sequence);
	ESS_SIGNING_CERT_V2 *sc = d2i_ESS_SIGNING_CERT_V2(NULL, &p, ASN1_STRING_length(ty->value.sequence));
	STACK_OF(X509) *chain = sk_X509_new_null();
	bool ok = sc && chain && sk_X509_push(chain, signer) &&
	          OSSL_ESS_check_signing_certs(NULL, sc, chain, 1) > 0;
	sk_X509_free(chain);
	ESS_SIGNING_CERT_V2_free(sc);
	return ok;
}

static enum nl_cms_result verify(const void *der, size_t len, const void *text, size_t text_len,
                                 const nl_pki_trust *t, struct nl_cms_signed *out)
{
	enum nl_cms_result v = NL_CMS_BROKEN;
	const unsigned char *p = der;
	CMS_ContentInfo *cms = NULL;
	BIO *content = NULL;
	STACK_OF(X509) *certs = NULL;
	if (len == 0 || len > MAX_CMS || !(cms = d2i_CMS_ContentInfo(NULL, &p, (long)len)) ||
	    p != (const unsigned char *)der + len ||
	    OBJ_obj2nid(CMS_get0_type(cms)) != NID_pkcs7_signed)
		goto out;
	STACK_OF(CMS_SignerInfo) *sis = CMS_get0_SignerInfos(cms);
	ASN1_OCTET_STRING **pos = CMS_get0_content(cms);
	if (sk_CMS_SignerInfo_num(sis) != 1 || !pos || !*pos)
		goto out;   /* one signer, content attached */
	CMS_SignerInfo *si = sk_CMS_SignerInfo_value(sis, 0);
	/* The signer's certificate must travel in the CMS. */
	certs = CMS_get1_certs(cms);
	if (!certs || CMS_set1_signers_certs(cms, certs, 0) < 1)
		goto out;
	X509 *signer = NULL;
	CMS_SignerInfo_get0_algs(si, NULL, &signer, NULL, NULL);
	if (!signer)
		goto out;
	out->signer = wrap(signer);
	struct nl_card_cert d;
	nl_esign_describe(signer, &d);
	snprintf(out->serial_attr, sizeof out->serial_attr, "%s", d.serial_attr);
	snprintf(out->serial_hex, sizeof out->serial_hex, "%s", d.serial_hex);
	X509_NAME_oneline(X509_get_issuer_name(signer), out->issuer_name, sizeof out->issuer_name);
	/* Signature and message digest; the chain is checked below on its own. */
	content = BIO_new(BIO_s_mem());
	if (!content)
		goto out;
	if (CMS_verify(cms, certs, NULL, NULL, content, CMS_BINARY | CMS_NO_SIGNER_CERT_VERIFY) != 1) {
		v = NL_CMS_BAD_SIGNATURE;
		goto out;
	}
	char *got;
	long got_len = BIO_get_mem_data(content, &got);
	if ((size_t)got_len != text_len || memcmp(got, text, text_len) != 0) {
		v = NL_CMS_TEXT_MISMATCH;
		goto out;
	}
	out->signing_time = signing_time(si);
	if (!out->signing_time || !has_attr(si, NID_id_smime_aa_signingCertificateV2)) {
		v = NL_CMS_NO_ATTRIBUTES;
		goto out;
	}
	/* signing-certificate-v2 must name this signer. */
	if (!signing_cert_v2_names(si, signer)) {
		v = NL_CMS_NO_ATTRIBUTES;
		goto out;
	}
	v = check_chain(signer, certs, t, out->signing_time, out);
	if (v != NL_CMS_OK)
		goto out;
	if (!nl_esign_has_qc_compliance(signer))
		v = NL_CMS_NOT_QUALIFIED;
	else if (!(X509_get_key_usage(signer) & KU_NON_REPUDIATION))
		v = NL_CMS_NO_NONREPUDIATION;
out:
	sk_X509_pop_free(certs, X509_free);
	BIO_free(content);
	CMS_ContentInfo_free(cms);
	ERR_clear_error();
	return v;
}

nl_err nl_pki_cms_verify(const void *cms, size_t cms_len, const void *text, size_t text_len,
                         const nl_pki_trust *t, struct nl_cms_signed *out)
{
	memset(out, 0, sizeof *out);
	out->result = verify(cms, cms_len, text, text_len, t, out);
	return NL_OK;
}

bool nl_pki_cert_equal(const nl_pki_cert *a, const nl_pki_cert *b)
{
	return a && b && X509_cmp(a->x, b->x) == 0;
}
