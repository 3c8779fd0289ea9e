/* One small query through the store (nl_store_institution_get: a typed
 * parameter, seven named columns, the statement from the connection's cache)
 * against the same query on the bare engine library with a statement prepared
 * once by hand (sqlite3_prepare_v2 / PQprepare), the ceiling.
 * Usage: store_query URL N   (URL: sqlite:/path or a libpq URL) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libpq-fe.h>
#include <sqlite3.h>

#include "store/db.h"
#include "store/migrate.h"
#include "store/store_institutions.h"

#define SQL "SELECT id, name, registry_no, address, active, created_at, updated_at" \
            " FROM institutions WHERE id = "

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* The ceiling: n runs of one hand-prepared statement, rows read as text. */
static int raw(const char *url, int64_t id, int n)
{
	char idtxt[24];
	snprintf(idtxt, sizeof idtxt, "%lld", (long long)id);
	if (!strncmp(url, "sqlite:", 7)) {
		sqlite3 *h;
		sqlite3_stmt *st;
		if (sqlite3_open(url + 7, &h) != SQLITE_OK ||
		    sqlite3_prepare_v2(h, SQL "?1", -1, &st, NULL) != SQLITE_OK)
			return -1;
		for (int k = 0; k < n; k++) {
			sqlite3_bind_int64(st, 1, id);
			if (sqlite3_step(st) != SQLITE_ROW)
				return -1;
			for (int c = 0; c < 7; c++)
				(void)sqlite3_column_text(st, c);
			sqlite3_reset(st);
		}
		sqlite3_finalize(st);
		sqlite3_close(h);
		return 0;
	}
	PGconn *h = PQconnectdb(url);
	const Oid int8 = 20;
	PGresult *r = PQprepare(h, "q", SQL "$1", 1, &int8);
	if (PQresultStatus(r) != PGRES_COMMAND_OK)
		return -1;
	PQclear(r);
	const char *v[1] = {idtxt};
	for (int k = 0; k < n; k++) {
		r = PQexecPrepared(h, "q", 1, v, NULL, NULL, 0);
		if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) != 1)
			return -1;
		PQclear(r);
	}
	PQfinish(h);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc != 3)
		return 2;
	const char *url = argv[1];
	int n = atoi(argv[2]);
	nl_db *db;
	nl_conn *c;
	if (nl_db_open(&db, url) || nl_store_migrate(db) || nl_db_conn(db, &c))
		return 1;
	char name[64];
	snprintf(name, sizeof name, "Bench %ld %ld", (long)time(NULL), (long)getpid());
	struct nl_institution inst = {.name = name, .registry_no = "", .address = "", .active = true};
	if (nl_store_institution_create(c, &inst))
		return 1;
	double t0 = now();
	clock_t c0 = clock();
	for (int k = 0; k < n; k++) {
		struct nl_institution o;
		if (nl_store_institution_get(c, inst.id, &o))
			return 1;
		free(o.name);
		free(o.registry_no);
		free(o.address);
	}
	double store_s = now() - t0, store_cpu = (double)(clock() - c0) / CLOCKS_PER_SEC;
	nl_db_close(db);
	t0 = now();
	c0 = clock();
	if (raw(url, inst.id, n))
		return 1;
	double raw_s = now() - t0, raw_cpu = (double)(clock() - c0) / CLOCKS_PER_SEC;
	printf("%.0f %.0f %.1f %.1f\n", n / store_s, n / raw_s, store_cpu / n * 1e6,
	       raw_cpu / n * 1e6);
	return 0;
}
