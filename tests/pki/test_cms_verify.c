/* CMS / CAdES-BES verification (src/pki/cms_verify.c) on good and bad inputs
 * made by cms_fixtures.sh with the openssl command, and the ID number rule of
 * the subject serialNumber (src/app/esign_verify.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "app/esign_verify.h"
#include "pki/ca_store.h"
#include "pki/esign.h"
#include "core/file.h"

static const char *dir;
static nl_buf text;
static nl_pki_trust *trust;

static void load(const char *name, nl_buf *out)
{
	char path[600];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	nl_buf_reset(out);
	assert_int_equal(nl_read_file(path, 1 << 20, out), NL_OK);
}

static enum nl_cms_result verdict_of(const void *cms, size_t len, const void *t, size_t tlen,
                                     struct nl_cms_signed *sd)
{
	assert_int_equal(nl_pki_cms_verify(cms, len, t, tlen, trust, sd), NL_OK);
	return sd->result;
}

static enum nl_cms_result verdict(const char *file)
{
	nl_buf b = NL_BUF_INIT;
	struct nl_cms_signed sd;
	load(file, &b);
	enum nl_cms_result r = verdict_of(b.data, b.len, text.data, text.len, &sd);
	nl_cms_signed_clear(&sd);
	nl_buf_free(&b);
	return r;
}

static void good_signature(void **state)
{
	(void)state;
	nl_buf b = NL_BUF_INIT;
	struct nl_cms_signed sd;
	load("good.der", &b);
	assert_int_equal(verdict_of(b.data, b.len, text.data, text.len, &sd), NL_CMS_OK);
	assert_string_equal(sd.serial_attr, "PNOTR-10000000146");
	assert_true(sd.signing_time > 1700000000);
	assert_non_null(sd.signer);
	assert_non_null(sd.issuer);
	assert_true(strlen(sd.serial_hex) > 0);
	nl_cms_signed_clear(&sd);
	nl_buf_free(&b);
}

static void other_text(void **state)
{
	(void)state;
	nl_buf b = NL_BUF_INIT;
	struct nl_cms_signed sd;
	load("good.der", &b);
	assert_int_equal(verdict_of(b.data, b.len, "başka metin", strlen("başka metin"), &sd),
	                 NL_CMS_TEXT_MISMATCH);
	nl_cms_signed_clear(&sd);
	/* one byte less of the same text */
	assert_int_equal(verdict_of(b.data, b.len, text.data, text.len - 1, &sd), NL_CMS_TEXT_MISMATCH);
	nl_cms_signed_clear(&sd);
	nl_buf_free(&b);
}

static void broken_blobs(void **state)
{
	(void)state;
	nl_buf b = NL_BUF_INIT;
	struct nl_cms_signed sd;
	assert_int_equal(verdict_of("", 0, text.data, text.len, &sd), NL_CMS_BROKEN);
	nl_cms_signed_clear(&sd);
	assert_int_equal(verdict_of("\x30\x03\x02\x01\x01", 5, text.data, text.len, &sd), NL_CMS_BROKEN);
	nl_cms_signed_clear(&sd);
	load("good.der", &b);
	assert_int_equal(verdict_of(b.data, b.len - 10, text.data, text.len, &sd), NL_CMS_BROKEN);
	nl_cms_signed_clear(&sd);
	/* trailing garbage after a valid DER object */
	nl_buf_append(&b, "xx", 2);
	assert_int_equal(verdict_of(b.data, b.len, text.data, text.len, &sd), NL_CMS_BROKEN);
	nl_cms_signed_clear(&sd);
	nl_buf_free(&b);
	assert_int_equal(verdict("detached.der"), NL_CMS_BROKEN);   /* content not attached */
}

static void tampered_signature(void **state)
{
	(void)state;
	nl_buf b = NL_BUF_INIT;
	struct nl_cms_signed sd;
	load("good.der", &b);
	b.data[b.len - 3] ^= 0x01;   /* inside the ECDSA signature value */
	enum nl_cms_result r = verdict_of(b.data, b.len, text.data, text.len, &sd);
	assert_true(r == NL_CMS_BAD_SIGNATURE || r == NL_CMS_BROKEN);
	nl_cms_signed_clear(&sd);
	nl_buf_free(&b);
}

static void not_cades(void **state)
{
	(void)state;
	assert_int_equal(verdict("plain.der"), NL_CMS_NO_ATTRIBUTES);
}

static void certificate_refusals(void **state)
{
	(void)state;
	assert_int_equal(verdict("old.der"), NL_CMS_CERT_EXPIRED);
	assert_int_equal(verdict("noqc.der"), NL_CMS_NOT_QUALIFIED);
	assert_int_equal(verdict("nonr.der"), NL_CMS_NO_NONREPUDIATION);
	assert_int_equal(verdict("stranger.der"), NL_CMS_UNTRUSTED);
}

static void empty_trust_list(void **state)
{
	(void)state;
	nl_pki_trust *saved = trust;
	assert_int_equal(nl_pki_trust_new(&trust), NL_OK);
	assert_int_equal(verdict("good.der"), NL_CMS_UNTRUSTED);
	nl_pki_trust_free(trust);
	trust = saved;
	assert_int_equal(nl_pki_trust_add_dir(trust, "/nonexistent/trust"), NL_ERR_NOT_FOUND);
}

static void id_number_rule(void **state)
{
	(void)state;
	assert_true(nl_esign_serial_matches("PNOTR-10000000146", "10000000146"));
	assert_true(nl_esign_serial_matches("TINTR-10000000146", "10000000146"));
	assert_true(nl_esign_serial_matches("IDCTR-10000000146", "10000000146"));
	assert_true(nl_esign_serial_matches("10000000146", "10000000146"));
	assert_true(nl_esign_serial_matches("PASDE-C01X00T47", "C01X00T47"));
	assert_false(nl_esign_serial_matches("PNOTR-10000000146", "64172043210"));
	assert_false(nl_esign_serial_matches("PNOTR-100000001460", "10000000146"));
	assert_false(nl_esign_serial_matches("XYZTR-10000000146", "10000000146"));
	assert_false(nl_esign_serial_matches("", "10000000146"));
	assert_false(nl_esign_serial_matches("PNOTR-", ""));
	assert_string_equal(nl_esign_refusal_code(NL_ESIGN_OTHER_PERSON), "other_person");
	for (int r = 1; r < NL_ESIGN__COUNT; r++) {
		assert_true(strlen(nl_esign_refusal_message((enum nl_esign_refusal)r)) > 10);
		assert_true(nl_esign_refusal_status((enum nl_esign_refusal)r) >= 400);
	}
}

int main(int argc, char **argv)
{
	cmocka_set_message_output(CM_OUTPUT_TAP);
	if (argc < 2) {
		fprintf(stderr, "usage: test_cms_verify FIXTURE_DIR (see cms_fixtures.sh)\n");
		return 2;
	}
	dir = argv[1];
	char path[600];
	snprintf(path, sizeof path, "%s/text.txt", dir);
	if (nl_read_file(path, 1 << 20, &text) != NL_OK || nl_pki_trust_new(&trust) != NL_OK)
		return 2;
	snprintf(path, sizeof path, "%s/root.pem", dir);
	if (nl_pki_trust_add_file(trust, path) != NL_OK)
		return 2;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(good_signature),
		cmocka_unit_test(other_text),
		cmocka_unit_test(broken_blobs),
		cmocka_unit_test(tampered_signature),
		cmocka_unit_test(not_cades),
		cmocka_unit_test(certificate_refusals),
		cmocka_unit_test(empty_trust_list),
		cmocka_unit_test(id_number_rule),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	nl_pki_trust_free(trust);
	nl_buf_free(&text);
	return rc;
}
