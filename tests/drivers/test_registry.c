/* The population registry: the simulator over data/demo-citizens.json (Turkish
 * name comparison, the dead, unknown numbers, a broken data file) and the HTTP
 * JSON driver against a stub registry on loopback (http_stub.py). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>
#include <jansson.h>

#include "core/validate.h"
#include "drivers/registry.h"
#include "helper_proc.h"

#define DEMO NL_SOURCE_ROOT "/data/demo-citizens.json"

static nl_registry *open_sim(void)
{
	struct nl_registry_config cfg;
	nl_registry *r = NULL;
	nl_registry_config_defaults(&cfg);
	assert_int_equal(nl_registry_config_set(&cfg, "data_file", DEMO), NL_OK);
	assert_int_equal(nl_registry_open(&cfg, &r), NL_OK);
	assert_string_equal(r->name, "simulator");
	return r;
}

static bool verify(nl_registry *r, const char *tckn, const char *g, const char *s,
	const char *p, const char *d)
{
	struct nl_identity_claim c = {tckn, g, s, p, d};
	struct nl_drv_error e = {0};
	bool match = true;
	assert_int_equal(r->verify(r->self, &c, &match, &e), NL_OK);
	return match;
}

static void demo_file_is_valid(void **state)
{
	(void)state;
	json_t *root = json_load_file(DEMO, JSON_REJECT_DUPLICATES, NULL);
	assert_non_null(root);
	json_t *list = json_object_get(root, "citizens");
	assert_true(json_array_size(list) >= 12);
	size_t i;
	json_t *p;
	bool letters[7] = {0};
	const char *want[7] = {"İ", "I", "Ş", "Ğ", "Ü", "Ö", "Ç"};
	json_array_foreach(list, i, p) {
		const char *t = json_string_value(json_object_get(p, "tckn"));
		assert_null(nl_valid_tckn(t));   /* both check digits right */
		char all[512];
		snprintf(all, sizeof all, "%s %s %s",
			json_string_value(json_object_get(p, "given_name")),
			json_string_value(json_object_get(p, "surname")),
			json_string_value(json_object_get(p, "birth_place")));
		for (int k = 0; k < 7; k++)
			letters[k] |= strstr(all, want[k]) != NULL;
	}
	for (int k = 0; k < 7; k++)
		assert_true(letters[k]);
	json_decref(root);
	/* the simulator loads it */
	nl_registry *r = open_sim();
	nl_registry_free(r);
}

static void sim_lookup(void **state)
{
	(void)state;
	nl_registry *r = open_sim();
	struct nl_citizen c;
	struct nl_drv_error e = {0};
	assert_int_equal(r->lookup(r->self, "50375302858", &c, &e), NL_OK);
	assert_string_equal(c.given_name, "ILGAZ");
	assert_string_equal(c.surname, "IŞIK");
	assert_string_equal(c.birth_place, "KASTAMONU");
	assert_string_equal(c.birth_date, "1983-02-11");
	assert_true(c.alive);
	assert_int_equal(r->lookup(r->self, "69403057318", &c, &e), NL_OK);
	assert_false(c.alive);
	/* valid number, nobody has it */
	assert_int_equal(r->lookup(r->self, "10000000146", &c, &e), NL_ERR_NOT_FOUND);
	/* broken check digit */
	assert_int_equal(r->lookup(r->self, "50375302859", &c, &e), NL_ERR_INVALID);
	nl_registry_free(r);
}

static void sim_verify_turkish_names(void **state)
{
	(void)state;
	nl_registry *r = open_sim();
	/* as typed: lower case, Turkish letters, extra spaces */
	assert_true(verify(r, "64172043210", "ayşe", "yılmaz", "istanbul", "1985-03-14"));
	assert_true(verify(r, "64172043210", "  Ayşe ", "YILMAZ", "İstanbul", "1985-03-14"));
	assert_true(verify(r, "50375302858", "ılgaz", "ışık", "kastamonu", "1983-02-11"));
	assert_true(verify(r, "61771293848", "fatma   nur", "ekşioğlu", "kırşehir", "1998-10-28"));
	assert_true(verify(r, "54951125596", "İpek", "ünal", "ağrı", "2000-05-15"));
	/* dotted and dotless i are different letters */
	assert_false(verify(r, "50375302858", "ilgaz", "ışık", "kastamonu", "1983-02-11"));
	assert_false(verify(r, "64172043210", "ayşe", "yilmaz", "istanbul", "1985-03-14"));
	/* S is not Ş, G is not Ğ */
	assert_false(verify(r, "50375302858", "ılgaz", "ISIK", "kastamonu", "1983-02-11"));
	assert_false(verify(r, "54951125596", "ipek", "ünal", "agri", "2000-05-15"));
	/* one wrong field of five */
	assert_false(verify(r, "64172043210", "ayşe", "yılmaz", "istanbul", "1985-03-15"));
	assert_false(verify(r, "64172043210", "ayşe", "yılmaz", "ankara", "1985-03-14"));
	assert_false(verify(r, "64172043210", "ayşe nur", "yılmaz", "istanbul", "1985-03-14"));
	/* the dead do not log in */
	assert_false(verify(r, "69403057318", "hüseyin", "gök", "ığdır", "1950-03-03"));
	/* unknown and malformed numbers: no match, no error (nothing revealed) */
	assert_false(verify(r, "10000000146", "ayşe", "yılmaz", "istanbul", "1985-03-14"));
	assert_false(verify(r, "123", "ayşe", "yılmaz", "istanbul", "1985-03-14"));
	nl_registry_free(r);
}

static void sim_refuses_broken_data_file(void **state)
{
	(void)state;
	char dir[256], path[300];
	nl_registry *r = NULL;
	assert_int_equal(make_tmpdir(dir, sizeof dir), 0);
	snprintf(path, sizeof path, "%s/c.json", dir);
	FILE *f = fopen(path, "w");
	/* 10000000147: last check digit wrong */
	fputs("[{\"tckn\":\"10000000147\",\"given_name\":\"A\",\"surname\":\"B\","
	      "\"birth_place\":\"C\",\"birth_date\":\"2000-01-01\"}]", f);
	fclose(f);
	assert_int_equal(nl_registry_sim_new(path, &r), NL_ERR_CONFIG);
	f = fopen(path, "w");
	fputs("[{\"tckn\":\"10000000146\",\"given_name\":\"A\",\"surname\":\"B\","
	      "\"birth_place\":\"C\",\"birth_date\":\"2000-13-01\"}]", f);
	fclose(f);
	assert_int_equal(nl_registry_sim_new(path, &r), NL_ERR_CONFIG);
	f = fopen(path, "w");
	fputs("[{\"tckn\":\"10000000146\",\"given_name\":\"A\"", f);
	fclose(f);
	assert_int_equal(nl_registry_sim_new(path, &r), NL_ERR_CONFIG);
	f = fopen(path, "w");
	fputs("[{\"tckn\":\"10000000146\",\"given_name\":\"A\",\"surname\":\"B\","
	      "\"birth_place\":\"C\",\"birth_date\":\"2000-01-01\"}]", f);
	fclose(f);
	assert_int_equal(nl_registry_sim_new(path, &r), NL_OK);
	nl_registry_free(r);
	assert_int_equal(nl_registry_sim_new("/nonexistent/c.json", &r), NL_ERR_IO);
	assert_null(r);
	rm_rf(dir);
}

/* ---- HTTP driver ---- */

struct ctx {
	struct helper stub;
	char dir[256];
	char log[300];
};

static int setup_http(void **state)
{
	struct ctx *c = calloc(1, sizeof *c);
	*state = c;
	if (!c || make_tmpdir(c->dir, sizeof c->dir) != 0)
		return -1;
	snprintf(c->log, sizeof c->log, "%s/requests.jsonl", c->dir);
	const char *args[] = {c->log, NULL};
	return helper_start(&c->stub, "http_stub.py", args);
}

static int teardown_http(void **state)
{
	struct ctx *c = *state;
	if (c) {
		helper_stop(&c->stub);
		rm_rf(c->dir);
		free(c);
	}
	return 0;
}

static nl_registry *open_http(struct ctx *c, const char *base)
{
	struct nl_registry_config cfg;
	char url[128];
	nl_registry *r = NULL;
	nl_registry_config_defaults(&cfg);
	snprintf(url, sizeof url, "http://127.0.0.1:%d%s", c->stub.port, base);
	assert_int_equal(nl_registry_config_set(&cfg, "driver", "http"), NL_OK);
	assert_int_equal(nl_registry_config_set(&cfg, "url", url), NL_OK);
	assert_int_equal(nl_registry_config_set(&cfg, "token", "kps-token"), NL_OK);
	assert_int_equal(nl_registry_config_set(&cfg, "timeout_ms", "500"), NL_OK);
	assert_int_equal(nl_registry_open(&cfg, &r), NL_OK);
	assert_string_equal(r->name, "http");
	return r;
}

static void http_lookup_and_verify(void **state)
{
	struct ctx *c = *state;
	nl_registry *r = open_http(c, "/registry");
	struct nl_citizen p;
	struct nl_drv_error e = {0};
	assert_int_equal(r->lookup(r->self, "10000000146", &p, &e), NL_OK);
	assert_string_equal(p.given_name, "İSMAİL");
	assert_string_equal(p.surname, "ÇAĞLAYAN");
	assert_string_equal(p.birth_place, "IĞDIR");
	assert_string_equal(p.birth_date, "1980-02-29");
	assert_true(p.alive);
	assert_int_equal(r->lookup(r->self, "64172043210", &p, &e), NL_ERR_NOT_FOUND);
	assert_int_equal(r->lookup(r->self, "12345678901", &p, &e), NL_ERR_INVALID);

	char *log = slurp(c->log);
	assert_non_null(strstr(log, "Bearer kps-token"));
	assert_non_null(strstr(log, "/registry/lookup"));
	free(log);

	/* the stub compares exactly; the driver passes what was typed through */
	assert_true(verify(r, "10000000146", "İSMAİL", "ÇAĞLAYAN", "IĞDIR", "1980-02-29"));
	assert_false(verify(r, "10000000146", "ISMAIL", "ÇAĞLAYAN", "IĞDIR", "1980-02-29"));
	/* malformed input is no match without asking */
	assert_false(verify(r, "10000000146", "İSMAİL", "ÇAĞLAYAN", "IĞDIR", "29.02.1980"));
	nl_registry_free(r);
}

static void http_failures(void **state)
{
	struct ctx *c = *state;
	struct nl_citizen p;
	struct nl_drv_error e = {0};
	struct nl_identity_claim claim = {"10000000146", "A", "B", "C", "1980-02-29"};
	bool match = true;

	nl_registry *r = open_http(c, "/registry-down");
	assert_int_equal(r->lookup(r->self, "10000000146", &p, &e), NL_ERR_IO);
	assert_non_null(strstr(e.msg, "503"));
	assert_int_equal(r->verify(r->self, &claim, &match, &e), NL_ERR_IO);
	assert_false(match);
	nl_registry_free(r);

	r = open_http(c, "/registry-garbage");
	assert_int_equal(r->lookup(r->self, "10000000146", &p, &e), NL_ERR_IO);
	assert_non_null(strstr(e.msg, "not JSON"));
	nl_registry_free(r);

	r = open_http(c, "/registry-nomatch");
	assert_int_equal(r->verify(r->self, &claim, &match, &e), NL_ERR_IO);
	assert_false(match);
	nl_registry_free(r);

	r = open_http(c, "/registry-slow");
	time_t t0 = time(NULL);
	assert_int_equal(r->lookup(r->self, "10000000146", &p, &e), NL_ERR_IO);
	assert_true(time(NULL) - t0 <= 2);
	nl_registry_free(r);
}

static void config(void **state)
{
	(void)state;
	struct nl_registry_config cfg;
	nl_registry *r = NULL;
	nl_registry_config_defaults(&cfg);
	assert_string_equal(cfg.driver, "simulator");
	assert_int_equal(nl_registry_config_set(&cfg, "driver", "mernis-by-fax"), NL_ERR_CONFIG);
	assert_int_equal(nl_registry_config_set(&cfg, "tls_verify", "perhaps"), NL_ERR_CONFIG);
	assert_int_equal(nl_registry_config_set(&cfg, "nope", "x"), NL_ERR_NOT_FOUND);
	assert_int_equal(nl_registry_config_set(&cfg, "driver", "http"), NL_OK);
	assert_int_equal(nl_registry_open(&cfg, &r), NL_ERR_CONFIG);   /* no url */
	assert_null(r);
}

int main(void)
{
	cmocka_set_message_output(CM_OUTPUT_TAP);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(demo_file_is_valid),
		cmocka_unit_test(sim_lookup),
		cmocka_unit_test(sim_verify_turkish_names),
		cmocka_unit_test(sim_refuses_broken_data_file),
		cmocka_unit_test_setup_teardown(http_lookup_and_verify, setup_http, teardown_http),
		cmocka_unit_test_setup_teardown(http_failures, setup_http, teardown_http),
		cmocka_unit_test(config),
	};
	return cmocka_run_group_tests_name("registry", tests, NULL, NULL);
}
