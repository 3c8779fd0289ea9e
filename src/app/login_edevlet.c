/* The e-Devlet door's use case (app/login_edevlet.h). */
#include "app/login_edevlet.h"

#include <stdio.h>
#include <string.h>

#include "store/store_audit.h"
#include "store/store_login.h"
#include "store/store_persons.h"

nl_err nl_login_edevlet_refused(const struct nl_app *app, const char *reason, const char *client_addr,
                                int64_t now)
{
	nl_db *db = app->db;
	nl_conn *c;
	nl_err rc = nl_db_conn(db, &c);
	if (rc)
		return rc;
	char actor[80];
	snprintf(actor, sizeof actor, "addr:%s", client_addr ? client_addr : "");
	struct nl_audit_rec rec = {
		.at = now, .actor = actor, .entity = "login", .entity_id = 0,
		.action = "edevlet_refused", .from = "", .to = "", .reason = reason ? reason : "",
	};
	return nl_store_audit_append(c, &rec);
}

static NL_MUST_USE nl_err audit_login(nl_conn *c, int64_t person, const char *action,
                          const char *client_addr, int64_t now)
{
	char actor[32];
	snprintf(actor, sizeof actor, "person:%lld", (long long)person);
	struct nl_audit_rec rec = {
		.at = now, .actor = actor, .entity = "person", .entity_id = person,
		.action = action, .from = "", .to = "", .reason = client_addr ? client_addr : "",
	};
	return nl_store_audit_append(c, &rec);
}

nl_err nl_login_holder_edevlet(const struct nl_app *app, const char *tckn, const char *client_addr,
                               int64_t now, int64_t *person_id)
{
	nl_db *db = app->db;
	*person_id = 0;
	nl_conn *c;
	struct nl_person p = {0};
	nl_err rc = nl_db_conn(db, &c);
	if (!rc)
		rc = nl_store_person_find(c, NL_ID_TCKN, tckn, "", &p);
	int64_t id = p.id;
	nl_person_clear(&p);
	if (rc == NL_ERR_NOT_FOUND) {
		rc = nl_login_edevlet_refused(app, "holder: no such person", client_addr, now);
		return rc ? rc : NL_ERR_NOT_FOUND;
	}
	if (rc || (rc = audit_login(c, id, "edevlet_login_holder", client_addr, now)) != NL_OK)
		return rc;
	*person_id = id;
	return NL_OK;
}

nl_err nl_login_person_edevlet(const struct nl_app *app, const char *tckn, const char *client_addr,
                               int64_t now, int64_t *person_id)
{
	nl_db *db = app->db;
	*person_id = 0;
	nl_conn *c;
	struct nl_login_candidate *cand = NULL;
	size_t n = 0;
	nl_err rc = nl_db_conn(db, &c);
	if (!rc)
		rc = nl_store_login_candidates(c, false, tckn, &cand, &n);
	if (rc)
		return rc;
	int64_t person = n > 0 ? cand[0].person_id : 0;
	nl_login_candidates_free(cand, n);
	if (!person) {
		rc = nl_login_edevlet_refused(app, "no open application for this person", client_addr,
		                              now);
		return rc ? rc : NL_ERR_NOT_FOUND;
	}
	if ((rc = audit_login(c, person, "edevlet_login", client_addr, now)) != NL_OK)
		return rc;
	*person_id = person;
	return NL_OK;
}
