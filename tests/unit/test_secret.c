/* Password hashing, random tokens, keyed hashes, constant-time comparison. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "core/secret.h"

static int setup(void **state)
{
	(void)state;
	if (nl_secret_init() != NL_OK)
		return -1;
	nl_password_set_cost(NL_PWHASH_TEST);
	return 0;
}

static void passwords(void **state)
{
	char h1[NL_PWHASH_LEN], h2[NL_PWHASH_LEN];
	(void)state;
	assert_int_equal(nl_password_hash("Güvenli Söz 1", h1), NL_OK);
	assert_int_equal(nl_password_hash("Güvenli Söz 1", h2), NL_OK);
	assert_true(strncmp(h1, "$argon2id$", 10) == 0);
	assert_string_not_equal(h1, h2);                 /* salted */
	assert_true(nl_password_verify(h1, "Güvenli Söz 1"));
	assert_true(nl_password_verify(h2, "Güvenli Söz 1"));
	assert_false(nl_password_verify(h1, "güvenli Söz 1"));
	assert_false(nl_password_verify(h1, "Güvenli Söz 1 "));
	assert_false(nl_password_verify(h1, ""));
	assert_false(nl_password_verify("not a hash", "x"));
	assert_false(nl_password_verify(NULL, "x"));
	assert_false(nl_password_needs_rehash(h1));
	nl_password_set_cost(NL_PWHASH_INTERACTIVE);
	assert_true(nl_password_needs_rehash(h1));       /* made with the test limits */
	nl_password_set_cost(NL_PWHASH_TEST);
	assert_true(nl_password_needs_rehash("garbage"));
}

/* Issue 15, 1: explicit limits from [security]; the keyed form of machine-made
 * secrets, and the old argon2id form still accepted (with the upgrade flag). */
static void limits_and_access(void **state)
{
	char h[NL_PWHASH_LEN], k[NL_ACCESS_HASH_LEN], k2[NL_ACCESS_HASH_LEN];
	uint8_t key[NL_KEYED_KEY_LEN], other[NL_KEYED_KEY_LEN];
	bool up = true;
	(void)state;
	assert_int_equal(nl_password_set_limits(4, 2), NL_ERR_CONFIG);       /* below 8 KiB */
	assert_int_equal(nl_password_set_limits(19456, 0), NL_ERR_CONFIG);
	assert_int_equal(nl_password_set_limits(64, 2), NL_OK);
	assert_int_equal(nl_password_hash("söz", h), NL_OK);
	assert_non_null(strstr(h, "$m=64,t=2,p=1$"));
	assert_false(nl_password_needs_rehash(h));
	nl_password_set_cost(NL_PWHASH_TEST);                               /* back to the named cost */
	assert_true(nl_password_needs_rehash(h));

	memset(key, 7, sizeof key);
	memset(other, 8, sizeof other);
	nl_access_hash(key, "Kp7xQ2mZrT", k);
	nl_access_hash(key, "Kp7xQ2mZrT", k2);
	assert_string_equal(k, k2);                                        /* keyed, not salted */
	assert_true(strncmp(k, "k1$", 3) == 0 && strlen(k) == 67);
	assert_true(nl_access_verify(key, k, "Kp7xQ2mZrT", &up));
	assert_false(up);
	assert_false(nl_access_verify(other, k, "Kp7xQ2mZrT", NULL));       /* another key */
	assert_false(nl_access_verify(key, k, "Kp7xQ2mZrt", NULL));
	assert_false(nl_access_verify(key, k, "", NULL));
	assert_false(nl_access_verify(key, NULL, "x", NULL));
	assert_false(nl_access_verify(key, "garbage", "x", NULL));
	assert_true(nl_access_verify(key, h, "söz", &up));                  /* the old form */
	assert_true(up);
	assert_false(nl_access_verify(key, h, "soz", &up));
	assert_false(up);
}

static bool all_in(const char *s, const char *alphabet)
{
	for (; *s; s++)
		if (!strchr(alphabet, *s))
			return false;
	return true;
}

static void tokens(void **state)
{
	char a[65], b[65];
	int seen[10] = {0};
	(void)state;
	nl_random_hex(32, a);
	nl_random_hex(32, b);
	assert_int_equal(strlen(a), 64);
	assert_true(all_in(a, "0123456789abcdef"));
	assert_string_not_equal(a, b);
	nl_random_digits(15, a);
	assert_int_equal(strlen(a), 15);
	assert_true(all_in(a, "0123456789"));
	nl_random_digits(6, a);
	assert_int_equal(strlen(a), 6);
	nl_random_base32(26, a);
	assert_int_equal(strlen(a), 26);
	assert_true(all_in(a, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"));
	/* Every digit shows up in 2000 draws (fails with probability ~10 × 0.9^2000). */
	for (int i = 0; i < 200; i++) {
		nl_random_digits(10, a);
		for (int k = 0; k < 10; k++)
			seen[a[k] - '0']++;
	}
	for (int d = 0; d < 10; d++)
		assert_true(seen[d] > 0);
	for (int i = 0; i < 200; i++) {
		nl_random_access_password(10, a);
		assert_int_equal(strlen(a), 10);
		assert_null(strpbrk(a, "0Oo1lI"));
		assert_true(all_in(a, "23456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz"));
	}
	nl_random_hex(0, a);
	assert_string_equal(a, "");
}

static void keyed_hashes(void **state)
{
	uint8_t key[NL_KEYED_KEY_LEN], key2[NL_KEYED_KEY_LEN];
	char h1[NL_KEYED_HEX_LEN], h2[NL_KEYED_HEX_LEN];
	(void)state;
	assert_int_equal(nl_keyed_key_from_hex(
		"000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f", key), NL_OK);
	assert_int_equal(key[31], 0x1f);
	nl_keyed_hash(key, "sms", "123456", h1);
	nl_keyed_hash(key, "sms", "123456", h2);
	assert_string_equal(h1, h2);
	assert_int_equal(strlen(h1), 64);
	nl_keyed_hash(key, "sms", "123457", h2);
	assert_string_not_equal(h1, h2);
	nl_keyed_hash(key, "verify", "123456", h2);     /* context separates uses */
	assert_string_not_equal(h1, h2);
	nl_keyed_hash(key, "sms1", "23456", h2);        /* length prefixes */
	assert_string_not_equal(h1, h2);
	memcpy(key2, key, sizeof key);
	key2[0] ^= 1;
	nl_keyed_hash(key2, "sms", "123456", h2);
	assert_string_not_equal(h1, h2);
	assert_int_equal(nl_keyed_key_from_hex("00", key2), NL_ERR_CONFIG);
	assert_int_equal(nl_keyed_key_from_hex(
		"zz0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f", key2),
		NL_ERR_CONFIG);
	assert_int_equal(nl_keyed_key_from_hex(NULL, key2), NL_ERR_CONFIG);
}

static void comparison(void **state)
{
	(void)state;
	assert_true(nl_secret_equal("abcdef", "abcdef", 6));
	assert_false(nl_secret_equal("abcdef", "abcdeg", 6));
	assert_true(nl_secret_streq("123456", "123456"));
	assert_false(nl_secret_streq("123456", "12345"));
	assert_false(nl_secret_streq("123456", "123457"));
	assert_false(nl_secret_streq(NULL, "x"));
	assert_true(nl_secret_streq("", ""));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(passwords),
		cmocka_unit_test(limits_and_access),
		cmocka_unit_test(tokens),
		cmocka_unit_test(keyed_hashes),
		cmocka_unit_test(comparison),
	};
	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests_name("secret", tests, setup, NULL);
}
