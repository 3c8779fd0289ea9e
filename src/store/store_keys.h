/* Keys the servers of one installation share, kept in the database (table
 * server_keys, migration 0005): the first node that asks for a key draws it
 * (32 random bytes from libsodium) and every later request on any node reads
 * the same one. Used for keyed hashes (core/secret.h nl_keyed_hash) of
 * captcha answers, short codes and throttle subjects, which must compare
 * equal whichever node made them.
 *
 * The key is as secret as the database; what it protects (short-lived codes)
 * lives in the same database, so keeping it elsewhere would add little. */
#ifndef NL_STORE_KEYS_H
#define NL_STORE_KEYS_H

#include <stdint.h>

#include "core/err.h"
#include "store/db.h"

#define NL_SERVER_KEY_LEN 32

/* Reads the key `name` ("keyed-hash"), creating it on first use; two nodes
 * racing to create it both end up with the one that was stored first. */
NL_MUST_USE nl_err nl_store_server_key(nl_conn *c, const char *name, uint8_t key[NL_SERVER_KEY_LEN]);

#endif
