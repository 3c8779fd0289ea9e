/* nitelik institution — institutions (kurum) whose officers pre-register people:
 *   institution add --name NAME [--registry-no NO] [--address TEXT]
 *   institution list
 *   institution disable|enable --id ID */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "app/staff.h"
#include "cmd/cli.h"
#include "cmd/cli_conf.h"
#include "cmd/cli_staff.h"
#include "store/store_institutions.h"

static const char usage[] =
	"usage: nitelik institution add --name NAME [--registry-no NO] [--address TEXT]\n"
	"       nitelik institution list\n"
	"       nitelik institution disable|enable --id ID\n"
	"  list --json prints a JSON array.\n";

static int list(nl_db *db)
{
	nl_conn *c;
	struct nl_institution *items = NULL;
	size_t n = 0;
	nl_err e = nl_db_conn(db, &c);
	if (e == NL_OK)
		e = nl_store_institution_list(c, &items, &n);
	if (e) {
		fprintf(stderr, "nitelik institution list: failed (%s)\n", nl_err_code(e));
		return 1;
	}
	if (nl_cli_g.json) {
		json_t *a = json_array();
		for (size_t i = 0; i < n; i++)
			json_array_append_new(a, json_pack("{sI sb s:s? s:s? s:s? sI}", "id", (json_int_t)items[i].id,
			                      "active", items[i].active, "registry_no", items[i].registry_no,
			                      "name", items[i].name, "address", items[i].address,
			                      "created_at", (json_int_t)items[i].created_at));
		nl_institution_list_free(items, n);
		return nl_cli_print_json(a);
	}
	printf("%-6s %-8s %-16s %s\n", "ID", "ACTIVE", "REGISTRY NO", "NAME");
	for (size_t i = 0; i < n; i++)
		printf("%-6" PRId64 " %-8s %-16s %s\n", items[i].id, items[i].active ? "yes" : "no",
		       items[i].registry_no, items[i].name);
	nl_institution_list_free(items, n);
	return 0;
}

int nl_cli_institution(int argc, char **argv)
{
	struct nl_cli_opt opts[] = {
		{"--name", true, NULL}, {"--registry-no", true, NULL}, {"--address", true, NULL},
		{"--id", true, NULL},   {NULL, false, NULL},
	};
	int st = nl_cli_verb_opts(argc, argv, opts, usage);
	if (st >= 0)
		return st;
	const char *verb = argv[1];
	bool add = !strcmp(verb, "add"), ls = !strcmp(verb, "list");
	bool dis = !strcmp(verb, "disable"), en = !strcmp(verb, "enable");
	int64_t id = 0;
	if (!(add || ls || dis || en) || (add && !nl_cli_opt(opts, "--name")) ||
	    ((dis || en) && !nl_cli_id(nl_cli_opt(opts, "--id"), &id))) {
		nl_cli_help(stderr, usage);
		return 2;
	}
	nl_db *db;
	if ((st = nl_cli_open_db("institution", &db)))
		return st;
	nl_err e = NL_OK;
	if (ls) {
		st = list(db);
	} else if (add) {
		e = nl_staff_institution_add(nl_cli_app(db), nl_cli_opt(opts, "--name"),
		                             nl_cli_opt(opts, "--registry-no"),
		                             nl_cli_opt(opts, "--address"), nl_cli_actor(), &id);
		if (e == NL_OK)
			printf("institution %" PRId64 " added\n", id);
		else if (e == NL_ERR_CONFLICT)
			fprintf(stderr, "nitelik institution add: an institution with this name exists\n");
		else if (e == NL_ERR_INVALID)
			fprintf(stderr, "nitelik institution add: the name must be 1 to 200 characters "
			                "of text (registry no up to 50, address up to 500)\n");
	} else {
		e = nl_staff_institution_set_active(nl_cli_app(db), id, en, nl_cli_actor());
		if (e == NL_OK)
			printf("institution %" PRId64 " %s\n", id, en ? "enabled" : "disabled");
	}
	if (e != NL_OK && e != NL_ERR_CONFLICT && e != NL_ERR_INVALID)
		fprintf(stderr, "nitelik institution %s: failed (%s)\n", verb, nl_err_code(e));
	nl_db_close(db);
	return e != NL_OK ? 1 : st;
}
