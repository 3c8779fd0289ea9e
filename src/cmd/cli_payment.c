/* nitelik price / nitelik payments — prices and bank reconciliation files
 * (docs/payment.md), the same use cases as /yonetim/fiyatlar and
 * /yonetim/banka-mutabakat:
 *   price set --period 1|2|3 --reader none|standard|mini --amount 1.180,00 [--vat 20]
 *   price list
 *   payments import FILE [--base-url URL] [--web-dir DIR] */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app/payment.h"
#include "cmd/cli.h"
#include "cmd/cli_conf.h"
#include "cmd/cli_staff.h"
#include "core/file.h"
#include "core/money.h"
#include "pki/ca_store.h"

#define IMPORT_FILE_MAX (16 * 1024 * 1024)

static const char price_usage[] =
	"usage: nitelik price set --period 1|2|3 --reader none|standard|mini --amount TL [--vat PERCENT]\n"
	"       nitelik price list\n"
	"  TL is VAT-inclusive with a decimal comma (1.180,00); PERCENT defaults to 20.\n"
	"  list --json prints a JSON array (amounts in kuruş, VAT rate in basis points).\n";

static int price_list(nl_db *db)
{
	struct nl_price p[NL_PRICE_COMBOS];
	bool have[NL_PRICE_COMBOS];
	nl_err e = nl_payment_prices_current(nl_cli_app(db), (int64_t)time(NULL), p, have);
	if (e) {
		fprintf(stderr, "nitelik price list: failed (%s)\n", nl_err_code(e));
		return 1;
	}
	if (nl_cli_g.json) {
		json_t *a = json_array();
		for (int i = 0; i < NL_PRICE_COMBOS; i++)
			json_array_append_new(a, have[i]
				? json_pack("{sI ss sI sI sI}", "period_years", (json_int_t)p[i].period_years,
				            "card_reader", p[i].card_reader,
				            "amount_kurus", (json_int_t)p[i].amount_kurus,
				            "vat_bp", (json_int_t)p[i].vat_bp,
				            "valid_from", (json_int_t)p[i].valid_from)
				: json_pack("{sI ss sn}", "period_years", (json_int_t)p[i].period_years,
				            "card_reader", p[i].card_reader, "amount_kurus"));
		return nl_cli_print_json(a);
	}
	printf("%-7s %-9s %16s %16s %16s %6s\n", "PERIOD", "READER", "PRICE", "NET", "VAT", "RATE");
	for (int i = 0; i < NL_PRICE_COMBOS; i++) {
		if (!have[i]) {
			printf("%-7" PRId64 " %-9s %16s\n", p[i].period_years, p[i].card_reader,
			       "not yet priced");
			continue;
		}
		char gross[NL_MONEY_FMT_MAX], net[NL_MONEY_FMT_MAX], vat[NL_MONEY_FMT_MAX], rate[16];
		int64_t n = 0, v = 0;
		nl_vat_split_gross(p[i].amount_kurus, (int)p[i].vat_bp, &n, &v);
		nl_money_format(p[i].amount_kurus, gross);
		nl_money_format(n, net);
		nl_money_format(v, vat);
		nl_payment_vat_rate_text(p[i].vat_bp, rate, sizeof rate);
		printf("%-7" PRId64 " %-9s %16s %16s %16s %5s%%\n", p[i].period_years,
		       p[i].card_reader, gross, net, vat, rate);
	}
	return 0;
}

int nl_cli_price(int argc, char **argv)
{
	struct nl_cli_opt opts[] = {
		{"--period", true, NULL}, {"--reader", true, NULL}, {"--amount", true, NULL},
		{"--vat", true, NULL},    {NULL, false, NULL},
	};
	int st = nl_cli_verb_opts(argc, argv, opts, price_usage);
	if (st >= 0)
		return st;
	const char *verb = argv[1];
	bool set = !strcmp(verb, "set"), ls = !strcmp(verb, "list");
	int64_t period = 0, amount = 0, vat_bp = 2000;
	const char *reader = nl_cli_opt(opts, "--reader");
	if (set) {
		const char *ps = nl_cli_opt(opts, "--period"), *as = nl_cli_opt(opts, "--amount"),
		           *vs = nl_cli_opt(opts, "--vat");
		if (!ps || !reader || !as || strlen(ps) != 1 || ps[0] < '1' || ps[0] > '3') {
			nl_cli_help(stderr, price_usage);
			return 2;
		}
		period = ps[0] - '0';
		if (nl_money_parse(as, &amount) != NULL || amount < 1) {
			fprintf(stderr, "nitelik price set: --amount is TL like 1.180,00\n");
			return 2;
		}
		if (vs && (nl_money_parse(vs, &vat_bp) != NULL || vat_bp > 10000)) {
			fprintf(stderr, "nitelik price set: --vat is a percentage 0..100 like 20\n");
			return 2;
		}
	} else if (!ls) {
		nl_cli_help(stderr, price_usage);
		return 2;
	}
	nl_db *db;
	if ((st = nl_cli_open_db("price", &db)))
		return st;
	if (ls) {
		st = price_list(db);
	} else {
		nl_err e = nl_payment_price_set(nl_cli_app(db), period, reader, amount, vat_bp, nl_cli_actor(),
		                                (int64_t)time(NULL));
		if (e == NL_ERR_INVALID)
			fprintf(stderr, "nitelik price set: invalid period, reader, amount or rate\n");
		else if (e)
			fprintf(stderr, "nitelik price set: failed (%s)\n", nl_err_code(e));
		else
			printf("price set: %" PRId64 " year(s), %s\n", period, reader);
		st = e ? 1 : 0;
	}
	nl_db_close(db);
	return st;
}

static const char payments_usage[] =
	"usage: nitelik payments import FILE [--base-url URL] [--web-dir DIR]\n"
	"  FILE: the bank reconciliation CSV, header tarih;kanal;referans;siparis_no_veya_tckn;tutar\n"
	"  (docs/payment.md). One transaction; prints one line per file line.\n"
	"  --web-dir: the web folder whose templates word the payment mails (default: the\n"
	"  configuration file's [web] dir when one was read, else plain text);\n"
	"  --base-url likewise defaults to the file's server.base_url.\n";

int nl_cli_payments(int argc, char **argv)
{
	struct nl_cli_opt opts[] = {
		{"--base-url", true, NULL}, {"--web-dir", true, NULL}, {NULL, false, NULL},
	};
	int first = 1;
	for (int k = 1; k < argc; k++)
		if (!strcmp(argv[k], "--help") || !strcmp(argv[k], "-h")) {
			nl_cli_help(stdout, payments_usage);
			return 0;
		}
	if (argc >= 2 && nl_cli_common_opt(argc, argv, &first) == NL_CLI_OPT_EXIT)
		return 0;
	if (argc < 3 || strcmp(argv[1], "import") != 0 || argv[2][0] == '-') {
		nl_cli_help(stderr, payments_usage);
		return 2;
	}
	int st = nl_cli_opts(argc, argv, 3, opts, payments_usage);
	if (st)
		return st < 0 ? 0 : st;
	nl_buf file = NL_BUF_INIT;
	if (nl_read_file(argv[2], IMPORT_FILE_MAX, &file) != NL_OK) {
		nl_buf_free(&file);
		fprintf(stderr, "nitelik payments import: cannot read %s\n", argv[2]);
		return 1;
	}
	nl_db *db;
	if ((st = nl_cli_open_db("payments", &db))) {
		nl_buf_free(&file);
		return st;
	}
	/* The mails are worded by the configured web folder's templates, as the
	 * web pages word them, unless --web-dir names another. */
	const struct nl_config *cfg = NULL;
	const char *web_dir = nl_cli_opt(opts, "--web-dir"), *base_url = nl_cli_opt(opts, "--base-url");
	if (nl_cli_g.config_read && nl_cli_config("payments", false, &cfg) == 0) {
		web_dir = web_dir ? web_dir : cfg->web_dir;
		base_url = base_url ? base_url : cfg->base_url;
	}
	const char *slash = strrchr(argv[2], '/');
	struct nl_import_report rep;
	nl_err e = nl_payment_import(nl_cli_app(db), file.data, file.len, slash ? slash + 1 : argv[2], nl_cli_actor(),
	                             base_url, web_dir,
	                             (int64_t)time(NULL), &rep);
	nl_buf_free(&file);
	if (e == NL_ERR_INVALID) {
		fprintf(stderr, "nitelik payments import: file refused (%s, line %zu); nothing imported\n",
		        rep.file_error ? rep.file_error : "invalid", rep.file_error_line);
		st = 1;
	} else if (e) {
		fprintf(stderr, "nitelik payments import: failed (%s); nothing imported\n",
		        nl_err_code(e));
		st = 1;
	} else {
		static const char *const outcome[] = {"", "recorded", "skipped", "refused"};
		for (size_t i = 0; i < rep.n; i++) {
			const struct nl_import_line *l = &rep.lines[i];
			printf("line %zu: %s%s%s ref=%s key=%s", l->line, outcome[l->outcome],
			       *l->reason ? " " : "", l->reason, l->reference, l->key);
			if (l->order_no)
				printf(" order=SD-%" PRId64, l->order_no);
			printf("\n");
		}
		printf("import %" PRId64 ": %" PRId64 " recorded, %" PRId64 " skipped, %" PRId64
		       " refused\n", rep.import_id, rep.recorded, rep.skipped, rep.refused);
		nl_import_report_free(&rep);
	}
	nl_db_close(db);
	return st;
}
