/* Card personalisation through raw PKCS#11 (card_perso.h). libp11 cannot
 * generate EC keys nor choose the key's CKA_ID, so this file speaks PKCS#11
 * itself, like the CA's token set-up in p11.c. */
#include "pki/card_perso.h"

#include <errno.h>
#include <limits.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/x509.h>
#include <p11-kit/pkcs11.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/file.h"
#include "pki/p11_module.h"
#include "pki/pki.h"

static pthread_mutex_t card_lock = PTHREAD_MUTEX_INITIALIZER;
static char softhsm_conf[1024];   /* "" unless nl_card_perso_softhsm_env ran */
static bool conf_written;         /* nl_card_perso_softhsm_setup wrote it */

enum nl_card_key_type nl_card_key_type_parse(const char *s)
{
	if (!s) return 0;
	if (!strcmp(s, "p256")) return NL_CARD_KEY_P256;
	if (!strcmp(s, "rsa2048")) return NL_CARD_KEY_RSA2048;
	return 0;
}

static NL_MUST_USE nl_err conf_path(const char *dir, char *path, size_t size)
{
	return snprintf(path, size, "%s/softhsm2.conf", dir) >= (int)size ? NL_ERR_CONFIG : NL_OK;
}

nl_err nl_card_perso_softhsm_env(const char *dir)
{
	char path[sizeof softhsm_conf];
	char tokens[1024];
	if (conf_path(dir, path, sizeof path) ||
	    snprintf(tokens, sizeof tokens, "%s/tokens", dir) >= (int)sizeof tokens)
		return NL_ERR_CONFIG;
	/* Start-up only, before any thread: SoftHSM2 reads the variable when its
	 * module initialises, and a setenv while another thread reads the
	 * environment (time zones, OpenSSL) is undefined. */
	if (setenv("SOFTHSM2_CONF", path, 1))
		return NL_ERR_NOMEM;
	if (strcmp(softhsm_conf, path) != 0)
		conf_written = false;
	snprintf(softhsm_conf, sizeof softhsm_conf, "%s", path);
	return NL_OK;
}

nl_err nl_card_perso_softhsm_setup(const char *dir)
{
	char path[sizeof softhsm_conf], tokens[1024];
	if (conf_path(dir, path, sizeof path) ||
	    snprintf(tokens, sizeof tokens, "%s/tokens", dir) >= (int)sizeof tokens)
		return NL_ERR_CONFIG;
	/* Under the lock: another thread may be initialising the module, which
	 * reads this file. Written once per process and folder. */
	nl_err rc = NL_OK;
	pthread_mutex_lock(&card_lock);
	/* The module would read another configuration than this folder's: the
	 * process did not name it at start (nl_card_perso_softhsm_env). */
	if (strcmp(softhsm_conf, path) != 0) {
		rc = NL_ERR_CONFIG;
		goto out;
	}
	if (conf_written)
		goto out;
	rc = NL_ERR_IO;
	if ((mkdir(dir, 0700) && errno != EEXIST) || (mkdir(tokens, 0700) && errno != EEXIST))
		goto out;
	nl_buf conf = NL_BUF_INIT;
	nl_buf_printf(&conf, "directories.tokendir = %s\nobjectstore.backend = file\nlog.level = ERROR\n",
	              tokens);
	nl_err w = conf.oom ? NL_ERR_NOMEM : nl_write_file(path, conf.data, conf.len, 0600);
	nl_buf_free(&conf);
	if (w) goto out;
	conf_written = true;
	rc = NL_OK;
out:
	pthread_mutex_unlock(&card_lock);
	return rc;
}

/* ---- one module session: load, initialise, find the card ---- */

struct p11 {
	struct nl_p11_module m;
	CK_SESSION_HANDLE s;
};

/* Called with card_lock held. */
static NL_MUST_USE nl_err p11_load(const char *module, struct p11 *p)
{
	p->s = CK_INVALID_HANDLE;
	return nl_p11_module_open(module, &p->m);
}

static void p11_unload(struct p11 *p)
{
	if (!p->m.dl) return;
	if (p->s != CK_INVALID_HANDLE) {
		p->m.f->C_Logout(p->s);
		p->m.f->C_CloseSession(p->s);
	}
	nl_p11_module_close(&p->m);
}

/* The slot of the initialised card labelled `label`, or (blank) the first
 * slot whose token is not initialised. */
static NL_MUST_USE nl_err find_slot(struct p11 *p, const char *label, bool blank, CK_SLOT_ID *out)
{
	CK_SLOT_ID ids[256];
	CK_ULONG n = 256;
	CK_UTF8CHAR want[32];
	nl_p11_pad32(want, label ? label : "");
	if (p->m.f->C_GetSlotList(CK_TRUE, ids, &n) != CKR_OK) return NL_ERR_IO;
	for (CK_ULONG i = 0; i < n; i++) {
		CK_TOKEN_INFO ti;
		if (p->m.f->C_GetTokenInfo(ids[i], &ti) != CKR_OK) continue;
		bool init = ti.flags & CKF_TOKEN_INITIALIZED;
		if ((blank && !init) || (!blank && init && !memcmp(ti.label, want, 32))) {
			*out = ids[i];
			return NL_OK;
		}
	}
	return NL_ERR_NOT_FOUND;
}

/* Opens a read-write session on the card; logs in as the user when pin. */
static NL_MUST_USE nl_err open_card(struct p11 *p, const char *module, const char *label, const char *pin)
{
	CK_SLOT_ID slot;
	nl_err rc = p11_load(module, p);
	if (rc) return rc;
	if ((rc = find_slot(p, label, false, &slot))) return rc;
	if (p->m.f->C_OpenSession(slot, CKF_SERIAL_SESSION | CKF_RW_SESSION, NULL, NULL, &p->s) != CKR_OK) {
		p->s = CK_INVALID_HANDLE;
		return NL_ERR_IO;
	}
	if (pin) {
		CK_RV rv = p->m.f->C_Login(p->s, CKU_USER, (CK_UTF8CHAR_PTR)(uintptr_t)pin, strlen(pin));
		if (rv != CKR_OK && rv != CKR_USER_ALREADY_LOGGED_IN) return NL_ERR_UNAUTHORIZED;
	}
	return NL_OK;
}

nl_err nl_card_perso_init(const char *module, const char *label, const char *pin, const char *puk)
{
	struct p11 p;
	CK_SLOT_ID slot;
	CK_SESSION_HANDLE s = CK_INVALID_HANDLE;
	CK_UTF8CHAR lab[32];
	pthread_mutex_lock(&card_lock);
	nl_err rc = p11_load(module, &p);
	if (rc) goto out;
	if ((rc = find_slot(&p, label, false, &slot)) == NL_OK) {
		rc = NL_ERR_CONFLICT;   /* a card with this label exists: never overwrite it */
		goto out;
	}
	if ((rc = find_slot(&p, NULL, true, &slot))) goto out;
	nl_p11_pad32(lab, label);
	rc = NL_ERR_CRYPTO;
	if (p.m.f->C_InitToken(slot, (CK_UTF8CHAR_PTR)(uintptr_t)puk, strlen(puk), lab) != CKR_OK)
		goto out;
	/* SoftHSM2 moves an initialised token to a new slot id: look it up again. */
	if ((rc = find_slot(&p, label, false, &slot))) goto out;
	rc = NL_ERR_CRYPTO;
	if (p.m.f->C_OpenSession(slot, CKF_SERIAL_SESSION | CKF_RW_SESSION, NULL, NULL, &s) != CKR_OK)
		goto out;
	if (p.m.f->C_Login(s, CKU_SO, (CK_UTF8CHAR_PTR)(uintptr_t)puk, strlen(puk)) != CKR_OK ||
	    p.m.f->C_InitPIN(s, (CK_UTF8CHAR_PTR)(uintptr_t)pin, strlen(pin)) != CKR_OK)
		goto out;
	p.m.f->C_Logout(s);
	rc = NL_OK;
out:
	if (s != CK_INVALID_HANDLE) p.m.f->C_CloseSession(s);
	p11_unload(&p);
	pthread_mutex_unlock(&card_lock);
	return rc;
}

static NL_MUST_USE nl_err get_attr(struct p11 *p, CK_OBJECT_HANDLE o, CK_ATTRIBUTE_TYPE t, nl_buf *out)
{
	CK_ATTRIBUTE a = {t, NULL, 0};
	if (p->m.f->C_GetAttributeValue(p->s, o, &a, 1) != CKR_OK || a.ulValueLen == (CK_ULONG)-1)
		return NL_ERR_CRYPTO;
	nl_buf_reset(out);
	if (!nl_buf_reserve(out, a.ulValueLen + 1)) return NL_ERR_NOMEM;
	a.pValue = out->data;
	if (p->m.f->C_GetAttributeValue(p->s, o, &a, 1) != CKR_OK) return NL_ERR_CRYPTO;
	out->len = a.ulValueLen;
	return NL_OK;
}

/* SubjectPublicKeyInfo of a P-256 public key object: CKA_EC_POINT is a DER
 * OCTET STRING holding the uncompressed point 04||X||Y. */
static NL_MUST_USE nl_err spki_p256(struct p11 *p, CK_OBJECT_HANDLE pub, nl_buf *spki)
{
	static const uint8_t head[] = {
		0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01,
		0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00,
	};
	nl_buf pt = NL_BUF_INIT;
	nl_err rc = get_attr(p, pub, CKA_EC_POINT, &pt);
	if (rc) goto out;
	const uint8_t *q = (const uint8_t *)pt.data;
	size_t n = pt.len;
	if (n == 67 && q[0] == 0x04 && q[1] == 65) { q += 2; n -= 2; }   /* unwrap the OCTET STRING */
	rc = NL_ERR_CRYPTO;
	if (n != 65 || q[0] != 0x04) goto out;
	nl_buf_append(spki, head, sizeof head);
	nl_buf_append(spki, q, n);
	rc = NL_OK;
out:
	nl_buf_free(&pt);
	return rc;
}

static NL_MUST_USE nl_err spki_rsa(struct p11 *p, CK_OBJECT_HANDLE pub, nl_buf *spki)
{
	nl_buf mod = NL_BUF_INIT, exp = NL_BUF_INIT;
	BIGNUM *n = NULL, *e = NULL;
	OSSL_PARAM_BLD *bld = NULL;
	OSSL_PARAM *params = NULL;
	EVP_PKEY_CTX *ctx = NULL;
	EVP_PKEY *pk = NULL;
	unsigned char *der = NULL;
	nl_err rc = get_attr(p, pub, CKA_MODULUS, &mod);
	if (!rc) rc = get_attr(p, pub, CKA_PUBLIC_EXPONENT, &exp);
	if (rc) goto out;
	rc = NL_ERR_CRYPTO;
	/* BN_bin2bn takes an int: a token that names a longer number is refused. */
	if (mod.len > INT_MAX || exp.len > INT_MAX)
		goto out;
	n = BN_bin2bn((const unsigned char *)mod.data, (int)mod.len, NULL);
	e = BN_bin2bn((const unsigned char *)exp.data, (int)exp.len, NULL);
	bld = OSSL_PARAM_BLD_new();
	if (!n || !e || !bld || !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, n) ||
	    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, e))
		goto out;
	params = OSSL_PARAM_BLD_to_param(bld);
	ctx = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL);
	if (!params || !ctx || EVP_PKEY_fromdata_init(ctx) <= 0 ||
	    EVP_PKEY_fromdata(ctx, &pk, EVP_PKEY_PUBLIC_KEY, params) <= 0)
		goto out;
	int len = i2d_PUBKEY(pk, &der);
	if (len <= 0) goto out;
	nl_buf_append(spki, der, (size_t)len);
	rc = NL_OK;
out:
	OPENSSL_free(der);
	EVP_PKEY_free(pk);
	EVP_PKEY_CTX_free(ctx);
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	BN_free(n);
	BN_free(e);
	nl_buf_free(&mod);
	nl_buf_free(&exp);
	return rc;
}

nl_err nl_card_perso_keygen(const char *module, const char *label, const char *pin,
                            const char *key_label, enum nl_card_key_type type,
                            uint8_t id[NL_CARD_ID_LEN], nl_buf *spki)
{
	static CK_BYTE p256[] = {0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07};
	bool ec = type != NL_CARD_KEY_RSA2048;
	uint8_t serial[NL_SERIAL_LEN];
	nl_pki_serial_random(serial);   /* a random CKA_ID ties key and certificate */
	memcpy(id, serial, NL_CARD_ID_LEN);
	const struct nl_p11_keygen kg = {
		.ec_params = ec ? p256 : NULL, .ec_params_len = sizeof p256, .rsa_bits = 2048,
		.label = key_label, .id = id, .id_len = NL_CARD_ID_LEN,
	};
	CK_OBJECT_HANDLE pub, priv;
	struct p11 p;
	pthread_mutex_lock(&card_lock);
	nl_err rc = open_card(&p, module, label, pin);
	if (rc) goto out;
	rc = NL_ERR_CRYPTO;
	if (nl_p11_generate_pair(p.m.f, p.s, &kg, &pub, &priv) != CKR_OK)
		goto out;
	rc = ec ? spki_p256(&p, pub, spki) : spki_rsa(&p, pub, spki);
out:
	p11_unload(&p);
	pthread_mutex_unlock(&card_lock);
	return rc;
}

/* DER of a certificate's subject, issuer and serial: the attributes PKCS#11
 * middleware matches certificates and keys by (PKCS#11 4.6.3). */
static NL_MUST_USE nl_err cert_names(const void *der, size_t len, nl_buf *subject, nl_buf *issuer, nl_buf *serial)
{
	const unsigned char *q = der;
	X509 *x = d2i_X509(NULL, &q, (long)len);
	if (!x || q != (const unsigned char *)der + len) {
		X509_free(x);
		return NL_ERR_INVALID;
	}
	unsigned char *d = NULL;
	int n;
	nl_err rc = NL_OK;
	if ((n = i2d_X509_NAME(X509_get_subject_name(x), &d)) > 0) nl_buf_append(subject, d, (size_t)n);
	OPENSSL_free(d); d = NULL;
	if ((n = i2d_X509_NAME(X509_get_issuer_name(x), &d)) > 0) nl_buf_append(issuer, d, (size_t)n);
	OPENSSL_free(d); d = NULL;
	if ((n = i2d_ASN1_INTEGER(X509_get0_serialNumber(x), &d)) > 0) nl_buf_append(serial, d, (size_t)n);
	OPENSSL_free(d);
	if (!subject->len || !issuer->len || !serial->len || subject->oom || issuer->oom || serial->oom)
		rc = NL_ERR_INVALID;
	X509_free(x);
	return rc;
}

/* Objects of class cls with this CKA_ID; at most max. */
static CK_ULONG find_by_id(struct p11 *p, CK_OBJECT_CLASS cls, const uint8_t id[NL_CARD_ID_LEN],
                           CK_OBJECT_HANDLE *out, CK_ULONG max)
{
	CK_ATTRIBUTE t[] = {
		{CKA_CLASS, &cls, sizeof cls},
		{CKA_ID, (void *)(uintptr_t)id, NL_CARD_ID_LEN},
	};
	CK_ULONG n = 0;
	if (p->m.f->C_FindObjectsInit(p->s, t, 2) != CKR_OK) return 0;
	if (p->m.f->C_FindObjects(p->s, out, max, &n) != CKR_OK) n = 0;
	p->m.f->C_FindObjectsFinal(p->s);
	return n;
}

nl_err nl_card_perso_write_cert(const char *module, const char *label, const char *pin,
                                const char *cert_label, const uint8_t id[NL_CARD_ID_LEN],
                                const void *der, size_t len)
{
	CK_OBJECT_CLASS cls = CKO_CERTIFICATE;
	CK_CERTIFICATE_TYPE ct = CKC_X_509;
	CK_BBOOL yes = CK_TRUE, no = CK_FALSE;
	nl_buf subject = NL_BUF_INIT, issuer = NL_BUF_INIT, serial = NL_BUF_INIT;
	nl_err rc = cert_names(der, len, &subject, &issuer, &serial);
	if (rc) goto done;
	/* Every object on the card carries the standard attributes, so that any
	 * middleware finds the certificate and its key: CKA_ID ties them,
	 * CKA_LABEL names them, CKA_SUBJECT (and for the certificate CKA_ISSUER
	 * and CKA_SERIAL_NUMBER) identify them. */
	CK_ATTRIBUTE t[] = {
		{CKA_CLASS, &cls, sizeof cls},
		{CKA_CERTIFICATE_TYPE, &ct, sizeof ct},
		{CKA_TOKEN, &yes, sizeof yes},
		{CKA_PRIVATE, &no, sizeof no},
		{CKA_LABEL, (void *)(uintptr_t)cert_label, strlen(cert_label)},
		{CKA_ID, (void *)(uintptr_t)id, NL_CARD_ID_LEN},
		{CKA_VALUE, (void *)(uintptr_t)der, len},
		{CKA_SUBJECT, subject.data, subject.len},
		{CKA_ISSUER, issuer.data, issuer.len},
		{CKA_SERIAL_NUMBER, serial.data, serial.len},
	};
	CK_OBJECT_HANDLE o, keys[4];
	struct p11 p;
	pthread_mutex_lock(&card_lock);
	rc = open_card(&p, module, label, pin);
	if (!rc && p.m.f->C_CreateObject(p.s, t, sizeof t / sizeof t[0], &o) != CKR_OK)
		rc = NL_ERR_IO;
	/* the key pair was made before its certificate existed: give both halves
	 * the certificate's subject now */
	CK_ATTRIBUTE subj = {CKA_SUBJECT, subject.data, subject.len};
	const CK_OBJECT_CLASS kc[2] = {CKO_PRIVATE_KEY, CKO_PUBLIC_KEY};
	for (int c = 0; !rc && c < 2; c++) {
		CK_ULONG n = find_by_id(&p, kc[c], id, keys, 4);
		for (CK_ULONG i = 0; i < n && !rc; i++)
			if (p.m.f->C_SetAttributeValue(p.s, keys[i], &subj, 1) != CKR_OK) rc = NL_ERR_IO;
	}
	p11_unload(&p);
	pthread_mutex_unlock(&card_lock);
done:
	nl_buf_free(&subject); nl_buf_free(&issuer); nl_buf_free(&serial);
	return rc;
}

/* One attribute's value into v (cleared first); false if absent or empty. */
static bool attr(struct p11 *p, CK_OBJECT_HANDLE o, CK_ATTRIBUTE_TYPE type, nl_buf *v)
{
	nl_buf_reset(v);
	return get_attr(p, o, type, v) == NL_OK && v->len > 0;
}

static bool flag(struct p11 *p, CK_OBJECT_HANDLE o, CK_ATTRIBUTE_TYPE type)
{
	CK_BBOOL b = CK_FALSE;
	CK_ATTRIBUTE t = {type, &b, sizeof b};
	return p->m.f->C_GetAttributeValue(p->s, o, &t, 1) == CKR_OK && b == CK_TRUE;
}

/* Does the certificate (DER) certify the public key object pub? Compared as
 * keys (EVP_PKEY_eq), not as encodings. */
static bool cert_certifies(struct p11 *p, CK_OBJECT_HANDLE pub, const nl_buf *cert)
{
	CK_KEY_TYPE kt = 0;
	CK_ATTRIBUTE a = {CKA_KEY_TYPE, &kt, sizeof kt};
	nl_buf spki = NL_BUF_INIT;
	const unsigned char *q = (const unsigned char *)cert->data;
	X509 *x = d2i_X509(NULL, &q, (long)cert->len);
	EVP_PKEY *k = NULL;
	bool same = false;
	if (x && p->m.f->C_GetAttributeValue(p->s, pub, &a, 1) == CKR_OK &&
	    (kt == CKK_EC ? spki_p256(p, pub, &spki) : kt == CKK_RSA ? spki_rsa(p, pub, &spki) : NL_ERR_INVALID) == NL_OK) {
		const unsigned char *s = (const unsigned char *)spki.data;
		k = d2i_PUBKEY(NULL, &s, (long)spki.len);
		same = k && X509_get0_pubkey(x) && EVP_PKEY_eq(k, X509_get0_pubkey(x)) == 1;
	}
	EVP_PKEY_free(k);
	X509_free(x);
	nl_buf_free(&spki);
	return same;
}

nl_err nl_card_perso_check(const char *module, const char *label, const char *pin,
                           const uint8_t id[NL_CARD_ID_LEN], nl_buf *problems)
{
	CK_OBJECT_HANDLE found[3] = {0};
	bool one[3] = {false, false, false};
	static const struct { CK_OBJECT_CLASS cls; const char *name; } classes[] = {
		{CKO_PRIVATE_KEY, "private key"}, {CKO_PUBLIC_KEY, "public key"}, {CKO_CERTIFICATE, "certificate"},
	};
	struct p11 p;
	nl_buf v = NL_BUF_INIT;
	CK_OBJECT_HANDLE o[2];
	pthread_mutex_lock(&card_lock);
	nl_err rc = open_card(&p, module, label, pin);
	for (size_t c = 0; !rc && c < 3; c++) {
		const char *w = classes[c].name;
		CK_ULONG n = find_by_id(&p, classes[c].cls, id, o, 2);
		if (n != 1) {
			nl_buf_printf(problems, "%s: %lu objects with this CKA_ID, want 1\n", w, (unsigned long)n);
			continue;
		}
		found[c] = o[0];
		one[c] = true;
		if (!attr(&p, o[0], CKA_LABEL, &v)) nl_buf_printf(problems, "%s: no CKA_LABEL\n", w);
		if (!attr(&p, o[0], CKA_SUBJECT, &v)) nl_buf_printf(problems, "%s: no CKA_SUBJECT\n", w);
		if (classes[c].cls == CKO_CERTIFICATE) {
			if (!attr(&p, o[0], CKA_ISSUER, &v)) nl_buf_printf(problems, "%s: no CKA_ISSUER\n", w);
			if (!attr(&p, o[0], CKA_SERIAL_NUMBER, &v)) nl_buf_printf(problems, "%s: no CKA_SERIAL_NUMBER\n", w);
		} else if (classes[c].cls == CKO_PRIVATE_KEY) {
			if (!flag(&p, o[0], CKA_SIGN)) nl_buf_printf(problems, "%s: cannot sign\n", w);
			if (!flag(&p, o[0], CKA_SENSITIVE)) nl_buf_printf(problems, "%s: not sensitive\n", w);
			if (flag(&p, o[0], CKA_EXTRACTABLE)) nl_buf_printf(problems, "%s: extractable\n", w);
			static const CK_ATTRIBUTE_TYPE nots[] = {CKA_DECRYPT, CKA_UNWRAP, CKA_DERIVE, CKA_SIGN_RECOVER};
			static const char *const names[] = {"decrypts", "unwraps", "derives", "signs with recovery"};
			for (int i = 0; i < 4; i++)
				if (flag(&p, o[0], nots[i])) nl_buf_printf(problems, "%s: %s\n", w, names[i]);
		} else {
			if (!flag(&p, o[0], CKA_VERIFY)) nl_buf_printf(problems, "%s: cannot verify\n", w);
			static const CK_ATTRIBUTE_TYPE nots[] = {CKA_ENCRYPT, CKA_WRAP, CKA_VERIFY_RECOVER};
			static const char *const names[] = {"encrypts", "wraps", "verifies with recovery"};
			for (int i = 0; i < 3; i++)
				if (flag(&p, o[0], nots[i])) nl_buf_printf(problems, "%s: %s\n", w, names[i]);
		}
	}
	/* the certificate under the key's CKA_ID certifies that very key: a
	 * certificate written beside another key would sign nothing */
	if (!rc && one[1] && one[2] && (!attr(&p, found[2], CKA_VALUE, &v) || !cert_certifies(&p, found[1], &v)))
		nl_buf_printf(problems, "certificate: does not certify the public key with this CKA_ID\n");
	p11_unload(&p);
	pthread_mutex_unlock(&card_lock);
	nl_buf_free(&v);
	if (!rc && problems->len) rc = NL_ERR_INVALID;
	return rc;
}

nl_err nl_card_perso_read_cert(const char *module, const char *label, const char *cert_label,
                               nl_buf *der)
{
	CK_OBJECT_CLASS cls = CKO_CERTIFICATE;
	CK_ATTRIBUTE t[] = {
		{CKA_CLASS, &cls, sizeof cls},
		{CKA_LABEL, (void *)(uintptr_t)cert_label, strlen(cert_label)},
	};
	CK_OBJECT_HANDLE o;
	CK_ULONG found = 0;
	struct p11 p;
	pthread_mutex_lock(&card_lock);
	nl_err rc = open_card(&p, module, label, NULL);
	if (rc) goto out;
	rc = NL_ERR_IO;
	if (p.m.f->C_FindObjectsInit(p.s, t, 2) != CKR_OK) goto out;
	CK_RV rv = p.m.f->C_FindObjects(p.s, &o, 1, &found);
	p.m.f->C_FindObjectsFinal(p.s);
	if (rv != CKR_OK) goto out;
	rc = found ? get_attr(&p, o, CKA_VALUE, der) : NL_ERR_NOT_FOUND;
out:
	p11_unload(&p);
	pthread_mutex_unlock(&card_lock);
	return rc;
}

nl_err nl_card_perso_wipe(const char *module, const char *label, const char *pin,
                          size_t *destroyed)
{
	CK_OBJECT_HANDLE o[64];
	CK_ULONG found = 0;
	size_t gone = 0;
	struct p11 p;
	pthread_mutex_lock(&card_lock);
	nl_err rc = open_card(&p, module, label, pin);
	if (rc) goto out;
	rc = NL_ERR_IO;
	/* No template: every object the logged-in user sees, private ones too. */
	if (p.m.f->C_FindObjectsInit(p.s, NULL, 0) != CKR_OK) goto out;
	CK_RV rv = p.m.f->C_FindObjects(p.s, o, 64, &found);
	p.m.f->C_FindObjectsFinal(p.s);
	if (rv != CKR_OK) goto out;
	rc = NL_OK;
	for (CK_ULONG i = 0; i < found; i++) {
		if (p.m.f->C_DestroyObject(p.s, o[i]) == CKR_OK) gone++;
		else rc = NL_ERR_IO;
	}
out:
	p11_unload(&p);
	pthread_mutex_unlock(&card_lock);
	if (destroyed) *destroyed = gone;
	return rc;
}
