/* The audit trail binds the rows it speaks of: after a real flow (an order, its
 * payment, a certificate issued and revoked, a consent) the trail verifies
 * clean, and each direct edit of an order, payment, certificate or consent row
 * (or a row slipped in without a record, or a deleted one) is caught and named.
 * A tail cut below a checkpoint, with the head moved back to match, is caught
 * against the checkpoint. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app/payment.h"
#include "payment_world.h"
#include "store/store_audit.h"
#include "store/store_audit_state.h"
#include "store/store_certs.h"
#include "store/store_esign.h"
#include "store/store_orders.h"
#include "store/store_util.h"

struct flow {
	struct world w;
	int64_t payment, cert, consent;
};

static void add_cert(struct fx *f, struct flow *fl)
{
	char subject[] = "CN=AYŞE", cn[] = "AYŞE KAYA", email[] = "", attr[] = "PNOTR-10000000146";
	uint8_t der[] = {0x30, 0x00};   /* stored as given; nothing here parses it */
	struct nl_cert_row r = {.order_id = fl->w.inst_order, .not_before = T0,
	                        .not_after = T0 + 365 * 86400, .der = der, .der_len = 2};
	snprintf(r.serial, sizeof r.serial, "0A1B");
	snprintf(r.kind, sizeof r.kind, "person");
	r.subject = subject;
	r.common_name = cn;
	r.email = email;
	r.id_number = attr;
	assert_int_equal(nl_store_serial_reserve(f->c, r.serial), NL_OK);
	assert_int_equal(nl_store_cert_insert(f->db, &r, "worker:production"), NL_OK);
	fl->cert = r.id;
	assert_int_equal(nl_store_cert_suspend(f->db, r.serial, T0 + 10, "user:1", "askıya"), NL_OK);
	assert_int_equal(nl_store_cert_revoke(f->db, r.serial, 1, T0 + 20, "user:1", "kayıp"), NL_OK);
}

/* The consent as esign_verify.c records it: the row, then its audit record. */
static void add_consent(struct fx *f, struct flow *fl)
{
	int64_t text_id = fx_int(f, "SELECT id FROM econsent_texts WHERE version = 1");
	struct nl_esign_code c = {.purpose = "econsent", .person_id = fl->w.person, .text = "x",
	                          .created_at = 1, .expires_at = 301};
	strcpy(c.code_hash, "cc");
	assert_int_equal(nl_store_esign_code_insert(f->c, &c), NL_OK);
	struct nl_esign_signature s = {
		.code_id = c.id, .purpose = "econsent", .person_id = fl->w.person, .cms = "a",
		.cms_len = 1, .cert_der = "b", .cert_len = 1, .cert_serial = "01",
		.cert_issuer = "CN=x", .evidence_kind = "store", .evidence = "e", .evidence_len = 1,
	};
	assert_int_equal(nl_store_esign_signature_insert(f->c, &s), NL_OK);
	assert_int_equal(nl_store_econsent_add(f->c, fl->w.person, text_id, "accept", s.id, T0,
	                                       &fl->consent), NL_OK);
	struct nl_audit_rec rec = {.at = T0, .actor = "person:1", .entity = "consent",
	                           .entity_id = fl->consent, .action = "give", .to = "accept"};
	assert_int_equal(nl_store_audit_append(f->c, &rec), NL_OK);
}

static void full_flow(struct fx *f, struct flow *fl)
{
	setup(f, &fl->w);
	struct nl_payment_input in = {
		.order_id = fl->w.pay_order, .amount_kurus = 150000, .channel = "sube",
		.external_ref = "bank:R-1", .paid_on = "2025-11-20", .actor = "cli:import",
	};
	struct nl_payment_result res;
	assert_int_equal(nl_payment_record(f->c, &in, T0, &res), NL_OK);
	fl->payment = res.payment_id;
	assert_int_equal(nl_store_order_set_status(f->c, fl->w.inst_order, NL_ST_FORM_WAIT,
	                                           NL_ST_CANCELLED, "user:1", "vazgeçti"), NL_OK);
	add_cert(f, fl);
	add_consent(f, fl);
}

static void expect_clean(struct fx *f)
{
	int64_t bad = -1;
	assert_int_equal(nl_store_audit_verify(f->db, &bad), NL_OK);
	assert_int_equal(bad, 0);
}

/* Tampered: verify fails, and the full report names the problem and row. */
static void expect_tampered(struct fx *f)
{
	int64_t bad = 0;
	assert_int_equal(nl_store_audit_verify(f->db, &bad), NL_ERR_INVALID);
}

static void expect_finding(struct fx *f, enum nl_audit_problem p, const char *entity, int64_t id)
{
	struct nl_audit_finding fd;
	assert_int_equal(nl_store_audit_verify_full(f->db, NULL, 0, &fd), NL_ERR_INVALID);
	assert_int_equal(fd.problem, p);
	assert_string_equal(fd.entity, entity);
	assert_int_equal(fd.entity_id, id);
	if (p == NL_AUDIT_ROW_UNRECORDED) {
		assert_int_equal(fd.seq, 0);
	} else {
		/* The record named is the row's latest one. */
		char sql[200];
		snprintf(sql, sizeof sql, "SELECT MAX(seq) FROM audit_log WHERE entity = '%s'"
		         " AND entity_id = %lld", entity, (long long)id);
		assert_int_equal(fd.seq, fx_int(f, sql));
	}
}

static void test_flow_verifies_clean(void **state)
{
	struct fx *f = fx_get(state);
	struct flow fl;
	full_flow(f, &fl);
	expect_clean(f);
	/* The access password is a credential, not state: changing it needs no record. */
	assert_int_equal(nl_store_order_set_access_password(f->c, fl.w.pay_order, "$argon2id$new"),
	                 NL_OK);
	expect_clean(f);
}

static void test_order_status_edited(void **state)
{
	struct fx *f = fx_get(state);
	struct flow fl;
	full_flow(f, &fl);
	char sql[160];
	snprintf(sql, sizeof sql, "UPDATE orders SET status = 'form_wait' WHERE id = %lld",
	         (long long)fl.w.inst_order);
	fx_exec(f, sql);
	expect_tampered(f);
	expect_finding(f, NL_AUDIT_ROW_CHANGED, "order", fl.w.inst_order);
}

static void test_payment_amount_edited(void **state)
{
	struct fx *f = fx_get(state);
	struct flow fl;
	full_flow(f, &fl);
	fx_exec(f, "UPDATE payments SET amount_kurus = 100");
	expect_tampered(f);
	expect_finding(f, NL_AUDIT_ROW_CHANGED, "payment", fl.payment);
}

static void test_payment_deleted(void **state)
{
	struct fx *f = fx_get(state);
	struct flow fl;
	full_flow(f, &fl);
	fx_exec(f, "DELETE FROM payments");
	expect_tampered(f);
	expect_finding(f, NL_AUDIT_ROW_DELETED, "payment", fl.payment);
}

static void test_payment_slipped_in(void **state)
{
	struct fx *f = fx_get(state);
	struct flow fl;
	full_flow(f, &fl);
	char sql[300];
	snprintf(sql, sizeof sql,
	         "INSERT INTO payments (order_id, amount_kurus, channel, external_ref, paid_on, actor,"
	         " recorded_at) VALUES (%lld, 150000, 'sube', 'bank:FAKE', '', 'x', 1)",
	         (long long)fl.w.inst_order);
	fx_exec(f, sql);
	expect_tampered(f);
	expect_finding(f, NL_AUDIT_ROW_UNRECORDED, "payment", fx_int(f, "SELECT MAX(id) FROM payments"));
}

static void test_certificate_status_edited(void **state)
{
	struct fx *f = fx_get(state);
	struct flow fl;
	full_flow(f, &fl);
	fx_exec(f, "UPDATE certificates SET status = 'good', revoked_at = 0, reason = 0");
	expect_tampered(f);
	expect_finding(f, NL_AUDIT_ROW_CHANGED, "certificate", fl.cert);
}

/* Only the status: before migration 0019 the certificate's digest read
 * status (and DER) with the wrong letters, as 0, and missed this edit. */
static void test_certificate_only_status_edited(void **state)
{
	struct fx *f = fx_get(state);
	struct flow fl;
	full_flow(f, &fl);
	fx_exec(f, "UPDATE certificates SET status = 'good'");
	expect_tampered(f);
	expect_finding(f, NL_AUDIT_ROW_CHANGED, "certificate", fl.cert);
}

static void test_certificate_only_der_edited(void **state)
{
	struct fx *f = fx_get(state);
	struct flow fl;
	full_flow(f, &fl);
	nl_stmt *s;
	const uint8_t der[] = {0x30, 0x01, 0x00};
	assert_int_equal(nl_db_query(f->c, &s, "UPDATE certificates SET der = $1 WHERE id = $2",
	                             NL_PARAMS(NL_P_BLOB(der, sizeof der), NL_P_INT(fl.cert))), NL_OK);
	assert_int_equal(nl_store_exec_stmt(s, NULL), NL_OK);
	expect_tampered(f);
	expect_finding(f, NL_AUDIT_ROW_CHANGED, "certificate", fl.cert);
}

/* A certificate whose latest record holds the digest of the old, wrong
 * letters (as every certificate recorded before 0019 does) is bound again by
 * the migration's rebaseline when its state still matches that digest, and
 * left reported when it does not. */
static void test_rebaseline_legacy_certificate_digest(void **state)
{
	struct fx *f = fx_get(state);
	struct flow fl;
	full_flow(f, &fl);
	uint8_t old[NL_AUDIT_HASH_LEN];
	bool found = false;
	assert_int_equal(nl_store_audit_row_state_legacy(f->c, "certificate", fl.cert, old, &found),
	                 NL_OK);
	assert_true(found);
	int64_t seq = fx_int(f, "SELECT MAX(seq) FROM audit_log WHERE entity = 'certificate'");
	nl_stmt *s;
	assert_int_equal(nl_db_query(f->c, &s, "UPDATE audit_log SET state_hash = $1 WHERE seq = $2",
	                             NL_PARAMS(NL_P_BLOB(old, sizeof old), NL_P_INT(seq))), NL_OK);
	assert_int_equal(nl_store_exec_stmt(s, NULL), NL_OK);
	struct nl_audit_finding fd = {0};
	assert_int_equal(nl_store_audit_check_rows(f->c, &fd), NL_OK);
	assert_int_equal(fd.problem, NL_AUDIT_ROW_CHANGED);
	int64_t n = 0;
	assert_int_equal(nl_store_audit_rebaseline(f->c, "migrate:0019", &n), NL_OK);
	assert_int_equal(n, 1);
	memset(&fd, 0, sizeof fd);
	assert_int_equal(nl_store_audit_check_rows(f->c, &fd), NL_OK);
	assert_int_equal(fd.problem, NL_AUDIT_OK);
	assert_int_equal(nl_store_audit_rebaseline(f->c, "migrate:0019", &n), NL_OK);
	assert_int_equal(n, 0);
	/* A row edited where the old letters did look (its name) matches
	 * neither digest: not bound again, still reported. */
	seq = fx_int(f, "SELECT MAX(seq) FROM audit_log WHERE entity = 'certificate'");
	assert_int_equal(nl_db_query(f->c, &s, "UPDATE audit_log SET state_hash = $1 WHERE seq = $2",
	                             NL_PARAMS(NL_P_BLOB(old, sizeof old), NL_P_INT(seq))), NL_OK);
	assert_int_equal(nl_store_exec_stmt(s, NULL), NL_OK);
	fx_exec(f, "UPDATE certificates SET common_name = 'AYŞE KARA'");
	assert_int_equal(nl_store_audit_rebaseline(f->c, "migrate:0019", &n), NL_OK);
	assert_int_equal(n, 0);
	memset(&fd, 0, sizeof fd);
	assert_int_equal(nl_store_audit_check_rows(f->c, &fd), NL_OK);
	assert_int_equal(fd.problem, NL_AUDIT_ROW_CHANGED);
}

static void test_consent_edited(void **state)
{
	struct fx *f = fx_get(state);
	struct flow fl;
	full_flow(f, &fl);
	fx_exec(f, "UPDATE econsents SET choice = 'decline'");
	expect_tampered(f);
	expect_finding(f, NL_AUDIT_ROW_CHANGED, "consent", fl.consent);
}

/* The digest is of the documented columns, encoded the same on both engines:
 * built here by hand from the values, it equals the store's (a boolean is
 * 0/1, a NULL is NULL, not 0 or ""). */
static void test_state_encoding_as_documented(void **state)
{
	struct fx *f = fx_get(state);
	struct flow fl;
	full_flow(f, &fl);
	struct nl_order o;
	assert_int_equal(nl_store_order_get(f->c, fl.w.inst_order, &o), NL_OK);
	nl_buf enc = NL_BUF_INIT;
	nl_audit_enc_int(&enc, o.id);
	nl_audit_enc_int(&enc, o.order_no);
	nl_audit_enc_int(&enc, o.person_id);
	if (o.institution_id)
		nl_audit_enc_int(&enc, o.institution_id);
	else
		nl_audit_enc_null(&enc);
	nl_audit_enc_bytes(&enc, nl_reason_code(o.reason), strlen(nl_reason_code(o.reason)));
	nl_audit_enc_bytes(&enc, nl_payment_type_code(o.payment_type),
	                   strlen(nl_payment_type_code(o.payment_type)));
	nl_audit_enc_int(&enc, o.backup_cert ? 1 : 0);
	nl_audit_enc_bytes(&enc, "cancelled", 9);
	nl_audit_enc_bytes(&enc, "vazgeçti", strlen("vazgeçti"));
	uint8_t want[NL_AUDIT_HASH_LEN], got[NL_AUDIT_HASH_LEN];
	nl_audit_state_hash("order", &enc, want);
	bool found = false;
	assert_int_equal(nl_store_audit_row_state(f->c, "order", o.id, got, &found), NL_OK);
	assert_true(found);
	assert_memory_equal(want, got, sizeof want);
	/* The payment has NULL foreign keys. */
	nl_buf_reset(&enc);
	nl_audit_enc_int(&enc, fl.payment);
	nl_audit_enc_int(&enc, fl.w.pay_order);
	nl_audit_enc_int(&enc, 150000);
	nl_audit_enc_bytes(&enc, "sube", 4);
	nl_audit_enc_bytes(&enc, "bank:R-1", 8);
	nl_audit_enc_null(&enc);
	nl_audit_enc_null(&enc);
	nl_audit_enc_bytes(&enc, "2025-11-20", 10);
	nl_audit_enc_bytes(&enc, "cli:import", 10);
	nl_audit_enc_int(&enc, T0);
	nl_audit_state_hash("payment", &enc, want);
	assert_int_equal(nl_store_audit_row_state(f->c, "payment", fl.payment, got, &found), NL_OK);
	assert_true(found);
	assert_memory_equal(want, got, sizeof want);
	nl_buf_free(&enc);
	nl_order_clear(&o);
}

/* The digest in a record cannot be rewritten to fit an edited row: the
 * record's own hash covers it. */
static void test_state_digest_rewritten(void **state)
{
	struct fx *f = fx_get(state);
	struct flow fl;
	full_flow(f, &fl);
	int64_t seq = fx_int(f, "SELECT MAX(seq) FROM audit_log WHERE entity = 'payment'");
	char sql[120];
	snprintf(sql, sizeof sql, "UPDATE audit_log SET state_hash = prev_hash WHERE seq = %lld",
	         (long long)seq);
	fx_exec(f, sql);
	struct nl_audit_finding fd;
	assert_int_equal(nl_store_audit_verify_full(f->db, NULL, 0, &fd), NL_ERR_INVALID);
	assert_int_equal(fd.problem, NL_AUDIT_RECORD_CHANGED);
	assert_int_equal(fd.seq, seq);
}

/* The checkpoint taken now: what the checkpoint job has signed. */
static struct nl_audit_checkpoint checkpoint_now(struct fx *f)
{
	struct nl_audit_checkpoint cp = {.at = T0, .sig_len = 1};
	assert_int_equal(nl_store_audit_head(f->db, &cp.seq, cp.hash), NL_OK);
	assert_true(cp.seq > 0);
	return cp;
}

/* Today's hole: delete the last records and move the head back to the new
 * last one. The chain alone is consistent; the checkpoint is not. */
static void test_truncated_tail_below_checkpoint(void **state)
{
	struct fx *f = fx_get(state);
	struct flow fl;
	full_flow(f, &fl);
	struct nl_audit_checkpoint cp = checkpoint_now(f);
	struct nl_audit_finding fd;
	assert_int_equal(nl_store_audit_verify_full(f->db, &cp, 1, &fd), NL_OK);
	/* The consent's record and the revocation's go, the head follows. */
	char sql[200];
	snprintf(sql, sizeof sql, "DELETE FROM audit_log WHERE seq > %lld", (long long)cp.seq - 2);
	fx_exec(f, sql);
	fx_exec(f, "DELETE FROM econsents");
	snprintf(sql, sizeof sql, "UPDATE certificates SET status = 'hold', reason = 6,"
	         " revoked_at = %lld", (long long)T0 + 10);
	fx_exec(f, sql);
	snprintf(sql, sizeof sql, "UPDATE audit_head SET seq = %lld, hash = (SELECT hash FROM audit_log"
	         " WHERE seq = %lld) WHERE id = 1", (long long)cp.seq - 2, (long long)cp.seq - 2);
	fx_exec(f, sql);
	/* Without the checkpoint the cut is seamless: rows and chain agree... */
	expect_clean(f);
	/* ...with it the first missing record is named. */
	assert_int_equal(nl_store_audit_verify_full(f->db, &cp, 1, &fd), NL_ERR_INVALID);
	assert_int_equal(fd.problem, NL_AUDIT_CP_TRUNCATED);
	assert_int_equal(fd.seq, cp.seq - 1);
	assert_int_equal(fd.checkpoint_seq, cp.seq);
	assert_int_equal(fd.last_seq, cp.seq - 2);
}

/* A chain rewritten from an old record on, hashes recomputed and all: the
 * record at the checkpoint no longer has the signed hash. */
static void test_rewritten_chain_differs_from_checkpoint(void **state)
{
	struct fx *f = fx_get(state);
	struct flow fl;
	full_flow(f, &fl);
	struct nl_audit_checkpoint cp = checkpoint_now(f);
	cp.hash[0] ^= 1; /* as if the database's record at cp.seq were another one */
	struct nl_audit_finding fd;
	assert_int_equal(nl_store_audit_verify_full(f->db, &cp, 1, &fd), NL_ERR_INVALID);
	assert_int_equal(fd.problem, NL_AUDIT_CP_HASH);
	assert_int_equal(fd.seq, cp.seq);
	assert_int_equal(fd.checkpoint_seq, cp.seq);
}

/* Rows older than migration 0016 get a baseline record once. */
static void test_baseline_binds_unrecorded_rows(void **state)
{
	struct fx *f = fx_get(state);
	struct flow fl;
	full_flow(f, &fl);
	/* A row as an old release left it: no state-bound record (the consent's
	 * record is the last one, so dropping it leaves the chain whole). */
	fx_exec(f, "DELETE FROM audit_log WHERE entity = 'consent'");
	int64_t last = fx_int(f, "SELECT MAX(seq) FROM audit_log");
	char sql[200];
	snprintf(sql, sizeof sql, "UPDATE audit_head SET seq = %lld, hash = (SELECT hash FROM audit_log"
	         " WHERE seq = %lld) WHERE id = 1", (long long)last, (long long)last);
	fx_exec(f, sql);
	expect_finding(f, NL_AUDIT_ROW_UNRECORDED, "consent", fl.consent);
	int64_t n = 0;
	assert_int_equal(nl_store_audit_baseline(f->c, "migrate:0016", &n), NL_OK);
	assert_int_equal(n, 1);
	expect_clean(f);
	assert_int_equal(nl_store_audit_baseline(f->c, "migrate:0016", &n), NL_OK);
	assert_int_equal(n, 0);
}

/* A record that changes nothing (as a notification would) written while
 * another transaction has changed the row and holds the head: it must be
 * appended with the row's state after that commit, or the latest record lies
 * and verify cries tampering over an honest trail. Deterministic: the
 * suspension stays uncommitted until the other append has had time to wait
 * behind it. */
struct noter {
	struct fx *f;
	int64_t cert_id;
	nl_err rc;
};

static void *note(void *arg)
{
	struct noter *t = arg;
	nl_conn *c;
	t->rc = nl_db_conn(t->f->db, &c);
	if (t->rc == NL_OK) {
		struct nl_audit_rec rec = {.actor = "worker:notify", .entity = "certificate",
		                           .entity_id = t->cert_id, .action = "notice"};
		t->rc = nl_store_audit_append(c, &rec);
	}
	nl_db_thread_done(t->f->db);
	return NULL;
}

static void test_record_waiting_for_a_change_holds_its_state(void **state)
{
	struct fx *f = fx_get(state);
	char subject[] = "CN=X", cn[] = "X", email[] = "", attr[] = "PNOTR-10000000146";
	uint8_t der[] = {0x30, 0x00};
	struct nl_cert_row r = {.not_before = T0, .not_after = T0 + 86400, .der = der, .der_len = 2};
	snprintf(r.serial, sizeof r.serial, "0C0D");
	snprintf(r.kind, sizeof r.kind, "person");
	r.subject = subject;
	r.common_name = cn;
	r.email = email;
	r.id_number = attr;
	assert_int_equal(nl_store_serial_reserve(f->c, r.serial), NL_OK);
	assert_int_equal(nl_store_cert_insert(f->db, &r, "test"), NL_OK);
	/* The suspension, its record written, not yet committed. */
	assert_int_equal(nl_db_exec(f->c, f->engine == NL_DB_POSTGRES ? "BEGIN" : "BEGIN IMMEDIATE"),
	                 NL_OK);
	assert_int_equal(nl_store_cert_suspend(f->db, r.serial, T0, "user:1", ""), NL_OK);
	struct noter b = {.f = f, .cert_id = r.id};
	pthread_t tb;
	assert_int_equal(pthread_create(&tb, NULL, note, &b), 0);
	struct timespec ts = {.tv_sec = 0, .tv_nsec = 300 * 1000 * 1000};
	nanosleep(&ts, NULL);
	assert_int_equal(nl_db_exec(f->c, "COMMIT"), NL_OK);
	pthread_join(tb, NULL);
	assert_int_equal(b.rc, NL_OK);
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM audit_log WHERE action = 'notice'"), 1);
	expect_clean(f);
}

int main(void)
{
	static const struct fx_test tests[] = {
		FX_TEST(test_flow_verifies_clean),
		FX_TEST(test_order_status_edited),
		FX_TEST(test_payment_amount_edited),
		FX_TEST(test_payment_deleted),
		FX_TEST(test_payment_slipped_in),
		FX_TEST(test_certificate_status_edited),
		FX_TEST(test_certificate_only_status_edited),
		FX_TEST(test_certificate_only_der_edited),
		FX_TEST(test_rebaseline_legacy_certificate_digest),
		FX_TEST(test_consent_edited),
		FX_TEST(test_state_encoding_as_documented),
		FX_TEST(test_state_digest_rewritten),
		FX_TEST(test_truncated_tail_below_checkpoint),
		FX_TEST(test_rewritten_chain_differs_from_checkpoint),
		FX_TEST(test_baseline_binds_unrecorded_rows),
		FX_TEST(test_record_waiting_for_a_change_holds_its_state),
	};
	return fx_main("audit_rows", tests, sizeof tests / sizeof tests[0]);
}
