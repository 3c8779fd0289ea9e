/* Prices, debts, recording a payment and its notification (see payment.h). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/approve.h"
#include "app/payment.h"
#include "core/buf.h"
#include "core/config.h"
#include "core/money.h"
#include "store/store_audit.h"
#include "store/store_forms.h"
#include "store/store_order_contacts.h"
#include "store/store_orders.h"
#include "store/store_outbox.h"

static const char *const readers[] = {"none", "standard", "mini"};

/* ---- prices ---- */

struct price_set_ctx {
	struct nl_price p;
	int64_t now;
};

static NL_MUST_USE nl_err price_set_tx(nl_conn *c, void *arg)
{
	struct price_set_ctx *ctx = arg;
	struct nl_price p = ctx->p;   /* a retried transaction starts from the input again */
	return nl_store_price_set(c, &p, ctx->now);
}

nl_err nl_payment_price_set(const struct nl_app *app, int64_t period_years, const char *card_reader,
                            int64_t amount_kurus, int64_t vat_bp, const char *actor, int64_t now)
{
	nl_db *db = app->db;
	if (!card_reader || !nl_price_reader_valid(card_reader) || !actor || !*actor ||
	    strlen(actor) >= sizeof((struct nl_price *)0)->set_by)
		return NL_ERR_INVALID;
	struct price_set_ctx ctx = {.now = now};
	snprintf(ctx.p.product, sizeof ctx.p.product, "%s", NL_PRODUCT_NES);
	ctx.p.period_years = period_years;
	snprintf(ctx.p.card_reader, sizeof ctx.p.card_reader, "%s", card_reader);
	ctx.p.amount_kurus = amount_kurus;
	ctx.p.vat_bp = vat_bp;
	ctx.p.valid_from = now;
	snprintf(ctx.p.set_by, sizeof ctx.p.set_by, "%s", actor);
	return nl_store_run_tx(db, price_set_tx, &ctx);
}

nl_err nl_payment_prices_current(const struct nl_app *app, int64_t now, struct nl_price out[NL_PRICE_COMBOS],
                                 bool have[NL_PRICE_COMBOS])
{
	nl_db *db = app->db;
	nl_conn *c;
	nl_err e = nl_db_conn(db, &c);
	for (int i = 0; e == NL_OK && i < NL_PRICE_COMBOS; i++) {
		e = nl_store_price_at(c, NL_PRODUCT_NES, i / 3 + 1, readers[i % 3], now, &out[i]);
		have[i] = e == NL_OK;
		if (e == NL_ERR_NOT_FOUND) {
			/* Show the combination even when it has no price yet. */
			out[i].period_years = i / 3 + 1;
			snprintf(out[i].card_reader, sizeof out[i].card_reader, "%s", readers[i % 3]);
			e = NL_OK;
		}
	}
	return e;
}

void nl_payment_vat_rate_text(int64_t vat_bp, char *out, size_t size)
{
	if (vat_bp % 100 == 0)
		snprintf(out, size, "%" PRId64, vat_bp / 100);
	else if (vat_bp % 10 == 0)
		snprintf(out, size, "%" PRId64 ",%" PRId64, vat_bp / 100, vat_bp % 100 / 10);
	else
		snprintf(out, size, "%" PRId64 ",%02" PRId64, vat_bp / 100, vat_bp % 100);
}

/* kuruş, VAT-inclusive, 20 % VAT: period 1..3 × none, standard, mini. */
static const int64_t demo_prices[NL_PRICE_COMBOS] = {
	60000, 90000, 96000,
	96000, 126000, 132000,
	120000, 150000, 156000,
};

static NL_MUST_USE nl_err seed_tx(nl_conn *c, void *arg)
{
	int64_t now = *(const int64_t *)arg, n;
	nl_err e = nl_store_price_count(c, &n);
	for (int i = 0; e == NL_OK && n == 0 && i < NL_PRICE_COMBOS; i++) {
		struct nl_price p = {
			.product = NL_PRODUCT_NES, .period_years = i / 3 + 1,
			.amount_kurus = demo_prices[i], .vat_bp = 2000, .valid_from = 0,
			.set_by = "demo:seed",
		};
		snprintf(p.card_reader, sizeof p.card_reader, "%s", readers[i % 3]);
		e = nl_store_price_set(c, &p, now);
	}
	return e;
}

nl_err nl_payment_seed_demo_prices(const struct nl_app *app, int64_t now)
{
	nl_db *db = app->db;
	return nl_store_run_tx(db, seed_tx, &now);
}

/* ---- debts ---- */

static bool waiting_for_payment(const struct nl_order *o)
{
	return o->payment_type == NL_PAY_PERSON &&
	       (o->status == NL_ST_FORM_PAYMENT_WAIT || o->status == NL_ST_PAYMENT_WAIT);
}

/* The price of a product at `at`, else (set only later) the one in force now. */
static NL_MUST_USE nl_err price_for(nl_conn *c, int64_t period, const char *reader, int64_t at, int64_t now,
                        struct nl_price *p)
{
	nl_err e = nl_store_price_at(c, NL_PRODUCT_NES, period, reader, at, p);
	if (e == NL_ERR_NOT_FOUND && at < now)
		e = nl_store_price_at(c, NL_PRODUCT_NES, period, reader, now, p);
	return e;
}

nl_err nl_payment_debt_of(nl_conn *c, int64_t order_id, int64_t now, struct nl_debt *out)
{
	memset(out, 0, sizeof *out);
	struct nl_order o;
	struct nl_form f = {0};
	nl_err e = nl_store_order_get(c, order_id, &o);
	if (e)
		return e;
	if (!waiting_for_payment(&o)) {
		e = NL_ERR_NOT_FOUND;
		goto out;
	}
	out->order_id = o.id;
	out->order_no = o.order_no;
	out->status = o.status;
	out->period_years = NL_PAY_DEFAULT_PERIOD;
	snprintf(out->card_reader, sizeof out->card_reader, "%s", NL_PAY_DEFAULT_READER);
	int64_t at = now;
	e = nl_store_form_current(c, o.id, &f);
	if (e == NL_OK && f.period_years >= 1 && nl_price_reader_valid(f.card_reader)) {
		out->from_form = true;
		out->period_years = f.period_years;
		snprintf(out->card_reader, sizeof out->card_reader, "%s", f.card_reader);
		at = f.created_at;   /* the version's submission fixes the price */
	} else if (e != NL_OK && e != NL_ERR_NOT_FOUND) {
		goto out;
	}
	struct nl_price p;
	e = price_for(c, out->period_years, out->card_reader, at, now, &p);
	if (e == NL_ERR_NOT_FOUND) {
		e = NL_OK;           /* "not yet priced" */
		goto out;
	}
	if (e)
		goto out;
	out->priced = true;
	out->amount_kurus = p.amount_kurus;
	out->vat_bp = p.vat_bp;
	e = nl_vat_split_gross(p.amount_kurus, (int)p.vat_bp, &out->net_kurus, &out->vat_kurus);
out:
	nl_order_clear(&o);
	nl_form_clear(&f);
	return e;
}

nl_err nl_payment_debt_of_no(const struct nl_app *app, int64_t order_no, int64_t now, struct nl_debt *out)
{
	nl_db *db = app->db;
	memset(out, 0, sizeof *out);
	nl_conn *c;
	struct nl_order o;
	nl_err e = nl_db_conn(db, &c);
	if (e == NL_OK)
		e = nl_store_order_get_by_no(c, order_no, &o);
	if (e)
		return e;
	int64_t id = o.id;
	nl_order_clear(&o);
	return nl_payment_debt_of(c, id, now, out);
}

nl_err nl_payment_debts_by_tckn(const struct nl_app *app, const char *tckn, int64_t now, struct nl_debt **out,
                                size_t *n)
{
	nl_db *db = app->db;
	*out = NULL;
	*n = 0;
	nl_conn *c;
	int64_t *ids = NULL;
	size_t nids = 0;
	nl_err e = nl_db_conn(db, &c);
	if (e == NL_OK)
		e = nl_store_payment_open_orders_by_tckn(c, tckn, &ids, &nids);
	if (e == NL_OK && nids) {
		*out = calloc(nids, sizeof **out);
		if (!*out)
			e = NL_ERR_NOMEM;
	}
	for (size_t i = 0; e == NL_OK && i < nids; i++) {
		e = nl_payment_debt_of(c, ids[i], now, &(*out)[*n]);
		if (e == NL_OK)
			(*n)++;
		else if (e == NL_ERR_NOT_FOUND)   /* paid in between */
			e = NL_OK;
	}
	free(ids);
	if (e) {
		free(*out);
		*out = NULL;
		*n = 0;
	}
	return e;
}

/* ---- the "payment received" notification ---- */

static NL_MUST_USE nl_err enqueue(nl_conn *c, enum nl_outbox_channel ch, const char *to, const char *subject,
                      const char *text, int64_t order_id, int64_t now)
{
	if (!to || !*to)
		return NL_OK;
	struct nl_outbox_new m = {
		.channel = ch, .recipient = to, .subject = subject, .body_text = text,
		.order_id = order_id,
	};
	return nl_outbox_enqueue(c, &m, now, NULL);
}

/* By the information channel of the current form version (e-mail, SMS or
 * both); without a form yet, by the e-mail of the pre-application (or SMS
 * when there is no e-mail). With web_dir the templates
 * templates/{mail,sms}/payment_received.* are used (text and HTML parts);
 * without (the command line has no web folder) a plain text of the same words. */
static NL_MUST_USE nl_err notify_paid(nl_conn *c, const struct nl_order *o, int64_t amount,
                          enum nl_order_status to, const char *base_url, const char *web_dir,
                          int64_t now)
{
	struct nl_person p = {0};
	struct nl_form f = {0};
	nl_buf mail = NL_BUF_INIT, sms = NL_BUF_INIT;
	char money[NL_MONEY_FMT_MAX], subject[128], order_no[32];
	nl_err e = nl_store_person_get(c, o->person_id, &p);
	if (e)
		goto out;
	nl_money_format(amount, money);
	snprintf(order_no, sizeof order_no, NL_ORDER_NO_PREFIX "%" PRId64, o->order_no);
	snprintf(subject, sizeof subject, "Ödemeniz alındı (%s)", order_no);
	const char *status = nl_order_status_label_tr(to);
	const char *email = p.email, *mobile = p.mobile, *channel = NULL;
	/* The pre-application's e-mail is this order's (docs/applicant.md,
	 * "Doors and entitlement"); the person's record is for orders without one. */
	struct nl_order_contact oc;
	e = nl_store_order_contact_get(c, o->id, &oc);
	if (e == NL_OK) {
		email = oc.email;
		mobile = oc.mobile;
	} else if (e != NL_ERR_NOT_FOUND) {
		goto out;
	}
	e = nl_store_form_current(c, o->id, &f);
	if (e == NL_OK) {
		channel = f.info_channel;
		email = f.email;
		mobile = f.mobile;
	} else if (e != NL_ERR_NOT_FOUND) {
		goto out;
	}
	if (!channel || !*channel)
		channel = email && *email ? "email" : "sms";
	char url[NL_CONFIG_STR];
	size_t bl = base_url ? strlen(base_url) : 0;
	while (bl && base_url[bl - 1] == '/')
		bl--;
	snprintf(url, sizeof url, "%.*s", (int)bl, base_url ? base_url : "");
	if (web_dir && *web_dir) {
		const struct nl_notify_var vars[] = {
			{"given_name", p.given_name}, {"surname", p.surname}, {"order_no", order_no},
			{"amount", money}, {"status", status}, {"next", nl_order_status_help_tr(to)},
			{"base_url", url},
		};
		const struct nl_notify_person who = {
			.channel = channel, .email = email, .mobile = mobile, .subject = subject,
			.order_id = o->id, .lang = nl_notify_lang_of(&p),
		};
		e = nl_notify_person_enqueue(c, web_dir, "payment_received", &who, vars,
		                             sizeof vars / sizeof vars[0], now, NULL);
		goto out;
	}
	nl_buf_printf(&mail,
		"Sayın %s %s,\n\n%s numaralı Nitelikli Elektronik Sertifika başvurunuz için %s "
		"tutarındaki ödemeniz alınmıştır.\n\nBaşvurunuzun durumu: %s\n\n"
		"Başvurunuzu Başvurularım sayfasından takip edebilirsiniz: %s/basvurularim\n",
		p.given_name, p.surname, order_no, money, status, url);
	nl_buf_printf(&sms, "Nitelik: %s başvurunuz için %s ödemeniz alındı. Durum: %s.", order_no,
	              money, status);
	if (mail.oom || sms.oom) {
		e = NL_ERR_NOMEM;
		goto out;
	}
	e = NL_OK;
	if (strcmp(channel, "sms") != 0)
		e = enqueue(c, NL_OUTBOX_MAIL, email, subject, mail.data, o->id, now);
	if (e == NL_OK && strcmp(channel, "email") != 0)
		e = enqueue(c, NL_OUTBOX_SMS, mobile, NULL, sms.data, o->id, now);
out:
	nl_buf_free(&mail);
	nl_buf_free(&sms);
	nl_person_clear(&p);
	nl_form_clear(&f);
	return e;
}

/* ---- recording ---- */

struct record_ctx {
	const struct nl_payment_input *in;
	int64_t now;
	struct nl_payment_result res;
};

static NL_MUST_USE nl_err record_tx(nl_conn *c, void *arg)
{
	struct record_ctx *ctx = arg;
	const struct nl_payment_input *in = ctx->in;
	struct nl_order o;
	struct nl_payment_row prev;
	nl_err e = nl_store_payment_by_ref(c, in->external_ref, &prev);
	if (e == NL_OK)
		return NL_ERR_CONFLICT;      /* this reference was recorded before */
	if (e != NL_ERR_NOT_FOUND)
		return e;
	if ((e = nl_store_order_get(c, in->order_id, &o)))
		return e;
	if (!waiting_for_payment(&o)) {
		e = NL_ERR_TRANSITION;
		goto out;
	}
	enum nl_order_status to = o.status == NL_ST_FORM_PAYMENT_WAIT ? NL_ST_FORM_WAIT
	                                                              : NL_ST_PRODUCTION_WAIT;
	struct nl_payment_row p = {
		.order_id = o.id, .amount_kurus = in->amount_kurus,
		.pos_session_id = in->pos_session_id, .import_id = in->import_id,
		.recorded_at = ctx->now,
	};
	snprintf(p.channel, sizeof p.channel, "%s", in->channel);
	snprintf(p.external_ref, sizeof p.external_ref, "%s", in->external_ref);
	snprintf(p.paid_on, sizeof p.paid_on, "%s", in->paid_on ? in->paid_on : "");
	snprintf(p.actor, sizeof p.actor, "%s", in->actor);
	if ((e = nl_store_payment_insert(c, &p)))
		goto out;                    /* NL_ERR_CONFLICT: the order is paid already */
	char why[160];
	snprintf(why, sizeof why, "payment %s", in->external_ref);
	if ((e = nl_store_order_set_status(c, o.id, o.status, to, in->actor, why))) {
		/* The order moved meanwhile (the form approved at the same moment):
		 * run the transaction again from its new status. */
		if (e == NL_ERR_CONFLICT)
			e = NL_ERR_BUSY;
		goto out;
	}
	char amount[32];
	snprintf(amount, sizeof amount, "%" PRId64, in->amount_kurus);
	struct nl_audit_rec rec = {
		.at = ctx->now, .actor = in->actor, .entity = "payment", .entity_id = p.id,
		.action = "record", .from = "", .to = amount, .reason = in->external_ref,
	};
	if ((e = nl_store_audit_append(c, &rec)))
		goto out;
	if ((e = notify_paid(c, &o, in->amount_kurus, to, in->base_url, in->web_dir, ctx->now)))
		goto out;
	ctx->res.payment_id = p.id;
	ctx->res.order_no = o.order_no;
	ctx->res.from = o.status;
	ctx->res.to = to;
out:
	nl_order_clear(&o);
	return e;
}

nl_err nl_payment_record(nl_conn *c, const struct nl_payment_input *in, int64_t now,
                         struct nl_payment_result *res)
{
	if (!in || !in->order_id || in->amount_kurus < 1 || !in->channel || !*in->channel ||
	    strlen(in->channel) >= sizeof((struct nl_payment_row *)0)->channel ||
	    !in->external_ref || !*in->external_ref || strlen(in->external_ref) >= NL_PAY_REF_MAX ||
	    !in->actor || !*in->actor)
		return NL_ERR_INVALID;
	struct record_ctx ctx = {.in = in, .now = now};
	nl_err e = nl_store_run_tx(nl_db_of(c), record_tx, &ctx);
	if (e == NL_OK && res)
		*res = ctx.res;
	return e;
}

nl_err nl_payment_settled(nl_conn *c, int64_t order_id, bool *settled)
{
	*settled = false;
	struct nl_order o;
	nl_err e = nl_store_order_get(c, order_id, &o);
	if (e)
		return e;
	if (o.payment_type == NL_PAY_INSTITUTION) {
		*settled = true;
	} else {
		struct nl_payment_row p;
		e = nl_store_payment_by_order(c, order_id, &p);
		*settled = e == NL_OK;
		if (e == NL_ERR_NOT_FOUND)
			e = NL_OK;
	}
	nl_order_clear(&o);
	return e;
}
