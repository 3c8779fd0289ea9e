/* The holder's self-service (store_selfservice.h). One SQL text for both engines. */
#include <stdio.h>
#include <string.h>

#include "store/store_selfservice.h"
#include "store/store_util.h"

#define CERT_COLS "id, serial, common_name, not_before, not_after, status, reason," \
                  " revoked_at, institution_id, order_id"
/* Its columns, in order. */
enum { CC_ID, CC_SERIAL, CC_COMMON_NAME, CC_NOT_BEFORE, CC_NOT_AFTER, CC_STATUS, CC_REASON,
	CC_REVOKED_AT, CC_INSTITUTION_ID, CC_ORDER_ID };

static void read_cert(nl_stmt *s, struct nl_ss_cert *o)
{
	memset(o, 0, sizeof *o);
	o->id = nl_db_col_int64(s, CC_ID);
	nl_store_col_copy(s, CC_SERIAL, o->serial, sizeof o->serial);
	nl_store_col_copy(s, CC_COMMON_NAME, o->common_name, sizeof o->common_name);
	o->not_before = nl_db_col_int64(s, CC_NOT_BEFORE);
	o->not_after = nl_db_col_int64(s, CC_NOT_AFTER);
	nl_store_col_copy(s, CC_STATUS, o->status, sizeof o->status);
	o->reason = (int)nl_db_col_int64(s, CC_REASON);
	o->revoked_at = nl_db_col_int64(s, CC_REVOKED_AT);
	o->institution_id = nl_db_col_int64(s, CC_INSTITUTION_ID);
	o->order_id = nl_db_col_int64(s, CC_ORDER_ID);
}

nl_err nl_store_ss_certs(nl_conn *c, const char *id_attr, struct nl_ss_cert *out, int max,
                         int *n)
{
	nl_stmt *s;
	int st;
	*n = 0;
	nl_err rc = nl_db_query(c, &s,
		"SELECT " CERT_COLS " FROM certificates WHERE kind = 'person' AND id_number = $1"
		" ORDER BY not_after DESC, id DESC", NL_PARAMS(NL_P_TEXT(id_attr)));
	if (rc)
		return rc;
	while ((st = nl_db_step(s)) == NL_DB_ROW && *n < max)
		read_cert(s, &out[(*n)++]);
	if (st != NL_DB_ROW && st != NL_DB_DONE)
		rc = (nl_err)st;
	nl_db_finalize(s);
	return rc;
}

nl_err nl_store_ss_cert(nl_conn *c, const char *id_attr, const char *serial,
                        struct nl_ss_cert *out)
{
	nl_stmt *s;
	/* The subject is part of the key: another person's serial is "not found". */
	nl_err rc = nl_db_query(c, &s,
		"SELECT " CERT_COLS " FROM certificates WHERE kind = 'person' AND serial = $1"
		" AND id_number = $2", NL_PARAMS(NL_P_TEXT(serial), NL_P_TEXT(id_attr)));
	if (rc)
		return rc;
	if ((rc = nl_store_step_row(s)) == NL_OK)
		read_cert(s, out);
	nl_db_finalize(s);
	return rc;
}

/* ---- Kilit Çözme codes ---- */

nl_err nl_store_unblock_insert(nl_conn *c, int64_t person_id, const char *cert_serial,
                               const char *code_hash, int64_t now, int64_t expires_at,
                               int64_t *id)
{
	nl_stmt *s;
	nl_err rc = nl_db_query(c, &s,
		"UPDATE unblock_codes SET status = 'replaced' WHERE person_id = $1 AND status = 'active'",
		NL_PARAMS(NL_P_INT(person_id)));
	if (rc == NL_OK)
		rc = nl_store_exec_stmt(s, NULL);
	if (rc == NL_OK)
		rc = nl_db_query(c, &s,
			"INSERT INTO unblock_codes (person_id, cert_serial, code_hash, created_at, expires_at)"
			" VALUES ($1, $2, $3, $4, $5) RETURNING id",
			NL_PARAMS(NL_P_INT(person_id), NL_P_TEXT(cert_serial),
			NL_P_TEXT(code_hash), NL_P_INT(now), NL_P_INT(expires_at)));
	if (rc)
		return rc;
	if ((rc = nl_store_step_row(s)) == NL_OK && id)
		*id = nl_db_col_int64(s, 0);
	nl_db_finalize(s);
	return rc == NL_ERR_NOT_FOUND ? NL_ERR_DB : rc;
}

nl_err nl_store_unblock_by_hash(nl_conn *c, const char *code_hash, struct nl_unblock_code *out)
{
	nl_stmt *s;
	enum { UB_ID, UB_PERSON_ID, UB_CERT_SERIAL, UB_CREATED_AT, UB_EXPIRES_AT, UB_STATUS };
	nl_err rc = nl_db_query(c, &s,
		"SELECT id, person_id, cert_serial, created_at, expires_at, status FROM unblock_codes"
		" WHERE code_hash = $1", NL_PARAMS(NL_P_TEXT(code_hash)));
	if (rc)
		return rc;
	if ((rc = nl_store_step_row(s)) == NL_OK) {
		memset(out, 0, sizeof *out);
		out->id = nl_db_col_int64(s, UB_ID);
		out->person_id = nl_db_col_int64(s, UB_PERSON_ID);
		nl_store_col_copy(s, UB_CERT_SERIAL, out->cert_serial, sizeof out->cert_serial);
		out->created_at = nl_db_col_int64(s, UB_CREATED_AT);
		out->expires_at = nl_db_col_int64(s, UB_EXPIRES_AT);
		nl_store_col_copy(s, UB_STATUS, out->status, sizeof out->status);
	}
	nl_db_finalize(s);
	return rc;
}

nl_err nl_store_unblock_use(nl_conn *c, int64_t id, int64_t now)
{
	nl_stmt *s;
	int64_t changed = 0;
	nl_err rc = nl_db_query(c, &s,
		"UPDATE unblock_codes SET status = 'used', used_at = $2 WHERE id = $1 AND status = 'active'",
		NL_PARAMS(NL_P_INT(id), NL_P_INT(now)));
	if (rc == NL_OK)
		rc = nl_store_exec_stmt(s, &changed);
	return rc ? rc : changed == 1 ? NL_OK : NL_ERR_CONFLICT;
}

/* ---- contact data ---- */

nl_err nl_store_holder_contact_get(nl_conn *c, int64_t person_id, struct nl_holder_contact *out)
{
	nl_stmt *s;
	enum { HC_EMAIL, HC_MOBILE, HC_INFO_CHANNEL, HC_UPDATED_AT };
	nl_err rc = nl_db_query(c, &s,
		"SELECT email, mobile, info_channel, updated_at FROM holder_contacts WHERE person_id = $1",
		NL_PARAMS(NL_P_INT(person_id)));
	if (rc)
		return rc;
	if ((rc = nl_store_step_row(s)) == NL_OK) {
		memset(out, 0, sizeof *out);
		nl_store_col_copy(s, HC_EMAIL, out->email, sizeof out->email);
		nl_store_col_copy(s, HC_MOBILE, out->mobile, sizeof out->mobile);
		nl_store_col_copy(s, HC_INFO_CHANNEL, out->info_channel, sizeof out->info_channel);
		out->updated_at = nl_db_col_int64(s, HC_UPDATED_AT);
	}
	nl_db_finalize(s);
	return rc;
}

nl_err nl_store_holder_contact_put(nl_conn *c, int64_t person_id,
                                   const struct nl_holder_contact *in, int64_t now)
{
	nl_stmt *s;
	nl_err rc = nl_db_query(c, &s,
		"INSERT INTO holder_contacts (person_id, email, mobile, info_channel, updated_at)"
		" VALUES ($1, $2, $3, $4, $5) ON CONFLICT (person_id) DO UPDATE SET"
		" email = excluded.email, mobile = excluded.mobile,"
		" info_channel = excluded.info_channel, updated_at = excluded.updated_at",
		NL_PARAMS(NL_P_INT(person_id), NL_P_TEXT(in->email), NL_P_TEXT(in->mobile),
		NL_P_TEXT(in->info_channel), NL_P_INT(now)));
	return rc ? rc : nl_store_exec_stmt(s, NULL);
}

#define CHANGE_COLS "id, person_id, email, mobile, info_channel, code_hash, sent_at," \
                    " expires_at, tries, status"
/* Its columns, in order. */
enum { CH_ID, CH_PERSON_ID, CH_EMAIL, CH_MOBILE, CH_INFO_CHANNEL, CH_CODE_HASH, CH_SENT_AT,
	CH_EXPIRES_AT, CH_TRIES, CH_STATUS };

nl_err nl_store_contact_change_insert(nl_conn *c, struct nl_contact_change *ch)
{
	nl_stmt *s;
	nl_err rc = nl_db_query(c, &s,
		"UPDATE contact_changes SET status = 'replaced' WHERE person_id = $1 AND status = 'active'",
		NL_PARAMS(NL_P_INT(ch->person_id)));
	if (rc == NL_OK)
		rc = nl_store_exec_stmt(s, NULL);
	if (rc == NL_OK)
		rc = nl_db_query(c, &s,
			"INSERT INTO contact_changes (person_id, email, mobile, info_channel, code_hash,"
			" sent_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
			NL_PARAMS(NL_P_INT(ch->person_id), NL_P_TEXT(ch->email),
			NL_P_TEXT(ch->mobile), NL_P_TEXT(ch->info_channel),
			NL_P_TEXT(ch->code_hash), NL_P_INT(ch->sent_at), NL_P_INT(ch->expires_at)));
	if (rc)
		return rc;
	if ((rc = nl_store_step_row(s)) == NL_OK) {
		ch->id = nl_db_col_int64(s, 0);
		ch->tries = 0;
		snprintf(ch->status, sizeof ch->status, "active");
	}
	nl_db_finalize(s);
	return rc == NL_ERR_NOT_FOUND ? NL_ERR_DB : rc;
}

nl_err nl_store_contact_change_latest(nl_conn *c, int64_t person_id,
                                      struct nl_contact_change *out)
{
	nl_stmt *s;
	nl_err rc = nl_db_query(c, &s,
		"SELECT " CHANGE_COLS " FROM contact_changes WHERE person_id = $1"
		" ORDER BY sent_at DESC, id DESC LIMIT 1", NL_PARAMS(NL_P_INT(person_id)));
	if (rc)
		return rc;
	if ((rc = nl_store_step_row(s)) == NL_OK) {
		memset(out, 0, sizeof *out);
		out->id = nl_db_col_int64(s, CH_ID);
		out->person_id = nl_db_col_int64(s, CH_PERSON_ID);
		nl_store_col_copy(s, CH_EMAIL, out->email, sizeof out->email);
		nl_store_col_copy(s, CH_MOBILE, out->mobile, sizeof out->mobile);
		nl_store_col_copy(s, CH_INFO_CHANNEL, out->info_channel, sizeof out->info_channel);
		nl_store_col_copy(s, CH_CODE_HASH, out->code_hash, sizeof out->code_hash);
		out->sent_at = nl_db_col_int64(s, CH_SENT_AT);
		out->expires_at = nl_db_col_int64(s, CH_EXPIRES_AT);
		out->tries = nl_db_col_int64(s, CH_TRIES);
		nl_store_col_copy(s, CH_STATUS, out->status, sizeof out->status);
	}
	nl_db_finalize(s);
	return rc;
}

nl_err nl_store_contact_change_count(nl_conn *c, int64_t person_id, int64_t since, int64_t *n)
{
	nl_stmt *s;
	nl_err rc = nl_db_query(c, &s,
		"SELECT COUNT(*) FROM contact_changes WHERE person_id = $1 AND sent_at >= $2",
		NL_PARAMS(NL_P_INT(person_id), NL_P_INT(since)));
	return rc ? rc : nl_store_one_int64(s, n);
}

nl_err nl_store_contact_change_update(nl_conn *c, int64_t id, int64_t expected_tries,
                                      int64_t tries, const char *status)
{
	nl_stmt *s;
	int64_t changed = 0;
	nl_err rc = nl_db_query(c, &s,
		"UPDATE contact_changes SET tries = $3, status = $4"
		" WHERE id = $1 AND tries = $2 AND status = 'active'",
		NL_PARAMS(NL_P_INT(id), NL_P_INT(expected_tries), NL_P_INT(tries),
		NL_P_TEXT(status)));
	if (rc == NL_OK)
		rc = nl_store_exec_stmt(s, &changed);
	return rc ? rc : changed == 1 ? NL_OK : NL_ERR_CONFLICT;
}
