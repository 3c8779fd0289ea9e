/* The courier driver and its simulator (courier.h). */
#include "drivers/courier.h"
#include "core/validate.h"

#include <sodium.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct nl_courier {
	struct nl_courier_config cfg;
};

static const char *const codes[] = {NULL, "accepted", "in_transit", "delivered"};

const char *nl_parcel_status_code(enum nl_parcel_status s)
{
	return s >= NL_PARCEL_ACCEPTED && s <= NL_PARCEL_DELIVERED ? codes[s] : NULL;
}

bool nl_parcel_status_parse(const char *code, enum nl_parcel_status *out)
{
	for (int i = NL_PARCEL_ACCEPTED; code && i <= NL_PARCEL_DELIVERED; i++)
		if (!strcmp(code, codes[i])) {
			*out = (enum nl_parcel_status)i;
			return true;
		}
	return false;
}

void nl_courier_config_defaults(struct nl_courier_config *c)
{
	memset(c, 0, sizeof *c);
	snprintf(c->driver, sizeof c->driver, "simulator");
	c->step_s = 3600;
}

nl_err nl_courier_config_set(struct nl_courier_config *c, const char *key, const char *value)
{
	if (!strcmp(key, "driver")) {
		if (strcmp(value, "simulator")) return NL_ERR_CONFIG;
		snprintf(c->driver, sizeof c->driver, "%s", value);
		return NL_OK;
	}
	if (!strcmp(key, "step_s")) {
		char *end;
		long long v = strtoll(value, &end, 10);
		if (*end || v < 1 || v > 30LL * 86400) return NL_ERR_CONFIG;
		c->step_s = v;
		return NL_OK;
	}
	return NL_ERR_NOT_FOUND;
}

nl_err nl_courier_open(const struct nl_courier_config *cfg, nl_courier **out)
{
	if (strcmp(cfg->driver, "simulator")) return NL_ERR_CONFIG;
	nl_courier *c = calloc(1, sizeof *c);
	if (!c) return NL_ERR_NOMEM;
	c->cfg = *cfg;
	*out = c;
	return NL_OK;
}

void nl_courier_free(nl_courier *c) { free(c); }

const char *nl_courier_name(const nl_courier *c) { return c ? c->cfg.driver : ""; }

/* Luhn-style check digit over the ten digits: catches one mistyped digit. */
static char check_digit(const char *d)
{
	int sum = 0;
	for (int i = 0; i < 10; i++) {
		int v = d[9 - i] - '0';
		if (i % 2 == 0) { v *= 2; if (v > 9) v -= 9; }
		sum += v;
	}
	return (char)('0' + (10 - sum % 10) % 10);
}

bool nl_courier_tracking_valid(const char *s)
{
	if (!s || strlen(s) != 13 || s[0] != 'N' || s[1] != 'K') return false;
	if (!nl_all_digits(s + 2)) return false;
	return check_digit(s + 2) == s[12];
}

nl_err nl_courier_ship(nl_courier *c, const struct nl_parcel *p, int64_t now, char tracking[32])
{
	(void)c; (void)p; (void)now;
	char d[11];
	for (int i = 0; i < 10; i++) d[i] = (char)('0' + randombytes_uniform(10));
	d[10] = '\0';
	snprintf(tracking, 32, "NK%s%c", d, check_digit(d));
	return NL_OK;
}

nl_err nl_courier_status(nl_courier *c, const char *tracking, int64_t shipped_at, int64_t now,
                         enum nl_parcel_status *out)
{
	if (!nl_courier_tracking_valid(tracking)) return NL_ERR_NOT_FOUND;
	int64_t age = now - shipped_at;
	*out = age >= 2 * c->cfg.step_s ? NL_PARCEL_DELIVERED
	     : age >= c->cfg.step_s ? NL_PARCEL_IN_TRANSIT : NL_PARCEL_ACCEPTED;
	return NL_OK;
}
