/* Electronic signing (store_esign.h). One SQL text for both engines. */
#include <stdlib.h>
#include <string.h>

#include "store/store_esign.h"
#include "store/store_util.h"

void nl_esign_code_clear(struct nl_esign_code *c)
{
	if (!c)
		return;
	free(c->text);
	free(c->last_error);
	memset(c, 0, sizeof *c);
}

nl_err nl_store_esign_code_insert(nl_conn *c, struct nl_esign_code *code)
{
	nl_stmt *s;
	nl_err rc = nl_db_query(c, &s,
		"INSERT INTO esign_codes (code_hash, session_hash, purpose, id_number, person_id,"
		" order_id, form_version_id, consent_text_id, consent_choice, text, created_at,"
		" expires_at, addr_hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)"
		" ON CONFLICT (code_hash) DO NOTHING RETURNING id",
		NL_PARAMS(NL_P_TEXT(code->code_hash),
		NL_P_BLOB(code->session_hash, (size_t)NL_ESIGN_SESSION_LEN),
		NL_P_TEXT(code->purpose), NL_P_TEXT(code->id_number), NL_P_REF(code->person_id),
		NL_P_REF(code->order_id), NL_P_REF(code->form_version_id),
		NL_P_REF(code->consent_text_id), NL_P_TEXT(code->consent_choice),
		NL_P_TEXT(code->text), NL_P_INT(code->created_at), NL_P_INT(code->expires_at),
		NL_P_TEXT(code->addr_hash)));
	if (rc)
		return rc;
	rc = nl_store_step_row(s);
	if (rc == NL_OK)
		code->id = nl_db_col_int64(s, 0);
	else if (rc == NL_ERR_NOT_FOUND)
		rc = NL_ERR_CONFLICT;
	nl_db_finalize(s);
	return rc;
}

nl_err nl_store_esign_code_count_addr(nl_conn *c, const char *addr_hash, const char *purpose,
                                      int64_t now, int64_t *n)
{
	nl_stmt *s;
	*n = 0;
	nl_err rc = nl_db_query(c, &s,
		"SELECT COUNT(*) FROM esign_codes WHERE addr_hash = $1 AND purpose = $2"
		" AND status = 'active' AND expires_at > $3",
		NL_PARAMS(NL_P_TEXT(addr_hash), NL_P_TEXT(purpose), NL_P_INT(now)));
	return rc == NL_OK ? nl_store_one_int64(s, n) : rc;
}

nl_err nl_store_esign_code_purge(nl_conn *c, int64_t before, int64_t *purged)
{
	nl_stmt *s;
	int64_t n = 0;
	nl_err rc = nl_db_query(c, &s,
		"DELETE FROM esign_codes WHERE expires_at < $1 AND status <> 'used'"
		" AND NOT EXISTS (SELECT 1 FROM esign_signatures g WHERE g.code_id = esign_codes.id)",
		NL_PARAMS(NL_P_INT(before)));
	if (rc == NL_OK)
		rc = nl_store_exec_stmt(s, &n);
	if (purged)
		*purged = n;
	return rc;
}

#define CODE_COLS "id, code_hash, session_hash, purpose, id_number, person_id, order_id," \
                  " form_version_id, consent_text_id, consent_choice, text, created_at,"   \
                  " expires_at, tries, status, last_error, used_at, signature_id"
/* Its columns, in order. */
enum { CODE_ID, CODE_CODE_HASH, CODE_SESSION_HASH, CODE_PURPOSE, CODE_ID_NUMBER, CODE_PERSON_ID,
	CODE_ORDER_ID, CODE_FORM_VERSION_ID, CODE_CONSENT_TEXT_ID, CODE_CONSENT_CHOICE, CODE_TEXT,
	CODE_CREATED_AT, CODE_EXPIRES_AT, CODE_TRIES, CODE_STATUS, CODE_LAST_ERROR, CODE_USED_AT,
	CODE_SIGNATURE_ID };

static NL_MUST_USE nl_err read_code(nl_stmt *s, struct nl_esign_code *o)
{
	nl_err rc = NL_OK;
	size_t n = 0;
	memset(o, 0, sizeof *o);
	o->id = nl_db_col_int64(s, CODE_ID);
	nl_store_col_copy(s, CODE_CODE_HASH, o->code_hash, sizeof o->code_hash);
	const void *h = nl_db_col_blob(s, CODE_SESSION_HASH, &n);
	if (h && n == NL_ESIGN_SESSION_LEN)
		memcpy(o->session_hash, h, n);
	nl_store_col_copy(s, CODE_PURPOSE, o->purpose, sizeof o->purpose);
	nl_store_col_copy(s, CODE_ID_NUMBER, o->id_number, sizeof o->id_number);
	o->person_id = nl_db_col_int64(s, CODE_PERSON_ID);
	o->order_id = nl_db_col_int64(s, CODE_ORDER_ID);
	o->form_version_id = nl_db_col_int64(s, CODE_FORM_VERSION_ID);
	o->consent_text_id = nl_db_col_int64(s, CODE_CONSENT_TEXT_ID);
	nl_store_col_copy(s, CODE_CONSENT_CHOICE, o->consent_choice, sizeof o->consent_choice);
	o->text = nl_store_col_dup(s, CODE_TEXT, &rc);
	o->created_at = nl_db_col_int64(s, CODE_CREATED_AT);
	o->expires_at = nl_db_col_int64(s, CODE_EXPIRES_AT);
	o->tries = nl_db_col_int64(s, CODE_TRIES);
	nl_store_col_copy(s, CODE_STATUS, o->status, sizeof o->status);
	o->last_error = nl_store_col_dup(s, CODE_LAST_ERROR, &rc);
	o->used_at = nl_db_col_int64(s, CODE_USED_AT);
	o->signature_id = nl_db_col_int64(s, CODE_SIGNATURE_ID);
	if (rc)
		nl_esign_code_clear(o);
	return rc;
}

static NL_MUST_USE nl_err one_code(nl_stmt *s, struct nl_esign_code *out)
{
	nl_err rc = nl_store_step_row(s);
	if (rc == NL_OK)
		rc = read_code(s, out);
	nl_db_finalize(s);
	return rc;
}

nl_err nl_store_esign_code_by_hash(nl_conn *c, const char *code_hash, struct nl_esign_code *out)
{
	nl_stmt *s;
	nl_err rc = nl_db_query(c, &s, "SELECT " CODE_COLS " FROM esign_codes WHERE code_hash = $1",
	                        NL_PARAMS(NL_P_TEXT(code_hash)));
	return rc ? rc : one_code(s, out);
}

nl_err nl_store_esign_code_get(nl_conn *c, int64_t id, struct nl_esign_code *out)
{
	nl_stmt *s;
	nl_err rc = nl_db_query(c, &s, "SELECT " CODE_COLS " FROM esign_codes WHERE id = $1",
	                        NL_PARAMS(NL_P_INT(id)));
	return rc ? rc : one_code(s, out);
}

nl_err nl_store_esign_code_latest(nl_conn *c, const uint8_t session_hash[NL_ESIGN_SESSION_LEN],
                                  const char *purpose, int64_t order_id,
                                  struct nl_esign_code *out)
{
	nl_stmt *s;
	nl_err rc = nl_db_query(c, &s,
		"SELECT " CODE_COLS " FROM esign_codes WHERE session_hash = $1 AND purpose = $2"
		" AND ($3 = 0 OR order_id = $3) ORDER BY id DESC LIMIT 1",
		NL_PARAMS(NL_P_BLOB(session_hash, (size_t)NL_ESIGN_SESSION_LEN),
		NL_P_TEXT(purpose), NL_P_INT(order_id)));
	return rc ? rc : one_code(s, out);
}

nl_err nl_store_esign_code_refuse(nl_conn *c, int64_t id, int64_t expected_tries,
                                  const char *why, bool burn)
{
	nl_stmt *s;
	int64_t changed = 0;
	nl_err rc = nl_db_query(c, &s,
		"UPDATE esign_codes SET tries = tries + 1, last_error = $3,"
		" status = CASE WHEN $4 = 1 THEN 'burnt' ELSE status END"
		" WHERE id = $1 AND tries = $2 AND status = 'active'",
		NL_PARAMS(NL_P_INT(id), NL_P_INT(expected_tries), NL_P_TEXT(why ? why : ""),
		NL_P_INT((burn ? 1 : 0))));
	if (rc == NL_OK)
		rc = nl_store_exec_stmt(s, &changed);
	return rc == NL_OK && changed != 1 ? NL_ERR_CONFLICT : rc;
}

nl_err nl_store_esign_code_use(nl_conn *c, int64_t id, int64_t signature_id, int64_t now)
{
	nl_stmt *s;
	int64_t changed = 0;
	nl_err rc = nl_db_query(c, &s,
		"UPDATE esign_codes SET status = 'used', used_at = $3, signature_id = $2,"
		" last_error = '' WHERE id = $1 AND status = 'active'",
		NL_PARAMS(NL_P_INT(id), NL_P_INT(signature_id), NL_P_INT(now)));
	if (rc == NL_OK)
		rc = nl_store_exec_stmt(s, &changed);
	return rc == NL_OK && changed != 1 ? NL_ERR_CONFLICT : rc;
}

nl_err nl_store_esign_signature_insert(nl_conn *c, struct nl_esign_signature *sg)
{
	nl_stmt *s;
	nl_err rc = nl_db_query(c, &s,
		"INSERT INTO esign_signatures (code_id, purpose, person_id, order_id,"
		" form_version_id, cms, cert_der, cert_serial, cert_issuer, evidence_kind, evidence,"
		" signing_time, verified_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11,"
		" $12, $13) RETURNING id",
		NL_PARAMS(NL_P_INT(sg->code_id), NL_P_TEXT(sg->purpose), NL_P_REF(sg->person_id),
		NL_P_REF(sg->order_id), NL_P_REF(sg->form_version_id),
		NL_P_BLOB(sg->cms, sg->cms_len), NL_P_BLOB(sg->cert_der, sg->cert_len),
		NL_P_TEXT(sg->cert_serial), NL_P_TEXT(sg->cert_issuer),
		NL_P_TEXT(sg->evidence_kind), NL_P_BLOB(sg->evidence, sg->evidence_len),
		NL_P_INT(sg->signing_time), NL_P_INT(sg->verified_at)));
	return rc ? rc : nl_store_one_int64(s, &sg->id);
}

nl_err nl_store_esign_signature_count(nl_conn *c, int64_t order_id, int64_t *n)
{
	nl_stmt *s;
	nl_err rc = nl_db_query(c, &s, "SELECT COUNT(*) FROM esign_signatures WHERE order_id = $1",
	                        NL_PARAMS(NL_P_INT(order_id)));
	return rc ? rc : nl_store_one_int64(s, n);
}

/* ---- e-Onay ---- */

void nl_econsent_text_clear(struct nl_econsent_text *t)
{
	if (!t)
		return;
	free(t->intro);
	free(t->accept_text);
	free(t->decline_text);
	memset(t, 0, sizeof *t);
}

#define TEXT_COLS "id, version, valid_from, intro, accept_text, decline_text"
/* Its columns, in order. */
enum { TX_ID, TX_VERSION, TX_VALID_FROM, TX_INTRO, TX_ACCEPT_TEXT, TX_DECLINE_TEXT };

static NL_MUST_USE nl_err one_text(nl_stmt *s, struct nl_econsent_text *o)
{
	nl_err rc = nl_store_step_row(s);
	memset(o, 0, sizeof *o);
	if (rc == NL_OK) {
		o->id = nl_db_col_int64(s, TX_ID);
		o->version = nl_db_col_int64(s, TX_VERSION);
		o->valid_from = nl_db_col_int64(s, TX_VALID_FROM);
		o->intro = nl_store_col_dup(s, TX_INTRO, &rc);
		o->accept_text = nl_store_col_dup(s, TX_ACCEPT_TEXT, &rc);
		o->decline_text = nl_store_col_dup(s, TX_DECLINE_TEXT, &rc);
		if (rc)
			nl_econsent_text_clear(o);
	}
	nl_db_finalize(s);
	return rc;
}

nl_err nl_store_econsent_text_in_force(nl_conn *c, int64_t at, struct nl_econsent_text *out)
{
	nl_stmt *s;
	nl_err rc = nl_db_query(c, &s,
		"SELECT " TEXT_COLS " FROM econsent_texts WHERE valid_from <= $1"
		" ORDER BY valid_from DESC, version DESC LIMIT 1", NL_PARAMS(NL_P_INT(at)));
	return rc ? rc : one_text(s, out);
}

nl_err nl_store_econsent_text_add(nl_conn *c, int64_t valid_from, const char *intro,
                                  const char *accept_text, const char *decline_text,
                                  int64_t *version)
{
	/* The next number; two writers racing for it meet the unique index. */
	nl_stmt *s;
	int64_t next = 1;
	nl_err rc = nl_db_query(c, &s, "SELECT COALESCE(MAX(version), 0) + 1 FROM econsent_texts",
		NL_NO_PARAMS);
	if (rc)
		return rc;
	rc = nl_store_one_int64(s, &next);
	if (rc)
		return rc;
	rc = nl_db_query(c, &s,
		"INSERT INTO econsent_texts (version, valid_from, intro, accept_text, decline_text)"
		" VALUES ($1, $2, $3, $4, $5)",
		NL_PARAMS(NL_P_INT(next), NL_P_INT(valid_from), NL_P_TEXT(intro),
		NL_P_TEXT(accept_text), NL_P_TEXT(decline_text)));
	if (rc == NL_OK)
		rc = nl_store_exec_stmt(s, NULL);
	if (rc == NL_OK && version)
		*version = next;
	return rc;
}

nl_err nl_store_econsent_add(nl_conn *c, int64_t person_id, int64_t text_id,
                             const char *choice, int64_t signature_id, int64_t now,
                             int64_t *id)
{
	nl_stmt *s;
	nl_err rc = nl_db_query(c, &s,
		"INSERT INTO econsents (person_id, text_id, choice, signature_id, created_at)"
		" VALUES ($1, $2, $3, $4, $5) RETURNING id",
		NL_PARAMS(NL_P_INT(person_id), NL_P_INT(text_id), NL_P_TEXT(choice),
		NL_P_INT(signature_id), NL_P_INT(now)));
	if (rc)
		return rc;
	rc = nl_store_step_row(s);
	if (rc == NL_OK && id)
		*id = nl_db_col_int64(s, 0);
	nl_db_finalize(s);
	return rc;
}

nl_err nl_store_econsent_current(nl_conn *c, int64_t person_id, char choice[16], int64_t *at,
                                 int64_t *text_version)
{
	nl_stmt *s;
	choice[0] = '\0';
	enum { EC_CHOICE, EC_CREATED_AT, EC_VERSION };
	nl_err rc = nl_db_query(c, &s,
		"SELECT e.choice, e.created_at, t.version FROM econsents e"
		" JOIN econsent_texts t ON t.id = e.text_id"
		" WHERE e.person_id = $1 ORDER BY e.id DESC LIMIT 1",
		NL_PARAMS(NL_P_INT(person_id)));
	if (rc)
		return rc;
	rc = nl_store_step_row(s);
	if (rc == NL_OK) {
		nl_store_col_copy(s, EC_CHOICE, choice, 16);
		if (at)
			*at = nl_db_col_int64(s, EC_CREATED_AT);
		if (text_version)
			*text_version = nl_db_col_int64(s, EC_VERSION);
	} else if (rc == NL_ERR_NOT_FOUND) {
		rc = NL_OK;
	}
	nl_db_finalize(s);
	return rc;
}

nl_err nl_store_holder_secword_hash(nl_conn *c, int64_t person_id, char **hash)
{
	nl_stmt *s;
	*hash = NULL;
	nl_err rc = nl_db_query(c, &s,
		"SELECT fv.security_word_hash FROM form_versions fv JOIN orders o ON o.id = fv.order_id"
		" WHERE o.person_id = $1 AND fv.version > 0 AND fv.security_word_hash <> ''"
		" ORDER BY CASE WHEN fv.status = 'approved' THEN 1 ELSE 0 END DESC,"
		" fv.created_at DESC, fv.id DESC LIMIT 1", NL_PARAMS(NL_P_INT(person_id)));
	if (rc)
		return rc;
	rc = nl_store_step_row(s);
	if (rc == NL_OK)
		*hash = nl_store_col_dup(s, 0, &rc);
	nl_db_finalize(s);
	return rc;
}

nl_err nl_store_holder_secword_door(nl_conn *c, int64_t person_id, char **hash,
                                    bool *approved, int64_t *order_no)
{
	nl_stmt *s;
	*hash = NULL;
	*approved = false;
	*order_no = 0;
	enum { SW_SECURITY_WORD_HASH, SW_APPROVED, SW_ORDER_NO };
	nl_err rc = nl_db_query(c, &s,
		"SELECT fv.security_word_hash, CASE WHEN fv.status = 'approved' THEN 1 ELSE 0 END,"
		" o.order_no FROM form_versions fv JOIN orders o ON o.id = fv.order_id"
		" WHERE o.person_id = $1 AND fv.version > 0 AND fv.security_word_hash <> ''"
		" ORDER BY CASE WHEN fv.status = 'approved' THEN 1 ELSE 0 END DESC,"
		" fv.created_at DESC, fv.id DESC LIMIT 1", NL_PARAMS(NL_P_INT(person_id)));
	if (rc)
		return rc;
	rc = nl_store_step_row(s);
	if (rc == NL_OK) {
		*approved = nl_db_col_int64(s, SW_APPROVED) == 1;
		*order_no = nl_db_col_int64(s, SW_ORDER_NO);
		*hash = nl_store_col_dup(s, SW_SECURITY_WORD_HASH, &rc);
	}
	nl_db_finalize(s);
	return rc;
}

nl_err nl_store_esign_signature_person(nl_conn *c, int64_t signature_id, int64_t *person_id)
{
	nl_stmt *s;
	nl_err rc = nl_db_query(c, &s, "SELECT person_id FROM esign_signatures WHERE id = $1",
	                        NL_PARAMS(NL_P_INT(signature_id)));
	return rc ? rc : nl_store_one_int64(s, person_id);
}

nl_err nl_store_econsent_in_force_id(nl_conn *c, int64_t person_id, int64_t *id)
{
	nl_stmt *s;
	enum { IF_ID, IF_CHOICE };
	nl_err rc = nl_db_query(c, &s,
		"SELECT id, choice FROM econsents WHERE person_id = $1 ORDER BY id DESC LIMIT 1",
		NL_PARAMS(NL_P_INT(person_id)));
	if (rc)
		return rc;
	rc = nl_store_step_row(s);
	if (rc == NL_OK && strcmp(nl_db_col_text(s, IF_CHOICE), "accept") != 0)
		rc = NL_ERR_NOT_FOUND;
	if (rc == NL_OK)
		*id = nl_db_col_int64(s, IF_ID);
	nl_db_finalize(s);
	return rc;
}
