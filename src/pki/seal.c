/* Passphrase encryption of a CA backup (pki.h, nl_pki_seal).
 *
 * File: "NLSEAL1\n" | salt (16) | PBKDF2 iterations (u32 BE) | IV (12) |
 * AES-256-GCM ciphertext | tag (16). The key is PBKDF2-HMAC-SHA256 of the
 * passphrase; the header up to the IV is authenticated data, so a changed
 * iteration count or magic fails like a wrong passphrase. */
#include "pki/pki_internal.h"

#include <limits.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <string.h>

#define MAGIC "NLSEAL1\n"
#define SALT 16
#define IV 12
#define TAG 16
#define HEAD (8 + SALT + 4 + IV)
#define ITER 600000u

/* iter is ITER or a sealed file's count, which unseal bounds to 10^7: an int. */
static NL_MUST_USE nl_err derive(const char *pass, const unsigned char *salt, uint32_t iter, unsigned char key[32])
{
	size_t pl = strlen(pass);
	if (pl > INT_MAX || iter > INT_MAX)   /* PKCS5_PBKDF2_HMAC takes ints */
		return NL_ERR_INVALID;
	return PKCS5_PBKDF2_HMAC(pass, (int)pl, salt, SALT, (int)iter, EVP_sha256(), 32, key) == 1
	           ? NL_OK : NL_ERR_CRYPTO;
}

nl_err nl_pki_seal(const char *pass, const void *plain, size_t n, nl_buf *out)
{
	unsigned char key[32], head[HEAD];
	EVP_CIPHER_CTX *c = NULL;
	nl_err rc = NL_ERR_CRYPTO;
	int len;
	if (n > INT32_MAX || !*pass) return NL_ERR_INVALID;
	memcpy(head, MAGIC, 8);
	head[8 + SALT] = ITER >> 24; head[9 + SALT] = (ITER >> 16) & 0xff;
	head[10 + SALT] = (ITER >> 8) & 0xff; head[11 + SALT] = ITER & 0xff;
	if (RAND_bytes(head + 8, SALT) != 1 || RAND_bytes(head + 12 + SALT, IV) != 1) goto out;
	if (derive(pass, head + 8, ITER, key)) goto out;
	nl_buf_reset(out);
	if (!nl_buf_reserve(out, HEAD + n + TAG + 16)) { rc = NL_ERR_NOMEM; goto out; }
	memcpy(out->data, head, HEAD);
	unsigned char *ct = (unsigned char *)out->data + HEAD;
	if (!(c = EVP_CIPHER_CTX_new()) ||
	    EVP_EncryptInit_ex(c, EVP_aes_256_gcm(), NULL, key, head + 12 + SALT) != 1 ||
	    EVP_EncryptUpdate(c, NULL, &len, head, HEAD) != 1 ||
	    EVP_EncryptUpdate(c, ct, &len, plain, (int)n) != 1 ||   /* n <= INT32_MAX: checked */
	    EVP_EncryptFinal_ex(c, ct + len, &len) != 1 ||
	    EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_GET_TAG, TAG, ct + n) != 1)
		goto out;
	out->len = HEAD + n + TAG;
	rc = NL_OK;
out:
	OPENSSL_cleanse(key, sizeof key);
	EVP_CIPHER_CTX_free(c);
	return rc;
}

nl_err nl_pki_unseal(const char *pass, const void *sealed, size_t n, nl_buf *out)
{
	const unsigned char *s = sealed;
	unsigned char key[32];
	EVP_CIPHER_CTX *c = NULL;
	nl_err rc = NL_ERR_INVALID;
	int len;
	if (n < HEAD + TAG || n > INT32_MAX || memcmp(s, MAGIC, 8)) return rc;
	uint32_t iter = (uint32_t)s[8 + SALT] << 24 | (uint32_t)s[9 + SALT] << 16 |
	                (uint32_t)s[10 + SALT] << 8 | s[11 + SALT];
	if (iter < 10000 || iter > 10000000) return rc;
	size_t m = n - HEAD - TAG;
	if ((rc = derive(pass, s + 8, iter, key))) return rc;
	rc = NL_ERR_CRYPTO;
	nl_buf_reset(out);
	if (!nl_buf_reserve(out, m + 16)) { rc = NL_ERR_NOMEM; goto out; }
	if (!(c = EVP_CIPHER_CTX_new()) ||
	    EVP_DecryptInit_ex(c, EVP_aes_256_gcm(), NULL, key, s + 12 + SALT) != 1 ||
	    EVP_DecryptUpdate(c, NULL, &len, s, HEAD) != 1 ||
	    /* m < n <= INT32_MAX: checked at the top */
	    EVP_DecryptUpdate(c, (unsigned char *)out->data, &len, s + HEAD, (int)m) != 1 ||
	    EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_TAG, TAG, (void *)(uintptr_t)(s + HEAD + m)) != 1)
		goto out;
	/* A wrong passphrase or a changed byte: the tag does not match. */
	if (EVP_DecryptFinal_ex(c, (unsigned char *)out->data + len, &len) != 1) {
		rc = NL_ERR_UNAUTHORIZED;
		OPENSSL_cleanse(out->data, m);
		goto out;
	}
	out->len = m;
	rc = NL_OK;
out:
	OPENSSL_cleanse(key, sizeof key);
	EVP_CIPHER_CTX_free(c);
	return rc;
}
