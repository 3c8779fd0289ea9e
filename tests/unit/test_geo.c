/* Provinces and districts: counts, look-ups, Turkish order, mismatched pairs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "core/geo.h"
#include "core/text.h"

static void counts(void **state)
{
	size_t total = 0;
	(void)state;
	for (int plate = 1; plate <= NL_PROVINCE_COUNT; plate++) {
		const struct nl_province *p = nl_province_by_plate(plate);
		assert_non_null(p);
		assert_int_equal(p->plate, plate);
		assert_true(p->n_districts >= 1);
		total += p->n_districts;
	}
	assert_int_equal(total, 975);
	assert_int_equal(nl_district_total(), 975);
	assert_null(nl_province_by_plate(0));
	assert_null(nl_province_by_plate(82));
	assert_null(nl_province_by_plate(-1));
	assert_int_equal(nl_province_by_plate(34)->n_districts, 39);
	assert_int_equal(nl_province_by_plate(6)->n_districts, 25);
}

static void by_name(void **state)
{
	(void)state;
	assert_int_equal(nl_province_by_name("İstanbul")->plate, 34);
	assert_int_equal(nl_province_by_name("istanbul")->plate, 34);
	assert_int_equal(nl_province_by_name("İSTANBUL")->plate, 34);
	assert_int_equal(nl_province_by_name("IĞDIR")->plate, 76);
	assert_int_equal(nl_province_by_name("ığdır")->plate, 76);
	assert_int_equal(nl_province_by_name("Şanlıurfa")->plate, 63);
	assert_int_equal(nl_province_by_name("kocaeli")->plate, 41);
	assert_string_equal(nl_province_by_plate(1)->name, "Adana");
	assert_string_equal(nl_province_by_plate(81)->name, "Düzce");
	assert_null(nl_province_by_name("Istanbul"));   /* dotless I: another word in Turkish */
	assert_null(nl_province_by_name("Ankaraa"));
	assert_null(nl_province_by_name(""));
	assert_null(nl_province_by_name(NULL));
}

static void provinces_in_turkish_order(void **state)
{
	bool seen[NL_PROVINCE_COUNT + 1] = { false };
	(void)state;
	assert_string_equal(nl_province_at(0)->name, "Adana");
	assert_string_equal(nl_province_at(NL_PROVINCE_COUNT - 1)->name, "Zonguldak");
	for (size_t i = 0; i < NL_PROVINCE_COUNT; i++) {
		const struct nl_province *p = nl_province_at(i);
		assert_non_null(p);
		assert_false(seen[p->plate]);
		seen[p->plate] = true;
		if (i > 0 && nl_tr_collate(nl_province_at(i - 1)->name, p->name) >= 0)
			fail_msg("%s before %s", nl_province_at(i - 1)->name, p->name);
	}
	assert_null(nl_province_at(NL_PROVINCE_COUNT));
	/* Ç after C, Ş after S, I before İ, Ü after U */
	size_t cank = 0, cor = 0, igd = 0, ist = 0;
	for (size_t i = 0; i < NL_PROVINCE_COUNT; i++) {
		const char *n = nl_province_at(i)->name;
		if (!strcmp(n, "Çankırı")) cank = i;
		if (!strcmp(n, "Denizli")) cor = i;
		if (!strcmp(n, "Iğdır")) igd = i;
		if (!strcmp(n, "İstanbul")) ist = i;
	}
	assert_true(cank < cor);
	assert_true(igd < ist);
}

static void districts(void **state)
{
	(void)state;
	for (int plate = 1; plate <= NL_PROVINCE_COUNT; plate++) {
		const struct nl_province *p = nl_province_by_plate(plate);
		for (size_t i = 1; i < p->n_districts; i++) {
			const char *a = nl_district_at(p, i - 1), *b = nl_district_at(p, i);
			if (nl_tr_collate(a, b) >= 0)
				fail_msg("%s: %s before %s", p->name, a, b);
		}
		assert_null(nl_district_at(p, p->n_districts));
		assert_true(nl_district_in_province(plate, nl_district_at(p, 0)));
	}
	assert_true(nl_district_in_province(6, "Çankaya"));
	assert_true(nl_district_in_province(6, "ÇANKAYA"));
	assert_string_equal(nl_district_find(34, "eyüpsultan"), "Eyüpsultan");
	assert_true(nl_district_in_province(41, "Gebze"));
	assert_true(nl_district_in_province(55, "ONDOKUZMAYIS"));
	assert_true(nl_district_in_province(76, "Merkez"));
	/* Mismatched pairs are refused. */
	assert_false(nl_district_in_province(34, "Çankaya"));
	assert_false(nl_district_in_province(6, "Kadıköy"));
	assert_false(nl_district_in_province(41, "Gebzee"));
	assert_false(nl_district_in_province(0, "Merkez"));
	assert_false(nl_district_in_province(82, "Merkez"));
	assert_false(nl_district_in_province(6, NULL));
	assert_null(nl_district_at(NULL, 0));
	assert_string_equal(nl_district_at(nl_province_by_plate(1), 0), "Aladağ");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(counts),
		cmocka_unit_test(by_name),
		cmocka_unit_test(provinces_in_turkish_order),
		cmocka_unit_test(districts),
	};
	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests_name("geo", tests, NULL, NULL);
}
