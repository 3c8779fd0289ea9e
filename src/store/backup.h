/* What `nitelik backup` and `nitelik restore` need from the store
 * (docs/operations.md, "Backups"): a consistent copy of a live SQLite
 * database, and the counts a backup reports. */
#ifndef NL_STORE_BACKUP_H
#define NL_STORE_BACKUP_H

#include <stdint.h>

#include "store/db.h"

/* Copies the SQLite database file src into dst (which must not exist) with
 * SQLite's online backup API: one consistent snapshot even while nitelikd
 * writes (under WAL the copy holds a read transaction only, writers go on).
 * dst is left in rollback-journal mode, one self-contained file. NL_ERR_CONFLICT
 * when dst exists, NL_ERR_NOT_FOUND when src does not, NL_ERR_DB otherwise. */
NL_MUST_USE nl_err nl_store_sqlite_copy(const char *src, const char *dst);

/* Puts a SQLite file back into rollback-journal mode (merging and removing
 * its -wal and -shm files) after nl_db_open has turned it to WAL. */
NL_MUST_USE nl_err nl_store_sqlite_seal(const char *path);

/* The rows a restore must find again. */
struct nl_store_counts {
	int64_t orders, payments, certificates, audit_records;
};
NL_MUST_USE nl_err nl_store_backup_counts(nl_db *db, struct nl_store_counts *out);

#endif
