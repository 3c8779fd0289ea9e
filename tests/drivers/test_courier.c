/* The courier driver's simulator and the [courier] / [production] settings
 * (src/drivers/courier.c, production_line.c): tracking numbers carry a check
 * digit that catches a mistyped digit, statuses follow the clock, bad
 * settings are refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "drivers/courier.h"
#include "drivers/production_line.h"

static void test_tracking_numbers(void **state)
{
	(void)state;
	struct nl_courier_config cfg;
	nl_courier_config_defaults(&cfg);
	nl_courier *c = NULL;
	assert_int_equal(nl_courier_open(&cfg, &c), NL_OK);
	struct nl_parcel p = {.order_no = 100001};
	char seen[50][32];
	for (int i = 0; i < 50; i++) {
		assert_int_equal(nl_courier_ship(c, &p, 0, seen[i]), NL_OK);
		assert_int_equal(strlen(seen[i]), 13);
		assert_true(nl_courier_tracking_valid(seen[i]));
		/* every single mistyped digit is caught by the check digit */
		for (int k = 2; k < 13; k++) {
			char t[32];
			memcpy(t, seen[i], sizeof t);
			t[k] = (char)('0' + (t[k] - '0' + 1) % 10);
			assert_false(nl_courier_tracking_valid(t));
		}
	}
	assert_false(nl_courier_tracking_valid(NULL));
	assert_false(nl_courier_tracking_valid(""));
	assert_false(nl_courier_tracking_valid("NK123"));
	assert_false(nl_courier_tracking_valid("XX00000000000"));
	assert_false(nl_courier_tracking_valid("NK0000000000a"));
	nl_courier_free(c);
}

static void test_status_follows_clock(void **state)
{
	(void)state;
	struct nl_courier_config cfg;
	nl_courier_config_defaults(&cfg);
	assert_int_equal(nl_courier_config_set(&cfg, "step_s", "100"), NL_OK);
	nl_courier *c = NULL;
	assert_int_equal(nl_courier_open(&cfg, &c), NL_OK);
	char t[32];
	struct nl_parcel p = {.order_no = 1};
	assert_int_equal(nl_courier_ship(c, &p, 1000, t), NL_OK);
	enum nl_parcel_status s;
	assert_int_equal(nl_courier_status(c, t, 1000, 1099, &s), NL_OK);
	assert_int_equal(s, NL_PARCEL_ACCEPTED);
	assert_int_equal(nl_courier_status(c, t, 1000, 1100, &s), NL_OK);
	assert_int_equal(s, NL_PARCEL_IN_TRANSIT);
	assert_int_equal(nl_courier_status(c, t, 1000, 1200, &s), NL_OK);
	assert_int_equal(s, NL_PARCEL_DELIVERED);
	assert_int_equal(nl_courier_status(c, "NK1", 1000, 1200, &s), NL_ERR_NOT_FOUND);
	assert_string_equal(nl_parcel_status_code(NL_PARCEL_IN_TRANSIT), "in_transit");
	assert_true(nl_parcel_status_parse("delivered", &s) && s == NL_PARCEL_DELIVERED);
	assert_false(nl_parcel_status_parse("lost", &s));
	nl_courier_free(c);
}

static void test_settings(void **state)
{
	(void)state;
	struct nl_courier_config cc;
	nl_courier_config_defaults(&cc);
	assert_int_equal(nl_courier_config_set(&cc, "driver", "ups"), NL_ERR_CONFIG);
	assert_int_equal(nl_courier_config_set(&cc, "step_s", "0"), NL_ERR_CONFIG);
	assert_int_equal(nl_courier_config_set(&cc, "step_s", "12x"), NL_ERR_CONFIG);
	assert_int_equal(nl_courier_config_set(&cc, "colour", "red"), NL_ERR_NOT_FOUND);
	struct nl_production_config pc;
	nl_production_config_defaults(&pc);
	assert_string_equal(pc.key_type, "p256");
	assert_string_equal(pc.pin_delivery, "letter");
	assert_int_equal(pc.renewal_lead_days, 61);
	assert_true(pc.auto_run);
	assert_int_equal(nl_production_config_set(&pc, "key_type", "rsa2048"), NL_OK);
	assert_int_equal(nl_production_config_set(&pc, "key_type", "rsa1024"), NL_ERR_CONFIG);
	assert_int_equal(nl_production_config_set(&pc, "pin_delivery", "fax"), NL_ERR_CONFIG);
	assert_int_equal(nl_production_config_set(&pc, "renewal_lead_days", "0"), NL_ERR_CONFIG);
	assert_int_equal(nl_production_config_set(&pc, "auto", "false"), NL_OK);
	assert_false(pc.auto_run);
	assert_int_equal(nl_production_config_set(&pc, "softhsm_dir", ""), NL_OK);
	assert_true(pc.softhsm_dir_set);
	assert_int_equal(nl_production_config_set(&pc, "nope", "1"), NL_ERR_NOT_FOUND);
}

int main(void)
{
	cmocka_set_message_output(CM_OUTPUT_TAP);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tracking_numbers),
		cmocka_unit_test(test_status_follows_clock),
		cmocka_unit_test(test_settings),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
