/* The SMS confirmation code of the application form (SPEC §4, issue 4 item 5).
 *
 * send: 6 random digits for the order's current, submitted form version,
 *   stored only as a keyed hash (nl_keyed_hash, context "sms", over
 *   "<order id>:<code>"), valid NL_OTP_TTL seconds; the SMS is enqueued in the
 *   outbox (channel sms) in the same transaction, so a code exists exactly
 *   when its message will be sent. A new code replaces the previous one.
 *   Limits: NL_OTP_MAX_PER_ORDER codes per order per NL_OTP_ORDER_WINDOW, and
 *   NL_OTP_MAX_PER_MOBILE codes to one number per NL_OTP_MOBILE_WINDOW
 *   whatever the order (against SMS flooding).
 * verify: the keyed hash of the typed code compared in constant time with the
 *   newest code of that version; NL_OTP_MAX_TRIES wrong tries lock the code.
 *   The right code moves the version to sms_confirmed (audited).
 *
 * The server key comes from store/store_keys.h (nl_store_server_key, name
 * "keyed-hash"), shared by every node of an installation. */
#ifndef NL_APP_OTP_H
#define NL_APP_OTP_H

#include <stdint.h>

#include "app/app.h"
#include "core/err.h"
#include "core/secret.h"
#include "store/db.h"

#define NL_OTP_DIGITS 6
#define NL_OTP_TTL 180
#define NL_OTP_MAX_TRIES 3
#define NL_OTP_MAX_PER_ORDER 3
#define NL_OTP_ORDER_WINDOW (15 * 60)
#define NL_OTP_MAX_PER_MOBILE 5
#define NL_OTP_MOBILE_WINDOW (60 * 60)

/* Why a send was refused besides database errors (set with NL_ERR_RATE_LIMIT
 * or NL_ERR_CONFLICT). */
enum nl_otp_refusal {
	NL_OTP_REFUSE_NONE = 0,
	NL_OTP_REFUSE_ORDER_LIMIT,     /* NL_ERR_RATE_LIMIT: 3 codes in 15 minutes */
	NL_OTP_REFUSE_MOBILE_LIMIT,    /* NL_ERR_RATE_LIMIT: the number got too many */
	NL_OTP_REFUSE_STALE_VERSION,   /* NL_ERR_CONFLICT: not the current version */
	NL_OTP_REFUSE_CONFIRMED,       /* NL_ERR_CONFLICT: already confirmed */
};

struct nl_otp_sent {
	int64_t expires_at;
	int64_t retry_after;           /* on ORDER/MOBILE_LIMIT: when a send is possible again */
	enum nl_otp_refusal refusal;
	char mobile[11];               /* the number the code went to */
};

/* Sends a code for version `version` of order SD-<order_no> of person_id.
 * NL_ERR_NOT_FOUND: not this person's order or no such version. */
/* The installation's keyed-hash key that nl_otp_send and nl_otp_verify take. */
NL_MUST_USE nl_err nl_otp_key(const struct nl_app *app, uint8_t key[NL_KEYED_KEY_LEN]);

NL_MUST_USE nl_err nl_otp_send(const struct nl_app *app, const uint8_t key[NL_KEYED_KEY_LEN], int64_t person_id,
                   int64_t order_no, int64_t version, int64_t now, struct nl_otp_sent *out);

enum nl_otp_outcome {
	NL_OTP_OK = 1,         /* right code: the version is sms_confirmed */
	NL_OTP_WRONG,          /* wrong code; tries_left > 0 */
	NL_OTP_LOCKED,         /* too many wrong tries (now or before): send a new code */
	NL_OTP_EXPIRED,        /* older than NL_OTP_TTL: send a new code */
	NL_OTP_USED,           /* this code was used already */
	NL_OTP_NO_CODE,        /* no code was sent for this version (or it was replaced) */
	NL_OTP_BAD_FORMAT,     /* not 6 digits: no try is counted */
	NL_OTP_STALE_VERSION,  /* not the current version of the form */
};

struct nl_otp_result {
	enum nl_otp_outcome outcome;
	int64_t tries_left;
	int64_t expires_at;
};

/* Checks `code` for the version. Every outcome but a database error returns
 * NL_OK with out->outcome set (a wrong try is counted and committed).
 * NL_ERR_NOT_FOUND: not this person's order. */
NL_MUST_USE nl_err nl_otp_verify(const struct nl_app *app, const uint8_t key[NL_KEYED_KEY_LEN], int64_t person_id,
                     int64_t order_no, int64_t version, const char *code, int64_t now,
                     struct nl_otp_result *out);

/* The newest code of the order's current version `version`, for the SMS page's
 * countdown: *expires_at > now when a code is active and not expired (0 when
 * none), *tries_left its remaining tries. NL_ERR_NOT_FOUND: not this
 * person's order. */
NL_MUST_USE nl_err nl_otp_pending(const struct nl_app *app, int64_t person_id, int64_t order_no, int64_t version,
                      int64_t now, int64_t *expires_at, int64_t *tries_left);

/* The English message id of an outcome / refusal, for pages and the CLI. */
const char *nl_otp_outcome_msgid(enum nl_otp_outcome o);
const char *nl_otp_refusal_msgid(enum nl_otp_refusal r);

/* The text of the SMS (Turkish; the code and the order number filled in). */
void nl_otp_sms_text(const char *code, int64_t order_no, char *out, size_t cap);

#endif
