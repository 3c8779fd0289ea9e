/* Is the signer's certificate revoked or suspended? (esign_status.h)
 *
 * Our own CA's certificates: our OCSP logic is asked directly, in-process
 * (nl_ca_ocsp_answer: pre-signed or signed live by nitelik-signer), and the
 * answer is checked like any OCSP response and kept as evidence. Without the
 * signer, our newest CRL; without a CRL, the certificate table itself.
 * Other providers: OCSP over HTTP at the AIA URL, then the CRL at the CRL
 * distribution point. */
#include <curl/curl.h>
#include <stdio.h>
#include <string.h>

#include "app/esign_status.h"
#include "pki/ocsp.h"
#include "app/ca_ops.h"
#include "store/store_certs.h"

#define FETCH_MAX (8 * 1024 * 1024)

static size_t sink(char *p, size_t size, size_t n, void *ctx)
{
	nl_buf *b = ctx;
	if (b->len + size * n > FETCH_MAX)
		return 0;
	nl_buf_append(b, p, size * n);
	return b->oom ? 0 : size * n;
}

/* GET (body NULL) or POST of an OCSP request; only http(s) URLs. */
static NL_MUST_USE nl_err fetch(const char *url, const void *body, size_t len, nl_buf *out)
{
	if (strncmp(url, "http://", 7) != 0 && strncmp(url, "https://", 8) != 0)
		return NL_ERR_INVALID;
	CURL *h = curl_easy_init();
	if (!h)
		return NL_ERR_NOMEM;
	struct curl_slist *hdr = NULL;
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, 10000L);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, 5000L);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, sink);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, out);
	if (body) {
		hdr = curl_slist_append(hdr, "Content-Type: application/ocsp-request");
		curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdr);
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, (long)len);
	}
	CURLcode cc = curl_easy_perform(h);
	long status = 0;
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
	curl_slist_free_all(hdr);
	curl_easy_cleanup(h);
	return cc == CURLE_OK && status == 200 ? NL_OK : NL_ERR_IO;
}

static enum nl_cert_verdict from_ocsp(int status, int reason)
{
	if (status == NL_OCSP_GOOD)
		return NL_CERT_GOOD;
	if (status == NL_OCSP_REVOKED)
		return reason == 6 ? NL_CERT_SUSPENDED : NL_CERT_REVOKED;
	return NL_CERT_UNKNOWN;
}

static bool try_crl(const void *der, size_t len, const nl_pki_cert *signer,
                    const nl_pki_cert *issuer, int64_t now, enum nl_cert_verdict *v)
{
	bool listed = false;
	int reason = -1;
	if (nl_pki_crl_status(der, len, issuer, signer, now, &listed, &reason) != NL_OK)
		return false;
	*v = !listed ? NL_CERT_GOOD : reason == 6 ? NL_CERT_SUSPENDED : NL_CERT_REVOKED;
	return true;
}

static NL_MUST_USE nl_err own_ca(const struct nl_app *app, const struct nl_ca *ca, const nl_pki_cert *signer,
                     int64_t now, enum nl_cert_verdict *v, const char **kind, nl_buf *ev)
{
	nl_buf req = NL_BUF_INIT;
	nl_signer *sg = NULL;
	nl_err rc = nl_pki_ocsp_request_for(signer, ca->issuing, &req);
	if (rc)
		return rc;
	if (nl_signer_connect(ca->conf.socket, &sg) != NL_OK)
		sg = NULL;   /* pre-signed answers still work; the others say tryLater */
	bool cacheable;
	int64_t tu, nu;
	int st, reason;
	nl_buf_reset(ev);
	if (nl_ca_ocsp_answer(app, sg, ca, req.data, req.len, now, ev, &cacheable, &tu, &nu) == NL_OK &&
	    nl_pki_ocsp_check_response(ev->data, ev->len, signer, ca->issuing, now, &st, &reason) == NL_OK) {
		*v = from_ocsp(st, reason);
		*kind = "ocsp";
		goto out;
	}
	nl_conn *c;
	int64_t number, next;
	nl_buf_reset(ev);
	if ((rc = nl_db_conn(app->db, &c)) != NL_OK)
		goto out;
	if (nl_store_crl_latest(c, &number, &next, ev) == NL_OK &&
	    try_crl(ev->data, ev->len, signer, ca->issuing, now, v)) {
		*kind = "crl";
		goto out;
	}
	/* Our own records are the source of truth the CRL and OCSP are made from. */
	struct nl_cert_row row;
	char serial[64];
	nl_buf subj = NL_BUF_INIT;
	int64_t nb, na;
	rc = nl_pki_cert_info(signer, serial, &subj, &nb, &na);
	nl_buf_free(&subj);
	if (rc)
		goto out;   /* no serial to look up: the check fails closed */
	nl_buf_reset(ev);
	rc = nl_store_cert_get(c, serial, &row);
	if (rc == NL_OK) {
		*v = !strcmp(row.status, "good") ? NL_CERT_GOOD
		   : !strcmp(row.status, "hold") ? NL_CERT_SUSPENDED : NL_CERT_REVOKED;
		nl_buf_printf(ev, "certificates.serial=%s status=%s checked_at=%lld", serial, row.status,
		              (long long)now);
		*kind = "store";
		nl_cert_row_clear(&row);
	} else if (rc == NL_ERR_NOT_FOUND) {
		*v = NL_CERT_UNKNOWN;
		rc = NL_OK;
	}
out:
	nl_signer_close(sg);
	nl_buf_free(&req);
	return rc;
}

static NL_MUST_USE nl_err other_ca(const nl_pki_cert *signer, const nl_pki_cert *issuer, int64_t now,
                       enum nl_cert_verdict *v, const char **kind, nl_buf *ev)
{
	char url[512];
	nl_buf req = NL_BUF_INIT;
	int st, reason;
	*v = NL_CERT_UNKNOWN;
	if (nl_pki_cert_ocsp_url(signer, url, sizeof url) == NL_OK &&
	    nl_pki_ocsp_request_for(signer, issuer, &req) == NL_OK) {
		nl_buf_reset(ev);
		if (fetch(url, req.data, req.len, ev) == NL_OK &&
		    nl_pki_ocsp_check_response(ev->data, ev->len, signer, issuer, now, &st, &reason) == NL_OK) {
			*v = from_ocsp(st, reason);
			*kind = "ocsp";
			nl_buf_free(&req);
			if (*v != NL_CERT_UNKNOWN)
				return NL_OK;
		}
	}
	nl_buf_free(&req);
	if (nl_pki_cert_crl_url(signer, url, sizeof url) == NL_OK) {
		nl_buf_reset(ev);
		if (fetch(url, NULL, 0, ev) == NL_OK && try_crl(ev->data, ev->len, signer, issuer, now, v))
			*kind = "crl";
	}
	return NL_OK;
}

nl_err nl_esign_cert_status(const struct nl_app *app, const struct nl_ca *ca,
                            const nl_pki_cert *signer, const nl_pki_cert *issuer, int64_t now,
                            enum nl_cert_verdict *verdict, const char **kind, nl_buf *evidence)
{
	*verdict = NL_CERT_UNKNOWN;
	*kind = "";
	if (ca && ca->issuing && nl_pki_cert_equal(issuer, ca->issuing))
		return own_ca(app, ca, signer, now, verdict, kind, evidence);
	return other_ca(signer, issuer, now, verdict, kind, evidence);
}
