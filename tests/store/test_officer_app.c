/* The officer's use cases on both engines (src/app/preapply.c, cancel.c,
 * staff.c, officer_orders.c) and their store (store_staff_api.c): a
 * pre-application creates the person, the order, the audit record and the
 * access-password mail in one transaction; a second open order is refused;
 * a CSV batch imports in one transaction and consumes its preview; cancelling
 * is audited and refused where the transition table forbids it; API tokens are
 * stored hashed; the staff login locks an account after repeated failures. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/approve.h"
#include "app/cancel.h"
#include "app/login_person.h"
#include "app/notify_access.h"
#include "app/officer_orders.h"
#include "store/install_key.h"
#include "app/preapply.h"
#include "app/staff.h"
#include "core/config.h"
#include "core/secret.h"
#include "fixture.h"
#include "store/store_audit.h"
#include "store/store_outbox.h"
#include "store/store_staff_api.h"

static struct nl_config cfg;

struct world {
	int64_t inst, other;   /* institution ids */
	struct nl_app app;     /* the test's cfg and the fixture's db */
	struct nl_preapply_ctx ctx;
};

static void setup(struct fx *f, struct world *w)
{
	nl_secret_init();
	nl_password_set_cost(NL_PWHASH_TEST);
	nl_config_defaults(&cfg, NL_SOURCE_ROOT "/web");
	snprintf(cfg.base_url, sizeof cfg.base_url, "https://ca.example.org");
	memset(w, 0, sizeof *w);
	assert_int_equal(nl_staff_institution_add(&f->app, "Ankara Valiliği", "06-1", "", "test",
	                                          &w->inst), NL_OK);
	assert_int_equal(nl_staff_institution_add(&f->app, "İzmir Valiliği", NULL, NULL, "test",
	                                          &w->other), NL_OK);
	w->app = (struct nl_app){.cfg = &cfg, .db = f->db};
	w->ctx = (struct nl_preapply_ctx){
		.app = &w->app, .institution_id = w->inst, .actor = "user:1", .now = 1000,
	};
}

static struct nl_preapply_input person(const char *id)
{
	return (struct nl_preapply_input){
		.id_number = id, .given_name = "Işıl", .surname = "Çelik",
		.email = "isil@example.org", .mobile = "0532 123 45 67", .reason = NL_REASON_FIRST,
		.payment_type = NL_PAY_INSTITUTION,
	};
}

static void test_preapply_one(void **state)
{
	struct fx *f = fx_get(state);
	struct world w;
	setup(f, &w);
	struct nl_preapply_input in = person("10000000146");
	struct nl_preapply_result res;
	assert_int_equal(nl_preapply_one(&w.ctx, &in, &res), NL_OK);
	assert_int_equal(res.outcome, NL_PA_CREATED);
	assert_true(res.order_no > 0);
	/* one order, one person, one mail to the typed address, tied to the order */
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM orders"), 1);
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM persons"), 1);
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM outbox WHERE recipient = 'isil@example.org'"
	                           " AND channel = 'mail' AND order_id IS NOT NULL"), 1);
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM audit_log WHERE entity = 'order'"
	                           " AND action = 'create' AND actor = 'user:1'"), 1);
	/* only a hash of the password is stored: the machine-made password gets
	 * the keyed hash, not argon2id (issue 15, 1) */
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM orders WHERE access_password_hash"
	                           " LIKE 'k1$%'"), 1);
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM orders WHERE access_password_hash"
	                           " LIKE '%argon2%'"), 0);

	/* the mail carries the password that matches the stored hash */
	struct nl_outbox_list l = {0};
	struct nl_outbox_filter flt = {.channel = NL_OUTBOX_MAIL};
	assert_int_equal(nl_outbox_list(f->db, &flt, &l), NL_OK);
	assert_int_equal(l.n, 1);
	assert_non_null(strstr(l.items[0].body_text, "5070 sayılı Elektronik İmza Kanunu"));
	assert_non_null(strstr(l.items[0].body_text, "https://ca.example.org/giris/form"));
	const char *pw = strstr(l.items[0].body_text, "erişim parolası: ");
	assert_non_null(pw);
	char password[NL_ACCESS_PASSWORD_LEN + 1];
	memcpy(password, pw + strlen("erişim parolası: "), NL_ACCESS_PASSWORD_LEN);
	password[NL_ACCESS_PASSWORD_LEN] = '\0';
	struct nl_officer_order o;
	assert_int_equal(nl_officer_order(&f->app, w.inst, res.order_no, &o), NL_OK);
	assert_string_equal(o.surname, "Çelik");
	assert_string_equal(o.mobile, "5321234567");
	nl_outbox_list_free(&l);
	nl_stmt *s;
	assert_int_equal(nl_db_prepare(f->c, "SELECT access_password_hash FROM orders", &s), NL_OK);
	assert_int_equal(nl_db_step(s), NL_DB_ROW);
	uint8_t key[NL_KEYED_KEY_LEN];
	assert_int_equal(nl_install_hash_key(f->db, key), NL_OK);
	assert_true(nl_access_verify(key, nl_db_col_text(s, 0), password, NULL));
	assert_false(nl_access_verify(key, nl_db_col_text(s, 0), "wrong-pass", NULL));
	assert_null(strstr(nl_db_col_text(s, 0), password));
	nl_db_finalize(s);

	/* a second open order for the same identity here: refused, nothing added */
	struct nl_preapply_result dup;
	assert_int_equal(nl_preapply_one(&w.ctx, &in, &dup), NL_ERR_CONFLICT);
	assert_int_equal(dup.order_no, res.order_no);
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM orders"), 1);
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM outbox"), 1);
	/* ... but another institution may register the same person */
	struct nl_preapply_ctx other = w.ctx;
	other.institution_id = w.other;
	assert_int_equal(nl_preapply_one(&other, &in, NULL), NL_OK);
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM persons"), 1);
	/* the other institution does not see ours */
	assert_int_equal(nl_officer_order(&f->app, w.other, res.order_no, &o), NL_ERR_NOT_FOUND);

	/* bad input is refused before anything is written */
	struct nl_preapply_input bad = person("10000000147");
	assert_int_equal(nl_preapply_one(&w.ctx, &bad, NULL), NL_ERR_INVALID);
	/* an inactive institution registers nobody */
	assert_int_equal(nl_staff_institution_set_active(&f->app, w.other, false, "test"), NL_OK);
	struct nl_preapply_input p2 = person("10000000078");
	assert_int_equal(nl_preapply_one(&other, &p2, NULL), NL_ERR_NOT_FOUND);
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM orders"), 2);
}

static void test_cancel(void **state)
{
	struct fx *f = fx_get(state);
	struct world w;
	setup(f, &w);
	struct nl_preapply_input in = person("10000000146");
	struct nl_preapply_result res;
	assert_int_equal(nl_preapply_one(&w.ctx, &in, &res), NL_OK);

	struct nl_cancel_input c = {
		.order_no = res.order_no, .institution_id = w.other, .actor = "user:9",
		.reason = "Personel ayrıldı",
	};
	assert_int_equal(nl_cancel_order(&f->app, &c, NULL), NL_ERR_NOT_FOUND);  /* not theirs */
	c.institution_id = w.inst;
	c.reason = "";
	assert_int_equal(nl_cancel_order(&f->app, &c, NULL), NL_ERR_INVALID);
	c.reason = "Personel ayrıldı";
	c.expected_status = NL_ST_PAYMENT_WAIT;
	assert_int_equal(nl_cancel_order(&f->app, &c, NULL), NL_ERR_CONFLICT);
	c.expected_status = 0;
	struct nl_cancel_result cr;
	assert_int_equal(nl_cancel_order(&f->app, &c, &cr), NL_OK);
	assert_int_equal(cr.from, NL_ST_FORM_WAIT);
	/* He is told by his channel (no form yet: both ways), with the reason. */
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM outbox WHERE recipient = 'isil@example.org'"
	                           " AND channel = 'mail' AND subject = 'Başvurunuz İptal Edildi'"
	                           " AND body_text LIKE '%iptal edilmiştir%'"
	                           " AND body_text LIKE '%Personel ayrıldı%'"), 1);
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM outbox WHERE recipient = '5321234567'"
	                           " AND channel = 'sms' AND body_text LIKE '%iptal edildi%'"), 1);
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM audit_log WHERE action = 'status'"
	                           " AND to_state = 'cancelled' AND actor = 'user:9'"
	                           " AND reason = 'Personel ayrıldı'"), 1);
	assert_int_equal(nl_cancel_order(&f->app, &c, NULL), NL_ERR_TRANSITION);
	c.order_no = 999999;
	assert_int_equal(nl_cancel_order(&f->app, &c, NULL), NL_ERR_NOT_FOUND);
	/* after the cancellation a new pre-application is allowed again */
	assert_int_equal(nl_preapply_one(&w.ctx, &in, NULL), NL_OK);
	int64_t bad_seq = 0;
	assert_int_equal(nl_store_audit_verify_n(f->db, &bad_seq, NULL), NL_OK);
}

/* A passport holder is told in English (issue 13 item 6): the officer's
 * cancellation reaches him as an English mail and SMS. */
static void test_cancel_english(void **state)
{
	struct fx *f = fx_get(state);
	struct world w;
	setup(f, &w);
	struct nl_preapply_input in = person("U12345678");
	in.passport_country = "DE";
	in.email = "anna@example.org";
	in.given_name = "Anna";
	in.surname = "Schmidt";
	struct nl_preapply_result res;
	assert_int_equal(nl_preapply_one(&w.ctx, &in, &res), NL_OK);
	/* the access password reaches him in English too */
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM outbox WHERE recipient = 'anna@example.org'"
	                           " AND subject LIKE 'Access password%' AND body_text LIKE 'Dear Anna%'"), 1);
	struct nl_cancel_input c = {
		.order_no = res.order_no, .institution_id = w.inst, .actor = "user:9",
		.reason = "Left the institution",
	};
	assert_int_equal(nl_cancel_order(&w.app, &c, NULL), NL_OK);
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM outbox WHERE recipient = 'anna@example.org'"
	                           " AND subject = 'Your application has been cancelled'"
	                           " AND body_text LIKE 'Dear Anna%' AND body_html LIKE '%lang=\"en\"%'"
	                           " AND body_text LIKE '%Left the institution%'"), 1);
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM outbox WHERE recipient = '5321234567'"
	                           " AND channel = 'sms' AND body_text LIKE '%was cancelled by your%'"), 1);
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM outbox WHERE recipient = 'anna@example.org'"
	                           " AND body_text LIKE '%iptal%'"), 0);
}

/* Every kind of notification by channel has its English templates and
 * subject: each renders for lang "en" with the values its callers give. */
static void test_every_kind_english(void **state)
{
	struct fx *f = fx_get(state);
	struct world w;
	setup(f, &w);
	static const char *const kinds[] = {
		"form_approved", "form_rejected", "payment_received", "produced", "pin_puk",
		"shipped", "delivered", "expiry", "cancelled", "timed_out", "certs_revoked",
	};
	const struct nl_notify_var vars[] = {
		{"given_name", "Anna"}, {"surname", "Schmidt"}, {"name", "Anna Schmidt"},
		{"order_no", "SD-1"}, {"base_url", "https://ca.example.org"}, {"status", "x"},
		{"method", "x"}, {"next", "x"}, {"reason", "r"}, {"amount", "1.00 TL"},
		{"card", "K1"}, {"serial", "AB"}, {"revoked", "2"}, {"pin_note", "x"},
		{"pin", "123456"}, {"puk", "12345678"}, {"tracking_no", "T1"},
		{"not_after", "2027-01-01"}, {"serials", "AB, CD"},
	};
	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
		const struct nl_notify_person to = {
			.channel = "both", .email = "anna@example.org", .mobile = "5321234567",
			.subject = "Türkçe konu", .lang = "en",
		};
		int sent = 0;
		assert_int_equal(nl_notify_person_enqueue(f->c, cfg.web_dir, kinds[i], &to, vars,
		                                          sizeof vars / sizeof vars[0], 1000, &sent),
		                 NL_OK);
		assert_int_equal(sent, 2);
	}
	int64_t n = sizeof kinds / sizeof kinds[0];
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM outbox WHERE recipient = 'anna@example.org'"
	                           " AND subject <> 'Türkçe konu' AND body_text LIKE 'Dear Anna%'"), n);
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM outbox WHERE recipient = '5321234567'"
	                           " AND body_text LIKE 'Nitelik: %'"), n);
	/* No Turkish word of the Turkish templates slipped in. */
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM outbox WHERE body_text LIKE '%Sayın%'"
	                           " OR body_text LIKE '%başvuru%'"), 0);
}

struct consume {
	uint8_t hash[NL_TOKEN_HASH_LEN];
	int64_t user_id;
};

static NL_MUST_USE nl_err consume(nl_conn *c, void *arg)
{
	struct consume *k = arg;
	char *payload = NULL;
	nl_err e = nl_store_batch_take(c, k->hash, k->user_id, 0, 2000, &payload);
	free(payload);
	return e;
}

static void test_batch(void **state)
{
	struct fx *f = fx_get(state);
	struct world w;
	setup(f, &w);
	int64_t uid;
	assert_int_equal(nl_staff_user_add(&f->app, "ayse", "uzun-bir-parola", NL_ROLE_KURUM, w.inst,
	                                   "test", &uid, NULL), NL_OK);
	struct nl_preapply_clean rows[3];
	struct nl_preapply_field_error errs[NL_PA_MAX_ERRORS];
	size_t n;
	const char *ids[3] = {"10000000146", "10000000078", "10000000146"};
	for (int i = 0; i < 3; i++) {
		struct nl_preapply_input in = person(ids[i]);
		assert_int_equal(nl_preapply_validate(&in, &rows[i], errs, &n), NL_OK);
	}
	struct consume k = {.hash = {7}, .user_id = uid};
	assert_int_equal(nl_store_batch_put(f->c, k.hash, uid, w.inst, "[]", 1000), NL_OK);
	struct nl_preapply_ctx ctx = w.ctx;
	ctx.in_tx = consume;
	ctx.in_tx_arg = &k;
	struct nl_preapply_result res[3];
	assert_int_equal(nl_preapply_batch(&ctx, rows, 3, res), NL_OK);
	assert_int_equal(res[0].outcome, NL_PA_CREATED);
	assert_int_equal(res[1].outcome, NL_PA_CREATED);
	assert_int_equal(res[2].outcome, NL_PA_DUPLICATE);   /* repeat within the batch */
	assert_int_equal(res[2].order_no, res[0].order_no);
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM orders"), 2);
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM outbox"), 2);
	/* the preview is used up: the same import again changes nothing */
	assert_int_equal(nl_preapply_batch(&ctx, rows, 3, res), NL_ERR_NOT_FOUND);
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM orders"), 2);
	/* without a preview hook the same rows are all duplicates now */
	assert_int_equal(nl_preapply_batch(&w.ctx, rows, 3, res), NL_OK);
	for (int i = 0; i < 3; i++)
		assert_int_equal(res[i].outcome, NL_PA_DUPLICATE);
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM orders"), 2);

	struct nl_officer_order_list l;
	assert_int_equal(nl_officer_orders(&f->app, w.inst, "", 10, 0, &l), NL_OK);
	assert_int_equal(l.n, 2);
	nl_officer_order_list_free(&l);
	assert_int_equal(nl_officer_orders(&f->app, w.other, NULL, 10, 0, &l), NL_OK);
	assert_int_equal(l.n, 0);
	nl_officer_order_list_free(&l);
}

static void test_batches_store(void **state)
{
	struct fx *f = fx_get(state);
	struct world w;
	setup(f, &w);
	int64_t a, b;
	assert_int_equal(nl_staff_user_add(&f->app, "ayse", "uzun-bir-parola", NL_ROLE_KURUM, w.inst,
	                                   "test", &a, NULL), NL_OK);
	assert_int_equal(nl_staff_user_add(&f->app, "mehmet", "uzun-bir-parola", NL_ROLE_KURUM,
	                                   w.inst, "test", &b, NULL), NL_OK);
	uint8_t h[NL_TOKEN_HASH_LEN] = {1, 2, 3};
	char *p = NULL;
	assert_int_equal(nl_store_batch_put(f->c, h, a, w.inst, "[1]", 1000), NL_OK);
	assert_int_equal(nl_store_batch_get(f->c, h, b, 0, &p), NL_ERR_NOT_FOUND);   /* not his */
	assert_int_equal(nl_store_batch_get(f->c, h, a, 1001, &p), NL_ERR_NOT_FOUND); /* expired */
	assert_int_equal(nl_store_batch_get(f->c, h, a, 1000, &p), NL_OK);
	assert_string_equal(p, "[1]");
	free(p);
	assert_int_equal(nl_store_batch_take(f->c, h, a, 0, 1500, &p), NL_OK);
	free(p);
	assert_int_equal(nl_store_batch_take(f->c, h, a, 0, 1500, &p), NL_ERR_NOT_FOUND);
	int64_t purged = 0;
	assert_int_equal(nl_store_batch_purge(f->c, 1001, &purged), NL_OK);
	assert_int_equal(purged, 1);
}

static void test_tokens(void **state)
{
	struct fx *f = fx_get(state);
	struct world w;
	setup(f, &w);
	char tok[NL_API_TOKEN_LEN + 1];
	int64_t id, tid, inst;
	assert_int_equal(nl_staff_token_add(&f->app, w.inst, "erp", "test", tok, &id), NL_OK);
	assert_int_equal(strlen(tok), NL_API_TOKEN_LEN);
	assert_int_equal(strncmp(tok, NL_API_TOKEN_PREFIX, 4), 0);
	assert_int_equal(nl_staff_token_check(&f->app, tok, 5000, &tid, &inst), NL_OK);
	assert_int_equal(tid, id);
	assert_int_equal(inst, w.inst);
	/* the token itself is nowhere in the database */
	char sql[200];
	snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM api_tokens WHERE prefix = '%.12s'", tok);
	assert_int_equal(fx_int(f, sql), 1);
	snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM api_tokens WHERE name = '%s' OR prefix = '%s'",
	         tok, tok);
	assert_int_equal(fx_int(f, sql), 0);
	char bad[NL_API_TOKEN_LEN + 1];
	memcpy(bad, tok, sizeof bad);
	bad[10] = bad[10] == 'a' ? 'b' : 'a';
	assert_int_equal(nl_staff_token_check(&f->app, bad, 5000, &tid, &inst), NL_ERR_UNAUTHORIZED);
	assert_int_equal(nl_staff_token_check(&f->app, "nlt_short", 5000, &tid, &inst),
	                 NL_ERR_UNAUTHORIZED);
	assert_int_equal(nl_staff_token_add(&f->app, 4242, NULL, "test", tok, NULL), NL_ERR_NOT_FOUND);
	/* revoked tokens and tokens of inactive institutions stop working */
	char tok2[NL_API_TOKEN_LEN + 1];
	assert_int_equal(nl_staff_token_add(&f->app, w.other, NULL, "test", tok2, NULL), NL_OK);
	assert_int_equal(nl_staff_institution_set_active(&f->app, w.other, false, "test"), NL_OK);
	assert_int_equal(nl_staff_token_check(&f->app, tok2, 5000, &tid, &inst), NL_ERR_UNAUTHORIZED);
	assert_int_equal(nl_store_api_token_revoke(f->c, id), NL_OK);
	char again[NL_API_TOKEN_LEN + 1];
	assert_int_equal(nl_staff_token_add(&f->app, w.inst, NULL, "test", again, NULL), NL_OK);
	assert_int_equal(nl_staff_token_check(&f->app, again, 5000, &tid, &inst), NL_OK);
	struct nl_api_token *list;
	size_t n;
	assert_int_equal(nl_store_api_token_list(f->c, w.inst, &list, &n), NL_OK);
	assert_int_equal(n, 2);
	assert_false(list[0].active);
	assert_string_equal(list[0].name, "erp");
	nl_api_token_list_free(list, n);
}

static void test_login(void **state)
{
	struct fx *f = fx_get(state);
	struct world w;
	setup(f, &w);
	const char *why = NULL;
	assert_int_equal(nl_staff_user_add(&f->app, "Bad Name", "uzun-bir-parola", NL_ROLE_RA, 0,
	                                   "test", NULL, &why), NL_ERR_INVALID);
	assert_string_equal(why, "username_chars");
	assert_int_equal(nl_staff_user_add(&f->app, "ayse", "kısa", NL_ROLE_KURUM, w.inst, "test",
	                                   NULL, &why), NL_ERR_INVALID);
	assert_int_equal(nl_staff_user_add(&f->app, "ayse", "uzun-bir-parola", NL_ROLE_KURUM, 0,
	                                   "test", NULL, &why), NL_ERR_INVALID);
	assert_string_equal(why, "institution_required");
	assert_int_equal(nl_staff_user_add(&f->app, "ayse", "uzun-bir-parola", NL_ROLE_KURUM, w.inst,
	                                   "test", NULL, NULL), NL_OK);
	assert_int_equal(nl_staff_user_add(&f->app, "ayse", "uzun-bir-parola", NL_ROLE_RA, 0, "test",
	                                   NULL, NULL), NL_ERR_CONFLICT);
	struct nl_user u;
	assert_int_equal(nl_staff_login(&f->app, "ayse", "uzun-bir-parola", 100, &u), NL_OK);
	assert_int_equal(u.role, NL_ROLE_KURUM);
	nl_user_clear(&u);
	assert_int_equal(nl_staff_login(&f->app, "nobody", "uzun-bir-parola", 100, &u),
	                 NL_ERR_UNAUTHORIZED);
	/* Wrong passwords do not lock the account itself (anyone could keep it
	 * locked): the staff door's throttle locks the guesser's address
	 * (test_person_app's test_throttle_owner_elsewhere). */
	for (int i = 0; i < 20; i++)
		assert_int_equal(nl_staff_login(&f->app, "ayse", "yanlis-parola", 100, &u),
		                 NL_ERR_UNAUTHORIZED);
	assert_int_equal(nl_staff_login(&f->app, "ayse", "uzun-bir-parola", 101, &u), NL_OK);
	nl_user_clear(&u);
	/* A lock recorded on the account (before this rule) is still honoured. */
	fx_exec(f, "UPDATE users SET locked_until = 1000 WHERE username = 'ayse'");
	assert_int_equal(nl_staff_login(&f->app, "ayse", "uzun-bir-parola", 101, &u), NL_ERR_LOCKED);
	assert_int_equal(nl_staff_login(&f->app, "ayse", "uzun-bir-parola", 1001, &u), NL_OK);
	nl_user_clear(&u);
	/* a disabled account answers like a wrong password */
	assert_int_equal(nl_staff_user_set_active(&f->app, "ayse", false, "test"), NL_OK);
	assert_int_equal(nl_staff_login(&f->app, "ayse", "uzun-bir-parola", 5000, &u),
	                 NL_ERR_UNAUTHORIZED);
	assert_int_equal(nl_staff_user_set_active(&f->app, "ayse", true, "test"), NL_OK);
	assert_int_equal(nl_staff_user_passwd(&f->app, "ayse", "yeni-uzun-parola", "test", NULL), NL_OK);
	assert_int_equal(nl_staff_login(&f->app, "ayse", "uzun-bir-parola", 5000, &u),
	                 NL_ERR_UNAUTHORIZED);
	assert_int_equal(nl_staff_login(&f->app, "ayse", "yeni-uzun-parola", 5000, &u), NL_OK);
	nl_user_clear(&u);
	assert_int_equal(nl_staff_user_passwd(&f->app, "nobody", "yeni-uzun-parola", "test", NULL),
	                 NL_ERR_NOT_FOUND);
	int64_t bad_seq = 0;
	assert_int_equal(nl_store_audit_verify_n(f->db, &bad_seq, NULL), NL_OK);
}

struct racer {
	struct nl_preapply_ctx ctx;
	nl_err result;
	struct nl_preapply_result res;
};

static void *race(void *arg)
{
	struct racer *r = arg;
	struct nl_preapply_input in = person("10000000214");
	r->result = nl_preapply_one(&r->ctx, &in, &r->res);
	nl_db_thread_done(r->ctx.app->db);
	return NULL;
}

/* Several officers register the same new person at the same moment: one
 * order, the others are told about it (on PostgreSQL the losers hit the
 * persons unique key, run again and find the winner's open order). */
static void test_concurrent_same_person(void **state)
{
	struct fx *f = fx_get(state);
	struct world w;
	setup(f, &w);
	enum { N = 6 };
	struct racer r[N];
	pthread_t th[N];
	for (int i = 0; i < N; i++) {
		r[i] = (struct racer){.ctx = w.ctx};
		assert_int_equal(pthread_create(&th[i], NULL, race, &r[i]), 0);
	}
	int ok = 0, dup = 0;
	int64_t winner = 0;
	for (int i = 0; i < N; i++) {
		pthread_join(th[i], NULL);
		ok += r[i].result == NL_OK;
		dup += r[i].result == NL_ERR_CONFLICT;
		if (r[i].result == NL_OK)
			winner = r[i].res.order_no;
	}
	/* every loser is told which order is open, not a bare key conflict */
	for (int i = 0; i < N; i++)
		if (r[i].result == NL_ERR_CONFLICT)
			assert_int_equal(r[i].res.order_no, winner);
	assert_int_equal(ok, 1);
	assert_int_equal(dup, N - 1);
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM orders"), 1);
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM persons"), 1);
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM outbox"), 1);
}

/* Issue 10 item 1 (docs/applicant.md, "Doors and entitlement"): another
 * institution's pre-application of a known person with a made-up name and its
 * own e-mail sees only what it sent (detail, list, name search), leaves the
 * person's contact data alone, and its mailed password opens its own order
 * only (the form door reports which order). */
static void test_other_institution_learns_nothing(void **state)
{
	struct fx *f = fx_get(state);
	struct world w;
	setup(f, &w);
	struct nl_preapply_input a = person("10000000146");
	struct nl_preapply_result ra, rb;
	assert_int_equal(nl_preapply_one(&w.ctx, &a, &ra), NL_OK);
	struct nl_preapply_ctx other = w.ctx;
	other.institution_id = w.other;
	other.actor = "api:token:9";
	struct nl_preapply_input b = person("10000000146");
	b.given_name = "Sahte";
	b.surname = "İsim";
	b.email = "kotu@evil.example";
	b.mobile = "0555 999 88 77";
	assert_int_equal(nl_preapply_one(&other, &b, &rb), NL_OK);
	assert_int_equal(rb.person_id, ra.person_id);

	/* B's view: only B's data */
	struct nl_officer_order o;
	assert_int_equal(nl_officer_order(&f->app, w.other, rb.order_no, &o), NL_OK);
	assert_string_equal(o.given_name, "Sahte");
	assert_string_equal(o.surname, "İsim");
	assert_string_equal(o.email, "kotu@evil.example");
	assert_string_equal(o.mobile, "5559998877");
	struct nl_officer_order_list l = {0};
	assert_int_equal(nl_officer_orders(&f->app, w.other, "", 50, 0, &l), NL_OK);
	assert_int_equal(l.n, 1);
	assert_string_equal(l.items[0].given_name, "Sahte");
	nl_officer_order_list_free(&l);
	assert_int_equal(nl_officer_orders(&f->app, w.other, "Çelik", 50, 0, &l), NL_OK);
	assert_int_equal(l.n, 0);
	nl_officer_order_list_free(&l);
	/* A's view and the person's contact data: unchanged */
	assert_int_equal(nl_officer_order(&f->app, w.inst, ra.order_no, &o), NL_OK);
	assert_string_equal(o.given_name, "Işıl");
	assert_string_equal(o.email, "isil@example.org");
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM persons WHERE email = 'isil@example.org'"
	                           " AND mobile = '5321234567' AND given_name = 'Işıl'"), 1);
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM outbox WHERE recipient ="
	                           " 'kotu@evil.example'"), 1);

	/* B's mailed password logs in to B's order, not A's */
	struct nl_outbox_list ml = {0};
	struct nl_outbox_filter flt = {.channel = NL_OUTBOX_MAIL};
	assert_int_equal(nl_outbox_list(f->db, &flt, &ml), NL_OK);
	char password[NL_ACCESS_PASSWORD_LEN + 1] = "";
	for (size_t i = 0; i < ml.n; i++) {
		const char *pw = strstr(ml.items[i].body_text, "erişim parolası: ");
		if (pw && !strcmp(ml.items[i].recipient, "kotu@evil.example")) {
			memcpy(password, pw + strlen("erişim parolası: "), NL_ACCESS_PASSWORD_LEN);
			password[NL_ACCESS_PASSWORD_LEN] = '\0';
		}
	}
	nl_outbox_list_free(&ml);
	assert_int_equal(strlen(password), NL_ACCESS_PASSWORD_LEN);
	struct nl_throttle_policy pol;
	nl_throttle_policy_from_config(&cfg, &pol);
	struct nl_login_form_input li = {
		.id_number = "10000000146", .password = password, .client_addr = "192.0.2.9",
		.now = 2000,
	};
	struct nl_login_result lr;
	assert_int_equal(nl_login_person_form(&f->app, &pol, &li, &lr), NL_OK);
	assert_int_equal(lr.person_id, ra.person_id);
	assert_int_equal(lr.order_no, rb.order_no);
}

int main(void)
{
	static const struct fx_test tests[] = {
		FX_TEST(test_preapply_one),
		FX_TEST(test_cancel),
		FX_TEST(test_cancel_english),
		FX_TEST(test_every_kind_english),
		FX_TEST(test_batch),
		FX_TEST(test_batches_store),
		FX_TEST(test_tokens),
		FX_TEST(test_login),
		FX_TEST(test_concurrent_same_person),
		FX_TEST(test_other_institution_learns_nothing),
	};
	return fx_main("officer_app", tests, sizeof tests / sizeof tests[0]);
}
