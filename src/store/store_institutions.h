/* Institutions (kurum): the employers whose officers pre-register applicants. */
#ifndef NL_STORE_INSTITUTIONS_H
#define NL_STORE_INSTITUTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "store/db.h"

struct nl_institution {
	int64_t id;
	char *name;           /* unique */
	char *registry_no;    /* "" when unknown */
	char *address;
	bool active;
	int64_t created_at;
	int64_t updated_at;
};

/* Frees the strings of one institution and zeroes it. The strings of structs
 * filled by the store are malloc'd and owned by the struct. */
void nl_institution_clear(struct nl_institution *i);
void nl_institution_list_free(struct nl_institution *items, size_t n);

/* Inserts i (name, registry_no, address, active); sets i->id and the times.
 * NL_ERR_CONFLICT if the name exists. The caller keeps owning i's strings. */
NL_MUST_USE nl_err nl_store_institution_create(nl_conn *c, struct nl_institution *i);
/* NL_ERR_NOT_FOUND if none. Caller frees out with nl_institution_clear. */
NL_MUST_USE nl_err nl_store_institution_get(nl_conn *c, int64_t id, struct nl_institution *out);
/* Writes name, registry_no, address and active of i->id. */
NL_MUST_USE nl_err nl_store_institution_update(nl_conn *c, const struct nl_institution *i);
/* All institutions by name; *items is malloc'd, freed by nl_institution_list_free. */
NL_MUST_USE nl_err nl_store_institution_list(nl_conn *c, struct nl_institution **items, size_t *n);

#endif
