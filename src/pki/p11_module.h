/* Loading a PKCS#11 module by hand (dlopen + C_GetFunctionList +
 * C_Initialize), for the token set-up that libp11 does not offer: card
 * personalisation (card_perso.c) and token initialisation (p11.c). Internal
 * to the pki layer. */
#ifndef NL_PKI_P11_MODULE_H
#define NL_PKI_P11_MODULE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <p11-kit/pkcs11.h>

#include "core/err.h"

struct nl_p11_module {
	void *dl;
	CK_FUNCTION_LIST_PTR f;
	bool we_initialized;   /* C_Finalize only what we initialised: another
	                        * user in this process (libp11) may hold it */
};

/* Opens and initialises module into *m (zeroed first). NL_ERR_CONFIG when
 * the module cannot be loaded, NL_ERR_IO when it does not initialise; on
 * failure nothing is left open. */
NL_MUST_USE nl_err nl_p11_module_open(const char *module, struct nl_p11_module *m);

/* Finalises (when we initialised it) and unloads m; m->dl becomes NULL. */
void nl_p11_module_close(struct nl_p11_module *m);

/* A key pair to make on a token: EC on the curve named by ec_params (a DER
 * OID), or RSA of rsa_bits with exponent 65537 when ec_params is NULL. */
struct nl_p11_keygen {
	const CK_BYTE *ec_params;
	size_t ec_params_len;
	CK_ULONG rsa_bits;
	const char *label;
	const CK_BYTE *id;       /* CKA_ID of both halves: it ties them (and later
	                          * the certificate) together */
	size_t id_len;
};

/* Generates k in session s (logged in): both halves token objects, the
 * private half sensitive and not extractable. Returns the module's CK_RV. */
CK_RV nl_p11_generate_pair(CK_FUNCTION_LIST_PTR f, CK_SESSION_HANDLE s,
                           const struct nl_p11_keygen *k, CK_OBJECT_HANDLE *pub,
                           CK_OBJECT_HANDLE *priv);

/* A PKCS#11 fixed-width text field: s, blank-padded or cut to 32 bytes. */
void nl_p11_pad32(CK_UTF8CHAR out[32], const char *s);

#endif
