/* The durable outbox (store_outbox.h). One SQL text for both engines except
 * the claim, where PostgreSQL skips rows other workers hold locked. */
#include "store/store_nodes.h"
#include "store/store_outbox.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <stdio.h>

#include <sodium.h>

#include "store/store_util.h"

static const char *const channel_codes[] = {[NL_OUTBOX_MAIL] = "mail", [NL_OUTBOX_SMS] = "sms"};
static const char *const status_codes[] = {
	[NL_OUTBOX_PENDING] = "pending", [NL_OUTBOX_SENDING] = "sending",
	[NL_OUTBOX_SENT] = "sent", [NL_OUTBOX_FAILED] = "failed",
};

const char *nl_outbox_channel_code(enum nl_outbox_channel c)
{
	return c >= NL_OUTBOX_MAIL && c <= NL_OUTBOX_SMS ? channel_codes[c] : NULL;
}

const char *nl_outbox_status_code(enum nl_outbox_status s)
{
	return s >= NL_OUTBOX_PENDING && s <= NL_OUTBOX_FAILED ? status_codes[s] : NULL;
}

bool nl_outbox_channel_parse(const char *code, enum nl_outbox_channel *out)
{
	for (int c = NL_OUTBOX_MAIL; c <= NL_OUTBOX_SMS; c++) {
		if (code && strcmp(code, channel_codes[c]) == 0) {
			*out = (enum nl_outbox_channel)c;
			return true;
		}
	}
	return false;
}

bool nl_outbox_status_parse(const char *code, enum nl_outbox_status *out)
{
	for (int s = NL_OUTBOX_PENDING; s <= NL_OUTBOX_FAILED; s++) {
		if (code && strcmp(code, status_codes[s]) == 0) {
			*out = (enum nl_outbox_status)s;
			return true;
		}
	}
	return false;
}

void nl_outbox_policy_defaults(struct nl_outbox_policy *p)
{
	p->max_attempts = 8;
	p->backoff_base_s = 30;
	p->backoff_max_s = 3600;
	p->lease_s = 300;
	p->batch = 20;
	p->node_id[0] = '\0';
}

static bool parse_i64(const char *v, int64_t min, int64_t max, int64_t *out)
{
	char *end = NULL;
	errno = 0;
	long long n = strtoll(v, &end, 10);
	if (errno || end == v || *end || n < min || n > max)
		return false;
	*out = n;
	return true;
}

nl_err nl_outbox_policy_set(struct nl_outbox_policy *p, const char *key, const char *value)
{
	int64_t v;
	if (strcmp(key, "max_attempts") == 0) {
		if (!parse_i64(value, 1, 100, &v))
			return NL_ERR_CONFIG;
		p->max_attempts = (int)v;
	} else if (strcmp(key, "backoff_base_s") == 0) {
		if (!parse_i64(value, 1, 86400, &p->backoff_base_s))
			return NL_ERR_CONFIG;
	} else if (strcmp(key, "backoff_max_s") == 0) {
		if (!parse_i64(value, 1, 7 * 86400, &p->backoff_max_s))
			return NL_ERR_CONFIG;
	} else if (strcmp(key, "lease_s") == 0) {
		if (!parse_i64(value, 10, 86400, &p->lease_s))
			return NL_ERR_CONFIG;
	} else if (strcmp(key, "batch") == 0) {
		if (!parse_i64(value, 1, 1000, &v))
			return NL_ERR_CONFIG;
		p->batch = (int)v;
	} else {
		return NL_ERR_NOT_FOUND;
	}
	return NL_OK;
}

int64_t nl_outbox_backoff(const struct nl_outbox_policy *p, int attempts, uint32_t rnd)
{
	int64_t step = p->backoff_base_s > 0 ? p->backoff_base_s : 1;
	int64_t cap = p->backoff_max_s > 0 ? p->backoff_max_s : step;
	/* Doubling stops at the cap, so large attempt counts cannot overflow. */
	for (int i = 1; i < attempts && step < cap; i++)
		step *= 2;
	if (step > cap)
		step = cap;
	int64_t half = step / 2;
	return (step - half) + (int64_t)(rnd % (uint64_t)(half + 1));
}

void nl_outbox_msg_free(struct nl_outbox_msg *m)
{
	if (!m)
		return;
	free(m->recipient);
	free(m->subject);
	free(m->body_text);
	free(m->body_html);
	free(m->last_error);
	memset(m, 0, sizeof *m);
}

void nl_outbox_list_free(struct nl_outbox_list *l)
{
	if (!l)
		return;
	for (size_t i = 0; i < l->n; i++)
		nl_outbox_msg_free(&l->items[i]);
	free(l->items);
	l->items = NULL;
	l->n = 0;
}

/* The columns every reader selects, in the order read_row expects. */
#define OUTBOX_COLS "id, channel, status, recipient, subject, body_text, body_html, " \
	"last_error, created_at, next_attempt_at, sent_at, order_id, attempts"
/* Its columns, in order. */
enum { OB_ID, OB_CHANNEL, OB_STATUS, OB_RECIPIENT, OB_SUBJECT, OB_BODY_TEXT, OB_BODY_HTML,
	OB_LAST_ERROR, OB_CREATED_AT, OB_NEXT_ATTEMPT_AT, OB_SENT_AT, OB_ORDER_ID, OB_ATTEMPTS };

/* One row of an OUTBOX_COLS query (nl_store_read_row); on failure nothing
 * stays allocated in it. */
static NL_MUST_USE nl_err read_row(nl_stmt *s, void *row)
{
	struct nl_outbox_msg *m = row;
	nl_err rc = NL_OK;
	memset(m, 0, sizeof *m);
	m->id = nl_db_col_int64(s, OB_ID);
	if (!nl_outbox_channel_parse(nl_db_col_text(s, OB_CHANNEL), &m->channel)
	    || !nl_outbox_status_parse(nl_db_col_text(s, OB_STATUS), &m->status))
		return NL_ERR_DB;
	m->recipient = nl_store_col_dup(s, OB_RECIPIENT, &rc);
	m->subject = nl_store_col_dup(s, OB_SUBJECT, &rc);
	m->body_text = nl_store_col_dup(s, OB_BODY_TEXT, &rc);
	m->body_html = nl_store_col_dup(s, OB_BODY_HTML, &rc);
	m->last_error = nl_store_col_dup(s, OB_LAST_ERROR, &rc);
	m->created_at = nl_db_col_int64(s, OB_CREATED_AT);
	m->next_attempt_at = nl_db_col_int64(s, OB_NEXT_ATTEMPT_AT);
	m->sent_at = nl_db_col_int64(s, OB_SENT_AT);
	m->order_id = nl_db_col_int64(s, OB_ORDER_ID);
	m->attempts = (int)nl_db_col_int64(s, OB_ATTEMPTS);
	/* recipient and body_text are NOT NULL columns: NULL here is a failed copy. */
	if (rc == NL_OK && (!m->recipient || !m->body_text || !m->subject))
		rc = NL_ERR_NOMEM;
	if (rc != NL_OK)
		nl_outbox_msg_free(m);
	return rc;
}

static void clear_row(void *row)
{
	nl_outbox_msg_free(row);
}

/* Steps s to the end, reading every row into the empty list out. Finalizes s. */
static NL_MUST_USE nl_err read_rows(nl_stmt *s, struct nl_outbox_list *out)
{
	void *items = NULL;
	nl_err rc = nl_store_rows(s, sizeof *out->items, read_row, clear_row, &items, &out->n);
	out->items = items;
	return rc;
}

nl_err nl_outbox_enqueue(nl_conn *c, const struct nl_outbox_new *m, int64_t now, int64_t *id)
{
	nl_stmt *s = NULL;
	const char *channel = nl_outbox_channel_code(m->channel);
	if (!channel || !m->recipient || !*m->recipient || !m->body_text)
		return NL_ERR_INVALID;
	if (m->channel == NL_OUTBOX_SMS && m->body_html)
		return NL_ERR_INVALID;
	nl_err rc = nl_db_query(c, &s,
		"INSERT INTO outbox (channel, recipient, subject, body_text, body_html, created_at,"
		" attempts, next_attempt_at, status, order_id)"
		" VALUES ($1, $2, $3, $4, $5, $6, 0, $6, 'pending', $7) RETURNING id",
		NL_PARAMS(NL_P_TEXT(channel), NL_P_TEXT(m->recipient),
		NL_P_TEXT(m->subject ? m->subject : ""), NL_P_TEXT(m->body_text),
		NL_P_TEXT(m->body_html), NL_P_INT(now), NL_P_REF((int64_t)m->order_id)));
	if (rc != NL_OK)
		return rc;
	rc = nl_store_step_row(s);
	if (rc == NL_OK && id)
		*id = nl_db_col_int64(s, 0);
	nl_db_finalize(s);
	return rc;
}

struct claim_ctx {
	const struct nl_outbox_policy *p;
	int64_t now;
	struct nl_outbox_list *out;
};

static const char claim_sqlite[] =
	"UPDATE outbox SET status = 'sending', attempts = attempts + 1, next_attempt_at = $2,"
	" claimed_by = $4"
	" WHERE id IN (SELECT id FROM outbox WHERE status IN ('pending', 'sending')"
	"  AND (next_attempt_at <= $1 OR (status = 'sending' AND claimed_by IN"
	"   (SELECT node_id FROM nodes WHERE seen_at < $5)))"
	"  ORDER BY next_attempt_at, id LIMIT $3)"
	" RETURNING " OUTBOX_COLS;

/* SKIP LOCKED: a row another worker is claiming right now is passed over, not
 * waited for, so N workers claim N disjoint batches in parallel. */
static const char claim_postgres[] =
	"UPDATE outbox SET status = 'sending', attempts = attempts + 1, next_attempt_at = $2,"
	" claimed_by = $4"
	" WHERE id IN (SELECT id FROM outbox WHERE status IN ('pending', 'sending')"
	"  AND (next_attempt_at <= $1 OR (status = 'sending' AND claimed_by IN"
	"   (SELECT node_id FROM nodes WHERE seen_at < $5)))"
	"  ORDER BY next_attempt_at, id LIMIT $3"
	"  FOR UPDATE SKIP LOCKED)"
	" RETURNING " OUTBOX_COLS;

static NL_MUST_USE nl_err claim_tx(nl_conn *c, void *arg)
{
	struct claim_ctx *x = arg;
	nl_stmt *s = NULL;
	/* A retried transaction starts from nothing: drop rows read by the
	 * attempt that was rolled back. */
	nl_outbox_list_free(x->out);
	const char *sql = nl_db_engine(nl_db_of(c)) == NL_DB_POSTGRES ? claim_postgres : claim_sqlite;
	nl_err rc = nl_db_query(c, &s, sql,
		NL_PARAMS(NL_P_INT(x->now), NL_P_INT((x->now + x->p->lease_s)),
		NL_P_INT(x->p->batch), NL_P_TEXT(x->p->node_id),
		NL_P_INT((x->now - NL_NODE_DEAD_S))));
	if (rc != NL_OK)
		return rc;
	return read_rows(s, x->out);
}

nl_err nl_outbox_claim(nl_db *db, const struct nl_outbox_policy *p, int64_t now,
	struct nl_outbox_list *out)
{
	struct claim_ctx x = {.p = p, .now = now, .out = out};
	out->items = NULL;
	out->n = 0;
	nl_err rc = nl_store_run_tx(db, claim_tx, &x);
	if (rc != NL_OK)
		nl_outbox_list_free(out);
	return rc;
}

nl_err nl_outbox_release_node(nl_db *db, const char *node_id, int64_t now, int64_t *n)
{
	nl_conn *c;
	nl_stmt *s = NULL;
	int64_t changes = 0;
	if (!node_id || !*node_id)
		return NL_ERR_INVALID;
	nl_err rc = nl_db_conn(db, &c);
	if (rc == NL_OK)
		rc = nl_db_query(c, &s,
			"UPDATE outbox SET next_attempt_at = $2"
			" WHERE status = 'sending' AND claimed_by = $1 AND next_attempt_at > $2",
			NL_PARAMS(NL_P_TEXT(node_id), NL_P_INT(now)));
	if (rc == NL_OK)
		rc = nl_store_exec_stmt(s, &changes);
	if (n)
		*n = changes;
	return rc;
}

struct sent_ctx {
	int64_t id, now, changes;
};

static NL_MUST_USE nl_err sent_tx(nl_conn *c, void *arg)
{
	struct sent_ctx *x = arg;
	nl_stmt *s = NULL;
	nl_err rc = nl_db_query(c, &s,
		"UPDATE outbox SET status = 'sent', sent_at = $2, last_error = NULL"
		" WHERE id = $1 AND status = 'sending'",
		NL_PARAMS(NL_P_INT(x->id), NL_P_INT(x->now)));
	if (rc != NL_OK)
		return rc;
	return nl_store_exec_stmt(s, &x->changes);
}

nl_err nl_outbox_mark_sent(nl_db *db, int64_t id, int64_t now)
{
	struct sent_ctx x = {.id = id, .now = now};
	nl_err rc = nl_store_run_tx(db, sent_tx, &x);
	if (rc == NL_OK && x.changes == 0)
		rc = NL_ERR_CONFLICT;
	return rc;
}

struct failed_ctx {
	const char *status;
	int64_t next_attempt_at;
	const char *error;
	int64_t id, attempts, changes;
};

/* Guarded by attempts as well: only the claim that made this attempt may
 * record its outcome, not a slow worker whose lease another worker took over. */
static NL_MUST_USE nl_err failed_tx(nl_conn *c, void *arg)
{
	struct failed_ctx *x = arg;
	nl_stmt *s = NULL;
	nl_err rc = nl_db_query(c, &s,
		"UPDATE outbox SET status = $1, next_attempt_at = $2, last_error = $3"
		" WHERE id = $4 AND status = 'sending' AND attempts = $5",
		NL_PARAMS(NL_P_TEXT(x->status), NL_P_INT(x->next_attempt_at), NL_P_TEXT(x->error),
		NL_P_INT(x->id), NL_P_INT(x->attempts)));
	if (rc != NL_OK)
		return rc;
	return nl_store_exec_stmt(s, &x->changes);
}

nl_err nl_outbox_mark_failed(nl_db *db, const struct nl_outbox_policy *p, int64_t id,
	int attempts, const char *error, bool permanent, int64_t now,
	enum nl_outbox_status *status)
{
	bool give_up = permanent || attempts >= p->max_attempts;
	enum nl_outbox_status next = give_up ? NL_OUTBOX_FAILED : NL_OUTBOX_PENDING;
	char err[512];
	snprintf(err, sizeof err, "%s", error && *error ? error : "unknown error");
	struct failed_ctx x = {
		.status = nl_outbox_status_code(next),
		.next_attempt_at = give_up ? now
			: now + nl_outbox_backoff(p, attempts, randombytes_random()),
		.error = err, .id = id, .attempts = attempts,
	};
	nl_err rc = nl_store_run_tx(db, failed_tx, &x);
	if (rc == NL_OK && x.changes == 0)
		rc = NL_ERR_CONFLICT;
	if (rc == NL_OK && status)
		*status = next;
	return rc;
}

struct list_ctx {
	const struct nl_outbox_filter *f;
	struct nl_outbox_list *out;
};

static NL_MUST_USE nl_err list_tx(nl_conn *c, void *arg)
{
	struct list_ctx *x = arg;
	const struct nl_outbox_filter *f = x->f;
	nl_stmt *s = NULL;
	int64_t limit = f->limit <= 0 ? 50 : f->limit > 500 ? 500 : f->limit;
	const char *channel = f->channel ? nl_outbox_channel_code(f->channel) : "";
	const char *status = f->status ? nl_outbox_status_code(f->status) : "";
	if (!channel || !status)
		return NL_ERR_INVALID;
	nl_outbox_list_free(x->out);
	nl_err rc = nl_db_query(c, &s,
		"SELECT " OUTBOX_COLS " FROM outbox"
		" WHERE ($1 = '' OR channel = $1) AND ($2 = '' OR status = $2)"
		"  AND ($3 = '' OR recipient = $3) AND ($4 = 0 OR order_id = $4)"
		" ORDER BY id DESC LIMIT $5 OFFSET $6",
		NL_PARAMS(NL_P_TEXT(channel), NL_P_TEXT(status),
		NL_P_TEXT(f->recipient ? f->recipient : ""), NL_P_INT(f->order_id),
		NL_P_INT(limit), NL_P_INT((f->offset > 0 ? f->offset : 0))));
	if (rc != NL_OK)
		return rc;
	return read_rows(s, x->out);
}

nl_err nl_outbox_list(nl_db *db, const struct nl_outbox_filter *f, struct nl_outbox_list *out)
{
	struct nl_outbox_filter none = {0};
	struct list_ctx x = {.f = f ? f : &none, .out = out};
	out->items = NULL;
	out->n = 0;
	nl_err rc = nl_store_run_tx(db, list_tx, &x);
	if (rc != NL_OK)
		nl_outbox_list_free(out);
	return rc;
}

nl_err nl_outbox_get(nl_db *db, int64_t id, struct nl_outbox_msg *out)
{
	nl_conn *c = NULL;
	nl_stmt *s = NULL;
	memset(out, 0, sizeof *out);
	nl_err rc = nl_db_conn(db, &c);
	if (rc != NL_OK)
		return rc;
	rc = nl_db_query(c, &s, "SELECT " OUTBOX_COLS " FROM outbox WHERE id = $1",
		NL_PARAMS(NL_P_INT(id)));
	if (rc != NL_OK)
		return rc;
	rc = nl_store_step_row(s);
	if (rc == NL_OK)
		rc = read_row(s, out);
	nl_db_finalize(s);
	return rc;
}

nl_err nl_outbox_counts(nl_db *db, int64_t counts[5])
{
	nl_conn *c = NULL;
	nl_stmt *s = NULL;
	int r;
	memset(counts, 0, 5 * sizeof counts[0]);
	nl_err rc = nl_db_conn(db, &c);
	if (rc != NL_OK)
		return rc;
	enum { CNT_STATUS, CNT_COUNT };
	rc = nl_db_query(c, &s, "SELECT status, COUNT(*) FROM outbox GROUP BY status",
		NL_NO_PARAMS);
	if (rc != NL_OK)
		return rc;
	while ((r = nl_db_step(s)) == NL_DB_ROW) {
		enum nl_outbox_status st;
		if (nl_outbox_status_parse(nl_db_col_text(s, CNT_STATUS), &st))
			counts[st] = nl_db_col_int64(s, CNT_COUNT);
	}
	if (r != NL_DB_DONE)
		rc = (nl_err)r;
	nl_db_finalize(s);
	return rc;
}
