/* libFuzzer target for the bank reconciliation file (src/app/payment_import.c):
 * the bytes of an uploaded file go through the whole import, on an in-memory
 * SQLite database with two unpaid orders and the demo prices, and each line
 * through the pure line check (nl_payment_bank_line_check).
 * Checked: the import either refuses the file as a whole (saying why) or
 * reports every data line with an outcome and a reason, the counts add up,
 * and every text of the report (reference, key as written) is valid UTF-8, or
 * the accountant's page would drop the line; a line the check accepts has a
 * positive amount, a YYYY-MM-DD date, a known lower-case channel, a plain
 * reference and an order number or T.C. number.
 * The database keeps what earlier inputs recorded (an order once paid stays
 * paid) until it is made again every RENEW inputs, which also bounds its
 * memory in long runs: findings are about the parser and the report.
 * Build: CC=clang meson setup build-fuzz && ninja -C build-fuzz tests/fuzz/fuzz_bankfile
 * Run:   build-fuzz/tests/fuzz/fuzz_bankfile tests/fuzz/corpus/bankfile  (or `make fuzz`) */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/csv.h"
#include "app/payment.h"
#include "core/secret.h"
#include "core/utf8.h"
#include "store/migrate.h"
#include "store/store_orders.h"
#include "store/store_persons.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NOW 1763600000   /* 2025-11-20, the store tests' clock */
#define RENEW 20000

static nl_db *db;

static void order_for(nl_conn *c, const char *tckn, const char *email, enum nl_payment_type pt)
{
	char idn[12], mail[64];
	snprintf(idn, sizeof idn, "%s", tckn);
	snprintf(mail, sizeof mail, "%s", email);
	struct nl_person p = {.id_kind = NL_ID_TCKN, .id_number = idn, .passport_country = "",
	                      .given_name = "MEHMET", .surname = "ÖZTÜRK", .email = mail,
	                      .mobile = "5337654321"};
	if (nl_store_person_create(c, &p) != NL_OK)
		abort();
	struct nl_order o = {.person_id = p.id, .reason = NL_REASON_FIRST, .payment_type = pt};
	if (nl_store_order_create(c, &o, "fuzz") != NL_OK)
		abort();
}

static void open_world(void)
{
	nl_conn *c;
	nl_secret_init();
	if (nl_db_open(&db, "sqlite::memory:") != NL_OK || nl_store_migrate(db) != NL_OK ||
	    nl_db_conn(db, &c) != NL_OK)
		abort();
	/* SD-100001 and SD-100002 in a fresh database (the corpus names them). */
	order_for(c, "64172043210", "ayse@example.org", NL_PAY_INSTITUTION);
	order_for(c, "57855534068", "mehmet@example.org", NL_PAY_PERSON);
	if (nl_payment_seed_demo_prices(&(struct nl_app){.db = db}, NOW) != NL_OK)
		abort();
}

static void check_text(const char *s, size_t cap)
{
	const char *end = memchr(s, '\0', cap);
	if (!end || !nl_utf8_valid(s, (size_t)(end - s)))
		abort();
}

static bool all_digits(const char *s, size_t n)
{
	if (strlen(s) != n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

/* Every line the pure check accepts is normalised as payment.h says. */
static void check_lines(const char *d, size_t len)
{
	struct nl_csv c;
	struct nl_csv_error err;
	if (nl_csv_parse(d, len, 0, NL_IMPORT_MAX_LINES + 1, &c, &err) != NL_OK)
		return;
	for (size_t r = 0; r < c.n; r++) {
		struct nl_bank_line b;
		const char *why = nl_payment_bank_line_check((const char *const *)c.rows[r].fields,
		                                             c.rows[r].n, &b);
		if (why) {
			if (!*why)
				abort();
			continue;
		}
		const char *p = b.paid_on;
		if (b.amount_kurus < 1 || strlen(p) != 10 || p[4] != '-' || p[7] != '-' ||
		    b.channel[0] == '\0' || b.reference[0] == '\0')
			abort();
		for (const char *q = b.channel; *q; q++)
			if (*q < 'a' || *q > 'z')
				abort();
		for (const char *q = b.reference; *q; q++)
			if ((unsigned char)*q < 0x21 || (unsigned char)*q > 0x7e)
				abort();
		if (b.by_tckn ? !all_digits(b.tckn, 11) : b.order_no < 1)
			abort();
	}
	nl_csv_free(&c);
}

static void check_import(const char *d, size_t len)
{
	struct nl_import_report rep;
	nl_err e = nl_payment_import(&(struct nl_app){.db = db}, d, len, "fuzz.csv", "fuzz", "http://localhost",
	                             NL_SOURCE_ROOT "/web", NOW, &rep);
	if (e == NL_ERR_NOMEM)
		return;
	if (e == NL_ERR_INVALID) {
		if (!rep.file_error || !*rep.file_error || rep.lines)
			abort();
		return;
	}
	if (e != NL_OK)
		abort();   /* no byte of a file may break the database work */
	if (rep.recorded + rep.skipped + rep.refused != (int64_t)rep.n || rep.import_id < 1)
		abort();
	for (size_t i = 0; i < rep.n; i++) {
		const struct nl_import_line *l = &rep.lines[i];
		if (l->line < 2 || !l->reason || l->outcome < NL_IMPORT_RECORDED ||
		    l->outcome > NL_IMPORT_REFUSED || (l->outcome != NL_IMPORT_RECORDED && !*l->reason))
			abort();
		check_text(l->reference, sizeof l->reference);
		check_text(l->key, sizeof l->key);
	}
	nl_import_report_free(&rep);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static unsigned runs;
	if (db && ++runs % RENEW == 0) {
		nl_db_close(db);
		db = NULL;
	}
	if (!db)
		open_world();
	if (size > (1 << 20))
		return 0;
	check_lines((const char *)data, size);
	check_import((const char *)data, size);
	return 0;
}
