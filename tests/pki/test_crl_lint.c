/* Complete and delta CRLs as the pki layer builds them, and the signer's CRL
 * linter (pki/crl_lint.c) that judges every list before the issuing key signs
 * it: what it passes, what it refuses and why; nl_pki_crl_each reading a
 * stored CRL's entries back. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <openssl/x509v3.h>

#include "pki/crl.h"
#include "pki/der.h"
#include "pki/pki.h"
#include "pki/pki_internal.h"

static nl_pki_cert *issuer, *other;
static nl_pki_key *issuer_key;

static int setup(void **state)
{
	(void)state;
	char keyfile[64];
	nl_pki_key *k2 = NULL;
	nl_buf der = NL_BUF_INIT;
	struct nl_ca_names names = {"Test", "Test Root", "Test Issuing", "Test OCSP"};
	struct nl_ca_names names2 = {"Other", "Other Root", "Other Issuing", "Other OCSP"};
	snprintf(keyfile, sizeof keyfile, "file:/tmp/nl-crl-lint-%d.key", (int)getpid());
	if (nl_pki_key_generate(keyfile, NL_KEY_P384) || nl_pki_key_open(keyfile, &issuer_key)) return -1;
	unlink(keyfile + 5);
	if (nl_pki_key_generate(keyfile, NL_KEY_P256) || nl_pki_key_open(keyfile, &k2)) return -1;
	unlink(keyfile + 5);
	nl_err rc = nl_pki_root_cert(issuer_key, &names, time(NULL), &der);
	if (!rc) rc = nl_pki_cert_parse(der.data, der.len, &issuer);
	nl_buf_reset(&der);
	if (!rc) rc = nl_pki_root_cert(k2, &names2, time(NULL), &der);
	if (!rc) rc = nl_pki_cert_parse(der.data, der.len, &other);
	nl_pki_key_free(k2);
	nl_buf_free(&der);
	return rc ? -1 : 0;
}

static int teardown(void **state)
{
	(void)state;
	nl_pki_cert_free(issuer);
	nl_pki_cert_free(other);
	nl_pki_key_free(issuer_key);
	return 0;
}

static uint8_t s1[] = {0x11, 0x22, 0x33}, s2[] = {0x00, 0x80, 0x01}, s3[] = {0x7f};

static bool has_failure(const struct nl_lint *l, const char *part)
{
	for (int i = 0; i < l->count; i++)
		if (strstr(l->failure[i], part)) return true;
	return false;
}

static nl_err lint_of(const struct nl_revoked *r, size_t n, const struct nl_crl_opts *o, struct nl_lint *l,
                      bool *delta)
{
	nl_buf tbs = NL_BUF_INIT;
	assert_int_equal(nl_pki_crl_tbs_opts(issuer, r, n, o, &tbs), NL_OK);
	nl_err rc = nl_pki_crl_lint(tbs.data, tbs.len, issuer, l, delta);
	nl_buf_free(&tbs);
	return rc;
}

static void complete_crl_passes(void **s)
{
	(void)s;
	int64_t now = time(NULL);
	struct nl_revoked r[] = {{s1, sizeof s1, now - 100, NL_REASON_KEY_COMPROMISE},
	                         {s2, sizeof s2, now - 50, NL_REASON_HOLD}, {s3, sizeof s3, now - 10, 0}};
	struct nl_crl_opts o = {.number = 7, .this_update = now, .next_update = now + 3600,
	                        .freshest = "http://ca.example/repo/issuing-delta.crl"};
	struct nl_lint l;
	bool delta = true;
	assert_int_equal(lint_of(r, 3, &o, &l, &delta), NL_OK);
	assert_int_equal(l.count, 0);
	assert_false(delta);
	o.freshest = NULL;
	assert_int_equal(lint_of(NULL, 0, &o, &l, &delta), NL_OK);   /* empty list */
}

/* What a relying party reads from a delta CRL: OpenSSL sees the critical
 * deltaCRLIndicator with the base, and removeFromCRL on the entry. */
static void delta_crl_is_read_by_openssl(void **s)
{
	(void)s;
	int64_t now = time(NULL);
	struct nl_revoked r[] = {{s1, sizeof s1, now - 5, NL_REASON_REMOVE_FROM_CRL},
	                         {s3, sizeof s3, now - 5, NL_REASON_KEY_COMPROMISE}};
	struct nl_crl_opts o = {.number = 9, .this_update = now, .next_update = now + 3600, .base_number = 7};
	nl_buf tbs = NL_BUF_INIT, der = NL_BUF_INIT;
	struct nl_lint l;
	bool delta = false;
	assert_int_equal(nl_pki_crl_tbs_opts(issuer, r, 2, &o, &tbs), NL_OK);
	assert_int_equal(nl_pki_crl_lint(tbs.data, tbs.len, issuer, &l, &delta), NL_OK);
	assert_true(delta);
	assert_int_equal(nl_pki_sign_crl(issuer_key, tbs.data, tbs.len, &der), NL_OK);
	const unsigned char *p = (const unsigned char *)der.data;
	X509_CRL *crl = d2i_X509_CRL(NULL, &p, (long)der.len);
	assert_non_null(crl);
	assert_int_equal(X509_CRL_verify(crl, X509_get0_pubkey(issuer->x)), 1);
	int crit = -1;
	ASN1_INTEGER *base = X509_CRL_get_ext_d2i(crl, NID_delta_crl, &crit, NULL);
	assert_non_null(base);
	assert_int_equal(crit, 1);
	assert_int_equal(ASN1_INTEGER_get(base), 7);
	ASN1_INTEGER_free(base);
	ASN1_INTEGER *num = X509_CRL_get_ext_d2i(crl, NID_crl_number, NULL, NULL);
	assert_int_equal(ASN1_INTEGER_get(num), 9);
	ASN1_INTEGER_free(num);
	assert_int_equal(X509_CRL_get_ext_by_NID(crl, NID_freshest_crl, -1), -1);
	X509_REVOKED *rev = sk_X509_REVOKED_value(X509_CRL_get_REVOKED(crl), 0);
	ASN1_ENUMERATED *e = X509_REVOKED_get_ext_d2i(rev, NID_crl_reason, NULL, NULL);
	assert_int_equal(ASN1_ENUMERATED_get(e), NL_REASON_REMOVE_FROM_CRL);
	ASN1_ENUMERATED_free(e);
	X509_CRL_free(crl);
	nl_buf_free(&tbs);
	nl_buf_free(&der);
}

static void refusals(void **s)
{
	(void)s;
	int64_t now = time(NULL);
	struct nl_revoked rm = {s1, sizeof s1, now - 5, NL_REASON_REMOVE_FROM_CRL};
	struct nl_crl_opts o = {.number = 7, .this_update = now, .next_update = now + 3600};
	struct nl_lint l;
	nl_buf tbs = NL_BUF_INIT;
	/* removeFromCRL belongs in delta CRLs only (RFC 5280 5.3.1) */
	assert_int_equal(lint_of(&rm, 1, &o, &l, NULL), NL_ERR_INVALID);
	assert_true(has_failure(&l, "removeFromCRL only in a delta CRL"));
	/* a delta must name a base below its own number */
	o.base_number = 7;
	assert_int_equal(lint_of(NULL, 0, &o, &l, NULL), NL_ERR_INVALID);
	assert_true(has_failure(&l, "base below the CRL's own number"));
	o.base_number = 0;
	/* nextUpdate before thisUpdate */
	o.next_update = now - 1;
	assert_int_equal(lint_of(NULL, 0, &o, &l, NULL), NL_ERR_INVALID);
	assert_true(has_failure(&l, "nextUpdate is not after thisUpdate"));
	o.next_update = now + 3600;
	/* another CA's list */
	assert_int_equal(nl_pki_crl_tbs_opts(other, NULL, 0, &o, &tbs), NL_OK);
	assert_int_equal(nl_pki_crl_lint(tbs.data, tbs.len, issuer, &l, NULL), NL_ERR_INVALID);
	assert_true(has_failure(&l, "issuer is not this CA"));
	assert_true(has_failure(&l, "signature algorithm"));   /* P-256 against our P-384 */
	assert_true(has_failure(&l, "authorityKeyIdentifier"));
	/* bytes after the list, and garbage */
	nl_buf_reset(&tbs);
	assert_int_equal(nl_pki_crl_tbs_opts(issuer, NULL, 0, &o, &tbs), NL_OK);
	nl_buf_putc(&tbs, 0);
	assert_int_equal(nl_pki_crl_lint(tbs.data, tbs.len, issuer, &l, NULL), NL_ERR_INVALID);
	assert_int_equal(nl_pki_crl_lint("\x30\x03\x02\x01\x01", 5, issuer, &l, NULL), NL_ERR_INVALID);
	assert_int_equal(nl_pki_crl_lint("", 0, issuer, &l, NULL), NL_ERR_INVALID);
	nl_buf_free(&tbs);
}

/* A hand-made TBS with a non-critical deltaCRLIndicator and an unknown
 * extension: refused (the builder never makes these). */
static void refuses_what_the_builder_never_makes(void **s)
{
	(void)s;
	int64_t now = time(NULL);
	struct nl_crl_opts o = {.number = 9, .this_update = now, .next_update = now + 3600, .base_number = 7};
	nl_buf tbs = NL_BUF_INIT;
	struct nl_lint l;
	assert_int_equal(nl_pki_crl_tbs_opts(issuer, NULL, 0, &o, &tbs), NL_OK);
	/* the critical flag of deltaCRLIndicator: 06 03 55 1d 1b 01 01 ff */
	uint8_t *p = memmem(tbs.data, tbs.len, "\x06\x03\x55\x1d\x1b\x01\x01\xff", 8);
	assert_non_null(p);
	p[7] = 0x00;   /* critical FALSE spelled out: not DER, and not critical */
	assert_int_equal(nl_pki_crl_lint(tbs.data, tbs.len, issuer, &l, NULL), NL_ERR_INVALID);
	p[7] = 0xff;
	p[4] = 0x1c;   /* issuingDistributionPoint (2.5.29.28): not something we issue */
	assert_int_equal(nl_pki_crl_lint(tbs.data, tbs.len, issuer, &l, NULL), NL_ERR_INVALID);
	assert_true(has_failure(&l, "extension 2.5.29.28 is not allowed"));
	nl_buf_free(&tbs);
}

struct seen { int n; int reasons[4]; size_t lens[4]; };

static nl_err each(void *ctx, const uint8_t *serial, size_t len, int64_t at, int reason)
{
	struct seen *v = ctx;
	(void)serial; (void)at;
	if (v->n < 4) { v->reasons[v->n] = reason; v->lens[v->n] = len; }
	v->n++;
	return NL_OK;
}

static void stored_entries_read_back(void **s)
{
	(void)s;
	int64_t now = time(NULL);
	struct nl_revoked r[] = {{s1, sizeof s1, now - 100, NL_REASON_KEY_COMPROMISE},
	                         {s2, sizeof s2, now - 50, NL_REASON_HOLD}, {s3, sizeof s3, now - 10, 0}};
	nl_buf tbs = NL_BUF_INIT, der = NL_BUF_INIT;
	assert_int_equal(nl_pki_crl_tbs(issuer, r, 3, 4, now, now + 60, &tbs), NL_OK);
	assert_int_equal(nl_pki_sign_crl(issuer_key, tbs.data, tbs.len, &der), NL_OK);
	struct seen v = {0};
	assert_int_equal(nl_pki_crl_each(der.data, der.len, each, &v), NL_OK);
	assert_int_equal(v.n, 3);
	assert_int_equal(v.reasons[0], NL_REASON_KEY_COMPROMISE);
	assert_int_equal(v.reasons[1], NL_REASON_HOLD);
	assert_int_equal(v.reasons[2], 0);
	assert_int_equal(v.lens[1], 2);   /* 00 80 01 -> 80 01 */
	assert_int_equal(nl_pki_crl_each(der.data, 10, each, &v), NL_ERR_INVALID);
	nl_buf_free(&tbs);
	nl_buf_free(&der);
}

int main(void)
{
	cmocka_set_message_output(CM_OUTPUT_TAP);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(complete_crl_passes),
		cmocka_unit_test(delta_crl_is_read_by_openssl),
		cmocka_unit_test(refusals),
		cmocka_unit_test(refuses_what_the_builder_never_makes),
		cmocka_unit_test(stored_entries_read_back),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
