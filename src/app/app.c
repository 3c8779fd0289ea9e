#include "app/app.h"
#include "app/card.h"
#include "app/node.h"
#include "docs/fonts.h"
#include "pki/ca_store.h"
#include "pki/card_perso.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static NL_MUST_USE nl_err ext_set(void *ctx, const char *section, const char *key, const char *value)
{
	return nl_drivers_config_set(ctx, section, key, value);
}

const struct nl_config_ext nl_app_config_ext = {
	.has_section = nl_drivers_config_section,
	.set = ext_set,
};

nl_err nl_app_open(struct nl_app *app, const struct nl_config *cfg, nl_db *db,
                   const struct nl_drivers_config *dcfg, const char **why)
{
	memset(app, 0, sizeof *app);
	app->cfg = cfg;
	app->db = db;
	nl_err rc = nl_node_id_load(cfg, app->node_id, why);
	if (rc)
		return rc;
	/* A restarted node takes back at once what its previous run had claimed
	 * and not finished (node.h), rather than after the leases; before the
	 * server or the workers start, so nothing of this run is claimed yet. */
	int64_t rows = 0;
	if ((rc = nl_node_reclaim(app, app->node_id, (int64_t)time(NULL), &rows))) {
		if (why)
			*why = "releasing this node's unfinished jobs";
		return rc;
	}
	if (rows > 0)   /* a clean start says nothing */
		fprintf(stderr, "{\"worker\":\"reclaim\",\"node\":\"%s\",\"released\":%lld}\n",
		        app->node_id, (long long)rows);
	if ((rc = nl_drivers_open(dcfg, &app->drivers, why)))
		return rc;
	snprintf(app->drivers.outbox.node_id, sizeof app->drivers.outbox.node_id, "%s", app->node_id);
	/* SoftHSM2 reads SOFTHSM2_CONF when its module initialises: the demo's
	 * and the tests' card folder is named here, before the server and the
	 * workers start, never on the thread that produces a card (card_perso.h). */
	char cards[1024];
	nl_card_dir(app, cards, sizeof cards);
	if (cards[0] && (rc = nl_card_perso_softhsm_env(cards))) {
		if (why)
			*why = "the card folder ([production] softhsm_dir)";
		nl_drivers_close(&app->drivers);
		return rc;
	}
	return NL_OK;
}

static pthread_mutex_t ca_lock = PTHREAD_MUTEX_INITIALIZER;
static struct nl_ca *the_ca;

const struct nl_ca *nl_app_ca(const struct nl_app *app)
{
	pthread_mutex_lock(&ca_lock);
	/* The [ca] keys shape what it issues; a refusal stays in the CA and is
	 * given at each issuance (nitelikd already reported it at start). */
	if (!the_ca && nl_ca_open(app->cfg->data_dir, false, &the_ca) == NL_OK)
		nl_err_ignore(nl_ca_configure(the_ca, app->cfg, NULL, 0));
	else if (!the_ca)
		the_ca = NULL;
	const struct nl_ca *ca = the_ca;
	pthread_mutex_unlock(&ca_lock);
	return ca;
}

void nl_app_close(struct nl_app *app)
{
	if (app)
		nl_drivers_close(&app->drivers);
	nl_docs_shutdown();   /* captcha fonts: a leak-free exit under ASan */
}
