/* nitelik cert — certificates, for operators and tests (the usage below lists
 * every verb). The CA is in the data folder (--data DIR or the configuration's
 * data_dir, cli_conf.h); show and search print JSON with --json. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cmd/cli.h"
#include "cmd/cli_conf.h"
#include "cmd/cli_pki.h"
#include "pki/crl.h"
#include "core/file.h"

static const char usage[] =
	"usage: nitelik cert issue --csr F --given G --surname S (--tckn N | --passport CC-NO)\n"
	"                          [--cn CN] [--email E] [--publish] [--years 1|2|3 (default 2)] [--renew SERIAL]\n"
	"                          [--out F]   (--days N instead of --years: demo mode only)\n"
	"       nitelik cert show SERIAL [--pem]\n"
	"       nitelik cert suspend|release SERIAL\n"
	"       nitelik cert revoke SERIAL --reason keyCompromise|affiliationChanged|superseded|\n"
	"                          cessationOfOperation|privilegeWithdrawn|unspecified\n"
	"       nitelik cert search TEXT       the public directory (at most 50)\n"
	"  The CA is in the data folder (--data DIR or the configuration's data_dir);\n"
	"  issue needs the signer running. show and search print JSON with --json.\n";

struct args {
	struct nl_cli_ca_opts o;
	const char *csr, *given, *surname, *tckn, *passport, *cn, *email, *out, *reason, *renew, *pos;
	bool publish, pem;
	int64_t days, years;
};

/* -1 to go on, else the exit status (0 after --help or --version). */
static int parse(int argc, char **argv, struct args *a)
{
	memset(a, 0, sizeof *a);
	a->years = 0;   /* 2 unless --days */
	for (int i = 1; i < argc; i++) {
		const char *k = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		const char **dst = NULL;
		if (!strcmp(k, "--help") || !strcmp(k, "-h")) {
			nl_cli_help(stdout, usage);
			return 0;
		}
		enum nl_cli_opt_result r = nl_cli_common_opt(argc, argv, &i);
		if (r == NL_CLI_OPT_EXIT) return 0;
		if (r == NL_CLI_OPT_BAD) return 2;
		if (r == NL_CLI_OPT_TAKEN) continue;
		if (!strcmp(k, "--csr")) dst = &a->csr;
		else if (!strcmp(k, "--given")) dst = &a->given;
		else if (!strcmp(k, "--surname")) dst = &a->surname;
		else if (!strcmp(k, "--tckn")) dst = &a->tckn;
		else if (!strcmp(k, "--passport")) dst = &a->passport;
		else if (!strcmp(k, "--cn")) dst = &a->cn;
		else if (!strcmp(k, "--email")) dst = &a->email;
		else if (!strcmp(k, "--out")) dst = &a->out;
		else if (!strcmp(k, "--reason")) dst = &a->reason;
		else if (!strcmp(k, "--renew")) dst = &a->renew;
		else if (!strcmp(k, "--publish")) { a->publish = true; continue; }
		else if (!strcmp(k, "--pem")) { a->pem = true; continue; }
		else if (!strcmp(k, "--days") && v) { a->days = atoll(v); i++; if (a->days < 1 || a->days > 7300) return 2; continue; }
		else if (!strcmp(k, "--years") && v) { a->years = atoll(v); i++; if (a->years < 1 || a->years > 3) return 2; continue; }
		else if (k[0] != '-' && !a->pos) { a->pos = k; continue; }
		else return 2;
		if (!v) return 2;
		*dst = v;
		i++;
	}
	return -1;
}

static int issue(struct args *a, nl_db *db, struct nl_ca *ca, nl_signer *sg)
{
	nl_buf csr = NL_BUF_INIT, failures = NL_BUF_INIT, pem = NL_BUF_INIT;
	struct nl_cert_row row;
	char country[3] = "", number[40] = "";
	int status = 1;
	if (a->passport) {
		/* CC-NUMBER */
		if (strlen(a->passport) < 4 || a->passport[2] != '-' || strlen(a->passport) > 30) return 2;
		memcpy(country, a->passport, 2);
		snprintf(number, sizeof number, "%s", a->passport + 3);
	}
	struct nl_issue_req r = {
		.holder = {.given_name = a->given, .surname = a->surname, .common_name = a->cn,
		           .tckn = a->tckn, .passport_country = a->passport ? country : NULL,
		           .passport_no = a->passport ? number : NULL},
		.not_before = (int64_t)time(NULL), .renew_serial = a->renew,
		.email = a->email, .publish = a->publish, .actor = "cli:operator",
	};
	/* The one validity rule of production (nl_pki_validity_end): whole years
	 * from now - 1 s. Days are a test aid (a certificate that ends soon). */
	if (a->days) {
		if (!ca->demo) {
			fprintf(stderr, "nitelik cert issue: --days is allowed only in demo mode (demo.enabled = true); "
			                "certificates are issued for --years 1, 2 or 3\n");
			return 2;
		}
		r.not_after = r.not_before + a->days * 86400 - 1;
	} else {
		r.years = (int)(a->years ? a->years : 2);
	}
	if (nl_read_file(a->csr, 64 * 1024, &csr)) {
		fprintf(stderr, "nitelik cert issue: cannot read %s\n", a->csr);
		goto out;
	}
	r.csr = csr.data;
	r.csr_len = csr.len;
	nl_err rc = nl_ca_issue(nl_cli_app(db), sg, ca, &r, &row, &failures);
	if (rc) {
		fprintf(stderr, "nitelik cert issue: refused (%s)\n%s", nl_err_code(rc), failures.data ? failures.data : "");
		goto out;
	}
	if ((rc = nl_pki_der_to_pem(row.der, row.der_len, &pem)))
		goto out;
	if (a->out && nl_write_file(a->out, pem.data, pem.len, 0644)) {
		fprintf(stderr, "nitelik cert issue: cannot write %s\n", a->out);
	} else {
		if (!a->out) fputs(pem.data, stdout);
		fprintf(stderr, "issued serial %s to %s\n", row.serial, row.subject);
		status = 0;
	}
	nl_cert_row_clear(&row);
out:
	nl_buf_free(&csr); nl_buf_free(&failures); nl_buf_free(&pem);
	return status;
}

static const char *utc(int64_t t, char out[32])
{
	struct tm tm;
	time_t tt = (time_t)t;
	gmtime_r(&tt, &tm);
	strftime(out, 32, "%Y-%m-%d %H:%M:%S UTC", &tm);
	return out;
}

static json_t *row_json(const struct nl_cert_row *r, bool pem)
{
	json_t *o = json_pack("{ss ss ss sI sI sb}", "serial", r->serial, "subject", r->subject,
	                      "status", r->status, "not_before", (json_int_t)r->not_before,
	                      "not_after", (json_int_t)r->not_after, "published", r->publish);
	if (o && strcmp(r->status, "good")) {
		json_object_set_new(o, "reason", json_string(nl_crl_reason_name(r->reason)));
		json_object_set_new(o, "revoked_at", json_integer(r->revoked_at));
	}
	nl_buf text = NL_BUF_INIT;
	if (o && pem && !nl_pki_der_to_pem(r->der, r->der_len, &text))
		json_object_set_new(o, "pem", json_string(text.data));
	nl_buf_free(&text);
	return o;
}

/* --json search: the rows go into this array. */
static NL_MUST_USE nl_err add_row(void *ctx, const struct nl_cert_row *r)
{
	return json_array_append_new(ctx, row_json(r, false)) ? NL_ERR_NOMEM : NL_OK;
}

static NL_MUST_USE nl_err print_row(void *ctx, const struct nl_cert_row *r)
{
	bool pem = ctx != NULL;
	char a[32], b[32];
	printf("serial:     %s\nsubject:    %s\nstatus:     %s", r->serial, r->subject, r->status);
	if (strcmp(r->status, "good"))
		printf(" (%s, %s)", nl_crl_reason_name(r->reason), utc(r->revoked_at, a));
	printf("\nnot before: %s\nnot after:  %s\npublished:  %s\n", utc(r->not_before, a),
	       utc(r->not_after, b), r->publish ? "yes" : "no");
	if (pem) {
		nl_buf text = NL_BUF_INIT;
		if (!nl_pki_der_to_pem(r->der, r->der_len, &text)) fputs(text.data, stdout);
		nl_buf_free(&text);
	}
	printf("\n");
	return NL_OK;
}

int nl_cli_cert(int argc, char **argv)
{
	struct args a;
	const char *cmd = argc >= 2 ? argv[1] : "";
	int st = argc < 2 ? 2 : parse(argc - 1, argv + 1, &a);
	if (argc >= 2 && cmd[0] == '-') {
		int i = 1;   /* no verb: only --help or --version */
		if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h")) {
			nl_cli_help(stdout, usage);
			return 0;
		}
		if (nl_cli_common_opt(argc, argv, &i) == NL_CLI_OPT_EXIT)
			return 0;
		goto usage;
	}
	if (st == 0) return 0;
	if (st > 0) goto usage;
	bool is_issue = !strcmp(cmd, "issue");
	if (a.days && a.years) goto usage;
	if (is_issue && (!a.csr || !a.given || !a.surname || !a.tckn == !a.passport)) goto usage;
	if (!is_issue && !a.pos) goto usage;
	nl_db *db = NULL;
	struct nl_ca *ca = NULL;
	nl_signer *sg = NULL;
	nl_err rc = NL_OK;
	int status = 1;
	if ((st = nl_cli_ca_config(cmd, &a.o))) return st;
	if (is_issue) {
		if (nl_cli_open_ca(&a.o, &db, &ca, &sg)) return 1;
		status = issue(&a, db, ca, sg);
		nl_cli_close_ca(db, ca, sg);
		return status;
	}
	if ((rc = nl_cli_pki_open_db(a.o.db, &db))) {
		fprintf(stderr, "nitelik cert: cannot open the database: %s\n", nl_err_code(rc));
		return 1;
	}
	nl_conn *c = NULL;
	int64_t now = (int64_t)time(NULL);
	if (!strcmp(cmd, "show")) {
		struct nl_cert_row r;
		if (!(rc = nl_db_conn(db, &c)) && !(rc = nl_store_cert_get(c, a.pos, &r))) {
			if (nl_cli_g.json)
				rc = nl_cli_print_json(row_json(&r, a.pem)) ? NL_ERR_IO : NL_OK;
			else
				rc = print_row(a.pem ? &a : NULL, &r);
			nl_cert_row_clear(&r);
		}
	} else if (!strcmp(cmd, "search")) {
		json_t *all = nl_cli_g.json ? json_array() : NULL;
		if (!(rc = nl_db_conn(db, &c)))
			rc = all ? nl_store_cert_search(c, a.pos, 50, add_row, all)
			         : nl_store_cert_search(c, a.pos, 50, print_row, NULL);
		if (all && !rc)
			rc = nl_cli_print_json(all) ? NL_ERR_IO : NL_OK;
		else
			json_decref(all);
	} else if (!strcmp(cmd, "revoke")) {
		int reason = a.reason ? nl_crl_reason_parse(a.reason) : 0;
		rc = reason < 0 ? NL_ERR_INVALID : nl_store_cert_revoke(db, a.pos, reason, now, "cli:operator", a.reason);
	} else if (!strcmp(cmd, "suspend")) {
		rc = nl_store_cert_suspend(db, a.pos, now, "cli:operator", "suspended by operator");
	} else if (!strcmp(cmd, "release")) {
		rc = nl_store_cert_release(db, a.pos, "cli:operator", "released by operator");
	} else {
		nl_db_close(db);
		goto usage;
	}
	nl_db_close(db);
	if (rc) fprintf(stderr, "nitelik cert %s: %s\n", cmd, nl_err_code(rc));
	else status = 0;
	return status;
usage:
	nl_cli_help(stderr, usage);
	return 2;
}
