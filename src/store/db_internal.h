/* Inside the driver interface: what db.c shares with db_sqlite.c and db_pg.c.
 * Nothing outside src/store/db*.c includes this file. */
#ifndef NL_STORE_DB_INTERNAL_H
#define NL_STORE_DB_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>

#include "store/db.h"

/* One engine's implementation. db.c checks arguments, measures time and keeps
 * the per-thread connections; a driver only talks to its library. */
struct nl_db_driver {
	const char *name;
	nl_err (*db_open)(nl_db *db, const char *target);  /* sets db->drv_data */
	void (*db_close)(nl_db *db);
	nl_err (*connect)(nl_db *db, nl_conn **out);       /* returns a struct that starts with nl_conn */
	void (*disconnect)(nl_conn *c);
	bool (*healthy)(nl_conn *c);                       /* false: reconnect before use */
	nl_err (*prepare)(nl_conn *c, const char *sql, int nparams, nl_stmt **out);
	nl_err (*bind_int64)(nl_stmt *s, int idx, int64_t v);
	nl_err (*bind_text)(nl_stmt *s, int idx, const char *v);
	nl_err (*bind_blob)(nl_stmt *s, int idx, const void *p, size_t n);
	nl_err (*bind_null)(nl_stmt *s, int idx);
	nl_err (*bind_bool)(nl_stmt *s, int idx, bool v);
	int (*step)(nl_stmt *s);
	nl_err (*reset)(nl_stmt *s);
	void (*finalize)(nl_stmt *s);
	int (*column_count)(nl_stmt *s);
	bool (*col_is_null)(nl_stmt *s, int col);
	int64_t (*col_int64)(nl_stmt *s, int col);
	bool (*col_bool)(nl_stmt *s, int col);
	const char *(*col_text)(nl_stmt *s, int col);
	const void *(*col_blob)(nl_stmt *s, int col, size_t *len);
	nl_err (*exec)(nl_conn *c, const char *sql);
	int64_t (*changes)(nl_stmt *s);
	const char *(*errmsg)(nl_conn *c);
	bool (*in_tx)(nl_conn *c);
	const char *begin_sql;   /* "BEGIN IMMEDIATE" / "BEGIN" */
};

struct nl_db {
	const struct nl_db_driver *drv;
	enum nl_db_engine engine;
	void *drv_data;
	pthread_key_t key;            /* this thread's nl_conn */
	pthread_mutex_t mu;           /* guards the list of connections */
	nl_conn *conns;               /* every open connection, for nl_db_close */
	int busy_timeout_ms;          /* SQLite busy handler wait */
	_Atomic uint64_t time_us;     /* total time inside the engine */
	_Atomic uint64_t tx_retries;  /* transactions run again after NL_ERR_BUSY */
	_Atomic uint64_t prepares;    /* statements parsed by the engine (cache misses) */
	atomic_bool offline;          /* nl_db_set_offline: demo/test fault switch */
};

/* Every driver connection starts with this. */
struct nl_conn {
	nl_db *db;
	nl_conn *prev, *next;
};

/* Every driver statement starts with this. */
struct nl_stmt {
	nl_conn *conn;
	int nparams;   /* highest $n in the SQL text */
};

/* A driver counts each statement it has the engine parse and plan. */
static inline void nl_db_count_prepare(nl_db *db)
{
	atomic_fetch_add_explicit(&db->prepares, 1, memory_order_relaxed);
}

extern const struct nl_db_driver nl_db_sqlite_driver;
extern const struct nl_db_driver nl_db_pg_driver;

/* Scans SQL for $n parameters outside literals, identifiers and comments.
 * Returns the highest n (0 if none). If out is not NULL it receives a malloc'd
 * copy with each $n written as ?n (the caller frees it). -1 on allocation
 * failure or a parameter number out of range. */
int nl_db_sql_params(const char *sql, char **out);

#endif
