/* The options every `nitelik` subcommand takes, and where a subcommand's
 * database and data folder come from (docs/operations.md, "The command line"):
 *
 *   --config FILE   nitelik.conf (default: nl_cmd_default_config(), when it exists,
 *                   else DIR/nitelik.conf of --data DIR, when it exists)
 *   --data DIR      storage.data_dir: the CA's files, the SQLite database
 *   --db URL        storage.database
 *   --json          listings as JSON
 *   --version, --help
 *
 * The database is --db, else $NITELIK_DB, else the file's storage.database,
 * else sqlite:<data folder>/nitelik.db. With no file, no --data and no --db,
 * a command refuses (exit 2) instead of guessing /var/lib/nitelik. */
#ifndef NL_CMD_CLI_CONF_H
#define NL_CMD_CLI_CONF_H

#include <stdbool.h>
#include <stdio.h>

#include <jansson.h>

#include "app/app.h"
#include "core/config.h"
#include "store/db.h"

struct nl_cli_global {
	const char *config;   /* --config */
	const char *data;     /* --data */
	const char *db;       /* --db */
	bool json;            /* --json */
	const char *config_read;   /* the configuration file read, or NULL */
};
extern struct nl_cli_global nl_cli_g;

enum nl_cli_opt_result {
	NL_CLI_OPT_NOT_MINE = 0,   /* not a common option: the subcommand's own */
	NL_CLI_OPT_TAKEN = 1,      /* consumed (with its value: *i moved on) */
	NL_CLI_OPT_EXIT = 3,       /* --version was printed: exit 0 */
	NL_CLI_OPT_BAD = 2,        /* a value is missing: printed; exit 2 */
};
/* Looks at argv[*i]: a common option is consumed (and its value, as the next
 * argument or after '='). */
enum nl_cli_opt_result nl_cli_common_opt(int argc, char **argv, int *i);

/* Prints usage and then the common options, for --help (stdout) and errors. */
void nl_cli_help(FILE *f, const char *usage);

/* Reads the configuration once and applies --data/--db/$NITELIK_DB: *cfg
 * then holds data_dir and database. need_data: the command works on the data
 * folder (the CA), so --data or a configuration file is required. Returns 0,
 * or the exit status after printing why (1 bad file, 2 nothing given). */
int nl_cli_config(const char *cmd, bool need_data, const struct nl_config **cfg);

/* Prints a JSON value (--json listings) on its own line and frees it.
 * Returns 0, or 1 when it could not be made or written. */
int nl_cli_print_json(json_t *v);

/* nl_cli_config, then opens the database; migrate: apply the migrations.
 * Returns 0 or the exit status. The caller closes *out with nl_db_close. */
int nl_cli_db(const char *cmd, bool migrate, nl_db **out);

/* The application context the use cases take, for a command on db: the
 * configuration read (nl_cli_config) and db, no drivers (the CLI sends no
 * mail or SMS itself; the outbox worker of nitelikd does). One per process:
 * the command's thread only. */
const struct nl_app *nl_cli_app(nl_db *db);

#endif
