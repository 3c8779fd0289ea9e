/* The per-request arena and the growable buffer with its HTML escaping. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/arena.h"
#include "core/buf.h"

static void arena_basics(void **state)
{
	nl_arena *a = nl_arena_new();
	(void)state;
	assert_non_null(a);
	char *s = nl_arena_strdup(a, "Sipariş");
	assert_string_equal(s, "Sipariş");
	assert_string_equal(nl_arena_strndup(a, "SD-1234", 2), "SD");
	assert_string_equal(nl_arena_printf(a, "SD-%d", 780), "SD-780");
	assert_null(nl_arena_strdup(a, NULL));
	unsigned char *z = nl_arena_alloc(a, 100);
	for (int i = 0; i < 100; i++)
		assert_int_equal(z[i], 0);                     /* zeroed */
	assert_int_equal((uintptr_t)z % 16, 0);            /* aligned */
	size_t before = nl_arena_used(a);
	assert_non_null(nl_arena_alloc(a, 0));
	assert_true(nl_arena_used(a) > before);
	nl_arena_free(a);
	nl_arena_free(NULL);
}

/* Many and large allocations: the arena grows and every block is freed (ASan
 * reports a leak otherwise) and earlier data stays intact. */
static void arena_growth(void **state)
{
	nl_arena *a = nl_arena_new();
	char *first;
	(void)state;
	first = nl_arena_strdup(a, "kalıcı");
	for (int i = 0; i < 2000; i++) {
		char *p = nl_arena_alloc(a, (size_t)(i % 300) + 1);
		assert_non_null(p);
		memset(p, 'x', (size_t)(i % 300) + 1);
	}
	char *big = nl_arena_alloc(a, 1 << 20);            /* larger than any block */
	assert_non_null(big);
	memset(big, 1, 1 << 20);
	assert_string_equal(first, "kalıcı");
	assert_true(nl_arena_used(a) >= (1 << 20));
	assert_null(nl_arena_alloc(a, SIZE_MAX));          /* overflow refused, not wrapped */
	nl_arena_free(a);
}

static void buf_basics(void **state)
{
	nl_buf b = NL_BUF_INIT;
	(void)state;
	nl_buf_puts(&b, "Başvuru");
	nl_buf_putc(&b, ' ');
	nl_buf_printf(&b, "SD-%d", 13712);
	assert_string_equal(b.data, "Başvuru SD-13712");
	assert_int_equal(b.len, strlen("Başvuru SD-13712"));
	nl_buf_reset(&b);
	assert_int_equal(b.len, 0);
	assert_string_equal(b.data, "");
	for (int i = 0; i < 10000; i++)
		nl_buf_append(&b, "0123456789", 10);
	assert_int_equal(b.len, 100000);
	assert_false(b.oom);
	assert_int_equal(b.data[b.len], '\0');
	char *taken = nl_buf_take(&b);
	assert_int_equal(strlen(taken), 100000);
	assert_null(b.data);
	assert_int_equal(b.len, 0);
	free(taken);
	taken = nl_buf_take(&b);                           /* empty buffer: "" not NULL */
	assert_string_equal(taken, "");
	free(taken);
	nl_buf_free(&b);
}

static void html_escaping(void **state)
{
	nl_buf b = NL_BUF_INIT;
	(void)state;
	nl_buf_put_html(&b, "<script>alert(\"x\" & 'y')</script>");
	assert_string_equal(b.data,
		"&lt;script&gt;alert(&quot;x&quot; &amp; &#39;y&#39;)&lt;/script&gt;");
	nl_buf_reset(&b);
	nl_buf_put_html(&b, "Çağrı Işık");                /* non-ASCII passes unchanged */
	assert_string_equal(b.data, "Çağrı Işık");
	nl_buf_reset(&b);
	nl_buf_put_html(&b, "&amp;");                      /* escaped again, not trusted */
	assert_string_equal(b.data, "&amp;amp;");
	nl_buf_reset(&b);
	nl_buf_put_html_n(&b, "a<b>c", 2);
	assert_string_equal(b.data, "a&lt;");
	nl_buf_reset(&b);
	nl_buf_put_html(&b, "");
	assert_int_equal(b.len, 0);
	nl_buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(arena_basics),
		cmocka_unit_test(arena_growth),
		cmocka_unit_test(buf_basics),
		cmocka_unit_test(html_escaping),
	};
	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests_name("arena_buf", tests, NULL, NULL);
}
