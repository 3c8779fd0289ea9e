/* nitelikd — the web server.
 *
 *   nitelikd [--config FILE] [--listen ADDR:PORT] [--worker-only] [--check-config]
 *   nitelikd --demo DIR [--listen ADDR:PORT]
 *
 * Reads the configuration (defaults, then FILE — by default
 * /etc/nitelik/nitelik.conf when installed, see cmd_common.h — then
 * --listen), opens the
 * database, applies the migrations, starts the HTTP server and serves until
 * SIGTERM or SIGINT, then stops gracefully: no new connections, requests in
 * flight are finished, the database is closed. */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "app/app.h"
#include "app/workers.h"
#include "cmd/cmd_common.h"
#include "cmd/demo.h"
#include "core/config.h"
#include "core/secret.h"
#include "app/pwhash_pool.h"
#include "pki/ca_store.h"
#include "store/db.h"
#include "store/migrate.h"
#include "pages/handlers.h"
#include "pages/pages.h"
#include "http/server.h"

static void usage(FILE *f)
{
	const char *def = nl_cmd_default_config();
	fprintf(f, "usage: nitelikd [--config FILE] [--listen ADDR:PORT] [--worker-only] [--check-config]\n"
	           "       nitelikd --demo DIR [--listen ADDR:PORT]\n\n"
	           "  --config FILE    read the configuration from FILE (see nitelik.conf;\n"
	           "                   default: %s%s)\n"
	           "  --listen A:P     listen on address A, port P (port 0: any free port)\n"
	           "  --demo DIR       create DIR with a configuration and a SQLite database\n"
	           "                   with demo data if needed, then serve it\n"
	           "  --worker-only    run the background workers (outbox, time-outs, ...) only,\n"
	           "                   with no HTTP server: add such nodes to scale the workers\n"
	           "  --check-config   check the configuration and exit\n"
	           "  --version        print the version and exit\n"
	           "  --help, -h       print this help and exit\n\n"
	           "Templates and static files: %s (the configuration's [web] dir).\n"
	           "Signals: TERM/INT stop gracefully; HUP reopens the log files.\n",
	        def ? def : "none", def ? ", when it exists" : " when run from the build folder",
	        nl_cmd_web_dir());
}

/* Creates DIR and DIR/nitelik.conf for the demo when they do not exist yet. */
static int demo_prepare(const char *dir, const char *listen, char *conf_path, size_t size)
{
	if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
		fprintf(stderr, "nitelikd: %s: %s\n", dir, strerror(errno));
		return -1;
	}
	char abs[PATH_MAX];
	if (!realpath(dir, abs)) {
		fprintf(stderr, "nitelikd: %s: %s\n", dir, strerror(errno));
		return -1;
	}
	if ((size_t)snprintf(conf_path, size, "%s/nitelik.conf", abs) >= size)
		return -1;
	if (access(conf_path, F_OK) == 0)
		return 0;
	FILE *f = fopen(conf_path, "wx");
	if (!f) {
		fprintf(stderr, "nitelikd: %s: %s\n", conf_path, strerror(errno));
		return -1;
	}
	const char *l = listen ? listen : "127.0.0.1:8080";
	fprintf(f, "# Demo configuration written by `nitelikd --demo`. See nitelik.conf in the\n"
	           "# source tree and docs/configuration.md for every key.\n\n"
	           "[server]\nlisten = %s\nbase_url = http://%s\n\n"
	           "[storage]\ndata_dir = %s\ndatabase = sqlite:%s/nitelik.db\n\n"
	           "[demo]\nenabled = true\n\n"
	           /* The e-Devlet door against the built-in simulator provider
	            * (pages/demo/demo_edevlet.c), over real HTTP to this same server. */
	           "[oidc]\nenabled = true\nissuer = http://%s/demo/edevlet\n"
	           "client_id = nitelik-demo\nclient_secret = demo-secret\n",
	           l, l, abs, abs, l);
	if (fclose(f) != 0)
		return -1;
	fprintf(stderr, "nitelikd: created demo configuration %s\n", conf_path);
	return 0;
}

/* When the data folder holds a CA, the [ca] keys must let it issue
 * certificates whose every link answers (docs/ca.md): a configured policy,
 * a public base URL and the documents it serves, outside demo mode.
 * --check-config fails on it; a start only reports it, because the CA must
 * go on answering OCSP and publishing CRLs for what it issued before (its
 * issuance refuses with the same reason). */
static int check_ca(const struct nl_config *cfg, bool fatal)
{
	struct nl_ca *ca = NULL;
	char why[300];
	if (nl_ca_open(cfg->data_dir, false, &ca) != NL_OK)
		return 0;   /* no CA yet: nothing issues */
	nl_err e = nl_ca_configure(ca, cfg, why, sizeof why);
	/* An expired responder certificate makes every OCSP answer unverifiable;
	 * the OCSP worker renews it in time, so this says the worker or the
	 * signer has not run (`nitelik ca ocsp-cert renew`). */
	int64_t ocsp_end = 0;
	nl_err_ignore(nl_pki_cert_info(ca->ocsp, NULL, NULL, NULL, &ocsp_end));   /* unread: 0, reported expired */
	if (!e && ocsp_end <= (int64_t)time(NULL)) {
		snprintf(why, sizeof why, "the OCSP responder certificate (ca/ocsp.pem) has expired; "
		         "run `nitelik ca ocsp-cert renew --data DATA_DIR`");
		e = NL_ERR_CONFIG;
	}
	nl_ca_free(ca);
	if (e) {
		fprintf(stderr, "nitelikd: %s: the CA in %s: %s\n", fatal ? "error" : "warning",
		        cfg->data_dir, why);
		return fatal ? -1 : 0;
	}
	return 0;
}

int main(int argc, char **argv)
{
	const char *config_path = NULL, *listen = NULL, *demo_dir = NULL;
	bool check_only = false, worker_only = false;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--config") && i + 1 < argc) {
			config_path = argv[++i];
		} else if (!strcmp(a, "--listen") && i + 1 < argc) {
			listen = argv[++i];
		} else if (!strcmp(a, "--demo") && i + 1 < argc) {
			demo_dir = argv[++i];
		} else if (!strcmp(a, "--worker-only")) {
			worker_only = true;
		} else if (!strcmp(a, "--check-config")) {
			check_only = true;
		} else if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			usage(stdout);
			return 0;
		} else if (!strcmp(a, "--version")) {
			nl_cmd_print_version("nitelikd");
			return 0;
		} else {
			fprintf(stderr, "nitelikd: unexpected argument '%s'\n", a);
			usage(stderr);
			return 2;
		}
	}
	if (demo_dir && config_path) {
		fprintf(stderr, "nitelikd: --demo and --config exclude each other\n");
		return 2;
	}

	static struct nl_config cfg; /* large; lives for the whole process */
	static struct nl_drivers_config dcfg;
	nl_drivers_config_defaults(&dcfg);
	snprintf(dcfg.registry.data_file, sizeof dcfg.registry.data_file, "%s",
	         nl_cmd_demo_citizens());
	static char demo_conf[PATH_MAX + 16];
	char err[512];
	nl_config_defaults(&cfg, nl_cmd_web_dir());
	if (demo_dir) {
		if (demo_prepare(demo_dir, listen, demo_conf, sizeof demo_conf) != 0)
			return 1;
		config_path = demo_conf;
	}
	/* The default file is optional (defaults alone serve), a given one is not. */
	if (!config_path && (config_path = nl_cmd_default_config()) && access(config_path, F_OK) != 0)
		config_path = NULL;
	if (config_path && !nl_cmd_load_config("nitelikd", config_path, &cfg, &nl_app_config_ext, &dcfg))
		return 1;
	if (listen && nl_config_set(&cfg, "server.listen", listen, err, sizeof err) != NL_OK) {
		fprintf(stderr, "nitelikd: %s\n", err);
		return 2;
	}
	nl_config_resolve(&cfg);
	if (nl_config_validate(&cfg, err, sizeof err) != NL_OK) {
		fprintf(stderr, "nitelikd: %s: %s\n", config_path ? config_path : "defaults", err);
		return 1;
	}
	if (nl_secret_init() != NL_OK ||
	    nl_password_set_limits((uint64_t)cfg.pwhash_memory_kib, (uint64_t)cfg.pwhash_passes)) {
		fprintf(stderr, "nitelikd: [security] pwhash_memory_kib/pwhash_passes below argon2id's minimum\n");
		return 1;
	}
	if (check_ca(&cfg, check_only) != 0)
		return 1;
	if (check_only) {
		printf("nitelikd: configuration OK\n");
		return 0;
	}
	if (!nl_cmd_open_error_log("nitelikd", cfg.error_log_file))
		return 1;
	if (mkdir(cfg.data_dir, 0700) != 0 && errno != EEXIST) {
		fprintf(stderr, "nitelikd: data_dir %s: %s\n", cfg.data_dir, strerror(errno));
		return 1;
	}

	/* Signals are taken by sigwait in this thread only: block them before any
	 * thread starts so every server thread inherits the mask. */
	sigset_t stop_signals;
	sigemptyset(&stop_signals);
	sigaddset(&stop_signals, SIGTERM);
	sigaddset(&stop_signals, SIGINT);
	sigaddset(&stop_signals, SIGHUP);   /* not a stop: reopens the logs */
	pthread_sigmask(SIG_BLOCK, &stop_signals, NULL);
	signal(SIGPIPE, SIG_IGN);

	int status = 1;
	nl_db *db = NULL;
	struct nl_server *srv = NULL;
	static struct nl_app app;
	bool app_open = false;
	nl_workers *workers = NULL;
	const char *why = NULL;
	nl_err e = nl_db_open(&db, cfg.database);
	if (e) {
		fprintf(stderr, "nitelikd: cannot open the database (%s)\n", nl_err_code(e));
		goto out;
	}
	if ((e = nl_store_migrate(db)) != NL_OK) {
		fprintf(stderr, "nitelikd: migrations failed (%s)\n", nl_err_code(e));
		goto out;
	}
	if (cfg.demo && (e = nl_demo_seed(db, &cfg)) != NL_OK) {
		fprintf(stderr, "nitelikd: demo data failed (%s)\n", nl_err_code(e));
		goto out;
	}
	if ((e = nl_app_open(&app, &cfg, db, &dcfg, &why)) != NL_OK) {
		fprintf(stderr, "nitelikd: %s: %s\n", why ? why : "drivers", nl_err_code(e));
		goto out;
	}
	app_open = true;
	if ((e = nl_pwhash_pool_start((size_t)cfg.pwhash_threads)) != NL_OK) {
		fprintf(stderr, "nitelikd: cannot start the hashing pool (%s)\n", nl_err_code(e));
		goto out;
	}
	if (!worker_only) {
		srv = nl_server_new(&cfg, db, err, sizeof err);
		if (srv)
			srv->app = &app;
		if (!srv || nl_pages_init(srv, NULL, err, sizeof err) != NL_OK ||
		    nl_server_start(srv, err, sizeof err) != NL_OK) {
			fprintf(stderr, "nitelikd: %s\n", err);
			goto out;
		}
		fprintf(stderr, "nitelikd: listening on %s (port %u)\n", cfg.listen,
		        (unsigned)nl_server_port(srv));
	}
	if ((e = nl_workers_start(&app, &workers)) != NL_OK) {
		fprintf(stderr, "nitelikd: cannot start the workers (%s)\n", nl_err_code(e));
		goto out;
	}
	fflush(stderr);

	/* Serve (and run the workers, expired sessions' purge among them) until a
	 * stop signal; SIGHUP opens the log files again (logrotate). */
	nl_cmd_sd_notify("READY=1");
	int sig = 0;
	while (sigwait(&stop_signals, &sig) == 0 && sig == SIGHUP) {
		nl_cmd_sd_notify("RELOADING=1");
		bool ok = nl_cmd_open_error_log("nitelikd", cfg.error_log_file);
		if (srv && nl_server_reopen_log(srv) != NL_OK) {
			fprintf(stderr, "nitelikd: SIGHUP: cannot reopen the request log %s\n", cfg.log_file);
			ok = false;
		}
		fprintf(stderr, "nitelikd: SIGHUP: log files %s\n", ok ? "reopened" : "NOT all reopened");
		nl_cmd_sd_notify("READY=1");
	}
	nl_cmd_sd_notify("STOPPING=1");
	fprintf(stderr, "nitelikd: signal %d: stopping\n", sig);
	if (srv)
		nl_server_stop(srv);
	nl_workers_stop(workers);   /* after the server: requests may still enqueue mail */
	workers = NULL;
	fprintf(stderr, "nitelikd: stopped\n");
	status = 0;
out:
	nl_workers_stop(workers);
	nl_pages_free(srv);   /* templates and catalogues: after the last request */
	nl_server_free(srv);
	nl_pwhash_pool_stop();   /* after the server: no request hashes any more */
	if (app_open)
		nl_app_close(&app);
	nl_db_close(db);
	return status;
}
