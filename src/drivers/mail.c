/* Mail configuration, the driver choice and the simulator. */
#include "drivers/mail.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

void nl_mail_config_defaults(struct nl_mail_config *c)
{
	memset(c, 0, sizeof *c);
	strcpy(c->driver, "simulator");
	strcpy(c->url, "smtp://127.0.0.1:25");
	c->starttls = NL_STARTTLS_REQUIRED;
	strcpy(c->from, "noreply@nitelik.invalid");
	strcpy(c->from_name, "Nitelik");
	c->tls_verify = true;
	c->timeout_ms = 30000;
	c->connect_timeout_ms = 10000;
}

nl_err nl_mail_config_set(struct nl_mail_config *c, const char *key, const char *value)
{
	if (strcmp(key, "driver") == 0) {
		if (strcmp(value, "smtp") != 0 && strcmp(value, "simulator") != 0)
			return NL_ERR_CONFIG;
		return nl_drv_set_str(c->driver, sizeof c->driver, value);
	}
	if (strcmp(key, "url") == 0)
		return nl_drv_set_str(c->url, sizeof c->url, value);
	if (strcmp(key, "starttls") == 0) {
		if (strcmp(value, "required") == 0)
			c->starttls = NL_STARTTLS_REQUIRED;
		else if (strcmp(value, "opportunistic") == 0)
			c->starttls = NL_STARTTLS_OPPORTUNISTIC;
		else if (strcmp(value, "off") == 0)
			c->starttls = NL_STARTTLS_OFF;
		else
			return NL_ERR_CONFIG;
		return NL_OK;
	}
	if (strcmp(key, "from") == 0)
		return nl_drv_set_str(c->from, sizeof c->from, value);
	if (strcmp(key, "from_name") == 0)
		return nl_drv_set_str(c->from_name, sizeof c->from_name, value);
	const struct nl_drv_conn_fields conn = {
		c->user, sizeof c->user, c->password, sizeof c->password,
		c->ca_file, sizeof c->ca_file, &c->tls_verify, &c->timeout_ms,
		&c->connect_timeout_ms,
	};
	return nl_drv_conn_set(&conn, key, value);
}

/* The simulator accepts every well-formed message: in demo mode the outbox
 * table itself (shown at /demo/outbox) is where people read their mail. */
struct sim {
	atomic_uint_fast64_t sent;
};

static NL_MUST_USE nl_err sim_send(void *self, const struct nl_mail_msg *m, struct nl_drv_error *e)
{
	struct sim *s = self;
	nl_drv_error_clear(e);
	if (!m->to || !strchr(m->to, '@') || !m->body_text) {
		if (e)
			e->permanent = true;
		return nl_drv_fail(e, NL_ERR_INVALID, "simulator: no recipient or body");
	}
	atomic_fetch_add(&s->sent, 1);
	return NL_OK;
}

static void sim_destroy(void *self)
{
	free(self);
}

nl_err nl_mailer_sim_new(nl_mailer **out)
{
	struct sim *s = calloc(1, sizeof *s);
	nl_mailer *m = calloc(1, sizeof *m);
	*out = NULL;
	if (!s || !m) {
		free(s);
		free(m);
		return NL_ERR_NOMEM;
	}
	atomic_init(&s->sent, 0);
	m->name = "simulator";
	m->self = s;
	m->send = sim_send;
	m->destroy = sim_destroy;
	*out = m;
	return NL_OK;
}

uint64_t nl_mailer_sim_count(const nl_mailer *m)
{
	if (!m || strcmp(m->name, "simulator") != 0)
		return 0;
	struct sim *s = m->self;
	return atomic_load(&s->sent);
}

nl_err nl_mailer_open(const struct nl_mail_config *c, nl_mailer **out)
{
	if (strcmp(c->driver, "smtp") == 0)
		return nl_mailer_smtp_new(c, out);
	if (strcmp(c->driver, "simulator") == 0)
		return nl_mailer_sim_new(out);
	*out = NULL;
	return NL_ERR_CONFIG;
}

void nl_mailer_free(nl_mailer *m)
{
	if (!m)
		return;
	if (m->destroy)
		m->destroy(m->self);
	free(m);
}
