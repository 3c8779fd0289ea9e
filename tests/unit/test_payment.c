/* Unit tests of payment's pure parts: the POS callback's canonical text and
 * HMAC (src/drivers/pos.c, against a vector computed independently with
 * Python's hmac module), the simulator's demo cards, and the check of one
 * bank reconciliation line (src/app/payment_import.c). No database. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "app/payment.h"
#include "drivers/pos.h"

#define KEY "test-pos-secret-0123456789abcdef"
/* hmac.new(KEY, "v1\n<session>\n100002\n60000\nTRY\napproved\nSIM0a1b2c3d4e5f",
 *          sha256).hexdigest() */
#define VECTOR "46ba922d5d96271f09f08f7f4c63a931431bded0ceef77c7545d49151a96f00a"

static struct nl_pos_callback sample(void)
{
	return (struct nl_pos_callback){
		.session = "0123456789abcdef0123456789abcdef", .order_no = "100002",
		.amount = "60000", .currency = "TRY", .status = "approved",
		.bank_ref = "SIM0a1b2c3d4e5f", .mac = VECTOR,
	};
}

static void canonical_text(void **state)
{
	(void)state;
	struct nl_pos_callback cb = sample();
	char canon[NL_POS_CANON_MAX];
	assert_int_equal(nl_pos_canonical(&cb, canon), NL_OK);
	assert_string_equal(canon, "v1\n0123456789abcdef0123456789abcdef\n100002\n60000\nTRY\n"
	                           "approved\nSIM0a1b2c3d4e5f");
	/* A newline inside a field could move text between fields: refused. */
	cb.amount = "600\n00";
	assert_int_equal(nl_pos_canonical(&cb, canon), NL_ERR_INVALID);
	cb = sample();
	cb.bank_ref = "";
	assert_int_equal(nl_pos_canonical(&cb, canon), NL_ERR_INVALID);
	char longf[200];
	memset(longf, 'a', sizeof longf - 1);
	longf[sizeof longf - 1] = '\0';
	cb = sample();
	cb.session = longf;
	assert_int_equal(nl_pos_canonical(&cb, canon), NL_ERR_INVALID);
}

static void mac_vector(void **state)
{
	(void)state;
	struct nl_pos_callback cb = sample();
	char mac[NL_POS_MAC_HEX];
	assert_int_equal(nl_pos_mac((const unsigned char *)KEY, strlen(KEY), &cb, mac), NL_OK);
	assert_string_equal(mac, VECTOR);
	assert_int_equal(nl_pos_mac_check((const unsigned char *)KEY, strlen(KEY), &cb), NL_OK);
}

static void mac_refusals(void **state)
{
	(void)state;
	const unsigned char *k = (const unsigned char *)KEY;
	struct nl_pos_callback cb = sample();
	cb.amount = "60001";                       /* a field changed */
	assert_int_equal(nl_pos_mac_check(k, strlen(KEY), &cb), NL_ERR_UNAUTHORIZED);
	cb = sample();
	cb.mac = "46BA922D5D96271F09F08F7F4C63A931431BDED0CEEF77C7545D49151A96F00A";
	assert_int_equal(nl_pos_mac_check(k, strlen(KEY), &cb), NL_OK);   /* hex case */
	cb.mac = "46ba922d";                      /* short */
	assert_int_equal(nl_pos_mac_check(k, strlen(KEY), &cb), NL_ERR_UNAUTHORIZED);
	cb.mac = NULL;
	assert_int_equal(nl_pos_mac_check(k, strlen(KEY), &cb), NL_ERR_UNAUTHORIZED);
	cb = sample();                             /* another key */
	assert_int_equal(nl_pos_mac_check((const unsigned char *)"another-secret-0000", 19, &cb),
	                 NL_ERR_UNAUTHORIZED);
	cb.mac = "zz" "ba922d5d96271f09f08f7f4c63a931431bded0ceef77c7545d49151a96f00a"; /* not hex */
	assert_int_equal(nl_pos_mac_check(k, strlen(KEY), &cb), NL_ERR_UNAUTHORIZED);
}

static void simulator(void **state)
{
	(void)state;
	struct nl_pos_config c;
	nl_pos_config_defaults(&c);
	assert_int_equal(nl_pos_config_set(&c, "secret", "short"), NL_ERR_CONFIG);
	assert_int_equal(nl_pos_config_set(&c, "secret", KEY), NL_OK);
	assert_int_equal(nl_pos_config_set(&c, "driver", "bank"), NL_ERR_CONFIG);
	assert_int_equal(nl_pos_config_set(&c, "nope", "1"), NL_ERR_NOT_FOUND);
	nl_pos *p;
	assert_int_equal(nl_pos_open(&c, &p), NL_OK);
	struct nl_pos_callback cb = sample();
	char mac[NL_POS_MAC_HEX];
	assert_int_equal(p->sim_sign(p->self, &cb, mac), NL_OK);
	assert_string_equal(mac, VECTOR);           /* the configured secret is the key */
	assert_int_equal(p->verify(p->self, &cb, NULL), NL_OK);
	char url[128];
	struct nl_pos_request rq = {.session = cb.session, .order_no = 100002, .amount_kurus = 60000,
	                            .return_url = "http://127.0.0.1:8080/odeme/geri-donus"};
	assert_int_equal(p->redirect_url(p->self, &rq, url, sizeof url, NULL), NL_OK);
	assert_string_equal(url, "/sanal-pos/sim/0123456789abcdef0123456789abcdef");
	nl_pos_free(p);

	assert_null(nl_pos_sim_card_outcome("4111 1111 1111 1111"));
	assert_null(nl_pos_sim_card_outcome("5555-5555-5555-4444"));
	assert_string_equal(nl_pos_sim_card_outcome("4000000000000002"), "insufficient_funds");
	assert_string_equal(nl_pos_sim_card_outcome("1234"), "invalid_card");
	assert_string_equal(nl_pos_sim_card_outcome("4111x"), "invalid_card");
	assert_string_equal(nl_pos_sim_card_outcome(NULL), "invalid_card");
}

/* The sketch of a bank driver: the request goes to the bank's page signed,
 * the bank's callback is verified like the simulator's. */
static void redirect_driver(void **state)
{
	(void)state;
	struct nl_pos_config c;
	nl_pos_config_defaults(&c);
	nl_pos *p;
	assert_int_equal(nl_pos_config_set(&c, "driver", "redirect"), NL_OK);
	assert_int_equal(nl_pos_open(&c, &p), NL_ERR_CONFIG);   /* no secret, url, merchant */
	assert_int_equal(nl_pos_config_set(&c, "url", "ftp://bank"), NL_ERR_CONFIG);
	assert_int_equal(nl_pos_config_set(&c, "url", "https://bank.example/3d?x=1"), NL_ERR_CONFIG);
	assert_int_equal(nl_pos_config_set(&c, "url", "https://bank.example/3d"), NL_OK);
	assert_int_equal(nl_pos_config_set(&c, "merchant_id", "M 42"), NL_OK);
	assert_int_equal(nl_pos_config_set(&c, "secret", KEY), NL_OK);
	assert_int_equal(nl_pos_open(&c, &p), NL_OK);
	assert_null(p->sim_sign);
	struct nl_pos_request rq = {.session = "0123456789abcdef0123456789abcdef", .order_no = 100002,
	                            .amount_kurus = 60000, .return_url = "https://n.example/odeme/geri-donus"};
	char url[1024], mac[NL_POS_MAC_HEX];
	assert_int_equal(p->redirect_url(p->self, &rq, url, sizeof url, NULL), NL_OK);
	assert_int_equal(nl_pos_request_mac((const unsigned char *)KEY, strlen(KEY), "M 42", &rq, mac),
	                 NL_OK);
	char want[1024];
	snprintf(want, sizeof want, "https://bank.example/3d?merchant=M%%2042"
	         "&session=0123456789abcdef0123456789abcdef&order_no=100002&amount=60000"
	         "&currency=TRY&return_url=https%%3A%%2F%%2Fn.example%%2Fodeme%%2Fgeri-donus&mac=%s", mac);
	assert_string_equal(url, want);
	assert_int_equal(p->redirect_url(p->self, &rq, url, 64, NULL), NL_ERR_INTERNAL);
	struct nl_pos_callback cb = sample();
	assert_int_equal(p->verify(p->self, &cb, NULL), NL_OK);
	nl_pos_free(p);
}

static const char *check(const char *a, const char *b, const char *c, const char *d,
                         const char *e, struct nl_bank_line *out)
{
	const char *f[] = {a, b, c, d, e};
	return nl_payment_bank_line_check(f, 5, out);
}

static void bank_lines(void **state)
{
	(void)state;
	struct nl_bank_line b;
	assert_null(check("2026-11-20", "ATM", "VKF-0001", "SD-100002", "1.180,00", &b));
	assert_string_equal(b.paid_on, "2026-11-20");
	assert_string_equal(b.channel, "atm");
	assert_string_equal(b.reference, "VKF-0001");
	assert_false(b.by_tckn);
	assert_int_equal(b.order_no, 100002);
	assert_int_equal(b.amount_kurus, 118000);

	assert_null(check("20.11.2026", "internet", "R/1", "100002", "600", &b));
	assert_string_equal(b.paid_on, "2026-11-20");
	assert_int_equal(b.order_no, 100002);
	assert_int_equal(b.amount_kurus, 60000);

	assert_null(check("2026-11-20", "sube", "R-2", "57855534068", "600,00", &b));
	assert_true(b.by_tckn);
	assert_string_equal(b.tckn, "57855534068");

	assert_string_equal(check("2026-11-20", "atm", "R", "SD-1", "6OO,00", &b), "bad_amount");
	assert_string_equal(check("2026-11-20", "atm", "R", "SD-1", "0,00", &b), "bad_amount");
	assert_string_equal(check("2026-11-20", "atm", "R", "SD-1", "-5,00", &b), "bad_amount");
	assert_string_equal(check("2026-11-20", "atm", "R", "SD-1", "600.00", &b), "bad_amount");
	assert_string_equal(check("2026-13-20", "atm", "R", "SD-1", "1,00", &b), "bad_date");
	assert_string_equal(check("yesterday", "atm", "R", "SD-1", "1,00", &b), "bad_date");
	assert_string_equal(check("2026-11-20", "post", "R", "SD-1", "1,00", &b), "bad_channel");
	assert_string_equal(check("2026-11-20", "atm", "a b", "SD-1", "1,00", &b), "bad_reference");
	assert_string_equal(check("2026-11-20", "atm", "", "SD-1", "1,00", &b), "bad_reference");
	assert_string_equal(check("2026-11-20", "atm", "R", "SD-x", "1,00", &b), "bad_key");
	assert_string_equal(check("2026-11-20", "atm", "R", "57855534060", "1,00", &b), "bad_key");
	assert_string_equal(check("2026-11-20", "atm", "R", "", "1,00", &b), "bad_key");
	const char *four[] = {"2026-11-20", "atm", "R", "SD-1"};
	assert_string_equal(nl_payment_bank_line_check(four, 4, &b), "field_count");
}

static void vat_rate_text(void **state)
{
	(void)state;
	char t[16];
	nl_payment_vat_rate_text(2000, t, sizeof t);
	assert_string_equal(t, "20");
	nl_payment_vat_rate_text(1850, t, sizeof t);
	assert_string_equal(t, "18,5");
	nl_payment_vat_rate_text(125, t, sizeof t);
	assert_string_equal(t, "1,25");
	nl_payment_vat_rate_text(0, t, sizeof t);
	assert_string_equal(t, "0");
}

int main(void)
{
	cmocka_set_message_output(CM_OUTPUT_TAP);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(canonical_text),
		cmocka_unit_test(mac_vector),
		cmocka_unit_test(mac_refusals),
		cmocka_unit_test(simulator),
		cmocka_unit_test(redirect_driver),
		cmocka_unit_test(bank_lines),
		cmocka_unit_test(vat_rate_text),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
