/* Helpers of the staff subcommands (see cli_staff.h). */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <pwd.h>

#include "cmd/cli_conf.h"
#include "cmd/cli_staff.h"

int nl_cli_opts(int argc, char **argv, int first, struct nl_cli_opt *opts, const char *usage)
{
	for (int i = first; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
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
		struct nl_cli_opt *o = NULL;
		for (struct nl_cli_opt *k = opts; k->name; k++)
			if (!strcmp(a, k->name))
				o = k;
		if (!o) {
			fprintf(stderr, "nitelik: unexpected argument '%s'\n", a);
			nl_cli_help(stderr, usage);
			return 2;
		}
		if (!o->takes_value) {
			o->value = "1";
			continue;
		}
		if (i + 1 >= argc) {
			fprintf(stderr, "nitelik: %s needs a value\n", a);
			nl_cli_help(stderr, usage);
			return 2;
		}
		o->value = argv[++i];
	}
	return 0;
}

int nl_cli_verb_opts(int argc, char **argv, struct nl_cli_opt *opts, const char *usage)
{
	if (argc < 2 || argv[1][0] == '-') {
		/* No verb: only --help or --version may stand here. */
		int i = 1;
		if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
			nl_cli_help(stdout, usage);
			return 0;
		}
		if (argc >= 2 && nl_cli_common_opt(argc, argv, &i) == NL_CLI_OPT_EXIT)
			return 0;
		nl_cli_help(stderr, usage);
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

int nl_cli_open_db(const char *cmd, nl_db **out)
{
	return nl_cli_db(cmd, true, out);
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
