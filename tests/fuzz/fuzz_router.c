/* libFuzzer target for request paths: the raw path is decoded with the server's
 * strict decoder (src/http/request.c) and, when it passes, matched against a
 * route table with literal, {param} and {rest...} rows (src/http/router.c).
 * A decoded path must be valid UTF-8 without NUL or control bytes, and params
 * must be pieces of it.
 * Build: CC=clang meson setup build-fuzz && ninja -C build-fuzz tests/fuzz/fuzz_router
 * Run:   build-fuzz/tests/fuzz/fuzz_router tests/fuzz/corpus/router */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/utf8.h"
#include "http/router.h"
#include "http/server_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void h(struct nl_req *r) { (void)r; }

static const struct nl_route table[] = {
	{NL_GET, "/", NL_AUTH_NONE, h},
	{NL_GET, "/orders/{id}", NL_AUTH_NONE, h},
	{NL_POST, "/orders/{id}", NL_AUTH_NONE, h},
	{NL_GET, "/orders/new", NL_AUTH_NONE, h},
	{NL_DELETE, "/orders/{id}/items/{item}", NL_AUTH_NONE, h},
	{NL_GET, "/ocsp/{request...}", NL_AUTH_OPEN, h},
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1 || size > 4096)
		return 0;
	char *raw = malloc(size + 1);
	if (!raw)
		return 0;
	memcpy(raw + 0, data + 1, size - 1);
	raw[size - 1] = '\0';
	unsigned method = 1u << (data[0] % 6);
	nl_arena *a = nl_arena_new();
	const char *path;
	if (a && nl_req_decode_path(a, raw, &path) == NL_OK) {
		size_t n = strlen(path);
		if (path[0] != '/' || !nl_utf8_valid(path, n))
			abort();
		for (size_t i = 0; i < n; i++)
			if ((unsigned char)path[i] < 0x20 && path[i] != '\t')
				abort();
		const struct nl_route *r;
		struct nl_kv *kv;
		size_t np;
		unsigned allowed;
		enum nl_route_result rr = nl_route_match(table, sizeof table / sizeof table[0], method,
		                                         path, a, &r, &kv, &np, &allowed);
		if (rr == NL_ROUTE_FOUND) {
			for (size_t i = 0; i < np; i++)
				if (!kv[i].value[0] || !strstr(path, kv[i].value))
					abort();
		} else if (rr == NL_ROUTE_BAD_METHOD && (allowed == 0 || (allowed & method))) {
			abort();
		}
		nl_route_allow_header(allowed, a);
	}
	nl_arena_free(a);
	free(raw);
	return 0;
}
