/* The bank reconciliation import (payment.h, docs/payment.md). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "app/csv.h"
#include "app/payment.h"
#include "core/money.h"
#include "core/utf8.h"
#include "core/validate.h"
#include "store/store_audit.h"
#include "store/store_orders.h"

static const char *const header[] = {"tarih", "kanal", "referans", "siparis_no_veya_tckn",
                                     "tutar"};
static const char *const channels[] = {"sube", "internet", "mobil", "atm", "cagri", NULL};

void nl_import_report_free(struct nl_import_report *r)
{
	if (!r)
		return;
	free(r->lines);
	memset(r, 0, sizeof *r);
}

/* "2026-11-21" or "21.11.2026" into "2026-11-21"; false when not a date. */
static bool parse_date(const char *s, char out[16])
{
	int y, m, d;
	char tail;
	if (sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3 &&
	    sscanf(s, "%2d.%2d.%4d%c", &d, &m, &y, &tail) != 3)
		return false;
	if (y < 2000 || y > 2100 || m < 1 || m > 12 || d < 1 || d > 31)
		return false;
	snprintf(out, 16, "%04d-%02d-%02d", y, m, d);
	return true;
}

static bool valid_channel(const char *s)
{
	for (size_t i = 0; channels[i]; i++)
		if (!strcasecmp(s, channels[i]))
			return true;
	return false;
}

/* A bank reference: 1..64 of letters, digits and - _ . / */
static bool valid_reference(const char *s)
{
	size_t n = strlen(s);
	if (n < 1 || n > 64)
		return false;
	for (const char *p = s; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || strchr("-_./", *p)))
			return false;
	return true;
}

/* "SD-100002" / "100002" -> order number; 11 digits -> T.C. number. */
static bool parse_key(const char *s, int64_t *order_no, bool *is_tckn)
{
	*order_no = 0;
	*is_tckn = false;
	if (!strncasecmp(s, NL_ORDER_NO_PREFIX, strlen(NL_ORDER_NO_PREFIX)))
		s += strlen(NL_ORDER_NO_PREFIX);
	else if (strlen(s) == 11)
		return (*is_tckn = nl_valid_tckn(s) == NULL);
	size_t n = strlen(s);
	if (n < 1 || n > 15)
		return false;
	for (const char *p = s; *p; p++) {
		if (*p < '0' || *p > '9')
			return false;
		*order_no = *order_no * 10 + (*p - '0');
	}
	return *order_no > 0;
}

const char *nl_payment_bank_line_check(const char *const *fields, size_t n,
                                       struct nl_bank_line *out)
{
	memset(out, 0, sizeof *out);
	if (n != 5)
		return "field_count";
	const char *date = fields[0], *chan = fields[1], *bref = fields[2], *key = fields[3],
	           *amount = fields[4];
	if (nl_money_parse(amount, &out->amount_kurus) != NULL || out->amount_kurus < 1) {
		out->amount_kurus = 0;
		return "bad_amount";
	}
	if (!parse_date(date, out->paid_on))
		return "bad_date";
	if (!valid_channel(chan))
		return "bad_channel";
	snprintf(out->channel, sizeof out->channel, "%s", chan);
	for (char *p = out->channel; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	if (!valid_reference(bref))
		return "bad_reference";
	snprintf(out->reference, sizeof out->reference, "%s", bref);
	if (!parse_key(key, &out->order_no, &out->by_tckn))
		return "bad_key";
	if (out->by_tckn)
		snprintf(out->tckn, sizeof out->tckn, "%s", key);
	return NULL;
}

struct import_ctx {
	const struct nl_csv *csv;
	const char *file_name, *actor, *base_url, *web_dir;
	int64_t now;
	struct nl_import_report *rep;
};

/* One line: fills l (outcome and reason) and records it when it matches. */
static NL_MUST_USE nl_err import_line(nl_conn *c, struct import_ctx *ctx, const struct nl_csv_row *row,
                          struct nl_import_line *l)
{
	char ref[NL_PAY_REF_MAX];
	int64_t order_id = 0;
	struct nl_bank_line b;
	l->line = row->line;
	l->outcome = NL_IMPORT_REFUSED;
	if (row->n >= 5) {
		/* as written, shortened on a character boundary: the report shows
		 * them, and a cut letter would make the page drop the line */
		const char *r = row->fields[2], *k = row->fields[3];
		snprintf(l->reference, sizeof l->reference, "%.*s",
		         (int)nl_utf8_prefix(r, sizeof l->reference - 1), r);
		snprintf(l->key, sizeof l->key, "%.*s", (int)nl_utf8_prefix(k, sizeof l->key - 1), k);
	}
	l->reason = nl_payment_bank_line_check((const char *const *)row->fields, row->n, &b);
	l->amount_kurus = b.amount_kurus;
	if (l->reason)
		return NL_OK;
	snprintf(ref, sizeof ref, "bank:%s", b.reference);
	struct nl_payment_row prev;
	nl_err e = nl_store_payment_by_ref(c, ref, &prev);
	if (e == NL_OK) {
		l->outcome = NL_IMPORT_SKIPPED;   /* seen before: this file or an earlier one */
		l->reason = "duplicate";
		return NL_OK;
	}
	if (e != NL_ERR_NOT_FOUND)
		return e;
	if (b.by_tckn) {
		int64_t *ids = NULL;
		size_t n = 0;
		if ((e = nl_store_payment_open_orders_by_tckn(c, b.tckn, &ids, &n)))
			return e;
		if (n == 1)
			order_id = ids[0];
		free(ids);
		if (n != 1) {
			l->reason = n ? "ambiguous" : "no_open_debt";
			return NL_OK;
		}
	} else {
		struct nl_order o;
		e = nl_store_order_get_by_no(c, b.order_no, &o);
		order_id = o.id;
		nl_order_clear(&o);
		if (e == NL_ERR_NOT_FOUND) {
			l->reason = "unknown_order";
			return NL_OK;
		}
		if (e)
			return e;
	}
	struct nl_debt d;
	e = nl_payment_debt_of(c, order_id, ctx->now, &d);
	l->order_no = d.order_no ? d.order_no : b.order_no;
	if (e == NL_ERR_NOT_FOUND) {
		l->reason = "no_open_debt";
		return NL_OK;
	}
	if (e)
		return e;
	if (!d.priced) {
		l->reason = "not_priced";
		return NL_OK;
	}
	if (d.amount_kurus != l->amount_kurus) {
		l->reason = "amount_mismatch";
		return NL_OK;
	}
	struct nl_payment_input in = {
		.order_id = order_id, .amount_kurus = l->amount_kurus, .channel = b.channel,
		.external_ref = ref, .import_id = ctx->rep->import_id, .paid_on = b.paid_on,
		.actor = ctx->actor, .base_url = ctx->base_url, .web_dir = ctx->web_dir,
	};
	e = nl_payment_record(c, &in, ctx->now, NULL);
	if (e == NL_OK) {
		l->outcome = NL_IMPORT_RECORDED;
		l->reason = "";
	}
	/* A unique key hit or a moved order here means a card payment (or
	 * another node) recorded the order after our checks: run the whole file
	 * again, which then reports the line as a duplicate or the order as paid. */
	return e == NL_ERR_CONFLICT || e == NL_ERR_TRANSITION ? NL_ERR_BUSY : e;
}

static NL_MUST_USE nl_err import_tx(nl_conn *c, void *arg)
{
	struct import_ctx *ctx = arg;
	struct nl_import_report *rep = ctx->rep;
	/* A retried transaction starts the report again. */
	rep->n = 0;
	rep->recorded = rep->skipped = rep->refused = 0;
	nl_err e = nl_store_payment_import_lock(c);
	if (e == NL_OK)
		e = nl_store_payment_import_create(c, ctx->file_name, ctx->actor, ctx->now,
		                                   &rep->import_id);
	for (size_t i = 1; e == NL_OK && i < ctx->csv->n; i++) {
		struct nl_import_line *l = &rep->lines[rep->n];
		memset(l, 0, sizeof *l);
		if ((e = import_line(c, ctx, &ctx->csv->rows[i], l)))
			break;
		rep->n++;
		rep->recorded += l->outcome == NL_IMPORT_RECORDED;
		rep->skipped += l->outcome == NL_IMPORT_SKIPPED;
		rep->refused += l->outcome == NL_IMPORT_REFUSED;
	}
	if (e == NL_OK)
		e = nl_store_payment_import_counts(c, rep->import_id, (int64_t)rep->n, rep->recorded,
		                                   rep->skipped, rep->refused);
	if (e == NL_OK) {
		/* The import itself is on the audit trail with its counts; each
		 * payment has its own record (nl_payment_record). */
		char counts[128];
		snprintf(counts, sizeof counts, "%" PRId64 " recorded, %" PRId64 " skipped, %" PRId64
		         " refused", rep->recorded, rep->skipped, rep->refused);
		struct nl_audit_rec rec = {
			.at = ctx->now, .actor = ctx->actor, .entity = "payment_import",
			.entity_id = rep->import_id, .action = "import", .from = "", .to = counts,
			.reason = ctx->file_name,
		};
		e = nl_store_audit_append(c, &rec);
	}
	return e;
}

static bool header_ok(const struct nl_csv_row *h)
{
	if (h->n != sizeof header / sizeof header[0])
		return false;
	for (size_t i = 0; i < h->n; i++)
		if (strcasecmp(h->fields[i], header[i]) != 0)
			return false;
	return true;
}

nl_err nl_payment_import(const struct nl_app *app, const char *data, size_t len, const char *file_name,
                         const char *actor, const char *base_url, const char *web_dir,
                         int64_t now, struct nl_import_report *rep)
{
	nl_db *db = app->db;
	memset(rep, 0, sizeof *rep);
	struct nl_csv csv;
	struct nl_csv_error cerr = {0};
	nl_err e = nl_csv_parse(data, len, 0, NL_IMPORT_MAX_LINES + 1, &csv, &cerr);
	if (e == NL_ERR_INVALID || e == NL_ERR_TOO_LARGE) {
		rep->file_error = cerr.code;
		rep->file_error_line = cerr.line;
		return NL_ERR_INVALID;
	}
	if (e)
		return e;
	if (csv.n < 1 || !header_ok(&csv.rows[0])) {
		rep->file_error = "bad_header";
		rep->file_error_line = 1;
		nl_csv_free(&csv);
		return NL_ERR_INVALID;
	}
	rep->lines = calloc(csv.n, sizeof *rep->lines);
	if (!rep->lines) {
		nl_csv_free(&csv);
		return NL_ERR_NOMEM;
	}
	struct import_ctx ctx = {
		.csv = &csv, .file_name = file_name ? file_name : "", .actor = actor,
		.base_url = base_url, .web_dir = web_dir, .now = now, .rep = rep,
	};
	nl_conn *c;
	e = nl_db_conn(db, &c);
	if (e == NL_OK)
		e = nl_store_run_tx(db, import_tx, &ctx);
	if (e) {   /* nothing committed: the report would lie */
		nl_import_report_free(rep);
	}
	nl_csv_free(&csv);
	return e;
}
