/* Persons: applicants and certificate holders, identified by a T.C. Kimlik No
 * or by a passport number with its issuing country. Validation (checksums,
 * formats) happens in src/core before a value gets here. */
#ifndef NL_STORE_PERSONS_H
#define NL_STORE_PERSONS_H

#include <stdbool.h>
#include <stdint.h>

#include "core/err.h"
#include "core/validate.h"   /* enum nl_id_kind */
#include "store/db.h"


const char *nl_id_kind_code(enum nl_id_kind k);   /* NULL if invalid */
bool nl_id_kind_parse(const char *code, enum nl_id_kind *out);

struct nl_person {
	int64_t id;
	enum nl_id_kind id_kind;
	char *id_number;
	char *passport_country;  /* ISO 3166 alpha-2 for passports, "" for tckn */
	char *given_name;
	char *surname;
	char *email;
	char *mobile;            /* 10 digits, 5xxxxxxxxx */
	char *birth_place;
	char *birth_date;        /* "YYYY-MM-DD": a calendar date, not a moment */
	int64_t created_at;
	int64_t updated_at;
};

/* Frees the strings and zeroes the struct (structs filled by the store own
 * their malloc'd strings; NULL string fields are stored as ""). */
void nl_person_clear(struct nl_person *p);

/* Inserts p; sets id and times. NL_ERR_CONFLICT if the identity (kind, number,
 * country) exists. */
NL_MUST_USE nl_err nl_store_person_create(nl_conn *c, struct nl_person *p);
NL_MUST_USE nl_err nl_store_person_get(nl_conn *c, int64_t id, struct nl_person *out);
/* Finds a person by identity; country is ignored ("") for tckn. */
NL_MUST_USE nl_err nl_store_person_find(nl_conn *c, enum nl_id_kind kind, const char *id_number,
                            const char *passport_country, struct nl_person *out);
/* Writes every field but the identity (kind, number, country) of p->id. */
NL_MUST_USE nl_err nl_store_person_update(nl_conn *c, const struct nl_person *p);

#endif
