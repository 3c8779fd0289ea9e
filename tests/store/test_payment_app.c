/* Payment's use cases on both engines (src/app/payment*.c): prices by time,
 * debts (default product, the form version's product fixed at submission),
 * nl_payment_record (status, audit, outbox, recorded once), settled for
 * production, the POS callback (recorded, replayed, forged, mismatched, each
 * refusal audited), the reconciliation import (one transaction, report) and
 * the combined statuses with the real approval. Races: test_payment_race.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/approve.h"
#include "app/payment.h"
#include "core/config.h"
#include "payment_world.h"
#include "store/store_forms.h"
#include "store/store_orders.h"

static void test_prices_and_debts(void **state)
{
	struct fx *f = fx_get(state);
	struct world w;
	setup(f, &w);
	/* The seed runs once. */
	assert_int_equal(nl_payment_seed_demo_prices(&f->app, T0 + 1), NL_OK);
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM prices"), 9);

	struct nl_debt d;
	assert_int_equal(nl_payment_debt_of(f->c, w.inst_order, T0, &d), NL_ERR_NOT_FOUND);
	/* No form yet: the default product (1 year, no reader) at today's price. */
	assert_int_equal(nl_payment_debt_of(f->c, w.pay_order, T0, &d), NL_OK);
	assert_true(d.priced);
	assert_false(d.from_form);
	assert_int_equal(d.amount_kurus, 60000);
	assert_int_equal(d.net_kurus, 50000);
	assert_int_equal(d.vat_kurus, 10000);
	assert_int_equal(d.order_no, w.pay_no);

	/* A form version for 3 years + mini reader, submitted at T0 + 100. */
	struct nl_form fm = {.order_id = w.pay_order, .period_years = 3, .card_reader = "mini",
	                     .info_channel = "both", .email = "form@example.org",
	                     .mobile = "5321234567"};
	assert_int_equal(nl_store_form_submit(f->c, &fm, T0 + 100, NULL), NL_OK);
	/* Prices change afterwards: the version keeps the price of its submission. */
	assert_int_equal(nl_payment_price_set(&f->app, 3, "mini", 250000, 2000, "user:1", T0 + 200),
	                 NL_OK);
	assert_int_equal(nl_payment_price_set(&f->app, 1, "none", 70000, 1000, "user:1", T0 + 200),
	                 NL_OK);
	assert_int_equal(nl_payment_debt_of(f->c, w.pay_order, T0 + 300, &d), NL_OK);
	assert_true(d.from_form);
	assert_int_equal(d.period_years, 3);
	assert_string_equal(d.card_reader, "mini");
	assert_int_equal(d.amount_kurus, 156000);
	struct nl_price p;
	assert_int_equal(nl_store_price_at(f->c, NL_PRODUCT_NES, 3, "mini", T0 + 300, &p), NL_OK);
	assert_int_equal(p.amount_kurus, 250000);
	assert_int_equal(nl_store_price_at(f->c, NL_PRODUCT_NES, 3, "mini", T0 + 150, &p), NL_OK);
	assert_int_equal(p.amount_kurus, 156000);
	/* Every price change is audited. */
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM audit_log WHERE entity = 'price'"), 11);
	assert_int_equal(nl_payment_price_set(&f->app, 4, "mini", 1, 0, "user:1", T0), NL_ERR_INVALID);
	assert_int_equal(nl_payment_price_set(&f->app, 1, "big", 1, 0, "user:1", T0), NL_ERR_INVALID);
	assert_int_equal(nl_payment_price_set(&f->app, 1, "mini", 1, 10001, "user:1", T0),
	                 NL_ERR_INVALID);

	/* Look-up by T.C. number: one debt; unknown and institution-paid: none. */
	struct nl_debt *list;
	size_t n;
	assert_int_equal(nl_payment_debts_by_tckn(&f->app, "57855534068", T0, &list, &n), NL_OK);
	assert_int_equal(n, 1);
	assert_int_equal(list[0].order_no, w.pay_no);
	free(list);
	assert_int_equal(nl_payment_debts_by_tckn(&f->app, "10000000146", T0, &list, &n), NL_OK);
	assert_int_equal(n, 0);
	assert_int_equal(nl_payment_debts_by_tckn(&f->app, "64172043210", T0, &list, &n), NL_OK);
	assert_int_equal(n, 0);
}

static void test_record(void **state)
{
	struct fx *f = fx_get(state);
	struct world w;
	setup(f, &w);
	bool settled = true;
	assert_int_equal(nl_payment_settled(f->c, w.pay_order, &settled), NL_OK);
	assert_false(settled);
	assert_int_equal(nl_payment_settled(f->c, w.inst_order, &settled), NL_OK);
	assert_true(settled);

	struct nl_payment_input in = {
		.order_id = w.pay_order, .amount_kurus = 60000, .channel = "atm",
		.external_ref = "bank:R-1", .actor = "test", .base_url = "http://x",
	};
	struct nl_payment_result res;
	assert_int_equal(nl_payment_record(f->c, &in, T0, &res), NL_OK);
	assert_int_equal(res.from, NL_ST_FORM_PAYMENT_WAIT);
	assert_int_equal(res.to, NL_ST_FORM_WAIT);
	assert_int_equal(status_of(f, w.pay_order), NL_ST_FORM_WAIT);
	assert_int_equal(count_mail(f, "mehmet@example.org"), 1);
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM audit_log WHERE entity = 'payment'"), 1);
	assert_int_equal(nl_payment_settled(f->c, w.pay_order, &settled), NL_OK);
	assert_true(settled);

	/* Recorded once: the same reference, or the same order again. */
	assert_int_equal(nl_payment_record(f->c, &in, T0, NULL), NL_ERR_CONFLICT);
	in.external_ref = "bank:R-2";
	assert_int_equal(nl_payment_record(f->c, &in, T0, NULL), NL_ERR_TRANSITION);
	in.order_id = w.inst_order;
	assert_int_equal(nl_payment_record(f->c, &in, T0, NULL), NL_ERR_TRANSITION);
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM payments"), 1);
	assert_int_equal(count_mail(f, "mehmet@example.org"), 1);

	/* payment_wait -> production_wait, told by SMS and mail (channel "both"). */
	int64_t id, no, pid;
	person_order(f, "45765846364", "gulsen@example.org", NL_PAY_PERSON, &id, &no, &pid);
	struct nl_form fm = {.order_id = id, .period_years = 1, .card_reader = "none",
	                     .info_channel = "both", .email = "gulsen.form@example.org",
	                     .mobile = "5321234567"};
	assert_int_equal(nl_store_form_submit(f->c, &fm, T0, NULL), NL_OK);
	assert_int_equal(nl_store_order_set_status(f->c, id, NL_ST_FORM_PAYMENT_WAIT,
	                                           NL_ST_PAYMENT_WAIT, "test", ""), NL_OK);
	in = (struct nl_payment_input){.order_id = id, .amount_kurus = 60000, .channel = "pos",
	                               .external_ref = "pos:T-1", .actor = "test",
	                               .base_url = "http://x/", .web_dir = NL_SOURCE_ROOT "/web"};
	assert_int_equal(nl_payment_record(f->c, &in, T0, &res), NL_OK);
	assert_int_equal(res.to, NL_ST_PRODUCTION_WAIT);
	assert_int_equal(status_of(f, id), NL_ST_PRODUCTION_WAIT);
	assert_int_equal(count_mail(f, "gulsen.form@example.org"), 1);
	/* From the templates: a text and an HTML part, the amount and the link. */
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM outbox WHERE recipient ="
	                           " 'gulsen.form@example.org' AND body_html LIKE '%<strong>600,00 TL</strong>%'"
	                           " AND body_text LIKE '%http://x/basvurularim%'"), 1);
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM outbox WHERE channel = 'sms'"
	                           " AND recipient = '5321234567'"), 1);
}

static void test_pos_callback(void **state)
{
	struct fx *f = fx_get(state);
	struct world w;
	setup(f, &w);
	struct nl_app app;
	pos_app(f, &app);
	char key[NL_POS_KEY_LEN + 1], url[128];
	assert_int_equal(nl_payment_pos_start(&app, w.inst_no, T0, key, url, sizeof url),
	                 NL_ERR_NOT_FOUND);
	assert_int_equal(nl_payment_pos_start(&app, w.pay_no, T0, key, url, sizeof url), NL_OK);
	assert_int_equal(strlen(key), NL_POS_KEY_LEN);
	/* A second start while the first is open and in time: the same session. */
	char key2[NL_POS_KEY_LEN + 1];
	assert_int_equal(nl_payment_pos_start(&app, w.pay_no, T0 + 10, key2, url, sizeof url), NL_OK);
	assert_string_equal(key2, key);
	/* After its time-out a new one. */
	assert_int_equal(nl_payment_pos_start(&app, w.pay_no, T0 + 901, key2, url, sizeof url), NL_OK);
	assert_string_not_equal(key2, key);
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM pos_sessions"), 2);
	char order_no[24], mac[NL_POS_MAC_HEX];
	snprintf(order_no, sizeof order_no, "%lld", (long long)w.pay_no);
	struct nl_pos_callback cb = {.session = key, .order_no = order_no, .amount = "60000",
	                             .currency = "TRY", .status = "approved", .bank_ref = "B-1"};
	struct nl_pos_result r;

	/* Forged: a wrong MAC. */
	cb.mac = "00";
	assert_int_equal(nl_payment_pos_callback(&app, &cb, "203.0.113.9", T0, &r), NL_OK);
	assert_int_equal(r.outcome, NL_POS_REFUSED);
	assert_string_equal(r.reason, "bad_signature");
	/* Signed but mismatched amount. */
	cb.amount = "100";
	assert_int_equal(app.drivers.pos->sim_sign(app.drivers.pos->self, &cb, mac), NL_OK);
	cb.mac = mac;
	assert_int_equal(nl_payment_pos_callback(&app, &cb, NULL, T0, &r), NL_OK);
	assert_int_equal(r.outcome, NL_POS_REFUSED);
	assert_string_equal(r.reason, "amount_mismatch");
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM audit_log WHERE entity = 'pos_callback'"
	                           " AND action = 'refused'"), 2);
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM payments"), 0);

	/* The genuine one, then the same again. */
	cb.amount = "60000";
	assert_int_equal(app.drivers.pos->sim_sign(app.drivers.pos->self, &cb, mac), NL_OK);
	assert_int_equal(nl_payment_pos_callback(&app, &cb, NULL, T0, &r), NL_OK);
	assert_int_equal(r.outcome, NL_POS_RECORDED);
	assert_int_equal(r.order_no, w.pay_no);
	assert_int_equal(nl_payment_pos_callback(&app, &cb, NULL, T0, &r), NL_OK);
	assert_int_equal(r.outcome, NL_POS_REPLAYED);
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM payments"), 1);
	assert_int_equal(count_mail(f, "mehmet@example.org"), 1);
	assert_int_equal(status_of(f, w.pay_order), NL_ST_FORM_WAIT);
	/* Another bank reference on the closed session: refused. */
	cb.bank_ref = "B-2";
	assert_int_equal(app.drivers.pos->sim_sign(app.drivers.pos->self, &cb, mac), NL_OK);
	assert_int_equal(nl_payment_pos_callback(&app, &cb, NULL, T0, &r), NL_OK);
	assert_int_equal(r.outcome, NL_POS_REFUSED);
	assert_string_equal(r.reason, "session_closed");
	/* Nothing to pay any more. */
	assert_int_equal(nl_payment_pos_start(&app, w.pay_no, T0, key, url, sizeof url),
	                 NL_ERR_NOT_FOUND);
	nl_pos_free(app.drivers.pos);
}

static void test_import(void **state)
{
	struct fx *f = fx_get(state);
	struct world w;
	setup(f, &w);
	int64_t id2, no2;
	person_order(f, "45765846364", "gulsen@example.org", NL_PAY_PERSON, &id2, &no2, NULL);
	char csv[1024];
	snprintf(csv, sizeof csv,
	         "tarih;kanal;referans;siparis_no_veya_tckn;tutar\n"
	         "2025-11-19;atm;V-1;SD-%lld;600,00\n"        /* recorded */
	         "2025-11-19;atm;V-1;SD-%lld;600,00\n"        /* duplicate in the file */
	         "2025-11-19;atm;V-2;SD-%lld;6x0,00\n"        /* bad amount */
	         "2025-11-19;atm;V-3;SD-999999;600,00\n"      /* unknown order */
	         "2025-11-19;atm;V-4;SD-%lld;600,00\n"        /* institution-paid */
	         "2025-11-19;sube;V-5;45765846364;500,00\n"   /* not the debt */
	         "2025-11-19;sube;V-6;45765846364;600,00\n",  /* by T.C. number */
	         (long long)w.pay_no, (long long)w.pay_no, (long long)w.pay_no,
	         (long long)w.inst_no);
	struct nl_import_report rep;
	assert_int_equal(nl_payment_import(&f->app, csv, strlen(csv), "b.csv", "test", NULL, NULL, T0, &rep),
	                 NL_OK);
	assert_int_equal(rep.n, 7);
	assert_int_equal(rep.recorded, 2);
	assert_int_equal(rep.skipped, 1);
	assert_int_equal(rep.refused, 4);
	const char *want[] = {"", "duplicate", "bad_amount", "unknown_order", "no_open_debt",
	                      "amount_mismatch", ""};
	for (size_t i = 0; i < 7; i++) {
		assert_string_equal(rep.lines[i].reason, want[i]);
		assert_int_equal(rep.lines[i].line, i + 2);
	}
	assert_int_equal(rep.lines[6].order_no, no2);
	assert_int_equal(fx_int(f, "SELECT recorded FROM payment_imports"), 2);
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM audit_log WHERE entity = 'payment_import'"
	                           " AND to_state = '2 recorded, 1 skipped, 4 refused'"), 1);
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM payments WHERE import_id IS NOT NULL"), 2);
	nl_import_report_free(&rep);
	/* Again: both references skipped, nothing recorded. */
	assert_int_equal(nl_payment_import(&f->app, csv, strlen(csv), "b.csv", "test", NULL, NULL, T0, &rep),
	                 NL_OK);
	assert_int_equal(rep.recorded, 0);
	assert_int_equal(rep.skipped, 3);
	nl_import_report_free(&rep);
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM payments"), 2);
	/* A whole file refused: nothing imported, no import row. */
	const char *bad = "date;x\n1;2\n";
	assert_int_equal(nl_payment_import(&f->app, bad, strlen(bad), "x.csv", "test", NULL, NULL, T0, &rep),
	                 NL_ERR_INVALID);
	assert_string_equal(rep.file_error, "bad_header");
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM payment_imports"), 2);
}

/* One transaction: when a line fails in the middle of the file (here a
 * database error: the second order's status row is unreadable), nothing of
 * the file stays, not even the first line's payment, mail or import row. */
static void test_import_rolls_back(void **state)
{
	struct fx *f = fx_get(state);
	struct world w;
	setup(f, &w);
	int64_t id2, no2;
	person_order(f, "45765846364", "gulsen@example.org", NL_PAY_PERSON, &id2, &no2, NULL);
	/* The second order's status is not a known code: reading it fails with
	 * NL_ERR_DB in the middle of the import. */
	char sql[160];
	snprintf(sql, sizeof sql, "UPDATE orders SET status = 'broken' WHERE id = %lld",
	         (long long)id2);
	fx_exec(f, sql);
	char csv[512];
	snprintf(csv, sizeof csv,
	         "tarih;kanal;referans;siparis_no_veya_tckn;tutar\n"
	         "2025-11-19;atm;W-1;SD-%lld;600,00\n"
	         "2025-11-19;atm;W-2;SD-%lld;600,00\n",
	         (long long)w.pay_no, (long long)no2);
	struct nl_import_report rep;
	assert_int_not_equal(nl_payment_import(&f->app, csv, strlen(csv), "c.csv", "test", NULL, NULL, T0,
	                                       &rep), NL_OK);
	assert_int_equal(rep.n, 0);
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM payments"), 0);
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM payment_imports"), 0);
	assert_int_equal(status_of(f, w.pay_order), NL_ST_FORM_PAYMENT_WAIT);
	assert_int_equal(count_mail(f, "mehmet@example.org"), 0);
}

/* SPEC §7: "Başvuru Formu ve Ödeme Bekleniyor" -> (form approved) "Ödeme
 * Bekleniyor" or (paid) "Başvuru Formu Bekleniyor" -> both -> "Üretim
 * Bekleniyor", with the real approval use case; production may start only
 * when both are done (nl_payment_settled). */
static void test_combined_statuses(void **state)
{
	struct fx *f = fx_get(state);
	struct world w;
	setup(f, &w);
	static struct nl_config cfg;
	nl_config_defaults(&cfg, NL_SOURCE_ROOT "/web");
	struct nl_app app;
	pos_app(f, &app);
	app.cfg = &cfg;
	bool settled;

	/* Form first, then payment. */
	assert_int_equal(status_of(f, w.pay_order), NL_ST_FORM_PAYMENT_WAIT);
	approve(&app, w.pay_no, confirmed_version(f, w.pay_order));
	assert_int_equal(status_of(f, w.pay_order), NL_ST_PAYMENT_WAIT);
	assert_int_equal(nl_payment_settled(f->c, w.pay_order, &settled), NL_OK);
	assert_false(settled);
	struct nl_payment_input in = {.order_id = w.pay_order, .amount_kurus = 60000,
	                              .channel = "pos", .external_ref = "pos:C-1", .actor = "t"};
	assert_int_equal(nl_payment_record(f->c, &in, T0, NULL), NL_OK);
	assert_int_equal(status_of(f, w.pay_order), NL_ST_PRODUCTION_WAIT);
	assert_int_equal(nl_payment_settled(f->c, w.pay_order, &settled), NL_OK);
	assert_true(settled);

	/* Payment first, then the form. */
	int64_t id, no;
	person_order(f, "45765846364", "gulsen@example.org", NL_PAY_PERSON, &id, &no, NULL);
	in = (struct nl_payment_input){.order_id = id, .amount_kurus = 60000, .channel = "atm",
	                               .external_ref = "bank:C-2", .actor = "t"};
	assert_int_equal(nl_payment_record(f->c, &in, T0, NULL), NL_OK);
	assert_int_equal(status_of(f, id), NL_ST_FORM_WAIT);
	approve(&app, no, confirmed_version(f, id));
	assert_int_equal(status_of(f, id), NL_ST_PRODUCTION_WAIT);
	nl_pos_free(app.drivers.pos);
}

int main(void)
{
	static const struct fx_test tests[] = {
		FX_TEST(test_prices_and_debts),
		FX_TEST(test_record),
		FX_TEST(test_pos_callback),
		FX_TEST(test_import),
		FX_TEST(test_import_rolls_back),
		FX_TEST(test_combined_statuses),
	};
	return fx_main("payment_app", tests, sizeof tests / sizeof tests[0]);
}
