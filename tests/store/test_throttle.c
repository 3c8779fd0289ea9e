/* Login failure counters (store_throttle.h) and the shared server key
 * (store_keys.h), on SQLite and PostgreSQL. */
#include <pthread.h>
#include <string.h>

#include "fixture.h"
#include "store/store_keys.h"
#include "store/store_throttle.h"

static const struct nl_throttle_rule rule3 = {3, 100, 50, 0};   /* 3 in 100 s lock 50 s */

static void test_counts_then_locks(void **state)
{
	struct fx *f = fx_get(state);
	int64_t failures = -1, until = -1;
	for (int i = 1; i <= 2; i++) {
		assert_int_equal(nl_store_throttle_fail(f->c, "form", "id", "s1", &rule3, 1000 + i,
		                                        &failures, &until), NL_OK);
		assert_int_equal(failures, i);
		assert_int_equal(until, 0);
	}
	assert_int_equal(nl_store_throttle_locked_until(f->c, "form", "id", "s1", 1003, &until),
	                 NL_OK);
	assert_int_equal(until, 0);
	/* The third failure locks for 50 s and restarts the count. */
	assert_int_equal(nl_store_throttle_fail(f->c, "form", "id", "s1", &rule3, 1003, &failures,
	                                        &until), NL_OK);
	assert_int_equal(failures, 0);
	assert_int_equal(until, 1053);
	assert_int_equal(nl_store_throttle_locked_until(f->c, "form", "id", "s1", 1052, &until),
	                 NL_OK);
	assert_int_equal(until, 1053);
	/* The lock runs out by itself. */
	assert_int_equal(nl_store_throttle_locked_until(f->c, "form", "id", "s1", 1053, &until),
	                 NL_OK);
	assert_int_equal(until, 0);
	/* After the lock a failure counts from 1 again. */
	assert_int_equal(nl_store_throttle_fail(f->c, "form", "id", "s1", &rule3, 1060, &failures,
	                                        &until), NL_OK);
	assert_int_equal(failures, 1);
	assert_int_equal(until, 0);
}

static void test_window_restarts_count(void **state)
{
	struct fx *f = fx_get(state);
	int64_t failures = 0;
	assert_int_equal(nl_store_throttle_fail(f->c, "form", "id", "s", &rule3, 1000, &failures,
	                                        NULL), NL_OK);
	assert_int_equal(nl_store_throttle_fail(f->c, "form", "id", "s", &rule3, 1099, &failures,
	                                        NULL), NL_OK);
	assert_int_equal(failures, 2);
	/* The window of the first failure ended at 1100: a new count. */
	assert_int_equal(nl_store_throttle_fail(f->c, "form", "id", "s", &rule3, 1100, &failures,
	                                        NULL), NL_OK);
	assert_int_equal(failures, 1);
}

static void test_keys_are_separate(void **state)
{
	struct fx *f = fx_get(state);
	int64_t failures = 0, until = 0;
	assert_int_equal(nl_store_throttle_fail(f->c, "form", "id", "s", &rule3, 10, NULL, NULL), NL_OK);
	assert_int_equal(nl_store_throttle_fail(f->c, "form", "id", "s", &rule3, 10, NULL, NULL), NL_OK);
	/* Other door, other kind, other subject: each its own count. */
	assert_int_equal(nl_store_throttle_fail(f->c, "identity", "id", "s", &rule3, 10, &failures,
	                                        NULL), NL_OK);
	assert_int_equal(failures, 1);
	assert_int_equal(nl_store_throttle_fail(f->c, "form", "addr", "s", &rule3, 10, &failures,
	                                        NULL), NL_OK);
	assert_int_equal(failures, 1);
	assert_int_equal(nl_store_throttle_fail(f->c, "form", "id", "t", &rule3, 10, &failures,
	                                        NULL), NL_OK);
	assert_int_equal(failures, 1);
	assert_int_equal(nl_store_throttle_fail(f->c, "form", "id", "s", &rule3, 10, &failures,
	                                        &until), NL_OK);
	assert_int_equal(until, 60);
	assert_int_equal(nl_store_throttle_locked_until(f->c, "identity", "id", "s", 11, &until),
	                 NL_OK);
	assert_int_equal(until, 0);
}

static void test_clear_keeps_running_lock(void **state)
{
	struct fx *f = fx_get(state);
	int64_t failures = 0, until = 0;
	assert_int_equal(nl_store_throttle_fail(f->c, "form", "id", "a", &rule3, 10, NULL, NULL), NL_OK);
	assert_int_equal(nl_store_throttle_fail(f->c, "form", "id", "a", &rule3, 10, NULL, NULL), NL_OK);
	assert_int_equal(nl_store_throttle_clear(f->c, "form", "id", "a", 11), NL_OK);
	assert_int_equal(nl_store_throttle_fail(f->c, "form", "id", "a", &rule3, 12, &failures,
	                                        NULL), NL_OK);
	assert_int_equal(failures, 1);   /* cleared: counting from 1 */
	/* Locked counter: clear does not lift the lock. */
	for (int i = 0; i < 3; i++)
		assert_int_equal(nl_store_throttle_fail(f->c, "form", "id", "b", &rule3, 20, NULL,
		                                        NULL), NL_OK);
	assert_int_equal(nl_store_throttle_clear(f->c, "form", "id", "b", 21), NL_OK);
	assert_int_equal(nl_store_throttle_locked_until(f->c, "form", "id", "b", 21, &until), NL_OK);
	assert_int_equal(until, 70);
	/* Clearing a counter that does not exist is fine. */
	assert_int_equal(nl_store_throttle_clear(f->c, "form", "id", "none", 21), NL_OK);
}

static void test_bad_arguments(void **state)
{
	struct fx *f = fx_get(state);
	const struct nl_throttle_rule zero = {0, 10, 10, 0};
	int64_t until;
	assert_int_equal(nl_store_throttle_fail(f->c, "", "id", "s", &rule3, 1, NULL, NULL),
	                 NL_ERR_INVALID);
	assert_int_equal(nl_store_throttle_fail(f->c, "form", "user", "s", &rule3, 1, NULL, NULL),
	                 NL_ERR_INVALID);
	assert_int_equal(nl_store_throttle_fail(f->c, "form", "id", "", &rule3, 1, NULL, NULL),
	                 NL_ERR_INVALID);
	assert_int_equal(nl_store_throttle_fail(f->c, "form", "id", "s", &zero, 1, NULL, NULL),
	                 NL_ERR_INVALID);
	assert_int_equal(nl_store_throttle_locked_until(f->c, "form", NULL, "s", 1, &until),
	                 NL_ERR_INVALID);
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM login_throttle"), 0);
}

static void test_purge(void **state)
{
	struct fx *f = fx_get(state);
	int64_t purged = -1;
	assert_int_equal(nl_store_throttle_fail(f->c, "form", "id", "old", &rule3, 10, NULL, NULL),
	                 NL_OK);                                   /* window ends 110 */
	for (int i = 0; i < 3; i++)                                /* locked until 250 */
		assert_int_equal(nl_store_throttle_fail(f->c, "form", "id", "locked", &rule3, 200,
		                                        NULL, NULL), NL_OK);
	assert_int_equal(nl_store_throttle_purge(f->c, 200, &purged), NL_OK);
	assert_int_equal(purged, 1);
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM login_throttle"), 1);
	/* A counter that has locked is remembered for a day after its lock (so
	 * its next lock lasts longer), then purged. */
	assert_int_equal(nl_store_throttle_purge(f->c, 251, &purged), NL_OK);
	assert_int_equal(purged, 0);
	assert_int_equal(nl_store_throttle_purge(f->c, 251 + NL_THROTTLE_MEMORY_S, &purged), NL_OK);
	assert_int_equal(purged, 1);
}

/* Growing delays: each further lock of a counter lasts twice as long, up to
 * max_lock_s; a counter quiet for max_lock_s starts again with the short lock. */
static void test_locks_grow(void **state)
{
	struct fx *f = fx_get(state);
	static const struct nl_throttle_rule grow = {2, 100, 50, 300};
	int64_t until = 0, t = 1000;
	const int64_t want[] = {50, 100, 200, 300, 300};
	for (size_t k = 0; k < sizeof want / sizeof want[0]; k++) {
		assert_int_equal(nl_store_throttle_fail(f->c, "form", "id", "g", &grow, t, NULL, NULL),
		                 NL_OK);
		assert_int_equal(nl_store_throttle_fail(f->c, "form", "id", "g", &grow, t, NULL, &until),
		                 NL_OK);
		assert_int_equal(until - t, want[k]);
		t = until;   /* the attacker comes back the moment the lock ends */
	}
	t += 300;      /* quiet for max_lock_s: forgotten */
	assert_int_equal(nl_store_throttle_fail(f->c, "form", "id", "g", &grow, t, NULL, NULL), NL_OK);
	assert_int_equal(nl_store_throttle_fail(f->c, "form", "id", "g", &grow, t, NULL, &until), NL_OK);
	assert_int_equal(until - t, 50);
}

#define THREADS 4
#define PER_THREAD 15

struct worker {
	struct fx *f;
	int errors;
};

static void *fail_many(void *arg)
{
	struct worker *w = arg;
	static const struct nl_throttle_rule big = {1000, 3600, 60, 0};
	nl_conn *c;
	if (nl_db_conn(w->f->db, &c) != NL_OK) {
		w->errors++;
		return NULL;
	}
	for (int i = 0; i < PER_THREAD; i++)
		if (nl_store_throttle_fail(c, "form", "addr", "shared", &big, 5000, NULL, NULL))
			w->errors++;
	nl_db_thread_done(w->f->db);
	return NULL;
}

/* Failures from many connections at once (several nodes) are all counted. */
static void test_concurrent_failures(void **state)
{
	struct fx *f = fx_get(state);
	pthread_t t[THREADS];
	struct worker w[THREADS];
	for (int i = 0; i < THREADS; i++) {
		w[i] = (struct worker){.f = f};
		assert_int_equal(pthread_create(&t[i], NULL, fail_many, &w[i]), 0);
	}
	for (int i = 0; i < THREADS; i++) {
		pthread_join(t[i], NULL);
		assert_int_equal(w[i].errors, 0);
	}
	assert_int_equal(fx_int(f, "SELECT failures FROM login_throttle WHERE subject = 'shared'"),
	                 THREADS * PER_THREAD);
}

static void test_server_key_shared(void **state)
{
	struct fx *f = fx_get(state);
	uint8_t k1[NL_SERVER_KEY_LEN], k2[NL_SERVER_KEY_LEN], k3[NL_SERVER_KEY_LEN];
	assert_int_equal(nl_store_server_key(f->c, "keyed-hash", k1), NL_OK);
	assert_int_equal(nl_store_server_key(f->c, "keyed-hash", k2), NL_OK);
	assert_memory_equal(k1, k2, sizeof k1);
	/* A second handle (another node) reads the same key. */
	nl_db *db2 = NULL;
	nl_conn *c2;
	assert_int_equal(nl_db_open(&db2, f->url), NL_OK);
	assert_int_equal(nl_db_conn(db2, &c2), NL_OK);
	assert_int_equal(nl_store_server_key(c2, "keyed-hash", k3), NL_OK);
	assert_memory_equal(k1, k3, sizeof k1);
	/* Another name is another key. */
	assert_int_equal(nl_store_server_key(c2, "other", k3), NL_OK);
	assert_memory_not_equal(k1, k3, sizeof k1);
	nl_db_close(db2);
	assert_int_equal(nl_store_server_key(f->c, "", k3), NL_ERR_INVALID);
}

int main(void)
{
	static const struct fx_test tests[] = {
		FX_TEST(test_counts_then_locks),
		FX_TEST(test_window_restarts_count),
		FX_TEST(test_keys_are_separate),
		FX_TEST(test_clear_keeps_running_lock),
		FX_TEST(test_bad_arguments),
		FX_TEST(test_locks_grow),
		FX_TEST(test_purge),
		FX_TEST(test_concurrent_failures),
		FX_TEST(test_server_key_shared),
	};
	return fx_main("throttle", tests, sizeof tests / sizeof tests[0]);
}
