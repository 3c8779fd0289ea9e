/* Online copies of SQLite databases and row counts for backups (backup.h). */
#include <stdio.h>
#include <unistd.h>

#include <sqlite3.h>

#include "store/backup.h"

nl_err nl_store_sqlite_copy(const char *src, const char *dst)
{
	sqlite3 *s = NULL, *d = NULL;
	sqlite3_backup *b = NULL;
	nl_err rc = NL_ERR_DB;
	if (access(dst, F_OK) == 0)
		return NL_ERR_CONFLICT;
	if (access(src, F_OK) != 0)
		return NL_ERR_NOT_FOUND;
	/* Read-write (never create): a WAL database's readers need its -shm. */
	if (sqlite3_open_v2(src, &s, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK ||
	    sqlite3_open_v2(dst, &d, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK)
		goto out;
	sqlite3_busy_timeout(s, 10000);
	sqlite3_busy_timeout(d, 10000);
	if (!(b = sqlite3_backup_init(d, "main", s, "main")))
		goto out;
	/* All pages in one step: one read transaction, so one snapshot; under WAL
	 * it blocks no writer. A BUSY (a writer in rollback mode) is retried. */
	int r, tries = 0;
	while ((r = sqlite3_backup_step(b, -1)) == SQLITE_BUSY || r == SQLITE_LOCKED) {
		if (++tries > 100)
			break;
		sqlite3_sleep(100);
	}
	int fin = sqlite3_backup_finish(b);
	b = NULL;
	if (r != SQLITE_DONE || fin != SQLITE_OK)
		goto out;
	if (sqlite3_exec(d, "PRAGMA journal_mode=DELETE", NULL, NULL, NULL) != SQLITE_OK)
		goto out;
	rc = NL_OK;
out:
	if (rc != NL_OK)
		fprintf(stderr, "store: sqlite copy %s -> %s: %s\n", src, dst,
		        d ? sqlite3_errmsg(d) : s ? sqlite3_errmsg(s) : "cannot open");
	if (b)
		sqlite3_backup_finish(b);
	sqlite3_close(d);
	sqlite3_close(s);
	return rc;
}

nl_err nl_store_sqlite_seal(const char *path)
{
	sqlite3 *h = NULL;
	nl_err rc = NL_ERR_DB;
	if (sqlite3_open_v2(path, &h, SQLITE_OPEN_READWRITE, NULL) == SQLITE_OK &&
	    sqlite3_exec(h, "PRAGMA journal_mode=DELETE", NULL, NULL, NULL) == SQLITE_OK)
		rc = NL_OK;
	sqlite3_close(h);
	return rc;
}

static NL_MUST_USE nl_err count(nl_conn *c, const char *sql, int64_t *out)
{
	nl_stmt *s = NULL;
	nl_err rc = nl_db_prepare(c, sql, &s);
	if (rc == NL_OK) {
		int r = nl_db_step(s);
		if (r == NL_DB_ROW)
			*out = nl_db_col_int64(s, 0);
		else
			rc = r == NL_DB_DONE ? NL_ERR_DB : (nl_err)r;
	}
	nl_db_finalize(s);
	return rc;
}

nl_err nl_store_backup_counts(nl_db *db, struct nl_store_counts *out)
{
	nl_conn *c;
	nl_err rc = nl_db_conn(db, &c);
	if (rc == NL_OK)
		rc = count(c, "SELECT COUNT(*) FROM orders", &out->orders);
	if (rc == NL_OK)
		rc = count(c, "SELECT COUNT(*) FROM payments", &out->payments);
	if (rc == NL_OK)
		rc = count(c, "SELECT COUNT(*) FROM certificates", &out->certificates);
	if (rc == NL_OK)
		rc = count(c, "SELECT COUNT(*) FROM audit_log", &out->audit_records);
	return rc;
}
