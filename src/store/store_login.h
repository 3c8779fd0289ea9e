/* What the applicant's login doors need from the database: the persons with
 * an identity number and, for each open order, the access password hash to
 * check (form login), or whether an open order exists (identity login).
 *
 * Kept apart from store_persons.h: the doors need only this narrow query, not
 * the person record. */
#ifndef NL_STORE_LOGIN_H
#define NL_STORE_LOGIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "store/db.h"

struct nl_login_candidate {
	int64_t person_id;
	int64_t order_no;             /* the order whose password this is */
	char *access_password_hash;   /* malloc'd; "" when the order has none */
	int64_t order_id;             /* the order the hash belongs to */
};

/* Every order but a cancelled one (open or delivered: a person whose orders
 * are all delivered still reaches Başvurularım, docs/applicant.md) of the
 * persons identified by (passport ? "passport" : "tckn", id_number),
 * passports of any country, the newest 16. *out is malloc'd (NULL when *n is 0); free with
 * nl_login_candidates_free. */
NL_MUST_USE nl_err nl_store_login_candidates(nl_conn *c, bool passport, const char *id_number,
                                 struct nl_login_candidate **out, size_t *n);
void nl_login_candidates_free(struct nl_login_candidate *items, size_t n);

#endif
