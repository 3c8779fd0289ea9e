/* Approving an application form version (SPEC §4 step 2, §7–§8; issue 6
 * item 7): the one use case behind e-Onay, e-İmza and the wet signature.
 *
 * In ONE transaction it
 *   1. checks the version: it must be the order's current numbered version,
 *      sms_confirmed, and its paper form must not have been rejected by the
 *      registration officer (each refusal has its own code below);
 *      and e-Onay needs the person's standing consent in force (else
 *      NO_CONSENT; the consent becomes the evidence, "econsent:<id>");
 *   2. records the method on the version and marks it approved;
 *   3. moves the order on as SPEC §7–§8 say:
 *        form_wait          -> production_wait  (institution-paid, or already paid)
 *        form_payment_wait  -> payment_wait     (person-paid, not paid yet)
 *        payment_wait, production_wait: unchanged (an updated version,
 *        "Başvuruyu Güncelle", approved again after an earlier approval)
 *      any other status (cancelled, produced, ...) is refused;
 *   4. writes the audit records (form "approve" with the method and the
 *      evidence reference; order "status" through nl_store_order_set_status);
 *   5. enqueues the notification by the information channel chosen on that
 *      form version: e-mail, SMS or both, in Turkish, from
 *      <web_dir>/templates/mail/form_approved.{txt,html} and
 *      <web_dir>/templates/sms/form_approved.txt.
 * Nothing is stored when any step fails.
 *
 * Callers: esign (e-Onay, e-İmza) and wet (the registration officer's Kabul).
 * A caller that stores its own evidence (a CMS signature, an RA decision) in
 * the same transaction uses nl_approve_form_tx inside its nl_store_run_tx;
 * otherwise nl_approve_form opens the transaction itself.
 *
 * Ownership: nothing is allocated for the caller; inputs are only read. */
#ifndef NL_APP_APPROVE_H
#define NL_APP_APPROVE_H

#include <stdint.h>

#include "app/app.h"
#include "app/form.h"
#include "app/notify_template.h"
#include "core/config.h"
#include "core/err.h"
#include "core/order.h"
#include "store/db.h"

/* Why an approval was refused; the nl_err each comes with is in brackets. */
enum nl_approve_refusal {
	NL_APPROVE_REFUSED_NONE = 0,
	NL_APPROVE_REFUSED_NO_ORDER,       /* [NOT_FOUND] no such order, or not this person's */
	NL_APPROVE_REFUSED_NO_VERSION,     /* [NOT_FOUND] the order has no such numbered version */
	NL_APPROVE_REFUSED_SUPERSEDED,     /* [EXPIRED] a newer version has replaced it */
	NL_APPROVE_REFUSED_NOT_CONFIRMED,  /* [TRANSITION] its SMS Onay Kodu was not confirmed */
	NL_APPROVE_REFUSED_ALREADY,        /* [CONFLICT] it is approved already */
	NL_APPROVE_REFUSED_REJECTED,       /* [FORBIDDEN] the RA rejected its paper form */
	NL_APPROVE_REFUSED_ORDER_CLOSED,   /* [TRANSITION] the order is cancelled, produced, ... */
	NL_APPROVE_REFUSED_NO_CONSENT,     /* [FORBIDDEN] e-Onay without the person's standing
	                                      consent in force */
};

/* Stable code ("superseded", ...) and English message id (po/) of a refusal. */
const char *nl_approve_refusal_code(enum nl_approve_refusal r);
const char *nl_approve_refusal_msgid(enum nl_approve_refusal r);

struct nl_approve_req {
	int64_t order_no;               /* n of SD-<n> */
	int64_t version;                /* the numbered form version that was signed / seen */
	int64_t person_id;              /* non-zero: the order must be this person's
	                                   (else NO_ORDER); 0 for staff (RA) */
	enum nl_approval_method method; /* NL_APPROVE_E_ONAY, _E_IMZA or _ISLAK */
	const char *actor;              /* "person:7", "user:12" (audit) */
	const char *evidence;           /* reference to the kept evidence, written into the
	                                   audit record: "esign:42", "econsent:3",
	                                   "wet:NFABCDEFGHJKMN"; NULL or "" for none;
	                                   e-Onay: the use case names the consent itself */
	int64_t now;                    /* UTC epoch seconds */
};

struct nl_approve_result {
	enum nl_approve_refusal refusal;   /* NONE on success */
	int64_t order_id;
	int64_t form_id;                   /* form_versions.id of the approved version */
	enum nl_order_status from, to;     /* order status before and after (equal: unchanged) */
	int notified;                      /* outbox messages enqueued (1 or 2) */
};

/* Opens the transaction itself (retried on NL_ERR_BUSY). res may be NULL.
 * Errors besides the refusals: NL_ERR_INVALID for a bad request, NL_ERR_IO
 * when a notification template is missing, database errors. */
NL_MUST_USE nl_err nl_approve_form(const struct nl_app *app, const struct nl_approve_req *req,
                       struct nl_approve_result *res);

/* The same inside the caller's transaction on c (call it from an nl_tx_fn;
 * on error return the error so the whole transaction rolls back). cfg gives
 * web_dir (templates) and base_url (links). */
NL_MUST_USE nl_err nl_approve_form_tx(nl_conn *c, const struct nl_config *cfg,
                          const struct nl_approve_req *req, struct nl_approve_result *res);

/* The notification by the person's information channel ("email", "sms",
 * "both"; anything else counts as "both" so nobody goes untold). Used by
 * approve and by the RA's rejection. kind names the templates:
 * templates/mail/<kind>.{txt,html} and templates/sms/<kind>.txt, with
 * {{name}} placeholders from vars (HTML-escaped into the .html). Enqueued on
 * c inside the caller's transaction. *sent gets the number of messages. */
struct nl_notify_person {
	const char *channel;   /* info_channel of the form version */
	const char *email;
	const char *mobile;    /* 10 digits */
	const char *subject;   /* e-mail subject */
	int64_t order_id;
	const char *lang;      /* "en": templates/{mail,sms}/en/ and the English subject;
	                        * NULL or anything else: Turkish */
};
/* The language a person's notifications go in: "en" for a passport holder
 * (a foreigner, who may read no Turkish: issue 13 item 6), else "tr". */
struct nl_person;
const char *nl_notify_lang_of(const struct nl_person *p);
/* The same for the person of order_id; "tr" when it cannot be read. */
const char *nl_notify_lang_of_order(nl_conn *c, int64_t order_id);
NL_MUST_USE nl_err nl_notify_person_enqueue(nl_conn *c, const char *web_dir, const char *kind,
                                const struct nl_notify_person *to,
                                const struct nl_notify_var *vars, size_t n_vars, int64_t now,
                                int *sent);

#endif
