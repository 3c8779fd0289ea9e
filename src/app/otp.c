/* The SMS confirmation code (otp.h). */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "app/otp.h"
#include "store/install_key.h"
#include "core/validate.h"
#include "store/store_audit.h"
#include "store/store_forms.h"
#include "store/store_orders.h"
#include "store/store_outbox.h"

const char *nl_otp_outcome_msgid(enum nl_otp_outcome o)
{
	switch (o) {
	case NL_OTP_OK: return "Your mobile number is confirmed.";
	case NL_OTP_WRONG: return "The code is not right.";
	case NL_OTP_LOCKED: return "Too many wrong codes. Send a new code.";
	case NL_OTP_EXPIRED: return "The code has expired. Send a new code.";
	case NL_OTP_USED: return "This code was already used.";
	case NL_OTP_NO_CODE: return "No valid code was sent for this form. Press Send first.";
	case NL_OTP_BAD_FORMAT: return "The code has 6 digits.";
	case NL_OTP_STALE_VERSION:
		return "This form version is no longer valid: a newer version was saved.";
	}
	return "The code is not right.";
}

const char *nl_otp_refusal_msgid(enum nl_otp_refusal r)
{
	switch (r) {
	case NL_OTP_REFUSE_ORDER_LIMIT:
		return "At most 3 codes can be sent in 15 minutes. Please wait before asking again.";
	case NL_OTP_REFUSE_MOBILE_LIMIT:
		return "Too many codes were sent to this number. Please try again later.";
	case NL_OTP_REFUSE_STALE_VERSION:
		return "This form version is no longer valid: a newer version was saved.";
	case NL_OTP_REFUSE_CONFIRMED:
		return "This form is already confirmed by SMS.";
	case NL_OTP_REFUSE_NONE:
		break;
	}
	return "";
}

void nl_otp_sms_text(const char *code, int64_t order_no, char *out, size_t cap)
{
	snprintf(out, cap, "Nitelik SMS onay kodunuz: %s (SD-%lld başvuru formu). "
	         "Kod 3 dakika geçerlidir; kimseyle paylaşmayınız.", code, (long long)order_no);
}

static void code_hash(const uint8_t key[NL_KEYED_KEY_LEN], int64_t order_id, const char *code,
                      char out[NL_KEYED_HEX_LEN])
{
	char msg[48];
	snprintf(msg, sizeof msg, "%lld:%s", (long long)order_id, code);
	nl_keyed_hash(key, "sms", msg, out);
}

/* The order if it is person_id's (NL_ERR_NOT_FOUND otherwise) and its current
 * form version (cur->id == 0 when there is none). Frees nothing on error. */
static NL_MUST_USE nl_err load(nl_conn *c, int64_t person_id, int64_t order_no, struct nl_order *o,
                   struct nl_form *cur)
{
	memset(cur, 0, sizeof *cur);
	nl_err rc = nl_store_order_get_by_no(c, order_no, o);
	if (rc != NL_OK)
		return rc;
	if (o->person_id != person_id) {
		nl_order_clear(o);
		return NL_ERR_NOT_FOUND;
	}
	rc = nl_store_form_current(c, o->id, cur);
	if (rc == NL_ERR_NOT_FOUND)
		rc = NL_OK;
	if (rc != NL_OK)
		nl_order_clear(o);
	return rc;
}

struct send_ctx {
	const uint8_t *key;
	int64_t person_id, order_no, version, now;
	const char *code;
	struct nl_otp_sent *out;
};

static NL_MUST_USE nl_err send_tx(nl_conn *c, void *arg)
{
	struct send_ctx *a = arg;
	struct nl_order o;
	struct nl_form cur;
	int64_t n = 0;
	nl_err rc = load(c, a->person_id, a->order_no, &o, &cur);
	if (rc != NL_OK)
		return rc;
	a->out->refusal = NL_OTP_REFUSE_NONE;
	if (!cur.id || cur.version != a->version) {
		a->out->refusal = NL_OTP_REFUSE_STALE_VERSION;
		rc = NL_ERR_CONFLICT;
		goto out;
	}
	if (cur.status != NL_FORM_SUBMITTED) {
		a->out->refusal = NL_OTP_REFUSE_CONFIRMED;
		rc = NL_ERR_CONFLICT;
		goto out;
	}
	/* One send or try of this form at a time, so the counts below are exact. */
	if ((rc = nl_store_form_lock(c, cur.id)) != NL_OK)
		goto out;
	snprintf(a->out->mobile, sizeof a->out->mobile, "%s", cur.mobile);
	if ((rc = nl_store_sms_count_order(c, o.id, a->now - NL_OTP_ORDER_WINDOW + 1, &n)))
		goto out;
	if (n >= NL_OTP_MAX_PER_ORDER) {
		a->out->refusal = NL_OTP_REFUSE_ORDER_LIMIT;
		a->out->retry_after = a->now + NL_OTP_ORDER_WINDOW;
		rc = NL_ERR_RATE_LIMIT;
		goto out;
	}
	if ((rc = nl_store_sms_count_mobile(c, cur.mobile, a->now - NL_OTP_MOBILE_WINDOW + 1, &n)))
		goto out;
	if (n >= NL_OTP_MAX_PER_MOBILE) {
		a->out->refusal = NL_OTP_REFUSE_MOBILE_LIMIT;
		a->out->retry_after = a->now + NL_OTP_MOBILE_WINDOW;
		rc = NL_ERR_RATE_LIMIT;
		goto out;
	}
	struct nl_sms_code sc = {
		.order_id = o.id, .form_version_id = cur.id,
		.sent_at = a->now, .expires_at = a->now + NL_OTP_TTL,
	};
	snprintf(sc.mobile, sizeof sc.mobile, "%s", cur.mobile);
	code_hash(a->key, o.id, a->code, sc.code_hash);
	if ((rc = nl_store_sms_insert(c, &sc)) != NL_OK)
		goto out;
	char text[256];
	nl_otp_sms_text(a->code, o.order_no, text, sizeof text);
	struct nl_outbox_new m = {
		.channel = NL_OUTBOX_SMS, .recipient = cur.mobile, .body_text = text,
		.order_id = o.id,
	};
	rc = nl_outbox_enqueue(c, &m, a->now, NULL);
	if (rc == NL_OK)
		a->out->expires_at = sc.expires_at;
out:
	nl_order_clear(&o);
	nl_form_clear(&cur);
	return rc;
}

nl_err nl_otp_send(const struct nl_app *app, const uint8_t key[NL_KEYED_KEY_LEN], int64_t person_id,
                   int64_t order_no, int64_t version, int64_t now, struct nl_otp_sent *out)
{
	nl_db *db = app->db;
	char code[NL_OTP_DIGITS + 1];
	memset(out, 0, sizeof *out);
	nl_random_digits(NL_OTP_DIGITS, code);
	struct send_ctx a = {key, person_id, order_no, version, now, code, out};
	nl_err rc = nl_store_run_tx(db, send_tx, &a);
	sodium_memzero(code, sizeof code);
	return rc;
}

struct verify_ctx {
	const uint8_t *key;
	int64_t person_id, order_no, version, now;
	const char *code;
	struct nl_otp_result *out;
};

static bool six_digits(const char *s)
{
	return s && strlen(s) == NL_OTP_DIGITS && nl_all_digits(s);
}

static NL_MUST_USE nl_err confirm(nl_conn *c, const struct verify_ctx *a, const struct nl_form *cur)
{
	nl_err rc = nl_store_form_set_status(c, cur->id, NL_FORM_SUBMITTED, NL_FORM_SMS_CONFIRMED,
	                                     a->now);
	if (rc != NL_OK)
		return rc;
	char actor[32];
	snprintf(actor, sizeof actor, "person:%lld", (long long)a->person_id);
	struct nl_audit_rec rec = {
		.at = a->now, .actor = actor, .entity = "form", .entity_id = cur->id,
		.action = "status", .from = "submitted", .to = "sms_confirmed", .reason = "SMS code",
	};
	return nl_store_audit_append(c, &rec);
}

static NL_MUST_USE nl_err verify_tx(nl_conn *c, void *arg)
{
	struct verify_ctx *a = arg;
	struct nl_otp_result *out = a->out;
	struct nl_order o;
	struct nl_form cur;
	struct nl_sms_code sc;
	nl_err rc = load(c, a->person_id, a->order_no, &o, &cur);
	if (rc != NL_OK)
		return rc;
	memset(out, 0, sizeof *out);
	if (!cur.id || cur.version != a->version) {
		out->outcome = NL_OTP_STALE_VERSION;
		goto out;
	}
	if (!six_digits(a->code)) {
		out->outcome = NL_OTP_BAD_FORMAT;
		goto out;
	}
	if ((rc = nl_store_form_lock(c, cur.id)) != NL_OK)
		goto out;
	rc = nl_store_sms_latest(c, cur.id, &sc);
	if (rc == NL_ERR_NOT_FOUND) {
		out->outcome = NL_OTP_NO_CODE;
		rc = NL_OK;
		goto out;
	}
	if (rc != NL_OK)
		goto out;
	out->expires_at = sc.expires_at;
	out->tries_left = NL_OTP_MAX_TRIES - sc.tries;
	if (sc.status == NL_SMS_USED || cur.status != NL_FORM_SUBMITTED) {
		out->outcome = NL_OTP_USED;
		goto out;
	}
	if (sc.status == NL_SMS_LOCKED) {
		out->outcome = NL_OTP_LOCKED;
		out->tries_left = 0;
		goto out;
	}
	if (sc.status != NL_SMS_ACTIVE) {
		out->outcome = NL_OTP_NO_CODE;
		goto out;
	}
	if (a->now >= sc.expires_at) {
		out->outcome = NL_OTP_EXPIRED;
		goto out;
	}
	char typed[NL_KEYED_HEX_LEN];
	code_hash(a->key, o.id, a->code, typed);
	int64_t tries = sc.tries + 1;
	bool right = nl_secret_streq(typed, sc.code_hash);
	sodium_memzero(typed, sizeof typed);
	if (right) {
		rc = nl_store_sms_update(c, sc.id, sc.tries, tries, NL_SMS_USED, a->now);
		if (rc == NL_OK)
			rc = confirm(c, a, &cur);
		out->outcome = NL_OTP_OK;
		out->tries_left = NL_OTP_MAX_TRIES - tries;
		goto out;
	}
	bool lock = tries >= NL_OTP_MAX_TRIES;
	rc = nl_store_sms_update(c, sc.id, sc.tries, tries, lock ? NL_SMS_LOCKED : NL_SMS_ACTIVE, 0);
	out->outcome = lock ? NL_OTP_LOCKED : NL_OTP_WRONG;
	out->tries_left = lock ? 0 : NL_OTP_MAX_TRIES - tries;
out:
	nl_order_clear(&o);
	nl_form_clear(&cur);
	/* A try counted by someone else meanwhile: run the transaction again. */
	return rc == NL_ERR_CONFLICT ? NL_ERR_BUSY : rc;
}

nl_err nl_otp_verify(const struct nl_app *app, const uint8_t key[NL_KEYED_KEY_LEN], int64_t person_id,
                     int64_t order_no, int64_t version, const char *code, int64_t now,
                     struct nl_otp_result *out)
{
	nl_db *db = app->db;
	memset(out, 0, sizeof *out);
	struct verify_ctx a = {key, person_id, order_no, version, now, code, out};
	return nl_store_run_tx(db, verify_tx, &a);
}

nl_err nl_otp_pending(const struct nl_app *app, int64_t person_id, int64_t order_no, int64_t version,
                      int64_t now, int64_t *expires_at, int64_t *tries_left)
{
	nl_db *db = app->db;
	nl_conn *c;
	struct nl_order o;
	struct nl_form cur;
	struct nl_sms_code sc;
	*expires_at = 0;
	*tries_left = 0;
	nl_err rc = nl_db_conn(db, &c);
	if (rc == NL_OK)
		rc = load(c, person_id, order_no, &o, &cur);
	if (rc != NL_OK)
		return rc;
	if (cur.id && cur.version == version && cur.status == NL_FORM_SUBMITTED) {
		rc = nl_store_sms_latest(c, cur.id, &sc);
		if (rc == NL_OK && sc.status == NL_SMS_ACTIVE && now < sc.expires_at) {
			*expires_at = sc.expires_at;
			*tries_left = NL_OTP_MAX_TRIES - sc.tries;
		}
		if (rc == NL_ERR_NOT_FOUND)
			rc = NL_OK;
	}
	nl_order_clear(&o);
	nl_form_clear(&cur);
	return rc;
}

nl_err nl_otp_key(const struct nl_app *app, uint8_t key[NL_KEYED_KEY_LEN])
{
	return nl_install_hash_key(app->db, key);
}
