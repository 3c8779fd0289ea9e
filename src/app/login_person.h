/* The applicant's two login doors (SPEC §2):
 *   form login      ID number (T.C. or passport) + the e-mailed access password,
 *                   checked (argon2id) against every open order of that person;
 *                   it opens the order whose password it is, not the others;
 *   identity login  T.C. number + name + surname + birth place + birth date,
 *                   checked with the population registry (names compared the
 *                   Turkish way), and the person must have an open order.
 * The captcha is checked by the caller before (src/app/captcha.h).
 *
 * Every wrong answer is the same NL_ERR_UNAUTHORIZED whether the ID number is
 * unknown, has no open order, or the password/identity is wrong, and costs
 * the same: an unknown ID is verified against a dummy hash. Wrong answers are
 * counted (src/app/throttle.h) per ID number and per client address; while
 * either is locked the door answers NL_ERR_LOCKED without checking anything.
 *
 * Decision: a person the registry verifies but who has no open order is
 * refused like any wrong answer (and counted): telling him "no application"
 * would tell anyone who knows his birth details whether he has one. The
 * message says both causes (see docs/applicant.md). */
#ifndef NL_APP_LOGIN_PERSON_H
#define NL_APP_LOGIN_PERSON_H

#include <stdbool.h>
#include <stdint.h>

#include "app/app.h"
#include "app/throttle.h"
#include "core/err.h"
#include "drivers/registry.h"
#include "store/db.h"

struct nl_login_form_input {
	bool passport;             /* id_number is a passport number (else a T.C. number) */
	const char *id_number;     /* as validated by the form spec */
	const char *password;      /* the access password, as typed */
	const char *client_addr;   /* for the per-address count */
	int64_t now;
};

struct nl_login_identity_input {
	const char *tckn;
	const char *given_name;
	const char *surname;
	const char *birth_place;
	const char *birth_date;    /* "YYYY-MM-DD" */
	const char *client_addr;
	int64_t now;
};

struct nl_login_result {
	int64_t person_id;         /* on NL_OK */
	int64_t order_no;          /* form login: the order whose password matched; it
	                            * opens that order only (docs/applicant.md, "Doors
	                            * and entitlement"). 0 after the identity login,
	                            * which proves the person: all his orders. */
	int64_t locked_until;      /* on NL_ERR_LOCKED (or when this failure locked) */
};

/* NL_OK (person_id set), NL_ERR_UNAUTHORIZED, NL_ERR_LOCKED, database errors. */
NL_MUST_USE nl_err nl_login_person_form(const struct nl_app *app, const struct nl_throttle_policy *pol,
                            const struct nl_login_form_input *in, struct nl_login_result *out);

/* As above, asking the population registry (app->drivers.registry);
 * NL_ERR_IO when it cannot be asked (not counted as a failure), also when
 * there is none. */
NL_MUST_USE nl_err nl_login_person_identity(const struct nl_app *app, const struct nl_throttle_policy *pol,
                                const struct nl_login_identity_input *in,
                                struct nl_login_result *out);

/* A wrong captcha at a door: counted per client address only (it says
 * nothing about the ID number). */
NL_MUST_USE nl_err nl_login_person_captcha_failed(const struct nl_app *app, const struct nl_throttle_policy *pol,
                                      const char *door, const char *client_addr, int64_t now);

#endif
