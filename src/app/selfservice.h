/* Online İşlemler → Bireysel İşlemler: the holder's self-service (SPEC §11,
 * issue 7 item 8; docs/selfservice.md). Every function acts for one holder
 * (a person id from a person session with the Online İşlemler right, pages/entitle.h) and only on what is his:
 * certificates whose subject serialNumber carries his ID number.
 *
 *   certificates   nl_ss_certs / nl_ss_cert ("Sertifikam ne zaman sona eriyor?")
 *   status change  nl_ss_change: Askıya Al (suspend), Askıdan İndir (release),
 *                  İptal Et (revoke with a reason a holder may choose), each
 *                  re-authenticated with the security word (throttled, door
 *                  "holder_reauth" per person and per address), audited with
 *                  actor "holder:<person id>", and published at once: the
 *                  pre-signed OCSP response is signed again and a new CRL is
 *                  published (the web layer also empties its OCSP answer cache).
 *   refusals       another person's serial (NL_ERR_NOT_FOUND), a change the
 *                  certificate's status forbids (NL_ERR_TRANSITION with a
 *                  refusal code) and wrong security words are written to the
 *                  audit trail too (action "holder_refused").
 *
 * Contact data (selfservice_contact.c), Kilit Çözme (selfservice_unblock.c)
 * and renewal (selfservice_renew.c) are declared below. */
#ifndef NL_APP_SELFSERVICE_H
#define NL_APP_SELFSERVICE_H

#include <stdbool.h>
#include <stdint.h>

#include "app/app.h"
#include "app/throttle.h"
#include "core/buf.h"
#include "core/err.h"
#include "store/store_selfservice.h"

#define NL_DOOR_HOLDER_REAUTH "holder_reauth"
#define NL_SS_MAX_CERTS 64

/* The holder's subject serialNumber attribute ("PNOTR-<tckn>" or
 * "PAS<cc>-<no>") from his person row. */
NL_MUST_USE nl_err nl_ss_id_attr(const struct nl_app *app, int64_t person_id, char out[64]);

/* His certificates, newest end first (at most NL_SS_MAX_CERTS). */
NL_MUST_USE nl_err nl_ss_certs(const struct nl_app *app, int64_t person_id, struct nl_ss_cert out[NL_SS_MAX_CERTS], int *n);
/* One of his; NL_ERR_NOT_FOUND for a serial that is not his (or unknown). */
NL_MUST_USE nl_err nl_ss_cert(const struct nl_app *app, int64_t person_id, const char *serial, struct nl_ss_cert *out);

enum nl_ss_action { NL_SS_SUSPEND = 1, NL_SS_RELEASE, NL_SS_REVOKE };

/* RFC 5280 reasons a holder may choose for İptal Et: unspecified (0),
 * keyCompromise (1), affiliationChanged (3), superseded (4),
 * cessationOfOperation (5). The codes are the form values. */
extern const char *const nl_ss_reason_codes[];   /* NULL-terminated */
int nl_ss_reason_value(int index);                /* RFC 5280 value of codes[index] */
const char *nl_ss_reason_label_tr(int rfc_reason); /* Turkish label; "" if unknown */

enum nl_ss_refusal {
	NL_SS_REFUSE_NONE = 0,
	NL_SS_REFUSE_ALREADY_HELD,      /* suspend a suspended certificate */
	NL_SS_REFUSE_NOT_HELD,          /* release a certificate that is not suspended */
	NL_SS_REFUSE_REVOKED,           /* anything on a revoked certificate */
	NL_SS_REFUSE_EXPIRED,           /* suspend or revoke an expired certificate */
	NL_SS_REFUSE_NO_WORD,           /* the holder never chose a security word */
};
const char *nl_ss_refusal_msgid(enum nl_ss_refusal r);   /* English msgid */
/* What the certificate's status says about an action (no secret asked):
 * NL_SS_REFUSE_NONE when it is possible. The pages hide impossible buttons. */
enum nl_ss_refusal nl_ss_judge(const struct nl_ss_cert *cert, enum nl_ss_action a, int64_t now);

struct nl_ss_change_req {
	int64_t person_id;
	const char *serial;
	enum nl_ss_action action;
	int reason;                     /* NL_SS_REVOKE: an RFC 5280 value from the list */
	const char *security_word;      /* re-authentication, or: */
	int64_t esign_code_id;          /* a fresh e-İmza instead: a verification code
	                                   (purpose "login") signed by this holder at most
	                                   NL_SS_ESIGN_FRESH s ago over nl_ss_esign_text of
	                                   this very action */
	const char *addr;               /* client address, for the throttle */
	int64_t now;
};

/* NL_OK: changed, audited, OCSP and CRL refreshed (a failure to reach the
 * signer after the change is logged, not returned: the change stands and the
 * workers catch up).
 * NL_ERR_NOT_FOUND: not his certificate. NL_ERR_UNAUTHORIZED: wrong security
 * word. NL_ERR_LOCKED: too many wrong words (*locked_until). NL_ERR_INVALID:
 * a reason a holder may not choose. NL_ERR_TRANSITION: *refusal says why. */
NL_MUST_USE nl_err nl_ss_change(struct nl_app *app, const struct nl_throttle_policy *pol,
                    const struct nl_ss_change_req *req, enum nl_ss_refusal *refusal,
                    int64_t *locked_until);

#define NL_SS_ESIGN_FRESH 300

/* The text a holder signs with e-İmza to confirm an action (shown by
 * nitelik-imza): the action, the serial, the revocation reason, his ID number
 * and the time. malloc'd; the caller frees it. NULL on OOM. */
char *nl_ss_esign_text(enum nl_ss_action a, const char *serial, int reason, const char *id_number,
                       int64_t now);

/* Re-signs the OCSP responses that are missing (the changed certificate's was
 * dropped by the store) and publishes a new CRL now. NL_OK when there is no
 * CA in the data folder. */
NL_MUST_USE nl_err nl_ss_publish_status(struct nl_app *app, int64_t now);

/* Checks the holder's security word (throttled like nl_ss_change); used by
 * the other re-authenticated actions. NL_OK, NL_ERR_UNAUTHORIZED,
 * NL_ERR_LOCKED, NL_ERR_NOT_FOUND (no security word chosen). */
NL_MUST_USE nl_err nl_ss_reauth(const struct nl_app *app, const struct nl_throttle_policy *pol, int64_t person_id,
                    const char *security_word, const char *addr, int64_t now,
                    int64_t *locked_until);

/* ---- contact data (selfservice_contact.c) ---- */

#define NL_SS_CONTACT_TTL 180           /* seconds a code to the new number lives */
#define NL_SS_CONTACT_TRIES 3
#define NL_SS_CONTACT_MAX_SENDS 3       /* per holder per NL_SS_CONTACT_WINDOW */
#define NL_SS_CONTACT_WINDOW (15 * 60)

/* The contact data in force: the holder's own change if any, else the newest
 * form version's e-mail, mobile and information channel, else the person row
 * (channel "email"). Other use cases that tell the holder something may call
 * this to reach him where he asked to be reached. */
NL_MUST_USE nl_err nl_ss_contact(const struct nl_app *app, int64_t person_id, struct nl_holder_contact *out);

enum nl_ss_contact_outcome {
	NL_SS_CONTACT_SAVED = 1,        /* stored (no new mobile: no code needed) */
	NL_SS_CONTACT_CODE_SENT,        /* a code went to the new mobile; confirm it */
	NL_SS_CONTACT_RATE_LIMIT,       /* too many codes lately */
	NL_SS_CONTACT_WRONG,            /* wrong code; tries left */
	NL_SS_CONTACT_LOCKED,           /* too many wrong codes: ask again */
	NL_SS_CONTACT_EXPIRED,          /* the code is too old: ask again */
	NL_SS_CONTACT_NO_CODE,          /* nothing pending */
};

/* email, mobile (10 digits) and channel already validated by the caller.
 * A new mobile number gets a 6-digit code by SMS (the outbox) and nothing is
 * changed until it is confirmed; otherwise the change is stored at once.
 * Both audited (entity "person", action "contact"). */
NL_MUST_USE nl_err nl_ss_contact_request(struct nl_app *app, int64_t person_id, const char *email,
                             const char *mobile, const char *channel, int64_t now,
                             enum nl_ss_contact_outcome *out);
/* Confirms the pending change with the code sent to the new number. */
NL_MUST_USE nl_err nl_ss_contact_confirm(struct nl_app *app, int64_t person_id, const char *code,
                             int64_t now, enum nl_ss_contact_outcome *out, int64_t *tries_left);

/* ---- Kilit Çözme (selfservice_unblock.c) ---- */

#define NL_UNBLOCK_DIGITS 12
#define NL_UNBLOCK_TTL (30 * 60)

/* A new one-time unblock code for one of the holder's good or suspended
 * certificates (the card's), valid NL_UNBLOCK_TTL seconds; any earlier code of
 * his is replaced. Stored as a keyed hash (context "unblock"); audited.
 * code receives the digits (shown once). */
NL_MUST_USE nl_err nl_ss_unblock_issue(const struct nl_app *app, int64_t person_id, const char *serial, int64_t now,
                           char code[NL_UNBLOCK_DIGITS + 1], int64_t *expires_at);

enum nl_unblock_outcome {
	NL_UNBLOCK_OK = 1,              /* used now: the program may reset the PIN */
	NL_UNBLOCK_UNKNOWN,             /* no such code (or replaced) */
	NL_UNBLOCK_USED,
	NL_UNBLOCK_EXPIRED,
	NL_UNBLOCK_LOCKED,              /* too many wrong codes from this address */
};
/* nitelik-imza's check before it touches the card (GET /api/v1/kilit/{code}):
 * unknown codes count against the address (throttle door "unblock"); for a
 * valid code *serial and der (the certificate's DER, may be NULL) tell which
 * certificate's card it is for. Nothing is spent: a code is spent only by a
 * successful unblock (nl_ss_unblock_use). */
NL_MUST_USE nl_err nl_ss_unblock_check(const struct nl_app *app, const struct nl_throttle_policy *pol, const char *code,
                           const char *addr, int64_t now, enum nl_unblock_outcome *out,
                           char serial[64], nl_buf *der);
/* After the card took the new PIN (POST /api/v1/kilit/{code}): the same
 * checks, then the code is used once (audited). */
NL_MUST_USE nl_err nl_ss_unblock_use(const struct nl_app *app, const struct nl_throttle_policy *pol, const char *code,
                         const char *addr, int64_t now, enum nl_unblock_outcome *out,
                         char serial[64]);

/* ---- renewal (selfservice_renew.c) ---- */

/* Starts a renewal: a new order with reason Yenileme for the institution of
 * the holder's newest certificate (else his newest order), through the
 * pre-application use case (preapply.h; actor "holder:<id>"). When an open
 * order exists there already, *order_no names it and NL_ERR_CONFLICT is
 * returned. NL_ERR_NOT_FOUND: no institution to renew with. */
NL_MUST_USE nl_err nl_ss_renew(struct nl_app *app, int64_t person_id, int64_t now, int64_t *order_no);

#endif
