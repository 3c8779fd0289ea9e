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
 * The gate (http/server_gate.c, through srv->person_gate) refuses every NL_AUTH_PERSON route whose {no} is
 * not an entitled order with 404 before its handler runs, so no applicant
 * route that takes an order number can forget the check; the lists
 * (Başvurularım, the choice page) show entitled orders only. */
#ifndef NL_PAGES_ENTITLE_H
#define NL_PAGES_ENTITLE_H

#include <stdbool.h>
#include <stdint.h>

#include "http/http.h"

/* The rights a door gives besides orders (docs/applicant.md, the table of
 * doors): Online İşlemler's self-service and shipments; e-Onay (given with
 * the person's own qualified certificate, so it may be started from any
 * holder door); "came in by e-İmza" (the self-service pages offer signing). */
enum {
	NL_RIGHT_ONLINE = 1u << 0,
	NL_RIGHT_EONAY = 1u << 1,
	NL_RIGHT_ESIGN = 1u << 2,
};

/* Logs the person in (nl_session_login, kind person: ONE session kind for
 * every door) entitled to order_no, or to every order of his when order_no
 * is 0 (a door that proved him), with the rights of add. The same person
 * logging in again by another door in the same session keeps what he had
 * and adds. */
NL_MUST_USE nl_err nl_entitle_login(struct nl_req *r, int64_t person_id, int64_t order_no, unsigned add);

/* Whether the person session has the right (one NL_RIGHT_ bit). */
bool nl_entitled_right(const struct nl_req *r, unsigned right);

/* Whether the person session may open order order_no. */
bool nl_entitled(const struct nl_req *r, int64_t order_no);

/* Whether it proved the person (all orders; his stored identity may show). */
bool nl_entitled_all(const struct nl_req *r);

/* Whether pages of order_no may show what is stored about the person (his
 * name and birth data): only when the session proved the person. What is
 * stored may come from the population registry, so a session opened by an
 * access password (which the institution that made the order may hold)
 * sees the name its pre-application typed and no birth data. */
bool nl_entitled_identity(struct nl_req *r, int64_t order_no);

/* The first order number the session is entitled to by a password; 0 when
 * it proved the person or has none. */
int64_t nl_entitled_first(const struct nl_req *r);

/* The server's person gate (srv->person_gate, installed by nl_pages_init):
 * a NL_AUTH_PERSON route passes when it takes no {no} or its order is
 * entitled (otherwise 404); a NL_AUTH_HOLDER / _EONAY route when the door
 * gave the right (otherwise a redirect to the holder's door). */
bool nl_entitle_gate(struct nl_req *r, enum nl_auth need);

#endif
