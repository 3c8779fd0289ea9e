/* Institutions, users, persons and sessions on both engines. */
#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "store/store_institutions.h"
#include "store/store_persons.h"
#include "store/store_sessions.h"
#include "store/store_users.h"

static void test_institutions(void **state)
{
	struct fx *f = fx_get(state);
	struct nl_institution a = {.name = "Ankara Üniversitesi", .registry_no = "123",
	                           .address = "Dögol Cad.", .active = true};
	struct nl_institution b = {.name = "Bursa Valiliği", .active = true};
	assert_int_equal(nl_store_institution_create(f->c, &a), NL_OK);
	assert_int_equal(nl_store_institution_create(f->c, &b), NL_OK);
	assert_true(a.id > 0 && b.id > a.id);
	struct nl_institution dup = {.name = "Ankara Üniversitesi"};
	assert_int_equal(nl_store_institution_create(f->c, &dup), NL_ERR_CONFLICT);

	struct nl_institution got;
	assert_int_equal(nl_store_institution_get(f->c, a.id, &got), NL_OK);
	assert_string_equal(got.name, "Ankara Üniversitesi");
	assert_string_equal(got.registry_no, "123");
	assert_string_equal(got.address, "Dögol Cad.");
	assert_true(got.active);
	assert_true(got.created_at > 0);
	nl_institution_clear(&got);
	assert_int_equal(nl_store_institution_get(f->c, 9999, &got), NL_ERR_NOT_FOUND);

	b.active = false;
	b.address = "Osmangazi";
	assert_int_equal(nl_store_institution_update(f->c, &b), NL_OK);
	struct nl_institution *list;
	size_t n;
	assert_int_equal(nl_store_institution_list(f->c, &list, &n), NL_OK);
	assert_int_equal(n, 2);
	assert_string_equal(list[1].name, "Bursa Valiliği");
	assert_false(list[1].active);
	assert_string_equal(list[1].address, "Osmangazi");
	nl_institution_list_free(list, n);
	b.id = 4242;
	assert_int_equal(nl_store_institution_update(f->c, &b), NL_ERR_NOT_FOUND);
}

static void test_users(void **state)
{
	struct fx *f = fx_get(state);
	struct nl_institution inst = {.name = "Kurum", .active = true};
	assert_int_equal(nl_store_institution_create(f->c, &inst), NL_OK);
	struct nl_user admin = {.username = "admin", .password_hash = "$argon2id$v=19$x",
	                        .role = NL_ROLE_ADMIN, .active = true};
	struct nl_user officer = {.username = "ayse", .password_hash = "$argon2id$v=19$y",
	                          .role = NL_ROLE_KURUM, .institution_id = inst.id, .active = true};
	assert_int_equal(nl_store_user_create(f->c, &admin), NL_OK);
	assert_int_equal(nl_store_user_create(f->c, &officer), NL_OK);
	struct nl_user dup = {.username = "ayse", .password_hash = "h", .role = NL_ROLE_RA};
	assert_int_equal(nl_store_user_create(f->c, &dup), NL_ERR_CONFLICT);
	dup.role = (enum nl_user_role)42;
	assert_int_equal(nl_store_user_create(f->c, &dup), NL_ERR_INVALID);

	struct nl_user got;
	assert_int_equal(nl_store_user_get_by_username(f->c, "ayse", &got), NL_OK);
	assert_int_equal(got.id, officer.id);
	assert_int_equal(got.role, NL_ROLE_KURUM);
	assert_int_equal(got.institution_id, inst.id);
	assert_string_equal(got.password_hash, "$argon2id$v=19$y");
	assert_true(got.active);
	nl_user_clear(&got);
	assert_int_equal(nl_store_user_get(f->c, admin.id, &got), NL_OK);
	assert_int_equal(got.institution_id, 0);
	nl_user_clear(&got);
	assert_int_equal(nl_store_user_get_by_username(f->c, "nobody", &got), NL_ERR_NOT_FOUND);

	struct nl_user *list;
	size_t n;
	assert_int_equal(nl_store_user_list(f->c, inst.id, &list, &n), NL_OK);
	assert_int_equal(n, 1);
	nl_user_list_free(list, n);
	assert_int_equal(nl_store_user_list(f->c, 0, &list, &n), NL_OK);
	assert_int_equal(n, 2);
	assert_string_equal(list[0].username, "admin");
	nl_user_list_free(list, n);

	/* Three failures lock for 600 s and start the count again. */
	int64_t failed = -1, until = -1;
	assert_int_equal(nl_store_user_login_failed(f->c, officer.id, 1000, 3, 600, &failed, &until), NL_OK);
	assert_int_equal(failed, 1);
	assert_int_equal(until, 0);
	assert_int_equal(nl_store_user_login_failed(f->c, officer.id, 1001, 3, 600, &failed, &until), NL_OK);
	assert_int_equal(nl_store_user_login_failed(f->c, officer.id, 1002, 3, 600, &failed, &until), NL_OK);
	assert_int_equal(failed, 0);
	assert_int_equal(until, 1602);
	assert_int_equal(nl_store_user_login_ok(f->c, officer.id), NL_OK);
	assert_int_equal(nl_store_user_get(f->c, officer.id, &got), NL_OK);
	assert_int_equal(got.failed_logins, 0);
	assert_int_equal(got.locked_until, 0);
	nl_user_clear(&got);
	assert_int_equal(nl_store_user_login_failed(f->c, 999, 1, 3, 600, NULL, NULL), NL_ERR_NOT_FOUND);

	assert_int_equal(nl_store_user_set_password(f->c, officer.id, "$argon2id$new"), NL_OK);
	assert_int_equal(nl_store_user_set_active(f->c, officer.id, false), NL_OK);
	assert_int_equal(nl_store_user_get(f->c, officer.id, &got), NL_OK);
	assert_string_equal(got.password_hash, "$argon2id$new");
	assert_false(got.active);
	nl_user_clear(&got);
	assert_int_equal(nl_store_user_set_active(f->c, 999, true), NL_ERR_NOT_FOUND);

	enum nl_user_role r;
	assert_true(nl_user_role_parse("production", &r));
	assert_int_equal(r, NL_ROLE_PRODUCTION);
	assert_false(nl_user_role_parse("root", &r));
	assert_null(nl_user_role_code((enum nl_user_role)0));
}

static void test_persons(void **state)
{
	struct fx *f = fx_get(state);
	struct nl_person p = {.id_kind = NL_ID_TCKN, .id_number = "10000000146",
	                      .passport_country = "XX", .given_name = "Ömer", .surname = "Çelik",
	                      .email = "omer@example.org", .mobile = "5321234567",
	                      .birth_place = "İzmir", .birth_date = "1980-02-29"};
	assert_int_equal(nl_store_person_create(f->c, &p), NL_OK);
	struct nl_person again = p;
	assert_int_equal(nl_store_person_create(f->c, &again), NL_ERR_CONFLICT);
	/* The same number as a passport is another identity. */
	struct nl_person pass = {.id_kind = NL_ID_PASSPORT, .id_number = "10000000146",
	                         .passport_country = "DE", .given_name = "Hans", .surname = "Muster"};
	assert_int_equal(nl_store_person_create(f->c, &pass), NL_OK);
	struct nl_person missing = {.id_kind = NL_ID_TCKN, .id_number = "", .given_name = "a",
	                            .surname = "b"};
	assert_int_equal(nl_store_person_create(f->c, &missing), NL_ERR_INVALID);

	struct nl_person got;
	assert_int_equal(nl_store_person_find(f->c, NL_ID_TCKN, "10000000146", "whatever", &got), NL_OK);
	assert_int_equal(got.id, p.id);
	assert_string_equal(got.passport_country, "");   /* ignored for tckn */
	assert_string_equal(got.given_name, "Ömer");
	assert_string_equal(got.birth_date, "1980-02-29");
	nl_person_clear(&got);
	assert_int_equal(nl_store_person_find(f->c, NL_ID_PASSPORT, "10000000146", "DE", &got), NL_OK);
	assert_int_equal(got.id, pass.id);
	assert_int_equal(got.id_kind, NL_ID_PASSPORT);
	nl_person_clear(&got);
	assert_int_equal(nl_store_person_find(f->c, NL_ID_PASSPORT, "10000000146", "FR", &got),
	                 NL_ERR_NOT_FOUND);

	p.email = "yeni@example.org";
	p.surname = "Çelikkol";
	assert_int_equal(nl_store_person_update(f->c, &p), NL_OK);
	assert_int_equal(nl_store_person_get(f->c, p.id, &got), NL_OK);
	assert_string_equal(got.email, "yeni@example.org");
	assert_string_equal(got.surname, "Çelikkol");
	assert_string_equal(got.id_number, "10000000146");
	nl_person_clear(&got);
	assert_int_equal(nl_store_person_get(f->c, 12345, &got), NL_ERR_NOT_FOUND);
}

static void hash_of(int k, uint8_t out[NL_SESSION_ID_HASH_LEN])
{
	memset(out, 0, NL_SESSION_ID_HASH_LEN);
	out[0] = (uint8_t)k;
	out[31] = 0xff;
}

static void test_sessions(void **state)
{
	struct fx *f = fx_get(state);
	struct nl_session s = {.kind = NL_SESS_ANON, .created_at = 1000, .last_seen = 1000};
	hash_of(1, s.id_hash);
	strcpy(s.csrf, "c1");
	assert_int_equal(nl_store_session_create(f->c, &s), NL_OK);
	assert_int_equal(nl_store_session_create(f->c, &s), NL_ERR_CONFLICT);

	struct nl_session got;
	assert_int_equal(nl_store_session_get(f->c, s.id_hash, &got), NL_OK);
	assert_memory_equal(got.id_hash, s.id_hash, NL_SESSION_ID_HASH_LEN);
	assert_int_equal(got.kind, NL_SESS_ANON);
	assert_int_equal(got.subject_id, 0);
	assert_string_equal(got.data, "{}");
	assert_string_equal(got.csrf, "c1");
	assert_string_equal(got.lang, "tr");
	assert_int_equal(got.created_at, 1000);
	nl_session_clear(&got);

	/* Login: kind, subject, data, csrf and language change together. */
	s.kind = NL_SESS_PERSON;
	s.subject_id = 77;
	s.data = "{\"order\":5}";
	strcpy(s.csrf, "c2");
	strcpy(s.lang, "en");
	s.last_seen = 1100;
	assert_int_equal(nl_store_session_update(f->c, &s), NL_OK);
	assert_int_equal(nl_store_session_touch(f->c, s.id_hash, 1200), NL_OK);
	assert_int_equal(nl_store_session_get(f->c, s.id_hash, &got), NL_OK);
	assert_int_equal(got.kind, NL_SESS_PERSON);
	assert_int_equal(got.subject_id, 77);
	assert_string_equal(got.data, "{\"order\":5}");
	assert_string_equal(got.csrf, "c2");
	assert_string_equal(got.lang, "en");
	assert_int_equal(got.last_seen, 1200);
	assert_int_equal(got.created_at, 1000);
	nl_session_clear(&got);

	/* Purge: idle (last_seen < 1500) and absolute (created_at < 2000). */
	struct nl_session old_idle = {.kind = NL_SESS_OFFICER, .subject_id = 1,
	                              .created_at = 2500, .last_seen = 1400};
	struct nl_session fresh = {.kind = NL_SESS_HOLDER, .subject_id = 2,
	                           .created_at = 2500, .last_seen = 2600};
	struct nl_session too_old = {.kind = NL_SESS_ANON, .created_at = 1900, .last_seen = 2600};
	hash_of(2, old_idle.id_hash);
	hash_of(3, fresh.id_hash);
	hash_of(4, too_old.id_hash);
	assert_int_equal(nl_store_session_create(f->c, &old_idle), NL_OK);
	assert_int_equal(nl_store_session_create(f->c, &fresh), NL_OK);
	assert_int_equal(nl_store_session_create(f->c, &too_old), NL_OK);
	int64_t purged = -1;
	assert_int_equal(nl_store_session_purge(f->c, 1500, 2000, &purged), NL_OK);
	assert_int_equal(purged, 3);   /* s (last_seen 1200), old_idle, too_old */
	assert_int_equal(nl_store_session_get(f->c, fresh.id_hash, &got), NL_OK);
	assert_int_equal(got.kind, NL_SESS_HOLDER);
	nl_session_clear(&got);
	assert_int_equal(nl_store_session_get(f->c, s.id_hash, &got), NL_ERR_NOT_FOUND);

	assert_int_equal(nl_store_session_delete(f->c, fresh.id_hash), NL_OK);
	assert_int_equal(nl_store_session_get(f->c, fresh.id_hash, &got), NL_ERR_NOT_FOUND);
	assert_int_equal(nl_store_session_delete(f->c, fresh.id_hash), NL_OK);
	assert_int_equal(nl_store_session_touch(f->c, fresh.id_hash, 1), NL_ERR_NOT_FOUND);
	assert_int_equal(nl_store_session_update(f->c, &fresh), NL_ERR_NOT_FOUND);

	enum nl_session_kind k;
	assert_true(nl_session_kind_parse("officer", &k));
	assert_int_equal(k, NL_SESS_OFFICER);
	assert_false(nl_session_kind_parse("root", &k));
	/* The store never sees the cookie value, only its hash: a column of 32 bytes. */
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM sessions"), 0);
}

int main(void)
{
	static const struct fx_test tests[] = {
		FX_TEST(test_institutions),
		FX_TEST(test_users),
		FX_TEST(test_persons),
		FX_TEST(test_sessions),
	};
	return fx_main("entities", tests, sizeof tests / sizeof tests[0]);
}
