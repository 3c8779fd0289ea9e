/* The store tests' fixture: every test runs twice, on SQLite (a fresh file per
 * test) and on PostgreSQL (a database per test binary, from NL_TEST_PG_URL,
 * with a fresh public schema per test; dropped at the end).
 *
 * NL_TEST_PG_URL unset: the PostgreSQL cases are TAP skips. Set but
 * unreachable: they fail. */
#ifndef NL_TESTS_STORE_FIXTURE_H
#define NL_TESTS_STORE_FIXTURE_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "app/app.h"
#include "core/config.h"
#include "store/db.h"

struct fx {
	nl_db *db;
	nl_conn *c;
	enum nl_db_engine engine;
	char url[512];       /* what nl_db_open was given; open it again for a second db */
	char path[256];      /* SQLite file */
	struct nl_config cfg;   /* the defaults, web_dir the source tree's web/ */
	struct nl_app app;      /* cfg and db, no drivers: what the use cases take */
};

struct fx_test {
	const char *name;
	CMUnitTestFunction fn;
};
#define FX_TEST(f) {#f, f}

/* Runs every test on both engines as one TAP plan; returns main's status. */
int fx_main(const char *binary_name, const struct fx_test *tests, size_t n);

/* The fixture of this test, skipping it when PostgreSQL is not configured. */
struct fx *fx_get(void **state);

/* Runs one SQL text that must succeed (test set-up). */
void fx_exec(struct fx *f, const char *sql);
/* SELECT returning one integer. */
int64_t fx_int(struct fx *f, const char *sql);

#endif
