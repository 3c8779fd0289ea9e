/* Secrets: password hashing (argon2id), random tokens, keyed hashes for short
 * codes, constant-time comparison. All randomness comes from libsodium.
 *
 * Call nl_secret_init() once at start (it runs sodium_init; it is safe to call
 * again). Nothing here logs or stores a secret; callers must not either. */
#ifndef NL_CORE_SECRET_H
#define NL_CORE_SECRET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

enum nl_err nl_secret_init(void);   /* NL_ERR_CRYPTO if libsodium cannot start */

/* ---- passwords (argon2id, PHC string "$argon2id$v=19$m=...") ---- */

#define NL_PWHASH_LEN 128           /* = crypto_pwhash_STRBYTES, including the NUL */

enum nl_pwhash_cost {
	NL_PWHASH_INTERACTIVE = 0,      /* libsodium's interactive limits (64 MiB, 2 passes): default */
	NL_PWHASH_MODERATE,             /* 256 MiB, 3 passes: for operator accounts if wanted */
	NL_PWHASH_TEST,                 /* minimum limits: test suites only, never in production */
};
/* Process-wide cost for new hashes; set once at start before threads run. */
void nl_password_set_cost(enum nl_pwhash_cost cost);
/* Explicit limits from the configuration ([security] pwhash_memory_kib,
 * pwhash_passes; docs/configuration.md): they replace the named cost. OWASP's
 * argon2id minimum is 19 MiB and 2 passes with one lane (libsodium always uses
 * one lane). NL_ERR_CONFIG below libsodium's minimum. */
enum nl_err nl_password_set_limits(uint64_t memory_kib, uint64_t passes);

/* Hashes a password (any bytes, NUL-terminated) into out. NL_ERR_NOMEM when the
 * memory limit cannot be allocated. */
enum nl_err nl_password_hash(const char *password, char out[NL_PWHASH_LEN]);
/* True only if password matches the stored hash (the hash carries its own cost). */
bool nl_password_verify(const char *stored, const char *password);
/* True when a stored hash was made with other limits than the current cost. */
bool nl_password_needs_rehash(const char *stored);

/* ---- random tokens ---- */

void nl_random_bytes(void *buf, size_t n);
/* nbytes random bytes as lower-case hex; out needs 2*nbytes + 1. A session id is
 * nl_random_hex(32, ...) (256 bits). */
void nl_random_hex(size_t nbytes, char *out);
/* n characters of RFC 4648 base32 (A–Z, 2–7); out needs n + 1. */
void nl_random_base32(size_t n, char *out);
/* n uniformly random decimal digits (leading zeros possible); out needs n + 1.
 * The verification code is 15 digits, the SMS code 6. */
void nl_random_digits(size_t n, char *out);
/* An access password that is easy to read and type: n characters from letters
 * and digits without the look-alikes 0 O o 1 l I; out needs n + 1. */
void nl_random_access_password(size_t n, char *out);

/* ---- keyed hashes for short codes (SMS codes, verification codes) ---- */

#define NL_KEYED_KEY_LEN 32
#define NL_KEYED_HEX_LEN 65         /* 64 hex characters + NUL */

/* BLAKE2b-256 keyed with the server key over context and message (each
 * length-prefixed, so ("ab","c") differs from ("a","bc")), as lower-case hex.
 * The context names the use ("sms", "verify") so one code cannot stand in for
 * another. A short code is only safe to store this way because the key stays
 * on the server: without it the 10^6 codes cannot be tried offline. */
void nl_keyed_hash(const uint8_t key[NL_KEYED_KEY_LEN], const char *context,
                   const char *message, char out[NL_KEYED_HEX_LEN]);
/* Parses a 64-hex-character key (from the configuration). */
enum nl_err nl_keyed_key_from_hex(const char *hex, uint8_t key[NL_KEYED_KEY_LEN]);

/* ---- stored machine-made secrets (access passwords) ----
 *
 * A random secret of enough entropy needs no slow hash: "k1$" + the keyed hash
 * under context "access" (docs/configuration.md [security]). Verification also
 * accepts the argon2id strings of older versions and then says the stored value
 * should be replaced by a fresh keyed one. */

#define NL_ACCESS_HASH_LEN (3 + NL_KEYED_HEX_LEN)   /* "k1$" + 64 hex + NUL */

void nl_access_hash(const uint8_t key[NL_KEYED_KEY_LEN], const char *secret,
                    char out[NL_ACCESS_HASH_LEN]);
/* True only if secret matches stored (either form); *upgrade (may be NULL) is
 * set when it matched an old argon2id form. */
bool nl_access_verify(const uint8_t key[NL_KEYED_KEY_LEN], const char *stored,
                      const char *secret, bool *upgrade);

/* ---- comparison ---- */

/* Constant time in the length: for secrets, hashes and codes. */
bool nl_secret_equal(const void *a, const void *b, size_t n);
/* Strings: the time depends only on the lengths, never on where they differ. */
bool nl_secret_streq(const char *a, const char *b);

#endif
