/* Unit tests of the router (src/http/router.c) over a table of its own. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "http/router.h"
#include "pages/handlers.h"

static void h_a(struct nl_req *r) { (void)r; }
static void h_b(struct nl_req *r) { (void)r; }
static void h_c(struct nl_req *r) { (void)r; }
static void h_d(struct nl_req *r) { (void)r; }
static void h_e(struct nl_req *r) { (void)r; }

static const struct nl_route table[] = {
	{NL_GET, "/", NL_AUTH_NONE, h_a},
	{NL_GET, "/orders/{id}", NL_AUTH_PERSON, h_b},
	{NL_POST, "/orders/{id}", NL_AUTH_PERSON, h_c},
	{NL_GET, "/orders/new", NL_AUTH_PERSON, h_d},   /* literal beats {id} */
	{NL_DELETE, "/orders/{id}/items/{item}", NL_AUTH_PERSON, h_e},
	{NL_GET, "/ocsp/{request...}", NL_AUTH_OPEN, h_a},
	{NL_POST, "/ocsp", NL_AUTH_OPEN, h_b},
};
#define N (sizeof table / sizeof table[0])

static enum nl_route_result match(unsigned m, const char *path, const struct nl_route **out,
                                  struct nl_kv **kv, size_t *n, unsigned *allowed, nl_arena *a)
{
	return nl_route_match(table, N, m, path, a, out, kv, n, allowed);
}

static void finds_rows_and_params(void **state)
{
	(void)state;
	nl_arena *a = nl_arena_new();
	const struct nl_route *r;
	struct nl_kv *kv;
	size_t n;
	unsigned allowed;
	assert_int_equal(match(NL_GET, "/", &r, &kv, &n, &allowed, a), NL_ROUTE_FOUND);
	assert_ptr_equal(r->handler, h_a);
	assert_int_equal(match(NL_GET, "/orders/42", &r, &kv, &n, &allowed, a), NL_ROUTE_FOUND);
	assert_ptr_equal(r->handler, h_b);
	assert_int_equal(n, 1);
	assert_string_equal(kv[0].key, "id");
	assert_string_equal(kv[0].value, "42");
	assert_int_equal(match(NL_POST, "/orders/42", &r, &kv, &n, &allowed, a), NL_ROUTE_FOUND);
	assert_ptr_equal(r->handler, h_c);
	assert_int_equal(match(NL_GET, "/orders/new", &r, &kv, &n, &allowed, a), NL_ROUTE_FOUND);
	assert_ptr_equal(r->handler, h_d);
	assert_int_equal(n, 0);
	assert_int_equal(match(NL_DELETE, "/orders/7/items/x9", &r, &kv, &n, &allowed, a),
	                 NL_ROUTE_FOUND);
	assert_int_equal(n, 2);
	assert_string_equal(kv[1].key, "item");
	assert_string_equal(kv[1].value, "x9");
	assert_int_equal(match(NL_GET, "/ocsp/MEow/Q+k=/x", &r, &kv, &n, &allowed, a), NL_ROUTE_FOUND);
	assert_int_equal(n, 1);
	assert_string_equal(kv[0].key, "request");
	assert_string_equal(kv[0].value, "MEow/Q+k=/x");
	assert_int_equal(match(NL_POST, "/ocsp", &r, &kv, &n, &allowed, a), NL_ROUTE_FOUND);
	assert_ptr_equal(r->handler, h_b);
	assert_int_equal(match(NL_GET, "/ocsp/", &r, &kv, &n, &allowed, a), NL_ROUTE_NOT_FOUND);
	nl_arena_free(a);
}

static void answers_404_and_405(void **state)
{
	(void)state;
	nl_arena *a = nl_arena_new();
	const struct nl_route *r;
	struct nl_kv *kv;
	size_t n;
	unsigned allowed;
	static const char *missing[] = {"/nope", "/orders", "/orders/", "/orders/1/", "//",
	                                "/orders//items/x", "/orders/1/items", ""};
	for (size_t i = 0; i < sizeof missing / sizeof missing[0]; i++)
		if (match(NL_GET, missing[i], &r, &kv, &n, &allowed, a) != NL_ROUTE_NOT_FOUND)
			fail_msg("'%s' should be 404", missing[i]);
	assert_int_equal(match(NL_PUT, "/orders/1", &r, &kv, &n, &allowed, a), NL_ROUTE_BAD_METHOD);
	assert_int_equal(allowed, NL_GET | NL_POST);
	assert_string_equal(nl_route_allow_header(allowed, a), "GET, HEAD, POST");
	/* /orders/new accepts only GET: the literal row decides, not the {id} rows */
	assert_int_equal(match(NL_POST, "/orders/new", &r, &kv, &n, &allowed, a),
	                 NL_ROUTE_BAD_METHOD);
	assert_int_equal(allowed, NL_GET);
	assert_int_equal(match(0, "/", &r, &kv, &n, &allowed, a), NL_ROUTE_BAD_METHOD);
	nl_arena_free(a);
}

static void checks_the_table(void **state)
{
	(void)state;
	char err[256];
	assert_int_equal(nl_routes_check(table, N, err, sizeof err), NL_OK);
	const struct nl_route dup[] = {
		{NL_GET, "/x", NL_AUTH_NONE, h_a}, {NL_GET, "/x", NL_AUTH_NONE, h_b},
	};
	assert_int_equal(nl_routes_check(dup, 2, err, sizeof err), NL_ERR_CONFIG);
	static const char *bad[] = {"x", "/a/{}", "/a/{b", "/a{b}", "/a/{b}c", "/a?b", "/a%20",
	                            "/a/{b...}/c", "/a/{...}", "/a/{b..}", "/a/{b...x}"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		const struct nl_route one[] = {{NL_GET, bad[i], NL_AUTH_NONE, h_a}};
		if (nl_routes_check(one, 1, err, sizeof err) != NL_ERR_CONFIG)
			fail_msg("pattern '%s' should be refused", bad[i]);
	}
	const struct nl_route two_methods[] = {{NL_GET | NL_POST, "/x", NL_AUTH_NONE, h_a}};
	assert_int_equal(nl_routes_check(two_methods, 1, err, sizeof err), NL_ERR_CONFIG);
	/* the real table of nitelikd is well-formed */
	assert_int_equal(nl_routes_check(nl_routes, nl_routes_count, err, sizeof err), NL_OK);
}

int main(void)
{
	cmocka_set_message_output(CM_OUTPUT_TAP);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(finds_rows_and_params),
		cmocka_unit_test(answers_404_and_405),
		cmocka_unit_test(checks_the_table),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
