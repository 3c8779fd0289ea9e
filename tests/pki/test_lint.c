/* The pre-issuance linter refuses certificates made wrong on purpose. A good
 * certificate is built by the profile (nl_pki_person_tbs), then each case breaks
 * one rule with OpenSSL and expects the linter to name it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "pki/der.h"
#include "pki/pki.h"

static nl_pki_cert *issuer;
static EVP_PKEY *issuer_pkey;
static nl_buf good = NL_BUF_INIT;
static struct nl_pki_urls urls;
static nl_buf url_store = NL_BUF_INIT;
static char keyfile[64];

static NL_MUST_USE nl_err make_tbs(EVP_PKEY *subject_key, int64_t nb, int64_t na, nl_buf *out)
{
	unsigned char *spki = NULL;
	int n = i2d_PUBKEY(subject_key, &spki);
	struct nl_person_cert_req r = {
		.person = {.given_name = "Ayşe", .surname = "Yılmaz", .tckn = "10000000146"},
		.spki = spki, .spki_len = (size_t)n, .not_before = nb, .not_after = na, .urls = &urls,
	};
	nl_pki_serial_random(r.serial);
	nl_err rc = nl_pki_person_tbs(&r, issuer, out);
	OPENSSL_free(spki);
	return rc;
}

static int setup(void **state)
{
	(void)state;
	nl_pki_key *k = NULL;
	nl_buf der = NL_BUF_INIT;
	snprintf(keyfile, sizeof keyfile, "file:/tmp/nl-lint-%d.key", (int)getpid());
	if (nl_pki_key_generate(keyfile, NL_KEY_P384) || nl_pki_key_open(keyfile, &k)) return -1;
	struct nl_ca_names names = {"Test", "Test Root", "Test Issuing", "Test OCSP"};
	if (nl_pki_root_cert(k, &names, time(NULL), &der) || nl_pki_cert_parse(der.data, der.len, &issuer))
		return -1;
	nl_pki_key_free(k);
	FILE *f = fopen(keyfile + 5, "r");
	issuer_pkey = PEM_read_PrivateKey(f, NULL, NULL, NULL);
	fclose(f);
	unlink(keyfile + 5);
	nl_buf_free(&der);
	nl_pki_urls_default(&urls, "http://ca.example", &url_store);
	EVP_PKEY *ee = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	int64_t now = time(NULL);
	nl_err rc = make_tbs(ee, now, now + 365 * 86400, &good);
	EVP_PKEY_free(ee);
	return rc ? -1 : 0;
}

static int teardown(void **state)
{
	(void)state;
	nl_pki_cert_free(issuer);
	EVP_PKEY_free(issuer_pkey);
	nl_buf_free(&good);
	nl_buf_free(&url_store);
	return 0;
}

static X509 *good_x509(void)
{
	const unsigned char *p = (const unsigned char *)good.data;
	return d2i_X509(NULL, &p, (long)good.len);
}

static void replace_ext(X509 *x, int nid, X509_EXTENSION *e)
{
	int i = X509_get_ext_by_NID(x, nid, -1);
	if (i >= 0) X509_EXTENSION_free(X509_delete_ext(x, i));
	if (e) {
		X509_add_ext(x, e, -1);
		X509_EXTENSION_free(e);
	}
}

static X509_EXTENSION *conf_ext(X509 *x, int nid, const char *value)
{
	X509V3_CTX ctx;
	X509V3_set_ctx_nodb(&ctx);
	X509V3_set_ctx(&ctx, x, x, NULL, NULL, 0);
	return X509V3_EXT_conf_nid(NULL, &ctx, nid, value);
}

static X509_EXTENSION *der_ext(int nid, int critical, const nl_buf *der)
{
	ASN1_OCTET_STRING *os = ASN1_OCTET_STRING_new();
	ASN1_OCTET_STRING_set(os, (const unsigned char *)der->data, (int)der->len);
	X509_EXTENSION *e = X509_EXTENSION_create_by_NID(NULL, nid, critical, os);
	ASN1_OCTET_STRING_free(os);
	return e;
}

/* Signs (which re-encodes) and lints; expects a failure containing want. */
static void expect(X509 *x, enum nl_lint_profile prof, const char *want)
{
	unsigned char *der = NULL;
	struct nl_lint l;
	assert_true(X509_sign(x, issuer_pkey, EVP_sha384()) > 0);
	int n = i2d_X509(x, &der);
	nl_err rc = nl_pki_lint(der, (size_t)n, issuer, prof, &l);
	OPENSSL_free(der);
	X509_free(x);
	bool found = false;
	for (int i = 0; i < l.count; i++) {
		if (strstr(l.failure[i], want)) found = true;
		else if (!want[0]) print_message("# %s\n", l.failure[i]);
	}
	if (!want[0]) {
		assert_int_equal(rc, NL_OK);
		return;
	}
	if (!found)
		for (int i = 0; i < l.count; i++) print_message("# got: %s\n", l.failure[i]);
	assert_int_equal(rc, NL_ERR_INVALID);
	assert_true(found);
}

static void test_good_passes(void **s) { (void)s; expect(good_x509(), NL_LINT_PERSON, ""); }

static void test_unsigned_good_passes(void **s)
{
	(void)s;
	struct nl_lint l;
	assert_int_equal(nl_pki_lint(good.data, good.len, issuer, NL_LINT_PERSON, &l), NL_OK);
}

/* qcStatements with a QcType statement listing two types (esign and eseal). */
static void test_two_qctypes(void **s)
{
	(void)s;
	nl_buf st = NL_BUF_INIT, types = NL_BUF_INIT, tmp = NL_BUF_INIT, all = NL_BUF_INIT, out = NL_BUF_INIT;
	nl_der_oid(&types, "0.4.0.1862.1.6.1");
	nl_der_oid(&types, "0.4.0.1862.1.6.2");
	nl_der_oid(&tmp, "0.4.0.1862.1.6");
	nl_der_wrap(&tmp, 0x30, &types);
	nl_der_wrap(&all, 0x30, &tmp);
	nl_der_wrap(&out, 0x30, &all);
	X509 *x = good_x509();
	replace_ext(x, NID_qcStatements, der_ext(NID_qcStatements, 0, &out));
	expect(x, NL_LINT_PERSON, "QcType: exactly one type required");
	nl_buf_free(&st); nl_buf_free(&types); nl_buf_free(&tmp); nl_buf_free(&all); nl_buf_free(&out);
}

static void test_http_pds(void **s)
{
	(void)s;
	struct nl_pki_urls u = urls;
	nl_buf qc = NL_BUF_INIT;
	u.pds_en = "http://ca.example/pds/en";
	assert_int_equal(nl_pki_qcstatements_der(&u, &qc), NL_OK);
	X509 *x = good_x509();
	replace_ext(x, NID_qcStatements, der_ext(NID_qcStatements, 0, &qc));
	expect(x, NL_LINT_PERSON, "QcPDS: URL must be https");
	nl_buf_free(&qc);
}

static void test_critical_qcstatements(void **s)
{
	(void)s;
	nl_buf qc = NL_BUF_INIT;
	assert_int_equal(nl_pki_qcstatements_der(&urls, &qc), NL_OK);
	X509 *x = good_x509();
	replace_ext(x, NID_qcStatements, der_ext(NID_qcStatements, 1, &qc));
	expect(x, NL_LINT_PERSON, "qcStatements: must not be critical");
	nl_buf_free(&qc);
}

static void test_missing_qcstatements(void **s)
{
	(void)s;
	X509 *x = good_x509();
	replace_ext(x, NID_qcStatements, NULL);
	expect(x, NL_LINT_PERSON, "qcStatements: missing");
}

static void test_missing_nonrepudiation(void **s)
{
	(void)s;
	X509 *x = good_x509();
	replace_ext(x, NID_key_usage, conf_ext(x, NID_key_usage, "critical,digitalSignature"));
	expect(x, NL_LINT_PERSON, "nonRepudiation missing");
}

static void test_keyusage_not_critical(void **s)
{
	(void)s;
	X509 *x = good_x509();
	replace_ext(x, NID_key_usage, conf_ext(x, NID_key_usage, "nonRepudiation"));
	expect(x, NL_LINT_PERSON, "keyUsage: must be critical");
}

static void test_ca_true(void **s)
{
	(void)s;
	X509 *x = good_x509();
	replace_ext(x, NID_basic_constraints, conf_ext(x, NID_basic_constraints, "critical,CA:TRUE"));
	expect(x, NL_LINT_PERSON, "CA:TRUE on an end-entity");
}

/* freshestCRL (the delta CRLs, RFC 5280 4.2.1.15): the profile puts it in,
 * non-critical; a critical one is refused. */
static void test_freshest_crl(void **s)
{
	(void)s;
	X509 *x = good_x509();
	int i = X509_get_ext_by_NID(x, NID_freshest_crl, -1);
	assert_true(i >= 0);
	assert_false(X509_EXTENSION_get_critical(X509_get_ext(x, i)));
	replace_ext(x, NID_freshest_crl,
	            conf_ext(x, NID_freshest_crl, "critical,URI:http://ca.example/repo/issuing-delta.crl"));
	expect(x, NL_LINT_PERSON, "freshestCRL: must not be critical");
}

static void test_forbidden_extension(void **s)
{
	(void)s;
	X509 *x = good_x509();
	replace_ext(x, NID_ext_key_usage, conf_ext(x, NID_ext_key_usage, "serverAuth"));
	expect(x, NL_LINT_PERSON, "is forbidden by the profile");
}

static void test_extra_subject_attribute(void **s)
{
	(void)s;
	X509 *x = good_x509();
	X509_NAME *n = X509_NAME_dup(X509_get_subject_name(x));
	X509_NAME_add_entry_by_NID(n, NID_organizationName, MBSTRING_UTF8, (const unsigned char *)"ACME", -1, -1, 0);
	X509_set_subject_name(x, n);
	X509_NAME_free(n);
	expect(x, NL_LINT_PERSON, "organizationName is not in the profile");
}

static void test_missing_given_name(void **s)
{
	(void)s;
	X509 *x = good_x509();
	X509_NAME *n = X509_NAME_dup(X509_get_subject_name(x));
	X509_NAME_ENTRY_free(X509_NAME_delete_entry(n, X509_NAME_get_index_by_NID(n, NID_givenName, -1)));
	X509_set_subject_name(x, n);
	X509_NAME_free(n);
	expect(x, NL_LINT_PERSON, "givenName missing");
}

static void test_bad_serial_number_semantics(void **s)
{
	(void)s;
	X509 *x = good_x509();
	X509_NAME *n = X509_NAME_dup(X509_get_subject_name(x));
	int i = X509_NAME_get_index_by_NID(n, NID_serialNumber, -1);
	X509_NAME_ENTRY_free(X509_NAME_delete_entry(n, i));
	X509_NAME_add_entry_by_NID(n, NID_serialNumber, MBSTRING_ASC, (const unsigned char *)"TINTR-1234", -1, -1, 0);
	X509_set_subject_name(x, n);
	X509_NAME_free(n);
	expect(x, NL_LINT_PERSON, "serialNumber must be PNOTR-");
}

static void test_short_serial(void **s)
{
	(void)s;
	X509 *x = good_x509();
	ASN1_INTEGER *sn = ASN1_INTEGER_new();
	ASN1_INTEGER_set(sn, 0x12345678);
	X509_set_serialNumber(x, sn);
	ASN1_INTEGER_free(sn);
	expect(x, NL_LINT_PERSON, "fewer than 64 bits");
}

static void test_negative_serial(void **s)
{
	(void)s;
	X509 *x = good_x509();
	ASN1_INTEGER *sn = ASN1_INTEGER_new();
	ASN1_INTEGER_set_int64(sn, -0x1234567890abcdLL);
	X509_set_serialNumber(x, sn);
	ASN1_INTEGER_free(sn);
	expect(x, NL_LINT_PERSON, "must be positive");
}

static void test_beyond_issuer(void **s)
{
	(void)s;
	X509 *x = good_x509();
	ASN1_TIME_set(X509_getm_notAfter(x), time(NULL) + 30LL * 365 * 86400);
	expect(x, NL_LINT_PERSON, "ends after the issuer");
}

static void test_weak_rsa(void **s)
{
	(void)s;
	EVP_PKEY *k = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)1024);
	nl_buf der = NL_BUF_INIT;
	struct nl_lint l;
	int64_t now = time(NULL);
	assert_int_equal(make_tbs(k, now, now + 86400, &der), NL_OK);
	assert_int_equal(nl_pki_lint(der.data, der.len, issuer, NL_LINT_PERSON, &l), NL_ERR_INVALID);
	assert_non_null(strstr(l.failure[0], "RSA shorter than 2048"));
	EVP_PKEY_free(k);
	nl_buf_free(&der);
}

static void test_unsupported_curve(void **s)
{
	(void)s;
	EVP_PKEY *k = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "secp256k1");
	nl_buf der = NL_BUF_INIT;
	struct nl_lint l;
	int64_t now = time(NULL);
	assert_int_equal(make_tbs(k, now, now + 86400, &der), NL_OK);
	assert_int_equal(nl_pki_lint(der.data, der.len, issuer, NL_LINT_PERSON, &l), NL_ERR_INVALID);
	assert_non_null(strstr(l.failure[0], "unsupported curve"));
	EVP_PKEY_free(k);
	nl_buf_free(&der);
}

static void test_missing_ocsp_url(void **s)
{
	(void)s;
	X509 *x = good_x509();
	replace_ext(x, NID_info_access, conf_ext(x, NID_info_access, "caIssuers;URI:http://ca.example/i.crt"));
	expect(x, NL_LINT_PERSON, "OCSP URL missing");
}

static void test_missing_qcp_policy(void **s)
{
	(void)s;
	nl_buf pi = NL_BUF_INIT, all = NL_BUF_INIT, out = NL_BUF_INIT;
	nl_der_oid(&pi, "1.2.3.4");   /* only a provider policy */
	nl_der_wrap(&all, 0x30, &pi);
	nl_der_wrap(&out, 0x30, &all);
	X509 *x = good_x509();
	replace_ext(x, NID_certificate_policies, der_ext(NID_certificate_policies, 0, &out));
	expect(x, NL_LINT_PERSON, "QCP-n-qscd");
	nl_buf_free(&pi); nl_buf_free(&all); nl_buf_free(&out);
}

static void test_person_is_not_a_responder(void **s)
{
	(void)s;
	expect(good_x509(), NL_LINT_OCSP_RESPONDER, "OCSPSigning missing");
}

static void test_garbage(void **s)
{
	(void)s;
	struct nl_lint l;
	assert_int_equal(nl_pki_lint("\x30\x03\x02\x01\x01", 5, issuer, NL_LINT_PERSON, &l), NL_ERR_INVALID);
	assert_non_null(strstr(l.failure[0], "not a DER certificate"));
}

int main(void)
{
	cmocka_set_message_output(CM_OUTPUT_TAP);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_passes),
		cmocka_unit_test(test_unsigned_good_passes),
		cmocka_unit_test(test_two_qctypes),
		cmocka_unit_test(test_http_pds),
		cmocka_unit_test(test_critical_qcstatements),
		cmocka_unit_test(test_missing_qcstatements),
		cmocka_unit_test(test_missing_nonrepudiation),
		cmocka_unit_test(test_keyusage_not_critical),
		cmocka_unit_test(test_freshest_crl),
		cmocka_unit_test(test_ca_true),
		cmocka_unit_test(test_forbidden_extension),
		cmocka_unit_test(test_extra_subject_attribute),
		cmocka_unit_test(test_missing_given_name),
		cmocka_unit_test(test_bad_serial_number_semantics),
		cmocka_unit_test(test_short_serial),
		cmocka_unit_test(test_negative_serial),
		cmocka_unit_test(test_beyond_issuer),
		cmocka_unit_test(test_weak_rsa),
		cmocka_unit_test(test_unsupported_curve),
		cmocka_unit_test(test_missing_ocsp_url),
		cmocka_unit_test(test_missing_qcp_policy),
		cmocka_unit_test(test_person_is_not_a_responder),
		cmocka_unit_test(test_garbage),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
