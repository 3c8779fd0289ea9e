/* `nitelik migrate`: apply the schema migrations that are not yet applied. */
#include <stdio.h>

#include "cmd/cli.h"
#include "cmd/cli_db.h"
#include "store/migrate.h"

static const char usage[] =
	"usage: nitelik migrate [common options]\n"
	"  Applies every schema migration not yet applied, each in its own transaction.\n";

int nl_cli_migrate(int argc, char **argv)
{
	nl_db *db;
	int st = nl_cli_db_from_args(argc, argv, usage, &db);
	if (st != 0)
		return st < 0 ? 0 : st;
	int applied = 0;
	int64_t version = 0;
	nl_err rc = nl_store_migrate_n(db, &applied);
	if (rc == NL_OK)
		rc = nl_store_schema_version(db, &version);
	if (rc == NL_OK)
		printf("migrate: %d applied, schema version %lld\n", applied, (long long)version);
	else
		fprintf(stderr, "migrate: failed (%s)\n", nl_err_code(rc));
	nl_db_close(db);
	return rc == NL_OK ? 0 : 1;
}
