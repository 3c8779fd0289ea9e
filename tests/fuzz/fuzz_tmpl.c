/* libFuzzer target for the template engine: the input is a template, parsed
 * and (when it parses) rendered with a fixed context that has strings with
 * HTML in them, nested objects, arrays and every JSON type. Partials named
 * "p" and "self" exist; "self" includes itself.
 * Build: CC=clang meson setup build-fuzz && ninja -C build-fuzz tests/fuzz/fuzz_tmpl
 * Run:   build-fuzz/tests/fuzz/fuzz_tmpl tests/fuzz/corpus/tmpl */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "view/tmpl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static json_t *context;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!context)
		context = json_loads("{\"a\":\"<b>&\\\"'\",\"n\":0,\"t\":true,\"f\":false,\"z\":null,"
		                     "\"r\":1.5,\"o\":{\"a\":{\"b\":\"x\"},\"l\":[1,2]},"
		                     "\"l\":[{\"a\":1},\"s\",[3],{}],\"e\":[],\"s\":\"\"}", 0, NULL);
	nl_tmpl_set *set = nl_tmpl_set_new();
	if (!set)
		return 0;
	nl_buf err = NL_BUF_INIT, out = NL_BUF_INIT;
	char *src = malloc(size ? size : 1);
	if (!src)
		goto done;
	memcpy(src, data, size);
	nl_err_ignore(nl_tmpl_add(set, "p", "[{{a}}{{#o}}{{> self}}{{/o}}]", 26, NULL));
	nl_err_ignore(nl_tmpl_add(set, "self", "{{#l}}{{> self}}{{/l}}", 22, NULL));
	if (nl_tmpl_add(set, "t", src, size, &err) == NL_OK) {
		struct nl_tmpl_slot slot = {"content", "<i>slot</i>", 11};
		nl_err_ignore(nl_tmpl_render_slots(set, "t", context, "tr", &slot, 1, &out));
		nl_buf_reset(&out);
		nl_err_ignore(nl_tmpl_render(set, "t", NULL, "en", &out));
	}
	free(src);
done:
	nl_buf_free(&err);
	nl_buf_free(&out);
	nl_tmpl_set_free(set);
	return 0;
}
