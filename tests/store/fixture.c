/* See fixture.h. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fixture.h"
#include "store/migrate.h"

static char pg_admin_url[512];
static char pg_test_url[512];
static char pg_dbname[64];
static int pg_state;   /* 0 unset (skip), 1 ready, -1 configured but unusable */

/* url with its database replaced by name: URI or key=value form. */
static void url_with_db(const char *url, const char *name, char *out, size_t size)
{
	const char *scheme = strstr(url, "://");
	if (!scheme) {
		snprintf(out, size, "%s dbname=%s", url, name);
		return;
	}
	const char *host = scheme + 3;
	const char *slash = strchr(host, '/');
	const char *query = strchr(host, '?');
	if (query && slash && slash > query)
		slash = NULL;
	size_t head = slash ? (size_t)(slash - url) : query ? (size_t)(query - url) : strlen(url);
	snprintf(out, size, "%.*s/%s%s", (int)head, url, name, query ? query : "");
}

static void pg_prepare_db(const char *binary_name)
{
	const char *url = getenv("NL_TEST_PG_URL");
	if (!url || !*url)
		return;
	pg_state = -1;
	snprintf(pg_admin_url, sizeof pg_admin_url, "%s", url);
	snprintf(pg_dbname, sizeof pg_dbname, "nl_%s_%ld", binary_name, (long)getpid());
	nl_db *db = NULL;
	nl_conn *c;
	char sql[128];
	if (nl_db_open(&db, url) != NL_OK || nl_db_engine(db) != NL_DB_POSTGRES) {
		fprintf(stderr, "# NL_TEST_PG_URL=%s is not a reachable PostgreSQL\n", url);
		nl_db_close(db);
		return;
	}
	nl_err_ignore(nl_db_conn(db, &c));
	snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS %s", pg_dbname);
	nl_err_ignore(nl_db_exec(c, sql));
	snprintf(sql, sizeof sql, "CREATE DATABASE %s", pg_dbname);
	if (nl_db_exec(c, sql) == NL_OK) {
		url_with_db(url, pg_dbname, pg_test_url, sizeof pg_test_url);
		pg_state = 1;
	} else {
		fprintf(stderr, "# CREATE DATABASE failed: %s\n", nl_db_errmsg(c));
	}
	nl_db_close(db);
}

static void pg_drop_db(void)
{
	if (pg_state != 1)
		return;
	nl_db *db = NULL;
	nl_conn *c;
	char sql[160];
	if (nl_db_open(&db, pg_admin_url) != NL_OK)
		return;
	nl_err_ignore(nl_db_conn(db, &c));
	snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS %s WITH (FORCE)", pg_dbname);
	if (nl_db_exec(c, sql) != NL_OK)
		fprintf(stderr, "# DROP DATABASE failed: %s\n", nl_db_errmsg(c));
	nl_db_close(db);
}

static int setup_common(void **state, enum nl_db_engine engine)
{
	struct fx *f = calloc(1, sizeof *f);
	*state = f;
	if (!f)
		return -1;
	f->engine = engine;
	if (engine == NL_DB_SQLITE) {
		snprintf(f->path, sizeof f->path, "/tmp/nl-store-test-XXXXXX");
		int fd = mkstemp(f->path);
		if (fd < 0)
			return -1;
		close(fd);
		snprintf(f->url, sizeof f->url, "sqlite:%s", f->path);
	} else {
		if (pg_state == 0)
			return 0;   /* the test skips itself in fx_get */
		if (pg_state < 0) {
			fprintf(stderr, "# PostgreSQL configured but unusable\n");
			return -1;
		}
		snprintf(f->url, sizeof f->url, "%s", pg_test_url);
		/* A fresh schema per test: the same starting point as a new SQLite file. */
		nl_db *db = NULL;
		nl_conn *c;
		if (nl_db_open(&db, f->url) != NL_OK)
			return -1;
		nl_err_ignore(nl_db_conn(db, &c));
		nl_err rc = nl_db_exec(c, "DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public");
		nl_db_close(db);
		if (rc != NL_OK)
			return -1;
	}
	if (nl_db_open(&f->db, f->url) != NL_OK || nl_store_migrate(f->db) != NL_OK ||
	    nl_db_conn(f->db, &f->c) != NL_OK)
		return -1;
	nl_config_defaults(&f->cfg, NL_SOURCE_ROOT "/web");
	f->app = (struct nl_app){.cfg = &f->cfg, .db = f->db};
	return 0;
}

static int setup_sqlite(void **state)
{
	return setup_common(state, NL_DB_SQLITE);
}

static int setup_pg(void **state)
{
	return setup_common(state, NL_DB_POSTGRES);
}

static int teardown(void **state)
{
	struct fx *f = *state;
	if (!f)
		return 0;
	nl_db_close(f->db);
	if (f->path[0]) {
		char p[300];
		unlink(f->path);
		snprintf(p, sizeof p, "%s-wal", f->path);
		unlink(p);
		snprintf(p, sizeof p, "%s-shm", f->path);
		unlink(p);
	}
	free(f);
	return 0;
}

struct fx *fx_get(void **state)
{
	struct fx *f = *state;
	if (f->engine == NL_DB_POSTGRES && pg_state == 0)
		skip();   /* NL_TEST_PG_URL not set */
	return f;
}

void fx_exec(struct fx *f, const char *sql)
{
	nl_err rc = nl_db_exec(f->c, sql);
	if (rc != NL_OK)
		fail_msg("%s: %s", sql, nl_db_errmsg(f->c));
}

int64_t fx_int(struct fx *f, const char *sql)
{
	nl_stmt *s = NULL;
	assert_int_equal(nl_db_prepare(f->c, sql, &s), NL_OK);
	assert_int_equal(nl_db_step(s), NL_DB_ROW);
	int64_t v = nl_db_col_int64(s, 0);
	nl_db_finalize(s);
	return v;
}

/* cmocka 1.1 prints a skipped test as "not ok N # SKIP", which TAP readers
 * (meson, scripts/count-tests.py) count as a failure; TAP wants "ok N # SKIP".
 * So stdout goes through a pipe and a thread that drops the "not " of those
 * lines and passes everything else through unchanged. */
static int tap_fd = -1;
static pthread_t tap_thread;

static void *tap_filter(void *arg)
{
	FILE *in = fdopen(*(int *)arg, "r");
	FILE *out = fdopen(tap_fd, "w");
	char *line = NULL;
	size_t cap = 0;
	while (in && out && getline(&line, &cap, in) > 0) {
		bool skip_line = !strncmp(line, "not ok ", 7) && strstr(line, "# SKIP");
		fputs(skip_line ? line + 4 : line, out);
		fflush(out);
	}
	free(line);
	if (in)
		fclose(in);
	return NULL;
}

static void tap_filter_start(void)
{
	static int pipe_fds[2];
	fflush(stdout);
	if (pipe(pipe_fds) != 0 || (tap_fd = dup(STDOUT_FILENO)) < 0)
		return;
	dup2(pipe_fds[1], STDOUT_FILENO);
	close(pipe_fds[1]);
	if (pthread_create(&tap_thread, NULL, tap_filter, &pipe_fds[0]) != 0) {
		dup2(tap_fd, STDOUT_FILENO);
		tap_fd = -1;
	}
}

static void tap_filter_stop(void)
{
	if (tap_fd < 0)
		return;
	fflush(stdout);
	int saved = dup(tap_fd);
	dup2(saved, STDOUT_FILENO);   /* closes the pipe's last write end: the filter ends */
	close(saved);
	pthread_join(tap_thread, NULL);
}

int fx_main(const char *binary_name, const struct fx_test *tests, size_t n)
{
	cmocka_set_message_output(CM_OUTPUT_TAP);
	tap_filter_start();
	pg_prepare_db(binary_name);
	struct CMUnitTest *all = calloc(2 * n, sizeof *all);
	char **names = calloc(2 * n, sizeof *names);
	if (!all || !names)
		return 1;
	for (size_t i = 0; i < 2 * n; i++) {
		bool pg = i >= n;
		const struct fx_test *t = &tests[i % n];
		size_t len = strlen(t->name) + 16;
		names[i] = malloc(len);
		snprintf(names[i], len, "%s/%s", pg ? "postgresql" : "sqlite", t->name);
		all[i] = (struct CMUnitTest){
			.name = names[i],
			.test_func = t->fn,
			.setup_func = pg ? setup_pg : setup_sqlite,
			.teardown_func = teardown,
		};
	}
	int failed = _cmocka_run_group_tests(binary_name, all, 2 * n, NULL, NULL);
	pg_drop_db();
	tap_filter_stop();
	for (size_t i = 0; i < 2 * n; i++)
		free(names[i]);
	free(names);
	free(all);
	return failed ? 1 : 0;
}
