/* Demo data for `nitelikd --demo`: one institution, a staff account for each role,
 * and a few persons with pre-applications, so that every door of the portal can
 * be walked at once. The people are the registry simulator's demo citizens
 * (data/demo-citizens.json), so identity login works for them too.
 *
 * The passwords are fixed and printed at start on purpose: this runs only in
 * demo mode (nitelikd refuses demo data otherwise) and the README names them. */
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "app/payment.h"
#include "store/install_key.h"
#include "cmd/demo.h"
#include "core/order.h"
#include "core/secret.h"
#include "store/store_institutions.h"
#include "store/store_order_contacts.h"
#include "store/store_orders.h"
#include "store/store_persons.h"
#include "store/store_users.h"

#define DEMO_INSTITUTION "Demo İl Milli Eğitim Müdürlüğü"
#define DEMO_ACCESS_PASSWORD "Demo2026"

struct demo_user {
	char *username, *password;   /* literals: the store's structs take char * */
	enum nl_user_role role;
	bool in_institution;
	const char *what;
};

static const struct demo_user demo_users[] = {
	{"kurum", "kurum-demo", NL_ROLE_KURUM, true, "institution officer (kurum e-imza sorumlusu)"},
	{"kayit", "kayit-demo", NL_ROLE_RA, false, "registration officer (kayıt görevlisi)"},
	{"uretim", "uretim-demo", NL_ROLE_PRODUCTION, false, "production operator"},
	{"admin", "admin-demo", NL_ROLE_ADMIN, false, "administrator"},
};

struct demo_person {
	char *tckn, *given, *surname, *birth_place, *birth_date, *email, *mobile;
	enum nl_payment_type pay;
	enum nl_reason reason;
};

static const struct demo_person demo_persons[] = {
	{"64172043210", "AYŞE", "YILMAZ", "İSTANBUL", "1985-03-14", "ayse.yilmaz@example.org",
	 "5321234567", NL_PAY_INSTITUTION, NL_REASON_FIRST},
	{"57855534068", "MEHMET", "ÖZTÜRK", "ANKARA", "1979-11-02", "mehmet.ozturk@example.org",
	 "5337654321", NL_PAY_PERSON, NL_REASON_FIRST},
	{"49214588584", "IŞIL", "ÇELİK", "İZMİR", "1992-06-21", "isil.celik@example.org",
	 "5441112233", NL_PAY_INSTITUTION, NL_REASON_RENEWAL},
};

struct seed_ctx {
	char access_hash[NL_PWHASH_LEN];
	char user_hash[sizeof demo_users / sizeof demo_users[0]][NL_PWHASH_LEN];
	bool already;
};

static NL_MUST_USE nl_err seed_tx(nl_conn *c, void *arg)
{
	struct seed_ctx *ctx = arg;
	struct nl_institution *list = NULL;
	size_t n = 0;
	nl_err e = nl_store_institution_list(c, &list, &n);
	if (e)
		return e;
	nl_institution_list_free(list, n);
	if (n > 0) {          /* seeded before: leave the data as the demo left it */
		ctx->already = true;
		return NL_OK;
	}

	struct nl_institution inst = {
		.name = DEMO_INSTITUTION, .registry_no = "06-MEB-0001",
		.address = "Atatürk Bulvarı No: 1, Çankaya / Ankara", .active = true,
	};
	if ((e = nl_store_institution_create(c, &inst)))
		return e;

	for (size_t i = 0; i < sizeof demo_users / sizeof demo_users[0]; i++) {
		struct nl_user u = {
			.username = demo_users[i].username,
			.password_hash = ctx->user_hash[i],
			.role = demo_users[i].role,
			.institution_id = demo_users[i].in_institution ? inst.id : 0,
			.active = true,
		};
		if ((e = nl_store_user_create(c, &u)))
			return e;
	}

	for (size_t i = 0; i < sizeof demo_persons / sizeof demo_persons[0]; i++) {
		const struct demo_person *d = &demo_persons[i];
		struct nl_person p = {
			.id_kind = NL_ID_TCKN, .id_number = d->tckn, .passport_country = "",
			.given_name = d->given, .surname = d->surname,
			.email = d->email, .mobile = d->mobile,
			.birth_place = d->birth_place, .birth_date = d->birth_date,
		};
		if ((e = nl_store_person_create(c, &p)))
			return e;
		struct nl_order o = {
			.person_id = p.id, .institution_id = inst.id, .reason = d->reason,
			.payment_type = d->pay, .backup_cert = false,
			.access_password_hash = ctx->access_hash,
		};
		if ((e = nl_store_order_create(c, &o, "demo:seed")))
			return e;
		/* What the institution's pre-application typed (store_order_contacts.h). */
		struct nl_order_contact oc;
		memset(&oc, 0, sizeof oc);
		snprintf(oc.given_name, sizeof oc.given_name, "%s", d->given);
		snprintf(oc.surname, sizeof oc.surname, "%s", d->surname);
		snprintf(oc.email, sizeof oc.email, "%s", d->email);
		snprintf(oc.mobile, sizeof oc.mobile, "%s", d->mobile);
		if ((e = nl_store_order_contact_put(c, o.id, &oc)))
			return e;
	}
	return NL_OK;
}

nl_err nl_demo_seed(nl_db *db, const struct nl_config *cfg)
{
	if (!cfg->demo)
		return NL_ERR_CONFIG;
	struct seed_ctx ctx = {0};
	nl_err e = nl_secret_init();
	if (e)
		return e;
	/* Hash outside the transaction: argon2id is slow on purpose and a retried
	 * transaction must not pay for it again. */
	/* The access password stands for a machine-made one: keyed, not argon2id
	 * (docs/configuration.md [security]). */
	uint8_t key[NL_KEYED_KEY_LEN];
	if ((e = nl_install_hash_key(db, key)))
		return e;
	nl_access_hash(key, DEMO_ACCESS_PASSWORD, ctx.access_hash);
	sodium_memzero(key, sizeof key);
	for (size_t i = 0; i < sizeof demo_users / sizeof demo_users[0]; i++)
		if ((e = nl_password_hash(demo_users[i].password, ctx.user_hash[i])))
			return e;
	if ((e = nl_store_run_tx(db, seed_tx, &ctx)))
		return e;
	/* Prices of the demo (payment.h): only while the price table is empty. */
	if ((e = nl_payment_seed_demo_prices(&(struct nl_app){.cfg = cfg, .db = db}, (int64_t)time(NULL))))
		return e;

	fprintf(stderr, "\nnitelikd demo %s. Log in at %s with:\n",
	        ctx.already ? "data (kept from an earlier run)" : "data created", cfg->base_url);
	for (size_t i = 0; i < sizeof demo_users / sizeof demo_users[0]; i++)
		fprintf(stderr, "  staff   %-8s / %-12s %s\n", demo_users[i].username,
		        demo_users[i].password, demo_users[i].what);
	for (size_t i = 0; i < sizeof demo_persons / sizeof demo_persons[0]; i++)
		fprintf(stderr, "  person  T.C. %s / access password %s  (%s %s)\n",
		        demo_persons[i].tckn, DEMO_ACCESS_PASSWORD, demo_persons[i].given,
		        demo_persons[i].surname);
	fprintf(stderr, "\n");
	return NL_OK;
}
