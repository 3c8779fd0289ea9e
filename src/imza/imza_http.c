/* nitelik-imza's HTTP calls (imza_http.h), on libcurl and jansson. */
#include <curl/curl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "imza/imza_http.h"

#define ANSWER_MAX (1024 * 1024)

void nl_imza_code_clean(char *s)
{
	size_t w = 0;
	for (size_t i = 0; s[i]; i++)
		if (!strchr(" \t\r\n-", s[i]))
			s[w++] = s[i];
	s[w] = '\0';
}

bool nl_imza_code_ok(const char *s)
{
	return strlen(s) == NL_IMZA_CODE_DIGITS && strspn(s, "0123456789") == NL_IMZA_CODE_DIGITS;
}

void nl_imza_task_clear(struct nl_imza_task *t)
{
	free(t->text);
	memset(t, 0, sizeof *t);
}

static size_t sink(char *p, size_t size, size_t n, void *ctx)
{
	nl_buf *b = ctx;
	if (b->len + size * n > ANSWER_MAX)
		return 0;
	nl_buf_append(b, p, size * n);
	return b->oom ? 0 : size * n;
}

/* One request; *status gets the HTTP status, body the answer. */
static NL_MUST_USE nl_err call(const char *server, const char *code, const void *post, size_t len,
                   long *status, nl_buf *body, char *why, size_t cap)
{
	char url[1024];
	size_t sl = strlen(server);
	while (sl > 0 && server[sl - 1] == '/')
		sl--;
	snprintf(url, sizeof url, "%.*s/api/v1/imza/%s", (int)sl, server, code);
	CURL *h = curl_easy_init();
	if (!h)
		return NL_ERR_NOMEM;
	struct curl_slist *hdr = curl_slist_append(NULL, "Accept: application/json");
	if (post)
		hdr = curl_slist_append(hdr, "Content-Type: application/cms");
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdr);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, 60L);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, sink);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, body);
	if (post) {
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, post);
		curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, (long)len);
	}
	CURLcode cc = curl_easy_perform(h);
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, status);
	curl_slist_free_all(hdr);
	curl_easy_cleanup(h);
	if (cc != CURLE_OK) {
		snprintf(why, cap, "Sunucuya ulaşılamadı (%s): %s", url, curl_easy_strerror(cc));
		return NL_ERR_IO;
	}
	return NL_OK;
}

/* The server's reason from {"error":{"message"}} or a fallback. */
static void reason_of(json_t *j, long status, char *why, size_t cap)
{
	const char *m = json_string_value(json_object_get(json_object_get(j, "error"), "message"));
	if (m)
		snprintf(why, cap, "%s", m);
	else
		snprintf(why, cap, "Sunucu isteği reddetti (HTTP %ld).", status);
}

nl_err nl_imza_fetch(const char *server, const char *code, struct nl_imza_task *out,
                     char *why, size_t cap)
{
	nl_buf body = NL_BUF_INIT;
	long status = 0;
	memset(out, 0, sizeof *out);
	nl_err rc = call(server, code, NULL, 0, &status, &body, why, cap);
	if (rc) {
		nl_buf_free(&body);
		return rc;
	}
	json_t *j = json_loadb(body.data ? body.data : "", body.len, 0, NULL);
	nl_buf_free(&body);
	const char *text = json_string_value(json_object_get(j, "text"));
	if (status != 200 || !text) {
		reason_of(j, status, why, cap);
		json_decref(j);
		return NL_ERR_INVALID;
	}
	out->text = strdup(text);
	snprintf(out->purpose, sizeof out->purpose, "%s",
	         json_string_value(json_object_get(j, "purpose")) ? json_string_value(json_object_get(j, "purpose")) : "");
	out->created_at = json_integer_value(json_object_get(j, "created_at"));
	out->expires_at = json_integer_value(json_object_get(j, "expires_at"));
	out->server_now = json_integer_value(json_object_get(j, "now"));
	json_decref(j);
	return out->text ? NL_OK : NL_ERR_NOMEM;
}

nl_err nl_imza_send(const char *server, const char *code, const void *cms, size_t len,
                    char *message, size_t cap)
{
	nl_buf body = NL_BUF_INIT;
	long status = 0;
	nl_err rc = call(server, code, cms, len, &status, &body, message, cap);
	if (rc) {
		nl_buf_free(&body);
		return rc;
	}
	json_t *j = json_loadb(body.data ? body.data : "", body.len, 0, NULL);
	nl_buf_free(&body);
	const char *m = json_string_value(json_object_get(j, "message"));
	if (status == 200 && m) {
		snprintf(message, cap, "%s", m);
		rc = NL_OK;
	} else {
		reason_of(j, status, message, cap);
		rc = NL_ERR_FORBIDDEN;
	}
	json_decref(j);
	return rc;
}
