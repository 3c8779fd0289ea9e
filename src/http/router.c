/* Route matching: a linear scan of the static table. The table holds tens of
 * rows, so a scan with early exits costs less than building and walking a tree,
 * and keeps the table the single source of truth. */
#include "http/router.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#define MAX_PARAMS 16   /* {name} segments of one pattern */

/* Counts one {name} of the pattern and, when params is not NULL (the second
 * match, of the chosen row), copies its name and value into the arena. False
 * past MAX_PARAMS or on OOM. */
static bool add_param(nl_arena *a, struct nl_kv *params, size_t *np, const char *name,
                      size_t name_len, const char *value, size_t value_len)
{
	if (params) {
		if (*np >= MAX_PARAMS)
			return false;
		struct nl_kv *kv = &params[*np];
		kv->key = nl_arena_strndup(a, name, name_len);
		kv->value = nl_arena_strndup(a, value, value_len);
		kv->value_len = value_len;
		if (!kv->key || !kv->value)
			return false;
	}
	(*np)++;
	return true;
}

/* Compares one pattern with the path. Returns true on a match and fills the
 * specificity key: bit i (from the left) set when segment i is a literal, so a
 * higher key is more specific. Params are collected only when params is not NULL. */
static bool match_pattern(const char *pat, const char *path, uint64_t *specificity,
                          nl_arena *a, struct nl_kv *params, size_t *n_params)
{
	uint64_t spec = 0;
	size_t np = 0;
	unsigned seg = 0;
	const char *p = pat, *q = path;
	if (*p != '/' || *q != '/')
		return false;
	for (;;) {
		/* both at a '/' */
		p++;
		q++;
		const char *pe = strchr(p, '/'), *qe = strchr(q, '/');
		size_t pl = pe ? (size_t)(pe - p) : strlen(p);
		size_t ql = qe ? (size_t)(qe - q) : strlen(q);
		if (!pe && pl >= 6 && p[0] == '{' && !memcmp(p + pl - 4, "...}", 4)) {
			/* {name...}: the rest of the path, slashes included */
			size_t rest = strlen(q);
			if (rest == 0 || !add_param(a, params, &np, p + 1, pl - 5, q, rest))
				return false;
			break;
		}
		if (pl >= 2 && p[0] == '{' && p[pl - 1] == '}') {
			if (ql == 0 || !add_param(a, params, &np, p + 1, pl - 2, q, ql))
				return false;
		} else {
			if (pl != ql || memcmp(p, q, pl) != 0)
				return false;
			if (seg < 64)
				spec |= (uint64_t)1 << (63 - seg);
		}
		seg++;
		if (!pe && !qe)
			break;
		if (!pe || !qe)
			return false;
		p = pe;
		q = qe;
	}
	*specificity = spec;
	if (n_params)
		*n_params = np;
	return true;
}

/* False when the path cannot match: the pattern's text before its first
 * {param} is literal, so the path must start with it. Rejects nearly every row
 * at the first characters, before match_pattern walks segments. */
static bool literal_prefix_matches(const char *pat, const char *path)
{
	for (; *pat && *pat != '{'; pat++, path++)
		if (*pat != *path)
			return false;
	return true;
}

enum nl_route_result nl_route_match(const struct nl_route *table, size_t n, unsigned method,
                                    const char *path, nl_arena *a,
                                    const struct nl_route **out, struct nl_kv **params,
                                    size_t *n_params, unsigned *allowed)
{
	const char *best_pattern = NULL;
	uint64_t best_spec = 0;
	*out = NULL;
	*params = NULL;
	*n_params = 0;
	*allowed = 0;
	/* First pass: the most specific pattern that matches the path. */
	for (size_t i = 0; i < n; i++) {
		uint64_t spec;
		if (!literal_prefix_matches(table[i].pattern, path) ||
		    !match_pattern(table[i].pattern, path, &spec, NULL, NULL, NULL))
			continue;
		if (!best_pattern || spec > best_spec) {
			best_pattern = table[i].pattern;
			best_spec = spec;
		}
	}
	if (!best_pattern)
		return NL_ROUTE_NOT_FOUND;
	/* Second pass: the row of that pattern with this method. */
	const struct nl_route *hit = NULL;
	for (size_t i = 0; i < n; i++) {
		if (strcmp(table[i].pattern, best_pattern) != 0)
			continue;
		*allowed |= table[i].method;
		if (table[i].method == method)
			hit = &table[i];
	}
	if (!hit)
		return NL_ROUTE_BAD_METHOD;
	struct nl_kv *kv = nl_arena_alloc(a, MAX_PARAMS * sizeof *kv);
	uint64_t spec;
	size_t np = 0;
	if (!kv || !match_pattern(hit->pattern, path, &spec, a, kv, &np))
		return NL_ROUTE_NOT_FOUND;
	*out = hit;
	*params = kv;
	*n_params = np;
	return NL_ROUTE_FOUND;
}

const char *nl_route_allow_header(unsigned allowed, nl_arena *a)
{
	static const struct { unsigned m; const char *name; } names[] = {
		{NL_GET, "GET, HEAD"}, {NL_POST, "POST"}, {NL_PUT, "PUT"},
		{NL_PATCH, "PATCH"}, {NL_DELETE, "DELETE"}, {NL_OPTIONS, "OPTIONS"},
	};
	char buf[64] = "";
	size_t len = 0;
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		if (!(allowed & names[i].m))
			continue;
		int k = snprintf(buf + len, sizeof buf - len, "%s%s", len ? ", " : "", names[i].name);
		if (k < 0 || (size_t)k >= sizeof buf - len)
			break;
		len += (size_t)k;
	}
	return nl_arena_strdup(a, buf);
}

static bool pattern_ok(const char *pat)
{
	if (pat[0] != '/')
		return false;
	for (const char *p = pat; *p; p++) {
		if (*p == '{') {
			const char *e = strchr(p, '}');
			if (!e || e == p + 1 || p[-1] != '/' || (e[1] != '/' && e[1] != '\0'))
				return false;
			/* a name of [A-Za-z0-9_]; "{name...}" only as the last segment */
			const char *n = p + 1;
			while (n < e && (isalnum((unsigned char)*n) || *n == '_'))
				n++;
			if (n == p + 1)
				return false;
			if (n != e && !(n + 3 == e && !memcmp(n, "...", 3) && e[1] == '\0'))
				return false;
			p = e;
		} else if (*p == '}' || *p == '?' || *p == '#' || *p == '%') {
			return false;
		}
	}
	return true;
}

nl_err nl_routes_check(const struct nl_route *table, size_t n, char *err, size_t err_size)
{
	for (size_t i = 0; i < n; i++) {
		const struct nl_route *r = &table[i];
		unsigned m = r->method;
		if (!r->pattern || !pattern_ok(r->pattern) || !r->handler || m == 0 || (m & (m - 1))) {
			snprintf(err, err_size, "route %zu (%s): malformed row", i,
			         r->pattern ? r->pattern : "?");
			return NL_ERR_CONFIG;
		}
		for (size_t j = 0; j < i; j++)
			if (table[j].method == m && !strcmp(table[j].pattern, r->pattern)) {
				snprintf(err, err_size, "route %s listed twice for one method", r->pattern);
				return NL_ERR_CONFIG;
			}
	}
	return NL_OK;
}
