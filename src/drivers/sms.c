/* SMS configuration, the HTTP JSON gateway driver and the simulator. */
#include "drivers/sms.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sodium.h>

#include "core/buf.h"
#include "core/validate.h"

#define DEFAULT_TEMPLATE "{\"to\":\"${to_intl}\",\"text\":\"${text}\",\"sender\":\"${sender}\"}"

void nl_sms_config_defaults(struct nl_sms_config *c)
{
	memset(c, 0, sizeof *c);
	strcpy(c->driver, "simulator");
	nl_http_endpoint_defaults(&c->ep);
	strcpy(c->sender, "NITELIK");
	strcpy(c->template_json, DEFAULT_TEMPLATE);
}

nl_err nl_sms_config_set(struct nl_sms_config *c, const char *key, const char *value)
{
	if (strcmp(key, "driver") == 0) {
		if (strcmp(value, "http") != 0 && strcmp(value, "simulator") != 0)
			return NL_ERR_CONFIG;
		return nl_drv_set_str(c->driver, sizeof c->driver, value);
	}
	if (strcmp(key, "sender") == 0)
		return nl_drv_set_str(c->sender, sizeof c->sender, value);
	if (strcmp(key, "template") == 0)
		return nl_drv_set_str(c->template_json, sizeof c->template_json, value);
	return nl_http_endpoint_set(&c->ep, key, value);
}

/* A JSON string's inside, without the quotes, so a template author writes the
 * quotes himself: "text":"${text}". */
static void put_json_escaped(nl_buf *b, const char *v)
{
	json_t *s = json_string(v ? v : "");
	char *enc = s ? json_dumps(s, JSON_ENCODE_ANY) : NULL;
	if (!enc) {
		b->oom = true;
	} else {
		size_t n = strlen(enc);
		nl_buf_append(b, enc + 1, n >= 2 ? n - 2 : 0);
	}
	free(enc);
	json_decref(s);
}

nl_err nl_sms_render_template(const struct nl_sms_config *c, const struct nl_sms_msg *m,
	char **out)
{
	nl_buf b = NL_BUF_INIT;
	char to_intl[32];
	const char *p = c->template_json;

	*out = NULL;
	snprintf(to_intl, sizeof to_intl, "90%s", m->to ? m->to : "");
	while (*p) {
		const char *open = strstr(p, "${");
		if (!open) {
			nl_buf_puts(&b, p);
			break;
		}
		nl_buf_append(&b, p, (size_t)(open - p));
		const char *close = strchr(open, '}');
		if (!close) {
			nl_buf_free(&b);
			return NL_ERR_CONFIG;
		}
		size_t n = (size_t)(close - open - 2);
		const char *name = open + 2;
		const char *val;
		if (n == 2 && strncmp(name, "to", 2) == 0)
			val = m->to;
		else if (n == 7 && strncmp(name, "to_intl", 7) == 0)
			val = to_intl;
		else if (n == 4 && strncmp(name, "text", 4) == 0)
			val = m->text;
		else if (n == 6 && strncmp(name, "sender", 6) == 0)
			val = c->sender;
		else if (n == 4 && strncmp(name, "user", 4) == 0)
			val = c->ep.user;
		else if (n == 8 && strncmp(name, "password", 8) == 0)
			val = c->ep.password;
		else {
			nl_buf_free(&b);
			return NL_ERR_CONFIG;
		}
		put_json_escaped(&b, val);
		p = close + 1;
	}
	if (b.oom) {
		nl_buf_free(&b);
		return NL_ERR_NOMEM;
	}
	*out = nl_buf_take(&b);
	return *out ? NL_OK : NL_ERR_NOMEM;
}

struct http_sms {
	struct nl_sms_config cfg;
};

/* 10 digits starting with 5: the form core's phone validation stores. */
static bool mobile_ok(const char *to)
{
	return to && strlen(to) == 10 && to[0] == '5' && nl_all_digits(to);
}

static NL_MUST_USE nl_err http_send(void *self, const struct nl_sms_msg *m, struct nl_drv_error *e)
{
	struct http_sms *h = self;
	char *body = NULL;
	json_t *answer = NULL;
	nl_err rc;

	nl_drv_error_clear(e);
	if (!mobile_ok(m->to) || !m->text) {
		if (e)
			e->permanent = true;
		return nl_drv_fail(e, NL_ERR_INVALID, "sms: not a mobile number");
	}
	rc = nl_sms_render_template(&h->cfg, m, &body);
	if (rc != NL_OK)
		return nl_drv_fail(e, rc, "sms: cannot render the request template");
	rc = nl_http_post_json(&h->cfg.ep, "", body, &answer, e);
	sodium_memzero(body, strlen(body));   /* may hold the gateway password */
	free(body);
	json_decref(answer);
	return rc;
}

static void http_destroy(void *self)
{
	struct http_sms *h = self;
	if (h) {
		sodium_memzero(&h->cfg, sizeof h->cfg);
		free(h);
	}
}

nl_err nl_sms_http_new(const struct nl_sms_config *c, nl_sms **out)
{
	*out = NULL;
	if (strncmp(c->ep.url, "http://", 7) != 0 && strncmp(c->ep.url, "https://", 8) != 0)
		return NL_ERR_CONFIG;
	/* Render once with a sample so a broken template is a start-up error,
	 * not a failure at the first code someone waits for. */
	struct nl_sms_msg sample = {.to = "5001234567", .text = "test \"ğüşiöç\"\n"};
	char *body = NULL;
	json_t *parsed = NULL;
	if (nl_sms_render_template(c, &sample, &body) != NL_OK)
		return NL_ERR_CONFIG;
	parsed = json_loads(body, 0, NULL);
	free(body);
	if (!parsed)
		return NL_ERR_CONFIG;
	json_decref(parsed);
	if (nl_drv_curl_init() != NL_OK || sodium_init() < 0)
		return NL_ERR_INTERNAL;

	struct http_sms *h = calloc(1, sizeof *h);
	nl_sms *s = calloc(1, sizeof *s);
	if (!h || !s) {
		free(h);
		free(s);
		return NL_ERR_NOMEM;
	}
	h->cfg = *c;
	s->name = "http";
	s->self = h;
	s->send = http_send;
	s->destroy = http_destroy;
	*out = s;
	return NL_OK;
}

/* The simulator accepts every message to a well-formed number; the demo
 * outbox page shows the text (and so the SMS code) to whoever runs the demo. */
struct sim {
	atomic_uint_fast64_t sent;
};

static NL_MUST_USE nl_err sim_send(void *self, const struct nl_sms_msg *m, struct nl_drv_error *e)
{
	struct sim *s = self;
	nl_drv_error_clear(e);
	if (!mobile_ok(m->to) || !m->text) {
		if (e)
			e->permanent = true;
		return nl_drv_fail(e, NL_ERR_INVALID, "simulator: not a mobile number");
	}
	atomic_fetch_add(&s->sent, 1);
	return NL_OK;
}

nl_err nl_sms_sim_new(nl_sms **out)
{
	struct sim *si = calloc(1, sizeof *si);
	nl_sms *s = calloc(1, sizeof *s);
	*out = NULL;
	if (!si || !s) {
		free(si);
		free(s);
		return NL_ERR_NOMEM;
	}
	atomic_init(&si->sent, 0);
	s->name = "simulator";
	s->self = si;
	s->send = sim_send;
	s->destroy = free;
	*out = s;
	return NL_OK;
}

uint64_t nl_sms_sim_count(const nl_sms *s)
{
	if (!s || strcmp(s->name, "simulator") != 0)
		return 0;
	struct sim *si = s->self;
	return atomic_load(&si->sent);
}

nl_err nl_sms_open(const struct nl_sms_config *c, nl_sms **out)
{
	if (strcmp(c->driver, "http") == 0)
		return nl_sms_http_new(c, out);
	if (strcmp(c->driver, "simulator") == 0)
		return nl_sms_sim_new(out);
	*out = NULL;
	return NL_ERR_CONFIG;
}

void nl_sms_free(nl_sms *s)
{
	if (!s)
		return;
	if (s->destroy)
		s->destroy(s->self);
	free(s);
}
