/* The holder's self-service use cases on both engines (src/app/selfservice.h):
 * only his own certificates; suspend / release / revoke re-authenticated,
 * refused when the status forbids it, audited with actor holder:<id>; the
 * Kilit Çözme code (checked without being spent, used once, replaced,
 * expired, tied to his certificate); the
 * contact change confirmed by a code to the new number (wrong, locked,
 * expired, rate-limited); the renewal order (to the open order, or a new
 * Yenileme order for his certificate's institution). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/form.h"
#include "app/selfservice.h"
#include "core/secret.h"
#include "fixture.h"
#include "store/store_certs.h"
#include "store/store_institutions.h"
#include "store/store_orders.h"
#include "store/store_outbox.h"
#include "store/store_persons.h"

#define NOW 1790000000
#define WORD "Gizli2026"

static struct nl_config cfg;

struct world {
	int64_t person, other, institution, order_no;
	struct nl_app app;
	struct nl_throttle_policy pol;
};

static void add_cert(struct fx *f, const char *serial, const char *tckn, int64_t institution)
{
	char attr[32], subject[] = "x", cn[] = "ŞEBNEM IŞIK", email[] = "";
	uint8_t der[] = {0x30, 0x00};   /* stored as given; nothing here parses it */
	snprintf(attr, sizeof attr, "PNOTR-%s", tckn);
	struct nl_cert_row r = {.institution_id = institution, .not_before = NOW - 86400,
	                        .not_after = NOW + 365 * 86400, .der = der, .der_len = 2};
	snprintf(r.serial, sizeof r.serial, "%s", serial);
	snprintf(r.kind, sizeof r.kind, "person");
	r.subject = subject;
	r.common_name = cn;
	r.email = email;
	r.id_number = attr;
	assert_int_equal(nl_store_serial_reserve(f->c, serial), NL_OK);
	assert_int_equal(nl_store_cert_insert(f->db, &r, "test"), NL_OK);
}

static void setup(struct fx *f, struct world *w)
{
	nl_secret_init();
	nl_password_set_cost(NL_PWHASH_TEST);
	nl_config_defaults(&cfg, NL_SOURCE_ROOT "/web");
	snprintf(cfg.base_url, sizeof cfg.base_url, "https://ca.example.org/");
	snprintf(cfg.data_dir, sizeof cfg.data_dir, "/nonexistent-selfservice-test");
	struct nl_person a = {.id_kind = NL_ID_TCKN, .id_number = "64172043210",
	                      .passport_country = "", .given_name = "ŞEBNEM", .surname = "IŞIK",
	                      .email = "sebnem@example.org", .mobile = "5329876543"};
	struct nl_person b = {.id_kind = NL_ID_TCKN, .id_number = "57855534068",
	                      .passport_country = "", .given_name = "MEHMET", .surname = "ÖZTÜRK",
	                      .email = "mehmet@example.org", .mobile = "5051234567"};
	assert_int_equal(nl_store_person_create(f->c, &a), NL_OK);
	assert_int_equal(nl_store_person_create(f->c, &b), NL_OK);
	struct nl_institution in = {.name = "Milli Eğitim", .registry_no = "", .address = "", .active = true};
	assert_int_equal(nl_store_institution_create(f->c, &in), NL_OK);
	w->person = a.id;
	w->other = b.id;
	w->institution = in.id;
	struct nl_order o = {.person_id = a.id, .institution_id = in.id, .reason = NL_REASON_FIRST,
	                     .payment_type = NL_PAY_INSTITUTION};
	assert_int_equal(nl_store_order_create(f->c, &o, "test"), NL_OK);
	w->order_no = o.order_no;
	w->app = (struct nl_app){.cfg = &cfg, .db = f->db};
	nl_throttle_policy_defaults(&w->pol);
	/* His security word, chosen on the form. */
	struct nl_form_input fi = {
		.period = "2", .security_word = WORD, .security_word2 = WORD, .province = "6",
		.typed = {
			.card_reader = "mini", .publish = "no", .reason = "first",
			.email = "sebnem@example.org", .mobile = "5329876543",
			.operator_name = "turkcell", .info_channel = "email",
			.unit = "Bilgi İşlem", .title = "Mühendis", .work_phone = "3124445566",
			.address_type = "institution",
			.address = "Atatürk Bulvarı No: 221 Kavaklıdere", .district = "Çankaya",
			.postal_code = "06680", .delivery_method = "courier",
		},
	};
	struct nl_form_check chk;
	int64_t version = 0;
	assert_int_equal(nl_form_submit(&f->app, a.id, o.order_no, &fi, 0, NOW - 100, &chk, &version),
	                 NL_OK);
	add_cert(f, "0A01", "64172043210", in.id);
	add_cert(f, "0A02", "64172043210", in.id);
	add_cert(f, "0B01", "57855534068", in.id);
}

static NL_MUST_USE nl_err change(struct world *w, const char *serial, enum nl_ss_action a, int reason,
                     const char *word, enum nl_ss_refusal *why)
{
	struct nl_ss_change_req req = {
		.person_id = w->person, .serial = serial, .action = a, .reason = reason,
		.security_word = word, .addr = "192.0.2.7", .now = NOW,
	};
	return nl_ss_change(&w->app, &w->pol, &req, why, NULL);
}

static const char *status_of(struct fx *f, const char *serial)
{
	static struct nl_cert_row r;
	static char st[16];
	assert_int_equal(nl_store_cert_get(f->c, serial, &r), NL_OK);
	snprintf(st, sizeof st, "%s", r.status);
	nl_cert_row_clear(&r);
	return st;
}

static void only_own(void **state)
{
	struct fx *f = fx_get(state);
	struct world w;
	setup(f, &w);
	struct nl_ss_cert certs[NL_SS_MAX_CERTS], one;
	int n = 0;
	assert_int_equal(nl_ss_certs(&f->app, w.person, certs, &n), NL_OK);
	assert_int_equal(n, 2);
	for (int i = 0; i < n; i++)
		assert_string_not_equal(certs[i].serial, "0B01");
	assert_int_equal(nl_ss_cert(&f->app, w.person, "0B01", &one), NL_ERR_NOT_FOUND);
	assert_int_equal(nl_ss_cert(&f->app, w.person, "0A01", &one), NL_OK);
	assert_string_equal(one.status, "good");
	assert_int_equal(one.institution_id, w.institution);
}

static void status_changes(void **state)
{
	struct fx *f = fx_get(state);
	struct world w;
	enum nl_ss_refusal why;
	setup(f, &w);
	assert_int_equal(change(&w, "0A01", NL_SS_SUSPEND, 0, "Yanlis", &why), NL_ERR_UNAUTHORIZED);
	assert_string_equal(status_of(f, "0A01"), "good");
	assert_int_equal(change(&w, "0A01", NL_SS_SUSPEND, 0, WORD, &why), NL_OK);
	assert_string_equal(status_of(f, "0A01"), "hold");
	assert_int_equal(change(&w, "0A01", NL_SS_SUSPEND, 0, WORD, &why), NL_ERR_TRANSITION);
	assert_int_equal(why, NL_SS_REFUSE_ALREADY_HELD);
	assert_int_equal(change(&w, "0A02", NL_SS_RELEASE, 0, WORD, &why), NL_ERR_TRANSITION);
	assert_int_equal(why, NL_SS_REFUSE_NOT_HELD);
	assert_int_equal(change(&w, "0A01", NL_SS_RELEASE, 0, WORD, &why), NL_OK);
	assert_string_equal(status_of(f, "0A01"), "good");
	assert_int_equal(change(&w, "0A01", NL_SS_REVOKE, 2, WORD, &why), NL_ERR_INVALID);   /* cACompromise */
	assert_int_equal(change(&w, "0A01", NL_SS_REVOKE, 6, WORD, &why), NL_ERR_INVALID);   /* hold */
	assert_int_equal(change(&w, "0A01", NL_SS_REVOKE, 1, WORD, &why), NL_OK);
	assert_string_equal(status_of(f, "0A01"), "revoked");
	assert_int_equal(change(&w, "0A01", NL_SS_RELEASE, 0, WORD, &why), NL_ERR_TRANSITION);
	assert_int_equal(why, NL_SS_REFUSE_REVOKED);
	assert_int_equal(change(&w, "0A01", NL_SS_SUSPEND, 0, WORD, &why), NL_ERR_TRANSITION);
	assert_int_equal(why, NL_SS_REFUSE_REVOKED);
	/* Another person's certificate: not found, unchanged, the try audited
	 * without naming whose certificate it is. */
	assert_int_equal(change(&w, "0B01", NL_SS_REVOKE, 1, WORD, &why), NL_ERR_NOT_FOUND);
	assert_string_equal(status_of(f, "0B01"), "good");
	char q[256];
	snprintf(q, sizeof q, "SELECT COUNT(*) FROM audit_log WHERE action = 'holder_refused'"
	         " AND entity_id = 0 AND actor = 'holder:%lld'", (long long)w.person);
	assert_true(fx_int(f, q) >= 1);
	snprintf(q, sizeof q, "SELECT COUNT(*) FROM audit_log WHERE entity = 'certificate' AND"
	         " action IN ('suspend', 'release', 'revoke') AND actor = 'holder:%lld'", (long long)w.person);
	assert_int_equal(fx_int(f, q), 3);
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM certificates WHERE serial = '0A01' AND reason = 1"), 1);
	/* Told by his channel (e-mail on his form) of each change, of nothing refused. */
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM outbox WHERE recipient = 'sebnem@example.org'"
	                           " AND subject LIKE 'Sertifikanız %'"), 3);
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM outbox WHERE body_text LIKE '%0B01%'"), 0);
}

static void reauth_locks(void **state)
{
	struct fx *f = fx_get(state);
	struct world w;
	enum nl_ss_refusal why;
	setup(f, &w);
	nl_err e = NL_OK;
	for (int i = 0; i < w.pol.id_max_failures; i++)
		e = change(&w, "0A02", NL_SS_SUSPEND, 0, "Yanlis", &why);
	assert_int_equal(e, NL_ERR_LOCKED);
	assert_int_equal(change(&w, "0A02", NL_SS_SUSPEND, 0, WORD, &why), NL_ERR_LOCKED);
	assert_string_equal(status_of(f, "0A02"), "good");
}

static void unblock_codes(void **state)
{
	struct fx *f = fx_get(state);
	struct world w;
	setup(f, &w);
	char code[NL_UNBLOCK_DIGITS + 1], old[NL_UNBLOCK_DIGITS + 1], serial[64];
	int64_t until = 0;
	enum nl_unblock_outcome out;
	assert_int_equal(nl_ss_unblock_issue(&f->app, w.person, "0B01", NOW, code, &until), NL_ERR_NOT_FOUND);
	assert_int_equal(nl_ss_unblock_issue(&f->app, w.person, "0A02", NOW, old, &until), NL_OK);
	assert_int_equal(until, NOW + NL_UNBLOCK_TTL);
	assert_int_equal(nl_ss_unblock_issue(&f->app, w.person, "0A02", NOW, code, &until), NL_OK);
	assert_int_equal(nl_ss_unblock_use(&f->app, &w.pol, old, "192.0.2.8", NOW, &out, serial), NL_OK);
	assert_int_equal(out, NL_UNBLOCK_UNKNOWN);   /* replaced by the newer code */
	assert_int_equal(nl_ss_unblock_use(&f->app, &w.pol, "12345", "192.0.2.8", NOW, &out, serial), NL_OK);
	assert_int_equal(out, NL_UNBLOCK_UNKNOWN);
	/* The check tells the certificate (and its DER) and spends nothing, however often. */
	for (int i = 0; i < 3; i++) {
		nl_buf der = NL_BUF_INIT;
		assert_int_equal(nl_ss_unblock_check(&f->app, &w.pol, code, "192.0.2.8", NOW + 30, &out,
		                                     serial, &der), NL_OK);
		assert_int_equal(out, NL_UNBLOCK_OK);
		assert_string_equal(serial, "0A02");
		assert_int_equal(der.len, 2);
		nl_buf_free(&der);
	}
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM unblock_codes WHERE status = 'used'"), 0);
	assert_int_equal(nl_ss_unblock_check(&f->app, &w.pol, old, "192.0.2.8", NOW, &out, serial, NULL),
	                 NL_OK);
	assert_int_equal(out, NL_UNBLOCK_UNKNOWN);
	assert_int_equal(nl_ss_unblock_use(&f->app, &w.pol, code, "192.0.2.8", NOW + 60, &out, serial), NL_OK);
	assert_int_equal(out, NL_UNBLOCK_OK);
	assert_string_equal(serial, "0A02");
	assert_int_equal(nl_ss_unblock_check(&f->app, &w.pol, code, "192.0.2.8", NOW + 61, &out, serial,
	                                     NULL), NL_OK);
	assert_int_equal(out, NL_UNBLOCK_USED);
	assert_int_equal(nl_ss_unblock_use(&f->app, &w.pol, code, "192.0.2.8", NOW + 61, &out, serial), NL_OK);
	assert_int_equal(out, NL_UNBLOCK_USED);
	assert_int_equal(nl_ss_unblock_issue(&f->app, w.person, "0A02", NOW, code, &until), NL_OK);
	assert_int_equal(nl_ss_unblock_use(&f->app, &w.pol, code, "192.0.2.9", NOW + NL_UNBLOCK_TTL, &out,
	                                   serial), NL_OK);
	assert_int_equal(out, NL_UNBLOCK_EXPIRED);
	/* A revoked certificate's card is not worth opening. */
	enum nl_ss_refusal why;
	assert_int_equal(change(&w, "0A01", NL_SS_REVOKE, 1, WORD, &why), NL_OK);
	assert_int_equal(nl_ss_unblock_issue(&f->app, w.person, "0A01", NOW, code, &until), NL_ERR_TRANSITION);
	/* Guessing from one address gets locked. */
	for (int i = 0; i < w.pol.addr_max_failures + 1; i++)
		nl_err_ignore(nl_ss_unblock_use(&f->app, &w.pol, "000000000000", "192.0.2.10", NOW, &out, serial));
	assert_int_equal(out, NL_UNBLOCK_LOCKED);
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM unblock_codes WHERE status = 'used'"), 1);
}

/* The code of the newest SMS to mobile, from the outbox. */
static void sms_code(struct fx *f, const char *mobile, char code[7])
{
	struct nl_outbox_filter flt = {.channel = NL_OUTBOX_SMS, .recipient = mobile};
	struct nl_outbox_list l = {0};
	assert_int_equal(nl_outbox_list(f->db, &flt, &l), NL_OK);
	assert_true(l.n >= 1);
	const char *p = strstr(l.items[0].body_text, "kodunuz: ");
	assert_non_null(p);
	snprintf(code, 7, "%s", p + strlen("kodunuz: "));
	nl_outbox_list_free(&l);
}

static void contact_change(void **state)
{
	struct fx *f = fx_get(state);
	struct world w;
	setup(f, &w);
	struct nl_holder_contact hc;
	enum nl_ss_contact_outcome out;
	int64_t left = 0;
	char code[7];
	assert_int_equal(nl_ss_contact(&f->app, w.person, &hc), NL_OK);   /* from the form */
	assert_string_equal(hc.mobile, "5329876543");
	assert_string_equal(hc.info_channel, "email");
	assert_int_equal(nl_ss_contact_request(&w.app, w.person, "yeni@example.org", "5329876543", "sms",
	                                       NOW, &out), NL_OK);
	assert_int_equal(out, NL_SS_CONTACT_SAVED);
	assert_int_equal(nl_ss_contact(&f->app, w.person, &hc), NL_OK);
	assert_string_equal(hc.email, "yeni@example.org");
	assert_string_equal(hc.info_channel, "sms");
	/* A new number: nothing changes before the code sent to it. */
	assert_int_equal(nl_ss_contact_request(&w.app, w.person, "yeni@example.org", "5421112233", "both",
	                                       NOW, &out), NL_OK);
	assert_int_equal(out, NL_SS_CONTACT_CODE_SENT);
	assert_int_equal(nl_ss_contact(&f->app, w.person, &hc), NL_OK);
	assert_string_equal(hc.mobile, "5329876543");
	sms_code(f, "5421112233", code);
	const char *wrong = strcmp(code, "000000") ? "000000" : "111111";
	for (int i = 0; i < NL_SS_CONTACT_TRIES; i++)
		assert_int_equal(nl_ss_contact_confirm(&w.app, w.person, wrong, NOW + 5, &out, &left), NL_OK);
	assert_int_equal(out, NL_SS_CONTACT_LOCKED);
	assert_int_equal(nl_ss_contact_confirm(&w.app, w.person, code, NOW + 6, &out, &left), NL_OK);
	assert_int_equal(out, NL_SS_CONTACT_LOCKED);   /* the right code too late */
	assert_int_equal(nl_ss_contact_request(&w.app, w.person, "yeni@example.org", "5421112233", "both",
	                                       NOW + 10, &out), NL_OK);
	assert_int_equal(out, NL_SS_CONTACT_CODE_SENT);
	sms_code(f, "5421112233", code);
	assert_int_equal(nl_ss_contact_confirm(&w.app, w.person, code, NOW + 10 + NL_SS_CONTACT_TTL, &out,
	                                       &left), NL_OK);
	assert_int_equal(out, NL_SS_CONTACT_EXPIRED);
	assert_int_equal(nl_ss_contact_request(&w.app, w.person, "yeni@example.org", "5421112233", "both",
	                                       NOW + 20, &out), NL_OK);
	assert_int_equal(out, NL_SS_CONTACT_CODE_SENT);
	sms_code(f, "5421112233", code);
	assert_int_equal(nl_ss_contact_confirm(&w.app, w.person, code, NOW + 30, &out, &left), NL_OK);
	assert_int_equal(out, NL_SS_CONTACT_SAVED);
	assert_int_equal(nl_ss_contact(&f->app, w.person, &hc), NL_OK);
	assert_string_equal(hc.mobile, "5421112233");
	assert_string_equal(hc.info_channel, "both");
	/* Three codes in the window: the fourth is refused. */
	assert_int_equal(nl_ss_contact_request(&w.app, w.person, "yeni@example.org", "5430000000", "both",
	                                       NOW + 40, &out), NL_OK);
	assert_int_equal(out, NL_SS_CONTACT_RATE_LIMIT);
	char q[160];
	snprintf(q, sizeof q, "SELECT COUNT(*) FROM audit_log WHERE action = 'contact' AND actor = 'holder:%lld'",
	         (long long)w.person);
	assert_int_equal(fx_int(f, q), 2);
	assert_int_equal(nl_ss_contact_request(&w.app, w.person, "x@example.org", "12", "both", NOW, &out),
	                 NL_ERR_INVALID);
}

static void renewal(void **state)
{
	struct fx *f = fx_get(state);
	struct world w;
	setup(f, &w);
	int64_t no = 0;
	/* His order is still open there: that one. */
	assert_int_equal(nl_ss_renew(&w.app, w.person, NOW, &no), NL_ERR_CONFLICT);
	assert_int_equal(no, w.order_no);
	struct nl_order o = {0};
	assert_int_equal(nl_store_order_get_by_no(f->c, w.order_no, &o), NL_OK);
	assert_int_equal(nl_store_order_set_status(f->c, o.id, o.status, NL_ST_CANCELLED, "test", "test"),
	                 NL_OK);
	nl_order_clear(&o);
	assert_int_equal(nl_ss_renew(&w.app, w.person, NOW, &no), NL_OK);
	assert_true(no > w.order_no);
	assert_int_equal(nl_store_order_get_by_no(f->c, no, &o), NL_OK);
	assert_int_equal(o.reason, NL_REASON_RENEWAL);
	assert_int_equal(o.institution_id, w.institution);
	assert_int_equal(o.person_id, w.person);
	nl_order_clear(&o);
	/* MEHMET has a certificate but no order: its institution is used. */
	assert_int_equal(nl_ss_renew(&w.app, w.other, NOW, &no), NL_OK);
	assert_int_equal(nl_store_order_get_by_no(f->c, no, &o), NL_OK);
	assert_int_equal(o.person_id, w.other);
	assert_int_equal(o.institution_id, w.institution);
	nl_order_clear(&o);
}

int main(void)
{
	cmocka_set_message_output(CM_OUTPUT_TAP);
	static const struct fx_test tests[] = {
		FX_TEST(only_own), FX_TEST(status_changes), FX_TEST(reauth_locks),
		FX_TEST(unblock_codes), FX_TEST(contact_change), FX_TEST(renewal),
	};
	return fx_main("store_selfservice_app", tests, sizeof tests / sizeof tests[0]);
}
