/* The installation's key for keyed hashes (core/secret.h nl_keyed_hash):
 * captcha answers, throttle subjects, short codes. Drawn once and kept in the
 * database (store/store_keys.h), so every node hashes alike; cached in the
 * process after the first read. */
#ifndef NL_STORE_INSTALL_KEY_H
#define NL_STORE_INSTALL_KEY_H

#include <stdint.h>

#include "core/err.h"
#include "core/secret.h"
#include "store/db.h"

/* Copies the key into key. Thread-safe. */
NL_MUST_USE nl_err nl_install_hash_key(nl_db *db, uint8_t key[NL_KEYED_KEY_LEN]);

/* nl_keyed_hash with the installation's key. */
NL_MUST_USE nl_err nl_install_keyed_hash(nl_db *db, const char *context, const char *message,
                         char out[NL_KEYED_HEX_LEN]);

#endif
