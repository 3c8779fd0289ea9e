/* Shared by the subcommands that open the database: `--db URL` or NITELIK_DB. */
#ifndef NL_CMD_CLI_DB_H
#define NL_CMD_CLI_DB_H

#include "store/db.h"

/* Parses `--db URL` / `--db=URL` (and --help) from argv; falls back to the
 * environment variable NITELIK_DB. Opens the database into *out (the caller
 * closes it with nl_db_close). Returns 0 when opened, else the process exit
 * status to end with: 1 could not open, 2 usage error; -1 means --help was
 * shown (exit 0). */
int nl_cli_db_from_args(int argc, char **argv, const char *usage, nl_db **out);

#endif
