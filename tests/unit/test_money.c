/* Money formatting, parsing and VAT rounding in kuruş. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "core/money.h"
#include "reason.h"

static void check_format(int64_t k, const char *want)
{
	char out[NL_MONEY_FMT_MAX];
	nl_money_format(k, out);
	assert_string_equal(out, want);
}

static void format(void **state)
{
	char out[NL_MONEY_FMT_MAX];
	(void)state;
	check_format(0, "0,00 TL");
	check_format(5, "0,05 TL");
	check_format(99, "0,99 TL");
	check_format(100, "1,00 TL");
	check_format(123456, "1.234,56 TL");
	check_format(100000000, "1.000.000,00 TL");
	check_format(99999900, "999.999,00 TL");
	check_format(-500, "-5,00 TL");
	check_format(-123456, "-1.234,56 TL");
	check_format(NL_MONEY_MAX, "1.000.000.000.000,00 TL");
	check_format(-NL_MONEY_MAX, "-1.000.000.000.000,00 TL");
	check_format(NL_MONEY_MAX + 1, "?");
	check_format(INT64_MIN, "?");
	nl_money_format_plain(123456, out);
	assert_string_equal(out, "1.234,56");
}

static void check_parse(const char *s, int64_t want)
{
	int64_t k = -1;
	assert_reason(nl_money_parse(s, &k), NULL);
	assert_int_equal(k, want);
}

static void parse(void **state)
{
	int64_t k = 7;
	(void)state;
	check_parse("1234,56", 123456);
	check_parse("1.234,56", 123456);
	check_parse("1234", 123400);
	check_parse("1234,5", 123450);
	check_parse("0,99", 99);
	check_parse("0,05", 5);
	check_parse("1.234.567,00 TL", 123456700);
	check_parse("12.345", 1234500);
	check_parse("1000000000000", NL_MONEY_MAX);
	static const char *bad[] = {
		"1234,567", "1234,", ",50", "12,3,4", "1.23,00", "1234.56", "12.34.567",
		".123", "1..234", "-5", "+5", "1 234", "abc", "12a", "1234.", "TL", " TL",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_reason(nl_money_parse(bad[i], &k), "money_format");
	assert_reason(nl_money_parse("1000000000000,01", &k), "money_range");
	assert_reason(nl_money_parse("99999999999999999999", &k), "money_range");
	assert_reason(nl_money_parse("", &k), "required");
	assert_int_equal(k, 7);
}

static void vat(void **state)
{
	int64_t v, net;
	(void)state;
	assert_int_equal(nl_vat_of_net(10000, 2000, &v), NL_OK);
	assert_int_equal(v, 2000);                 /* 100,00 TL × 20 % */
	assert_int_equal(nl_vat_of_net(1, 2000, &v), NL_OK);
	assert_int_equal(v, 0);                    /* 0,2 kuruş rounds down */
	assert_int_equal(nl_vat_of_net(3, 2000, &v), NL_OK);
	assert_int_equal(v, 1);                    /* 0,6 rounds up */
	assert_int_equal(nl_vat_of_net(25, 2000, &v), NL_OK);
	assert_int_equal(v, 5);
	assert_int_equal(nl_vat_of_net(50, 100, &v), NL_OK);
	assert_int_equal(v, 1);                    /* exactly 0,5: half up */
	assert_int_equal(nl_vat_of_net(49, 100, &v), NL_OK);
	assert_int_equal(v, 0);
	assert_int_equal(nl_vat_of_net(-50, 100, &v), NL_OK);
	assert_int_equal(v, -1);                   /* refunds: half away from zero */
	assert_int_equal(nl_vat_of_net(12345, 1800, &v), NL_OK);
	assert_int_equal(v, 2222);                 /* 2222,1 */
	assert_int_equal(nl_vat_of_net(NL_MONEY_MAX, 10000, &v), NL_OK);
	assert_int_equal(v, NL_MONEY_MAX);
	assert_int_equal(nl_vat_of_net(NL_MONEY_MAX + 1, 2000, &v), NL_ERR_INVALID);
	assert_int_equal(nl_vat_of_net(100, -1, &v), NL_ERR_INVALID);
	assert_int_equal(nl_vat_of_net(100, 10001, &v), NL_ERR_INVALID);

	assert_int_equal(nl_vat_split_gross(12000, 2000, &net, &v), NL_OK);
	assert_int_equal(net, 10000);
	assert_int_equal(v, 2000);
	assert_int_equal(nl_vat_split_gross(99, 2000, &net, &v), NL_OK);
	assert_int_equal(net, 83);                 /* 82,5 rounds up */
	assert_int_equal(v, 16);
	for (int64_t g = 0; g < 5000; g += 7) {
		assert_int_equal(nl_vat_split_gross(g, 2000, &net, &v), NL_OK);
		assert_int_equal(net + v, g);
	}
	assert_int_equal(nl_vat_split_gross(100, 20000, &net, &v), NL_ERR_INVALID);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(format),
		cmocka_unit_test(parse),
		cmocka_unit_test(vat),
	};
	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests_name("money", tests, NULL, NULL);
}
