/* The [oidc] settings of the e-Devlet door (src/drivers/oidc.c): the keys the
 * operators' guides name, an https issuer (plain http on loopback only), the
 * required keys when enabled, nothing fetched when it opens, a disabled door
 * being NULL, and the PKCE S256 challenge of RFC 7636's example. The protocol
 * itself runs over real HTTP in tests/http/test_edevlet.py. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "drivers/drivers.h"
#include "drivers/oidc.h"

static void test_settings(void **state)
{
	(void)state;
	struct nl_oidc_config c;
	const char *why = NULL;
	nl_oidc_config_defaults(&c);
	assert_false(c.enabled);
	assert_string_equal(c.id_claim, "tckn");
	assert_string_equal(c.scopes, "openid");
	assert_int_equal(nl_oidc_config_check(&c, &why), NL_OK);
	assert_int_equal(nl_oidc_config_set(&c, "enabled", "yes"), NL_OK);
	assert_int_equal(nl_oidc_config_set(&c, "enabled", "perhaps"), NL_ERR_CONFIG);
	assert_int_equal(nl_oidc_config_set(&c, "redirect_uri", "x"), NL_ERR_NOT_FOUND);
	assert_int_equal(nl_oidc_config_set(&c, "id_claim", ""), NL_ERR_CONFIG);
	assert_int_equal(nl_oidc_config_check(&c, &why), NL_ERR_CONFIG);   /* no issuer */
	assert_int_equal(nl_oidc_config_set(&c, "issuer", "http://idp.example"), NL_OK);
	assert_int_equal(nl_oidc_config_set(&c, "client_id", "nitelik"), NL_OK);
	assert_int_equal(nl_oidc_config_set(&c, "client_secret", "s"), NL_OK);
	assert_int_equal(nl_oidc_config_check(&c, &why), NL_ERR_CONFIG);   /* plain http */
	assert_non_null(strstr(why, "https"));
	assert_int_equal(nl_oidc_config_set(&c, "issuer", "https://idp.example/"), NL_OK);
	assert_string_equal(c.issuer, "https://idp.example");              /* slash dropped */
	assert_int_equal(nl_oidc_config_check(&c, &why), NL_OK);
	assert_int_equal(nl_oidc_config_set(&c, "issuer", "http://127.0.0.1:9/x"), NL_OK);
	assert_int_equal(nl_oidc_config_check(&c, &why), NL_OK);
	c.client_secret[0] = 0;
	assert_int_equal(nl_oidc_config_check(&c, &why), NL_ERR_CONFIG);
	nl_oidc *o = (nl_oidc *)&c;
	assert_int_equal(nl_oidc_open(&c, &o), NL_ERR_CONFIG);
	assert_null(o);
}

static void test_open(void **state)
{
	(void)state;
	struct nl_drivers_config dc;
	nl_drivers_config_defaults(&dc);
	assert_true(nl_drivers_config_section("oidc"));
	assert_int_equal(nl_drivers_config_set(&dc, "oidc", "scopes", "openid profile"), NL_OK);
	nl_oidc *o = (nl_oidc *)&dc;
	assert_int_equal(nl_oidc_open(&dc.oidc, &o), NL_OK);
	assert_null(o);                                  /* disabled: no door */
	dc.oidc.enabled = true;
	snprintf(dc.oidc.issuer, sizeof dc.oidc.issuer, "https://nobody.invalid");
	snprintf(dc.oidc.client_id, sizeof dc.oidc.client_id, "n");
	snprintf(dc.oidc.client_secret, sizeof dc.oidc.client_secret, "s");
	assert_int_equal(nl_oidc_open(&dc.oidc, &o), NL_OK);   /* nothing fetched */
	assert_non_null(o);
	nl_oidc_free(o);
	nl_oidc_free(NULL);
}

static void test_pkce(void **state)
{
	(void)state;
	char ch[64];
	/* RFC 7636 appendix B */
	nl_oidc_pkce_challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk", ch, sizeof ch);
	assert_string_equal(ch, "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
}

int main(void)
{
	cmocka_set_message_output(CM_OUTPUT_TAP);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_settings),
		cmocka_unit_test(test_open),
		cmocka_unit_test(test_pkce),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
