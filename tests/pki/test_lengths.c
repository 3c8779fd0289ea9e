/* OpenSSL takes most lengths as int and hands numbers back as long. The pki
 * layer is compiled with -Wconversion, so each (int) is a claim that the value
 * fits: a length past INT_MAX must be refused (NL_ERR_TOO_LARGE), never cut to
 * its low 32 bits (which parses or writes a part of the buffer) nor made
 * negative (which makes OpenSSL take the C string's length instead); a CRL
 * reason past the known ones is no reason, not its low 32 bits.
 *
 * The lengths below lie (the buffers are small): the refusal comes before any
 * byte is read, and the old code read only the low 32 bits' worth, so the
 * tests stay inside the buffers either way. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "pki/esign.h"
#include "pki/pki_internal.h"

/* 2^32 + n: the low 32 bits are n, so a cast to int reads n bytes. */
#define PAST_INT(n) (((size_t)1 << 32) + (size_t)(n))

static EVP_PKEY *key;
static X509 *ca;

static int setup(void **state)
{
	key = EVP_EC_gen("P-256");
	ca = X509_new();
	X509_NAME *name = X509_NAME_new();
	if (!key || !ca || !name ||
	    !X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, (const unsigned char *)"Test CA", -1, -1, 0) ||
	    !X509_set_version(ca, 2) || !ASN1_INTEGER_set(X509_get_serialNumber(ca), 1) ||
	    !X509_set_subject_name(ca, name) || !X509_set_issuer_name(ca, name) ||
	    !X509_gmtime_adj(X509_getm_notBefore(ca), -3600) ||
	    !X509_gmtime_adj(X509_getm_notAfter(ca), 86400) || !X509_set_pubkey(ca, key) ||
	    !X509_sign(ca, key, EVP_sha256())) {
		X509_NAME_free(name);
		return -1;
	}
	X509_NAME_free(name);
	return 0;
}

static int teardown(void **state)
{
	X509_free(ca);
	EVP_PKEY_free(key);
	return 0;
}

/* A DER extension value whose length does not fit an int adds nothing. */
static void test_ext_der_past_int(void **state)
{
	static const unsigned char der[] = {0x03, 0x02, 0x06, 0x40};
	X509 *x = X509_new();
	assert_non_null(x);
	assert_int_equal(nl_pki_add_ext_der(x, "2.5.29.15", 1, der, PAST_INT(sizeof der)),
	                 NL_ERR_TOO_LARGE);
	assert_int_equal(X509_get_ext_count(x), 0);
	/* The same value with its true length is added. */
	assert_int_equal(nl_pki_add_ext_der(x, "2.5.29.15", 1, der, sizeof der), NL_OK);
	assert_int_equal(X509_get_ext_count(x), 1);
	X509_free(x);
}

/* A CRL by the test CA as PEM (so that nl_pki_crl_status reads it through a
 * BIO); when reason is not -1 it lists the CA's serial 1 with that reason. */
static char *crl_pem(long reason, long *len, BIO **mem)
{
	X509_CRL *crl = X509_CRL_new();
	assert_non_null(crl);
	if (reason >= 0) {
		X509_REVOKED *rv = X509_REVOKED_new();
		ASN1_TIME *at = X509_gmtime_adj(NULL, -120);
		ASN1_ENUMERATED *e = ASN1_ENUMERATED_new();
		assert_true(rv && at && e && ASN1_ENUMERATED_set(e, reason));
		assert_true(X509_REVOKED_set_serialNumber(rv, X509_get_serialNumber(ca)));
		assert_true(X509_REVOKED_set_revocationDate(rv, at));
		assert_true(X509_REVOKED_add1_ext_i2d(rv, NID_crl_reason, e, 0, 0));
		assert_true(X509_CRL_add0_revoked(crl, rv));
		ASN1_ENUMERATED_free(e);
		ASN1_TIME_free(at);
	}
	assert_true(X509_CRL_set_version(crl, 1));
	assert_true(X509_CRL_set_issuer_name(crl, X509_get_subject_name(ca)));
	ASN1_TIME *t = X509_gmtime_adj(NULL, -60), *next = X509_gmtime_adj(NULL, 3600);
	assert_true(t && next && X509_CRL_set1_lastUpdate(crl, t) && X509_CRL_set1_nextUpdate(crl, next));
	ASN1_TIME_free(t);
	ASN1_TIME_free(next);
	assert_true(X509_CRL_sort(crl));
	assert_true(X509_CRL_sign(crl, key, EVP_sha256()) > 0);
	*mem = BIO_new(BIO_s_mem());
	assert_true(*mem && PEM_write_bio_X509_CRL(*mem, crl));
	X509_CRL_free(crl);
	char *pem = NULL;
	*len = BIO_get_mem_data(*mem, &pem);
	assert_true(*len > 0);
	return pem;
}

static nl_pki_cert *ca_cert(void)
{
	unsigned char *der = NULL;
	int der_len = i2d_X509(ca, &der);
	assert_true(der_len > 0);
	nl_pki_cert *c = NULL;
	assert_int_equal(nl_pki_cert_parse(der, (size_t)der_len, &c), NL_OK);
	OPENSSL_free(der);
	return c;
}

/* A CRL whose length does not fit an int is refused; with its true length it
 * is read and the certificate is not on it. */
static void test_crl_status_past_int(void **state)
{
	BIO *mem = NULL;
	long pem_len = 0;
	char *pem = crl_pem(-1, &pem_len, &mem);
	nl_pki_cert *issuer = ca_cert();

	bool listed = true;
	int reason = -1;
	int64_t now = (int64_t)time(NULL);
	assert_int_equal(nl_pki_crl_status(pem, PAST_INT(pem_len), issuer, issuer, now, &listed, &reason),
	                 NL_ERR_TOO_LARGE);
	assert_int_equal(nl_pki_crl_status(pem, (size_t)pem_len, issuer, issuer, now, &listed, &reason),
	                 NL_OK);
	assert_false(listed);

	nl_pki_cert_free(issuer);
	BIO_free(mem);
}

/* A CRL reason is an ENUMERATED of any size; only 0..10 are reasons. 2^32 + 6
 * must not read as 6 (certificateHold: a suspension, not a revocation). */
static void test_crl_reason_past_int(void **state)
{
	nl_pki_cert *issuer = ca_cert();
	int64_t now = (int64_t)time(NULL);
	const long cases[][2] = {{6, 6}, {1, 1}, {(1L << 32) + 6, -1}, {11, -1}};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		BIO *mem = NULL;
		long pem_len = 0;
		char *pem = crl_pem(cases[i][0], &pem_len, &mem);
		bool listed = false;
		int reason = -2;
		assert_int_equal(nl_pki_crl_status(pem, (size_t)pem_len, issuer, issuer, now, &listed, &reason),
		                 NL_OK);
		assert_true(listed);
		assert_int_equal(reason, cases[i][1]);
		BIO_free(mem);
	}
	nl_pki_cert_free(issuer);
}

int main(void)
{
	cmocka_set_message_output(CM_OUTPUT_TAP);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ext_der_past_int),
		cmocka_unit_test(test_crl_status_past_int),
		cmocka_unit_test(test_crl_reason_past_int),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
