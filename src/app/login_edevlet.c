/* The e-Devlet door's use case (app/login_edevlet.h). */
#include "app/login_edevlet.h"

#include <stdio.h>
#include <string.h>

#include "store/store_audit.h"
#include "store/store_login.h"

nl_err nl_login_edevlet_refused(nl_db *db, const char *reason, const char *client_addr,
                                int64_t now)
{
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

nl_err nl_login_person_edevlet(nl_db *db, const char *tckn, const char *client_addr,
                               int64_t now, int64_t *person_id)
{
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
		rc = nl_login_edevlet_refused(db, "no open application for this person", client_addr,
		                              now);
		return rc ? rc : NL_ERR_NOT_FOUND;
	}
	char actor[32];
	snprintf(actor, sizeof actor, "person:%lld", (long long)person);
	struct nl_audit_rec rec = {
		.at = now, .actor = actor, .entity = "person", .entity_id = person,
		.action = "edevlet_login", .from = "", .to = "",
		.reason = client_addr ? client_addr : "",
	};
	if ((rc = nl_store_audit_append(c, &rec)) != NL_OK)
		return rc;
	*person_id = person;
	return NL_OK;
}
