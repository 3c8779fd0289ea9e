/* Typed field specs: one table per form or JSON body says which fields exist,
 * what each must look like and where its parsed value goes in a struct.
 * nl_spec_parse() reads application/x-www-form-urlencoded, multipart/form-data
 * and application/json bodies (and query strings) with the same table.
 *
 *   struct preapp { struct nl_id_number id; const char *name; const char *email;
 *                   int64_t count; int reason; bool backup; };
 *   static const char *const reasons[] = {"first", "renewal", NULL};
 *   static const struct nl_spec preapp_spec[] = {
 *       NL_SPEC_ID_NUMBER("id_number", struct preapp, id, NL_SPEC_REQUIRED),
 *       NL_SPEC_NAME("name", struct preapp, name, 64, NL_SPEC_REQUIRED),
 *       NL_SPEC_EMAIL("email", struct preapp, email, NL_SPEC_REQUIRED),
 *       NL_SPEC_INT("count", struct preapp, count, 1, 10, 0),
 *       NL_SPEC_ENUM("reason", struct preapp, reason, reasons, NL_SPEC_REQUIRED),
 *       NL_SPEC_BOOL("backup", struct preapp, backup, 0),
 *       NL_SPEC_END
 *   };
 *
 * The macros check at compile time that each member has the type its kind
 * writes:
 *   TEXT, NAME, TCKN, MOBILE, PHONE, EMAIL, POSTAL   const char *  (NULL if absent)
 *   ID_NUMBER   struct nl_id_number                   INT   int64_t
 *   ENUM        int (index into values, -1 if absent) BOOL  bool
 *   DATE        struct nl_date                        FILE  struct nl_file
 *   ID_TEXT     const char * (the number of ID_NUMBER; NULL if absent)
 *   ENUM_VALUE  a C enum whose values[i] is i + 1 and 0 is "none" (0 if absent),
 *               so a spec binds straight into a use case's domain enum
 *
 * Rules applied to every field: unknown names are refused (except the form
 * field "csrf", which the server checks; its value is in result->csrf), a name
 * given twice is refused, values must be valid UTF-8 without control
 * characters (tab and newlines only in NL_SPEC_MULTILINE text), text is trimmed
 * of surrounding white space (not NL_SPEC_SECRET fields), an empty value counts
 * as absent. Errors are per field with a stable code (API) and an English
 * message id (translated through po/). */
#ifndef NL_VIEW_SPEC_H
#define NL_VIEW_SPEC_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/datetime.h"
#include "core/err.h"
#include "core/field_msg.h"   /* the codes' messages: nl_field_msgid */
#include "core/validate.h"

enum nl_spec_kind {
	NL_SK_END = 0,
	NL_SK_TEXT,       /* min..max characters (code points) */
	NL_SK_NAME,       /* a person's name (core nl_valid_person_name), up to max chars */
	NL_SK_TCKN,       /* T.C. Kimlik No, checksum verified */
	NL_SK_ID_NUMBER,  /* T.C. Kimlik No (11 digits) or passport number */
	NL_SK_MOBILE,     /* Turkish mobile, normalised to 5xxxxxxxxx */
	NL_SK_PHONE,      /* Turkish landline or mobile, normalised to 10 digits */
	NL_SK_EMAIL,
	NL_SK_POSTAL,     /* 5 digits, province-coded */
	NL_SK_INT,        /* decimal integer in min..max */
	NL_SK_ENUM,       /* one of values[] */
	NL_SK_BOOL,       /* checkbox: absent is false; REQUIRED means "must be true" */
	NL_SK_DATE,       /* YYYY-MM-DD (HTML date input) or DD.MM.YYYY */
	NL_SK_FILE,       /* multipart file part of at most max bytes, type in values[] */
	NL_SK_ID_TEXT,    /* as ID_NUMBER, only the number written (a use case's text input) */
	NL_SK_ENUM_VALUE, /* one of values[], written as index + 1 into a C enum (0 = absent) */
};

enum nl_spec_flags {
	NL_SPEC_REQUIRED = 1u << 0,
	NL_SPEC_SECRET = 1u << 1,     /* never echoed back for redisplay, never trimmed */
	NL_SPEC_MULTILINE = 1u << 2,  /* TEXT: tab and newlines allowed; CRLF becomes LF */
};

struct nl_spec {
	const char *name;
	enum nl_spec_kind kind;
	size_t offset;                /* of the member in the output struct */
	unsigned flags;
	int64_t min, max;             /* TEXT: characters; INT: value; FILE: max bytes; NAME: max */
	const char *const *values;    /* ENUM: allowed values; FILE: allowed content types
	                                 (NULL = any); NULL-terminated */
};


struct nl_id_number {
	enum nl_id_kind kind;
	const char *number;           /* 11 digits, or the passport number upper-cased */
};

/* DATE fields fill core's struct nl_date (core/datetime.h); all 0 when absent. */

struct nl_file {
	const char *filename;         /* base name as sent (path parts removed), UTF-8 */
	const char *content_type;     /* as sent, lower case; application/octet-stream if none */
	const unsigned char *data;    /* points into the request body: lives as long as it */
	size_t len;
	bool present;
};

/* Compile-time check that T.m has type `type`; evaluates to offsetof(T, m). */
#define NL__SPEC_OFF(T, m, type)                                                   \
	(offsetof(T, m) + 0 * sizeof(char[__builtin_types_compatible_p(                \
	                          __typeof__(((T *)0)->m), type) ? 1 : -1]))

/* Compile-time check that T.m is an integer (enum) type of int's size. */
#define NL__SPEC_OFF_ENUM(T, m)                                                    \
	(offsetof(T, m) + 0 * sizeof(char[(sizeof(((T *)0)->m) == sizeof(int) &&       \
	                                   (__typeof__(((T *)0)->m))0.5 == 0) ? 1 : -1]))

#define NL_SPEC_TEXT(n, T, m, minc, maxc, fl) \
	{(n), NL_SK_TEXT, NL__SPEC_OFF(T, m, const char *), (fl), (minc), (maxc), NULL}
#define NL_SPEC_NAME(n, T, m, maxc, fl) \
	{(n), NL_SK_NAME, NL__SPEC_OFF(T, m, const char *), (fl), 1, (maxc), NULL}
#define NL_SPEC_TCKN(n, T, m, fl) \
	{(n), NL_SK_TCKN, NL__SPEC_OFF(T, m, const char *), (fl), 0, 0, NULL}
#define NL_SPEC_ID_NUMBER(n, T, m, fl) \
	{(n), NL_SK_ID_NUMBER, NL__SPEC_OFF(T, m, struct nl_id_number), (fl), 0, 0, NULL}
#define NL_SPEC_MOBILE(n, T, m, fl) \
	{(n), NL_SK_MOBILE, NL__SPEC_OFF(T, m, const char *), (fl), 0, 0, NULL}
#define NL_SPEC_PHONE(n, T, m, fl) \
	{(n), NL_SK_PHONE, NL__SPEC_OFF(T, m, const char *), (fl), 0, 0, NULL}
#define NL_SPEC_EMAIL(n, T, m, fl) \
	{(n), NL_SK_EMAIL, NL__SPEC_OFF(T, m, const char *), (fl), 0, 0, NULL}
#define NL_SPEC_POSTAL(n, T, m, fl) \
	{(n), NL_SK_POSTAL, NL__SPEC_OFF(T, m, const char *), (fl), 0, 0, NULL}
#define NL_SPEC_INT(n, T, m, lo, hi, fl) \
	{(n), NL_SK_INT, NL__SPEC_OFF(T, m, int64_t), (fl), (lo), (hi), NULL}
#define NL_SPEC_ENUM(n, T, m, vals, fl) \
	{(n), NL_SK_ENUM, NL__SPEC_OFF(T, m, int), (fl), 0, 0, (vals)}
#define NL_SPEC_BOOL(n, T, m, fl) \
	{(n), NL_SK_BOOL, NL__SPEC_OFF(T, m, bool), (fl), 0, 0, NULL}
/* Years outside lo..hi are "out_of_range" (0, 0: 1900..2100). */
#define NL_SPEC_DATE(n, T, m, lo, hi, fl) \
	{(n), NL_SK_DATE, NL__SPEC_OFF(T, m, struct nl_date), (fl), (lo), (hi), NULL}
#define NL_SPEC_FILE(n, T, m, maxbytes, types, fl) \
	{(n), NL_SK_FILE, NL__SPEC_OFF(T, m, struct nl_file), (fl), 0, (maxbytes), (types)}
#define NL_SPEC_ID_TEXT(n, T, m, fl) \
	{(n), NL_SK_ID_TEXT, NL__SPEC_OFF(T, m, const char *), (fl), 0, 0, NULL}
#define NL_SPEC_ENUM_VALUE(n, T, m, vals, fl) \
	{(n), NL_SK_ENUM_VALUE, NL__SPEC_OFF_ENUM(T, m), (fl), 0, 0, (vals)}
#define NL_SPEC_END {NULL, NL_SK_END, 0, 0, 0, 0, NULL}

/* Limits of any body, whatever the specs say. */
#define NL_SPEC_MAX_FIELDS     256          /* pairs, parts or JSON members */
#define NL_SPEC_MAX_NAME       128          /* bytes of a field name */
#define NL_SPEC_MAX_PART_HEAD  (8u * 1024)  /* bytes of one multipart part's headers */
#define NL_SPEC_MAX_REDISPLAY  (8u * 1024)  /* longer values are not kept for redisplay */

/* One refused field. field is NULL for an error of the whole body (malformed
 * multipart, not JSON, unsupported media type, too many fields). */
struct nl_field_error {
	const char *field;
	const char *code;     /* stable: "required", "too_long", "tckn_checksum", ... */
	const char *msgid;    /* English message, the gettext msgid */
};

/* What nl_spec_parse found besides the struct. Everything lives in the arena. */
struct nl_spec_result {
	struct nl_field_error *errors;
	size_t n_errors;
	const char **typed;   /* per spec index: the value as typed, for redisplay; NULL for
	                         absent, secret, file, invalid UTF-8 or very long values */
	size_t n_specs;
	const char *csrf;     /* the "csrf" form field, if sent */
};

/* Parses body (len bytes) by its Content-Type header (full, with parameters:
 * the multipart boundary is read from it) into out, field by field per specs.
 * An empty body without a content type is a form with no fields.
 * Returns NL_OK when every field is valid; NL_ERR_INVALID with res->errors set
 * otherwise (members of fields in error are left at their "absent" value);
 * NL_ERR_NOMEM. Multipart file data points into body. */
NL_MUST_USE nl_err nl_spec_parse(nl_arena *a, const struct nl_spec *specs, const char *content_type,
                     const void *body, size_t len, void *out, struct nl_spec_result *res);

/* A raw query string "a=1&b=x+y" (without the '?'); same rules as a form. */
NL_MUST_USE nl_err nl_spec_parse_query(nl_arena *a, const struct nl_spec *specs, const char *query,
                           void *out, struct nl_spec_result *res);

/* Already decoded name/value pairs (e.g. the server's parsed query). */
struct nl_spec_pair {
	const char *name;
	const char *value;
	size_t value_len;
};
NL_MUST_USE nl_err nl_spec_parse_pairs(nl_arena *a, const struct nl_spec *specs,
                           const struct nl_spec_pair *pairs, size_t n, void *out,
                           struct nl_spec_result *res);

/* The JSON API error body, in the envelope of every API error:
 *   {"error":{"code":"invalid_input","message":"...",
 *             "fields":{"tckn":{"code":"tckn_checksum","message":"..."}},
 *             "body":{"code":"invalid_json","message":"..."}}}   ("body" only if any)
 * messages translated into lang. New reference; NULL on OOM. */
json_t *nl_spec_errors_json(const struct nl_spec *specs, const struct nl_spec_result *res,
                            const char *lang);

/* Template data for redisplaying a form:
 *   {"values":{"name":"as typed",...}, "errors":{"name":{"code":..,"message":..}},
 *    "error_list":[{"field":..,"message":..}], "has_errors":true}
 * New reference; NULL on OOM. res may have no errors (or be all zero). */
json_t *nl_spec_form_json(const struct nl_spec *specs, const struct nl_spec_result *res,
                          const char *lang);

#endif
