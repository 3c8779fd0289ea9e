/* Helpers of the payment store tests (payment_world.h). */
#include <stdio.h>
#include <string.h>

#include "app/approve.h"
#include "app/payment.h"
#include "core/secret.h"
#include "payment_world.h"
#include "store/store_forms.h"
#include "store/store_orders.h"
#include "store/store_outbox.h"
#include "store/store_persons.h"

void person_order(struct fx *f, const char *tckn, const char *email,
                  enum nl_payment_type pt, int64_t *id, int64_t *no, int64_t *pid)
{
	char idn[12], mail[64];
	snprintf(idn, sizeof idn, "%s", tckn);
	snprintf(mail, sizeof mail, "%s", email);
	struct nl_person p = {.id_kind = NL_ID_TCKN, .id_number = idn,
	                      .passport_country = "", .given_name = "MEHMET", .surname = "ÖZTÜRK",
	                      .email = mail, .mobile = "5337654321"};
	assert_int_equal(nl_store_person_create(f->c, &p), NL_OK);
	struct nl_order o = {.person_id = p.id, .reason = NL_REASON_FIRST, .payment_type = pt};
	assert_int_equal(nl_store_order_create(f->c, &o, "test"), NL_OK);
	*id = o.id;
	*no = o.order_no;
	if (pid)
		*pid = p.id;
}

void setup(struct fx *f, struct world *w)
{
	nl_secret_init();
	person_order(f, "64172043210", "ayse@example.org", NL_PAY_INSTITUTION, &w->inst_order,
	             &w->inst_no, NULL);
	person_order(f, "57855534068", "mehmet@example.org", NL_PAY_PERSON, &w->pay_order,
	             &w->pay_no, &w->person);
	assert_int_equal(nl_payment_seed_demo_prices(&f->app, T0), NL_OK);
}

int64_t count_mail(struct fx *f, const char *to)
{
	struct nl_outbox_list l = {0};
	struct nl_outbox_filter flt = {.recipient = to, .limit = 100};
	assert_int_equal(nl_outbox_list(f->db, &flt, &l), NL_OK);
	int64_t n = 0;
	for (size_t i = 0; i < l.n; i++)
		n += strstr(l.items[i].subject ? l.items[i].subject : "", "Ödemeniz alındı") != NULL;
	nl_outbox_list_free(&l);
	return n;
}

enum nl_order_status status_of(struct fx *f, int64_t id)
{
	struct nl_order o;
	assert_int_equal(nl_store_order_get(f->c, id, &o), NL_OK);
	enum nl_order_status s = o.status;
	nl_order_clear(&o);
	return s;
}

void pos_app(struct fx *f, struct nl_app *app)
{
	memset(app, 0, sizeof *app);
	app->db = f->db;
	struct nl_pos_config pc;
	nl_pos_config_defaults(&pc);
	assert_int_equal(nl_pos_config_set(&pc, "secret", SECRET), NL_OK);
	assert_int_equal(nl_pos_open(&pc, &app->drivers.pos), NL_OK);
}

/* A submitted and SMS-confirmed version of order id, ready for approval. */
int64_t confirmed_version(struct fx *f, int64_t order_id)
{
	struct nl_form fm = {.order_id = order_id, .period_years = 1, .card_reader = "none",
	                     .info_channel = "email", .email = "form@example.org",
	                     .mobile = "5321234567", .reason = "first", .publish = "no"};
	struct nl_form_saved saved;
	assert_int_equal(nl_store_form_submit(f->c, &fm, T0, &saved), NL_OK);
	assert_int_equal(nl_store_form_set_status(f->c, saved.id, NL_FORM_SUBMITTED,
	                                          NL_FORM_SMS_CONFIRMED, T0), NL_OK);
	return saved.version;
}

void approve(struct nl_app *app, int64_t order_no, int64_t version)
{
	struct nl_approve_req q = {.order_no = order_no, .version = version,
	                           .method = NL_APPROVE_ISLAK, .actor = "user:2",
	                           .evidence = "wet:TEST", .now = T0};
	struct nl_approve_result res;
	assert_int_equal(nl_approve_form(app, &q, &res), NL_OK);
}
