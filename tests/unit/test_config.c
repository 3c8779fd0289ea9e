/* Unit tests of the configuration parser (src/core/config.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/config.h"
#include "core/site.h"

static NL_MUST_USE nl_err parse(struct nl_config *c, const char *text, char *err, size_t n)
{
	nl_config_defaults(c, "/web");
	return nl_config_parse(c, text, strlen(text), err, n);
}

static void defaults_are_safe(void **state)
{
	(void)state;
	struct nl_config c;
	char err[256] = "";
	nl_config_defaults(&c, "/web");
	assert_string_equal(c.listen, "127.0.0.1:8080"); /* loopback only */
	assert_false(c.behind_tls_proxy);
	assert_false(c.demo);
	assert_true(c.body_limit > 0 && c.body_limit <= 16 * 1024 * 1024);
	assert_true(c.session_idle_timeout <= c.session_absolute_timeout);
	assert_int_equal(nl_config_validate(&c, err, sizeof err), NL_OK);
	nl_config_resolve(&c);
	assert_string_equal(c.database, "sqlite:/var/lib/nitelik/nitelik.db");
}

static void parses_every_type(void **state)
{
	(void)state;
	struct nl_config c;
	char err[256] = "";
	const char *text =
		"# comment\n"
		"; another\n"
		"[server]\n"
		"listen = 0.0.0.0:9000   # trailing comment\n"
		"behind_tls_proxy = yes\r\n"
		"body_limit=2048\n"
		"\n"
		"[storage]\n"
		"database = \"postgresql://u@h/db#x\"  # quoted: the # is kept\n"
		"[session]\n"
		"idle_timeout = 600\n"
		"[web]\n"
		"default_lang = en\n"
		"[demo]\n"
		"enabled = true";  /* no final newline */
	assert_int_equal(parse(&c, text, err, sizeof err), NL_OK);
	assert_string_equal(c.listen, "0.0.0.0:9000");
	assert_true(c.behind_tls_proxy);
	assert_int_equal(c.body_limit, 2048);
	assert_string_equal(c.database, "postgresql://u@h/db#x");
	assert_int_equal(c.session_idle_timeout, 600);
	assert_string_equal(c.default_lang, "en");
	assert_true(c.demo);
	assert_int_equal(c.connection_timeout, 30); /* untouched keys keep defaults */
	/* the availability bounds are on by default (docs/web-server.md) */
	assert_int_equal(c.per_ip_connection_limit, 64);
	assert_int_equal(c.request_timeout, 30);
	assert_int_equal(c.session_max_anonymous_per_address, 200);
	assert_int_equal(c.session_max_login_codes_per_address, 20);
}

static void errors_name_the_line(void **state)
{
	(void)state;
	struct nl_config c;
	char err[256];
	static const struct { const char *text, *want; } cases[] = {
		{"[server]\nlisten = x:1\nbogus = 1\n", "line 3: unknown key 'bogus' in [server]"},
		{"[nope]\n", "line 1: unknown section [nope]"},
		{"listen = 1\n", "line 1: key 'listen' outside of a [section]"},
		{"[server]\n\nthreads\n", "line 3: expected 'key = value'"},
		{"[server]\nthreads = many\n", "line 2: server.threads: not an integer"},
		{"[server]\nthreads = -1\n", "line 2: server.threads: out of range"},
		{"[server]\nbody_limit = 12abc\n", "line 2: server.body_limit: not an integer"},
		{"[server]\nbehind_tls_proxy = maybe\n", "line 2: server.behind_tls_proxy: not a boolean"},
		{"[server\n", "line 1: malformed section header"},
		{"[storage]\ndatabase = \"open\n", "line 2: unterminated quote"},
		{"[storage]\ndatabase = \"a\" b\n", "line 2: text after the closing quote"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		err[0] = '\0';
		assert_int_equal(parse(&c, cases[i].text, err, sizeof err), NL_ERR_CONFIG);
		if (strncmp(err, cases[i].want, strlen(cases[i].want)) != 0)
			fail_msg("case %zu: got '%s', want '%s'", i, err, cases[i].want);
	}
}

static void rejects_nul_and_long_values(void **state)
{
	(void)state;
	struct nl_config c;
	char err[256];
	const char with_nul[] = "[server]\nlisten = a\0b:1\n";
	nl_config_defaults(&c, "/web");
	assert_int_equal(nl_config_parse(&c, with_nul, sizeof with_nul - 1, err, sizeof err),
	                 NL_ERR_CONFIG);
	char big[2048] = "[server]\nlisten = ";
	memset(big + strlen(big), 'a', 1000);
	assert_int_equal(parse(&c, big, err, sizeof err), NL_ERR_CONFIG);
	assert_non_null(strstr(err, "too long"));
}

static void validate_relations(void **state)
{
	(void)state;
	struct nl_config c;
	char err[256];
	nl_config_defaults(&c, "/web");
	c.session_idle_timeout = 7200;
	c.session_absolute_timeout = 3600;
	assert_int_equal(nl_config_validate(&c, err, sizeof err), NL_ERR_CONFIG);
	nl_config_defaults(&c, "/web");
	assert_int_equal(nl_config_set(&c, "web.default_lang", "de", err, sizeof err), NL_OK);
	assert_int_equal(nl_config_validate(&c, err, sizeof err), NL_ERR_CONFIG);
	nl_config_defaults(&c, "/web");
	assert_int_equal(nl_config_set(&c, "server.listen", "[::1]:0", err, sizeof err), NL_OK);
	assert_int_equal(nl_config_validate(&c, err, sizeof err), NL_OK);
	assert_int_equal(nl_config_set(&c, "server.nope", "1", err, sizeof err), NL_ERR_CONFIG);
	assert_int_equal(nl_config_set(&c, "nodot", "1", err, sizeof err), NL_ERR_CONFIG);
}

/* [signer] (docs/configuration.md): safe defaults, bounds, the seccomp switch. */
static void signer_section(void **state)
{
	(void)state;
	struct nl_config c;
	char err[256] = "";
	nl_config_defaults(&c, "/web");
	assert_string_equal(c.signer_seccomp, "kill");
	assert_int_equal(c.signer_max_request, 1 << 20);
	assert_int_equal(c.signer_max_connections, 32);
	assert_string_equal(c.signer_client_user, "");
	assert_int_equal(parse(&c, "[signer]\nuser = nitelik-signer\nclient_user = nitelik\nseccomp = log\n"
	                           "max_connections = 8\n", err, sizeof err), NL_OK);
	assert_string_equal(c.signer_user, "nitelik-signer");
	assert_string_equal(c.signer_client_user, "nitelik");
	assert_int_equal(c.signer_max_connections, 8);
	assert_int_equal(nl_config_validate(&c, err, sizeof err), NL_OK);
	assert_int_equal(parse(&c, "[signer]\nseccomp = maybe\n", err, sizeof err), NL_OK);
	assert_int_equal(nl_config_validate(&c, err, sizeof err), NL_ERR_CONFIG);
	assert_non_null(strstr(err, "signer.seccomp"));
	assert_int_equal(parse(&c, "[signer]\nmax_request = 999999999\n", err, sizeof err), NL_ERR_CONFIG);
	assert_int_equal(parse(&c, "[signer]\nmax_connections = 0\n", err, sizeof err), NL_ERR_CONFIG);
}

/* [ca]: the issuing profile's keys (docs/ca.md). */
static void ca_profile_keys(void **state)
{
	(void)state;
	struct nl_config c;
	char err[300] = "";
	/* the defaults: the Turkish form and Law 5070's sentence as the notice */
	assert_int_equal(parse(&c, "", err, sizeof err), NL_OK);
	assert_string_equal(c.ca_serial_number_form, "tr");
	assert_string_equal(c.ca_user_notice, NL_CA_BTK_NES_TEXT);
	/* outside demo mode a policy is required and the placeholder refused */
	assert_int_equal(nl_config_validate_ca(&c, err, sizeof err), NL_ERR_CONFIG);
	assert_non_null(strstr(err, "ca.policy_oids"));
	assert_int_equal(parse(&c, "[ca]\npolicy_oids = " NL_CA_DEMO_POLICY_OID "\n", err, sizeof err), NL_OK);
	assert_int_equal(nl_config_validate_ca(&c, err, sizeof err), NL_ERR_CONFIG);
	assert_non_null(strstr(err, "placeholder"));
	c.demo = true;
	assert_int_equal(nl_config_validate_ca(&c, err, sizeof err), NL_OK);
	assert_int_equal(parse(&c, "[ca]\npolicy_oids = 2.16.792.1.2.1.1.5.7.1.1, 1.3.6.1.4.1.99999.1\n"
	                           "cps_url = https://depo.example.com.tr/ilke\nserial_number_form = etsi\n"
	                           "pds_tr_url = https://depo.example.com.tr/pds-tr.pdf\n", err, sizeof err), NL_OK);
	assert_int_equal(nl_config_validate_ca(&c, err, sizeof err), NL_OK);
	/* shapes */
	const char *bad[][2] = {
		{"[ca]\npolicy_oids = 1.2.x\n", "not a dotted OID"},
		{"[ca]\npolicy_oids = 5.1\n", "not a dotted OID"},
		{"[ca]\npolicy_oids = 1.2 1.3 1.4 1.5 1.6\n", "at most 4"},
		{"[ca]\npolicy_oids = 1.2\ncps_url = ftp://x\n", "ca.cps_url"},
		{"[ca]\npolicy_oids = 1.2\npds_en_url = http://x.com.tr/pds\n", "https://"},
		{"[ca]\npolicy_oids = 1.2\nserial_number_form = PNO\n", "tr or etsi"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(parse(&c, bad[i][0], err, sizeof err), NL_OK);
		assert_int_equal(nl_config_validate_ca(&c, err, sizeof err), NL_ERR_CONFIG);
		assert_non_null(strstr(err, bad[i][1]));
	}
}

/* [site] (issue 13 item 5): the contact block and the payment channels table;
 * a malformed table stops the start with the row and the reason. */
static void site_section(void **state)
{
	(void)state;
	struct nl_config c;
	char err[256] = "";
	assert_int_equal(parse(&c,
		"[site]\n"
		"contact_phone = +90 (312) 444 12 34\n"
		"contact_email = yardim@ornek.example\n"
		"contact_address = Örnek SM | Cad. 5 | Ankara\n"
		"payment_channels = ÖRNEKBANK: sube internet mobil atm cagri | Test Bankası: sube, mobil\n",
		err, sizeof err), NL_OK);
	assert_string_equal(c.site_contact_phone, "+90 (312) 444 12 34");
	assert_string_equal(c.site_contact_address, "Örnek SM | Cad. 5 | Ankara");
	assert_int_equal(nl_config_validate(&c, err, sizeof err), NL_OK);
	struct nl_pay_bank b[NL_PAY_BANKS_MAX];
	size_t n = 0;
	assert_int_equal(nl_site_payment_channels(c.site_payment_channels, b, &n, err, sizeof err),
	                 NL_OK);
	assert_int_equal(n, 2);
	assert_string_equal(b[0].name, "ÖRNEKBANK");
	assert_int_equal(b[0].channels, NL_PAY_CH_BRANCH | NL_PAY_CH_INTERNET | NL_PAY_CH_MOBILE |
	                                NL_PAY_CH_ATM | NL_PAY_CH_CALL);
	assert_string_equal(b[1].name, "Test Bankası");
	assert_int_equal(b[1].channels, NL_PAY_CH_BRANCH | NL_PAY_CH_MOBILE);
	/* No table is allowed (the default). */
	nl_config_defaults(&c, "/web");
	assert_int_equal(nl_config_validate(&c, err, sizeof err), NL_OK);
	assert_int_equal(nl_site_payment_channels("", b, &n, err, sizeof err), NL_OK);
	assert_int_equal(n, 0);

	static const char *const bad[][2] = {
		{"BANKA sube internet", "row 1 ('BANKA sube internet') has no ':'"},
		{"A: sube | B: şube", "row 2 (B): unknown channel 'şube' (sube, internet, mobil, atm, cagri)"},
		{"A: sube | : atm", "row 2 has no bank name"},
		{"A: sube ||B: atm", "row 2 is empty"},
		{"A: sube |", "row 2 is empty"},
		{"A:", "row 1 (A) names no channel"},
		{"A: atm atm", "row 1 (A): channel 'atm' twice"},
		{"A: atm | A: sube", "bank 'A' listed twice"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		nl_config_defaults(&c, "/web");
		assert_int_equal(nl_config_set(&c, "site.payment_channels", bad[i][0], err, sizeof err),
		                 NL_OK);
		err[0] = '\0';
		assert_int_equal(nl_config_validate(&c, err, sizeof err), NL_ERR_CONFIG);
		if (!strstr(err, bad[i][1]) || !strstr(err, "site.payment_channels: "))
			fail_msg("'%s': got '%s', want '%s'", bad[i][0], err, bad[i][1]);
	}
	nl_config_defaults(&c, "/web");
	assert_int_equal(nl_config_set(&c, "site.payment_channels",
		"B1: atm|B2: atm|B3: atm|B4: atm|B5: atm|B6: atm|B7: atm|B8: atm|B9: atm|B10: atm|"
		"B11: atm|B12: atm|B13: atm|B14: atm|B15: atm|B16: atm|B17: atm", err, sizeof err), NL_OK);
	assert_int_equal(nl_config_validate(&c, err, sizeof err), NL_ERR_CONFIG);
	assert_non_null(strstr(err, "at most 16 banks"));
	nl_config_defaults(&c, "/web");
	assert_int_equal(nl_config_set(&c, "site.contact_email", "yardim at ornek", err, sizeof err),
	                 NL_OK);
	assert_int_equal(nl_config_validate(&c, err, sizeof err), NL_ERR_CONFIG);
	assert_non_null(strstr(err, "site.contact_email"));
	nl_config_defaults(&c, "/web");
	assert_int_equal(nl_config_set(&c, "site.contact_phone", "444 ara", err, sizeof err), NL_OK);
	assert_int_equal(nl_config_validate(&c, err, sizeof err), NL_ERR_CONFIG);
	assert_non_null(strstr(err, "site.contact_phone"));
	assert_int_equal(parse(&c, "[site]\ncontact_fax = 1\n", err, sizeof err), NL_ERR_CONFIG);
	assert_non_null(strstr(err, "unknown key 'contact_fax' in [site]"));
}

int main(void)
{
	cmocka_set_message_output(CM_OUTPUT_TAP);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(defaults_are_safe),
		cmocka_unit_test(parses_every_type),
		cmocka_unit_test(errors_name_the_line),
		cmocka_unit_test(rejects_nul_and_long_values),
		cmocka_unit_test(validate_relations),
		cmocka_unit_test(signer_section),
		cmocka_unit_test(ca_profile_keys),
		cmocka_unit_test(site_section),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
