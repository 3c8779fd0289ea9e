/* Pre-applications from a CSV file (docs/officer.md "CSV format"): the header
 * row names the columns, each further row is one pre-application.
 *
 * Columns (any order; names case-insensitive; the Turkish names in brackets
 * are accepted too):
 *   id_number [kimlik_no]            required: T.C. Kimlik No or passport number
 *   passport_country [pasaport_ulke] passports only: ISO country code
 *   given_name [ad]                  required
 *   surname [soyad]                  required
 *   email [e_posta, eposta]          required
 *   mobile [cep_telefonu]            required
 *   reason [basvuru_nedeni]          code or Turkish label; empty or no column: first
 *   payment_type [odeme_turu]        code or Turkish label; empty or no column: institution
 *   backup_cert [yedek_sertifika]    yes/no, evet/hayır, var/yok, 1/0; empty: no
 *
 * The preview sorts rows into good and bad; a bad row says its line number and
 * every reason. An identity that already has an open order in the
 * institution, or that appears twice in the file, is a bad row (reported, not
 * added), so importing the same file twice creates nothing the second time.
 * The good rows travel between preview and import as JSON kept on the server
 * (store_staff_api.h), never through the browser. */
#ifndef NL_APP_PREAPPLY_CSV_H
#define NL_APP_PREAPPLY_CSV_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "app/app.h"
#include "app/preapply.h"
#include "core/err.h"
#include "store/db.h"

#define NL_CSV_MAX_BYTES (5 * 1024 * 1024)   /* the largest file accepted */
#define NL_CSV_MAX_ROWS 2000                  /* data rows per file */
/* The import job and the CLI (nitelik preapply import) take far larger files:
 * rows are committed in batches, not in one request. */
#define NL_CSV_JOB_MAX_BYTES (256 * 1024 * 1024)
#define NL_CSV_JOB_MAX_ROWS 1000000

struct nl_pa_bad_row {
	size_t line;                                   /* line of the file (header is 1) */
	struct nl_preapply_field_error errs[NL_PA_MAX_ERRORS];
	size_t n_errs;
	char id_number[24];                            /* as typed (shortened), for the list */
	char name[128];
	int64_t open_order_no;                         /* for code "open_order" */
};

struct nl_pa_good_row {
	size_t line;
	struct nl_preapply_clean row;
};

struct nl_pa_csv {
	struct nl_pa_good_row *good;   /* malloc'd */
	size_t n_good;
	struct nl_pa_bad_row *bad;     /* malloc'd */
	size_t n_bad;
	/* A problem of the whole file (no rows then): a code such as
	 * "invalid_utf8", "unterminated_quote", "missing_column", "unknown_column",
	 * "duplicate_column", "no_rows", "too_many_rows", and the line or column. */
	const char *file_error;
	size_t file_error_line;
	char file_error_column[64];
	/* private: indexes into good + 1 by identity, for duplicate_in_file */
	size_t *seen;
	size_t seen_cap;
};
void nl_pa_csv_free(struct nl_pa_csv *c);

/* Parses and validates the file (pure: no database). NL_OK also when rows
 * are bad or the file has a file_error; NL_ERR_NOMEM otherwise. */
NL_MUST_USE nl_err nl_pa_csv_parse(const char *data, size_t len, struct nl_pa_csv *out);
/* The same with other limits (NL_CSV_JOB_MAX_*; "too_many_rows",
 * "file_too_large" past them). */
NL_MUST_USE nl_err nl_pa_csv_parse_max(const char *data, size_t len, size_t max_rows, size_t max_bytes,
                           struct nl_pa_csv *out);

/* Moves good rows whose identity has an open order in the institution to the
 * bad rows (code "open_order"). */
NL_MUST_USE nl_err nl_pa_csv_check_open(const struct nl_app *app, int64_t institution_id, struct nl_pa_csv *c);

/* The good rows as JSON text (malloc'd, caller frees) and back (rows malloc'd,
 * caller frees). NL_ERR_INVALID for a payload that does not parse or whose
 * rows do not validate again. */
char *nl_pa_rows_to_json(const struct nl_pa_good_row *rows, size_t n);
NL_MUST_USE nl_err nl_pa_rows_from_json(const char *text, struct nl_preapply_clean **rows, size_t **lines,
                            size_t *n);

/* ---- the officer's preview of a bulk import (kurum pages) ----
 * The good rows of a checked file are kept under a random id (only its hash
 * is stored) for NL_PA_PREVIEW_TTL seconds; confirming imports exactly those
 * rows and uses the preview up in the same transaction. */
#define NL_PA_PREVIEW_ID_HEX 64     /* hex characters of a preview id */
#define NL_PA_PREVIEW_TTL 3600      /* seconds a preview can be confirmed */

/* Keeps c's good rows as user_id's preview; writes its id to id_out. Drops
 * previews past their time on the way. */
NL_MUST_USE nl_err nl_pa_preview_put(const struct nl_app *app, int64_t user_id, int64_t institution_id,
                         const struct nl_pa_csv *c, int64_t now,
                         char id_out[NL_PA_PREVIEW_ID_HEX + 1]);

/* Imports user_id's preview id with ctx (nl_preapply_batch; ctx->in_tx is
 * taken for the preview) and uses it up in the same transaction. The rows,
 * their file lines and the results (n of each) are malloc'd; the caller frees
 * all three, also on error. NL_ERR_NOT_FOUND: the preview is unknown, someone
 * else's, expired or imported already (all look the same). */
NL_MUST_USE nl_err nl_pa_preview_import(const struct nl_preapply_ctx *ctx, const char *id, int64_t user_id,
                            struct nl_preapply_clean **rows, size_t **lines,
                            struct nl_preapply_result **results, size_t *n);

#endif
