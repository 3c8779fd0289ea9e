/* Personalising the card of one claimed production row (card.c,
 * docs/production.md). The lower half of production: the batch
 * (production.c) claims a row and hands it here; nothing here reaches back
 * into the batch. */
#ifndef NL_APP_CARD_H
#define NL_APP_CARD_H

#include <stdint.h>

#include "app/app.h"
#include "pki/ca_store.h"
#include "pki/pki.h"
#include "signer/client.h"
#include "store/store_production.h"

/* RFC 5280 CRLReason chosen for the old certificates of a replacement:
 * Kayıp/Çalıntı and PIN/PUK Kayıp/Çalıntı -> keyCompromise (1): the card or
 * the secret that unlocks it is in unknown hands; Kimlik Bilgisi Güncelleme
 * -> affiliationChanged (3): "the subject's name or other information in the
 * certificate has been modified" with no suspicion on the key; Donanım
 * Arızası -> superseded (4): a working replacement supersedes it. */
int nl_production_revoke_reason(int order_reason);

/* The certificate holder of a person: names and identity (T.C. number, or
 * passport and its country) borrowed from p, so valid while p is. */
struct nl_person;
struct nl_holder nl_holder_of_person(const struct nl_person *p);

/* The outcome of one order in a batch (production.h's report holds these). */
struct nl_production_item {
	int64_t order_no;
	char state[16];          /* done | failed | scheduled (will be retried) | refused */
	char card_label[40];
	char cert_serial[64];
	char backup_serial[64];
	int64_t revoked;
	char error[256];
};

/* The card folder of the demo and the tests (blank cards are SoftHSM2 tokens
 * under it: [production] softhsm_dir, else DATA/cards when the key is not
 * given), or "" for real cards. */
void nl_card_dir(const struct nl_app *app, char *out, size_t size);

/* Produces the card of one claimed production row: PKCS#11 card, key pair
 * on it, certificate(s) issued and written, old ones revoked for a
 * replacement, then in one transaction the order -> Üretildi, the PIN letter
 * and the notifications. On failure every certificate issued on the way is
 * revoked and p->last_error says why; the row is left for the caller to
 * reschedule or fail. */
NL_MUST_USE nl_err nl_card_produce(struct nl_app *app, nl_signer *sg, const struct nl_ca *ca,
                       struct nl_production *p, int64_t now, const char *actor,
                       struct nl_production_item *item);

#endif
