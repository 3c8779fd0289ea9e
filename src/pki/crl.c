/* CRLs. The TBSCertList is written with our DER writer, not with OpenSSL's
 * X509_CRL objects: a list of a million entries would otherwise cost millions of
 * small allocations and a sort. The signer signs the TBS bytes as they are
 * (nl_pki_sign_tbs_crl) after checking the issuer, so nothing is re-encoded. */
#include "pki/pki_internal.h"
#include "pki/der.h"
#include "pki/crl.h"

#include <openssl/err.h>
#include <string.h>
#include <time.h>

static void put_time(nl_buf *b, int64_t t)
{
	struct tm tm;
	time_t tt = (time_t)t;
	char s[64];
	gmtime_r(&tt, &tm);
	/* RFC 5280 5.1.2.4: UTCTime through 2049, GeneralizedTime after. */
	if (tm.tm_year + 1900 < 2050) {
		snprintf(s, sizeof s, "%02d%02d%02d%02d%02d%02dZ", tm.tm_year % 100, tm.tm_mon + 1,
		         tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
		nl_der_header(b, 0x17, 13);
		nl_buf_append(b, s, 13);
	} else {
		snprintf(s, sizeof s, "%04d%02d%02d%02d%02d%02dZ", tm.tm_year + 1900, tm.tm_mon + 1,
		         tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
		nl_der_header(b, 0x18, 15);
		nl_buf_append(b, s, 15);
	}
}

/* INTEGER from big-endian unsigned bytes: strip leading zeros, keep it positive. */
static void put_uint(nl_buf *b, const uint8_t *p, size_t n)
{
	while (n > 1 && p[0] == 0) { p++; n--; }
	bool pad = n && (p[0] & 0x80);
	nl_der_header(b, 0x02, n + pad);
	if (pad) nl_buf_putc(b, 0);
	nl_buf_append(b, p, n);
}

static void put_int64(nl_buf *b, int64_t v)
{
	uint8_t be[8];
	for (int i = 0; i < 8; i++) be[i] = (uint8_t)((uint64_t)v >> (56 - 8 * i));
	put_uint(b, be, 8);
}

nl_err nl_pki_sigalg_der(enum nl_key_type t, nl_buf *out)
{
	X509_ALGOR *a = X509_ALGOR_new();
	unsigned char *der = NULL;
	int nid = t == NL_KEY_P256 ? NID_ecdsa_with_SHA256 : t == NL_KEY_P384 ? NID_ecdsa_with_SHA384 :
	          t == NL_KEY_RSA3072 ? NID_sha256WithRSAEncryption : NID_sha384WithRSAEncryption;
	if (!a || !X509_ALGOR_set0(a, OBJ_nid2obj(nid), t >= NL_KEY_RSA3072 ? V_ASN1_NULL : V_ASN1_UNDEF, NULL)) {
		X509_ALGOR_free(a);
		return NL_ERR_CRYPTO;
	}
	nl_err rc = nl_pki_i2d_append(out, i2d_X509_ALGOR(a, &der), &der);
	X509_ALGOR_free(a);
	return rc;
}

nl_err nl_pki_crl_tbs(const nl_pki_cert *issuer, const struct nl_revoked *r, size_t n,
                      int64_t crl_number, int64_t this_update, int64_t next_update, nl_buf *tbs)
{
	struct nl_crl_opts o = {.number = crl_number, .this_update = this_update, .next_update = next_update};
	return nl_pki_crl_tbs_opts(issuer, r, n, &o, tbs);
}

/* freshestCRL (RFC 5280 5.2.6, 4.2.1.15): the value is CRLDistributionPoints,
 * SEQUENCE { DistributionPoint { [0] fullName { [0] { [6] URI } } } }. */
static void put_freshest(nl_buf *exts, const char *url)
{
	nl_buf a = NL_BUF_INIT, b = NL_BUF_INIT;
	nl_der_string(&a, 0x86, url);
	nl_der_wrap(&b, 0xa0, &a);                 /* fullName [0] GeneralNames */
	nl_buf_reset(&a);
	nl_der_wrap(&a, 0xa0, &b);                 /* distributionPoint [0] */
	nl_buf_reset(&b);
	nl_der_wrap(&b, 0x30, &a);                 /* DistributionPoint */
	nl_buf_reset(&a);
	nl_der_wrap(&a, 0x30, &b);                 /* CRLDistributionPoints */
	nl_buf_reset(&b);
	nl_der_oid(&b, "2.5.29.46");
	nl_der_wrap(&b, 0x04, &a);
	nl_der_wrap(exts, 0x30, &b);
	if (a.oom || b.oom) exts->oom = true;
	nl_buf_free(&a); nl_buf_free(&b);
}

nl_err nl_pki_crl_tbs_opts(const nl_pki_cert *issuer, const struct nl_revoked *r, size_t n,
                           const struct nl_crl_opts *o, nl_buf *tbs)
{
	int64_t crl_number = o->number, this_update = o->this_update, next_update = o->next_update;
	static const uint8_t reason_oid[] = {0x06, 0x03, 0x55, 0x1d, 0x15};
	nl_buf body = NL_BUF_INIT, list = NL_BUF_INIT, ent = NL_BUF_INIT, exts = NL_BUF_INIT, tmp = NL_BUF_INIT;
	unsigned char *der = NULL;
	enum nl_key_type kt;
	nl_err rc = nl_pki_cert_key_type(issuer->x, &kt);
	if (rc) return rc;
	nl_buf_append(&body, "\x02\x01\x01", 3);                 /* version v2 */
	if ((rc = nl_pki_sigalg_der(kt, &body))) goto out;
	if ((rc = nl_pki_i2d_append(&body, i2d_X509_NAME(X509_get_subject_name(issuer->x), &der), &der)))
		goto out;
	put_time(&body, this_update);
	put_time(&body, next_update);
	if (n) {
		/* One entry: SEQUENCE { INTEGER, Time, [reasonCode] }. The list is
		 * reserved up front: about 50 bytes an entry. */
		nl_buf_reserve(&list, n * 56);
		for (size_t i = 0; i < n; i++) {
			nl_buf_reset(&ent);
			put_uint(&ent, r[i].serial, r[i].serial_len);
			put_time(&ent, r[i].revoked_at);
			int code = nl_crl_reason_ext(r[i].reason);
			if (code > 0) {
				/* Extensions { Extension { reasonCode, OCTET STRING { ENUMERATED } } };
				 * "unspecified" (0) is omitted as RFC 5280 5.3.1 advises. */
				uint8_t e[] = {0x30, 0x0c, 0x30, 0x0a, 0, 0, 0, 0, 0, 0x04, 0x03, 0x0a, 0x01,
				               (uint8_t)code};
				memcpy(e + 4, reason_oid, sizeof reason_oid);
				nl_buf_append(&ent, e, sizeof e);
			}
			nl_der_wrap(&list, 0x30, &ent);
		}
		nl_der_wrap(&body, 0x30, &list);
	}
	/* crlExtensions [0] { AKI, cRLNumber, deltaCRLIndicator | freshestCRL } */
	{
		const ASN1_OCTET_STRING *ski = X509_get0_subject_key_id(issuer->x);
		if (!ski) { rc = NL_ERR_CONFIG; goto out; }
		nl_buf aki = NL_BUF_INIT, kid = NL_BUF_INIT;
		nl_der_header(&kid, 0x80, (size_t)ski->length);           /* [0] keyIdentifier */
		nl_buf_append(&kid, ski->data, (size_t)ski->length);
		nl_der_wrap(&aki, 0x30, &kid);
		nl_buf_reset(&kid);
		nl_der_oid(&kid, "2.5.29.35");
		nl_der_wrap(&kid, 0x04, &aki);
		nl_der_wrap(&exts, 0x30, &kid);
		nl_buf_reset(&kid); nl_buf_reset(&aki);
		nl_der_oid(&kid, "2.5.29.20");
		put_int64(&aki, crl_number);
		nl_der_wrap(&kid, 0x04, &aki);
		nl_der_wrap(&exts, 0x30, &kid);
		if (o->base_number > 0) {
			/* deltaCRLIndicator, critical (RFC 5280 5.2.4): BaseCRLNumber */
			nl_buf_reset(&kid); nl_buf_reset(&aki);
			nl_der_oid(&kid, "2.5.29.27");
			nl_buf_append(&kid, "\x01\x01\xff", 3);
			put_int64(&aki, o->base_number);
			nl_der_wrap(&kid, 0x04, &aki);
			nl_der_wrap(&exts, 0x30, &kid);
		} else if (o->freshest && *o->freshest) {
			put_freshest(&exts, o->freshest);
		}
		nl_buf_free(&kid); nl_buf_free(&aki);
		nl_der_wrap(&tmp, 0x30, &exts);
		nl_der_wrap(&body, 0xa0, &tmp);
	}
	nl_der_wrap(tbs, 0x30, &body);
	rc = tbs->oom || body.oom || list.oom || exts.oom ? NL_ERR_NOMEM : NL_OK;
out:
	nl_buf_free(&body); nl_buf_free(&list); nl_buf_free(&ent); nl_buf_free(&exts); nl_buf_free(&tmp);
	return rc;
}

struct rd { const uint8_t *p, *end; };
static bool rd_next(struct rd *d, unsigned *tag, struct rd *c, const uint8_t **start)
{
	if (start) *start = d->p;
	if (d->end - d->p < 2) return false;
	*tag = *d->p++;
	size_t len = *d->p++;
	if (len & 0x80) {
		int k = (int)(len & 0x7f);
		if (k < 1 || k > 4 || d->end - d->p < k) return false;
		len = 0;
		while (k--) len = (len << 8) | *d->p++;
	}
	if ((size_t)(d->end - d->p) < len) return false;
	c->p = d->p; c->end = d->p + len; d->p += len;
	return true;
}

nl_err nl_pki_crl_check(const void *tbs, size_t len, const nl_pki_cert *issuer)
{
	struct rd all = {tbs, (const uint8_t *)tbs + len}, body, x;
	unsigned tag;
	const uint8_t *start;
	unsigned char *der = NULL;
	if (!rd_next(&all, &tag, &body, NULL) || tag != 0x30 || all.p != all.end) return NL_ERR_INVALID;
	if (!rd_next(&body, &tag, &x, NULL) || tag != 0x02) return NL_ERR_INVALID;   /* version */
	if (!rd_next(&body, &tag, &x, NULL) || tag != 0x30) return NL_ERR_INVALID;   /* algorithm */
	if (!rd_next(&body, &tag, &x, &start) || tag != 0x30) return NL_ERR_INVALID; /* issuer */
	int n = i2d_X509_NAME(X509_get_subject_name(issuer->x), &der);
	bool same = n > 0 && (size_t)n == (size_t)(x.end - start) && !memcmp(der, start, (size_t)n);
	OPENSSL_free(der);
	return same ? NL_OK : NL_ERR_FORBIDDEN;
}

/* Signs a TBS (certificate list) as it is and wraps it:
 * CertificateList ::= SEQUENCE { tbsCertList, signatureAlgorithm, BIT STRING }. */
nl_err nl_pki_sign_crl(nl_pki_key *k, const void *tbs, size_t len, nl_buf *out)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	unsigned char *sig = NULL;
	size_t siglen = 0;
	nl_buf body = NL_BUF_INIT;
	nl_err rc = NL_ERR_CRYPTO;
	if (!ctx || EVP_DigestSignInit(ctx, NULL, nl_pki_md_for(k->type), NULL, k->pkey) != 1 ||
	    EVP_DigestSign(ctx, NULL, &siglen, tbs, len) != 1 || !(sig = OPENSSL_malloc(siglen)) ||
	    EVP_DigestSign(ctx, sig, &siglen, tbs, len) != 1)
		goto out;
	if (!nl_buf_reserve(&body, len + siglen + 64)) { rc = NL_ERR_NOMEM; goto out; }
	nl_buf_append(&body, tbs, len);
	if ((rc = nl_pki_sigalg_der(k->type, &body))) goto out;
	nl_der_header(&body, 0x03, siglen + 1);
	nl_buf_putc(&body, 0);
	nl_buf_append(&body, sig, siglen);
	if (!nl_buf_reserve(out, body.len + 8)) { rc = NL_ERR_NOMEM; goto out; }
	nl_der_wrap(out, 0x30, &body);
	rc = out->oom ? NL_ERR_NOMEM : NL_OK;
out:
	OPENSSL_free(sig);
	EVP_MD_CTX_free(ctx);
	nl_buf_free(&body);
	ERR_clear_error();
	return rc;
}

static const char *const reason_names[] = {
	"unspecified", "keyCompromise", "cACompromise", "affiliationChanged", "superseded",
	"cessationOfOperation", "certificateHold", NULL, "removeFromCRL", "privilegeWithdrawn",
	"aACompromise",
};

int nl_crl_reason_parse(const char *s)
{
	for (int i = 0; i <= 10; i++)
		if (reason_names[i] && s && !strcmp(s, reason_names[i])) return i;
	return -1;
}

int nl_crl_reason_ext(int reason)
{
	return reason > 0 && reason <= 10 && reason != 7 ? reason : -1;
}

const char *nl_crl_reason_name(int code)
{
	return code >= 0 && code <= 10 && reason_names[code] ? reason_names[code] : "unspecified";
}

nl_err nl_pki_crl_lists(const void *der, size_t len, const nl_pki_cert *issuer,
                        const nl_pki_cert *subject, bool *listed)
{
	const unsigned char *p = der;
	X509_CRL *crl = d2i_X509_CRL(NULL, &p, (long)len);
	X509_REVOKED *rev = NULL;
	nl_err rc = NL_ERR_INVALID;
	*listed = false;
	if (!crl || X509_NAME_cmp(X509_CRL_get_issuer(crl), X509_get_subject_name(issuer->x)) ||
	    X509_CRL_verify(crl, X509_get0_pubkey(issuer->x)) != 1)
		goto out;
	*listed = X509_CRL_get0_by_serial(crl, &rev, X509_get0_serialNumber(subject->x)) == 1;
	rc = NL_OK;
out:
	X509_CRL_free(crl);
	ERR_clear_error();
	return rc;
}
