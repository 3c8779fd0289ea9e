/* The wet-signature path's store (store_wet.h). One SQL text for both engines. */
#include <stdlib.h>
#include <string.h>

#include "store/store_util.h"
#include "store/store_wet.h"

static const char *const barcode_status_codes[] = {
	[NL_BARCODE_ISSUED] = "issued",
	[NL_BARCODE_ACCEPTED] = "accepted",
	[NL_BARCODE_REJECTED] = "rejected",
};
#define N_BARCODE_STATUS (sizeof barcode_status_codes / sizeof barcode_status_codes[0])

const char *nl_barcode_status_code(enum nl_barcode_status s)
{
	return (size_t)s < N_BARCODE_STATUS ? barcode_status_codes[s] : NULL;
}

static bool barcode_status_parse(const char *code, enum nl_barcode_status *out)
{
	for (size_t i = 1; i < N_BARCODE_STATUS; i++)
		if (!strcmp(code, barcode_status_codes[i])) {
			*out = (enum nl_barcode_status)i;
			return true;
		}
	return false;
}

void nl_barcode_clear(struct nl_barcode *b)
{
	if (!b)
		return;
	free(b->reject_reason);
	memset(b, 0, sizeof *b);
}

#define COLS "id, form_version_id, order_id, code, status, created_at, decided_at," \
             " decided_by, reject_reason"
/* Its columns, in order. */
enum { C_ID, C_FORM_VERSION_ID, C_ORDER_ID, C_CODE, C_STATUS, C_CREATED_AT, C_DECIDED_AT,
	C_DECIDED_BY, C_REJECT_REASON };

/* Steps s once and reads a row into out; finalizes s. */
static NL_MUST_USE nl_err get_one(nl_stmt *s, struct nl_barcode *out)
{
	memset(out, 0, sizeof *out);
	nl_err rc = nl_store_step_row(s);
	if (rc == NL_OK) {
		out->id = nl_db_col_int64(s, C_ID);
		out->form_version_id = nl_db_col_int64(s, C_FORM_VERSION_ID);
		out->order_id = nl_db_col_int64(s, C_ORDER_ID);
		nl_store_col_copy(s, C_CODE, out->code, sizeof out->code);
		if (!barcode_status_parse(nl_db_col_text(s, C_STATUS), &out->status))
			rc = NL_ERR_DB;
		out->created_at = nl_db_col_int64(s, C_CREATED_AT);
		out->decided_at = nl_db_col_int64(s, C_DECIDED_AT);
		out->decided_by = nl_db_col_int64(s, C_DECIDED_BY);
		out->reject_reason = nl_store_col_dup(s, C_REJECT_REASON, &rc);
		if (rc == NL_OK && !out->reject_reason)
			rc = NL_ERR_DB;
	}
	nl_db_finalize(s);
	if (rc != NL_OK)
		nl_barcode_clear(out);
	return rc;
}

nl_err nl_store_barcode_insert(nl_conn *c, struct nl_barcode *b, int64_t now)
{
	nl_stmt *s;
	nl_err rc = nl_db_query(c, &s,
		"INSERT INTO form_barcodes (form_version_id, order_id, code, status, created_at)"
		" VALUES ($1, $2, $3, 'issued', $4) RETURNING id",
		NL_PARAMS(NL_P_INT(b->form_version_id), NL_P_INT(b->order_id), NL_P_TEXT(b->code),
		NL_P_INT(now)));
	if (rc != NL_OK)
		return rc;
	rc = nl_store_step_row(s);
	if (rc == NL_OK) {
		b->id = nl_db_col_int64(s, 0);
		b->status = NL_BARCODE_ISSUED;
		b->created_at = now;
	}
	nl_db_finalize(s);
	return rc;
}

nl_err nl_store_barcode_of_version(nl_conn *c, int64_t form_version_id, struct nl_barcode *out)
{
	nl_stmt *s;
	nl_err rc = nl_db_query(c, &s, "SELECT " COLS " FROM form_barcodes"
	                           " WHERE form_version_id = $1",
	                           NL_PARAMS(NL_P_INT(form_version_id)));
	return rc == NL_OK ? get_one(s, out) : rc;
}

nl_err nl_store_barcode_by_code(nl_conn *c, const char *code, struct nl_barcode *out)
{
	nl_stmt *s;
	nl_err rc = nl_db_query(c, &s, "SELECT " COLS " FROM form_barcodes WHERE code = $1",
	                        NL_PARAMS(NL_P_TEXT(code)));
	return rc == NL_OK ? get_one(s, out) : rc;
}

nl_err nl_store_barcode_rejected(nl_conn *c, int64_t form_version_id, bool *rejected)
{
	nl_stmt *s;
	*rejected = false;
	nl_err rc = nl_db_query(c, &s, "SELECT 1 FROM form_barcodes WHERE form_version_id = $1"
	                           " AND status = 'rejected'",
	                           NL_PARAMS(NL_P_INT(form_version_id)));
	if (rc != NL_OK)
		return rc;
	rc = nl_store_step_row(s);
	nl_db_finalize(s);
	if (rc == NL_OK)
		*rejected = true;
	return rc == NL_ERR_NOT_FOUND ? NL_OK : rc;
}

nl_err nl_store_barcode_decide(nl_conn *c, int64_t id, enum nl_barcode_status to,
                               int64_t user_id, const char *reason, int64_t now)
{
	if (to != NL_BARCODE_ACCEPTED && to != NL_BARCODE_REJECTED)
		return NL_ERR_INVALID;
	const char *why = reason ? reason : "";
	nl_stmt *s;
	int64_t changed = 0;
	nl_err rc = nl_db_query(c, &s,
		"UPDATE form_barcodes SET status = $2, decided_at = $3, decided_by = $4,"
		" reject_reason = $5 WHERE id = $1 AND status = 'issued'",
		NL_PARAMS(NL_P_INT(id), NL_P_TEXT(nl_barcode_status_code(to)), NL_P_INT(now),
		NL_P_INT(user_id), NL_P_TEXT(why)));
	if (rc == NL_OK)
		rc = nl_store_exec_stmt(s, &changed);
	if (rc == NL_OK && changed != 1)
		rc = NL_ERR_CONFLICT;
	if (rc != NL_OK)
		return rc;
	rc = nl_db_query(c, &s,
		"INSERT INTO ra_decisions (barcode_id, user_id, decision, reason, decided_at)"
		" VALUES ($1, $2, $3, $4, $5)",
		NL_PARAMS(NL_P_INT(id), NL_P_INT(user_id),
		NL_P_TEXT(to == NL_BARCODE_ACCEPTED ? "accept" : "reject"), NL_P_TEXT(why),
		NL_P_INT(now)));
	return rc == NL_OK ? nl_store_exec_stmt(s, NULL) : rc;
}
