/* A small CSV reader for the pre-application import (RFC 4180 with the
 * variants spreadsheets write): UTF-8 (a leading byte-order mark is skipped),
 * fields separated by ';' or ',' (detected from the header line: Turkish
 * spreadsheets write ';'), records ended by LF or CRLF, fields optionally in
 * double quotes, where "" is a quote and separators and line breaks are data.
 * Blank lines are skipped. No I/O: it parses a buffer. */
#ifndef NL_APP_CSV_H
#define NL_APP_CSV_H

#include <stddef.h>

#include "core/err.h"

struct nl_csv_row {
	size_t line;          /* 1-based line where the record starts (for messages) */
	char **fields;        /* NUL-terminated field texts, unquoted */
	size_t n;             /* number of fields */
};

struct nl_csv {
	struct nl_csv_row *rows;   /* rows[0] is the header line when there is one */
	size_t n;
	char sep;                  /* the separator used */
	/* private: the field texts and pointers live here */
	char *text_;
	char **ptrs_;
};

/* Why a file was refused as a whole. */
struct nl_csv_error {
	const char *code;     /* "invalid_utf8", "unterminated_quote", "quote_in_field",
	                         "too_many_rows", "nul_byte", "empty" */
	size_t line;          /* where (0 when not about one line) */
};

/* Parses data[0..len). sep 0 = detect from the first line. max_rows counts
 * records including the header (0 = unlimited). On success the caller frees
 * out with nl_csv_free; on error out is empty and err says why (NL_ERR_INVALID;
 * NL_ERR_TOO_LARGE for too_many_rows; NL_ERR_NOMEM). */
NL_MUST_USE nl_err nl_csv_parse(const char *data, size_t len, char sep, size_t max_rows, struct nl_csv *out,
                    struct nl_csv_error *err);
void nl_csv_free(struct nl_csv *c);

/* The separator of a header line: the more frequent of ';' and ',' outside
 * quotes; ';' when neither or both equally. */
char nl_csv_detect_sep(const char *data, size_t len);

#endif
