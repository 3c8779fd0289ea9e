/* Request parsing: path and query decoding with strict UTF-8, cookies, the client
 * address, and the accessors of http.h. libmicrohttpd is told not to unescape
 * anything (server.c installs an identity unescape callback) so that malformed
 * escapes, encoded NUL bytes and invalid UTF-8 are seen here and answered 400. */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "core/utf8.h"
#include "core/hexdigit.h"
#include "http/server_internal.h"

uint64_t nl_now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

unsigned nl_method_parse(const char *m, bool *is_head)
{
	*is_head = false;
	if (!strcmp(m, "GET"))
		return NL_GET;
	if (!strcmp(m, "HEAD")) {
		*is_head = true;
		return NL_GET;
	}
	if (!strcmp(m, "POST"))
		return NL_POST;
	if (!strcmp(m, "PUT"))
		return NL_PUT;
	if (!strcmp(m, "PATCH"))
		return NL_PATCH;
	if (!strcmp(m, "DELETE"))
		return NL_DELETE;
	if (!strcmp(m, "OPTIONS"))
		return NL_OPTIONS;
	return 0; /* unknown: routed as "no method", i.e. 405 or 404 */
}

/* Percent-decodes s[0..n) into the arena. Fails on a malformed escape, a NUL
 * byte (raw or encoded), a control character or invalid UTF-8. */
static NL_MUST_USE nl_err decode_component(nl_arena *a, const char *s, size_t n, const char **out,
                               size_t *out_len)
{
	char *d = nl_arena_alloc(a, n + 1);
	if (!d)
		return NL_ERR_NOMEM;
	size_t j = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '%') {
			if (i + 2 >= n)
				return NL_ERR_INVALID;
			int hi = nl_hex_digit(s[i + 1]), lo = nl_hex_digit(s[i + 2]);
			if (hi < 0 || lo < 0)
				return NL_ERR_INVALID;
			c = (unsigned char)(hi * 16 + lo);
			i += 2;
		}
		if (c == 0 || (c < 0x20 && c != '\t') || c == 0x7f)
			return NL_ERR_INVALID;
		d[j++] = (char)c;
	}
	d[j] = '\0';
	if (!nl_utf8_valid(d, j))
		return NL_ERR_INVALID;
	*out = d;
	if (out_len)
		*out_len = j;
	return NL_OK;
}

nl_err nl_req_decode_path(nl_arena *a, const char *raw, const char **out)
{
	if (!raw || raw[0] != '/')
		return NL_ERR_INVALID;
	size_t n = strlen(raw);
	if (n > 2048)
		return NL_ERR_INVALID;
	return decode_component(a, raw, n, out, NULL);
}

struct collect {
	struct nl_req *r;
	struct nl_kv *kv;
	size_t n, cap;
	bool bad;
};

/* Makes room for one more pair: the array starts at `first` slots and doubles,
 * up to `max`. False at the limit or on OOM. Arena memory: the old array is
 * simply left behind. */
static bool room_for_one(struct collect *c, size_t first, size_t max)
{
	if (c->n < c->cap)
		return true;
	size_t cap = c->cap ? c->cap * 2 : first;
	if (cap > max)
		return false;
	struct nl_kv *kv = nl_arena_alloc(c->r->arena, cap * sizeof *kv);
	if (!kv)
		return false;
	if (c->n)
		memcpy(kv, c->kv, c->n * sizeof *kv);
	c->kv = kv;
	c->cap = cap;
	return true;
}

static enum MHD_Result collect_query(void *cls, enum MHD_ValueKind kind, const char *key,
                                     size_t key_size, const char *value, size_t value_size)
{
	struct collect *c = cls;
	(void)kind;
	if (!room_for_one(c, 8, 256)) {  /* more parameters than any page takes: refuse */
		c->bad = true;
		return MHD_NO;
	}
	struct nl_kv *e = &c->kv[c->n];
	if (decode_component(c->r->arena, key, key_size, &e->key, NULL) != NL_OK ||
	    decode_component(c->r->arena, value ? value : "", value ? value_size : 0, &e->value,
	                     &e->value_len) != NL_OK) {
		c->bad = true;
		return MHD_NO;
	}
	c->n++;
	return MHD_YES;
}

nl_err nl_req_load_query(struct nl_req *r)
{
	struct collect c = {.r = r};
	MHD_get_connection_values_n(r->priv->conn, MHD_GET_ARGUMENT_KIND, collect_query, &c);
	if (c.bad)
		return NL_ERR_INVALID;
	r->query = c.kv;
	r->n_query = c.n;
	return NL_OK;
}

static enum MHD_Result collect_cookie(void *cls, enum MHD_ValueKind kind, const char *key,
                                      size_t key_size, const char *value, size_t value_size)
{
	struct collect *c = cls;
	(void)kind;
	if (!room_for_one(c, 4, 64))
		return MHD_NO; /* ignore the rest */
	struct nl_kv *e = &c->kv[c->n];
	e->key = nl_arena_strndup(c->r->arena, key, key_size);
	e->value = nl_arena_strndup(c->r->arena, value ? value : "", value ? value_size : 0);
	e->value_len = value ? value_size : 0;
	if (e->key && e->value)
		c->n++;
	return MHD_YES;
}

nl_err nl_req_parse_cookies(struct nl_req *r)
{
	struct collect c = {.r = r};
	MHD_get_connection_values_n(r->priv->conn, MHD_COOKIE_KIND, collect_cookie, &c);
	r->cookies = c.kv;
	r->n_cookies = c.n;
	return NL_OK;
}

/* The peer address, or behind a TLS proxy the last address of X-Forwarded-For
 * (the one the proxy added: earlier ones are the client's claims). */
void nl_req_client_ip(struct nl_req *r)
{
	r->client_ip[0] = '\0';
	if (r->srv->priv->cfg->behind_tls_proxy) {
		const char *xff = MHD_lookup_connection_value(r->priv->conn, MHD_HEADER_KIND,
		                                              "X-Forwarded-For");
		if (xff) {
			const char *last = strrchr(xff, ',');
			last = last ? last + 1 : xff;
			while (*last == ' ')
				last++;
			size_t n = strcspn(last, " ");
			if (n > 0 && n < sizeof r->client_ip) {
				char tmp[sizeof r->client_ip];
				unsigned char bin[16];
				memcpy(tmp, last, n);
				tmp[n] = '\0';
				if (inet_pton(AF_INET, tmp, bin) == 1 || inet_pton(AF_INET6, tmp, bin) == 1) {
					memcpy(r->client_ip, tmp, n + 1);
					return;
				}
			}
		}
	}
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(r->priv->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (!ci || !ci->client_addr)
		return;
	const struct sockaddr *sa = ci->client_addr;
	if (sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr,
		          r->client_ip, sizeof r->client_ip);
	else if (sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr,
		          r->client_ip, sizeof r->client_ip);
}

static const char *kv_find(const struct nl_kv *kv, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(kv[i].key, name))
			return kv[i].value;
	return NULL;
}

const char *nl_req_param(const struct nl_req *r, const char *name)
{
	return kv_find(r->params, r->n_params, name);
}

const char *nl_req_query(const struct nl_req *r, const char *name)
{
	return kv_find(r->query, r->n_query, name);
}

const char *nl_req_cookie(const struct nl_req *r, const char *name)
{
	return kv_find(r->cookies, r->n_cookies, name);
}

const char *nl_req_header(const struct nl_req *r, const char *name)
{
	/* libmicrohttpd compares header names case-insensitively */
	return MHD_lookup_connection_value(r->priv->conn, MHD_HEADER_KIND, name);
}

nl_err nl_req_param_id(const struct nl_req *r, const char *name, int64_t *out)
{
	const char *v = nl_req_param(r, name);
	if (!v || !*v || strlen(v) > 18)
		return NL_ERR_NOT_FOUND;
	int64_t x = 0;
	for (const char *p = v; *p; p++) {
		if (*p < '0' || *p > '9')
			return NL_ERR_NOT_FOUND;
		x = x * 10 + (*p - '0');
	}
	if (x <= 0)
		return NL_ERR_NOT_FOUND;
	*out = x;
	return NL_OK;
}
