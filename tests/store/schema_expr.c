/* See schema_expr.h. */
#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "schema_expr.h"

static bool is_word(int ch)
{
	return isalnum(ch) || ch == '_';
}

/* Past the string literal that starts at p ('' is a quote inside it). */
static const char *past_string(const char *p)
{
	for (p++; *p; p++) {
		if (*p == '\'' && p[1] == '\'')
			p++;
		else if (*p == '\'')
			return p + 1;
	}
	return p;
}

static int by_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Appends the sorted strings to out as "a, b". */
static void join_sorted(const char **v, size_t n, char *out, size_t size)
{
	qsort(v, n, sizeof v[0], by_str);
	out[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		size_t used = strlen(out);
		snprintf(out + used, size - used, "%s%s", used ? ", " : "", v[i]);
	}
}

void expr_terms(const char *expr, const char (*names)[EXPR_NAME], size_t n,
                struct expr_terms *out)
{
	enum { MAX = 64 };
	char lit_store[MAX][64];
	const char *lits[MAX], *cols[MAX];
	size_t nlits = 0, ncols = 0;
	char prev = '(';   /* the last non-space character: is a '-' unary? */
	const char *p = expr;
	while (*p) {
		if (*p == '\'') {
			const char *e = past_string(p);
			/* '-1'::integer is PostgreSQL's way to write -1. */
			size_t len = (size_t)(e - p);
			bool number = len > 2 && strspn(p + 1, "-0123456789") == len - 2;
			if (nlits < MAX) {
				snprintf(lit_store[nlits], sizeof lit_store[0], "%.*s",
				         number ? (int)len - 2 : (int)len, number ? p + 1 : p);
				lits[nlits] = lit_store[nlits];
				nlits++;
			}
			p = e;
			prev = '\'';
		} else if (isdigit((unsigned char)*p) ||
		           (*p == '-' && isdigit((unsigned char)p[1]) && strchr("(,=<>", prev))) {
			const char *s = p++;
			while (isdigit((unsigned char)*p) || *p == '.')
				p++;
			if (nlits < MAX) {
				snprintf(lit_store[nlits], sizeof lit_store[0], "%.*s", (int)(p - s), s);
				lits[nlits] = lit_store[nlits];
				nlits++;
			}
			prev = '0';
		} else if (is_word((unsigned char)*p)) {
			const char *w = p;
			while (is_word((unsigned char)*p))
				p++;
			for (size_t c = 0; c < n; c++) {
				if (strlen(names[c]) != (size_t)(p - w) || strncasecmp(names[c], w, (size_t)(p - w)))
					continue;
				bool seen = false;
				for (size_t k = 0; k < ncols; k++)
					seen |= cols[k] == names[c];
				if (!seen && ncols < MAX)
					cols[ncols++] = names[c];
			}
			prev = 'a';
		} else {
			if (!isspace((unsigned char)*p))
				prev = *p;
			p++;
		}
	}
	join_sorted(lits, nlits, out->lits, sizeof out->lits);
	join_sorted(cols, ncols, out->cols, sizeof out->cols);
	out->ncols = ncols;
	snprintf(out->only, sizeof out->only, "%s", ncols == 1 ? cols[0] : "");
}

int expr_is_bool_check(const char *expr, const char *col)
{
	char squeezed[EXPR_TEXT], want[EXPR_NAME + 16];
	size_t k = 0;
	for (const char *q = expr; *q && k < sizeof squeezed - 1; q++)
		if (!isspace((unsigned char)*q))
			squeezed[k++] = (char)tolower((unsigned char)*q);
	squeezed[k] = '\0';
	snprintf(want, sizeof want, "%.63sin(0,1)", col);
	return !strcasecmp(squeezed, want);
}

/* Calls at each top-level keyword kw (outside strings and comments): returns
 * the position just after it, or NULL at the end. */
static const char *next_keyword(const char *sql, const char *p, const char *kw)
{
	size_t len = strlen(kw);
	while (*p) {
		if (*p == '\'') {
			p = past_string(p);
		} else if (p[0] == '-' && p[1] == '-') {
			p += strcspn(p, "\n");
		} else if (p[0] == '/' && p[1] == '*') {
			const char *e = strstr(p + 2, "*/");
			p = e ? e + 2 : p + strlen(p);
		} else if (!strncasecmp(p, kw, len) && (p == sql || !is_word((unsigned char)p[-1])) &&
		           !is_word((unsigned char)p[len])) {
			return p + len;
		} else {
			p++;
		}
	}
	return NULL;
}

size_t sql_check_bodies(const char *sql, char (*bodies)[EXPR_TEXT], size_t max)
{
	size_t n = 0;
	const char *p = sql;
	while (n < max && (p = next_keyword(sql, p, "CHECK"))) {
		while (isspace((unsigned char)*p))
			p++;
		if (*p != '(')
			continue;
		/* The body up to the matching parenthesis, outside strings. */
		const char *start = ++p;
		int depth = 1;
		while (*p && depth) {
			if (*p == '\'') {
				p = past_string(p);
				continue;
			}
			depth += *p == '(';
			depth -= *p == ')';
			p++;
		}
		size_t len = (size_t)(p - start) - (depth == 0);
		snprintf(bodies[n++], EXPR_TEXT, "%.*s", (int)len, start);
	}
	return n;
}

void sql_index_where(const char *sql, char *out, size_t size)
{
	const char *p = next_keyword(sql, sql, "WHERE");
	snprintf(out, size, "%s", p ? p : "");
}
