/* Card personalisation (production, SPEC §9; docs/production.md): a signature
 * card is a PKCS#11 token. The production line initialises a blank card with
 * a fresh PIN and PUK (the token's user PIN and SO PIN), generates the key
 * pair ON the card (private half sensitive and never extractable), reads the
 * public half, and later writes the certificate the CA issued for it.
 *
 * In demo mode and tests each card is a SoftHSM2 token in one token folder.
 * SoftHSM2 finds its configuration through SOFTHSM2_CONF only, so the process
 * names it once at start-up, before any thread (nl_card_perso_softhsm_env,
 * from nl_app_open); nl_card_perso_softhsm_setup then writes the file. No
 * call sets the environment later: a setenv on a worker or request thread
 * races every getenv of the process. nitelikd never opens the CA's token
 * (the signer does), so the two SoftHSM2 configurations never meet.
 *
 * Every call loads the module, does its work and finalises it again, under one
 * process-wide lock: a card printer personalises one card at a time, and the
 * token list is read afresh (cards come and go).
 *
 * Ownership: nl_buf outputs are the caller's (nl_buf_free). */
#ifndef NL_PKI_CARD_PERSO_H
#define NL_PKI_CARD_PERSO_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/err.h"

enum nl_card_key_type {
	NL_CARD_KEY_P256 = 1,    /* ECDSA P-256 (default) */
	NL_CARD_KEY_RSA2048,
};
/* "p256" | "rsa2048" -> type; 0 if unknown. */
enum nl_card_key_type nl_card_key_type_parse(const char *s);

#define NL_CARD_LABEL_MAX 32   /* PKCS#11 token labels are 32 bytes */
#define NL_CARD_ID_LEN 16

/* Points SOFTHSM2_CONF at DIR/softhsm2.conf (SoftHSM2 reads it at
 * C_Initialize only). Start-up only: call it before the process has a second
 * thread. */
NL_MUST_USE nl_err nl_card_perso_softhsm_env(const char *dir);

/* Writes DIR/softhsm2.conf (token folder DIR/tokens) once per process, under
 * the card lock; NL_ERR_CONFIG when nl_card_perso_softhsm_env named another
 * folder or none, as the module would then read another configuration. */
NL_MUST_USE nl_err nl_card_perso_softhsm_setup(const char *dir);

/* Initialises a blank card (the module's first free slot) with label, user
 * PIN and SO PIN (the PUK). NL_ERR_NOT_FOUND when no blank card is present. */
NL_MUST_USE nl_err nl_card_perso_init(const char *module, const char *label, const char *pin,
                          const char *puk);

/* Generates a key pair on the card `label` (logged in with pin). id receives
 * the key's CKA_ID (the certificate written later carries the same id);
 * spki the public key as SubjectPublicKeyInfo DER. */
NL_MUST_USE nl_err nl_card_perso_keygen(const char *module, const char *label, const char *pin,
                            const char *key_label, enum nl_card_key_type type,
                            uint8_t id[NL_CARD_ID_LEN], nl_buf *spki);

/* Writes a certificate (DER) to the card, tied to the key with CKA_ID id. */
NL_MUST_USE nl_err nl_card_perso_write_cert(const char *module, const char *label, const char *pin,
                                const char *cert_label, const uint8_t id[NL_CARD_ID_LEN],
                                const void *der, size_t len);

/* Checks what is on the card under CKA_ID id (login with pin): exactly one
 * private key, public key and certificate; each with CKA_LABEL and
 * CKA_SUBJECT, the certificate with CKA_ISSUER and CKA_SERIAL_NUMBER; the
 * private key signs only (no decrypt, unwrap, derive, sign-recover),
 * sensitive, not extractable; the public key verifies only; the certificate
 * certifies that public key. NL_ERR_INVALID with one line per problem in
 * *problems. */
NL_MUST_USE nl_err nl_card_perso_check(const char *module, const char *label, const char *pin,
                           const uint8_t id[NL_CARD_ID_LEN], nl_buf *problems);

/* Reads the certificate labelled cert_label back from the card (no login:
 * certificates are public objects). NL_ERR_NOT_FOUND when absent. */
NL_MUST_USE nl_err nl_card_perso_read_cert(const char *module, const char *label, const char *cert_label,
                               nl_buf *der);

/* Empties a card that could not be finished: logs in with pin and destroys
 * every object on it (key pairs, certificates), so no spoiled card ever holds
 * a key without its certificate or a certificate that was revoked. The card
 * stays initialised under its label (never reused for another order).
 * *destroyed (may be NULL) gets how many objects went. */
NL_MUST_USE nl_err nl_card_perso_wipe(const char *module, const char *label, const char *pin,
                          size_t *destroyed);

#endif
