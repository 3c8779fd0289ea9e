/* Captcha tickets (captcha.h). */
#include "app/captcha.h"

#include <string.h>

#include "store/install_key.h"

nl_err nl_app_captcha_new(const struct nl_app *app, int64_t now, struct nl_captcha *pic,
                          struct nl_captcha_ticket *ticket)
{
	const struct nl_config *cfg = app->cfg;
	nl_db *db = app->db;
	struct nl_captcha_opts opts = {0};
	memset(ticket, 0, sizeof *ticket);
	/* Belt and braces: config validation already refuses the setting outside
	 * demo mode; never honour it there even if validation was skipped. */
	if (cfg->demo && cfg->fixed_captcha[0]) {
		opts.text = cfg->fixed_captcha;
		opts.seeded = true;
		opts.seed = 1;
	}
	nl_err rc = nl_captcha_new(&opts, pic);
	if (rc)
		return rc;
	rc = nl_install_keyed_hash(db, "captcha", pic->answer, ticket->hash);
	if (rc) {
		nl_captcha_free(pic);
		return rc;
	}
	ticket->expires_at = now + NL_CAPTCHA_TTL;
	return NL_OK;
}

nl_err nl_app_captcha_check(const struct nl_app *app, const struct nl_captcha_ticket *ticket, const char *typed,
                            int64_t now)
{
	nl_db *db = app->db;
	if (!ticket || !ticket->hash[0])
		return NL_ERR_INVALID;
	if (now >= ticket->expires_at)
		return NL_ERR_EXPIRED;
	char norm[NL_CAPTCHA_MAX_LEN + 1];
	if (!typed || !nl_captcha_normalize(typed, norm, sizeof norm))
		return NL_ERR_INVALID;
	char h[NL_KEYED_HEX_LEN];
	nl_err rc = nl_install_keyed_hash(db, "captcha", norm, h);
	if (rc)
		return rc;
	return nl_secret_streq(h, ticket->hash) ? NL_OK : NL_ERR_INVALID;
}
