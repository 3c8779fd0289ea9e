/* Payment under concurrency on both engines: callbacks of one session at
 * once, one file imported several times at once, the form's approval and the
 * payment at the same moment. Each must record once and lose nothing. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/approve.h"
#include "app/payment.h"
#include "core/config.h"
#include "payment_world.h"
#include "store/store_forms.h"
#include "store/store_orders.h"
#include "store/store_audit.h"

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
	im->result = nl_payment_import(&(struct nl_app){.db = im->db}, im->csv, strlen(im->csv), "r.csv", "test", NULL, NULL, T0,
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
		FX_TEST(test_concurrent_callbacks),
		FX_TEST(test_concurrent_imports),
		FX_TEST(test_approve_and_pay_race),
	};
	return fx_main("payment_race", tests, sizeof tests / sizeof tests[0]);
}
