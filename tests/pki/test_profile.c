/* The Turkish qualified profile against Kamu SM's own certificates
 * (tests/pki/reference, test persons; provenance in its README.md):
 *  - BTK's statement and the policy's user notice are byte for byte theirs;
 *  - the [ca] keys (policy, CPS, notice, serialNumber form) shape the
 *    certificate, and a CA refuses to issue with a placeholder policy or a
 *    private base URL outside demo mode;
 *  - the code that reads a certificate's person ID and qualified status
 *    (nl_pki_cert_describe, nl_esign_serial_matches) reads theirs.
 * Usage: test_profile REFERENCE_DIR */
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
#include <openssl/ocsp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "app/esign_verify.h"
#include "pki/ca_store.h"
#include "pki/crl.h"
#include "pki/ocsp.h"
#include "pki/der.h"
#include "pki/esign.h"
#include "pki/pki.h"
#include "pki/pki_internal.h"

static const char *refdir, *webdir;

static X509 *load_ref(const char *name)
{
	char path[600];
	snprintf(path, sizeof path, "%s/%s", refdir, name);
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	X509 *x = PEM_read_X509(f, NULL, NULL, NULL);
	fclose(f);
	assert_non_null(x);
	return x;
}

/* The DER value (inside the OCTET STRING) of an extension. */
static const ASN1_OCTET_STRING *ext_value(X509 *x, int nid)
{
	int i = X509_get_ext_by_NID(x, nid, -1);
	assert_true(i >= 0);
	return X509_EXTENSION_get_data(X509_get_ext(x, i));
}

static void btk_statement_is_kamusm(void **s)
{
	(void)s;
	nl_buf ours = NL_BUF_INIT;
	assert_int_equal(nl_pki_btk_statement_der(&ours), NL_OK);
	/* both NES of Kamu SM (NES6 P-384 and Sürüm 3) carry exactly these bytes */
	const char *names[] = {"nes6-testbirkullanici.pem", "nes6-testbir.pem", "kamusm-s3-testkullanicibir.pem"};
	for (size_t i = 0; i < 3; i++) {
		X509 *x = load_ref(names[i]);
		const ASN1_OCTET_STRING *qc = ext_value(x, NID_qcStatements);
		assert_non_null(memmem(qc->data, (size_t)qc->length, ours.data, ours.len));
		X509_free(x);
	}
	/* and the whole qcStatements of ours holds it once */
	struct nl_pki_urls u;
	nl_buf store = NL_BUF_INIT, all = NL_BUF_INIT;
	nl_pki_urls_default(&u, "http://ca.example.com.tr", &store);
	assert_int_equal(nl_pki_qcstatements_der(&u, &all), NL_OK);
	const char *hit = memmem(all.data, all.len, ours.data, ours.len);
	assert_non_null(hit);
	assert_null(memmem(hit + 1, all.len - (size_t)(hit + 1 - all.data), ours.data, ours.len));
	nl_buf_free(&ours); nl_buf_free(&store); nl_buf_free(&all);
}

/* Kamu SM's PolicyInformation (policy, CPS, user notice) is what ours makes
 * from the same three values. */
static void policy_with_notice_is_kamusm(void **s)
{
	(void)s;
	X509 *x = load_ref("nes6-testbirkullanici.pem");
	const ASN1_OCTET_STRING *cp = ext_value(x, NID_certificate_policies);
	/* certificatePolicies ::= SEQUENCE { PolicyInformation }: skip the outer header */
	const unsigned char *p = cp->data;
	long len;
	int tag, cls;
	assert_int_equal(ASN1_get_object(&p, &len, &tag, &cls, cp->length) & 0x80, 0);
	size_t pi_len = (size_t)(cp->data + cp->length - p);
	nl_buf ours = NL_BUF_INIT;
	assert_int_equal(nl_pki_policies_der("2.16.792.1.2.1.1.5.7.1.1", "http://depo.kamusm.gov.tr/ilke/ksm_nes_sue",
	                                     NL_CA_BTK_NES_TEXT, &ours), NL_OK);
	assert_non_null(memmem(ours.data, ours.len, p, pi_len));
	/* several policies: the qualifiers go with the first only */
	nl_buf two = NL_BUF_INIT;
	assert_int_equal(nl_pki_policies_der("2.16.792.1.2.1.1.5.7.1.1 1.3.6.1.4.1.99999.1",
	                                     "http://depo.kamusm.gov.tr/ilke/ksm_nes_sue", NL_CA_BTK_NES_TEXT, &two),
	                 NL_OK);
	assert_non_null(memmem(two.data, two.len, p, pi_len));
	const unsigned char *q = (const unsigned char *)two.data;
	CERTIFICATEPOLICIES *pol = d2i_CERTIFICATEPOLICIES(NULL, &q, (long)two.len);
	assert_non_null(pol);
	assert_int_equal(sk_POLICYINFO_num(pol), 3);   /* ours, ours, QCP-n-qscd */
	assert_null(sk_POLICYINFO_value(pol, 1)->qualifiers);
	CERTIFICATEPOLICIES_free(pol);
	/* no policy at all is refused */
	nl_buf none = NL_BUF_INIT;
	assert_int_equal(nl_pki_policies_der("", NULL, NULL, &none), NL_ERR_INVALID);
	nl_buf_free(&ours); nl_buf_free(&two); nl_buf_free(&none);
	X509_free(x);
}

/* ---- a CA in memory, configured from [ca] ---- */
static nl_pki_cert *issuer;
static nl_pki_key *issuer_key;

static int setup(void **state)
{
	(void)state;
	char keyfile[64];
	nl_pki_key *k = NULL;
	nl_buf der = NL_BUF_INIT;
	snprintf(keyfile, sizeof keyfile, "file:/tmp/nl-profile-%d.key", (int)getpid());
	if (nl_pki_key_generate(keyfile, NL_KEY_P384) || nl_pki_key_open(keyfile, &k)) return -1;
	struct nl_ca_names names = {"Test", "Test Root", "Test Issuing", "Test OCSP"};
	nl_err rc = nl_pki_root_cert(k, &names, time(NULL), &der);
	if (!rc) rc = nl_pki_cert_parse(der.data, der.len, &issuer);
	issuer_key = k;
	unlink(keyfile + 5);
	nl_buf_free(&der);
	return rc ? -1 : 0;
}

static int teardown(void **state)
{
	(void)state;
	nl_pki_cert_free(issuer);
	nl_pki_key_free(issuer_key);
	return 0;
}

static struct nl_ca *fake_ca(const char *base)
{
	struct nl_ca *ca = calloc(1, sizeof *ca);
	assert_non_null(ca);
	snprintf(ca->conf.base_url, sizeof ca->conf.base_url, "%s", base);
	nl_pki_urls_default(&ca->urls, base, &ca->url_store);
	return ca;
}

static void conf(struct nl_config *c, bool demo, const char *text)
{
	char err[200];
	nl_config_defaults(c, webdir);   /* the sample CPS and PDS */
	c->demo = demo;
	assert_int_equal(nl_config_parse(c, text, strlen(text), err, sizeof err), NL_OK);
}

static void refusals_outside_demo(void **s)
{
	(void)s;
	struct nl_config c;
	char err[300];
	struct nl_ca *ca = fake_ca("http://ca.example.com.tr");
	conf(&c, false, "");
	assert_int_equal(nl_ca_configure(ca, &c, err, sizeof err), NL_ERR_CONFIG);
	assert_non_null(strstr(ca->issue_refusal, "ca.policy_oids: no certificate policy configured"));
	conf(&c, false, "[ca]\npolicy_oids = 2.16.792.1.61.0.1.5070.99.1\n");
	assert_int_equal(nl_ca_configure(ca, &c, err, sizeof err), NL_ERR_CONFIG);
	assert_non_null(strstr(err, "demo placeholder"));
	conf(&c, false, "[ca]\npolicy_oids = 1.3.6.1.4.1.99999.1.1\ncps_file = /nonexistent/cps.pdf\n");
	assert_int_equal(nl_ca_configure(ca, &c, err, sizeof err), NL_ERR_CONFIG);
	assert_non_null(strstr(err, "ca.cps_file: /nonexistent/cps.pdf cannot be read"));
	/* served elsewhere: no file needed */
	conf(&c, false, "[ca]\npolicy_oids = 1.3.6.1.4.1.99999.1.1\ncps_file = /nonexistent/cps.pdf\n"
	                "cps_url = https://depo.example.com.tr/cps.pdf\n");
	assert_int_equal(nl_ca_configure(ca, &c, err, sizeof err), NL_OK);
	assert_string_equal(ca->urls.cps, "https://depo.example.com.tr/cps.pdf");
	conf(&c, false, "[ca]\npolicy_oids = 1.3.6.1.4.1.99999.1.1\n");
	assert_int_equal(nl_ca_configure(ca, &c, err, sizeof err), NL_OK);
	assert_string_equal(ca->issue_refusal, "");
	assert_string_equal(ca->urls.cps, "http://ca.example.com.tr/cps");
	assert_string_equal(ca->urls.pds_tr, "https://ca.example.com.tr/pds/tr");
	assert_string_equal(ca->urls.policy_oid, "1.3.6.1.4.1.99999.1.1");
	/* demo: the placeholder is the default */
	conf(&c, true, "");
	assert_int_equal(nl_ca_configure(ca, &c, err, sizeof err), NL_OK);
	assert_string_equal(ca->urls.policy_oid, NL_OID_DEMO_POLICY);
	nl_ca_free(ca);
	/* a base URL nobody outside can reach */
	const char *priv[] = {"http://127.0.0.1:8080", "http://localhost", "http://10.1.2.3", "http://192.168.1.1",
	                      "http://172.20.0.1", "http://[::1]:80", "http://ca", "http://ca.local", "http://169.254.1.1",
	                      "http://[fd00::1]"};
	for (size_t i = 0; i < sizeof priv / sizeof priv[0]; i++) {
		ca = fake_ca(priv[i]);
		conf(&c, false, "[ca]\npolicy_oids = 1.3.6.1.4.1.99999.1.1\n");
		assert_int_equal(nl_ca_configure(ca, &c, err, sizeof err), NL_ERR_CONFIG);
		assert_non_null(strstr(err, "loopback or private"));
		conf(&c, true, "[ca]\npolicy_oids = 1.3.6.1.4.1.99999.1.1\n");
		assert_int_equal(nl_ca_configure(ca, &c, err, sizeof err), NL_OK);   /* demo */
		nl_ca_free(ca);
	}
	assert_false(nl_ca_url_is_private("http://ca.kamusm.gov.tr/x"));
	assert_false(nl_ca_url_is_private("https://193.140.1.1:443/"));
}

static void make_cert(const struct nl_pki_urls *u, const struct nl_holder *h, nl_buf *out)
{
	EVP_PKEY *ee = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	unsigned char *spki = NULL;
	int n = i2d_PUBKEY(ee, &spki);
	int64_t now = time(NULL);
	struct nl_person_cert_req r = {.person = *h, .spki = spki, .spki_len = (size_t)n,
	                               .not_before = now, .not_after = now + 86400, .urls = u};
	nl_pki_serial_random(r.serial);
	assert_int_equal(nl_pki_person_tbs(&r, issuer, out), NL_OK);
	OPENSSL_free(spki);
	EVP_PKEY_free(ee);
}

static void configured_profile(void **s)
{
	(void)s;
	struct nl_config c;
	char err[300];
	struct nl_lint lint;
	struct nl_holder h = {.given_name = "Ayşe", .surname = "Yılmaz", .tckn = "10000000146"};
	struct nl_holder pas = {.given_name = "John", .surname = "Smith", .passport_country = "DE",
	                        .passport_no = "C01X00T47"};
	const char *forms[] = {"tr", "etsi"};
	for (int f = 0; f < 2; f++) {
		char text[400];
		snprintf(text, sizeof text, "[ca]\npolicy_oids = 1.3.6.1.4.1.99999.1.1\ncps_url = https://ca.example.com.tr/ilke\n"
		         "user_notice = Bu sertifika bir deneme.\nserial_number_form = %s\n", forms[f]);
		struct nl_ca *ca = fake_ca("http://ca.example.com.tr");
		conf(&c, false, text);
		assert_int_equal(nl_ca_configure(ca, &c, err, sizeof err), NL_OK);
		for (int who = 0; who < 2; who++) {
			nl_buf der = NL_BUF_INIT;
			make_cert(&ca->urls, who ? &pas : &h, &der);
			if (nl_pki_lint(der.data, der.len, issuer, NL_LINT_PERSON, &lint) != NL_OK)
				for (int i = 0; i < lint.count; i++) fprintf(stderr, "# %s\n", lint.failure[i]);
			assert_int_equal(lint.count, 0);
			nl_pki_cert *pc = NULL;
			assert_int_equal(nl_pki_cert_parse(der.data, der.len, &pc), NL_OK);
			struct nl_card_cert d;
			nl_pki_cert_describe(pc, &d);
			if (who) assert_string_equal(d.serial_attr, "PASDE-C01X00T47");
			else assert_string_equal(d.serial_attr, f ? "PNOTR-10000000146" : "10000000146");
			assert_true(d.qualified);
			assert_true(nl_esign_serial_matches(d.serial_attr, who ? "C01X00T47" : "10000000146"));
			/* the semantics identifier goes with the ETSI form only */
			const unsigned char natural[] = {0x06, 0x07, 0x04, 0x00, 0x8b, 0xec, 0x49, 0x01, 0x01};
			const ASN1_OCTET_STRING *qc = ext_value(pc->x, NID_qcStatements);
			bool has = memmem(qc->data, (size_t)qc->length, natural, sizeof natural) != NULL;
			assert_int_equal(has, f == 1 || who == 1);
			const ASN1_OCTET_STRING *cp = ext_value(pc->x, NID_certificate_policies);
			assert_non_null(memmem(cp->data, (size_t)cp->length, "https://ca.example.com.tr/ilke", 30));
			assert_non_null(memmem(cp->data, (size_t)cp->length, "Bu sertifika bir deneme.", 24));
			nl_pki_cert_free(pc);
			nl_buf_free(&der);
		}
		nl_ca_free(ca);
	}
}

/* The readers of certificates (E-İmzalı Giriş, e-İmza approval, e-Onay,
 * unlock, the card listing) read Kamu SM's bare numbers and the EU's forms. */
static void reference_certs_are_read(void **s)
{
	(void)s;
	struct { const char *file, *attr, *id; bool qualified; } want[] = {
		{"nes6-testbirkullanici.pem", "11111111101", "11111111101", true},
		{"nes6-testbir.pem", "11111111110", "11111111110", true},
		{"kamusm-s3-testkullanicibir.pem", "10000000111", "10000000111", true},
		{"kamusm-test-testuckullanici.pem", "12345678910", "12345678910", true},
		{"ee-sk-test-esteidsk2015-sign.pem", "60001013739", "60001013739", true},
	};
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
		X509 *x = load_ref(want[i].file);
		unsigned char *der = NULL;
		int n = i2d_X509(x, &der);
		nl_pki_cert *c = NULL;
		assert_int_equal(nl_pki_cert_parse(der, (size_t)n, &c), NL_OK);
		struct nl_card_cert d;
		nl_pki_cert_describe(c, &d);
		assert_string_equal(d.serial_attr, want[i].attr);
		assert_int_equal(d.qualified, want[i].qualified);
		assert_true(nl_esign_serial_matches(d.serial_attr, want[i].id));
		assert_false(nl_esign_serial_matches(d.serial_attr, "10000000146"));
		nl_pki_cert_free(c);
		OPENSSL_free(der);
		X509_free(x);
	}
	/* the ETSI forms name the same person */
	assert_true(nl_esign_serial_matches("PNOTR-11111111101", "11111111101"));
	assert_true(nl_esign_serial_matches("PASDE-C01X00T47", "C01X00T47"));
	assert_false(nl_esign_serial_matches("PNOTR-11111111101", "PNOTR-1111111110"));
}

/* OCSP and the CRL say the same about a revocation: the reasonCode one to
 * one, and none at all for unspecified (RFC 5280 5.3.1). */
static int ocsp_reason(int stored)
{
	struct nl_ocsp_status st = {.status = NL_OCSP_REVOKED, .reason = (uint8_t)stored,
	                            .revoked_at = time(NULL) - 10, .this_update = time(NULL),
	                            .next_update = time(NULL) + 3600, .serial_hex = "0123456789ABCDEF"};
	nl_buf der = NL_BUF_INIT;
	assert_int_equal(nl_pki_ocsp_sign_status(issuer_key, issuer, issuer, &st, &der), NL_OK);
	const unsigned char *p = (const unsigned char *)der.data;
	OCSP_RESPONSE *resp = d2i_OCSP_RESPONSE(NULL, &p, (long)der.len);
	OCSP_BASICRESP *bs = resp ? OCSP_response_get1_basic(resp) : NULL;
	assert_non_null(bs);
	int reason = -2;
	assert_int_equal(OCSP_single_get0_status(OCSP_resp_get0(bs, 0), &reason, NULL, NULL, NULL),
	                 V_OCSP_CERTSTATUS_REVOKED);
	OCSP_BASICRESP_free(bs);
	OCSP_RESPONSE_free(resp);
	nl_buf_free(&der);
	return reason;
}

static int crl_reason(int stored)
{
	uint8_t serial[8] = {1, 2, 3, 4, 5, 6, 7, 8};
	struct nl_revoked r = {serial, sizeof serial, time(NULL) - 10, stored};
	nl_buf tbs = NL_BUF_INIT, der = NL_BUF_INIT;
	assert_int_equal(nl_pki_crl_tbs(issuer, &r, 1, 1, time(NULL), time(NULL) + 3600, &tbs), NL_OK);
	assert_int_equal(nl_pki_sign_crl(issuer_key, tbs.data, tbs.len, &der), NL_OK);
	const unsigned char *p = (const unsigned char *)der.data;
	X509_CRL *crl = d2i_X509_CRL(NULL, &p, (long)der.len);
	assert_non_null(crl);
	X509_REVOKED *rev = sk_X509_REVOKED_value(X509_CRL_get_REVOKED(crl), 0);
	ASN1_ENUMERATED *e = X509_REVOKED_get_ext_d2i(rev, NID_crl_reason, NULL, NULL);
	int reason = e ? (int)ASN1_ENUMERATED_get(e) : -1;
	ASN1_ENUMERATED_free(e);
	X509_CRL_free(crl);
	nl_buf_free(&tbs); nl_buf_free(&der);
	return reason;
}

static void ocsp_and_crl_agree(void **s)
{
	(void)s;
	assert_int_equal(ocsp_reason(NL_REASON_UNSPECIFIED), -1);   /* no revocationReason */
	assert_int_equal(crl_reason(NL_REASON_UNSPECIFIED), -1);
	for (int code = 1; code <= 10; code++) {
		if (code == 7) continue;
		assert_int_equal(ocsp_reason(code), code);
		assert_int_equal(crl_reason(code), code);
	}
}

/* The one validity rule (CLI and production): whole years - 1 s. */
static void validity_rule(void **s)
{
	(void)s;
	/* 2026-12-07 15:00:00 UTC */
	assert_int_equal(nl_pki_validity_end(1796655600, 1), 1796655600 + 365 * 86400 - 1);
	assert_int_equal(nl_pki_validity_end(1796655600, 2), 1796655600 + (365 + 366) * 86400 - 1);
	assert_int_equal(nl_pki_validity_end(1796655600, 3), 1796655600 + (365 + 366 + 365) * 86400 - 1);
	/* 2024-02-29 10:00:00 + 1 year: 2025-03-01 09:59:59 */
	assert_int_equal(nl_pki_validity_end(1709200800, 1), 1740823200 - 1);
	assert_int_equal(nl_pki_validity_end(1796655600, 0), 0);
	assert_int_equal(nl_pki_validity_end(1796655600, 4), 0);
}

int main(int argc, char **argv)
{
	refdir = argc > 1 ? argv[1] : "tests/pki/reference";
	webdir = argc > 2 ? argv[2] : "web";
	cmocka_set_message_output(CM_OUTPUT_TAP);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(btk_statement_is_kamusm),
		cmocka_unit_test(policy_with_notice_is_kamusm),
		cmocka_unit_test(refusals_outside_demo),
		cmocka_unit_test(configured_profile),
		cmocka_unit_test(reference_certs_are_read),
		cmocka_unit_test(validity_rule),
		cmocka_unit_test(ocsp_and_crl_agree),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
