/* nitelik token — API tokens of institutions (docs/api.md):
 *   token add --institution ID [--name LABEL]   prints the token ONCE
 *   token list [--institution ID]
 *   token revoke --id ID
 * Only a hash of a token is stored: a lost token is revoked and replaced. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "app/staff.h"
#include "cmd/cli.h"
#include "cmd/cli_conf.h"
#include "cmd/cli_staff.h"
#include "store/store_staff_api.h"

static const char usage[] =
	"usage: nitelik token add --institution ID [--name LABEL]\n"
	"       nitelik token list [--institution ID]\n"
	"       nitelik token revoke --id ID\n"
	"  'add' prints the new token once; only its hash is stored.\n"
	"  list --json prints a JSON array.\n";

static int list(nl_db *db, int64_t inst)
{
	nl_conn *c;
	struct nl_api_token *items = NULL;
	size_t n = 0;
	nl_err e = nl_db_conn(db, &c);
	if (e == NL_OK)
		e = nl_store_api_token_list(c, inst, &items, &n);
	if (e) {
		fprintf(stderr, "nitelik token list: failed (%s)\n", nl_err_code(e));
		return 1;
	}
	if (nl_cli_g.json) {
		json_t *a = json_array();
		for (size_t i = 0; i < n; i++)
			json_array_append_new(a, json_pack("{sI sI sb ss s:s? sI sI}", "id", (json_int_t)items[i].id,
			                      "institution_id", (json_int_t)items[i].institution_id,
			                      "active", items[i].active, "prefix", items[i].prefix,
			                      "name", items[i].name,
			                      "created_at", (json_int_t)items[i].created_at,
			                      "last_used_at", (json_int_t)items[i].last_used_at));
		nl_api_token_list_free(items, n);
		return nl_cli_print_json(a);
	}
	printf("%-6s %-11s %-7s %-14s %s\n", "ID", "INSTITUTION", "ACTIVE", "PREFIX", "NAME");
	for (size_t i = 0; i < n; i++)
		printf("%-6" PRId64 " %-11" PRId64 " %-7s %-14s %s\n", items[i].id,
		       items[i].institution_id, items[i].active ? "yes" : "no", items[i].prefix,
		       items[i].name);
	nl_api_token_list_free(items, n);
	return 0;
}

int nl_cli_token(int argc, char **argv)
{
	struct nl_cli_opt opts[] = {
		{"--institution", true, NULL}, {"--name", true, NULL}, {"--id", true, NULL},
		{NULL, false, NULL},
	};
	int st = nl_cli_verb_opts(argc, argv, opts, usage);
	if (st >= 0)
		return st;
	const char *verb = argv[1];
	bool add = !strcmp(verb, "add"), ls = !strcmp(verb, "list"), rv = !strcmp(verb, "revoke");
	int64_t inst = 0, id = 0;
	const char *inst_s = nl_cli_opt(opts, "--institution");
	if (!(add || ls || rv) || (add && !nl_cli_id(inst_s, &inst)) ||
	    (ls && inst_s && !nl_cli_id(inst_s, &inst)) ||
	    (rv && !nl_cli_id(nl_cli_opt(opts, "--id"), &id))) {
		nl_cli_help(stderr, usage);
		return 2;
	}
	nl_db *db;
	if ((st = nl_cli_open_db("token", &db)))
		return st;
	nl_err e = NL_OK;
	if (ls) {
		st = list(db, inst);
	} else if (add) {
		char token[NL_API_TOKEN_LEN + 1];
		e = nl_staff_token_add(nl_cli_app(db), inst, nl_cli_opt(opts, "--name"), nl_cli_actor(), token, &id);
		if (e == NL_OK) {
			fprintf(stderr, "token %" PRId64 " added for institution %" PRId64
			        "; it is shown only now:\n", id, inst);
			printf("%s\n", token);
			sodium_memzero(token, sizeof token);
		} else if (e == NL_ERR_NOT_FOUND) {
			fprintf(stderr, "nitelik token add: no institution %" PRId64 "\n", inst);
		}
	} else {
		e = nl_staff_token_revoke(nl_cli_app(db), id, nl_cli_actor());
		if (e == NL_OK)
			printf("token %" PRId64 " revoked\n", id);
	}
	if (e != NL_OK && !(add && e == NL_ERR_NOT_FOUND))
		fprintf(stderr, "nitelik token %s: failed (%s)\n", verb, nl_err_code(e));
	nl_db_close(db);
	return e != NL_OK ? 1 : st;
}
