/* Helpers of the staff subcommands (see cli_staff.h). */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <pwd.h>

#include "cmd/cli_staff.h"
#include "store/migrate.h"

int nl_cli_opts(int argc, char **argv, int first, struct nl_cli_opt *opts, const char *usage)
{
	for (int i = first; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			fputs(usage, stdout);
			return -1;
		}
		struct nl_cli_opt *o = NULL;
		for (struct nl_cli_opt *k = opts; k->name; k++)
			if (!strcmp(a, k->name))
				o = k;
		if (!o) {
			fprintf(stderr, "nitelik: unexpected argument '%s'\n%s", a, usage);
			return 2;
		}
		if (!o->takes_value) {
			o->value = "1";
			continue;
		}
		if (i + 1 >= argc) {
			fprintf(stderr, "nitelik: %s needs a value\n%s", a, usage);
			return 2;
		}
		o->value = argv[++i];
	}
	return 0;
}

int nl_cli_verb_opts(int argc, char **argv, struct nl_cli_opt *opts, const char *usage)
{
	if (argc < 2) {
		fputs(usage, stderr);
		return 2;
	}
	int st = nl_cli_opts(argc, argv, 2, opts, usage);
	return st == 0 ? -1 : st < 0 ? 0 : st;
}

const char *nl_cli_opt(const struct nl_cli_opt *opts, const char *name)
{
	for (const struct nl_cli_opt *k = opts; k->name; k++)
		if (!strcmp(k->name, name))
			return k->value;
	return NULL;
}

int nl_cli_open_db(const char *cmd, const char *url, nl_db **out)
{
	*out = NULL;
	if (!url)
		url = getenv("NITELIK_DB");
	if (!url || !*url) {
		fprintf(stderr, "nitelik %s: no database: give --db URL or set NITELIK_DB\n", cmd);
		return 2;
	}
	nl_err e = nl_db_open(out, url);
	if (e == NL_OK)
		e = nl_store_migrate(*out);
	if (e != NL_OK) {
		/* Not the URL itself: it may carry a password. */
		fprintf(stderr, "nitelik %s: cannot open the database (%s)\n", cmd, nl_err_code(e));
		nl_db_close(*out);
		*out = NULL;
		return 1;
	}
	return 0;
}

const char *nl_cli_actor(void)
{
	static char actor[96];
	const char *who = getenv("USER");
	if (!who || !*who) {
		struct passwd *pw = getpwuid(getuid());
		who = pw ? pw->pw_name : "unknown";
	}
	snprintf(actor, sizeof actor, "cli:%.80s", who);
	return actor;
}

bool nl_cli_id(const char *s, int64_t *out)
{
	char *end;
	if (!s || !*s)
		return false;
	long long v = strtoll(s, &end, 10);
	if (*end || v <= 0)
		return false;
	*out = v;
	return true;
}
