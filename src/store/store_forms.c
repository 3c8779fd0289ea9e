/* Application form versions and SMS codes (store_forms.h). One SQL text for
 * both engines. */
#include <stdlib.h>
#include <string.h>

#include "store/store_esign.h"
#include "store/store_forms.h"
#include "store/store_util.h"

static const char *const form_status_codes[] = {
	[NL_FORM_DRAFT] = "draft",
	[NL_FORM_SUBMITTED] = "submitted",
	[NL_FORM_SMS_CONFIRMED] = "sms_confirmed",
	[NL_FORM_SUPERSEDED] = "superseded",
	[NL_FORM_APPROVED] = "approved",
};
static const char *const sms_status_codes[] = {
	[NL_SMS_ACTIVE] = "active",
	[NL_SMS_USED] = "used",
	[NL_SMS_REPLACED] = "replaced",
	[NL_SMS_LOCKED] = "locked",
};
#define N_FORM_STATUS (sizeof form_status_codes / sizeof form_status_codes[0])
#define N_SMS_STATUS (sizeof sms_status_codes / sizeof sms_status_codes[0])

const char *nl_form_status_code(enum nl_form_status s)
{
	return (size_t)s < N_FORM_STATUS ? form_status_codes[s] : NULL;
}

bool nl_form_status_parse(const char *code, enum nl_form_status *out)
{
	for (size_t i = 1; code && i < N_FORM_STATUS; i++)
		if (!strcmp(code, form_status_codes[i])) {
			*out = (enum nl_form_status)i;
			return true;
		}
	return false;
}

static bool sms_status_parse(const char *code, enum nl_sms_code_status *out)
{
	for (size_t i = 1; code && i < N_SMS_STATUS; i++)
		if (!strcmp(code, sms_status_codes[i])) {
			*out = (enum nl_sms_code_status)i;
			return true;
		}
	return false;
}

void nl_form_clear(struct nl_form *f)
{
	if (!f)
		return;
	free(f->strings);
	memset(f, 0, sizeof *f);
}

#define COLS "id, order_id, version, status, period_years, card_reader, publish, reason," \
             " security_word_hash, email, mobile, operator, home_phone, info_channel,"    \
             " inst_registry_no, unit, title, work_phone, extension, address_type,"       \
             " address, province, district, postal_code, delivery_method,"                \
             " approval_method, created_at, updated_at, sms_confirmed_at"
/* Its columns, in order. */
enum { C_ID, C_ORDER_ID, C_VERSION, C_STATUS, C_PERIOD_YEARS, C_CARD_READER, C_PUBLISH, C_REASON,
	C_SECURITY_WORD_HASH, C_EMAIL, C_MOBILE, C_OPERATOR, C_HOME_PHONE, C_INFO_CHANNEL,
	C_INST_REGISTRY_NO, C_UNIT, C_TITLE, C_WORK_PHONE, C_EXTENSION, C_ADDRESS_TYPE, C_ADDRESS,
	C_PROVINCE, C_DISTRICT, C_POSTAL_CODE, C_DELIVERY_METHOD, C_APPROVAL_METHOD, C_CREATED_AT,
	C_UPDATED_AT, C_SMS_CONFIRMED_AT };

/* Points the text columns into one block (f->strings); a NULL column stays
 * NULL. */
static NL_MUST_USE nl_err read_texts(nl_stmt *s, struct nl_form *f)
{
	const struct { int col; const char **to; } t[] = {
		{C_CARD_READER, &f->card_reader}, {C_PUBLISH, &f->publish},
		{C_REASON, &f->reason}, {C_SECURITY_WORD_HASH, &f->security_word_hash},
		{C_EMAIL, &f->email}, {C_MOBILE, &f->mobile}, {C_OPERATOR, &f->operator_name},
		{C_HOME_PHONE, &f->home_phone}, {C_INFO_CHANNEL, &f->info_channel},
		{C_INST_REGISTRY_NO, &f->inst_registry_no}, {C_UNIT, &f->unit},
		{C_TITLE, &f->title}, {C_WORK_PHONE, &f->work_phone},
		{C_EXTENSION, &f->extension}, {C_ADDRESS_TYPE, &f->address_type},
		{C_ADDRESS, &f->address}, {C_DISTRICT, &f->district},
		{C_POSTAL_CODE, &f->postal_code}, {C_DELIVERY_METHOD, &f->delivery_method},
		{C_APPROVAL_METHOD, &f->approval_method},
	};
	enum { N = sizeof t / sizeof t[0] };
	size_t len[N], total = 0;
	for (size_t i = 0; i < N; i++) {
		len[i] = nl_db_col_is_null(s, t[i].col) ? 0 : strlen(nl_db_col_text(s, t[i].col)) + 1;
		total += len[i];
	}
	if (!(f->strings = malloc(total ? total : 1)))
		return NL_ERR_NOMEM;
	char *p = f->strings;
	for (size_t i = 0; i < N; i++) {
		if (!len[i])
			continue;
		memcpy(p, nl_db_col_text(s, t[i].col), len[i]);
		*t[i].to = p;
		p += len[i];
	}
	return NL_OK;
}

static NL_MUST_USE nl_err read_form(nl_stmt *s, struct nl_form *f)
{
	nl_err rc = NL_OK;
	memset(f, 0, sizeof *f);
	f->id = nl_db_col_int64(s, C_ID);
	f->order_id = nl_db_col_int64(s, C_ORDER_ID);
	f->version = nl_db_col_int64(s, C_VERSION);
	if (!nl_form_status_parse(nl_db_col_text(s, C_STATUS), &f->status))
		rc = NL_ERR_DB;
	f->period_years = nl_db_col_int64(s, C_PERIOD_YEARS);
	f->province = nl_db_col_int64(s, C_PROVINCE);
	f->created_at = nl_db_col_int64(s, C_CREATED_AT);
	f->updated_at = nl_db_col_int64(s, C_UPDATED_AT);
	f->sms_confirmed_at = nl_db_col_int64(s, C_SMS_CONFIRMED_AT);
	if (rc == NL_OK)
		rc = read_texts(s, f);
	if (rc != NL_OK)
		nl_form_clear(f);
	return rc;
}

static NL_MUST_USE nl_err get_one(nl_stmt *s, struct nl_form *out)
{
	nl_err rc = nl_store_step_row(s);
	if (rc == NL_OK)
		rc = read_form(s, out);
	nl_db_finalize(s);
	return rc;
}

static const char *nz(const char *s)
{
	return s ? s : "";
}

/* Inserts f's entries with the given version and status; *id gets the row's. */
static NL_MUST_USE nl_err insert_form(nl_conn *c, const struct nl_form *f, int64_t version,
                          enum nl_form_status status, int64_t now, int64_t *id)
{
	nl_stmt *s;
	nl_err rc = nl_db_query(c, &s,
		"INSERT INTO form_versions (order_id, version, status, period_years, card_reader,"
		" publish, reason, security_word_hash, email, mobile, operator, home_phone,"
		" info_channel, inst_registry_no, unit, title, work_phone, extension, address_type,"
		" address, province, district, postal_code, delivery_method, approval_method,"
		" created_at, updated_at)"
		" VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16,"
		" $17, $18, $19, $20, $21, $22, $23, $24, '', $25, $25) RETURNING id",
		NL_PARAMS(NL_P_INT(f->order_id), NL_P_INT(version),
		NL_P_TEXT(nl_form_status_code(status)), NL_P_INT(f->period_years),
		NL_P_TEXT(nz(f->card_reader)), NL_P_TEXT(nz(f->publish)), NL_P_TEXT(nz(f->reason)),
		NL_P_TEXT(nz(f->security_word_hash)), NL_P_TEXT(nz(f->email)),
		NL_P_TEXT(nz(f->mobile)), NL_P_TEXT(nz(f->operator_name)),
		NL_P_TEXT(nz(f->home_phone)), NL_P_TEXT(nz(f->info_channel)),
		NL_P_TEXT(nz(f->inst_registry_no)), NL_P_TEXT(nz(f->unit)), NL_P_TEXT(nz(f->title)),
		NL_P_TEXT(nz(f->work_phone)), NL_P_TEXT(nz(f->extension)),
		NL_P_TEXT(nz(f->address_type)), NL_P_TEXT(nz(f->address)), NL_P_INT(f->province),
		NL_P_TEXT(nz(f->district)), NL_P_TEXT(nz(f->postal_code)),
		NL_P_TEXT(nz(f->delivery_method)), NL_P_INT(now)));
	if (rc != NL_OK)
		return rc;
	rc = nl_store_one_int64(s, id);
	return rc == NL_ERR_NOT_FOUND ? NL_ERR_DB : rc;
}

static NL_MUST_USE nl_err delete_draft(nl_conn *c, int64_t order_id)
{
	nl_stmt *s;
	nl_err rc = nl_db_query(c, &s,
		"DELETE FROM form_versions WHERE order_id = $1 AND status = 'draft'",
		NL_PARAMS(NL_P_INT(order_id)));
	return rc == NL_OK ? nl_store_exec_stmt(s, NULL) : rc;
}

struct draft_ctx {
	const struct nl_form *f;
	int64_t now;
	int64_t id;
};

static NL_MUST_USE nl_err save_draft_tx(nl_conn *c, void *arg)
{
	struct draft_ctx *d = arg;
	nl_err rc = delete_draft(c, d->f->order_id);
	return rc == NL_OK ? insert_form(c, d->f, 0, NL_FORM_DRAFT, d->now, &d->id) : rc;
}

nl_err nl_store_form_save_draft(nl_conn *c, const struct nl_form *f, int64_t now,
                                struct nl_form_saved *out)
{
	if (!f->order_id)
		return NL_ERR_INVALID;
	struct draft_ctx d = {f, now, 0};
	nl_err rc = nl_store_run_tx(nl_db_of(c), save_draft_tx, &d);
	if (rc == NL_OK && out)
		*out = (struct nl_form_saved){.id = d.id, .version = 0, .superseded = 0};
	return rc;
}

nl_err nl_store_form_get_draft(nl_conn *c, int64_t order_id, struct nl_form *out)
{
	nl_stmt *s;
	memset(out, 0, sizeof *out);
	nl_err rc = nl_db_query(c, &s, "SELECT " COLS " FROM form_versions"
		" WHERE order_id = $1 AND status = 'draft'", NL_PARAMS(NL_P_INT(order_id)));
	return rc == NL_OK ? get_one(s, out) : rc;
}

nl_err nl_store_form_submit(nl_conn *c, const struct nl_form *f, int64_t now,
                            struct nl_form_saved *out)
{
	nl_stmt *s;
	int64_t next = 0, changed = 0, id = 0;
	if (!f->order_id)
		return NL_ERR_INVALID;
	nl_err rc = nl_db_query(c, &s, "SELECT COALESCE(MAX(version), 0) + 1 FROM form_versions"
		" WHERE order_id = $1", NL_PARAMS(NL_P_INT(f->order_id)));
	if (rc != NL_OK)
		return rc;
	rc = nl_store_one_int64(s, &next);
	if (rc != NL_OK)
		return rc == NL_ERR_NOT_FOUND ? NL_ERR_DB : rc;
	rc = nl_db_query(c, &s, "UPDATE form_versions SET status = 'superseded', updated_at = $2"
		" WHERE order_id = $1 AND status IN ('submitted', 'sms_confirmed', 'approved')",
		NL_PARAMS(NL_P_INT(f->order_id), NL_P_INT(now)));
	if (rc == NL_OK)
		rc = nl_store_exec_stmt(s, &changed);
	if (rc == NL_OK)
		rc = delete_draft(c, f->order_id);
	if (rc == NL_OK)
		rc = insert_form(c, f, next, NL_FORM_SUBMITTED, now, &id);
	if (rc == NL_OK && out)
		*out = (struct nl_form_saved){.id = id, .version = next, .superseded = changed};
	return rc;
}

nl_err nl_store_form_current(nl_conn *c, int64_t order_id, struct nl_form *out)
{
	nl_stmt *s;
	memset(out, 0, sizeof *out);
	nl_err rc = nl_db_query(c, &s, "SELECT " COLS " FROM form_versions"
		" WHERE order_id = $1 AND version > 0 AND status <> 'superseded'"
		" ORDER BY version DESC LIMIT 1", NL_PARAMS(NL_P_INT(order_id)));
	return rc == NL_OK ? get_one(s, out) : rc;
}

nl_err nl_store_form_get(nl_conn *c, int64_t id, struct nl_form *out)
{
	nl_stmt *s;
	memset(out, 0, sizeof *out);
	nl_err rc = nl_db_query(c, &s, "SELECT " COLS " FROM form_versions WHERE id = $1",
	                        NL_PARAMS(NL_P_INT(id)));
	return rc == NL_OK ? get_one(s, out) : rc;
}

nl_err nl_store_form_count(nl_conn *c, int64_t order_id, int64_t *n)
{
	nl_stmt *s;
	*n = 0;
	nl_err rc = nl_db_query(c, &s, "SELECT COUNT(*) FROM form_versions"
		" WHERE order_id = $1 AND version > 0", NL_PARAMS(NL_P_INT(order_id)));
	return rc ? rc : nl_store_one_int64(s, n);
}

nl_err nl_store_form_set_status(nl_conn *c, int64_t id, enum nl_form_status from,
                                enum nl_form_status to, int64_t now)
{
	nl_stmt *s;
	int64_t changed = 0;
	if (!nl_form_status_code(from) || !nl_form_status_code(to))
		return NL_ERR_INVALID;
	nl_err rc = nl_db_query(c, &s, "UPDATE form_versions SET status = $3, updated_at = $4,"
		" sms_confirmed_at = CASE WHEN $3 = 'sms_confirmed' THEN $4 ELSE sms_confirmed_at END"
		" WHERE id = $1 AND status = $2",
		NL_PARAMS(NL_P_INT(id), NL_P_TEXT(nl_form_status_code(from)),
		NL_P_TEXT(nl_form_status_code(to)), NL_P_INT(now)));
	if (rc == NL_OK)
		rc = nl_store_exec_stmt(s, &changed);
	return rc == NL_OK && changed != 1 ? NL_ERR_CONFLICT : rc;
}

nl_err nl_store_form_lock(nl_conn *c, int64_t id)
{
	nl_stmt *s;
	int64_t changed = 0;
	nl_err rc = nl_db_query(c, &s, "UPDATE form_versions SET updated_at = updated_at"
		" WHERE id = $1", NL_PARAMS(NL_P_INT(id)));
	if (rc == NL_OK)
		rc = nl_store_exec_stmt(s, &changed);
	return rc == NL_OK && changed != 1 ? NL_ERR_NOT_FOUND : rc;
}

nl_err nl_store_form_set_approval_method(nl_conn *c, int64_t id, const char *method,
                                         int64_t now)
{
	nl_stmt *s;
	int64_t changed = 0;
	nl_err rc = nl_db_query(c, &s, "UPDATE form_versions SET approval_method = $2,"
		" updated_at = $3 WHERE id = $1 AND status = 'sms_confirmed'",
		NL_PARAMS(NL_P_INT(id), NL_P_TEXT(nz(method)), NL_P_INT(now)));
	if (rc == NL_OK)
		rc = nl_store_exec_stmt(s, &changed);
	return rc == NL_OK && changed != 1 ? NL_ERR_CONFLICT : rc;
}

/* ---- SMS codes ---- */

nl_err nl_store_sms_count_order(nl_conn *c, int64_t order_id, int64_t since, int64_t *n)
{
	nl_stmt *s;
	*n = 0;
	nl_err rc = nl_db_query(c, &s, "SELECT COUNT(*) FROM sms_codes"
		" WHERE order_id = $1 AND sent_at >= $2",
		NL_PARAMS(NL_P_INT(order_id), NL_P_INT(since)));
	return rc == NL_OK ? nl_store_one_int64(s, n) : rc;
}

nl_err nl_store_sms_count_mobile(nl_conn *c, const char *mobile, int64_t since, int64_t *n)
{
	nl_stmt *s;
	*n = 0;
	nl_err rc = nl_db_query(c, &s, "SELECT COUNT(*) FROM sms_codes"
		" WHERE mobile = $1 AND sent_at >= $2",
		NL_PARAMS(NL_P_TEXT(mobile), NL_P_INT(since)));
	return rc == NL_OK ? nl_store_one_int64(s, n) : rc;
}

nl_err nl_store_sms_insert(nl_conn *c, struct nl_sms_code *code)
{
	nl_stmt *s;
	nl_err rc = nl_db_query(c, &s, "UPDATE sms_codes SET status = 'replaced'"
		" WHERE order_id = $1 AND status = 'active'", NL_PARAMS(NL_P_INT(code->order_id)));
	if (rc == NL_OK)
		rc = nl_store_exec_stmt(s, NULL);
	if (rc != NL_OK)
		return rc;
	rc = nl_db_query(c, &s, "INSERT INTO sms_codes (order_id, form_version_id, mobile,"
		" code_hash, sent_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
		NL_PARAMS(NL_P_INT(code->order_id), NL_P_INT(code->form_version_id),
		NL_P_TEXT(code->mobile), NL_P_TEXT(code->code_hash), NL_P_INT(code->sent_at),
		NL_P_INT(code->expires_at)));
	if (rc != NL_OK)
		return rc;
	rc = nl_store_one_int64(s, &code->id);
	if (rc != NL_OK)
		return rc == NL_ERR_NOT_FOUND ? NL_ERR_DB : rc;
	code->tries = 0;
	code->status = NL_SMS_ACTIVE;
	code->used_at = 0;
	return NL_OK;
}

nl_err nl_store_sms_latest(nl_conn *c, int64_t form_version_id, struct nl_sms_code *out)
{
	nl_stmt *s;
	memset(out, 0, sizeof *out);
	enum { S_ID, S_ORDER_ID, S_FORM_VERSION_ID, S_MOBILE, S_CODE_HASH, S_SENT_AT, S_EXPIRES_AT,
		S_TRIES, S_STATUS, S_USED_AT };
	nl_err rc = nl_db_query(c, &s, "SELECT id, order_id, form_version_id, mobile,"
		" code_hash, sent_at, expires_at, tries, status, used_at FROM sms_codes"
		" WHERE form_version_id = $1 ORDER BY id DESC LIMIT 1",
		NL_PARAMS(NL_P_INT(form_version_id)));
	if (rc != NL_OK)
		return rc;
	if ((rc = nl_store_step_row(s)) == NL_OK) {
		out->id = nl_db_col_int64(s, S_ID);
		out->order_id = nl_db_col_int64(s, S_ORDER_ID);
		out->form_version_id = nl_db_col_int64(s, S_FORM_VERSION_ID);
		nl_store_col_copy(s, S_MOBILE, out->mobile, sizeof out->mobile);
		nl_store_col_copy(s, S_CODE_HASH, out->code_hash, sizeof out->code_hash);
		out->sent_at = nl_db_col_int64(s, S_SENT_AT);
		out->expires_at = nl_db_col_int64(s, S_EXPIRES_AT);
		out->tries = nl_db_col_int64(s, S_TRIES);
		if (!sms_status_parse(nl_db_col_text(s, S_STATUS), &out->status))
			rc = NL_ERR_DB;
		out->used_at = nl_db_col_int64(s, S_USED_AT);
	}
	nl_db_finalize(s);
	return rc;
}

nl_err nl_store_sms_update(nl_conn *c, int64_t id, int64_t expected_tries, int64_t tries,
                           enum nl_sms_code_status status, int64_t used_at)
{
	nl_stmt *s;
	int64_t changed = 0;
	if ((size_t)status >= N_SMS_STATUS || !sms_status_codes[status])
		return NL_ERR_INVALID;
	nl_err rc = nl_db_query(c, &s, "UPDATE sms_codes SET tries = $2, status = $3,"
		" used_at = $4 WHERE id = $1 AND status = 'active' AND tries = $5",
		NL_PARAMS(NL_P_INT(id), NL_P_INT(tries), NL_P_TEXT(sms_status_codes[status]),
		NL_P_REF(used_at), NL_P_INT(expected_tries)));
	if (rc == NL_OK)
		rc = nl_store_exec_stmt(s, &changed);
	return rc == NL_OK && changed != 1 ? NL_ERR_CONFLICT : rc;
}

nl_err nl_store_econsent_in_force(nl_conn *c, int64_t person_id, bool *in_force)
{
	/* The newest signed choice decides (migration 0007, store_esign.c). */
	char choice[16];
	nl_err rc = nl_store_econsent_current(c, person_id, choice, NULL, NULL);
	*in_force = rc == NL_OK && !strcmp(choice, "accept");
	return rc;
}
