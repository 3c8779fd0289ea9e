/* The application context: what every use case and worker needs besides its
 * input — the configuration, the database and the outside-system drivers.
 * One per process, built by nitelikd's main before the server starts, shared
 * read-only by all threads, and hung on the server as srv->app. */
#ifndef NL_APP_APP_H
#define NL_APP_APP_H

#include "core/config.h"
#include "drivers/drivers.h"
#include "store/db.h"

struct nl_app {
	const struct nl_config *cfg;
	nl_db *db;
	struct nl_drivers drivers;   /* opened from the [mail] [sms] [registry] [outbox] sections */
	char node_id[64];            /* this node's name (node.h); "" in tests: production
	                                then names the claim after host and process */
};

/* The extension that lets the one configuration file carry the drivers'
 * sections; pass it with a struct nl_drivers_config * as context to
 * nl_config_parse_ext. */
extern const struct nl_config_ext nl_app_config_ext;

/* Loads this node's name (node.h), releases what the node's previous run
 * left claimed, and opens the drivers. On error *why names the part; nothing
 * is left open. */
NL_MUST_USE nl_err nl_app_open(struct nl_app *app, const struct nl_config *cfg, nl_db *db,
                   const struct nl_drivers_config *dcfg, const char **why);
void nl_app_close(struct nl_app *app);   /* closes the drivers; NULL is fine */

/* The CA of the data folder (certificates and configuration, no keys), loaded
 * once per process and shared by every use case; never freed. NULL while there
 * is none: a CA made after start (`nitelik ca init` in a running demo) is found
 * on a later call, as only a success is final. */
struct nl_ca;
const struct nl_ca *nl_app_ca(const struct nl_app *app);

#endif
