/* The PostgreSQL driver (libpq): one connection per thread.
 *
 * A statement is prepared on the server (PQprepare) the first time its text
 * runs on a connection, with its parameters typed (int8 and bool as text,
 * text, bytea in binary format) so that the same $n SQL means the same on both
 * engines, and run by name (PQexecPrepared) from then on: each connection keeps
 * its prepared statements in a cache keyed by the SQL text and the parameter
 * types (a NULL is sent untyped and lets the server infer the type, which may
 * differ from the type a value would give). Results come back in text format: integers
 * parse with strtoll whatever their width (count(*), sum()), bytea is
 * unescaped on demand. The whole result is held by libpq; step walks its rows. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "store/db_internal.h"

/* Type OIDs from pg_type.h (stable since forever). */
#define OID_BOOL 16
#define OID_BYTEA 17
#define OID_INT8 20
#define OID_TEXT 25

struct pg_db {
	char *conninfo;
};

/* A statement prepared on the server of one connection. Enough slots for every
 * text of the application; when they run out the oldest is deallocated. */
#define PG_CACHE 256
struct pg_prep {
	char *sql;       /* NULL: free slot */
	uint64_t key;    /* hash of sql and types */
	Oid *types;      /* nparams types it was prepared with */
	int nparams;
	unsigned id;     /* server-side name "nl_<id>" */
};

struct pg_conn {
	nl_conn base;
	PGconn *h;
	char err[512];   /* last error of this connection, for logs */
	struct pg_prep cache[PG_CACHE];
	unsigned next_id;
	unsigned evict;  /* next slot to reuse when the cache is full */
};

struct pg_stmt {
	nl_stmt base;
	char *sql;
	char **values;        /* nparams malloc'd values (NULL = SQL NULL) */
	int *lengths;
	int *formats;
	Oid *types;
	uint64_t sql_hash;
	PGresult *res;        /* after the first step */
	int row;              /* current row, -1 before the first */
	int64_t changes;
	unsigned char **blobs; /* unescaped bytea of the current row, per column */
	size_t *blob_lens;
	int ncols;
};

static PGconn *handle(nl_conn *c)
{
	return ((struct pg_conn *)c)->h;
}

static void set_err(nl_conn *c, const char *msg)
{
	struct pg_conn *pc = (struct pg_conn *)c;
	snprintf(pc->err, sizeof pc->err, "%s", msg ? msg : "");
	size_t n = strlen(pc->err);
	while (n && (pc->err[n - 1] == '\n'))
		pc->err[--n] = '\0';
}

/* Maps a failed result to an nl_err by SQLSTATE. */
static NL_MUST_USE nl_err map_result(nl_conn *c, const PGresult *res)
{
	set_err(c, res ? PQresultErrorMessage(res) : PQerrorMessage(handle(c)));
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	/* The server went away (stopped, restarted, network): nl_db_conn
	 * reconnects next time; until then the database is unavailable. */
	if (PQstatus(handle(c)) != CONNECTION_OK || (state && (!strncmp(state, "08", 2) ||
	    !strcmp(state, "57P01") || !strcmp(state, "57P02") || !strcmp(state, "57P03"))))
		return NL_ERR_UNAVAILABLE;
	if (!state)
		return NL_ERR_DB;
	if (!strcmp(state, "23505"))
		return NL_ERR_CONFLICT;                 /* unique_violation */
	if (!strcmp(state, "40001") || !strcmp(state, "40P01") || !strcmp(state, "55P03"))
		return NL_ERR_BUSY;                     /* serialization, deadlock, lock_not_available */
	if (!strncmp(state, "23", 2))
		return NL_ERR_INVALID;                  /* foreign key, check, not null */
	return NL_ERR_DB;
}

static NL_MUST_USE nl_err pg_db_open(nl_db *db, const char *target)
{
	struct pg_db *d = calloc(1, sizeof *d);
	if (!d)
		return NL_ERR_NOMEM;
	db->drv_data = d;
	d->conninfo = strdup(target);
	return d->conninfo ? NL_OK : NL_ERR_NOMEM;
}

static void pg_db_close(nl_db *db)
{
	struct pg_db *d = db->drv_data;
	free(d->conninfo);
	free(d);
	db->drv_data = NULL;
}

/* NOTICEs ("relation already exists, skipping", "drop cascades") are chatter,
 * not errors; libpq would print each to stderr. */
static void ignore_notice(void *arg, const char *message)
{
	(void)arg;
	(void)message;
}

static NL_MUST_USE nl_err pg_connect(nl_db *db, nl_conn **out)
{
	struct pg_db *d = db->drv_data;
	struct pg_conn *c = calloc(1, sizeof *c);
	if (!c)
		return NL_ERR_NOMEM;
	c->h = PQconnectdb(d->conninfo);
	if (!c->h || PQstatus(c->h) != CONNECTION_OK) {
		/* The message may contain the host but never a password we hold. */
		fprintf(stderr, "store: postgresql connect: %s", c->h ? PQerrorMessage(c->h) : "no memory\n");
		PQfinish(c->h);
		free(c);
		return NL_ERR_UNAVAILABLE;
	}
	PQsetClientEncoding(c->h, "UTF8");
	PQsetNoticeProcessor(c->h, ignore_notice, NULL);
	*out = &c->base;
	return NL_OK;
}

static void prep_forget(struct pg_prep *k)
{
	free(k->sql);
	free(k->types);
	memset(k, 0, sizeof *k);
}

static void pg_disconnect(nl_conn *c)
{
	struct pg_conn *pc = (struct pg_conn *)c;
	for (size_t i = 0; i < PG_CACHE; i++)
		prep_forget(&pc->cache[i]);
	PQfinish(handle(c));   /* the server drops its prepared statements with it */
	free(c);
}

static bool pg_healthy(nl_conn *c)
{
	return PQstatus(handle(c)) == CONNECTION_OK;
}

static void clear_blobs(struct pg_stmt *s)
{
	for (int i = 0; s->blobs && i < s->ncols; i++) {
		PQfreemem(s->blobs[i]);
		s->blobs[i] = NULL;
	}
}

static void clear_result(struct pg_stmt *s)
{
	clear_blobs(s);
	free(s->blobs);
	free(s->blob_lens);
	s->blobs = NULL;
	s->blob_lens = NULL;
	s->ncols = 0;
	PQclear(s->res);
	s->res = NULL;
	s->row = -1;
}

static bool pg_in_tx(nl_conn *c);

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
	for (const unsigned char *b = p; n--; b++)
		h = (h ^ *b) * 1099511628211ULL;
	return h;
}

static NL_MUST_USE nl_err pg_prepare(nl_conn *c, const char *sql, int nparams, nl_stmt **out)
{
	struct pg_stmt *s = calloc(1, sizeof *s);
	if (!s)
		return NL_ERR_NOMEM;
	s->row = -1;
	s->sql = strdup(sql);
	size_t n = nparams > 0 ? (size_t)nparams : 1;
	s->values = calloc(n, sizeof *s->values);
	s->lengths = calloc(n, sizeof *s->lengths);
	s->formats = calloc(n, sizeof *s->formats);
	s->types = calloc(n, sizeof *s->types);
	if (!s->sql || !s->values || !s->lengths || !s->formats || !s->types) {
		free(s->sql), free(s->values), free(s->lengths), free(s->formats), free(s->types);
		free(s);
		return NL_ERR_NOMEM;
	}
	(void)c;
	s->sql_hash = fnv(1469598103934665603ULL, sql, strlen(sql));
	*out = &s->base;
	return NL_OK;
}

/* Stores one parameter value (a private copy). */
static NL_MUST_USE nl_err set_param(nl_stmt *st, int idx, Oid type, const void *p, size_t n, int format)
{
	struct pg_stmt *s = (struct pg_stmt *)st;
	int i = idx - 1;
	free(s->values[i]);
	s->values[i] = NULL;
	s->types[i] = type;
	s->formats[i] = format;
	s->lengths[i] = 0;
	if (!p)
		return NL_OK;
	if (n > 0x7fffffff)
		return NL_ERR_TOO_LARGE;
	s->values[i] = malloc(n + 1);
	if (!s->values[i])
		return NL_ERR_NOMEM;
	memcpy(s->values[i], p, n);
	s->values[i][n] = '\0';
	s->lengths[i] = (int)n;
	return NL_OK;
}

static NL_MUST_USE nl_err pg_bind_int64(nl_stmt *s, int idx, int64_t v)
{
	char buf[24];
	int n = snprintf(buf, sizeof buf, "%lld", (long long)v);
	return set_param(s, idx, OID_INT8, buf, (size_t)n, 0);
}

static NL_MUST_USE nl_err pg_bind_text(nl_stmt *s, int idx, const char *v)
{
	return set_param(s, idx, OID_TEXT, v, strlen(v), 0);
}

static NL_MUST_USE nl_err pg_bind_blob(nl_stmt *s, int idx, const void *p, size_t n)
{
	/* A non-NULL pointer even for an empty blob: NULL would mean SQL NULL. */
	return set_param(s, idx, OID_BYTEA, n ? p : "", n, 1);
}

static NL_MUST_USE nl_err pg_bind_null(nl_stmt *s, int idx)
{
	/* Type 0: let the server infer it from the context. */
	return set_param(s, idx, 0, NULL, 0, 0);
}

static NL_MUST_USE nl_err pg_bind_bool(nl_stmt *s, int idx, bool v)
{
	return set_param(s, idx, OID_BOOL, v ? "t" : "f", 1, 0);
}

/* The server-side statement for s's text and current parameter types on its
 * connection: found in the cache, or prepared now and kept. */
static NL_MUST_USE nl_err prep_get(struct pg_stmt *s, struct pg_prep **out)
{
	struct pg_conn *pc = (struct pg_conn *)s->base.conn;
	int n = s->base.nparams;
	uint64_t key = fnv(s->sql_hash, s->types, (size_t)n * sizeof *s->types);
	for (size_t i = 0; i < PG_CACHE; i++) {
		struct pg_prep *k = &pc->cache[i];
		if (k->sql && k->key == key && k->nparams == n && !strcmp(k->sql, s->sql) &&
		    !memcmp(k->types, s->types, (size_t)n * sizeof *s->types)) {
			*out = k;
			return NL_OK;
		}
	}
	struct pg_prep *k = NULL;
	for (size_t i = 0; i < PG_CACHE && !k; i++)
		if (!pc->cache[i].sql)
			k = &pc->cache[i];
	char name[24];
	if (!k) {
		/* Full: deallocate the slot next in turn. Harmless if it fails (an
		 * aborted transaction): a name is never reused. */
		k = &pc->cache[pc->evict++ % PG_CACHE];
		char sql[48];
		snprintf(sql, sizeof sql, "DEALLOCATE nl_%u", k->id);
		PQclear(PQexec(pc->h, sql));
		prep_forget(k);
	}
	k->sql = strdup(s->sql);
	k->types = malloc((size_t)(n ? n : 1) * sizeof *k->types);
	if (!k->sql || !k->types) {
		prep_forget(k);
		return NL_ERR_NOMEM;
	}
	memcpy(k->types, s->types, (size_t)n * sizeof *s->types);
	k->key = key;
	k->nparams = n;
	k->id = pc->next_id++;
	snprintf(name, sizeof name, "nl_%u", k->id);
	PGresult *res = PQprepare(pc->h, name, s->sql, n, s->types);
	nl_db_count_prepare(pc->base.db);
	nl_err rc = NL_OK;
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		rc = map_result(&pc->base, res);
		prep_forget(k);
	}
	PQclear(res);
	*out = rc == NL_OK ? k : NULL;
	return rc;
}

/* A prepared statement the server no longer has as we prepared it: gone
 * (DEALLOCATE ALL, DISCARD ALL, a pooler) or its result changed shape under a
 * schema change. */
enum { STALE_NO, STALE_GONE, STALE_CHANGED };
static int stale(const PGresult *res)
{
	const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
	if (state && !strcmp(state, "26000"))
		return STALE_GONE;
	if (state && !strcmp(state, "0A000") && strstr(PQresultErrorMessage(res), "cached plan"))
		return STALE_CHANGED;
	return STALE_NO;
}

/* Runs s by its prepared statement into s->res. A stale statement is prepared
 * again and run once more; inside a transaction the error has already
 * aborted it, so NL_ERR_BUSY has nl_store_run_tx run the transaction again. */
static NL_MUST_USE nl_err execute(struct pg_stmt *s)
{
	nl_conn *c = s->base.conn;
	for (int attempt = 0;; attempt++) {
		struct pg_prep *k;
		nl_err rc = prep_get(s, &k);
		if (rc != NL_OK)
			return rc;
		char name[24];
		snprintf(name, sizeof name, "nl_%u", k->id);
		s->res = PQexecPrepared(handle(c), name, s->base.nparams,
		                        (const char *const *)s->values, s->lengths, s->formats, 0);
		ExecStatusType status = PQresultStatus(s->res);
		if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK)
			return NL_OK;
		int gone = stale(s->res);
		rc = map_result(c, s->res);
		PQclear(s->res);
		s->res = NULL;
		if (gone == STALE_NO)
			return rc;
		if (gone == STALE_GONE) {
			/* DEALLOCATE ALL took every statement of the connection. */
			struct pg_conn *pc = (struct pg_conn *)c;
			for (size_t i = 0; i < PG_CACHE; i++)
				prep_forget(&pc->cache[i]);
		} else {
			prep_forget(k);   /* left on the server under a name never used again */
		}
		if (attempt > 0 || pg_in_tx(c))
			return NL_ERR_BUSY;
	}
}

static int pg_step(nl_stmt *st)
{
	struct pg_stmt *s = (struct pg_stmt *)st;
	if (!s->res) {
		nl_err e = execute(s);
		if (e != NL_OK) {
			clear_result(s);
			return (int)e;
		}
		ExecStatusType status = PQresultStatus(s->res);
		if (status == PGRES_COMMAND_OK) {
			const char *t = PQcmdTuples(s->res);
			s->changes = *t ? strtoll(t, NULL, 10) : 0;
			return NL_DB_DONE;
		}
		const char *t = PQcmdTuples(s->res);
		s->changes = *t ? strtoll(t, NULL, 10) : 0;  /* INSERT ... RETURNING */
		s->ncols = PQnfields(s->res);
		s->blobs = calloc((size_t)s->ncols + 1, sizeof *s->blobs);
		s->blob_lens = calloc((size_t)s->ncols + 1, sizeof *s->blob_lens);
		if (!s->blobs || !s->blob_lens) {
			clear_result(s);
			return NL_ERR_NOMEM;
		}
	}
	clear_blobs(s);
	if (PQresultStatus(s->res) != PGRES_TUPLES_OK)
		return NL_DB_DONE;
	if (s->row + 1 >= PQntuples(s->res)) {
		s->row = PQntuples(s->res);
		return NL_DB_DONE;
	}
	s->row++;
	return NL_DB_ROW;
}

static NL_MUST_USE nl_err pg_reset(nl_stmt *st)
{
	struct pg_stmt *s = (struct pg_stmt *)st;
	clear_result(s);
	s->changes = 0;
	return NL_OK;
}

static void pg_finalize(nl_stmt *st)
{
	struct pg_stmt *s = (struct pg_stmt *)st;
	clear_result(s);
	for (int i = 0; i < st->nparams; i++)
		free(s->values[i]);
	free(s->values), free(s->lengths), free(s->formats), free(s->types);
	free(s->sql);
	free(s);
}

static bool has_row(struct pg_stmt *s, int col)
{
	return s->res && s->row >= 0 && s->row < PQntuples(s->res) && col >= 0 && col < s->ncols;
}

static int pg_column_count(nl_stmt *st)
{
	struct pg_stmt *s = (struct pg_stmt *)st;
	return s->res ? PQnfields(s->res) : 0;
}

static bool pg_col_is_null(nl_stmt *st, int col)
{
	struct pg_stmt *s = (struct pg_stmt *)st;
	return !has_row(s, col) || PQgetisnull(s->res, s->row, col);
}

static int64_t pg_col_int64(nl_stmt *st, int col)
{
	struct pg_stmt *s = (struct pg_stmt *)st;
	if (pg_col_is_null(st, col))
		return 0;
	const char *v = PQgetvalue(s->res, s->row, col);
	if (PQftype(s->res, col) == OID_BOOL)
		return *v == 't';
	return strtoll(v, NULL, 10);
}

static bool pg_col_bool(nl_stmt *st, int col)
{
	struct pg_stmt *s = (struct pg_stmt *)st;
	if (pg_col_is_null(st, col))
		return false;
	const char *v = PQgetvalue(s->res, s->row, col);
	if (PQftype(s->res, col) == OID_BOOL)
		return *v == 't';
	return strtoll(v, NULL, 10) != 0;
}

static const char *pg_col_text(nl_stmt *st, int col)
{
	struct pg_stmt *s = (struct pg_stmt *)st;
	if (pg_col_is_null(st, col))
		return "";
	return PQgetvalue(s->res, s->row, col);
}

static const void *pg_col_blob(nl_stmt *st, int col, size_t *len)
{
	struct pg_stmt *s = (struct pg_stmt *)st;
	*len = 0;
	if (pg_col_is_null(st, col))
		return NULL;
	const char *v = PQgetvalue(s->res, s->row, col);
	if (PQftype(s->res, col) != OID_BYTEA) {
		*len = (size_t)PQgetlength(s->res, s->row, col);
		return v;
	}
	if (!s->blobs[col]) {
		s->blobs[col] = PQunescapeBytea((const unsigned char *)v, &s->blob_lens[col]);
		if (!s->blobs[col])
			return NULL;
	}
	*len = s->blob_lens[col];
	return s->blob_lens[col] ? (const void *)s->blobs[col] : "";
}

static NL_MUST_USE nl_err pg_exec(nl_conn *c, const char *sql)
{
	PGresult *res = PQexec(handle(c), sql);
	ExecStatusType status = PQresultStatus(res);
	nl_err rc = NL_OK;
	if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK && status != PGRES_EMPTY_QUERY)
		rc = map_result(c, res);
	PQclear(res);
	return rc;
}

static int64_t pg_changes(nl_stmt *st)
{
	return ((struct pg_stmt *)st)->changes;
}

static const char *pg_errmsg(nl_conn *c)
{
	return ((struct pg_conn *)c)->err;
}

static bool pg_in_tx(nl_conn *c)
{
	PGTransactionStatusType t = PQtransactionStatus(handle(c));
	return t == PQTRANS_INTRANS || t == PQTRANS_INERROR || t == PQTRANS_ACTIVE;
}

const struct nl_db_driver nl_db_pg_driver = {
	.name = "postgresql",
	.db_open = pg_db_open,
	.db_close = pg_db_close,
	.connect = pg_connect,
	.disconnect = pg_disconnect,
	.healthy = pg_healthy,
	.prepare = pg_prepare,
	.bind_int64 = pg_bind_int64,
	.bind_text = pg_bind_text,
	.bind_blob = pg_bind_blob,
	.bind_null = pg_bind_null,
	.bind_bool = pg_bind_bool,
	.step = pg_step,
	.reset = pg_reset,
	.finalize = pg_finalize,
	.column_count = pg_column_count,
	.col_is_null = pg_col_is_null,
	.col_int64 = pg_col_int64,
	.col_bool = pg_col_bool,
	.col_text = pg_col_text,
	.col_blob = pg_col_blob,
	.exec = pg_exec,
	.changes = pg_changes,
	.errmsg = pg_errmsg,
	.in_tx = pg_in_tx,
	.begin_sql = "BEGIN",
};
