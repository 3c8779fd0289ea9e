/* Responses: the nl_resp_* functions of http.h and the headers every response
 * carries. A handler builds exactly one MHD_Response; the server adds the
 * security headers and the session cookie and queues it (nl_resp_finish). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "http/server_internal.h"

/* No inline script or style anywhere, so the policy can forbid both. */
#define NL_CSP "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " \
	"frame-ancestors 'none'; form-action 'self'; base-uri 'none'"

#define NL_RETRY_AFTER_S 10   /* seconds, on every 503 */
#define NL_STR_(x) #x
#define NL_STR(x) NL_STR_(x)

void nl_resp_set_mhd(struct nl_req *r, int status, struct MHD_Response *resp, uint64_t bytes)
{
	struct nl_req_private *p = r->priv;
	if (!resp)
		return;
	if (p->resp) {
		/* A handler queued twice: a bug. Keep the first answer. */
		fprintf(stderr, "nitelikd: second response for %s ignored\n",
		        r->route ? r->route->pattern : r->path ? r->path : "?");
		MHD_destroy_response(resp);
		return;
	}
	p->resp = resp;
	p->status = status;
	p->resp_bytes = bytes;
}

bool nl_resp_queued(const struct nl_req *r)
{
	return r->priv->resp != NULL;
}

/* Takes the text out of `body` into a response (MHD frees it with free()). */
static struct MHD_Response *from_buf(nl_buf *body, size_t *len)
{
	*len = body->len;
	if (body->len == 0) {
		nl_buf_free(body);
		return MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
	}
	char *data = nl_buf_take(body);
	struct MHD_Response *resp =
		MHD_create_response_from_buffer_with_free_callback(*len, data, free);
	if (!resp)
		free(data);
	return resp;
}

void nl_resp_buf(struct nl_req *r, int status, const char *content_type, nl_buf *body)
{
	if (body->oom) {
		nl_buf_free(body);
		nl_resp_error(r, NL_ERR_NOMEM, NULL);
		return;
	}
	size_t len;
	struct MHD_Response *resp = from_buf(body, &len);
	if (!resp)
		return;
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, content_type);
	nl_resp_set_mhd(r, status, resp, len);
}

void nl_resp_html(struct nl_req *r, int status, nl_buf *body)
{
	nl_resp_buf(r, status, "text/html; charset=utf-8", body);
}

void nl_resp_json(struct nl_req *r, int status, json_t *j)
{
	char *text = j ? json_dumps(j, JSON_COMPACT | JSON_ENSURE_ASCII) : NULL;
	json_decref(j);
	if (!text) {
		nl_resp_bytes(r, 500, "application/json",
		              "{\"error\":{\"code\":\"internal_error\",\"message\":\"JSON\"}}", 50);
		return;
	}
	size_t len = strlen(text);
	struct MHD_Response *resp = MHD_create_response_from_buffer_with_free_callback(len, text, free);
	if (!resp) {
		free(text);
		return;
	}
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, "application/json");
	nl_resp_set_mhd(r, status, resp, len);
}

void nl_resp_bytes(struct nl_req *r, int status, const char *content_type, const void *data,
                   size_t n)
{
	struct MHD_Response *resp =
		MHD_create_response_from_buffer(n, (void *)(uintptr_t)data, MHD_RESPMEM_MUST_COPY);
	if (!resp)
		return;
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, content_type);
	nl_resp_set_mhd(r, status, resp, n);
}

/* Only local paths ("/x", not "//host") or URLs under base_url: no open redirect. */
static bool redirect_ok(const struct nl_req *r, const char *url)
{
	if (url[0] == '/' && url[1] != '/' && url[1] != '\\')
		return !strpbrk(url, "\r\n");
	const char *base = r->srv->priv->cfg->base_url;
	size_t n = strlen(base);
	return !strncmp(url, base, n) && (url[n] == '/' || url[n] == '\0') && !strpbrk(url, "\r\n");
}

void nl_resp_redirect(struct nl_req *r, const char *url)
{
	if (!url || !redirect_ok(r, url))
		url = "/";
	struct MHD_Response *resp = MHD_create_response_from_buffer(0, (void *)"",
	                                                            MHD_RESPMEM_PERSISTENT);
	if (!resp)
		return;
	MHD_add_response_header(resp, MHD_HTTP_HEADER_LOCATION, url);
	nl_resp_set_mhd(r, 303, resp, 0);
}

/* The page used when no template-based error page is installed. */
static void builtin_error_page(struct nl_req *r, int status, const char *code,
                               const char *message, nl_buf *out)
{
	nl_buf_printf(out, "<!DOCTYPE html>\n<html lang=\"%s\"><head><meta charset=\"utf-8\">"
	              "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
	              "<title>%d</title><link rel=\"stylesheet\" href=\"/static/css/site.css\">"
	              "</head><body><main class=\"error\"><h1>%d</h1><p>",
	              r->lang && !strcmp(r->lang, "en") ? "en" : "tr", status, status);
	nl_buf_put_html(out, message);
	nl_buf_puts(out, "</p><p class=\"code\">");
	nl_buf_put_html(out, code);
	nl_buf_puts(out, "</p><p><a href=\"/\">Nitelik</a></p></main></body></html>\n");
}

void nl_resp_error_status(struct nl_req *r, int status, nl_err e, const char *message)
{
	const struct nl_err_info *info = nl_err_info(e);
	if (!message)
		message = info->msgid;
	if (r->is_api) {
		json_t *j = json_pack("{s:{s:s,s:s}}", "error", "code", info->code, "message", message);
		nl_resp_json(r, status, j);
		return;
	}
	nl_buf body = NL_BUF_INIT;
	r->error_code = info->code;
	if (!r->srv->error_page || r->srv->error_page(r, status, message, &body) != NL_OK) {
		nl_buf_reset(&body);
		builtin_error_page(r, status, info->code, message, &body);
	}
	nl_resp_html(r, status, &body);
}

void nl_resp_error(struct nl_req *r, nl_err e, const char *fmt, ...)
{
	const char *message = NULL;
	if (fmt) {
		va_list ap;
		va_start(ap, fmt);
		message = nl_arena_vprintf(r->arena, fmt, ap);
		va_end(ap);
	}
	nl_resp_error_status(r, nl_err_http_status(e), e, message);
}

void nl_resp_add_header(struct nl_req *r, const char *name, const char *value)
{
	struct nl_resp_header *h = nl_arena_alloc(r->arena, sizeof *h);
	if (!h || strpbrk(name, "\r\n:") || strpbrk(value, "\r\n"))
		return;
	h->name = nl_arena_strdup(r->arena, name);
	h->value = nl_arena_strdup(r->arena, value);
	if (!h->name || !h->value)
		return;
	h->next = r->priv->headers;
	r->priv->headers = h;
}

void nl_resp_cacheable(struct nl_req *r, int max_age_seconds)
{
	r->priv->dynamic = false;
	r->priv->max_age = max_age_seconds;
}

void nl_resp_replace_error(struct nl_req *r, nl_err e)
{
	struct nl_req_private *p = r->priv;
	if (p->resp)
		MHD_destroy_response(p->resp);
	p->resp = NULL;
	p->headers = NULL;
	p->set_cookie = NULL;
	nl_resp_error(r, e, NULL);
}

enum MHD_Result nl_resp_finish(struct nl_req *r)
{
	struct nl_req_private *p = r->priv;
	if (!p->resp)
		nl_resp_error(r, NL_ERR_INTERNAL, NULL); /* the handler queued nothing */
	if (!p->resp)
		return MHD_NO; /* out of memory: close the connection */
	struct MHD_Response *resp = p->resp;
	MHD_add_response_header(resp, "Content-Security-Policy", NL_CSP);
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, "Referrer-Policy", "same-origin");
	MHD_add_response_header(resp, "X-Frame-Options", "DENY");
	if (r->srv->priv->cfg->behind_tls_proxy)
		MHD_add_response_header(resp, "Strict-Transport-Security",
		                         "max-age=31536000; includeSubDomains");
	if (p->dynamic) {
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	} else if (p->max_age > 0) {
		char cc[64];
		snprintf(cc, sizeof cc, "public, max-age=%d", p->max_age);
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, cc);
	}
	if (p->set_cookie)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_SET_COOKIE, p->set_cookie);
	bool retry_after = false;
	for (struct nl_resp_header *h = p->headers; h; h = h->next) {
		MHD_add_response_header(resp, h->name, h->value);
		retry_after |= !strcasecmp(h->name, "Retry-After");
	}
	/* A 503 is temporary by definition: tell clients (and proxies, monitors)
	 * when to come back instead of letting them hammer. */
	if (p->status == 503 && !retry_after)
		MHD_add_response_header(resp, "Retry-After", NL_STR(NL_RETRY_AFTER_S));
	enum MHD_Result ok = MHD_queue_response(p->conn, (unsigned)p->status, resp);
	MHD_destroy_response(resp);
	p->resp = NULL;
	return ok;
}
