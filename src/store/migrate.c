/* Applies the embedded schema migrations. */
#include <stdio.h>

#include "store/migrate.h"
#include "store/store_audit.h"
#include "store/store_util.h"

struct mig_ctx {
	const struct nl_migration *m;
	bool applied;
};

static const char create_table_sql[] =
	"CREATE TABLE IF NOT EXISTS schema_migrations ("
	" version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)";

static NL_MUST_USE nl_err is_recorded(nl_conn *c, int64_t version, bool *yes)
{
	nl_stmt *s;
	int64_t one = 0;
	nl_err rc = nl_db_query(c, &s, "SELECT 1 FROM schema_migrations WHERE version = $1",
		NL_PARAMS(NL_P_INT(version)));
	if (rc == NL_OK)
		rc = nl_store_one_int64(s, &one);
	*yes = rc == NL_OK;
	return rc == NL_ERR_NOT_FOUND ? NL_OK : rc;
}

/* One migration, inside its transaction: check, apply, record. */
static NL_MUST_USE nl_err apply_one(nl_conn *c, void *ctx)
{
	struct mig_ctx *mc = ctx;
	const struct nl_migration *m = mc->m;
	bool pg = nl_db_engine(nl_db_of(c)) == NL_DB_POSTGRES;
	nl_err rc;
	mc->applied = false;
	/* Two nodes starting together on PostgreSQL would both see the migration
	 * missing; the advisory lock makes the second wait and then skip it. On
	 * SQLite BEGIN IMMEDIATE already serialises. */
	if (pg && (rc = nl_db_exec(c, "SELECT pg_advisory_xact_lock(7265836)")) != NL_OK)
		return rc;
	if ((rc = nl_db_exec(c, create_table_sql)) != NL_OK)
		return rc;
	bool done = false;
	if ((rc = is_recorded(c, m->version, &done)) != NL_OK || done)
		return rc;
	if ((rc = nl_db_exec(c, pg ? m->postgres_sql : m->sqlite_sql)) != NL_OK) {
		fprintf(stderr, "migrate: %04lld_%s: %s\n", (long long)m->version, m->name,
		        nl_db_errmsg(c));
		return rc;
	}
	/* Rows older than state digests get a record binding their state as
	 * found, in the migration's transaction, so verify has a record for
	 * every row from here on (docs/audit.md). */
	if (m->version == 16 && (rc = nl_store_audit_baseline(c, "migrate:0016", NULL)) != NL_OK)
		return rc;
	/* The certificates' state digest read status and DER wrongly before
	 * 0019: rows that still match what their records bound that way are
	 * bound again, right (store_audit_state.c). */
	if (m->version == 19 && (rc = nl_store_audit_rebaseline(c, "migrate:0019", NULL)) != NL_OK)
		return rc;
	nl_stmt *s;
	rc = nl_db_query(c, &s, "INSERT INTO schema_migrations (version, name, applied_at)"
	                    " VALUES ($1, $2, $3)",
	                    NL_PARAMS(NL_P_INT(m->version), NL_P_TEXT(m->name),
	                    NL_P_INT(nl_store_now())));
	if (rc == NL_OK)
		rc = nl_store_exec_stmt(s, NULL);
	mc->applied = rc == NL_OK;
	return rc;
}

nl_err nl_store_migrate_n(nl_db *db, int *applied)
{
	int n = 0;
	nl_err rc = NL_OK;
	for (size_t i = 0; i < nl_migrations_count && rc == NL_OK; i++) {
		struct mig_ctx mc = {.m = &nl_migrations[i]};
		rc = nl_store_run_tx(db, apply_one, &mc);
		n += mc.applied && rc == NL_OK;
	}
	if (applied)
		*applied = n;
	return rc;
}

nl_err nl_store_migrate(nl_db *db)
{
	return nl_store_migrate_n(db, NULL);
}

nl_err nl_store_schema_version(nl_db *db, int64_t *version)
{
	nl_conn *c;
	nl_stmt *s;
	*version = 0;
	nl_err rc = nl_db_conn(db, &c);
	if (rc == NL_OK)
		rc = nl_db_exec(c, create_table_sql);
	if (rc == NL_OK)
		rc = nl_db_query(c, &s, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations",
			NL_NO_PARAMS);
	if (rc == NL_OK)
		rc = nl_store_one_int64(s, version);
	return rc == NL_ERR_NOT_FOUND ? NL_ERR_DB : rc;
}
