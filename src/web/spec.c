/* Field rules of the typed specs: one value in, a typed member or a coded
 * error out. The body encodings are in spec_body.c, messages in spec_msg.c. */
#include "web/spec_int.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/utf8.h"
#include "core/validate.h"

struct ctx {
	nl_arena *a;
	const struct nl_spec *specs;
	size_t n_specs;
	void *out;
	struct nl_spec_result *res;
	size_t err_cap;
	bool form;                 /* not JSON: the csrf field is allowed */
};

static nl_err add_error(struct ctx *c, const char *field, const char *code)
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
	r->errors[r->n_errors++] = (struct nl_field_error){field, code, nl_spec_code_msgid(code)};
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
	case NL_SK_BOOL: *(bool *)m = false; break;
	case NL_SK_DATE: *(struct nl_date *)m = (struct nl_date){0}; break;
	case NL_SK_FILE: *(struct nl_file *)m = (struct nl_file){0}; break;
	case NL_SK_END: break;
	default: *(const char **)m = NULL; break;
	}
}

/* Code points that never belong in a value: C0 (tab and newlines only in
 * multi-line text), DEL and C1. Returns an error code or NULL. */
static const char *check_chars(const char *s, size_t len, bool multiline)
{
	size_t i = 0;
	while (i < len) {
		uint32_t cp;
		size_t n = nl_utf8_decode(s + i, len - i, &cp);
		if (n == 0)
			return "invalid_utf8";
		if (cp < 0x20 ? !(multiline && (cp == '\t' || cp == '\n' || cp == '\r'))
		              : (cp == 0x7f || (cp >= 0x80 && cp <= 0x9f)))
			return "control_char";
		i += n;
	}
	return NULL;
}

static bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

/* Core validators say "utf8"; the API code is "invalid_utf8". */
static const char *api_code(const char *reason)
{
	return reason && strcmp(reason, "utf8") == 0 ? "invalid_utf8" : reason;
}

static bool all_digits(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

static const char *parse_int(const char *s, int64_t lo, int64_t hi, int64_t *out)
{
	bool neg = *s == '-';
	if (*s == '-' || *s == '+')
		s++;
	if (!all_digits(s))
		return "not_integer";
	uint64_t v = 0;
	for (; *s; s++) {
		uint64_t d = (uint64_t)(*s - '0');
		if (v > (UINT64_MAX - d) / 10)
			return "out_of_range";
		v = v * 10 + d;
	}
	if ((!neg && v > (uint64_t)INT64_MAX) || (neg && v > (uint64_t)INT64_MAX + 1))
		return "out_of_range";
	int64_t x = neg ? (int64_t)(0 - v) : (int64_t)v;
	if (x < lo || x > hi)
		return "out_of_range";
	*out = x;
	return NULL;
}

static bool leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

static bool fixed_digits(const char *s, int n, int *out)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return true;
}

/* "2024-02-29" (HTML date input) or "29.02.2024" (how Turkish forms write it). */
static const char *parse_date(const char *s, const struct nl_spec *sp, struct nl_date *out)
{
	int y, m, d;
	size_t n = strlen(s);
	if (n == 10 && s[4] == '-' && s[7] == '-' && fixed_digits(s, 4, &y) &&
	    fixed_digits(s + 5, 2, &m) && fixed_digits(s + 8, 2, &d)) {
		/* ok */
	} else if (n == 10 && s[2] == '.' && s[5] == '.' && fixed_digits(s, 2, &d) &&
	           fixed_digits(s + 3, 2, &m) && fixed_digits(s + 6, 4, &y)) {
		/* ok */
	} else {
		return "date_format";
	}
	static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (m < 1 || m > 12 || d < 1 || d > days[m - 1] + (m == 2 && leap(y)))
		return "invalid_date";
	int64_t lo = sp->min ? sp->min : 1900, hi = sp->max ? sp->max : 2100;
	if (y < lo || y > hi)
		return "out_of_range";
	*out = (struct nl_date){y, m, d};
	return NULL;
}

static const char *parse_bool_text(const char *s, bool *out)
{
	static const char *const yes[] = {"1", "true", "on", "yes", "evet"};
	static const char *const no[] = {"0", "false", "off", "no", "hayir", "hayır"};
	for (size_t i = 0; i < sizeof yes / sizeof *yes; i++)
		if (strcasecmp(s, yes[i]) == 0)
			return *out = true, NULL;
	for (size_t i = 0; i < sizeof no / sizeof *no; i++)
		if (strcasecmp(s, no[i]) == 0)
			return *out = false, NULL;
	return "not_boolean";
}

/* "C:\fakepath\cv.pdf" → "cv.pdf"; control characters are dropped. */
static const char *file_base_name(nl_arena *a, const char *fn)
{
	const char *base = fn;
	for (const char *p = fn; *p; p++)
		if (*p == '/' || *p == '\\')
			base = p + 1;
	char *o = nl_arena_strdup(a, base);
	if (!o)
		return NULL;
	size_t k = 0;
	for (size_t i = 0; o[i]; i++)
		if ((unsigned char)o[i] >= 0x20 && o[i] != 0x7f)
			o[k++] = o[i];
	o[k] = '\0';
	if (k > 255)
		o[255] = '\0';   /* may cut a UTF-8 sequence: checked by the caller */
	return o;
}

static const char *convert_file(struct ctx *c, const struct nl_spec *s, const struct spec_item *it,
                                bool *absent)
{
	if (!it->is_file)
		return "file_expected";
	if (it->len == 0 && (!it->filename || !*it->filename)) {
		*absent = true;   /* a file input left empty still sends an empty part */
		return NULL;
	}
	if ((int64_t)it->len > s->max)
		return "file_too_large";
	if (s->values) {
		bool ok = false;
		for (size_t i = 0; s->values[i] && !ok; i++)
			ok = strcmp(s->values[i], it->content_type) == 0;
		if (!ok)
			return "file_type";
	}
	const char *fn = file_base_name(c->a, it->filename ? it->filename : "");
	if (!fn)
		return "nomem";
	if (!nl_utf8_valid(fn, strlen(fn)))
		return "invalid_utf8";
	*(struct nl_file *)member(c, s) = (struct nl_file){fn, it->content_type,
		(const unsigned char *)it->value, it->len, true};
	return NULL;
}

/* Trims white space (not for secrets) and, for multi-line text, turns CRLF into
 * LF; returns an arena copy. */
static char *normalise(nl_arena *a, const struct nl_spec *s, const char *v, size_t len)
{
	if (!(s->flags & NL_SPEC_SECRET)) {
		while (len && is_space(*v))
			v++, len--;
		while (len && is_space(v[len - 1]))
			len--;
	}
	char *o = nl_arena_alloc(a, len + 1);
	if (!o)
		return NULL;
	size_t k = 0;
	for (size_t i = 0; i < len; i++) {
		if (v[i] == '\r' && i + 1 < len && v[i + 1] == '\n')
			continue;
		o[k++] = v[i];
	}
	o[k] = '\0';
	if (s->kind == NL_SK_NAME) {   /* "Ayşe   Nur" → "Ayşe Nur" */
		size_t w = 0;
		for (size_t i = 0; i < k; i++)
			if (!(o[i] == ' ' && w > 0 && o[w - 1] == ' '))
				o[w++] = o[i];
		o[w] = '\0';
	}
	return o;
}

/* Converts one present item into its member. Returns an error code, NULL on
 * success; *absent when the value counts as not given (empty). */
static const char *convert(struct ctx *c, const struct nl_spec *s, const struct spec_item *it,
                           bool *absent)
{
	*absent = false;
	if (it->json && json_is_null(it->json)) {
		*absent = true;
		return NULL;
	}
	if (s->kind == NL_SK_FILE)
		return it->json ? "invalid_type" : convert_file(c, s, it, absent);
	if (it->is_file)
		return "invalid_type";
	void *m = member(c, s);
	if (it->json && s->kind == NL_SK_BOOL) {
		if (!json_is_boolean(it->json))
			return "invalid_type";
		*(bool *)m = json_is_true(it->json);
		if (!*(bool *)m && (s->flags & NL_SPEC_REQUIRED))
			return "required";
		return NULL;
	}
	if (it->json && s->kind == NL_SK_INT) {
		if (!json_is_integer(it->json))
			return "invalid_type";
		json_int_t x = json_integer_value(it->json);
		if (x < s->min || x > s->max)
			return "out_of_range";
		*(int64_t *)m = x;
		return NULL;
	}
	if (it->json && !json_is_string(it->json))
		return "invalid_type";

	const char *bad = check_chars(it->value, it->len, s->flags & NL_SPEC_MULTILINE);
	if (bad)
		return bad;
	char *v = normalise(c->a, s, it->value, it->len);
	if (!v)
		return "nomem";
	if (!*v) {
		*absent = true;
		return NULL;
	}
	const char *r = NULL;
	char buf[NL_PASSPORT_MAX + 1];
	switch (s->kind) {
	case NL_SK_TEXT:
		r = nl_valid_text(v, (size_t)s->min, (size_t)s->max, s->flags & NL_SPEC_MULTILINE);
		break;
	case NL_SK_NAME:
		r = nl_valid_person_name(v, (size_t)s->max);
		break;
	case NL_SK_TCKN:
		r = nl_valid_tckn(v);
		break;
	case NL_SK_ID_NUMBER: {
		struct nl_id_number *id = m;
		if (all_digits(v) && strlen(v) == 11) {
			if (!(r = nl_valid_tckn(v)))
				*id = (struct nl_id_number){NL_ID_TCKN, v};
		} else if (!(r = nl_valid_passport(v, buf))) {
			*id = (struct nl_id_number){NL_ID_PASSPORT, nl_arena_strdup(c->a, buf)};
			if (!id->number)
				return "nomem";
		} else if (all_digits(v)) {
			r = "tckn_length";   /* digits only: a T.C. number of the wrong length */
		}
		return api_code(r);
	}
	case NL_SK_MOBILE:
	case NL_SK_PHONE:
		r = s->kind == NL_SK_MOBILE ? nl_valid_mobile(v, buf) : nl_valid_phone(v, buf);
		if (!r && !(v = nl_arena_strdup(c->a, buf)))
			return "nomem";
		break;
	case NL_SK_EMAIL:
		r = nl_valid_email(v);
		break;
	case NL_SK_POSTAL:
		r = nl_valid_postal_code(v);
		break;
	case NL_SK_INT:
		return parse_int(v, s->min, s->max, m);
	case NL_SK_ENUM:
		for (int i = 0; s->values && s->values[i]; i++)
			if (strcmp(s->values[i], v) == 0)
				return *(int *)m = i, NULL;
		return "not_allowed";
	case NL_SK_BOOL:
		if ((r = parse_bool_text(v, m)) == NULL && !*(bool *)m && (s->flags & NL_SPEC_REQUIRED))
			r = "required";
		return r;
	case NL_SK_DATE:
		return parse_date(v, s, m);
	default:
		return "internal";
	}
	if (r)
		return api_code(r);
	*(const char **)m = v;
	return NULL;
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
	    strlen(it->name) != it->name_len || check_chars(it->name, it->name_len, false))
		return NULL;
	return it->name;
}

static nl_err apply(struct ctx *c, const struct spec_items *items)
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
			code = convert(c, s, it, &absent);
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

static nl_err begin(struct ctx *c, nl_arena *a, const struct nl_spec *specs, void *out,
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

static nl_err finish(struct ctx *c, nl_err rc)
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
