/* core/file.h: the one whole-file reader, the first-line reader (PIN files,
 * the node's name) and the atomic writer, on files in a temporary folder. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/file.h"

static char dir[64];

static const char *at(const char *name)
{
	static char path[128];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	return path;
}

static void put(const char *name, const char *text)
{
	assert_int_equal(nl_write_file(at(name), text, strlen(text), 0600), NL_OK);
}

static void read_whole_files(void **state)
{
	(void)state;
	nl_buf b = NL_BUF_INIT;
	assert_int_equal(nl_read_file(at("missing"), 100, &b), NL_ERR_NOT_FOUND);
	put("a", "one\ntwo\n");
	assert_int_equal(nl_read_file(at("a"), 8, &b), NL_OK);
	assert_int_equal(b.len, 8);
	assert_string_equal(b.data, "one\ntwo\n");
	nl_buf_reset(&b);
	assert_int_equal(nl_read_file(at("a"), 7, &b), NL_ERR_TOO_LARGE);
	nl_buf_reset(&b);
	put("empty", "");
	assert_int_equal(nl_read_file(at("empty"), 10, &b), NL_OK);
	assert_int_equal(b.len, 0);
	assert_int_equal(nl_read_file(dir, 10, &b), NL_ERR_IO);   /* a folder */
	nl_buf_free(&b);
	struct stat st;
	assert_int_equal(stat(at("a"), &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
}

static void read_first_lines(void **state)
{
	(void)state;
	char line[8];
	put("pin", "123456\r\nrest\n");
	assert_int_equal(nl_read_line(at("pin"), line, sizeof line), NL_OK);
	assert_string_equal(line, "123456");
	put("bare", "abc");
	assert_int_equal(nl_read_line(at("bare"), line, sizeof line), NL_OK);
	assert_string_equal(line, "abc");
	put("empty", "");
	assert_int_equal(nl_read_line(at("empty"), line, sizeof line), NL_OK);
	assert_string_equal(line, "");
	put("long", "12345678\n");
	assert_int_equal(nl_read_line(at("long"), line, sizeof line), NL_ERR_TOO_LARGE);
	assert_int_equal(nl_read_line(at("missing"), line, sizeof line), NL_ERR_NOT_FOUND);
	char big[5000];
	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	big[2] = '\n';
	put("big", big);   /* a small first line, but no small file */
	assert_int_equal(nl_read_line(at("big"), line, sizeof line), NL_ERR_TOO_LARGE);
}

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof dir, "/tmp/nl-file-XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
	cmocka_set_message_output(CM_OUTPUT_TAP);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(read_whole_files),
		cmocka_unit_test(read_first_lines),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
