/* Typed field specs: every kind valid and invalid, unknown and duplicate fields,
 * bad UTF-8, multipart with files and broken boundaries, JSON type errors,
 * limits, and the JSON renderings of errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "core/buf.h"
#include "view/spec.h"

struct all {
	const char *text, *note, *name, *tckn;
	struct nl_id_number id;
	const char *mobile, *phone, *email, *postal;
	int64_t count;
	int reason;
	bool backup;
	struct nl_date birth;
	struct nl_file doc;
	const char *password;
};

static const char *const reasons[] = {"first", "renewal", "lost", NULL};
static const char *const doc_types[] = {"application/pdf", "image/png", NULL};

static const struct nl_spec all_spec[] = {
	NL_SPEC_TEXT("text", struct all, text, 2, 10, 0),
	NL_SPEC_TEXT("note", struct all, note, 0, 100, NL_SPEC_MULTILINE),
	NL_SPEC_NAME("name", struct all, name, 40, 0),
	NL_SPEC_TCKN("tckn", struct all, tckn, 0),
	NL_SPEC_ID_NUMBER("id", struct all, id, 0),
	NL_SPEC_MOBILE("mobile", struct all, mobile, 0),
	NL_SPEC_PHONE("phone", struct all, phone, 0),
	NL_SPEC_EMAIL("email", struct all, email, 0),
	NL_SPEC_POSTAL("postal", struct all, postal, 0),
	NL_SPEC_INT("count", struct all, count, 1, 10, 0),
	NL_SPEC_ENUM("reason", struct all, reason, reasons, 0),
	NL_SPEC_BOOL("backup", struct all, backup, 0),
	NL_SPEC_DATE("birth", struct all, birth, 0, 0, 0),
	NL_SPEC_FILE("doc", struct all, doc, 1000, doc_types, 0),
	NL_SPEC_TEXT("password", struct all, password, 8, 64, NL_SPEC_SECRET),
	NL_SPEC_END
};

struct req {
	const char *tckn;
	const char *name;
	bool accept;
};

static const struct nl_spec req_spec[] = {
	NL_SPEC_TCKN("tckn", struct req, tckn, NL_SPEC_REQUIRED),
	NL_SPEC_NAME("name", struct req, name, 40, NL_SPEC_REQUIRED),
	NL_SPEC_BOOL("accept", struct req, accept, NL_SPEC_REQUIRED),
	NL_SPEC_END
};

#define FORM "application/x-www-form-urlencoded"
#define JSON "application/json"

static nl_arena *arena;

static int setup(void **state)
{
	(void)state;
	arena = nl_arena_new();
	return arena ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	nl_arena_free(arena);
	return 0;
}

static NL_MUST_USE nl_err parse(const struct nl_spec *specs, const char *ct, const char *body, void *out,
                    struct nl_spec_result *res)
{
	return nl_spec_parse(arena, specs, ct, body, strlen(body), out, res);
}

/* The code of the first error of field (NULL: body-level), or NULL if none. */
static const char *code_of(const struct nl_spec_result *res, const char *field)
{
	for (size_t i = 0; i < res->n_errors; i++) {
		const char *f = res->errors[i].field;
		if ((!field && !f) || (field && f && strcmp(f, field) == 0))
			return res->errors[i].code;
	}
	return NULL;
}

static void form_all_valid(void **state)
{
	struct all a;
	struct nl_spec_result res;
	(void)state;
	nl_err rc = parse(all_spec, FORM,
		"text=+%C3%87i%C4%9Fdem+&note=a%0D%0Ab&name=Ay%C5%9Fe++Nur&tckn=10000000146"
		"&id=u1234567&mobile=%2B90+532+123+45+67&phone=0312+555+12+34&email=a%40b.com.tr"
		"&postal=06100&count=7&reason=renewal&backup=on&birth=29.02.2024&password=+secret+1+",
		&a, &res);
	assert_int_equal(rc, NL_OK);
	assert_int_equal(res.n_errors, 0);
	assert_string_equal(a.text, "Çiğdem");
	assert_string_equal(a.note, "a\nb");
	assert_string_equal(a.name, "Ayşe Nur");
	assert_string_equal(a.tckn, "10000000146");
	assert_int_equal(a.id.kind, NL_ID_PASSPORT);
	assert_string_equal(a.id.number, "U1234567");
	assert_string_equal(a.mobile, "5321234567");
	assert_string_equal(a.phone, "3125551234");
	assert_string_equal(a.email, "a@b.com.tr");
	assert_string_equal(a.postal, "06100");
	assert_int_equal(a.count, 7);
	assert_int_equal(a.reason, 1);
	assert_true(a.backup);
	assert_int_equal(a.birth.year, 2024);
	assert_int_equal(a.birth.month, 2);
	assert_int_equal(a.birth.day, 29);
	assert_false(a.doc.present);
	/* secrets are kept as typed (not trimmed) and never echoed back */
	assert_string_equal(a.password, " secret 1 ");
	assert_null(res.typed[14]);
	/* what was typed is kept for redisplay */
	assert_string_equal(res.typed[0], " Çiğdem ");
	assert_string_equal(res.typed[2], "Ayşe  Nur");
}

static void form_absent_values(void **state)
{
	struct all a;
	struct nl_spec_result res;
	(void)state;
	memset(&a, 0x5a, sizeof a);   /* every member must be reset to "absent" */
	assert_int_equal(parse(all_spec, FORM, "text=&count=&reason=", &a, &res), NL_OK);
	assert_null(a.text);
	assert_null(a.email);
	assert_int_equal(a.count, 0);
	assert_int_equal(a.reason, -1);
	assert_false(a.backup);
	assert_int_equal(a.id.kind, NL_ID_NONE);
	assert_int_equal(a.birth.year, 0);
	assert_false(a.doc.present);
	/* no body at all is a form without fields */
	assert_int_equal(nl_spec_parse(arena, all_spec, NULL, NULL, 0, &a, &res), NL_OK);
}

/* One invalid value per row: the body, the field and the expected code. */
static const struct {
	const char *body, *field, *code;
} invalid_rows[] = {
	{"text=a", "text", "too_short"},
	{"text=abcdefghijk", "text", "too_long"},
	{"text=%C3%28x", "text", "invalid_utf8"},
	{"text=%ED%A0%80xx", "text", "invalid_utf8"},       /* UTF-16 surrogate */
	{"text=%C0%AFxx", "text", "invalid_utf8"},          /* overlong '/' */
	{"text=a%01b", "text", "control_char"},
	{"text=a%00b", "text", "control_char"},
	{"text=a%0Ab", "text", "control_char"},             /* newline in a one-line field */
	{"text=a%C2%85b", "text", "control_char"},          /* C1 NEL */
	{"text=a%7Fb", "text", "control_char"},
	{"note=a%08b", "note", "control_char"},
	{"name=Ali1", "name", "name_chars"},
	{"name=%3Cscript%3E", "name", "name_chars"},
	{"tckn=12345678901", "tckn", "tckn_checksum"},
	{"tckn=01234567890", "tckn", "tckn_leading_zero"},
	{"tckn=123", "tckn", "tckn_length"},
	{"tckn=1000000014a", "tckn", "tckn_digits"},
	{"id=12345678901", "id", "tckn_checksum"},
	{"id=1234", "id", "tckn_length"},
	{"id=AB12", "id", "passport_length"},
	{"id=AB-123456", "id", "passport_chars"},
	{"mobile=4321234567", "mobile", "mobile_format"},
	{"mobile=532123456", "mobile", "mobile_format"},
	{"phone=12", "phone", "phone_format"},
	{"email=foo", "email", "email_format"},
	{"email=a%40b", "email", "email_format"},
	{"postal=1234", "postal", "postal_format"},
	{"postal=99000", "postal", "postal_province"},
	{"count=abc", "count", "not_integer"},
	{"count=1.5", "count", "not_integer"},
	{"count=11", "count", "out_of_range"},
	{"count=0", "count", "out_of_range"},
	{"count=99999999999999999999", "count", "out_of_range"},
	{"reason=other", "reason", "not_allowed"},
	{"reason=First", "reason", "not_allowed"},
	{"backup=maybe", "backup", "not_boolean"},
	{"birth=2023-02-29", "birth", "invalid_date"},
	{"birth=31.04.2020", "birth", "invalid_date"},
	{"birth=2024%2F02%2F29", "birth", "date_format"},
	{"birth=1800-01-01", "birth", "out_of_range"},
	{"doc=x.pdf", "doc", "file_expected"},
	{"password=short", "password", "too_short"},
	{"nosuch=1", "nosuch", "unknown_field"},
	{"text=ab&text=cd", "text", "duplicate_field"},
};

static void form_invalid_each_kind(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof invalid_rows / sizeof invalid_rows[0]; i++) {
		struct all a;
		struct nl_spec_result res;
		nl_err rc = parse(all_spec, FORM, invalid_rows[i].body, &a, &res);
		const char *got = code_of(&res, invalid_rows[i].field);
		if (rc != NL_ERR_INVALID || !got || strcmp(got, invalid_rows[i].code) != 0)
			fail_msg("row %zu (%s): rc %d, code %s, want %s", i, invalid_rows[i].body, rc,
			         got ? got : "(none)", invalid_rows[i].code);
		/* a field in error keeps its absent value */
		assert_null(a.text);
		assert_int_equal(a.count, 0);
		assert_int_equal(a.reason, -1);
	}
}

static void form_bad_field_name_code(void **state)
{
	struct all a;
	struct nl_spec_result res;
	(void)state;
	/* an unknown field whose name is not valid UTF-8 cannot be named back */
	assert_int_equal(parse(all_spec, FORM, "%FFbad=1", &a, &res), NL_ERR_INVALID);
	assert_int_equal(res.n_errors, 1);
	assert_null(res.errors[0].field);
	assert_string_equal(res.errors[0].code, "bad_field_name");
}

static void form_required_and_csrf(void **state)
{
	struct req r;
	struct nl_spec_result res;
	(void)state;
	assert_int_equal(parse(req_spec, FORM, "csrf=tok123&name=+++&accept=0", &r, &res),
	                 NL_ERR_INVALID);
	assert_string_equal(res.csrf, "tok123");
	assert_string_equal(code_of(&res, "tckn"), "required");
	assert_string_equal(code_of(&res, "name"), "required");    /* blanks only */
	assert_string_equal(code_of(&res, "accept"), "required");  /* must be ticked */
	assert_int_equal(res.n_errors, 3);

	assert_int_equal(parse(req_spec, FORM, "tckn=10000000146&name=Ali&accept=on", &r, &res),
	                 NL_OK);
	assert_true(r.accept);
	assert_null(res.csrf);

	/* csrf twice is refused like any duplicate */
	assert_int_equal(parse(req_spec, FORM, "csrf=a&csrf=b&tckn=10000000146&name=Ali&accept=1",
	                       &r, &res), NL_ERR_INVALID);
	assert_string_equal(code_of(&res, NULL), "duplicate_field");
}

static void form_bad_encoding_and_media_type(void **state)
{
	struct all a;
	struct nl_spec_result res;
	(void)state;
	const char *bad[] = {"text=%4", "text=%zz", "text=ab%", "%=1"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(parse(all_spec, FORM, bad[i], &a, &res), NL_ERR_INVALID);
		assert_string_equal(code_of(&res, NULL), "bad_encoding");
	}
	assert_int_equal(parse(all_spec, "text/plain", "text=ab", &a, &res), NL_ERR_INVALID);
	assert_string_equal(code_of(&res, NULL), "unsupported_media_type");
	/* parameters and case of the media type do not matter */
	assert_int_equal(parse(all_spec, "Application/X-WWW-Form-Urlencoded; charset=UTF-8",
	                       "text=ab", &a, &res), NL_OK);
	/* empty pairs are skipped */
	assert_int_equal(parse(all_spec, FORM, "&&text=ab&&", &a, &res), NL_OK);
	assert_string_equal(a.text, "ab");
}

static void limits_too_many_fields(void **state)
{
	struct all a;
	struct nl_spec_result res;
	nl_buf b = NL_BUF_INIT;
	(void)state;
	for (int i = 0; i < NL_SPEC_MAX_FIELDS + 1; i++)
		nl_buf_printf(&b, "%sx%d=1", i ? "&" : "", i);
	assert_int_equal(parse(all_spec, FORM, b.data, &a, &res), NL_ERR_INVALID);
	assert_string_equal(code_of(&res, NULL), "too_many_fields");
	nl_buf_free(&b);
}

static void query_and_pairs(void **state)
{
	struct all a;
	struct nl_spec_result res;
	(void)state;
	assert_int_equal(nl_spec_parse_query(arena, all_spec, "count=3&reason=lost&text=a+b", &a,
	                                     &res), NL_OK);
	assert_int_equal(a.count, 3);
	assert_int_equal(a.reason, 2);
	assert_string_equal(a.text, "a b");
	assert_int_equal(nl_spec_parse_query(arena, all_spec, "page=2", &a, &res), NL_ERR_INVALID);
	assert_string_equal(code_of(&res, "page"), "unknown_field");
	assert_int_equal(nl_spec_parse_query(arena, all_spec, NULL, &a, &res), NL_OK);

	struct nl_spec_pair pairs[] = {{"count", "4", 1}, {"text", "x\0y", 3}};
	assert_int_equal(nl_spec_parse_pairs(arena, all_spec, pairs, 1, &a, &res), NL_OK);
	assert_int_equal(a.count, 4);
	assert_int_equal(nl_spec_parse_pairs(arena, all_spec, pairs, 2, &a, &res), NL_ERR_INVALID);
	assert_string_equal(code_of(&res, "text"), "control_char");
}

/* ---- multipart ---- */

#define MP "multipart/form-data; boundary=XyZ"

static NL_MUST_USE nl_err mp(const char *ct, const char *body, size_t len, struct all *a,
                 struct nl_spec_result *res)
{
	return nl_spec_parse(arena, all_spec, ct, body, len, a, res);
}

static void multipart_with_file(void **state)
{
	struct all a;
	struct nl_spec_result res;
	(void)state;
	static const char body[] =
		"preamble is ignored\r\n"
		"--XyZ\r\n"
		"Content-Disposition: form-data; name=\"text\"\r\n"
		"\r\n"
		"Merhaba\r\n"
		"--XyZ\r\n"
		"content-disposition: form-data; name=\"doc\"; filename=\"C:\\\\fake\\\\cv.pdf\"\r\n"
		"Content-Type: Application/PDF\r\n"
		"\r\n"
		"%PDF\0\r\nbinary\r\n"
		"--XyZ\r\n"
		"Content-Disposition: form-data; name=\"csrf\"\r\n"
		"\r\n"
		"t0k\r\n"
		"--XyZ--\r\n"
		"epilogue";
	assert_int_equal(mp("multipart/form-data; boundary=\"XyZ\"", body, sizeof body - 1, &a, &res),
	                 NL_OK);
	assert_string_equal(a.text, "Merhaba");
	assert_true(a.doc.present);
	assert_string_equal(a.doc.filename, "cv.pdf");
	assert_string_equal(a.doc.content_type, "application/pdf");
	assert_int_equal(a.doc.len, 13);
	assert_memory_equal(a.doc.data, "%PDF\0\r\nbinary", 13);
	assert_string_equal(res.csrf, "t0k");
	assert_null(res.typed[13]);   /* files are not redisplayed */
}

static void multipart_file_rules(void **state)
{
	struct all a;
	struct nl_spec_result res;
	nl_buf b = NL_BUF_INIT;
	(void)state;
	/* too large */
	nl_buf_puts(&b, "--XyZ\r\nContent-Disposition: form-data; name=\"doc\"; filename=\"a.png\"\r\n"
	                "Content-Type: image/png\r\n\r\n");
	for (int i = 0; i < 1001; i++)
		nl_buf_putc(&b, 'x');
	nl_buf_puts(&b, "\r\n--XyZ--\r\n");
	assert_int_equal(mp(MP, b.data, b.len, &a, &res), NL_ERR_INVALID);
	assert_string_equal(code_of(&res, "doc"), "file_too_large");
	assert_false(a.doc.present);

	/* wrong type */
	static const char wrong_type[] =
		"--XyZ\r\nContent-Disposition: form-data; name=\"doc\"; filename=\"a.exe\"\r\n"
		"Content-Type: application/x-msdownload\r\n\r\nMZ\r\n--XyZ--";
	assert_int_equal(mp(MP, wrong_type, sizeof wrong_type - 1, &a, &res), NL_ERR_INVALID);
	assert_string_equal(code_of(&res, "doc"), "file_type");

	/* no type at all: application/octet-stream, not accepted either */
	static const char no_type[] =
		"--XyZ\r\nContent-Disposition: form-data; name=\"doc\"; filename=\"a\"\r\n\r\nMZ\r\n"
		"--XyZ--";
	assert_int_equal(mp(MP, no_type, sizeof no_type - 1, &a, &res), NL_ERR_INVALID);
	assert_string_equal(code_of(&res, "doc"), "file_type");

	/* a file input left empty: absent, not an error */
	static const char empty_file[] =
		"--XyZ\r\nContent-Disposition: form-data; name=\"doc\"; filename=\"\"\r\n"
		"Content-Type: application/octet-stream\r\n\r\n\r\n--XyZ--\r\n";
	assert_int_equal(mp(MP, empty_file, sizeof empty_file - 1, &a, &res), NL_OK);
	assert_false(a.doc.present);

	/* a file sent for a text field */
	static const char file_for_text[] =
		"--XyZ\r\nContent-Disposition: form-data; name=\"text\"; filename=\"t.txt\"\r\n\r\nab\r\n"
		"--XyZ--";
	assert_int_equal(mp(MP, file_for_text, sizeof file_for_text - 1, &a, &res), NL_ERR_INVALID);
	assert_string_equal(code_of(&res, "text"), "invalid_type");

	/* NUL in a text part */
	static const char nul_text[] =
		"--XyZ\r\nContent-Disposition: form-data; name=\"text\"\r\n\r\na\0b\r\n--XyZ--";
	assert_int_equal(mp(MP, nul_text, sizeof nul_text - 1, &a, &res), NL_ERR_INVALID);
	assert_string_equal(code_of(&res, "text"), "control_char");

	/* same field in two parts */
	static const char dup[] =
		"--XyZ\r\nContent-Disposition: form-data; name=\"text\"\r\n\r\nab\r\n"
		"--XyZ\r\nContent-Disposition: form-data; name=\"text\"\r\n\r\ncd\r\n--XyZ--";
	assert_int_equal(mp(MP, dup, sizeof dup - 1, &a, &res), NL_ERR_INVALID);
	assert_string_equal(code_of(&res, "text"), "duplicate_field");
	nl_buf_free(&b);
}

static void multipart_broken(void **state)
{
	struct all a;
	struct nl_spec_result res;
	(void)state;
	static const struct {
		const char *ct, *body;
	} rows[] = {
		/* no boundary parameter, or an empty or over-long one */
		{"multipart/form-data", "--XyZ\r\n\r\n--XyZ--"},
		{"multipart/form-data; boundary=", "--\r\n--"},
		{"multipart/form-data; boundary=\"unterminated", "--x"},
		{"multipart/form-data; boundary=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
		 "--a"},
		/* boundary never appears */
		{MP, "just some text"},
		/* last part never closed */
		{MP, "--XyZ\r\nContent-Disposition: form-data; name=\"text\"\r\n\r\nabc"},
		/* wrong boundary inside */
		{MP, "--XyZ\r\nContent-Disposition: form-data; name=\"text\"\r\n\r\nabc\r\n--Other--"},
		/* headers never end */
		{MP, "--XyZ\r\nContent-Disposition: form-data; name=\"text\"\r\nabc\r\n--XyZ--"},
		/* bare LF after the delimiter */
		{MP, "--XyZ\nContent-Disposition: form-data; name=\"text\"\r\n\r\nabc\r\n--XyZ--"},
		/* part without a name, or not form-data, or a header line without colon */
		{MP, "--XyZ\r\nContent-Disposition: form-data\r\n\r\nabc\r\n--XyZ--"},
		{MP, "--XyZ\r\nContent-Disposition: attachment; name=\"text\"\r\n\r\nabc\r\n--XyZ--"},
		{MP, "--XyZ\r\nContent-Type: text/plain\r\n\r\nabc\r\n--XyZ--"},
		{MP, "--XyZ\r\nbroken header\r\n\r\nabc\r\n--XyZ--"},
		{MP, "--XyZ\r\nContent-Disposition: form-data; name=\"te\r\n\r\nabc\r\n--XyZ--"},
		/* empty body */
		{MP, ""},
	};
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		nl_err rc = mp(rows[i].ct, rows[i].body, strlen(rows[i].body), &a, &res);
		const char *got = code_of(&res, NULL);
		if (rc != NL_ERR_INVALID || !got || strcmp(got, "malformed_body") != 0)
			fail_msg("row %zu: rc %d code %s", i, rc, got ? got : "(none)");
	}
}

static void multipart_limits(void **state)
{
	struct all a;
	struct nl_spec_result res;
	nl_buf b = NL_BUF_INIT;
	(void)state;
	/* more parts than any form may have */
	for (int i = 0; i < NL_SPEC_MAX_FIELDS + 1; i++)
		nl_buf_printf(&b, "--XyZ\r\nContent-Disposition: form-data; name=\"f%d\"\r\n\r\nv\r\n", i);
	nl_buf_puts(&b, "--XyZ--");
	assert_int_equal(mp(MP, b.data, b.len, &a, &res), NL_ERR_INVALID);
	assert_string_equal(code_of(&res, NULL), "too_many_fields");

	/* a part's header block over the limit */
	nl_buf_reset(&b);
	nl_buf_puts(&b, "--XyZ\r\nContent-Disposition: form-data; name=\"text\"\r\nX-Pad: ");
	for (unsigned i = 0; i < NL_SPEC_MAX_PART_HEAD; i++)
		nl_buf_putc(&b, 'p');
	nl_buf_puts(&b, "\r\n\r\nab\r\n--XyZ--");
	assert_int_equal(mp(MP, b.data, b.len, &a, &res), NL_ERR_INVALID);
	assert_string_equal(code_of(&res, NULL), "malformed_body");
	nl_buf_free(&b);
}

/* ---- JSON ---- */

static void json_valid_types(void **state)
{
	struct all a;
	struct nl_spec_result res;
	(void)state;
	assert_int_equal(parse(all_spec, JSON,
		"{\"text\":\" hello \",\"count\":5,\"backup\":true,\"reason\":\"lost\","
		"\"id\":\"10000000146\",\"birth\":\"1990-01-31\",\"email\":null}", &a, &res), NL_OK);
	assert_string_equal(a.text, "hello");
	assert_int_equal(a.count, 5);
	assert_true(a.backup);
	assert_int_equal(a.reason, 2);
	assert_int_equal(a.id.kind, NL_ID_TCKN);
	assert_string_equal(a.id.number, "10000000146");
	assert_int_equal(a.birth.day, 31);
	assert_null(a.email);
}

/* ID_TEXT and ENUM_VALUE bind straight into a use case's input: the number
 * as text, a code as its C enum (index + 1; 0 when absent or refused). */
enum colour { COLOUR_NONE = 0, COLOUR_RED, COLOUR_GREEN };
struct domain_input {
	const char *id_number;
	enum colour colour;
};
static const char *const colours[] = {"red", "green", NULL};
static const struct nl_spec domain_spec[] = {
	NL_SPEC_ID_TEXT("id", struct domain_input, id_number, 0),
	NL_SPEC_ENUM_VALUE("colour", struct domain_input, colour, colours, 0),
	NL_SPEC_END
};

static void domain_binding(void **state)
{
	struct domain_input in;
	struct nl_spec_result res;
	(void)state;
	assert_int_equal(parse(domain_spec, FORM, "id=10000000146&colour=green", &in, &res), NL_OK);
	assert_string_equal(in.id_number, "10000000146");
	assert_int_equal(in.colour, COLOUR_GREEN);
	assert_int_equal(parse(domain_spec, JSON, "{\"id\":\"u1234567\",\"colour\":\"red\"}", &in,
	                       &res), NL_OK);
	assert_string_equal(in.id_number, "U1234567");   /* a passport, upper-cased */
	assert_int_equal(in.colour, COLOUR_RED);
	assert_int_equal(parse(domain_spec, FORM, "", &in, &res), NL_OK);
	assert_null(in.id_number);
	assert_int_equal(in.colour, COLOUR_NONE);
	/* The same codes as ID_NUMBER and ENUM; a refused field stays absent. */
	assert_int_equal(parse(domain_spec, FORM, "id=10000000147&colour=blue", &in, &res),
	                 NL_ERR_INVALID);
	assert_string_equal(code_of(&res, "id"), "tckn_checksum");
	assert_string_equal(code_of(&res, "colour"), "not_allowed");
	assert_null(in.id_number);
	assert_int_equal(in.colour, COLOUR_NONE);
	assert_int_equal(parse(domain_spec, FORM, "id=123", &in, &res), NL_ERR_INVALID);
	assert_string_equal(code_of(&res, "id"), "tckn_length");
}

static void json_type_errors(void **state)
{
	(void)state;
	static const struct {
		const char *body, *field, *code;
	} rows[] = {
		{"{\"count\":\"5\"}", "count", "invalid_type"},
		{"{\"count\":5.5}", "count", "invalid_type"},
		{"{\"count\":50}", "count", "out_of_range"},
		{"{\"backup\":\"true\"}", "backup", "invalid_type"},
		{"{\"backup\":1}", "backup", "invalid_type"},
		{"{\"text\":12}", "text", "invalid_type"},
		{"{\"text\":[\"ab\"]}", "text", "invalid_type"},
		{"{\"text\":{\"a\":1}}", "text", "invalid_type"},
		{"{\"text\":\"a\\u0001b\"}", "text", "control_char"},
		{"{\"doc\":\"x\"}", "doc", "invalid_type"},
		{"{\"csrf\":\"x\"}", "csrf", "unknown_field"},
		{"{\"nosuch\":1}", "nosuch", "unknown_field"},
		{"{\"tckn\":\"12345678901\"}", "tckn", "tckn_checksum"},
		{"[1,2]", NULL, "not_object"},
		{"\"text\"", NULL, "not_object"},
		{"null", NULL, "not_object"},
		{"{\"text\":", NULL, "invalid_json"},
		{"", NULL, "invalid_json"},
		{"{\"text\":\"a\\u0000b\"}", NULL, "invalid_json"},
		{"{\"text\":\"ab\",\"text\":\"cd\"}", NULL, "duplicate_field"},
		{"{\"text\":\"\xff\xfe\"}", NULL, "invalid_utf8"},
	};
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		struct all a;
		struct nl_spec_result res;
		nl_err rc = parse(all_spec, JSON, rows[i].body, &a, &res);
		const char *got = code_of(&res, rows[i].field);
		if (rc != NL_ERR_INVALID || !got || strcmp(got, rows[i].code) != 0)
			fail_msg("row %zu (%s): rc %d code %s want %s", i, rows[i].body, rc,
			         got ? got : "(none)", rows[i].code);
	}
	/* null counts as absent: a required field reports "required" */
	struct req r;
	struct nl_spec_result res;
	assert_int_equal(parse(req_spec, JSON, "{\"tckn\":null,\"name\":\"Ali\",\"accept\":false}",
	                       &r, &res), NL_ERR_INVALID);
	assert_string_equal(code_of(&res, "tckn"), "required");
	assert_string_equal(code_of(&res, "accept"), "required");
}

/* ---- error renderings ---- */

static void errors_json_shape(void **state)
{
	struct all a;
	struct nl_spec_result res;
	(void)state;
	assert_int_equal(parse(all_spec, FORM, "tckn=12345678901&tckn=1&count=x&zzz=1", &a, &res),
	                 NL_ERR_INVALID);
	json_t *j = nl_spec_errors_json(all_spec, &res, "en");
	assert_non_null(j);
	json_t *e = json_object_get(j, "error");
	assert_string_equal(json_string_value(json_object_get(e, "code")), "invalid_input");
	assert_non_null(json_string_value(json_object_get(e, "message")));
	json_t *f = json_object_get(e, "fields");
	assert_string_equal(json_string_value(json_object_get(json_object_get(f, "tckn"), "code")),
	                    "duplicate_field");
	assert_string_equal(json_string_value(json_object_get(json_object_get(f, "count"), "code")),
	                    "not_integer");
	assert_string_equal(json_string_value(json_object_get(json_object_get(f, "count"), "message")),
	                    "Enter a whole number.");
	assert_string_equal(json_string_value(json_object_get(json_object_get(f, "zzz"), "code")),
	                    "unknown_field");
	assert_null(json_object_get(e, "body"));
	json_decref(j);

	assert_int_equal(parse(all_spec, JSON, "[]", &a, &res), NL_ERR_INVALID);
	j = nl_spec_errors_json(all_spec, &res, "en");
	e = json_object_get(j, "error");
	assert_string_equal(json_string_value(json_object_get(json_object_get(e, "body"), "code")),
	                    "not_object");
	assert_int_equal(json_object_size(json_object_get(e, "fields")), 0);
	json_decref(j);
}

static void form_json_for_templates(void **state)
{
	struct all a;
	struct nl_spec_result res;
	(void)state;
	assert_int_equal(parse(all_spec, FORM, "text=%3Cb%3E&password=abc&email=x", &a, &res),
	                 NL_ERR_INVALID);
	json_t *j = nl_spec_form_json(all_spec, &res, "en");
	assert_non_null(j);
	assert_true(json_is_true(json_object_get(j, "has_errors")));
	json_t *values = json_object_get(j, "values");
	assert_string_equal(json_string_value(json_object_get(values, "text")), "<b>");
	assert_null(json_object_get(values, "password"));   /* secret: never redisplayed */
	json_t *errors = json_object_get(j, "errors");
	assert_string_equal(json_string_value(json_object_get(json_object_get(errors, "email"),
	                                                      "code")), "email_format");
	assert_string_equal(json_string_value(json_object_get(json_object_get(errors, "password"),
	                                                      "code")), "too_short");
	assert_int_equal(json_array_size(json_object_get(j, "error_list")), 2);
	json_decref(j);
	assert_string_equal(nl_field_msgid("no_such_code"), "This value is not valid.");
}

int main(void)
{
	cmocka_set_message_output(CM_OUTPUT_TAP);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(form_all_valid, setup, teardown),
		cmocka_unit_test_setup_teardown(form_absent_values, setup, teardown),
		cmocka_unit_test_setup_teardown(form_invalid_each_kind, setup, teardown),
		cmocka_unit_test_setup_teardown(form_bad_field_name_code, setup, teardown),
		cmocka_unit_test_setup_teardown(form_required_and_csrf, setup, teardown),
		cmocka_unit_test_setup_teardown(form_bad_encoding_and_media_type, setup, teardown),
		cmocka_unit_test_setup_teardown(limits_too_many_fields, setup, teardown),
		cmocka_unit_test_setup_teardown(query_and_pairs, setup, teardown),
		cmocka_unit_test_setup_teardown(multipart_with_file, setup, teardown),
		cmocka_unit_test_setup_teardown(multipart_file_rules, setup, teardown),
		cmocka_unit_test_setup_teardown(multipart_broken, setup, teardown),
		cmocka_unit_test_setup_teardown(multipart_limits, setup, teardown),
		cmocka_unit_test_setup_teardown(json_valid_types, setup, teardown),
		cmocka_unit_test_setup_teardown(json_type_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(domain_binding, setup, teardown),
		cmocka_unit_test_setup_teardown(errors_json_shape, setup, teardown),
		cmocka_unit_test_setup_teardown(form_json_for_templates, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
