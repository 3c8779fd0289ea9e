/* Şifreli Giriş to Online İşlemler (holder_login.h). */
#include <stdio.h>
#include <stdlib.h>

#include "app/pwhash_pool.h"
#include "app/holder_login.h"
#include "app/login_dummy.h"
#include "core/secret.h"
#include "store/store_esign.h"
#include "store/store_persons.h"

nl_err nl_login_holder_password(const struct nl_app *app, const struct nl_throttle_policy *pol,
                                const char *tckn, const char *security_word,
                                const char *addr, int64_t now, int64_t *person_id,
                                int64_t *locked_until, struct nl_holder_door *door)
{
	nl_db *db = app->db;
	*person_id = 0;
	door->approved = false;
	door->order_no = 0;
	nl_err rc = nl_throttle_check(app, pol, NL_DOOR_HOLDER, tckn, addr, now, locked_until);
	if (rc)
		return rc;
	const char *dummy_hash;
	if ((rc = nl_login_dummy_hash(&dummy_hash)))
		return rc;
	nl_conn *c;
	if ((rc = nl_db_conn(db, &c)) != NL_OK)
		return rc;
	struct nl_person p = {0};
	char *hash = NULL;
	int64_t id = 0;
	rc = nl_store_person_find(c, NL_ID_TCKN, tckn, "", &p);
	if (rc == NL_OK) {
		id = p.id;
		rc = nl_store_holder_secword_door(c, id, &hash, &door->approved, &door->order_no);
	}
	nl_person_clear(&p);
	if (rc != NL_OK && rc != NL_ERR_NOT_FOUND)
		return rc;
	if (!hash)
		door->approved = false;
	bool ok = hash ? nl_pwhash_verify(hash, security_word)
	               : (nl_pwhash_verify(dummy_hash, security_word), false);
	free(hash);
	if (!ok) {
		bool locked = false;
		nl_err_ignore(nl_throttle_fail(app, pol, NL_DOOR_HOLDER, tckn, addr, now, &locked));
		if (locked && locked_until)
			nl_err_ignore(nl_throttle_check(app, pol, NL_DOOR_HOLDER, tckn, addr, now, locked_until));
		return NL_ERR_UNAUTHORIZED;
	}
	nl_err_ignore(nl_throttle_success(app, NL_DOOR_HOLDER, tckn, addr, now));
	*person_id = id;
	return NL_OK;
}

nl_err nl_holder_identity(const struct nl_app *app, int64_t person_id, char name[160], char id_number[32])
{
	nl_db *db = app->db;
	nl_conn *c;
	struct nl_person p = {0};
	nl_err rc = nl_db_conn(db, &c);
	if (rc == NL_OK)
		rc = nl_store_person_get(c, person_id, &p);
	if (rc == NL_OK) {
		snprintf(name, 160, "%s %s", p.given_name, p.surname);
		snprintf(id_number, 32, "%s", p.id_number);
	}
	nl_person_clear(&p);
	return rc;
}
