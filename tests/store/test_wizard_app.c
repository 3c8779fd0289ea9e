/* The wizard's use cases on both engines: drafts, versions ("Önceki Başvuru"),
 * another person's order, the approval method choice, and every rule of the
 * SMS code (src/app/form_flow.c, src/app/otp.c). Time is passed in, so expiry
 * and the 15-minute window are tested without sleeping. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/form.h"
#include "app/otp.h"
#include "core/secret.h"
#include "fixture.h"
#include "store/store_orders.h"
#include "store/store_outbox.h"
#include "store/store_persons.h"

static const uint8_t key[NL_KEYED_KEY_LEN] = {1, 2, 3};

struct world {
	int64_t ayse, mehmet;          /* person ids */
	int64_t ayse_no, mehmet_no;    /* order numbers */
};

static void setup_world(struct fx *f, struct world *w)
{
	nl_secret_init();
	nl_password_set_cost(NL_PWHASH_TEST);
	struct nl_person a = {.id_kind = NL_ID_TCKN, .id_number = "64172043210",
	                      .passport_country = "", .given_name = "AYŞE", .surname = "YILMAZ"};
	struct nl_person m = {.id_kind = NL_ID_TCKN, .id_number = "57855534068",
	                      .passport_country = "", .given_name = "MEHMET", .surname = "ÖZTÜRK"};
	assert_int_equal(nl_store_person_create(f->c, &a), NL_OK);
	assert_int_equal(nl_store_person_create(f->c, &m), NL_OK);
	struct nl_order oa = {.person_id = a.id, .reason = NL_REASON_FIRST,
	                      .payment_type = NL_PAY_INSTITUTION};
	struct nl_order om = {.person_id = m.id, .reason = NL_REASON_FIRST,
	                      .payment_type = NL_PAY_PERSON};
	assert_int_equal(nl_store_order_create(f->c, &oa, "test"), NL_OK);
	assert_int_equal(nl_store_order_create(f->c, &om, "test"), NL_OK);
	*w = (struct world){a.id, m.id, oa.order_no, om.order_no};
}

static struct nl_form_input good(const char *mobile)
{
	return (struct nl_form_input){
		.period = "3", .security_word = "Gizli2026", .security_word2 = "Gizli2026",
		.province = "35",
		.typed = {
			.card_reader = "standard", .publish = "yes", .reason = "first",
			.email = "ayse@example.org", .mobile = mobile,
			.operator_name = "vodafone", .info_channel = "sms", .unit = "Muhasebe",
			.title = "Şef", .work_phone = "3122223344", .address_type = "home",
			.address = "Güzelyalı Mah. 12. Sok. No: 3", .district = "Konak",
			.postal_code = "35250", .delivery_method = "courier",
		},
	};
}

/* The code of the newest SMS to mobile, read from the outbox text. */
static void last_code(struct fx *f, const char *mobile, char code[7])
{
	struct nl_outbox_list l = {0};
	struct nl_outbox_filter flt = {.channel = NL_OUTBOX_SMS, .recipient = mobile, .limit = 1};
	assert_int_equal(nl_outbox_list(f->db, &flt, &l), NL_OK);
	assert_int_equal(l.n, 1);
	const char *p = strstr(l.items[0].body_text, "kodunuz: ");
	assert_non_null(p);
	memcpy(code, p + 9, 6);
	code[6] = '\0';
	nl_outbox_list_free(&l);
}

static void test_form_versions(void **state)
{
	struct fx *f = fx_get(state);
	struct world w;
	setup_world(f, &w);
	struct nl_form_input in = good("5321234567");
	struct nl_form_check chk;
	int64_t version = 0;

	/* Draft: kept without the security word. */
	assert_int_equal(nl_form_save_draft(&f->app, w.ayse, w.ayse_no, &in, 100), NL_OK);
	struct nl_form_view v;
	assert_int_equal(nl_form_load(&f->app, w.ayse, w.ayse_no, &v), NL_OK);
	assert_true(v.has_draft);
	assert_false(v.has_current);
	assert_string_equal(v.draft.unit, "Muhasebe");
	assert_string_equal(v.draft.security_word_hash, "");
	assert_true(v.editable);
	assert_false(v.econsent);
	nl_form_view_free(&v);

	/* Another person's order is "not found" for every use case. */
	assert_int_equal(nl_form_load(&f->app, w.mehmet, w.ayse_no, &v), NL_ERR_NOT_FOUND);
	assert_int_equal(nl_form_save_draft(&f->app, w.mehmet, w.ayse_no, &in, 100), NL_ERR_NOT_FOUND);
	assert_int_equal(nl_form_submit(&f->app, w.mehmet, w.ayse_no, &in, 0, 100, &chk, &version),
	                 NL_ERR_NOT_FOUND);

	/* Invalid input: nothing stored. */
	struct nl_form_input bad = in;
	bad.typed.district = "Çankaya";
	assert_int_equal(nl_form_submit(&f->app, w.ayse, w.ayse_no, &bad, 0, 110, &chk, &version),
	                 NL_ERR_INVALID);
	assert_int_equal(chk.n, 1);
	assert_string_equal(chk.issues[0].field, "district");
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM form_versions WHERE version > 0"), 0);

	assert_int_equal(nl_form_submit(&f->app, w.ayse, w.ayse_no, &in, 0, 120, &chk, &version),
	                 NL_OK);
	assert_int_equal(version, 1);
	assert_int_equal(nl_form_load(&f->app, w.ayse, w.ayse_no, &v), NL_OK);
	assert_false(v.has_draft);
	assert_true(v.has_current);
	assert_int_equal(v.current.status, NL_FORM_SUBMITTED);
	assert_true(nl_password_verify(v.current.security_word_hash, "Gizli2026"));
	assert_string_equal(v.current.mobile, "5321234567");
	nl_form_view_free(&v);

	/* A page made from "no version yet" (another tab) cannot overwrite v1. */
	assert_int_equal(nl_form_submit(&f->app, w.ayse, w.ayse_no, &in, 0, 130, &chk, &version),
	                 NL_ERR_CONFLICT);
	/* "Önceki Başvuru": version 2 supersedes version 1. */
	in.typed.unit = "Bilgi İşlem";
	assert_int_equal(nl_form_submit(&f->app, w.ayse, w.ayse_no, &in, 1, 140, &chk, &version),
	                 NL_OK);
	assert_int_equal(version, 2);
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM form_versions WHERE status = 'superseded'"),
	                 1);
	/* The audit trail has both submissions. */
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM audit_log WHERE entity = 'form'"), 2);

	/* Step 2 needs a confirmed current version. */
	assert_int_equal(nl_form_choose_method(&f->app, w.ayse, w.ayse_no, 2, NL_APPROVE_ISLAK, 150),
	                 NL_ERR_CONFLICT);
}

static void test_otp_rules(void **state)
{
	struct fx *f = fx_get(state);
	struct world w;
	setup_world(f, &w);
	struct nl_form_input in = good("5321234567");
	struct nl_form_check chk;
	int64_t version = 0, t = 10000;
	assert_int_equal(nl_form_submit(&f->app, w.ayse, w.ayse_no, &in, 0, t, &chk, &version), NL_OK);

	struct nl_otp_sent sent;
	struct nl_otp_result res;
	char code[7], wrong[16];
	/* Verify before any send. */
	assert_int_equal(nl_otp_verify(&f->app, key, w.ayse, w.ayse_no, 1, "123456", t, &res), NL_OK);
	assert_int_equal(res.outcome, NL_OTP_NO_CODE);
	/* Someone else's order, an old version. */
	assert_int_equal(nl_otp_send(&f->app, key, w.mehmet, w.ayse_no, 1, t, &sent), NL_ERR_NOT_FOUND);
	assert_int_equal(nl_otp_send(&f->app, key, w.ayse, w.ayse_no, 7, t, &sent), NL_ERR_CONFLICT);
	assert_int_equal(sent.refusal, NL_OTP_REFUSE_STALE_VERSION);

	/* Send 1: the SMS is in the outbox, the code only hashed in sms_codes. */
	assert_int_equal(nl_otp_send(&f->app, key, w.ayse, w.ayse_no, 1, t, &sent), NL_OK);
	assert_int_equal(sent.expires_at, t + NL_OTP_TTL);
	assert_string_equal(sent.mobile, "5321234567");
	last_code(f, "5321234567", code);
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM sms_codes WHERE length(code_hash) = 64"), 1);

	/* Bad format counts no try; wrong codes count down, the third locks. */
	assert_int_equal(nl_otp_verify(&f->app, key, w.ayse, w.ayse_no, 1, "12ab", t, &res), NL_OK);
	assert_int_equal(res.outcome, NL_OTP_BAD_FORMAT);
	snprintf(wrong, sizeof wrong, "%06d", (atoi(code) + 1) % 1000000);
	assert_int_equal(nl_otp_verify(&f->app, key, w.ayse, w.ayse_no, 1, wrong, t + 1, &res), NL_OK);
	assert_int_equal(res.outcome, NL_OTP_WRONG);
	assert_int_equal(res.tries_left, 2);
	assert_int_equal(nl_otp_verify(&f->app, key, w.ayse, w.ayse_no, 1, wrong, t + 2, &res), NL_OK);
	assert_int_equal(res.tries_left, 1);
	assert_int_equal(nl_otp_verify(&f->app, key, w.ayse, w.ayse_no, 1, wrong, t + 3, &res), NL_OK);
	assert_int_equal(res.outcome, NL_OTP_LOCKED);
	/* Past the limit even the right code is refused. */
	assert_int_equal(nl_otp_verify(&f->app, key, w.ayse, w.ayse_no, 1, code, t + 4, &res), NL_OK);
	assert_int_equal(res.outcome, NL_OTP_LOCKED);

	/* Send 2 then let it expire (180 s). */
	assert_int_equal(nl_otp_send(&f->app, key, w.ayse, w.ayse_no, 1, t + 10, &sent), NL_OK);
	last_code(f, "5321234567", code);
	assert_int_equal(nl_otp_verify(&f->app, key, w.ayse, w.ayse_no, 1, code, t + 10 + NL_OTP_TTL,
	                               &res), NL_OK);
	assert_int_equal(res.outcome, NL_OTP_EXPIRED);

	/* Send 3; a 4th within 15 minutes is refused, nothing enqueued. */
	assert_int_equal(nl_otp_send(&f->app, key, w.ayse, w.ayse_no, 1, t + 300, &sent), NL_OK);
	last_code(f, "5321234567", code);
	int64_t sms_before = fx_int(f, "SELECT COUNT(*) FROM outbox WHERE channel = 'sms'");
	assert_int_equal(nl_otp_send(&f->app, key, w.ayse, w.ayse_no, 1, t + 310, &sent),
	                 NL_ERR_RATE_LIMIT);
	assert_int_equal(sent.refusal, NL_OTP_REFUSE_ORDER_LIMIT);
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM outbox WHERE channel = 'sms'"), sms_before);

	/* The right code confirms; using it again is "used"; no more sends. */
	assert_int_equal(nl_otp_verify(&f->app, key, w.ayse, w.ayse_no, 1, code, t + 320, &res), NL_OK);
	assert_int_equal(res.outcome, NL_OTP_OK);
	assert_int_equal(nl_otp_verify(&f->app, key, w.ayse, w.ayse_no, 1, code, t + 321, &res), NL_OK);
	assert_int_equal(res.outcome, NL_OTP_USED);
	assert_int_equal(nl_otp_send(&f->app, key, w.ayse, w.ayse_no, 1, t + 2000, &sent),
	                 NL_ERR_CONFLICT);
	assert_int_equal(sent.refusal, NL_OTP_REFUSE_CONFIRMED);

	/* Step 2: e-Onay needs consent (none before issue 6); Islak İmza recorded. */
	assert_int_equal(nl_form_choose_method(&f->app, w.ayse, w.ayse_no, 1, NL_APPROVE_E_ONAY, t),
	                 NL_ERR_FORBIDDEN);
	assert_int_equal(nl_form_choose_method(&f->app, w.mehmet, w.ayse_no, 1, NL_APPROVE_ISLAK, t),
	                 NL_ERR_NOT_FOUND);
	assert_int_equal(nl_form_choose_method(&f->app, w.ayse, w.ayse_no, 1, NL_APPROVE_ISLAK, t),
	                 NL_OK);
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM form_versions WHERE approval_method ="
	                           " 'islak' AND status = 'sms_confirmed'"), 1);

	/* A new version makes the confirmed one superseded: its choice is void. */
	assert_int_equal(nl_form_submit(&f->app, w.ayse, w.ayse_no, &in, 1, t + 3000, &chk, &version),
	                 NL_OK);
	assert_int_equal(nl_form_choose_method(&f->app, w.ayse, w.ayse_no, 1, NL_APPROVE_E_IMZA, t),
	                 NL_ERR_CONFLICT);
	assert_int_equal(nl_otp_verify(&f->app, key, w.ayse, w.ayse_no, 1, code, t + 3001, &res), NL_OK);
	assert_int_equal(res.outcome, NL_OTP_STALE_VERSION);
}

static void test_otp_mobile_limit(void **state)
{
	struct fx *f = fx_get(state);
	struct world w;
	setup_world(f, &w);
	struct nl_form_check chk;
	int64_t version, t = 50000;
	/* Two orders aim codes at one number: 3 + 2 pass, the 6th within an hour is
	 * refused whichever order asks. */
	struct nl_form_input a = good("5551112233"), m = good("5551112233");
	assert_int_equal(nl_form_submit(&f->app, w.ayse, w.ayse_no, &a, 0, t, &chk, &version), NL_OK);
	assert_int_equal(nl_form_submit(&f->app, w.mehmet, w.mehmet_no, &m, 0, t, &chk, &version),
	                 NL_OK);
	struct nl_otp_sent sent;
	for (int i = 0; i < 3; i++)
		assert_int_equal(nl_otp_send(&f->app, key, w.ayse, w.ayse_no, 1, t + i, &sent), NL_OK);
	for (int i = 0; i < 2; i++)
		assert_int_equal(nl_otp_send(&f->app, key, w.mehmet, w.mehmet_no, 1, t + 10 + i, &sent),
		                 NL_OK);
	assert_int_equal(nl_otp_send(&f->app, key, w.mehmet, w.mehmet_no, 1, t + 20, &sent),
	                 NL_ERR_RATE_LIMIT);
	assert_int_equal(sent.refusal, NL_OTP_REFUSE_MOBILE_LIMIT);
	/* After the hour, the number may receive again. */
	assert_int_equal(nl_otp_send(&f->app, key, w.mehmet, w.mehmet_no, 1, t + NL_OTP_MOBILE_WINDOW,
	                             &sent), NL_OK);
	/* And the order window reopened after 15 minutes for Ayşe too. */
	assert_int_equal(nl_otp_send(&f->app, key, w.ayse, w.ayse_no, 1,
	                             t + NL_OTP_ORDER_WINDOW, &sent), NL_ERR_RATE_LIMIT);
	assert_int_equal(sent.refusal, NL_OTP_REFUSE_MOBILE_LIMIT);
}

struct racer {
	struct fx *f;
	const struct world *w;
	const char *code;
	int64_t now;
	enum nl_otp_outcome outcome;
	nl_err rc;
};

static void *race_verify(void *arg)
{
	struct racer *r = arg;
	struct nl_otp_result res;
	r->rc = nl_otp_verify(&r->f->app, key, r->w->ayse, r->w->ayse_no, 1, r->code, r->now, &res);
	r->outcome = res.outcome;
	nl_db_thread_done(r->f->db);
	return NULL;
}

/* Wrong codes sent all at once are counted one by one: exactly two are
 * "wrong, tries left", every other one finds the code locked. */
static void test_otp_parallel_tries(void **state)
{
	struct fx *f = fx_get(state);
	struct world w;
	setup_world(f, &w);
	struct nl_form_input in = good("5320001122");
	struct nl_form_check chk;
	int64_t version, t = 90000;
	struct nl_otp_sent sent;
	char code[7], wrong[16];
	assert_int_equal(nl_form_submit(&f->app, w.ayse, w.ayse_no, &in, 0, t, &chk, &version), NL_OK);
	assert_int_equal(nl_otp_send(&f->app, key, w.ayse, w.ayse_no, 1, t, &sent), NL_OK);
	last_code(f, "5320001122", code);
	snprintf(wrong, sizeof wrong, "%06d", (atoi(code) + 7) % 1000000);
	enum { N = 8 };
	struct racer r[N];
	pthread_t th[N];
	for (int i = 0; i < N; i++) {
		r[i] = (struct racer){f, &w, wrong, t + 1, 0, NL_OK};
		assert_int_equal(pthread_create(&th[i], NULL, race_verify, &r[i]), 0);
	}
	int wrong_n = 0, locked_n = 0;
	for (int i = 0; i < N; i++) {
		pthread_join(th[i], NULL);
		assert_int_equal(r[i].rc, NL_OK);
		wrong_n += r[i].outcome == NL_OTP_WRONG;
		locked_n += r[i].outcome == NL_OTP_LOCKED;
	}
	assert_int_equal(wrong_n, NL_OTP_MAX_TRIES - 1);
	assert_int_equal(locked_n, N - (NL_OTP_MAX_TRIES - 1));
	assert_int_equal(fx_int(f, "SELECT tries FROM sms_codes"), NL_OTP_MAX_TRIES);
}

int main(void)
{
	static const struct fx_test tests[] = {
		FX_TEST(test_form_versions),
		FX_TEST(test_otp_rules),
		FX_TEST(test_otp_mobile_limit),
		FX_TEST(test_otp_parallel_tries),
	};
	return fx_main("wizard_app", tests, sizeof tests / sizeof tests[0]);
}
