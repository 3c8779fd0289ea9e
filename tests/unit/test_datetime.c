/* Istanbul display time and date parsing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "core/datetime.h"
#include "reason.h"

static void display(void **state)
{
	char out[NL_DATETIME_FMT_MAX];
	(void)state;
	/* 2026-11-21 11:05:09 UTC = 14:05 in Istanbul */
	int64_t t = nl_days_from_civil(2026, 11, 21) * 86400 + 11 * 3600 + 5 * 60 + 9;
	nl_time_format_tr(t, out);
	assert_string_equal(out, "21.11.2026 14:05");
	nl_time_format_tr_seconds(t, out);
	assert_string_equal(out, "21.11.2026 14:05:09");
	nl_date_format_tr(t, out);
	assert_string_equal(out, "21.11.2026");
	nl_time_format_tr(0, out);
	assert_string_equal(out, "01.01.1970 03:00");
	/* 22:30 UTC is already the next day in Istanbul (also across a year end). */
	nl_time_format_tr(nl_days_from_civil(2025, 12, 31) * 86400 + 22 * 3600 + 30 * 60, out);
	assert_string_equal(out, "01.01.2026 01:30");
	/* Summer: no daylight saving time since 2016, still +3. */
	nl_time_format_tr(nl_days_from_civil(2026, 7, 1) * 86400, out);
	assert_string_equal(out, "01.07.2026 03:00");
	nl_time_format_tr(-1, out);
	assert_string_equal(out, "01.01.1970 02:59");
	nl_time_format_tr(INT64_MAX, out);              /* absurd values never overflow */
	assert_string_equal(out, "?");
	nl_time_format_tr(INT64_MIN, out);
	assert_string_equal(out, "?");
	nl_time_format_tr(INT64_C(253402289999), out);
	assert_string_equal(out, "31.12.9999 23:59");
	struct nl_date d = nl_date_of(t);
	assert_int_equal(d.year, 2026);
	assert_int_equal(d.month, 11);
	assert_int_equal(d.day, 21);
}

static void civil_days(void **state)
{
	(void)state;
	assert_int_equal(nl_days_from_civil(1970, 1, 1), 0);
	assert_int_equal(nl_days_from_civil(2000, 3, 1), 11017);
	assert_int_equal(nl_days_from_civil(1969, 12, 31), -1);
	/* every day of 1900..2100 round-trips */
	for (int64_t day = nl_days_from_civil(1900, 1, 1); day <= nl_days_from_civil(2100, 12, 31);
	     day++) {
		struct nl_date c = nl_civil_from_days(day);
		if (nl_days_from_civil(c.year, c.month, c.day) != day)
			fail_msg("day %lld", (long long)day);
	}
	assert_int_equal(nl_days_in_month(2024, 2), 29);
	assert_int_equal(nl_days_in_month(2023, 2), 28);
	assert_int_equal(nl_days_in_month(1900, 2), 28);
	assert_int_equal(nl_days_in_month(2000, 2), 29);
	assert_int_equal(nl_days_in_month(2026, 13), 0);
}

static void parse(void **state)
{
	struct nl_date d = { 0, 0, 0 };
	(void)state;
	assert_reason(nl_date_parse_tr("21.11.2026", &d), NULL);
	assert_int_equal(d.year, 2026);
	assert_int_equal(d.month, 11);
	assert_int_equal(d.day, 21);
	assert_reason(nl_date_parse_tr("1.2.1990", &d), NULL);
	assert_int_equal(d.month, 2);
	assert_reason(nl_date_parse_tr("29.02.2024", &d), NULL);
	assert_reason(nl_date_parse_tr("29.02.2023", &d), "date_invalid");
	assert_reason(nl_date_parse_tr("31.04.2026", &d), "date_invalid");
	assert_reason(nl_date_parse_tr("00.01.2026", &d), "date_invalid");
	assert_reason(nl_date_parse_tr("01.13.2026", &d), "date_invalid");
	assert_reason(nl_date_parse_tr("01.01.1899", &d), "date_invalid");
	assert_reason(nl_date_parse_tr("21/11/2026", &d), "date_format");
	assert_reason(nl_date_parse_tr("21.11.26", &d), "date_format");
	assert_reason(nl_date_parse_tr("21.11.20261", &d), "date_format");
	assert_reason(nl_date_parse_tr("123.11.2026", &d), "date_format");
	assert_reason(nl_date_parse_tr("21.11.2026 ", &d), "date_format");
	assert_reason(nl_date_parse_tr("a1.11.2026", &d), "date_format");
	assert_reason(nl_date_parse_tr("", &d), "required");
	assert_reason(nl_date_parse_iso("1990-02-01", &d), NULL);
	assert_int_equal(d.year, 1990);
	assert_int_equal(d.day, 1);
	assert_reason(nl_date_parse_iso("1990-2-01", &d), "date_format");
	assert_reason(nl_date_parse_iso("1990-02-30", &d), "date_invalid");
	assert_reason(nl_date_parse_iso("1990/02/01", &d), "date_format");
}

static void day_start(void **state)
{
	char out[NL_DATETIME_FMT_MAX];
	struct nl_date d = { 2026, 11, 21 };
	(void)state;
	int64_t t = nl_date_start_utc(d);
	nl_time_format_tr(t, out);
	assert_string_equal(out, "21.11.2026 00:00");
	nl_time_format_tr(t - 60, out);
	assert_string_equal(out, "20.11.2026 23:59");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(display),
		cmocka_unit_test(civil_days),
		cmocka_unit_test(parse),
		cmocka_unit_test(day_start),
	};
	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests_name("datetime", tests, NULL, NULL);
}
