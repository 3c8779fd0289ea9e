/* nitelik preapply import FILE --institution ID — bulk pre-registration from a
 * CSV file (docs/officer.md "CSV format", app/preapply_csv.h), for campaigns
 * far past the web form's 2,000 rows: up to NL_CSV_JOB_MAX_ROWS rows, committed
 * in batches; a bad row or a failed batch never loses the good rows. Each new
 * order's access-password mail is queued as from the web import.
 *   preapply import FILE --institution ID [--errors OUT.csv] [--batch N]
 *                   [--base-url URL] [--web-dir DIR] [common options: --config, --db ...]
 * A progress bar runs on standard error when it is a terminal. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "app/preapply.h"
#include "app/preapply_csv.h"
#include "cmd/cli.h"
#include "cmd/cli_conf.h"
#include "cmd/cli_staff.h"
#include "core/config.h"
#include "core/file.h"

static const char usage[] =
	"usage: nitelik preapply import FILE --institution ID [--errors OUT.csv] [--batch N]\n"
	"                [--base-url URL] [--web-dir DIR]\n"
	"  Pre-registers every good row of the CSV file (docs/officer.md \"CSV format\") in\n"
	"  the institution and queues each access-password mail. Bad rows, and rows with an\n"
	"  open order there already, are listed in OUT.csv (default FILE.errors.csv).\n"
	"  base_url (the mail's link) and web.dir (its templates) come from the\n"
	"  configuration unless given.\n";

#define DEFAULT_BATCH 1000

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void progress(bool tty, size_t done, size_t total, size_t errors, double t0, bool end)
{
	if (!tty)
		return;
	double el = now_s() - t0, rate = el > 0 ? (double)done / el : 0;
	double left = rate > 0 ? (double)(total - done) / rate : 0;
	int width = 30, fill = total ? (int)((double)done / (double)total * width) : width;
	fprintf(stderr, "\r[%.*s%.*s] %3d%% %zu/%zu rows, %zu errors, %.0f rows/s, %02d:%02d left ",
	        fill, "##############################", width - fill,
	        "..............................", total ? (int)(100 * done / total) : 100, done,
	        total, errors, rate, (int)left / 60, (int)left % 60);
	if (end)
		fputc('\n', stderr);
	fflush(stderr);
}

/* A CSV cell: quoted when it holds a separator, a quote or a line break. */
static void cell(FILE *f, const char *s, bool last)
{
	if (strpbrk(s, ";\"\r\n")) {
		fputc('"', f);
		for (; *s; s++) {
			if (*s == '"')
				fputc('"', f);
			fputc(*s, f);
		}
		fputc('"', f);
	} else {
		fputs(s, f);
	}
	fputc(last ? '\n' : ';', f);
}

static void error_row(FILE *f, size_t line, const char *id, const char *name, const char *field,
                      const char *code)
{
	char l[32];
	snprintf(l, sizeof l, "%zu", line);
	cell(f, l, false);
	cell(f, id, false);
	cell(f, name, false);
	cell(f, field ? field : "", false);
	cell(f, code, true);
}

struct run {
	struct nl_preapply_ctx ctx;
	const struct nl_pa_good_row *good;
	struct nl_preapply_clean *rows;
	struct nl_preapply_result *res;
	FILE *errs;
	size_t created, duplicates, failed;
};

static void outcome(struct run *r, size_t i, nl_err e)
{
	const struct nl_pa_good_row *g = &r->good[i];
	char name[2 * sizeof g->row.given_name + 2];
	snprintf(name, sizeof name, "%s %s", g->row.given_name, g->row.surname);
	if (e) {
		r->failed++;
		error_row(r->errs, g->line, g->row.id_number, name, NULL, nl_err_code(e));
	} else if (r->res[i].outcome == NL_PA_CREATED) {
		r->created++;
	} else {
		char code[64];
		snprintf(code, sizeof code, "open_order SD-%" PRId64, r->res[i].order_no);
		r->duplicates++;
		error_row(r->errs, g->line, g->row.id_number, name, "id_number", code);
	}
}

/* Rows [from, from + n): one transaction; if it fails as a whole, row by row,
 * so one row's failure costs only that row. */
static void batch(struct run *r, size_t from, size_t n)
{
	nl_err e = nl_preapply_batch(&r->ctx, r->rows + from, n, r->res + from);
	if (e == NL_OK || n == 1) {
		for (size_t i = from; i < from + n; i++)
			outcome(r, i, e);
		return;
	}
	for (size_t i = from; i < from + n; i++)
		outcome(r, i, nl_preapply_batch(&r->ctx, r->rows + i, 1, r->res + i));
}

int nl_cli_preapply(int argc, char **argv)
{
	struct nl_cli_opt opts[] = {
		{"--institution", true, NULL}, {"--errors", true, NULL}, {"--batch", true, NULL},
		{"--base-url", true, NULL},    {"--web-dir", true, NULL}, {NULL, false, NULL},
	};
	for (int k = 1; k < argc; k++)
		if (!strcmp(argv[k], "--help") || !strcmp(argv[k], "-h")) {
			nl_cli_help(stdout, usage);
			return 0;
		}
	int first = 1;
	if (argc >= 2 && nl_cli_common_opt(argc, argv, &first) == NL_CLI_OPT_EXIT)
		return 0;
	if (argc < 3 || strcmp(argv[1], "import") != 0 || argv[2][0] == '-') {
		nl_cli_help(stderr, usage);
		return 2;
	}
	int st = nl_cli_opts(argc, argv, 3, opts, usage);
	if (st)
		return st < 0 ? 0 : st;
	const char *path = argv[2];
	int64_t inst = 0, bs = DEFAULT_BATCH;
	if (!nl_cli_id(nl_cli_opt(opts, "--institution"), &inst) ||
	    (nl_cli_opt(opts, "--batch") && !nl_cli_id(nl_cli_opt(opts, "--batch"), &bs))) {
		fputs(usage, stderr);
		return 2;
	}
	/* base_url and web.dir from the configuration (cli_conf.h), or the options. */
	static struct nl_config cfg;
	static struct nl_app app;
	const struct nl_config *conf = NULL;
	if ((st = nl_cli_config("preapply", false, &conf)))
		return st;
	cfg = *conf;
	char err[256];
	if ((nl_cli_opt(opts, "--base-url") &&
	     nl_config_set(&cfg, "server.base_url", nl_cli_opt(opts, "--base-url"), err, sizeof err)) ||
	    (nl_cli_opt(opts, "--web-dir") &&
	     nl_config_set(&cfg, "web.dir", nl_cli_opt(opts, "--web-dir"), err, sizeof err))) {
		fprintf(stderr, "nitelik preapply: %s\n", err);
		return 2;
	}
	nl_config_resolve(&cfg);

	nl_buf file = NL_BUF_INIT;
	if (nl_read_file(path, NL_CSV_JOB_MAX_BYTES, &file) != NL_OK) {
		nl_buf_free(&file);
		fprintf(stderr, "nitelik preapply: %s: cannot read it (or larger than %d MiB)\n", path,
		        NL_CSV_JOB_MAX_BYTES >> 20);
		return 1;
	}
	struct nl_pa_csv csv;
	nl_err e = nl_pa_csv_parse_max(file.data ? file.data : "", file.len, NL_CSV_JOB_MAX_ROWS,
	                               NL_CSV_JOB_MAX_BYTES, &csv);
	nl_buf_free(&file);
	if (e) {
		fprintf(stderr, "nitelik preapply: %s: %s\n", path, nl_err_code(e));
		return 1;
	}
	if (csv.file_error) {
		fprintf(stderr, "nitelik preapply: %s: %s (line %zu%s%s)\n", path, csv.file_error,
		        csv.file_error_line, csv.file_error_column[0] ? ", column " : "",
		        csv.file_error_column);
		nl_pa_csv_free(&csv);
		return 1;
	}

	char errs_path[4096];
	snprintf(errs_path, sizeof errs_path, "%s", nl_cli_opt(opts, "--errors") ?
	         nl_cli_opt(opts, "--errors") : path);
	if (!nl_cli_opt(opts, "--errors"))
		strncat(errs_path, ".errors.csv", sizeof errs_path - strlen(errs_path) - 1);
	nl_db *db = NULL;
	struct run r = {0};
	int status = 1;
	r.errs = fopen(errs_path, "w");
	if (!r.errs) {
		fprintf(stderr, "nitelik preapply: %s: cannot write it\n", errs_path);
		goto out;
	}
	fputs("line;id_number;name;field;code\n", r.errs);
	for (size_t i = 0; i < csv.n_bad; i++) {
		const struct nl_pa_bad_row *b = &csv.bad[i];
		for (size_t k = 0; k < b->n_errs; k++)
			error_row(r.errs, b->line, b->id_number, b->name, b->errs[k].field,
			          b->errs[k].code);
	}
	if ((st = nl_cli_open_db("preapply", &db))) {
		status = st;
		goto out;
	}
	app = (struct nl_app){.cfg = &cfg, .db = db};
	r.ctx = (struct nl_preapply_ctx){.app = &app, .institution_id = inst,
	                                 .actor = nl_cli_actor(), .now = (int64_t)time(NULL)};
	r.good = csv.good;
	r.rows = calloc(csv.n_good + 1, sizeof *r.rows);
	r.res = calloc(csv.n_good + 1, sizeof *r.res);
	if (!r.rows || !r.res) {
		fprintf(stderr, "nitelik preapply: out of memory\n");
		goto out;
	}
	for (size_t i = 0; i < csv.n_good; i++)
		r.rows[i] = csv.good[i].row;
	bool tty = isatty(2);
	double t0 = now_s();
	size_t total = csv.n_good;
	for (size_t from = 0; from < total; from += (size_t)bs) {
		size_t n = total - from < (size_t)bs ? total - from : (size_t)bs;
		/* A missing or disabled institution fails every row alike: stop. */
		if (from == 0) {
			e = nl_preapply_batch(&r.ctx, r.rows, n, r.res);
			if (e == NL_ERR_NOT_FOUND) {
				fprintf(stderr, "nitelik preapply: no active institution %" PRId64 "\n", inst);
				goto out;
			}
			if (e == NL_OK)
				for (size_t i = 0; i < n; i++)
					outcome(&r, i, NL_OK);
			else
				batch(&r, 0, n);   /* the batch failed as a whole: row by row */
		} else {
			batch(&r, from, n);
		}
		progress(tty, from + n, total, r.failed + r.duplicates + csv.n_bad, t0, false);
	}
	double el = now_s() - t0;
	progress(tty, total, total, r.failed + r.duplicates + csv.n_bad, t0, true);
	printf("created %zu, already open %zu, bad rows %zu, failed %zu; %.1f s, %.0f rows/s\n",
	       r.created, r.duplicates, csv.n_bad, r.failed, el, el > 0 ? (double)total / el : 0);
	if (r.duplicates + csv.n_bad + r.failed)
		printf("errors: %s\n", errs_path);
	status = r.failed ? 1 : 0;
out:
	if (r.errs)
		fclose(r.errs);
	free(r.rows);
	free(r.res);
	nl_pa_csv_free(&csv);
	nl_db_close(db);
	return status;
}
