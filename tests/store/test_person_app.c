/* The applicant's use cases on SQLite and PostgreSQL: throttle rules
 * (app/throttle.h), captcha tickets (app/captcha.h), the two login doors
 * (app/login_person.h, with the registry simulator), the orders a person sees
 * (app/person_orders.h) and the pre-application time-out worker
 * (app/timeout_worker.h), run with a chosen `now` and from two "nodes" at once.
 * Also the configuration rule for the fixed captcha. */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/captcha.h"
#include "app/login_person.h"
#include "app/person_orders.h"
#include "app/pwhash_pool.h"
#include "store/install_key.h"
#include "app/throttle.h"
#include "app/timeout_worker.h"
#include "core/config.h"
#include "core/secret.h"
#include "docs/captcha.h"
#include "docs/fonts.h"
#include "fixture.h"
#include "store/store_audit.h"
#include "store/store_institutions.h"
#include "store/store_orders.h"
#include "store/store_persons.h"

#define T0 1800000000   /* a fixed "now" for the tests */

static const struct nl_throttle_policy pol = {
	.id_max_failures = 3, .addr_max_failures = 5, .window_s = 600,
	.id_lock_s = 300, .addr_lock_s = 900, .id_ceiling = 8,
};

/* ---- throttle ---- */

static void test_throttle_id_and_address(void **state)
{
	struct fx *f = fx_get(state);
	int64_t until = -1;
	bool locked = true;
	assert_int_equal(nl_throttle_check(&f->app, &pol, NL_DOOR_FORM, "tckn:1", "10.0.0.1", T0,
	                                   &until), NL_OK);
	assert_int_equal(until, 0);
	for (int i = 0; i < 2; i++) {
		assert_int_equal(nl_throttle_fail(&f->app, &pol, NL_DOOR_FORM, "tckn:1", "10.0.0.1", T0,
		                                  &locked), NL_OK);
		assert_false(locked);
	}
	assert_int_equal(nl_throttle_fail(&f->app, &pol, NL_DOOR_FORM, "tckn:1", "10.0.0.1", T0,
	                                  &locked), NL_OK);
	assert_true(locked);   /* the third failure locks the ID for this address */
	assert_int_equal(nl_throttle_check(&f->app, &pol, NL_DOOR_FORM, "tckn:1", "10.0.0.1", T0 + 1,
	                                   &until), NL_ERR_LOCKED);
	assert_int_equal(until, T0 + 300);
	/* The owner from another address is not locked out. */
	assert_int_equal(nl_throttle_check(&f->app, &pol, NL_DOOR_FORM, "tckn:1", "10.0.0.9", T0 + 1,
	                                   &until), NL_OK);
	/* Another ID from the same address is not locked yet (3 of 5). */
	assert_int_equal(nl_throttle_check(&f->app, &pol, NL_DOOR_FORM, "tckn:2", "10.0.0.1", T0 + 1,
	                                   &until), NL_OK);
	/* Another door is separate. */
	assert_int_equal(nl_throttle_check(&f->app, &pol, NL_DOOR_IDENTITY, "tckn:1", "10.0.0.1",
	                                   T0 + 1, &until), NL_OK);
	/* Two more failures from the address lock it for every ID. */
	for (int i = 0; i < 2; i++)
		assert_int_equal(nl_throttle_fail(&f->app, &pol, NL_DOOR_FORM, "tckn:3", "10.0.0.1",
		                                  T0 + 2, NULL), NL_OK);
	assert_int_equal(nl_throttle_check(&f->app, &pol, NL_DOOR_FORM, "tckn:4", "10.0.0.1", T0 + 3,
	                                   &until), NL_ERR_LOCKED);
	assert_int_equal(until, T0 + 2 + 900);
	/* Locks end by themselves. */
	assert_int_equal(nl_throttle_check(&f->app, &pol, NL_DOOR_FORM, "tckn:1", "10.0.0.2",
	                                   T0 + 301, &until), NL_OK);
	/* Nothing in the table names an ID number or an address. */
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM login_throttle WHERE subject LIKE '%tckn%'"
	                        " OR subject LIKE '%10.0.0%'"), 0);
}

static void test_throttle_success_clears_id_only(void **state)
{
	struct fx *f = fx_get(state);
	for (int i = 0; i < 2; i++)
		assert_int_equal(nl_throttle_fail(&f->app, &pol, NL_DOOR_FORM, "tckn:7", "10.0.0.7", T0,
		                                  NULL), NL_OK);
	assert_int_equal(nl_throttle_success(&f->app, NL_DOOR_FORM, "tckn:7", "10.0.0.7", T0), NL_OK);
	/* Two more failures for the ID do not lock it (the count was cleared)... */
	bool locked = true;
	for (int i = 0; i < 2; i++)
		assert_int_equal(nl_throttle_fail(&f->app, &pol, NL_DOOR_FORM, "tckn:7", "10.0.0.8", T0,
		                                  &locked), NL_OK);
	assert_false(locked);
	/* ...but the address still remembers its two: three more lock it (5). */
	for (int i = 0; i < 3; i++)
		assert_int_equal(nl_throttle_fail(&f->app, &pol, NL_DOOR_FORM, "tckn:x", "10.0.0.7", T0,
		                                  &locked), NL_OK);
	assert_true(locked);
	/* Only the address counted: NULL or "" ID. */
	assert_int_equal(nl_throttle_fail(&f->app, &pol, NL_DOOR_STAFF, NULL, "10.1.1.1", T0, NULL),
	                 NL_OK);
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM login_throttle WHERE door = 'staff'"), 1);
}

static void test_policy_from_config(void **state)
{
	(void)state;
	struct nl_config cfg;
	struct nl_throttle_policy p;
	char err[128];
	nl_config_defaults(&cfg, NULL);
	nl_throttle_policy_from_config(&cfg, &p);
	assert_int_equal(p.id_max_failures, 5);
	assert_int_equal(p.addr_max_failures, 30);
	const char *text = "[throttle]\nid_max_failures = 2\naddr_lock = 60\n";
	assert_int_equal(nl_config_parse(&cfg, text, strlen(text), err, sizeof err), NL_OK);
	nl_throttle_policy_from_config(&cfg, &p);
	assert_int_equal(p.id_max_failures, 2);
	assert_int_equal(p.addr_lock_s, 60);
	text = "[throttle]\nid_max_failures = 0\n";
	assert_int_equal(nl_config_parse(&cfg, text, strlen(text), err, sizeof err), NL_ERR_CONFIG);
}

/* ---- captcha ---- */

static void test_fixed_captcha_config(void **state)
{
	(void)state;
	struct nl_config cfg;
	char err[160];
	nl_config_defaults(&cfg, NULL);
	const char *text = "[demo]\nfixed_captcha = ACDEF\n";
	assert_int_equal(nl_config_parse(&cfg, text, strlen(text), err, sizeof err), NL_OK);
	/* Outside demo mode the test setting stops the server. */
	assert_int_equal(nl_config_validate(&cfg, err, sizeof err), NL_ERR_CONFIG);
	assert_non_null(strstr(err, "fixed_captcha"));
	cfg.demo = true;
	assert_int_equal(nl_config_validate(&cfg, err, sizeof err), NL_OK);
	/* Only letters the captcha can show ("B" is not one of them). */
	snprintf(cfg.fixed_captcha, sizeof cfg.fixed_captcha, "ABCDE");
	assert_int_equal(nl_config_validate(&cfg, err, sizeof err), NL_ERR_CONFIG);
	/* The config's copy of the alphabet is the captcha's. */
	snprintf(cfg.fixed_captcha, sizeof cfg.fixed_captcha, "%.6s", NL_CAPTCHA_ALPHABET);
	assert_int_equal(nl_config_validate(&cfg, err, sizeof err), NL_OK);
	snprintf(cfg.fixed_captcha, sizeof cfg.fixed_captcha, "%.6s", &NL_CAPTCHA_ALPHABET[16]);
	assert_int_equal(nl_config_validate(&cfg, err, sizeof err), NL_OK);
}

static void test_captcha_ticket(void **state)
{
	struct fx *f = fx_get(state);
	struct nl_config cfg;
	nl_config_defaults(&cfg, NULL);
	struct nl_captcha pic;
	struct nl_captcha_ticket t;
	assert_int_equal(nl_app_captcha_new(&(struct nl_app){.cfg = &cfg, .db = f->db}, T0, &pic, &t), NL_OK);
	assert_true(pic.png_len > 100);
	assert_int_equal(t.expires_at, T0 + NL_CAPTCHA_TTL);
	/* Only a keyed hash is kept: not the answer itself. */
	assert_null(strstr(t.hash, pic.answer));
	char lower[NL_CAPTCHA_MAX_LEN + 3];
	snprintf(lower, sizeof lower, "%s", pic.answer);
	for (char *p = lower; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	assert_int_equal(nl_app_captcha_check(&f->app, &t, lower, T0 + 10), NL_OK);
	assert_int_equal(nl_app_captcha_check(&f->app, &t, pic.answer, T0 + NL_CAPTCHA_TTL),
	                 NL_ERR_EXPIRED);
	assert_int_equal(nl_app_captcha_check(&f->app, &t, "", T0), NL_ERR_INVALID);
	assert_int_equal(nl_app_captcha_check(&f->app, NULL, pic.answer, T0), NL_ERR_INVALID);
	char wrong[NL_CAPTCHA_MAX_LEN + 1];
	snprintf(wrong, sizeof wrong, "%s", pic.answer);
	wrong[0] = wrong[0] == 'A' ? 'C' : 'A';
	assert_int_equal(nl_app_captcha_check(&f->app, &t, wrong, T0), NL_ERR_INVALID);
	nl_captcha_free(&pic);

	/* The fixed test answer: honoured in demo mode only. */
	snprintf(cfg.fixed_captcha, sizeof cfg.fixed_captcha, "ACDEF");
	assert_int_equal(nl_app_captcha_new(&(struct nl_app){.cfg = &cfg, .db = f->db}, T0, &pic, &t), NL_OK);
	assert_string_not_equal(pic.answer, "ACDEF");   /* cfg.demo is false */
	nl_captcha_free(&pic);
	cfg.demo = true;
	assert_int_equal(nl_app_captcha_new(&(struct nl_app){.cfg = &cfg, .db = f->db}, T0, &pic, &t), NL_OK);
	assert_string_equal(pic.answer, "ACDEF");
	assert_int_equal(nl_app_captcha_check(&f->app, &t, "ac-def", T0), NL_OK);
	nl_captcha_free(&pic);
}

/* ---- logins, orders, time-outs ---- */

struct world {
	int64_t inst, ayse, isil, ayse_order, isil_order;
	char hash[NL_PWHASH_LEN];
};

/* char *, not const: the store's structs take char * (string literals fit). */
static int64_t make_person(struct fx *f, char *tckn, char *given, char *sur, char *place,
                           char *date)
{
	struct nl_person p = {.id_kind = NL_ID_TCKN, .id_number = tckn, .given_name = given,
	                      .surname = sur, .birth_place = place, .birth_date = date};
	assert_int_equal(nl_store_person_create(f->c, &p), NL_OK);
	return p.id;
}

static int64_t make_order(struct fx *f, int64_t person, int64_t inst, char *hash,
                          enum nl_payment_type pay)
{
	struct nl_order o = {.person_id = person, .institution_id = inst,
	                     .reason = NL_REASON_FIRST, .payment_type = pay,
	                     .access_password_hash = hash};
	assert_int_equal(nl_store_order_create(f->c, &o, "test"), NL_OK);
	return o.id;
}

static void make_world(struct fx *f, struct world *w)
{
	struct nl_institution inst = {.name = "Kurum", .active = true};
	assert_int_equal(nl_store_institution_create(f->c, &inst), NL_OK);
	w->inst = inst.id;
	assert_int_equal(nl_password_hash("Demo2026", w->hash), NL_OK);
	w->ayse = make_person(f, "64172043210", "AYŞE", "YILMAZ", "İSTANBUL", "1985-03-14");
	w->isil = make_person(f, "49214588584", "IŞIL", "ÇELİK", "İZMİR", "1992-06-21");
	w->ayse_order = make_order(f, w->ayse, w->inst, w->hash, NL_PAY_INSTITUTION);
	w->isil_order = make_order(f, w->isil, w->inst, w->hash, NL_PAY_PERSON);
}

static void test_form_login(void **state)
{
	struct fx *f = fx_get(state);
	struct world w;
	make_world(f, &w);
	struct nl_login_result out;
	struct nl_login_form_input in = {.id_number = "64172043210", .password = "Demo2026",
	                                 .client_addr = "10.0.0.1", .now = T0};
	assert_int_equal(nl_login_person_form(&f->app, &pol, &in, &out), NL_OK);
	assert_int_equal(out.person_id, w.ayse);
	in.password = "wrong";
	assert_int_equal(nl_login_person_form(&f->app, &pol, &in, &out), NL_ERR_UNAUTHORIZED);
	/* Unknown ID and passport holder with that number: the same answer. */
	in.id_number = "10000000146";
	assert_int_equal(nl_login_person_form(&f->app, &pol, &in, &out), NL_ERR_UNAUTHORIZED);
	in.passport = true;
	in.id_number = "64172043210";
	in.password = "Demo2026";
	assert_int_equal(nl_login_person_form(&f->app, &pol, &in, &out), NL_ERR_UNAUTHORIZED);
	/* A cancelled order opens no door. */
	assert_int_equal(nl_store_order_set_status(f->c, w.isil_order, NL_ST_FORM_PAYMENT_WAIT,
	                                           NL_ST_CANCELLED, "test", "x"), NL_OK);
	in.passport = false;
	in.id_number = "49214588584";
	assert_int_equal(nl_login_person_form(&f->app, &pol, &in, &out), NL_ERR_UNAUTHORIZED);
	/* The fifth failure of 10.0.0.1 locks that address. */
	in.id_number = "64172043210";
	in.password = "wrong";
	assert_int_equal(nl_login_person_form(&f->app, &pol, &in, &out), NL_ERR_UNAUTHORIZED);
	assert_true(out.locked_until > T0);
	/* Two more wrong answers from 10.0.0.4 lock nothing: the ID from 10.0.0.4
	 * has 2 of 3, the ID from all addresses 4 of 8 (the ceiling). */
	in.client_addr = "10.0.0.4";
	for (int i = 0; i < 2; i++) {
		assert_int_equal(nl_login_person_form(&f->app, &pol, &in, &out), NL_ERR_UNAUTHORIZED);
		assert_int_equal(out.locked_until, 0);
	}
	/* A third locks the ID for 10.0.0.4 only: the owner from 10.0.0.2 gets in. */
	assert_int_equal(nl_login_person_form(&f->app, &pol, &in, &out), NL_ERR_UNAUTHORIZED);
	assert_true(out.locked_until > T0);
	in.password = "Demo2026";
	assert_int_equal(nl_login_person_form(&f->app, &pol, &in, &out), NL_ERR_LOCKED);
	in.client_addr = "10.0.0.2";
	assert_int_equal(nl_login_person_form(&f->app, &pol, &in, &out), NL_OK);
	/* Three guesses from fresh addresses reach the ceiling (8 for the ID from
	 * all addresses): then even the right password is refused without being
	 * checked, from anywhere, until the lock ends. */
	in.password = "wrong";
	for (int i = 0; i < 3; i++) {
		char addr[32];
		snprintf(addr, sizeof addr, "10.0.1.%d", i);
		in.client_addr = addr;
		assert_int_equal(nl_login_person_form(&f->app, &pol, &in, &out), NL_ERR_UNAUTHORIZED);
	}
	assert_true(out.locked_until > T0);
	in.password = "Demo2026";
	in.client_addr = "10.0.0.3";
	assert_int_equal(nl_login_person_form(&f->app, &pol, &in, &out), NL_ERR_LOCKED);
	in.now = T0 + pol.id_lock_s + 1;
	assert_int_equal(nl_login_person_form(&f->app, &pol, &in, &out), NL_OK);
}

/* Issue 15, 1: access passwords are machine-made, so they are stored as a
 * keyed hash ("k1$..."); one stored by an older version as argon2id still
 * logs in, and is replaced by the keyed form on that login. */
static void test_access_password_keyed(void **state)
{
	struct fx *f = fx_get(state);
	struct world w;
	make_world(f, &w);   /* both orders with an argon2id hash of "Demo2026" */
	uint8_t key[NL_KEYED_KEY_LEN];
	char keyed[NL_ACCESS_HASH_LEN];
	assert_int_equal(nl_install_hash_key(f->db, key), NL_OK);
	nl_access_hash(key, "Kp7xQ2mZrT", keyed);
	assert_true(strncmp(keyed, "k1$", 3) == 0 && strlen(keyed) == 67);
	assert_true(nl_access_verify(key, keyed, "Kp7xQ2mZrT", NULL));
	assert_false(nl_access_verify(key, keyed, "Kp7xQ2mZrt", NULL));
	assert_false(nl_access_verify(key, "k1$", "", NULL));
	int64_t p = make_person(f, "10000000146", "ALİ", "KAYA", "ANKARA", "1980-01-01");
	int64_t o = make_order(f, p, w.inst, keyed, NL_PAY_INSTITUTION);
	struct nl_login_result out;
	struct nl_login_form_input in = {.id_number = "10000000146", .password = "Kp7xQ2mZrT",
	                                 .client_addr = "10.0.0.1", .now = T0};
	assert_int_equal(nl_login_person_form(&f->app, &pol, &in, &out), NL_OK);
	assert_int_equal(out.person_id, p);
	in.password = "Kp7xQ2mZrt";
	assert_int_equal(nl_login_person_form(&f->app, &pol, &in, &out), NL_ERR_UNAUTHORIZED);
	char sql[160];
	snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM orders WHERE id = %lld"
	         " AND access_password_hash LIKE 'k1$%%'", (long long)o);
	assert_int_equal(fx_int(f, sql), 1);

	/* The old form: a wrong password upgrades nothing, the right one logs in
	 * and leaves the keyed form behind, which logs in again. */
	snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM orders WHERE id = %lld"
	         " AND access_password_hash LIKE '$argon2id$%%'", (long long)w.ayse_order);
	in.id_number = "64172043210";
	in.password = "Demo2026x";
	assert_int_equal(nl_login_person_form(&f->app, &pol, &in, &out), NL_ERR_UNAUTHORIZED);
	assert_int_equal(fx_int(f, sql), 1);
	in.password = "Demo2026";
	assert_int_equal(nl_login_person_form(&f->app, &pol, &in, &out), NL_OK);
	assert_int_equal(out.person_id, w.ayse);
	assert_int_equal(fx_int(f, sql), 0);
	snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM orders WHERE id = %lld"
	         " AND access_password_hash LIKE 'k1$%%'", (long long)w.ayse_order);
	assert_int_equal(fx_int(f, sql), 1);
	assert_int_equal(nl_login_person_form(&f->app, &pol, &in, &out), NL_OK);
	assert_int_equal(out.person_id, w.ayse);
	/* The other person's old hash was not touched. */
	snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM orders WHERE id = %lld"
	         " AND access_password_hash LIKE '$argon2id$%%'", (long long)w.isil_order);
	assert_int_equal(fx_int(f, sql), 1);
}

/* Issue 15, 1: the hashing pool hashes and verifies right under concurrency
 * (more callers than workers), and hashes on the caller's thread when stopped. */
#define POOL_CALLERS 8
static void *pool_caller(void *arg)
{
	int k = (int)(intptr_t)arg;
	char pw[32], other[32], h[NL_PWHASH_LEN];
	snprintf(pw, sizeof pw, "söz-%d", k);
	snprintf(other, sizeof other, "söz-%d", k + 1);
	for (int i = 0; i < 4; i++) {
		if (nl_pwhash_hash(pw, h) != NL_OK || !nl_pwhash_verify(h, pw) ||
		    nl_pwhash_verify(h, other) || !nl_password_verify(h, pw))
			return (void *)1;
	}
	return NULL;
}

static void test_pwhash_pool(void **state)
{
	(void)state;
	pthread_t th[POOL_CALLERS];
	assert_int_equal(nl_pwhash_pool_start(2), NL_OK);
	for (int i = 0; i < POOL_CALLERS; i++)
		assert_int_equal(pthread_create(&th[i], NULL, pool_caller, (void *)(intptr_t)i), 0);
	for (int i = 0; i < POOL_CALLERS; i++) {
		void *r = (void *)1;
		pthread_join(th[i], &r);
		assert_null(r);
	}
	nl_pwhash_pool_stop();
	assert_null(pool_caller((void *)(intptr_t)99));
	assert_false(nl_pwhash_verify(NULL, "x"));
}

/* Lock-out by strangers (issue 10, 6), with the default policy, at a person
 * door and at the staff door: the guesser's address is locked for that ID
 * quickly; the owner from an address without failures still gets in; an
 * attacker rotating addresses hits the per-ID ceiling; and with growing locks
 * the guesses of a day stay bounded. */
static void test_throttle_owner_elsewhere(void **state)
{
	struct fx *f = fx_get(state);
	struct nl_throttle_policy dp;
	nl_throttle_policy_defaults(&dp);
	const char *doors[] = {NL_DOOR_FORM, NL_DOOR_STAFF};
	for (size_t d = 0; d < 2; d++) {
		const char *door = doors[d], *id = d ? "uretim" : "tckn:64172043210";
		int64_t until = 0;
		bool locked = false;
		for (int i = 0; i < dp.id_max_failures; i++)
			assert_int_equal(nl_throttle_fail(&f->app, &dp, door, id, "203.0.113.1", T0, &locked),
			                 NL_OK);
		assert_true(locked);
		assert_int_equal(nl_throttle_check(&f->app, &dp, door, id, "203.0.113.1", T0 + 1, &until),
		                 NL_ERR_LOCKED);
		assert_int_equal(nl_throttle_check(&f->app, &dp, door, id, "198.51.100.7", T0 + 1, &until),
		                 NL_OK);
		assert_int_equal(nl_throttle_success(&f->app, door, id, "198.51.100.7", T0 + 1), NL_OK);
		/* The same every 15 minutes for hours: the owner is never locked out. */
		for (int64_t t = T0 + 900; t < T0 + 8 * 3600; t += 900) {
			for (int i = 0; i < dp.id_max_failures; i++)
				assert_int_equal(nl_throttle_fail(&f->app, &dp, door, id, "203.0.113.1", t, NULL),
				                 NL_OK);
			assert_int_equal(nl_throttle_check(&f->app, &dp, door, id, "198.51.100.7", t + 1,
			                                   &until), NL_OK);
		}
	}
	/* Rotating addresses (4 guesses each, below the per-address limit): the
	 * ceiling stops them, and the locks grow; a day allows a bounded number. */
	const char *id = "tckn:49214588584";
	int64_t t = T0, guesses = 0, first_day = -1;
	int addr_no = 0, per_addr = 0;
	bool ceiling_seen = false;
	while (t < T0 + 2 * 86400) {
		if (first_day < 0 && t >= T0 + 86400)
			first_day = guesses;
		char addr[32];
		if (per_addr == 4) {
			addr_no++;
			per_addr = 0;
		}
		snprintf(addr, sizeof addr, "10.%d.%d.%d", (addr_no >> 16) & 255, (addr_no >> 8) & 255,
		         addr_no & 255);
		int64_t until = 0;
		nl_err e = nl_throttle_check(&f->app, &dp, NL_DOOR_IDENTITY, id, addr, t, &until);
		if (e == NL_ERR_LOCKED) {
			if (!ceiling_seen) {   /* the first lock: the ceiling, after id_ceiling guesses */
				assert_int_equal(guesses, dp.id_ceiling);
				/* ...and it holds for the owner too, from any address */
				assert_int_equal(nl_throttle_check(&f->app, &dp, NL_DOOR_IDENTITY, id,
				                                   "192.0.2.200", t, NULL), NL_ERR_LOCKED);
				ceiling_seen = true;
			}
			t = until;
			continue;
		}
		assert_int_equal(e, NL_OK);
		assert_int_equal(nl_throttle_fail(&f->app, &dp, NL_DOOR_IDENTITY, id, addr, t, NULL), NL_OK);
		guesses++;
		per_addr++;
		t += 1;
	}
	assert_true(ceiling_seen);
	/* 50 + 50 after 15 min + 50 after 30 min + ...: at most 8 rounds the first
	 * day (900 s doubling to a day), at most 2 the second. */
	assert_true(first_day <= 8 * dp.id_ceiling);
	assert_true(guesses - first_day <= 2 * dp.id_ceiling);
}

static void test_identity_login(void **state)
{
	struct fx *f = fx_get(state);
	struct world w;
	make_world(f, &w);
	nl_registry *reg = NULL;
	assert_int_equal(nl_registry_sim_new(NL_SOURCE_ROOT "/data/demo-citizens.json", &reg), NL_OK);
	struct nl_app app = f->app;   /* with the registry simulator */
	app.drivers.registry = reg;
	struct nl_login_result out;
	struct nl_login_identity_input in = {
		.tckn = "49214588584", .given_name = "ışıl", .surname = "çelik",
		.birth_place = "izmir", .birth_date = "1992-06-21", .client_addr = "10.0.0.3",
		.now = T0,
	};
	assert_int_equal(nl_login_person_identity(&app, &pol, &in, &out), NL_OK);
	assert_int_equal(out.person_id, w.isil);
	in.given_name = "isil";   /* dotted i: another name */
	assert_int_equal(nl_login_person_identity(&app, &pol, &in, &out), NL_ERR_UNAUTHORIZED);
	/* Verified by the registry but no order here: refused alike. */
	struct nl_login_identity_input g = {
		.tckn = "45765846364", .given_name = "GÜLŞEN", .surname = "DOĞAN",
		.birth_place = "ESKİŞEHİR", .birth_date = "1988-01-30", .client_addr = "10.0.0.3",
		.now = T0,
	};
	assert_int_equal(nl_login_person_identity(&app, &pol, &g, &out), NL_ERR_UNAUTHORIZED);
	/* No registry: NL_ERR_IO, not a failure of the person. */
	in.given_name = "IŞIL";
	assert_int_equal(nl_login_person_identity(&f->app, &pol, &in, &out), NL_ERR_IO);
	assert_int_equal(nl_login_person_identity(&app, &pol, &in, &out), NL_OK);
	nl_registry_free(reg);
}

static void test_person_orders(void **state)
{
	struct fx *f = fx_get(state);
	struct world w;
	make_world(f, &w);
	make_order(f, w.ayse, w.inst, w.hash, NL_PAY_PERSON);
	struct nl_person_order *rows = NULL;
	size_t n = 0;
	assert_int_equal(nl_person_orders(&f->app, w.ayse, &rows, &n), NL_OK);
	assert_int_equal(n, 2);
	assert_true(rows[0].order_no > rows[1].order_no);   /* newest first */
	assert_int_equal(rows[0].status, NL_ST_FORM_PAYMENT_WAIT);
	assert_int_equal(rows[0].action, NL_ACTION_COMPLETE);
	assert_true(rows[0].cancellable);
	int64_t no = rows[1].order_no;
	free(rows);
	struct nl_person_order o;
	assert_int_equal(nl_person_order(&f->app, w.ayse, no, &o), NL_OK);
	assert_int_equal(o.order_no, no);
	/* Işıl's order does not exist for Ayşe. */
	struct nl_order isil;
	assert_int_equal(nl_store_order_get(f->c, w.isil_order, &isil), NL_OK);
	assert_int_equal(nl_person_order(&f->app, w.ayse, isil.order_no, &o), NL_ERR_NOT_FOUND);
	nl_order_clear(&isil);
	assert_int_equal(nl_person_order(&f->app, w.ayse, 1, &o), NL_ERR_NOT_FOUND);
	char name[64];
	assert_int_equal(nl_person_display_name(&f->app, w.isil, name, sizeof name), NL_OK);
	assert_string_equal(name, "IŞIL ÇELİK");
}

static void test_timeout_worker(void **state)
{
	struct fx *f = fx_get(state);
	struct world w;
	make_world(f, &w);
	struct nl_config cfg;
	nl_config_defaults(&cfg, NL_SOURCE_ROOT "/web");
	/* The contacts the institution gave: each one is told (issue 13 item 6). */
	fx_exec(f, "UPDATE persons SET email = 'kisi@example.org', mobile = '5321234567'");
	cfg.preapplication_timeout_days = 30;
	/* A third order that has moved on (production) is never timed out. */
	int64_t done_order = make_order(f, w.ayse, w.inst, w.hash, NL_PAY_INSTITUTION);
	assert_int_equal(nl_store_order_set_status(f->c, done_order, NL_ST_FORM_WAIT,
	                                           NL_ST_PRODUCTION_WAIT, "test", NULL), NL_OK);
	int64_t created = fx_int(f, "SELECT MIN(created_at) FROM orders");
	int64_t n = -1;
	/* Day 29: nothing is overdue. */
	assert_int_equal(nl_timeout_run_once(&(struct nl_app){.cfg = &cfg, .db = f->db}, created + 29 * 86400, &n), NL_OK);
	assert_int_equal(n, 0);
	/* Day 31: both pre-applications waiting for their form are cancelled. */
	assert_int_equal(nl_timeout_run_once(&(struct nl_app){.cfg = &cfg, .db = f->db}, created + 31 * 86400 + 60, &n), NL_OK);
	assert_int_equal(n, 2);
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM orders WHERE status = 'cancelled'"
	                        " AND cancel_reason = 'zaman aşımı'"), 2);
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM orders WHERE status = 'production_wait'"), 1);
	/* Each person is told, in the same transaction as his order's change. */
	assert_int_equal(fx_int(f, "SELECT COUNT(DISTINCT x.order_id) FROM outbox x JOIN orders o"
	                        " ON o.id = x.order_id WHERE o.status = 'cancelled'"
	                        " AND x.body_text LIKE '%zaman aşımı%'"), 2);
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM audit_log WHERE actor = 'worker:timeout'"
	                        " AND action = 'status' AND to_state = 'cancelled'"
	                        " AND reason = 'zaman aşımı'"), 2);
	/* Running again finds nothing, and sweeps spent login counters. */
	assert_int_equal(nl_throttle_fail(&f->app, &pol, NL_DOOR_FORM, "tckn:9", "10.9.9.9",
	                                  created + 39 * 86400, NULL), NL_OK);
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM login_throttle"), 3);   /* ID from address, ID, address */
	assert_int_equal(nl_timeout_run_once(&(struct nl_app){.cfg = &cfg, .db = f->db}, created + 40 * 86400, &n), NL_OK);
	assert_int_equal(n, 0);
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM login_throttle"), 0);
	int64_t bad = -1;
	assert_int_equal(nl_store_audit_verify(f->db, &bad), NL_OK);
}

#define NODES 3
#define ORDERS 12

struct node {
	struct fx *f;
	const struct nl_config *cfg;
	int64_t now, cancelled;
	nl_err rc;
	pthread_barrier_t *go;
};

static void *run_node(void *arg)
{
	struct node *n = arg;
	/* Each "node" has its own database handle, as separate processes would. */
	nl_db *db = NULL;
	n->rc = nl_db_open(&db, n->f->url);
	pthread_barrier_wait(n->go);
	if (n->rc == NL_OK)
		n->rc = nl_timeout_run_once(&(struct nl_app){.cfg = n->cfg, .db = db}, n->now, &n->cancelled);
	nl_db_close(db);
	return NULL;
}

/* Several nodes run the worker at once: every overdue order is cancelled
 * exactly once, with exactly one audit record. */
static void test_timeout_worker_nodes(void **state)
{
	struct fx *f = fx_get(state);
	struct world w;
	make_world(f, &w);
	for (int i = 2; i < ORDERS; i++)
		make_order(f, i % 2 ? w.ayse : w.isil, w.inst, w.hash, NL_PAY_INSTITUTION);
	struct nl_config cfg;
	nl_config_defaults(&cfg, NULL);
	cfg.preapplication_timeout_days = 1;
	int64_t now = fx_int(f, "SELECT MAX(created_at) FROM orders") + 2 * 86400;
	pthread_barrier_t go;
	pthread_barrier_init(&go, NULL, NODES);
	pthread_t t[NODES];
	struct node nodes[NODES];
	for (int i = 0; i < NODES; i++) {
		nodes[i] = (struct node){.f = f, .cfg = &cfg, .now = now, .go = &go};
		assert_int_equal(pthread_create(&t[i], NULL, run_node, &nodes[i]), 0);
	}
	int64_t total = 0;
	for (int i = 0; i < NODES; i++) {
		pthread_join(t[i], NULL);
		assert_int_equal(nodes[i].rc, NL_OK);
		total += nodes[i].cancelled;
	}
	pthread_barrier_destroy(&go);
	assert_int_equal(total, ORDERS);
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM orders WHERE status = 'cancelled'"), ORDERS);
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM audit_log WHERE actor = 'worker:timeout'"),
	                 ORDERS);
	int64_t bad = -1;
	assert_int_equal(nl_store_audit_verify(f->db, &bad), NL_OK);
}

int main(void)
{
	nl_secret_init();
	nl_password_set_cost(NL_PWHASH_TEST);
	static const struct fx_test tests[] = {
		FX_TEST(test_throttle_id_and_address),
		FX_TEST(test_throttle_success_clears_id_only),
		FX_TEST(test_throttle_owner_elsewhere),
		FX_TEST(test_policy_from_config),
		FX_TEST(test_fixed_captcha_config),
		FX_TEST(test_captcha_ticket),
		FX_TEST(test_form_login),
		FX_TEST(test_access_password_keyed),
		FX_TEST(test_pwhash_pool),
		FX_TEST(test_identity_login),
		FX_TEST(test_person_orders),
		FX_TEST(test_timeout_worker),
		FX_TEST(test_timeout_worker_nodes),
	};
	int status = fx_main("person_app", tests, sizeof tests / sizeof tests[0]);
	nl_docs_shutdown();   /* so LeakSanitizer sees no font caches */
	return status;
}
