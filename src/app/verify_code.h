/* The verification code service (SPEC §5.1; docs/esign.md): a 15-digit
 * Doğrulama Kodu, valid 300 seconds, single use, bound to the browser session
 * that asked for it and to one purpose (approve form version V of order N,
 * log in to Online İşlemler, give or withdraw e-Onay), together with the exact
 * text the signing application is to sign.
 *
 * Only a keyed hash of the code is stored (server key, context "esign"). The
 * signing application presents the code without a session: every look-up of
 * an unknown code counts against the client address (throttle door "esign"),
 * so codes cannot be guessed.
 *
 * Ownership: struct nl_esign_code (store_esign.h) is cleared by
 * nl_esign_code_clear; texts built here are malloc'd, freed with free(). */
#ifndef NL_APP_VERIFY_CODE_H
#define NL_APP_VERIFY_CODE_H

#include <stdint.h>

#include "app/app.h"
#include "app/form.h"
#include "app/throttle.h"
#include "core/err.h"
#include "store/db.h"
#include "store/store_esign.h"

#define NL_ESIGN_CODE_DIGITS 15
#define NL_ESIGN_CODE_TTL 300
#define NL_ESIGN_MAX_REFUSALS 5     /* refused signatures before a code is burnt */
#define NL_DOOR_ESIGN "esign"

struct nl_esign_issue {
	const uint8_t *session_hash;    /* NL_ESIGN_SESSION_LEN bytes */
	const char *purpose;            /* "approve" | "login" | "econsent" */
	const char *id_number;          /* the ID number the certificate must carry (bare
	                                   T.C. number or passport number) */
	int64_t person_id;              /* 0 when not known (login) */
	int64_t order_id, form_version_id, consent_text_id;
	const char *consent_choice;     /* "accept" | "decline" for econsent */
	const char *text;               /* exactly what is to be signed */
	int64_t now;
	const char *addr;               /* the asking client's address; NULL/"" = not known */
	int64_t addr_max;               /* > 0: at most this many live codes of this purpose
	                                   per address, else NL_ERR_RATE_LIMIT (the anonymous
	                                   login door; docs/web-server.md) */
};

/* The code shown to the person is derived from the browser session's cookie
 * value (sid, which the database does not hold: it keeps only its hash) and a
 * random nonce kept in the session's data: so the page can show the code again
 * on every visit of that browser, and the database holds neither the code nor
 * what makes it (only the code's keyed hash).
 *   code = 15 decimal digits of HMAC(server key, "esign-code", sid ":" nonce) */
#define NL_ESIGN_NONCE_LEN 33   /* 32 hex + NUL */
NL_MUST_USE nl_err nl_esign_code_derive(const struct nl_app *app, const char *sid, const char *nonce,
                            char code[NL_ESIGN_CODE_DIGITS + 1]);

/* Draws a nonce, derives the code from sid, stores the code's keyed hash with
 * the purpose and text; nonce and code are given back. */
NL_MUST_USE nl_err nl_esign_code_issue(const struct nl_app *app, const struct nl_esign_issue *in, const char *sid,
                           char nonce[NL_ESIGN_NONCE_LEN],
                           char code[NL_ESIGN_CODE_DIGITS + 1], struct nl_esign_code *out);

/* Looks a code up for the signing application. NL_OK with the row (which may
 * be used or expired: the caller says which); NL_ERR_NOT_FOUND for an unknown
 * or malformed code (counted against addr), NL_ERR_LOCKED while addr is
 * locked. */
NL_MUST_USE nl_err nl_esign_code_lookup(const struct nl_app *app, const struct nl_throttle_policy *pol, const char *code,
                            const char *addr, int64_t now, struct nl_esign_code *out);

/* The newest code of this session for purpose (and order, 0 = any). */
NL_MUST_USE nl_err nl_esign_code_of_session(const struct nl_app *app, const uint8_t *session_hash, const char *purpose,
                                int64_t order_id, struct nl_esign_code *out);

/* Code id, only if it was issued to the session with session_hash and, when
 * purpose is not NULL, for that purpose; NL_ERR_NOT_FOUND otherwise (someone
 * else's code looks like none). nl_esign_code_clear it. */
NL_MUST_USE nl_err nl_esign_code_get(const struct nl_app *app, int64_t id, const uint8_t *session_hash,
                         const char *purpose, struct nl_esign_code *out);

/* The person a signature was accepted for (the e-İmza login). */
NL_MUST_USE nl_err nl_esign_signature_person(const struct nl_app *app, int64_t signature_id,
                                 int64_t *person_id);

/* SD-<n> of an order id (for the web layer's links). */
NL_MUST_USE nl_err nl_esign_order_no(const struct nl_app *app, int64_t order_id, int64_t *order_no);

/* The texts to sign. The approval text is the holder's undertaking followed by
 * the data of the form version (fv->current). */
char *nl_esign_text_approve(const struct nl_form_view *fv, int64_t now);
char *nl_esign_text_login(const char *id_number, int64_t now);
char *nl_esign_text_econsent(int64_t text_version, const char *choice_text, int64_t now);

/* The undertaking (Sertifika Sahibi Taahhütnamesi), as in the guides. */
extern const char nl_esign_undertaking[];

/* "21.11.2026 13:05:00" in Europe/Istanbul: core's nl_time_format_tr_seconds, kept
 * under this name for the callers that pass a 32-byte buffer. */
void nl_esign_time_text(int64_t t, char out[32]);

#endif
