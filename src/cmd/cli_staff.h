/* Shared by cli_institution.c, cli_user.c, cli_token.c and cli_payment.c:
 * option parsing (their own options and the common ones of cli_conf.h),
 * opening the database and the audit actor. */
#ifndef NL_CMD_CLI_STAFF_H
#define NL_CMD_CLI_STAFF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/db.h"

/* One "--name value" option; value stays NULL when absent. flag options
 * (takes_value false) set value to "1". */
struct nl_cli_opt {
	const char *name;
	bool takes_value;
	const char *value;
};

/* Parses argv[first..] against the common options (cli_conf.h) and opts
 * (NULL-name terminated). Returns 0, -1 after --help or --version (exit 0), or
 * 2 after printing what is wrong and the usage. */
int nl_cli_opts(int argc, char **argv, int first, struct nl_cli_opt *opts, const char *usage);
/* `nitelik <cmd> <verb> [options]`: prints the usage and returns 2 without a
 * verb (0 for --help or --version), else parses the options after it (nl_cli_opts). Returns -1 to go on,
 * or the exit status (0 after --help). */
int nl_cli_verb_opts(int argc, char **argv, struct nl_cli_opt *opts, const char *usage);
/* The value of option name, or NULL. */
const char *nl_cli_opt(const struct nl_cli_opt *opts, const char *name);
/* Opens the database of the common options (cli_conf.h) and applies the
 * migrations. 0 or an exit status. */
int nl_cli_open_db(const char *cmd, nl_db **out);
/* "cli:<login name>" for the audit trail, in a static buffer. */
const char *nl_cli_actor(void);
/* Parses a positive id; false when not one. */
bool nl_cli_id(const char *s, int64_t *out);

#endif
