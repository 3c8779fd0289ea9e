/* Pre-application use case (see preapply.h). */
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "app/notify_access.h"
#include "app/preapply.h"
#include "store/install_key.h"
#include "core/secret.h"
#include "core/validate.h"
#include "store/store_institutions.h"
#include "store/store_order_contacts.h"
#include "store/store_orders.h"
#include "store/store_persons.h"

/* ---- validation (pure) ---- */

/* Copies s without surrounding ASCII white space into out (size bytes);
 * false when it does not fit. */
static bool trimmed(const char *s, char *out, size_t size)
{
	if (!s)
		s = "";
	while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
		s++;
	size_t n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n'))
		n--;
	if (n >= size)
		return false;
	memcpy(out, s, n);
	out[n] = '\0';
	return true;
}

static void add_err(struct nl_preapply_field_error *errs, size_t *n, const char *field,
                    const char *code)
{
	if (*n < NL_PA_MAX_ERRORS)
		errs[(*n)++] = (struct nl_preapply_field_error){field, code};
}

/* The identity: a T.C. number (11 digits, checksum) or a passport with its country. */
static void check_identity(const struct nl_preapply_input *in, struct nl_preapply_clean *out,
                           struct nl_preapply_field_error *errs, size_t *n)
{
	char id[64], buf[NL_PASSPORT_MAX + 1], cc[3];
	const char *r;
	if (!trimmed(in->id_number, id, sizeof id)) {
		add_err(errs, n, NL_PA_ID_NUMBER, "passport_length");
		return;
	}
	if (!*id) {
		add_err(errs, n, NL_PA_ID_NUMBER, "required");
		return;
	}
	if (nl_all_digits(id) && strlen(id) == 11) {
		if ((r = nl_valid_tckn(id)))
			add_err(errs, n, NL_PA_ID_NUMBER, r);
		else
			memcpy(out->id_number, id, 12);   /* 11 digits and the NUL, checked above */
		return;
	}
	if ((r = nl_valid_passport(id, buf))) {
		/* Digits only: most likely a T.C. number of the wrong length. */
		add_err(errs, n, NL_PA_ID_NUMBER, nl_all_digits(id) ? "tckn_length" : r);
		return;
	}
	out->passport = true;
	snprintf(out->id_number, sizeof out->id_number, "%s", buf);
	char country[16];
	if (!trimmed(in->passport_country, country, sizeof country) || !*country) {
		add_err(errs, n, NL_PA_COUNTRY, *country ? "country_unknown" : "required");
		return;
	}
	if ((r = nl_valid_country(country, cc)))
		add_err(errs, n, NL_PA_COUNTRY, r);
	else
		memcpy(out->passport_country, cc, sizeof cc);
}

static void check_name(const char *field, const char *v, char *out, size_t size,
                       struct nl_preapply_field_error *errs, size_t *n)
{
	char tmp[4 * NL_PA_NAME_MAX + 1];
	const char *r;
	if (!trimmed(v, tmp, sizeof tmp))
		r = "too_long";
	else if (!*tmp)
		r = "required";
	else
		r = nl_valid_person_name(tmp, NL_PA_NAME_MAX);
	if (r)
		add_err(errs, n, field, r);
	else if (strlen(tmp) < size)
		memcpy(out, tmp, strlen(tmp) + 1);
	else
		add_err(errs, n, field, "too_long");
}

nl_err nl_preapply_validate(const struct nl_preapply_input *in, struct nl_preapply_clean *out,
                            struct nl_preapply_field_error errs[NL_PA_MAX_ERRORS],
                            size_t *n_errs)
{
	size_t n = 0;
	const char *r;
	char tmp[NL_EMAIL_MAX + 2];
	memset(out, 0, sizeof *out);

	check_identity(in, out, errs, &n);
	check_name(NL_PA_GIVEN, in->given_name, out->given_name, sizeof out->given_name, errs, &n);
	check_name(NL_PA_SURNAME, in->surname, out->surname, sizeof out->surname, errs, &n);

	if (!trimmed(in->email, tmp, sizeof tmp))
		r = "email_length";
	else
		r = *tmp ? nl_valid_email(tmp) : "required";
	if (r)
		add_err(errs, &n, NL_PA_EMAIL, r);
	else
		memcpy(out->email, tmp, strlen(tmp) + 1);   /* nl_valid_email: at most 254 bytes */

	if (!trimmed(in->mobile, tmp, sizeof tmp))
		r = "mobile_format";
	else
		r = *tmp ? nl_valid_mobile(tmp, out->mobile) : "required";
	if (r)
		add_err(errs, &n, NL_PA_MOBILE, r);

	if (!in->reason)
		add_err(errs, &n, NL_PA_REASON, "required");
	else if (!nl_reason_code(in->reason))
		add_err(errs, &n, NL_PA_REASON, "not_allowed");
	if (!in->payment_type)
		add_err(errs, &n, NL_PA_PAYMENT, "required");
	else if (!nl_payment_type_code(in->payment_type))
		add_err(errs, &n, NL_PA_PAYMENT, "not_allowed");
	out->reason = in->reason;
	out->payment_type = in->payment_type;
	out->backup_cert = in->backup_cert;

	*n_errs = n;
	return n ? NL_ERR_INVALID : NL_OK;
}

/* ---- the transaction ---- */

nl_err nl_preapply_open_order(nl_conn *c, int64_t institution_id,
                              const struct nl_preapply_clean *row, int64_t *order_no)
{
	struct nl_person p;
	struct nl_order_list l = {0};
	*order_no = 0;
	nl_err e = nl_store_person_find(c, row->passport ? NL_ID_PASSPORT : NL_ID_TCKN,
	                                row->id_number, row->passport_country, &p);
	if (e == NL_ERR_NOT_FOUND)
		return NL_OK;
	if (e)
		return e;
	e = nl_store_order_list_person(c, p.id, &l);
	for (size_t i = 0; e == NL_OK && i < l.n; i++) {
		const struct nl_order *o = &l.items[i].order;
		if (o->institution_id == institution_id && nl_order_status_is_open(o->status)) {
			*order_no = o->order_no;
			break;
		}
	}
	nl_order_list_free(&l);
	nl_person_clear(&p);
	return e;
}

/* What is prepared outside the transaction for one row: the password and its hash. */
struct prepared {
	struct nl_preapply_clean row;   /* a writable copy: the store's structs take char * */
	char password[NL_ACCESS_PASSWORD_LEN + 1];
	char hash[NL_ACCESS_HASH_LEN];
};

struct batch_ctx {
	const struct nl_preapply_ctx *ctx;
	struct prepared *prep;
	size_t n;
	struct nl_preapply_result *results;
	const struct nl_access_tmpl *tmpl;
};

/* Finds or creates the person of row; an existing person's row is written
 * (unchanged) first so that PostgreSQL locks it: two imports of the same
 * identity then take turns, and the second sees the first one's order. */
static NL_MUST_USE nl_err person_for(nl_conn *c, struct nl_preapply_clean *row, struct nl_person *p)
{
	static char empty[1];
	nl_err e = nl_store_person_find(c, row->passport ? NL_ID_PASSPORT : NL_ID_TCKN,
	                                row->id_number, row->passport_country, p);
	if (e == NL_OK)
		return nl_store_person_update(c, p);
	if (e != NL_ERR_NOT_FOUND)
		return e;
	struct nl_person np = {
		.id_kind = row->passport ? NL_ID_PASSPORT : NL_ID_TCKN,
		.id_number = row->id_number, .passport_country = row->passport_country,
		.given_name = row->given_name, .surname = row->surname,
		.email = row->email, .mobile = row->mobile,
		.birth_place = empty, .birth_date = empty,
	};
	if ((e = nl_store_person_create(c, &np)))
		return e;
	return nl_store_person_get(c, np.id, p);
}

static NL_MUST_USE nl_err one_row(nl_conn *c, struct batch_ctx *b, size_t i)
{
	struct nl_preapply_clean *row = &b->prep[i].row;
	struct nl_preapply_result *res = &b->results[i];
	struct nl_person p = {0};
	int64_t open_no = 0;
	nl_err e = person_for(c, row, &p);
	if (e == NL_OK)
		e = nl_preapply_open_order(c, b->ctx->institution_id, row, &open_no);
	if (e)
		goto out;
	res->person_id = p.id;
	if (open_no) {
		res->outcome = NL_PA_DUPLICATE;
		res->order_no = open_no;
		goto out;
	}
	/* What this pre-application typed stays with its order (the mail goes
	 * there, the institution's views show it); the person's own data is
	 * neither shown to the institution nor replaced by it (docs/applicant.md,
	 * "Doors and entitlement"). */
	struct nl_order_contact oc;
	memset(&oc, 0, sizeof oc);
	snprintf(oc.given_name, sizeof oc.given_name, "%s", row->given_name);
	snprintf(oc.surname, sizeof oc.surname, "%s", row->surname);
	snprintf(oc.email, sizeof oc.email, "%s", row->email);
	snprintf(oc.mobile, sizeof oc.mobile, "%s", row->mobile);
	struct nl_order o = {
		.person_id = p.id, .institution_id = b->ctx->institution_id, .reason = row->reason,
		.payment_type = row->payment_type, .backup_cert = row->backup_cert,
		.access_password_hash = b->prep[i].hash,
	};
	if ((e = nl_store_order_create(c, &o, b->ctx->actor)) ||
	    (e = nl_store_order_contact_put(c, o.id, &oc))) {
		o.access_password_hash = NULL;   /* ours, not the order's to free */
		nl_order_clear(&o);
		goto out;
	}
	res->outcome = NL_PA_CREATED;
	res->order_id = o.id;
	res->order_no = o.order_no;
	struct nl_access_mail m = {
		.to = row->email, .given_name = row->given_name, .surname = row->surname,
		.order_no = o.order_no, .password = b->prep[i].password,
		.base_url = b->ctx->app->cfg->base_url, .english = row->passport,
	};
	e = nl_notify_access_enqueue(c, b->tmpl, &m, o.id, b->ctx->now);
	o.access_password_hash = NULL;   /* ours, not the order's to free */
	nl_order_clear(&o);
out:
	nl_person_clear(&p);
	return e;
}

static NL_MUST_USE nl_err batch_tx(nl_conn *c, void *arg)
{
	struct batch_ctx *b = arg;
	struct nl_institution inst;
	/* A retried transaction starts from scratch. */
	memset(b->results, 0, b->n * sizeof *b->results);
	nl_err e = b->ctx->in_tx ? b->ctx->in_tx(c, b->ctx->in_tx_arg) : NL_OK;
	if (e)
		return e;
	e = nl_store_institution_get(c, b->ctx->institution_id, &inst);
	if (e)
		return e;
	bool active = inst.active;
	nl_institution_clear(&inst);
	if (!active)
		return NL_ERR_NOT_FOUND;
	for (size_t i = 0; i < b->n && e == NL_OK; i++)
		e = one_row(c, b, i);
	return e;
}

nl_err nl_preapply_batch(const struct nl_preapply_ctx *ctx, const struct nl_preapply_clean *rows,
                         size_t n, struct nl_preapply_result *results)
{
	struct nl_access_tmpl tmpl;
	struct prepared *prep = NULL;
	nl_err e = nl_secret_init();
	if (e)
		return e;
	if (n == 0)
		return NL_OK;
	if ((e = nl_access_tmpl_load(ctx->app->cfg->web_dir, &tmpl)))
		return e;
	prep = calloc(n, sizeof *prep);
	if (!prep) {
		e = NL_ERR_NOMEM;
		goto out;
	}
	/* The access password is machine-made and random: a keyed hash, not
	 * argon2id (docs/configuration.md [security]), so a row costs microseconds. */
	uint8_t key[NL_KEYED_KEY_LEN];
	if ((e = nl_install_hash_key(ctx->app->db, key)))
		goto out;
	for (size_t i = 0; i < n; i++) {
		prep[i].row = rows[i];
		nl_random_access_password(NL_ACCESS_PASSWORD_LEN, prep[i].password);
		nl_access_hash(key, prep[i].password, prep[i].hash);
	}
	sodium_memzero(key, sizeof key);
	struct batch_ctx b = {ctx, prep, n, results, &tmpl};
	e = nl_store_run_tx(ctx->app->db, batch_tx, &b);
	/* A duplicate is an outcome, not an error, so a conflict here is a unique
	 * key: another request created the same new person at the same moment.
	 * Once more, and this time the person is found. */
	if (e == NL_ERR_CONFLICT)
		e = nl_store_run_tx(ctx->app->db, batch_tx, &b);
out:
	if (prep) {
		/* The passwords were only ever for the mails. */
		sodium_memzero(prep, n * sizeof *prep);
		free(prep);
	}
	nl_access_tmpl_free(&tmpl);
	return e;
}

nl_err nl_preapply_one(const struct nl_preapply_ctx *ctx, const struct nl_preapply_input *in,
                       struct nl_preapply_result *out)
{
	struct nl_preapply_clean row;
	struct nl_preapply_field_error errs[NL_PA_MAX_ERRORS];
	size_t n_errs;
	struct nl_preapply_result res = {0};
	nl_err e = nl_preapply_validate(in, &row, errs, &n_errs);
	if (e)
		return e;
	e = nl_preapply_batch(ctx, &row, 1, &res);
	if (out)
		*out = res;
	if (e == NL_OK && res.outcome == NL_PA_DUPLICATE)
		e = NL_ERR_CONFLICT;
	return e;
}
