/* nitelik user — staff accounts:
 *   user add --role kurum|ra|production|admin|auditor [--institution ID] --username U
 *            [--password-stdin]
 *   user passwd --username U [--password-stdin]
 *   user disable|enable --username U
 *   user list [--institution ID]
 * Without --password-stdin a password is generated and printed once; with it,
 * the first line of standard input is the password (nothing is echoed). */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "app/staff.h"
#include "cmd/cli.h"
#include "cmd/cli_conf.h"
#include "cmd/cli_staff.h"
#include "core/secret.h"

static const char usage[] =
	"usage: nitelik user add --role kurum|ra|production|admin|auditor [--institution ID]\n"
	"                        --username U [--password-stdin]\n"
	"       nitelik user passwd --username U [--password-stdin]\n"
	"       nitelik user disable|enable --username U\n"
	"       nitelik user list [--institution ID]\n"
	"  A kurum (institution officer) needs --institution. Without --password-stdin a\n"
	"  password is generated and printed once. list --json prints a JSON array.\n";

/* The password: the first line of stdin, or a generated one (*generated set). */
static bool get_password(bool from_stdin, char *pw, size_t size, bool *generated)
{
	*generated = !from_stdin;
	if (!from_stdin) {
		nl_random_access_password(NL_GENERATED_PASSWORD_LEN, pw);
		return true;
	}
	if (!fgets(pw, (int)size, stdin))
		return false;
	pw[strcspn(pw, "\r\n")] = '\0';
	return true;
}

static void explain(const char *verb, nl_err e, const char *why)
{
	if (e == NL_ERR_INVALID)
		fprintf(stderr, "nitelik user %s: %s (user names: 3-64 of a-z 0-9 . _ -; passwords: "
		        "%d-%d characters; a kurum needs --institution)\n", verb, why ? why : "invalid",
		        NL_PASSWORD_MIN, NL_PASSWORD_MAX);
	else if (e == NL_ERR_CONFLICT)
		fprintf(stderr, "nitelik user %s: this user name is taken\n", verb);
	else if (e == NL_ERR_NOT_FOUND)
		fprintf(stderr, "nitelik user %s: no such user or institution\n", verb);
	else
		fprintf(stderr, "nitelik user %s: failed (%s)\n", verb, nl_err_code(e));
}

static int list(nl_db *db, int64_t inst)
{
	nl_conn *c;
	struct nl_user *items = NULL;
	size_t n = 0;
	nl_err e = nl_db_conn(db, &c);
	if (e == NL_OK)
		e = nl_store_user_list(c, inst, &items, &n);
	if (e) {
		explain("list", e, NULL);
		return 1;
	}
	if (nl_cli_g.json) {
		json_t *a = json_array();
		for (size_t i = 0; i < n; i++)
			json_array_append_new(a, json_pack("{sI ss ss sI sb sI}", "id", (json_int_t)items[i].id,
			                      "username", items[i].username,
			                      "role", nl_user_role_code(items[i].role),
			                      "institution_id", (json_int_t)items[i].institution_id,
			                      "active", items[i].active,
			                      "locked_until", (json_int_t)items[i].locked_until));
		nl_user_list_free(items, n);
		return nl_cli_print_json(a);
	}
	printf("%-6s %-24s %-11s %-11s %s\n", "ID", "USERNAME", "ROLE", "INSTITUTION", "ACTIVE");
	for (size_t i = 0; i < n; i++)
		printf("%-6" PRId64 " %-24s %-11s %-11" PRId64 " %s\n", items[i].id, items[i].username,
		       nl_user_role_code(items[i].role), items[i].institution_id,
		       items[i].active ? "yes" : "no");
	nl_user_list_free(items, n);
	return 0;
}

int nl_cli_user(int argc, char **argv)
{
	struct nl_cli_opt opts[] = {
		{"--role", true, NULL},     {"--institution", true, NULL},
		{"--username", true, NULL}, {"--password-stdin", false, NULL},
		{NULL, false, NULL},
	};
	int st = nl_cli_verb_opts(argc, argv, opts, usage);
	if (st >= 0)
		return st;
	const char *verb = argv[1];
	bool add = !strcmp(verb, "add"), pw = !strcmp(verb, "passwd"), ls = !strcmp(verb, "list");
	bool dis = !strcmp(verb, "disable"), en = !strcmp(verb, "enable");
	const char *user = nl_cli_opt(opts, "--username"), *inst_s = nl_cli_opt(opts, "--institution");
	enum nl_user_role role = 0;
	int64_t inst = 0, id = 0;
	if (!(add || pw || ls || dis || en) || (!ls && !user) ||
	    (add && !nl_user_role_parse(nl_cli_opt(opts, "--role"), &role)) ||
	    (inst_s && !nl_cli_id(inst_s, &inst))) {
		nl_cli_help(stderr, usage);
		return 2;
	}
	nl_db *db;
	if ((st = nl_cli_open_db("user", &db)))
		return st;
	nl_err e = NL_OK;
	const char *why = NULL;
	char password[NL_PASSWORD_MAX + 2];
	bool generated = false;
	if (ls) {
		st = list(db, inst);
		goto out;
	}
	if (add || pw) {
		if (!get_password(nl_cli_opt(opts, "--password-stdin") != NULL, password,
		                  sizeof password, &generated)) {
			fprintf(stderr, "nitelik user %s: no password on standard input\n", verb);
			e = NL_ERR_INVALID;
			goto out;
		}
		e = add ? nl_staff_user_add(nl_cli_app(db), user, password, role, inst, nl_cli_actor(), &id, &why)
		        : nl_staff_user_passwd(nl_cli_app(db), user, password, nl_cli_actor(), &why);
	} else {
		e = nl_staff_user_set_active(nl_cli_app(db), user, en, nl_cli_actor());
	}
	if (e != NL_OK) {
		explain(verb, e, why);
		goto out;
	}
	if (add)
		printf("user %" PRId64 " '%s' added (role %s)\n", id, user, nl_user_role_code(role));
	else if (pw)
		printf("password of '%s' changed\n", user);
	else
		printf("user '%s' %s\n", user, en ? "enabled" : "disabled");
	if (generated)
		printf("password (shown only now): %s\n", password);
out:
	sodium_memzero(password, sizeof password);
	nl_db_close(db);
	return e != NL_OK ? 1 : st;
}
