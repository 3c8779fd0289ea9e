/* Unit tests of the CSV reader (src/app/csv.c), the pre-application rules and
 * CSV rows (src/app/preapply.c, preapply_csv.c) and the access-password mail
 * rendering (src/app/notify_access.c). Pure: no database. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "app/csv.h"
#include "app/notify_access.h"
#include "app/preapply.h"
#include "app/preapply_csv.h"

static struct nl_csv parse_ok(const char *text, char sep)
{
	struct nl_csv c;
	struct nl_csv_error err;
	nl_err e = nl_csv_parse(text, strlen(text), sep, 0, &c, &err);
	if (e)
		fail_msg("parse failed: %s at line %zu", err.code, err.line);
	return c;
}

static void csv_semicolon_detected(void **state)
{
	(void)state;
	struct nl_csv c = parse_ok("a;b,c;d\n1;2,5;3\n", 0);
	assert_int_equal(c.sep, ';');
	assert_int_equal(c.n, 2);
	assert_int_equal(c.rows[0].n, 3);
	assert_string_equal(c.rows[1].fields[1], "2,5");
	nl_csv_free(&c);
}

static void csv_comma_detected(void **state)
{
	(void)state;
	struct nl_csv c = parse_ok("a,b,c\r\n1,2,3\r\n", 0);
	assert_int_equal(c.sep, ',');
	assert_int_equal(c.rows[1].n, 3);
	assert_string_equal(c.rows[1].fields[2], "3");
	nl_csv_free(&c);
}

static void csv_quotes(void **state)
{
	(void)state;
	/* "" is a quote; separators and line breaks inside quotes are data. */
	struct nl_csv c = parse_ok("a;b;c\n\"x;y\";\"say \"\"hi\"\"\";\"two\nlines\"\nlast;;\n", ';');
	assert_int_equal(c.n, 3);
	assert_string_equal(c.rows[1].fields[0], "x;y");
	assert_string_equal(c.rows[1].fields[1], "say \"hi\"");
	assert_string_equal(c.rows[1].fields[2], "two\nlines");
	/* the record after a quoted line break starts on line 4 */
	assert_int_equal(c.rows[2].line, 4);
	assert_int_equal(c.rows[2].n, 3);
	assert_string_equal(c.rows[2].fields[1], "");
	assert_string_equal(c.rows[2].fields[2], "");
	nl_csv_free(&c);
}

static void csv_bom_and_turkish(void **state)
{
	(void)state;
	struct nl_csv c = parse_ok("\xEF\xBB\xBF" "ad;soyad\nIşıl;Çağlayan Öztürk\nİsmail;Ğüş\n", 0);
	assert_int_equal(c.n, 3);
	assert_string_equal(c.rows[0].fields[0], "ad");   /* the BOM is not part of the name */
	assert_string_equal(c.rows[1].fields[0], "Işıl");
	assert_string_equal(c.rows[1].fields[1], "Çağlayan Öztürk");
	assert_string_equal(c.rows[2].fields[1], "Ğüş");
	nl_csv_free(&c);
}

static void csv_blank_lines_skipped(void **state)
{
	(void)state;
	struct nl_csv c = parse_ok("a\n\n\r\nb\n\n", 0);
	assert_int_equal(c.n, 2);
	assert_int_equal(c.rows[1].line, 4);
	nl_csv_free(&c);
}

static void expect_error(const char *text, size_t len, const char *code, size_t line)
{
	struct nl_csv c;
	struct nl_csv_error err;
	nl_err e = nl_csv_parse(text, len, 0, 3, &c, &err);
	assert_int_not_equal(e, NL_OK);
	assert_string_equal(err.code, code);
	if (line)
		assert_int_equal(err.line, line);
	assert_null(c.rows);
}

static void csv_bad_files(void **state)
{
	(void)state;
	expect_error("a;b\n\"open;x\n", 12, "unterminated_quote", 2);
	expect_error("a;b\nx\"y;z\n", 10, "quote_in_field", 2);
	expect_error("a;b\n\"q\"x;z\n", 11, "quote_in_field", 2);
	expect_error("ad\nI\xFEIL\n", 8, "invalid_utf8", 2);   /* ISO-8859-9 "ş" */
	expect_error("a\0b\n", 4, "nul_byte", 0);
	expect_error("", 0, "empty", 0);
	expect_error("a\nb\nc\nd\n", 8, "too_many_rows", 4);
}

/* ---- pre-application rules ---- */

static void preapply_validate_good(void **state)
{
	(void)state;
	struct nl_preapply_input in = {
		.id_number = " 10000000146 ", .given_name = "Işıl", .surname = "Çağlayan-Öz",
		.email = "isil@example.org", .mobile = "+90 (532) 123 45 67",
		.reason = NL_REASON_RENEWAL, .payment_type = NL_PAY_PERSON, .backup_cert = true,
	};
	struct nl_preapply_clean c;
	struct nl_preapply_field_error errs[NL_PA_MAX_ERRORS];
	size_t n;
	assert_int_equal(nl_preapply_validate(&in, &c, errs, &n), NL_OK);
	assert_false(c.passport);
	assert_string_equal(c.id_number, "10000000146");
	assert_string_equal(c.mobile, "5321234567");
	assert_string_equal(c.surname, "Çağlayan-Öz");

	struct nl_preapply_input p = in;
	p.id_number = "x1234567";
	p.passport_country = "deu";
	assert_int_equal(nl_preapply_validate(&p, &c, errs, &n), NL_OK);
	assert_true(c.passport);
	assert_string_equal(c.id_number, "X1234567");
	assert_string_equal(c.passport_country, "DE");
}

static const char *err_of(const struct nl_preapply_field_error *errs, size_t n, const char *f)
{
	for (size_t i = 0; i < n; i++)
		if (errs[i].field && !strcmp(errs[i].field, f))
			return errs[i].code;
	return NULL;
}

static void preapply_validate_bad(void **state)
{
	(void)state;
	struct nl_preapply_input in = {
		.id_number = "10000000147", .given_name = "<b>x", .surname = "",
		.email = "a@b", .mobile = "212 123 45 67", .reason = 99, .payment_type = 0,
	};
	struct nl_preapply_clean c;
	struct nl_preapply_field_error errs[NL_PA_MAX_ERRORS];
	size_t n;
	assert_int_equal(nl_preapply_validate(&in, &c, errs, &n), NL_ERR_INVALID);
	assert_string_equal(err_of(errs, n, NL_PA_ID_NUMBER), "tckn_checksum");
	assert_string_equal(err_of(errs, n, NL_PA_GIVEN), "name_chars");
	assert_string_equal(err_of(errs, n, NL_PA_SURNAME), "required");
	assert_string_equal(err_of(errs, n, NL_PA_EMAIL), "email_format");
	assert_string_equal(err_of(errs, n, NL_PA_MOBILE), "mobile_format");
	assert_string_equal(err_of(errs, n, NL_PA_REASON), "not_allowed");
	assert_string_equal(err_of(errs, n, NL_PA_PAYMENT), "required");

	in = (struct nl_preapply_input){
		.id_number = "AB12345", .given_name = "John", .surname = "Smith",
		.email = "j@example.org", .mobile = "5321234567", .reason = NL_REASON_FIRST,
		.payment_type = NL_PAY_INSTITUTION,
	};
	assert_int_equal(nl_preapply_validate(&in, &c, errs, &n), NL_ERR_INVALID);
	assert_string_equal(err_of(errs, n, NL_PA_COUNTRY), "required");
	in.passport_country = "XX";
	assert_int_equal(nl_preapply_validate(&in, &c, errs, &n), NL_ERR_INVALID);
	assert_string_equal(err_of(errs, n, NL_PA_COUNTRY), "country_unknown");
	in.id_number = "1234";   /* digits, too short for a passport: a T.C. number gone wrong */
	assert_int_equal(nl_preapply_validate(&in, &c, errs, &n), NL_ERR_INVALID);
	assert_string_equal(err_of(errs, n, NL_PA_ID_NUMBER), "tckn_length");
}

/* ---- CSV rows ---- */

static const char *bad_code(const struct nl_pa_csv *c, size_t line, const char *field)
{
	for (size_t i = 0; i < c->n_bad; i++)
		if (c->bad[i].line == line)
			return err_of(c->bad[i].errs, c->bad[i].n_errs, field);
	return NULL;
}

static void pa_csv_rows(void **state)
{
	(void)state;
	const char *file =
		"\xEF\xBB\xBF" "Kimlik_No;AD;soyad;e_posta;cep_telefonu;basvuru_nedeni;odeme_turu;yedek_sertifika;\r\n"
		"10000000146;Ayşe;Yılmaz;ayse@example.org;0532 123 45 67;İlk Sertifika;Kurum Ödemeli;hayır;\r\n"
		"10000000078;Işıl;Çelik;isil@example.org;5331234567;YENİLEME;kişi;evet;\r\n"
		"12345678901;Bad;Row;bad@example.org;5321234567;;;;\r\n"
		"10000000146;Ayşe;Yılmaz;ayse@example.org;5321234567;;;;\r\n"
		"10000000152;Ali;Can;ali@example.org;5321234567;uçmak;banka;belki;\r\n"
		"10000000160;Short;Row\r\n";
	struct nl_pa_csv c;
	assert_int_equal(nl_pa_csv_parse(file, strlen(file), &c), NL_OK);
	assert_null(c.file_error);
	assert_int_equal(c.n_good, 2);
	assert_int_equal(c.good[0].line, 2);
	assert_int_equal(c.good[0].row.reason, NL_REASON_FIRST);
	assert_int_equal(c.good[0].row.payment_type, NL_PAY_INSTITUTION);
	assert_false(c.good[0].row.backup_cert);
	assert_int_equal(c.good[1].row.reason, NL_REASON_RENEWAL);
	assert_int_equal(c.good[1].row.payment_type, NL_PAY_PERSON);
	assert_true(c.good[1].row.backup_cert);
	assert_string_equal(c.good[1].row.given_name, "Işıl");
	assert_int_equal(c.n_bad, 4);
	assert_string_equal(bad_code(&c, 4, NL_PA_ID_NUMBER), "tckn_checksum");
	assert_string_equal(bad_code(&c, 5, NL_PA_ID_NUMBER), "duplicate_in_file");
	assert_string_equal(bad_code(&c, 6, NL_PA_REASON), "not_allowed");
	assert_string_equal(bad_code(&c, 6, NL_PA_PAYMENT), "not_allowed");
	assert_string_equal(bad_code(&c, 6, NL_PA_BACKUP), "not_boolean");
	assert_string_equal(bad_code(&c, 7, NL_PA_EMAIL), "required");

	/* the good rows survive the trip through the stored JSON */
	char *json = nl_pa_rows_to_json(c.good, c.n_good);
	assert_non_null(json);
	struct nl_preapply_clean *rows;
	size_t *lines, n;
	assert_int_equal(nl_pa_rows_from_json(json, &rows, &lines, &n), NL_OK);
	assert_int_equal(n, 2);
	assert_int_equal(lines[1], 3);
	assert_string_equal(rows[1].surname, "Çelik");
	assert_int_equal(rows[1].payment_type, NL_PAY_PERSON);
	free(rows);
	free(lines);
	free(json);
	/* a tampered payload is refused, not imported */
	assert_int_equal(nl_pa_rows_from_json("[{\"line\":2}]", &rows, &lines, &n), NL_ERR_INVALID);
	nl_pa_csv_free(&c);
}

static void pa_csv_file_errors(void **state)
{
	(void)state;
	struct nl_pa_csv c;
	const char *missing = "id_number;given_name;surname;email\n10000000146;A;B;a@example.org\n";
	assert_int_equal(nl_pa_csv_parse(missing, strlen(missing), &c), NL_OK);
	assert_string_equal(c.file_error, "missing_column");
	assert_string_equal(c.file_error_column, "mobile");
	nl_pa_csv_free(&c);
	const char *unknown = "id_number;given_name;surname;email;mobile;shoe_size\n";
	assert_int_equal(nl_pa_csv_parse(unknown, strlen(unknown), &c), NL_OK);
	assert_string_equal(c.file_error, "unknown_column");
	assert_string_equal(c.file_error_column, "shoe_size");
	nl_pa_csv_free(&c);
	const char *header_only = "id_number,given_name,surname,email,mobile\n";
	assert_int_equal(nl_pa_csv_parse(header_only, strlen(header_only), &c), NL_OK);
	assert_string_equal(c.file_error, "no_rows");
	nl_pa_csv_free(&c);
	const char *latin5 = "id_number;given_name;surname;email;mobile\n1;I\xFEIL;X;a@b.org;5\n";
	assert_int_equal(nl_pa_csv_parse(latin5, strlen(latin5), &c), NL_OK);
	assert_string_equal(c.file_error, "invalid_utf8");
	assert_int_equal(c.file_error_line, 2);
	nl_pa_csv_free(&c);
}

/* A value or header cell too long for its buffer is no code or name at all:
 * shortened, "evet" + spaces + "hayır" used to read as "evet" (found with
 * tests/fuzz/fuzz_csv.c). */
static void pa_csv_long_cells(void **state)
{
	(void)state;
	char file[1024], pad[200];
	struct nl_pa_csv c;
	memset(pad, ' ', sizeof pad - 1);
	pad[sizeof pad - 1] = '\0';
	snprintf(file, sizeof file,
	         "id_number;given_name;surname;email;mobile;reason;payment_type;backup_cert\n"
	         "10000000146;Ayşe;Yılmaz;a@example.org;5321234567;renewal%sx;kurum%sx;evet%.40shayır\n",
	         pad, pad, pad);
	assert_int_equal(nl_pa_csv_parse(file, strlen(file), &c), NL_OK);
	assert_null(c.file_error);
	assert_int_equal(c.n_good, 0);
	assert_string_equal(bad_code(&c, 2, NL_PA_REASON), "not_allowed");
	assert_string_equal(bad_code(&c, 2, NL_PA_PAYMENT), "not_allowed");
	assert_string_equal(bad_code(&c, 2, NL_PA_BACKUP), "not_boolean");
	nl_pa_csv_free(&c);
	snprintf(file, sizeof file, "id_number;given_name;surname;email%.70sjunk;mobile\n"
	         "10000000146;Ayşe;Yılmaz;a@example.org;5321234567\n", pad);
	assert_int_equal(nl_pa_csv_parse(file, strlen(file), &c), NL_OK);
	assert_string_equal(c.file_error, "unknown_column");
	nl_pa_csv_free(&c);
	/* surrounding spaces alone, however many, are still ignored */
	snprintf(file, sizeof file, "id_number;given_name;surname;email%.70s;mobile;reason\n"
	         "10000000146;Ayşe;Yılmaz;a@example.org;5321234567;renewal%.150s\n", pad, pad);
	assert_int_equal(nl_pa_csv_parse(file, strlen(file), &c), NL_OK);
	assert_null(c.file_error);
	assert_int_equal(c.n_good, 1);
	assert_int_equal(c.good[0].row.reason, NL_REASON_RENEWAL);
	nl_pa_csv_free(&c);
}

/* ---- the access-password mail ---- */

static void access_mail_render(void **state)
{
	(void)state;
	struct nl_access_tmpl t;
	assert_int_equal(nl_access_tmpl_load(NL_SOURCE_ROOT "/web", &t), NL_OK);
	struct nl_access_mail m = {
		.to = "x@example.org", .given_name = "Ayşe <b>", .surname = "O'Brien",
		.order_no = 100042, .password = "Ab3dE5fG7h", .base_url = "https://ca.example.org/",
	};
	nl_buf text = NL_BUF_INIT, html = NL_BUF_INIT;
	assert_int_equal(nl_access_mail_render(&t, &m, &text, &html), NL_OK);
	assert_non_null(strstr(text.data, "5070 sayılı Elektronik İmza Kanunu"));
	assert_non_null(strstr(text.data, "https://ca.example.org/giris/form"));
	assert_non_null(strstr(text.data, "Ab3dE5fG7h"));
	assert_non_null(strstr(text.data, "SD-100042"));
	assert_non_null(strstr(text.data, "Ayşe <b> O'Brien"));   /* text is not escaped */
	assert_null(strstr(text.data, "{{"));
	assert_non_null(strstr(html.data, "Ayşe &lt;b&gt; O&#39;Brien"));
	assert_null(strstr(html.data, "<b>"));
	assert_non_null(strstr(html.data, "href=\"https://ca.example.org/giris/form\""));
	nl_buf_free(&text);
	nl_buf_free(&html);
	/* a passport holder reads it in English (issue 13 item 6) */
	m.english = true;
	assert_int_equal(nl_access_mail_render(&t, &m, &text, &html), NL_OK);
	assert_non_null(strstr(text.data, "Dear Ayşe <b> O'Brien"));
	assert_non_null(strstr(text.data, "Electronic Signature Law No. 5070"));
	assert_non_null(strstr(text.data, "Ab3dE5fG7h"));
	assert_null(strstr(text.data, "Sayın"));
	assert_non_null(strstr(html.data, "lang=\"en\""));
	nl_buf_free(&text);
	nl_buf_free(&html);
	m.english = false;
	/* an unknown placeholder is an error, not a silent blank */
	static const char typo[] = "Sayın {{given_nmae}}";
	assert_int_equal(nl_tmpl_add(t.set, "mail/access_password.txt", typo, strlen(typo), NULL), NL_OK);
	assert_int_equal(nl_access_mail_render(&t, &m, &text, &html), NL_ERR_INVALID);
	nl_buf_free(&text);
	nl_buf_free(&html);
	nl_access_tmpl_free(&t);
}

int main(void)
{
	cmocka_set_message_output(CM_OUTPUT_TAP);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(csv_semicolon_detected),
		cmocka_unit_test(csv_comma_detected),
		cmocka_unit_test(csv_quotes),
		cmocka_unit_test(csv_bom_and_turkish),
		cmocka_unit_test(csv_blank_lines_skipped),
		cmocka_unit_test(csv_bad_files),
		cmocka_unit_test(preapply_validate_good),
		cmocka_unit_test(preapply_validate_bad),
		cmocka_unit_test(pa_csv_rows),
		cmocka_unit_test(pa_csv_file_errors),
		cmocka_unit_test(pa_csv_long_cells),
		cmocka_unit_test(access_mail_render),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
