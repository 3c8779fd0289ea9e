/* Bulk pre-applications from a CSV file (app/preapply_csv.h):
 *   GET  /kurum/basvuru/toplu        the upload form and the format
 *   POST /kurum/basvuru/toplu        upload -> preview: every bad row with its
 *                                    line and reasons, the good rows; the good
 *                                    rows are kept on the server under a random
 *                                    id (only its hash is stored)
 *   POST /kurum/basvuru/toplu/onay   import the previewed good rows in ONE
 *                                    transaction, which also consumes the preview
 * The browser only ever sends the preview id back, never rows. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "app/preapply_csv.h"
#include "pages/handlers.h"
#include "pages/kurum_common.h"
#include "pages/pages.h"
#include "view/spec.h"

#define BATCH_ID_HEX NL_PA_PREVIEW_ID_HEX

struct upload_form {
	struct nl_file file;
};

static const struct nl_spec upload_spec[] = {
	NL_SPEC_FILE("file", struct upload_form, file, NL_CSV_MAX_BYTES, NULL, NL_SPEC_REQUIRED),
	NL_SPEC_END,
};

struct confirm_form {
	const char *batch;
};

static const struct nl_spec confirm_spec[] = {
	NL_SPEC_TEXT("batch", struct confirm_form, batch, BATCH_ID_HEX, BATCH_ID_HEX,
	             NL_SPEC_REQUIRED),
	NL_SPEC_END,
};

static const char *field_label(const char *field)
{
	static const struct {
		const char *field, *msgid;
	} labels[] = {
		{NL_PA_ID_NUMBER, "ID Number"}, {NL_PA_COUNTRY, "Passport country"},
		{NL_PA_GIVEN, "Name"},          {NL_PA_SURNAME, "Surname"},
		{NL_PA_EMAIL, "E-mail"},        {NL_PA_MOBILE, "Mobile Phone"},
		{NL_PA_REASON, "Application Reason"}, {NL_PA_PAYMENT, "Payment Type"},
		{NL_PA_BACKUP, "Backup Certificate"},
	};
	for (size_t i = 0; field && i < sizeof labels / sizeof labels[0]; i++)
		if (!strcmp(field, labels[i].field))
			return labels[i].msgid;
	return "Row";
}

static const char *code_msgid(const char *code)
{
	if (!strcmp(code, "open_order"))
		return "This person already has an open order in your institution.";
	if (!strcmp(code, "duplicate_in_file"))
		return "This identity is on an earlier row of the file.";
	if (!strcmp(code, "field_count"))
		return "This row has a different number of fields than the header.";
	return nl_field_msgid(code);
}

static const char *file_error_msgid(const char *code)
{
	static const struct {
		const char *code, *msgid;
	} msgs[] = {
		{"invalid_utf8", "The file is not UTF-8 text. Save it as \"CSV UTF-8\" and upload it again."},
		{"nul_byte", "The file is not a text file."},
		{"unterminated_quote", "A quoted field is not closed."},
		{"quote_in_field", "A quote character stands inside a field that is not quoted."},
		{"empty", "The file has no data rows."},
		{"no_rows", "The file has no data rows."},
		{"too_many_rows", "The file has more than 2000 rows. Split it into smaller files."},
		{"missing_column", "A required column is missing from the header row."},
		{"unknown_column", "The header row names a column that is not known."},
		{"duplicate_column", "The header row names a column twice."},
		{"file_too_large", "The file is too large."},
	};
	for (size_t i = 0; i < sizeof msgs / sizeof msgs[0]; i++)
		if (!strcmp(code, msgs[i].code))
			return msgs[i].msgid;
	return "The file could not be read.";
}

static json_t *base_data(struct nl_req *r, const struct nl_officer *o, const char *title)
{
	json_t *d = nl_page_data(r, title);
	if (!d)
		return NULL;
	json_object_set_new(d, "officer", json_pack("{s:s, s:s}", "username", o->username,
	                                            "institution", o->institution));
	json_object_set_new(d, "csrf", json_string(nl_session_csrf(r)));
	return d;
}

void nl_h_kurum_bulk_page(struct nl_req *r)
{
	struct nl_officer o;
	if (!nl_kurum_officer(r, &o))
		return;
	nl_page_respond(r, 200, "kurum/bulk", base_data(r, &o, "Bulk Pre-application (CSV)"));
}

static void render_upload_error(struct nl_req *r, const struct nl_officer *o, int status,
                                const char *msgid, size_t line, const char *column)
{
	json_t *d = base_data(r, o, "Bulk Pre-application (CSV)");
	if (d) {
		json_object_set_new(d, "file_error", json_string(nl_page_tr(r, msgid)));
		if (line)
			json_object_set_new(d, "file_error_line", json_integer((json_int_t)line));
		if (column && *column)
			json_object_set_new(d, "file_error_column", json_string(column));
	}
	nl_page_respond(r, status, "kurum/bulk", d);
}

static json_t *bad_rows_json(struct nl_req *r, const struct nl_pa_csv *c)
{
	json_t *a = json_array();
	for (size_t i = 0; a && i < c->n_bad; i++) {
		const struct nl_pa_bad_row *b = &c->bad[i];
		json_t *reasons = json_array();
		for (size_t k = 0; reasons && k < b->n_errs; k++) {
			char msg[400];
			snprintf(msg, sizeof msg, "%s", nl_page_tr(r, code_msgid(b->errs[k].code)));
			if (b->open_order_no)
				snprintf(msg + strlen(msg), sizeof msg - strlen(msg),
				         " (" NL_ORDER_NO_PREFIX "%" PRId64 ")", b->open_order_no);
			json_array_append_new(reasons, json_pack(
				"{s:s, s:s, s:s}", "field", nl_page_tr(r, field_label(b->errs[k].field)),
				"code", b->errs[k].code, "message", msg));
		}
		json_array_append_new(a, json_pack("{s:I, s:s, s:s, s:o}", "line", (json_int_t)b->line,
		                                   "id_number", b->id_number, "name", b->name,
		                                   "reasons", reasons));
	}
	return a;
}

static json_t *good_rows_json(struct nl_req *r, const struct nl_pa_csv *c)
{
	json_t *a = json_array();
	for (size_t i = 0; a && i < c->n_good; i++) {
		const struct nl_preapply_clean *g = &c->good[i].row;
		json_array_append_new(a, json_pack(
			"{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:b}",
			"line", (json_int_t)c->good[i].line, "id_number", g->id_number,
			"given_name", g->given_name, "surname", g->surname, "email", g->email,
			"mobile", g->mobile, "reason", nl_kurum_reason_label(r, (int)g->reason),
			"payment_type", nl_kurum_payment_label(r, (int)g->payment_type),
			"backup_cert", g->backup_cert));
	}
	return a;
}

void nl_h_kurum_bulk_preview(struct nl_req *r)
{
	struct nl_officer o;
	struct upload_form f;
	struct nl_spec_result res;
	struct nl_pa_csv c;
	if (!nl_kurum_officer(r, &o))
		return;
	nl_err e = nl_spec_parse(r->arena, upload_spec, r->content_type_full, r->body, r->body_len,
	                         &f, &res);
	if (e == NL_ERR_NOMEM) {
		nl_resp_error(r, e, NULL);
		return;
	}
	if (e) {
		const char *code = res.n_errors ? res.errors[0].code : "file_expected";
		render_upload_error(r, &o, !strcmp(code, "file_too_large") ? 413 : 400,
		                    nl_field_msgid(code), 0, NULL);
		return;
	}
	if ((e = nl_pa_csv_parse((const char *)f.file.data, f.file.len, &c))) {
		nl_resp_error(r, e, NULL);
		return;
	}
	if (c.file_error) {
		render_upload_error(r, &o, strcmp(c.file_error, "file_too_large") ? 400 : 413,
		                    file_error_msgid(c.file_error), c.file_error_line,
		                    c.file_error_column);
		nl_pa_csv_free(&c);
		return;
	}
	char batch[BATCH_ID_HEX + 1] = "";
	e = nl_pa_csv_check_open(nl_app_of(r), o.institution_id, &c);
	if (e == NL_OK && c.n_good)
		e = nl_pa_preview_put(nl_app_of(r), o.user_id, o.institution_id, &c, r->now, batch);
	if (e) {
		nl_pa_csv_free(&c);
		nl_resp_error(r, e, NULL);
		return;
	}
	json_t *d = base_data(r, &o, "Bulk Pre-application: Preview");
	if (d) {
		json_object_set_new(d, "filename", json_string(f.file.filename ? f.file.filename : ""));
		json_object_set_new(d, "bad", bad_rows_json(r, &c));
		json_object_set_new(d, "good", good_rows_json(r, &c));
		json_object_set_new(d, "n_bad", json_integer((json_int_t)c.n_bad));
		json_object_set_new(d, "n_good", json_integer((json_int_t)c.n_good));
		if (c.n_good)
			json_object_set_new(d, "batch", json_string(batch));
	}
	nl_pa_csv_free(&c);
	nl_page_respond(r, 200, "kurum/bulk_preview", d);
}

void nl_h_kurum_bulk_confirm(struct nl_req *r)
{
	struct nl_officer o;
	struct confirm_form f;
	struct nl_spec_result res;
	struct nl_preapply_clean *rows = NULL;
	struct nl_preapply_result *results = NULL;
	size_t *lines = NULL, n = 0;
	if (!nl_kurum_officer(r, &o))
		return;
	nl_err e = nl_spec_parse(r->arena, confirm_spec, r->content_type_full, r->body, r->body_len,
	                         &f, &res);
	if (e) {
		nl_resp_error(r, e == NL_ERR_NOMEM ? e : NL_ERR_NOT_FOUND, NULL);
		return;
	}
	struct nl_preapply_ctx ctx = {
		.app = nl_app_of(r), .institution_id = o.institution_id,
		.actor = nl_kurum_actor(r, o.user_id), .now = r->now,
	};
	e = nl_pa_preview_import(&ctx, f.batch, o.user_id, &rows, &lines, &results, &n);
	if (e == NL_ERR_NOT_FOUND) {
		/* Unknown, someone else's, expired or already imported. */
		render_upload_error(r, &o, 410, "This preview has expired or was imported already. "
		                    "Upload the file again.", 0, NULL);
		goto out;
	}
	if (e) {
		nl_resp_error(r, e, NULL);
		goto out;
	}
	json_t *created = json_array(), *dups = json_array();
	for (size_t i = 0; created && dups && i < n; i++) {
		char no[32], name[600];
		snprintf(no, sizeof no, NL_ORDER_NO_PREFIX "%" PRId64, results[i].order_no);
		snprintf(name, sizeof name, "%s %s", rows[i].given_name, rows[i].surname);
		json_array_append_new(results[i].outcome == NL_PA_CREATED ? created : dups, json_pack(
			"{s:I, s:s, s:I, s:s, s:s}", "line", (json_int_t)lines[i], "order_no", no,
			"no", (json_int_t)results[i].order_no, "id_number", rows[i].id_number,
			"name", name));
	}
	json_t *d = base_data(r, &o, "Bulk Pre-application: Result");
	if (d) {
		json_object_set_new(d, "n_created", json_integer((json_int_t)json_array_size(created)));
		json_object_set_new(d, "n_duplicates", json_integer((json_int_t)json_array_size(dups)));
		json_object_set_new(d, "created", created);
		json_object_set_new(d, "duplicates", dups);
	} else {
		json_decref(created);
		json_decref(dups);
	}
	nl_page_respond(r, 200, "kurum/bulk_result", d);
out:
	free(rows);
	free(lines);
	free(results);
}
