/* Audit hash chain: a known vector computed independently (Python hashlib over
 * the documented encoding), and sensitivity to every field and to the link. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "core/audit.h"

static const struct nl_audit_rec rec1 = {
	.seq = 1, .at = 1795000000, .actor = "user:12", .entity = "order", .entity_id = 42,
	.action = "status", .from = "form_wait", .to = "production_wait",
	.reason = "Islak imzalı form geldi",
};

static void hash_hex(const struct nl_audit_rec *r, const uint8_t prev[32], char hex[65])
{
	uint8_t h[NL_AUDIT_HASH_LEN];
	nl_audit_hash(r, prev, h);
	nl_audit_hex(h, hex);
}

static void known_vectors(void **state)
{
	uint8_t zero[32] = {0}, h1[32];
	char hex[65];
	struct nl_audit_rec rec2 = {
		.seq = 2, .at = 1795000060, .actor = "worker:timeout", .entity = "order",
		.entity_id = -1, .action = "status", .from = NULL, .to = "cancelled", .reason = "",
	};
	(void)state;
	hash_hex(&rec1, zero, hex);
	assert_string_equal(hex, "10b20e38bb4277f94ef8ebd3f7bf1b2591bd714d0414bf840b8d0dbf34c95ff5");
	nl_audit_hash(&rec1, zero, h1);
	hash_hex(&rec2, h1, hex);   /* NULL from hashes as "" */
	assert_string_equal(hex, "8850e6d5a3a8adb9691ab6b2b48590452ebd637628bcb72af37c46ae5a472917");
}

static void stable(void **state)
{
	uint8_t zero[32] = {0};
	char a[65], b[65];
	(void)state;
	hash_hex(&rec1, zero, a);
	hash_hex(&rec1, zero, b);
	assert_string_equal(a, b);
	assert_int_equal(strlen(a), 64);
}

/* Changes one field at a time; each must change the hash. */
static void every_field_counts(void **state)
{
	uint8_t zero[32] = {0}, prev[32] = {0};
	char base[65], hex[65];
	(void)state;
	hash_hex(&rec1, zero, base);
	for (int field = 0; field < 9; field++) {
		struct nl_audit_rec r = rec1;
		switch (field) {
		case 0: r.seq = 2; break;
		case 1: r.at = rec1.at + 1; break;
		case 2: r.actor = "user:13"; break;
		case 3: r.entity = "payment"; break;
		case 4: r.entity_id = 43; break;
		case 5: r.action = "create"; break;
		case 6: r.from = "form_payment_wait"; break;
		case 7: r.to = "cancelled"; break;
		case 8: r.reason = "Islak imzalı form geldi."; break;
		}
		hash_hex(&r, zero, hex);
		if (strcmp(hex, base) == 0)
			fail_msg("field %d does not change the hash", field);
	}
	prev[31] = 1;
	hash_hex(&rec1, prev, hex);
	assert_string_not_equal(hex, base);
}

/* Length prefixes: moving bytes between adjacent fields changes the hash. */
static void field_boundaries(void **state)
{
	uint8_t zero[32] = {0};
	char a[65], b[65];
	struct nl_audit_rec r1 = rec1, r2 = rec1;
	(void)state;
	r1.from = "ab"; r1.to = "c";
	r2.from = "a"; r2.to = "bc";
	hash_hex(&r1, zero, a);
	hash_hex(&r2, zero, b);
	assert_string_not_equal(a, b);
	r1.from = ""; r1.to = "x";
	r2.from = "x"; r2.to = "";
	hash_hex(&r1, zero, a);
	hash_hex(&r2, zero, b);
	assert_string_not_equal(a, b);
}

/* A three-record chain; tampering with the middle record breaks the link that
 * the third record's stored hash depends on. */
static void chain_detects_change(void **state)
{
	uint8_t zero[32] = {0}, h[3][32], again[32];
	struct nl_audit_rec r[3] = { rec1, rec1, rec1 };
	(void)state;
	r[1].seq = 2; r[1].from = "production_wait"; r[1].to = "produced";
	r[2].seq = 3; r[2].from = "produced"; r[2].to = "shipped";
	nl_audit_hash(&r[0], zero, h[0]);
	nl_audit_hash(&r[1], h[0], h[1]);
	nl_audit_hash(&r[2], h[1], h[2]);
	r[1].reason = "changed";
	nl_audit_hash(&r[1], h[0], again);
	assert_memory_not_equal(again, h[1], 32);
	/* Deleting record 2: record 3 hashed over record 1's hash differs. */
	nl_audit_hash(&r[2], h[0], again);
	assert_memory_not_equal(again, h[2], 32);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(known_vectors),
		cmocka_unit_test(stable),
		cmocka_unit_test(every_field_counts),
		cmocka_unit_test(field_boundaries),
		cmocka_unit_test(chain_detects_change),
	};
	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests_name("audit", tests, NULL, NULL);
}
