/* The wet-signature path on both engines (src/app/wet*.c): the form's code
 * (made once per version, a new version makes a new one), the PDF only for
 * its owner and only for a confirmed version, and the registration officer's
 * look-up, Kabul and Red with every refusal. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/form.h"
#include "app/wet.h"
#include "docs/fonts.h"
#include "core/secret.h"
#include "fixture.h"
#include "store/store_forms.h"
#include "store/store_institutions.h"
#include "store/store_orders.h"
#include "store/store_outbox.h"
#include "store/store_persons.h"
#include "store/store_users.h"

static struct nl_config cfg;

struct world {
	int64_t person, other, ra;
	int64_t order_no;
	struct nl_app app;
};

static void setup(struct fx *f, struct world *w)
{
	nl_secret_init();
	nl_password_set_cost(NL_PWHASH_TEST);
	nl_config_defaults(&cfg, NL_SOURCE_ROOT "/web");
	snprintf(cfg.base_url, sizeof cfg.base_url, "https://ca.example.org");
	struct nl_institution inst = {.name = "Çankırı Valiliği", .registry_no = "", .address = "",
	                              .active = true};
	assert_int_equal(nl_store_institution_create(f->c, &inst), NL_OK);
	struct nl_person a = {.id_kind = NL_ID_TCKN, .id_number = "64172043210",
	                      .passport_country = "", .given_name = "ŞÜKRÜ ĞÖKÇE",
	                      .surname = "DOĞANIŞIK", .birth_place = "Çankırı",
	                      .birth_date = "1985-07-09"};
	struct nl_person b = {.id_kind = NL_ID_TCKN, .id_number = "57855534068",
	                      .passport_country = "", .given_name = "MEHMET", .surname = "ÖZTÜRK"};
	assert_int_equal(nl_store_person_create(f->c, &a), NL_OK);
	assert_int_equal(nl_store_person_create(f->c, &b), NL_OK);
	struct nl_order o = {.person_id = a.id, .institution_id = inst.id,
	                     .reason = NL_REASON_FIRST, .payment_type = NL_PAY_INSTITUTION};
	assert_int_equal(nl_store_order_create(f->c, &o, "test"), NL_OK);
	struct nl_user u = {.username = "kayit1", .password_hash = "x", .role = NL_ROLE_RA,
	                    .active = true};
	assert_int_equal(nl_store_user_create(f->c, &u), NL_OK);
	*w = (struct world){a.id, b.id, u.id, o.order_no, {.cfg = &cfg, .db = f->db}};
}

/* Submits the next version; confirm marks it SMS-confirmed. */
static void next_version(struct fx *f, struct world *w, const char *unit, bool confirm)
{
	struct nl_form_input in = {
		.period = "3", .security_word = "Gizli2026", .security_word2 = "Gizli2026",
		.province = "18",
		.typed = {
			.card_reader = "standard", .publish = "yes", .reason = "first",
			.email = "sukru@example.org", .mobile = "5051112233",
			.operator_name = "turk_telekom", .info_channel = "both", .unit = unit,
			.title = "Şube Müdürü", .work_phone = "3762130000",
			.address_type = "institution",
			.address = "Cumhuriyet Meydanı Hükümet Konağı", .district = "Merkez",
			.postal_code = "18100", .delivery_method = "institution",
		},
	};
	struct nl_form_view v;
	assert_int_equal(nl_form_load(&f->app, w->person, w->order_no, &v), NL_OK);
	int64_t base = v.has_current ? v.current.version : 0;
	nl_form_view_free(&v);
	struct nl_form_check chk;
	int64_t version;
	assert_int_equal(nl_form_submit(&f->app, w->person, w->order_no, &in, base, 500, &chk,
	                                &version), NL_OK);
	if (confirm) {
		assert_int_equal(nl_form_load(&f->app, w->person, w->order_no, &v), NL_OK);
		assert_int_equal(nl_store_form_set_status(f->c, v.current.id, NL_FORM_SUBMITTED,
		                                          NL_FORM_SMS_CONFIRMED, 510), NL_OK);
		nl_form_view_free(&v);
	}
}

static void pdf_code(struct world *w, int64_t person, nl_err want, char code[NL_BARCODE_LEN + 1])
{
	nl_buf pdf = NL_BUF_INIT;
	assert_int_equal(nl_wet_form_pdf(&w->app, person, w->order_no, true, 600, &pdf, code), want);
	if (want == NL_OK) {
		assert_true(pdf.len > 5000);
		assert_memory_equal(pdf.data, "%PDF-", 5);
		/* To look at the PDF: NL_TEST_PDF_OUT=/tmp/form.pdf */
		const char *out = getenv("NL_TEST_PDF_OUT");
		FILE *fp = out ? fopen(out, "wb") : NULL;
		if (fp) {
			fwrite(pdf.data, 1, pdf.len, fp);
			fclose(fp);
		}
	}
	nl_buf_free(&pdf);
}

static void test_code_normalize(void **state)
{
	(void)state;
	char out[NL_BARCODE_LEN + 1];
	assert_true(nl_wet_code_normalize("NFABCDEFGH2345", out));
	assert_string_equal(out, "NFABCDEFGH2345");
	/* A scanner's CR/LF and a lower-case keyboard are fine. */
	assert_true(nl_wet_code_normalize("  nfabcdefgh2345\r\n", out));
	assert_string_equal(out, "NFABCDEFGH2345");
	assert_false(nl_wet_code_normalize("NFABCDEFGH2341", out));   /* 1 is not base32 */
	assert_false(nl_wet_code_normalize("NFABCDEFGH234", out));    /* short */
	assert_false(nl_wet_code_normalize("XXABCDEFGH2345", out));
	assert_false(nl_wet_code_normalize("NFABCDEFGH2345X", out));
	assert_false(nl_wet_code_normalize("", out));
	assert_false(nl_wet_code_normalize(NULL, out));
	assert_string_equal(out, "");
}

static void test_pdf_and_codes(void **state)
{
	struct fx *f = fx_get(state);
	struct world w;
	setup(f, &w);
	char c1[NL_BARCODE_LEN + 1], again[NL_BARCODE_LEN + 1], c2[NL_BARCODE_LEN + 1];
	char norm[NL_BARCODE_LEN + 1];
	/* No version yet, then an unconfirmed one: no PDF. */
	pdf_code(&w, w.person, NL_ERR_CONFLICT, c1);
	next_version(f, &w, "Bilgi İşlem", false);
	pdf_code(&w, w.person, NL_ERR_CONFLICT, c1);
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM form_barcodes"), 0);
	fx_exec(f, "UPDATE form_versions SET status = 'sms_confirmed' WHERE version = 1");
	/* Someone else never gets it. */
	pdf_code(&w, w.other, NL_ERR_NOT_FOUND, c1);
	pdf_code(&w, w.person, NL_OK, c1);
	assert_true(nl_wet_code_normalize(c1, norm));
	/* The same version keeps its code; the issue is audited once. */
	pdf_code(&w, w.person, NL_OK, again);
	assert_string_equal(c1, again);
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM audit_log WHERE action = 'barcode'"), 1);

	/* The RA sees the stored data. */
	struct nl_wet_view *v = calloc(1, sizeof *v);
	enum nl_wet_refusal why;
	assert_int_equal(nl_wet_lookup(&f->app, c1, v, &why), NL_OK);
	assert_int_equal(why, NL_WET_REFUSED_NONE);
	assert_int_equal(v->version, 1);
	assert_string_equal(v->holder_name, "ŞÜKRÜ ĞÖKÇE DOĞANIŞIK");
	assert_string_equal(v->sections[0].fields[0].value, "64172043210");
	assert_string_equal(v->sections[0].fields[4].value, "09.07.1985");
	assert_string_equal(v->sections[3].fields[0].value, "Çankırı Valiliği");
	assert_string_equal(v->sections[4].fields[2].value, "Çankırı");

	/* A new version makes a new code; the old one is refused as old. */
	next_version(f, &w, "İnsan Kaynakları", true);
	pdf_code(&w, w.person, NL_OK, c2);
	assert_string_not_equal(c1, c2);
	assert_int_equal(nl_wet_lookup(&f->app, c1, v, &why), NL_ERR_CONFLICT);
	assert_int_equal(why, NL_WET_REFUSED_OLD);
	assert_int_equal(v->version, 1);
	assert_int_equal(nl_wet_accept(&w.app, c1, w.ra, 700, &why, NULL), NL_ERR_CONFLICT);
	assert_int_equal(why, NL_WET_REFUSED_OLD);
	/* Garbage and unknown codes. */
	assert_int_equal(nl_wet_lookup(&f->app, "12345", v, &why), NL_ERR_NOT_FOUND);
	assert_int_equal(why, NL_WET_REFUSED_FORMAT);
	assert_int_equal(nl_wet_lookup(&f->app, "NFAAAAAAAAAAAA", v, &why), NL_ERR_NOT_FOUND);
	assert_int_equal(why, NL_WET_REFUSED_UNKNOWN);
	free(v);
}

static void test_accept(void **state)
{
	struct fx *f = fx_get(state);
	struct world w;
	setup(f, &w);
	next_version(f, &w, "Bilgi İşlem", true);
	char code[NL_BARCODE_LEN + 1];
	pdf_code(&w, w.person, NL_OK, code);
	int64_t audit = fx_int(f, "SELECT COUNT(*) FROM audit_log");
	enum nl_wet_refusal why;
	struct nl_approve_result res;
	/* A scanner's lower case and trailing Enter are accepted. */
	char typed[32];
	snprintf(typed, sizeof typed, "%s\r\n", code);
	typed[0] = 'n';
	assert_int_equal(nl_wet_accept(&w.app, typed, w.ra, 700, &why, &res), NL_OK);
	assert_int_equal(why, NL_WET_REFUSED_NONE);
	assert_int_equal(res.from, NL_ST_FORM_WAIT);
	assert_int_equal(res.to, NL_ST_PRODUCTION_WAIT);
	assert_int_equal(res.notified, 2);
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM form_barcodes WHERE status = 'accepted'"
	                           " AND decided_at = 700"), 1);
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM ra_decisions WHERE decision = 'accept'"), 1);
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM form_versions WHERE status = 'approved'"
	                           " AND approval_method = 'islak'"), 1);
	/* RA decision, form approval, order status. */
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM audit_log"), audit + 3);
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM audit_log WHERE action = 'approve' AND"
	                           " reason LIKE '%wet:NF%'"), 1);
	/* A second registration of the same paper is refused; nothing more stored. */
	assert_int_equal(nl_wet_accept(&w.app, code, w.ra, 710, &why, &res), NL_ERR_CONFLICT);
	assert_int_equal(why, NL_WET_REFUSED_ACCEPTED);
	assert_int_equal(nl_wet_reject(&w.app, code, w.ra, "düzeltme var", 710, &why),
	                 NL_ERR_CONFLICT);
	assert_int_equal(why, NL_WET_REFUSED_ACCEPTED);
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM audit_log"), audit + 3);
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM ra_decisions"), 1);
}

static void test_reject(void **state)
{
	struct fx *f = fx_get(state);
	struct world w;
	setup(f, &w);
	next_version(f, &w, "Bilgi İşlem", true);
	char code[NL_BARCODE_LEN + 1];
	pdf_code(&w, w.person, NL_OK, code);
	enum nl_wet_refusal why;
	char code2_unused[NL_BARCODE_LEN + 1];
	/* A reason is required. */
	assert_int_equal(nl_wet_reject(&w.app, code, w.ra, "", 700, &why), NL_ERR_INVALID);
	assert_int_equal(nl_wet_reject(&w.app, code, w.ra, "ab", 700, &why), NL_ERR_INVALID);
	int64_t outbox = fx_int(f, "SELECT COUNT(*) FROM outbox");
	assert_int_equal(nl_wet_reject(&w.app, code, w.ra, "Formda düzeltme yapılmış", 700, &why),
	                 NL_OK);
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM form_barcodes WHERE status = 'rejected'"
	                           " AND reject_reason = 'Formda düzeltme yapılmış'"), 1);
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM audit_log WHERE action = 'ra_reject'"), 1);
	/* Told both ways ("both"), with the reason. */
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM outbox"), outbox + 2);
	struct nl_outbox_list l = {0};
	struct nl_outbox_filter flt = {.channel = NL_OUTBOX_SMS, .recipient = "5051112233"};
	assert_int_equal(nl_outbox_list(f->db, &flt, &l), NL_OK);
	assert_int_equal(l.n, 1);
	assert_non_null(strstr(l.items[0].body_text, "kabul edilmedi"));
	assert_non_null(strstr(l.items[0].body_text, "Formda düzeltme yapılmış"));
	nl_outbox_list_free(&l);
	/* The order still waits for the form; the version can never be approved. */
	struct nl_order o;
	assert_int_equal(nl_store_order_get_by_no(f->c, w.order_no, &o), NL_OK);
	assert_int_equal(o.status, NL_ST_FORM_WAIT);
	nl_order_clear(&o);
	assert_int_equal(nl_wet_accept(&w.app, code, w.ra, 710, &why, NULL), NL_ERR_CONFLICT);
	assert_int_equal(why, NL_WET_REFUSED_REJECTED);
	struct nl_approve_req q = {.order_no = w.order_no, .version = 1, .method = NL_APPROVE_E_IMZA,
	                           .actor = "person:1", .now = 720};
	struct nl_approve_result res;
	assert_int_equal(nl_approve_form(&w.app, &q, &res), NL_ERR_FORBIDDEN);
	assert_int_equal(res.refusal, NL_APPROVE_REFUSED_REJECTED);
	/* Its PDF is not handed out again. */
	pdf_code(&w, w.person, NL_ERR_FORBIDDEN, code2_unused);
	/* A new version gets a new code that can be accepted. */
	next_version(f, &w, "Bilgi İşlem", true);
	char code2[NL_BARCODE_LEN + 1];
	pdf_code(&w, w.person, NL_OK, code2);
	assert_int_equal(nl_wet_accept(&w.app, code2, w.ra, 730, &why, &res), NL_OK);
	assert_int_equal(res.to, NL_ST_PRODUCTION_WAIT);
}

/* Approved electronically after the PDF was printed: the paper is refused. */
static void test_approved_otherwise(void **state)
{
	struct fx *f = fx_get(state);
	struct world w;
	setup(f, &w);
	next_version(f, &w, "Bilgi İşlem", true);
	char code[NL_BARCODE_LEN + 1];
	pdf_code(&w, w.person, NL_OK, code);
	struct nl_approve_req q = {.order_no = w.order_no, .version = 1, .method = NL_APPROVE_E_IMZA,
	                           .actor = "person:1", .now = 720};
	assert_int_equal(nl_approve_form(&w.app, &q, NULL), NL_OK);
	enum nl_wet_refusal why;
	assert_int_equal(nl_wet_accept(&w.app, code, w.ra, 730, &why, NULL), NL_ERR_CONFLICT);
	assert_int_equal(why, NL_WET_REFUSED_APPROVED);
	/* And the PDF of an e-İmza-approved version is not offered any more. */
	pdf_code(&w, w.person, NL_ERR_CONFLICT, code);
}

struct racer {
	struct world *w;
	const char *code;
	nl_err rc;
	enum nl_wet_refusal why;
};

static void *race_accept(void *arg)
{
	struct racer *r = arg;
	r->rc = nl_wet_accept(&r->w->app, r->code, r->w->ra, 800, &r->why, NULL);
	nl_db_thread_done(r->w->app.db);
	return NULL;
}

/* Six officers register the same paper at once: one wins, every other is
 * told it is registered already, and everything is stored once. */
static void test_concurrent_accept(void **state)
{
	struct fx *f = fx_get(state);
	struct world w;
	setup(f, &w);
	next_version(f, &w, "Bilgi İşlem", true);
	char code[NL_BARCODE_LEN + 1];
	pdf_code(&w, w.person, NL_OK, code);
	enum { N = 6 };
	pthread_t t[N];
	struct racer r[N];
	for (int i = 0; i < N; i++) {
		r[i] = (struct racer){&w, code, NL_ERR_INTERNAL, NL_WET_REFUSED_NONE};
		assert_int_equal(pthread_create(&t[i], NULL, race_accept, &r[i]), 0);
	}
	int ok = 0;
	for (int i = 0; i < N; i++) {
		pthread_join(t[i], NULL);
		if (r[i].rc == NL_OK) {
			ok++;
		} else {
			assert_int_equal(r[i].rc, NL_ERR_CONFLICT);
			assert_int_equal(r[i].why, NL_WET_REFUSED_ACCEPTED);
		}
	}
	assert_int_equal(ok, 1);
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM ra_decisions"), 1);
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM audit_log WHERE action = 'approve'"), 1);
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM audit_log WHERE entity = 'order' AND"
	                           " to_state = 'production_wait'"), 1);
	assert_int_equal(fx_int(f, "SELECT COUNT(*) FROM outbox WHERE body_text LIKE"
	                           " '%Islak İmza%'"), 2);
}

int main(void)
{
	cmocka_set_message_output(CM_OUTPUT_TAP);
	static const struct fx_test tests[] = {
		FX_TEST(test_code_normalize), FX_TEST(test_pdf_and_codes), FX_TEST(test_accept),
		FX_TEST(test_reject), FX_TEST(test_approved_otherwise), FX_TEST(test_concurrent_accept),
	};
	int status = fx_main("test_store_wet_app", tests, sizeof tests / sizeof tests[0]);
	nl_docs_shutdown();   /* the PDFs' fonts: a clean exit under LeakSanitizer */
	return status;
}
