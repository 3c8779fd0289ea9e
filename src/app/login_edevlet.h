/* The e-Devlet door's use case (issue 14 item 2): the provider proved the
 * T.C. number (drivers/oidc.h did every check), so this only finds the
 * person's open application and writes the audit trail.
 *
 * Like the identity login it proves the person: the caller logs him in to all
 * his orders (pages/entitle.h). A proved person with no open application is
 * refused (NL_ERR_NOT_FOUND) — unlike the identity door this tells nobody
 * anything he does not know, since only he could pass e-Devlet — and the
 * page tells him whom to ask.
 *
 * Every refusal of the door (state, token, provider down, no application) is
 * one audit record: entity "login", action "edevlet_refused", the reason from
 * the driver (never a token or a secret). A success is "edevlet_login" on the
 * person. */
#ifndef NL_APP_LOGIN_EDEVLET_H
#define NL_APP_LOGIN_EDEVLET_H

#include <stdint.h>

#include "app/app.h"
#include "core/err.h"
#include "store/db.h"

/* NL_OK (*person_id set, audited), NL_ERR_NOT_FOUND (audited), database errors. */
NL_MUST_USE nl_err nl_login_person_edevlet(const struct nl_app *app, const char *tckn, const char *client_addr,
                               int64_t now, int64_t *person_id);

/* The door started from Online İşlemler: the holder's pages of the person
 * with this T.C. number (NL_SESS_HOLDER), whatever his orders' state.
 * NL_OK (*person_id set, audited), NL_ERR_NOT_FOUND when Nitelik knows no
 * such person (audited), database errors. */
NL_MUST_USE nl_err nl_login_holder_edevlet(const struct nl_app *app, const char *tckn, const char *client_addr,
                               int64_t now, int64_t *person_id);

/* One audit record of a refused e-Devlet login; reason as the driver said it. */
NL_MUST_USE nl_err nl_login_edevlet_refused(const struct nl_app *app, const char *reason, const char *client_addr,
                                int64_t now);

#endif
