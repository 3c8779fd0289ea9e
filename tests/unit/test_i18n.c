/* Translations: our .po reader (entries, escapes, multi-line strings, fuzzy and
 * untranslated entries, contexts, plurals, syntax errors with file:line), the
 * fallbacks, the shipped catalogues, and the choice of the page language. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "view/i18n.h"
#include "view/spec.h"

static NL_MUST_USE nl_err load(const char *lang, const char *text, nl_buf *err)
{
	return nl_i18n_load_text(lang, "test.po", text, strlen(text), err);
}

static void po_reader(void **state)
{
	(void)state;
	const char *po =
		"# translator comment\n"
		"msgid \"\"\n"
		"msgstr \"\"\n"
		"\"Content-Type: text/plain; charset=UTF-8\\n\"\n"
		"\n"
		"#: src/x.c:1\n"
		"msgid \"Hello\"\n"
		"msgstr \"Merhaba\"\n"
		"\n"
		"msgid \"\"\n"
		"\"Two \"\n"
		"\"lines\"\n"
		"msgstr \"\"\n"
		"\"İki \"\n"
		"\"satır\"\n"
		"\n"
		"msgid \"Quote \\\"x\\\"\\tand\\\\ newline\\n\"\n"
		"msgstr \"Tırnak \\\"x\\\"\\tve\\\\ satır\\n\"\n"
		"\n"
		"#, fuzzy\n"
		"msgid \"Fuzzy\"\n"
		"msgstr \"Belirsiz\"\n"
		"\n"
		"msgid \"Untranslated\"\n"
		"msgstr \"\"\n"
		"\n"
		"msgctxt \"menu\"\n"
		"msgid \"Open\"\n"
		"msgstr \"Aç\"\n"
		"\n"
		"msgid \"Open\"\n"
		"msgstr \"Açık\"\n"
		"\n"
		"msgid \"%d file\"\n"
		"msgid_plural \"%d files\"\n"
		"msgstr[0] \"%d dosya\"\n"
		"msgstr[1] \"%d dosya\"\n"
		"\r\n"
		"msgid \"CRLF\"\r\n"
		"msgstr \"CRLF satır\"\r\n";
	nl_buf err = NL_BUF_INIT;
	assert_int_equal(load("tr", po, &err), NL_OK);
	assert_string_equal(nl_i18n_get("tr", "Hello"), "Merhaba");
	assert_string_equal(nl_i18n_get("tr", "Two lines"), "İki satır");
	assert_string_equal(nl_i18n_get("tr", "Quote \"x\"\tand\\ newline\n"),
	                    "Tırnak \"x\"\tve\\ satır\n");
	/* fuzzy and untranslated entries fall back to the msgid */
	const char *fuzzy = "Fuzzy", *untranslated = "Untranslated";
	assert_ptr_equal(nl_i18n_get("tr", fuzzy), fuzzy);
	assert_ptr_equal(nl_i18n_get("tr", untranslated), untranslated);
	/* contexts are separate keys */
	assert_string_equal(nl_i18n_pget("tr", "menu", "Open"), "Aç");
	assert_string_equal(nl_i18n_get("tr", "Open"), "Açık");
	assert_string_equal(nl_i18n_pget("tr", NULL, "Open"), "Açık");
	assert_string_equal(nl_i18n_pget("tr", "other", "Open"), "Open");
	/* plurals: the singular form */
	assert_string_equal(nl_i18n_get("tr", "%d file"), "%d dosya");
	assert_string_equal(nl_i18n_get("tr", "CRLF"), "CRLF satır");
	assert_int_equal(nl_i18n_count("tr"), 7);
	nl_buf_free(&err);
	nl_i18n_free();
	assert_int_equal(nl_i18n_count("tr"), 0);
}

static void po_syntax_errors(void **state)
{
	(void)state;
	static const struct {
		const char *text, *want;
	} rows[] = {
		{"msgid \"a\"\nmsgstr \"b\"\nbogus \"c\"\n", "test.po:3: unknown keyword"},
		{"msgid \"a\nmsgstr \"b\"\n", "test.po:1: bad string literal"},
		{"msgid \"a\" x\nmsgstr \"b\"\n", "test.po:1: bad string literal"},
		{"msgid \"a\\q\"\nmsgstr \"b\"\n", "test.po:1: bad string literal"},
		{"msgstr \"b\"\n", "test.po:1: msgstr without msgid"},
		{"\"loose\"\n", "test.po:1: string outside of an entry"},
		{"msgid \"a\"\nmsgid \"b\"\n", "test.po:2: msgid without msgstr"},
		{"msgid \"a\"\n", "test.po:1: msgid without msgstr at end of file"},
		{"msgid \"a\"\nmsgstr \"b\"\nmsgstr \"c\"\n", "test.po:3: msgstr without msgid"},
		{"msgid_plural \"a\"\n", "test.po:1: msgid_plural without msgid"},
	};
	nl_buf err = NL_BUF_INIT;
	/* a good catalogue first: a failed load must leave it in place */
	assert_int_equal(load("tr", "msgid \"Yes\"\nmsgstr \"Evet\"\n", NULL), NL_OK);
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		nl_buf_reset(&err);
		nl_err rc = load("tr", rows[i].text, &err);
		if (rc != NL_ERR_CONFIG || !err.data || strcmp(err.data, rows[i].want) != 0)
			fail_msg("row %zu: rc %d, \"%s\", want \"%s\"", i, rc, err.data ? err.data : "",
			         rows[i].want);
	}
	assert_string_equal(nl_i18n_get("tr", "Yes"), "Evet");
	nl_buf_reset(&err);
	assert_int_equal(load("de", "", &err), NL_ERR_CONFIG);
	assert_int_equal(nl_i18n_load_dir("/nonexistent-dir", &err), NL_ERR_CONFIG);
	nl_buf_free(&err);
	nl_i18n_free();
}

static void fallbacks(void **state)
{
	(void)state;
	const char *id = "Not translated anywhere";
	assert_ptr_equal(nl_i18n_get("tr", id), id);   /* nothing loaded */
	assert_int_equal(load("tr", "msgid \"Yes\"\nmsgstr \"Evet\"\n", NULL), NL_OK);
	assert_ptr_equal(nl_i18n_get("tr", id), id);
	assert_string_equal(nl_i18n_get("en", "Yes"), "Yes");
	assert_string_equal(nl_i18n_get("de", "Yes"), "Yes");
	assert_string_equal(nl_i18n_get(NULL, "Yes"), "Yes");
	assert_null(nl_i18n_get("tr", NULL));
	nl_i18n_free();
}

/* The compiled catalogues the build installs (po/meson.build: msgfmt) give
 * what the .po sources give: as many translations, the same texts. */
static void compiled_catalogues_match_sources(void **state)
{
	(void)state;
	nl_buf err = NL_BUF_INIT;
	const char *langs[] = {"tr", "en"};
	size_t count[2];
	char *texts[2][NL_ERR__COUNT];
	if (nl_i18n_load_dir(NL_SOURCE_ROOT "/po", &err) != NL_OK)
		fail_msg("%s", err.data);
	for (int l = 0; l < 2; l++) {
		count[l] = nl_i18n_count(langs[l]);
		for (int e = 0; e < NL_ERR__COUNT; e++)
			texts[l][e] = strdup(nl_i18n_err(langs[l], (nl_err)e));
	}
	if (nl_i18n_load_dir(NL_BUILD_PO, &err) != NL_OK)
		fail_msg("%s", err.data);
	for (int l = 0; l < 2; l++) {
		assert_true(count[l] > 50);
		assert_int_equal(nl_i18n_count(langs[l]), count[l]);
		for (int e = 0; e < NL_ERR__COUNT; e++) {
			assert_string_equal(nl_i18n_err(langs[l], (nl_err)e), texts[l][e]);
			free(texts[l][e]);
		}
	}
	nl_i18n_free();
	nl_buf_free(&err);
}

/* A .mo file that is not one, or whose tables point outside it, is refused
 * with its name and why, and leaves the catalogue loaded before. */
static void bad_mo_refused(void **state)
{
	(void)state;
	nl_buf err = NL_BUF_INIT;
	const char po[] = "msgid \"Yes\"\nmsgstr \"Evet\"\n";
	assert_int_equal(nl_i18n_load_text("tr", "t.po", po, sizeof po - 1, &err), NL_OK);
	assert_int_equal(nl_i18n_load_mo("tr", "x.mo", "hello", 5, &err), NL_ERR_CONFIG);
	assert_non_null(strstr(err.data, "x.mo: too short"));
	nl_buf_reset(&err);
	uint8_t bad[28] = {0xde, 0x12, 0x04, 0x95, 0, 0, 0, 0, 1, 0, 0, 0, 28, 0, 0, 0, 200, 0, 0, 0};
	assert_int_equal(nl_i18n_load_mo("tr", "y.mo", bad, sizeof bad, &err), NL_ERR_CONFIG);
	assert_non_null(strstr(err.data, "y.mo: a string lies outside the file"));
	nl_buf_reset(&err);
	uint8_t magic[28] = {1, 2, 3, 4};
	assert_int_equal(nl_i18n_load_mo("tr", "z.mo", magic, sizeof magic, &err), NL_ERR_CONFIG);
	assert_non_null(strstr(err.data, "bad magic"));
	assert_string_equal(nl_i18n_get("tr", "Yes"), "Evet");
	nl_i18n_free();
	nl_buf_free(&err);
}

/* Every message a user can see from the core error table and the field specs
 * has a Turkish translation in po/tr.po, and en.po has the same entries. */
static void shipped_catalogues(void **state)
{
	(void)state;
	nl_buf err = NL_BUF_INIT;
	if (nl_i18n_load_dir(NL_SOURCE_ROOT "/po", &err) != NL_OK)
		fail_msg("%s", err.data);
	assert_true(nl_i18n_count("tr") > 50);
	assert_int_equal(nl_i18n_count("tr"), nl_i18n_count("en"));
	for (int e = 0; e < NL_ERR__COUNT; e++) {
		const char *id = nl_err_info((nl_err)e)->msgid;
		if (nl_i18n_err("tr", (nl_err)e) == id)
			fail_msg("err.c message not translated: %s", id);
	}
	/* every code of the one field-message table (core/field_msg.h), and the
	 * generic message of an unknown one */
	const char *code;
	for (size_t i = 0; (code = nl_field_code_at(i)) != NULL; i++) {
		const char *id = nl_field_msgid(code);
		if (nl_i18n_get("tr", id) == id)
			fail_msg("field message not translated: %s (%s)", id, code);
	}
	const char *generic = nl_field_msgid("some_unknown_code");
	if (nl_i18n_get("tr", generic) == generic)
		fail_msg("field message not translated: %s", generic);
	assert_string_equal(nl_i18n_get("tr", "Online Services"), "Online İşlemler");
	assert_string_equal(nl_i18n_get("tr", "Application Form Login"), "Başvuru Formu Girişi");
	assert_string_equal(nl_i18n_get("en", "Online Services"), "Online Services");
	nl_buf_free(&err);
	nl_i18n_free();
}

static void choose_language(void **state)
{
	(void)state;
	bool set = true;
	assert_string_equal(nl_i18n_choose(NULL, NULL, NULL, &set), "tr");
	assert_false(set);
	assert_string_equal(nl_i18n_choose("en", "tr", "tr", &set), "en");
	assert_true(set);
	assert_string_equal(nl_i18n_choose("xx", "en", "tr", &set), "en");   /* bad query: cookie */
	assert_false(set);
	assert_string_equal(nl_i18n_choose(NULL, "EN", "en", &set), "en");   /* cookie "EN" unknown */
	assert_string_equal(nl_i18n_choose(NULL, NULL, "en-US,en;q=0.9,tr;q=0.8", NULL), "en");
	assert_string_equal(nl_i18n_choose(NULL, NULL, "tr;q=0.5, en;q=0.8", NULL), "en");
	assert_string_equal(nl_i18n_choose(NULL, NULL, "de-DE, fr;q=0.9", NULL), "tr");
	assert_string_equal(nl_i18n_choose(NULL, NULL, "en;q=0", NULL), "tr");
	assert_string_equal(nl_i18n_choose(NULL, NULL, "EN-gb", NULL), "en");
	assert_string_equal(nl_i18n_choose(NULL, NULL, "en;q=0.5,tr", NULL), "tr");
	assert_string_equal(nl_i18n_choose(NULL, NULL, "*", NULL), "tr");
	assert_string_equal(nl_i18n_choose(NULL, NULL, ";;;q=,,,", NULL), "tr");
	assert_null(nl_i18n_accept_language("de"));
	assert_true(nl_i18n_supported("tr"));
	assert_false(nl_i18n_supported("TR"));
	assert_false(nl_i18n_supported(NULL));
}

int main(void)
{
	cmocka_set_message_output(CM_OUTPUT_TAP);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(po_reader),
		cmocka_unit_test(po_syntax_errors),
		cmocka_unit_test(fallbacks),
		cmocka_unit_test(shipped_catalogues),
		cmocka_unit_test(compiled_catalogues_match_sources),
		cmocka_unit_test(bad_mo_refused),
		cmocka_unit_test(choose_language),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
