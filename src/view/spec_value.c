/* Value rules of the typed specs: one value in, a typed member or a coded
 * error out. The field bookkeeping (unknown, duplicate, required) is in
 * spec.c, the body encodings in spec_body.c, messages in spec_msg.c. */
#include "view/spec_int.h"

#include <string.h>
#include <strings.h>

#include "core/utf8.h"
#include "core/validate.h"

/* Code points that never belong in a value: C0 (tab and newlines only in
 * multi-line text), DEL and C1. Returns an error code or NULL. */
const char *nl_spec_check_chars(const char *s, size_t len, bool multiline)
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

static const char *parse_int(const char *s, int64_t lo, int64_t hi, int64_t *out)
{
	bool neg = *s == '-';
	if (*s == '-' || *s == '+')
		s++;
	if (!nl_all_digits(s))
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

static const char *convert_file(nl_arena *a, const struct nl_spec *s, void *m,
                                const struct spec_item *it, bool *absent)
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
	const char *fn = file_base_name(a, it->filename ? it->filename : "");
	if (!fn)
		return "nomem";
	if (!nl_utf8_valid(fn, strlen(fn)))
		return "invalid_utf8";
	*(struct nl_file *)m = (struct nl_file){fn, it->content_type,
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

const char *nl_spec_convert(nl_arena *a, const struct nl_spec *s, void *m,
                            const struct spec_item *it, bool *absent)
{
	*absent = false;
	if (it->json && json_is_null(it->json)) {
		*absent = true;
		return NULL;
	}
	if (s->kind == NL_SK_FILE)
		return it->json ? "invalid_type" : convert_file(a, s, m, it, absent);
	if (it->is_file)
		return "invalid_type";
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

	const char *bad = nl_spec_check_chars(it->value, it->len, s->flags & NL_SPEC_MULTILINE);
	if (bad)
		return bad;
	char *v = normalise(a, s, it->value, it->len);
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
	case NL_SK_ID_NUMBER:
	case NL_SK_ID_TEXT: {
		struct nl_id_number id = {0};
		if (nl_all_digits(v) && strlen(v) == 11) {
			if (!(r = nl_valid_tckn(v)))
				id = (struct nl_id_number){NL_ID_TCKN, v};
		} else if (!(r = nl_valid_passport(v, buf))) {
			id = (struct nl_id_number){NL_ID_PASSPORT, nl_arena_strdup(a, buf)};
			if (!id.number)
				return "nomem";
		} else if (nl_all_digits(v)) {
			r = "tckn_length";   /* digits only: a T.C. number of the wrong length */
		}
		if (!r && s->kind == NL_SK_ID_NUMBER)
			*(struct nl_id_number *)m = id;
		else if (!r)
			*(const char **)m = id.number;
		return api_code(r);
	}
	case NL_SK_MOBILE:
	case NL_SK_PHONE:
		r = s->kind == NL_SK_MOBILE ? nl_valid_mobile(v, buf) : nl_valid_phone(v, buf);
		if (!r && !(v = nl_arena_strdup(a, buf)))
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
	case NL_SK_ENUM_VALUE:
		for (int i = 0; s->values && s->values[i]; i++)
			if (strcmp(s->values[i], v) == 0) {
				int value = i + 1;
				memcpy(m, &value, sizeof value);   /* the enum member, int-sized */
				return NULL;
			}
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
