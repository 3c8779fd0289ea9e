/* Form versions and SMS codes (migration 0006) on both engines. */
#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "store/store_forms.h"
#include "store/store_orders.h"
#include "store/store_persons.h"

/* A person with one order; returns the order id. */
static int64_t make_order(struct fx *f, char *tckn)
{
	struct nl_person p = {.id_kind = NL_ID_TCKN, .id_number = tckn,
	                      .passport_country = "", .given_name = "AYŞE", .surname = "YILMAZ"};
	assert_int_equal(nl_store_person_create(f->c, &p), NL_OK);
	struct nl_order o = {.person_id = p.id, .reason = NL_REASON_FIRST,
	                     .payment_type = NL_PAY_INSTITUTION};
	assert_int_equal(nl_store_order_create(f->c, &o, "test"), NL_OK);
	return o.id;
}

static void fill(struct nl_form *fm, int64_t order_id, char *unit)
{
	memset(fm, 0, sizeof *fm);
	fm->order_id = order_id;
	fm->period_years = 2;
	fm->card_reader = "mini";
	fm->publish = "no";
	fm->reason = "first";
	fm->security_word_hash = "$argon2id$v=19$test";
	fm->email = "ayse@example.org";
	fm->mobile = "5321234567";
	fm->operator_name = "turkcell";
	fm->info_channel = "both";
	fm->unit = unit;
	fm->title = "Öğretmen";
	fm->work_phone = "3122223344";
	fm->address_type = "institution";
	fm->address = "Atatürk Bulvarı No: 1";
	fm->province = 6;
	fm->district = "Çankaya";
	fm->postal_code = "06420";
	fm->delivery_method = "courier";
}

static void test_draft(void **state)
{
	struct fx *f = fx_get(state);
	int64_t oid = make_order(f, "64172043210");
	struct nl_form got;
	assert_int_equal(nl_store_form_get_draft(f->c, oid, &got), NL_ERR_NOT_FOUND);

	struct nl_form d = {.order_id = oid, .unit = "Bilgi İşlem", .province = 34};
	struct nl_form_saved sv = {.version = -1};
	assert_int_equal(nl_store_form_save_draft(f->c, &d, 100, &sv), NL_OK);
	assert_true(sv.id > 0);
	assert_int_equal(sv.version, 0);
	assert_int_equal(nl_store_form_get_draft(f->c, oid, &got), NL_OK);
	assert_int_equal(got.id, sv.id);
	assert_int_equal(got.status, NL_FORM_DRAFT);
	assert_int_equal(got.version, 0);
	nl_form_clear(&got);
	d.unit = "Muhasebe";
	assert_int_equal(nl_store_form_save_draft(f->c, &d, 110, NULL), NL_OK);
	/* Saving again replaces the one draft of the order. */
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM form_versions"), 1);
	assert_int_equal(nl_store_form_get_draft(f->c, oid, &got), NL_OK);
	assert_string_equal(got.unit, "Muhasebe");
	assert_string_equal(got.email, "");
	assert_int_equal(got.province, 34);
	assert_int_equal(got.created_at, 110);
	nl_form_clear(&got);
	/* A draft is not a version: nothing current yet. */
	assert_int_equal(nl_store_form_current(f->c, oid, &got), NL_ERR_NOT_FOUND);
	struct nl_form none = {0};
	assert_int_equal(nl_store_form_save_draft(f->c, &none, 1, NULL), NL_ERR_INVALID);
}

static void test_versions(void **state)
{
	struct fx *f = fx_get(state);
	int64_t oid = make_order(f, "64172043210");
	struct nl_form d = {.order_id = oid, .unit = "taslak"};
	assert_int_equal(nl_store_form_save_draft(f->c, &d, 100, NULL), NL_OK);

	struct nl_form v1, v2, got;
	struct nl_form_saved s1 = {.superseded = -1}, s2, so;
	fill(&v1, oid, "Bilgi İşlem");
	assert_int_equal(nl_store_form_submit(f->c, &v1, 200, &s1), NL_OK);
	assert_int_equal(s1.version, 1);
	assert_int_equal(s1.superseded, 0);
	/* Submitting deletes the draft. */
	assert_int_equal(nl_store_form_get_draft(f->c, oid, &got), NL_ERR_NOT_FOUND);

	assert_int_equal(nl_store_form_get(f->c, s1.id, &got), NL_OK);
	assert_int_equal(got.version, 1);
	assert_int_equal(got.status, NL_FORM_SUBMITTED);
	assert_int_equal(got.created_at, 200);
	assert_string_equal(got.unit, "Bilgi İşlem");
	assert_string_equal(got.security_word_hash, "$argon2id$v=19$test");
	assert_string_equal(got.home_phone, "");   /* NULL is stored as "" */
	assert_string_equal(got.title, "Öğretmen");
	assert_string_equal(got.district, "Çankaya");
	assert_string_equal(got.operator_name, "turkcell");
	assert_string_equal(got.approval_method, "");
	assert_int_equal(got.period_years, 2);
	assert_int_equal(got.sms_confirmed_at, 0);
	nl_form_clear(&got);

	/* sms_confirmed sets the time; a second identical move is a conflict. */
	assert_int_equal(nl_store_form_set_status(f->c, s1.id, NL_FORM_SUBMITTED,
	                                          NL_FORM_SMS_CONFIRMED, 250), NL_OK);
	assert_int_equal(nl_store_form_set_status(f->c, s1.id, NL_FORM_SUBMITTED,
	                                          NL_FORM_SMS_CONFIRMED, 251), NL_ERR_CONFLICT);
	assert_int_equal(nl_store_form_set_approval_method(f->c, s1.id, "islak", 260), NL_OK);
	assert_int_equal(nl_store_form_get(f->c, s1.id, &got), NL_OK);
	assert_int_equal(got.status, NL_FORM_SMS_CONFIRMED);
	assert_int_equal(got.sms_confirmed_at, 250);
	assert_string_equal(got.approval_method, "islak");
	nl_form_clear(&got);
	/* The engine refuses an unknown method. */
	assert_int_not_equal(nl_store_form_set_approval_method(f->c, s1.id, "fax", 261), NL_OK);

	/* "Önceki Başvuru": a new version supersedes the confirmed one. */
	fill(&v2, oid, "Muhasebe");
	assert_int_equal(nl_store_form_submit(f->c, &v2, 300, &s2), NL_OK);
	assert_int_equal(s2.version, 2);
	assert_int_equal(s2.superseded, 1);
	assert_int_equal(nl_store_form_get(f->c, s1.id, &got), NL_OK);
	assert_int_equal(got.status, NL_FORM_SUPERSEDED);
	assert_string_equal(got.unit, "Bilgi İşlem");   /* history keeps the old data */
	nl_form_clear(&got);
	/* A superseded version can no longer be confirmed or approved. */
	assert_int_equal(nl_store_form_set_status(f->c, s1.id, NL_FORM_SMS_CONFIRMED,
	                                          NL_FORM_APPROVED, 310), NL_ERR_CONFLICT);
	assert_int_equal(nl_store_form_set_approval_method(f->c, s1.id, "e_imza", 310),
	                 NL_ERR_CONFLICT);
	assert_int_equal(nl_store_form_current(f->c, oid, &got), NL_OK);
	assert_int_equal(got.id, s2.id);
	assert_string_equal(got.unit, "Muhasebe");
	nl_form_clear(&got);
	int64_t n = 0;
	assert_int_equal(nl_store_form_count(f->c, oid, &n), NL_OK);
	assert_int_equal(n, 2);

	/* Orders do not see each other's versions. */
	int64_t other = make_order(f, "57855534068");
	assert_int_equal(nl_store_form_current(f->c, other, &got), NL_ERR_NOT_FOUND);
	struct nl_form o1;
	fill(&o1, other, "X");
	assert_int_equal(nl_store_form_submit(f->c, &o1, 400, &so), NL_OK);
	assert_int_equal(so.version, 1);
	assert_int_equal(so.superseded, 0);

	enum nl_form_status st;
	assert_true(nl_form_status_parse("sms_confirmed", &st));
	assert_int_equal(st, NL_FORM_SMS_CONFIRMED);
	assert_false(nl_form_status_parse("done", &st));
	assert_null(nl_form_status_code((enum nl_form_status)99));
}

static void test_sms_codes(void **state)
{
	struct fx *f = fx_get(state);
	int64_t oid = make_order(f, "64172043210");
	struct nl_form v1;
	fill(&v1, oid, "Birim");
	struct nl_form_saved s1;
	assert_int_equal(nl_store_form_submit(f->c, &v1, 1000, &s1), NL_OK);

	struct nl_sms_code got, a = {.order_id = oid, .form_version_id = s1.id,
	                             .mobile = "5321234567", .code_hash = "aa",
	                             .sent_at = 1000, .expires_at = 1180};
	assert_int_equal(nl_store_sms_latest(f->c, s1.id, &got), NL_ERR_NOT_FOUND);
	assert_int_equal(nl_store_sms_insert(f->c, &a), NL_OK);
	assert_true(a.id > 0);
	struct nl_sms_code b = a;
	strcpy(b.code_hash, "bb");
	b.sent_at = 1100;
	b.expires_at = 1280;
	assert_int_equal(nl_store_sms_insert(f->c, &b), NL_OK);
	/* The newer code replaced the older one. */
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM sms_codes WHERE status = 'replaced'"), 1);
	assert_int_equal(nl_store_sms_latest(f->c, s1.id, &got), NL_OK);
	assert_int_equal(got.id, b.id);
	assert_string_equal(got.code_hash, "bb");
	assert_string_equal(got.mobile, "5321234567");
	assert_int_equal(got.status, NL_SMS_ACTIVE);
	assert_int_equal(got.expires_at, 1280);
	assert_int_equal(got.used_at, 0);

	int64_t n = 0;
	assert_int_equal(nl_store_sms_count_order(f->c, oid, 1000, &n), NL_OK);
	assert_int_equal(n, 2);
	assert_int_equal(nl_store_sms_count_order(f->c, oid, 1001, &n), NL_OK);
	assert_int_equal(n, 1);
	assert_int_equal(nl_store_sms_count_mobile(f->c, "5321234567", 0, &n), NL_OK);
	assert_int_equal(n, 2);
	assert_int_equal(nl_store_sms_count_mobile(f->c, "5330000000", 0, &n), NL_OK);
	assert_int_equal(n, 0);

	/* Tries and use; a replaced or used code cannot be updated any more. */
	assert_int_equal(nl_store_sms_update(f->c, b.id, 0, 1, NL_SMS_ACTIVE, 0), NL_OK);
	/* A try that read "0 tries" after another try was counted loses. */
	assert_int_equal(nl_store_sms_update(f->c, b.id, 0, 1, NL_SMS_ACTIVE, 0), NL_ERR_CONFLICT);
	assert_int_equal(nl_store_sms_update(f->c, b.id, 1, 2, NL_SMS_USED, 1150), NL_OK);
	assert_int_equal(nl_store_sms_update(f->c, b.id, 2, 3, NL_SMS_ACTIVE, 0), NL_ERR_CONFLICT);
	assert_int_equal(nl_store_sms_update(f->c, a.id, 0, 1, NL_SMS_ACTIVE, 0), NL_ERR_CONFLICT);
	assert_int_equal(nl_store_form_lock(f->c, s1.id), NL_OK);
	assert_int_equal(nl_store_form_lock(f->c, 99999), NL_ERR_NOT_FOUND);
	assert_int_equal(nl_store_sms_latest(f->c, s1.id, &got), NL_OK);
	assert_int_equal(got.status, NL_SMS_USED);
	assert_int_equal(got.tries, 2);
	assert_int_equal(got.used_at, 1150);

	bool consent = true;
	assert_int_equal(nl_store_econsent_in_force(f->c, 1, &consent), NL_OK);
	assert_false(consent);
}

int main(void)
{
	static const struct fx_test tests[] = {
		FX_TEST(test_draft),
		FX_TEST(test_versions),
		FX_TEST(test_sms_codes),
	};
	return fx_main("forms", tests, sizeof tests / sizeof tests[0]);
}
