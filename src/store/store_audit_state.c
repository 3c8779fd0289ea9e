/* The rows the audit trail binds: which columns are an entity's state, the
 * digest of a row's state, the check of every row against its latest record,
 * and the baseline records for rows older than state digests (docs/audit.md).
 *
 * The state columns are what a change of the entity is about, so a direct
 * edit of any of them is a change nobody recorded. Left out, on purpose,
 * are columns that legitimately change without an audit record:
 *   orders        access_password_hash (a credential, reset by the notifier),
 *                 created_at, updated_at
 *   certificates  publish (the holder's directory choice), status_version
 *                 (the OCSP answers' version; moves with each recorded status
 *                 change), created_at, updated_at
 * payments and econsents are never updated: every column is state. */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "store/store_audit_state.h"
#include "store/store_util.h"

struct state_spec {
	const char *entity;   /* audit_log.entity */
	const char *select;   /* the state columns, id first, then FROM the table */
	const char *types;    /* one letter per column: i int, b bool, t text, x blob */
	/* The letters records were written with before migration 0019, when
	 * they were wrong; NULL when they never were (see the certificate). */
	const char *legacy_types;
};

static const struct state_spec specs[] = {
	{"order",
	 "SELECT id, order_no, person_id, institution_id, reason, payment_type, backup_cert,"
	 " status, cancel_reason FROM orders",
	 "iiiittbtt", NULL},
	{"payment",
	 "SELECT id, order_id, amount_kurus, channel, external_ref, pos_session_id, import_id,"
	 " paid_on, actor, recorded_at FROM payments",
	 "iiittiitti", NULL},
	{"certificate",
	 "SELECT id, serial, kind, subject, common_name, email, id_number, institution_id,"
	 " order_id, not_before, not_after, status, revoked_at, reason, der FROM certificates",
	 "ittttttiiiitiix",
	 /* Up to migration 0019 one letter too many, shifted from
	  * institution_id on: status and der were read as integers (0), so an
	  * edit of only them went unseen. Kept to recognise those digests. */
	 "itttttttiiiitiix"},
	{"consent",
	 "SELECT id, person_id, text_id, choice, signature_id, created_at FROM econsents",
	 "iiitii", NULL},
};
#define N_SPECS (sizeof specs / sizeof specs[0])
/* Every select of specs starts with the row's id; the other columns are read
 * by position through their type letters (row_digest). */
enum { ST_ID };

static const struct state_spec *spec_of(const char *entity)
{
	for (size_t i = 0; entity && i < N_SPECS; i++)
		if (!strcmp(specs[i].entity, entity))
			return &specs[i];
	return NULL;
}

bool nl_store_audit_binds(const char *entity)
{
	return spec_of(entity) != NULL;
}

/* The number of columns of a spec's select list. */
static size_t select_columns(const char *select)
{
	size_t n = 1;
	const char *end = strstr(select, " FROM ");
	for (const char *p = select; p < end; p++)
		n += *p == ',';
	return n;
}

/* The digest of the current row of s (selected by spec->select), its
 * columns read by the letters of types. Letters and columns must agree:
 * the mistake migration 0019 mends is refused from now on. */
static NL_MUST_USE nl_err row_digest(const struct state_spec *sp, const char *types, nl_stmt *s,
                                     nl_buf *enc, uint8_t out[NL_AUDIT_HASH_LEN])
{
	if (types == sp->types && strlen(types) != select_columns(sp->select))
		return NL_ERR_INTERNAL;
	nl_buf_reset(enc);
	for (int i = 0; types[i]; i++) {
		if (nl_db_col_is_null(s, i)) {
			nl_audit_enc_null(enc);
			continue;
		}
		switch (types[i]) {
		case 'i':
			nl_audit_enc_int(enc, nl_db_col_int64(s, i));
			break;
		case 'b':
			nl_audit_enc_int(enc, nl_db_col_bool(s, i) ? 1 : 0);
			break;
		case 't': {
			const char *t = nl_db_col_text(s, i);
			nl_audit_enc_bytes(enc, t, strlen(t));
			break;
		}
		default: {
			size_t n = 0;
			const void *p = nl_db_col_blob(s, i, &n);
			nl_audit_enc_bytes(enc, p, p ? n : 0);
			break;
		}
		}
	}
	if (enc->oom)
		return NL_ERR_NOMEM;
	nl_audit_state_hash(sp->entity, enc, out);
	return NL_OK;
}

static NL_MUST_USE nl_err row_state(nl_conn *c, const char *entity, int64_t id, bool legacy,
                                    uint8_t out[NL_AUDIT_HASH_LEN], bool *found)
{
	const struct state_spec *sp = spec_of(entity);
	char sql[400];
	nl_stmt *s;
	nl_buf enc = NL_BUF_INIT;
	*found = false;
	if (!sp || (legacy && !sp->legacy_types))
		return NL_OK;
	snprintf(sql, sizeof sql, "%s WHERE id = $1", sp->select);
	nl_err rc = nl_db_query(c, &s, sql, NL_PARAMS(NL_P_INT(id)));
	if (rc != NL_OK)
		return rc;
	rc = nl_store_step_row(s);
	if (rc == NL_OK)
		rc = row_digest(sp, legacy ? sp->legacy_types : sp->types, s, &enc, out);
	nl_db_finalize(s);
	nl_buf_free(&enc);
	*found = rc == NL_OK;
	return rc == NL_ERR_NOT_FOUND ? NL_OK : rc;
}

nl_err nl_store_audit_row_state(nl_conn *c, const char *entity, int64_t id,
                                uint8_t out[NL_AUDIT_HASH_LEN], bool *found)
{
	return row_state(c, entity, id, false, out, found);
}

nl_err nl_store_audit_row_state_legacy(nl_conn *c, const char *entity, int64_t id,
                                       uint8_t out[NL_AUDIT_HASH_LEN], bool *found)
{
	return row_state(c, entity, id, true, out, found);
}

/* The latest state-bound record of each row of one entity, by entity_id. */
struct bound {
	int64_t entity_id, seq;
	uint8_t state[NL_AUDIT_HASH_LEN];
	bool seen;            /* the row exists */
};

static NL_MUST_USE nl_err load_bound(nl_conn *c, const char *entity, struct bound **out, size_t *n)
{
	nl_stmt *s;
	size_t cap = 0;
	*out = NULL;
	*n = 0;
	enum { B_ENTITY_ID, B_SEQ, B_STATE_HASH };
	nl_err rc = nl_db_query(c, &s,
		"SELECT entity_id, seq, state_hash FROM audit_log WHERE entity = $1"
		" AND state_hash IS NOT NULL ORDER BY entity_id, seq",
		NL_PARAMS(NL_P_TEXT(entity)));
	if (rc != NL_OK)
		return rc;
	while ((rc = nl_store_step_row(s)) == NL_OK) {
		int64_t id = nl_db_col_int64(s, B_ENTITY_ID);
		size_t len = 0;
		const void *h = nl_db_col_blob(s, B_STATE_HASH, &len);
		if (*n == 0 || (*out)[*n - 1].entity_id != id) {
			if (*n == cap) {
				cap = cap ? 2 * cap : 64;
				struct bound *nb = realloc(*out, cap * sizeof *nb);
				if (!nb) {
					rc = NL_ERR_NOMEM;
					break;
				}
				*out = nb;
			}
			(*n)++;
		}
		struct bound *b = &(*out)[*n - 1];
		b->entity_id = id;
		b->seq = nl_db_col_int64(s, B_SEQ);
		b->seen = false;
		/* A malformed digest matches no row: the row is reported changed. */
		memset(b->state, 0, sizeof b->state);
		if (h && len == NL_AUDIT_HASH_LEN)
			memcpy(b->state, h, len);
	}
	nl_db_finalize(s);
	if (rc == NL_ERR_NOT_FOUND)
		return NL_OK;
	free(*out);
	*out = NULL;
	*n = 0;
	return rc;
}

static struct bound *find_bound(struct bound *b, size_t n, int64_t id)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (b[mid].entity_id == id)
			return &b[mid];
		if (b[mid].entity_id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* Keeps the finding that names the earliest record; rows without any record
 * (seq 0) come after every record. */
static void note(struct nl_audit_finding *f, enum nl_audit_problem p, int64_t seq,
                 const char *entity, int64_t id)
{
	f->problems++;
	bool better = f->problem == NL_AUDIT_OK ||
	              (seq && (!f->seq || seq < f->seq));
	if (!better)
		return;
	f->problem = p;
	f->seq = seq;
	f->entity = entity;
	f->entity_id = id;
}

static NL_MUST_USE nl_err check_entity(nl_conn *c, const struct state_spec *sp, struct nl_audit_finding *f)
{
	struct bound *b = NULL;
	size_t n = 0;
	nl_buf enc = NL_BUF_INIT;
	nl_stmt *s = NULL;
	char sql[400];
	nl_err rc = load_bound(c, sp->entity, &b, &n);
	if (rc != NL_OK)
		goto out;
	snprintf(sql, sizeof sql, "%s ORDER BY id", sp->select);
	if ((rc = nl_db_query(c, &s, sql, NL_NO_PARAMS)) != NL_OK)
		goto out;
	while ((rc = nl_store_step_row(s)) == NL_OK) {
		int64_t id = nl_db_col_int64(s, ST_ID);
		uint8_t h[NL_AUDIT_HASH_LEN];
		if ((rc = row_digest(sp, sp->types, s, &enc, h)) != NL_OK)
			break;
		struct bound *r = find_bound(b, n, id);
		if (!r) {
			note(f, NL_AUDIT_ROW_UNRECORDED, 0, sp->entity, id);
			continue;
		}
		r->seen = true;
		if (sodium_memcmp(r->state, h, sizeof h) != 0)
			note(f, NL_AUDIT_ROW_CHANGED, r->seq, sp->entity, id);
	}
	nl_db_finalize(s);
	if (rc != NL_ERR_NOT_FOUND)
		goto out;
	rc = NL_OK;
	for (size_t i = 0; i < n; i++)
		if (!b[i].seen)
			note(f, NL_AUDIT_ROW_DELETED, b[i].seq, sp->entity, b[i].entity_id);
out:
	free(b);
	nl_buf_free(&enc);
	return rc;
}

nl_err nl_store_audit_check_rows(nl_conn *c, struct nl_audit_finding *f)
{
	nl_err rc = NL_OK;
	for (size_t i = 0; i < N_SPECS && rc == NL_OK; i++)
		rc = check_entity(c, &specs[i], f);
	return rc;
}

size_t nl_store_audit_entity_count(void)
{
	return N_SPECS;
}

const char *nl_store_audit_entity(size_t i)
{
	return i < N_SPECS ? specs[i].entity : NULL;
}

static NL_MUST_USE nl_err push_id(int64_t **ids, size_t *n, size_t *cap, int64_t id)
{
	if (*n == *cap) {
		size_t nc = *cap ? 2 * *cap : 64;
		int64_t *ni = realloc(*ids, nc * sizeof *ni);
		if (!ni)
			return NL_ERR_NOMEM;
		*ids = ni;
		*cap = nc;
	}
	(*ids)[(*n)++] = id;
	return NL_OK;
}

nl_err nl_store_audit_stale_ids(nl_conn *c, const char *entity, enum nl_audit_stale which,
                                int64_t **ids, size_t *n)
{
	const struct state_spec *sp = spec_of(entity);
	struct bound *b = NULL;
	size_t nb = 0, cap = 0;
	nl_stmt *s = NULL;
	nl_buf enc = NL_BUF_INIT;
	char sql[400];
	*ids = NULL;
	*n = 0;
	if (!sp || (which == NL_AUDIT_STALE_LEGACY && !sp->legacy_types))
		return NL_OK;
	nl_err rc = load_bound(c, sp->entity, &b, &nb);
	if (rc != NL_OK)
		return rc;
	snprintf(sql, sizeof sql, "%s ORDER BY id", sp->select);
	if ((rc = nl_db_query(c, &s, sql, NL_NO_PARAMS)) != NL_OK)
		goto out;
	while ((rc = nl_store_step_row(s)) == NL_OK) {
		int64_t id = nl_db_col_int64(s, ST_ID);
		struct bound *r = find_bound(b, nb, id);
		if (which == NL_AUDIT_STALE_UNBOUND) {
			if (!r && (rc = push_id(ids, n, &cap, id)) != NL_OK)
				break;
			continue;
		}
		/* Legacy: the latest record holds the digest the wrong letters
		 * gave this very row, and not the right one. */
		uint8_t now[NL_AUDIT_HASH_LEN], old[NL_AUDIT_HASH_LEN];
		if (!r)
			continue;
		if ((rc = row_digest(sp, sp->types, s, &enc, now)) != NL_OK ||
		    (rc = row_digest(sp, sp->legacy_types, s, &enc, old)) != NL_OK)
			break;
		if (sodium_memcmp(r->state, now, sizeof now) != 0 &&
		    sodium_memcmp(r->state, old, sizeof old) == 0 &&
		    (rc = push_id(ids, n, &cap, id)) != NL_OK)
			break;
	}
	nl_db_finalize(s);
	if (rc == NL_ERR_NOT_FOUND)
		rc = NL_OK;
out:
	free(b);
	nl_buf_free(&enc);
	if (rc != NL_OK) {
		free(*ids);
		*ids = NULL;
		*n = 0;
	}
	return rc;
}
