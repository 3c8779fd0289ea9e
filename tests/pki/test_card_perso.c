/* Card personalisation through PKCS#11 (src/pki/card_perso.c) on SoftHSM2
 * tokens in a temporary folder: a blank card initialised with a PIN and a
 * PUK (never twice under one label), P-256 and RSA 2048 key pairs generated on
 * it (their public halves as SubjectPublicKeyInfo), the wrong PIN refused, a
 * certificate written and read back byte for byte, and then the card checked:
 * the private key signs only, sensitive and not extractable, the public key
 * verifies only, and key and certificate carry CKA_ID, CKA_LABEL, CKA_SUBJECT
 * (the certificate CKA_ISSUER and CKA_SERIAL_NUMBER too).
 *
 * usage: test_card_perso CERT_DER (a DER certificate, or a fuzz seed of one) */
#include <ctype.h>
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
#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "pki/card_perso.h"
#include "pki/pki.h"

#define MODULE "/usr/lib/softhsm/libsofthsm2.so"

static const char *cert_path;
static char dir[64];

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof dir, "/tmp/nl-card-XXXXXX");
	if (!mkdtemp(dir)) return -1;
	/* as nl_app_open does at start-up, before any thread */
	if (nl_card_perso_softhsm_env(dir) != NL_OK) return -1;
	return nl_card_perso_softhsm_setup(dir) == NL_OK ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* A qualified person certificate for spki, signed by a throw-away root. */
static void issue_for(const nl_buf *spki, nl_buf *der)
{
	char keyfile[64];
	nl_pki_key *k = NULL;
	nl_pki_cert *root = NULL;
	nl_buf rder = NL_BUF_INIT, tbs = NL_BUF_INIT, store = NL_BUF_INIT;
	struct nl_ca_names names = {"Test", "Test Root", "Test Issuing", "Test OCSP"};
	struct nl_pki_urls u;
	snprintf(keyfile, sizeof keyfile, "file:/tmp/nl-card-perso-%d.key", (int)getpid());
	assert_int_equal(nl_pki_key_generate(keyfile, NL_KEY_P256), NL_OK);
	assert_int_equal(nl_pki_key_open(keyfile, &k), NL_OK);
	unlink(keyfile + 5);
	assert_int_equal(nl_pki_root_cert(k, &names, (int64_t)time(NULL), &rder), NL_OK);
	assert_int_equal(nl_pki_cert_parse(rder.data, rder.len, &root), NL_OK);
	nl_pki_urls_default(&u, "http://ca.example", &store);
	struct nl_person_cert_req r = {
		.person = {.given_name = "AYŞE", .surname = "YILMAZ", .tckn = "10000000146"},
		.spki = (const uint8_t *)spki->data, .spki_len = spki->len,
		.not_before = (int64_t)time(NULL), .not_after = (int64_t)time(NULL) + 86400, .urls = &u,
	};
	nl_pki_serial_random(r.serial);
	assert_int_equal(nl_pki_person_tbs(&r, root, &tbs), NL_OK);
	assert_int_equal(nl_pki_sign_cert(k, tbs.data, tbs.len, der), NL_OK);
	nl_pki_cert_free(root);
	nl_pki_key_free(k);
	nl_buf_free(&rder); nl_buf_free(&tbs); nl_buf_free(&store);
}

static EVP_PKEY *parse_spki(const nl_buf *spki)
{
	const unsigned char *p = (const unsigned char *)spki->data;
	return d2i_PUBKEY(NULL, &p, (long)spki->len);
}

/* The environment is set at start-up only (issue 11): a card operation, run
 * by nitelikd on a worker or request thread, leaves SOFTHSM2_CONF as it is
 * (it used to set it before every module load, racing every getenv of the
 * process), and a card folder the process did not name at start is refused
 * rather than pointed at. */
static void test_environment_set_at_start_only(void **state)
{
	(void)state;
	char same[128], want[128];
	snprintf(want, sizeof want, "%s/softhsm2.conf", dir);
	assert_string_equal(getenv("SOFTHSM2_CONF"), want);
	/* the same file by another spelling: a setenv by a card call would show */
	snprintf(same, sizeof same, "%s/./softhsm2.conf", dir);
	assert_int_equal(setenv("SOFTHSM2_CONF", same, 1), 0);
	assert_int_equal(nl_card_perso_init(MODULE, "KART-ENV", "123456", "12345678"), NL_OK);
	assert_int_equal(nl_card_perso_wipe(MODULE, "KART-ENV", "123456", NULL), NL_OK);
	assert_string_equal(getenv("SOFTHSM2_CONF"), same);
	assert_int_equal(nl_card_perso_softhsm_setup("/tmp/nl-card-not-named"), NL_ERR_CONFIG);
	assert_string_equal(getenv("SOFTHSM2_CONF"), same);
	assert_int_equal(nl_card_perso_softhsm_setup(dir), NL_OK);
	assert_int_equal(setenv("SOFTHSM2_CONF", want, 1), 0);
}

static void test_init_once(void **state)
{
	(void)state;
	assert_int_equal(nl_card_perso_init(MODULE, "KART-1", "123456", "12345678"), NL_OK);
	assert_int_equal(nl_card_perso_init(MODULE, "KART-1", "654321", "87654321"), NL_ERR_CONFLICT);
	assert_int_equal(nl_card_perso_init("/nonexistent/module.so", "KART-X", "1234", "12345678"),
	                 NL_ERR_CONFIG);
}

static void test_keys_on_card(void **state)
{
	(void)state;
	uint8_t id1[NL_CARD_ID_LEN], id2[NL_CARD_ID_LEN];
	nl_buf a = NL_BUF_INIT, b = NL_BUF_INIT;
	assert_int_equal(nl_card_perso_init(MODULE, "KART-2", "111111", "22222222"), NL_OK);
	assert_int_equal(nl_card_perso_keygen(MODULE, "KART-2", "999999", "imza", NL_CARD_KEY_P256,
	                                      id1, &a), NL_ERR_UNAUTHORIZED);
	assert_int_equal(nl_card_perso_keygen(MODULE, "KART-2", "111111", "imza", NL_CARD_KEY_P256,
	                                      id1, &a), NL_OK);
	EVP_PKEY *k = parse_spki(&a);
	assert_non_null(k);
	assert_int_equal(EVP_PKEY_get_base_id(k), EVP_PKEY_EC);
	assert_int_equal(EVP_PKEY_get_bits(k), 256);
	EVP_PKEY_free(k);
	assert_int_equal(nl_card_perso_keygen(MODULE, "KART-2", "111111", "yedek", NL_CARD_KEY_RSA2048,
	                                      id2, &b), NL_OK);
	k = parse_spki(&b);
	assert_non_null(k);
	assert_int_equal(EVP_PKEY_get_base_id(k), EVP_PKEY_RSA);
	assert_int_equal(EVP_PKEY_get_bits(k), 2048);
	EVP_PKEY_free(k);
	assert_memory_not_equal(id1, id2, NL_CARD_ID_LEN);
	assert_int_equal(nl_card_perso_keygen(MODULE, "NO-SUCH-CARD", "111111", "imza",
	                                      NL_CARD_KEY_P256, id1, &a), NL_ERR_NOT_FOUND);
	nl_buf_free(&a);
	nl_buf_free(&b);
}

static void test_certificate_round_trip(void **state)
{
	(void)state;
	FILE *f = fopen(cert_path, "rb");
	assert_non_null(f);
	static unsigned char der[16384];
	size_t n = fread(der, 1, sizeof der, f);
	fclose(f);
	assert_true(n > 100);
	/* A fuzz seed starts with its target's selector byte: skip to the DER. */
	unsigned char *cert = der;
	if (cert[0] != 0x30) {
		cert++;
		n--;
	}
	uint8_t id[NL_CARD_ID_LEN];
	nl_buf spki = NL_BUF_INIT, back = NL_BUF_INIT;
	assert_int_equal(nl_card_perso_init(MODULE, "KART-3", "333333", "44444444"), NL_OK);
	assert_int_equal(nl_card_perso_keygen(MODULE, "KART-3", "333333", "imza", NL_CARD_KEY_P256,
	                                      id, &spki), NL_OK);
	assert_int_equal(nl_card_perso_read_cert(MODULE, "KART-3", "imza", &back), NL_ERR_NOT_FOUND);
	assert_int_equal(nl_card_perso_write_cert(MODULE, "KART-3", "000000", "imza", id, cert, n),
	                 NL_ERR_UNAUTHORIZED);
	assert_int_equal(nl_card_perso_write_cert(MODULE, "KART-3", "333333", "imza", id, "junk", 4),
	                 NL_ERR_INVALID);
	assert_int_equal(nl_card_perso_write_cert(MODULE, "KART-3", "333333", "imza", id, cert, n),
	                 NL_OK);
	assert_int_equal(nl_card_perso_read_cert(MODULE, "KART-3", "imza", &back), NL_OK);
	assert_int_equal(back.len, n);
	assert_memory_equal(back.data, cert, n);
	/* Every standard attribute is on the card (issue 13): pkcs11-tool shows
	 * the certificate's subject, its serial (CKA_SERIAL_NUMBER) and its ID. */
	const unsigned char *q = cert;
	X509 *x = d2i_X509(NULL, &q, (long)n);
	assert_non_null(x);
	BIGNUM *bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(x), NULL);
	char *hex = BN_bn2hex(bn), want[160], cmd[512], out[4096];
	snprintf(want, sizeof want, "serial:     %s", hex);
	for (char *c = want; *c; c++) *c = (char)tolower((unsigned char)*c);
	OPENSSL_free(hex);
	BN_free(bn);
	X509_free(x);
	snprintf(cmd, sizeof cmd, "SOFTHSM2_CONF='%s/softhsm2.conf' pkcs11-tool --module %s "
	         "--token-label KART-3 --list-objects --type cert 2>&1", dir, MODULE);
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	size_t got = fread(out, 1, sizeof out - 1, p);
	out[got] = '\0';
	pclose(p);
	for (char *c = out; *c; c++) *c = (char)tolower((unsigned char)*c);
	assert_non_null(strstr(out, "subject:"));
	assert_non_null(strstr(out, want));
	assert_non_null(strstr(out, "id:"));
	/* That certificate (a corpus one) certifies another key than the one
	 * beside it: the check says so. */
	nl_buf problems = NL_BUF_INIT;
	assert_int_equal(nl_card_perso_check(MODULE, "KART-3", "333333", id, &problems), NL_ERR_INVALID);
	assert_non_null(strstr(problems.data, "certificate: does not certify the public key with this CKA_ID"));
	/* A second key with its own certificate: keys do one thing, every object
	 * carries the standard attributes, the certificate certifies its key. */
	uint8_t id2[NL_CARD_ID_LEN];
	nl_buf spki2 = NL_BUF_INIT, cert2 = NL_BUF_INIT;
	assert_int_equal(nl_card_perso_keygen(MODULE, "KART-3", "333333", "imza2", NL_CARD_KEY_P256,
	                                      id2, &spki2), NL_OK);
	issue_for(&spki2, &cert2);
	assert_int_equal(nl_card_perso_write_cert(MODULE, "KART-3", "333333", "imza2", id2, cert2.data,
	                                          cert2.len), NL_OK);
	nl_buf_reset(&problems);
	nl_err crc = nl_card_perso_check(MODULE, "KART-3", "333333", id2, &problems);
	if (crc) fprintf(stderr, "# %s", problems.data ? problems.data : "");
	assert_int_equal(crc, NL_OK);
	nl_buf_free(&problems);
	nl_buf_free(&spki2);
	nl_buf_free(&cert2);
	/* A card that cannot be finished is emptied: key pair and certificate go. */
	size_t gone = 0;
	assert_int_equal(nl_card_perso_wipe(MODULE, "KART-3", "000000", &gone), NL_ERR_UNAUTHORIZED);
	assert_int_equal(nl_card_perso_wipe(MODULE, "KART-3", "333333", &gone), NL_OK);
	assert_int_equal(gone, 6);   /* twice: private key, public key, certificate */
	nl_buf_reset(&back);
	assert_int_equal(nl_card_perso_read_cert(MODULE, "KART-3", "imza", &back), NL_ERR_NOT_FOUND);
	assert_int_equal(nl_card_perso_wipe(MODULE, "KART-3", "333333", &gone), NL_OK);
	assert_int_equal(gone, 0);
	nl_buf_free(&spki);
	nl_buf_free(&back);
}

static void test_key_type_names(void **state)
{
	(void)state;
	assert_int_equal(nl_card_key_type_parse("p256"), NL_CARD_KEY_P256);
	assert_int_equal(nl_card_key_type_parse("rsa2048"), NL_CARD_KEY_RSA2048);
	assert_int_equal(nl_card_key_type_parse("rsa1024"), 0);
	assert_int_equal(nl_card_key_type_parse(NULL), 0);
}

int main(int argc, char **argv)
{
	cmocka_set_message_output(CM_OUTPUT_TAP);
	if (argc < 2) {
		fprintf(stderr, "usage: test_card_perso CERT_DER\n");
		return 2;
	}
	cert_path = argv[1];
	if (access(MODULE, R_OK) != 0) {
		printf("1..0 # SKIP %s not installed\n", MODULE);
		return 0;
	}
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_environment_set_at_start_only),
		cmocka_unit_test(test_init_once),
		cmocka_unit_test(test_keys_on_card),
		cmocka_unit_test(test_certificate_round_trip),
		cmocka_unit_test(test_key_type_names),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
