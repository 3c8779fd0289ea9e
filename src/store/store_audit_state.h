/* Internal to src/store: the rows the audit trail binds (store_audit_state.c).
 * Which columns are an entity's state is documented there and in docs/audit.md. */
#ifndef NL_STORE_AUDIT_STATE_H
#define NL_STORE_AUDIT_STATE_H

#include <stdbool.h>
#include <stdint.h>

#include <stddef.h>

#include "core/audit.h"
#include "store/db.h"

/* True for the entities whose records carry a row digest: "order", "payment",
 * "certificate", "consent". */
bool nl_store_audit_binds(const char *entity);

/* The digest of row id's state now (in c's transaction); *found false when
 * the entity binds no row or the row does not exist. */
NL_MUST_USE nl_err nl_store_audit_row_state(nl_conn *c, const char *entity, int64_t id,
                                uint8_t out[NL_AUDIT_HASH_LEN], bool *found);

/* Compares every bound row with its latest state-bound record; notes each
 * problem in f (keeping the one that names the earliest record). */
NL_MUST_USE nl_err nl_store_audit_check_rows(nl_conn *c, struct nl_audit_finding *f);

/* The digest the wrong letters used before migration 0019 give row id now;
 * *found false for an entity whose letters never were wrong. */
NL_MUST_USE nl_err nl_store_audit_row_state_legacy(nl_conn *c, const char *entity, int64_t id,
                                                   uint8_t out[NL_AUDIT_HASH_LEN], bool *found);

/* The entities that bind rows, by index (0 .. count-1). */
size_t nl_store_audit_entity_count(void);
const char *nl_store_audit_entity(size_t i);

enum nl_audit_stale {
	NL_AUDIT_STALE_UNBOUND,   /* rows no state-bound record speaks of */
	NL_AUDIT_STALE_LEGACY,    /* rows whose latest record holds the digest of
	                             the wrong letters used before migration 0019 */
};

/* The ids (ascending, malloc'd; free them) of entity's rows of one kind. */
NL_MUST_USE nl_err nl_store_audit_stale_ids(nl_conn *c, const char *entity, enum nl_audit_stale which,
                                            int64_t **ids, size_t *n);

#endif
