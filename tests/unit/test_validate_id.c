/* T.C. Kimlik No, passport numbers, countries and ETSI semantics identifiers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "core/validate.h"
#include "reason.h"


/* Valid numbers, computed with the algorithm by hand (and by a separate script). */
static const char *valid_tckn[] = {
	"10000000146", "12345678950", "98765432150", "11111111110", "55555555550",
	"90000000032", "19999999936", "10404040496", "10101010150",
	"19090909018",   /* (odd*7 - even) = -29: C's % gives -9, the check digit is 1 */
	"10909090996",
};

static void tckn_valid(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof valid_tckn / sizeof valid_tckn[0]; i++)
		assert_reason(nl_valid_tckn(valid_tckn[i]), NULL);
}

/* Every single-digit change of a valid number must break a check digit or the
 * leading-digit rule: the checksum catches all single substitutions. */
static void tckn_single_digit_changes(void **state)
{
	(void)state;
	for (size_t v = 0; v < sizeof valid_tckn / sizeof valid_tckn[0]; v++) {
		for (int pos = 0; pos < 11; pos++) {
			for (char c = '0'; c <= '9'; c++) {
				char s[12];
				memcpy(s, valid_tckn[v], 12);
				if (s[pos] == c)
					continue;
				s[pos] = c;
				const char *r = nl_valid_tckn(s);
				if (!r)
					fail_msg("%s accepted", s);
			}
		}
	}
}

static void tckn_invalid(void **state)
{
	(void)state;
	assert_reason(nl_valid_tckn("10000000147"), "tckn_checksum");   /* 11th wrong */
	assert_reason(nl_valid_tckn("10000000136"), "tckn_checksum");   /* 10th wrong */
	assert_reason(nl_valid_tckn("19090909098"), "tckn_checksum");   /* the negative case, 10th = 9 */
	assert_reason(nl_valid_tckn("12345678901"), "tckn_checksum");
	assert_reason(nl_valid_tckn("00000000000"), "tckn_leading_zero");
	assert_reason(nl_valid_tckn("01234567890"), "tckn_leading_zero");
	assert_reason(nl_valid_tckn("1000000014"), "tckn_length");
	assert_reason(nl_valid_tckn("100000001460"), "tckn_length");
	assert_reason(nl_valid_tckn("1000000014a"), "tckn_digits");
	assert_reason(nl_valid_tckn(" 10000000146"), "tckn_digits");
	assert_reason(nl_valid_tckn("10000000146 "), "tckn_digits");
	assert_reason(nl_valid_tckn("1000000014\xd9\xa6"), "tckn_digits");  /* Arabic-Indic 6 */
	assert_reason(nl_valid_tckn("-1000000014"), "tckn_digits");
	assert_reason(nl_valid_tckn(""), "required");
	assert_reason(nl_valid_tckn(NULL), "required");
}

static void passport(void **state)
{
	char out[NL_PASSPORT_MAX + 1];
	(void)state;
	assert_reason(nl_valid_passport("u12345678", out), NULL);
	assert_string_equal(out, "U12345678");
	assert_reason(nl_valid_passport("AB123", out), NULL);
	assert_reason(nl_valid_passport("A1234567890123456789", out), NULL);   /* 20 */
	assert_reason(nl_valid_passport("A12345678901234567890", out), "passport_length");
	assert_reason(nl_valid_passport("AB12", out), "passport_length");
	assert_reason(nl_valid_passport("AB 1234", out), "passport_chars");
	assert_reason(nl_valid_passport("AB-1234", out), "passport_chars");
	assert_reason(nl_valid_passport("ÜB12345", out), "passport_chars");
	assert_reason(nl_valid_passport("", out), "required");
}

static void country(void **state)
{
	char cc[3];
	(void)state;
	assert_reason(nl_valid_country("TR", cc), NULL);
	assert_string_equal(cc, "TR");
	assert_reason(nl_valid_country("deu", cc), NULL);
	assert_string_equal(cc, "DE");
	assert_reason(nl_valid_country("GBR", cc), NULL);
	assert_string_equal(cc, "GB");
	assert_reason(nl_valid_country("zw", cc), NULL);
	assert_string_equal(cc, "ZW");
	assert_reason(nl_valid_country("AD", cc), NULL);
	assert_reason(nl_valid_country("XX", cc), "country_unknown");
	assert_reason(nl_valid_country("TUR1", cc), "country_unknown");
	assert_reason(nl_valid_country("T", cc), "country_unknown");
	assert_reason(nl_valid_country("T1", cc), "country_unknown");
	assert_reason(nl_valid_country("", cc), "required");
}

static void semantics_identifiers(void **state)
{
	char id[NL_SEMANTICS_ID_MAX + 1];
	(void)state;
	nl_semantics_id_tckn("10000000146", id);
	assert_string_equal(id, "PNOTR-10000000146");
	nl_semantics_id_passport("DE", "C01X00T47", id);
	assert_string_equal(id, "PASDE-C01X00T47");
	nl_semantics_id_passport("GB", "A1234567890123456789", id);
	assert_string_equal(id, "PASGB-A1234567890123456789");
}

static void all_digits(void **state)
{
	(void)state;
	assert_true(nl_all_digits("0"));
	assert_true(nl_all_digits("10000000146"));
	assert_false(nl_all_digits(NULL));
	assert_false(nl_all_digits(""));
	assert_false(nl_all_digits("12a"));
	assert_false(nl_all_digits(" 12"));
	assert_false(nl_all_digits("-1"));
	assert_false(nl_all_digits("\xd9\xa1"));   /* Arabic-Indic one: not ASCII */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(tckn_valid),
		cmocka_unit_test(tckn_single_digit_changes),
		cmocka_unit_test(tckn_invalid),
		cmocka_unit_test(passport),
		cmocka_unit_test(country),
		cmocka_unit_test(semantics_identifiers),
		cmocka_unit_test(all_digits),
	};
	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests_name("validate_id", tests, NULL, NULL);
}
