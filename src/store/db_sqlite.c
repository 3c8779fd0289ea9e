/* The SQLite driver: one connection per thread on a WAL database.
 *
 * WAL lets readers run beside the one writer; transactions start with BEGIN
 * IMMEDIATE so that a writer takes the write lock at BEGIN (where waiting is
 * safe) instead of failing half-way on a lock upgrade. "sqlite::memory:" becomes
 * a named shared-cache memory database so that every thread sees the same data;
 * a keeper connection holds it alive until nl_db_close. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "store/db_internal.h"

struct sq_db {
	char *path;          /* file name or memory URI */
	bool memory;
	sqlite3 *keeper;     /* memory databases only */
};

/* Prepared statements kept per connection, keyed by their SQL text: parsing
 * and planning cost more than running the small statements of this
 * application (a pre-registration runs a dozen), so a statement finalized by
 * the caller is reset and kept for the next prepare of the same text. */
#define SQ_CACHE 64
struct sq_cached {
	char *sql;              /* the caller's text (before the $n rewrite); NULL = free slot */
	uint64_t hash;
	sqlite3_stmt *st;
	bool busy;              /* handed out, not finalized yet */
};

struct sq_conn {
	nl_conn base;
	sqlite3 *h;
	struct sq_cached cache[SQ_CACHE];
	unsigned evict;         /* next slot to try when the cache is full */
};

struct sq_stmt {
	nl_stmt base;
	sqlite3_stmt *st;
	int64_t changes;
	struct sq_cached *slot; /* NULL: not cached, finalize for real */
};

static sqlite3 *handle(nl_conn *c)
{
	return ((struct sq_conn *)c)->h;
}

static sqlite3_stmt *st(nl_stmt *s)
{
	return ((struct sq_stmt *)s)->st;
}

/* Maps an SQLite result code (extended codes on) to an nl_err. */
static NL_MUST_USE nl_err map_rc(int rc)
{
	switch (rc & 0xff) {
	case SQLITE_OK:
	case SQLITE_ROW:
	case SQLITE_DONE:
		return NL_OK;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return NL_ERR_BUSY;
	case SQLITE_NOMEM:
		return NL_ERR_NOMEM;
	case SQLITE_CANTOPEN:
	case SQLITE_IOERR:
	case SQLITE_FULL:
	case SQLITE_NOTADB:
		return NL_ERR_UNAVAILABLE;   /* the file or its disk failed: not our query */
	case SQLITE_CONSTRAINT:
		if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY)
			return NL_ERR_CONFLICT;
		return NL_ERR_INVALID;   /* foreign key, check, not null */
	default:
		return NL_ERR_DB;
	}
}

static int open_flags(const struct sq_db *d)
{
	return SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX |
	       (d->memory ? SQLITE_OPEN_URI : 0);
}

static NL_MUST_USE nl_err sq_db_open(nl_db *db, const char *target)
{
	struct sq_db *d = calloc(1, sizeof *d);
	if (!d)
		return NL_ERR_NOMEM;
	db->drv_data = d;
	if (!strcmp(target, ":memory:")) {
		static _Atomic unsigned counter;
		char uri[96];
		snprintf(uri, sizeof uri, "file:nl-mem-%p-%u?mode=memory&cache=shared", (void *)db,
		         atomic_fetch_add(&counter, 1u));
		d->memory = true;
		d->path = strdup(uri);
	} else {
		d->path = strdup(target);
	}
	if (!d->path)
		return NL_ERR_NOMEM;
	if (d->memory) {
		if (sqlite3_open_v2(d->path, &d->keeper, open_flags(d), NULL) != SQLITE_OK)
			return NL_ERR_DB;
		return NL_OK;
	}
	/* WAL is a property of the file: set it once, before the threads come. */
	sqlite3 *h = NULL;
	nl_err rc = NL_ERR_UNAVAILABLE;   /* the file cannot be opened */
	if (sqlite3_open_v2(d->path, &h, open_flags(d), NULL) != SQLITE_OK)
		goto out;
	rc = NL_ERR_DB;
	sqlite3_busy_timeout(h, db->busy_timeout_ms);
	if (sqlite3_exec(h, "PRAGMA journal_mode=WAL", NULL, NULL, NULL) != SQLITE_OK)
		goto out;
	rc = NL_OK;
out:
	if (rc != NL_OK && h)
		fprintf(stderr, "store: sqlite %s: %s\n", d->path, sqlite3_errmsg(h));
	sqlite3_close(h);
	return rc;
}

static void sq_db_close(nl_db *db)
{
	struct sq_db *d = db->drv_data;
	sqlite3_close(d->keeper);
	free(d->path);
	free(d);
	db->drv_data = NULL;
}

static NL_MUST_USE nl_err sq_connect(nl_db *db, nl_conn **out)
{
	struct sq_db *d = db->drv_data;
	struct sq_conn *c = calloc(1, sizeof *c);
	if (!c)
		return NL_ERR_NOMEM;
	if (sqlite3_open_v2(d->path, &c->h, open_flags(d), NULL) != SQLITE_OK)
		goto fail;
	sqlite3_extended_result_codes(c->h, 1);
	sqlite3_busy_timeout(c->h, db->busy_timeout_ms);
	/* foreign_keys is per connection and off by default; NORMAL sync is
	 * durable enough under WAL (a power cut may lose the last commits, never
	 * corrupt) and much faster than FULL. */
	if (sqlite3_exec(c->h, "PRAGMA foreign_keys=ON; PRAGMA synchronous=NORMAL", NULL, NULL,
	                 NULL) != SQLITE_OK)
		goto fail;
	*out = &c->base;
	return NL_OK;
fail:
	if (c->h)
		fprintf(stderr, "store: sqlite connect: %s\n", sqlite3_errmsg(c->h));
	sqlite3_close(c->h);
	free(c);
	return NL_ERR_UNAVAILABLE;
}

static void sq_disconnect(nl_conn *c)
{
	struct sq_conn *q = (struct sq_conn *)c;
	for (size_t i = 0; i < SQ_CACHE; i++) {
		sqlite3_finalize(q->cache[i].st);
		free(q->cache[i].sql);
	}
	/* close_v2 defers the close if a statement was leaked, instead of failing. */
	sqlite3_close_v2(handle(c));
	free(c);
}

static uint64_t sql_hash(const char *sql)
{
	uint64_t h = 1469598103934665603ULL;
	for (const unsigned char *p = (const unsigned char *)sql; *p; p++)
		h = (h ^ *p) * 1099511628211ULL;
	return h;
}

/* A free cached statement for sql, or NULL. */
static struct sq_cached *cache_find(struct sq_conn *q, const char *sql, uint64_t h)
{
	for (size_t i = 0; i < SQ_CACHE; i++) {
		struct sq_cached *k = &q->cache[i];
		if (k->sql && !k->busy && k->hash == h && !strcmp(k->sql, sql))
			return k;
	}
	return NULL;
}

/* Keeps st for sql in a free or not-busy slot (evicting round robin); NULL
 * when every slot is busy or memory is short. */
static struct sq_cached *cache_put(struct sq_conn *q, const char *sql, uint64_t h,
                                   sqlite3_stmt *stmt)
{
	for (size_t n = 0; n < SQ_CACHE; n++) {
		struct sq_cached *k = &q->cache[q->evict++ % SQ_CACHE];
		if (k->busy)
			continue;
		char *copy = strdup(sql);
		if (!copy)
			return NULL;
		sqlite3_finalize(k->st);
		free(k->sql);
		*k = (struct sq_cached){copy, h, stmt, true};
		return k;
	}
	return NULL;
}

static bool sq_healthy(nl_conn *c)
{
	return true;
}

static NL_MUST_USE nl_err sq_prepare(nl_conn *c, const char *sql, int nparams, nl_stmt **out)
{
	struct sq_conn *q = (struct sq_conn *)c;
	uint64_t h = sql_hash(sql);
	struct sq_stmt *s = calloc(1, sizeof *s);
	if (!s)
		return NL_ERR_NOMEM;
	if ((s->slot = cache_find(q, sql, h))) {
		s->slot->busy = true;
		s->st = s->slot->st;
		*out = &s->base;
		return NL_OK;
	}
	char *rewritten = NULL;
	if (nl_db_sql_params(sql, &rewritten) < 0) {
		free(s);
		return NL_ERR_NOMEM;
	}
	int rc = sqlite3_prepare_v2(handle(c), rewritten, -1, &s->st, NULL);
	free(rewritten);
	nl_db_count_prepare(c->db);
	if (rc != SQLITE_OK || !s->st) {
		sqlite3_finalize(s->st);
		free(s);
		nl_err e = map_rc(rc);
		return rc == SQLITE_OK ? NL_ERR_INVALID
		       : e == NL_ERR_BUSY || e == NL_ERR_UNAVAILABLE ? e : NL_ERR_DB;
	}
	s->slot = cache_put(q, sql, h, s->st);
	*out = &s->base;
	return NL_OK;
}

static NL_MUST_USE nl_err sq_bind_int64(nl_stmt *s, int idx, int64_t v)
{
	return map_rc(sqlite3_bind_int64(st(s), idx, v));
}

static NL_MUST_USE nl_err sq_bind_text(nl_stmt *s, int idx, const char *v)
{
	return map_rc(sqlite3_bind_text(st(s), idx, v, -1, SQLITE_TRANSIENT));
}

static NL_MUST_USE nl_err sq_bind_blob(nl_stmt *s, int idx, const void *p, size_t n)
{
	return map_rc(sqlite3_bind_blob64(st(s), idx, p, n, SQLITE_TRANSIENT));
}

static NL_MUST_USE nl_err sq_bind_null(nl_stmt *s, int idx)
{
	return map_rc(sqlite3_bind_null(st(s), idx));
}

static NL_MUST_USE nl_err sq_bind_bool(nl_stmt *s, int idx, bool v)
{
	return map_rc(sqlite3_bind_int(st(s), idx, v ? 1 : 0));
}

static int sq_step(nl_stmt *s)
{
	struct sq_stmt *q = (struct sq_stmt *)s;
	int rc = sqlite3_step(q->st);
	if (rc == SQLITE_ROW)
		return NL_DB_ROW;
	if (rc == SQLITE_DONE) {
		q->changes = sqlite3_changes64(sqlite3_db_handle(q->st));
		return NL_DB_DONE;
	}
	nl_err e = map_rc(rc);
	return e == NL_OK ? NL_ERR_DB : (int)e;
}

static NL_MUST_USE nl_err sq_reset(nl_stmt *s)
{
	/* The error of a failed step was already returned by step. */
	sqlite3_reset(st(s));
	((struct sq_stmt *)s)->changes = 0;
	return NL_OK;
}

static void sq_finalize(nl_stmt *s)
{
	struct sq_stmt *q = (struct sq_stmt *)s;
	if (q->slot) {
		/* Kept for the next prepare of the same text: reset (ends its read)
		 * and forget the bound values (they may be secrets). */
		sqlite3_reset(q->st);
		sqlite3_clear_bindings(q->st);
		q->slot->busy = false;
	} else {
		sqlite3_finalize(q->st);
	}
	free(s);
}

static int sq_column_count(nl_stmt *s)
{
	return sqlite3_column_count(st(s));
}

static bool sq_col_is_null(nl_stmt *s, int col)
{
	return sqlite3_column_type(st(s), col) == SQLITE_NULL;
}

static int64_t sq_col_int64(nl_stmt *s, int col)
{
	return sqlite3_column_int64(st(s), col);
}

static bool sq_col_bool(nl_stmt *s, int col)
{
	return sqlite3_column_int64(st(s), col) != 0;
}

static const char *sq_col_text(nl_stmt *s, int col)
{
	const unsigned char *t = sqlite3_column_text(st(s), col);
	return t ? (const char *)t : "";
}

static const void *sq_col_blob(nl_stmt *s, int col, size_t *len)
{
	const void *p = sqlite3_column_blob(st(s), col);
	*len = (size_t)sqlite3_column_bytes(st(s), col);
	/* An empty blob comes back as NULL; only a NULL column should. */
	if (!p && sqlite3_column_type(st(s), col) != SQLITE_NULL)
		return "";
	return p;
}

static NL_MUST_USE nl_err sq_exec(nl_conn *c, const char *sql)
{
	return map_rc(sqlite3_exec(handle(c), sql, NULL, NULL, NULL));
}

static int64_t sq_changes(nl_stmt *s)
{
	return ((struct sq_stmt *)s)->changes;
}

static const char *sq_errmsg(nl_conn *c)
{
	return sqlite3_errmsg(handle(c));
}

static bool sq_in_tx(nl_conn *c)
{
	return !sqlite3_get_autocommit(handle(c));
}

const struct nl_db_driver nl_db_sqlite_driver = {
	.name = "sqlite",
	.db_open = sq_db_open,
	.db_close = sq_db_close,
	.connect = sq_connect,
	.disconnect = sq_disconnect,
	.healthy = sq_healthy,
	.prepare = sq_prepare,
	.bind_int64 = sq_bind_int64,
	.bind_text = sq_bind_text,
	.bind_blob = sq_bind_blob,
	.bind_null = sq_bind_null,
	.bind_bool = sq_bind_bool,
	.step = sq_step,
	.reset = sq_reset,
	.finalize = sq_finalize,
	.column_count = sq_column_count,
	.col_is_null = sq_col_is_null,
	.col_int64 = sq_col_int64,
	.col_bool = sq_col_bool,
	.col_text = sq_col_text,
	.col_blob = sq_col_blob,
	.exec = sq_exec,
	.changes = sq_changes,
	.errmsg = sq_errmsg,
	.in_tx = sq_in_tx,
	.begin_sql = "BEGIN IMMEDIATE",
};
