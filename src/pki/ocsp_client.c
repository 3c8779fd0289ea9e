/* Asking about a certificate's status (esign.h): OCSP requests and the check
 * of their responses, the AIA / CRL DP URLs, and a CRL look-up. */
#include "pki/esign_util.h"
#include "pki/ocsp.h"

#include <limits.h>
#include <openssl/err.h>
#include <openssl/ocsp.h>
#include <openssl/pem.h>
#include <stdio.h>
#include <string.h>

#define SKEW 300

nl_err nl_pki_ocsp_request_for(const nl_pki_cert *cert, const nl_pki_cert *issuer, nl_buf *req)
{
	nl_err rc = NL_ERR_CRYPTO;
	OCSP_REQUEST *r = OCSP_REQUEST_new();
	OCSP_CERTID *id = OCSP_cert_to_id(EVP_sha1(), cert->x, issuer->x);
	unsigned char *der = NULL;
	if (!r || !id || !OCSP_request_add0_id(r, id))
		goto out;
	id = NULL;   /* owned by the request now */
	int n = i2d_OCSP_REQUEST(r, &der);
	if (n <= 0)
		goto out;
	nl_buf_append(req, der, (size_t)n);
	rc = req->oom ? NL_ERR_NOMEM : NL_OK;
out:
	OPENSSL_free(der);
	OCSP_CERTID_free(id);
	OCSP_REQUEST_free(r);
	ERR_clear_error();
	return rc;
}

nl_err nl_pki_ocsp_check_response(const void *resp, size_t len, const nl_pki_cert *cert,
                                  const nl_pki_cert *issuer, int64_t now, int *status,
                                  int *reason)
{
	nl_err rc = NL_ERR_INVALID;
	const unsigned char *p = resp;
	OCSP_RESPONSE *r = d2i_OCSP_RESPONSE(NULL, &p, (long)len);
	OCSP_BASICRESP *b = NULL;
	OCSP_CERTID *id = NULL;
	X509_STORE *st = NULL;
	STACK_OF(X509) *certs = NULL;
	if (!r || OCSP_response_status(r) != OCSP_RESPONSE_STATUS_SUCCESSFUL ||
	    !(b = OCSP_response_get1_basic(r)))
		goto out;
	/* Signed by the issuer itself or a responder it delegated (OCSPSigning):
	 * OCSP_basic_verify with the issuer as the only trusted certificate, and
	 * OCSP_TRUSTOTHER so the delegated responder need not chain to a root. */
	st = X509_STORE_new();
	certs = sk_X509_new_null();
	if (!st || !certs || !X509_STORE_add_cert(st, issuer->x) || !sk_X509_push(certs, issuer->x))
		goto out;
	X509_STORE_set_flags(st, X509_V_FLAG_PARTIAL_CHAIN);
	if (OCSP_basic_verify(b, certs, st, 0) <= 0)
		goto out;
	id = OCSP_cert_to_id(EVP_sha1(), cert->x, issuer->x);
	int st_code = -1, rsn = -1;
	ASN1_GENERALIZEDTIME *rev = NULL, *thisupd = NULL, *nextupd = NULL;
	if (!id || !OCSP_resp_find_status(b, id, &st_code, &rsn, &rev, &thisupd, &nextupd))
		goto out;
	if (!OCSP_check_validity(thisupd, nextupd, SKEW, -1))
		goto out;
	(void)now;   /* OCSP_check_validity compares with the clock of the process */
	*status = st_code == V_OCSP_CERTSTATUS_GOOD ? NL_OCSP_GOOD
	        : st_code == V_OCSP_CERTSTATUS_REVOKED ? NL_OCSP_REVOKED : NL_OCSP_UNKNOWN;
	*reason = rsn;
	rc = NL_OK;
out:
	sk_X509_free(certs);
	X509_STORE_free(st);
	OCSP_CERTID_free(id);
	OCSP_BASICRESP_free(b);
	OCSP_RESPONSE_free(r);
	ERR_clear_error();
	return rc;
}

nl_err nl_pki_cert_ocsp_url(const nl_pki_cert *c, char *out, size_t cap)
{
	STACK_OF(OPENSSL_STRING) *urls = X509_get1_ocsp(c->x);
	nl_err rc = NL_ERR_NOT_FOUND;
	if (urls && sk_OPENSSL_STRING_num(urls) > 0) {
		snprintf(out, cap, "%s", sk_OPENSSL_STRING_value(urls, 0));
		rc = NL_OK;
	}
	X509_email_free(urls);
	return rc;
}

nl_err nl_pki_cert_crl_url(const nl_pki_cert *c, char *out, size_t cap)
{
	nl_err rc = NL_ERR_NOT_FOUND;
	STACK_OF(DIST_POINT) *dps = X509_get_ext_d2i(c->x, NID_crl_distribution_points, NULL, NULL);
	for (int i = 0; rc && i < sk_DIST_POINT_num(dps); i++) {
		DIST_POINT *dp = sk_DIST_POINT_value(dps, i);
		if (!dp->distpoint || dp->distpoint->type != 0)
			continue;
		GENERAL_NAMES *names = dp->distpoint->name.fullname;
		for (int j = 0; rc && j < sk_GENERAL_NAME_num(names); j++) {
			GENERAL_NAME *g = sk_GENERAL_NAME_value(names, j);
			if (g->type != GEN_URI)
				continue;
			ASN1_IA5STRING *u = g->d.uniformResourceIdentifier;
			snprintf(out, cap, "%.*s", ASN1_STRING_length(u),
			         (const char *)ASN1_STRING_get0_data(u));
			rc = NL_OK;
		}
	}
	sk_DIST_POINT_pop_free(dps, DIST_POINT_free);
	return rc;
}

nl_err nl_pki_crl_status(const void *crl, size_t len, const nl_pki_cert *issuer,
                         const nl_pki_cert *cert, int64_t now, bool *listed, int *reason)
{
	nl_err rc = NL_ERR_INVALID;
	const unsigned char *p = crl;
	/* BIO_new_mem_buf takes an int: a longer list is refused, not cut (a cut
	 * length would read a part, or with the sign bit set the whole C string). */
	if (len > INT_MAX)
		return NL_ERR_TOO_LARGE;
	X509_CRL *x = d2i_X509_CRL(NULL, &p, (long)len);
	if (!x) {
		BIO *b = BIO_new_mem_buf(crl, (int)len);   /* len <= INT_MAX: checked above */
		x = b ? PEM_read_bio_X509_CRL(b, NULL, NULL, NULL) : NULL;
		BIO_free(b);
	}
	EVP_PKEY *k = X509_get0_pubkey(issuer->x);
	if (!x || !k || X509_CRL_verify(x, k) != 1 ||
	    X509_NAME_cmp(X509_CRL_get_issuer(x), X509_get_subject_name(issuer->x)) != 0)
		goto out;
	const ASN1_TIME *next = X509_CRL_get0_nextUpdate(x);
	if (next && nl_esign_asn1_epoch(next) + SKEW < now)
		goto out;   /* stale */
	X509_REVOKED *rv = NULL;
	*listed = X509_CRL_get0_by_cert(x, &rv, cert->x) == 1;
	*reason = -1;
	if (*listed && rv) {
		ASN1_ENUMERATED *e = X509_REVOKED_get_ext_d2i(rv, NID_crl_reason, NULL, NULL);
		/* CRLReason is 0..10 (RFC 5280 5.3.1); a value outside is no reason
		 * (-1, revoked) rather than its low bits, which could read as 6
		 * (certificateHold, a suspension). */
		long v = e ? ASN1_ENUMERATED_get(e) : -1;
		if (v >= 0 && v <= 10)
			*reason = (int)v;
		ASN1_ENUMERATED_free(e);
	}
	rc = NL_OK;
out:
	X509_CRL_free(x);
	ERR_clear_error();
	return rc;
}
