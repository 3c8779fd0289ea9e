/* The population registry (MERNIS/KPS): the interface, an HTTP JSON driver and
 * a simulator backed by a file of demo citizens.
 *
 * Configuration, section [registry]:
 *   driver    = http | simulator                  (default simulator)
 *   url       = https://kps.example/api           (the driver POSTs to url/lookup
 *                                                  and url/verify, see docs/drivers.md)
 *   user, password, token, ca_file, tls_verify, timeout_ms, connect_timeout_ms
 *   data_file = data/demo-citizens.json           (simulator only)
 *
 * Names and birth places are compared the Turkish way (core/text.h:
 * nl_tr_name_equal): "ışık" equals "IŞIK" but not "ISIK". */
#ifndef NL_DRIVERS_REGISTRY_H
#define NL_DRIVERS_REGISTRY_H

#include <stdbool.h>

#include "drivers/driver.h"
#include "drivers/http.h"

/* What the registry knows about one citizen. Strings are UTF-8; birth_date is
 * "YYYY-MM-DD". */
struct nl_citizen {
	char tckn[12];
	char given_name[128];
	char surname[128];
	char birth_place[128];
	char birth_date[11];
	bool alive;
};

/* What a person typed at the identity login door. */
struct nl_identity_claim {
	const char *tckn;
	const char *given_name;
	const char *surname;
	const char *birth_place;
	const char *birth_date;   /* "YYYY-MM-DD" */
};

typedef struct nl_registry {
	const char *name;
	void *self;
	/* NL_OK and *out filled; NL_ERR_NOT_FOUND when no such living or dead
	 * person; NL_ERR_INVALID for a malformed T.C. number; NL_ERR_IO when
	 * the registry cannot be asked. */
	nl_err (*lookup)(void *self, const char *tckn, struct nl_citizen *out,
		struct nl_drv_error *e);
	/* NL_OK with *match true only when the person exists, is alive and every
	 * field agrees; an unknown number is just *match = false, so a caller
	 * cannot tell "no such person" from "wrong name". NL_ERR_IO when the
	 * registry cannot be asked. */
	nl_err (*verify)(void *self, const struct nl_identity_claim *claim, bool *match,
		struct nl_drv_error *e);
	void (*destroy)(void *self);
} nl_registry;

struct nl_registry_config {
	char driver[32];
	struct nl_http_endpoint ep;
	char data_file[512];
};

void nl_registry_config_defaults(struct nl_registry_config *c);
/* NL_ERR_NOT_FOUND for an unknown key, NL_ERR_CONFIG for a bad value. */
NL_MUST_USE nl_err nl_registry_config_set(struct nl_registry_config *c, const char *key, const char *value);

/* Caller frees with nl_registry_free. The simulator loads and checks its data
 * file here (every T.C. number valid, every field present): NL_ERR_CONFIG if
 * the file is wrong, NL_ERR_IO if it cannot be read. */
NL_MUST_USE nl_err nl_registry_open(const struct nl_registry_config *c, nl_registry **out);
NL_MUST_USE nl_err nl_registry_http_new(const struct nl_registry_config *c, nl_registry **out);
NL_MUST_USE nl_err nl_registry_sim_new(const char *data_file, nl_registry **out);
void nl_registry_free(nl_registry *r);   /* NULL is fine */

/* The comparison both drivers' callers rely on, exposed for tests: true when
 * the claim matches the citizen (alive, Turkish-folded names, same date). */
bool nl_registry_claim_matches(const struct nl_citizen *c, const struct nl_identity_claim *claim);

#endif
