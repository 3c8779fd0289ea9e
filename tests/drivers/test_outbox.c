/* The durable outbox on SQLite and PostgreSQL (tests/store/fixture.h runs each
 * case on both): enqueue inside the caller's transaction, claims by concurrent
 * workers without double-sending, back-off with jitter, giving up, leases,
 * the listing for the demo page, and the worker with the simulators. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../store/fixture.h"
#include "app/outbox_worker.h"
#include "drivers/drivers.h"
#include "store/store_outbox.h"

#define T0 1800000000   /* a fixed clock: the tests pass `now` themselves */

static struct nl_outbox_policy policy(void)
{
	struct nl_outbox_policy p;
	nl_outbox_policy_defaults(&p);
	return p;
}

static int64_t enqueue_mail(struct fx *f, const char *to, int64_t now)
{
	struct nl_outbox_new m = {.channel = NL_OUTBOX_MAIL, .recipient = to,
		.subject = "Başvuru şifreniz", .body_text = "Şifre: 123", .body_html = "<p>Şifre</p>"};
	int64_t id = 0;
	assert_int_equal(nl_outbox_enqueue(f->c, &m, now, &id), NL_OK);
	assert_true(id > 0);
	return id;
}

/* ---- enqueue commits or rolls back with the caller's transaction ---- */

struct tx_arg {
	bool fail;
	int64_t id;
};

static NL_MUST_USE nl_err enqueue_in_tx(nl_conn *c, void *arg)
{
	struct tx_arg *a = arg;
	struct nl_outbox_new m = {.channel = NL_OUTBOX_SMS, .recipient = "5321234567",
		.body_text = "Kod: 482913"};
	nl_err rc = nl_outbox_enqueue(c, &m, T0, &a->id);
	if (rc != NL_OK)
		return rc;
	return a->fail ? NL_ERR_TRANSITION : NL_OK;   /* as if the state change was refused */
}

static void enqueue_follows_the_transaction(void **state)
{
	struct fx *f = fx_get(state);
	struct tx_arg a = {.fail = true};
	assert_int_equal(nl_store_run_tx(f->db, enqueue_in_tx, &a), NL_ERR_TRANSITION);
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM outbox"), 0);
	a.fail = false;
	assert_int_equal(nl_store_run_tx(f->db, enqueue_in_tx, &a), NL_OK);
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM outbox"), 1);

	struct nl_outbox_msg m;
	assert_int_equal(nl_outbox_get(f->db, a.id, &m), NL_OK);
	assert_int_equal(m.channel, NL_OUTBOX_SMS);
	assert_int_equal(m.status, NL_OUTBOX_PENDING);
	assert_string_equal(m.recipient, "5321234567");
	assert_string_equal(m.subject, "");
	assert_null(m.body_html);
	assert_null(m.last_error);
	assert_int_equal(m.attempts, 0);
	assert_int_equal(m.created_at, T0);
	assert_int_equal(m.next_attempt_at, T0);
	assert_int_equal(m.sent_at, 0);
	assert_int_equal(m.order_id, 0);
	nl_outbox_msg_free(&m);
	assert_int_equal(nl_outbox_get(f->db, a.id + 1000, &m), NL_ERR_NOT_FOUND);
}

static void enqueue_refuses_bad_input(void **state)
{
	struct fx *f = fx_get(state);
	struct nl_outbox_new m = {.channel = NL_OUTBOX_MAIL, .recipient = "", .body_text = "x"};
	assert_int_equal(nl_outbox_enqueue(f->c, &m, T0, NULL), NL_ERR_INVALID);
	m.recipient = "a@b.c";
	m.body_text = NULL;
	assert_int_equal(nl_outbox_enqueue(f->c, &m, T0, NULL), NL_ERR_INVALID);
	m.body_text = "x";
	m.channel = 7;
	assert_int_equal(nl_outbox_enqueue(f->c, &m, T0, NULL), NL_ERR_INVALID);
	m.channel = NL_OUTBOX_SMS;
	m.body_html = "<p>SMS has no HTML</p>";
	assert_int_equal(nl_outbox_enqueue(f->c, &m, T0, NULL), NL_ERR_INVALID);
	/* an order id must name an order */
	m.body_html = NULL;
	m.order_id = 999999;
	assert_int_not_equal(nl_outbox_enqueue(f->c, &m, T0, NULL), NL_OK);
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM outbox"), 0);
}

/* ---- claims ---- */

static void claim_takes_due_rows_once(void **state)
{
	struct fx *f = fx_get(state);
	struct nl_outbox_policy p = policy();
	int64_t a = enqueue_mail(f, "a@example.org", T0);
	enqueue_mail(f, "later@example.org", T0 + 100);   /* due only at T0 + 100 */

	struct nl_outbox_list l;
	assert_int_equal(nl_outbox_claim(f->db, &p, T0, &l), NL_OK);
	assert_int_equal(l.n, 1);
	assert_int_equal(l.items[0].id, a);
	assert_int_equal(l.items[0].status, NL_OUTBOX_SENDING);
	assert_int_equal(l.items[0].attempts, 1);
	assert_int_equal(l.items[0].next_attempt_at, T0 + p.lease_s);
	assert_string_equal(l.items[0].subject, "Başvuru şifreniz");
	assert_string_equal(l.items[0].body_html, "<p>Şifre</p>");
	nl_outbox_list_free(&l);

	/* claimed rows are not claimed again while the lease runs */
	assert_int_equal(nl_outbox_claim(f->db, &p, T0 + 10, &l), NL_OK);
	assert_int_equal(l.n, 0);
	nl_outbox_list_free(&l);

	assert_int_equal(nl_outbox_mark_sent(f->db, a, T0 + 1), NL_OK);
	assert_int_equal(nl_outbox_mark_sent(f->db, a, T0 + 2), NL_ERR_CONFLICT);
	struct nl_outbox_msg m;
	assert_int_equal(nl_outbox_get(f->db, a, &m), NL_OK);
	assert_int_equal(m.status, NL_OUTBOX_SENT);
	assert_int_equal(m.sent_at, T0 + 1);
	nl_outbox_msg_free(&m);

	/* the second row becomes due */
	assert_int_equal(nl_outbox_claim(f->db, &p, T0 + 100, &l), NL_OK);
	assert_int_equal(l.n, 1);
	assert_string_equal(l.items[0].recipient, "later@example.org");
	nl_outbox_list_free(&l);
}

static void claim_respects_batch_size(void **state)
{
	struct fx *f = fx_get(state);
	struct nl_outbox_policy p = policy();
	p.batch = 3;
	for (int i = 0; i < 7; i++)
		enqueue_mail(f, "x@example.org", T0);
	struct nl_outbox_list l;
	size_t sizes[4];
	for (int i = 0; i < 4; i++) {
		assert_int_equal(nl_outbox_claim(f->db, &p, T0, &l), NL_OK);
		sizes[i] = l.n;
		nl_outbox_list_free(&l);
	}
	assert_int_equal(sizes[0], 3);
	assert_int_equal(sizes[1], 3);
	assert_int_equal(sizes[2], 1);
	assert_int_equal(sizes[3], 0);
}

static void expired_lease_is_claimed_again(void **state)
{
	struct fx *f = fx_get(state);
	struct nl_outbox_policy p = policy();
	int64_t id = enqueue_mail(f, "a@example.org", T0);
	struct nl_outbox_list first, second;
	assert_int_equal(nl_outbox_claim(f->db, &p, T0, &first), NL_OK);
	assert_int_equal(first.n, 1);
	/* the first worker dies; after the lease another one takes the row */
	assert_int_equal(nl_outbox_claim(f->db, &p, T0 + p.lease_s, &second), NL_OK);
	assert_int_equal(second.n, 1);
	assert_int_equal(second.items[0].id, id);
	assert_int_equal(second.items[0].attempts, 2);
	/* the first worker's late failure report no longer counts */
	assert_int_equal(nl_outbox_mark_failed(f->db, &p, id, first.items[0].attempts, "late",
		false, T0 + p.lease_s + 1, NULL), NL_ERR_CONFLICT);
	assert_int_equal(nl_outbox_mark_sent(f->db, id, T0 + p.lease_s + 2), NL_OK);
	nl_outbox_list_free(&first);
	nl_outbox_list_free(&second);
}

/* ---- back-off and giving up ---- */

static void backoff_grows_with_jitter_and_cap(void **state)
{
	fx_get(state);
	struct nl_outbox_policy p = policy();
	p.backoff_base_s = 30;
	p.backoff_max_s = 600;
	/* attempts 1..: steps 30, 60, 120, 240, 480, 600, 600; jitter within [step/2, step] */
	const int64_t steps[] = {30, 60, 120, 240, 480, 600, 600, 600};
	for (int a = 1; a <= 8; a++) {
		int64_t s = steps[a - 1];
		assert_int_equal(nl_outbox_backoff(&p, a, 0), s - s / 2);
		assert_int_equal(nl_outbox_backoff(&p, a, UINT32_MAX), s - s / 2 + (int64_t)(UINT32_MAX % (uint64_t)(s / 2 + 1)));
		for (uint32_t r = 0; r < 2000; r += 37) {
			int64_t d = nl_outbox_backoff(&p, a, r);
			assert_true(d >= s - s / 2 && d <= s);
		}
	}
	assert_int_equal(nl_outbox_backoff(&p, 1000, 12345) <= 600, true);
}

static void failure_backs_off_then_gives_up(void **state)
{
	struct fx *f = fx_get(state);
	struct nl_outbox_policy p = policy();
	p.max_attempts = 3;
	p.backoff_base_s = 60;
	p.backoff_max_s = 3600;
	int64_t id = enqueue_mail(f, "a@example.org", T0);
	int64_t now = T0;
	for (int attempt = 1; attempt <= 3; attempt++) {
		struct nl_outbox_list l;
		assert_int_equal(nl_outbox_claim(f->db, &p, now, &l), NL_OK);
		assert_int_equal(l.n, 1);
		assert_int_equal(l.items[0].attempts, attempt);
		enum nl_outbox_status st = 0;
		assert_int_equal(nl_outbox_mark_failed(f->db, &p, id, attempt, "smtp: 451 try later",
			false, now, &st), NL_OK);
		nl_outbox_list_free(&l);

		struct nl_outbox_msg m;
		assert_int_equal(nl_outbox_get(f->db, id, &m), NL_OK);
		assert_string_equal(m.last_error, "smtp: 451 try later");
		if (attempt < 3) {
			int64_t step = 60 << (attempt - 1);
			assert_int_equal(st, NL_OUTBOX_PENDING);
			assert_int_equal(m.status, NL_OUTBOX_PENDING);
			assert_true(m.next_attempt_at >= now + step / 2 && m.next_attempt_at <= now + step);
			/* not due before the back-off ends */
			assert_int_equal(nl_outbox_claim(f->db, &p, m.next_attempt_at - 1, &l), NL_OK);
			assert_int_equal(l.n, 0);
			nl_outbox_list_free(&l);
			now = m.next_attempt_at;
		} else {
			assert_int_equal(st, NL_OUTBOX_FAILED);
			assert_int_equal(m.status, NL_OUTBOX_FAILED);
		}
		nl_outbox_msg_free(&m);
	}
	/* failed for good: never claimed again */
	struct nl_outbox_list l;
	assert_int_equal(nl_outbox_claim(f->db, &p, now + 86400 * 30, &l), NL_OK);
	assert_int_equal(l.n, 0);
	nl_outbox_list_free(&l);
}

static void permanent_failure_gives_up_at_once(void **state)
{
	struct fx *f = fx_get(state);
	struct nl_outbox_policy p = policy();
	int64_t id = enqueue_mail(f, "reject@example.org", T0);
	struct nl_outbox_list l;
	assert_int_equal(nl_outbox_claim(f->db, &p, T0, &l), NL_OK);
	enum nl_outbox_status st = 0;
	assert_int_equal(nl_outbox_mark_failed(f->db, &p, id, 1, "550 no such mailbox", true, T0,
		&st), NL_OK);
	assert_int_equal(st, NL_OUTBOX_FAILED);
	nl_outbox_list_free(&l);
	int64_t counts[5];
	assert_int_equal(nl_outbox_counts(f->db, counts), NL_OK);
	assert_int_equal(counts[NL_OUTBOX_FAILED], 1);
	assert_int_equal(counts[NL_OUTBOX_PENDING], 0);
}

/* ---- concurrent workers ---- */

#define N_MSG 60

struct counting_driver {
	pthread_mutex_t lock;
	int sends[N_MSG];
	int fail_every;   /* every n-th send fails (0 = never) */
	int calls;
};

static NL_MUST_USE nl_err counting_send(void *self, const struct nl_mail_msg *m, struct nl_drv_error *e)
{
	struct counting_driver *d = self;
	int i = atoi(m->to + 1);   /* "u<i>@example.org" */
	pthread_mutex_lock(&d->lock);
	int call = ++d->calls;
	bool fail = d->fail_every && call % d->fail_every == 0;
	if (!fail && i >= 0 && i < N_MSG)
		d->sends[i]++;
	pthread_mutex_unlock(&d->lock);
	usleep(2000);   /* a send takes time: lets the other worker interleave */
	if (fail)
		return nl_drv_fail(e, NL_ERR_IO, "injected failure");
	return NL_OK;
}

struct worker_arg {
	pthread_barrier_t *start;
	const struct nl_app *app;   /* the database and the drivers */
	int64_t now;
	size_t claimed;
	nl_err rc;
};

static void *worker(void *p)
{
	struct worker_arg *w = p;
	nl_conn *c;
	/* Both connect first, then start together: connecting to PostgreSQL
	 * takes longer than sending the whole queue. */
	w->rc = nl_db_conn(w->app->db, &c);
	pthread_barrier_wait(w->start);
	for (int round = 0; round < 200 && w->rc == NL_OK; round++) {
		struct nl_outbox_stats st;
		w->rc = nl_outbox_run_once_stats(w->app, w->now, &st);
		if (w->rc != NL_OK)
			break;
		w->claimed += st.claimed;
		if (st.claimed == 0)
			break;
	}
	nl_db_thread_done(w->app->db);
	return NULL;
}

static void two_workers_never_send_twice(void **state)
{
	struct fx *f = fx_get(state);
	struct counting_driver d = {.lock = PTHREAD_MUTEX_INITIALIZER};
	nl_mailer mailer = {.name = "counting", .self = &d, .send = counting_send};
	struct nl_drivers drivers = {.mail = &mailer};
	nl_outbox_policy_defaults(&drivers.outbox);
	drivers.outbox.batch = 4;
	for (int i = 0; i < N_MSG; i++) {
		char to[64];
		snprintf(to, sizeof to, "u%d@example.org", i);
		enqueue_mail(f, to, T0);
	}
	pthread_barrier_t start;
	pthread_barrier_init(&start, NULL, 2);
	struct nl_app app = {.cfg = f->app.cfg, .db = f->db, .drivers = drivers};
	struct worker_arg w1 = {.start = &start, .app = &app, .now = T0};
	struct worker_arg w2 = w1;
	pthread_t t1, t2;
	assert_int_equal(pthread_create(&t1, NULL, worker, &w1), 0);
	assert_int_equal(pthread_create(&t2, NULL, worker, &w2), 0);
	pthread_join(t1, NULL);
	pthread_join(t2, NULL);
	pthread_barrier_destroy(&start);
	assert_int_equal(w1.rc, NL_OK);
	assert_int_equal(w2.rc, NL_OK);
	for (int i = 0; i < N_MSG; i++)
		assert_int_equal(d.sends[i], 1);
	assert_int_equal(w1.claimed + w2.claimed, N_MSG);
	/* both took part (batches of 4 with a pause per send interleave) */
	assert_true(w1.claimed > 0 && w2.claimed > 0);
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM outbox WHERE status = 'sent'"), N_MSG);
}

static void worker_with_failures_and_simulators(void **state)
{
	struct fx *f = fx_get(state);
	struct counting_driver d = {.lock = PTHREAD_MUTEX_INITIALIZER, .fail_every = 3};
	nl_mailer mailer = {.name = "counting", .self = &d, .send = counting_send};
	struct nl_drivers drivers = {.mail = &mailer};
	nl_outbox_policy_defaults(&drivers.outbox);
	assert_int_equal(nl_sms_sim_new(&drivers.sms), NL_OK);
	for (int i = 0; i < 6; i++) {
		char to[64];
		snprintf(to, sizeof to, "u%d@example.org", i);
		enqueue_mail(f, to, T0);
	}
	struct nl_outbox_new sms = {.channel = NL_OUTBOX_SMS, .recipient = "5321234567",
		.body_text = "SMS Onay Kodunuz: 482913"};
	assert_int_equal(nl_outbox_enqueue(f->c, &sms, T0, NULL), NL_OK);
	sms.recipient = "12";   /* the simulator refuses it for good */
	assert_int_equal(nl_outbox_enqueue(f->c, &sms, T0, NULL), NL_OK);

	struct nl_app app = {.cfg = f->app.cfg, .db = f->db, .drivers = drivers};
	struct nl_outbox_stats st;
	assert_int_equal(nl_outbox_run_once_stats(&app, T0, &st), NL_OK);
	assert_int_equal(st.claimed, 8);
	assert_int_equal(st.sent, 5);      /* 4 mails (calls 3 and 6 fail) + 1 SMS */
	assert_int_equal(st.retried, 2);
	assert_int_equal(st.failed, 1);
	assert_int_equal(nl_sms_sim_count(drivers.sms), 1);

	/* nothing due until the back-off ends; then the two retries go out */
	assert_int_equal(nl_outbox_run_once_stats(&app, T0 + 1, &st), NL_OK);
	assert_int_equal(st.claimed, 0);
	d.fail_every = 0;
	assert_int_equal(nl_outbox_run_once(&app, T0 + drivers.outbox.backoff_base_s), NL_OK);
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM outbox WHERE status = 'sent'"), 7);
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM outbox WHERE status = 'failed'"), 1);
	for (int i = 0; i < 6; i++)
		assert_int_equal(d.sends[i], 1);

	/* the listing for the demo page: newest first, filters */
	struct nl_outbox_list l;
	assert_int_equal(nl_outbox_list(f->db, NULL, &l), NL_OK);
	assert_int_equal(l.n, 8);
	assert_true(l.items[0].id > l.items[7].id);
	assert_int_equal(l.items[0].channel, NL_OUTBOX_SMS);
	assert_int_equal(l.items[0].status, NL_OUTBOX_FAILED);
	nl_outbox_list_free(&l);
	struct nl_outbox_filter flt = {.channel = NL_OUTBOX_SMS, .status = NL_OUTBOX_SENT};
	assert_int_equal(nl_outbox_list(f->db, &flt, &l), NL_OK);
	assert_int_equal(l.n, 1);
	assert_string_equal(l.items[0].body_text, "SMS Onay Kodunuz: 482913");
	nl_outbox_list_free(&l);
	struct nl_outbox_filter by_to = {.recipient = "u2@example.org"};
	assert_int_equal(nl_outbox_list(f->db, &by_to, &l), NL_OK);
	assert_int_equal(l.n, 1);
	nl_outbox_list_free(&l);
	struct nl_outbox_filter page = {.limit = 3, .offset = 6};
	assert_int_equal(nl_outbox_list(f->db, &page, &l), NL_OK);
	assert_int_equal(l.n, 2);
	nl_outbox_list_free(&l);
	nl_sms_free(drivers.sms);
}

struct loop_arg {
	const struct nl_app *app;
	atomic_bool stop;
};

static void *loop_thread(void *p)
{
	struct loop_arg *a = p;
	nl_outbox_worker_loop(a->app, &a->stop, 50);
	return NULL;
}

/* The thread body nitelikd runs: picks up what is enqueued, stops on request. */
static void worker_loop_sends_and_stops(void **state)
{
	struct fx *f = fx_get(state);
	struct counting_driver d = {.lock = PTHREAD_MUTEX_INITIALIZER};
	nl_mailer mailer = {.name = "counting", .self = &d, .send = counting_send};
	struct nl_drivers drivers = {.mail = &mailer};
	nl_outbox_policy_defaults(&drivers.outbox);
	struct nl_app app = {.cfg = f->app.cfg, .db = f->db, .drivers = drivers};
	struct loop_arg a = {.app = &app};
	atomic_init(&a.stop, false);
	pthread_t t;
	assert_int_equal(pthread_create(&t, NULL, loop_thread, &a), 0);
	usleep(120 * 1000);   /* the loop idles first: nothing is due */
	int64_t now = (int64_t)time(NULL);
	for (int i = 0; i < 3; i++) {
		char to[64];
		snprintf(to, sizeof to, "u%d@example.org", i);
		enqueue_mail(f, to, now);
	}
	int64_t sent = 0;
	for (int tries = 0; tries < 100 && sent < 3; tries++) {
		usleep(50 * 1000);
		sent = fx_int(f, "SELECT COUNT(*) FROM outbox WHERE status = 'sent'");
	}
	atomic_store(&a.stop, true);
	pthread_join(t, NULL);
	assert_int_equal(sent, 3);
	for (int i = 0; i < 3; i++)
		assert_int_equal(d.sends[i], 1);
}

static void order_link_and_filter(void **state)
{
	struct fx *f = fx_get(state);
	fx_exec(f, "INSERT INTO persons (id_kind, id_number, given_name, surname, created_at,"
		" updated_at) VALUES ('tckn', '10000000146', 'İSMAİL', 'ÇAĞLAYAN', 1, 1)");
	int64_t person = fx_int(f, "SELECT id FROM persons");
	char sql[512];
	snprintf(sql, sizeof sql, "INSERT INTO orders (order_no, person_id, reason, payment_type,"
		" status, created_at, updated_at) VALUES (100001, %lld, 'first', 'institution',"
		" 'form_wait', 1, 1)", (long long)person);
	fx_exec(f, sql);
	int64_t order = fx_int(f, "SELECT id FROM orders");
	struct nl_outbox_new m = {.channel = NL_OUTBOX_MAIL, .recipient = "a@example.org",
		.subject = "s", .body_text = "t", .order_id = order};
	assert_int_equal(nl_outbox_enqueue(f->c, &m, T0, NULL), NL_OK);
	enqueue_mail(f, "b@example.org", T0);
	struct nl_outbox_filter flt = {.order_id = order};
	struct nl_outbox_list l;
	assert_int_equal(nl_outbox_list(f->db, &flt, &l), NL_OK);
	assert_int_equal(l.n, 1);
	assert_int_equal(l.items[0].order_id, order);
	nl_outbox_list_free(&l);
}

static void policy_config(void **state)
{
	fx_get(state);
	struct nl_outbox_policy p = policy();
	assert_int_equal(nl_outbox_policy_set(&p, "max_attempts", "5"), NL_OK);
	assert_int_equal(p.max_attempts, 5);
	assert_int_equal(nl_outbox_policy_set(&p, "max_attempts", "0"), NL_ERR_CONFIG);
	assert_int_equal(nl_outbox_policy_set(&p, "batch", "ten"), NL_ERR_CONFIG);
	assert_int_equal(nl_outbox_policy_set(&p, "colour", "1"), NL_ERR_NOT_FOUND);
	struct nl_drivers_config dc;
	nl_drivers_config_defaults(&dc);
	assert_int_equal(nl_drivers_config_set(&dc, "outbox", "lease_s", "120"), NL_OK);
	assert_int_equal(dc.outbox.lease_s, 120);
	assert_int_equal(nl_drivers_config_set(&dc, "mail", "from", "a@b.c"), NL_OK);
	assert_int_equal(nl_drivers_config_set(&dc, "fax", "x", "y"), NL_ERR_NOT_FOUND);
	assert_true(nl_drivers_config_section("registry"));
	assert_false(nl_drivers_config_section("server"));
	struct nl_drivers d;
	const char *why = NULL;
	assert_int_equal(nl_drivers_open(&dc, &d, &why), NL_OK);
	assert_string_equal(d.mail->name, "simulator");
	assert_string_equal(d.sms->name, "simulator");
	assert_string_equal(d.registry->name, "simulator");
	assert_int_equal(d.outbox.lease_s, 120);
	nl_drivers_close(&d);
	assert_int_equal(nl_drivers_config_set(&dc, "registry", "data_file", "/nonexistent"), NL_OK);
	assert_int_not_equal(nl_drivers_open(&dc, &d, &why), NL_OK);
	assert_string_equal(why, "registry");
	assert_null(d.mail);
}

int main(void)
{
	static const struct fx_test tests[] = {
		FX_TEST(enqueue_follows_the_transaction),
		FX_TEST(enqueue_refuses_bad_input),
		FX_TEST(claim_takes_due_rows_once),
		FX_TEST(claim_respects_batch_size),
		FX_TEST(expired_lease_is_claimed_again),
		FX_TEST(backoff_grows_with_jitter_and_cap),
		FX_TEST(failure_backs_off_then_gives_up),
		FX_TEST(permanent_failure_gives_up_at_once),
		FX_TEST(two_workers_never_send_twice),
		FX_TEST(worker_with_failures_and_simulators),
		FX_TEST(worker_loop_sends_and_stops),
		FX_TEST(order_link_and_filter),
		FX_TEST(policy_config),
	};
	return fx_main("drivers_outbox", tests, sizeof tests / sizeof tests[0]);
}
