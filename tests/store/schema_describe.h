/* A database's schema as one engine-neutral description, so that the SQLite
 * and PostgreSQL migrations can be checked against each other
 * (test_schema.c). Both engines are introspected (SQLite: sqlite_master and
 * the table_info/index_list/index_info/foreign_key_list pragmas; PostgreSQL:
 * information_schema.columns, pg_constraint, pg_index) and written as items:
 *
 *   key                              value
 *   table T                          ""
 *   column T.c                       "<class> [not null] [default <v>]"
 *   auto T.c                         ""        filled in when an INSERT omits it
 *   primary key T                    "(a, b)"
 *   unique T (a, b)                  ""        a UNIQUE constraint
 *   index NAME                       "on T (a, b) [unique] [partial where (c)]"
 *   foreign key T (a) -> R (b)       "on update <action> on delete <action>"
 *   check T (a, b)                   "'x', 1"  a CHECK naming columns a, b: its
 *                                              literals
 *   rows T                           "<n>"     rows in it (what migrations seed)
 *
 * A key that occurs twice gets " #2", " #3" appended. The mapping from each
 * engine's types to one class is the only place the engines may differ; it
 * is documented at the top of schema_describe.c and in docs/storage.md;
 * schema_compare.c compares two descriptions, schema_expr.c reads CHECKs and
 * WHERE clauses. */
#ifndef NL_TESTS_STORE_SCHEMA_DESCRIBE_H
#define NL_TESTS_STORE_SCHEMA_DESCRIBE_H

#include <stddef.h>

#include "store/db.h"

struct schema_item {
	char *key;
	char *val;
};

struct schema {
	struct schema_item *v;
	size_t n, cap;
};

/* Describes the schema c sees (PostgreSQL: its current_schema()), sorted by
 * key. On failure *out is empty and the error names the query. */
NL_MUST_USE nl_err schema_describe(nl_conn *c, struct schema *out);
void schema_free(struct schema *s);

/* The item with this key, or NULL. */
const struct schema_item *schema_find(const struct schema *s, const char *key);

/* A difference that is deliberate: the items with this key are not compared. */
struct schema_allow {
	const char *key;
	const char *why;
};

/* Compares a (named a_name) with b, printing one TAP comment line ("# ...") per
 * difference that the allow-list does not excuse, and one per allow-list
 * entry that excused nothing (a stale entry is a difference too: the list
 * stays honest). Returns the number of differences printed. */
size_t schema_compare(const struct schema *a, const char *a_name, const struct schema *b,
                      const char *b_name, const struct schema_allow *allow, size_t n_allow);

#endif
