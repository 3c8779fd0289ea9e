/* The SMTP mail driver on libcurl: smtp:// with STARTTLS (required,
 * opportunistic or off) or smtps://, optional AUTH, one recipient per call. */
#include "drivers/mail.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>
#include <sodium.h>

#include "core/buf.h"
#include "drivers/mail_mime.h"

struct smtp {
	struct nl_mail_config cfg;
	char domain[256];   /* for Message-ID, from the From address */
};

struct upload {
	const char *data;
	size_t len;
	size_t pos;
};

static size_t on_read(char *dst, size_t size, size_t nmemb, void *ud)
{
	struct upload *u = ud;
	size_t room = size * nmemb;
	size_t n = u->len - u->pos;
	if (n > room)
		n = room;
	memcpy(dst, u->data + u->pos, n);
	u->pos += n;
	return n;
}

/* SMTP replies that say this recipient or message will never be accepted
 * (RFC 5321 §4.2.3): retrying them only delays the "failed" status. 535 (bad
 * credentials) and 530 (auth required) are not here on purpose: they are our
 * configuration, which an operator fixes, after which the retry succeeds. */
static bool smtp_code_is_permanent(long code)
{
	return code == 501 || code == 550 || code == 551 || code == 553 || code == 554;
}

static void random_hex(char *out, size_t bytes)
{
	unsigned char raw[32];
	if (bytes > sizeof raw)
		bytes = sizeof raw;
	randombytes_buf(raw, bytes);
	sodium_bin2hex(out, bytes * 2 + 1, raw, bytes);
}

static NL_MUST_USE nl_err smtp_send(void *self, const struct nl_mail_msg *m, struct nl_drv_error *e)
{
	struct smtp *s = self;
	nl_err rc = NL_ERR_IO;
	CURL *curl = NULL;
	struct curl_slist *rcpt = NULL;
	nl_buf msg = NL_BUF_INIT;
	char curl_err[CURL_ERROR_SIZE] = "";
	char id_hex[33], boundary_hex[25];
	char message_id[320], boundary[48], mail_from[260], rcpt_to[260];
	long code = 0;

	nl_drv_error_clear(e);
	random_hex(id_hex, 16);
	random_hex(boundary_hex, 12);
	snprintf(message_id, sizeof message_id, "<%s@%s>", id_hex, s->domain);
	snprintf(boundary, sizeof boundary, "=_nitelik_%s", boundary_hex);
	struct nl_mime_input in = {
		.from = s->cfg.from, .from_name = s->cfg.from_name, .to = m->to,
		.subject = m->subject ? m->subject : "", .body_text = m->body_text,
		.body_html = m->body_html, .date = (int64_t)time(NULL),
		.message_id = message_id, .boundary = boundary,
	};
	rc = nl_mime_build(&msg, &in);
	if (rc != NL_OK) {
		if (e)
			e->permanent = rc == NL_ERR_INVALID;   /* the same input fails again */
		rc = nl_drv_fail(e, rc, "cannot build the message (bad address or text)");
		goto out;
	}
	snprintf(mail_from, sizeof mail_from, "<%s>", s->cfg.from);
	snprintf(rcpt_to, sizeof rcpt_to, "<%s>", m->to);
	rcpt = curl_slist_append(NULL, rcpt_to);
	curl = curl_easy_init();
	if (!rcpt || !curl) {
		rc = nl_drv_fail(e, NL_ERR_NOMEM, "out of memory");
		goto out;
	}

	struct upload up = {.data = msg.data, .len = msg.len, .pos = 0};
	curl_easy_setopt(curl, CURLOPT_URL, s->cfg.url);
	curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
	curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, curl_err);
	curl_easy_setopt(curl, CURLOPT_MAIL_FROM, mail_from);
	curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, rcpt);
	curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(curl, CURLOPT_READFUNCTION, on_read);
	curl_easy_setopt(curl, CURLOPT_READDATA, &up);
	curl_easy_setopt(curl, CURLOPT_INFILESIZE_LARGE, (curl_off_t)msg.len);
	curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, s->cfg.timeout_ms);
	curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, s->cfg.connect_timeout_ms);
	curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, s->cfg.tls_verify ? 1L : 0L);
	curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, s->cfg.tls_verify ? 2L : 0L);
	if (s->cfg.ca_file[0])
		curl_easy_setopt(curl, CURLOPT_CAINFO, s->cfg.ca_file);
	if (strncmp(s->cfg.url, "smtps://", 8) == 0) {
		curl_easy_setopt(curl, CURLOPT_USE_SSL, (long)CURLUSESSL_ALL);
	} else {
		static const long use_ssl[] = {
			[NL_STARTTLS_REQUIRED] = CURLUSESSL_ALL,
			[NL_STARTTLS_OPPORTUNISTIC] = CURLUSESSL_TRY,
			[NL_STARTTLS_OFF] = CURLUSESSL_NONE,
		};
		curl_easy_setopt(curl, CURLOPT_USE_SSL, use_ssl[s->cfg.starttls]);
	}
	if (s->cfg.user[0]) {
		curl_easy_setopt(curl, CURLOPT_USERNAME, s->cfg.user);
		curl_easy_setopt(curl, CURLOPT_PASSWORD, s->cfg.password);
	}

	CURLcode cc = curl_easy_perform(curl);
	curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &code);
	if (cc != CURLE_OK) {
		if (e)
			e->permanent = smtp_code_is_permanent(code);
		rc = nl_drv_fail(e, NL_ERR_IO, "smtp: %s (reply %ld): %s", curl_easy_strerror(cc),
			code, curl_err[0] ? curl_err : "no detail");
		goto out;
	}
	rc = NL_OK;
out:
	if (curl)
		curl_easy_cleanup(curl);
	curl_slist_free_all(rcpt);
	nl_buf_free(&msg);
	return rc;
}

static void smtp_destroy(void *self)
{
	struct smtp *s = self;
	if (s) {
		sodium_memzero(s->cfg.password, sizeof s->cfg.password);
		free(s);
	}
}

nl_err nl_mailer_smtp_new(const struct nl_mail_config *c, nl_mailer **out)
{
	*out = NULL;
	if (strncmp(c->url, "smtp://", 7) != 0 && strncmp(c->url, "smtps://", 8) != 0)
		return NL_ERR_CONFIG;
	const char *at = strchr(c->from, '@');
	if (!at || at == c->from || !at[1] || strlen(at + 1) >= sizeof ((struct smtp *)0)->domain)
		return NL_ERR_CONFIG;
	if (nl_drv_curl_init() != NL_OK || sodium_init() < 0)
		return NL_ERR_INTERNAL;

	struct smtp *s = calloc(1, sizeof *s);
	nl_mailer *m = calloc(1, sizeof *m);
	if (!s || !m) {
		free(s);
		free(m);
		return NL_ERR_NOMEM;
	}
	s->cfg = *c;
	strcpy(s->domain, at + 1);
	m->name = "smtp";
	m->self = s;
	m->send = smtp_send;
	m->destroy = smtp_destroy;
	*out = m;
	return NL_OK;
}
