/* nitelik ca — set up and run the CA (the usage below lists every verb). The
 * CA lives in the data folder: --data DIR or the configuration's
 * storage.data_dir (cli_conf.h). */
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cmd/cli.h"
#include "cmd/cli_conf.h"
#include "cmd/cli_pki.h"
#include "cmd/cmd_common.h"
#include "app/ca_ops.h"
#include "app/crl_delta.h"
#include "store/migrate.h"
#include "core/file.h"

static const char usage[] =
	"usage: nitelik ca init [--base-url URL] [--key-type p384|rsa3072|rsa4096]\n"
	"                       [--ocsp-key-type p256|p384|rsa3072|rsa4096]\n"
	"                       [--pkcs11-module PATH --token LABEL --pin-file F | --key-file-demo]\n"
	"       nitelik ca crl [--hours N]      publish a full CRL now (valid N hours, default 24)\n"
	"                                       and, with [ca] delta_crl, a delta CRL after it\n"
	"       nitelik ca crl --delta [--hours N]   publish only a delta CRL now (default 4 h)\n"
	"       nitelik ca crl-tick             renew the CRL if it is due (what the worker does)\n"
	"       nitelik ca ocsp-refresh         pre-sign the OCSP responses that are due\n"
	"       nitelik ca ocsp-answer --in REQ --out RESP   answer one DER OCSP request\n"
	"       nitelik ca revoke-issuing       revoke the issuing CA (root CRL)\n"
	"       nitelik ca root-crl             re-sign the root CRL for a year\n"
	"       nitelik ca ocsp-cert renew [--days N] [--if-due]   renew the OCSP responder's\n"
	"                                       certificate (--if-due: only within [ca]\n"
	"                                       ocsp_renew_margin_days of its end)\n"
	"       nitelik ca ping [--wait SECONDS]   is the signer up and signing?\n"
	"       nitelik ca backup --out FILE [--passphrase-file P]   encrypted copy of the CA token\n"
	"       nitelik ca restore --in FILE [--passphrase-file P] [--force]\n"
	"  The CA is in the data folder (--data DIR or the configuration's data_dir).\n"
	"  init: --base-url defaults to the configuration's server.base_url; without\n"
	"  --pkcs11-module the keys are made on a SoftHSM2 token in the data folder.\n";

/* Parses argv[1..]: the common options, --help, and with own (may be NULL)
 * the verb's own. Returns -1 to go on, else the exit status. own returns 1
 * when it took argv[*i] (moving *i past a value), 0 when not, 2 for a bad
 * value. */
static int parse(int argc, char **argv, int (*own)(void *, int, char **, int *), void *ctx)
{
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			nl_cli_help(stdout, usage);
			return 0;
		}
		enum nl_cli_opt_result r = nl_cli_common_opt(argc, argv, &i);
		if (r == NL_CLI_OPT_EXIT)
			return 0;
		if (r == NL_CLI_OPT_TAKEN)
			continue;
		int k = r == NL_CLI_OPT_BAD ? 2 : own ? own(ctx, argc, argv, &i) : 0;
		if (k == 1)
			continue;
		if (k == 0)
			fprintf(stderr, "nitelik ca %s: unexpected argument '%s'\n", argv[0], argv[i]);
		nl_cli_help(stderr, usage);
		return 2;
	}
	return -1;
}

nl_err nl_cli_pki_open_db(const char *url, nl_db **db)
{
	nl_err rc = nl_db_open(db, url);
	if (rc) return rc;
	if ((rc = nl_store_migrate(*db))) {
		nl_db_close(*db);
		*db = NULL;
	}
	return rc;
}

/* Opens the database, the CA (certificates only) and a signer connection. */
nl_err nl_cli_open_ca(const struct nl_cli_ca_opts *o, nl_db **db, struct nl_ca **ca, nl_signer **sg)
{
	static struct nl_config defaults;
	const struct nl_config *cfg = o->cfg;
	char why[300];
	if (!cfg) {
		nl_config_defaults(&defaults, nl_cmd_web_dir());   /* the sample CPS and PDS */
		cfg = &defaults;
	}
	nl_err rc = nl_ca_open(o->dir, false, ca);
	if (rc) {
		fprintf(stderr, "nitelik: no CA in %s (run `nitelik ca init --data %s`): %s\n", o->dir, o->dir,
		        nl_err_code(rc));
		return rc;
	}
	/* A refusal is kept in the CA: CRL and OCSP commands still work,
	 * `cert issue` reports it. */
	nl_err_ignore(nl_ca_configure(*ca, cfg, why, sizeof why));
	if ((rc = nl_signer_connect((*ca)->conf.socket, sg))) {
		fprintf(stderr, "nitelik: the signer is not running (start `nitelik-signer --demo --data %s`, docs/ca.md)\n", o->dir);
		goto fail;
	}
	if ((rc = nl_cli_pki_open_db(o->db, db))) {
		fprintf(stderr, "nitelik: cannot open the database: %s\n", nl_err_code(rc));
		goto fail;
	}
	return NL_OK;
fail:
	nl_signer_close(*sg);
	nl_ca_free(*ca);
	*sg = NULL;
	*ca = NULL;
	return rc;
}

int nl_cli_ca_config(const char *cmd, struct nl_cli_ca_opts *o)
{
	const struct nl_config *cfg;
	int st = nl_cli_config(cmd, true, &cfg);
	if (st == 0) {
		o->dir = cfg->data_dir;
		o->db = cfg->database;
		o->cfg = cfg;   /* the [ca] profile keys */
	}
	return st;
}

void nl_cli_close_ca(nl_db *db, struct nl_ca *ca, nl_signer *sg)
{
	nl_signer_close(sg);
	nl_ca_free(ca);
	if (db) nl_db_close(db);
}

static int init_opt(void *ctx, int argc, char **argv, int *i)
{
	struct nl_ca_init_opts *o = ctx;
	const char *a = argv[*i], *v = *i + 1 < argc ? argv[*i + 1] : NULL;
	if (!strcmp(a, "--key-file-demo")) {
		o->key_file_demo = true;
		return 1;
	}
	const char **dst = NULL;
	if (!strcmp(a, "--base-url")) dst = &o->base_url;
	else if (!strcmp(a, "--pkcs11-module")) dst = &o->pkcs11_module;
	else if (!strcmp(a, "--token")) dst = &o->token;
	else if (!strcmp(a, "--pin-file")) dst = &o->pin_file;
	else if (strcmp(a, "--key-type") && strcmp(a, "--ocsp-key-type")) return 0;
	if (!v) {
		fprintf(stderr, "nitelik ca init: %s needs a value\n", a);
		return 2;
	}
	++*i;
	if (dst) {
		*dst = v;
		return 1;
	}
	if (!strcmp(a, "--key-type")) {
		o->key_type = nl_key_type_parse(v);
		return o->key_type && o->key_type != NL_KEY_P256 ? 1 : 2;
	}
	o->ocsp_key_type = nl_key_type_parse(v);
	return o->ocsp_key_type ? 1 : 2;
}

static int ca_init(int argc, char **argv)
{
	struct nl_ca_init_opts o = {0};
	const struct nl_config *cfg;
	int st = parse(argc, argv, init_opt, &o);
	if (st >= 0)
		return st;
	if ((o.pkcs11_module && (!o.pin_file || !o.token)) || (o.pkcs11_module && o.key_file_demo)) {
		nl_cli_help(stderr, usage);
		return 2;
	}
	if ((st = nl_cli_config("ca init", true, &cfg)))
		return st;
	o.dir = cfg->data_dir;
	if (!o.base_url && nl_cli_g.config_read)
		o.base_url = cfg->base_url;
	nl_buf log = NL_BUF_INIT;
	/* Token set-up and key generation write the token: a Ctrl-C midway would
	 * leave it half made. The signal takes effect once they are done. */
	sigset_t term, old;
	nl_cli_term_signals(&term);
	sigprocmask(SIG_BLOCK, &term, &old);
	nl_err rc = nl_ca_init(&o, &log);
	sigprocmask(SIG_SETMASK, &old, NULL);
	fputs(log.data ? log.data : "", stdout);
	nl_buf_free(&log);
	if (rc) {
		fprintf(stderr, "nitelik ca init: %s%s\n", nl_err_code(rc),
		        rc == NL_ERR_CONFLICT ? " (a CA already exists there)" : "");
		return 1;
	}
	printf("CA ready in %s; start the signer with: nitelik-signer --demo --data %s\n", o.dir, o.dir);
	return 0;
}

struct run_opts {
	const char *in, *out;
	int64_t hours;
	bool delta;
};

static int run_opt(void *ctx, int argc, char **argv, int *i)
{
	struct run_opts *r = ctx;
	const char *a = argv[*i], *v = *i + 1 < argc ? argv[*i + 1] : NULL;
	bool answer = !strcmp(argv[0], "ocsp-answer"), crl = !strcmp(argv[0], "crl");
	if (crl && !strcmp(a, "--delta")) {
		r->delta = true;
		return 1;
	}
	if (!((answer && (!strcmp(a, "--in") || !strcmp(a, "--out"))) || (crl && !strcmp(a, "--hours"))))
		return 0;
	if (!v) {
		fprintf(stderr, "nitelik ca %s: %s needs a value\n", argv[0], a);
		return 2;
	}
	++*i;
	if (!strcmp(a, "--in")) r->in = v;
	else if (!strcmp(a, "--out")) r->out = v;
	else if ((r->hours = atoll(v)) < 1 || r->hours > 24 * 31) return 2;
	return 1;
}

static int ca_run(int argc, char **argv, const char *what)
{
	struct run_opts r = {.hours = 0};
	int64_t n = 0;
	int st = parse(argc, argv, run_opt, &r);
	if (st >= 0)
		return st;
	int64_t hours = r.hours ? r.hours : r.delta ? NL_CRL_DELTA_VALIDITY / 3600 : 24;
	const char *in = r.in, *outp = r.out;
	struct nl_cli_ca_opts o;
	if ((st = nl_cli_ca_config(what, &o)))
		return st;
	nl_db *db = NULL;
	struct nl_ca *ca = NULL;
	nl_signer *sg = NULL;
	if (nl_cli_open_ca(&o, &db, &ca, &sg)) return 1;
	int64_t now = (int64_t)time(NULL);
	nl_err rc;
	if (!strcmp(what, "crl") && r.delta) {
		int64_t base = 0;
		rc = nl_ca_publish_delta_crl(nl_cli_app(db), sg, ca, now, hours * 3600, &n, &base);
		if (!rc)
			printf("delta CRL published with %lld entries since CRL %lld: %s/repo/issuing-delta.crl\n",
			       (long long)n, (long long)base, o.dir);
		else if (rc == NL_ERR_CONFIG)
			fprintf(stderr, "nitelik ca crl --delta: delta CRLs are off ([ca] delta_crl = false)\n");
		else if (rc == NL_ERR_NOT_FOUND)
			fprintf(stderr, "nitelik ca crl --delta: no complete CRL to base it on yet "
			        "(nitelik ca crl publishes one)\n");
	} else if (!strcmp(what, "crl")) {
		rc = nl_ca_publish_crl(nl_cli_app(db), sg, ca, now, hours * 3600, &n);
		if (!rc) printf("CRL published with %lld entries: %s/repo/issuing.crl\n", (long long)n, o.dir);
	} else if (!strcmp(what, "crl-tick")) {
		rc = nl_ca_crl_tick(nl_cli_app(db), sg, ca, now, NL_CRL_VALIDITY, NL_CRL_VALIDITY / 2);
	} else if (!strcmp(what, "ocsp-answer")) {
		nl_buf req = NL_BUF_INIT, resp = NL_BUF_INIT;
		bool cacheable;
		int64_t tu, nu;
		rc = in && outp ? nl_read_file(in, 1 << 20, &req) : NL_ERR_INVALID;
		if (!rc) {
			rc = nl_ca_ocsp_answer(nl_cli_app(db), sg, ca, req.data, req.len, now, &resp, &cacheable, &tu, &nu);
			if (!rc) rc = nl_write_file(outp, resp.data, resp.len, 0644);
			if (!rc) printf("%s\n", cacheable ? "cacheable" : "not cacheable");
		}
		nl_buf_free(&req);
		nl_buf_free(&resp);
	} else {
		rc = nl_ca_ocsp_refresh(nl_cli_app(db), sg, ca, now, NL_OCSP_VALIDITY, NL_OCSP_VALIDITY / 2, &n);
		if (!rc) printf("pre-signed %lld OCSP responses\n", (long long)n);
	}
	nl_cli_close_ca(db, ca, sg);
	if (rc) fprintf(stderr, "nitelik ca %s: %s\n", what, nl_err_code(rc));
	return rc ? 1 : 0;
}

static int ca_root_crl(int argc, char **argv, bool revoke)
{
	const struct nl_config *cfg;
	int st = parse(argc, argv, NULL, NULL);
	if (st >= 0)
		return st;
	if ((st = nl_cli_config(argv[0], true, &cfg)))
		return st;
	nl_buf log = NL_BUF_INIT;
	nl_err rc = revoke ? nl_ca_revoke_issuing(cfg->data_dir, &log)
	                   : nl_ca_renew_root_crl(cfg->data_dir, &log);
	fputs(log.data ? log.data : "", stdout);
	nl_buf_free(&log);
	if (rc) fprintf(stderr, "nitelik ca %s: %s\n", argv[0], nl_err_code(rc));
	return rc ? 1 : 0;
}

void nl_cli_term_signals(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGTERM);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGHUP);
}

/* Waits up to --wait seconds (default 0: one try) for the signer to answer. */
static int ca_ping(int argc, char **argv)
{
	const char *dir = NULL;
	int wait_s = 0;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--data") && i + 1 < argc) dir = argv[++i];
		else if (!strcmp(argv[i], "--wait") && i + 1 < argc) wait_s = atoi(argv[++i]);
		else dir = NULL, i = argc;
	}
	if (!dir || wait_s < 0 || wait_s > 3600) {
		fprintf(stderr, "usage: nitelik ca ping --data DIR [--wait SECONDS]\n");
		return 2;
	}
	struct nl_ca_conf c;
	nl_err rc = nl_ca_conf_load(dir, &c);
	for (int i = 0; !rc; i++) {
		if (!(rc = nl_signer_ping(c.socket, 2000)) || rc == NL_ERR_FORBIDDEN || i >= wait_s * 10) break;
		struct timespec ts = {0, 100 * 1000 * 1000};
		nanosleep(&ts, NULL);
		rc = NL_OK;
	}
	if (rc) {
		fprintf(stderr, "nitelik ca ping: the signer does not answer: %s\n", nl_err_code(rc));
		return 1;
	}
	printf("the signer answers\n");
	return 0;
}

/* ping, backup and restore parse their own options and need --data: --help
 * and --version are answered here, and without --data the data folder of the
 * configuration (--config or the default file) is handed to them. */
static int with_data(int argc, char **argv, int (*run)(int, char **))
{
	bool has_data = false;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			nl_cli_help(stdout, usage);
			return 0;
		}
		if (!strcmp(argv[i], "--version")) {
			nl_cmd_print_version("nitelik");
			return 0;
		}
		has_data = has_data || !strcmp(argv[i], "--data");
	}
	if (has_data)
		return run(argc, argv);
	char **args = calloc((size_t)argc + 3, sizeof *args);
	int n = 0, st;
	if (!args)
		return 1;
	for (int i = 0; i < argc; i++) {
		int j = i;
		/* --config FILE is ours: taken out, it names the data folder. */
		if (i > 0 && nl_cli_common_opt(argc, argv, &j) == NL_CLI_OPT_TAKEN && !strncmp(argv[i], "--config", 8)) {
			i = j;
			continue;
		}
		args[n++] = argv[i];
	}
	struct nl_cli_ca_opts o;
	static char data_opt[] = "--data";
	static char dir[PATH_MAX];
	if ((st = nl_cli_ca_config(argv[0], &o)) == 0) {
		snprintf(dir, sizeof dir, "%s", o.dir);
		args[n++] = data_opt;
		args[n++] = dir;
		st = run(n, args);
	}
	free(args);
	return st;
}

struct ocsp_cert_opts {
	int64_t days;
	bool if_due;
};

static int ocsp_cert_opt(void *ctx, int argc, char **argv, int *i)
{
	struct ocsp_cert_opts *r = ctx;
	const char *a = argv[*i], *v = *i + 1 < argc ? argv[*i + 1] : NULL;
	if (!strcmp(a, "--if-due")) {
		r->if_due = true;
		return 1;
	}
	if (strcmp(a, "--days"))
		return 0;
	if (!v || (r->days = atoll(v)) < 1 || r->days > 3650)
		return 2;
	++*i;
	return 1;
}

/* ca ocsp-cert renew [--days N] [--if-due]: the OCSP worker's renewal by hand;
 * the margin is the configuration's [ca] ocsp_renew_margin_days. */
static int ca_ocsp_cert(int argc, char **argv)
{
	struct ocsp_cert_opts r = {.days = NL_OCSP_CERT_DAYS};
	struct nl_cli_ca_opts o;
	int st;
	if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		nl_cli_help(stdout, usage);
		return 0;
	}
	if (argc < 2 || strcmp(argv[1], "renew")) {
		nl_cli_help(stderr, usage);
		return 2;
	}
	if ((st = parse(argc - 1, argv + 1, ocsp_cert_opt, &r)) >= 0)
		return st;
	if ((st = nl_cli_ca_config("ocsp-cert", &o)))
		return st;
	nl_db *db = NULL;
	struct nl_ca *ca = NULL;
	nl_signer *sg = NULL;
	if (nl_cli_open_ca(&o, &db, &ca, &sg)) return 1;
	nl_buf log = NL_BUF_INIT;
	bool renewed = false;
	nl_err rc = nl_ca_ocsp_cert_renew(sg, ca, (int64_t)time(NULL), r.days, o.cfg->ca_ocsp_renew_margin_days * 86400,
	                                  !r.if_due, &renewed, &log);
	fputs(log.data ? log.data : "", rc ? stderr : stdout);
	nl_buf_free(&log);
	nl_cli_close_ca(db, ca, sg);
	if (rc) fprintf(stderr, "nitelik ca ocsp-cert renew: %s\n", nl_err_code(rc));
	return rc ? 1 : 0;
}

int nl_cli_ca(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "ping")) return with_data(argc - 1, argv + 1, ca_ping);
	if (argc >= 2 && !strcmp(argv[1], "backup")) return with_data(argc - 1, argv + 1, nl_cli_ca_backup);
	if (argc >= 2 && !strcmp(argv[1], "restore")) return with_data(argc - 1, argv + 1, nl_cli_ca_restore);
	if (argc >= 2 && !strcmp(argv[1], "ocsp-cert")) return ca_ocsp_cert(argc - 1, argv + 1);
	if (argc >= 2 && !strcmp(argv[1], "revoke-issuing")) return ca_root_crl(argc - 1, argv + 1, true);
	if (argc >= 2 && !strcmp(argv[1], "root-crl")) return ca_root_crl(argc - 1, argv + 1, false);
	if (argc >= 2 && !strcmp(argv[1], "init")) return ca_init(argc - 1, argv + 1);
	if (argc >= 2 && (!strcmp(argv[1], "crl") || !strcmp(argv[1], "crl-tick") ||
	                  !strcmp(argv[1], "ocsp-refresh") || !strcmp(argv[1], "ocsp-answer")))
		return ca_run(argc - 1, argv + 1, argv[1]);
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
