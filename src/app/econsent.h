/* The holder's standing e-Onay consent as the pages show it: the consent text
 * in force and his newest choice. Giving a choice is an e-İmza signature
 * (verify_code.h, esign_verify.h); the approval checks the consent itself
 * (approve.h). */
#ifndef NL_APP_ECONSENT_H
#define NL_APP_ECONSENT_H

#include <stdint.h>

#include "app/app.h"
#include "core/err.h"
#include "store/store_esign.h"

/* The consent text in force at `at`; nl_econsent_text_clear it. */
NL_MUST_USE nl_err nl_econsent_text(const struct nl_app *app, int64_t at, struct nl_econsent_text *out);

/* The person's newest choice: choice "accept", "decline", or "" when he never
 * chose; *at and *text_version (either may be NULL) of that choice. */
NL_MUST_USE nl_err nl_econsent_choice(const struct nl_app *app, int64_t person_id, char choice[16],
                          int64_t *at, int64_t *text_version);

#endif
