/* OCSP request parsing and response signing (RFC 6960; RFC 5019 profile). */
#include "pki/pki_internal.h"
#include "pki/ocsp.h"
#include "pki/crl.h"

#include <openssl/err.h>
#include <openssl/ocsp.h>
#include <string.h>

void nl_ocsp_req_clear(struct nl_ocsp_req *r)
{
	nl_buf_free(&r->certid);
	nl_buf_free(&r->nonce);
	memset(r, 0, sizeof *r);
}

void nl_ocsp_status_clear(struct nl_ocsp_status *s)
{
	nl_buf_free(&s->certid);
	nl_buf_free(&s->nonce);
	memset(s, 0, sizeof *s);
}

/* A CertID of `issuer` for this serial with the same hash as `like` (or SHA-1). */
static OCSP_CERTID *issuer_certid(const nl_pki_cert *issuer, const ASN1_INTEGER *serial,
                                  const EVP_MD *md)
{
	const X509_NAME *name = X509_get_subject_name(issuer->x);
	const ASN1_BIT_STRING *key = X509_get0_pubkey_bitstr(issuer->x);
	return OCSP_cert_id_new(md, name, key, serial);
}

static const EVP_MD *certid_md(OCSP_CERTID *id)
{
	ASN1_OBJECT *alg = NULL;
	if (!OCSP_id_get0_info(NULL, &alg, NULL, NULL, id) || !alg) return NULL;
	int nid = OBJ_obj2nid(alg);
	/* SHA-1 is what RFC 5019 clients send; SHA-2 is accepted too. */
	if (nid == NID_sha1) return EVP_sha1();
	if (nid == NID_sha256) return EVP_sha256();
	if (nid == NID_sha384) return EVP_sha384();
	if (nid == NID_sha512) return EVP_sha512();
	return NULL;
}

nl_err nl_pki_ocsp_parse(const void *der, size_t len, const nl_pki_cert *issuer,
                         struct nl_ocsp_req *out, int *ocsp_status)
{
	OCSP_REQUEST *req = NULL;
	OCSP_CERTID *mine = NULL;
	unsigned char *enc = NULL;
	nl_err rc = NL_ERR_INVALID;
	memset(out, 0, sizeof *out);
	*ocsp_status = NL_OCSP_MALFORMED;
	if (len == 0 || len > NL_OCSP_MAX_REQUEST) return len ? NL_ERR_TOO_LARGE : NL_ERR_INVALID;
	const unsigned char *p = der;
	req = d2i_OCSP_REQUEST(NULL, &p, (long)len);
	if (!req || p != (const unsigned char *)der + len) goto out;
	/* RFC 5019 2.1.1: one Request per OCSPRequest; we answer only that form. */
	if (OCSP_request_onereq_count(req) != 1) goto out;
	OCSP_CERTID *id = OCSP_onereq_get0_id(OCSP_request_onereq_get0(req, 0));
	ASN1_INTEGER *serial = NULL;
	const EVP_MD *md = certid_md(id);
	if (!md || !OCSP_id_get0_info(NULL, NULL, NULL, &serial, id) || !serial) goto out;
	if (serial->length < 1 || serial->length > 31) goto out;
	mine = issuer_certid(issuer, serial, md);
	if (!mine) { rc = NL_ERR_CRYPTO; *ocsp_status = NL_OCSP_INTERNAL; goto out; }
	if (OCSP_id_issuer_cmp(id, mine) != 0) {
		*ocsp_status = NL_OCSP_UNAUTHORIZED;   /* RFC 6960 2.3: not our CA */
		rc = NL_ERR_FORBIDDEN;
		goto out;
	}
	nl_pki_hex(serial->data, (size_t)serial->length, out->serial_hex);
	out->sha1 = md == EVP_sha1();
	int n = i2d_OCSP_CERTID(id, &enc);
	if (n <= 0) goto out;
	nl_buf_append(&out->certid, enc, (size_t)n);
	OPENSSL_free(enc);
	enc = NULL;
	int idx = OCSP_REQUEST_get_ext_by_NID(req, NID_id_pkix_OCSP_Nonce, -1);
	if (idx >= 0) {
		X509_EXTENSION *ext = OCSP_REQUEST_get_ext(req, idx);
		n = i2d_X509_EXTENSION(ext, &enc);
		/* RFC 8954: a nonce of 1 to 32 octets. */
		if (n <= 0 || n > 64) goto out;
		nl_buf_append(&out->nonce, enc, (size_t)n);
	}
	rc = out->certid.oom || out->nonce.oom ? NL_ERR_NOMEM : NL_OK;
	*ocsp_status = 0;
out:
	OPENSSL_free(enc);
	OCSP_CERTID_free(mine);
	OCSP_REQUEST_free(req);
	ERR_clear_error();
	if (rc) {
		nl_buf_free(&out->certid);
		nl_buf_free(&out->nonce);
	}
	return rc;
}

static void put_i64(nl_buf *b, int64_t v)
{
	for (int i = 7; i >= 0; i--) nl_buf_putc(b, (char)((uint64_t)v >> (8 * i)));
}

static int64_t get_i64(const uint8_t *p)
{
	uint64_t v = 0;
	for (int i = 0; i < 8; i++) v = v << 8 | p[i];
	return (int64_t)v;
}

static void put_blob(nl_buf *b, const void *p, size_t n)
{
	nl_buf_putc(b, (char)(n >> 8));
	nl_buf_putc(b, (char)n);
	nl_buf_append(b, p, n);
}

/* status, reason, revoked_at, this_update, next_update (i64 BE), then three
 * u16-length-prefixed fields: serial hex, CertID DER, nonce Extension DER. */
nl_err nl_ocsp_status_encode(const struct nl_ocsp_status *s, nl_buf *out)
{
	nl_buf_putc(out, (char)s->status);
	nl_buf_putc(out, (char)s->reason);
	put_i64(out, s->revoked_at);
	put_i64(out, s->this_update);
	put_i64(out, s->next_update);
	put_blob(out, s->serial_hex, strlen(s->serial_hex));
	put_blob(out, s->certid.data, s->certid.len);
	put_blob(out, s->nonce.data, s->nonce.len);
	return out->oom ? NL_ERR_NOMEM : NL_OK;
}

nl_err nl_ocsp_status_decode(const void *data, size_t n, struct nl_ocsp_status *s)
{
	const uint8_t *p = data, *end = p + n;
	memset(s, 0, sizeof *s);
	if (n < 26) return NL_ERR_INVALID;
	s->status = p[0];
	s->reason = p[1];
	s->revoked_at = get_i64(p + 2);
	s->this_update = get_i64(p + 10);
	s->next_update = get_i64(p + 18);
	p += 26;
	for (int i = 0; i < 3; i++) {
		if (end - p < 2) goto bad;
		size_t l = (size_t)p[0] << 8 | p[1];
		p += 2;
		if ((size_t)(end - p) < l) goto bad;
		if (i == 0) {
			if (l == 0 || l >= sizeof s->serial_hex) goto bad;
			memcpy(s->serial_hex, p, l);
		} else {
			nl_buf_append(i == 1 ? &s->certid : &s->nonce, p, l);
		}
		p += l;
	}
	if (p != end || s->status > NL_OCSP_UNKNOWN) goto bad;
	return s->certid.oom || s->nonce.oom ? NL_ERR_NOMEM : NL_OK;
bad:
	nl_ocsp_status_clear(s);
	return NL_ERR_INVALID;
}

static ASN1_INTEGER *serial_from_hex(const char *hex)
{
	BIGNUM *bn = NULL;
	if (!BN_hex2bn(&bn, hex)) return NULL;
	ASN1_INTEGER *i = BN_to_ASN1_INTEGER(bn, NULL);
	BN_free(bn);
	return i;
}

nl_err nl_pki_ocsp_sign_status(nl_pki_key *k, const nl_pki_cert *responder,
                               const nl_pki_cert *issuer, const struct nl_ocsp_status *s,
                               nl_buf *out)
{
	OCSP_BASICRESP *bs = OCSP_BASICRESP_new();
	OCSP_CERTID *id = NULL, *mine = NULL;
	OCSP_RESPONSE *resp = NULL;
	ASN1_INTEGER *serial = NULL;
	ASN1_TIME *thisu = NULL, *nextu = NULL, *revt = NULL;
	X509_EXTENSION *nonce = NULL;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	unsigned char *o = NULL;
	nl_err rc = NL_ERR_INVALID;
	if (!bs || !ctx) { rc = NL_ERR_NOMEM; goto out; }
	if (s->certid.len) {
		const unsigned char *p = (const unsigned char *)s->certid.data;
		ASN1_INTEGER *sn = NULL;
		id = d2i_OCSP_CERTID(NULL, &p, (long)s->certid.len);
		const EVP_MD *md = id ? certid_md(id) : NULL;
		if (!md || !OCSP_id_get0_info(NULL, NULL, NULL, &sn, id)) goto out;
		mine = issuer_certid(issuer, sn, md);
		if (!mine || OCSP_id_issuer_cmp(id, mine)) { rc = NL_ERR_FORBIDDEN; goto out; }
	} else {
		serial = serial_from_hex(s->serial_hex);
		id = serial ? issuer_certid(issuer, serial, EVP_sha1()) : NULL;
		if (!id) goto out;
	}
	thisu = ASN1_GENERALIZEDTIME_set(NULL, (time_t)s->this_update);
	nextu = ASN1_GENERALIZEDTIME_set(NULL, (time_t)s->next_update);
	if (s->status == NL_OCSP_REVOKED)
		revt = ASN1_GENERALIZEDTIME_set(NULL, (time_t)s->revoked_at);
	rc = NL_ERR_CRYPTO;
	if (!thisu || !nextu || (s->status == NL_OCSP_REVOKED && !revt)) goto out;
	int st = s->status == NL_OCSP_GOOD ? V_OCSP_CERTSTATUS_GOOD :
	         s->status == NL_OCSP_REVOKED ? V_OCSP_CERTSTATUS_REVOKED : V_OCSP_CERTSTATUS_UNKNOWN;
	/* the same reasonCode the CRL lists: none for unspecified */
	int reason = s->status == NL_OCSP_REVOKED ? nl_crl_reason_ext(s->reason) : -1;
	if (!OCSP_basic_add1_status(bs, id, st, reason, revt, thisu, nextu)) goto out;
	if (s->nonce.len) {
		const unsigned char *p = (const unsigned char *)s->nonce.data;
		nonce = d2i_X509_EXTENSION(NULL, &p, (long)s->nonce.len);
		if (!nonce || OBJ_obj2nid(X509_EXTENSION_get_object(nonce)) != NID_id_pkix_OCSP_Nonce ||
		    !OCSP_BASICRESP_add_ext(bs, nonce, -1)) {
			rc = NL_ERR_INVALID;
			goto out;
		}
	}
	if (!EVP_DigestSignInit(ctx, NULL, nl_pki_md_for(k->type), NULL, k->pkey)) goto out;
	/* ResponderID by key hash (shorter); the responder certificate included so
	 * clients can check the delegation (RFC 6960 4.2.2.2). */
	if (!OCSP_basic_sign_ctx(bs, responder->x, ctx, NULL, OCSP_RESPID_KEY)) goto out;
	resp = OCSP_response_create(OCSP_RESPONSE_STATUS_SUCCESSFUL, bs);
	if (resp) rc = nl_pki_i2d_append(out, i2d_OCSP_RESPONSE(resp, &o), &o);
out:
	X509_EXTENSION_free(nonce);
	ASN1_TIME_free(thisu); ASN1_TIME_free(nextu); ASN1_TIME_free(revt);
	ASN1_INTEGER_free(serial);
	OCSP_CERTID_free(id); OCSP_CERTID_free(mine);
	OCSP_RESPONSE_free(resp);
	OCSP_BASICRESP_free(bs);
	EVP_MD_CTX_free(ctx);
	ERR_clear_error();
	return rc;
}

nl_err nl_pki_ocsp_error(int status, nl_buf *out)
{
	OCSP_RESPONSE *r = OCSP_response_create(status, NULL);
	unsigned char *o = NULL;
	nl_err rc = r ? nl_pki_i2d_append(out, i2d_OCSP_RESPONSE(r, &o), &o) : NL_ERR_CRYPTO;
	OCSP_RESPONSE_free(r);
	return rc;
}
