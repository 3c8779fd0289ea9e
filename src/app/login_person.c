/* The applicant's login doors (login_person.h). */
#include "app/login_person.h"

#include <stdio.h>
#include <string.h>

#include "store/install_key.h"
#include "core/secret.h"
#include "store/store_login.h"
#include "store/store_orders.h"

static bool has_text(const char *s)
{
	return s && *s;
}

/* Wrong answer: count it, and report a lock this failure caused. */
static NL_MUST_USE nl_err refuse(const struct nl_app *app, const struct nl_throttle_policy *pol, const char *door,
                     const char *id_key, const char *addr, int64_t now,
                     struct nl_login_result *out)
{
	bool locked = false;
	nl_err rc = nl_throttle_fail(app, pol, door, id_key, addr, now, &locked);
	if (rc)
		return rc;
	/* The lock's real end (locks grow, throttle.h). */
	if (locked && nl_throttle_check(app, pol, door, id_key, addr, now, &out->locked_until) ==
	              NL_OK)
		out->locked_until = now + (pol->id_lock_s > pol->addr_lock_s ? pol->id_lock_s
		                                                            : pol->addr_lock_s);
	return NL_ERR_UNAUTHORIZED;
}

nl_err nl_login_person_form(const struct nl_app *app, const struct nl_throttle_policy *pol,
                            const struct nl_login_form_input *in, struct nl_login_result *out)
{
	nl_db *db = app->db;
	memset(out, 0, sizeof *out);
	if (!has_text(in->id_number))
		return NL_ERR_UNAUTHORIZED;
	/* Passport and T.C. numbers cannot collide (letters vs 11 digits), but
	 * keep them apart in the counter anyway. */
	char id_key[80];
	snprintf(id_key, sizeof id_key, "%s:%s", in->passport ? "passport" : "tckn", in->id_number);
	nl_err rc = nl_throttle_check(app, pol, NL_DOOR_FORM, id_key, in->client_addr, in->now,
	                              &out->locked_until);
	if (rc)
		return rc;

	nl_conn *c;
	struct nl_login_candidate *cand = NULL;
	size_t n = 0;
	if ((rc = nl_db_conn(db, &c)) != NL_OK ||
	    (rc = nl_store_login_candidates(c, in->passport, in->id_number, &cand, &n)) != NL_OK)
		return rc;
	/* Access passwords are machine-made: a keyed hash, no argon2id
	 * (docs/configuration.md [security]). An unknown ID is hashed too, so
	 * both answers cost alike. */
	uint8_t key[NL_KEYED_KEY_LEN];
	if ((rc = nl_install_hash_key(db, key))) {
		nl_login_candidates_free(cand, n);
		return rc;
	}
	const char *pw = in->password ? in->password : "";
	int64_t person = 0, order_no = 0;
	if (n == 0)
		(void)nl_access_verify(key, "k1$", pw, NULL);
	for (size_t i = 0; i < n && !person; i++) {
		bool upgrade = false;
		if (!cand[i].access_password_hash[0] ||
		    !nl_access_verify(key, cand[i].access_password_hash, pw, &upgrade))
			continue;
		person = cand[i].person_id;
		order_no = cand[i].order_no;
		if (upgrade) {
			/* An argon2id hash of an older version: store the keyed form, so
			 * the next login is cheap. A failure only postpones that. */
			char h[NL_ACCESS_HASH_LEN];
			nl_access_hash(key, pw, h);
			nl_err_ignore(nl_store_order_upgrade_access_password(c, cand[i].order_id,
			                                             cand[i].access_password_hash, h));
		}
	}
	memset(key, 0, sizeof key);
	nl_login_candidates_free(cand, n);
	if (!person)
		return refuse(app, pol, NL_DOOR_FORM, id_key, in->client_addr, in->now, out);
	if ((rc = nl_throttle_success(app, NL_DOOR_FORM, id_key, in->client_addr, in->now)) != NL_OK)
		return rc;
	out->person_id = person;
	out->order_no = order_no;
	return NL_OK;
}

nl_err nl_login_person_identity(const struct nl_app *app, const struct nl_throttle_policy *pol,
                                const struct nl_login_identity_input *in,
                                struct nl_login_result *out)
{
	nl_registry *registry = app->drivers.registry;
	nl_db *db = app->db;
	memset(out, 0, sizeof *out);
	if (!has_text(in->tckn))
		return NL_ERR_UNAUTHORIZED;
	char id_key[40];
	snprintf(id_key, sizeof id_key, "tckn:%s", in->tckn);
	nl_err rc = nl_throttle_check(app, pol, NL_DOOR_IDENTITY, id_key, in->client_addr, in->now,
	                              &out->locked_until);
	if (rc)
		return rc;
	if (!registry || !registry->verify)
		return NL_ERR_IO;

	struct nl_identity_claim claim = {
		.tckn = in->tckn, .given_name = in->given_name, .surname = in->surname,
		.birth_place = in->birth_place, .birth_date = in->birth_date,
	};
	bool match = false;
	struct nl_drv_error de;
	memset(&de, 0, sizeof de);
	rc = registry->verify(registry->self, &claim, &match, &de);
	if (rc == NL_ERR_INVALID)        /* a malformed number is a wrong answer */
		match = false;
	else if (rc)
		return NL_ERR_IO;

	/* Look the person up even after a mismatch, so both paths cost alike. */
	nl_conn *c;
	struct nl_login_candidate *cand = NULL;
	size_t n = 0;
	if ((rc = nl_db_conn(db, &c)) != NL_OK ||
	    (rc = nl_store_login_candidates(c, false, in->tckn, &cand, &n)) != NL_OK)
		return rc;
	int64_t person = match && n > 0 ? cand[0].person_id : 0;
	nl_login_candidates_free(cand, n);
	if (!person)
		return refuse(app, pol, NL_DOOR_IDENTITY, id_key, in->client_addr, in->now, out);
	if ((rc = nl_throttle_success(app, NL_DOOR_IDENTITY, id_key, in->client_addr, in->now)) != NL_OK)
		return rc;
	out->person_id = person;
	return NL_OK;
}

nl_err nl_login_person_captcha_failed(const struct nl_app *app, const struct nl_throttle_policy *pol,
                                      const char *door, const char *client_addr, int64_t now)
{
	return nl_throttle_fail(app, pol, door, NULL, client_addr, now, NULL);
}
