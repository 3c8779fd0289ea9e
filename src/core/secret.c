/* Secrets on libsodium. No I/O apart from libsodium's own random source. */
#include "core/secret.h"

#include <sodium.h>
#include <string.h>

static enum nl_pwhash_cost pw_cost = NL_PWHASH_INTERACTIVE;
/* Set by nl_password_set_limits; 0 = use pw_cost. */
static unsigned long long pw_ops;
static size_t pw_mem;

enum nl_err nl_secret_init(void)
{
	/* 0 = initialised now, 1 = already initialised, -1 = failure. */
	return sodium_init() < 0 ? NL_ERR_CRYPTO : NL_OK;
}

void nl_password_set_cost(enum nl_pwhash_cost cost)
{
	pw_cost = cost;
	pw_ops = 0;
	pw_mem = 0;
}

enum nl_err nl_password_set_limits(uint64_t memory_kib, uint64_t passes)
{
	if (memory_kib * 1024 < crypto_pwhash_argon2id_MEMLIMIT_MIN ||
	    memory_kib > (uint64_t)SIZE_MAX / 1024 ||
	    passes < crypto_pwhash_argon2id_OPSLIMIT_MIN ||
	    passes > crypto_pwhash_argon2id_OPSLIMIT_MAX)
		return NL_ERR_CONFIG;
	pw_mem = (size_t)(memory_kib * 1024);
	pw_ops = passes;
	return NL_OK;
}

static void cost_limits(unsigned long long *ops, size_t *mem)
{
	if (pw_ops) {
		*ops = pw_ops;
		*mem = pw_mem;
		return;
	}
	switch (pw_cost) {
	case NL_PWHASH_MODERATE:
		*ops = crypto_pwhash_argon2id_OPSLIMIT_MODERATE;
		*mem = crypto_pwhash_argon2id_MEMLIMIT_MODERATE;
		break;
	case NL_PWHASH_TEST:
		*ops = crypto_pwhash_argon2id_OPSLIMIT_MIN;
		*mem = crypto_pwhash_argon2id_MEMLIMIT_MIN;
		break;
	case NL_PWHASH_INTERACTIVE:
	default:
		*ops = crypto_pwhash_argon2id_OPSLIMIT_INTERACTIVE;
		*mem = crypto_pwhash_argon2id_MEMLIMIT_INTERACTIVE;
		break;
	}
}

enum nl_err nl_password_hash(const char *password, char out[NL_PWHASH_LEN])
{
	unsigned long long ops;
	size_t mem;

	_Static_assert(NL_PWHASH_LEN == crypto_pwhash_argon2id_STRBYTES, "hash string size");
	cost_limits(&ops, &mem);
	if (crypto_pwhash_argon2id_str(out, password, strlen(password), ops, mem) != 0)
		return NL_ERR_NOMEM;
	return NL_OK;
}

bool nl_password_verify(const char *stored, const char *password)
{
	if (!stored || !password)
		return false;
	return crypto_pwhash_argon2id_str_verify(stored, password, strlen(password)) == 0;
}

bool nl_password_needs_rehash(const char *stored)
{
	unsigned long long ops;
	size_t mem;

	cost_limits(&ops, &mem);
	/* -1 (not an argon2id string) also means: make a new one. */
	return crypto_pwhash_argon2id_str_needs_rehash(stored, ops, mem) != 0;
}

void nl_random_bytes(void *buf, size_t n)
{
	randombytes_buf(buf, n);
}

void nl_random_hex(size_t nbytes, char *out)
{
	static const char digits[] = "0123456789abcdef";
	unsigned char b;

	for (size_t i = 0; i < nbytes; i++) {
		randombytes_buf(&b, 1);
		out[2 * i] = digits[b >> 4];
		out[2 * i + 1] = digits[b & 0x0f];
	}
	out[2 * nbytes] = '\0';
	sodium_memzero(&b, sizeof b);
}

/* Each character drawn with randombytes_uniform, so there is no modulo bias. */
static void random_from(const char *alphabet, size_t n, char *out)
{
	uint32_t k = (uint32_t)strlen(alphabet);

	for (size_t i = 0; i < n; i++)
		out[i] = alphabet[randombytes_uniform(k)];
	out[n] = '\0';
}

void nl_random_base32(size_t n, char *out)
{
	random_from("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", n, out);
}

void nl_random_digits(size_t n, char *out)
{
	random_from("0123456789", n, out);
}

void nl_random_access_password(size_t n, char *out)
{
	random_from("23456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz", n, out);
}

static void put_len(crypto_generichash_state *st, size_t n)
{
	unsigned char b[8];
	for (int i = 7; i >= 0; i--) {
		b[i] = (unsigned char)(n & 0xff);
		n >>= 8;
	}
	crypto_generichash_update(st, b, sizeof b);
}

void nl_keyed_hash(const uint8_t key[NL_KEYED_KEY_LEN], const char *context,
                   const char *message, char out[NL_KEYED_HEX_LEN])
{
	crypto_generichash_state st;
	unsigned char h[32];
	size_t lc = strlen(context), lm = strlen(message);

	crypto_generichash_init(&st, key, NL_KEYED_KEY_LEN, sizeof h);
	put_len(&st, lc);
	crypto_generichash_update(&st, (const unsigned char *)context, lc);
	put_len(&st, lm);
	crypto_generichash_update(&st, (const unsigned char *)message, lm);
	crypto_generichash_final(&st, h, sizeof h);
	sodium_bin2hex(out, NL_KEYED_HEX_LEN, h, sizeof h);
	sodium_memzero(&st, sizeof st);
}

enum nl_err nl_keyed_key_from_hex(const char *hex, uint8_t key[NL_KEYED_KEY_LEN])
{
	size_t got = 0;
	const char *end = NULL;

	if (!hex || strlen(hex) != 2 * NL_KEYED_KEY_LEN)
		return NL_ERR_CONFIG;
	if (sodium_hex2bin(key, NL_KEYED_KEY_LEN, hex, strlen(hex), NULL, &got, &end) != 0 ||
	    got != NL_KEYED_KEY_LEN || *end != '\0')
		return NL_ERR_CONFIG;
	return NL_OK;
}

void nl_access_hash(const uint8_t key[NL_KEYED_KEY_LEN], const char *secret,
                    char out[NL_ACCESS_HASH_LEN])
{
	memcpy(out, "k1$", 3);
	nl_keyed_hash(key, "access", secret, out + 3);
}

bool nl_access_verify(const uint8_t key[NL_KEYED_KEY_LEN], const char *stored,
                      const char *secret, bool *upgrade)
{
	if (upgrade)
		*upgrade = false;
	if (!stored || !secret)
		return false;
	if (strncmp(stored, "k1$", 3) == 0) {
		char h[NL_ACCESS_HASH_LEN];
		nl_access_hash(key, secret, h);
		bool ok = nl_secret_streq(stored, h);
		sodium_memzero(h, sizeof h);
		return ok;
	}
	/* Before keyed hashes, access passwords were argon2id like a human's. */
	if (strncmp(stored, "$argon2id$", 10) != 0 || !nl_password_verify(stored, secret))
		return false;
	if (upgrade)
		*upgrade = true;
	return true;
}

bool nl_secret_equal(const void *a, const void *b, size_t n)
{
	return sodium_memcmp(a, b, n) == 0;
}

bool nl_secret_streq(const char *a, const char *b)
{
	size_t la, lb;

	if (!a || !b)
		return false;
	la = strlen(a);
	lb = strlen(b);
	if (la != lb)
		return false;
	return la == 0 || sodium_memcmp(a, b, la) == 0;
}
