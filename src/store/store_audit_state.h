/* Internal to src/store: the rows the audit trail binds (store_audit_state.c).
 * Which columns are an entity's state is documented there and in docs/audit.md. */
#ifndef NL_STORE_AUDIT_STATE_H
#define NL_STORE_AUDIT_STATE_H

#include <stdbool.h>
#include <stdint.h>

#include "store/store_audit.h"

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

#endif
