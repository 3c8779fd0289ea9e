/* nitelik — the operator's command line: one table of subcommands. */
#include <stdio.h>
#include <string.h>

#include "cmd/cli.h"
#include "cmd/cli_conf.h"
#include "cmd/cli_pki.h"
#include "cmd/cmd_common.h"

/* Add a line here and a cli_<name>.c beside this file for each subcommand. */
static const struct nl_cli_command commands[] = {
	{"ca", "set up the CA, publish CRLs, pre-sign OCSP responses", nl_cli_ca},
	{"cert", "issue, show, revoke, suspend, release, search certificates", nl_cli_cert},
	{"migrate", "apply the database schema migrations", nl_cli_migrate},
	{"audit", "verify the audit trail's hash chain (audit verify)", nl_cli_audit},
	{"institution", "add, list, disable institutions (kurum)", nl_cli_institution},
	{"user", "add staff accounts, change passwords, disable", nl_cli_user},
	{"token", "API tokens of institutions (shown once, stored hashed)", nl_cli_token},
	{"price", "set and list prices (product x period x card reader, VAT)", nl_cli_price},
	{"preapply", "bulk pre-registration from a CSV file (preapply import FILE)", nl_cli_preapply},
	{"payments", "import a bank reconciliation file (payments import FILE)", nl_cli_payments},
	{"backup", "back up the database and the data folder (backup --out DIR)", nl_cli_backup},
	{"restore", "restore a backup into an empty data folder (restore --from DIR)", nl_cli_restore},
	{NULL, NULL, NULL},
};

static void usage(FILE *f)
{
	fprintf(f, "usage: nitelik <command> [options]\n\ncommands:\n");
	for (const struct nl_cli_command *c = commands; c->name; c++)
		fprintf(f, "  %-12s %s\n", c->name, c->summary);
	fprintf(f, "\nRun 'nitelik <command> --help' for a command's options.\n\n");
	nl_cli_help(f, "");
}

int main(int argc, char **argv)
{
	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	if (!strcmp(argv[1], "--version")) {
		nl_cmd_print_version("nitelik");
		return 0;
	}
	for (const struct nl_cli_command *c = commands; c->name; c++)
		if (!strcmp(c->name, argv[1]))
			return c->run(argc - 1, argv + 1);
	fprintf(stderr, "nitelik: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return 2;
}
