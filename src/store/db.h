/* The database driver interface: one SQL text, two engines.
 *
 * Queries are written once with $1..$n parameters in portable SQL (INTEGER epoch
 * seconds, RETURNING, ON CONFLICT). The SQLite driver rewrites $n to ?n; the
 * PostgreSQL driver sends them to libpq as they are. Values are bound by type;
 * never build SQL from user data.
 *
 * Threads: an nl_db is shared by all threads. nl_db_conn() hands each thread its
 * own connection (created on first use, kept for the thread's life, closed by
 * nl_db_thread_done() or nl_db_close()). A connection and its statements belong
 * to one thread.
 *
 * Ownership: nl_db_open -> nl_db_close; nl_db_query (nl_db_prepare) ->
 * nl_db_finalize, which hands the statement back to its connection's cache of
 * prepared statements (SQLite keeps the compiled statement, PostgreSQL the
 * server-side one made by PQprepare): a text is parsed and planned once per
 * connection, however often it runs. Text and blob columns point into the
 * statement and stay valid until the next step or finalize: copy what you
 * keep. docs/storage.md "Queries" shows a query written with this API. */
#ifndef NL_STORE_DB_H
#define NL_STORE_DB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

typedef struct nl_db nl_db;
typedef struct nl_conn nl_conn;
typedef struct nl_stmt nl_stmt;

enum nl_db_engine { NL_DB_SQLITE = 1, NL_DB_POSTGRES = 2 };

/* Result of nl_db_step besides errors. */
enum { NL_DB_ROW = 100, NL_DB_DONE = 101 };

/* url: "sqlite:/path/to/file.db" (or "sqlite::memory:" for tests) or a libpq
 * connection string / URI ("postgresql://..." or "host=... dbname=..."). */
NL_MUST_USE nl_err nl_db_open(nl_db **out, const char *url);
void nl_db_close(nl_db *db);
enum nl_db_engine nl_db_engine(const nl_db *db);

/* Total time spent in the database, in microseconds, for /metrics. */
uint64_t nl_db_time_us(const nl_db *db);

NL_MUST_USE nl_err nl_db_conn(nl_db *db, nl_conn **out);   /* this thread's connection */
void nl_db_thread_done(nl_db *db);             /* close this thread's connection */

/* Typed parameters. A query's values are an array of struct nl_param built by
 * the constructors below, one per $n in order; each takes the C type of its SQL
 * type, so the compiler rejects a pointer passed as a number or a number passed
 * as text (the count is checked against the highest $n when the query runs):
 *
 *   rc = nl_db_query(c, &s, "SELECT id FROM persons WHERE tckn = $1 AND institution_id = $2",
 *                    NL_PARAMS(NL_P_TEXT(tckn), NL_P_INT(inst)));
 *
 * Nothing is copied at construction: the values must live until nl_db_query
 * (or nl_db_bind) returns. */
enum nl_param_kind { NL_PARAM_NULL, NL_PARAM_INT, NL_PARAM_TEXT, NL_PARAM_BLOB, NL_PARAM_BOOL };

struct nl_param {
	enum nl_param_kind kind;
	int64_t i;         /* NL_PARAM_INT, NL_PARAM_BOOL (0/1) */
	const void *p;     /* NL_PARAM_TEXT (NUL-terminated), NL_PARAM_BLOB */
	size_t n;          /* NL_PARAM_BLOB: length in bytes */
};

static inline struct nl_param nl_param_int(int64_t v)
{
	return (struct nl_param){.kind = NL_PARAM_INT, .i = v};
}
/* 0 binds NULL: an optional foreign key, where 0 means "none". */
static inline struct nl_param nl_param_ref(int64_t id)
{
	return (struct nl_param){.kind = id ? NL_PARAM_INT : NL_PARAM_NULL, .i = id};
}
static inline struct nl_param nl_param_text(const char *v)
{
	return (struct nl_param){.kind = v ? NL_PARAM_TEXT : NL_PARAM_NULL, .p = v};
}
static inline struct nl_param nl_param_blob(const void *p, size_t n)
{
	return (struct nl_param){.kind = p ? NL_PARAM_BLOB : NL_PARAM_NULL, .p = p, .n = n};
}
static inline struct nl_param nl_param_bool(bool v)
{
	return (struct nl_param){.kind = NL_PARAM_BOOL, .i = v ? 1 : 0};
}

#define NL_P_INT(v) nl_param_int(v)          /* int64_t */
#define NL_P_REF(v) nl_param_ref(v)          /* int64_t id, 0 binds NULL */
#define NL_P_TEXT(v) nl_param_text(v)        /* const char *, NULL binds NULL */
#define NL_P_BLOB(p, n) nl_param_blob(p, n)  /* const void *, size_t; NULL binds NULL */
#define NL_P_BOOL(v) nl_param_bool(v)        /* bool, stored as 0/1 */
#define NL_P_NULL ((struct nl_param){.kind = NL_PARAM_NULL})

/* The array and its length for nl_db_query / nl_db_bind; NL_NO_PARAMS for none. */
#define NL_PARAMS(...) \
	((const struct nl_param[]){__VA_ARGS__}), \
	(sizeof((const struct nl_param[]){__VA_ARGS__}) / sizeof(struct nl_param))
#define NL_NO_PARAMS NULL, (size_t)0

/* Prepares sql on this connection (or takes it from the connection's cache of
 * prepared statements, keyed by the SQL text) and binds params to $1..$n.
 * NL_ERR_INTERNAL if n is not the statement's highest $n. On error *out is NULL
 * and nothing is left to free. */
NL_MUST_USE nl_err nl_db_query(nl_conn *c, nl_stmt **out, const char *sql,
                               const struct nl_param *params, size_t n);
/* Prepares without binding: for a statement run many times with nl_db_bind
 * and nl_db_reset. */
NL_MUST_USE nl_err nl_db_prepare(nl_conn *c, const char *sql, nl_stmt **out);
/* Binds params to $1..$n of a prepared (or reset) statement. */
NL_MUST_USE nl_err nl_db_bind(nl_stmt *s, const struct nl_param *params, size_t n);

/* Returns NL_DB_ROW, NL_DB_DONE, or an nl_err (NL_ERR_CONFLICT for a unique
 * violation, NL_ERR_BUSY for a transient failure worth retrying). */
NL_MUST_USE int nl_db_step(nl_stmt *s);
NL_MUST_USE nl_err nl_db_reset(nl_stmt *s);   /* run again with new bindings */
void nl_db_finalize(nl_stmt *s);  /* NULL is fine */

/* Typed column readers. col is 0-based; name it by an enum of the columns next
 * to the query's select list (enum { C_ID, C_SERIAL, ... }), never a bare
 * number, so that a column added to the list moves its readers with it. */
int nl_db_column_count(nl_stmt *s);
bool nl_db_col_is_null(nl_stmt *s, int col);
int64_t nl_db_col_int64(nl_stmt *s, int col);                /* 0 for NULL */
bool nl_db_col_bool(nl_stmt *s, int col);
const char *nl_db_col_text(nl_stmt *s, int col);              /* "" for NULL */
const void *nl_db_col_blob(nl_stmt *s, int col, size_t *len);

/* Runs one or more statements without parameters (schema, BEGIN, ...). */
NL_MUST_USE nl_err nl_db_exec(nl_conn *c, const char *sql);
/* Number of rows changed by the last INSERT/UPDATE/DELETE on this statement. */
int64_t nl_db_changes(nl_stmt *s);
/* Last driver error message of this connection, for logs (never for users). */
const char *nl_db_errmsg(nl_conn *c);

/* Runs fn inside BEGIN..COMMIT (SQLite: BEGIN IMMEDIATE; PostgreSQL: the
 * configured isolation). If fn or COMMIT returns NL_ERR_BUSY (SQLITE_BUSY,
 * serialization failure, deadlock) the transaction is rolled back and run again,
 * a bounded number of times with jittered back-off. Any other error rolls back
 * and is returned. fn must therefore have no side effects outside the database. */
typedef nl_err (*nl_tx_fn)(nl_conn *c, void *ctx);
NL_MUST_USE nl_err nl_store_run_tx(nl_db *db, nl_tx_fn fn, void *ctx);

/* Additions beyond the first contract. */

/* Transactions that nl_store_run_tx ran again after NL_ERR_BUSY, for /metrics. */
uint64_t nl_db_tx_retries(const nl_db *db);
/* SQLite only: how long a connection waits for a lock before NL_ERR_BUSY
 * (default 5000 ms). Applies to connections opened afterwards. */
void nl_db_set_busy_timeout(nl_db *db, int ms);
/* True while c is inside BEGIN..COMMIT. nl_store_run_tx called inside a
 * transaction joins it instead of nesting. */
bool nl_db_in_tx(nl_conn *c);
/* Number of parameters of a statement (its highest $n). */
int nl_db_param_count(nl_stmt *s);
/* Statements the engine has parsed and planned (cache misses of
 * nl_db_prepare/nl_db_query: SQLite prepares, PostgreSQL PQprepare), for
 * the tests that check a statement is prepared once and for diagnostics. */
uint64_t nl_db_prepares(const nl_db *db);
/* The database a connection belongs to. */
nl_db *nl_db_of(nl_conn *c);
/* Demo/test fault switch (POST /demo/database): while offline, nl_db_conn
 * answers NL_ERR_UNAVAILABLE as for a database that is down, so the doors'
 * answers can be tested on SQLite, whose file cannot simply be stopped. */
void nl_db_set_offline(nl_db *db, bool offline);

#endif
