/* Virtual POS (Sanal POS): card payments by a 3-D Secure redirect.
 *
 * The flow (docs/payment.md):
 *   1. the merchant (us) opens a POS session: a random key, the order and the
 *      amount, stored in pos_sessions (src/store/store_payment.h);
 *   2. the browser is sent to the bank's page (nl_pos_redirect_url) where the
 *      card holder types the card and passes 3-D Secure;
 *   3. the bank page posts the result back to POST /odeme/geri-donus with the
 *      canonical fields below and an HMAC-SHA256 over them with the secret
 *      shared by bank and merchant ([pos] secret);
 *   4. the merchant verifies the MAC in constant time (nl_pos_verify), then
 *      checks the fields against its own session (src/app/payment.h).
 *
 * Configuration, section [pos]:
 *   driver      = simulator | redirect (default simulator)
 *   secret      = shared HMAC key, 16..128 characters. Without one the
 *                 simulator draws a random key per process (fine for one
 *                 node; set it when several nodes share the database). The
 *                 redirect driver requires it.
 *   session_ttl = seconds a payment page may take (default 900)
 *   url         = redirect driver: the bank's 3-D Secure entry page
 *   merchant_id = redirect driver: our merchant number at the bank
 *
 * The redirect driver is the sketch of a bank's driver: it sends the browser
 * to `url` with the payment request in the query (merchant, session,
 * order_no, amount, currency, return_url) signed by the same HMAC over
 * "v1req" and those fields (nl_pos_request_mac), and verifies the bank's
 * callback like the simulator's. A real bank's field names and MAC rules go
 * into a driver of their own with these two calls.
 *
 * The simulator is the bank: its page is served by nitelikd itself at
 * /sanal-pos/sim/{session} and signs its callback with nl_pos_sim_sign. Demo
 * cards (nl_pos_sim_card_outcome): 4111 1111 1111 1111 and
 * 5555 5555 5555 4444 are approved; 4000 0000 0000 0002 is declined
 * (insufficient funds); any other number is declined as invalid. */
#ifndef NL_DRIVERS_POS_H
#define NL_DRIVERS_POS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "drivers/driver.h"

#define NL_POS_MAC_HEX 65             /* 64 hex characters + NUL */
#define NL_POS_SECRET_MIN 16
#define NL_POS_SECRET_MAX 128
#define NL_POS_CANON_MAX 512

struct nl_pos_config {
	char driver[32];
	char secret[NL_POS_SECRET_MAX + 1];
	long session_ttl_s;
	char url[512];
	char merchant_id[64];
};

void nl_pos_config_defaults(struct nl_pos_config *c);
/* NL_ERR_NOT_FOUND for an unknown key, NL_ERR_CONFIG for a bad value. */
NL_MUST_USE nl_err nl_pos_config_set(struct nl_pos_config *c, const char *key, const char *value);

/* The fields of a callback, as received (text). Every one is required. */
struct nl_pos_callback {
	const char *session;    /* the session key */
	const char *order_no;   /* n of SD-<n>, decimal */
	const char *amount;     /* kuruş, decimal */
	const char *currency;   /* "TRY" */
	const char *status;     /* "approved" | "declined" */
	const char *bank_ref;   /* the bank's transaction id */
	const char *mac;        /* lower-case hex HMAC-SHA256 */
};

/* The canonical text the MAC covers: "v1" and the six fields in the order
 * above, each on its own line ('\n'), no trailing newline. Fields with a
 * newline, NUL or over 128 bytes are refused (NL_ERR_INVALID), so two
 * different field sets never give one text. */
NL_MUST_USE nl_err nl_pos_canonical(const struct nl_pos_callback *cb, char out[NL_POS_CANON_MAX]);
/* HMAC-SHA256 of the canonical text with key, as lower-case hex. */
NL_MUST_USE nl_err nl_pos_mac(const unsigned char *key, size_t key_len, const struct nl_pos_callback *cb,
                  char out[NL_POS_MAC_HEX]);
/* NL_OK when cb->mac is the right MAC (compared in constant time), else
 * NL_ERR_UNAUTHORIZED (also for a malformed MAC or fields). */
NL_MUST_USE nl_err nl_pos_mac_check(const unsigned char *key, size_t key_len,
                        const struct nl_pos_callback *cb);

/* What the merchant asks the bank for. */
struct nl_pos_request {
	const char *session;    /* the session key */
	int64_t order_no;
	int64_t amount_kurus;
	const char *return_url; /* absolute URL of POST /odeme/geri-donus */
};

/* The redirect driver's request MAC: lower-case hex HMAC-SHA256 over
 * "v1req\n<merchant>\n<session>\n<order_no>\n<amount>\nTRY\n<return_url>". */
NL_MUST_USE nl_err nl_pos_request_mac(const unsigned char *key, size_t key_len, const char *merchant,
                          const struct nl_pos_request *rq, char out[NL_POS_MAC_HEX]);

typedef struct nl_pos {
	const char *name;
	void *self;
	/* Where to send the browser for a request: an absolute URL or a local path. */
	nl_err (*redirect_url)(void *self, const struct nl_pos_request *rq, char *url, size_t size,
	                       struct nl_drv_error *e);
	/* Verifies a callback's MAC: NL_OK or NL_ERR_UNAUTHORIZED. */
	nl_err (*verify)(void *self, const struct nl_pos_callback *cb, struct nl_drv_error *e);
	/* Simulator only (NULL for a bank's driver): signs a callback. */
	nl_err (*sim_sign)(void *self, const struct nl_pos_callback *cb, char out[NL_POS_MAC_HEX]);
	void (*destroy)(void *self);
	long session_ttl_s;
} nl_pos;

/* Caller frees with nl_pos_free. */
NL_MUST_USE nl_err nl_pos_open(const struct nl_pos_config *c, nl_pos **out);
void nl_pos_free(nl_pos *p);   /* NULL is fine */

/* Demo card outcome of the simulator: NULL when approved, else the decline
 * reason code ("insufficient_funds", "invalid_card"). Spaces are ignored. */
const char *nl_pos_sim_card_outcome(const char *card_number);

#endif
