/* The staff pages of payment (docs/payment.md):
 *   GET/POST /yonetim/fiyatlar          prices (administrator): the nine
 *                                       product × period × card reader prices
 *                                       in force, with VAT, and a form to set one
 *   GET/POST /yonetim/banka-mutabakat   bank reconciliation import: a CSV file
 *                                       upload and the report of its lines.
 *                                       Administrators and production operators
 *                                       (NL_AUTH_PRODUCTION: the roles that see
 *                                       money today; a separate finance role can
 *                                       replace them)
 * The same use cases as `nitelik price` and `nitelik payments import`. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "app/payment.h"
#include "core/money.h"
#include "pages/handlers.h"
#include "pages/kurum_common.h"
#include "pages/pages.h"
#include "view/spec.h"

#define BANK_FILE_MAX (2 * 1024 * 1024)

/* ---- prices ---- */

static const char *const periods[] = {"1", "2", "3", NULL};
static const char *const readers[] = {"none", "standard", "mini", NULL};

struct price_form {
	int period;
	int reader;
	const char *amount;
	const char *vat;
};

static const struct nl_spec price_spec[] = {
	NL_SPEC_ENUM("period", struct price_form, period, periods, NL_SPEC_REQUIRED),
	NL_SPEC_ENUM("card_reader", struct price_form, reader, readers, NL_SPEC_REQUIRED),
	NL_SPEC_TEXT("amount", struct price_form, amount, 1, 24, NL_SPEC_REQUIRED),
	NL_SPEC_TEXT("vat", struct price_form, vat, 1, 8, NL_SPEC_REQUIRED),
	NL_SPEC_END,
};

static const char *reader_msgid(const char *code)
{
	if (!strcmp(code, "standard"))
		return "Standard card reader";
	if (!strcmp(code, "mini"))
		return "Mini card reader";
	return "No card reader";
}

static void render_prices(struct nl_req *r, int status, json_t *form, const char *notice)
{
	struct nl_price p[NL_PRICE_COMBOS];
	bool have[NL_PRICE_COMBOS];
	nl_err e = nl_payment_prices_current(nl_app_of(r), r->now, p, have);
	json_t *d = e ? NULL : nl_admin_page_data(r, "Prices");
	json_t *rows = json_array();
	if (!d || !rows) {
		json_decref(d);
		json_decref(rows);
		json_decref(form);
		nl_resp_error(r, e ? e : NL_ERR_NOMEM, NULL);
		return;
	}
	for (int i = 0; i < NL_PRICE_COMBOS; i++) {
		char gross[NL_MONEY_FMT_MAX] = "", net[NL_MONEY_FMT_MAX] = "",
		     vat[NL_MONEY_FMT_MAX] = "", rate[16] = "";
		if (have[i]) {
			int64_t n, v;
			nl_money_format(p[i].amount_kurus, gross);
			if (nl_vat_split_gross(p[i].amount_kurus, (int)p[i].vat_bp, &n, &v) == NL_OK) {
				nl_money_format(n, net);
				nl_money_format(v, vat);
			}
			nl_payment_vat_rate_text(p[i].vat_bp, rate, sizeof rate);
		}
		json_array_append_new(rows, json_pack("{s:I, s:s, s:s, s:b, s:s, s:s, s:s, s:s}",
			"period", (json_int_t)p[i].period_years, "reader", p[i].card_reader,
			"reader_label", nl_page_tr(r, reader_msgid(p[i].card_reader)), "priced", have[i],
			"gross", gross, "net", net, "vat", vat, "rate", rate));
	}
	json_object_set_new(d, "prices", rows);
	json_object_set_new(d, "form", form ? form : json_object());
	if (notice)
		json_object_set_new(d, "notice", json_string(nl_page_tr(r, notice)));
	nl_page_respond(r, status, "yonetim/prices", d);
}

void nl_h_admin_prices(struct nl_req *r)
{
	render_prices(r, 200, NULL, NULL);
}

void nl_h_admin_prices_post(struct nl_req *r)
{
	struct price_form f;
	struct nl_spec_result res;
	memset(&f, 0, sizeof f);
	nl_err e = nl_req_parse_body(r, price_spec, &f, &res);
	json_t *form = nl_spec_form_json(price_spec, &res, r->lang);
	if (e) {
		render_prices(r, 400, form, NULL);
		return;
	}
	int64_t amount = 0, vat_bp = 0;
	/* The rate is typed as a percentage ("20", "18,5"): parsed like money,
	 * its hundredths are basis points. */
	bool bad_amount = nl_money_parse(f.amount, &amount) != NULL || amount < 1;
	bool bad_vat = nl_money_parse(f.vat, &vat_bp) != NULL || vat_bp > 10000;
	if (bad_amount)
		nl_kurum_form_add_error(r, form, "amount", "money_format",
		                        "Type an amount such as 1.180,00.");
	if (bad_vat)
		nl_kurum_form_add_error(r, form, "vat", "vat_rate",
		                        "Type a VAT rate between 0 and 100, such as 20.");
	if (bad_amount || bad_vat) {
		render_prices(r, 400, form, NULL);
		return;
	}
	e = nl_payment_price_set(nl_app_of(r), f.period + 1, readers[f.reader], amount, vat_bp,
	                         nl_kurum_actor(r, r->session.s.subject_id), r->now);
	if (e) {
		json_decref(form);
		nl_resp_error(r, e, NULL);
		return;
	}
	json_decref(form);
	render_prices(r, 200, NULL, "The price was saved. It applies to forms submitted from now on.");
}

/* ---- bank reconciliation ---- */

struct bank_form {
	struct nl_file file;
};

static const struct nl_spec bank_spec[] = {
	NL_SPEC_FILE("file", struct bank_form, file, BANK_FILE_MAX, NULL, NL_SPEC_REQUIRED),
	NL_SPEC_END,
};

static const char *outcome_code(enum nl_import_outcome o)
{
	return o == NL_IMPORT_RECORDED ? "recorded" : o == NL_IMPORT_SKIPPED ? "skipped" : "refused";
}

static const char *outcome_msgid(enum nl_import_outcome o)
{
	return o == NL_IMPORT_RECORDED ? "Recorded" : o == NL_IMPORT_SKIPPED ? "Skipped" : "Refused";
}

/* The English message id of an import reason code (payment.h). */
static const char *reason_msgid(const char *code)
{
	static const struct {
		const char *code, *msgid;
	} rows[] = {
		{"duplicate", "Imported before (same bank reference)."},
		{"field_count", "The line does not have five columns."},
		{"bad_amount", "The amount is not valid."},
		{"bad_date", "The date is not valid."},
		{"bad_channel", "Unknown payment channel."},
		{"bad_reference", "The bank reference is not valid."},
		{"bad_key", "Neither an order number nor a T.C. identity number."},
		{"unknown_order", "There is no such order."},
		{"no_open_debt", "There is no open debt to pay for this order."},
		{"ambiguous", "This T.C. identity number has more than one open debt."},
		{"not_priced", "The product has no price yet."},
		{"amount_mismatch", "The amount is not equal to the debt."},
	};
	for (size_t i = 0; code && i < sizeof rows / sizeof rows[0]; i++)
		if (!strcmp(code, rows[i].code))
			return rows[i].msgid;
	return "";
}

static json_t *report_json(struct nl_req *r, const struct nl_import_report *rep)
{
	json_t *lines = json_array();
	for (size_t i = 0; lines && i < rep->n; i++) {
		const struct nl_import_line *l = &rep->lines[i];
		char amount[NL_MONEY_FMT_MAX] = "";
		if (l->amount_kurus)
			nl_money_format(l->amount_kurus, amount);
		const char *why = reason_msgid(l->reason);
		json_array_append_new(lines, json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:I}",
			"line", (json_int_t)l->line, "outcome", outcome_code(l->outcome),
			"outcome_label", nl_page_tr(r, outcome_msgid(l->outcome)),
			"reason", l->reason, "reason_label", *why ? nl_page_tr(r, why) : "",
			"reference", l->reference, "key", l->key, "amount", amount,
			"order_no", (json_int_t)l->order_no));
	}
	return json_pack("{s:I, s:I, s:I, s:I, s:o}", "import_id", (json_int_t)rep->import_id,
	                 "recorded", (json_int_t)rep->recorded, "skipped",
	                 (json_int_t)rep->skipped, "refused", (json_int_t)rep->refused,
	                 "lines", lines ? lines : json_array());
}

static void render_bank(struct nl_req *r, int status, json_t *report, const char *error)
{
	json_t *d = nl_admin_page_data(r, "Bank Reconciliation");
	if (!d) {
		json_decref(report);
		nl_resp_error(r, NL_ERR_NOMEM, NULL);
		return;
	}
	if (report)
		json_object_set_new(d, "report", report);
	if (error)
		json_object_set_new(d, "error", json_string(error));
	nl_page_respond(r, status, "yonetim/bank", d);
}

void nl_h_admin_bank(struct nl_req *r)
{
	render_bank(r, 200, NULL, NULL);
}

void nl_h_admin_bank_post(struct nl_req *r)
{
	struct bank_form f;
	struct nl_spec_result res;
	memset(&f, 0, sizeof f);
	nl_err e = nl_req_parse_body(r, bank_spec, &f, &res);
	if (e) {
		render_bank(r, 400, NULL, nl_page_tr(r, "Choose a reconciliation file (CSV)."));
		return;
	}
	struct nl_import_report rep;
	e = nl_payment_import(nl_app_of(r), (const char *)f.file.data, f.file.len, f.file.filename,
	                      nl_kurum_actor(r, r->session.s.subject_id), nl_app_of(r)->cfg->base_url,
	                      nl_app_of(r)->cfg->web_dir, r->now, &rep);
	if (e == NL_ERR_INVALID) {
		char msg[200];
		snprintf(msg, sizeof msg, "%s (%s, %zu)",
		         nl_page_tr(r, "The file could not be read; nothing was imported."),
		         rep.file_error ? rep.file_error : "invalid", rep.file_error_line);
		render_bank(r, 400, NULL, msg);
		return;
	}
	if (e) {
		nl_resp_error(r, e, NULL);
		return;
	}
	/* Refused lines go to the server log too (the report is shown once). */
	for (size_t i = 0; i < rep.n; i++)
		if (rep.lines[i].outcome == NL_IMPORT_REFUSED)
			fprintf(stderr, "payment: import %" PRId64 " line %zu refused: %s (ref %s)\n",
			        rep.import_id, rep.lines[i].line, rep.lines[i].reason,
			        rep.lines[i].reference);
	json_t *report = report_json(r, &rep);
	nl_import_report_free(&rep);
	render_bank(r, 200, report, NULL);
}
