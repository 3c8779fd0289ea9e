/* The driver interface on both engines: $n rewriting, binds and columns of every
 * type, error mapping, transactions with retry, migrations, accounting. */
#include <pthread.h>
#include <semaphore.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <stdio.h>

#include "fixture.h"
#include "store/db_internal.h"
#include "store/migrate.h"

static void test_param_rewrite(void **state)
{
	(void)fx_get(state);
	char *out = NULL;
	assert_int_equal(nl_db_sql_params("SELECT $1, '$2 it''s', \"$3\", -- $4\n $5 /* $6 */ $10, $0",
	                                  &out), 10);
	assert_string_equal(out, "SELECT ?1, '$2 it''s', \"$3\", -- $4\n ?5 /* $6 */ ?10, $0");
	free(out);
	assert_int_equal(nl_db_sql_params("SELECT 1", NULL), 0);
	assert_int_equal(nl_db_sql_params("SELECT $2 + $2", &out), 2);
	assert_string_equal(out, "SELECT ?2 + ?2");
	free(out);
	assert_int_equal(nl_db_sql_params("SELECT $99999", NULL), -1);
	/* An unterminated literal must not run off the end. */
	assert_int_equal(nl_db_sql_params("SELECT 'abc $1", NULL), 0);
}

static void make_types_table(struct fx *f)
{
	if (f->engine == NL_DB_POSTGRES)
		fx_exec(f, "CREATE TABLE t (i BIGINT, s TEXT, b BYTEA, f BOOLEAN, n TEXT)");
	else
		fx_exec(f, "CREATE TABLE t (i INTEGER, s TEXT, b BLOB, f INTEGER, n TEXT)");
}

static void test_bind_and_columns(void **state)
{
	struct fx *f = fx_get(state);
	make_types_table(f);
	static const unsigned char blob[] = {0x00, 0xff, 0x5c, 0x27, 0x00, 0x78};
	const char *text = "Çağrı Şükrü İĞÜÖ ığüşöç 'quoted' \\ $1";
	const int64_t ints[] = {INT64_MAX, INT64_MIN, -1, 0};
	nl_stmt *s = NULL;
	assert_int_equal(nl_db_prepare(f->c, "INSERT INTO t (i, s, b, f, n) VALUES ($1, $2, $3, $4, $5)",
	                               &s), NL_OK);
	for (size_t k = 0; k < 4; k++) {
		assert_int_equal(nl_db_bind(s, NL_PARAMS(NL_P_INT(ints[k]), NL_P_TEXT(k == 3 ? "" : text),
		                                         NL_P_BLOB(blob, k == 3 ? 0 : sizeof blob),
		                                         NL_P_BOOL(k % 2 == 0), NL_P_NULL)), NL_OK);
		assert_int_equal(nl_db_step(s), NL_DB_DONE);
		assert_int_equal(nl_db_changes(s), 1);
		assert_int_equal(nl_db_reset(s), NL_OK);
	}
	/* One value per $n: too many or too few are refused, not ignored. */
	assert_int_equal(nl_db_bind(s, NL_PARAMS(NL_P_INT(1), NL_P_NULL, NL_P_NULL, NL_P_NULL,
	                                         NL_P_NULL, NL_P_INT(1))), NL_ERR_INTERNAL);
	assert_int_equal(nl_db_bind(s, NL_PARAMS(NL_P_INT(1))), NL_ERR_INTERNAL);
	assert_int_equal(nl_db_bind(s, NL_NO_PARAMS), NL_ERR_INTERNAL);
	nl_db_finalize(s);

	assert_int_equal(nl_db_query(f->c, &s, "SELECT i, s, b, f, n FROM t WHERE i = $1 OR i = $2"
	                                       " ORDER BY i DESC",
	                             NL_PARAMS(NL_P_INT(INT64_MAX), NL_P_INT(INT64_MIN))), NL_OK);
	assert_int_equal(nl_db_step(s), NL_DB_ROW);
	assert_int_equal(nl_db_column_count(s), 5);
	assert_true(nl_db_col_int64(s, 0) == INT64_MAX);
	assert_string_equal(nl_db_col_text(s, 1), text);
	size_t n = 0;
	const void *p = nl_db_col_blob(s, 2, &n);
	assert_int_equal(n, sizeof blob);
	assert_memory_equal(p, blob, sizeof blob);
	assert_true(nl_db_col_bool(s, 3));
	assert_true(nl_db_col_is_null(s, 4));
	assert_false(nl_db_col_is_null(s, 1));
	assert_string_equal(nl_db_col_text(s, 4), "");
	assert_int_equal(nl_db_step(s), NL_DB_ROW);
	assert_true(nl_db_col_int64(s, 0) == INT64_MIN);
	assert_false(nl_db_col_bool(s, 3));
	assert_int_equal(nl_db_step(s), NL_DB_DONE);
	nl_db_finalize(s);

	/* Empty text and empty blob are not NULL. */
	assert_int_equal(nl_db_prepare(f->c, "SELECT s, b FROM t WHERE i = 0", &s), NL_OK);
	assert_int_equal(nl_db_step(s), NL_DB_ROW);
	assert_false(nl_db_col_is_null(s, 0));
	assert_false(nl_db_col_is_null(s, 1));
	p = nl_db_col_blob(s, 1, &n);
	assert_non_null(p);
	assert_int_equal(n, 0);
	nl_db_finalize(s);

	/* NULL text and NULL blob pointers bind SQL NULL. */
	assert_int_equal(nl_db_query(f->c, &s, "INSERT INTO t (i, s, b) VALUES (7, $1, $2)",
	                             NL_PARAMS(NL_P_TEXT(NULL), NL_P_BLOB(NULL, 0))), NL_OK);
	assert_int_equal(nl_db_step(s), NL_DB_DONE);
	nl_db_finalize(s);
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM t WHERE i = 7 AND s IS NULL AND b IS NULL"), 1);
	/* Aggregates come back as integers on both engines. */
	assert_int_equal(fx_int(f, "SELECT SUM(i) FROM t WHERE i IN (-1, 0, 7)"), 6);
}

static void test_unique_and_constraints(void **state)
{
	struct fx *f = fx_get(state);
	nl_stmt *s = NULL;
	const char *ins = "INSERT INTO institutions (name, created_at, updated_at) VALUES ($1, 1, 1)";
	assert_int_equal(nl_db_query(f->c, &s, ins, NL_PARAMS(NL_P_TEXT("Kurum A"))), NL_OK);
	assert_int_equal(nl_db_step(s), NL_DB_DONE);
	assert_int_equal(nl_db_reset(s), NL_OK);
	assert_int_equal(nl_db_step(s), NL_ERR_CONFLICT);
	assert_true(strlen(nl_db_errmsg(f->c)) > 0);
	nl_db_finalize(s);
	/* A foreign key to nowhere is invalid input, not a conflict. */
	assert_int_equal(nl_db_prepare(f->c, "INSERT INTO users (username, password_hash, role,"
	                                     " institution_id, created_at, updated_at)"
	                                     " VALUES ('u', 'h', 'kurum', 999, 1, 1)", &s), NL_OK);
	assert_int_equal(nl_db_step(s), NL_ERR_INVALID);
	nl_db_finalize(s);
	/* A syntax error is a database error, and prepare or step says so. */
	nl_err rc = nl_db_prepare(f->c, "SELEKT 1", &s);
	if (rc == NL_OK) {
		assert_int_equal(nl_db_step(s), NL_ERR_DB);
		nl_db_finalize(s);
	} else {
		assert_int_equal(rc, NL_ERR_DB);
	}
	assert_int_equal(nl_db_exec(f->c, "SELEKT 1"), NL_ERR_DB);
}

static NL_MUST_USE nl_err insert_then(nl_conn *c, void *ctx)
{
	nl_err *result = ctx;
	nl_err rc = nl_db_exec(c, "INSERT INTO institutions (name, created_at, updated_at)"
	                          " VALUES ('tx', 1, 1)");
	return rc != NL_OK ? rc : *result;
}

static NL_MUST_USE nl_err nested(nl_conn *c, void *ctx)
{
	assert_true(nl_db_in_tx(c));
	/* Joins the outer transaction: rolls back with it. */
	return nl_store_run_tx(nl_db_of(c), insert_then, ctx);
}

static void test_tx_commit_rollback(void **state)
{
	struct fx *f = fx_get(state);
	nl_err ok = NL_OK, bad = NL_ERR_INVALID;
	assert_int_equal(nl_store_run_tx(f->db, insert_then, &bad), NL_ERR_INVALID);
	assert_false(nl_db_in_tx(f->c));
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM institutions"), 0);
	assert_int_equal(nl_store_run_tx(f->db, nested, &bad), NL_ERR_INVALID);
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM institutions"), 0);
	assert_int_equal(nl_store_run_tx(f->db, nested, &ok), NL_OK);
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM institutions"), 1);
	/* A statement error inside leaves nothing behind either (PostgreSQL's
	 * aborted transaction state included). */
	assert_int_equal(nl_store_run_tx(f->db, insert_then, &ok), NL_ERR_CONFLICT);
	assert_false(nl_db_in_tx(f->c));
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM institutions"), 1);
}

static NL_MUST_USE nl_err always_busy(nl_conn *c, void *ctx)
{
	(*(int *)ctx)++;
	return NL_ERR_BUSY;
}

static void test_tx_gives_up(void **state)
{
	struct fx *f = fx_get(state);
	int calls = 0;
	uint64_t before = nl_db_tx_retries(f->db);
	assert_int_equal(nl_store_run_tx(f->db, always_busy, &calls), NL_ERR_BUSY);
	assert_true(calls > 1 && calls <= 20);
	assert_int_equal(nl_db_tx_retries(f->db) - before, (uint64_t)calls - 1);
}

/* SQLite: a second connection holds the write lock; BEGIN IMMEDIATE of the
 * first gets a real SQLITE_BUSY until the holder commits. */
struct holder {
	struct fx *f;
	sem_t locked;
};

static void *hold_write_lock(void *arg)
{
	struct holder *h = arg;
	nl_conn *c;
	nl_err_ignore(nl_db_conn(h->f->db, &c));
	nl_err_ignore(nl_db_exec(c, "BEGIN IMMEDIATE"));
	nl_err_ignore(nl_db_exec(c, "INSERT INTO institutions (name, created_at, updated_at) VALUES ('holder', 1, 1)"));
	sem_post(&h->locked);
	struct timespec ts = {0, 250 * 1000 * 1000};
	nanosleep(&ts, NULL);
	nl_err_ignore(nl_db_exec(c, "COMMIT"));
	nl_db_thread_done(h->f->db);
	return NULL;
}

static void busy_sqlite(struct fx *f)
{
	nl_db *quick = NULL;
	nl_conn *qc;
	assert_int_equal(nl_db_open(&quick, f->url), NL_OK);
	nl_db_set_busy_timeout(quick, 10);
	nl_db_thread_done(quick);   /* reconnect with the short time-out */
	assert_int_equal(nl_db_conn(quick, &qc), NL_OK);

	struct holder h = {.f = f};
	sem_init(&h.locked, 0, 0);
	pthread_t t;
	assert_int_equal(pthread_create(&t, NULL, hold_write_lock, &h), 0);
	sem_wait(&h.locked);
	/* Before retrying: a plain statement sees the lock as NL_ERR_BUSY. */
	assert_int_equal(nl_db_exec(qc, "BEGIN IMMEDIATE"), NL_ERR_BUSY);
	nl_err ok = NL_OK;
	uint64_t before = nl_db_tx_retries(quick);
	assert_int_equal(nl_store_run_tx(quick, insert_then, &ok), NL_OK);
	assert_true(nl_db_tx_retries(quick) > before);
	pthread_join(t, NULL);
	sem_destroy(&h.locked);
	nl_db_close(quick);
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM institutions"), 2);
}

/* PostgreSQL: a REPEATABLE READ transaction updates a row another connection
 * changed after its snapshot: SQLSTATE 40001, retried once. */
struct serial_ctx {
	nl_conn *other;
	int attempts;
};

static NL_MUST_USE nl_err serial_fn(nl_conn *c, void *ctx)
{
	struct serial_ctx *sc = ctx;
	sc->attempts++;
	nl_err rc = nl_db_exec(c, "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ");
	if (rc == NL_OK)
		rc = nl_db_exec(c, "SELECT value FROM counters WHERE name = 'order_no'");
	if (rc == NL_OK && sc->attempts == 1)
		rc = nl_db_exec(sc->other, "UPDATE counters SET value = value + 100 WHERE name = 'order_no'");
	if (rc == NL_OK)
		rc = nl_db_exec(c, "UPDATE counters SET value = value + 1 WHERE name = 'order_no'");
	return rc;
}

static void busy_pg(struct fx *f)
{
	nl_db *other = NULL;
	struct serial_ctx sc = {0};
	assert_int_equal(nl_db_open(&other, f->url), NL_OK);
	assert_int_equal(nl_db_conn(other, &sc.other), NL_OK);
	int64_t before = fx_int(f, "SELECT value FROM counters WHERE name = 'order_no'");
	assert_int_equal(nl_store_run_tx(f->db, serial_fn, &sc), NL_OK);
	assert_int_equal(sc.attempts, 2);
	assert_int_equal(fx_int(f, "SELECT value FROM counters WHERE name = 'order_no'"), before + 101);
	nl_db_close(other);
}

static void test_tx_retry_on_busy(void **state)
{
	struct fx *f = fx_get(state);
	if (f->engine == NL_DB_SQLITE)
		busy_sqlite(f);
	else
		busy_pg(f);
}

/* PostgreSQL: the server drops our connection in the middle of a transaction
 * (a restart, a fail-over): run_tx runs it again on a new connection. */
struct lost_ctx {
	nl_conn *other;
	int attempts;
};

static NL_MUST_USE nl_err lose_connection(nl_conn *c, void *ctx)
{
	struct lost_ctx *lc = ctx;
	lc->attempts++;
	nl_err rc = nl_db_exec(c, "INSERT INTO institutions (name, created_at, updated_at)"
	                          " VALUES ('lost', 1, 1)");
	if (rc == NL_OK && lc->attempts == 1)
		rc = nl_db_exec(lc->other, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
		                           " WHERE datname = current_database() AND pid <> pg_backend_pid()"
		                           " AND query LIKE 'INSERT INTO institutions%'");
	if (rc == NL_OK)
		rc = nl_db_exec(c, "SELECT 1");
	return rc;
}

static void test_tx_reconnects(void **state)
{
	struct fx *f = fx_get(state);
	if (f->engine != NL_DB_POSTGRES)
		skip();   /* SQLite connections cannot be lost */
	nl_db *other = NULL;
	struct lost_ctx lc = {0};
	assert_int_equal(nl_db_open(&other, f->url), NL_OK);
	assert_int_equal(nl_db_conn(other, &lc.other), NL_OK);
	assert_int_equal(nl_store_run_tx(f->db, lose_connection, &lc), NL_OK);
	assert_int_equal(lc.attempts, 2);
	nl_db_close(other);
	nl_conn *c;
	assert_int_equal(nl_db_conn(f->db, &c), NL_OK);
	f->c = c;   /* the old connection was replaced */
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM institutions WHERE name = 'lost'"), 1);
}

static void test_migrate_idempotent(void **state)
{
	struct fx *f = fx_get(state);
	int applied = -1;
	int64_t version = 0;
	assert_int_equal(nl_store_migrate_n(f->db, &applied), NL_OK);
	assert_int_equal(applied, 0);
	assert_int_equal(nl_store_schema_version(f->db, &version), NL_OK);
	assert_int_equal(version, nl_migrations[nl_migrations_count - 1].version);
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM schema_migrations"), (int64_t)nl_migrations_count);
	/* From empty: everything is applied once, in order. */
	nl_db *db = f->db;
	char path[] = "/tmp/nl-store-mig-XXXXXX";
	if (f->engine == NL_DB_POSTGRES) {
		fx_exec(f, "DROP SCHEMA public CASCADE; CREATE SCHEMA public");
	} else {
		char url[64];
		int fd = mkstemp(path);
		assert_true(fd >= 0);
		close(fd);
		snprintf(url, sizeof url, "sqlite:%s", path);
		assert_int_equal(nl_db_open(&db, url), NL_OK);
	}
	assert_int_equal(nl_store_schema_version(db, &version), NL_OK);
	assert_int_equal(version, 0);
	assert_int_equal(nl_store_migrate_n(db, &applied), NL_OK);
	assert_int_equal(applied, (int)nl_migrations_count);
	assert_int_equal(nl_store_migrate_n(db, &applied), NL_OK);
	assert_int_equal(applied, 0);
	assert_int_equal(nl_store_schema_version(db, &version), NL_OK);
	assert_int_equal(version, nl_migrations[nl_migrations_count - 1].version);
	for (size_t i = 1; i < nl_migrations_count; i++)
		assert_true(nl_migrations[i].version > nl_migrations[i - 1].version);
	if (db != f->db) {
		nl_db_close(db);
		unlink(path);
	}
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM audit_head"), 1);
}

struct conn_pair {
	nl_db *db;
	nl_conn *c;
};

static void *other_thread_conn(void *arg)
{
	struct conn_pair *p = arg;
	nl_err_ignore(nl_db_conn(p->db, &p->c));
	nl_conn *again;
	nl_err_ignore(nl_db_conn(p->db, &again));
	if (again != p->c)
		p->c = NULL;
	return NULL;   /* the thread's end closes its connection */
}

static void test_connection_per_thread_and_time(void **state)
{
	struct fx *f = fx_get(state);
	struct conn_pair p = {.db = f->db};
	pthread_t t;
	assert_int_equal(pthread_create(&t, NULL, other_thread_conn, &p), 0);
	pthread_join(t, NULL);
	assert_non_null(p.c);
	assert_ptr_not_equal(p.c, f->c);
	nl_conn *mine;
	assert_int_equal(nl_db_conn(f->db, &mine), NL_OK);
	assert_ptr_equal(mine, f->c);
	uint64_t t0 = nl_db_time_us(f->db);
	for (int i = 0; i < 20; i++)
		(void)fx_int(f, "SELECT COUNT(*) FROM schema_migrations");
	assert_true(nl_db_time_us(f->db) > t0);
	assert_int_equal(nl_db_engine(f->db), f->engine);
}

static void test_open_errors(void **state)
{
	(void)fx_get(state);
	nl_db *db = (nl_db *)1;
	assert_int_equal(nl_db_open(&db, "mysql://x"), NL_ERR_CONFIG);
	assert_null(db);
	assert_int_equal(nl_db_open(&db, ""), NL_ERR_CONFIG);
	/* a file that cannot be opened: the database is unavailable (503 at the doors) */
	assert_int_equal(nl_db_open(&db, "sqlite:/nonexistent-dir/x/y.db"), NL_ERR_UNAVAILABLE);
	assert_null(db);
	/* A memory database is shared by the threads of one nl_db. */
	assert_int_equal(nl_db_open(&db, "sqlite::memory:"), NL_OK);
	assert_int_equal(nl_store_migrate(db), NL_OK);
	struct conn_pair p = {.db = db};
	pthread_t t;
	assert_int_equal(pthread_create(&t, NULL, other_thread_conn, &p), 0);
	pthread_join(t, NULL);
	nl_db_close(db);
}

int main(void)
{
	static const struct fx_test tests[] = {
		FX_TEST(test_param_rewrite),
		FX_TEST(test_bind_and_columns),
		FX_TEST(test_unique_and_constraints),
		FX_TEST(test_tx_commit_rollback),
		FX_TEST(test_tx_gives_up),
		FX_TEST(test_tx_retry_on_busy),
		FX_TEST(test_tx_reconnects),
		FX_TEST(test_migrate_idempotent),
		FX_TEST(test_connection_per_thread_and_time),
		FX_TEST(test_open_errors),
	};
	return fx_main("db", tests, sizeof tests / sizeof tests[0]);
}
