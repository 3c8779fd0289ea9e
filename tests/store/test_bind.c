/* Typed query parameters and statements prepared once per connection, on both
 * engines (docs/storage.md "Queries"): every parameter type, NULLs, blobs, big
 * integers, the count check, a text prepared once however often it runs, and
 * prepared again on a new connection, after the server forgot it (PostgreSQL
 * DEALLOCATE ALL, in and out of a transaction) and after a schema change. */
#include <stdlib.h>
#include <string.h>

#include "fixture.h"

static void make_table(struct fx *f)
{
	if (f->engine == NL_DB_POSTGRES)
		fx_exec(f, "CREATE TABLE bt (k BIGINT, i BIGINT, s TEXT, b BYTEA, f BOOLEAN)");
	else
		fx_exec(f, "CREATE TABLE bt (k INTEGER, i INTEGER, s TEXT, b BLOB, f INTEGER)");
}

static const char INS[] = "INSERT INTO bt (k, i, s, b, f) VALUES ($1, $2, $3, $4, $5)";
/* The columns of SEL, by name. */
static const char SEL[] = "SELECT i, s, b, f FROM bt WHERE k = $1";
enum { C_I, C_S, C_B, C_F, C__N };

static void insert(struct fx *f, int64_t k, struct nl_param i, struct nl_param s,
                   struct nl_param b, struct nl_param fl)
{
	nl_stmt *st = NULL;
	assert_int_equal(nl_db_query(f->c, &st, INS, NL_PARAMS(NL_P_INT(k), i, s, b, fl)), NL_OK);
	assert_int_equal(nl_db_step(st), NL_DB_DONE);
	assert_int_equal(nl_db_changes(st), 1);
	nl_db_finalize(st);
}

/* The row with key k, stepped onto; the caller finalizes. */
static nl_stmt *row(struct fx *f, int64_t k)
{
	nl_stmt *st = NULL;
	assert_int_equal(nl_db_query(f->c, &st, SEL, NL_PARAMS(NL_P_INT(k))), NL_OK);
	assert_int_equal(nl_db_step(st), NL_DB_ROW);
	assert_int_equal(nl_db_column_count(st), C__N);
	return st;
}

static void test_every_type(void **state)
{
	struct fx *f = fx_get(state);
	make_table(f);
	static const unsigned char blob[] = {0x00, 0xff, 0x5c, 0x27, 0x00, 0x78, 0x00};
	const char *text = "Çağrı 'Şükrü' \\ $1 ?1 İĞÜÖ";
	insert(f, 1, NL_P_INT(INT64_MAX), NL_P_TEXT(text), NL_P_BLOB(blob, sizeof blob), NL_P_BOOL(true));
	insert(f, 2, NL_P_INT(INT64_MIN), NL_P_TEXT(""), NL_P_BLOB(blob, 0), NL_P_BOOL(false));
	insert(f, 3, NL_P_NULL, NL_P_TEXT(NULL), NL_P_BLOB(NULL, 5), NL_P_NULL);
	insert(f, 4, NL_P_REF(0), NL_P_NULL, NL_P_NULL, NL_P_BOOL(true));
	insert(f, 5, NL_P_REF(4294967296LL * 3 + 7), NL_P_TEXT("x"), NL_P_NULL, NL_P_BOOL(false));

	nl_stmt *s = row(f, 1);
	assert_true(nl_db_col_int64(s, C_I) == INT64_MAX);
	assert_string_equal(nl_db_col_text(s, C_S), text);
	size_t n = 0;
	const void *p = nl_db_col_blob(s, C_B, &n);
	assert_int_equal(n, sizeof blob);
	assert_memory_equal(p, blob, sizeof blob);
	assert_true(nl_db_col_bool(s, C_F));
	assert_int_equal(nl_db_step(s), NL_DB_DONE);
	nl_db_finalize(s);

	/* Empty text and an empty blob are values, not NULL. */
	s = row(f, 2);
	assert_true(nl_db_col_int64(s, C_I) == INT64_MIN);
	assert_false(nl_db_col_is_null(s, C_S));
	assert_string_equal(nl_db_col_text(s, C_S), "");
	assert_false(nl_db_col_is_null(s, C_B));
	assert_non_null(nl_db_col_blob(s, C_B, &n));
	assert_int_equal(n, 0);
	assert_false(nl_db_col_bool(s, C_F));
	nl_db_finalize(s);

	/* NL_P_NULL, a NULL text and a NULL blob pointer bind SQL NULL. */
	s = row(f, 3);
	for (int c = C_I; c < C__N; c++)
		assert_true(nl_db_col_is_null(s, c));
	assert_null(nl_db_col_blob(s, C_B, &n));
	assert_int_equal(n, 0);
	nl_db_finalize(s);

	/* NL_P_REF: 0 is "none" (NULL), any other id binds as it is. */
	s = row(f, 4);
	assert_true(nl_db_col_is_null(s, C_I));
	nl_db_finalize(s);
	s = row(f, 5);
	assert_true(nl_db_col_int64(s, C_I) == 4294967296LL * 3 + 7);
	nl_db_finalize(s);
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM bt WHERE i IS NULL"), 2);
}

static void test_count_checked(void **state)
{
	struct fx *f = fx_get(state);
	make_table(f);
	nl_stmt *s = (nl_stmt *)1;
	/* One value per $n: a missing or an extra one is a programming error. */
	assert_int_equal(nl_db_query(f->c, &s, SEL, NL_NO_PARAMS), NL_ERR_INTERNAL);
	assert_null(s);
	s = (nl_stmt *)1;
	assert_int_equal(nl_db_query(f->c, &s, SEL, NL_PARAMS(NL_P_INT(1), NL_P_INT(2))),
	                 NL_ERR_INTERNAL);
	assert_null(s);
	assert_int_equal(nl_db_query(f->c, &s, "SELECT COUNT(*) FROM bt", NL_PARAMS(NL_P_INT(1))),
	                 NL_ERR_INTERNAL);
	assert_int_equal(nl_db_query(f->c, &s, "SELECT COUNT(*) FROM bt", NL_NO_PARAMS), NL_OK);
	assert_int_equal(nl_db_step(s), NL_DB_ROW);
	assert_int_equal(nl_db_col_int64(s, 0), 0);
	nl_db_finalize(s);
}

/* One statement, reset and bound again with other types: a NULL first lets
 * PostgreSQL infer int4 for COALESCE($1, 0); a big int8 after it must not run
 * on that plan (the cache is keyed by the parameter types too). */
static void test_rebind_other_types(void **state)
{
	struct fx *f = fx_get(state);
	const char *sql = "SELECT COALESCE($1, 0) + 1";
	nl_stmt *s = NULL;
	assert_int_equal(nl_db_prepare(f->c, sql, &s), NL_OK);
	assert_int_equal(nl_db_bind(s, NL_PARAMS(NL_P_NULL)), NL_OK);
	assert_int_equal(nl_db_step(s), NL_DB_ROW);
	assert_int_equal(nl_db_col_int64(s, 0), 1);
	assert_int_equal(nl_db_reset(s), NL_OK);
	assert_int_equal(nl_db_bind(s, NL_PARAMS(NL_P_INT(INT64_C(1) << 40))), NL_OK);
	assert_int_equal(nl_db_step(s), NL_DB_ROW);
	assert_true(nl_db_col_int64(s, 0) == (INT64_C(1) << 40) + 1);
	nl_db_finalize(s);
	/* The same through a new statement of the same text. */
	assert_int_equal(nl_db_query(f->c, &s, sql, NL_PARAMS(NL_P_INT(INT64_MAX - 1))), NL_OK);
	assert_int_equal(nl_db_step(s), NL_DB_ROW);
	assert_true(nl_db_col_int64(s, 0) == INT64_MAX);
	nl_db_finalize(s);
}

static int64_t count_k(struct fx *f, int64_t k)
{
	nl_stmt *s = NULL;
	assert_int_equal(nl_db_query(f->c, &s, "SELECT COUNT(*) FROM bt WHERE k >= $1",
	                             NL_PARAMS(NL_P_INT(k))), NL_OK);
	assert_int_equal(nl_db_step(s), NL_DB_ROW);
	int64_t v = nl_db_col_int64(s, 0);
	nl_db_finalize(s);
	return v;
}

/* PostgreSQL: the server's own list of this connection's prepared statements. */
static int64_t server_prepared(struct fx *f, const char *sql)
{
	nl_stmt *s = NULL;
	assert_int_equal(nl_db_query(f->c, &s, "SELECT COUNT(*) FROM pg_prepared_statements"
	                                       " WHERE statement = $1", NL_PARAMS(NL_P_TEXT(sql))),
	                 NL_OK);
	assert_int_equal(nl_db_step(s), NL_DB_ROW);
	int64_t v = nl_db_col_int64(s, 0);
	nl_db_finalize(s);
	return v;
}

/* Prepares a text inside a transaction that then rolls back. */
static NL_MUST_USE nl_err query_then_fail(nl_conn *c, void *ctx)
{
	nl_stmt *s = NULL;
	nl_err rc = nl_db_query(c, &s, "SELECT k FROM bt WHERE k < $1", NL_PARAMS(NL_P_INT(0)));
	if (rc == NL_OK) {
		int r = nl_db_step(s);
		rc = r == NL_DB_DONE ? NL_ERR_INVALID : (nl_err)r;
	}
	nl_db_finalize(s);
	return rc;
}

static void test_prepared_once(void **state)
{
	struct fx *f = fx_get(state);
	make_table(f);
	insert(f, 1, NL_P_INT(1), NL_P_NULL, NL_P_NULL, NL_P_NULL);
	assert_int_equal(count_k(f, 0), 1);   /* prepared now */
	uint64_t before = nl_db_prepares(f->db);
	for (int i = 0; i < 10; i++)
		assert_int_equal(count_k(f, i), i < 2);
	assert_int_equal(nl_db_prepares(f->db) - before, 0);
	if (f->engine == NL_DB_POSTGRES)
		assert_int_equal(server_prepared(f, "SELECT COUNT(*) FROM bt WHERE k >= $1"), 1);

	/* Two statements of the same text open at once: each has its own rows. */
	nl_stmt *a = NULL, *b = NULL;
	insert(f, 2, NL_P_INT(2), NL_P_NULL, NL_P_NULL, NL_P_NULL);
	assert_int_equal(nl_db_query(f->c, &a, "SELECT k FROM bt WHERE k >= $1 ORDER BY k",
	                             NL_PARAMS(NL_P_INT(1))), NL_OK);
	assert_int_equal(nl_db_step(a), NL_DB_ROW);
	assert_int_equal(nl_db_query(f->c, &b, "SELECT k FROM bt WHERE k >= $1 ORDER BY k",
	                             NL_PARAMS(NL_P_INT(2))), NL_OK);
	assert_int_equal(nl_db_step(b), NL_DB_ROW);
	assert_int_equal(nl_db_col_int64(a, 0), 1);
	assert_int_equal(nl_db_col_int64(b, 0), 2);
	assert_int_equal(nl_db_step(a), NL_DB_ROW);
	assert_int_equal(nl_db_col_int64(a, 0), 2);
	assert_int_equal(nl_db_step(b), NL_DB_DONE);
	assert_int_equal(nl_db_step(a), NL_DB_DONE);
	nl_db_finalize(a);
	nl_db_finalize(b);

	/* A statement prepared in a transaction that rolled back is still there:
	 * prepared statements are not part of the transaction. */
	before = nl_db_prepares(f->db);
	assert_int_equal(nl_store_run_tx(f->db, query_then_fail, NULL), NL_ERR_INVALID);
	assert_int_equal(nl_db_prepares(f->db) - before, 1);
	assert_int_equal(nl_db_query(f->c, &a, "SELECT k FROM bt WHERE k < $1",
	                             NL_PARAMS(NL_P_INT(0))), NL_OK);
	assert_int_equal(nl_db_step(a), NL_DB_DONE);
	nl_db_finalize(a);
	assert_int_equal(nl_db_prepares(f->db) - before, 1);

	/* A new connection prepares its statements again, once. */
	nl_db_thread_done(f->db);
	assert_int_equal(nl_db_conn(f->db, &f->c), NL_OK);
	before = nl_db_prepares(f->db);
	for (int i = 0; i < 5; i++)
		assert_int_equal(count_k(f, 0), 2);
	assert_int_equal(nl_db_prepares(f->db) - before, 1);
	if (f->engine == NL_DB_POSTGRES)
		assert_int_equal(server_prepared(f, "SELECT COUNT(*) FROM bt WHERE k >= $1"), 1);
}

/* A schema change under a prepared statement: the next run sees the new
 * shape (SQLite re-prepares itself; PostgreSQL answers "cached plan must not
 * change result type" and the driver prepares the text again). */
static void test_schema_change(void **state)
{
	struct fx *f = fx_get(state);
	make_table(f);
	insert(f, 1, NL_P_INT(5), NL_P_NULL, NL_P_NULL, NL_P_NULL);
	const char *sql = "SELECT * FROM bt WHERE k = $1";
	nl_stmt *s = NULL;
	for (int round = 0; round < 2; round++) {
		assert_int_equal(nl_db_query(f->c, &s, sql, NL_PARAMS(NL_P_INT(1))), NL_OK);
		assert_int_equal(nl_db_step(s), NL_DB_ROW);
		assert_int_equal(nl_db_column_count(s), 5 + round);
		assert_int_equal(nl_db_col_int64(s, 1), 5);
		nl_db_finalize(s);
		if (round == 0)
			fx_exec(f, "ALTER TABLE bt ADD COLUMN extra TEXT");
	}
}

/* PostgreSQL: the server forgot the prepared statements (DEALLOCATE ALL, as a
 * pooler or DISCARD ALL would). Outside a transaction the driver prepares
 * again at once; inside one the error has aborted the transaction, so
 * nl_store_run_tx runs it again. */
struct forget_ctx {
	int attempts;
	int64_t count;
};

static NL_MUST_USE nl_err forget_then_query(nl_conn *c, void *ctx)
{
	struct forget_ctx *fc = ctx;
	nl_stmt *s = NULL;
	fc->attempts++;
	nl_err rc = fc->attempts == 1 ? nl_db_exec(c, "DEALLOCATE ALL") : NL_OK;
	if (rc == NL_OK)
		rc = nl_db_query(c, &s, "SELECT COUNT(*) FROM bt WHERE k >= $1", NL_PARAMS(NL_P_INT(0)));
	if (rc == NL_OK) {
		int r = nl_db_step(s);
		rc = r == NL_DB_ROW ? NL_OK : (nl_err)r;
		if (rc == NL_OK)
			fc->count = nl_db_col_int64(s, 0);
	}
	nl_db_finalize(s);
	return rc;
}

static void test_server_forgot(void **state)
{
	struct fx *f = fx_get(state);
	if (f->engine != NL_DB_POSTGRES)
		skip();   /* SQLite's statements live in the process */
	make_table(f);
	insert(f, 1, NL_P_INT(1), NL_P_NULL, NL_P_NULL, NL_P_NULL);
	assert_int_equal(count_k(f, 0), 1);
	fx_exec(f, "DEALLOCATE ALL");
	uint64_t before = nl_db_prepares(f->db);
	assert_int_equal(count_k(f, 0), 1);
	assert_int_equal(nl_db_prepares(f->db) - before, 1);
	assert_int_equal(count_k(f, 0), 1);
	assert_int_equal(nl_db_prepares(f->db) - before, 1);

	struct forget_ctx fc = {0};
	uint64_t retries = nl_db_tx_retries(f->db);
	assert_int_equal(nl_store_run_tx(f->db, forget_then_query, &fc), NL_OK);
	assert_int_equal(fc.attempts, 2);
	assert_int_equal(fc.count, 1);
	assert_int_equal(nl_db_tx_retries(f->db) - retries, 1);
	assert_false(nl_db_in_tx(f->c));
	assert_int_equal(count_k(f, 0), 1);
}

int main(void)
{
	static const struct fx_test tests[] = {
		FX_TEST(test_every_type),
		FX_TEST(test_count_checked),
		FX_TEST(test_rebind_other_types),
		FX_TEST(test_prepared_once),
		FX_TEST(test_schema_change),
		FX_TEST(test_server_forgot),
	};
	return fx_main("bind", tests, sizeof tests / sizeof tests[0]);
}
