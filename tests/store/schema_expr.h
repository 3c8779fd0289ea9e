/* The parts of SQL expressions that both engines keep when they store them
 * (test_schema.c, via schema_describe.c): SQLite keeps a CHECK or a partial
 * index's WHERE as written, PostgreSQL rewrites it (status IN ('a', 'b')
 * becomes status = ANY (ARRAY['a'::text, 'b'::text]), BETWEEN becomes >= AND
 * <=). What survives both is which columns the expression names and which
 * literals it holds; those are compared, the operators are not. */
#ifndef NL_TESTS_STORE_SCHEMA_EXPR_H
#define NL_TESTS_STORE_SCHEMA_EXPR_H

#include <stddef.h>

enum { EXPR_NAME = 64, EXPR_TEXT = 1024 };

struct expr_terms {
	char cols[256];   /* the columns named, sorted: "a, b" */
	char lits[512];   /* the literals, sorted: "'x', 'y', 1"; '-1' counts as -1 */
	size_t ncols;
	char only[EXPR_NAME];   /* the column when ncols == 1 */
};

/* The terms of expr; names[0..n) are the table's columns (other words, as
 * ANY, ARRAY or text casts, are not columns). */
void expr_terms(const char *expr, const char (*names)[EXPR_NAME], size_t n,
                struct expr_terms *out);

/* The expression is SQLite's bool convention, CHECK (c IN (0, 1)). */
int expr_is_bool_check(const char *expr, const char *col);

/* The bodies of the CHECK (...) clauses of a CREATE TABLE text, in order,
 * outside strings and comments; returns how many (at most max). */
size_t sql_check_bodies(const char *sql, char (*bodies)[EXPR_TEXT], size_t max);

/* The WHERE clause of a CREATE INDEX text ("" for none). */
void sql_index_where(const char *sql, char *out, size_t size);

#endif
