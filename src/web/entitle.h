/* Which orders an applicant's session may read, change or cancel
 * (docs/applicant.md, "Doors and entitlement"; issue 10 item 1).
 *
 * The access password of an order proves only that the visitor got that
 * order's mail, which the institution that made the order addressed: it opens
 * THAT order. A door that proves the person himself (identity login against
 * the population registry, E-İmzalı Giriş / Online İşlemler with his own
 * secret) opens all of his orders. The session keeps what it may open in its
 * data under "entitled": true (every order of the person) or an array of
 * order numbers. Another form login of the same person in the same session
 * adds its order; a login as somebody else starts afresh.
 *
 * The gate (server_gate.c) refuses every NL_AUTH_PERSON route whose {no} is
 * not an entitled order with 404 before its handler runs, so no applicant
 * route that takes an order number can forget the check; the lists
 * (Başvurularım, the choice page) show entitled orders only. */
#ifndef NL_WEB_ENTITLE_H
#define NL_WEB_ENTITLE_H

#include <stdbool.h>
#include <stdint.h>

#include "web/http.h"

/* Logs the person in (nl_session_login, kind person) entitled to order_no,
 * or to every order of his when order_no is 0 (a door that proved him). */
nl_err nl_entitle_login(struct nl_req *r, int64_t person_id, int64_t order_no);

/* Whether the person session may open order order_no. */
bool nl_entitled(const struct nl_req *r, int64_t order_no);

/* Whether it proved the person (all orders; his stored identity may show). */
bool nl_entitled_all(const struct nl_req *r);

/* Whether pages of order_no may show what is stored about the person (his
 * name and birth data): the session proved the person, or every order of his
 * is of order_no's institution (nothing stored came from another one). */
bool nl_entitled_identity(struct nl_req *r, int64_t order_no);

/* The first order number the session is entitled to by a password; 0 when
 * it proved the person or has none. */
int64_t nl_entitled_first(const struct nl_req *r);

/* The gate's check of a NL_AUTH_PERSON route: true when the route takes no
 * {no} or its order is entitled; otherwise queues 404 and returns false. */
bool nl_entitle_route_ok(struct nl_req *r);

#endif
