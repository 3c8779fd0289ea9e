/* `nitelik audit verify`: check the audit trail's hash chain. */
#include <stdio.h>
#include <string.h>

#include "cmd/cli.h"
#include "cmd/cli_conf.h"
#include "cmd/cli_db.h"
#include "store/store_audit.h"

static const char usage[] =
	"usage: nitelik audit verify [common options]\n"
	"  Recomputes the audit trail's hash chain. Exit 0: intact; 1: a record was\n"
	"  changed, inserted or deleted (the first bad one is named) or the database\n"
	"  could not be read.\n";

int nl_cli_audit(int argc, char **argv)
{
	if (argc < 2 || strcmp(argv[1], "verify") != 0) {
		if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
			nl_cli_help(stdout, usage);
			return 0;
		}
		nl_cli_help(stderr, usage);
		return 2;
	}
	nl_db *db;
	/* argv[1] ("verify") takes the place of the command name for the options. */
	int st = nl_cli_db_from_args(argc - 1, argv + 1, usage, &db);
	if (st != 0)
		return st < 0 ? 0 : st;
	int64_t bad = 0, count = 0;
	nl_err rc = nl_store_audit_verify_n(db, &bad, &count);
	nl_db_close(db);
	if (rc == NL_OK) {
		printf("audit chain OK (%lld records)\n", (long long)count);
		return 0;
	}
	if (rc == NL_ERR_INVALID) {
		printf("audit chain BROKEN at record %lld: changed, inserted or deleted\n", (long long)bad);
		return 1;
	}
	fprintf(stderr, "audit verify: cannot read the audit trail (%s)\n", nl_err_code(rc));
	return 1;
}
