/* Persons. */
#include <stdlib.h>
#include <string.h>

#include "store/store_persons.h"
#include "store/store_util.h"

#define COLS "id, id_kind, id_number, passport_country, given_name, surname, email, mobile," \
             " birth_place, birth_date, created_at, updated_at"
/* Its columns, in order. */
enum { C_ID, C_ID_KIND, C_ID_NUMBER, C_PASSPORT_COUNTRY, C_GIVEN_NAME, C_SURNAME, C_EMAIL,
	C_MOBILE, C_BIRTH_PLACE, C_BIRTH_DATE, C_CREATED_AT, C_UPDATED_AT };

const char *nl_id_kind_code(enum nl_id_kind k)
{
	switch (k) {
	case NL_ID_TCKN:
		return "tckn";
	case NL_ID_PASSPORT:
		return "passport";
	case NL_ID_NONE:
		break;
	}
	return NULL;
}

bool nl_id_kind_parse(const char *code, enum nl_id_kind *out)
{
	if (code && !strcmp(code, "tckn"))
		*out = NL_ID_TCKN;
	else if (code && !strcmp(code, "passport"))
		*out = NL_ID_PASSPORT;
	else
		return false;
	return true;
}

void nl_person_clear(struct nl_person *p)
{
	if (!p)
		return;
	free(p->id_number);
	free(p->passport_country);
	free(p->given_name);
	free(p->surname);
	free(p->email);
	free(p->mobile);
	free(p->birth_place);
	free(p->birth_date);
	memset(p, 0, sizeof *p);
}

static const char *or_empty(const char *s)
{
	return s ? s : "";
}

static const char *country_of(enum nl_id_kind kind, const char *country)
{
	return kind == NL_ID_TCKN ? "" : or_empty(country);
}

static NL_MUST_USE nl_err read_row(nl_stmt *s, struct nl_person *out)
{
	nl_err rc = NL_OK;
	memset(out, 0, sizeof *out);
	out->id = nl_db_col_int64(s, C_ID);
	if (!nl_id_kind_parse(nl_db_col_text(s, C_ID_KIND), &out->id_kind))
		rc = NL_ERR_DB;
	out->id_number = nl_store_col_dup(s, C_ID_NUMBER, &rc);
	out->passport_country = nl_store_col_dup(s, C_PASSPORT_COUNTRY, &rc);
	out->given_name = nl_store_col_dup(s, C_GIVEN_NAME, &rc);
	out->surname = nl_store_col_dup(s, C_SURNAME, &rc);
	out->email = nl_store_col_dup(s, C_EMAIL, &rc);
	out->mobile = nl_store_col_dup(s, C_MOBILE, &rc);
	out->birth_place = nl_store_col_dup(s, C_BIRTH_PLACE, &rc);
	out->birth_date = nl_store_col_dup(s, C_BIRTH_DATE, &rc);
	out->created_at = nl_db_col_int64(s, C_CREATED_AT);
	out->updated_at = nl_db_col_int64(s, C_UPDATED_AT);
	if (rc != NL_OK)
		nl_person_clear(out);
	return rc;
}

static NL_MUST_USE nl_err get_one(nl_stmt *s, struct nl_person *out)
{
	nl_err rc = nl_store_step_row(s);
	if (rc == NL_OK)
		rc = read_row(s, out);
	nl_db_finalize(s);
	return rc;
}

nl_err nl_store_person_create(nl_conn *c, struct nl_person *p)
{
	const char *kind = nl_id_kind_code(p->id_kind);
	if (!kind || !p->id_number || !*p->id_number || !p->given_name || !p->surname)
		return NL_ERR_INVALID;
	nl_stmt *s;
	int64_t now = nl_store_now();
	nl_err rc = nl_db_query(c, &s,
		"INSERT INTO persons (id_kind, id_number, passport_country, given_name, surname, email,"
		" mobile, birth_place, birth_date, created_at, updated_at)"
		" VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) RETURNING id",
		NL_PARAMS(NL_P_TEXT(kind), NL_P_TEXT(p->id_number),
		NL_P_TEXT(country_of(p->id_kind, p->passport_country)), NL_P_TEXT(p->given_name),
		NL_P_TEXT(p->surname), NL_P_TEXT(or_empty(p->email)),
		NL_P_TEXT(or_empty(p->mobile)), NL_P_TEXT(or_empty(p->birth_place)),
		NL_P_TEXT(or_empty(p->birth_date)), NL_P_INT(now)));
	if (rc != NL_OK)
		return rc;
	if ((rc = nl_store_step_row(s)) == NL_OK) {
		p->id = nl_db_col_int64(s, 0);
		p->created_at = p->updated_at = now;
	}
	nl_db_finalize(s);
	return rc;
}

nl_err nl_store_person_get(nl_conn *c, int64_t id, struct nl_person *out)
{
	nl_stmt *s;
	memset(out, 0, sizeof *out);
	nl_err rc = nl_db_query(c, &s, "SELECT " COLS " FROM persons WHERE id = $1",
		NL_PARAMS(NL_P_INT(id)));
	return rc == NL_OK ? get_one(s, out) : rc;
}

nl_err nl_store_person_find(nl_conn *c, enum nl_id_kind kind, const char *id_number,
                            const char *passport_country, struct nl_person *out)
{
	nl_stmt *s;
	memset(out, 0, sizeof *out);
	const char *code = nl_id_kind_code(kind);
	if (!code || !id_number)
		return NL_ERR_INVALID;
	nl_err rc = nl_db_query(c, &s,
		"SELECT " COLS " FROM persons WHERE id_kind = $1 AND id_number = $2"
		" AND passport_country = $3",
		NL_PARAMS(NL_P_TEXT(code), NL_P_TEXT(id_number),
		NL_P_TEXT(country_of(kind, passport_country))));
	return rc == NL_OK ? get_one(s, out) : rc;
}

nl_err nl_store_person_update(nl_conn *c, const struct nl_person *p)
{
	if (!p->given_name || !p->surname)
		return NL_ERR_INVALID;
	nl_stmt *s;
	int64_t changed = 0;
	nl_err rc = nl_db_query(c, &s,
		"UPDATE persons SET given_name = $2, surname = $3, email = $4, mobile = $5,"
		" birth_place = $6, birth_date = $7, updated_at = $8 WHERE id = $1",
		NL_PARAMS(NL_P_INT(p->id), NL_P_TEXT(p->given_name), NL_P_TEXT(p->surname),
		NL_P_TEXT(or_empty(p->email)), NL_P_TEXT(or_empty(p->mobile)),
		NL_P_TEXT(or_empty(p->birth_place)), NL_P_TEXT(or_empty(p->birth_date)),
		NL_P_INT(nl_store_now())));
	if (rc == NL_OK)
		rc = nl_store_exec_stmt(s, &changed);
	return rc == NL_OK && changed == 0 ? NL_ERR_NOT_FOUND : rc;
}
