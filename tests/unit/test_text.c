/* Turkish case mapping, comparison, name equality and collation. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/text.h"

static void check_upper(const char *in, const char *want)
{
	char *got = nl_tr_upper(in);
	assert_non_null(got);
	assert_string_equal(got, want);
	free(got);
}

static void check_lower(const char *in, const char *want)
{
	char *got = nl_tr_lower(in);
	assert_non_null(got);
	assert_string_equal(got, want);
	free(got);
}

static void case_mapping(void **state)
{
	(void)state;
	check_upper("istanbul", "İSTANBUL");
	check_upper("ılgaz", "ILGAZ");
	check_upper("şeker ğ ü ö ç", "ŞEKER Ğ Ü Ö Ç");
	check_upper("Diyarbakır ığdır iğne", "DİYARBAKIR IĞDIR İĞNE");
	check_upper("çağrı 123 @!", "ÇAĞRI 123 @!");
	check_upper("zoë é ß ÿ", "ZOË É ß Ÿ");
	check_upper("łódź", "ŁÓDŹ");
	check_upper("", "");
	check_lower("IŞIK İnce", "ışık ince");
	check_lower("İSTANBUL", "istanbul");
	check_lower("ÇĞÖŞÜ", "çğöşü");
	check_lower("ŁÓDŹ Ÿ", "łódź ÿ");
	/* Every mapping of the Turkish alphabet round-trips. */
	const char *lower = "abcçdefgğhıijklmnoöprsştuüvyz";
	char *up = nl_tr_upper(lower);
	assert_string_equal(up, "ABCÇDEFGĞHIİJKLMNOÖPRSŞTUÜVYZ");
	char *back = nl_tr_lower(up);
	assert_string_equal(back, lower);
	free(up);
	free(back);
	assert_null(nl_tr_upper("bad\xff"));
	assert_null(nl_tr_lower("\xc3"));
	assert_int_equal(nl_tr_upper_cp('i'), 0x130);
	assert_int_equal(nl_tr_lower_cp('I'), 0x131);
}

static void casecmp(void **state)
{
	(void)state;
	assert_int_equal(nl_tr_casecmp("İstanbul", "istanbul"), 0);
	assert_int_equal(nl_tr_casecmp("ISPARTA", "ısparta"), 0);
	assert_int_equal(nl_tr_casecmp("IĞDIR", "Iğdır"), 0);
	assert_int_equal(nl_tr_casecmp("ŞIRNAK", "şırnak"), 0);
	assert_int_not_equal(nl_tr_casecmp("ISPARTA", "isparta"), 0);   /* I is not İ */
	assert_int_not_equal(nl_tr_casecmp("Istanbul", "İstanbul"), 0);
	assert_true(nl_tr_casecmp("ılık", "inek") < 0);      /* ı before i */
	assert_true(nl_tr_casecmp("Çorum", "Denizli") < 0);  /* Ç before D */
	assert_true(nl_tr_casecmp("Cide", "Çorum") < 0);
	assert_true(nl_tr_casecmp("Zonguldak", "Şanlıurfa") > 0);
	assert_true(nl_tr_casecmp("Ab", "Abc") < 0);
	assert_true(nl_tr_casecmp("hala", "hâla") < 0);   /* secondary only on a tie */
	assert_true(nl_tr_casecmp("hâla", "halb") < 0);
	assert_true(nl_tr_casecmp("Abc", "Ab") > 0);
	assert_true(nl_tr_casecmp("abc", "ab\xff") < 0);      /* invalid sorts last */
}

static void name_equality(void **state)
{
	(void)state;
	assert_true(nl_tr_name_equal("  ayşe   IŞIK ", "AYŞE IŞIK"));
	assert_true(nl_tr_name_equal("İsmail", "ismail"));
	assert_true(nl_tr_name_equal("IŞIL", "ışıl"));
	assert_true(nl_tr_name_equal("gülşen\tnur", "GÜLŞEN NUR"));
	assert_false(nl_tr_name_equal("ISIK", "IŞIK"));
	assert_false(nl_tr_name_equal("Isil", "İsil"));     /* I vs İ differ in Turkish */
	assert_false(nl_tr_name_equal("Ayşe", "Ayşe Nur"));
	assert_false(nl_tr_name_equal("Ayşe", "Ayse"));
	assert_false(nl_tr_name_equal("x\xff", "x\xff"));   /* invalid UTF-8 never matches */
}

/* Sorting a shuffled list by collation key gives the Turkish order. */
static int cmp_keys(const void *a, const void *b)
{
	return nl_tr_collate(*(const char *const *)a, *(const char *const *)b);
}

static void collation(void **state)
{
	const char *want[] = {
		"19 Mayıs", "Adana", "Ağrı", "Aksaray", "Bartın", "Cide", "Çanakkale", "çorum",
		"Dalaman", "Gaziantep", "Gümüşhane", "Hakkari", "Iğdır", "ısparta", "İstanbul",
		"izmir", "Kırklareli", "Muş", "Ordu", "Ödemiş", "Sakarya", "Şanlıurfa", "Şırnak",
		"Uşak", "Ünye", "Van", "Zonguldak",
	};
	enum { N = sizeof want / sizeof want[0] };
	const char *list[N];
	(void)state;
	for (size_t i = 0; i < N; i++)
		list[i] = want[(i * 7 + 3) % N];   /* 7 and 27 are coprime: a permutation */
	qsort(list, N, sizeof list[0], cmp_keys);
	for (size_t i = 0; i < N; i++)
		assert_string_equal(list[i], want[i]);
	/* â, î, û sort with a, i, u: right after them, before the next letter. */
	assert_true(nl_tr_collate("hala", "hâla") < 0);
	assert_true(nl_tr_collate("hâla", "halb") < 0);
	assert_int_equal(nl_tr_collate("ADANA", "adana"), 0);
	char *k = nl_tr_collation_key("Iğdır");
	assert_non_null(k);
	assert_int_equal(strlen(k), 4 * 5 + 1);   /* 3 + 1 bytes per character and a separator, no NUL inside */
	free(k);
	assert_null(nl_tr_collation_key("\xed\xa0\x80"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(case_mapping),
		cmocka_unit_test(casecmp),
		cmocka_unit_test(name_equality),
		cmocka_unit_test(collation),
	};
	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests_name("text", tests, NULL, NULL);
}
