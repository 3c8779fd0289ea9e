/* Common options and configuration of the `nitelik` subcommands (cli_conf.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app/app.h"
#include "cmd/cli_conf.h"
#include "cmd/cmd_common.h"
#include "drivers/drivers.h"
#include "store/migrate.h"

struct nl_cli_global nl_cli_g;

/* "--name value" or "--name=value": true when argv[*i] is that option. */
static bool valued(int argc, char **argv, int *i, const char *name, const char **value,
                   bool *missing)
{
	size_t n = strlen(name);
	const char *a = argv[*i];
	if (strncmp(a, name, n) != 0)
		return false;
	if (a[n] == '=') {
		*value = a + n + 1;
		return true;
	}
	if (a[n] != '\0')
		return false;
	if (*i + 1 >= argc) {
		*missing = true;
		return true;
	}
	*value = argv[++*i];
	return true;
}

enum nl_cli_opt_result nl_cli_common_opt(int argc, char **argv, int *i)
{
	bool missing = false;
	const char *a = argv[*i];
	if (!strcmp(a, "--json")) {
		nl_cli_g.json = true;
		return NL_CLI_OPT_TAKEN;
	}
	if (!strcmp(a, "--version")) {
		nl_cmd_print_version("nitelik");
		return NL_CLI_OPT_EXIT;
	}
	if (!valued(argc, argv, i, "--config", &nl_cli_g.config, &missing) &&
	    !valued(argc, argv, i, "--data", &nl_cli_g.data, &missing) &&
	    !valued(argc, argv, i, "--db", &nl_cli_g.db, &missing))
		return NL_CLI_OPT_NOT_MINE;
	if (missing) {
		fprintf(stderr, "nitelik: %s needs a value\n", a);
		return NL_CLI_OPT_BAD;
	}
	return NL_CLI_OPT_TAKEN;
}

void nl_cli_help(FILE *f, const char *usage)
{
	const char *def = nl_cmd_default_config();
	fputs(usage, f);
	fprintf(f,
	        "common options:\n"
	        "  --config FILE  the configuration: database and data folder ([storage])\n"
	        "                 (default: %s%s)\n"
	        "  --data DIR     the data folder: CA files, SQLite database (storage.data_dir)\n"
	        "  --db URL       the database: sqlite:/path/file.db or postgresql://user@host/db\n"
	        "                 (else $NITELIK_DB, else the configuration's, else\n"
	        "                 sqlite:DIR/nitelik.db)\n"
	        "  --json         print listings as JSON\n"
	        "  --version      print the version and exit\n"
	        "  --help, -h     print this help and exit\n",
	        def ? def : "none", def ? ", when it exists" : " when run from the build folder");
}

static const struct nl_config *cli_cfg;   /* once nl_cli_config succeeded */

int nl_cli_config(const char *cmd, bool need_data, const struct nl_config **out)
{
	static struct nl_config cfg;   /* lives for the whole process */
	static struct nl_drivers_config dcfg;
	static int done = -1;          /* the exit status of the first call */
	static bool have_file;
	char err[256];
	if (done < 0) {
		done = 1;
		nl_config_defaults(&cfg, nl_cmd_web_dir());
		nl_drivers_config_defaults(&dcfg);
		const char *path = nl_cli_g.config;
		if (!path && (path = nl_cmd_default_config()) && access(path, F_OK) != 0)
			path = NULL;   /* the default file is optional, a given one is not */
		/* Without either, the data folder's own nitelik.conf (what
		 * `nitelikd --demo DIR` writes) when there is one: its [ca] keys
		 * shape what `nitelik cert issue` issues (docs/ca.md). */
		static char data_conf[4096];
		if (!path && nl_cli_g.data &&
		    snprintf(data_conf, sizeof data_conf, "%s/nitelik.conf", nl_cli_g.data) < (int)sizeof data_conf &&
		    access(data_conf, F_OK) == 0)
			path = data_conf;
		if (path) {
			char prog[64];
			snprintf(prog, sizeof prog, "nitelik %s", cmd);
			if (!nl_cmd_load_config(prog, path, &cfg, &nl_app_config_ext, &dcfg))
				return 1;
			have_file = true;
			nl_cli_g.config_read = path;
		}
		if (nl_cli_g.data &&
		    nl_config_set(&cfg, "storage.data_dir", nl_cli_g.data, err, sizeof err)) {
			fprintf(stderr, "nitelik %s: --data: %s\n", cmd, err);
			return 2;
		}
		const char *url = nl_cli_g.db ? nl_cli_g.db : getenv("NITELIK_DB");
		if (url && *url &&
		    nl_config_set(&cfg, "storage.database", url, err, sizeof err)) {
			fprintf(stderr, "nitelik %s: --db: %s\n", cmd, err);
			return 2;
		}
		nl_config_resolve(&cfg);
		done = 0;
		if (!have_file && !nl_cli_g.data && !(url && *url))
			done = 4;   /* nothing says where the data is */
	}
	if (done == 4 || (need_data && !have_file && !nl_cli_g.data)) {
		fprintf(stderr, need_data
		        ? "nitelik %s: no data folder: give --data DIR or --config FILE\n"
		        : "nitelik %s: no database: give --db URL, --data DIR or --config FILE, "
		          "or set NITELIK_DB\n", cmd);
		return 2;
	}
	if (done)
		return done;
	*out = cli_cfg = &cfg;
	return 0;
}

int nl_cli_print_json(json_t *v)
{
	int rc = v && json_dumpf(v, stdout, JSON_INDENT(2) | JSON_SORT_KEYS) == 0 ? 0 : 1;
	json_decref(v);
	if (rc == 0)
		putchar('\n');
	else
		fprintf(stderr, "nitelik: cannot write the JSON listing\n");
	return rc;
}

int nl_cli_db(const char *cmd, bool migrate, nl_db **out)
{
	const struct nl_config *cfg;
	*out = NULL;
	int st = nl_cli_config(cmd, false, &cfg);
	if (st)
		return st;
	nl_err e = nl_db_open(out, cfg->database);
	if (e == NL_OK && migrate)
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

const struct nl_app *nl_cli_app(nl_db *db)
{
	static struct nl_config defaults;
	static struct nl_app app;
	const struct nl_config *cfg = cli_cfg;
	if (!cfg) {   /* a database opened without the configuration */
		nl_config_defaults(&defaults, nl_cmd_web_dir());
		cfg = &defaults;
	}
	app = (struct nl_app){.cfg = cfg, .db = db};
	return &app;
}
