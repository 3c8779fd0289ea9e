/* Phones, postal codes and e-mail addresses. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "core/validate.h"
#include "reason.h"

static void mobile_forms(void **state)
{
	static const char *inputs[] = {
		"5321234567", "05321234567", "0 532 123 45 67", "+90 532 123 45 67",
		"+905321234567", "905321234567", "0090 532 123 4567", "0532-123-45-67",
		"(0532) 123 45 67", "532.123.45.67",
	};
	char out[11];
	(void)state;
	for (size_t i = 0; i < sizeof inputs / sizeof inputs[0]; i++) {
		memset(out, 'x', sizeof out);
		assert_reason(nl_valid_mobile(inputs[i], out), NULL);
		assert_string_equal(out, "5321234567");
	}
}

static void mobile_refused(void **state)
{
	char out[11] = "unchanged!";
	(void)state;
	assert_reason(nl_valid_mobile("3121234567", out), "mobile_format");     /* landline */
	assert_reason(nl_valid_mobile("532123456", out), "mobile_format");      /* 9 digits */
	assert_reason(nl_valid_mobile("53212345678", out), "mobile_format");    /* 11, no 0 */
	assert_reason(nl_valid_mobile("+49 532 123 45 67", out), "mobile_format");
	assert_reason(nl_valid_mobile("+9 0532 1234567", out), "mobile_format");
	assert_reason(nl_valid_mobile("0532 123 45 6a", out), "mobile_format");
	assert_reason(nl_valid_mobile("0532/1234567", out), "mobile_format");
	assert_reason(nl_valid_mobile("00532 123 45 67", out), "mobile_format");
	assert_reason(nl_valid_mobile("1234567890123456789012345678901234567890", out),
	              "mobile_format");
	assert_reason(nl_valid_mobile("", out), "required");
	assert_string_equal(out, "unchanged!");
}

static void landline_and_phone(void **state)
{
	char out[11];
	(void)state;
	assert_reason(nl_valid_landline("0312 123 45 67", out), NULL);
	assert_string_equal(out, "3121234567");
	assert_reason(nl_valid_landline("+90 212 555 00 00", out), NULL);
	assert_string_equal(out, "2125550000");
	assert_reason(nl_valid_landline("0462 000 00 00", out), NULL);
	assert_reason(nl_valid_landline("0850 123 45 67", out), NULL);
	assert_reason(nl_valid_landline("0532 123 45 67", out), "phone_format");
	assert_reason(nl_valid_landline("0800 123 45 67", out), "phone_format");
	assert_reason(nl_valid_landline("0123 123 45 67", out), "phone_format");
	assert_reason(nl_valid_phone("0532 123 45 67", out), NULL);
	assert_reason(nl_valid_phone("0312 123 45 67", out), NULL);
	assert_reason(nl_valid_phone("0612 123 45 67", out), "phone_format");
	assert_reason(nl_valid_phone(NULL, out), "required");
}

static void postal_codes(void **state)
{
	(void)state;
	assert_reason(nl_valid_postal_code("01000"), NULL);
	assert_reason(nl_valid_postal_code("06100"), NULL);
	assert_reason(nl_valid_postal_code("34000"), NULL);
	assert_reason(nl_valid_postal_code("41470"), NULL);
	assert_reason(nl_valid_postal_code("81999"), NULL);
	assert_reason(nl_valid_postal_code("00999"), "postal_province");
	assert_reason(nl_valid_postal_code("82000"), "postal_province");
	assert_reason(nl_valid_postal_code("99999"), "postal_province");
	assert_reason(nl_valid_postal_code("3400"), "postal_format");
	assert_reason(nl_valid_postal_code("340000"), "postal_format");
	assert_reason(nl_valid_postal_code("34 00"), "postal_format");
	assert_reason(nl_valid_postal_code("3400a"), "postal_format");
	assert_reason(nl_valid_postal_code(""), "required");
}

static void email_accepted(void **state)
{
	static const char *ok[] = {
		"ayse@example.com", "a.b-c+tag@sub.example.com.tr", "x@y.io", "o'neil@kamu.gov.tr",
		"UPPER@EXAMPLE.ORG", "a_b@x-y.example", "1@2.tr",
	};
	(void)state;
	for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
		assert_reason(nl_valid_email(ok[i]), NULL);
}

static void email_refused(void **state)
{
	static const char *bad[] = {
		"ayse", "ayse@", "@example.com", "a@@example.com", "a@b@example.com",
		"ayse@example", "ayse@example.c", "ayse@example.c0m", "ayse @example.com",
		"ayse@exa mple.com", ".ayse@example.com", "ayse.@example.com", "ay..se@example.com",
		"ayse@-example.com", "ayse@example-.com", "ayse@example..com", "ayse@.example.com",
		"ayse@example.com.", "ayşe@example.com", "ayse@örnek.com", "ay\tse@example.com",
		"ay\"se@example.com", "ayse@ex_ample.com", "a(b)@example.com",
	};
	char local[80], longdom[300];
	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_reason(nl_valid_email(bad[i]), "email_format");
	assert_reason(nl_valid_email(""), "required");
	/* local part: 64 is fine, 65 is not */
	memset(local, 'a', 64);
	strcpy(local + 64, "@example.com");
	assert_reason(nl_valid_email(local), NULL);
	memset(local, 'a', 65);
	strcpy(local + 65, "@example.com");
	assert_reason(nl_valid_email(local), "email_format");
	/* a 64-character label is too long */
	memset(longdom, 'b', sizeof longdom);
	memcpy(longdom, "a@", 2);
	strcpy(longdom + 2 + 64, ".com");
	assert_reason(nl_valid_email(longdom), "email_format");
	/* total over 254 */
	memset(longdom, 'c', 260);
	longdom[0] = 'a'; longdom[1] = '@';
	for (int i = 50; i < 260; i += 50)
		longdom[i] = '.';
	strcpy(longdom + 255, ".com");
	assert_reason(nl_valid_email(longdom), "email_length");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(mobile_forms),
		cmocka_unit_test(mobile_refused),
		cmocka_unit_test(landline_and_phone),
		cmocka_unit_test(postal_codes),
		cmocka_unit_test(email_accepted),
		cmocka_unit_test(email_refused),
	};
	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests_name("validate_contact", tests, NULL, NULL);
}
