/* The holder's e-Onay consent (econsent.h). */
#include "app/econsent.h"

nl_err nl_econsent_text(const struct nl_app *app, int64_t at, struct nl_econsent_text *out)
{
	nl_conn *c;
	nl_err e = nl_db_conn(app->db, &c);
	return e ? e : nl_store_econsent_text_in_force(c, at, out);
}

nl_err nl_econsent_choice(const struct nl_app *app, int64_t person_id, char choice[16], int64_t *at,
                          int64_t *text_version)
{
	nl_conn *c;
	nl_err e = nl_db_conn(app->db, &c);
	return e ? e : nl_store_econsent_current(c, person_id, choice, at, text_version);
}
