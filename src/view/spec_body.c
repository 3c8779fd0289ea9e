/* Body encodings for the field specs: urlencoded, multipart/form-data, JSON.
 * Each decoder only splits the body into named items; every rule about the
 * values lives in spec.c so that all three encodings behave the same. */
#include "view/spec_int.h"

#include <string.h>
#include <strings.h>

#include "core/utf8.h"
#include "core/hexdigit.h"

bool nl_spec_items_add(nl_arena *a, struct spec_items *items, const struct spec_item *it)
{
	if (items->n >= NL_SPEC_MAX_FIELDS) {
		items->body_error = "too_many_fields";
		return false;
	}
	if (items->n == items->cap) {
		/* arena memory: the old array is simply left behind */
		size_t cap = items->cap ? items->cap * 2 : 16;
		struct spec_item *nv = nl_arena_alloc(a, cap * sizeof *nv);
		if (!nv)
			return false;
		if (items->n)
			memcpy(nv, items->v, items->n * sizeof *nv);
		items->v = nv;
		items->cap = cap;
	}
	items->v[items->n++] = *it;
	return true;
}

/* Percent-decodes s[0..n) ('+' is a space) into a NUL-terminated arena copy.
 * Returns NULL on a broken escape (*bad set) or OOM. */
static char *pct_decode(nl_arena *a, const char *s, size_t n, size_t *out_len, bool *bad)
{
	char *o = nl_arena_alloc(a, n + 1);
	if (!o)
		return NULL;
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '+') {
			o[k++] = ' ';
		} else if (s[i] == '%') {
			int hi = i + 1 < n ? nl_hex_digit(s[i + 1]) : -1;
			int lo = i + 2 < n ? nl_hex_digit(s[i + 2]) : -1;
			if (hi < 0 || lo < 0) {
				*bad = true;
				return NULL;
			}
			int h = hi * 16 + lo;
			o[k++] = (char)h;
			i += 2;
		} else {
			o[k++] = s[i];
		}
	}
	o[k] = '\0';
	*out_len = k;
	return o;
}

nl_err nl_spec_decode_urlencoded(nl_arena *a, const char *s, size_t len, struct spec_items *items)
{
	size_t i = 0;
	while (i < len) {
		const char *amp = memchr(s + i, '&', len - i);
		size_t end = amp ? (size_t)(amp - s) : len;
		if (end > i) {   /* "a=1&&b=2": empty pairs are skipped */
			const char *eq = memchr(s + i, '=', end - i);
			size_t klen = eq ? (size_t)(eq - (s + i)) : end - i;
			struct spec_item it = {0};
			bool bad = false;
			it.name = pct_decode(a, s + i, klen, &it.name_len, &bad);
			if (it.name)
				it.value = eq ? pct_decode(a, eq + 1, end - i - klen - 1, &it.len, &bad)
				              : pct_decode(a, "", 0, &it.len, &bad);
			if (bad) {
				items->body_error = "bad_encoding";
				return NL_OK;
			}
			if (!it.name || !it.value)
				return NL_ERR_NOMEM;
			if (!nl_spec_items_add(a, items, &it))
				return items->body_error ? NL_OK : NL_ERR_NOMEM;
		}
		i = end + 1;
	}
	return NL_OK;
}

/* ---- multipart/form-data (RFC 7578 over RFC 2046) ---------------------- */

static bool is_lws(char c) { return c == ' ' || c == '\t'; }

/* Reads one parameter value at *p (token or quoted string with \-escapes),
 * up to end; returns an arena string, advances *p. */
static char *param_value(nl_arena *a, const char **p, const char *end)
{
	const char *s = *p;
	if (s < end && *s == '"') {
		char *o = nl_arena_alloc(a, (size_t)(end - s));
		if (!o)
			return NULL;
		size_t k = 0;
		for (s++; s < end && *s != '"'; s++) {
			if (*s == '\\' && s + 1 < end)
				s++;
			o[k++] = *s;
		}
		if (s >= end)
			return NULL;   /* unterminated quote */
		*p = s + 1;
		o[k] = '\0';
		return o;
	}
	const char *v = s;
	while (s < end && *s != ';' && !is_lws(*s))
		s++;
	*p = s;
	return nl_arena_strndup(a, v, (size_t)(s - v));
}

/* Finds parameter `want` in "type; a=1; b=\"x\"" (s..end). NULL if absent or
 * malformed. */
static char *find_param(nl_arena *a, const char *s, const char *end, const char *want)
{
	const char *p = memchr(s, ';', (size_t)(end - s));
	size_t wl = strlen(want);
	while (p && p < end) {
		p++;
		while (p < end && is_lws(*p))
			p++;
		const char *n = p;
		while (p < end && *p != '=' && *p != ';')
			p++;
		size_t nl = (size_t)(p - n);
		while (nl && is_lws(n[nl - 1]))
			nl--;
		if (p >= end || *p != '=') {
			p = p < end ? p : NULL;
			continue;
		}
		p++;
		while (p < end && is_lws(*p))
			p++;
		char *v = param_value(a, &p, end);
		if (!v)
			return NULL;
		if (nl == wl && strncasecmp(n, want, wl) == 0)
			return v;
		p = memchr(p, ';', (size_t)(end - p));
	}
	return NULL;
}

static bool media_type_is(const char *s, const char *end, const char *want)
{
	while (s < end && is_lws(*s))
		s++;
	size_t n = 0;
	while (s + n < end && s[n] != ';' && !is_lws(s[n]))
		n++;
	return n == strlen(want) && strncasecmp(s, want, n) == 0;
}

/* Parses one part's header block [h, hend) into it. */
static bool parse_part_headers(nl_arena *a, const char *h, const char *hend, struct spec_item *it)
{
	bool disposition = false;
	while (h < hend) {
		const char *eol = memmem(h, (size_t)(hend - h), "\r\n", 2);
		if (!eol)
			eol = hend;
		const char *colon = memchr(h, ':', (size_t)(eol - h));
		if (!colon)
			return false;
		size_t nlen = (size_t)(colon - h);
		const char *v = colon + 1;
		while (v < eol && is_lws(*v))
			v++;
		if (nlen == 19 && strncasecmp(h, "Content-Disposition", 19) == 0) {
			if (!media_type_is(v, eol, "form-data"))
				return false;
			char *name = find_param(a, v, eol, "name");
			if (!name)
				return false;
			it->name = name;
			it->name_len = strlen(name);
			char *fn = find_param(a, v, eol, "filename");
			if (fn) {
				it->is_file = true;
				it->filename = fn;
			}
			disposition = true;
		} else if (nlen == 12 && strncasecmp(h, "Content-Type", 12) == 0) {
			size_t tl = 0;
			while (v + tl < eol && v[tl] != ';' && !is_lws(v[tl]))
				tl++;
			char *ct = nl_arena_strndup(a, v, tl);
			if (!ct)
				return false;
			for (char *c = ct; *c; c++)
				if (*c >= 'A' && *c <= 'Z')
					*c = (char)(*c - 'A' + 'a');
			it->content_type = ct;
		}
		h = eol + 2;
	}
	return disposition;
}

nl_err nl_spec_decode_multipart(nl_arena *a, const char *content_type, const char *body,
                                size_t len, struct spec_items *items)
{
	const char *ct_end = content_type + strlen(content_type);
	const char *boundary = find_param(a, content_type, ct_end, "boundary");
	size_t blen = boundary ? strlen(boundary) : 0;
	if (blen == 0 || blen > 70) {
		items->body_error = "malformed_body";
		return NL_OK;
	}
	/* "\r\n--" + boundary: every delimiter but a first one at offset 0 has the CRLF. */
	char *delim = nl_arena_printf(a, "\r\n--%s", boundary);
	if (!delim)
		return NL_ERR_NOMEM;
	size_t dlen = blen + 4;
	const char *end = body + len, *p;
	if (len >= dlen - 2 && memcmp(body, delim + 2, dlen - 2) == 0) {
		p = body + dlen - 2;
	} else {
		p = memmem(body, len, delim, dlen);
		if (!p)
			goto malformed;
		p += dlen;
	}
	for (;;) {
		if (end - p >= 2 && p[0] == '-' && p[1] == '-')
			return NL_OK;   /* close delimiter; the epilogue is ignored */
		while (p < end && is_lws(*p))
			p++;
		if (end - p < 2 || p[0] != '\r' || p[1] != '\n')
			goto malformed;
		p += 2;
		size_t window = (size_t)(end - p);
		if (window > NL_SPEC_MAX_PART_HEAD + 4)
			window = NL_SPEC_MAX_PART_HEAD + 4;
		const char *hend = memmem(p, window, "\r\n\r\n", 4);
		if (!hend)
			goto malformed;
		struct spec_item it = {0};
		if (!parse_part_headers(a, p, hend, &it))
			goto malformed;
		const char *content = hend + 4;
		const char *next = memmem(content, (size_t)(end - content), delim, dlen);
		if (!next)
			goto malformed;
		it.len = (size_t)(next - content);
		if (it.is_file) {
			it.value = content;   /* binary; points into the body */
			if (!it.content_type)
				it.content_type = "application/octet-stream";
		} else if (!(it.value = nl_arena_strndup(a, content, it.len))) {
			return NL_ERR_NOMEM;
		} else if (strlen(it.value) != it.len) {
			/* keep the true length: the NUL inside is refused as a control char */
			char *copy = nl_arena_alloc(a, it.len + 1);
			if (!copy)
				return NL_ERR_NOMEM;
			memcpy(copy, content, it.len);
			it.value = copy;
		}
		if (!nl_spec_items_add(a, items, &it))
			return items->body_error ? NL_OK : NL_ERR_NOMEM;
		p = next + dlen;
	}
malformed:
	items->body_error = "malformed_body";
	return NL_OK;
}

/* ---- JSON -------------------------------------------------------------- */

nl_err nl_spec_decode_json(nl_arena *a, const char *body, size_t len, json_t **root,
                           struct spec_items *items)
{
	*root = NULL;
	if (!nl_utf8_valid(body, len)) {
		items->body_error = "invalid_utf8";
		return NL_OK;
	}
	json_error_t jerr;
	json_t *j = json_loadb(body, len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &jerr);
	if (!j) {
		items->body_error = json_error_code(&jerr) == json_error_duplicate_key
			? "duplicate_field" : "invalid_json";
		return NL_OK;
	}
	if (!json_is_object(j)) {
		json_decref(j);
		items->body_error = "not_object";
		return NL_OK;
	}
	*root = j;
	const char *key;
	json_t *v;
	json_object_foreach(j, key, v) {
		/* The key is copied: error messages name it after the JSON is freed. */
		struct spec_item it = {.name = nl_arena_strdup(a, key), .name_len = strlen(key),
		                       .json = v};
		if (!it.name)
			return NL_ERR_NOMEM;
		if (json_is_string(v)) {
			it.value = json_string_value(v);
			it.len = json_string_length(v);
		}
		if (!nl_spec_items_add(a, items, &it))
			return items->body_error ? NL_OK : NL_ERR_NOMEM;
	}
	return NL_OK;
}
