/* Orders: creation with numbers and audit, lists and search, status changes by
 * the transition table, and many threads creating at once. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "store/store_audit.h"
#include "store/store_institutions.h"
#include "store/store_orders.h"
#include "store/store_persons.h"

struct world {
	int64_t inst, other_inst, ali, veli;
};

static void make_world(struct fx *f, struct world *w)
{
	struct nl_institution a = {.name = "Kurum A", .active = true};
	struct nl_institution b = {.name = "Kurum B", .active = true};
	struct nl_person p1 = {.id_kind = NL_ID_TCKN, .id_number = "10000000146",
	                       .given_name = "Ali", .surname = "Yılmaz"};
	struct nl_person p2 = {.id_kind = NL_ID_TCKN, .id_number = "10000000078",
	                       .given_name = "Veli", .surname = "Demir_100%"};
	assert_int_equal(nl_store_institution_create(f->c, &a), NL_OK);
	assert_int_equal(nl_store_institution_create(f->c, &b), NL_OK);
	assert_int_equal(nl_store_person_create(f->c, &p1), NL_OK);
	assert_int_equal(nl_store_person_create(f->c, &p2), NL_OK);
	*w = (struct world){a.id, b.id, p1.id, p2.id};
}

static struct nl_order new_order(int64_t person, int64_t inst, enum nl_payment_type pay)
{
	return (struct nl_order){.person_id = person, .institution_id = inst,
	                         .reason = NL_REASON_FIRST, .payment_type = pay,
	                         .backup_cert = true, .access_password_hash = "$argon2id$pw"};
}

static void test_create_and_get(void **state)
{
	struct fx *f = fx_get(state);
	struct world w;
	make_world(f, &w);
	struct nl_order o1 = new_order(w.ali, w.inst, NL_PAY_INSTITUTION);
	struct nl_order o2 = new_order(w.ali, w.inst, NL_PAY_PERSON);
	assert_int_equal(nl_store_order_create(f->c, &o1, "user:1"), NL_OK);
	assert_int_equal(nl_store_order_create(f->c, &o2, "user:1"), NL_OK);
	assert_int_equal(o1.status, NL_ST_FORM_WAIT);
	assert_int_equal(o2.status, NL_ST_FORM_PAYMENT_WAIT);
	assert_int_equal(o2.order_no, o1.order_no + 1);

	struct nl_order got;
	assert_int_equal(nl_store_order_get_by_no(f->c, o2.order_no, &got), NL_OK);
	assert_int_equal(got.id, o2.id);
	assert_int_equal(got.person_id, w.ali);
	assert_int_equal(got.institution_id, w.inst);
	assert_int_equal(got.reason, NL_REASON_FIRST);
	assert_int_equal(got.payment_type, NL_PAY_PERSON);
	assert_true(got.backup_cert);
	assert_int_equal(got.status, NL_ST_FORM_PAYMENT_WAIT);
	assert_string_equal(got.access_password_hash, "$argon2id$pw");
	assert_null(got.cancel_reason);
	nl_order_clear(&got);
	assert_int_equal(nl_store_order_get(f->c, 424242, &got), NL_ERR_NOT_FOUND);

	/* Each creation wrote its audit record. */
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM audit_log WHERE entity = 'order'"
	                           " AND action = 'create'"), 2);
	int64_t bad = -1;
	assert_int_equal(nl_store_audit_verify(f->db, &bad), NL_OK);

	assert_int_equal(nl_store_order_set_access_password(f->c, o1.id, "$argon2id$new"), NL_OK);
	assert_int_equal(nl_store_order_get(f->c, o1.id, &got), NL_OK);
	assert_string_equal(got.access_password_hash, "$argon2id$new");
	nl_order_clear(&got);
}

static void test_create_failure_leaves_nothing(void **state)
{
	struct fx *f = fx_get(state);
	struct world w;
	make_world(f, &w);
	int64_t counter = fx_int(f, "SELECT value FROM counters WHERE name = 'order_no'");
	struct nl_order o = new_order(987654, w.inst, NL_PAY_PERSON);   /* no such person */
	assert_int_equal(nl_store_order_create(f->c, &o, "user:1"), NL_ERR_INVALID);
	assert_int_equal(o.id, 0);
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM orders"), 0);
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM audit_log"), 0);
	assert_int_equal(fx_int(f, "SELECT value FROM counters WHERE name = 'order_no'"), counter);
	o = new_order(w.ali, w.inst, (enum nl_payment_type)9);
	assert_int_equal(nl_store_order_create(f->c, &o, "user:1"), NL_ERR_INVALID);
}

static void test_lists_and_search(void **state)
{
	struct fx *f = fx_get(state);
	struct world w;
	make_world(f, &w);
	struct nl_order o;
	int64_t first_no = 0, veli_no = 0;
	for (int i = 0; i < 5; i++) {
		o = new_order(w.ali, w.inst, NL_PAY_INSTITUTION);
		assert_int_equal(nl_store_order_create(f->c, &o, "user:1"), NL_OK);
		if (!first_no)
			first_no = o.order_no;
	}
	o = new_order(w.veli, w.inst, NL_PAY_PERSON);
	assert_int_equal(nl_store_order_create(f->c, &o, "user:1"), NL_OK);
	veli_no = o.order_no;
	o = new_order(w.veli, w.other_inst, NL_PAY_PERSON);
	assert_int_equal(nl_store_order_create(f->c, &o, "user:2"), NL_OK);

	struct nl_order_list l;
	assert_int_equal(nl_store_order_list_institution(f->c, w.inst, NULL, 4, 0, &l), NL_OK);
	assert_int_equal(l.total, 6);
	assert_int_equal(l.n, 4);
	assert_int_equal(l.items[0].order.order_no, veli_no);   /* newest first */
	assert_string_equal(l.items[0].given_name, "Veli");
	assert_string_equal(l.items[0].id_number, "10000000078");
	assert_int_equal(l.items[0].id_kind, NL_ID_TCKN);
	nl_order_list_free(&l);
	assert_int_equal(nl_store_order_list_institution(f->c, w.inst, "", 4, 4, &l), NL_OK);
	assert_int_equal(l.n, 2);
	assert_int_equal(l.items[1].order.order_no, first_no);
	nl_order_list_free(&l);

	char q[32];
	snprintf(q, sizeof q, "sd-%lld", (long long)first_no);
	assert_int_equal(nl_store_order_list_institution(f->c, w.inst, q, 10, 0, &l), NL_OK);
	assert_int_equal(l.n, 1);
	assert_int_equal(l.items[0].order.order_no, first_no);
	nl_order_list_free(&l);
	assert_int_equal(nl_store_order_list_institution(f->c, w.inst, "10000000146", 10, 0, &l), NL_OK);
	assert_int_equal(l.total, 5);
	nl_order_list_free(&l);
	assert_int_equal(nl_store_order_list_institution(f->c, w.inst, "veli dem", 10, 0, &l), NL_OK);
	assert_int_equal(l.total, 1);
	nl_order_list_free(&l);
	/* LIKE wildcards in the query are literal characters. */
	assert_int_equal(nl_store_order_list_institution(f->c, w.inst, "_100%", 10, 0, &l), NL_OK);
	assert_int_equal(l.total, 1);
	nl_order_list_free(&l);
	assert_int_equal(nl_store_order_list_institution(f->c, w.inst, "%", 10, 0, &l), NL_OK);
	assert_int_equal(l.total, 1);
	nl_order_list_free(&l);
	assert_int_equal(nl_store_order_list_institution(f->c, w.inst, "x'; DROP TABLE orders; --",
	                                                 10, 0, &l), NL_OK);
	assert_int_equal(l.total, 0);
	nl_order_list_free(&l);
	/* Another institution's orders are not in the list. */
	assert_int_equal(nl_store_order_list_institution(f->c, w.other_inst, NULL, 10, 0, &l), NL_OK);
	assert_int_equal(l.total, 1);
	nl_order_list_free(&l);

	assert_int_equal(nl_store_order_list_person(f->c, w.veli, &l), NL_OK);
	assert_int_equal(l.n, 2);
	assert_true(l.items[0].order.id > l.items[1].order.id);
	nl_order_list_free(&l);
}

static int64_t audit_count(struct fx *f)
{
	return fx_int(f, "SELECT COUNT(*) FROM audit_log");
}

static void test_transitions(void **state)
{
	struct fx *f = fx_get(state);
	struct world w;
	make_world(f, &w);
	struct nl_order o = new_order(w.ali, w.inst, NL_PAY_PERSON);
	assert_int_equal(nl_store_order_create(f->c, &o, "user:1"), NL_OK);
	int64_t n0 = audit_count(f);

	/* Refused by the table: nothing changes, nothing is audited. */
	assert_int_equal(nl_store_order_set_status(f->c, o.id, NL_ST_FORM_PAYMENT_WAIT, NL_ST_DELIVERED,
	                                           "user:1", NULL), NL_ERR_TRANSITION);
	assert_int_equal(audit_count(f), n0);
	/* Allowed by the table but the order is not in expected_from. */
	assert_int_equal(nl_store_order_set_status(f->c, o.id, NL_ST_PAYMENT_WAIT, NL_ST_PRODUCTION_WAIT,
	                                           "user:1", NULL), NL_ERR_CONFLICT);
	assert_int_equal(audit_count(f), n0);
	assert_int_equal(nl_store_order_set_status(f->c, 999999, NL_ST_PAYMENT_WAIT, NL_ST_PRODUCTION_WAIT,
	                                           "user:1", NULL), NL_ERR_NOT_FOUND);

	/* The happy path to delivery. */
	static const enum nl_order_status path[] = {
		NL_ST_FORM_PAYMENT_WAIT, NL_ST_PAYMENT_WAIT, NL_ST_PRODUCTION_WAIT,
		NL_ST_PRODUCED, NL_ST_SHIPPED, NL_ST_DELIVERED,
	};
	for (size_t i = 1; i < sizeof path / sizeof path[0]; i++)
		assert_int_equal(nl_store_order_set_status(f->c, o.id, path[i - 1], path[i], "worker:x",
		                                           "step"), NL_OK);
	assert_int_equal(audit_count(f), n0 + 5);
	struct nl_order got;
	assert_int_equal(nl_store_order_get(f->c, o.id, &got), NL_OK);
	assert_int_equal(got.status, NL_ST_DELIVERED);
	assert_null(got.cancel_reason);
	nl_order_clear(&got);
	/* Delivered is final. */
	assert_int_equal(nl_store_order_set_status(f->c, o.id, NL_ST_DELIVERED, NL_ST_CANCELLED,
	                                           "user:1", "late"), NL_ERR_TRANSITION);

	/* Cancelling keeps the reason on the order and in the audit record. */
	struct nl_order c2 = new_order(w.veli, w.inst, NL_PAY_INSTITUTION);
	assert_int_equal(nl_store_order_create(f->c, &c2, "user:1"), NL_OK);
	assert_int_equal(nl_store_order_set_status(f->c, c2.id, NL_ST_FORM_WAIT, NL_ST_CANCELLED,
	                                           "worker:timeout", "zaman aşımı"), NL_OK);
	assert_int_equal(nl_store_order_get(f->c, c2.id, &got), NL_OK);
	assert_int_equal(got.status, NL_ST_CANCELLED);
	assert_string_equal(got.cancel_reason, "zaman aşımı");
	nl_order_clear(&got);
	nl_stmt *s;
	assert_int_equal(nl_db_prepare(f->c, "SELECT actor, from_state, to_state, reason FROM audit_log"
	                                     " ORDER BY seq DESC LIMIT 1", &s), NL_OK);
	assert_int_equal(nl_db_step(s), NL_DB_ROW);
	assert_string_equal(nl_db_col_text(s, 0), "worker:timeout");
	assert_string_equal(nl_db_col_text(s, 1), "form_wait");
	assert_string_equal(nl_db_col_text(s, 2), "cancelled");
	assert_string_equal(nl_db_col_text(s, 3), "zaman aşımı");
	nl_db_finalize(s);
	int64_t bad = -1;
	assert_int_equal(nl_store_audit_verify(f->db, &bad), NL_OK);
}

/* A caller's transaction that fails after a status change undoes the change
 * and its audit record together. */
static NL_MUST_USE nl_err change_then_fail(nl_conn *c, void *ctx)
{
	int64_t id = *(int64_t *)ctx;
	nl_err rc = nl_store_order_set_status(c, id, NL_ST_FORM_WAIT, NL_ST_PRODUCTION_WAIT, "user:1", NULL);
	return rc != NL_OK ? rc : NL_ERR_IO;   /* e.g. the mail could not be queued */
}

static void test_status_rolls_back_with_caller(void **state)
{
	struct fx *f = fx_get(state);
	struct world w;
	make_world(f, &w);
	struct nl_order o = new_order(w.ali, w.inst, NL_PAY_INSTITUTION);
	assert_int_equal(nl_store_order_create(f->c, &o, "user:1"), NL_OK);
	int64_t n0 = audit_count(f);
	assert_int_equal(nl_store_run_tx(f->db, change_then_fail, &o.id), NL_ERR_IO);
	struct nl_order got;
	assert_int_equal(nl_store_order_get(f->c, o.id, &got), NL_OK);
	assert_int_equal(got.status, NL_ST_FORM_WAIT);
	nl_order_clear(&got);
	assert_int_equal(audit_count(f), n0);
	assert_int_equal(fx_int(f, "SELECT seq FROM audit_head"), n0);
}

#define THREADS 4
#define PER_THREAD 15

struct worker {
	struct fx *f;
	struct world *w;
	int failures;
	int transitions;
};

static void *create_many(void *arg)
{
	struct worker *wk = arg;
	nl_conn *c;
	if (nl_db_conn(wk->f->db, &c) != NL_OK) {
		wk->failures = PER_THREAD;
		return NULL;
	}
	for (int i = 0; i < PER_THREAD; i++) {
		struct nl_order o = new_order(i % 2 ? wk->w->ali : wk->w->veli, wk->w->inst,
		                              NL_PAY_INSTITUTION);
		if (nl_store_order_create(c, &o, "thread") != NL_OK)
			wk->failures++;
		else if (nl_store_order_set_status(c, o.id, NL_ST_FORM_WAIT, NL_ST_PRODUCTION_WAIT,
		                                   "thread", NULL) == NL_OK)
			wk->transitions++;
	}
	nl_db_thread_done(wk->f->db);
	return NULL;
}

static void test_concurrent_creation(void **state)
{
	struct fx *f = fx_get(state);
	struct world w;
	make_world(f, &w);
	pthread_t t[THREADS];
	struct worker wk[THREADS];
	for (int i = 0; i < THREADS; i++) {
		wk[i] = (struct worker){.f = f, .w = &w};
		assert_int_equal(pthread_create(&t[i], NULL, create_many, &wk[i]), 0);
	}
	for (int i = 0; i < THREADS; i++) {
		pthread_join(t[i], NULL);
		assert_int_equal(wk[i].failures, 0);
		assert_int_equal(wk[i].transitions, PER_THREAD);
	}
	const int64_t total = THREADS * PER_THREAD;
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM orders"), total);
	assert_int_equal(fx_int(f, "SELECT COUNT(DISTINCT order_no) FROM orders"), total);
	assert_int_equal(fx_int(f, "SELECT MAX(order_no) - MIN(order_no) FROM orders"), total - 1);
	int64_t bad = -1, count = 0;
	assert_int_equal(nl_store_audit_verify_n(f->db, &bad, &count), NL_OK);
	assert_int_equal(count, 2 * total);
}

int main(void)
{
	static const struct fx_test tests[] = {
		FX_TEST(test_create_and_get),
		FX_TEST(test_create_failure_leaves_nothing),
		FX_TEST(test_lists_and_search),
		FX_TEST(test_transitions),
		FX_TEST(test_status_rolls_back_with_caller),
		FX_TEST(test_concurrent_creation),
	};
	return fx_main("orders", tests, sizeof tests / sizeof tests[0]);
}
