/* The SMS HTTP JSON gateway driver against a stub gateway on loopback
 * (http_stub.py): success, error statuses, garbage and JSON error bodies, a
 * gateway that hangs; the request template; the simulator. */
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

#include "drivers/sms.h"
#include "helper_proc.h"

struct ctx {
	struct helper stub;
	char dir[256];
	char log[300];
};

static int setup(void **state)
{
	struct ctx *c = calloc(1, sizeof *c);
	*state = c;
	if (!c || make_tmpdir(c->dir, sizeof c->dir) != 0)
		return -1;
	snprintf(c->log, sizeof c->log, "%s/requests.jsonl", c->dir);
	const char *args[] = {c->log, NULL};
	return helper_start(&c->stub, "http_stub.py", args);
}

static int teardown(void **state)
{
	struct ctx *c = *state;
	if (c) {
		helper_stop(&c->stub);
		rm_rf(c->dir);
		free(c);
	}
	return 0;
}

static NL_MUST_USE nl_err send_to(struct ctx *c, const char *path, struct nl_sms_config *cfg,
	const struct nl_sms_msg *m, struct nl_drv_error *e)
{
	char url[128];
	nl_sms *sms = NULL;
	snprintf(url, sizeof url, "http://127.0.0.1:%d%s", c->stub.port, path);
	assert_int_equal(nl_sms_config_set(cfg, "driver", "http"), NL_OK);
	assert_int_equal(nl_sms_config_set(cfg, "url", url), NL_OK);
	assert_int_equal(nl_sms_open(cfg, &sms), NL_OK);
	assert_string_equal(sms->name, "http");
	nl_err rc = sms->send(sms->self, m, e);
	nl_sms_free(sms);
	return rc;
}

/* The last request the stub saw. */
static json_t *last_request(struct ctx *c)
{
	char *all = slurp(c->log);
	assert_non_null(all);
	size_t n = strlen(all);
	while (n > 0 && all[n - 1] == '\n')
		all[--n] = '\0';
	char *line = strrchr(all, '\n');
	json_t *j = json_loads(line ? line + 1 : all, 0, NULL);
	free(all);
	assert_non_null(j);
	return j;
}

static const struct nl_sms_msg code_msg = {.to = "5321234567",
	.text = "Nitelik SMS Onay Kodunuz: 482913. Kimseyle paylaşmayınız \"ğüşiöç\"."};

static void success_with_default_template(void **state)
{
	struct ctx *c = *state;
	struct nl_sms_config cfg;
	struct nl_drv_error e = {0};
	nl_sms_config_defaults(&cfg);
	assert_int_equal(nl_sms_config_set(&cfg, "user", "kamu"), NL_OK);
	assert_int_equal(nl_sms_config_set(&cfg, "password", "p@ss"), NL_OK);
	assert_int_equal(send_to(c, "/sms/ok", &cfg, &code_msg, &e), NL_OK);

	json_t *r = last_request(c);
	assert_string_equal(json_string_value(json_object_get(r, "path")), "/sms/ok");
	/* HTTP basic auth: base64("kamu:p@ss") */
	assert_string_equal(json_string_value(json_object_get(r, "authorization")),
		"Basic a2FtdTpwQHNz");
	assert_non_null(strstr(json_string_value(json_object_get(r, "content_type")),
		"application/json"));
	json_t *body = json_loads(json_string_value(json_object_get(r, "body")), 0, NULL);
	assert_non_null(body);
	assert_string_equal(json_string_value(json_object_get(body, "to")), "905321234567");
	assert_string_equal(json_string_value(json_object_get(body, "text")), code_msg.text);
	assert_string_equal(json_string_value(json_object_get(body, "sender")), "NITELIK");
	json_decref(body);
	json_decref(r);
}

static void custom_template_and_bearer_token(void **state)
{
	struct ctx *c = *state;
	struct nl_sms_config cfg;
	struct nl_drv_error e = {0};
	nl_sms_config_defaults(&cfg);
	assert_int_equal(nl_sms_config_set(&cfg, "token", "tok-123"), NL_OK);
	assert_int_equal(nl_sms_config_set(&cfg, "sender", "KAMUSM"), NL_OK);
	assert_int_equal(nl_sms_config_set(&cfg, "template",
		"{\"usercode\":\"${user}\",\"msgheader\":\"${sender}\","
		"\"messages\":[{\"msg\":\"${text}\",\"no\":\"${to}\"}]}"), NL_OK);
	assert_int_equal(nl_sms_config_set(&cfg, "user", "8501234567"), NL_OK);
	assert_int_equal(send_to(c, "/sms/ok", &cfg, &code_msg, &e), NL_OK);
	json_t *r = last_request(c);
	assert_string_equal(json_string_value(json_object_get(r, "authorization")),
		"Bearer tok-123");
	json_t *body = json_loads(json_string_value(json_object_get(r, "body")), 0, NULL);
	assert_non_null(body);
	assert_string_equal(json_string_value(json_object_get(body, "usercode")), "8501234567");
	assert_string_equal(json_string_value(json_object_get(body, "msgheader")), "KAMUSM");
	json_t *m0 = json_array_get(json_object_get(body, "messages"), 0);
	assert_string_equal(json_string_value(json_object_get(m0, "msg")), code_msg.text);
	assert_string_equal(json_string_value(json_object_get(m0, "no")), "5321234567");
	json_decref(body);
	json_decref(r);
}

static void failures(void **state)
{
	struct ctx *c = *state;
	struct nl_sms_config cfg;
	struct nl_drv_error e = {0};
	nl_sms_config_defaults(&cfg);

	assert_int_equal(send_to(c, "/sms/status500", &cfg, &code_msg, &e), NL_ERR_IO);
	assert_non_null(strstr(e.msg, "500"));
	assert_false(e.permanent);

	assert_int_equal(send_to(c, "/sms/status400", &cfg, &code_msg, &e), NL_ERR_IO);
	assert_true(e.permanent);

	assert_int_equal(send_to(c, "/sms/garbage", &cfg, &code_msg, &e), NL_ERR_IO);
	assert_non_null(strstr(e.msg, "not JSON"));
	assert_false(e.permanent);

	assert_int_equal(send_to(c, "/sms/jsonerror", &cfg, &code_msg, &e), NL_ERR_IO);
	assert_non_null(strstr(e.msg, "insufficient credit"));

	assert_int_equal(send_to(c, "/sms/statuserror", &cfg, &code_msg, &e), NL_ERR_IO);
	assert_non_null(strstr(e.msg, "blocked sender"));

	assert_int_equal(send_to(c, "/sms/nowhere", &cfg, &code_msg, &e), NL_ERR_IO);
	assert_non_null(strstr(e.msg, "404"));
}

static void gateway_that_hangs_times_out(void **state)
{
	struct ctx *c = *state;
	struct nl_sms_config cfg;
	struct nl_drv_error e = {0};
	nl_sms_config_defaults(&cfg);
	assert_int_equal(nl_sms_config_set(&cfg, "timeout_ms", "500"), NL_OK);
	time_t t0 = time(NULL);
	assert_int_equal(send_to(c, "/sms/slow", &cfg, &code_msg, &e), NL_ERR_IO);
	assert_true(time(NULL) - t0 <= 2);
	assert_non_null(strstr(e.msg, "imeout"));
}

static void bad_numbers_and_templates(void **state)
{
	struct ctx *c = *state;
	struct nl_sms_config cfg;
	struct nl_drv_error e = {0};
	nl_sms *sms = NULL;
	nl_sms_config_defaults(&cfg);
	struct nl_sms_msg bad = {.to = "05321234567", .text = "x"};
	assert_int_equal(send_to(c, "/sms/ok", &cfg, &bad, &e), NL_ERR_INVALID);
	assert_true(e.permanent);

	/* templates are checked when the driver opens */
	assert_int_equal(nl_sms_config_set(&cfg, "template", "{\"to\":\"${phone}\"}"), NL_OK);
	assert_int_equal(nl_sms_open(&cfg, &sms), NL_ERR_CONFIG);
	assert_int_equal(nl_sms_config_set(&cfg, "template", "{\"to\":\"${to}\""), NL_OK);
	assert_int_equal(nl_sms_open(&cfg, &sms), NL_ERR_CONFIG);
	assert_int_equal(nl_sms_config_set(&cfg, "template", "{\"to\":\"${to\"}"), NL_OK);
	assert_int_equal(nl_sms_open(&cfg, &sms), NL_ERR_CONFIG);
	assert_int_equal(nl_sms_config_set(&cfg, "template", "{\"text\":${text}}"), NL_OK);
	assert_int_equal(nl_sms_open(&cfg, &sms), NL_ERR_CONFIG);
	assert_null(sms);
	assert_int_equal(nl_sms_config_set(&cfg, "url", "ftp://x"), NL_OK);
	nl_sms_config_defaults(&cfg);
	assert_int_equal(nl_sms_config_set(&cfg, "driver", "http"), NL_OK);
	assert_int_equal(nl_sms_config_set(&cfg, "url", "ftp://x"), NL_OK);
	assert_int_equal(nl_sms_open(&cfg, &sms), NL_ERR_CONFIG);
	assert_int_equal(nl_sms_config_set(&cfg, "driver", "fax"), NL_ERR_CONFIG);
	assert_int_equal(nl_sms_config_set(&cfg, "shoe_size", "44"), NL_ERR_NOT_FOUND);
}

static void simulator(void **state)
{
	(void)state;
	struct nl_sms_config cfg;
	struct nl_drv_error e = {0};
	nl_sms *sms = NULL;
	nl_sms_config_defaults(&cfg);
	assert_int_equal(nl_sms_open(&cfg, &sms), NL_OK);
	assert_string_equal(sms->name, "simulator");
	assert_int_equal(sms->send(sms->self, &code_msg, &e), NL_OK);
	assert_int_equal(nl_sms_sim_count(sms), 1);
	struct nl_sms_msg bad = {.to = "123", .text = "x"};
	assert_int_equal(sms->send(sms->self, &bad, &e), NL_ERR_INVALID);
	assert_int_equal(nl_sms_sim_count(sms), 1);
	nl_sms_free(sms);
}

int main(void)
{
	cmocka_set_message_output(CM_OUTPUT_TAP);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(success_with_default_template),
		cmocka_unit_test(custom_template_and_bearer_token),
		cmocka_unit_test(failures),
		cmocka_unit_test(gateway_that_hangs_times_out),
		cmocka_unit_test(bad_numbers_and_templates),
		cmocka_unit_test(simulator),
	};
	return cmocka_run_group_tests_name("sms_http", tests, setup, teardown);
}
