/* The engine-neutral half of the driver interface: URL dispatch, one connection
 * per thread, $n scanning, time accounting for /metrics and the transaction
 * runner with retry. The engines live in db_sqlite.c and db_pg.c. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "store/db_internal.h"

/* Bounded retry: enough to ride out a burst of writers, small enough that a
 * stuck database fails a request in well under a second of back-off. */
#define TX_MAX_ATTEMPTS 12
#define TX_BACKOFF_MAX_US 64000u

static uint64_t now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

/* Adds the time since t0 to the database's total. */
static void account(nl_db *db, uint64_t t0)
{
	atomic_fetch_add_explicit(&db->time_us, now_us() - t0, memory_order_relaxed);
}

static bool has_prefix(const char *s, const char *p)
{
	return strncmp(s, p, strlen(p)) == 0;
}

/* pthread key destructor: a thread that ends closes its own connection. */
static void conn_destructor(void *p)
{
	nl_conn *c = p;
	nl_db *db = c->db;
	pthread_mutex_lock(&db->mu);
	if (c->prev)
		c->prev->next = c->next;
	else
		db->conns = c->next;
	if (c->next)
		c->next->prev = c->prev;
	pthread_mutex_unlock(&db->mu);
	db->drv->disconnect(c);
}

nl_err nl_db_open(nl_db **out, const char *url)
{
	*out = NULL;
	if (!url || !*url)
		return NL_ERR_CONFIG;
	if (sodium_init() < 0)
		return NL_ERR_INTERNAL;
	nl_db *db = calloc(1, sizeof *db);
	if (!db)
		return NL_ERR_NOMEM;
	const char *target;
	if (has_prefix(url, "sqlite:")) {
		db->drv = &nl_db_sqlite_driver;
		db->engine = NL_DB_SQLITE;
		target = url + strlen("sqlite:");
	} else if (has_prefix(url, "postgresql:") || has_prefix(url, "postgres:") || strchr(url, '=')) {
		db->drv = &nl_db_pg_driver;
		db->engine = NL_DB_POSTGRES;
		target = url;
	} else {
		free(db);
		return NL_ERR_CONFIG;
	}
	db->busy_timeout_ms = 5000;
	if (pthread_key_create(&db->key, conn_destructor) != 0) {
		free(db);
		return NL_ERR_INTERNAL;
	}
	pthread_mutex_init(&db->mu, NULL);
	nl_err rc = db->drv->db_open(db, target);
	nl_conn *c;
	/* Connect now so that a wrong URL fails at start, not at the first request. */
	if (rc == NL_OK)
		rc = nl_db_conn(db, &c);
	if (rc != NL_OK) {
		nl_db_close(db);
		return rc;
	}
	*out = db;
	return NL_OK;
}

void nl_db_close(nl_db *db)
{
	if (!db)
		return;
	pthread_setspecific(db->key, NULL);
	pthread_key_delete(db->key);  /* destructors of other threads no longer run */
	pthread_mutex_lock(&db->mu);
	nl_conn *c = db->conns;
	db->conns = NULL;
	pthread_mutex_unlock(&db->mu);
	while (c) {
		nl_conn *next = c->next;
		db->drv->disconnect(c);
		c = next;
	}
	if (db->drv_data)
		db->drv->db_close(db);
	pthread_mutex_destroy(&db->mu);
	free(db);
}

enum nl_db_engine nl_db_engine(const nl_db *db)
{
	return db->engine;
}

uint64_t nl_db_time_us(const nl_db *db)
{
	return atomic_load_explicit(&db->time_us, memory_order_relaxed);
}

uint64_t nl_db_prepares(const nl_db *db)
{
	return atomic_load_explicit(&db->prepares, memory_order_relaxed);
}

uint64_t nl_db_tx_retries(const nl_db *db)
{
	return atomic_load_explicit(&db->tx_retries, memory_order_relaxed);
}

void nl_db_set_busy_timeout(nl_db *db, int ms)
{
	db->busy_timeout_ms = ms;
}

void nl_db_set_offline(nl_db *db, bool offline)
{
	atomic_store(&db->offline, offline);
}

nl_err nl_db_conn(nl_db *db, nl_conn **out)
{
	if (atomic_load_explicit(&db->offline, memory_order_relaxed)) {
		*out = NULL;
		return NL_ERR_UNAVAILABLE;
	}
	nl_conn *c = pthread_getspecific(db->key);
	if (c && !db->drv->healthy(c)) {
		/* A PostgreSQL server restart leaves a dead socket: start afresh. */
		nl_db_thread_done(db);
		c = NULL;
	}
	if (!c) {
		uint64_t t0 = now_us();
		nl_err rc = db->drv->connect(db, &c);
		account(db, t0);
		if (rc != NL_OK) {
			*out = NULL;
			return rc;
		}
		c->db = db;
		pthread_mutex_lock(&db->mu);
		c->prev = NULL;
		c->next = db->conns;
		if (db->conns)
			db->conns->prev = c;
		db->conns = c;
		pthread_mutex_unlock(&db->mu);
		pthread_setspecific(db->key, c);
	}
	*out = c;
	return NL_OK;
}

void nl_db_thread_done(nl_db *db)
{
	nl_conn *c = pthread_getspecific(db->key);
	if (!c)
		return;
	pthread_setspecific(db->key, NULL);
	conn_destructor(c);
}

int nl_db_sql_params(const char *sql, char **out)
{
	size_t len = strlen(sql);
	char *w = NULL;
	if (out) {
		*out = NULL;
		w = malloc(len + 1);  /* "?n" is as long as "$n" */
		if (!w)
			return -1;
	}
	int max = 0;
	size_t o = 0;
	for (size_t i = 0; i < len;) {
		char ch = sql[i];
		if (ch == '\'' || ch == '"') {
			/* Literal or quoted identifier; a doubled quote is an escaped one. */
			size_t j = i + 1;
			while (j < len && !(sql[j] == ch && sql[j + 1] != ch))
				j += sql[j] == ch ? 2 : 1;
			j = j < len ? j + 1 : len;
			if (w)
				memcpy(w + o, sql + i, j - i), o += j - i;
			i = j;
		} else if (ch == '-' && sql[i + 1] == '-') {
			size_t j = i;
			while (j < len && sql[j] != '\n')
				j++;
			if (w)
				memcpy(w + o, sql + i, j - i), o += j - i;
			i = j;
		} else if (ch == '/' && sql[i + 1] == '*') {
			const char *end = strstr(sql + i + 2, "*/");
			size_t j = end ? (size_t)(end - sql) + 2 : len;
			if (w)
				memcpy(w + o, sql + i, j - i), o += j - i;
			i = j;
		} else if (ch == '$' && sql[i + 1] >= '1' && sql[i + 1] <= '9') {
			int n = 0;
			size_t j = i + 1;
			while (j < len && sql[j] >= '0' && sql[j] <= '9') {
				n = n * 10 + (sql[j] - '0');
				if (n > 32766)
					goto bad;
				j++;
			}
			if (n > max)
				max = n;
			if (w) {
				w[o++] = '?';
				memcpy(w + o, sql + i + 1, j - i - 1), o += j - i - 1;
			}
			i = j;
		} else {
			if (w)
				w[o++] = ch;
			i++;
		}
	}
	if (w) {
		w[o] = '\0';
		*out = w;
	}
	return max;
bad:
	free(w);
	return -1;
}

nl_err nl_db_prepare(nl_conn *c, const char *sql, nl_stmt **out)
{
	*out = NULL;
	int n = nl_db_sql_params(sql, NULL);
	if (n < 0)
		return NL_ERR_INVALID;
	uint64_t t0 = now_us();
	nl_err rc = c->db->drv->prepare(c, sql, n, out);
	account(c->db, t0);
	if (rc == NL_OK) {
		(*out)->conn = c;
		(*out)->nparams = n;
	}
	return rc;
}

/* One value to $idx through the driver's typed binder. */
static NL_MUST_USE nl_err bind_one(nl_stmt *s, int idx, const struct nl_param *p)
{
	const struct nl_db_driver *d = s->conn->db->drv;
	switch (p->kind) {
	case NL_PARAM_NULL:
		return d->bind_null(s, idx);
	case NL_PARAM_INT:
		return d->bind_int64(s, idx, p->i);
	case NL_PARAM_BOOL:
		return d->bind_bool(s, idx, p->i != 0);
	case NL_PARAM_TEXT:
		return p->p ? d->bind_text(s, idx, p->p) : d->bind_null(s, idx);
	case NL_PARAM_BLOB:
		return p->p ? d->bind_blob(s, idx, p->p, p->n) : d->bind_null(s, idx);
	}
	return NL_ERR_INTERNAL;
}

nl_err nl_db_bind(nl_stmt *s, const struct nl_param *params, size_t n)
{
	/* One value per $n: a missing or extra value is a programming error that
	 * the SQL text alone reveals, so it is caught on the first run. */
	if (n != (size_t)s->nparams || (n && !params))
		return NL_ERR_INTERNAL;
	for (size_t i = 0; i < n; i++) {
		nl_err rc = bind_one(s, (int)i + 1, &params[i]);
		if (rc != NL_OK)
			return rc;
	}
	return NL_OK;
}

nl_err nl_db_query(nl_conn *c, nl_stmt **out, const char *sql, const struct nl_param *params,
                   size_t n)
{
	nl_stmt *s = NULL;
	*out = NULL;
	nl_err rc = nl_db_prepare(c, sql, &s);
	if (rc == NL_OK)
		rc = nl_db_bind(s, params, n);
	if (rc != NL_OK) {
		nl_db_finalize(s);
		return rc;
	}
	*out = s;
	return NL_OK;
}

int nl_db_step(nl_stmt *s)
{
	uint64_t t0 = now_us();
	int r = s->conn->db->drv->step(s);
	account(s->conn->db, t0);
	return r;
}

nl_err nl_db_reset(nl_stmt *s)
{
	return s->conn->db->drv->reset(s);
}

void nl_db_finalize(nl_stmt *s)
{
	if (s)
		s->conn->db->drv->finalize(s);
}

int nl_db_column_count(nl_stmt *s)
{
	return s->conn->db->drv->column_count(s);
}

bool nl_db_col_is_null(nl_stmt *s, int col)
{
	return s->conn->db->drv->col_is_null(s, col);
}

int64_t nl_db_col_int64(nl_stmt *s, int col)
{
	return s->conn->db->drv->col_int64(s, col);
}

bool nl_db_col_bool(nl_stmt *s, int col)
{
	return s->conn->db->drv->col_bool(s, col);
}

const char *nl_db_col_text(nl_stmt *s, int col)
{
	return s->conn->db->drv->col_text(s, col);
}

const void *nl_db_col_blob(nl_stmt *s, int col, size_t *len)
{
	size_t dummy;
	return s->conn->db->drv->col_blob(s, col, len ? len : &dummy);
}

nl_err nl_db_exec(nl_conn *c, const char *sql)
{
	uint64_t t0 = now_us();
	nl_err rc = c->db->drv->exec(c, sql);
	account(c->db, t0);
	return rc;
}

int64_t nl_db_changes(nl_stmt *s)
{
	return s->conn->db->drv->changes(s);
}

const char *nl_db_errmsg(nl_conn *c)
{
	return c->db->drv->errmsg(c);
}

bool nl_db_in_tx(nl_conn *c)
{
	return c->db->drv->in_tx(c);
}

int nl_db_param_count(nl_stmt *s)
{
	return s->nparams;
}

nl_db *nl_db_of(nl_conn *c)
{
	return c->db;
}

/* Sleeps a random time in [cap/2, cap] with cap doubling per attempt, so that
 * writers that collided do not collide again in lock-step. */
static void backoff(int attempt)
{
	uint32_t cap = 1000u << (attempt < 6 ? attempt : 6);
	if (cap > TX_BACKOFF_MAX_US)
		cap = TX_BACKOFF_MAX_US;
	uint32_t us = cap / 2 + randombytes_uniform(cap / 2 + 1);
	struct timespec ts = {.tv_sec = 0, .tv_nsec = (long)us * 1000};
	nanosleep(&ts, NULL);
}

nl_err nl_store_run_tx(nl_db *db, nl_tx_fn fn, void *ctx)
{
	nl_conn *c;
	nl_err rc = nl_db_conn(db, &c);
	if (rc != NL_OK)
		return rc;
	/* Already inside a transaction on this thread: join it, so that store
	 * functions that open their own transaction compose into a caller's. */
	if (nl_db_in_tx(c))
		return fn(c, ctx);
	for (int attempt = 0; attempt < TX_MAX_ATTEMPTS; attempt++) {
		if (attempt > 0) {
			atomic_fetch_add_explicit(&db->tx_retries, 1, memory_order_relaxed);
			backoff(attempt);
			if ((rc = nl_db_conn(db, &c)) != NL_OK)
				return rc;
		}
		rc = nl_db_exec(c, db->drv->begin_sql);
		if (rc == NL_OK)
			rc = fn(c, ctx);
		/* A connection lost before COMMIT (a PostgreSQL restart or
		 * fail-over) lost the whole transaction: safe to run again on a
		 * new connection. Lost during COMMIT it may have committed, so
		 * that error is returned as it is. */
		if ((rc == NL_ERR_DB || rc == NL_ERR_UNAVAILABLE) && !db->drv->healthy(c))
			rc = NL_ERR_BUSY;
		if (rc == NL_OK)
			rc = nl_db_exec(c, "COMMIT");
		if (rc != NL_OK && db->drv->healthy(c) && nl_db_in_tx(c))
			nl_err_ignore(nl_db_exec(c, "ROLLBACK"));
		if (rc != NL_ERR_BUSY)
			return rc;
	}
	return NL_ERR_BUSY;
}
