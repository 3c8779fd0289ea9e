/* Opening the database for a subcommand that takes no options of its own. */
#include <stdio.h>
#include <string.h>

#include "cmd/cli_conf.h"
#include "cmd/cli_db.h"

int nl_cli_db_from_args(int argc, char **argv, const char *usage, nl_db **out)
{
	*out = NULL;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			nl_cli_help(stdout, usage);
			return -1;
		}
		switch (nl_cli_common_opt(argc, argv, &i)) {
		case NL_CLI_OPT_TAKEN:
			continue;
		case NL_CLI_OPT_EXIT:
			return -1;
		case NL_CLI_OPT_BAD:
			nl_cli_help(stderr, usage);
			return 2;
		case NL_CLI_OPT_NOT_MINE:
			break;
		}
		fprintf(stderr, "nitelik %s: unexpected argument '%s'\n", argv[0], argv[i]);
		nl_cli_help(stderr, usage);
		return 2;
	}
	return nl_cli_db(argv[0], false, out);
}
