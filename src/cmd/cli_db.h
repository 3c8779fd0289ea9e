/* Shared by the subcommands that take no options of their own (migrate, audit). */
#ifndef NL_CMD_CLI_DB_H
#define NL_CMD_CLI_DB_H

#include "store/db.h"

/* Parses the common options (cli_conf.h) and --help from argv; anything else
 * is a usage error. Opens the database into *out without migrating (the
 * caller closes it with nl_db_close). Returns 0 when opened, else the process
 * exit status to end with: 1 could not open, 2 usage error; -1 means --help or
 * --version was shown (exit 0). */
int nl_cli_db_from_args(int argc, char **argv, const char *usage, nl_db **out);

#endif
