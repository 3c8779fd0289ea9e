/* [production] settings (production_line.h). */
#include "drivers/production_line.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void nl_production_config_defaults(struct nl_production_config *c)
{
	memset(c, 0, sizeof *c);
	snprintf(c->card_module, sizeof c->card_module, "/usr/lib/softhsm/libsofthsm2.so");
	snprintf(c->key_type, sizeof c->key_type, "p256");
	snprintf(c->pin_delivery, sizeof c->pin_delivery, "letter");
	c->renewal_lead_days = 61;
	c->expiry_notice_days = 61;
	c->max_attempts = 3;
	c->batch = 20;
	c->auto_run = true;
}

static bool int_in(const char *v, int64_t lo, int64_t hi, int64_t *out)
{
	char *end;
	long long x = strtoll(v, &end, 10);
	if (!*v || *end || x < lo || x > hi) return false;
	*out = x;
	return true;
}

static NL_MUST_USE nl_err copy(char *dst, size_t cap, const char *v)
{
	if (strlen(v) >= cap) return NL_ERR_CONFIG;
	memcpy(dst, v, strlen(v) + 1);
	return NL_OK;
}

nl_err nl_production_config_set(struct nl_production_config *c, const char *key,
                                const char *value)
{
	if (!strcmp(key, "card_module"))
		return copy(c->card_module, sizeof c->card_module, value);
	if (!strcmp(key, "softhsm_dir")) {
		c->softhsm_dir_set = true;
		return copy(c->softhsm_dir, sizeof c->softhsm_dir, value);
	}
	if (!strcmp(key, "key_type")) {
		if (strcmp(value, "p256") && strcmp(value, "rsa2048")) return NL_ERR_CONFIG;
		return copy(c->key_type, sizeof c->key_type, value);
	}
	if (!strcmp(key, "pin_delivery")) {
		if (strcmp(value, "letter") && strcmp(value, "channel") && strcmp(value, "both"))
			return NL_ERR_CONFIG;
		return copy(c->pin_delivery, sizeof c->pin_delivery, value);
	}
	if (!strcmp(key, "auto")) {
		if (!strcmp(value, "true")) c->auto_run = true;
		else if (!strcmp(value, "false")) c->auto_run = false;
		else return NL_ERR_CONFIG;
		return NL_OK;
	}
	int64_t *dst = !strcmp(key, "renewal_lead_days") ? &c->renewal_lead_days
	             : !strcmp(key, "expiry_notice_days") ? &c->expiry_notice_days
	             : !strcmp(key, "max_attempts") ? &c->max_attempts
	             : !strcmp(key, "batch") ? &c->batch : NULL;
	if (!dst) return NL_ERR_NOT_FOUND;
	return int_in(value, 1, 3650, dst) ? NL_OK : NL_ERR_CONFIG;
}
