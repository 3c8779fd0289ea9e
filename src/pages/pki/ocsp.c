/* The OCSP responder over HTTP (RFC 6960 appendix A, RFC 5019):
 *   POST /ocsp            body application/ocsp-request (DER)
 *   GET  /ocsp/<base64>   the DER request, base64 then URL-encoded
 * Thin glue: nl_ca_ocsp_answer (src/app/ca_ops.c) does the work. Routes
 * "/ocsp/{request...}" (a base64 request may hold '/') and POST "/ocsp", both
 * NL_AUTH_OPEN: OCSP clients carry neither sessions nor CSRF tokens.
 *
 * Each MHD worker thread keeps its own connection to nitelik-signer (for live
 * signing), closed when the thread ends. The CA's certificates are loaded once
 * from <data_dir>/ca. */
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "app/ca_ops.h"
#include "pages/pages.h"
#include "pages/pki/ocsp_cache.h"
#include "pages/handlers.h"
#include "pages/pki/pki_web.h"

static pthread_once_t ca_once = PTHREAD_ONCE_INIT;
static pthread_key_t signer_key;
static struct nl_ca *the_ca;
static nl_ocsp_cache *answers;   /* in front of the database: see ocsp_cache.h */
static const struct nl_config *ca_cfg;

#define ANSWER_SLOTS 8192
#define ANSWER_TTL 10            /* seconds: how late a revocation may show */

static void close_signer(void *p) { nl_signer_close(p); }

static void load_ca(void)
{
	pthread_key_create(&signer_key, close_signer);
	if (nl_ca_open(ca_cfg->data_dir, false, &the_ca) == NL_OK)
		nl_err_ignore(nl_ca_configure(the_ca, ca_cfg, NULL, 0));   /* the URLs /repo/ lists */
	else
		the_ca = NULL;
	answers = nl_ocsp_cache_new(ANSWER_SLOTS, ANSWER_TTL);
}

const struct nl_ca *nl_web_ca(const struct nl_req *r)
{
	ca_cfg = nl_app_of(r)->cfg;
	pthread_once(&ca_once, load_ca);
	return the_ca;
}

void nl_web_ca_free(void)
{
	nl_ca_free(the_ca);
	the_ca = NULL;
	nl_ocsp_cache_free(answers);
	answers = NULL;
}

void nl_web_ocsp_forget(void)
{
	if (answers) nl_ocsp_cache_clear(answers);
}

static nl_signer *thread_signer(const struct nl_ca *ca)
{
	nl_signer *s = pthread_getspecific(signer_key);
	if (!s && nl_signer_connect(ca->conf.socket, &s) == NL_OK)
		pthread_setspecific(signer_key, s);
	return s;
}

static void http_date(int64_t t, char out[40])
{
	struct tm tm;
	time_t tt = (time_t)t;
	gmtime_r(&tt, &tm);
	strftime(out, 40, "%a, %d %b %Y %H:%M:%S GMT", &tm);
}

static void answer(struct nl_req *r, const void *der, size_t len)
{
	nl_buf resp = NL_BUF_INIT;
	bool cacheable = false;
	struct nl_ocsp_meta meta = {0};
	const struct nl_ca *ca = nl_web_ca(r);
	/* Read before the status is: a revocation on this node that clears the
	 * cache while this answer is being made keeps it out of the cache. */
	uint64_t gen = answers ? nl_ocsp_cache_generation(answers) : 0;
	if (!ca) {
		static const unsigned char try_later[] = {0x30, 0x03, 0x0a, 0x01, 0x03};
		nl_resp_bytes(r, 200, "application/ocsp-response", try_later, sizeof try_later);
		return;
	}
	if (answers && nl_ocsp_cache_get(answers, der, len, r->now, &resp, &meta)) {
		cacheable = true;
	} else {
		nl_buf_reset(&resp);
		/* Without a signer the pre-signed responses in the database still answer. */
		nl_signer *sg = thread_signer(ca);
		if (nl_ca_ocsp_answer(nl_app_of(r), sg, ca, der, len, r->now, &resp, &cacheable,
		                      &meta.this_update, &meta.next_update) == NL_ERR_IO && sg) {
			/* A lost signer connection: drop it so the next request reconnects. */
			nl_signer_close(sg);
			pthread_setspecific(signer_key, NULL);
		}
		if (cacheable) {
			unsigned char h[crypto_generichash_BYTES_MIN];
			crypto_generichash(h, sizeof h, (const unsigned char *)resp.data, resp.len, NULL, 0);
			meta.etag[0] = '"';
			sodium_bin2hex(meta.etag + 1, sizeof meta.etag - 2, h, sizeof h);
			strcat(meta.etag, "\"");
			/* RFC 5019 6.2: max-age no later than nextUpdate; made once per
			 * cached entry, so less the entry's life to stay within it. */
			int64_t max_age = meta.next_update - r->now - ANSWER_TTL;
			if (max_age > 3600) max_age = 3600;
			if (max_age < 0) max_age = 0;
			http_date(meta.this_update, meta.last_modified);
			http_date(meta.next_update, meta.expires);
			snprintf(meta.cache_control, sizeof meta.cache_control,
			         "max-age=%lld, public, no-transform, must-revalidate", (long long)max_age);
			if (answers) nl_ocsp_cache_put(answers, gen, der, len, r->now, resp.data, resp.len, &meta);
		}
	}
	if (cacheable && r->method == NL_GET) {
		/* RFC 5019 6.2: caching headers on GET answers only. */
		nl_resp_cacheable(r, 0);
		nl_resp_add_header(r, "Cache-Control", meta.cache_control);
		nl_resp_add_header(r, "Last-Modified", meta.last_modified);
		nl_resp_add_header(r, "Expires", meta.expires);
		nl_resp_add_header(r, "ETag", meta.etag);
	}
	nl_resp_buf(r, 200, "application/ocsp-response", &resp);
}

void nl_h_ocsp(struct nl_req *r)
{
	if (r->method == NL_POST && !strcmp(r->path, "/ocsp")) {
		if (strcmp(r->content_type, "application/ocsp-request")) {
			nl_resp_error_status(r, 415, NL_ERR_INVALID, "Send an application/ocsp-request.");
			return;
		}
		answer(r, r->body ? r->body : (const unsigned char *)"", r->body_len);
		return;
	}
	if (r->method == NL_GET && !strncmp(r->path, "/ocsp/", 6)) {
		const char *b64 = r->path + 6;
		size_t n = strlen(b64), len = 0;
		unsigned char der[NL_OCSP_MAX_REQUEST_B64];   /* not zeroed: 4 KiB per request */
		if (n > 4 * sizeof der / 3 + 4 ||
		    (sodium_base642bin(der, sizeof der, b64, n, NULL, &len, NULL, sodium_base64_VARIANT_ORIGINAL) &&
		     sodium_base642bin(der, sizeof der, b64, n, NULL, &len, NULL, sodium_base64_VARIANT_URLSAFE_NO_PADDING)))
			len = 0;
		if (len == 0) {   /* not base64: answered as a malformed request */
			der[0] = 0;
			len = 1;
		}
		answer(r, der, len);
		return;
	}
	nl_resp_add_header(r, "Allow", "GET, POST");
	nl_resp_error_status(r, 405, NL_ERR_INVALID, "This method is not allowed here.");
}
