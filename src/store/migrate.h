/* Schema migrations, embedded into the binary at build time from
 * src/store/sql/{sqlite,postgres}/NNNN_name.sql (see src/store/meson.build).
 * Each is applied once, in order, in its own transaction, and recorded in
 * schema_migrations. */
#ifndef NL_STORE_MIGRATE_H
#define NL_STORE_MIGRATE_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "store/db.h"

struct nl_migration {
	int64_t version;        /* NNNN */
	const char *name;       /* "foundation" */
	const char *sqlite_sql;
	const char *postgres_sql;
};

/* The generated table, ordered by version. */
extern const struct nl_migration nl_migrations[];
extern const size_t nl_migrations_count;

/* Applies every migration not yet recorded. Safe to run again (does nothing)
 * and from several nodes at once (they take turns). *applied (may be NULL)
 * receives how many were applied now. */
NL_MUST_USE nl_err nl_store_migrate_n(nl_db *db, int *applied);
NL_MUST_USE nl_err nl_store_migrate(nl_db *db);

/* The highest version recorded (0 for an empty database). */
NL_MUST_USE nl_err nl_store_schema_version(nl_db *db, int64_t *version);

#endif
