/* The qualified natural-person certificate (RFC 5280, ETSI EN 319 412-1/-2/-5).
 * Built unsigned here; the signer lints it again and signs it. */
#include "pki/pki_internal.h"
#include "pki/der.h"

#include <ctype.h>
#include <openssl/err.h>
#include <string.h>

static bool all_digits(const char *s, size_t min, size_t max)
{
	size_t n = strlen(s);
	if (n < min || n > max) return false;
	for (size_t i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i])) return false;
	return true;
}

static bool upper_alnum(const char *s, size_t min, size_t max)
{
	size_t n = strlen(s);
	if (n < min || n > max) return false;
	for (size_t i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]) && !isupper((unsigned char)s[i])) return false;
	return true;
}

/* EN 319 412-1 5.1.3: "PNO" + ISO 3166 country + "-" + national personal number,
 * or "PAS" + issuing country + "-" + passport number. */
nl_err nl_pki_person_serial_attr(const struct nl_holder *p, char out[64])
{
	if (p->tckn && !p->passport_no) {
		if (!all_digits(p->tckn, 11, 11) || p->tckn[0] == '0')
			return NL_ERR_INVALID;
		snprintf(out, 64, "PNOTR-%s", p->tckn);
		return NL_OK;
	}
	if (!p->tckn && p->passport_no && p->passport_country) {
		if (strlen(p->passport_country) != 2 || !isupper((unsigned char)p->passport_country[0]) ||
		    !isupper((unsigned char)p->passport_country[1]) || !upper_alnum(p->passport_no, 1, 20))
			return NL_ERR_INVALID;
		snprintf(out, 64, "PAS%s-%s", p->passport_country, p->passport_no);
		return NL_OK;
	}
	return NL_ERR_INVALID;
}

static nl_err add_entry(X509_NAME *n, int nid, const char *v)
{
	if (!v || !*v || strlen(v) > 64)   /* ub-name lengths of RFC 5280 */
		return NL_ERR_INVALID;
	if (!X509_NAME_add_entry_by_NID(n, nid, MBSTRING_UTF8, (const unsigned char *)v, -1, -1, 0)) {
		ERR_clear_error();
		return NL_ERR_INVALID;
	}
	return NL_OK;
}

static nl_err person_name(const struct nl_holder *p, X509_NAME *n)
{
	char serial[64], cn[160];
	nl_err rc = nl_pki_person_serial_attr(p, serial);
	if (rc) return rc;
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

nl_err nl_pki_person_tbs(const struct nl_person_cert_req *r, const nl_pki_cert *issuer,
                         nl_buf *unsigned_der)
{
	X509 *x = X509_new();
	X509_NAME *name = X509_NAME_new();
	EVP_PKEY *pk = NULL;
	ASN1_INTEGER *sn = NULL;
	BIGNUM *bn = NULL;
	nl_buf ext = NL_BUF_INIT, tmp = NL_BUF_INIT;
	enum nl_key_type issuer_type;
	const struct nl_pki_urls *u = r->urls;
	nl_err rc = NL_ERR_NOMEM;
	if (!x || !name)
		goto out;
	rc = NL_ERR_INVALID;
	if (!u || !u->ocsp || !u->ca_issuers || !u->crl || !u->policy_oid || !r->spki)
		goto out;
	const unsigned char *p = r->spki;
	pk = d2i_PUBKEY(NULL, &p, (long)r->spki_len);
	if (!pk)
		goto out;
	if ((rc = nl_pki_cert_key_type(issuer->x, &issuer_type)))
		goto out;
	if ((rc = person_name(&r->person, name)))
		goto out;
	rc = NL_ERR_CRYPTO;
	bn = BN_bin2bn(r->serial, NL_SERIAL_LEN, NULL);
	sn = bn ? BN_to_ASN1_INTEGER(bn, NULL) : NULL;
	if (!sn || !X509_set_version(x, 2) || !X509_set_serialNumber(x, sn) ||
	    !X509_set_subject_name(x, name) ||
	    !X509_set_issuer_name(x, X509_get_subject_name(issuer->x)) || !X509_set_pubkey(x, pk))
		goto out;
	if ((rc = nl_pki_set_validity(x, r->not_before, r->not_after)))
		goto out;
	if ((rc = nl_pki_add_ext_conf(x, NULL, NID_key_usage, "critical,nonRepudiation")) ||
	    (rc = nl_pki_add_key_ids(x, issuer->x)))
		goto out;
	if ((rc = nl_pki_policies_der(u->policy_oid, u->cps, &ext)) ||
	    (rc = nl_pki_add_ext_der(x, "2.5.29.32", 0, ext.data, ext.len)))
		goto out;
	nl_buf_reset(&ext);
	if ((rc = nl_pki_qcstatements_der(u, &ext)) ||
	    (rc = nl_pki_add_ext_der(x, "1.3.6.1.5.5.7.1.3", 0, ext.data, ext.len)))
		goto out;
	nl_buf_printf(&tmp, "OCSP;URI:%s,caIssuers;URI:%s", u->ocsp, u->ca_issuers);
	if ((rc = nl_pki_add_ext_conf(x, NULL, NID_info_access, tmp.data)))
		goto out;
	nl_buf_reset(&tmp);
	nl_buf_printf(&tmp, "URI:%s", u->crl);
	if ((rc = nl_pki_add_ext_conf(x, NULL, NID_crl_distribution_points, tmp.data)))
		goto out;
	rc = nl_pki_finish_unsigned(x, issuer_type, unsigned_der);
out:
	ERR_clear_error();
	nl_buf_free(&ext);
	nl_buf_free(&tmp);
	BN_free(bn);
	ASN1_INTEGER_free(sn);
	EVP_PKEY_free(pk);
	X509_NAME_free(name);
	X509_free(x);
	return rc;
}
