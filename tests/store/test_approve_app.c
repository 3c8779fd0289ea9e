/* The approval use case on both engines (src/app/approve.c): each status path
 * of SPEC §7–§8, the notification by the information channel, every refusal,
 * and that a refused or failed approval stores nothing at all. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/approve.h"
#include "app/form.h"
#include "core/secret.h"
#include "fixture.h"
#include "store/store_esign.h"
#include "store/store_forms.h"
#include "store/store_orders.h"
#include "store/store_outbox.h"
#include "store/store_persons.h"
#include "store/store_wet.h"

static struct nl_config cfg;

struct world {
	int64_t person, other;          /* person ids */
	int64_t inst_no, pers_no;       /* institution-paid and person-paid order numbers */
	struct nl_app app;
};

static int64_t new_order(struct fx *f, int64_t person, enum nl_payment_type pt)
{
	struct nl_order o = {.person_id = person, .reason = NL_REASON_FIRST, .payment_type = pt};
	assert_int_equal(nl_store_order_create(f->c, &o, "test"), NL_OK);
	return o.order_no;
}

static void setup(struct fx *f, struct world *w)
{
	nl_secret_init();
	nl_password_set_cost(NL_PWHASH_TEST);
	nl_config_defaults(&cfg, NL_SOURCE_ROOT "/web");
	snprintf(cfg.base_url, sizeof cfg.base_url, "https://ca.example.org/");
	struct nl_person a = {.id_kind = NL_ID_TCKN, .id_number = "64172043210",
	                      .passport_country = "", .given_name = "ŞEBNEM", .surname = "IŞIK"};
	struct nl_person b = {.id_kind = NL_ID_TCKN, .id_number = "57855534068",
	                      .passport_country = "", .given_name = "MEHMET", .surname = "ÖZTÜRK"};
	assert_int_equal(nl_store_person_create(f->c, &a), NL_OK);
	assert_int_equal(nl_store_person_create(f->c, &b), NL_OK);
	w->person = a.id;
	w->other = b.id;
	w->inst_no = new_order(f, a.id, NL_PAY_INSTITUTION);
	w->pers_no = new_order(f, a.id, NL_PAY_PERSON);
	w->app = (struct nl_app){.cfg = &cfg, .db = f->db};
}

/* Submits the next version of order_no with channel and, when confirm,
 * marks it SMS-confirmed as the SMS code would. Returns its version. */
static int64_t version_of(struct fx *f, struct world *w, int64_t order_no, const char *channel,
                          bool confirm)
{
	struct nl_form_input in = {
		.period = "2", .security_word = "Gizli2026", .security_word2 = "Gizli2026",
		.province = "6",
		.typed = {
			.card_reader = "mini", .publish = "no", .reason = "first",
			.email = "sebnem@example.org", .mobile = "5329876543",
			.operator_name = "turkcell", .info_channel = channel,
			.unit = "Bilgi İşlem", .title = "Mühendis", .work_phone = "3124445566",
			.address_type = "institution",
			.address = "Atatürk Bulvarı No: 221 Kavaklıdere", .district = "Çankaya",
			.postal_code = "06680", .delivery_method = "courier",
		},
	};
	struct nl_form_view v;
	assert_int_equal(nl_form_load(&f->app, w->person, order_no, &v), NL_OK);
	int64_t base = v.has_current ? v.current.version : 0;
	nl_form_view_free(&v);
	struct nl_form_check chk;
	int64_t version = 0;
	assert_int_equal(nl_form_submit(&f->app, w->person, order_no, &in, base, 500, &chk, &version),
	                 NL_OK);
	if (confirm) {
		assert_int_equal(nl_form_load(&f->app, w->person, order_no, &v), NL_OK);
		assert_int_equal(nl_store_form_set_status(f->c, v.current.id, NL_FORM_SUBMITTED,
		                                          NL_FORM_SMS_CONFIRMED, 510), NL_OK);
		nl_form_view_free(&v);
	}
	return version;
}

/* Records the person's signed e-Onay choice ("accept" | "decline") on the
 * consent text in force, as the e-İmza consent flow would. */
static int64_t consent_of(struct fx *f, int64_t person, const char *choice)
{
	static int n;
	int64_t text_id = fx_int(f, "SELECT id FROM econsent_texts WHERE version = 1");
	struct nl_esign_code c = {.purpose = "econsent", .person_id = person, .text = "x",
	                          .created_at = 1, .expires_at = 301};
	snprintf(c.code_hash, sizeof c.code_hash, "consent%d", ++n);
	assert_int_equal(nl_store_esign_code_insert(f->c, &c), NL_OK);
	struct nl_esign_signature s = {
		.code_id = c.id, .purpose = "econsent", .person_id = person, .cms = "a", .cms_len = 1,
		.cert_der = "b", .cert_len = 1, .cert_serial = "01", .cert_issuer = "CN=x",
		.evidence_kind = "store", .evidence = "e", .evidence_len = 1,
	};
	assert_int_equal(nl_store_esign_signature_insert(f->c, &s), NL_OK);
	int64_t id = 0;
	assert_int_equal(nl_store_econsent_add(f->c, person, text_id, choice, s.id, 100 + n, &id),
	                 NL_OK);
	return id;
}

static enum nl_order_status status_of(struct fx *f, int64_t order_no)
{
	struct nl_order o;
	assert_int_equal(nl_store_order_get_by_no(f->c, order_no, &o), NL_OK);
	enum nl_order_status s = o.status;
	nl_order_clear(&o);
	return s;
}

static struct nl_approve_req req_of(struct world *w, int64_t order_no, int64_t version,
                                    enum nl_approval_method m)
{
	return (struct nl_approve_req){
		.order_no = order_no, .version = version, .person_id = w->person, .method = m,
		.actor = "person:1", .evidence = "esign:42", .now = 1000,
	};
}

/* Counts of everything an approval writes, to compare before and after. */
struct marks {
	int64_t audit, outbox, approved;
};
static struct marks marks_of(struct fx *f)
{
	return (struct marks){
		fx_int(f, "SELECT COUNT(*) FROM audit_log"),
		fx_int(f, "SELECT COUNT(*) FROM outbox"),
		fx_int(f, "SELECT COUNT(*) FROM form_versions WHERE status = 'approved'"),
	};
}
static void assert_unchanged(struct fx *f, struct marks m)
{
	struct marks now = marks_of(f);
	assert_int_equal(now.audit, m.audit);
	assert_int_equal(now.outbox, m.outbox);
	assert_int_equal(now.approved, m.approved);
}

/* Institution-paid: form_wait -> production_wait, told by SMS only. */
static void test_institution_paid(void **state)
{
	struct fx *f = fx_get(state);
	struct world w;
	setup(f, &w);
	int64_t v = version_of(f, &w, w.inst_no, "sms", true);
	int64_t audit = fx_int(f, "SELECT COUNT(*) FROM audit_log");
	struct nl_approve_req q = req_of(&w, w.inst_no, v, NL_APPROVE_E_IMZA);
	struct nl_approve_result res;
	assert_int_equal(nl_approve_form(&w.app, &q, &res), NL_OK);
	assert_int_equal(res.refusal, NL_APPROVE_REFUSED_NONE);
	assert_int_equal(res.from, NL_ST_FORM_WAIT);
	assert_int_equal(res.to, NL_ST_PRODUCTION_WAIT);
	assert_int_equal(res.notified, 1);
	assert_int_equal(status_of(f, w.inst_no), NL_ST_PRODUCTION_WAIT);
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM form_versions WHERE status = 'approved'"
	                           " AND approval_method = 'e_imza'"), 1);
	/* Two audit records: the form's approval (with the evidence) and the order's status. */
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM audit_log"), audit + 2);
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM audit_log WHERE entity = 'form' AND"
	                           " action = 'approve' AND reason LIKE '%esign:42%'"), 1);
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM audit_log WHERE entity = 'order' AND"
	                           " action = 'status' AND to_state = 'production_wait'"), 1);
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM outbox WHERE channel = 'mail'"), 0);
	struct nl_outbox_list l = {0};
	struct nl_outbox_filter flt = {.channel = NL_OUTBOX_SMS, .recipient = "5329876543"};
	assert_int_equal(nl_outbox_list(f->db, &flt, &l), NL_OK);
	assert_int_equal(l.n, 1);
	assert_non_null(strstr(l.items[0].body_text, "e-İmza ile onaylandı"));
	assert_non_null(strstr(l.items[0].body_text, "Üretim Bekleniyor"));
	assert_null(strchr(l.items[0].body_text, '\n'));
	nl_outbox_list_free(&l);
	/* A second approval of the same version is refused, nothing more stored. */
	struct marks m = marks_of(f);
	assert_int_equal(nl_approve_form(&w.app, &q, &res), NL_ERR_CONFLICT);
	assert_int_equal(res.refusal, NL_APPROVE_REFUSED_ALREADY);
	assert_unchanged(f, m);
}

/* Person-paid, unpaid: form_payment_wait -> payment_wait, told both ways. */
static void test_person_paid(void **state)
{
	struct fx *f = fx_get(state);
	struct world w;
	setup(f, &w);
	int64_t v = version_of(f, &w, w.pers_no, "both", true);
	consent_of(f, w.person, "accept");   /* e-Onay stands on the person's consent */
	struct nl_approve_req q = req_of(&w, w.pers_no, v, NL_APPROVE_E_ONAY);
	struct nl_approve_result res;
	assert_int_equal(nl_approve_form(&w.app, &q, &res), NL_OK);
	assert_int_equal(res.from, NL_ST_FORM_PAYMENT_WAIT);
	assert_int_equal(res.to, NL_ST_PAYMENT_WAIT);
	assert_int_equal(res.notified, 2);
	assert_int_equal(status_of(f, w.pers_no), NL_ST_PAYMENT_WAIT);
	struct nl_outbox_list l = {0};
	struct nl_outbox_filter flt = {.channel = NL_OUTBOX_MAIL, .recipient = "sebnem@example.org"};
	assert_int_equal(nl_outbox_list(f->db, &flt, &l), NL_OK);
	assert_int_equal(l.n, 1);
	assert_non_null(strstr(l.items[0].subject, "Onaylandı"));
	assert_non_null(strstr(l.items[0].body_text, "Sayın ŞEBNEM IŞIK"));
	assert_non_null(strstr(l.items[0].body_text, "e-Onay ile onaylanmıştır"));
	assert_non_null(strstr(l.items[0].body_text, "Ödeme Bekleniyor"));
	/* base_url's trailing slash is not doubled. */
	assert_non_null(strstr(l.items[0].body_text, "https://ca.example.org/basvurularim"));
	assert_non_null(strstr(l.items[0].body_html, "<strong>e-Onay</strong>"));
	nl_outbox_list_free(&l);

	/* "Başvuruyu Güncelle" while payment is awaited: the new version is
	 * approved again and the order stays in payment_wait. */
	int64_t v2 = version_of(f, &w, w.pers_no, "email", true);
	q = req_of(&w, w.pers_no, v2, NL_APPROVE_ISLAK);
	assert_int_equal(nl_approve_form(&w.app, &q, &res), NL_OK);
	assert_int_equal(res.from, NL_ST_PAYMENT_WAIT);
	assert_int_equal(res.to, NL_ST_PAYMENT_WAIT);
	assert_int_equal(res.notified, 1);
	assert_int_equal(status_of(f, w.pers_no), NL_ST_PAYMENT_WAIT);
}

/* Person-paid and paid before the form: form_wait -> production_wait. */
static void test_paid_first(void **state)
{
	struct fx *f = fx_get(state);
	struct world w;
	setup(f, &w);
	struct nl_order o;
	assert_int_equal(nl_store_order_get_by_no(f->c, w.pers_no, &o), NL_OK);
	assert_int_equal(nl_store_order_set_status(f->c, o.id, NL_ST_FORM_PAYMENT_WAIT,
	                                           NL_ST_FORM_WAIT, "test", "paid"), NL_OK);
	nl_order_clear(&o);
	int64_t v = version_of(f, &w, w.pers_no, "email", true);
	struct nl_approve_req q = req_of(&w, w.pers_no, v, NL_APPROVE_ISLAK);
	q.person_id = 0;               /* staff (the RA) approve any order */
	q.actor = "user:9";
	struct nl_approve_result res;
	assert_int_equal(nl_approve_form(&w.app, &q, &res), NL_OK);
	assert_int_equal(res.from, NL_ST_FORM_WAIT);
	assert_int_equal(res.to, NL_ST_PRODUCTION_WAIT);
	assert_int_equal(res.notified, 1);
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM outbox WHERE channel = 'sms'"), 0);
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM audit_log WHERE actor = 'user:9'"), 2);
}

/* Every refusal, each with its own code, and nothing stored by any. */
static void test_refusals(void **state)
{
	struct fx *f = fx_get(state);
	struct world w;
	setup(f, &w);
	struct nl_approve_result res;
	struct nl_approve_req q;

	/* No version at all yet. */
	q = req_of(&w, w.inst_no, 1, NL_APPROVE_E_IMZA);
	struct marks m = marks_of(f);
	assert_int_equal(nl_approve_form(&w.app, &q, &res), NL_ERR_NOT_FOUND);
	assert_int_equal(res.refusal, NL_APPROVE_REFUSED_NO_VERSION);

	/* Submitted but not SMS-confirmed. */
	int64_t v1 = version_of(f, &w, w.inst_no, "sms", false);
	m = marks_of(f);
	q = req_of(&w, w.inst_no, v1, NL_APPROVE_E_IMZA);
	assert_int_equal(nl_approve_form(&w.app, &q, &res), NL_ERR_TRANSITION);
	assert_int_equal(res.refusal, NL_APPROVE_REFUSED_NOT_CONFIRMED);
	assert_string_equal(nl_approve_refusal_code(res.refusal), "not_confirmed");
	assert_unchanged(f, m);

	/* v1 confirmed, then v2 submitted: v1 is superseded, v2 unconfirmed. */
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM form_versions WHERE version = 1"), 1);
	fx_exec(f, "UPDATE form_versions SET status = 'sms_confirmed' WHERE version = 1");
	int64_t v2 = version_of(f, &w, w.inst_no, "sms", false);
	m = marks_of(f);
	q = req_of(&w, w.inst_no, v1, NL_APPROVE_E_IMZA);
	assert_int_equal(nl_approve_form(&w.app, &q, &res), NL_ERR_EXPIRED);
	assert_int_equal(res.refusal, NL_APPROVE_REFUSED_SUPERSEDED);
	assert_string_equal(nl_approve_refusal_code(res.refusal), "superseded");
	/* A version that never existed. */
	q = req_of(&w, w.inst_no, v2 + 5, NL_APPROVE_E_IMZA);
	assert_int_equal(nl_approve_form(&w.app, &q, &res), NL_ERR_NOT_FOUND);
	assert_int_equal(res.refusal, NL_APPROVE_REFUSED_NO_VERSION);
	/* Someone else's order looks like a missing one. */
	q = req_of(&w, w.inst_no, v2, NL_APPROVE_E_IMZA);
	q.person_id = w.other;
	assert_int_equal(nl_approve_form(&w.app, &q, &res), NL_ERR_NOT_FOUND);
	assert_int_equal(res.refusal, NL_APPROVE_REFUSED_NO_ORDER);
	q = req_of(&w, 999999, 1, NL_APPROVE_E_IMZA);
	assert_int_equal(nl_approve_form(&w.app, &q, &res), NL_ERR_NOT_FOUND);
	assert_int_equal(res.refusal, NL_APPROVE_REFUSED_NO_ORDER);
	/* A bad request. */
	q = req_of(&w, w.inst_no, v2, (enum nl_approval_method)0);
	assert_int_equal(nl_approve_form(&w.app, &q, &res), NL_ERR_INVALID);
	assert_unchanged(f, m);

	/* The RA rejected this version's paper form. */
	fx_exec(f, "UPDATE form_versions SET status = 'sms_confirmed' WHERE version = 2");
	int64_t v2_id = fx_int(f, "SELECT id FROM form_versions WHERE version = 2");
	int64_t order_id = fx_int(f, "SELECT order_id FROM form_versions WHERE version = 2");
	struct nl_barcode b = {.form_version_id = v2_id, .order_id = order_id};
	strcpy(b.code, "NFAAAAAAAAAAAA");
	assert_int_equal(nl_store_barcode_insert(f->c, &b, 600), NL_OK);
	fx_exec(f, "UPDATE form_barcodes SET status = 'rejected'");
	m = marks_of(f);
	q = req_of(&w, w.inst_no, v2, NL_APPROVE_E_IMZA);
	assert_int_equal(nl_approve_form(&w.app, &q, &res), NL_ERR_FORBIDDEN);
	assert_int_equal(res.refusal, NL_APPROVE_REFUSED_REJECTED);
	assert_unchanged(f, m);

	/* A cancelled order cannot be approved. */
	int64_t v = version_of(f, &w, w.pers_no, "sms", true);
	struct nl_order o;
	assert_int_equal(nl_store_order_get_by_no(f->c, w.pers_no, &o), NL_OK);
	assert_int_equal(nl_store_order_set_status(f->c, o.id, NL_ST_FORM_PAYMENT_WAIT,
	                                           NL_ST_CANCELLED, "test", "zaman aşımı"), NL_OK);
	nl_order_clear(&o);
	m = marks_of(f);
	q = req_of(&w, w.pers_no, v, NL_APPROVE_E_IMZA);
	assert_int_equal(nl_approve_form(&w.app, &q, &res), NL_ERR_TRANSITION);
	assert_int_equal(res.refusal, NL_APPROVE_REFUSED_ORDER_CLOSED);
	assert_unchanged(f, m);
	assert_int_equal(status_of(f, w.pers_no), NL_ST_CANCELLED);
}

/* A failure after the status changes (the notification's template is
 * missing) rolls everything back: form, order, audit, outbox. */
static void test_nothing_half_stored(void **state)
{
	struct fx *f = fx_get(state);
	struct world w;
	setup(f, &w);
	int64_t v = version_of(f, &w, w.inst_no, "both", true);
	snprintf(cfg.web_dir, sizeof cfg.web_dir, "%s", "/nonexistent");
	struct marks m = marks_of(f);
	struct nl_approve_req q = req_of(&w, w.inst_no, v, NL_APPROVE_E_IMZA);
	assert_int_equal(nl_approve_form(&w.app, &q, NULL), NL_ERR_IO);
	assert_unchanged(f, m);
	assert_int_equal(status_of(f, w.inst_no), NL_ST_FORM_WAIT);
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM form_versions WHERE status ="
	                           " 'sms_confirmed' AND approval_method = ''"), 1);
	/* With the templates back the same request succeeds. */
	nl_config_defaults(&cfg, NL_SOURCE_ROOT "/web");
	assert_int_equal(nl_approve_form(&w.app, &q, NULL), NL_OK);
	assert_int_equal(status_of(f, w.inst_no), NL_ST_PRODUCTION_WAIT);
}

/* e-Onay approves only on the person's standing consent, checked by the use
 * case itself (so the CLI and the API cannot approve without it either): no
 * consent, or a declined one, is refused and stores nothing; with consent in
 * force the approval succeeds and its audit record names that consent. */
static void test_eonay_needs_consent(void **state)
{
	struct fx *f = fx_get(state);
	struct world w;
	setup(f, &w);
	int64_t v = version_of(f, &w, w.inst_no, "sms", true);
	struct nl_approve_req q = req_of(&w, w.inst_no, v, NL_APPROVE_E_ONAY);
	q.evidence = "econsent:0";   /* what a caller that did not look would pass */
	struct nl_approve_result res;
	struct marks m = marks_of(f);
	assert_int_equal(nl_approve_form(&w.app, &q, &res), NL_ERR_FORBIDDEN);
	assert_int_equal(res.refusal, NL_APPROVE_REFUSED_NO_CONSENT);
	assert_string_equal(nl_approve_refusal_code(res.refusal), "no_consent");
	assert_unchanged(f, m);
	assert_int_equal(status_of(f, w.inst_no), NL_ST_FORM_WAIT);
	/* The other person's consent is not his. */
	consent_of(f, w.other, "accept");
	assert_int_equal(nl_approve_form(&w.app, &q, &res), NL_ERR_FORBIDDEN);
	assert_int_equal(res.refusal, NL_APPROVE_REFUSED_NO_CONSENT);
	/* A consent given and then declined is not in force. */
	consent_of(f, w.person, "accept");
	consent_of(f, w.person, "decline");
	m = marks_of(f);
	assert_int_equal(nl_approve_form(&w.app, &q, &res), NL_ERR_FORBIDDEN);
	assert_int_equal(res.refusal, NL_APPROVE_REFUSED_NO_CONSENT);
	assert_unchanged(f, m);
	/* With consent in force: approved, the evidence is that consent. */
	int64_t cid = consent_of(f, w.person, "accept");
	assert_int_equal(nl_approve_form(&w.app, &q, &res), NL_OK);
	assert_int_equal(status_of(f, w.inst_no), NL_ST_PRODUCTION_WAIT);
	char like[160];
	snprintf(like, sizeof like, "SELECT COUNT(*) FROM audit_log WHERE entity = 'form' AND"
	         " action = 'approve' AND reason LIKE '%%econsent:%lld'", (long long)cid);
	assert_int_equal(fx_int(f, like), 1);
}

int main(void)
{
	cmocka_set_message_output(CM_OUTPUT_TAP);
	static const struct fx_test tests[] = {
		FX_TEST(test_institution_paid), FX_TEST(test_person_paid),
		FX_TEST(test_paid_first), FX_TEST(test_refusals),
		FX_TEST(test_nothing_half_stored), FX_TEST(test_eonay_needs_consent),
	};
	return fx_main("test_store_approve_app", tests, sizeof tests / sizeof tests[0]);
}
