/* The wet-signature path's store (migration 0008): the barcode of each form
 * version's PDF and the registration officer's decisions on paper forms.
 *
 * A barcode belongs to one form version (at most one each). Life:
 *   issued -> accepted (RA Kabul: the form is approved in the same transaction)
 *   issued -> rejected (RA Red with a reason; the person makes a new version)
 * A barcode whose version is superseded is "old": the rows stay, the use case
 * (src/app/wet.c) refuses them.
 *
 * Functions work on the caller's connection, inside its transaction when there
 * is one. Ownership: reject_reason of a filled struct nl_barcode is malloc'd;
 * nl_barcode_clear frees it. */
#ifndef NL_STORE_WET_H
#define NL_STORE_WET_H

#include <stdbool.h>
#include <stdint.h>

#include "core/err.h"
#include "store/db.h"

/* "NF" + 12 base32 characters + NUL. */
#define NL_BARCODE_LEN 14
#define NL_BARCODE_PREFIX "NF"

enum nl_barcode_status {
	NL_BARCODE_ISSUED = 1,
	NL_BARCODE_ACCEPTED,
	NL_BARCODE_REJECTED,
};
const char *nl_barcode_status_code(enum nl_barcode_status s);   /* "issued", ...; NULL if invalid */

struct nl_barcode {
	int64_t id;
	int64_t form_version_id;
	int64_t order_id;
	char code[NL_BARCODE_LEN + 1];
	enum nl_barcode_status status;
	int64_t created_at;
	int64_t decided_at;     /* 0 = not decided */
	int64_t decided_by;     /* users.id; 0 = not decided */
	char *reject_reason;    /* "" unless rejected */
};
void nl_barcode_clear(struct nl_barcode *b);

/* Inserts b (form_version_id, order_id, code; status issued, created_at now)
 * and sets b->id. NL_ERR_CONFLICT when the version has a barcode already or
 * the code exists (draw another). */
NL_MUST_USE nl_err nl_store_barcode_insert(nl_conn *c, struct nl_barcode *b, int64_t now);

/* The barcode of a form version / with a code; NL_ERR_NOT_FOUND if none. */
NL_MUST_USE nl_err nl_store_barcode_of_version(nl_conn *c, int64_t form_version_id, struct nl_barcode *out);
NL_MUST_USE nl_err nl_store_barcode_by_code(nl_conn *c, const char *code, struct nl_barcode *out);

/* Whether version form_version_id has a rejected barcode. */
NL_MUST_USE nl_err nl_store_barcode_rejected(nl_conn *c, int64_t form_version_id, bool *rejected);

/* Moves barcode id from issued to `to` (accepted or rejected) and records the
 * decision (ra_decisions). NL_ERR_CONFLICT when it is no longer issued (a
 * second registration of the same paper). reason: the rejection's reason
 * ("" for an acceptance). */
NL_MUST_USE nl_err nl_store_barcode_decide(nl_conn *c, int64_t id, enum nl_barcode_status to,
                               int64_t user_id, const char *reason, int64_t now);

#endif
