/* The hashing pool: argon2id for human-chosen secrets (security word, staff
 * passwords) runs on a few threads of its own (docs/configuration.md
 * [security]). A caller hands its hash or verification over and waits; at
 * most `threads` hashes run at once, so the work memory in use is bounded and
 * the CPU left to the server's threads for pages that need no hash.
 *
 * Without nl_pwhash_pool_start (tests, the CLI) the calls hash on the
 * caller's thread. Thread-safe. */
#ifndef NL_APP_PWHASH_POOL_H
#define NL_APP_PWHASH_POOL_H

#include <stdbool.h>
#include <stddef.h>

#include "core/err.h"
#include "core/secret.h"

/* Starts threads workers (0 = one per CPU core). Call once, before serving. */
NL_MUST_USE nl_err nl_pwhash_pool_start(size_t threads);
/* Finishes queued work and joins the workers. */
void nl_pwhash_pool_stop(void);

/* nl_password_hash / nl_password_verify, on the pool. */
NL_MUST_USE nl_err nl_pwhash_hash(const char *password, char out[NL_PWHASH_LEN]);
bool nl_pwhash_verify(const char *stored, const char *password);

#endif
