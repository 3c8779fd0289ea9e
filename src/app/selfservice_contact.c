/* The holder's contact data (selfservice.h): e-mail, mobile and information
 * channel. A new mobile number is confirmed by a 6-digit code sent to that
 * NEW number, so nobody can point the holder's messages at a number he does
 * not hold. The code is kept only as a keyed hash (context "contact", over
 * "<person id>:<code>"), lives NL_SS_CONTACT_TTL seconds and allows
 * NL_SS_CONTACT_TRIES tries. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "app/selfservice.h"
#include "store/install_key.h"
#include "core/secret.h"
#include "core/validate.h"
#include "store/store_audit.h"
#include "store/store_forms.h"
#include "store/store_orders.h"
#include "store/store_outbox.h"
#include "store/store_persons.h"

#define CODE_DIGITS 6

/* nl_ss_contact on c (also inside the caller's transaction). */
static NL_MUST_USE nl_err contact_on(nl_conn *c, int64_t person_id, struct nl_holder_contact *out)
{
	struct nl_order_list l = {0};
	struct nl_person p = {0};
	memset(out, 0, sizeof *out);
	nl_err rc = nl_store_holder_contact_get(c, person_id, out);
	if (rc != NL_ERR_NOT_FOUND)
		return rc;
	/* Never changed here: what his newest form says. */
	if ((rc = nl_store_order_list_person(c, person_id, &l)) != NL_OK)
		return rc;
	for (size_t i = 0; i < l.n; i++) {
		struct nl_form f = {0};
		rc = nl_store_form_current(c, l.items[i].order.id, &f);
		if (rc == NL_OK && f.email && f.mobile && f.info_channel && *f.info_channel) {
			snprintf(out->email, sizeof out->email, "%s", f.email);
			snprintf(out->mobile, sizeof out->mobile, "%s", f.mobile);
			snprintf(out->info_channel, sizeof out->info_channel, "%s", f.info_channel);
			nl_form_clear(&f);
			nl_order_list_free(&l);
			return NL_OK;
		}
		nl_form_clear(&f);
		if (rc != NL_OK && rc != NL_ERR_NOT_FOUND) {
			nl_order_list_free(&l);
			return rc;
		}
	}
	nl_order_list_free(&l);
	/* Only the pre-application: its e-mail. */
	if ((rc = nl_store_person_get(c, person_id, &p)) == NL_OK) {
		snprintf(out->email, sizeof out->email, "%s", p.email);
		snprintf(out->mobile, sizeof out->mobile, "%s", p.mobile);
		snprintf(out->info_channel, sizeof out->info_channel, "email");
	}
	nl_person_clear(&p);
	return rc;
}

nl_err nl_ss_contact(const struct nl_app *app, int64_t person_id, struct nl_holder_contact *out)
{
	nl_conn *c;
	nl_err rc = nl_db_conn(app->db, &c);
	return rc ? rc : contact_on(c, person_id, out);
}

static void code_hash(const uint8_t key[NL_KEYED_KEY_LEN], int64_t person_id, const char *code,
                      char out[NL_KEYED_HEX_LEN])
{
	char msg[64];
	snprintf(msg, sizeof msg, "%" PRId64 ":%s", person_id, code);
	nl_keyed_hash(key, "contact", msg, out);
	memset(msg, 0, sizeof msg);
}

/* Stores the contact data (holder_contacts and the person row) with its
 * audit record; inside the caller's transaction. */
static NL_MUST_USE nl_err save(nl_conn *c, int64_t person_id, const struct nl_holder_contact *n,
                   const struct nl_holder_contact *old, int64_t now)
{
	struct nl_person p = {0};
	char actor[48], from[320], to[320];
	nl_err rc = nl_store_holder_contact_put(c, person_id, n, now);
	if (rc == NL_OK)
		rc = nl_store_person_get(c, person_id, &p);
	if (rc == NL_OK) {
		char email[sizeof n->email], mobile[sizeof n->mobile];
		char *oe = p.email, *om = p.mobile;
		snprintf(email, sizeof email, "%s", n->email);
		snprintf(mobile, sizeof mobile, "%s", n->mobile);
		p.email = email;
		p.mobile = mobile;
		rc = nl_store_person_update(c, &p);
		p.email = oe;   /* the person's own strings are freed by nl_person_clear */
		p.mobile = om;
	}
	nl_person_clear(&p);
	if (rc)
		return rc;
	snprintf(actor, sizeof actor, "holder:%" PRId64, person_id);
	snprintf(from, sizeof from, "%s %s %s", old->email, old->mobile, old->info_channel);
	snprintf(to, sizeof to, "%s %s %s", n->email, n->mobile, n->info_channel);
	struct nl_audit_rec rec = {
		.at = now, .actor = actor, .entity = "person", .entity_id = person_id,
		.action = "contact", .from = from, .to = to, .reason = "Online İşlemler",
	};
	return nl_store_audit_append(c, &rec);
}

struct request_args {
	int64_t person_id, now;
	const uint8_t *key;
	struct nl_holder_contact n, old;
	char code[CODE_DIGITS + 1];
	enum nl_ss_contact_outcome *out;
};

static NL_MUST_USE nl_err request_tx(nl_conn *c, void *ctx)
{
	struct request_args *a = ctx;
	if (!strcmp(a->n.mobile, a->old.mobile)) {
		*a->out = NL_SS_CONTACT_SAVED;
		return save(c, a->person_id, &a->n, &a->old, a->now);
	}
	int64_t sent = 0;
	nl_err rc = nl_store_contact_change_count(c, a->person_id,
	                                          a->now - NL_SS_CONTACT_WINDOW + 1, &sent);
	if (rc)
		return rc;
	if (sent >= NL_SS_CONTACT_MAX_SENDS) {
		*a->out = NL_SS_CONTACT_RATE_LIMIT;
		return NL_OK;
	}
	struct nl_contact_change ch = {
		.person_id = a->person_id, .sent_at = a->now, .expires_at = a->now + NL_SS_CONTACT_TTL,
	};
	snprintf(ch.email, sizeof ch.email, "%s", a->n.email);
	snprintf(ch.mobile, sizeof ch.mobile, "%s", a->n.mobile);
	snprintf(ch.info_channel, sizeof ch.info_channel, "%s", a->n.info_channel);
	code_hash(a->key, a->person_id, a->code, ch.code_hash);
	if ((rc = nl_store_contact_change_insert(c, &ch)) != NL_OK)
		return rc;
	char text[200];
	snprintf(text, sizeof text, "Nitelik: cep telefonu numaranızı doğrulama kodunuz: %s "
	         "Kodu kimseyle paylaşmayınız.", a->code);
	struct nl_outbox_new m = {.channel = NL_OUTBOX_SMS, .recipient = a->n.mobile, .body_text = text};
	rc = nl_outbox_enqueue(c, &m, a->now, NULL);
	memset(text, 0, sizeof text);
	if (rc == NL_OK)
		*a->out = NL_SS_CONTACT_CODE_SENT;
	return rc;
}

nl_err nl_ss_contact_request(struct nl_app *app, int64_t person_id, const char *email,
                             const char *mobile, const char *channel, int64_t now,
                             enum nl_ss_contact_outcome *out)
{
	uint8_t key[NL_KEYED_KEY_LEN];
	struct request_args a = {.person_id = person_id, .now = now, .key = key, .out = out};
	if (!email || !mobile || !channel || strlen(email) >= sizeof a.n.email ||
	    strlen(mobile) != 10 || (strcmp(channel, "email") && strcmp(channel, "sms") &&
	                             strcmp(channel, "both")))
		return NL_ERR_INVALID;
	nl_err rc = nl_ss_contact(app, person_id, &a.old);
	if (rc == NL_OK)
		rc = nl_install_hash_key(app->db, key);
	if (rc)
		return rc;
	snprintf(a.n.email, sizeof a.n.email, "%s", email);
	snprintf(a.n.mobile, sizeof a.n.mobile, "%s", mobile);
	snprintf(a.n.info_channel, sizeof a.n.info_channel, "%s", channel);
	nl_random_digits(CODE_DIGITS, a.code);
	rc = nl_store_run_tx(app->db, request_tx, &a);
	memset(a.code, 0, sizeof a.code);
	memset(key, 0, sizeof key);
	return rc;
}

struct confirm_args {
	int64_t person_id, now;
	const char *hash;
	enum nl_ss_contact_outcome *out;
	int64_t *tries_left;
};

static NL_MUST_USE nl_err confirm_tx(nl_conn *c, void *ctx)
{
	struct confirm_args *a = ctx;
	struct nl_contact_change ch;
	nl_err rc = nl_store_contact_change_latest(c, a->person_id, &ch);
	if (rc == NL_ERR_NOT_FOUND || (rc == NL_OK && strcmp(ch.status, "active"))) {
		*a->out = rc == NL_OK && !strcmp(ch.status, "locked") ? NL_SS_CONTACT_LOCKED
		                                                      : NL_SS_CONTACT_NO_CODE;
		return NL_OK;
	}
	if (rc)
		return rc;
	if (ch.expires_at <= a->now) {
		*a->out = NL_SS_CONTACT_EXPIRED;
		return NL_OK;
	}
	if (!nl_secret_streq(ch.code_hash, a->hash)) {
		int64_t tries = ch.tries + 1;
		bool lock = tries >= NL_SS_CONTACT_TRIES;
		rc = nl_store_contact_change_update(c, ch.id, ch.tries, tries, lock ? "locked" : "active");
		*a->out = lock ? NL_SS_CONTACT_LOCKED : NL_SS_CONTACT_WRONG;
		*a->tries_left = NL_SS_CONTACT_TRIES - tries;
		return rc;
	}
	if ((rc = nl_store_contact_change_update(c, ch.id, ch.tries, ch.tries, "used")) != NL_OK)
		return rc;
	struct nl_holder_contact old, n = {0};
	snprintf(n.email, sizeof n.email, "%s", ch.email);
	snprintf(n.mobile, sizeof n.mobile, "%s", ch.mobile);
	snprintf(n.info_channel, sizeof n.info_channel, "%s", ch.info_channel);
	if ((rc = contact_on(c, a->person_id, &old)) != NL_OK)
		return rc;
	*a->out = NL_SS_CONTACT_SAVED;
	return save(c, a->person_id, &n, &old, a->now);
}

nl_err nl_ss_contact_confirm(struct nl_app *app, int64_t person_id, const char *code,
                             int64_t now, enum nl_ss_contact_outcome *out, int64_t *tries_left)
{
	uint8_t key[NL_KEYED_KEY_LEN];
	char hash[NL_KEYED_HEX_LEN];
	int64_t left = 0;
	if (!code || strlen(code) != CODE_DIGITS || !nl_all_digits(code)) {
		*out = NL_SS_CONTACT_WRONG;
		if (tries_left)
			*tries_left = -1;
		return NL_OK;
	}
	nl_err rc = nl_install_hash_key(app->db, key);
	if (rc)
		return rc;
	code_hash(key, person_id, code, hash);
	memset(key, 0, sizeof key);
	struct confirm_args a = {person_id, now, hash, out, &left};
	rc = nl_store_run_tx(app->db, confirm_tx, &a);
	if (tries_left)
		*tries_left = left;
	return rc;
}
