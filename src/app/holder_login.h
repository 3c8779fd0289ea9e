/* Online İşlemler's doors for certificate holders (SPEC §2):
 *   Şifreli Giriş   T.C. number + the security word chosen on the form
 *                   (argon2id, the newest approved form version of any order,
 *                   else the newest numbered one: store_esign.h);
 *   E-İmzalı Giriş  a verification code for the purpose "login" whose text is
 *                   signed with a qualified certificate carrying that T.C.
 *                   number (verify_code.h, esign_verify.h).
 * Both count wrong answers like the other doors (throttle door "holder" per ID
 * number and per address); an unknown ID costs the same as a wrong word and
 * gets the same answer. */
#ifndef NL_APP_HOLDER_LOGIN_H
#define NL_APP_HOLDER_LOGIN_H

#include <stdbool.h>
#include <stdint.h>

#include "app/app.h"
#include "app/throttle.h"
#include "core/err.h"
#include "store/db.h"

#define NL_DOOR_HOLDER "holder"

/* What a security word opens (docs/applicant.md, "Doors and entitlement"):
 * the word of an approved form (the person stood behind it with e-İmza,
 * e-Onay or a wet signature the RA accepted) proves the person: Online
 * İşlemler and all his orders. A word of a form nobody approved yet, which
 * anyone holding that order's access password (possibly another
 * institution) can type, opens that order only, and e-Onay. */
struct nl_holder_door {
	bool approved;
	int64_t order_no;   /* the order of the form the word is from */
};

/* NL_OK (*person_id and *door set), NL_ERR_UNAUTHORIZED, NL_ERR_LOCKED
 * (*locked_until). */
NL_MUST_USE nl_err nl_login_holder_password(const struct nl_app *app, const struct nl_throttle_policy *pol,
                                const char *tckn, const char *security_word,
                                const char *addr, int64_t now, int64_t *person_id,
                                int64_t *locked_until, struct nl_holder_door *door);

/* The holder's "Given Surname" and ID number for his pages (the web layer
 * does not include store_persons.h). */
NL_MUST_USE nl_err nl_holder_identity(const struct nl_app *app, int64_t person_id, char name[160], char id_number[32]);

#endif
