/* The qualified natural-person certificate (RFC 5280, ETSI EN 319 412-1/-2/-5).
 * Built unsigned here; the signer lints it again and signs it. */
#include "pki/pki_internal.h"
#include "pki/der.h"
#include "core/validate.h"

#include <ctype.h>
#include <openssl/err.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static bool upper_alnum(const char *s, size_t min, size_t max)
{
	size_t n = strlen(s);
	if (n < min || n > max) return false;
	for (size_t i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]) && !isupper((unsigned char)s[i])) return false;
	return true;
}

/* EN 319 412-1 5.1.3: "PNO" + ISO 3166 country + "-" + national personal number,
 * or "PAS" + issuing country + "-" + passport number. The text is core's
 * nl_semantics_id_*; this checks the shape a certificate needs first. */
nl_err nl_pki_person_serial_attr(const struct nl_holder *p, char out[64])
{
	if (p->tckn && !p->passport_no) {
		if (strlen(p->tckn) != 11 || !nl_all_digits(p->tckn) || p->tckn[0] == '0')
			return NL_ERR_INVALID;
		nl_semantics_id_tckn(p->tckn, out);
		return NL_OK;
	}
	if (!p->tckn && p->passport_no && p->passport_country) {
		if (strlen(p->passport_country) != 2 || !isupper((unsigned char)p->passport_country[0]) ||
		    !isupper((unsigned char)p->passport_country[1]) || !upper_alnum(p->passport_no, 1, 20))
			return NL_ERR_INVALID;
		nl_semantics_id_passport(p->passport_country, p->passport_no, out);
		return NL_OK;
	}
	return NL_ERR_INVALID;
}

nl_err nl_pki_person_subject_serial(const struct nl_holder *p, enum nl_serial_form f, char out[64])
{
	nl_err rc = nl_pki_person_serial_attr(p, out);
	if (!rc && f == NL_SERIAL_FORM_TR && p->tckn && !p->passport_no)
		snprintf(out, 64, "%s", p->tckn);   /* the bare number, as Kamu SM issues it */
	return rc;
}

bool nl_pki_serial_is_etsi(const char *attr)
{
	/* "PNOTR-", "PASDE-": three upper-case letters, a country, a dash */
	return attr && strlen(attr) > 6 && attr[5] == '-' && isupper((unsigned char)attr[0]) &&
	       isupper((unsigned char)attr[1]) && isupper((unsigned char)attr[2]) &&
	       isupper((unsigned char)attr[3]) && isupper((unsigned char)attr[4]);
}

static NL_MUST_USE nl_err add_entry(X509_NAME *n, int nid, const char *v)
{
	if (!v || !*v || strlen(v) > 64)   /* ub-name lengths of RFC 5280 */
		return NL_ERR_INVALID;
	if (!X509_NAME_add_entry_by_NID(n, nid, MBSTRING_UTF8, (const unsigned char *)v, -1, -1, 0)) {
		ERR_clear_error();
		return NL_ERR_INVALID;
	}
	return NL_OK;
}

static NL_MUST_USE nl_err person_name(const struct nl_holder *p, const char *serial, X509_NAME *n)
{
	char cn[160];
	nl_err rc;
	if (p->common_name)
		snprintf(cn, sizeof cn, "%s", p->common_name);
	else
		snprintf(cn, sizeof cn, "%s %s", p->given_name ? p->given_name : "",
		         p->surname ? p->surname : "");
	/* C and serialNumber become PrintableString (OpenSSL's string table), the
	 * names UTF8String: Turkish letters need it. */
	if ((rc = add_entry(n, NID_countryName, "TR")) ||
	    (rc = add_entry(n, NID_serialNumber, serial)) ||
	    (rc = add_entry(n, NID_givenName, p->given_name)) ||
	    (rc = add_entry(n, NID_surname, p->surname)) ||
	    (rc = add_entry(n, NID_commonName, cn)))
		return rc;
	return NL_OK;
}

/* The extensions that are the same in every certificate of a CA (policies,
 * qcStatements, AIA, CRL DP) are encoded once and kept, keyed by the URLs they
 * were made from: building them through OpenSSL's config parser cost more than
 * a third of the profile's time. */
struct ext_cache {
	char key[4096];
	nl_buf policies, qc, qc_natural, aia, crldp, freshest;
};
static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
static struct ext_cache cache;

static NL_MUST_USE nl_err ext_value_der(int nid, const char *conf, nl_buf *out)
{
	X509V3_CTX ctx;
	X509V3_set_ctx_nodb(&ctx);
	X509V3_set_ctx(&ctx, NULL, NULL, NULL, NULL, 0);
	X509_EXTENSION *e = X509V3_EXT_conf_nid(NULL, &ctx, nid, conf);
	if (!e) return NL_ERR_CRYPTO;
	const ASN1_OCTET_STRING *v = X509_EXTENSION_get_data(e);
	nl_buf_append(out, v->data, (size_t)v->length);
	X509_EXTENSION_free(e);
	return out->oom ? NL_ERR_NOMEM : NL_OK;
}

/* Fills *c (a copy the caller frees) with the constant extensions for u. */
static NL_MUST_USE nl_err constant_exts(const struct nl_pki_urls *u, struct ext_cache *c)
{
	char key[4096], tmp[1200];
	nl_err rc = NL_OK;
	if ((size_t)snprintf(key, sizeof key, "%s|%s|%s|%s|%s|%s|%s|%s|%s", u->ocsp, u->ca_issuers, u->crl,
	                     u->delta_crl ? u->delta_crl : "",
	                     u->cps ? u->cps : "", u->pds_en ? u->pds_en : "", u->pds_tr ? u->pds_tr : "",
	                     u->policy_oid, u->user_notice ? u->user_notice : "") >= sizeof key)
		return NL_ERR_INVALID;
	pthread_mutex_lock(&cache_lock);
	if (strcmp(cache.key, key)) {
		nl_buf_reset(&cache.policies); nl_buf_reset(&cache.qc); nl_buf_reset(&cache.qc_natural);
		nl_buf_reset(&cache.aia); nl_buf_reset(&cache.crldp); nl_buf_reset(&cache.freshest);
		cache.key[0] = '\0';
		rc = nl_pki_policies_der(u->policy_oid, u->cps, u->user_notice, &cache.policies);
		if (!rc) rc = nl_pki_qcstatements_der_for(u, false, &cache.qc);
		if (!rc) rc = nl_pki_qcstatements_der_for(u, true, &cache.qc_natural);
		snprintf(tmp, sizeof tmp, "OCSP;URI:%s,caIssuers;URI:%s", u->ocsp, u->ca_issuers);
		if (!rc) rc = ext_value_der(NID_info_access, tmp, &cache.aia);
		snprintf(tmp, sizeof tmp, "URI:%s", u->crl);
		if (!rc) rc = ext_value_der(NID_crl_distribution_points, tmp, &cache.crldp);
		/* freshestCRL (RFC 5280 4.2.1.15): where the delta CRLs are */
		snprintf(tmp, sizeof tmp, "URI:%s", u->delta_crl ? u->delta_crl : "");
		if (!rc && u->delta_crl) rc = ext_value_der(NID_freshest_crl, tmp, &cache.freshest);
		if (!rc) snprintf(cache.key, sizeof cache.key, "%s", key);
	}
	if (!rc) {
		nl_buf_append(&c->policies, cache.policies.data, cache.policies.len);
		nl_buf_append(&c->qc, cache.qc.data, cache.qc.len);
		nl_buf_append(&c->qc_natural, cache.qc_natural.data, cache.qc_natural.len);
		nl_buf_append(&c->aia, cache.aia.data, cache.aia.len);
		nl_buf_append(&c->crldp, cache.crldp.data, cache.crldp.len);
		nl_buf_append(&c->freshest, cache.freshest.data, cache.freshest.len);
	}
	pthread_mutex_unlock(&cache_lock);
	return rc;
}

/* subjectKeyIdentifier: SHA-1 of the subjectPublicKey bits (RFC 5280 4.2.1.2 (1));
 * authorityKeyIdentifier: the issuer's SKI as keyIdentifier. */
static NL_MUST_USE nl_err key_id_exts(X509 *x, X509 *issuer)
{
	const unsigned char *pk;
	int pklen;
	unsigned char md[20], der[24];
	unsigned int mdlen = 0;
	X509_PUBKEY *xpk = X509_get_X509_PUBKEY(x);
	if (!X509_PUBKEY_get0_param(NULL, &pk, &pklen, NULL, xpk) ||
	    !EVP_Digest(pk, (size_t)pklen, md, &mdlen, EVP_sha1(), NULL) || mdlen != 20)
		return NL_ERR_CRYPTO;
	der[0] = 0x04; der[1] = 20;
	memcpy(der + 2, md, 20);
	nl_err rc = nl_pki_add_ext_der(x, "2.5.29.14", 0, der, 22);
	const ASN1_OCTET_STRING *iski = X509_get0_subject_key_id(issuer);
	if (rc || !iski || iski->length > 64) return rc ? rc : NL_ERR_CONFIG;
	unsigned char aki[80];
	aki[0] = 0x30; aki[1] = (unsigned char)(iski->length + 2);
	aki[2] = 0x80; aki[3] = (unsigned char)iski->length;
	memcpy(aki + 4, iski->data, (size_t)iski->length);
	return nl_pki_add_ext_der(x, "2.5.29.35", 0, aki, (size_t)iski->length + 4);
}

nl_err nl_pki_person_tbs(const struct nl_person_cert_req *r, const nl_pki_cert *issuer,
                         nl_buf *unsigned_der)
{
	static const unsigned char key_usage[] = {0x03, 0x02, 0x06, 0x40};   /* nonRepudiation */
	X509 *x = X509_new();
	X509_NAME *name = X509_NAME_new();
	X509_PUBKEY *xpk = NULL;
	ASN1_INTEGER *sn = NULL;
	BIGNUM *bn = NULL;
	struct ext_cache ext = {0};
	enum nl_key_type issuer_type;
	char serial_attr[64];
	const struct nl_pki_urls *u = r->urls;
	nl_err rc = NL_ERR_NOMEM;
	if (!x || !name)
		goto out;
	rc = NL_ERR_INVALID;
	if (!u || !u->ocsp || !u->ca_issuers || !u->crl || !u->policy_oid || !r->spki)
		goto out;
	const unsigned char *p = r->spki;
	xpk = d2i_X509_PUBKEY(NULL, &p, (long)r->spki_len);
	if (!xpk)
		goto out;
	if ((rc = nl_pki_cert_key_type(issuer->x, &issuer_type)))
		goto out;
	if ((rc = nl_pki_person_subject_serial(&r->person, u->serial_form, serial_attr)) ||
	    (rc = person_name(&r->person, serial_attr, name)))
		goto out;
	rc = NL_ERR_CRYPTO;
	bn = BN_bin2bn(r->serial, NL_SERIAL_LEN, NULL);
	sn = bn ? BN_to_ASN1_INTEGER(bn, NULL) : NULL;
	/* The SPKI goes in as the holder sent it (X509_PUBKEY), without a round
	 * trip through an EVP_PKEY. */
	if (!sn || !X509_set_version(x, 2) || !X509_set_serialNumber(x, sn) ||
	    !X509_set_subject_name(x, name) ||
	    !X509_set_issuer_name(x, X509_get_subject_name(issuer->x)))
		goto out;
	{
		ASN1_OBJECT *alg_obj;
		const void *pval;
		int ptype;
		const unsigned char *key;
		int keylen;
		const X509_ALGOR *alg;
		if (!X509_PUBKEY_get0_param(NULL, &key, &keylen, (X509_ALGOR **)(uintptr_t)&alg, xpk))
			goto out;
		X509_ALGOR_get0((const ASN1_OBJECT **)(uintptr_t)&alg_obj, &ptype, &pval, alg);
		unsigned char *kcopy = OPENSSL_memdup(key, (size_t)keylen);
		ASN1_OBJECT *ocopy = OBJ_dup(alg_obj);
		void *pcopy = NULL;
		if (ptype == V_ASN1_OBJECT) pcopy = OBJ_dup(pval);
		else if (ptype == V_ASN1_SEQUENCE) pcopy = ASN1_STRING_dup(pval);
		if (!kcopy || !ocopy || (ptype != V_ASN1_UNDEF && ptype != V_ASN1_NULL && !pcopy) ||
		    !X509_PUBKEY_set0_param(X509_get_X509_PUBKEY(x), ocopy, ptype, pcopy, kcopy, keylen)) {
			OPENSSL_free(kcopy);
			ASN1_OBJECT_free(ocopy);
			goto out;
		}
	}
	if ((rc = nl_pki_set_validity(x, r->not_before, r->not_after)))
		goto out;
	if ((rc = constant_exts(u, &ext)) ||
	    (rc = nl_pki_add_ext_der(x, "2.5.29.15", 1, key_usage, sizeof key_usage)) ||
	    (rc = key_id_exts(x, issuer->x)) ||
	    (rc = nl_pki_add_ext_der(x, "2.5.29.32", 0, ext.policies.data, ext.policies.len)) ||
	    (rc = nl_pki_serial_is_etsi(serial_attr)
	              ? nl_pki_add_ext_der(x, "1.3.6.1.5.5.7.1.3", 0, ext.qc_natural.data, ext.qc_natural.len)
	              : nl_pki_add_ext_der(x, "1.3.6.1.5.5.7.1.3", 0, ext.qc.data, ext.qc.len)) ||
	    (rc = nl_pki_add_ext_der(x, "1.3.6.1.5.5.7.1.1", 0, ext.aia.data, ext.aia.len)) ||
	    (rc = nl_pki_add_ext_der(x, "2.5.29.31", 0, ext.crldp.data, ext.crldp.len)) ||
	    (ext.freshest.len && (rc = nl_pki_add_ext_der(x, "2.5.29.46", 0, ext.freshest.data, ext.freshest.len))))
		goto out;
	rc = nl_pki_finish_unsigned(x, issuer_type, unsigned_der);
out:
	ERR_clear_error();
	nl_buf_free(&ext.policies); nl_buf_free(&ext.qc); nl_buf_free(&ext.qc_natural);
	nl_buf_free(&ext.aia); nl_buf_free(&ext.crldp); nl_buf_free(&ext.freshest);
	BN_free(bn);
	ASN1_INTEGER_free(sn);
	X509_PUBKEY_free(xpk);
	X509_NAME_free(name);
	X509_free(x);
	return rc;
}
