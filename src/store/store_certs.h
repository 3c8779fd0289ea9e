/* Certificates, serials, CRLs and pre-signed OCSP responses (migrations 0002, 0020).
 *
 * Ownership: nl_cert_row strings and der are malloc'd by the getters and freed
 * by nl_cert_row_clear. */
#ifndef NL_STORE_CERTS_H
#define NL_STORE_CERTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/err.h"
#include "store/db.h"

struct nl_cert_row {
	int64_t id;
	char serial[64];         /* upper-case hex */
	char kind[16];           /* "person", "ocsp" */
	char *subject, *common_name, *email, *id_number;
	int64_t institution_id;  /* 0 = none */
	int64_t order_id;        /* 0 = none */
	int64_t not_before, not_after;
	char status[16];         /* "good", "revoked", "hold" */
	int64_t revoked_at;
	int reason;              /* RFC 5280 CRLReason */
	bool publish;
	uint8_t *der;
	size_t der_len;
	int64_t status_version;  /* +1 with every status change (migration 0015) */
};
void nl_cert_row_clear(struct nl_cert_row *r);

/* Records a serial before it is signed. NL_ERR_CONFLICT if it was ever used. */
NL_MUST_USE nl_err nl_store_serial_reserve(nl_conn *c, const char *serial_hex);

/* Inserts an issued certificate (serial reserved first); sets r->id and
 * writes the audit record "certificate create" in the same transaction. */
NL_MUST_USE nl_err nl_store_cert_insert(nl_db *db, struct nl_cert_row *r, const char *actor);

NL_MUST_USE nl_err nl_store_cert_get(nl_conn *c, const char *serial_hex, struct nl_cert_row *out);

/* Status changes, each one audited transaction that also adds one to the
 * certificate's status_version and drops its pre-signed OCSP answer:
 *   revoke:  good|hold -> revoked (reason != certificateHold)
 *   suspend: good -> hold (reason certificateHold)
 *   release: hold -> good
 * NL_ERR_TRANSITION for anything else, NL_ERR_NOT_FOUND for an unknown serial. */
NL_MUST_USE nl_err nl_store_cert_revoke(nl_db *db, const char *serial_hex, int reason, int64_t at,
                            const char *actor, const char *why);
NL_MUST_USE nl_err nl_store_cert_suspend(nl_db *db, const char *serial_hex, int64_t at,
                             const char *actor, const char *why);
NL_MUST_USE nl_err nl_store_cert_release(nl_db *db, const char *serial_hex, const char *actor,
                             const char *why);
NL_MUST_USE nl_err nl_store_cert_set_publish(nl_db *db, const char *serial_hex, bool publish);

/* Calls fn for every revoked or held certificate (hold reports reason 6). */
typedef nl_err (*nl_revoked_fn)(void *ctx, const char *serial_hex, int64_t revoked_at, int reason);
NL_MUST_USE nl_err nl_store_cert_each_revoked(nl_conn *c, nl_revoked_fn fn, void *ctx);

/* Called for each row a search finds. */
typedef nl_err (*nl_cert_fn)(void *ctx, const struct nl_cert_row *r);

/* Public directory: published person certificates whose common name contains q
 * (case-insensitive for ASCII) or whose e-mail equals q; at most limit rows. */
NL_MUST_USE nl_err nl_store_cert_search(nl_conn *c, const char *q, int limit, nl_cert_fn fn, void *ctx);

/* The time of the latest status change (revoke, suspend, release); 0 if none. */
NL_MUST_USE nl_err nl_store_cert_last_change(nl_conn *c, int64_t *at);

/* CRLs. */
NL_MUST_USE nl_err nl_store_crl_next_number(nl_conn *c, int64_t *number);
NL_MUST_USE nl_err nl_store_crl_insert(nl_conn *c, int64_t number, int64_t this_update, int64_t next_update,
                           int64_t entries, const void *der, size_t len);
/* Delta CRLs (migration 0020) share the cRLNumber sequence and name their
 * base, a complete CRL with a smaller number (NL_ERR_INVALID otherwise). */
NL_MUST_USE nl_err nl_store_crl_insert_delta(nl_conn *c, int64_t number, int64_t base, int64_t this_update,
                                 int64_t next_update, int64_t entries, const void *der, size_t len);
/* The complete CRL a new delta is based on: the oldest one whose next update
 * is after now (a relying party may still hold it), else the newest; its
 * number and DER. NL_ERR_NOT_FOUND when there is no complete CRL. */
NL_MUST_USE nl_err nl_store_crl_delta_base(nl_conn *c, int64_t now, int64_t *number, nl_buf *der);
/* The newest delta CRL; NL_ERR_NOT_FOUND if none. Any out pointer may be NULL. */
NL_MUST_USE nl_err nl_store_crl_latest_delta(nl_conn *c, int64_t *number, int64_t *base, int64_t *this_update,
                                 int64_t *next_update);
/* The newest complete CRL (deltas left out); NL_ERR_NOT_FOUND if none. Any
 * out pointer may be NULL. */
NL_MUST_USE nl_err nl_store_crl_latest(nl_conn *c, int64_t *number, int64_t *next_update, nl_buf *der);
NL_MUST_USE nl_err nl_store_crl_latest_times(nl_conn *c, int64_t *this_update, int64_t *next_update);

/* Pre-signed OCSP responses. put stores (or replaces) the answer signed from
 * the status the caller read together with status_version (nl_store_cert_get),
 * only if that is still the certificate's version: NL_ERR_CONFLICT when the
 * status changed since (or the certificate is unknown), and nothing is stored.
 * Its own transaction (or the caller's). */
NL_MUST_USE nl_err nl_store_ocsp_put(nl_conn *c, const char *serial_hex, int64_t status_version,
                         int64_t this_update, int64_t next_update, const void *der, size_t len);
/* A response still fresh at now and signed from the certificate's current
 * status version, with its thisUpdate/nextUpdate (may be NULL);
 * NL_ERR_NOT_FOUND otherwise. */
NL_MUST_USE nl_err nl_store_ocsp_get(nl_conn *c, const char *serial_hex, int64_t now, nl_buf *der,
                         int64_t *this_update, int64_t *next_update);
/* Serials whose response is missing or expires before `before`. */
typedef nl_err (*nl_serial_fn)(void *ctx, const char *serial_hex);
NL_MUST_USE nl_err nl_store_ocsp_each_stale(nl_conn *c, int64_t before, nl_serial_fn fn, void *ctx);

#endif
