/* JSON over HTTP with libcurl, for the SMS gateway and registry drivers. */
#include "drivers/http.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#include "core/buf.h"

#define HTTP_MAX_BODY (1024 * 1024)

void nl_http_endpoint_defaults(struct nl_http_endpoint *ep)
{
	memset(ep, 0, sizeof *ep);
	ep->tls_verify = true;
	ep->timeout_ms = 10000;
	ep->connect_timeout_ms = 5000;
}

nl_err nl_http_endpoint_set(struct nl_http_endpoint *ep, const char *key, const char *value)
{
	if (strcmp(key, "url") == 0)
		return nl_drv_set_str(ep->url, sizeof ep->url, value);
	if (strcmp(key, "token") == 0)
		return nl_drv_set_str(ep->token, sizeof ep->token, value);
	const struct nl_drv_conn_fields conn = {
		ep->user, sizeof ep->user, ep->password, sizeof ep->password,
		ep->ca_file, sizeof ep->ca_file, &ep->tls_verify, &ep->timeout_ms,
		&ep->connect_timeout_ms,
	};
	return nl_drv_conn_set(&conn, key, value);
}

/* Collects the answer body, refusing to grow past HTTP_MAX_BODY so a broken or
 * hostile gateway cannot make us allocate without bound. */
static size_t on_body(char *p, size_t size, size_t nmemb, void *ud)
{
	nl_buf *b = ud;
	size_t n = size * nmemb;
	if (b->len + n > HTTP_MAX_BODY)
		return 0;   /* makes curl fail with CURLE_WRITE_ERROR */
	nl_buf_append(b, p, n);
	return b->oom ? 0 : n;
}

bool nl_http_json_is_error(const json_t *root, const char **why)
{
	const json_t *v;
	*why = "error";
	if (!json_is_object(root)) {
		*why = "answer is not a JSON object";
		return true;
	}
	v = json_object_get(root, "error");
	if (v && !json_is_null(v) && !json_is_false(v)
	    && !(json_is_string(v) && json_string_length(v) == 0)) {
		if (json_is_string(v))
			*why = json_string_value(v);
		else if (json_is_object(v) && json_is_string(json_object_get(v, "message")))
			*why = json_string_value(json_object_get(v, "message"));
		return true;
	}
	v = json_object_get(root, "success");
	if (json_is_false(v))
		return true;
	v = json_object_get(root, "ok");
	if (json_is_false(v))
		return true;
	v = json_object_get(root, "status");
	if (json_is_string(v)) {
		const char *s = json_string_value(v);
		if (strcasecmp(s, "error") == 0 || strcasecmp(s, "fail") == 0
		    || strcasecmp(s, "failed") == 0) {
			const json_t *m = json_object_get(root, "message");
			if (json_is_string(m))
				*why = json_string_value(m);
			return true;
		}
	}
	return false;
}

nl_err nl_http_post_json(const struct nl_http_endpoint *ep, const char *path,
	const char *body, json_t **out, struct nl_drv_error *e)
{
	nl_err rc = NL_ERR_IO;
	CURL *curl = NULL;
	struct curl_slist *headers = NULL;
	char *url = NULL;
	char *auth = NULL;
	nl_buf answer = NL_BUF_INIT;
	json_t *root = NULL;
	json_error_t jerr;
	char curl_err[CURL_ERROR_SIZE] = "";
	long status = 0;
	const char *why = NULL;

	*out = NULL;
	nl_drv_error_clear(e);
	if (ep->url[0] == '\0') {
		rc = nl_drv_fail(e, NL_ERR_CONFIG, "no url configured");
		goto out;
	}
	if (nl_drv_curl_init() != NL_OK) {
		rc = nl_drv_fail(e, NL_ERR_INTERNAL, "libcurl initialisation failed");
		goto out;
	}
	curl = curl_easy_init();
	if (!curl) {
		rc = nl_drv_fail(e, NL_ERR_NOMEM, "curl_easy_init failed");
		goto out;
	}
	if (asprintf(&url, "%s%s", ep->url, path ? path : "") < 0) {
		url = NULL;
		rc = NL_ERR_NOMEM;
		goto out;
	}
	headers = curl_slist_append(headers, "Content-Type: application/json; charset=utf-8");
	headers = curl_slist_append(headers, "Accept: application/json");
	if (ep->token[0]) {
		if (asprintf(&auth, "Authorization: Bearer %s", ep->token) < 0) {
			auth = NULL;
			rc = NL_ERR_NOMEM;
			goto out;
		}
		headers = curl_slist_append(headers, auth);
	}
	if (!headers) {
		rc = NL_ERR_NOMEM;
		goto out;
	}

	curl_easy_setopt(curl, CURLOPT_URL, url);
	curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);   /* we run in worker threads */
	curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
	curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)strlen(body));
	curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, ep->timeout_ms);
	curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, ep->connect_timeout_ms);
	curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, curl_err);
	curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(curl, CURLOPT_WRITEDATA, &answer);
	curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, ep->tls_verify ? 1L : 0L);
	curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, ep->tls_verify ? 2L : 0L);
	if (ep->ca_file[0])
		curl_easy_setopt(curl, CURLOPT_CAINFO, ep->ca_file);
	if (ep->user[0]) {
		curl_easy_setopt(curl, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
		curl_easy_setopt(curl, CURLOPT_USERNAME, ep->user);
		curl_easy_setopt(curl, CURLOPT_PASSWORD, ep->password);
	}

	CURLcode cc = curl_easy_perform(curl);
	if (cc != CURLE_OK) {
		rc = nl_drv_fail(e, NL_ERR_IO, "%s: %s", curl_easy_strerror(cc),
			curl_err[0] ? curl_err : "no detail");
		goto out;
	}
	curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
	if (status < 200 || status > 299) {
		/* 400 and 422 say this request can never succeed; 401/403/5xx may be
		 * a configuration or an outage that an operator fixes, so retry. */
		if (e)
			e->permanent = status == 400 || status == 422;
		rc = nl_drv_fail(e, NL_ERR_IO, "HTTP status %ld", status);
		goto out;
	}
	root = json_loadb(answer.data ? answer.data : "", answer.len, 0, &jerr);
	if (!root) {
		rc = nl_drv_fail(e, NL_ERR_IO, "answer is not JSON: %s", jerr.text);
		goto out;
	}
	if (nl_http_json_is_error(root, &why)) {
		rc = nl_drv_fail(e, NL_ERR_IO, "gateway reported an error: %s", why);
		goto out;
	}
	*out = root;
	root = NULL;
	rc = NL_OK;
out:
	json_decref(root);
	nl_buf_free(&answer);
	curl_slist_free_all(headers);
	free(auth);
	free(url);
	if (curl)
		curl_easy_cleanup(curl);
	return rc;
}
