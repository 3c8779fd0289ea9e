/* Plain signatures over a message, for the audit checkpoints (docs/audit.md):
 * the hash follows the key as for certificates (nl_pki_md_for), ECDSA
 * signatures are DER, RSA ones PKCS #1 v1.5. */
#include <openssl/err.h>

#include "pki/pki_internal.h"

nl_err nl_pki_sign_message(nl_pki_key *k, const void *msg, size_t len, nl_buf *sig)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	size_t n = 0;
	nl_err rc = NL_ERR_CRYPTO;
	nl_buf_reset(sig);
	if (!ctx || EVP_DigestSignInit(ctx, NULL, nl_pki_md_for(k->type), NULL, k->pkey) != 1 ||
	    EVP_DigestSign(ctx, NULL, &n, msg, len) != 1)
		goto out;
	if (!nl_buf_reserve(sig, n)) {
		rc = NL_ERR_NOMEM;
		goto out;
	}
	if (EVP_DigestSign(ctx, (unsigned char *)sig->data, &n, msg, len) != 1)
		goto out;
	sig->len = n;
	rc = NL_OK;
out:
	EVP_MD_CTX_free(ctx);
	ERR_clear_error();
	return rc;
}

nl_err nl_pki_verify_message(const nl_pki_cert *c, const void *msg, size_t len, const void *sig,
                             size_t sig_len)
{
	enum nl_key_type t;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	nl_err rc = NL_ERR_CRYPTO;
	if (!ctx || nl_pki_cert_key_type(c->x, &t) != NL_OK ||
	    EVP_DigestVerifyInit(ctx, NULL, nl_pki_md_for(t), NULL, X509_get0_pubkey(c->x)) != 1)
		goto out;
	rc = EVP_DigestVerify(ctx, sig, sig_len, msg, len) == 1 ? NL_OK : NL_ERR_INVALID;
out:
	EVP_MD_CTX_free(ctx);
	ERR_clear_error();
	return rc;
}
