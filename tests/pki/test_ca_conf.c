/* Loading a CA's configuration (src/pki/ca_store.c) leaves the process
 * environment alone: nitelikd loads it on request threads (nl_app_ca, the
 * OCSP responder), where the setenv("SOFTHSM2_CONF") it used to do raced every
 * getenv of the process (issue 11). The demo token's configuration is named
 * only by the CA's key operations, which run at a process's start. */
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

#include "pki/ca_store.h"

static void conf_load_sets_no_environment(void **state)
{
	(void)state;
	char dir[64], path[128];
	snprintf(dir, sizeof dir, "/tmp/nl-caconf-XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/ca", dir);
	assert_int_equal(mkdir(path, 0700), 0);
	snprintf(path, sizeof path, "%s/ca/ca.conf", dir);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f, "base_url = https://ca.example.org\nissuing_key = file:%s/ca/issuing.key\n"
	        "softhsm_conf = %s/softhsm/softhsm2.conf\n", dir, dir);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(unsetenv("SOFTHSM2_CONF"), 0);
	struct nl_ca_conf c;
	assert_int_equal(nl_ca_conf_load(dir, &c), NL_OK);
	char want[128];
	snprintf(want, sizeof want, "%s/softhsm/softhsm2.conf", dir);
	assert_string_equal(c.softhsm_conf, want);
	assert_null(getenv("SOFTHSM2_CONF"));
	unlink(path);
	snprintf(path, sizeof path, "%s/ca", dir);
	rmdir(path);
	rmdir(dir);
}

int main(void)
{
	cmocka_set_message_output(CM_OUTPUT_TAP);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(conf_load_sets_no_environment),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
