/* The installation's keyed-hash key, cached per process (server_key.h). */
#include "store/install_key.h"

#include <pthread.h>
#include <stdbool.h>
#include <string.h>

#include "store/store_keys.h"

_Static_assert(NL_KEYED_KEY_LEN == NL_SERVER_KEY_LEN, "key sizes agree");

static pthread_mutex_t key_lock = PTHREAD_MUTEX_INITIALIZER;
static uint8_t cached_key[NL_KEYED_KEY_LEN];
static const nl_db *cached_for;   /* the database the cached key came from */

nl_err nl_install_hash_key(nl_db *db, uint8_t key[NL_KEYED_KEY_LEN])
{
	nl_err rc = NL_OK;
	pthread_mutex_lock(&key_lock);
	/* Keyed by the database handle: tests open several databases in one
	 * process, each with its own key. (A new handle at a freed one's address
	 * keeps the old key: still one key per process, so hashes agree.) */
	if (cached_for != db) {
		nl_conn *c;
		rc = nl_db_conn(db, &c);
		if (rc == NL_OK)
			rc = nl_store_server_key(c, "keyed-hash", cached_key);
		cached_for = rc == NL_OK ? db : NULL;
	}
	if (rc == NL_OK)
		memcpy(key, cached_key, NL_KEYED_KEY_LEN);
	pthread_mutex_unlock(&key_lock);
	return rc;
}

nl_err nl_install_keyed_hash(nl_db *db, const char *context, const char *message,
                         char out[NL_KEYED_HEX_LEN])
{
	uint8_t key[NL_KEYED_KEY_LEN];
	nl_err rc = nl_install_hash_key(db, key);
	if (rc == NL_OK)
		nl_keyed_hash(key, context, message, out);
	memset(key, 0, sizeof key);
	return rc;
}
