/* The set of outside-system drivers a process runs with, built from the
 * configuration sections [mail], [sms], [registry], [outbox], [pos], [courier], [production] and [oidc].
 *
 * nitelikd builds one nl_drivers at start (nl_drivers_open) and passes it to the
 * use cases and to the outbox worker; tests build one from parts. */
#ifndef NL_DRIVERS_DRIVERS_H
#define NL_DRIVERS_DRIVERS_H

#include "drivers/courier.h"
#include "drivers/mail.h"
#include "drivers/oidc.h"
#include "drivers/pos.h"
#include "drivers/production_line.h"
#include "drivers/registry.h"
#include "drivers/sms.h"
#include "store/store_outbox.h"

struct nl_drivers_config {
	struct nl_mail_config mail;
	struct nl_sms_config sms;
	struct nl_registry_config registry;
	struct nl_outbox_policy outbox;
	struct nl_pos_config pos;       /* [pos] */
	struct nl_courier_config courier;          /* [courier] */
	struct nl_production_config production;    /* [production] (production_line.h) */
	struct nl_oidc_config oidc;                /* [oidc] (oidc.h) */
};

/* Defaults: every driver the simulator, the outbox policy's defaults. */
void nl_drivers_config_defaults(struct nl_drivers_config *c);

/* Sets one key of one section ("mail", "sms", "registry", "outbox"), for the
 * configuration parser to call per line. NL_ERR_NOT_FOUND for an unknown
 * section or key, NL_ERR_CONFIG for a bad value. */
NL_MUST_USE nl_err nl_drivers_config_set(struct nl_drivers_config *c, const char *section,
	const char *key, const char *value);

/* True for the sections nl_drivers_config_set understands. */
bool nl_drivers_config_section(const char *section);

struct nl_drivers {
	nl_mailer *mail;
	nl_sms *sms;
	nl_registry *registry;
	struct nl_outbox_policy outbox;
	nl_pos *pos;                    /* the virtual POS (drivers/pos.h) */
	nl_courier *courier;            /* drivers/courier.h */
	struct nl_production_config production;   /* copied from the configuration */
	nl_oidc *oidc;                  /* the e-Devlet door; NULL when [oidc] is disabled */
	struct nl_oidc_config oidc_cfg; /* copied: the demo provider answers to it */
};

/* Opens every driver the configuration names. Caller frees with
 * nl_drivers_close. On error nothing is left open and *why names the part. */
NL_MUST_USE nl_err nl_drivers_open(const struct nl_drivers_config *c, struct nl_drivers *out,
	const char **why);
void nl_drivers_close(struct nl_drivers *d);   /* frees the drivers; the struct is zeroed */

#endif
