/* Field bookkeeping of the typed specs: every spec gets its "absent" value,
 * each item is matched to its spec (unknown, duplicate and required fields
 * are refused here), and the entry points pick the body decoder. The value
 * rules are in spec_value.c, the body encodings in spec_body.c, messages in
 * spec_msg.c. */
#include "view/spec_int.h"

#include <string.h>
#include <strings.h>

#include "core/field_msg.h"
#include "core/utf8.h"

struct ctx {
	nl_arena *a;
	const struct nl_spec *specs;
	size_t n_specs;
	void *out;
	struct nl_spec_result *res;
	size_t err_cap;
	bool form;                 /* not JSON: the csrf field is allowed */
};

static NL_MUST_USE nl_err add_error(struct ctx *c, const char *field, const char *code)
{
	struct nl_spec_result *r = c->res;
	if (r->n_errors == c->err_cap) {
		size_t cap = c->err_cap ? c->err_cap * 2 : 8;
		struct nl_field_error *nv = nl_arena_alloc(c->a, cap * sizeof *nv);
		if (!nv)
			return NL_ERR_NOMEM;
		if (r->n_errors)
			memcpy(nv, r->errors, r->n_errors * sizeof *nv);
		r->errors = nv;
		c->err_cap = cap;
	}
	r->errors[r->n_errors++] = (struct nl_field_error){field, code, nl_field_msgid(code)};
	return NL_OK;
}

static void *member(const struct ctx *c, const struct nl_spec *s)
{
	return (char *)c->out + s->offset;
}

/* The "absent" value of every member, written before parsing. */
static void set_absent(const struct ctx *c, const struct nl_spec *s)
{
	void *m = member(c, s);
	switch (s->kind) {
	case NL_SK_ID_NUMBER: *(struct nl_id_number *)m = (struct nl_id_number){0}; break;
	case NL_SK_INT: *(int64_t *)m = 0; break;
	case NL_SK_ENUM: *(int *)m = -1; break;
	case NL_SK_ENUM_VALUE: memset(m, 0, sizeof(int)); break;   /* an enum's 0 */
	case NL_SK_BOOL: *(bool *)m = false; break;
	case NL_SK_DATE: *(struct nl_date *)m = (struct nl_date){0}; break;
	case NL_SK_FILE: *(struct nl_file *)m = (struct nl_file){0}; break;
	case NL_SK_END: break;
	default: *(const char **)m = NULL; break;
	}
}


static const struct nl_spec *find_spec(const struct ctx *c, const char *name, size_t len,
                                       size_t *idx)
{
	for (size_t i = 0; i < c->n_specs; i++) {
		if (strlen(c->specs[i].name) == len && memcmp(c->specs[i].name, name, len) == 0) {
			*idx = i;
			return &c->specs[i];
		}
	}
	return NULL;
}

/* A field name we can safely repeat in an error (JSON keys must be UTF-8). */
static const char *safe_name(const struct spec_item *it)
{
	if (it->name_len == 0 || it->name_len > NL_SPEC_MAX_NAME ||
	    strlen(it->name) != it->name_len || nl_spec_check_chars(it->name, it->name_len, false))
		return NULL;
	return it->name;
}

static NL_MUST_USE nl_err apply(struct ctx *c, const struct spec_items *items)
{
	nl_err rc = NL_OK;
	const struct spec_item **seen = NULL;
	if (c->n_specs && !(seen = nl_arena_alloc(c->a, c->n_specs * sizeof *seen)))
		return NL_ERR_NOMEM;
	bool *dup = c->n_specs ? nl_arena_alloc(c->a, c->n_specs * sizeof *dup) : NULL;
	if (c->n_specs && !dup)
		return NL_ERR_NOMEM;

	if (items->body_error)
		return add_error(c, NULL, items->body_error);
	bool csrf_seen = false;
	for (size_t i = 0; i < items->n && rc == NL_OK; i++) {
		const struct spec_item *it = &items->v[i];
		size_t idx;
		const struct nl_spec *s = find_spec(c, it->name, it->name_len, &idx);
		if (!s) {
			if (c->form && it->name_len == 4 && memcmp(it->name, "csrf", 4) == 0 &&
			    !it->is_file) {
				if (csrf_seen)
					rc = add_error(c, NULL, "duplicate_field");
				csrf_seen = true;
				c->res->csrf = nl_arena_strndup(c->a, it->value, it->len);
				continue;
			}
			const char *name = safe_name(it);
			rc = add_error(c, name, name ? "unknown_field" : "bad_field_name");
		} else if (seen[idx]) {
			if (!dup[idx])
				rc = add_error(c, s->name, "duplicate_field");
			dup[idx] = true;
		} else {
			seen[idx] = it;
		}
	}
	for (size_t i = 0; i < c->n_specs && rc == NL_OK; i++) {
		const struct nl_spec *s = &c->specs[i];
		const struct spec_item *it = seen[i];
		if (dup[i])
			continue;
		bool absent = !it;
		const char *code = NULL;
		if (it) {
			if (!(s->flags & NL_SPEC_SECRET) && !it->is_file && it->len <= NL_SPEC_MAX_REDISPLAY &&
			    it->value && strlen(it->value) == it->len && nl_utf8_valid(it->value, it->len) &&
			    !(c->res->typed[i] = nl_arena_strndup(c->a, it->value, it->len)))
				return NL_ERR_NOMEM;
			code = nl_spec_convert(c->a, s, member(c, s), it, &absent);
			if (code && strcmp(code, "nomem") == 0)
				return NL_ERR_NOMEM;
		}
		if (code) {
			set_absent(c, s);
			rc = add_error(c, s->name, code);
		} else if (absent) {
			set_absent(c, s);
			if (s->flags & NL_SPEC_REQUIRED)
				rc = add_error(c, s->name, "required");
		}
	}
	return rc;
}

static NL_MUST_USE nl_err begin(struct ctx *c, nl_arena *a, const struct nl_spec *specs, void *out,
                    struct nl_spec_result *res)
{
	*c = (struct ctx){.a = a, .specs = specs, .out = out, .res = res, .form = true};
	*res = (struct nl_spec_result){0};
	while (specs[c->n_specs].name)
		c->n_specs++;
	res->n_specs = c->n_specs;
	if (c->n_specs && !(res->typed = nl_arena_alloc(a, c->n_specs * sizeof *res->typed)))
		return NL_ERR_NOMEM;
	for (size_t i = 0; i < c->n_specs; i++)
		set_absent(c, &specs[i]);
	return NL_OK;
}

static NL_MUST_USE nl_err finish(struct ctx *c, nl_err rc)
{
	if (rc != NL_OK)
		return rc;
	return c->res->n_errors ? NL_ERR_INVALID : NL_OK;
}

/* Compares the media type of a Content-Type header, ignoring parameters and case. */
static bool media_is(const char *ct, const char *want)
{
	size_t n = strlen(want);
	while (*ct == ' ')
		ct++;
	return strncasecmp(ct, want, n) == 0 && (ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ');
}

nl_err nl_spec_parse(nl_arena *a, const struct nl_spec *specs, const char *content_type,
                     const void *body, size_t len, void *out, struct nl_spec_result *res)
{
	struct ctx c;
	nl_err rc = begin(&c, a, specs, out, res);
	if (rc != NL_OK)
		return rc;
	struct spec_items items = {0};
	json_t *root = NULL;
	const char *ct = content_type ? content_type : "";
	const char *b = body ? body : "";
	if (len == 0 && !*ct)
		rc = NL_OK;   /* no body at all: a form without fields */
	else if (media_is(ct, "application/x-www-form-urlencoded"))
		rc = nl_spec_decode_urlencoded(a, b, len, &items);
	else if (media_is(ct, "multipart/form-data"))
		rc = nl_spec_decode_multipart(a, ct, b, len, &items);
	else if (media_is(ct, "application/json")) {
		c.form = false;
		rc = nl_spec_decode_json(a, b, len, &root, &items);
	} else
		items.body_error = "unsupported_media_type";
	if (rc == NL_OK)
		rc = apply(&c, &items);
	json_decref(root);
	return finish(&c, rc);
}

nl_err nl_spec_parse_query(nl_arena *a, const struct nl_spec *specs, const char *query,
                           void *out, struct nl_spec_result *res)
{
	struct ctx c;
	nl_err rc = begin(&c, a, specs, out, res);
	struct spec_items items = {0};
	if (rc == NL_OK && query)
		rc = nl_spec_decode_urlencoded(a, query, strlen(query), &items);
	if (rc == NL_OK)
		rc = apply(&c, &items);
	return finish(&c, rc);
}

nl_err nl_spec_parse_pairs(nl_arena *a, const struct nl_spec *specs,
                           const struct nl_spec_pair *pairs, size_t n, void *out,
                           struct nl_spec_result *res)
{
	struct ctx c;
	nl_err rc = begin(&c, a, specs, out, res);
	struct spec_items items = {0};
	for (size_t i = 0; i < n && rc == NL_OK && !items.body_error; i++) {
		struct spec_item it = {.name = pairs[i].name, .name_len = strlen(pairs[i].name),
		                       .value = pairs[i].value, .len = pairs[i].value_len};
		if (!nl_spec_items_add(a, &items, &it) && !items.body_error)
			rc = NL_ERR_NOMEM;
	}
	if (rc == NL_OK)
		rc = apply(&c, &items);
	return finish(&c, rc);
}
