/* UTF-8 edge cases, control characters, lengths in characters, person names. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "core/utf8.h"
#include "core/validate.h"
#include "reason.h"

static void utf8_decode_valid(void **state)
{
	uint32_t cp;
	(void)state;
	assert_int_equal(nl_utf8_decode("A", 1, &cp), 1);
	assert_int_equal(cp, 'A');
	assert_int_equal(nl_utf8_decode("\xc2\x80", 2, &cp), 2);          /* U+0080, smallest 2-byte */
	assert_int_equal(cp, 0x80);
	assert_int_equal(nl_utf8_decode("ş", 2, &cp), 2);
	assert_int_equal(cp, 0x15f);
	assert_int_equal(nl_utf8_decode("\xe0\xa0\x80", 3, &cp), 3);      /* U+0800 */
	assert_int_equal(cp, 0x800);
	assert_int_equal(nl_utf8_decode("\xed\x9f\xbf", 3, &cp), 3);      /* U+D7FF */
	assert_int_equal(nl_utf8_decode("\xee\x80\x80", 3, &cp), 3);      /* U+E000 */
	assert_int_equal(nl_utf8_decode("\xef\xbf\xbf", 3, &cp), 3);      /* U+FFFF */
	assert_int_equal(nl_utf8_decode("\xf0\x90\x80\x80", 4, &cp), 4);  /* U+10000 */
	assert_int_equal(nl_utf8_decode("\xf4\x8f\xbf\xbf", 4, &cp), 4);  /* U+10FFFF */
	assert_int_equal(cp, 0x10ffff);
}

static void utf8_decode_invalid(void **state)
{
	static const char *bad[] = {
		"\x80", "\xbf",                      /* lone continuation bytes */
		"\xc0\xaf", "\xc1\xbf",              /* overlong 2-byte */
		"\xe0\x80\xaf", "\xe0\x9f\xbf",      /* overlong 3-byte */
		"\xf0\x80\x80\xaf", "\xf0\x8f\xbf\xbf", /* overlong 4-byte */
		"\xed\xa0\x80", "\xed\xbf\xbf",      /* surrogates U+D800, U+DFFF */
		"\xf4\x90\x80\x80",                  /* U+110000 */
		"\xf5\x80\x80\x80", "\xff", "\xfe",  /* never valid */
		"\xc3", "\xe2\x82", "\xf0\x9f\x98",  /* truncated */
		"\xc3\x28", "\xe2\x28\xa1",          /* bad continuation */
	};
	uint32_t cp;
	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		if (nl_utf8_decode(bad[i], strlen(bad[i]), &cp) != 0)
			fail_msg("bad sequence %zu decoded", i);
		assert_false(nl_utf8_valid(bad[i], strlen(bad[i])));
		assert_reason(nl_valid_text(bad[i], 0, 100, true), "utf8");
	}
	assert_int_equal(nl_utf8_decode("", 0, &cp), 0);
}

/* Shortening never ends inside a letter (a cut 'ş' is invalid UTF-8). */
static void utf8_prefix_boundary(void **state)
{
	(void)state;
	assert_int_equal(nl_utf8_prefix("abc", 10), 3);
	assert_int_equal(nl_utf8_prefix("abc", 2), 2);
	assert_int_equal(nl_utf8_prefix("aş", 2), 1);          /* ş is 2 bytes */
	assert_int_equal(nl_utf8_prefix("aş", 3), 3);
	assert_int_equal(nl_utf8_prefix("a\xe2\x82\xac", 3), 1);  /* € is 3 bytes */
	assert_int_equal(nl_utf8_prefix("\xf0\x9f\x98\x80x", 3), 0);
	assert_int_equal(nl_utf8_prefix("", 5), 0);
	assert_int_equal(nl_utf8_prefix("ab", 0), 0);
}

static void utf8_encode_roundtrip(void **state)
{
	static const uint32_t cps[] = { 0, 0x7f, 0x80, 0x7ff, 0x800, 0xd7ff, 0xe000, 0xffff,
	                                0x10000, 0x10ffff, 0x130, 0x131 };
	char buf[4];
	uint32_t back;
	(void)state;
	for (size_t i = 0; i < sizeof cps / sizeof cps[0]; i++) {
		size_t n = nl_utf8_encode(cps[i], buf);
		assert_true(n >= 1 && n <= 4);
		assert_int_equal(nl_utf8_decode(buf, n, &back), n);
		assert_int_equal(back, cps[i]);
	}
	assert_int_equal(nl_utf8_encode(0xd800, buf), 0);
	assert_int_equal(nl_utf8_encode(0x110000, buf), 0);
	assert_int_equal(nl_utf8_count("Iğdır", strlen("Iğdır")), 5);
	assert_int_equal(nl_utf8_count("\xc3", 1), (size_t)-1);
}

static void text_controls(void **state)
{
	(void)state;
	assert_reason(nl_valid_text("Çankaya Mah. 12/3", 1, 100, false), NULL);
	assert_reason(nl_valid_text("line1\nline2\ttab\r\n", 1, 100, true), NULL);
	assert_reason(nl_valid_text("line1\nline2", 1, 100, false), "control_char");
	assert_reason(nl_valid_text("tab\there", 1, 100, false), "control_char");
	assert_reason(nl_valid_text("bell\a", 1, 100, true), "control_char");
	assert_reason(nl_valid_text("esc\x1b[31m", 1, 100, true), "control_char");
	assert_reason(nl_valid_text("del\x7f", 1, 100, true), "control_char");
	assert_reason(nl_valid_text("c1\xc2\x85", 1, 100, true), "control_char");   /* U+0085 NEL */
	assert_reason(nl_valid_text("<script>alert(1)</script>", 1, 100, false), NULL);
	assert_reason(nl_valid_text("", 1, 100, false), "required");
	assert_reason(nl_valid_text("", 0, 100, false), NULL);
	assert_reason(nl_valid_text(NULL, 0, 100, false), NULL);
}

/* Lengths count code points: 10 Turkish letters are 10 characters though more bytes. */
static void text_length_in_characters(void **state)
{
	const char *s = "ĞğŞşİıÖöÜü";   /* 10 characters, 20 bytes */
	(void)state;
	assert_int_equal(strlen(s), 20);
	assert_reason(nl_valid_text(s, 1, 10, false), NULL);
	assert_reason(nl_valid_text(s, 1, 9, false), "too_long");
	assert_reason(nl_valid_text(s, 11, 20, false), "too_short");
	assert_reason(nl_valid_text("😀😀", 1, 2, false), NULL);
	assert_reason(nl_valid_text("😀😀😀", 1, 2, false), "too_long");
}

static void person_names(void **state)
{
	static const char *ok[] = {
		"Ayşe", "İsmail Hakkı", "ÇAĞLAR", "Işıl", "Gülşen Nur", "O'Brien", "Ali-Rıza",
		"Mehmet A.", "Zoë", "Łukasz", "François", "Şükrü", "Yusuf’un",
	};
	static const char *bad[] = {
		" Ayşe", "Ayşe ", "Ayşe  Nur", "-Ali", "'Ali", "Ali3", "Ali_Veli", "Ali<b>",
		"Ali\tVeli", "Ali;", "Ali/Veli", "Ali×Veli", "Алексей", "李",
	};
	(void)state;
	for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
		assert_reason(nl_valid_person_name(ok[i], 50), NULL);
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		const char *r = nl_valid_person_name(bad[i], 50);
		if (!r || (strcmp(r, "name_chars") != 0 && strcmp(r, "control_char") != 0))
			fail_msg("name \"%s\": got %s", bad[i], r ? r : "OK");
	}
	assert_reason(nl_valid_person_name("", 50), "required");
	assert_reason(nl_valid_person_name("Abcdefghij", 9), "too_long");
	assert_reason(nl_valid_person_name("Ab\xc3", 50), "utf8");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(utf8_decode_valid),
		cmocka_unit_test(utf8_decode_invalid),
		cmocka_unit_test(utf8_encode_roundtrip),
		cmocka_unit_test(utf8_prefix_boundary),
		cmocka_unit_test(text_controls),
		cmocka_unit_test(text_length_in_characters),
		cmocka_unit_test(person_names),
	};
	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests_name("validate_text", tests, NULL, NULL);
}
