/* The audit chain in the database: append, verify, and tamper detection. */
#include <stdio.h>
#include <string.h>

#include "fixture.h"
#include "store/store_audit.h"

static void append_n(struct fx *f, int n)
{
	for (int i = 1; i <= n; i++) {
		char reason[32];
		snprintf(reason, sizeof reason, "step %d", i);
		struct nl_audit_rec r = {.actor = "user:1", .entity = "order", .entity_id = i,
		                         .action = "status", .from = "form_wait",
		                         .to = "production_wait", .reason = reason};
		assert_int_equal(nl_store_audit_append(f->c, &r), NL_OK);
		assert_int_equal(r.seq, i);
		assert_true(r.at > 0);
	}
}

static void expect_bad(struct fx *f, int64_t seq)
{
	int64_t bad = 0;
	assert_int_equal(nl_store_audit_verify(f->db, &bad), NL_ERR_INVALID);
	assert_int_equal(bad, seq);
}

static void test_empty_and_intact(void **state)
{
	struct fx *f = fx_get(state);
	int64_t bad = -1, count = -1;
	assert_int_equal(nl_store_audit_verify_n(f->db, &bad, &count), NL_OK);
	assert_int_equal(count, 0);
	assert_int_equal(bad, 0);
	append_n(f, 5);
	assert_int_equal(nl_store_audit_verify_n(f->db, &bad, &count), NL_OK);
	assert_int_equal(count, 5);
	/* Stored hashes chain: each prev_hash is the hash before it. */
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM audit_log a JOIN audit_log b"
	                           " ON b.seq = a.seq + 1 WHERE b.prev_hash = a.hash"), 4);
}

static void test_changed_record(void **state)
{
	struct fx *f = fx_get(state);
	append_n(f, 5);
	fx_exec(f, "UPDATE audit_log SET reason = 'rewritten' WHERE seq = 3");
	expect_bad(f, 3);
}

static void test_changed_actor_of_first(void **state)
{
	struct fx *f = fx_get(state);
	append_n(f, 3);
	fx_exec(f, "UPDATE audit_log SET at = at + 1 WHERE seq = 1");
	expect_bad(f, 1);
}

static void test_deleted_record(void **state)
{
	struct fx *f = fx_get(state);
	append_n(f, 5);
	fx_exec(f, "DELETE FROM audit_log WHERE seq = 2");
	expect_bad(f, 2);
}

static void test_deleted_tail(void **state)
{
	struct fx *f = fx_get(state);
	append_n(f, 5);
	fx_exec(f, "DELETE FROM audit_log WHERE seq = 5");
	expect_bad(f, 5);
}

static void test_inserted_record(void **state)
{
	struct fx *f = fx_get(state);
	append_n(f, 3);
	/* A copy of record 3 as record 4, behind the head's back. */
	fx_exec(f, "INSERT INTO audit_log (seq, at, actor, entity, entity_id, action, from_state,"
	           " to_state, reason, prev_hash, hash) SELECT 4, at, actor, entity, entity_id, action,"
	           " from_state, to_state, reason, hash, hash FROM audit_log WHERE seq = 3");
	expect_bad(f, 4);
}

static void test_renumbered_after_delete(void **state)
{
	struct fx *f = fx_get(state);
	append_n(f, 4);
	/* Delete 2 and close the gap: the renumbered record's hash no longer fits. */
	fx_exec(f, "DELETE FROM audit_log WHERE seq = 2");
	fx_exec(f, "UPDATE audit_log SET seq = seq - 1 WHERE seq = 3");
	fx_exec(f, "UPDATE audit_log SET seq = seq - 1 WHERE seq = 4");
	fx_exec(f, "UPDATE audit_head SET seq = 3");
	expect_bad(f, 2);
}

static void test_append_continues_after_verify(void **state)
{
	struct fx *f = fx_get(state);
	append_n(f, 2);
	int64_t bad;
	assert_int_equal(nl_store_audit_verify(f->db, &bad), NL_OK);
	struct nl_audit_rec r = {.at = 42, .actor = "cli:root", .entity = "consent", .entity_id = 9,
	                         .action = "create"};
	assert_int_equal(nl_store_audit_append(f->c, &r), NL_OK);
	assert_int_equal(r.seq, 3);
	assert_int_equal(r.at, 42);
	assert_int_equal(nl_store_audit_verify(f->db, &bad), NL_OK);
}

int main(void)
{
	static const struct fx_test tests[] = {
		FX_TEST(test_empty_and_intact),
		FX_TEST(test_changed_record),
		FX_TEST(test_changed_actor_of_first),
		FX_TEST(test_deleted_record),
		FX_TEST(test_deleted_tail),
		FX_TEST(test_inserted_record),
		FX_TEST(test_renumbered_after_delete),
		FX_TEST(test_append_continues_after_verify),
	};
	return fx_main("audit", tests, sizeof tests / sizeof tests[0]);
}
