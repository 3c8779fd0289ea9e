/* Message building without a network: quoted-printable rules, RFC 2047 words
 * (decoded back here), header-injection refusal, the message's shape. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include "core/buf.h"
#include "drivers/mail_mime.h"

static int hexval(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* A strict QP decoder: soft breaks removed, =XX decoded, CRLF -> LF. */
static char *qp_decode(const char *s)
{
	char *out = malloc(strlen(s) + 1);
	size_t n = 0;
	while (*s) {
		if (s[0] == '=' && s[1] == '\r' && s[2] == '\n') {
			s += 3;
		} else if (s[0] == '=') {
			assert_true(hexval(s[1]) >= 0 && hexval(s[2]) >= 0);
			out[n++] = (char)(hexval(s[1]) * 16 + hexval(s[2]));
			s += 3;
		} else if (s[0] == '\r' && s[1] == '\n') {
			out[n++] = '\n';
			s += 2;
		} else {
			assert_true((unsigned char)*s < 127);
			out[n++] = *s++;
		}
	}
	out[n] = '\0';
	return out;
}

static void assert_lines_within(const char *s, size_t max)
{
	const char *line = s;
	for (;;) {
		const char *e = strstr(line, "\r\n");
		size_t n = e ? (size_t)(e - line) : strlen(line);
		assert_true(n <= max);
		if (n > 0) {
			/* no trailing white space at a hard line end */
			assert_true(line[n - 1] != ' ' && line[n - 1] != '\t');
		}
		if (!e)
			break;
		line = e + 2;
	}
}

static void quoted_printable(void **state)
{
	(void)state;
	const char *cases[] = {
		"",
		"plain ascii",
		"ğüşıöç İĞÜŞÖÇ",
		"a=b =3D equals\n",
		"trailing space   \nand tab\t\n",
		".starts with a dot\n.\n",
		"CRLF\r\nline ends\r\n",
		"x",
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		nl_buf b = NL_BUF_INIT;
		nl_mime_qp(&b, cases[i]);
		assert_false(b.oom);
		assert_lines_within(b.data ? b.data : "", 76);
		char *back = qp_decode(b.data ? b.data : "");
		/* the decoded text equals the input with CRLF normalised to LF */
		char want[256];
		size_t n = 0;
		for (const char *p = cases[i]; *p; p++)
			if (*p != '\r')
				want[n++] = *p;
		want[n] = '\0';
		assert_string_equal(back, want);
		free(back);
		nl_buf_free(&b);
	}
	/* a long line is broken with soft breaks and never splits an =XX */
	char lng[2048] = "";
	for (int i = 0; i < 100; i++)
		strcat(lng, "ş=a");
	nl_buf b = NL_BUF_INIT;
	nl_mime_qp(&b, lng);
	assert_lines_within(b.data, 76);
	assert_non_null(strstr(b.data, "=\r\n"));
	char *back = qp_decode(b.data);
	assert_string_equal(back, lng);
	free(back);
	nl_buf_free(&b);
	/* a dot opening a line is escaped */
	nl_mime_qp(&b, ".\n.x");
	assert_string_equal(b.data, "=2E\r\n=2Ex");
	nl_buf_free(&b);
}

/* Decodes "=?UTF-8?B?...?=" words separated by folding back to UTF-8. */
static char *words_decode(const char *s)
{
	char *out = calloc(1, 1024);
	size_t n = 0;
	while (*s) {
		if (!strncmp(s, "\r\n ", 3)) {
			s += 3;
			continue;
		}
		assert_true(strncmp(s, "=?UTF-8?B?", 10) == 0);
		const char *end = strstr(s + 10, "?=");
		assert_non_null(end);
		assert_true(end + 2 - s <= 75);
		size_t bin_len = 0;
		assert_int_equal(sodium_base642bin((unsigned char *)out + n, 1024 - n, s + 10,
			(size_t)(end - s - 10), NULL, &bin_len, NULL, sodium_base64_VARIANT_ORIGINAL), 0);
		/* every word holds whole characters: it decodes as UTF-8 on its own */
		unsigned char last = (unsigned char)out[n + bin_len - 1];
		assert_true(last < 0x80 || (last & 0xC0) == 0x80);
		n += bin_len;
		s = end + 2;
	}
	return out;
}

static void encoded_words(void **state)
{
	(void)state;
	nl_buf b = NL_BUF_INIT;
	nl_mime_encode_header(&b, "Plain subject", 9);
	assert_string_equal(b.data, "Plain subject");
	nl_buf_reset(&b);

	const char *tr = "Başvuru Şifreniz — İĞÜŞÖÇ ığüşöç, 5070 sayılı Elektronik İmza Kanunu "
		"gereğince gönderilmiştir";
	nl_mime_encode_header(&b, tr, 9);
	assert_lines_within(b.data, 76 - 0);
	char *back = words_decode(b.data);
	assert_string_equal(back, tr);
	free(back);
	nl_buf_reset(&b);

	/* a line break in a subject cannot start a new header */
	nl_mime_encode_header(&b, "hi\r\nBcc: x@y.z", 9);
	assert_null(strchr(b.data, '\n') ? strstr(b.data, "\nBcc") : NULL);
	back = words_decode(b.data);
	assert_string_equal(back, "hi\r\nBcc: x@y.z");
	free(back);
	nl_buf_free(&b);
}

static struct nl_mime_input input(void)
{
	return (struct nl_mime_input){
		.from = "noreply@nitelik.test", .from_name = "Nitelik", .to = "a@example.org",
		.subject = "Şifre", .body_text = "Metin", .body_html = "<p>HTML</p>",
		.date = 1800000000, .message_id = "<abc@nitelik.test>", .boundary = "=_nitelik_1",
	};
}

static void message_shape(void **state)
{
	(void)state;
	struct nl_mime_input in = input();
	nl_buf b = NL_BUF_INIT;
	assert_int_equal(nl_mime_build(&b, &in), NL_OK);
	/* 1800000000 = Fri, 15 Jan 2027 08:00:00 UTC */
	assert_non_null(strstr(b.data, "Date: Fri, 15 Jan 2027 08:00:00 +0000\r\n"));
	assert_non_null(strstr(b.data, "From: Nitelik <noreply@nitelik.test>\r\n"));
	assert_non_null(strstr(b.data, "To: <a@example.org>\r\n"));
	assert_non_null(strstr(b.data, "Message-ID: <abc@nitelik.test>\r\n"));
	assert_non_null(strstr(b.data, "MIME-Version: 1.0\r\n"));
	assert_non_null(strstr(b.data, "boundary=\"=_nitelik_1\""));
	assert_non_null(strstr(b.data, "\r\n--=_nitelik_1\r\nContent-Type: text/plain; charset=UTF-8"));
	assert_non_null(strstr(b.data, "\r\n--=_nitelik_1\r\nContent-Type: text/html; charset=UTF-8"));
	assert_non_null(strstr(b.data, "\r\n--=_nitelik_1--\r\n"));
	assert_non_null(strstr(b.data, "\r\n\r\n"));   /* headers end */
	for (const char *p = b.data; *p; p++) {
		assert_true((unsigned char)*p < 128);
		if (*p == '\n')
			assert_true(p > b.data && p[-1] == '\r');
	}
	nl_buf_free(&b);
	/* a display name that needs quoting is encoded */
	in.from_name = "Kamu SM, \"E-İmza\"";
	assert_int_equal(nl_mime_build(&b, &in), NL_OK);
	assert_non_null(strstr(b.data, "From: =?UTF-8?B?"));
	nl_buf_free(&b);
}

static void refusals(void **state)
{
	(void)state;
	struct nl_mime_input in;
	nl_buf b = NL_BUF_INIT;
	const char *bad_addresses[] = {"", "no-at", "a@", "@b", "a@b@c", "a b@c", "a@b\r\nBcc: c@d",
		"<a@b>", "a,b@c", "ş@example.org"};
	for (size_t i = 0; i < sizeof bad_addresses / sizeof bad_addresses[0]; i++) {
		in = input();
		in.to = bad_addresses[i];
		assert_int_equal(nl_mime_build(&b, &in), NL_ERR_INVALID);
		in = input();
		in.from = bad_addresses[i];
		assert_int_equal(nl_mime_build(&b, &in), NL_ERR_INVALID);
	}
	in = input();
	in.subject = "\xC3\x28";
	assert_int_equal(nl_mime_build(&b, &in), NL_ERR_INVALID);
	in = input();
	in.body_html = "overlong \xC0\xAF slash";
	assert_int_equal(nl_mime_build(&b, &in), NL_ERR_INVALID);
	in = input();
	in.body_text = "contains =_nitelik_1 the boundary";
	assert_int_equal(nl_mime_build(&b, &in), NL_ERR_INVALID);
	in = input();
	in.message_id = "<a@b>\r\nBcc: c@d";
	assert_int_equal(nl_mime_build(&b, &in), NL_ERR_INVALID);
	nl_buf_free(&b);
}

int main(void)
{
	cmocka_set_message_output(CM_OUTPUT_TAP);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(quoted_printable),
		cmocka_unit_test(encoded_words),
		cmocka_unit_test(message_shape),
		cmocka_unit_test(refusals),
	};
	return cmocka_run_group_tests_name("mime", tests, NULL, NULL);
}
