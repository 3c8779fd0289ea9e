/* Order statuses, reasons, payment types and the full transition matrix. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "core/order.h"

/* An independent copy of SPEC §7–§8, written as the list of allowed pairs: the
 * test walks all 8 × 8 pairs (plus invalid values) and checks each against it. */
static const struct { enum nl_order_status from, to; } expected_allowed[] = {
	{ NL_ST_FORM_PAYMENT_WAIT, NL_ST_PAYMENT_WAIT },
	{ NL_ST_FORM_PAYMENT_WAIT, NL_ST_FORM_WAIT },
	{ NL_ST_FORM_PAYMENT_WAIT, NL_ST_CANCELLED },
	{ NL_ST_FORM_WAIT, NL_ST_PRODUCTION_WAIT },
	{ NL_ST_FORM_WAIT, NL_ST_CANCELLED },
	{ NL_ST_PAYMENT_WAIT, NL_ST_PRODUCTION_WAIT },
	{ NL_ST_PAYMENT_WAIT, NL_ST_CANCELLED },
	{ NL_ST_PRODUCTION_WAIT, NL_ST_PRODUCED },
	{ NL_ST_PRODUCTION_WAIT, NL_ST_CANCELLED },
	{ NL_ST_PRODUCED, NL_ST_SHIPPED },
	{ NL_ST_SHIPPED, NL_ST_DELIVERED },
};

static bool expected(int from, int to)
{
	for (size_t i = 0; i < sizeof expected_allowed / sizeof expected_allowed[0]; i++)
		if ((int)expected_allowed[i].from == from && (int)expected_allowed[i].to == to)
			return true;
	return false;
}

static void transition_matrix(void **state)
{
	int allowed = 0, refused = 0;
	(void)state;
	/* 0 and LAST+1 are invalid statuses: every pair with them must be refused. */
	for (int from = 0; from <= NL_ST__LAST + 1; from++) {
		for (int to = 0; to <= NL_ST__LAST + 1; to++) {
			bool got = nl_order_transition_allowed((enum nl_order_status)from,
			                                       (enum nl_order_status)to);
			if (got != expected(from, to))
				fail_msg("transition %d -> %d: got %d, expected %d", from, to, got,
				         expected(from, to));
			got ? allowed++ : refused++;
		}
	}
	assert_int_equal(allowed, 11);
	assert_int_equal(refused, 10 * 10 - 11);
}

static void final_statuses_have_no_exit(void **state)
{
	(void)state;
	for (int to = NL_ST__FIRST; to <= NL_ST__LAST; to++) {
		assert_false(nl_order_transition_allowed(NL_ST_DELIVERED, (enum nl_order_status)to));
		assert_false(nl_order_transition_allowed(NL_ST_CANCELLED, (enum nl_order_status)to));
		assert_false(nl_order_transition_allowed((enum nl_order_status)to,
		                                         (enum nl_order_status)to));
	}
	assert_false(nl_order_status_is_open(NL_ST_DELIVERED));
	assert_false(nl_order_status_is_open(NL_ST_CANCELLED));
	assert_true(nl_order_status_is_open(NL_ST_SHIPPED));
	assert_true(nl_order_status_is_open(NL_ST_FORM_WAIT));
	assert_false(nl_order_status_is_open((enum nl_order_status)0));
}

static void status_codes_and_labels(void **state)
{
	(void)state;
	assert_string_equal(nl_order_status_code(NL_ST_FORM_PAYMENT_WAIT), "form_payment_wait");
	assert_string_equal(nl_order_status_label_tr(NL_ST_CANCELLED), "İptal Edildi");
	assert_string_equal(nl_order_status_label_tr(NL_ST_FORM_PAYMENT_WAIT),
	                    "Başvuru Formu ve Ödeme Bekleniyor");
	assert_string_equal(nl_order_status_label_tr(NL_ST_SHIPPED), "Kargoya Verildi");
	assert_null(nl_order_status_code((enum nl_order_status)0));
	assert_null(nl_order_status_label_en((enum nl_order_status)99));
	assert_null(nl_order_status_help_tr((enum nl_order_status)-1));
	for (int s = NL_ST__FIRST; s <= NL_ST__LAST; s++) {
		enum nl_order_status back;
		const char *code = nl_order_status_code((enum nl_order_status)s);
		assert_non_null(code);
		assert_true(nl_order_status_parse(code, &back));
		assert_int_equal(back, s);
		assert_non_null(nl_order_status_label_en((enum nl_order_status)s));
		assert_true(strlen(nl_order_status_help_tr((enum nl_order_status)s)) > 40);
		assert_true(strlen(nl_order_status_help_en((enum nl_order_status)s)) > 40);
	}
	enum nl_order_status dummy = NL_ST_FORM_WAIT;
	assert_false(nl_order_status_parse("FORM_WAIT", &dummy));
	assert_false(nl_order_status_parse("", &dummy));
	assert_false(nl_order_status_parse(NULL, &dummy));
	assert_int_equal(dummy, NL_ST_FORM_WAIT);
	assert_non_null(strstr(nl_order_status_help_tr(NL_ST_PRODUCTION_WAIT), "2 ay kala"));
}

static void initial_status(void **state)
{
	(void)state;
	assert_int_equal(nl_order_initial_status(NL_PAY_INSTITUTION), NL_ST_FORM_WAIT);
	assert_int_equal(nl_order_initial_status(NL_PAY_PERSON), NL_ST_FORM_PAYMENT_WAIT);
}

static void reasons_and_payment_types(void **state)
{
	enum nl_reason r;
	enum nl_payment_type p;
	(void)state;
	for (int i = NL_REASON__FIRST; i <= NL_REASON__LAST; i++) {
		assert_true(nl_reason_parse(nl_reason_code((enum nl_reason)i), &r));
		assert_int_equal(r, i);
		assert_non_null(nl_reason_label_tr((enum nl_reason)i));
		assert_non_null(nl_reason_label_en((enum nl_reason)i));
	}
	assert_string_equal(nl_reason_label_tr(NL_REASON_PIN_LOST), "PIN/PUK Kayıp/Çalıntı");
	assert_string_equal(nl_reason_code(NL_REASON_HW_FAILURE), "hardware_failure");
	assert_null(nl_reason_code((enum nl_reason)0));
	assert_false(nl_reason_parse("renew", &r));
	assert_true(nl_payment_type_parse("person", &p));
	assert_int_equal(p, NL_PAY_PERSON);
	assert_true(nl_payment_type_parse("institution", &p));
	assert_int_equal(p, NL_PAY_INSTITUTION);
	assert_false(nl_payment_type_parse("bank", &p));
	assert_string_equal(nl_payment_type_label_tr(NL_PAY_INSTITUTION), "Kurum Ödemeli");
	assert_string_equal(nl_payment_type_label_tr(NL_PAY_PERSON), "Kişi Ödemeli");
	assert_null(nl_payment_type_code((enum nl_payment_type)3));
	assert_non_null(nl_payment_type_label_en(NL_PAY_PERSON));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(transition_matrix),
		cmocka_unit_test(final_statuses_have_no_exit),
		cmocka_unit_test(status_codes_and_labels),
		cmocka_unit_test(initial_status),
		cmocka_unit_test(reasons_and_payment_types),
	};
	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests_name("order", tests, NULL, NULL);
}
