/* Pre-applications from CSV (see preapply_csv.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "app/csv.h"
#include "app/preapply_csv.h"
#include "core/text.h"
#include "core/utf8.h"

enum col {
	COL_ID, COL_COUNTRY, COL_GIVEN, COL_SURNAME, COL_EMAIL, COL_MOBILE, COL_REASON,
	COL_PAYMENT, COL_BACKUP, COL__N
};

static const struct {
	const char *name;
	const char *alias1, *alias2;
	bool required;
} columns[COL__N] = {
	[COL_ID] = {NL_PA_ID_NUMBER, "kimlik_no", "tckn", true},
	[COL_COUNTRY] = {NL_PA_COUNTRY, "pasaport_ulke", "ulke", false},
	[COL_GIVEN] = {NL_PA_GIVEN, "ad", "adi", true},
	[COL_SURNAME] = {NL_PA_SURNAME, "soyad", "soyadi", true},
	[COL_EMAIL] = {NL_PA_EMAIL, "e_posta", "eposta", true},
	[COL_MOBILE] = {NL_PA_MOBILE, "cep_telefonu", "cep", true},
	[COL_REASON] = {NL_PA_REASON, "basvuru_nedeni", "neden", false},
	[COL_PAYMENT] = {NL_PA_PAYMENT, "odeme_turu", "odeme", false},
	[COL_BACKUP] = {NL_PA_BACKUP, "yedek_sertifika", "yedek", false},
};

void nl_pa_csv_free(struct nl_pa_csv *c)
{
	if (!c)
		return;
	free(c->good);
	free(c->bad);
	free(c->seen);
	memset(c, 0, sizeof *c);
}

/* s without the surrounding characters of `space` into buf; false when that
 * does not fit (then it is no name or code we know: a shortened copy could
 * match one, e.g. "evet" + many spaces + "hayır" read as "evet"). */
static bool trimmed(const char *s, const char *space, char *buf, size_t size)
{
	s += strspn(s, space);
	size_t n = strlen(s);
	while (n && strchr(space, s[n - 1]))
		n--;
	if (n >= size)
		return false;
	memcpy(buf, s, n);
	buf[n] = '\0';
	return true;
}

/* The column a header cell names, or -1. Surrounding spaces are ignored. */
static int column_of(const char *h)
{
	char name[64];
	if (!trimmed(h, " ", name, sizeof name))
		return -1;
	for (int k = 0; k < COL__N; k++)
		if (!strcasecmp(name, columns[k].name) || !strcasecmp(name, columns[k].alias1) ||
		    !strcasecmp(name, columns[k].alias2))
			return k;
	return -1;
}

/* Reason: a code ("renewal") or the Turkish or English label; "" = first. */
static int parse_reason(const char *v)
{
	char b[128];
	if (!trimmed(v, " \t", b, sizeof b))
		return -1;
	if (!*b)
		return NL_REASON_FIRST;
	for (int k = NL_REASON__FIRST; k <= NL_REASON__LAST; k++)
		if (!strcasecmp(b, nl_reason_code((enum nl_reason)k)) ||
		    !nl_tr_casecmp(b, nl_reason_label_tr((enum nl_reason)k)) ||
		    !strcasecmp(b, nl_reason_label_en((enum nl_reason)k)))
			return k;
	return -1;
}

static int parse_payment(const char *v)
{
	char b[128];
	if (!trimmed(v, " \t", b, sizeof b))
		return -1;
	if (!*b)
		return NL_PAY_INSTITUTION;
	if (!nl_tr_casecmp(b, "kurum") || !nl_tr_casecmp(b, "kurum ödemeli"))
		return NL_PAY_INSTITUTION;
	if (!nl_tr_casecmp(b, "kişi") || !nl_tr_casecmp(b, "kisi") ||
	    !nl_tr_casecmp(b, "kişi ödemeli"))
		return NL_PAY_PERSON;
	for (int k = NL_PAY_INSTITUTION; k <= NL_PAY_PERSON; k++)
		if (!strcasecmp(b, nl_payment_type_code((enum nl_payment_type)k)) ||
		    !nl_tr_casecmp(b, nl_payment_type_label_tr((enum nl_payment_type)k)))
			return k;
	return -1;
}

/* 1 yes, 0 no, -1 not a yes/no. */
static int parse_yes_no(const char *v)
{
	static const char *const yes[] = {"yes", "evet", "var", "1", "true", "e", "y", NULL};
	static const char *const no[] = {"no", "hayır", "hayir", "yok", "0", "false", "h", "n", NULL};
	char b[32];
	if (!trimmed(v, " \t", b, sizeof b))
		return -1;
	if (!*b)
		return 0;
	for (size_t i = 0; yes[i]; i++)
		if (!nl_tr_casecmp(b, yes[i]))
			return 1;
	for (size_t i = 0; no[i]; i++)
		if (!nl_tr_casecmp(b, no[i]))
			return 0;
	return -1;
}

static void file_error(struct nl_pa_csv *out, const char *code, size_t line, const char *column)
{
	out->file_error = code;
	out->file_error_line = line;
	column = column ? column : "";
	/* shortened on a character boundary: the page shows it */
	snprintf(out->file_error_column, sizeof out->file_error_column, "%.*s",
	         (int)nl_utf8_prefix(column, sizeof out->file_error_column - 1), column);
}

/* Reads the header into map[col] = index of the cell, -1 when absent. */
static bool read_header(const struct nl_csv_row *h, int map[COL__N], struct nl_pa_csv *out)
{
	for (int k = 0; k < COL__N; k++)
		map[k] = -1;
	for (size_t i = 0; i < h->n; i++) {
		int k = column_of(h->fields[i]);
		if (k < 0 && !*h->fields[i])
			continue;   /* an empty trailing cell of a spreadsheet export */
		if (k < 0) {
			file_error(out, "unknown_column", h->line, h->fields[i]);
			return false;
		}
		if (map[k] >= 0) {
			file_error(out, "duplicate_column", h->line, columns[k].name);
			return false;
		}
		map[k] = (int)i;
	}
	for (int k = 0; k < COL__N; k++)
		if (columns[k].required && map[k] < 0) {
			file_error(out, "missing_column", h->line, columns[k].name);
			return false;
		}
	return true;
}

static const char *cell(const struct nl_csv_row *row, const int map[COL__N], int k)
{
	return map[k] >= 0 && (size_t)map[k] < row->n ? row->fields[map[k]] : "";
}

/* The identity of a bad row as the list shows it, shortened on character
 * boundaries (a cut Turkish letter is invalid UTF-8, and the page's JSON would
 * drop the whole row). */
static void shown(struct nl_pa_bad_row *b, const char *id, const char *given, const char *surname)
{
	snprintf(b->id_number, sizeof b->id_number, "%.*s", (int)nl_utf8_prefix(id, 20), id);
	snprintf(b->name, sizeof b->name, "%.*s %.*s", (int)nl_utf8_prefix(given, 60), given,
	         (int)nl_utf8_prefix(surname, 60), surname);
}

static void bad_identity(struct nl_pa_bad_row *b, const struct nl_csv_row *row,
                         const int map[COL__N])
{
	shown(b, cell(row, map, COL_ID), cell(row, map, COL_GIVEN), cell(row, map, COL_SURNAME));
}

static bool same_identity(const struct nl_preapply_clean *a, const struct nl_preapply_clean *b)
{
	return a->passport == b->passport && !strcmp(a->id_number, b->id_number) &&
	       !strcmp(a->passport_country, b->passport_country);
}

/* FNV-1a over the identity; the set is open addressing over good + 1. */
static size_t identity_hash(const struct nl_preapply_clean *r)
{
	uint64_t h = 1469598103934665603ULL;
	const char *parts[2] = {r->id_number, r->passport_country};
	for (int k = 0; k < 2; k++) {
		for (const unsigned char *p = (const unsigned char *)parts[k]; *p; p++)
			h = (h ^ *p) * 1099511628211ULL;
		h = (h ^ 0xff) * 1099511628211ULL;
	}
	return (size_t)(h ^ (uint64_t)r->passport);
}

/* True when an earlier good row has this identity; else remembers good[idx].
 * Linear in the file (the list of 100,000 rows is no quadratic walk). */
static bool seen_before(struct nl_pa_csv *out, const struct nl_preapply_clean *r, size_t idx)
{
	size_t mask = out->seen_cap - 1, i = identity_hash(r) & mask;
	for (; out->seen[i]; i = (i + 1) & mask)
		if (same_identity(&out->good[out->seen[i] - 1].row, r))
			return true;
	out->seen[i] = idx + 1;
	return false;
}

/* Sorts one data row into good or bad. */
static void one_row(const struct nl_csv_row *row, const int map[COL__N], size_t header_n,
                    struct nl_pa_csv *out)
{
	struct nl_pa_bad_row *b = &out->bad[out->n_bad];
	memset(b, 0, sizeof *b);
	b->line = row->line;
	int reason = parse_reason(cell(row, map, COL_REASON));
	int pay = parse_payment(cell(row, map, COL_PAYMENT));
	int backup = parse_yes_no(cell(row, map, COL_BACKUP));
	struct nl_preapply_input in = {
		.id_number = cell(row, map, COL_ID), .passport_country = cell(row, map, COL_COUNTRY),
		.given_name = cell(row, map, COL_GIVEN), .surname = cell(row, map, COL_SURNAME),
		.email = cell(row, map, COL_EMAIL), .mobile = cell(row, map, COL_MOBILE),
		.reason = reason > 0 ? (enum nl_reason)reason : NL_REASON_FIRST,
		.payment_type = pay > 0 ? (enum nl_payment_type)pay : NL_PAY_INSTITUTION,
		.backup_cert = backup == 1,
	};
	struct nl_preapply_clean clean;
	/* The row's field errors are in b->errs; the return value only repeats them. */
	nl_err_ignore(nl_preapply_validate(&in, &clean, b->errs, &b->n_errs));
	if (reason < 0 && b->n_errs < NL_PA_MAX_ERRORS)
		b->errs[b->n_errs++] = (struct nl_preapply_field_error){NL_PA_REASON, "not_allowed"};
	if (pay < 0 && b->n_errs < NL_PA_MAX_ERRORS)
		b->errs[b->n_errs++] = (struct nl_preapply_field_error){NL_PA_PAYMENT, "not_allowed"};
	if (backup < 0 && b->n_errs < NL_PA_MAX_ERRORS)
		b->errs[b->n_errs++] = (struct nl_preapply_field_error){NL_PA_BACKUP, "not_boolean"};
	if (row->n != header_n && b->n_errs < NL_PA_MAX_ERRORS)
		b->errs[b->n_errs++] = (struct nl_preapply_field_error){NULL, "field_count"};
	if (!b->n_errs && seen_before(out, &clean, out->n_good))
		b->errs[b->n_errs++] =
			(struct nl_preapply_field_error){NL_PA_ID_NUMBER, "duplicate_in_file"};
	if (b->n_errs) {
		bad_identity(b, row, map);
		out->n_bad++;
		return;
	}
	out->good[out->n_good].line = row->line;
	out->good[out->n_good].row = clean;
	out->n_good++;
}

nl_err nl_pa_csv_parse(const char *data, size_t len, struct nl_pa_csv *out)
{
	return nl_pa_csv_parse_max(data, len, NL_CSV_MAX_ROWS, NL_CSV_MAX_BYTES, out);
}

nl_err nl_pa_csv_parse_max(const char *data, size_t len, size_t max_rows, size_t max_bytes,
                           struct nl_pa_csv *out)
{
	struct nl_csv csv;
	struct nl_csv_error cerr;
	int map[COL__N];
	memset(out, 0, sizeof *out);
	if (len > max_bytes) {
		file_error(out, "file_too_large", 0, NULL);
		return NL_OK;
	}
	nl_err e = nl_csv_parse(data, len, 0, max_rows + 1, &csv, &cerr);
	if (e == NL_ERR_NOMEM)
		return e;
	if (e) {
		file_error(out, cerr.code, cerr.line, NULL);
		return NL_OK;
	}
	if (!read_header(&csv.rows[0], map, out))
		goto out;
	if (csv.n < 2) {
		file_error(out, "no_rows", 0, NULL);
		goto out;
	}
	out->good = calloc(csv.n - 1, sizeof *out->good);
	out->bad = calloc(csv.n - 1, sizeof *out->bad);
	for (out->seen_cap = 16; out->seen_cap < 2 * csv.n; out->seen_cap *= 2)
		;
	out->seen = calloc(out->seen_cap, sizeof *out->seen);
	if (!out->good || !out->bad || !out->seen) {
		e = NL_ERR_NOMEM;
		goto out;
	}
	for (size_t i = 1; i < csv.n; i++)
		one_row(&csv.rows[i], map, csv.rows[0].n, out);
out:
	nl_csv_free(&csv);
	if (e)
		nl_pa_csv_free(out);
	return e;
}

nl_err nl_pa_csv_check_open(const struct nl_app *app, int64_t institution_id, struct nl_pa_csv *c)
{
	nl_db *db = app->db;
	nl_conn *conn;
	nl_err e = nl_db_conn(db, &conn);
	size_t kept = 0;
	for (size_t i = 0; e == NL_OK && i < c->n_good; i++) {
		int64_t no = 0;
		e = nl_preapply_open_order(conn, institution_id, &c->good[i].row, &no);
		if (e)
			break;
		if (!no) {
			c->good[kept++] = c->good[i];
			continue;
		}
		/* bad has room for every data row: good + bad never exceed them. */
		struct nl_pa_bad_row *b = &c->bad[c->n_bad++];
		memset(b, 0, sizeof *b);
		b->line = c->good[i].line;
		b->errs[0] = (struct nl_preapply_field_error){NL_PA_ID_NUMBER, "open_order"};
		b->n_errs = 1;
		b->open_order_no = no;
		shown(b, c->good[i].row.id_number, c->good[i].row.given_name, c->good[i].row.surname);
	}
	if (e == NL_OK)
		c->n_good = kept;
	return e;
}

char *nl_pa_rows_to_json(const struct nl_pa_good_row *rows, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; a && i < n; i++) {
		const struct nl_preapply_clean *r = &rows[i].row;
		if (json_array_append_new(a, json_pack(
			"{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:b}",
			"line", (json_int_t)rows[i].line, NL_PA_ID_NUMBER, r->id_number,
			NL_PA_COUNTRY, r->passport_country, NL_PA_GIVEN, r->given_name,
			NL_PA_SURNAME, r->surname, NL_PA_EMAIL, r->email, NL_PA_MOBILE, r->mobile,
			NL_PA_REASON, nl_reason_code(r->reason),
			NL_PA_PAYMENT, nl_payment_type_code(r->payment_type),
			NL_PA_BACKUP, r->backup_cert)) != 0) {
			json_decref(a);
			return NULL;
		}
	}
	char *s = a ? json_dumps(a, JSON_COMPACT) : NULL;
	json_decref(a);
	return s;
}

nl_err nl_pa_rows_from_json(const char *text, struct nl_preapply_clean **rows, size_t **lines,
                            size_t *n)
{
	json_t *a = json_loads(text, 0, NULL);
	nl_err e = NL_OK;
	*rows = NULL;
	*lines = NULL;
	*n = 0;
	if (!json_is_array(a)) {
		json_decref(a);
		return NL_ERR_INVALID;
	}
	size_t count = json_array_size(a);
	*rows = calloc(count ? count : 1, sizeof **rows);
	*lines = calloc(count ? count : 1, sizeof **lines);
	if (!*rows || !*lines)
		e = NL_ERR_NOMEM;
	for (size_t i = 0; e == NL_OK && i < count; i++) {
		json_t *o = json_array_get(a, i);
		json_int_t line = 0;
		const char *id = NULL, *cc = NULL, *gn = NULL, *sn = NULL, *em = NULL, *mo = NULL,
		           *rs = NULL, *pt = NULL;
		int backup = 0;
		enum nl_reason reason;
		enum nl_payment_type pay;
		struct nl_preapply_field_error errs[NL_PA_MAX_ERRORS];
		size_t n_errs;
		if (json_unpack(o, "{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:b}", "line", &line,
		                NL_PA_ID_NUMBER, &id, NL_PA_COUNTRY, &cc, NL_PA_GIVEN, &gn,
		                NL_PA_SURNAME, &sn, NL_PA_EMAIL, &em, NL_PA_MOBILE, &mo,
		                NL_PA_REASON, &rs, NL_PA_PAYMENT, &pt, NL_PA_BACKUP, &backup) ||
		    !nl_reason_parse(rs, &reason) || !nl_payment_type_parse(pt, &pay)) {
			e = NL_ERR_INVALID;
			break;
		}
		struct nl_preapply_input in = {
			.id_number = id, .passport_country = cc, .given_name = gn, .surname = sn,
			.email = em, .mobile = mo, .reason = reason, .payment_type = pay,
			.backup_cert = backup != 0,
		};
		/* Validated again: what is imported obeys the rules, whatever was stored. */
		if (nl_preapply_validate(&in, &(*rows)[i], errs, &n_errs) != NL_OK) {
			e = NL_ERR_INVALID;
			break;
		}
		(*lines)[i] = (size_t)line;
	}
	json_decref(a);
	if (e) {
		free(*rows);
		free(*lines);
		*rows = NULL;
		*lines = NULL;
		return e;
	}
	*n = count;
	return NL_OK;
}
