/* See schema_describe.h.
 *
 * The one mapping between the engines (docs/storage.md "One schema, two
 * engines"); everything else must be equal:
 *
 *   class    SQLite declared type (its affinity rule)   PostgreSQL data_type
 *   int      contains INT                               bigint, integer, smallint
 *   bool     INTEGER with CHECK (c IN (0, 1))           boolean
 *   text     contains CHAR, CLOB or TEXT                text, character varying, character
 *   blob     contains BLOB, or no type                  bytea
 *   real     contains REAL, FLOA or DOUB                real, double precision
 *   numeric  anything else                              numeric
 *
 * Anything PostgreSQL answers outside the table is its own class ("other:
 * json", ...) and so differs from every SQLite class.
 *
 * Defaults: PostgreSQL's casts ("''::text", "'-1'::integer") and parentheses
 * are dropped, a bool's true/false is written 1/0, SQLite's TRUE/FALSE too;
 * DEFAULT NULL is no default.
 *
 * CHECKs and partial-index predicates: each engine keeps its own text (SQLite
 * as written, PostgreSQL rewritten: IN (...) becomes = ANY (ARRAY[...]),
 * BETWEEN becomes >= AND <=), so what is compared is what survives both: the
 * columns a CHECK or a WHERE names and a CHECK's literals (schema_expr.h).
 * SQLite's bool CHECK (c IN (0, 1)) is the bool class, not a check.
 *
 * Filled in by the database ("auto T.c"): SQLite fills in every one-column
 * INTEGER PRIMARY KEY (the rowid), PostgreSQL an identity or serial column.
 * A key the code numbers itself is an auto column on SQLite only; such keys
 * are in test_schema.c's allow-list, each with its reason.
 *
 * Primary-key columns count as NOT NULL on both engines (PostgreSQL makes
 * them so; SQLite would let a NULL into a non-integer one, a quirk its
 * documentation keeps for compatibility). */
#include <ctype.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "schema_describe.h"
#include "schema_expr.h"

/* ---- the item list ---- */

static NL_MUST_USE nl_err add(struct schema *s, const char *val, const char *keyfmt, ...)
	__attribute__((format(printf, 3, 4)));

static nl_err add(struct schema *s, const char *val, const char *keyfmt, ...)
{
	char *key = NULL;
	va_list ap;
	va_start(ap, keyfmt);
	int n = vasprintf(&key, keyfmt, ap);
	va_end(ap);
	if (n < 0)
		return NL_ERR_NOMEM;
	/* The same key twice (two CHECKs on one column): number the others. */
	for (int dup = 2; schema_find(s, key); dup++) {
		char *numbered = NULL;
		char *base = key;
		char *mark = strstr(base, " #");
		if (mark)
			*mark = '\0';
		n = asprintf(&numbered, "%s #%d", base, dup);
		free(key);
		if (n < 0)
			return NL_ERR_NOMEM;
		key = numbered;
	}
	if (s->n == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 64;
		struct schema_item *v = realloc(s->v, cap * sizeof *v);
		if (!v) {
			free(key);
			return NL_ERR_NOMEM;
		}
		s->v = v;
		s->cap = cap;
	}
	char *dval = strdup(val);
	if (!dval) {
		free(key);
		return NL_ERR_NOMEM;
	}
	s->v[s->n++] = (struct schema_item){key, dval};
	return NL_OK;
}

const struct schema_item *schema_find(const struct schema *s, const char *key)
{
	for (size_t i = 0; i < s->n; i++)
		if (!strcmp(s->v[i].key, key))
			return &s->v[i];
	return NULL;
}

void schema_free(struct schema *s)
{
	for (size_t i = 0; i < s->n; i++) {
		free(s->v[i].key);
		free(s->v[i].val);
	}
	free(s->v);
	*s = (struct schema){0};
}

static int by_key(const void *a, const void *b)
{
	return strcmp(((const struct schema_item *)a)->key, ((const struct schema_item *)b)->key);
}

static int by_val(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted by key; items numbered " #2", " #3" (two CHECKs on one column) get
 * their values in sorted order, so the numbering does not depend on the order
 * in which an engine listed them. */
static void sort_items(struct schema *s)
{
	if (s->n)
		qsort(s->v, s->n, sizeof s->v[0], by_key);
	for (size_t i = 0; i < s->n;) {
		size_t len = strlen(s->v[i].key), j = i + 1;
		while (j < s->n && !strncmp(s->v[j].key, s->v[i].key, len) &&
		       !strncmp(s->v[j].key + len, " #", 2))
			j++;
		if (j - i > 1) {
			char **vals = malloc((j - i) * sizeof *vals);
			for (size_t k = i; vals && k < j; k++)
				vals[k - i] = s->v[k].val;
			if (vals) {
				qsort(vals, j - i, sizeof *vals, by_val);
				for (size_t k = i; k < j; k++)
					s->v[k].val = vals[k - i];
			}
			free(vals);
		}
		i = j;
	}
}

/* ---- normalising ---- */

static const char *sqlite_class(const char *decl)
{
	char up[64];
	size_t i;
	for (i = 0; decl[i] && i < sizeof up - 1; i++)
		up[i] = (char)toupper((unsigned char)decl[i]);
	up[i] = '\0';
	if (strstr(up, "INT"))
		return "int";
	if (strstr(up, "CHAR") || strstr(up, "CLOB") || strstr(up, "TEXT"))
		return "text";
	if (!*up || strstr(up, "BLOB"))
		return "blob";
	if (strstr(up, "REAL") || strstr(up, "FLOA") || strstr(up, "DOUB"))
		return "real";
	return "numeric";
}

static void pg_class(const char *data_type, char *out, size_t size)
{
	static const char *const map[][2] = {
		{"bigint", "int"}, {"integer", "int"}, {"smallint", "int"}, {"boolean", "bool"},
		{"text", "text"}, {"character varying", "text"}, {"character", "text"},
		{"bytea", "blob"}, {"real", "real"}, {"double precision", "real"},
		{"numeric", "numeric"},
	};
	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
		if (!strcmp(data_type, map[i][0])) {
			snprintf(out, size, "%s", map[i][1]);
			return;
		}
	snprintf(out, size, "other:%s", data_type);
}

/* A default as both engines can agree on it (see the top of the file). */
static void norm_default(const char *raw, bool is_bool, char *out, size_t size)
{
	char v[256];
	snprintf(v, sizeof v, "%s", raw);
	/* PostgreSQL's casts: 'x'::text, '-1'::integer, 'x'::character varying. */
	char *cast;
	while ((cast = strstr(v, "::")) && !strchr(cast, '\''))
		*cast = '\0';
	size_t n = strlen(v);
	while (n >= 2 && v[0] == '(' && v[n - 1] == ')') {
		memmove(v, v + 1, n - 2);
		v[n -= 2] = '\0';
	}
	/* '-1' for a number: the quotes are PostgreSQL's, not the value's. */
	if (n >= 3 && v[0] == '\'' && v[n - 1] == '\'' &&
	    strspn(v + 1, "-0123456789") == n - 2 && v[1] != '\'') {
		memmove(v, v + 1, n - 2);
		v[n -= 2] = '\0';
	}
	if (is_bool && !strcasecmp(v, "true"))
		snprintf(v, sizeof v, "1");
	else if (is_bool && !strcasecmp(v, "false"))
		snprintf(v, sizeof v, "0");
	if (!strcasecmp(v, "null"))
		v[0] = '\0';
	snprintf(out, size, "%s", v);
}

static NL_MUST_USE nl_err add_column(struct schema *s, const char *table, const char *col,
                                     const char *cls, bool not_null, const char *dflt)
{
	char val[400], d[256];
	norm_default(dflt, !strcmp(cls, "bool"), d, sizeof d);
	snprintf(val, sizeof val, "%s%s%s%s", cls, not_null ? " not null" : "", *d ? " default " : "",
	         d);
	return add(s, val, "column %s.%s", table, col);
}

/* ---- SQLite ---- */

enum { MAX_COLS = 128, MAX_CHECKS = 64 };

static NL_MUST_USE nl_err prepare1(nl_conn *c, const char *sql, const char *arg, nl_stmt **s)
{
	nl_err rc = nl_db_prepare(c, sql, s);
	if (rc == NL_OK && arg)
		rc = nl_db_bind(*s, NL_PARAMS(NL_P_TEXT(arg)));
	if (rc != NL_OK)
		fprintf(stderr, "# schema: %s: %s\n", sql, nl_db_errmsg(c));
	return rc;
}

/* The primary key columns of an SQLite table, in key order: "a, b". */
static NL_MUST_USE nl_err sqlite_pk(nl_conn *c, const char *table, char *out, size_t size)
{
	nl_stmt *s = NULL;
	out[0] = '\0';
	nl_err rc = prepare1(c, "SELECT name FROM pragma_table_info($1) WHERE pk > 0 ORDER BY pk",
	                     table, &s);
	int st;
	while (rc == NL_OK && (st = nl_db_step(s)) == NL_DB_ROW) {
		size_t used = strlen(out);
		snprintf(out + used, size - used, "%s%s", used ? ", " : "", nl_db_col_text(s, 0));
	}
	if (rc == NL_OK && st != NL_DB_DONE)
		rc = NL_ERR_DB;
	nl_db_finalize(s);
	return rc;
}

/* The CHECKs of a table from its CREATE TABLE text; the columns that the bool
 * convention CHECK (c IN (0, 1)) marks go to bools instead. */
static NL_MUST_USE nl_err sqlite_checks(const char *table, const char *sql,
                                        const char (*names)[EXPR_NAME], size_t n,
                                        char (*bools)[EXPR_NAME], size_t *nbools,
                                        struct schema *out)
{
	char(*bodies)[EXPR_TEXT] = calloc(MAX_CHECKS, sizeof *bodies);
	if (!bodies)
		return NL_ERR_NOMEM;
	size_t nchecks = sql_check_bodies(sql, bodies, MAX_CHECKS);
	nl_err rc = NL_OK;
	*nbools = 0;
	for (size_t i = 0; i < nchecks && rc == NL_OK; i++) {
		struct expr_terms t;
		expr_terms(bodies[i], names, n, &t);
		if (t.ncols == 1 && expr_is_bool_check(bodies[i], t.only))
			snprintf(bools[(*nbools)++], EXPR_NAME, "%s", t.only);
		else
			rc = add(out, t.lits, "check %s (%s)", table, t.cols);
	}
	free(bodies);
	return rc;
}

/* " where (a, b)": the columns a partial index's WHERE names. */
static void where_cols(const char *where, const char (*names)[EXPR_NAME], size_t n, char *out,
                       size_t size)
{
	struct expr_terms t;
	expr_terms(where, names, n, &t);
	snprintf(out, size, " where (%s)", t.cols);
}

static NL_MUST_USE nl_err sqlite_table(nl_conn *c, const char *table, const char *sql,
                                       struct schema *out)
{
	nl_stmt *s = NULL, *s2 = NULL;
	char colnames[MAX_COLS][EXPR_NAME], bools[MAX_CHECKS][EXPR_NAME];
	size_t ncols = 0, nbools = 0;
	char pk[256];
	int st = NL_DB_DONE;
	nl_err rc = add(out, "", "table %s", table);
	if (rc == NL_OK)
		rc = sqlite_pk(c, table, pk, sizeof pk);
	if (rc == NL_OK && *pk)
		rc = add(out, pk, "primary key %s", table);
	/* Column names first: the CHECK scan needs them. */
	if (rc == NL_OK)
		rc = prepare1(c, "SELECT name FROM pragma_table_info($1) ORDER BY cid", table, &s);
	while (rc == NL_OK && (st = nl_db_step(s)) == NL_DB_ROW) {
		if (ncols == MAX_COLS) {
			fprintf(stderr, "# schema: %s has more than %d columns\n", table, MAX_COLS);
			rc = NL_ERR_INVALID;
			break;
		}
		snprintf(colnames[ncols++], sizeof colnames[0], "%s", nl_db_col_text(s, 0));
	}
	nl_db_finalize(s);
	s = NULL;
	if (rc == NL_OK)
		rc = sqlite_checks(table, sql, (const char(*)[EXPR_NAME])colnames, ncols, bools, &nbools,
		                   out);
	if (rc != NL_OK)
		goto out;

	if (rc == NL_OK)
		rc = prepare1(c, "SELECT name, type, \"notnull\", dflt_value, pk"
		              " FROM pragma_table_info($1) ORDER BY cid", table, &s);
	while (rc == NL_OK && (st = nl_db_step(s)) == NL_DB_ROW) {
		const char *name = nl_db_col_text(s, 0);
		const char *cls = sqlite_class(nl_db_col_text(s, 1));
		for (size_t i = 0; i < nbools; i++)
			if (!strcmp(bools[i], name) && !strcmp(cls, "int"))
				cls = "bool";
		rc = add_column(out, table, name, cls,
		                nl_db_col_int64(s, 2) != 0 || nl_db_col_int64(s, 4) > 0,
		                nl_db_col_text(s, 3));
		/* A one-column INTEGER PRIMARY KEY is the rowid: filled in when
		 * an INSERT leaves it out. */
		if (rc == NL_OK && nl_db_col_int64(s, 4) > 0 && !strchr(pk, ',') &&
		    !strcasecmp(nl_db_col_text(s, 1), "INTEGER"))
			rc = add(out, "", "auto %s.%s", table, name);
	}
	nl_db_finalize(s);
	s = NULL;

	/* Indexes: origin c = CREATE INDEX, u = a UNIQUE constraint, pk = the key. */
	if (rc == NL_OK)
		rc = prepare1(c, "SELECT l.name, l.\"unique\", l.origin, l.partial, m.sql"
		              " FROM pragma_index_list($1) l"
		              " LEFT JOIN sqlite_master m ON m.type = 'index' AND m.name = l.name",
		              table, &s);
	while (rc == NL_OK && (st = nl_db_step(s)) == NL_DB_ROW) {
		char name[128], cols[256] = "", origin[8];
		snprintf(name, sizeof name, "%s", nl_db_col_text(s, 0));
		snprintf(origin, sizeof origin, "%s", nl_db_col_text(s, 2));
		bool unique = nl_db_col_int64(s, 1) != 0;
		char where[EXPR_TEXT], partial[300] = "";
		if (nl_db_col_int64(s, 3)) {
			sql_index_where(nl_db_col_text(s, 4), where, sizeof where);
			where_cols(where, (const char(*)[EXPR_NAME])colnames, ncols, partial,
			           sizeof partial);
		}
		rc = prepare1(c, "SELECT name FROM pragma_index_info($1) ORDER BY seqno", name, &s2);
		while (rc == NL_OK && (st = nl_db_step(s2)) == NL_DB_ROW) {
			size_t used = strlen(cols);
			snprintf(cols + used, sizeof cols - used, "%s%s", used ? ", " : "",
			         nl_db_col_is_null(s2, 0) ? "(expression)" : nl_db_col_text(s2, 0));
		}
		nl_db_finalize(s2);
		s2 = NULL;
		if (rc != NL_OK)
			break;
		if (!strcmp(origin, "u")) {
			rc = add(out, "", "unique %s (%s)", table, cols);
		} else if (!strcmp(origin, "c")) {
			char val[800];
			snprintf(val, sizeof val, "on %s (%s)%s%s%s", table, cols, unique ? " unique" : "",
			         *partial ? " partial" : "", partial);
			rc = add(out, val, "index %s", name);
		}
	}
	nl_db_finalize(s);
	s = NULL;

	/* Foreign keys, one row per column; id groups a multi-column key. */
	if (rc == NL_OK)
		rc = prepare1(c, "SELECT id, \"table\", \"from\", \"to\", on_update, on_delete"
		              " FROM pragma_foreign_key_list($1) ORDER BY id, seq", table, &s);
	int64_t cur = -1;
	char ref[64] = "", from[256] = "", to[256] = "", actions[128] = "";
	for (;;) {
		bool row = rc == NL_OK && (st = nl_db_step(s)) == NL_DB_ROW;
		if (cur >= 0 && (!row || nl_db_col_int64(s, 0) != cur)) {
			if (!*to)   /* REFERENCES t without columns: t's primary key */
				rc = sqlite_pk(c, ref, to, sizeof to);
			if (rc == NL_OK)
				rc = add(out, actions, "foreign key %s (%s) -> %s (%s)", table, from, ref, to);
			from[0] = to[0] = '\0';
		}
		if (!row || rc != NL_OK)
			break;
		cur = nl_db_col_int64(s, 0);
		snprintf(ref, sizeof ref, "%s", nl_db_col_text(s, 1));
		size_t used = strlen(from);
		snprintf(from + used, sizeof from - used, "%s%s", used ? ", " : "",
		         nl_db_col_text(s, 2));
		if (!nl_db_col_is_null(s, 3)) {
			used = strlen(to);
			snprintf(to + used, sizeof to - used, "%s%s", used ? ", " : "",
			         nl_db_col_text(s, 3));
		}
		snprintf(actions, sizeof actions, "on update %s on delete %s", nl_db_col_text(s, 4),
		         nl_db_col_text(s, 5));
	}
	nl_db_finalize(s);
	s = NULL;
	if (rc == NL_OK && st != NL_DB_DONE)
		rc = NL_ERR_DB;
out:
	nl_db_finalize(s);
	return rc;
}

static NL_MUST_USE nl_err describe_sqlite(nl_conn *c, struct schema *out)
{
	nl_stmt *s = NULL;
	struct schema tables = {0};   /* key: name, val: its CREATE TABLE text */
	int st = NL_DB_DONE;
	nl_err rc = prepare1(c, "SELECT name, sql FROM sqlite_master WHERE type = 'table'"
	                     " AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name", NULL, &s);
	/* Read the list first: the pragmas are queries of their own. */
	while (rc == NL_OK && (st = nl_db_step(s)) == NL_DB_ROW)
		rc = add(&tables, nl_db_col_text(s, 1), "%s", nl_db_col_text(s, 0));
	if (rc == NL_OK && st != NL_DB_DONE)
		rc = NL_ERR_DB;
	nl_db_finalize(s);
	for (size_t i = 0; i < tables.n && rc == NL_OK; i++)
		rc = sqlite_table(c, tables.v[i].key, tables.v[i].val, out);
	schema_free(&tables);
	return rc;
}

/* ---- PostgreSQL ---- */

/* The columns of an attnum array, in its order, by name. */
#define PG_COLS(rel, arr)                                                                     \
	"(SELECT string_agg(COALESCE(a.attname, '(expression)'), ', ' ORDER BY k.ord)"          \
	" FROM unnest(" arr ") WITH ORDINALITY k(n, ord)"                                        \
	" LEFT JOIN pg_attribute a ON a.attrelid = " rel " AND a.attnum = k.n AND k.n > 0)"

static const char pg_columns_sql[] =
	"SELECT table_name, column_name, data_type, is_nullable = 'NO',"
	" CASE WHEN column_default LIKE 'nextval(%' THEN NULL ELSE column_default END,"
	" (is_identity = 'YES' OR column_default LIKE 'nextval(%')::int"
	" FROM information_schema.columns WHERE table_schema = current_schema()"
	" ORDER BY table_name, ordinal_position";

/* Check columns sorted by name, as the SQLite side writes them. */
static const char pg_constraints_sql[] =
	"SELECT c.contype::text, t.relname,"
	" CASE WHEN c.contype = 'c' THEN"
	"  (SELECT string_agg(a.attname, ', ' ORDER BY a.attname) FROM unnest(c.conkey) k(n)"
	"   JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n)"
	" ELSE " PG_COLS("c.conrelid", "c.conkey") " END,"
	" COALESCE(r.relname, ''), COALESCE(" PG_COLS("c.confrelid", "c.confkey") ", ''),"
	" c.confupdtype::text, c.confdeltype::text, pg_get_constraintdef(c.oid)"
	" FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid"
	" JOIN pg_namespace ns ON ns.oid = t.relnamespace"
	" LEFT JOIN pg_class r ON r.oid = c.confrelid"
	" WHERE ns.nspname = current_schema() AND c.contype IN ('p', 'u', 'f', 'c')";

/* Indexes that back a PRIMARY KEY or UNIQUE constraint are those constraints. */
static const char pg_indexes_sql[] =
	"SELECT ic.relname, t.relname, i.indisunique::int, (i.indpred IS NOT NULL)::int, "
	PG_COLS("i.indrelid", "i.indkey::int2[]") ", pg_get_expr(i.indpred, i.indrelid)"
	" FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid"
	" JOIN pg_class t ON t.oid = i.indrelid JOIN pg_namespace ns ON ns.oid = t.relnamespace"
	" WHERE ns.nspname = current_schema() AND NOT EXISTS (SELECT 1 FROM pg_constraint c"
	"  WHERE c.conindid = i.indexrelid AND c.conrelid = i.indrelid AND c.contype IN ('p', 'u'))";

/* SQLite's words for PostgreSQL's foreign key action letters. */
static const char *pg_action(const char *letter)
{
	switch (*letter) {
	case 'r': return "RESTRICT";
	case 'c': return "CASCADE";
	case 'n': return "SET NULL";
	case 'd': return "SET DEFAULT";
	default: return "NO ACTION";
	}
}

/* The columns of table that out holds already ("column T.c" items). */
static size_t table_columns(const struct schema *out, const char *table,
                            char (*names)[EXPR_NAME], size_t max)
{
	char prefix[EXPR_NAME + 16];
	size_t n = 0;
	int len = snprintf(prefix, sizeof prefix, "column %.63s.", table);
	for (size_t i = 0; i < out->n && n < max; i++)
		if (!strncmp(out->v[i].key, prefix, (size_t)len))
			snprintf(names[n++], EXPR_NAME, "%s", out->v[i].key + len);
	return n;
}

static NL_MUST_USE nl_err describe_pg(nl_conn *c, struct schema *out)
{
	char names[MAX_COLS][EXPR_NAME];
	nl_stmt *s = NULL;
	int st = NL_DB_DONE;
	nl_err rc = prepare1(c, "SELECT table_name FROM information_schema.tables"
	                     " WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'",
	                     NULL, &s);
	while (rc == NL_OK && (st = nl_db_step(s)) == NL_DB_ROW)
		rc = add(out, "", "table %s", nl_db_col_text(s, 0));
	nl_db_finalize(s);
	s = NULL;

	if (rc == NL_OK && st == NL_DB_DONE)
		rc = prepare1(c, pg_columns_sql, NULL, &s);
	while (rc == NL_OK && (st = nl_db_step(s)) == NL_DB_ROW) {
		char cls[96];
		pg_class(nl_db_col_text(s, 2), cls, sizeof cls);
		rc = add_column(out, nl_db_col_text(s, 0), nl_db_col_text(s, 1), cls,
		                nl_db_col_bool(s, 3), nl_db_col_text(s, 4));
		/* Identity (or serial): filled in when an INSERT leaves it out. */
		if (rc == NL_OK && nl_db_col_int64(s, 5))
			rc = add(out, "", "auto %s.%s", nl_db_col_text(s, 0), nl_db_col_text(s, 1));
	}
	nl_db_finalize(s);
	s = NULL;

	if (rc == NL_OK && st == NL_DB_DONE)
		rc = prepare1(c, pg_constraints_sql, NULL, &s);
	while (rc == NL_OK && (st = nl_db_step(s)) == NL_DB_ROW) {
		const char *type = nl_db_col_text(s, 0), *table = nl_db_col_text(s, 1);
		const char *cols = nl_db_col_text(s, 2);
		char val[128];
		switch (*type) {
		case 'p':
			rc = add(out, cols, "primary key %s", table);
			break;
		case 'u':
			rc = add(out, "", "unique %s (%s)", table, cols);
			break;
		case 'c': {
			struct expr_terms t;   /* only its literals: conkey named the columns */
			expr_terms(nl_db_col_text(s, 7), NULL, 0, &t);
			rc = add(out, t.lits, "check %s (%s)", table, cols);
			break;
		}
		default:
			snprintf(val, sizeof val, "on update %s on delete %s",
			         pg_action(nl_db_col_text(s, 5)), pg_action(nl_db_col_text(s, 6)));
			rc = add(out, val, "foreign key %s (%s) -> %s (%s)", table, cols,
			         nl_db_col_text(s, 3), nl_db_col_text(s, 4));
		}
	}
	nl_db_finalize(s);
	s = NULL;

	if (rc == NL_OK && st == NL_DB_DONE)
		rc = prepare1(c, pg_indexes_sql, NULL, &s);
	while (rc == NL_OK && (st = nl_db_step(s)) == NL_DB_ROW) {
		char val[800], partial[300] = "";
		const char *table = nl_db_col_text(s, 1);
		if (nl_db_col_int64(s, 3)) {
			size_t n = table_columns(out, table, names, MAX_COLS);
			where_cols(nl_db_col_text(s, 5), (const char(*)[EXPR_NAME])names, n, partial,
			           sizeof partial);
		}
		snprintf(val, sizeof val, "on %s (%s)%s%s%s", table, nl_db_col_text(s, 4),
		         nl_db_col_int64(s, 2) ? " unique" : "", *partial ? " partial" : "", partial);
		rc = add(out, val, "index %s", nl_db_col_text(s, 0));
	}
	nl_db_finalize(s);
	if (rc == NL_OK && st != NL_DB_DONE) {
		fprintf(stderr, "# schema: %s\n", nl_db_errmsg(c));
		rc = NL_ERR_DB;
	}
	return rc;
}

/* The rows the migrations seeded (counters, the audit head, the first consent
 * text): as many on both engines. Table names come from the catalog. */
static NL_MUST_USE nl_err count_rows(nl_conn *c, struct schema *out)
{
	size_t tables = out->n;   /* items added here are not tables */
	nl_err rc = NL_OK;
	for (size_t i = 0; i < tables && rc == NL_OK; i++) {
		if (strncmp(out->v[i].key, "table ", 6))
			continue;
		char sql[160], val[32];
		nl_stmt *s = NULL;
		snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM \"%s\"", out->v[i].key + 6);
		rc = prepare1(c, sql, NULL, &s);
		if (rc == NL_OK && nl_db_step(s) != NL_DB_ROW)
			rc = NL_ERR_DB;
		if (rc == NL_OK) {
			snprintf(val, sizeof val, "%lld", (long long)nl_db_col_int64(s, 0));
			rc = add(out, val, "rows %s", out->v[i].key + 6);
		}
		nl_db_finalize(s);
	}
	return rc;
}

nl_err schema_describe(nl_conn *c, struct schema *out)
{
	*out = (struct schema){0};
	nl_err rc = nl_db_engine(nl_db_of(c)) == NL_DB_POSTGRES ? describe_pg(c, out)
	                                                         : describe_sqlite(c, out);
	if (rc == NL_OK)
		rc = count_rows(c, out);
	if (rc != NL_OK)
		schema_free(out);
	else
		sort_items(out);
	return rc;
}
