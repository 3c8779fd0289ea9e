/* libFuzzer target for the CSV pre-application import: the CSV reader
 * (src/app/csv.c) and the row validation of the officer's bulk upload
 * (src/app/preapply_csv.c), fed the bytes of an uploaded file.
 * Checked: the reader's rows and fields stay inside the text it parsed and are
 * valid UTF-8; the import sorts every data row into good or bad, each bad row
 * says why, and every text it shows the officer (identity, name, the column of
 * a file error) is valid UTF-8, or the page and the JSON would drop it; the
 * good rows survive the JSON trip between preview and import unchanged; a
 * header is accepted only when each cell, less surrounding spaces, is empty or
 * a column name of docs/officer.md.
 * Build: CC=clang meson setup build-fuzz && ninja -C build-fuzz tests/fuzz/fuzz_csv
 * Run:   build-fuzz/tests/fuzz/fuzz_csv tests/fuzz/corpus/csv  (or `make fuzz`) */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "app/csv.h"
#include "app/preapply_csv.h"
#include "core/utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_text(const char *s, size_t cap)
{
	const char *end = memchr(s, '\0', cap);
	if (!end || !nl_utf8_valid(s, (size_t)(end - s)))
		abort();
}

static void check_reader(const char *d, size_t len)
{
	struct nl_csv c;
	struct nl_csv_error err;
	nl_err e = nl_csv_parse(d, len, 0, 0, &c, &err);
	if (e != NL_OK) {
		if (!err.code || c.rows || c.n)
			abort();   /* a refusal says why and leaves nothing behind */
		return;
	}
	size_t bytes = 0, last_line = 0;
	if (c.n == 0 || (c.sep != ';' && c.sep != ','))
		abort();
	for (size_t r = 0; r < c.n; r++) {
		if (c.rows[r].n == 0 || c.rows[r].line <= last_line)
			abort();
		last_line = c.rows[r].line;
		for (size_t k = 0; k < c.rows[r].n; k++) {
			size_t n = strlen(c.rows[r].fields[k]);
			if (!nl_utf8_valid(c.rows[r].fields[k], n))
				abort();
			bytes += n;
		}
	}
	if (bytes > len)
		abort();   /* unquoting never makes text */
	nl_csv_free(&c);
}

/* The column names and their Turkish aliases (docs/officer.md "CSV format"). */
static const char *const names[] = {
	"id_number", "kimlik_no", "tckn", "passport_country", "pasaport_ulke", "ulke",
	"given_name", "ad", "adi", "surname", "soyad", "soyadi", "email", "e_posta", "eposta",
	"mobile", "cep_telefonu", "cep", "reason", "basvuru_nedeni", "neden", "payment_type",
	"odeme_turu", "odeme", "backup_cert", "yedek_sertifika", "yedek", NULL,
};

static void check_header(const char *d, size_t len)
{
	struct nl_csv c;
	struct nl_csv_error err;
	if (nl_csv_parse(d, len, 0, 0, &c, &err) != NL_OK)
		abort();   /* the import read it */
	for (size_t k = 0; k < c.rows[0].n; k++) {
		const char *h = c.rows[0].fields[k];
		while (*h == ' ')
			h++;
		size_t n = strlen(h);
		while (n && h[n - 1] == ' ')
			n--;
		bool known = n == 0;
		for (size_t i = 0; !known && names[i]; i++)
			known = strlen(names[i]) == n && !strncasecmp(h, names[i], n);
		if (!known)
			abort();
	}
	nl_csv_free(&c);
}

/* Field by field: bytes after a string's NUL are not part of the row. */
static bool same_row(const struct nl_preapply_clean *a, const struct nl_preapply_clean *b)
{
	return a->passport == b->passport && !strcmp(a->id_number, b->id_number) &&
	       !strcmp(a->passport_country, b->passport_country) &&
	       !strcmp(a->given_name, b->given_name) && !strcmp(a->surname, b->surname) &&
	       !strcmp(a->email, b->email) && !strcmp(a->mobile, b->mobile) &&
	       a->reason == b->reason && a->payment_type == b->payment_type &&
	       a->backup_cert == b->backup_cert;
}

static void check_import(const char *d, size_t len)
{
	struct nl_pa_csv c;
	if (nl_pa_csv_parse(d, len, &c) != NL_OK)
		return;   /* out of memory */
	if (c.file_error) {
		if (c.n_good || c.n_bad)
			abort();
		check_text(c.file_error_column, sizeof c.file_error_column);
		nl_pa_csv_free(&c);
		return;
	}
	if (c.n_good + c.n_bad == 0 || c.n_good + c.n_bad > NL_CSV_MAX_ROWS)
		abort();
	check_header(d, len);
	for (size_t i = 0; i < c.n_bad; i++) {
		const struct nl_pa_bad_row *b = &c.bad[i];
		if (b->n_errs == 0 || b->n_errs > NL_PA_MAX_ERRORS || b->line < 2)
			abort();
		for (size_t k = 0; k < b->n_errs; k++)
			if (!b->errs[k].code || !*b->errs[k].code)
				abort();
		check_text(b->id_number, sizeof b->id_number);
		check_text(b->name, sizeof b->name);
	}
	for (size_t i = 0; i < c.n_good; i++) {
		const struct nl_preapply_clean *g = &c.good[i].row;
		check_text(g->id_number, sizeof g->id_number);
		check_text(g->given_name, sizeof g->given_name);
		check_text(g->surname, sizeof g->surname);
		check_text(g->email, sizeof g->email);
		check_text(g->mobile, sizeof g->mobile);
	}
	/* Preview -> stored JSON -> import: the same rows come back. */
	char *json = nl_pa_rows_to_json(c.good, c.n_good);
	if (!json)
		abort();
	struct nl_preapply_clean *rows;
	size_t *lines, n;
	if (nl_pa_rows_from_json(json, &rows, &lines, &n) != NL_OK || n != c.n_good)
		abort();
	for (size_t i = 0; i < n; i++)
		if (lines[i] != c.good[i].line || !same_row(&rows[i], &c.good[i].row))
			abort();
	free(rows);
	free(lines);
	free(json);
	nl_pa_csv_free(&c);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > (1 << 20))
		return 0;
	check_reader((const char *)data, size);
	check_import((const char *)data, size);
	return 0;
}
