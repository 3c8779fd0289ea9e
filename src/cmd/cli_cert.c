/* nitelik cert — certificates, for operators and tests:
 *   cert issue   --data DIR --csr F --given G --surname S (--tckn N | --passport CC-NO)
 *                [--cn CN] [--email E] [--publish] [--days N] [--renew SERIAL] [--out F]
 *   cert show    --data DIR SERIAL [--pem]
 *   cert revoke  --data DIR SERIAL --reason keyCompromise|superseded|...
 *   cert suspend --data DIR SERIAL
 *   cert release --data DIR SERIAL
 *   cert search  --data DIR TEXT          the public directory
 * Every command takes --db URL (default sqlite:DIR/nitelik.db). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cmd/cli.h"
#include "cmd/cli_pki.h"
#include "pki/crl.h"

struct args {
	struct nl_cli_ca_opts o;
	const char *csr, *given, *surname, *tckn, *passport, *cn, *email, *out, *reason, *renew, *pos;
	bool publish, pem;
	int64_t days;
};

static bool parse(int argc, char **argv, struct args *a)
{
	memset(a, 0, sizeof *a);
	a->days = 730;
	for (int i = 1; i < argc; i++) {
		const char *k = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		const char **dst = NULL;
		if (!strcmp(k, "--data")) dst = &a->o.dir;
		else if (!strcmp(k, "--db")) dst = &a->o.db;
		else if (!strcmp(k, "--csr")) dst = &a->csr;
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
		else if (!strcmp(k, "--days") && v) { a->days = atoll(v); i++; if (a->days < 1 || a->days > 7300) return false; continue; }
		else if (k[0] != '-' && !a->pos) { a->pos = k; continue; }
		else return false;
		if (!v) return false;
		*dst = v;
		i++;
	}
	return a->o.dir != NULL;
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
		.not_before = (int64_t)time(NULL) - 60, .renew_serial = a->renew,
		.email = a->email, .publish = a->publish, .actor = "cli:operator",
	};
	r.not_after = r.not_before + a->days * 86400;
	if (nl_read_file(a->csr, 64 * 1024, &csr)) {
		fprintf(stderr, "nitelik cert issue: cannot read %s\n", a->csr);
		goto out;
	}
	r.csr = csr.data;
	r.csr_len = csr.len;
	nl_err rc = nl_ca_issue(db, sg, ca, &r, &row, &failures);
	if (rc) {
		fprintf(stderr, "nitelik cert issue: refused (%s)\n%s", nl_err_code(rc), failures.data ? failures.data : "");
		goto out;
	}
	nl_pki_der_to_pem(row.der, row.der_len, &pem);
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

static nl_err print_row(void *ctx, const struct nl_cert_row *r)
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
	if (argc < 2 || !parse(argc - 1, argv + 1, &a)) goto usage;
	bool is_issue = !strcmp(cmd, "issue");
	if (is_issue && (!a.csr || !a.given || !a.surname || !a.tckn == !a.passport)) goto usage;
	if (!is_issue && !a.pos) goto usage;
	nl_db *db = NULL;
	struct nl_ca *ca = NULL;
	nl_signer *sg = NULL;
	nl_err rc = NL_OK;
	int status = 1;
	if (is_issue) {
		if (nl_cli_open_ca(&a.o, &db, &ca, &sg)) return 1;
		status = issue(&a, db, ca, sg);
		nl_cli_close_ca(db, ca, sg);
		return status;
	}
	if ((rc = nl_cli_pki_open_db(a.o.dir, a.o.db, &db))) {
		fprintf(stderr, "nitelik cert: cannot open the database: %s\n", nl_err_code(rc));
		return 1;
	}
	nl_conn *c = NULL;
	int64_t now = (int64_t)time(NULL);
	if (!strcmp(cmd, "show")) {
		struct nl_cert_row r;
		if (!(rc = nl_db_conn(db, &c)) && !(rc = nl_store_cert_get(c, a.pos, &r))) {
			print_row(a.pem ? &a : NULL, &r);
			nl_cert_row_clear(&r);
		}
	} else if (!strcmp(cmd, "search")) {
		if (!(rc = nl_db_conn(db, &c))) rc = nl_store_cert_search(c, a.pos, 50, print_row, NULL);
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
	fprintf(stderr,
		"usage: nitelik cert issue --data DIR --csr F --given G --surname S (--tckn N | --passport CC-NO)\n"
		"                          [--cn CN] [--email E] [--publish] [--days N] [--renew SERIAL] [--out F]\n"
		"       nitelik cert show|suspend|release --data DIR SERIAL [--pem]\n"
		"       nitelik cert revoke --data DIR SERIAL --reason keyCompromise|affiliationChanged|superseded|\n"
		"                          cessationOfOperation|privilegeWithdrawn|unspecified\n"
		"       nitelik cert search --data DIR TEXT\n"
		"All take --db URL (default sqlite:DIR/nitelik.db).\n");
	return 2;
}
