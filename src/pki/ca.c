/* The CA certificates: root (self-signed), issuing CA and the delegated OCSP
 * responder. Same standards as the end-entity profile: RFC 5280 keyUsage
 * keyCertSign/cRLSign, critical basicConstraints with a path length, SKI/AKI. */
#include "pki/pki_internal.h"

#include <openssl/err.h>
#include <openssl/ocsp.h>
#include <string.h>
#include <time.h>

#define DAY 86400

static NL_MUST_USE nl_err ca_name(X509_NAME *n, const char *org, const char *cn)
{
	if (!X509_NAME_add_entry_by_NID(n, NID_countryName, MBSTRING_UTF8, (const unsigned char *)"TR", -1, -1, 0) ||
	    !X509_NAME_add_entry_by_NID(n, NID_organizationName, MBSTRING_UTF8, (const unsigned char *)org, -1, -1, 0) ||
	    !X509_NAME_add_entry_by_NID(n, NID_commonName, MBSTRING_UTF8, (const unsigned char *)cn, -1, -1, 0))
		return NL_ERR_INVALID;
	return NL_OK;
}

/* A fresh X509 with version 3, a random serial, subject, issuer and key. */
static NL_MUST_USE nl_err base_cert(X509 **out, const char *org, const char *cn, X509 *issuer,
                        EVP_PKEY *pub, int64_t nb, int64_t na)
{
	uint8_t serial[NL_SERIAL_LEN];
	X509 *x = X509_new();
	X509_NAME *n = X509_NAME_new();
	BIGNUM *bn = NULL;
	ASN1_INTEGER *sn = NULL;
	nl_err rc = NL_ERR_CRYPTO;
	nl_pki_serial_random(serial);
	bn = BN_bin2bn(serial, sizeof serial, NULL);
	sn = bn ? BN_to_ASN1_INTEGER(bn, NULL) : NULL;
	if (!x || !n || !sn || ca_name(n, org, cn) || !X509_set_version(x, 2) ||
	    !X509_set_serialNumber(x, sn) || !X509_set_subject_name(x, n) ||
	    !X509_set_issuer_name(x, issuer ? X509_get_subject_name(issuer) : n) ||
	    !X509_set_pubkey(x, pub))
		goto out;
	if ((rc = nl_pki_set_validity(x, nb, na)))
		goto out;
	*out = x;
	x = NULL;
out:
	X509_free(x);
	X509_NAME_free(n);
	ASN1_INTEGER_free(sn);
	BN_free(bn);
	return rc;
}

nl_err nl_pki_root_cert(nl_pki_key *root, const struct nl_ca_names *n, int64_t now, nl_buf *der)
{
	X509 *x = NULL;
	unsigned char *p = NULL;
	/* Backdate an hour for clocks that lag; 20 years for a root. */
	nl_err rc = base_cert(&x, n->org, n->root_cn, NULL, root->pkey, now - 3600, now + 20 * 365 * DAY);
	if (rc) goto out;
	if ((rc = nl_pki_add_ext_conf(x, NULL, NID_basic_constraints, "critical,CA:TRUE,pathlen:1")) ||
	    (rc = nl_pki_add_ext_conf(x, NULL, NID_key_usage, "critical,keyCertSign,cRLSign")) ||
	    (rc = nl_pki_add_key_ids(x, NULL)))
		goto out;
	rc = NL_ERR_CRYPTO;
	if (X509_sign(x, root->pkey, nl_pki_md_for(root->type)) > 0)
		rc = nl_pki_i2d_append(der, i2d_X509(x, &p), &p);
out:
	X509_free(x);
	ERR_clear_error();
	return rc;
}

nl_err nl_pki_issuing_tbs(const nl_pki_key *issuing, const nl_pki_cert *root,
                          const struct nl_ca_names *n, const struct nl_pki_urls *u,
                          int64_t now, nl_buf *unsigned_der)
{
	/* certificatePolicies { PolicyInformation { anyPolicy } } */
	static const unsigned char any_policy[] = {0x30, 0x08, 0x30, 0x06, 0x06, 0x04, 0x55, 0x1d, 0x20, 0x00};
	X509 *x = NULL;
	enum nl_key_type rt;
	nl_buf tmp = NL_BUF_INIT;
	nl_err rc = nl_pki_cert_key_type(root->x, &rt);
	if (rc) return rc;
	rc = base_cert(&x, n->org, n->issuing_cn, root->x, issuing->pkey, now - 3600, now + 10 * 365 * DAY);
	if (rc) goto out;
	/* anyPolicy: the issuing CA may issue under any of the provider's policies,
	 * so relying parties that check QCP-n-qscd find a valid policy tree. */
	if ((rc = nl_pki_add_ext_conf(x, NULL, NID_basic_constraints, "critical,CA:TRUE,pathlen:0")) ||
	    (rc = nl_pki_add_ext_conf(x, NULL, NID_key_usage, "critical,keyCertSign,cRLSign")) ||
	    (rc = nl_pki_add_key_ids(x, root->x)) ||
	    (rc = nl_pki_add_ext_der(x, "2.5.29.32", 0, any_policy, sizeof any_policy)))
		goto out;
	if (u && u->crl) {
		nl_buf_printf(&tmp, "URI:%s", u->crl);
		if ((rc = nl_pki_add_ext_conf(x, NULL, NID_crl_distribution_points, tmp.data)))
			goto out;
		nl_buf_reset(&tmp);
	}
	if (u && u->ca_issuers) {
		nl_buf_printf(&tmp, "caIssuers;URI:%s", u->ca_issuers);
		if ((rc = nl_pki_add_ext_conf(x, NULL, NID_info_access, tmp.data)))
			goto out;
	}
	rc = nl_pki_finish_unsigned(x, rt, unsigned_der);
out:
	nl_buf_free(&tmp);
	X509_free(x);
	ERR_clear_error();
	return rc;
}

nl_err nl_pki_ocsp_responder_tbs(const nl_pki_key *responder, const nl_pki_cert *issuing,
                                 const struct nl_ca_names *n, int64_t now, int64_t days,
                                 nl_buf *unsigned_der)
{
	X509 *x = NULL;
	enum nl_key_type it;
	static const unsigned char der_null[] = {0x05, 0x00};
	nl_err rc = nl_pki_cert_key_type(issuing->x, &it);
	if (rc) return rc;
	rc = base_cert(&x, n->org, n->ocsp_cn, issuing->x, responder->pkey, now - 3600, now + days * DAY);
	if (rc) goto out;
	/* RFC 6960 4.2.2.2: delegated by the issuing CA with id-kp-OCSPSigning;
	 * 4.2.2.2.1: id-pkix-ocsp-nocheck, so clients do not ask about the
	 * responder itself (its short life limits the risk). */
	if ((rc = nl_pki_add_ext_conf(x, NULL, NID_basic_constraints, "critical,CA:FALSE")) ||
	    (rc = nl_pki_add_ext_conf(x, NULL, NID_key_usage, "critical,digitalSignature")) ||
	    (rc = nl_pki_add_ext_conf(x, NULL, NID_ext_key_usage, "OCSPSigning")) ||
	    (rc = nl_pki_add_key_ids(x, issuing->x)) ||
	    (rc = nl_pki_add_ext_der(x, "1.3.6.1.5.5.7.48.1.5", 0, der_null, sizeof der_null)))
		goto out;
	rc = nl_pki_finish_unsigned(x, it, unsigned_der);
out:
	X509_free(x);
	ERR_clear_error();
	return rc;
}

nl_err nl_pki_ocsp_responder_renew_tbs(const nl_pki_cert *current, const nl_pki_cert *issuing, int64_t now,
                                       int64_t days, nl_buf *unsigned_der)
{
	char org[256] = "", cn[256] = "";
	X509_NAME *n = X509_get_subject_name(current->x);
	EVP_PKEY *pub = X509_get0_pubkey(current->x);
	if (!pub || X509_NAME_get_text_by_NID(n, NID_organizationName, org, sizeof org) <= 0 ||
	    X509_NAME_get_text_by_NID(n, NID_commonName, cn, sizeof cn) <= 0) {
		ERR_clear_error();
		return NL_ERR_INVALID;
	}
	/* Never past the issuing CA (the linter would refuse it). */
	const ASN1_TIME *ina = X509_get0_notAfter(issuing->x);
	struct tm tm;
	if (ASN1_TIME_to_tm(ina, &tm)) {
		int64_t end = (int64_t)timegm(&tm);
		if (now + days * DAY > end) days = (end - now) / DAY;
	}
	if (days < 1) return NL_ERR_INVALID;
	/* the same subject and key, so clients that pinned neither notice; a new
	 * serial and period */
	struct nl_pki_key k = {.pkey = pub};   /* the public half is all the TBS needs */
	struct nl_ca_names names = {.org = org, .ocsp_cn = cn};
	return nl_pki_ocsp_responder_tbs(&k, issuing, &names, now, days, unsigned_der);
}
