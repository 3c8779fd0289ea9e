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

/* A row state and a record binding it: vectors from Python hashlib over the
 * encoding documented in audit.c (docs/audit.md). */
static void state_vectors(void **state)
{
	nl_buf enc = NL_BUF_INIT;
	uint8_t st[NL_AUDIT_HASH_LEN], zero[32] = {0}, h[32];
	char hex[65];
	(void)state;
	nl_audit_enc_int(&enc, 7);
	nl_audit_enc_null(&enc);
	nl_audit_enc_bytes(&enc, "form_wait", 9);
	nl_audit_state_hash("order", &enc, st);
	nl_audit_hex(st, hex);
	assert_string_equal(hex, "7e3265c0e443a4d0221228534b1023c026257b899645f48124c79492de90b60b");
	struct nl_audit_rec r = rec1;
	r.state = st;
	nl_audit_hash(&r, zero, h);
	nl_audit_hex(h, hex);
	assert_string_equal(hex, "45ccbafd8cd0613fb09931474209d1703160ad9ebd463443981b4549d6beef53");
	/* Without a state the record hashes as before (v1): old chains verify. */
	r.state = NULL;
	hash_hex(&r, zero, hex);
	assert_string_equal(hex, "10b20e38bb4277f94ef8ebd3f7bf1b2591bd714d0414bf840b8d0dbf34c95ff5");
	nl_buf_free(&enc);
}

static void digest_of(void (*fill)(nl_buf *), const char *entity, uint8_t out[32])
{
	nl_buf b = NL_BUF_INIT;
	fill(&b);
	nl_audit_state_hash(entity, &b, out);
	nl_buf_free(&b);
}
static void f_null(nl_buf *b) { nl_audit_enc_null(b); }
static void f_zero(nl_buf *b) { nl_audit_enc_int(b, 0); }
static void f_empty(nl_buf *b) { nl_audit_enc_bytes(b, "", 0); }
static void f_ab_c(nl_buf *b) { nl_audit_enc_bytes(b, "ab", 2); nl_audit_enc_bytes(b, "c", 1); }
static void f_a_bc(nl_buf *b) { nl_audit_enc_bytes(b, "a", 1); nl_audit_enc_bytes(b, "bc", 2); }

/* NULL, 0 and "" differ; so do ("ab","c") and ("a","bc"), and one row's
 * columns under another entity's name. */
static void state_encoding_is_injective(void **state)
{
	uint8_t d[6][32];
	(void)state;
	digest_of(f_null, "order", d[0]);
	digest_of(f_zero, "order", d[1]);
	digest_of(f_empty, "order", d[2]);
	digest_of(f_ab_c, "order", d[3]);
	digest_of(f_a_bc, "order", d[4]);
	digest_of(f_ab_c, "payment", d[5]);
	for (int i = 0; i < 6; i++)
		for (int j = i + 1; j < 6; j++)
			assert_memory_not_equal(d[i], d[j], 32);
}

static void checkpoint_line_round_trip(void **state)
{
	struct nl_audit_checkpoint cp = {.seq = 1234, .at = 1795000000, .sig_len = 70}, back;
	nl_buf line = NL_BUF_INIT, msg = NL_BUF_INIT;
	(void)state;
	for (int i = 0; i < 32; i++)
		cp.hash[i] = (uint8_t)(i * 7);
	for (int i = 0; i < 70; i++)
		cp.sig[i] = (uint8_t)(255 - i);
	nl_audit_cp_line(&cp, &line);
	nl_audit_cp_message(cp.seq, cp.hash, cp.at, &msg);
	/* The signed bytes are the line up to the signature, tag first. */
	assert_int_equal(strncmp(line.data, msg.data, msg.len), 0);
	assert_int_equal(line.data[msg.len], ' ');
	assert_int_equal(strncmp(msg.data, "nitelik-audit-checkpoint-v1 1234 00070e15", 41), 0);
	assert_int_equal(line.data[line.len - 1], '\n');
	assert_int_equal(nl_audit_cp_parse(line.data, line.len, &back), NL_OK);
	assert_int_equal(back.seq, 1234);
	assert_int_equal(back.at, 1795000000);
	assert_memory_equal(back.hash, cp.hash, 32);
	assert_int_equal(back.sig_len, 70);
	assert_memory_equal(back.sig, cp.sig, 70);
	nl_buf_free(&line);
	nl_buf_free(&msg);
}

static void checkpoint_line_refusals(void **state)
{
	static const char *const bad[] = {
		"",
		"nitelik-audit-checkpoint-v1 5 " "0000000000000000000000000000000000000000000000000000000000000000 10",
		"nitelik-audit-checkpoint-v2 5 " "0000000000000000000000000000000000000000000000000000000000000000 10 AAAA",
		"nitelik-audit-checkpoint-v1 0 " "0000000000000000000000000000000000000000000000000000000000000000 10 AAAA",
		"nitelik-audit-checkpoint-v1 -5 " "0000000000000000000000000000000000000000000000000000000000000000 10 AAAA",
		"nitelik-audit-checkpoint-v1 5 " "000000000000000000000000000000000000000000000000000000000000000 10 AAAA",
		"nitelik-audit-checkpoint-v1 5 " "000000000000000000000000000000000000000000000000000000000000000G 10 AAAA",
		"nitelik-audit-checkpoint-v1 5 " "0000000000000000000000000000000000000000000000000000000000000000 10 !!!!",
		"nitelik-audit-checkpoint-v1 5 " "0000000000000000000000000000000000000000000000000000000000000000 10 AAAA extra",
		"nitelik-audit-checkpoint-v1  5 " "0000000000000000000000000000000000000000000000000000000000000000 10 AAAA",
	};
	struct nl_audit_checkpoint cp;
	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_int_equal(nl_audit_cp_parse(bad[i], strlen(bad[i]), &cp), NL_ERR_INVALID);
	const char *good = "nitelik-audit-checkpoint-v1 5 "
	                   "0000000000000000000000000000000000000000000000000000000000000000 10 AAAA\r\n";
	assert_int_equal(nl_audit_cp_parse(good, strlen(good), &cp), NL_OK);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(known_vectors),
		cmocka_unit_test(stable),
		cmocka_unit_test(every_field_counts),
		cmocka_unit_test(field_boundaries),
		cmocka_unit_test(chain_detects_change),
		cmocka_unit_test(state_vectors),
		cmocka_unit_test(state_encoding_is_injective),
		cmocka_unit_test(checkpoint_line_round_trip),
		cmocka_unit_test(checkpoint_line_refusals),
	};
	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests_name("audit", tests, NULL, NULL);
}
