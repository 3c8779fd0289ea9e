/* Payment's use cases on both engines (src/app/payment*.c): prices by time,
 * debts (default product, the form version's product fixed at submission),
 * nl_payment_record (status, audit, outbox, recorded once), settled for
 * production, the POS callback (recorded, replayed, forged, mismatched, each
 * refusal audited) and the reconciliation import (one transaction, report). */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/approve.h"
#include "app/payment.h"
#include "core/config.h"
#include "core/secret.h"
#include "fixture.h"
#include "store/store_audit.h"
#include "store/store_forms.h"
#include "store/store_orders.h"
#include "store/store_outbox.h"
#include "store/store_persons.h"

#define T0 1763600000   /* 2025-11-20: the tests' clock */
#define SECRET "store-test-pos-secret-123456"

struct world {
	int64_t inst_order, pay_order;     /* order ids */
	int64_t inst_no, pay_no;           /* order numbers */
	int64_t person;                    /* the person-paid order's person */
};

static void person_order(struct fx *f, const char *tckn, const char *email,
                         enum nl_payment_type pt, int64_t *id, int64_t *no, int64_t *pid)
{
	char idn[12], mail[64];
	snprintf(idn, sizeof idn, "%s", tckn);
	snprintf(mail, sizeof mail, "%s", email);
	struct nl_person p = {.id_kind = NL_ID_TCKN, .id_number = idn,
	                      .passport_country = "", .given_name = "MEHMET", .surname = "ÖZTÜRK",
	                      .email = mail, .mobile = "5337654321"};
	assert_int_equal(nl_store_person_create(f->c, &p), NL_OK);
	struct nl_order o = {.person_id = p.id, .reason = NL_REASON_FIRST, .payment_type = pt};
	assert_int_equal(nl_store_order_create(f->c, &o, "test"), NL_OK);
	*id = o.id;
	*no = o.order_no;
	if (pid)
		*pid = p.id;
}

static void setup(struct fx *f, struct world *w)
{
	nl_secret_init();
	person_order(f, "64172043210", "ayse@example.org", NL_PAY_INSTITUTION, &w->inst_order,
	             &w->inst_no, NULL);
	person_order(f, "57855534068", "mehmet@example.org", NL_PAY_PERSON, &w->pay_order,
	             &w->pay_no, &w->person);
	assert_int_equal(nl_payment_seed_demo_prices(f->db, T0), NL_OK);
}

static int64_t count_mail(struct fx *f, const char *to)
{
	struct nl_outbox_list l = {0};
	struct nl_outbox_filter flt = {.recipient = to, .limit = 100};
	assert_int_equal(nl_outbox_list(f->db, &flt, &l), NL_OK);
	int64_t n = 0;
	for (size_t i = 0; i < l.n; i++)
		n += strstr(l.items[i].subject ? l.items[i].subject : "", "Ödemeniz alındı") != NULL;
	nl_outbox_list_free(&l);
	return n;
}

static enum nl_order_status status_of(struct fx *f, int64_t id)
{
	struct nl_order o;
	assert_int_equal(nl_store_order_get(f->c, id, &o), NL_OK);
	enum nl_order_status s = o.status;
	nl_order_clear(&o);
	return s;
}

static void test_prices_and_debts(void **state)
{
	struct fx *f = fx_get(state);
	struct world w;
	setup(f, &w);
	/* The seed runs once. */
	assert_int_equal(nl_payment_seed_demo_prices(f->db, T0 + 1), NL_OK);
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
	assert_int_equal(nl_payment_price_set(f->db, 3, "mini", 250000, 2000, "user:1", T0 + 200),
	                 NL_OK);
	assert_int_equal(nl_payment_price_set(f->db, 1, "none", 70000, 1000, "user:1", T0 + 200),
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
	assert_int_equal(nl_payment_price_set(f->db, 4, "mini", 1, 0, "user:1", T0), NL_ERR_INVALID);
	assert_int_equal(nl_payment_price_set(f->db, 1, "big", 1, 0, "user:1", T0), NL_ERR_INVALID);
	assert_int_equal(nl_payment_price_set(f->db, 1, "mini", 1, 10001, "user:1", T0),
	                 NL_ERR_INVALID);

	/* Look-up by T.C. number: one debt; unknown and institution-paid: none. */
	struct nl_debt *list;
	size_t n;
	assert_int_equal(nl_payment_debts_by_tckn(f->db, "57855534068", T0, &list, &n), NL_OK);
	assert_int_equal(n, 1);
	assert_int_equal(list[0].order_no, w.pay_no);
	free(list);
	assert_int_equal(nl_payment_debts_by_tckn(f->db, "10000000146", T0, &list, &n), NL_OK);
	assert_int_equal(n, 0);
	assert_int_equal(nl_payment_debts_by_tckn(f->db, "64172043210", T0, &list, &n), NL_OK);
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
	                               .external_ref = "pos:T-1", .actor = "test"};
	assert_int_equal(nl_payment_record(f->c, &in, T0, &res), NL_OK);
	assert_int_equal(res.to, NL_ST_PRODUCTION_WAIT);
	assert_int_equal(status_of(f, id), NL_ST_PRODUCTION_WAIT);
	assert_int_equal(count_mail(f, "gulsen.form@example.org"), 1);
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM outbox WHERE channel = 'sms'"
	                           " AND recipient = '5321234567'"), 1);
}

static void pos_app(struct fx *f, struct nl_app *app)
{
	memset(app, 0, sizeof *app);
	app->db = f->db;
	struct nl_pos_config pc;
	nl_pos_config_defaults(&pc);
	assert_int_equal(nl_pos_config_set(&pc, "secret", SECRET), NL_OK);
	assert_int_equal(nl_pos_open(&pc, &app->drivers.pos), NL_OK);
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
	assert_int_equal(nl_payment_import(f->db, csv, strlen(csv), "b.csv", "test", NULL, T0, &rep),
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
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM payments WHERE import_id IS NOT NULL"), 2);
	nl_import_report_free(&rep);
	/* Again: both references skipped, nothing recorded. */
	assert_int_equal(nl_payment_import(f->db, csv, strlen(csv), "b.csv", "test", NULL, T0, &rep),
	                 NL_OK);
	assert_int_equal(rep.recorded, 0);
	assert_int_equal(rep.skipped, 3);
	nl_import_report_free(&rep);
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM payments"), 2);
	/* A whole file refused: nothing imported, no import row. */
	const char *bad = "date;x\n1;2\n";
	assert_int_equal(nl_payment_import(f->db, bad, strlen(bad), "x.csv", "test", NULL, T0, &rep),
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
	assert_int_not_equal(nl_payment_import(f->db, csv, strlen(csv), "c.csv", "test", NULL, T0,
	                                       &rep), NL_OK);
	assert_int_equal(rep.n, 0);
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM payments"), 0);
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM payment_imports"), 0);
	assert_int_equal(status_of(f, w.pay_order), NL_ST_FORM_PAYMENT_WAIT);
	assert_int_equal(count_mail(f, "mehmet@example.org"), 0);
}

struct racer {
	struct nl_app *app;
	struct nl_pos_callback cb;
	char ref[16], mac[NL_POS_MAC_HEX];
	nl_err result;
	struct nl_pos_result res;
};

static void *race(void *arg)
{
	struct racer *r = arg;
	r->result = nl_payment_pos_callback(r->app, &r->cb, NULL, T0, &r->res);
	nl_db_thread_done(r->app->db);
	return NULL;
}

/* Callbacks of one session arriving at the same moment: the same approved
 * callback N times records once (the others are replays); N approvals with
 * different bank references record once (the others are refused). */
static void test_concurrent_callbacks(void **state)
{
	struct fx *f = fx_get(state);
	struct world w;
	setup(f, &w);
	struct nl_app app;
	pos_app(f, &app);
	enum { N = 8 };
	for (int round = 0; round < 2; round++) {
		int64_t id = w.pay_order, no = w.pay_no;
		if (round == 1)
			person_order(f, "45765846364", "gulsen@example.org", NL_PAY_PERSON, &id, &no, NULL);
		char key[NL_POS_KEY_LEN + 1], url[128], order_no[24];
		assert_int_equal(nl_payment_pos_start(&app, no, T0, key, url, sizeof url), NL_OK);
		snprintf(order_no, sizeof order_no, "%lld", (long long)no);
		struct racer r[N];
		pthread_t th[N];
		for (int i = 0; i < N; i++) {
			memset(&r[i], 0, sizeof r[i]);
			r[i].app = &app;
			snprintf(r[i].ref, sizeof r[i].ref, "R%d-%d", round, round ? i : 0);
			r[i].cb = (struct nl_pos_callback){.session = key, .order_no = order_no,
			                                   .amount = "60000", .currency = "TRY",
			                                   .status = "approved", .bank_ref = r[i].ref,
			                                   .mac = r[i].mac};
			assert_int_equal(app.drivers.pos->sim_sign(app.drivers.pos->self, &r[i].cb,
			                                           r[i].mac), NL_OK);
		}
		for (int i = 0; i < N; i++)
			assert_int_equal(pthread_create(&th[i], NULL, race, &r[i]), 0);
		int recorded = 0, replayed = 0, refused = 0;
		for (int i = 0; i < N; i++) {
			pthread_join(th[i], NULL);
			assert_int_equal(r[i].result, NL_OK);
			recorded += r[i].res.outcome == NL_POS_RECORDED;
			replayed += r[i].res.outcome == NL_POS_REPLAYED;
			refused += r[i].res.outcome == NL_POS_REFUSED;
		}
		assert_int_equal(recorded, 1);
		assert_int_equal(round ? refused : replayed, N - 1);
		char sql[96];
		snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM payments WHERE order_id = %lld",
		         (long long)id);
		assert_int_equal(fx_int(f, sql), 1);
	}
	assert_int_equal(count_mail(f, "mehmet@example.org"), 1);
	assert_int_equal(count_mail(f, "gulsen@example.org"), 1);
	int64_t bad_seq = 0;
	assert_int_equal(nl_store_audit_verify_n(f->db, &bad_seq, NULL), NL_OK);
	nl_pos_free(app.drivers.pos);
}

struct importer {
	nl_db *db;
	const char *csv;
	nl_err result;
	int64_t recorded, skipped;
};

static void *import_race(void *arg)
{
	struct importer *im = arg;
	struct nl_import_report rep;
	im->result = nl_payment_import(im->db, im->csv, strlen(im->csv), "r.csv", "test", NULL, T0,
	                               &rep);
	im->recorded = rep.recorded;
	im->skipped = rep.skipped;
	nl_import_report_free(&rep);
	nl_db_thread_done(im->db);
	return NULL;
}

/* The same file imported four times at once: every import succeeds, the two
 * payments are recorded once in all, the others report them as duplicates. */
static void test_concurrent_imports(void **state)
{
	struct fx *f = fx_get(state);
	struct world w;
	setup(f, &w);
	int64_t id2, no2;
	person_order(f, "45765846364", "gulsen@example.org", NL_PAY_PERSON, &id2, &no2, NULL);
	char csv[512];
	snprintf(csv, sizeof csv,
	         "tarih;kanal;referans;siparis_no_veya_tckn;tutar\n"
	         "2025-11-19;atm;X-1;SD-%lld;600,00\n"
	         "2025-11-19;atm;X-2;SD-%lld;600,00\n", (long long)w.pay_no, (long long)no2);
	enum { N = 4 };
	struct importer im[N];
	pthread_t th[N];
	for (int i = 0; i < N; i++) {
		im[i] = (struct importer){.db = f->db, .csv = csv};
		assert_int_equal(pthread_create(&th[i], NULL, import_race, &im[i]), 0);
	}
	int64_t recorded = 0, skipped = 0;
	for (int i = 0; i < N; i++) {
		pthread_join(th[i], NULL);
		assert_int_equal(im[i].result, NL_OK);
		recorded += im[i].recorded;
		skipped += im[i].skipped;
	}
	assert_int_equal(recorded, 2);
	assert_int_equal(skipped, 2 * N - 2);
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM payments"), 2);
	assert_int_equal(count_mail(f, "mehmet@example.org"), 1);
}

/* A submitted and SMS-confirmed version of order id, ready for approval. */
static int64_t confirmed_version(struct fx *f, int64_t order_id)
{
	struct nl_form fm = {.order_id = order_id, .period_years = 1, .card_reader = "none",
	                     .info_channel = "email", .email = "form@example.org",
	                     .mobile = "5321234567", .reason = "first", .publish = "no"};
	assert_int_equal(nl_store_form_submit(f->c, &fm, T0, NULL), NL_OK);
	assert_int_equal(nl_store_form_set_status(f->c, fm.id, NL_FORM_SUBMITTED,
	                                          NL_FORM_SMS_CONFIRMED, T0), NL_OK);
	return fm.version;
}

static void approve(struct nl_app *app, int64_t order_no, int64_t version)
{
	struct nl_approve_req q = {.order_no = order_no, .version = version,
	                           .method = NL_APPROVE_ISLAK, .actor = "user:2",
	                           .evidence = "wet:TEST", .now = T0};
	struct nl_approve_result res;
	assert_int_equal(nl_approve_form(app, &q, &res), NL_OK);
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

struct dual {
	struct nl_app *app;
	int64_t order_id, order_no, version;
	nl_err approve_rc, pay_rc;
};

static void *dual_approve(void *arg)
{
	struct dual *d = arg;
	struct nl_approve_req q = {.order_no = d->order_no, .version = d->version,
	                           .method = NL_APPROVE_ISLAK, .actor = "user:2", .now = T0};
	d->approve_rc = nl_approve_form(d->app, &q, NULL);
	nl_db_thread_done(d->app->db);
	return NULL;
}

static void *dual_pay(void *arg)
{
	struct dual *d = arg;
	char ref[32];
	snprintf(ref, sizeof ref, "pos:D-%lld", (long long)d->order_no);
	struct nl_payment_input in = {.order_id = d->order_id, .amount_kurus = 60000,
	                              .channel = "pos", .external_ref = ref, .actor = "t"};
	nl_conn *c;
	d->pay_rc = nl_db_conn(d->app->db, &c);
	if (d->pay_rc == NL_OK)
		d->pay_rc = nl_payment_record(c, &in, T0, NULL);
	nl_db_thread_done(d->app->db);
	return NULL;
}

/* The form approved and the payment recorded at the same moment, on several
 * orders: both land every time and every order ends in Üretim Bekleniyor. */
static void test_approve_and_pay_race(void **state)
{
	struct fx *f = fx_get(state);
	struct world w;
	setup(f, &w);
	static struct nl_config cfg;
	nl_config_defaults(&cfg, NL_SOURCE_ROOT "/web");
	struct nl_app app;
	pos_app(f, &app);
	app.cfg = &cfg;
	enum { N = 5 };
	static const char *const ids[N] = {"10000000146", "10000000214", "10000000382",
	                                   "10000000450", "10000000528"};
	struct dual d[N];
	pthread_t th[2 * N];
	for (int i = 0; i < N; i++) {
		d[i] = (struct dual){.app = &app};
		char mail[32];
		snprintf(mail, sizeof mail, "p%d@example.org", i);
		person_order(f, ids[i], mail, NL_PAY_PERSON, &d[i].order_id, &d[i].order_no, NULL);
		d[i].version = confirmed_version(f, d[i].order_id);
	}
	for (int i = 0; i < N; i++) {
		assert_int_equal(pthread_create(&th[2 * i], NULL, dual_approve, &d[i]), 0);
		assert_int_equal(pthread_create(&th[2 * i + 1], NULL, dual_pay, &d[i]), 0);
	}
	for (int i = 0; i < 2 * N; i++)
		pthread_join(th[i], NULL);
	for (int i = 0; i < N; i++) {
		assert_int_equal(d[i].approve_rc, NL_OK);
		assert_int_equal(d[i].pay_rc, NL_OK);
		assert_int_equal(status_of(f, d[i].order_id), NL_ST_PRODUCTION_WAIT);
	}
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
		FX_TEST(test_concurrent_callbacks),
		FX_TEST(test_concurrent_imports),
		FX_TEST(test_approve_and_pay_race),
	};
	return fx_main("payment_app", tests, sizeof tests / sizeof tests[0]);
}
