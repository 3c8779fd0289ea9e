/* The captcha of the login doors: one use, five minutes, only a keyed hash of
 * the answer kept (server key, context "captcha").
 *
 * The web layer keeps the ticket in the session (data "captcha": {"h","exp"}):
 *   GET /captcha.png   nl_app_captcha_new -> PNG out, ticket into the session
 *   POST /giris/...    take the ticket OUT of the session (one use: right or
 *                      wrong, it is gone), then nl_app_captcha_check
 *
 * Limit: two requests of one session sent at the same moment both read the
 * session before either writes it back, so they could both check one ticket.
 * Each check is still counted by the throttle (per client address), which
 * bounds what such a race could win.
 *
 * Test setting: [demo] fixed_captcha = ACDEF makes every captcha's answer that
 * text (and the picture a fixed one showing it), so black-box tests can log
 * in. nl_config_validate refuses it unless demo mode is on. */
#ifndef NL_APP_CAPTCHA_H
#define NL_APP_CAPTCHA_H

#include <stdint.h>

#include "app/app.h"
#include "core/config.h"
#include "core/err.h"
#include "core/secret.h"
#include "docs/captcha.h"
#include "store/db.h"

#define NL_CAPTCHA_TTL 300   /* seconds a captcha may be answered */

struct nl_captcha_ticket {
	char hash[NL_KEYED_HEX_LEN];   /* keyed hash of the normalised answer */
	int64_t expires_at;            /* UTC epoch seconds */
};

/* Draws a captcha (the fixed test answer when app->cfg->fixed_captcha is set
 * in demo mode). *pic gets the PNG (caller frees with nl_captcha_free); *ticket
 * what to keep in the session. */
NL_MUST_USE nl_err nl_app_captcha_new(const struct nl_app *app, int64_t now,
                          struct nl_captcha *pic, struct nl_captcha_ticket *ticket);

/* Checks a typed answer against a ticket taken out of the session (NULL when
 * the session had none). NL_OK when right and in time; NL_ERR_EXPIRED when
 * the ticket ran out; NL_ERR_INVALID when there was no ticket or the answer is
 * wrong or malformed. The hashes are compared in constant time. */
NL_MUST_USE nl_err nl_app_captcha_check(const struct nl_app *app, const struct nl_captcha_ticket *ticket, const char *typed,
                            int64_t now);

#endif
