/* Opening the database for a subcommand. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cli_db.h"

int nl_cli_db_from_args(int argc, char **argv, const char *usage, nl_db **out)
{
	const char *url = NULL;
	*out = NULL;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			fputs(usage, stdout);
			return -1;
		} else if (!strcmp(argv[i], "--db") && i + 1 < argc) {
			url = argv[++i];
		} else if (!strncmp(argv[i], "--db=", 5)) {
			url = argv[i] + 5;
		} else {
			fprintf(stderr, "nitelik %s: unexpected argument '%s'\n%s", argv[0], argv[i], usage);
			return 2;
		}
	}
	if (!url)
		url = getenv("NITELIK_DB");
	if (!url || !*url) {
		fprintf(stderr, "nitelik %s: no database: give --db URL or set NITELIK_DB\n%s", argv[0],
		        usage);
		return 2;
	}
	nl_err rc = nl_db_open(out, url);
	if (rc != NL_OK) {
		/* Not the URL itself: it may carry a password. */
		fprintf(stderr, "nitelik %s: cannot open the database (%s)\n", argv[0], nl_err_code(rc));
		return 1;
	}
	return 0;
}
