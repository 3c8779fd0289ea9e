/* nitelik ca — set up and run the CA:
 *   ca init --data DIR [--base-url URL] [--key-type p384|rsa3072|rsa4096]
 *           [--ocsp-key-type p256|p384] [--pkcs11-module PATH --token LABEL --pin-file F
 *           | --key-file-demo]
 *   ca crl --data DIR [--db URL] [--hours N]        publish a full CRL now
 *   ca crl-tick --data DIR [--db URL]              renew the CRL if it is due (the worker)
 *   ca ocsp-refresh --data DIR [--db URL]          pre-sign OCSP responses that are due
 *   ca ocsp-answer --data DIR --in REQ --out RESP  answer one DER OCSP request (tests)
 *   ca revoke-issuing --data DIR                   revoke the issuing CA (root CRL)
 *   ca root-crl --data DIR                         re-sign the root CRL for a year
 *   ca ping --data DIR [--wait SECONDS]            is the signer up and signing? (scripts)
 *   ca backup --data DIR --out FILE                encrypted copy of the CA token (cli_ca_backup.c)
 *   ca restore --data DIR --in FILE                put such a copy back */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cmd/cli.h"
#include "cmd/cli_pki.h"
#include "signer/ca_ops.h"
#include "store/migrate.h"

nl_err nl_cli_pki_open_db(const char *dir, const char *url, nl_db **db)
{
	char def[700];
	if (!url) url = getenv("NITELIK_DB");
	if (!url || !*url) {
		snprintf(def, sizeof def, "sqlite:%s/nitelik.db", dir);
		url = def;
	}
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
	nl_err rc = nl_ca_open(o->dir, false, ca);
	if (rc) {
		fprintf(stderr, "nitelik: no CA in %s (run `nitelik ca init --data %s`): %s\n", o->dir, o->dir,
		        nl_err_code(rc));
		return rc;
	}
	if ((rc = nl_signer_connect((*ca)->conf.socket, sg))) {
		fprintf(stderr, "nitelik: the signer is not running (start `nitelik-signer --demo --data %s`, docs/ca.md)\n", o->dir);
		goto fail;
	}
	if ((rc = nl_cli_pki_open_db(o->dir, o->db, db))) {
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

void nl_cli_close_ca(nl_db *db, struct nl_ca *ca, nl_signer *sg)
{
	nl_signer_close(sg);
	nl_ca_free(ca);
	if (db) nl_db_close(db);
}

static int ca_init(int argc, char **argv)
{
	struct nl_ca_init_opts o = {0};
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (!strcmp(a, "--data") && v) { o.dir = v; i++; }
		else if (!strcmp(a, "--base-url") && v) { o.base_url = v; i++; }
		else if (!strcmp(a, "--key-type") && v) { o.key_type = nl_key_type_parse(v); i++; if (!o.key_type || o.key_type == NL_KEY_P256) goto usage; }
		else if (!strcmp(a, "--ocsp-key-type") && v) { o.ocsp_key_type = nl_key_type_parse(v); i++; if (!o.ocsp_key_type) goto usage; }
		else if (!strcmp(a, "--pkcs11-module") && v) { o.pkcs11_module = v; i++; }
		else if (!strcmp(a, "--token") && v) { o.token = v; i++; }
		else if (!strcmp(a, "--pin-file") && v) { o.pin_file = v; i++; }
		else if (!strcmp(a, "--key-file-demo")) o.key_file_demo = true;
		else goto usage;
	}
	if (!o.dir || (o.pkcs11_module && (!o.pin_file || !o.token)) || (o.pkcs11_module && o.key_file_demo))
		goto usage;
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
usage:
	fprintf(stderr, "usage: nitelik ca init --data DIR [--base-url URL] [--key-type p384|rsa3072|rsa4096]\n"
	                "         [--ocsp-key-type p256|p384|rsa3072|rsa4096]\n"
	                "         [--pkcs11-module PATH --token LABEL --pin-file F | --key-file-demo]\n");
	return 2;
}

static int ca_run(int argc, char **argv, const char *what)
{
	struct nl_cli_ca_opts o = {0};
	int64_t hours = 24, n = 0;
	const char *in = NULL, *outp = NULL;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (!strcmp(a, "--data") && v) { o.dir = v; i++; }
		else if (!strcmp(a, "--db") && v) { o.db = v; i++; }
		else if (!strcmp(a, "--in") && v) { in = v; i++; }
		else if (!strcmp(a, "--out") && v) { outp = v; i++; }
		else if (!strcmp(a, "--hours") && v) { hours = atoll(v); i++; if (hours < 1 || hours > 24 * 31) goto usage; }
		else goto usage;
	}
	if (!o.dir) goto usage;
	nl_db *db = NULL;
	struct nl_ca *ca = NULL;
	nl_signer *sg = NULL;
	if (nl_cli_open_ca(&o, &db, &ca, &sg)) return 1;
	int64_t now = (int64_t)time(NULL);
	nl_err rc;
	if (!strcmp(what, "crl")) {
		rc = nl_ca_publish_crl(db, sg, ca, now, hours * 3600, &n);
		if (!rc) printf("CRL published with %lld entries: %s/repo/issuing.crl\n", (long long)n, o.dir);
	} else if (!strcmp(what, "crl-tick")) {
		rc = nl_ca_crl_tick(db, sg, ca, now, NL_CRL_VALIDITY, NL_CRL_VALIDITY / 2);
	} else if (!strcmp(what, "ocsp-answer")) {
		nl_buf req = NL_BUF_INIT, resp = NL_BUF_INIT;
		bool cacheable;
		int64_t tu, nu;
		rc = in && outp ? nl_read_file(in, 1 << 20, &req) : NL_ERR_INVALID;
		if (!rc) {
			nl_ca_ocsp_answer(db, sg, ca, req.data, req.len, now, &resp, &cacheable, &tu, &nu);
			rc = nl_write_file(outp, resp.data, resp.len, 0644);
			if (!rc) printf("%s\n", cacheable ? "cacheable" : "not cacheable");
		}
		nl_buf_free(&req);
		nl_buf_free(&resp);
	} else {
		rc = nl_ca_ocsp_refresh(db, sg, ca, now, NL_OCSP_VALIDITY, NL_OCSP_VALIDITY / 2, &n);
		if (!rc) printf("pre-signed %lld OCSP responses\n", (long long)n);
	}
	nl_cli_close_ca(db, ca, sg);
	if (rc) fprintf(stderr, "nitelik ca %s: %s\n", what, nl_err_code(rc));
	return rc ? 1 : 0;
usage:
	fprintf(stderr, "usage: nitelik ca %s --data DIR [--db URL]%s\n", what,
	        strcmp(what, "crl") ? "" : " [--hours N]");
	return 2;
}

static int ca_root_crl(int argc, char **argv, bool revoke)
{
	if (argc != 3 || strcmp(argv[1], "--data")) {
		fprintf(stderr, "usage: nitelik ca %s --data DIR\n", argv[0]);
		return 2;
	}
	nl_buf log = NL_BUF_INIT;
	nl_err rc = revoke ? nl_ca_revoke_issuing(argv[2], &log) : nl_ca_renew_root_crl(argv[2], &log);
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

int nl_cli_ca(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "ping")) return ca_ping(argc - 1, argv + 1);
	if (argc >= 2 && !strcmp(argv[1], "backup")) return nl_cli_ca_backup(argc - 1, argv + 1);
	if (argc >= 2 && !strcmp(argv[1], "restore")) return nl_cli_ca_restore(argc - 1, argv + 1);
	if (argc >= 2 && !strcmp(argv[1], "revoke-issuing")) return ca_root_crl(argc - 1, argv + 1, true);
	if (argc >= 2 && !strcmp(argv[1], "root-crl")) return ca_root_crl(argc - 1, argv + 1, false);
	if (argc >= 2 && !strcmp(argv[1], "init")) return ca_init(argc - 1, argv + 1);
	if (argc >= 2 && (!strcmp(argv[1], "crl") || !strcmp(argv[1], "crl-tick") ||
	                  !strcmp(argv[1], "ocsp-refresh") || !strcmp(argv[1], "ocsp-answer")))
		return ca_run(argc - 1, argv + 1, argv[1]);
	fprintf(stderr, "usage: nitelik ca init|crl|crl-tick|ocsp-refresh|ocsp-answer|revoke-issuing|root-crl"
	                "|ping|backup|restore --data DIR ...\n");
	return 2;
}
