/* Test helper for cli_test.sh: audit_seed URL N migrates the database and
 * appends N audit records. */
#include <stdio.h>
#include <stdlib.h>

#include "store/migrate.h"
#include "store/store_audit.h"

int main(int argc, char **argv)
{
	nl_db *db;
	nl_conn *c;
	if (argc != 3 || nl_db_open(&db, argv[1]) != NL_OK)
		return 2;
	int rc = nl_store_migrate(db) == NL_OK && nl_db_conn(db, &c) == NL_OK ? 0 : 1;
	for (int i = 1; rc == 0 && i <= atoi(argv[2]); i++) {
		struct nl_audit_rec r = {.actor = "cli:test", .entity = "order", .entity_id = i,
		                         .action = "create", .to = "form_wait"};
		rc = nl_store_audit_append(c, &r) == NL_OK ? 0 : 1;
	}
	nl_db_close(db);
	return rc;
}
