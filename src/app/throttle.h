/* Login throttling for every door (docs/applicant.md "Failed logins",
 * docs/officer.md). Wrong answers are counted in the database
 * (store_throttle.h), so the counts hold across nodes, in three counters:
 *
 *   (door, ID, address)  the low limit (id_max_failures, default 5): the
 *                        guesser's own address is locked for that ID, the
 *                        owner coming from another address is not;
 *   (door, ID)           the per-ID ceiling across all addresses (id_ceiling,
 *                        default 50): an attacker rotating addresses is
 *                        stopped too (and then, only then, the owner waits);
 *   (door, address)      addr_max_failures (default 30) for any IDs.
 *
 * Each further lock of the same counter lasts twice as long as the one
 * before, up to max_lock_s (default one day): guessing stays bounded however
 * long it goes on. The counters are keyed by a keyed hash (server key, context
 * "throttle") of the door and the values, so the table holds no ID numbers or
 * addresses.
 *
 *   struct nl_throttle_policy pol;
 *   nl_throttle_policy_from_config(cfg, &pol);
 *   int64_t until;
 *   if (nl_throttle_check(db, &pol, NL_DOOR_FORM, id_number, r->client_ip, now,
 *                         &until) == NL_ERR_LOCKED)
 *       ... refuse with "too many attempts", without checking the password ...
 *   if (wrong)   nl_throttle_fail(db, &pol, NL_DOOR_FORM, id_number, r->client_ip, now, NULL);
 *   else         nl_throttle_success(db, NL_DOOR_FORM, id_number, r->client_ip, now);
 *
 * Count every wrong answer whether or not the ID exists (so a lock reveals
 * nothing), and check before the expensive part (password hash, registry).
 * Either key may be NULL or "" to count only the other one. */
#ifndef NL_APP_THROTTLE_H
#define NL_APP_THROTTLE_H

#include <stdbool.h>
#include <stdint.h>

#include "app/app.h"
#include "core/config.h"
#include "core/err.h"
#include "store/db.h"

/* Door names (the "door" of the counters). */
#define NL_DOOR_FORM "form"          /* /giris/form: captcha + ID + access password */
#define NL_DOOR_IDENTITY "identity"  /* /giris/kimlik: captcha + registry identity */
#define NL_DOOR_STAFF "staff"        /* /kurum/giris: user name + password */

struct nl_throttle_policy {
	int64_t id_max_failures;     /* per ID number and address: default 5 */
	int64_t addr_max_failures;   /* per client address: default 30 */
	int64_t window_s;            /* failures count for this long: default 900 */
	int64_t id_lock_s;           /* an ID (from an address) is locked this long: default 900 */
	int64_t addr_lock_s;         /* an address is locked this long: default 900 */
	int64_t id_ceiling;          /* per ID from all addresses: default 50
	                                (<= 0: 10 x id_max_failures) */
	int64_t max_lock_s;          /* locks double up to this: default 86400 (0: no growth) */
};

/* The safe defaults above. */
void nl_throttle_policy_defaults(struct nl_throttle_policy *p);
/* From the [throttle] section of the configuration. */
void nl_throttle_policy_from_config(const struct nl_config *cfg, struct nl_throttle_policy *p);

/* NL_OK when neither the ID from this address, nor the ID at its ceiling,
 * nor the address is locked at this door;
 * NL_ERR_LOCKED when one is, with *until (may be NULL) the later end of the
 * locks. Database errors are returned as they are (callers refuse the login:
 * fail closed). */
NL_MUST_USE nl_err nl_throttle_check(const struct nl_app *app, const struct nl_throttle_policy *p, const char *door,
                         const char *id_key, const char *addr, int64_t now, int64_t *until);

/* Counts one wrong answer for the ID from this address, the ID and the
 * address (one transaction). *locked_now (may be NULL) is set when this
 * failure locked any of them. */
NL_MUST_USE nl_err nl_throttle_fail(const struct nl_app *app, const struct nl_throttle_policy *p, const char *door,
                        const char *id_key, const char *addr, int64_t now, bool *locked_now);

/* A successful login: forgets the count of the ID from this address. The
 * ID's ceiling count and the address's count stay: one right password must
 * not wash out many wrong ones from other places. */
NL_MUST_USE nl_err nl_throttle_success(const struct nl_app *app, const char *door, const char *id_key, const char *addr,
                           int64_t now);

#endif
