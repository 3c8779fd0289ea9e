/* The holder's self-service (migration 0012; src/app/selfservice.h): his
 * certificates by ID number, Kilit Çözme codes, the contact data he keeps
 * himself and the SMS codes that confirm a new mobile number.
 *
 * Every function takes this thread's connection and works inside the caller's
 * transaction when there is one. Structs are plain values (fixed buffers):
 * nothing to free. */
#ifndef NL_STORE_SELFSERVICE_H
#define NL_STORE_SELFSERVICE_H

#include <stdbool.h>
#include <stdint.h>

#include "core/err.h"
#include "store/db.h"

/* One of the holder's certificates, as the list shows it. */
struct nl_ss_cert {
	int64_t id;
	char serial[64];          /* upper-case hex */
	char common_name[192];
	int64_t not_before, not_after;
	char status[16];          /* "good", "hold", "revoked" */
	int reason;               /* RFC 5280 CRLReason when revoked (6 when held) */
	int64_t revoked_at;
	int64_t institution_id;   /* 0 = none */
	int64_t order_id;         /* 0 = none */
};

/* Person certificates whose subject serialNumber attribute is id_attr
 * ("PNOTR-<tckn>" or "PAS<cc>-<no>"), newest end date first; at most max
 * rows into out, *n the number written. */
NL_MUST_USE nl_err nl_store_ss_certs(nl_conn *c, const char *id_attr, struct nl_ss_cert *out, int max,
                         int *n);
/* One of them by serial: NL_ERR_NOT_FOUND when there is no such serial OR it
 * belongs to another subject (the caller cannot tell the two apart). */
NL_MUST_USE nl_err nl_store_ss_cert(nl_conn *c, const char *id_attr, const char *serial,
                        struct nl_ss_cert *out);

/* ---- Kilit Çözme codes ---- */
struct nl_unblock_code {
	int64_t id;
	int64_t person_id;
	char cert_serial[64];
	int64_t created_at, expires_at;
	char status[16];          /* "active", "used", "replaced" */
};
/* Marks the person's active codes replaced and inserts a new active one. */
NL_MUST_USE nl_err nl_store_unblock_insert(nl_conn *c, int64_t person_id, const char *cert_serial,
                               const char *code_hash, int64_t now, int64_t expires_at,
                               int64_t *id);
/* The code with this keyed hash, whatever its status; NL_ERR_NOT_FOUND. */
NL_MUST_USE nl_err nl_store_unblock_by_hash(nl_conn *c, const char *code_hash, struct nl_unblock_code *out);
/* active -> used; NL_ERR_CONFLICT when it was not active any more. */
NL_MUST_USE nl_err nl_store_unblock_use(nl_conn *c, int64_t id, int64_t now);

/* ---- contact data ---- */
struct nl_holder_contact {
	char email[256];
	char mobile[16];
	char info_channel[8];     /* "email", "sms", "both" */
	int64_t updated_at;       /* 0 when the holder never changed it */
};
/* NL_ERR_NOT_FOUND when the holder never changed his contact data. */
NL_MUST_USE nl_err nl_store_holder_contact_get(nl_conn *c, int64_t person_id, struct nl_holder_contact *out);
NL_MUST_USE nl_err nl_store_holder_contact_put(nl_conn *c, int64_t person_id,
                                   const struct nl_holder_contact *in, int64_t now);

struct nl_contact_change {
	int64_t id;
	int64_t person_id;
	char email[256];
	char mobile[16];
	char info_channel[8];
	char code_hash[65];
	int64_t sent_at, expires_at, tries;
	char status[16];          /* "active", "used", "replaced", "locked" */
};
/* Marks the person's active requests replaced and inserts ch (status active,
 * tries 0); sets ch->id. */
NL_MUST_USE nl_err nl_store_contact_change_insert(nl_conn *c, struct nl_contact_change *ch);
/* The person's newest request; NL_ERR_NOT_FOUND. */
NL_MUST_USE nl_err nl_store_contact_change_latest(nl_conn *c, int64_t person_id,
                                      struct nl_contact_change *out);
/* Requests of the person sent at or after since (the re-send limit). */
NL_MUST_USE nl_err nl_store_contact_change_count(nl_conn *c, int64_t person_id, int64_t since, int64_t *n);
/* Writes tries and status while the request is still active with
 * expected_tries: NL_ERR_CONFLICT otherwise (a concurrent try came first). */
NL_MUST_USE nl_err nl_store_contact_change_update(nl_conn *c, int64_t id, int64_t expected_tries,
                                      int64_t tries, const char *status);

#endif
