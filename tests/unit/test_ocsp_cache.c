/* The in-memory OCSP answer cache (src/pages/pki/ocsp_cache.c): hits, ttl and
 * nextUpdate bounds, and the write-after-clear race: an answer computed from a
 * status read before a clear must never be installed after it (a revocation
 * on this node clears the cache while a request is still signing "good"). */
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "pages/pki/ocsp_cache.h"

static const struct nl_ocsp_meta meta = {.this_update = 100, .next_update = 100000};

static bool get(nl_ocsp_cache *c, const char *req, int64_t now, char out[16])
{
	nl_buf b = NL_BUF_INIT;
	struct nl_ocsp_meta m;
	bool hit = nl_ocsp_cache_get(c, req, strlen(req), now, &b, &m);
	out[0] = '\0';
	if (hit) {
		assert_true(b.len < 16);
		memcpy(out, b.data, b.len);
		out[b.len] = '\0';
	}
	nl_buf_free(&b);
	return hit;
}

static void test_hit_and_bounds(void **state)
{
	(void)state;
	char out[16];
	nl_ocsp_cache *c = nl_ocsp_cache_new(64, 10);
	assert_non_null(c);
	assert_false(get(c, "req", 100, out));
	nl_ocsp_cache_put(c, nl_ocsp_cache_generation(c), "req", 3, 100, "good", 4, &meta);
	assert_true(get(c, "req", 109, out));
	assert_string_equal(out, "good");
	assert_false(get(c, "req", 110, out));          /* ttl */
	struct nl_ocsp_meta short_meta = meta;
	short_meta.next_update = 105;
	nl_ocsp_cache_put(c, nl_ocsp_cache_generation(c), "req", 3, 100, "good", 4, &short_meta);
	assert_false(get(c, "req", 105, out));          /* never past nextUpdate */
	nl_ocsp_cache_free(c);
}

/* The race, step by step as the responder and a revocation interleave. */
static void test_write_after_clear(void **state)
{
	(void)state;
	char out[16];
	nl_ocsp_cache *c = nl_ocsp_cache_new(64, 10);
	/* request: a miss; it reads the generation, then the status ("good") ... */
	assert_false(get(c, "req", 100, out));
	uint64_t gen = nl_ocsp_cache_generation(c);
	/* ... the certificate is revoked on this node, which clears the cache ... */
	nl_ocsp_cache_clear(c);
	/* ... and the request, still holding its "good", caches it: dropped. */
	nl_ocsp_cache_put(c, gen, "req", 3, 101, "good", 4, &meta);
	assert_false(get(c, "req", 102, out));
	/* The next request reads the new status in the new generation. */
	nl_ocsp_cache_put(c, nl_ocsp_cache_generation(c), "req", 3, 102, "revoked", 7, &meta);
	assert_true(get(c, "req", 103, out));
	assert_string_equal(out, "revoked");
	/* A late "good" of the old generation does not replace it either. */
	nl_ocsp_cache_put(c, gen, "req", 3, 103, "good", 4, &meta);
	assert_true(get(c, "req", 104, out));
	assert_string_equal(out, "revoked");
	nl_ocsp_cache_free(c);
}

/* Entries installed before a clear are not served after it. */
static void test_clear_hides(void **state)
{
	(void)state;
	char out[16];
	nl_ocsp_cache *c = nl_ocsp_cache_new(64, 10);
	nl_ocsp_cache_put(c, nl_ocsp_cache_generation(c), "a", 1, 100, "good", 4, &meta);
	nl_ocsp_cache_put(c, nl_ocsp_cache_generation(c), "b", 1, 100, "good", 4, &meta);
	nl_ocsp_cache_clear(c);
	assert_false(get(c, "a", 101, out));
	assert_false(get(c, "b", 101, out));
	nl_ocsp_cache_clear(NULL);   /* no cache: nothing to do */
	nl_ocsp_cache_free(c);
}

/* Threads answer from a shared status while it turns "revoked" and the cache
 * is cleared: once the clear has returned, "good" is never served again. */
static atomic_int status;       /* 0 good, 1 revoked */
static atomic_bool stop;

static void *answerer(void *arg)
{
	nl_ocsp_cache *c = arg;
	while (!atomic_load(&stop)) {
		uint64_t gen = nl_ocsp_cache_generation(c);
		bool revoked = atomic_load(&status);
		sched_yield();   /* the answer takes a while to make */
		nl_ocsp_cache_put(c, gen, "req", 3, 100, revoked ? "revoked" : "good", revoked ? 7 : 4, &meta);
	}
	return NULL;
}

static void test_threads(void **state)
{
	(void)state;
	char out[16];
	pthread_t t[4];
	nl_ocsp_cache *c = nl_ocsp_cache_new(16, 10);
	for (int i = 0; i < 4; i++) assert_int_equal(pthread_create(&t[i], NULL, answerer, c), 0);
	struct timespec ms = {0, 20 * 1000 * 1000};
	nanosleep(&ms, NULL);
	atomic_store(&status, 1);    /* the revocation commits ... */
	nl_ocsp_cache_clear(c);      /* ... then this node forgets */
	int bad = 0;
	for (int i = 0; i < 200000; i++)
		if (get(c, "req", 101, out) && strcmp(out, "revoked")) bad++;
	atomic_store(&stop, true);
	for (int i = 0; i < 4; i++) pthread_join(t[i], NULL);
	assert_int_equal(bad, 0);
	nl_ocsp_cache_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hit_and_bounds),
		cmocka_unit_test(test_write_after_clear),
		cmocka_unit_test(test_clear_hides),
		cmocka_unit_test(test_threads),
	};
	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
