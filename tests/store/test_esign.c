/* store_esign (migration 0007) and the verification code service
 * (app/verify_code.h) on SQLite and PostgreSQL: codes single use and
 * try-counted, signatures kept, e-Onay texts in versions and the choice in
 * force, guessed codes locked per address. */
#include <stdio.h>
#include <string.h>

#include "app/throttle.h"
#include "app/verify_code.h"
#include "fixture.h"
#include "store/store_esign.h"
#include "store/store_forms.h"
#include "store/store_orders.h"
#include "store/store_persons.h"

static int64_t make_person(struct fx *f, char *tckn, int64_t *order_id)
{
	struct nl_person p = {.id_kind = NL_ID_TCKN, .id_number = tckn,
	                      .passport_country = "", .given_name = "AYŞE", .surname = "YILMAZ"};
	assert_int_equal(nl_store_person_create(f->c, &p), NL_OK);
	struct nl_order o = {.person_id = p.id, .reason = NL_REASON_FIRST,
	                     .payment_type = NL_PAY_INSTITUTION};
	assert_int_equal(nl_store_order_create(f->c, &o, "test"), NL_OK);
	*order_id = o.id;
	return p.id;
}

static void test_codes(void **state)
{
	struct fx *f = fx_get(state);
	int64_t oid, pid = make_person(f, "64172043210", &oid);
	struct nl_esign_code c = {.purpose = "login", .person_id = pid, .order_id = oid,
	                          .text = "Giriş metni ğüşıöç", .created_at = 100, .expires_at = 400};
	memset(c.session_hash, 7, sizeof c.session_hash);
	strcpy(c.code_hash, "aa");
	strcpy(c.id_number, "64172043210");
	assert_int_equal(nl_store_esign_code_insert(f->c, &c), NL_OK);
	assert_int_equal(nl_store_esign_code_insert(f->c, &c), NL_ERR_CONFLICT);   /* same hash */
	struct nl_esign_code g;
	assert_int_equal(nl_store_esign_code_by_hash(f->c, "aa", &g), NL_OK);
	assert_string_equal(g.text, "Giriş metni ğüşıöç");
	assert_string_equal(g.status, "active");
	assert_int_equal(g.expires_at, 400);
	assert_memory_equal(g.session_hash, c.session_hash, sizeof c.session_hash);
	nl_esign_code_clear(&g);
	assert_int_equal(nl_store_esign_code_by_hash(f->c, "bb", &g), NL_ERR_NOT_FOUND);
	assert_int_equal(nl_store_esign_code_latest(f->c, c.session_hash, "login", 0, &g), NL_OK);
	assert_int_equal(g.id, c.id);
	nl_esign_code_clear(&g);
	assert_int_equal(nl_store_esign_code_latest(f->c, c.session_hash, "approve", 0, &g),
	                 NL_ERR_NOT_FOUND);
	/* refusals are counted with the expected value */
	assert_int_equal(nl_store_esign_code_refuse(f->c, c.id, 0, "bozuk", false), NL_OK);
	assert_int_equal(nl_store_esign_code_refuse(f->c, c.id, 0, "bozuk", false), NL_ERR_CONFLICT);
	assert_int_equal(nl_store_esign_code_get(f->c, c.id, &g), NL_OK);
	assert_int_equal(g.tries, 1);
	assert_string_equal(g.last_error, "bozuk");
	nl_esign_code_clear(&g);
	/* the evidence, then single use */
	struct nl_esign_signature s = {
		.code_id = c.id, .purpose = "login", .person_id = pid, .cms = "\x30\x00\x01", .cms_len = 3,
		.cert_der = "\x30\x01", .cert_len = 2, .cert_serial = "0A", .cert_issuer = "CN=x",
		.evidence_kind = "ocsp", .evidence = "\x00\x01", .evidence_len = 2,
		.signing_time = 150, .verified_at = 160,
	};
	assert_int_equal(nl_store_esign_signature_insert(f->c, &s), NL_OK);
	int64_t who = 0, n = 0;
	assert_int_equal(nl_store_esign_signature_person(f->c, s.id, &who), NL_OK);
	assert_int_equal(who, pid);
	assert_int_equal(nl_store_esign_signature_count(f->c, oid, &n), NL_OK);
	assert_int_equal(n, 0);   /* a login signature belongs to no order */
	assert_int_equal(nl_store_esign_code_use(f->c, c.id, s.id, 170), NL_OK);
	assert_int_equal(nl_store_esign_code_use(f->c, c.id, s.id, 171), NL_ERR_CONFLICT);
	assert_int_equal(nl_store_esign_code_refuse(f->c, c.id, 1, "x", true), NL_ERR_CONFLICT);
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM esign_signatures WHERE length(cms) = 3"), 1);
}

static void test_econsent(void **state)
{
	struct fx *f = fx_get(state);
	int64_t oid, pid = make_person(f, "10000000146", &oid);
	struct nl_econsent_text t;
	assert_int_equal(nl_store_econsent_text_in_force(f->c, 1000, &t), NL_OK);
	assert_int_equal(t.version, 1);
	assert_non_null(strstr(t.accept_text, "KABUL EDİYORUM"));
	int64_t v2 = 0;
	assert_int_equal(nl_store_econsent_text_add(f->c, 5000, "giriş", "evet", "hayır", &v2), NL_OK);
	assert_int_equal(v2, 2);
	nl_econsent_text_clear(&t);
	assert_int_equal(nl_store_econsent_text_in_force(f->c, 4999, &t), NL_OK);
	assert_int_equal(t.version, 1);
	int64_t t1 = t.id;
	nl_econsent_text_clear(&t);
	assert_int_equal(nl_store_econsent_text_in_force(f->c, 5000, &t), NL_OK);
	assert_int_equal(t.version, 2);
	nl_econsent_text_clear(&t);

	bool on = true;
	char choice[16];
	assert_int_equal(nl_store_econsent_in_force(f->c, pid, &on), NL_OK);
	assert_false(on);
	struct nl_esign_code c = {.purpose = "econsent", .person_id = pid, .text = "x",
	                          .created_at = 1, .expires_at = 301};
	strcpy(c.code_hash, "cc");
	assert_int_equal(nl_store_esign_code_insert(f->c, &c), NL_OK);
	struct nl_esign_signature s = {
		.code_id = c.id, .purpose = "econsent", .person_id = pid, .cms = "a", .cms_len = 1,
		.cert_der = "b", .cert_len = 1, .cert_serial = "01", .cert_issuer = "CN=x",
		.evidence_kind = "store", .evidence = "e", .evidence_len = 1,
	};
	assert_int_equal(nl_store_esign_signature_insert(f->c, &s), NL_OK);
	assert_int_equal(nl_store_econsent_add(f->c, pid, t1, "accept", s.id, 100, NULL), NL_OK);
	assert_int_equal(nl_store_econsent_in_force(f->c, pid, &on), NL_OK);
	assert_true(on);
	int64_t at = 0, ver = 0;
	assert_int_equal(nl_store_econsent_current(f->c, pid, choice, &at, &ver), NL_OK);
	assert_string_equal(choice, "accept");
	int64_t cid = 0;
	assert_int_equal(nl_store_econsent_in_force_id(f->c, pid, &cid), NL_OK);
	assert_true(cid > 0);
	assert_int_equal(at, 100);
	assert_int_equal(ver, 1);
	assert_int_equal(nl_store_econsent_add(f->c, pid, t1, "decline", s.id, 200, NULL), NL_OK);
	assert_int_equal(nl_store_econsent_in_force(f->c, pid, &on), NL_OK);
	assert_false(on);   /* withdrawn */
	assert_int_equal(nl_store_econsent_in_force_id(f->c, pid, &cid), NL_ERR_NOT_FOUND);
	char *hash = (char *)1;
	assert_int_equal(nl_store_holder_secword_hash(f->c, pid, &hash), NL_ERR_NOT_FOUND);
	assert_null(hash);
	bool approved = true;
	int64_t word_order = -1;
	hash = (char *)1;
	assert_int_equal(nl_store_holder_secword_door(f->c, pid, &hash, &approved, &word_order),
	                 NL_ERR_NOT_FOUND);
	assert_null(hash);
	assert_false(approved);
	assert_int_equal(word_order, 0);
}

static void test_code_service(void **state)
{
	struct fx *f = fx_get(state);
	uint8_t sess[NL_ESIGN_SESSION_LEN];
	memset(sess, 3, sizeof sess);
	struct nl_esign_issue in = {.session_hash = sess, .purpose = "login",
	                            .id_number = "64172043210", .text = "metin", .now = 1000};
	char nonce[NL_ESIGN_NONCE_LEN], code[NL_ESIGN_CODE_DIGITS + 1], again[NL_ESIGN_CODE_DIGITS + 1];
	struct nl_esign_code row, got;
	assert_int_equal(nl_esign_code_issue(&f->app, &in, "sid-1", nonce, code, &row), NL_OK);
	assert_int_equal(strlen(code), 15);
	assert_int_equal(row.expires_at, 1300);
	/* the page derives the same digits again from the session's cookie value */
	assert_int_equal(nl_esign_code_derive(&f->app, "sid-1", nonce, again), NL_OK);
	assert_string_equal(code, again);
	assert_int_equal(nl_esign_code_derive(&f->app, "sid-2", nonce, again), NL_OK);
	assert_string_not_equal(code, again);
	/* the code itself is not stored: one row, its hash is 64 hex characters, and
	 * no text column holds the digits (the code is 15 digits: safe in SQL text) */
	char sql[512];
	snprintf(sql, sizeof sql,
	         "SELECT COUNT(*) FROM esign_codes WHERE code_hash LIKE '%%%s%%' OR text LIKE '%%%s%%'"
	         " OR id_number LIKE '%%%s%%' OR consent_choice LIKE '%%%s%%'", code, code, code, code);
	assert_int_equal(fx_int(f, sql), 0);
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM esign_codes WHERE LENGTH(code_hash) = 64"), 1);
	struct nl_throttle_policy pol;
	nl_throttle_policy_defaults(&pol);
	pol.addr_max_failures = 3;
	assert_int_equal(nl_esign_code_lookup(&f->app, &pol, code, "10.0.0.1", 1001, &got), NL_OK);
	assert_int_equal(got.id, row.id);
	nl_esign_code_clear(&got);
	assert_int_equal(nl_esign_code_lookup(&f->app, &pol, "12345", "10.0.0.1", 1001, &got),
	                 NL_ERR_NOT_FOUND);
	assert_int_equal(nl_esign_code_lookup(&f->app, &pol, "111111111111111", "10.0.0.1", 1001, &got),
	                 NL_ERR_NOT_FOUND);
	assert_int_equal(nl_esign_code_lookup(&f->app, &pol, "222222222222222", "10.0.0.1", 1001, &got),
	                 NL_ERR_NOT_FOUND);
	/* three wrong codes lock the address, even for the right code */
	assert_int_equal(nl_esign_code_lookup(&f->app, &pol, code, "10.0.0.1", 1002, &got), NL_ERR_LOCKED);
	assert_int_equal(nl_esign_code_lookup(&f->app, &pol, code, "10.0.0.2", 1002, &got), NL_OK);
	nl_esign_code_clear(&got);
	nl_esign_code_clear(&row);
}

/* Login codes are bounded per client address (live codes only), and expired
 * codes that were never used are purged; used ones stay with their signature. */
static void test_code_bounds_and_purge(void **state)
{
	struct fx *f = fx_get(state);
	uint8_t sess[NL_ESIGN_SESSION_LEN];
	memset(sess, 5, sizeof sess);
	struct nl_esign_issue in = {.session_hash = sess, .purpose = "login", .id_number = "64172043210",
	                            .text = "metin", .now = 5000, .addr = "10.9.9.9", .addr_max = 3};
	char nonce[NL_ESIGN_NONCE_LEN], code[NL_ESIGN_CODE_DIGITS + 1];
	struct nl_esign_code row;
	int64_t first = 0;
	for (int i = 0; i < 3; i++) {
		assert_int_equal(nl_esign_code_issue(&f->app, &in, "sid-b", nonce, code, &row), NL_OK);
		if (i == 0)
			first = row.id;
		nl_esign_code_clear(&row);
	}
	assert_int_equal(nl_esign_code_issue(&f->app, &in, "sid-b", nonce, code, &row),
	                 NL_ERR_RATE_LIMIT);
	/* another address, and another purpose, are not counted with it */
	in.addr = "10.9.9.10";
	assert_int_equal(nl_esign_code_issue(&f->app, &in, "sid-b", nonce, code, &row), NL_OK);
	nl_esign_code_clear(&row);
	in.addr = "10.9.9.9";
	in.purpose = "approve";
	in.addr_max = 0;
	assert_int_equal(nl_esign_code_issue(&f->app, &in, "sid-b", nonce, code, &row), NL_OK);
	nl_esign_code_clear(&row);
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM esign_codes WHERE LENGTH(addr_hash) = 64"),
	                 5);
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM esign_codes WHERE addr_hash LIKE '%10.9%'"), 0);
	/* once they expire, the address may ask again */
	in.purpose = "login";
	in.addr_max = 3;
	in.now = 5000 + NL_ESIGN_CODE_TTL;
	assert_int_equal(nl_esign_code_issue(&f->app, &in, "sid-b", nonce, code, &row), NL_OK);
	nl_esign_code_clear(&row);
	/* the purge: one of the old codes was used (a signature points at it) */
	struct nl_esign_signature sig = {
		.code_id = first, .purpose = "login", .cms = "\x30\x00", .cms_len = 2,
		.cert_der = "\x30\x01", .cert_len = 2, .cert_serial = "0B", .cert_issuer = "CN=x",
		.evidence_kind = "ocsp", .evidence = "\x00", .evidence_len = 1,
		.signing_time = 5010, .verified_at = 5011,
	};
	assert_int_equal(nl_store_esign_signature_insert(f->c, &sig), NL_OK);
	assert_int_equal(nl_store_esign_code_use(f->c, first, sig.id, 5012), NL_OK);
	int64_t before = fx_int(f, "SELECT COUNT(*) FROM esign_codes"), purged = -1;
	assert_int_equal(nl_store_esign_code_purge(f->c, 5000 + NL_ESIGN_CODE_TTL + 1, &purged), NL_OK);
	assert_int_equal(purged, 4);   /* the five codes of t=5000 but the used one */
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM esign_codes"), before - 4);
	char sql[96];
	snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM esign_codes WHERE id = %lld", (long long)first);
	assert_int_equal(fx_int(f, sql), 1);
}

int main(void)
{
	const struct fx_test tests[] = {
		FX_TEST(test_codes),
		FX_TEST(test_econsent),
		FX_TEST(test_code_service),
		FX_TEST(test_code_bounds_and_purge),
	};
	return fx_main("esign", tests, sizeof tests / sizeof tests[0]);
}
