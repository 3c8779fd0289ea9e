/* Production (SPEC §9; docs/production.md): the scheduler that decides when an
 * order in Üretim Bekleniyor is produced, the batch that personalises its
 * card (app/card.c), and the "ends in 2 months" notices.
 *
 * When an order is produced:
 *   İlk Sertifika, Diğer                    at once
 *   Yenileme                                when the holder's newest active
 *                                           certificate has renewal_lead_days
 *                                           left; the new one starts when the
 *                                           old one ends
 *   Kayıp/Çalıntı, Donanım Arızası, Kimlik  at once; once the new certificate
 *   Bilgisi Güncelleme, PIN/PUK Kayıp/Çalıntı is on the card, every certificate
 *                                           of the holder from the SAME
 *                                           institution is revoked (only those)
 * An order is produced only when its current form version is approved and it
 * is settled (nl_payment_settled; institution-paid counts as settled);
 * otherwise it is refused: the production row says why, the audit trail and
 * the log record it, nothing is issued.
 *
 * Several nodes: production rows are claimed by compare-and-set in the
 * database with a lease (store_production.h), so one order is produced by one
 * node; a node that dies mid-card leaves a row that is claimed again after
 * the lease, and the half-made card's certificate is revoked first. */
#ifndef NL_APP_PRODUCTION_H
#define NL_APP_PRODUCTION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "app/app.h"
#include "pki/ca_store.h"
#include "signer/client.h"
#include "store/store_production.h"

/* RFC 5280 CRLReason chosen for the old certificates of a replacement:
 * Kayıp/Çalıntı and PIN/PUK Kayıp/Çalıntı -> keyCompromise (1): the card or
 * the secret that unlocks it is in unknown hands; Kimlik Bilgisi Güncelleme
 * -> affiliationChanged (3): "the subject's name or other information in the
 * certificate has been modified" with no suspicion on the key; Donanım
 * Arızası -> superseded (4): a working replacement supersedes it. */
int nl_production_revoke_reason(int order_reason);

#define NL_PRODUCTION_MAX_ITEMS 64

struct nl_production_item {
	int64_t order_no;
	char state[16];          /* done | failed | scheduled (will be retried) | refused */
	char card_label[40];
	char cert_serial[64];
	char backup_serial[64];
	int64_t revoked;
	char error[256];
};

struct nl_production_report {
	size_t scheduled;        /* new production rows (due now or later) */
	size_t refused;          /* not approved or not settled */
	size_t produced;
	size_t failed;           /* given up */
	size_t retry;            /* failed this time, will be retried */
	size_t n;                /* items[] filled (refusals and card outcomes) */
	struct nl_production_item items[NL_PRODUCTION_MAX_ITEMS];
};

/* One batch: schedules the orders waiting in production_wait, then produces
 * up to the configured batch of due ones. actor is "user:12" for the
 * operator's button, "worker:production" for the periodic job. NL_ERR_CONFIG
 * when the data folder has no CA or the signer is not reachable. */
nl_err nl_production_run(struct nl_app *app, int64_t now, const char *actor,
                         struct nl_production_report *rep);

/* Puts a failed or refused order back in the queue (operator). */
nl_err nl_production_retry(struct nl_app *app, int64_t order_no, const char *actor, int64_t now);

/* Hands the PIN letter of order_no out once (the operator prints it); after
 * that the PDF is gone. NL_ERR_NOT_FOUND when none waits. */
nl_err nl_production_pin_letter(struct nl_app *app, int64_t order_no, const char *actor,
                                int64_t now, nl_buf *pdf);

/* Periodic jobs (workers.c): the batch (when [production] auto = true) and
 * the expiry notices (once per certificate, expiry_notice_days ahead). */
nl_err nl_production_job(struct nl_app *app, int64_t now);
nl_err nl_expiry_notice_job(struct nl_app *app, int64_t now);

/* ---- internal to production.c and card.c ---- */

/* The CA of the data folder (loaded once; NULL when there is none). */
const struct nl_ca *nl_production_ca(struct nl_app *app);

/* Produces the card of one claimed production row (card.c): PKCS#11 card,
 * key pair on it, certificate(s) issued and written, old ones revoked for a
 * replacement, then in one transaction the order -> Üretildi, the PIN letter
 * and the notifications. On failure every certificate issued on the way is
 * revoked and p->last_error says why; the row is left for the caller to
 * reschedule or fail. */
nl_err nl_card_produce(struct nl_app *app, nl_signer *sg, const struct nl_ca *ca,
                       struct nl_production *p, int64_t now, const char *actor,
                       struct nl_production_item *item);

/* Tells the order's person by the information channel of its current form
 * version (production_notify.c), inside the caller's transaction. kind names
 * web/templates/{mail,sms}/<kind>.*; vars given_name, surname, order_no and
 * base_url are set here, extra ones added. */
struct nl_notify_var;
nl_err nl_production_notify(nl_conn *c, const struct nl_config *cfg, int64_t order_id,
                            const char *kind, const char *subject,
                            const struct nl_notify_var *extra, size_t n_extra, int64_t now);

#endif
