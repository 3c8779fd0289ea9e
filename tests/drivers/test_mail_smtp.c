/* The SMTP mail driver against a real SMTP server on loopback (aiosmtpd, see
 * smtp_sink.py): what arrives is parsed by Python's email package and checked
 * here: headers, the Turkish subject decoded, both parts, TLS, AUTH, refusals. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include "drivers/mail.h"
#include "helper_proc.h"

#define SUBJECT "Başvuru Şifreniz — İĞÜŞÖÇ ığüşöç (5070 sayılı Kanun)"
#define TEXT "Sayın AYŞE YILMAZ,\n\nErişim şifreniz: Kx7-Pq9\n.tek nokta ile başlayan satır\n" \
	"Satır sonunda boşluk   \nBağlantı: http://127.0.0.1:8080/giris?x=1&y=2\n"
#define HTML "<p>Sayın <b>AYŞE YILMAZ</b>,</p><p>Erişim şifreniz: <code>Kx7-Pq9</code></p>"

struct ctx {
	struct helper sink;
	char dir[256];
	struct nl_mail_config cfg;
};

static int start(void **state, const char *const args[])
{
	struct ctx *c = calloc(1, sizeof *c);
	*state = c;
	if (!c || make_tmpdir(c->dir, sizeof c->dir) != 0)
		return -1;
	const char *argv[8] = {c->dir};
	for (size_t i = 0; args && args[i] && i < 6; i++)
		argv[i + 1] = args[i];
	if (helper_start(&c->sink, "smtp_sink.py", argv) != 0) {
		fprintf(stderr, "# smtp_sink.py did not start (python3-aiosmtpd installed?)\n");
		return -1;
	}
	nl_mail_config_defaults(&c->cfg);
	snprintf(c->cfg.url, sizeof c->cfg.url, "smtp://127.0.0.1:%d", c->sink.port);
	assert_int_equal(nl_mail_config_set(&c->cfg, "driver", "smtp"), NL_OK);
	assert_int_equal(nl_mail_config_set(&c->cfg, "from", "noreply@nitelik.test"), NL_OK);
	assert_int_equal(nl_mail_config_set(&c->cfg, "from_name", "Nitelik E-İmza"), NL_OK);
	assert_int_equal(nl_mail_config_set(&c->cfg, "timeout_ms", "5000"), NL_OK);
	return 0;
}

static int setup_plain(void **state)
{
	return start(state, NULL);
}

static int setup_tls(void **state)
{
	const char *args[] = {"--tls", NULL};
	return start(state, args);
}

static int setup_tls_auth(void **state)
{
	const char *args[] = {"--tls", "--auth", "nitelik:s3cret-Şifre", NULL};
	return start(state, args);
}

static int setup_plain_auth(void **state)
{
	const char *args[] = {"--auth", "nitelik:s3cret", NULL};
	return start(state, args);
}

static int setup_smtps(void **state)
{
	const char *args[] = {"--smtps", NULL};
	return start(state, args);
}

static int setup_mute(void **state)
{
	const char *args[] = {"--mute", NULL};
	return start(state, args);
}

static int teardown(void **state)
{
	struct ctx *c = *state;
	if (c) {
		helper_stop(&c->sink);
		rm_rf(c->dir);
		free(c);
	}
	return 0;
}

static NL_MUST_USE nl_err send_with(struct ctx *c, const struct nl_mail_msg *m, struct nl_drv_error *e)
{
	nl_mailer *mailer = NULL;
	nl_err rc = nl_mailer_open(&c->cfg, &mailer);
	assert_int_equal(rc, NL_OK);
	assert_string_equal(mailer->name, "smtp");
	rc = mailer->send(mailer->self, m, e);
	nl_mailer_free(mailer);
	return rc;
}

static json_t *received(struct ctx *c, int n)
{
	char path[512];
	json_error_t err;
	snprintf(path, sizeof path, "%s/%d.json", c->dir, n);
	return json_load_file(path, 0, &err);
}

/* The received text without CRs and trailing line ends, for comparing. */
static char *normalise(const char *s)
{
	char *out = strdup(s);
	size_t n = 0;
	for (const char *p = s; *p; p++)
		if (*p != '\r')
			out[n++] = *p;
	while (n > 0 && out[n - 1] == '\n')
		n--;
	out[n] = '\0';
	return out;
}

static void assert_part(const json_t *part, const char *type, const char *expect)
{
	assert_string_equal(json_string_value(json_object_get(part, "type")), type);
	assert_string_equal(json_string_value(json_object_get(part, "charset")), "utf-8");
	assert_string_equal(json_string_value(json_object_get(part, "cte")), "quoted-printable");
	char *got = normalise(json_string_value(json_object_get(part, "text")));
	char *want = normalise(expect);
	assert_string_equal(got, want);
	free(got);
	free(want);
}

static void delivers_multipart_turkish(void **state)
{
	struct ctx *c = *state;
	assert_int_equal(nl_mail_config_set(&c->cfg, "starttls", "opportunistic"), NL_OK);
	struct nl_mail_msg m = {.to = "ayse@example.org", .subject = SUBJECT, .body_text = TEXT,
		.body_html = HTML};
	struct nl_drv_error e = {0};
	assert_int_equal(send_with(c, &m, &e), NL_OK);

	json_t *j = received(c, 1);
	assert_non_null(j);
	assert_string_equal(json_string_value(json_object_get(j, "mail_from")), "noreply@nitelik.test");
	assert_string_equal(json_string_value(json_array_get(json_object_get(j, "rcpt_tos"), 0)),
		"ayse@example.org");
	assert_string_equal(json_string_value(json_object_get(j, "subject")), SUBJECT);
	/* on the wire the subject is RFC 2047 encoded words, not raw UTF-8 */
	assert_true(strncmp(json_string_value(json_object_get(j, "raw_subject")), "=?UTF-8?B?", 10) == 0);
	assert_string_equal(json_string_value(json_object_get(j, "from_addr")), "noreply@nitelik.test");
	assert_string_equal(json_string_value(json_object_get(j, "from_name")), "Nitelik E-İmza");
	assert_string_equal(json_string_value(json_object_get(j, "to")), "ayse@example.org");
	assert_string_not_equal(json_string_value(json_object_get(j, "date")), "None");
	const char *mid = json_string_value(json_object_get(j, "message_id"));
	assert_true(mid[0] == '<' && strstr(mid, "@nitelik.test>") != NULL);
	assert_string_equal(json_string_value(json_object_get(j, "mime_version")), "1.0");
	assert_string_equal(json_string_value(json_object_get(j, "content_type")), "multipart/alternative");
	json_t *parts = json_object_get(j, "parts");
	assert_int_equal(json_array_size(parts), 2);
	assert_part(json_array_get(parts, 0), "text/plain", TEXT);
	assert_part(json_array_get(parts, 1), "text/html", HTML);
	assert_int_equal(json_array_size(json_object_get(j, "defects")), 0);
	assert_true(json_integer_value(json_object_get(j, "max_line")) <= 78);
	assert_true(json_is_false(json_object_get(j, "bare_lf")));
	assert_true(json_is_false(json_object_get(j, "non_ascii")));
	assert_true(json_is_false(json_object_get(j, "tls")));
	json_decref(j);
}

static void text_only_and_long_lines(void **state)
{
	struct ctx *c = *state;
	assert_int_equal(nl_mail_config_set(&c->cfg, "starttls", "off"), NL_OK);
	char text[4096] = "";
	for (int i = 0; i < 60; i++)
		strcat(text, "ğüşıöç İĞÜŞÖÇ ");
	strcat(text, "\n=3D is not an escape here\n.\n..\n");
	struct nl_mail_msg m = {.to = "x@example.org", .subject = "Plain ASCII subject",
		.body_text = text};
	struct nl_drv_error e = {0};
	assert_int_equal(send_with(c, &m, &e), NL_OK);
	json_t *j = received(c, 1);
	assert_non_null(j);
	assert_string_equal(json_string_value(json_object_get(j, "subject")), "Plain ASCII subject");
	assert_string_equal(json_string_value(json_object_get(j, "content_type")), "text/plain");
	json_t *parts = json_object_get(j, "parts");
	assert_int_equal(json_array_size(parts), 1);
	assert_part(json_array_get(parts, 0), "text/plain", text);
	assert_true(json_integer_value(json_object_get(j, "max_line")) <= 78);
	json_decref(j);
}

static void starttls_required_refuses_plaintext_server(void **state)
{
	struct ctx *c = *state;
	/* the default is "required" */
	struct nl_mail_msg m = {.to = "x@example.org", .subject = "s", .body_text = "t"};
	struct nl_drv_error e = {0};
	assert_int_equal(send_with(c, &m, &e), NL_ERR_IO);
	assert_true(e.msg[0] != '\0');
	assert_false(e.permanent);
	json_t *j = received(c, 1);
	assert_null(j);
}

static void starttls_required_with_tls_server(void **state)
{
	struct ctx *c = *state;
	snprintf(c->cfg.ca_file, sizeof c->cfg.ca_file, "%s/cert.pem", c->dir);
	struct nl_mail_msg m = {.to = "x@example.org", .subject = SUBJECT, .body_text = TEXT,
		.body_html = HTML};
	struct nl_drv_error e = {0};
	assert_int_equal(send_with(c, &m, &e), NL_OK);
	json_t *j = received(c, 1);
	assert_non_null(j);
	assert_true(json_is_true(json_object_get(j, "tls")));
	assert_string_equal(json_string_value(json_object_get(j, "subject")), SUBJECT);
	json_decref(j);
}

static void implicit_tls_smtps(void **state)
{
	struct ctx *c = *state;
	snprintf(c->cfg.url, sizeof c->cfg.url, "smtps://127.0.0.1:%d", c->sink.port);
	snprintf(c->cfg.ca_file, sizeof c->cfg.ca_file, "%s/cert.pem", c->dir);
	struct nl_mail_msg m = {.to = "x@example.org", .subject = SUBJECT, .body_text = TEXT,
		.body_html = HTML};
	struct nl_drv_error e = {0};
	assert_int_equal(send_with(c, &m, &e), NL_OK);
	json_t *j = received(c, 1);
	assert_non_null(j);
	assert_string_equal(json_string_value(json_object_get(j, "subject")), SUBJECT);
	json_decref(j);
	/* plain smtp:// to a TLS port gets nowhere */
	snprintf(c->cfg.url, sizeof c->cfg.url, "smtp://127.0.0.1:%d", c->sink.port);
	assert_int_equal(nl_mail_config_set(&c->cfg, "timeout_ms", "1500"), NL_OK);
	assert_int_equal(send_with(c, &m, &e), NL_ERR_IO);
}

static void untrusted_certificate_is_refused(void **state)
{
	struct ctx *c = *state;
	/* no ca_file: the sink's self-signed certificate must not be accepted */
	struct nl_mail_msg m = {.to = "x@example.org", .subject = "s", .body_text = "t"};
	struct nl_drv_error e = {0};
	assert_int_equal(send_with(c, &m, &e), NL_ERR_IO);
	assert_null(received(c, 1));
}

static void auth_over_tls(void **state)
{
	struct ctx *c = *state;
	snprintf(c->cfg.ca_file, sizeof c->cfg.ca_file, "%s/cert.pem", c->dir);
	assert_int_equal(nl_mail_config_set(&c->cfg, "user", "nitelik"), NL_OK);
	assert_int_equal(nl_mail_config_set(&c->cfg, "password", "s3cret-Şifre"), NL_OK);
	struct nl_mail_msg m = {.to = "x@example.org", .subject = "s", .body_text = "t"};
	struct nl_drv_error e = {0};
	assert_int_equal(send_with(c, &m, &e), NL_OK);
	json_t *j = received(c, 1);
	assert_non_null(j);
	assert_string_equal(json_string_value(json_object_get(j, "login")), "nitelik");
	assert_true(json_is_true(json_object_get(j, "tls")));
	json_decref(j);
}

static void auth_wrong_password_fails_and_is_retryable(void **state)
{
	struct ctx *c = *state;
	assert_int_equal(nl_mail_config_set(&c->cfg, "starttls", "off"), NL_OK);
	assert_int_equal(nl_mail_config_set(&c->cfg, "user", "nitelik"), NL_OK);
	assert_int_equal(nl_mail_config_set(&c->cfg, "password", "wrong"), NL_OK);
	struct nl_mail_msg m = {.to = "x@example.org", .subject = "s", .body_text = "t"};
	struct nl_drv_error e = {0};
	assert_int_equal(send_with(c, &m, &e), NL_ERR_IO);
	assert_false(e.permanent);
	assert_null(received(c, 1));
	/* and the right one works on the same server */
	assert_int_equal(nl_mail_config_set(&c->cfg, "password", "s3cret"), NL_OK);
	assert_int_equal(send_with(c, &m, &e), NL_OK);
	json_t *j = received(c, 1);
	assert_non_null(j);
	json_decref(j);
}

static void rejected_mailbox_is_permanent(void **state)
{
	struct ctx *c = *state;
	assert_int_equal(nl_mail_config_set(&c->cfg, "starttls", "off"), NL_OK);
	struct nl_mail_msg m = {.to = "reject@example.org", .subject = "s", .body_text = "t"};
	struct nl_drv_error e = {0};
	assert_int_equal(send_with(c, &m, &e), NL_ERR_IO);
	assert_true(e.permanent);
	assert_non_null(strstr(e.msg, "550"));
	assert_null(received(c, 1));
}

static void header_injection_is_refused(void **state)
{
	struct ctx *c = *state;
	assert_int_equal(nl_mail_config_set(&c->cfg, "starttls", "off"), NL_OK);
	struct nl_mail_msg m = {.to = "x@example.org\r\nBcc: victim@example.org", .subject = "s",
		.body_text = "t"};
	struct nl_drv_error e = {0};
	assert_int_equal(send_with(c, &m, &e), NL_ERR_INVALID);
	assert_true(e.permanent);
	/* a subject with a line break stays one header */
	m.to = "x@example.org";
	m.subject = "hello\r\nBcc: victim@example.org";
	assert_int_equal(send_with(c, &m, &e), NL_OK);
	json_t *j = received(c, 1);
	assert_non_null(j);
	assert_int_equal(json_array_size(json_object_get(j, "rcpt_tos")), 1);
	assert_non_null(strstr(json_string_value(json_object_get(j, "subject")), "Bcc"));
	json_decref(j);
	/* invalid UTF-8 in the body */
	m.body_text = "bad \xC3\x28 byte";
	assert_int_equal(send_with(c, &m, &e), NL_ERR_INVALID);
}

static void nobody_listening(void **state)
{
	struct ctx *c = *state;
	helper_stop(&c->sink);   /* the port is now closed */
	assert_int_equal(nl_mail_config_set(&c->cfg, "starttls", "off"), NL_OK);
	struct nl_mail_msg m = {.to = "x@example.org", .subject = "s", .body_text = "t"};
	struct nl_drv_error e = {0};
	assert_int_equal(send_with(c, &m, &e), NL_ERR_IO);
	assert_false(e.permanent);
}

static void silent_server_times_out(void **state)
{
	struct ctx *c = *state;
	assert_int_equal(nl_mail_config_set(&c->cfg, "timeout_ms", "700"), NL_OK);
	struct nl_mail_msg m = {.to = "x@example.org", .subject = "s", .body_text = "t"};
	struct nl_drv_error e = {0};
	time_t t0 = time(NULL);
	assert_int_equal(send_with(c, &m, &e), NL_ERR_IO);
	assert_true(time(NULL) - t0 <= 3);
	assert_non_null(strstr(e.msg, "imeout"));
	assert_false(e.permanent);
}

static void config_and_simulator(void **state)
{
	(void)state;
	struct nl_mail_config cfg;
	nl_mail_config_defaults(&cfg);
	assert_string_equal(cfg.driver, "simulator");
	assert_int_equal(nl_mail_config_set(&cfg, "driver", "carrier-pigeon"), NL_ERR_CONFIG);
	assert_int_equal(nl_mail_config_set(&cfg, "starttls", "maybe"), NL_ERR_CONFIG);
	assert_int_equal(nl_mail_config_set(&cfg, "timeout_ms", "-5"), NL_ERR_CONFIG);
	assert_int_equal(nl_mail_config_set(&cfg, "colour", "blue"), NL_ERR_NOT_FOUND);

	nl_mailer *m = NULL;
	assert_int_equal(nl_mailer_open(&cfg, &m), NL_OK);
	assert_string_equal(m->name, "simulator");
	struct nl_mail_msg msg = {.to = "a@b.c", .subject = "s", .body_text = "t"};
	struct nl_drv_error e = {0};
	assert_int_equal(m->send(m->self, &msg, &e), NL_OK);
	assert_int_equal(m->send(m->self, &msg, &e), NL_OK);
	assert_int_equal(nl_mailer_sim_count(m), 2);
	msg.to = "nobody";
	assert_int_equal(m->send(m->self, &msg, &e), NL_ERR_INVALID);
	assert_true(e.permanent);
	nl_mailer_free(m);

	assert_int_equal(nl_mail_config_set(&cfg, "driver", "smtp"), NL_OK);
	assert_int_equal(nl_mail_config_set(&cfg, "url", "http://mail.example.org"), NL_OK);
	assert_int_equal(nl_mailer_open(&cfg, &m), NL_ERR_CONFIG);
	assert_null(m);
	assert_int_equal(nl_mail_config_set(&cfg, "url", "smtps://mail.example.org"), NL_OK);
	assert_int_equal(nl_mail_config_set(&cfg, "from", "no-at-sign"), NL_OK);
	assert_int_equal(nl_mailer_open(&cfg, &m), NL_ERR_CONFIG);
}

int main(void)
{
	cmocka_set_message_output(CM_OUTPUT_TAP);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(delivers_multipart_turkish, setup_plain, teardown),
		cmocka_unit_test_setup_teardown(text_only_and_long_lines, setup_plain, teardown),
		cmocka_unit_test_setup_teardown(starttls_required_refuses_plaintext_server,
			setup_plain, teardown),
		cmocka_unit_test_setup_teardown(starttls_required_with_tls_server, setup_tls, teardown),
		cmocka_unit_test_setup_teardown(implicit_tls_smtps, setup_smtps, teardown),
		cmocka_unit_test_setup_teardown(untrusted_certificate_is_refused, setup_tls, teardown),
		cmocka_unit_test_setup_teardown(auth_over_tls, setup_tls_auth, teardown),
		cmocka_unit_test_setup_teardown(auth_wrong_password_fails_and_is_retryable,
			setup_plain_auth, teardown),
		cmocka_unit_test_setup_teardown(rejected_mailbox_is_permanent, setup_plain, teardown),
		cmocka_unit_test_setup_teardown(header_injection_is_refused, setup_plain, teardown),
		cmocka_unit_test_setup_teardown(nobody_listening, setup_plain, teardown),
		cmocka_unit_test_setup_teardown(silent_server_times_out, setup_mute, teardown),
		cmocka_unit_test(config_and_simulator),
	};
	return cmocka_run_group_tests_name("mail_smtp", tests, NULL, NULL);
}
