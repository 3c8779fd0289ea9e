/* The step-1 field rules of the application form (src/app/form.c): one valid
 * form, then every field made empty, too long, of the wrong pattern or
 * checksum, bad UTF-8, and the cross-field rules; and the identity masks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "app/form.h"
#include "core/field_msg.h"

static struct nl_form_input good(void)
{
	return (struct nl_form_input){
		.period = "2", .security_word = "Gizli2026", .security_word2 = "Gizli2026",
		.province = "6",
		.typed = {
			.card_reader = "mini", .publish = "no", .reason = "first",
			.email = "ayse.yilmaz@example.org", .mobile = "0532 123 45 67",
			.operator_name = "turkcell", .home_phone = "", .info_channel = "both",
			.inst_registry_no = "MEB-0001", .unit = "Bilgi İşlem Şubesi",
			.title = "Öğretmen", .work_phone = "(312) 222 33 44",
			.extension = "1234", .address_type = "institution",
			.address = "Atatürk Bulvarı No: 1 Kızılay", .district = "çankaya",
			.postal_code = "06420", .delivery_method = "courier",
		},
	};
}

/* The one code refused for field, failing the test if anything else was. */
static const char *only_issue(const struct nl_form_input *in, const char *field)
{
	struct nl_form_check chk;
	struct nl_form_values v;
	assert_false(nl_form_validate(in, &chk, &v));
	if (chk.n != 1 || strcmp(chk.issues[0].field, field) != 0) {
		for (size_t i = 0; i < chk.n; i++)
			print_message("# issue %s %s\n", chk.issues[i].field, chk.issues[i].code);
		fail_msg("expected exactly one issue on %s", field);
	}
	assert_non_null(chk.issues[0].msgid);
	return chk.issues[0].code;
}

static void test_valid_normalised(void **state)
{
	(void)state;
	struct nl_form_input in = good();
	struct nl_form_check chk;
	struct nl_form_values v;
	assert_true(nl_form_validate(&in, &chk, &v));
	assert_int_equal(chk.n, 0);
	assert_int_equal(v.form.period_years, 2);
	assert_string_equal(v.form.mobile, "5321234567");
	assert_string_equal(v.form.work_phone, "3122223344");
	assert_string_equal(v.form.district, "Çankaya");     /* official spelling */
	assert_int_equal(v.form.province, 6);
	assert_string_equal(v.form.reason, "first");
	assert_string_equal(v.form.home_phone, "");
	/* Only the entries: the use case adds the order and the hash. */
	assert_int_equal(v.form.order_id, 0);
	assert_null(v.form.security_word_hash);
}

static void test_every_required_field_empty(void **state)
{
	(void)state;
	struct nl_form_input in = {0};
	struct nl_form_check chk;
	struct nl_form_values v;
	assert_false(nl_form_validate(&in, &chk, &v));
	const char *required[] = {"period", "card_reader", "publish", "reason", "security_word",
	                          "email", "mobile", "operator", "info_channel", "unit", "title",
	                          "work_phone", "address_type", "address", "province", "district",
	                          "postal_code", "delivery_method"};
	size_t n = sizeof required / sizeof required[0];
	assert_int_equal(chk.n, n);
	for (size_t i = 0; i < n; i++) {
		bool found = false;
		for (size_t k = 0; k < chk.n; k++)
			if (!strcmp(chk.issues[k].field, required[i])) {
				assert_string_equal(chk.issues[k].code, "required");
				found = true;
			}
		assert_true(found);
	}
	/* Optional fields stay quiet when empty. */
	for (size_t k = 0; k < chk.n; k++) {
		assert_string_not_equal(chk.issues[k].field, "home_phone");
		assert_string_not_equal(chk.issues[k].field, "extension");
		assert_string_not_equal(chk.issues[k].field, "registry_no");
	}
}

static void test_choices(void **state)
{
	(void)state;
	struct nl_form_input in = good();
	in.period = "4";
	assert_string_equal(only_issue(&in, "period"), "not_allowed");
	in = good();
	in.typed.card_reader = "huge";
	assert_string_equal(only_issue(&in, "card_reader"), "not_allowed");
	in = good();
	in.typed.publish = "maybe";
	assert_string_equal(only_issue(&in, "publish"), "not_allowed");
	in = good();
	in.typed.reason = "Yenileme";
	assert_string_equal(only_issue(&in, "reason"), "not_allowed");
	in = good();
	in.typed.operator_name = "avea";
	assert_string_equal(only_issue(&in, "operator"), "not_allowed");
	in = good();
	in.typed.info_channel = "fax";
	assert_string_equal(only_issue(&in, "info_channel"), "not_allowed");
	in = good();
	in.typed.address_type = "office";
	assert_string_equal(only_issue(&in, "address_type"), "not_allowed");
	in = good();
	in.typed.delivery_method = "drone";
	assert_string_equal(only_issue(&in, "delivery_method"), "not_allowed");
}

static void test_security_word(void **state)
{
	(void)state;
	struct nl_form_input in = good();
	in.security_word = in.security_word2 = "kisa1";
	assert_string_equal(only_issue(&in, "security_word"), "security_word_rules");
	in.security_word = in.security_word2 = "sadeceharfler";
	assert_string_equal(only_issue(&in, "security_word"), "security_word_rules");
	in.security_word = in.security_word2 = "1234567890";
	assert_string_equal(only_issue(&in, "security_word"), "security_word_rules");
	in.security_word = in.security_word2 = "çokuzunbirgüvenliksözcüğü12345678901";
	assert_string_equal(only_issue(&in, "security_word"), "security_word_rules");
	in.security_word = "Gizli2026";
	in.security_word2 = "Gizli2027";
	assert_string_equal(only_issue(&in, "security_word2"), "security_word_mismatch");
	in.security_word2 = "";
	assert_string_equal(only_issue(&in, "security_word2"), "required");
	in.security_word = in.security_word2 = "Şifre2026ğü";   /* Turkish letters count */
	struct nl_form_check chk;
	struct nl_form_values v;
	assert_true(nl_form_validate(&in, &chk, &v));
}

static void test_contact(void **state)
{
	(void)state;
	struct nl_form_input in = good();
	in.typed.email = "ayse@";
	assert_string_equal(only_issue(&in, "email"), "email_format");
	in = good();
	in.typed.mobile = "0312 222 33 44";   /* a landline is not a mobile */
	assert_string_equal(only_issue(&in, "mobile"), "mobile_format");
	in = good();
	in.typed.mobile = "53212345";
	assert_string_equal(only_issue(&in, "mobile"), "mobile_format");
	in = good();
	in.typed.home_phone = "12345";
	assert_string_equal(only_issue(&in, "home_phone"), "phone_format");
	in = good();
	in.typed.work_phone = "abc";
	assert_string_equal(only_issue(&in, "work_phone"), "phone_format");
	in = good();
	in.typed.extension = "12a";
	assert_string_equal(only_issue(&in, "extension"), "extension_format");
	in.typed.extension = "1234567";
	assert_string_equal(only_issue(&in, "extension"), "extension_format");
}

static void test_text_fields(void **state)
{
	(void)state;
	char longer[256];
	memset(longer, 'a', 101);
	longer[101] = '\0';
	struct nl_form_input in = good();
	in.typed.unit = longer;
	assert_string_equal(only_issue(&in, "unit"), "too_long");
	in = good();
	in.typed.title = "x";
	assert_string_equal(only_issue(&in, "title"), "too_short");
	in = good();
	in.typed.unit = "Birim\xff\xfe";     /* bad UTF-8 */
	assert_string_equal(only_issue(&in, "unit"), "utf8");
	in = good();
	in.typed.title = "Öğr\x01";          /* control character */
	assert_string_equal(only_issue(&in, "title"), "control_char");
	in = good();
	in.typed.address = "kısa";
	assert_string_equal(only_issue(&in, "address"), "too_short");
	memset(longer, 'b', 251);
	longer[251] = '\0';
	in.typed.address = longer;
	assert_string_equal(only_issue(&in, "address"), "too_long");
	in = good();
	memset(longer, '7', 33);
	longer[33] = '\0';
	in.typed.inst_registry_no = longer;
	assert_string_equal(only_issue(&in, "registry_no"), "too_long");
	/* Script text is just text here: the page escapes it when shown back. */
	in = good();
	in.typed.unit = "<script>alert(1)</script>";
	struct nl_form_check chk;
	struct nl_form_values v;
	assert_true(nl_form_validate(&in, &chk, &v));
}

static void test_delivery(void **state)
{
	(void)state;
	struct nl_form_input in = good();
	in.province = "82";
	/* Unknown province: the district and postal checks cannot run against it. */
	assert_string_equal(only_issue(&in, "province"), "province_unknown");
	in.province = "6x";
	assert_string_equal(only_issue(&in, "province"), "province_unknown");
	in = good();
	in.typed.district = "Kadıköy";       /* in İstanbul, not Ankara */
	assert_string_equal(only_issue(&in, "district"), "district_province");
	in = good();
	in.province = "34";
	in.typed.district = "KADIKÖY";
	in.typed.postal_code = "34710";
	struct nl_form_check chk;
	struct nl_form_values v;
	assert_true(nl_form_validate(&in, &chk, &v));
	assert_string_equal(v.form.district, "Kadıköy");
	in.typed.postal_code = "06420";      /* an Ankara code for an İstanbul address */
	assert_string_equal(only_issue(&in, "postal_code"), "postal_other_province");
	in.typed.postal_code = "3471";
	assert_string_equal(only_issue(&in, "postal_code"), "postal_format");
	in.typed.postal_code = "99000";
	assert_string_equal(only_issue(&in, "postal_code"), "postal_province");
}

static void test_masks(void **state)
{
	(void)state;
	char out[64];
	nl_mask_id_number("64172043210", out, sizeof out);
	assert_string_equal(out, "64*******10");
	nl_mask_name("AYŞE", out, sizeof out);
	assert_string_equal(out, "A***");
	nl_mask_name("ŞÜKRÜ ÇAĞLAR", out, sizeof out);
	assert_string_equal(out, "Ş**** Ç*****");
	nl_mask_mobile("5321234567", out, sizeof out);
	assert_string_equal(out, "532 *** ** 67");
	nl_mask_mobile("12", out, sizeof out);
	assert_string_equal(out, "***");
	char tiny[3];
	nl_mask_name("ŞÜKRÜ", tiny, sizeof tiny);
	assert_string_equal(tiny, "Ş");                /* never a cut character */
	assert_string_equal(nl_field_msgid("district_province"),
	                    "This district is not in the chosen province.");
}

/* A draft keeps what was typed (no rules), the period and province as numbers
 * only when valid, and never the security word. */
static void test_draft_entries(void **state)
{
	(void)state;
	struct nl_form_input in = good();
	in.typed.security_word_hash = "must not pass";
	struct nl_form d;
	nl_form_draft_entries(&in, &d);
	assert_int_equal(d.period_years, 2);
	assert_int_equal(d.province, 6);
	assert_string_equal(d.mobile, "0532 123 45 67");   /* as typed, not normalised */
	assert_string_equal(d.district, "çankaya");
	assert_string_equal(d.unit, "Bilgi İşlem Şubesi");
	assert_null(d.security_word_hash);
	assert_null(d.strings);
	in.period = "4";
	in.province = "6x";
	in.typed.unit = NULL;
	nl_form_draft_entries(&in, &d);
	assert_int_equal(d.period_years, 0);
	assert_int_equal(d.province, 0);
	assert_null(d.unit);
	in.period = "12";
	in.province = "82";
	nl_form_draft_entries(&in, &d);
	assert_int_equal(d.period_years, 0);
	assert_int_equal(d.province, 0);
}

int main(void)
{
	cmocka_set_message_output(CM_OUTPUT_TAP);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid_normalised),
		cmocka_unit_test(test_every_required_field_empty),
		cmocka_unit_test(test_choices),
		cmocka_unit_test(test_security_word),
		cmocka_unit_test(test_contact),
		cmocka_unit_test(test_text_fields),
		cmocka_unit_test(test_delivery),
		cmocka_unit_test(test_masks),
		cmocka_unit_test(test_draft_entries),
	};
	return cmocka_run_group_tests_name("form_rules", tests, NULL, NULL);
}
