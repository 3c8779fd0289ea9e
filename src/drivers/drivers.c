/* Building the process's set of drivers from the configuration. */
#include "drivers/drivers.h"

#include <string.h>

void nl_drivers_config_defaults(struct nl_drivers_config *c)
{
	nl_mail_config_defaults(&c->mail);
	nl_sms_config_defaults(&c->sms);
	nl_registry_config_defaults(&c->registry);
	nl_outbox_policy_defaults(&c->outbox);
	nl_pos_config_defaults(&c->pos);
	nl_courier_config_defaults(&c->courier);
	nl_production_config_defaults(&c->production);
	nl_oidc_config_defaults(&c->oidc);
}

bool nl_drivers_config_section(const char *section)
{
	return strcmp(section, "mail") == 0 || strcmp(section, "sms") == 0
		|| strcmp(section, "registry") == 0 || strcmp(section, "outbox") == 0
		|| strcmp(section, "pos") == 0 || strcmp(section, "courier") == 0
		|| strcmp(section, "production") == 0 || strcmp(section, "oidc") == 0;
}

nl_err nl_drivers_config_set(struct nl_drivers_config *c, const char *section,
	const char *key, const char *value)
{
	if (strcmp(section, "mail") == 0)
		return nl_mail_config_set(&c->mail, key, value);
	if (strcmp(section, "sms") == 0)
		return nl_sms_config_set(&c->sms, key, value);
	if (strcmp(section, "registry") == 0)
		return nl_registry_config_set(&c->registry, key, value);
	if (strcmp(section, "outbox") == 0)
		return nl_outbox_policy_set(&c->outbox, key, value);
	if (strcmp(section, "pos") == 0)
		return nl_pos_config_set(&c->pos, key, value);
	if (strcmp(section, "courier") == 0)
		return nl_courier_config_set(&c->courier, key, value);
	if (strcmp(section, "production") == 0)
		return nl_production_config_set(&c->production, key, value);
	if (strcmp(section, "oidc") == 0)
		return nl_oidc_config_set(&c->oidc, key, value);
	return NL_ERR_NOT_FOUND;
}

nl_err nl_drivers_open(const struct nl_drivers_config *c, struct nl_drivers *out,
	const char **why)
{
	nl_err rc;
	const char *part = NULL;
	memset(out, 0, sizeof *out);
	out->outbox = c->outbox;
	if ((rc = nl_mailer_open(&c->mail, &out->mail)) != NL_OK)
		part = "mail";
	else if ((rc = nl_sms_open(&c->sms, &out->sms)) != NL_OK)
		part = "sms";
	else if ((rc = nl_registry_open(&c->registry, &out->registry)) != NL_OK)
		part = "registry";
	else if ((rc = nl_pos_open(&c->pos, &out->pos)) != NL_OK)
		part = "pos";
	else if ((rc = nl_courier_open(&c->courier, &out->courier)) != NL_OK)
		part = "courier";
	else if ((rc = nl_oidc_open(&c->oidc, &out->oidc)) != NL_OK)
		part = "oidc";
	out->production = c->production;
	out->oidc_cfg = c->oidc;
	if (rc != NL_OK)
		nl_drivers_close(out);
	if (why)
		*why = part;
	return rc;
}

void nl_drivers_close(struct nl_drivers *d)
{
	if (!d)
		return;
	nl_mailer_free(d->mail);
	nl_sms_free(d->sms);
	nl_registry_free(d->registry);
	nl_pos_free(d->pos);
	nl_courier_free(d->courier);
	nl_oidc_free(d->oidc);
	memset(d, 0, sizeof *d);
}
