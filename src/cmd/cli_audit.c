/* `nitelik audit verify`: check the audit trail (chain, signed checkpoints,
 * the rows it binds); `nitelik audit checkpoint`: sign the head now. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "app/audit_checkpoint.h"
#include "cmd/cli.h"
#include "cmd/cli_conf.h"
#include "cmd/cli_pki.h"
#include "pki/ca_store.h"
#include "store/store_audit.h"
#include "core/file.h"

static const char usage[] =
	"usage: nitelik audit verify [--checkpoints FILE] [--cert FILE] [common options]\n"
	"       nitelik audit checkpoint [common options]\n"
	"  verify recomputes the audit trail's hash chain, checks it against the signed\n"
	"  checkpoints (--checkpoints FILE, else <data folder>/repo/audit-checkpoints;\n"
	"  signatures checked with the issuing CA certificate, --cert FILE or\n"
	"  <data folder>/repo/issuing.crt) and checks that every order, payment,\n"
	"  certificate and consent row is in the state its latest audit record says.\n"
	"  Exit 0: intact; 1: the first broken record (or row) is named, or the database\n"
	"  could not be read; 2: usage.\n"
	"  checkpoint signs the chain's head now through the signer (the periodic job\n"
	"  does this every [audit] checkpoint_interval) and writes\n"
	"  <data folder>/repo/audit-checkpoint(s) (docs/audit.md).\n";

struct opts {
	const char *dir, *checkpoints, *cert;
};

/* The common options (cli_conf.h) and verify's own. 0 to go on, -1 for
 * --help/--version (exit 0), else the exit status. */
static int parse(int argc, char **argv, struct opts *o, bool own)
{
	for (int i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			nl_cli_help(stdout, usage);
			return -1;
		}
		enum nl_cli_opt_result r = nl_cli_common_opt(argc, argv, &i);
		if (r == NL_CLI_OPT_EXIT)
			return -1;
		if (r == NL_CLI_OPT_TAKEN)
			continue;
		if (r == NL_CLI_OPT_BAD) {
			nl_cli_help(stderr, usage);
			return 2;
		}
		if (own && i + 1 < argc && !strcmp(argv[i], "--checkpoints")) {
			o->checkpoints = argv[++i];
		} else if (own && i + 1 < argc && !strcmp(argv[i], "--cert")) {
			o->cert = argv[++i];
		} else {
			fprintf(stderr, "nitelik audit %s: unexpected argument '%s'\n", argv[1], argv[i]);
			nl_cli_help(stderr, usage);
			return 2;
		}
	}
	return 0;
}

/* Reads and authenticates the checkpoints; 0, or the exit status. */
static int load_checkpoints(const struct opts *o, struct nl_audit_checkpoint **cps, size_t *n)
{
	char path[700], cert_path[700];
	const char *file = o->checkpoints, *cert = o->cert;
	*cps = NULL;
	*n = 0;
	if (!file && o->dir) {
		snprintf(path, sizeof path, "%s/" NL_AUDIT_CP_LIST, o->dir);
		if (access(path, F_OK) == 0)
			file = path;
	}
	if (!file) {
		fputs("nitelik audit: no checkpoints: a tail cut from the trail cannot be detected\n",
		      stderr);
		return 0;
	}
	if (!cert && o->dir) {
		snprintf(cert_path, sizeof cert_path, "%s/repo/issuing.crt", o->dir);
		cert = cert_path;
	}
	if (!cert) {
		fprintf(stderr, "nitelik audit: checkpoints need the issuing CA certificate: --cert FILE"
		        " or a data folder\n");
		return 2;
	}
	nl_buf b = NL_BUF_INIT;
	nl_pki_cert *issuer = NULL;
	nl_err rc = nl_read_file(cert, 1u << 20, &b);
	if (rc == NL_OK)
		rc = nl_pki_cert_parse(b.data, b.len, &issuer);
	nl_buf_free(&b);
	if (rc != NL_OK) {
		fprintf(stderr, "nitelik audit: cannot read the CA certificate %s (%s)\n", cert,
		        nl_err_code(rc));
		return 1;
	}
	size_t bad = 0;
	rc = nl_audit_checkpoints_read(file, issuer, cps, n, &bad);
	nl_pki_cert_free(issuer);
	if (rc == NL_ERR_INVALID) {
		printf("audit checkpoints BROKEN at line %zu of %s: malformed or not signed by the CA\n",
		       bad, file);
		return 1;
	}
	if (rc != NL_OK) {
		fprintf(stderr, "nitelik audit: cannot read checkpoints %s (%s)\n", file, nl_err_code(rc));
		return 1;
	}
	return 0;
}

static void report(const struct nl_audit_finding *f)
{
	const char *what = nl_audit_problem_text(f->problem);
	if (f->problem == NL_AUDIT_ROW_UNRECORDED)
		printf("audit trail BROKEN: %s %lld: %s", f->entity, (long long)f->entity_id, what);
	else if (f->entity)
		printf("audit trail BROKEN at record %lld: %s (%s %lld)", (long long)f->seq, what,
		       f->entity, (long long)f->entity_id);
	else
		printf("audit chain BROKEN at record %lld: %s", (long long)f->seq, what);
	if (f->problem == NL_AUDIT_CP_TRUNCATED)
		printf(" (the chain ends at %lld, a checkpoint is at %lld)", (long long)f->last_seq,
		       (long long)f->checkpoint_seq);
	if (f->problems > 1)
		printf("; %lld problems in all", (long long)f->problems);
	putchar('\n');
}

static int verify(int argc, char **argv)
{
	struct opts o = {0};
	struct nl_audit_checkpoint *cps = NULL;
	size_t n_cps = 0;
	nl_db *db = NULL;
	const struct nl_config *cfg;
	int st = parse(argc, argv, &o, true);
	if (st != 0)
		return st < 0 ? 0 : st;
	if ((st = nl_cli_config("audit verify", false, &cfg)) != 0)
		return st;
	/* The data folder only when one was named (--data or a configuration
	 * file), never the compiled-in guess. */
	if (nl_cli_g.data || nl_cli_g.config_read)
		o.dir = cfg->data_dir;
	if ((st = load_checkpoints(&o, &cps, &n_cps)) != 0)
		return st;
	if ((st = nl_cli_db("audit verify", false, &db)) != 0) {
		free(cps);
		return st;
	}
	struct nl_audit_finding f;
	nl_err rc = nl_store_audit_verify_full(db, cps, n_cps, &f);
	nl_db_close(db);
	free(cps);
	if (rc == NL_OK) {
		if (n_cps)
			printf("audit chain OK (%lld records, %zu checkpoints)\n", (long long)f.count, n_cps);
		else
			printf("audit chain OK (%lld records)\n", (long long)f.count);
		return 0;
	}
	if (rc == NL_ERR_INVALID) {
		report(&f);
		return 1;
	}
	fprintf(stderr, "audit verify: cannot read the audit trail (%s; is the schema up to date?"
	        " `nitelik migrate`)\n", nl_err_code(rc));
	return 1;
}

static int checkpoint(int argc, char **argv)
{
	struct opts o = {0};
	int st = parse(argc, argv, &o, false);
	if (st != 0)
		return st < 0 ? 0 : st;
	struct nl_cli_ca_opts co;
	if ((st = nl_cli_ca_config("audit checkpoint", &co)) != 0)
		return st;
	nl_db *db;
	struct nl_ca *ca;
	nl_signer *sg;
	if (nl_cli_open_ca(&co, &db, &ca, &sg))
		return 1;
	struct nl_audit_checkpoint cp;
	bool made = false;
	nl_err rc = nl_audit_checkpoint_make(nl_cli_app(db), sg, co.dir, (int64_t)time(NULL), &cp, &made);
	nl_cli_close_ca(db, ca, sg);
	if (rc != NL_OK) {
		fprintf(stderr, "nitelik audit checkpoint: %s\n", nl_err_code(rc));
		return 1;
	}
	if (made)
		printf("checkpoint at record %lld written to %s/" NL_AUDIT_CP_LIST "\n",
		       (long long)cp.seq, co.dir);
	else
		printf("no checkpoint needed: the trail is empty or its head is checkpointed already\n");
	return 0;
}

int nl_cli_audit(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "verify"))
		return verify(argc, argv);
	if (argc >= 2 && !strcmp(argv[1], "checkpoint"))
		return checkpoint(argc, argv);
	if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		nl_cli_help(stdout, usage);
		return 0;
	}
	nl_cli_help(stderr, usage);
	return 2;
}
