/* One schema, two engines: the SQLite and PostgreSQL migrations are written
 * by hand side by side (src/store/sql/{sqlite,postgres}); this test migrates a
 * fresh database of each with nitelik's own migration code and compares what
 * the two engines then hold: tables, columns (type class, NOT NULL, default),
 * which keys the database fills in, primary keys, UNIQUE constraints, indexes
 * (columns, unique, partial and the columns of its WHERE), foreign keys, the
 * columns and literals of each CHECK, and how many rows the migrations seeded
 * in each table. The type mapping between the engines is schema_describe.c's,
 * documented in docs/storage.md "One schema, two engines".
 *
 * The comparison needs both engines at once, so it runs in the postgresql
 * case (a TAP skip without NL_TEST_PG_URL, as every PostgreSQL case). The
 * other tests check, on each engine alone, that the description sees what the
 * migrations wrote and names a drift. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fixture.h"
#include "schema_describe.h"
#include "store/migrate.h"

/* Differences between the engines that are deliberate. Each says why; an
 * entry that no longer excuses a difference fails the test, so the list
 * cannot outlive its reason. Keys are as schema_describe.h writes them. */
static const struct schema_allow allow_list[] = {
	/* Keys the code numbers itself: SQLite would fill them in (every
	 * one-column INTEGER PRIMARY KEY is its rowid), PostgreSQL does not, and
	 * no INSERT leaves them out. */
	{"auto audit_head.id", "the one row, id 1, seeded by 0001 (CHECK (id = 1))"},
	{"auto audit_log.seq", "the chain's position, head + 1 (store_audit.c)"},
	{"auto crls.crl_number", "the CRL number the CA assigns (store_certs.c)"},
	{"auto holder_contacts.person_id", "the person's id: one row per person"},
	{"auto order_contacts.order_id", "the order's id: one row per order"},
	{NULL, NULL},
};
static const size_t allow_count = sizeof allow_list / sizeof allow_list[0] - 1;

static void describe_or_fail(nl_conn *c, struct schema *s)
{
	if (schema_describe(c, s) != NL_OK)
		fail_msg("schema_describe: %s", nl_db_errmsg(c));
}

static void expect(const struct schema *s, const char *key, const char *val)
{
	const struct schema_item *it = schema_find(s, key);
	if (!it)
		fail_msg("no '%s' in the description", key);
	if (strcmp(it->val, val))
		fail_msg("'%s' is '%s', want '%s'", key, it->val, val);
}

/* The description sees each kind of item the migrations write, with the same
 * words on both engines; a describer that saw nothing would make the
 * comparison agree trivially. */
static void test_describes_migrations(void **state)
{
	struct fx *f = fx_get(state);
	struct schema s;
	describe_or_fail(f->c, &s);
	assert_true(s.n > 200);
	expect(&s, "table orders", "");
	expect(&s, "table schema_migrations", "");
	expect(&s, "primary key orders", "id");
	expect(&s, "auto orders.id", "");
	expect(&s, "column orders.order_no", "int not null");
	expect(&s, "column orders.cancel_reason", "text");
	expect(&s, "column institutions.active", "bool not null default 1");
	expect(&s, "column orders.backup_cert", "bool not null default 0");
	expect(&s, "column persons.birth_place", "text not null default ''");
	expect(&s, "column sessions.data", "text not null default '{}'");
	expect(&s, "column audit_log.hash", "blob not null");
	expect(&s, "column audit_log.state_hash", "blob");
	/* A BLOB primary key: NOT NULL on both (see schema_describe.c). */
	expect(&s, "column sessions.id_hash", "blob not null");
	expect(&s, "unique users (username)", "");
	expect(&s, "unique persons (id_kind, id_number, passport_country)", "");
	expect(&s, "index orders_institution_ix", "on orders (institution_id, id)");
	expect(&s, "index institutions_name_uq", "on institutions (name) unique");
	expect(&s, "index certificates_publish_ix",
	       "on certificates (common_name) partial where (publish)");
	expect(&s, "index form_versions_draft_ux",
	       "on form_versions (order_id) unique partial where (status)");
	expect(&s, "foreign key orders (person_id) -> persons (id)",
	       "on update NO ACTION on delete NO ACTION");
	/* PostgreSQL stores role = ANY (ARRAY['admin'::text, ...]): the
	 * literals and the columns are what both keep. */
	expect(&s, "check users (role)", "'admin', 'auditor', 'kurum', 'production', 'ra'");
	expect(&s, "check audit_head (id)", "1");
	expect(&s, "check prices (period_years)", "1, 3");
	expect(&s, "rows audit_head", "1");
	expect(&s, "rows orders", "0");
	/* The bool convention is the type, not a check. */
	assert_null(schema_find(&s, "check institutions (active)"));
	schema_free(&s);
}

/* A drift made on purpose (a column, an index, a foreign key and a CHECK
 * gone, a column and a table added, a type changed) is named, each item
 * once. */
static void test_names_drift(void **state)
{
	struct fx *f = fx_get(state);
	struct schema before, after;
	describe_or_fail(f->c, &before);
	fx_exec(f, "DROP INDEX orders_status_ix");
	fx_exec(f, "ALTER TABLE persons DROP COLUMN birth_place");
	fx_exec(f, "ALTER TABLE orders ADD COLUMN drift_note TEXT");
	/* Two CHECKs on one column: numbered by their literals on both engines. */
	fx_exec(f, "CREATE TABLE drift_checks (n INTEGER NOT NULL CHECK (n < 10) CHECK (n > 0))");
	if (f->engine == NL_DB_POSTGRES) {
		fx_exec(f, "ALTER TABLE ra_decisions DROP CONSTRAINT ra_decisions_user_id_fkey;"
		           "ALTER TABLE ra_decisions DROP CONSTRAINT ra_decisions_decision_check;"
		           "ALTER TABLE ra_decisions ALTER COLUMN user_id TYPE TEXT");
	} else {
		/* SQLite cannot alter a column: the table is made anew (its
		 * documented way). */
		fx_exec(f, "CREATE TABLE ra_decisions2 (id INTEGER PRIMARY KEY,"
		           " barcode_id INTEGER NOT NULL REFERENCES form_barcodes (id),"
		           " user_id TEXT NOT NULL, decision TEXT NOT NULL,"
		           " reason TEXT NOT NULL DEFAULT '', decided_at INTEGER NOT NULL);"
		           "DROP TABLE ra_decisions; ALTER TABLE ra_decisions2 RENAME TO ra_decisions;"
		           "CREATE INDEX ra_decisions_barcode_ix ON ra_decisions (barcode_id)");
	}
	describe_or_fail(f->c, &after);
	size_t diffs = schema_compare(&before, "before", &after, "after", NULL, 0);
	assert_null(schema_find(&after, "column persons.birth_place"));
	assert_null(schema_find(&after, "index orders_status_ix"));
	assert_null(schema_find(&after, "foreign key ra_decisions (user_id) -> users (id)"));
	assert_null(schema_find(&after, "check ra_decisions (decision)"));
	expect(&before, "column ra_decisions.user_id", "int not null");
	expect(&after, "column ra_decisions.user_id", "text not null");
	expect(&after, "column orders.drift_note", "text");
	expect(&after, "check drift_checks (n)", "0");
	expect(&after, "check drift_checks (n) #2", "10");
	/* The six drifts above, and the new table: itself, its column, its
	 * two CHECKs and its row count. */
	assert_int_equal(diffs, 6 + 5);
	schema_free(&before);
	schema_free(&after);
}

/* The comparison itself: a fresh SQLite file beside this PostgreSQL schema. */
static void test_engines_agree(void **state)
{
	struct fx *f = fx_get(state);
	if (f->engine != NL_DB_POSTGRES)
		skip();   /* needs both engines: runs once, in the postgresql case */
	char path[] = "/tmp/nl-schema-test-XXXXXX", url[64], p[96];
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	snprintf(url, sizeof url, "sqlite:%s", path);
	nl_db *lite = NULL;
	nl_conn *lc = NULL;
	struct schema s_lite = {0}, s_pg;
	nl_err rc = nl_db_open(&lite, url);
	if (rc == NL_OK)
		rc = nl_store_migrate(lite);
	if (rc == NL_OK)
		rc = nl_db_conn(lite, &lc);
	if (rc == NL_OK)
		rc = schema_describe(lc, &s_lite);
	nl_db_close(lite);
	unlink(path);
	snprintf(p, sizeof p, "%s-wal", path);
	unlink(p);
	snprintf(p, sizeof p, "%s-shm", path);
	unlink(p);
	assert_int_equal(rc, NL_OK);
	describe_or_fail(f->c, &s_pg);
	if (getenv("NL_TEST_SCHEMA_DUMP")) {   /* to read what is compared */
		for (size_t i = 0; i < s_lite.n; i++)
			printf("# sqlite: %s: %s\n", s_lite.v[i].key, s_lite.v[i].val);
		for (size_t i = 0; i < s_pg.n; i++)
			printf("# postgresql: %s: %s\n", s_pg.v[i].key, s_pg.v[i].val);
	}
	size_t diffs = schema_compare(&s_lite, "sqlite", &s_pg, "postgresql", allow_list,
	                              allow_count);
	schema_free(&s_lite);
	schema_free(&s_pg);
	if (diffs)
		fail_msg("the SQLite and PostgreSQL migrations differ in %zu item(s), listed above;"
		         " write the missing part of the migration for the other engine"
		         " (docs/storage.md)", diffs);
}

int main(void)
{
	static const struct fx_test tests[] = {
		FX_TEST(test_describes_migrations),
		FX_TEST(test_names_drift),
		FX_TEST(test_engines_agree),
	};
	return fx_main("schema", tests, sizeof tests / sizeof tests[0]);
}
