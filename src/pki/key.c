/* CA keys: a PEM file (demo mode only) or a key inside a PKCS#11 token (p11.c),
 * both seen as an EVP_PKEY that signs. Signing functions live here too. */
#include "pki/pki_internal.h"
#include "core/file.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

char *nl_pki_read_pin(const char *path)
{
	char line[256];
	char *pin = nl_read_line(path, line, sizeof line) == NL_OK && line[0] ? strdup(line) : NULL;
	OPENSSL_cleanse(line, sizeof line);
	return pin;
}

/* "pkcs11:<module>|<token>|<label>|<pin file>" split in place into four fields. */
static bool split_p11(char *s, char *f[4])
{
	for (int i = 0; i < 4; i++) {
		f[i] = s;
		s = i < 3 ? strchr(s, '|') : NULL;
		if (i < 3 && !s) return false;
		if (s) *s++ = '\0';
	}
	return *f[0] && *f[1] && *f[2] && *f[3];
}

nl_err nl_pki_key_secret_file(const char *ref, char *out, size_t size)
{
	const char *path = NULL;
	if (!strncmp(ref, "file:", 5)) path = ref + 5;
	else if (!strncmp(ref, "pkcs11:", 7)) {
		path = strrchr(ref, '|');
		if (path) path++;
	}
	if (!path || !*path || strlen(path) >= size) return NL_ERR_CONFIG;
	memcpy(out, path, strlen(path) + 1);
	return NL_OK;
}

nl_err nl_pki_key_open(const char *ref, nl_pki_key **out)
{
	nl_pki_key *k = calloc(1, sizeof *k);
	nl_err rc = NL_ERR_CONFIG;
	char *copy = NULL, *pin = NULL;
	if (!k) return NL_ERR_NOMEM;
	if (!strncmp(ref, "file:", 5)) {
		nl_buf pem = NL_BUF_INIT;
		if (nl_read_file(ref + 5, 1u << 20, &pem) != NL_OK) {
			if (pem.data) OPENSSL_cleanse(pem.data, pem.cap);
			nl_buf_free(&pem);
			rc = NL_ERR_IO;
			goto out;
		}
		BIO *bio = BIO_new_mem_buf(pem.data ? pem.data : "", (int)pem.len);
		k->pkey = bio ? PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL) : NULL;
		BIO_free(bio);
		if (pem.data) OPENSSL_cleanse(pem.data, pem.cap);   /* a private key */
		nl_buf_free(&pem);
		if (!k->pkey) { rc = NL_ERR_CRYPTO; goto out; }
	} else if (!strncmp(ref, "pkcs11:", 7)) {
		char *f[4];
		copy = strdup(ref + 7);
		if (!copy || !split_p11(copy, f)) goto out;
		pin = nl_pki_read_pin(f[3]);
		if (!pin) { rc = NL_ERR_IO; goto out; }
		if ((rc = nl_p11_open(f[0], f[1], f[2], pin, k))) goto out;
	} else {
		goto out;
	}
	k->type = nl_pki_pkey_type(k->pkey);
	rc = k->type ? NL_OK : NL_ERR_CONFIG;
out:
	if (pin) { OPENSSL_cleanse(pin, strlen(pin)); free(pin); }
	free(copy);
	ERR_clear_error();
	if (rc) nl_pki_key_free(k);
	else *out = k;
	return rc;
}

void nl_pki_key_free(nl_pki_key *k)
{
	if (!k) return;
	EVP_PKEY_free(k->pkey);
	k->pkey = NULL;
	nl_p11_close(k);
	free(k);
}

enum nl_key_type nl_pki_key_type(const nl_pki_key *k) { return k->type; }

nl_err nl_pki_key_spki(const nl_pki_key *k, nl_buf *spki)
{
	unsigned char *der = NULL;
	return nl_pki_i2d_append(spki, i2d_PUBKEY(k->pkey, &der), &der);
}

static EVP_PKEY *gen_pkey(enum nl_key_type t)
{
	switch (t) {
	case NL_KEY_P256: return EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	case NL_KEY_P384: return EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-384");
	case NL_KEY_RSA3072: return EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)3072);
	case NL_KEY_RSA4096: return EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)4096);
	}
	return NULL;
}

nl_err nl_pki_key_generate(const char *ref, enum nl_key_type t)
{
	if (!strncmp(ref, "pkcs11:", 7)) {
		char *copy = strdup(ref + 7), *f[4], *pin = NULL;
		nl_err rc = NL_ERR_CONFIG;
		if (copy && split_p11(copy, f)) {
			pin = nl_pki_read_pin(f[3]);
			rc = pin ? nl_p11_generate(f[0], f[1], f[2], pin, t) : NL_ERR_IO;
		}
		if (pin) { OPENSSL_cleanse(pin, strlen(pin)); free(pin); }
		free(copy);
		return rc;
	}
	if (strncmp(ref, "file:", 5))
		return NL_ERR_CONFIG;
	EVP_PKEY *pk = gen_pkey(t);
	if (!pk) return NL_ERR_CRYPTO;
	nl_err rc = NL_ERR_IO;
	int fd = open(ref + 5, O_WRONLY | O_CREAT | O_EXCL, 0600);
	FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
	if (f) {
		rc = PEM_write_PrivateKey(f, pk, NULL, NULL, 0, NULL, NULL) ? NL_OK : NL_ERR_CRYPTO;
		if (fclose(f)) rc = NL_ERR_IO;
	} else if (fd >= 0) {
		close(fd);
	}
	EVP_PKEY_free(pk);
	return rc;
}

nl_err nl_pki_sign_cert(nl_pki_key *k, const void *der, size_t len, nl_buf *out)
{
	const unsigned char *p = der;
	X509 *x = d2i_X509(NULL, &p, (long)len);
	unsigned char *o = NULL;
	nl_err rc = NL_ERR_INVALID;
	if (x && p == (const unsigned char *)der + len) {
		rc = NL_ERR_CRYPTO;
		if (X509_sign(x, k->pkey, nl_pki_md_for(k->type)) > 0)
			rc = nl_pki_i2d_append(out, i2d_X509(x, &o), &o);
	}
	X509_free(x);
	ERR_clear_error();
	return rc;
}

nl_err nl_pki_lint_and_sign(nl_pki_key *k, const void *der, size_t len, const nl_pki_cert *issuer,
                            enum nl_lint_profile profile, struct nl_lint *lint, nl_buf *out,
                            char serial_hex[64])
{
	const unsigned char *p = der;
	X509 *x = d2i_X509(NULL, &p, (long)len);
	unsigned char *o = NULL;
	nl_err rc;
	memset(lint, 0, sizeof *lint);
	if (!x || p != (const unsigned char *)der + len) {
		snprintf(lint->failure[0], sizeof lint->failure[0], "encoding: not a DER certificate");
		lint->count = 1;
		rc = NL_ERR_INVALID;
		goto out;
	}
	if (serial_hex) {
		const ASN1_INTEGER *sn = X509_get0_serialNumber(x);
		if (sn->length > 0 && sn->length <= 31) nl_pki_hex(sn->data, (size_t)sn->length, serial_hex);
		else snprintf(serial_hex, 64, "?");
	}
	if ((rc = nl_pki_lint_x509(x, issuer, profile, lint)))
		goto out;
	rc = NL_ERR_CRYPTO;
	if (X509_sign(x, k->pkey, nl_pki_md_for(k->type)) > 0)
		rc = nl_pki_i2d_append(out, i2d_X509(x, &o), &o);
out:
	X509_free(x);
	ERR_clear_error();
	return rc;
}

bool nl_pki_key_matches(const nl_pki_key *k, const nl_pki_cert *c)
{
	/* Compares the public halves through DER: a libp11 key and a provider key
	 * do not always compare with EVP_PKEY_eq. */
	unsigned char *a = NULL, *b = NULL;
	int na = i2d_PUBKEY(k->pkey, &a), nb = i2d_PUBKEY(X509_get0_pubkey(c->x), &b);
	bool same = na > 0 && na == nb && !memcmp(a, b, (size_t)na);
	OPENSSL_free(a);
	OPENSSL_free(b);
	ERR_clear_error();
	return same;
}
