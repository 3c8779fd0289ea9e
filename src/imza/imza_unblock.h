/* Kilit Çözme on the holder's computer (docs/selfservice.md): the steps, each
 * usable from the command line (nl_imza_unblock) and from the window
 * (imza_gui_unblock.c, on a worker thread).
 *
 *   1. open the card; log in as its security officer with the PUK (a wrong
 *      PUK is told before the server is asked);
 *   2. check the code with the server (GET /api/v1/kilit/{code}): which
 *      certificate it is for; nothing is spent;
 *   3. find that certificate on the card by issuer and serial parsed from
 *      each certificate object's CKA_VALUE (cards written by other tools may
 *      lack CKA_SERIAL_NUMBER or CKA_ISSUER);
 *   4. set the new PIN (C_InitPIN), which clears the blocked state;
 *   5. spend the code (POST /api/v1/kilit/{code}).
 * A code is spent only when the card took the new PIN. The PUK and the PINs
 * never leave this computer.
 *
 * Messages go to msg[] in the program's language (imza_i18n.h), or are the
 * server's own words. Step results are exit statuses: 0 done, 1 refused by
 * the server or not this card, 2 usage or network, 3 PUK or card problem. */
#ifndef NL_IMZA_UNBLOCK_H
#define NL_IMZA_UNBLOCK_H

#include <stdbool.h>
#include <stddef.h>

#define NL_IMZA_UNBLOCK_DIGITS 12

typedef struct nl_unblock_card nl_unblock_card;

/* What the server says the code is for. */
struct nl_unblock_target {
	char serial[64];             /* upper-case hex */
	unsigned char *der;          /* the certificate (malloc'd; may be NULL) */
	size_t der_len;
	char message[256];           /* the server's word */
};
void nl_unblock_target_clear(struct nl_unblock_target *t);

/* 12 digits, after spaces and dashes were dropped. */
bool nl_unblock_code_ok(const char *code);
/* 4 to 16 digits. */
bool nl_unblock_pin_ok(const char *pin);

int nl_unblock_open(const char *module, const char *token, nl_unblock_card **out,
                    char *msg, size_t cap);
void nl_unblock_close(nl_unblock_card *c);
const char *nl_unblock_label(const nl_unblock_card *c);
bool nl_unblock_pin_locked(const nl_unblock_card *c);
int nl_unblock_puk(nl_unblock_card *c, const char *puk, char *msg, size_t cap);
int nl_unblock_check(const char *server, const char *code, struct nl_unblock_target *t,
                     char *msg, size_t cap);
/* 0 when the card holds the target certificate, else 1 with the reason. */
int nl_unblock_match(nl_unblock_card *c, const struct nl_unblock_target *t, char *msg,
                     size_t cap);
int nl_unblock_set_pin(nl_unblock_card *c, const char *pin, char *msg, size_t cap);
int nl_unblock_spend(const char *server, const char *code, char *msg, size_t cap);

/* The command line: asks what is not given (code; PUK, new PIN twice on the
 * terminal; NITELIK_IMZA_PUK and NITELIK_IMZA_NEW_PIN in tests only). */
int nl_imza_unblock(const char *server, const char *module, const char *token, const char *code);

#endif
