/* CSV reader (see csv.h). One pass over the bytes: field texts are copied,
 * unquoted, into one buffer no longer than the input; the field pointers go to
 * one array, fixed up at the end (the arrays move while they grow). */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "app/csv.h"
#include "core/utf8.h"

char nl_csv_detect_sep(const char *data, size_t len)
{
	size_t semi = 0, comma = 0;
	bool quoted = false;
	for (size_t i = 0; i < len; i++) {
		char ch = data[i];
		if (ch == '"')
			quoted = !quoted;
		else if (!quoted && (ch == '\n' || ch == '\r'))
			break;
		else if (!quoted && ch == ';')
			semi++;
		else if (!quoted && ch == ',')
			comma++;
	}
	return comma > semi ? ',' : ';';
}

void nl_csv_free(struct nl_csv *c)
{
	if (!c)
		return;
	free(c->rows);
	free(c->text_);
	free(c->ptrs_);
	memset(c, 0, sizeof *c);
}

struct parser {
	struct nl_csv *out;
	size_t *field_off;     /* offsets into text_ of every field, in order */
	size_t n_fields, cap_fields;
	size_t *row_first;     /* per row: index of its first field */
	size_t cap_rows;
	size_t text_len;
};

static bool push_field(struct parser *p)
{
	if (p->n_fields == p->cap_fields) {
		size_t cap = p->cap_fields ? p->cap_fields * 2 : 64;
		size_t *nv = realloc(p->field_off, cap * sizeof *nv);
		if (!nv)
			return false;
		p->field_off = nv;
		p->cap_fields = cap;
	}
	p->field_off[p->n_fields++] = p->text_len;
	return true;
}

static bool push_row(struct parser *p, size_t line)
{
	struct nl_csv *c = p->out;
	if (c->n == p->cap_rows) {
		size_t cap = p->cap_rows ? p->cap_rows * 2 : 32;
		struct nl_csv_row *nr = realloc(c->rows, cap * sizeof *nr);
		size_t *nf = nr ? realloc(p->row_first, cap * sizeof *nf) : NULL;
		if (nr)
			c->rows = nr;
		if (!nf)
			return false;
		p->row_first = nf;
		p->cap_rows = cap;
	}
	c->rows[c->n] = (struct nl_csv_row){.line = line};
	p->row_first[c->n] = p->n_fields;
	c->n++;
	return true;
}

static NL_MUST_USE nl_err fail(struct nl_csv_error *err, const char *code, size_t line, nl_err e)
{
	err->code = code;
	err->line = line;
	return e;
}

/* Parses everything into p; returns NL_OK or the error. */
static NL_MUST_USE nl_err scan(struct parser *p, const char *d, size_t len, char sep, size_t max_rows,
                   struct nl_csv_error *err)
{
	struct nl_csv *c = p->out;
	char *t = c->text_;
	size_t i = 0, line = 1;
	while (i < len) {
		/* Blank lines (LF, CRLF or CR alone) between records are skipped. */
		if (d[i] == '\n' || d[i] == '\r') {
			if (d[i] == '\r' && i + 1 < len && d[i + 1] == '\n')
				i++;
			i++;
			line++;
			continue;
		}
		if (max_rows && c->n >= max_rows)
			return fail(err, "too_many_rows", line, NL_ERR_TOO_LARGE);
		if (!push_row(p, line))
			return NL_ERR_NOMEM;
		size_t start_line = line;
		for (;;) {   /* one field per turn */
			if (!push_field(p))
				return NL_ERR_NOMEM;
			if (i < len && d[i] == '"') {
				i++;
				for (;;) {
					if (i >= len)
						return fail(err, "unterminated_quote", start_line, NL_ERR_INVALID);
					if (d[i] == '"') {
						if (i + 1 < len && d[i + 1] == '"') {
							t[p->text_len++] = '"';
							i += 2;
							continue;
						}
						i++;
						break;
					}
					if (d[i] == '\n')
						line++;
					t[p->text_len++] = d[i++];
				}
				if (i < len && d[i] != sep && d[i] != '\n' && d[i] != '\r')
					return fail(err, "quote_in_field", line, NL_ERR_INVALID);
			} else {
				while (i < len && d[i] != sep && d[i] != '\n' && d[i] != '\r') {
					if (d[i] == '"')
						return fail(err, "quote_in_field", line, NL_ERR_INVALID);
					t[p->text_len++] = d[i++];
				}
			}
			t[p->text_len++] = '\0';
			if (i < len && d[i] == sep) {
				i++;
				continue;   /* another field; a trailing separator makes an empty one */
			}
			break;          /* end of line or of data */
		}
		if (i < len && d[i] == '\r')
			i++;
		if (i < len && d[i] == '\n')
			i++;
		line++;
	}
	return NL_OK;
}

nl_err nl_csv_parse(const char *data, size_t len, char sep, size_t max_rows, struct nl_csv *out,
                    struct nl_csv_error *err)
{
	struct parser p = {.out = out};
	memset(out, 0, sizeof *out);
	*err = (struct nl_csv_error){0};
	if (len >= 3 && !memcmp(data, "\xEF\xBB\xBF", 3)) {   /* byte-order mark */
		data += 3;
		len -= 3;
	}
	if (memchr(data, '\0', len))
		return fail(err, "nul_byte", 0, NL_ERR_INVALID);
	if (!nl_utf8_valid(data, len)) {
		/* Name the line of the first bad byte: "save as UTF-8" is the fix. */
		size_t line = 1, i = 0;
		while (i < len) {
			uint32_t cp;
			size_t k = nl_utf8_decode(data + i, len - i, &cp);
			if (!k)
				break;
			if (cp == '\n')
				line++;
			i += k;
		}
		return fail(err, "invalid_utf8", line, NL_ERR_INVALID);
	}
	if (!sep)
		sep = nl_csv_detect_sep(data, len);
	out->sep = sep;
	out->text_ = malloc(len + 1);
	nl_err e = out->text_ ? scan(&p, data, len, sep, max_rows, err) : NL_ERR_NOMEM;
	if (e == NL_OK && out->n == 0)
		e = fail(err, "empty", 0, NL_ERR_INVALID);
	if (e == NL_OK && !(out->ptrs_ = malloc((p.n_fields ? p.n_fields : 1) * sizeof(char *))))
		e = NL_ERR_NOMEM;
	if (e == NL_OK) {
		for (size_t k = 0; k < p.n_fields; k++)
			out->ptrs_[k] = out->text_ + p.field_off[k];
		for (size_t r = 0; r < out->n; r++) {
			size_t first = p.row_first[r];
			size_t end = r + 1 < out->n ? p.row_first[r + 1] : p.n_fields;
			out->rows[r].fields = out->ptrs_ + first;
			out->rows[r].n = end - first;
		}
	}
	free(p.field_off);
	free(p.row_first);
	if (e != NL_OK) {
		if (e == NL_ERR_NOMEM && !err->code)
			err->code = "nomem";
		nl_csv_free(out);
	}
	return e;
}
