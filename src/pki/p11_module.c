/* Loading a PKCS#11 module by hand (p11_module.h). */
#include "pki/p11_module.h"

#include <dlfcn.h>
#include <string.h>

nl_err nl_p11_module_open(const char *module, struct nl_p11_module *m)
{
	CK_C_GetFunctionList get;
	memset(m, 0, sizeof *m);
	m->dl = dlopen(module, RTLD_NOW | RTLD_LOCAL);
	if (!m->dl) return NL_ERR_CONFIG;
	*(void **)&get = dlsym(m->dl, "C_GetFunctionList");
	if (!get || get(&m->f) != CKR_OK) goto fail;
	CK_C_INITIALIZE_ARGS args = {.flags = CKF_OS_LOCKING_OK};
	CK_RV rv = m->f->C_Initialize(&args);
	if (rv != CKR_OK && rv != CKR_CRYPTOKI_ALREADY_INITIALIZED) goto fail;
	m->we_initialized = rv == CKR_OK;
	return NL_OK;
fail:
	dlclose(m->dl);
	m->dl = NULL;
	return NL_ERR_IO;
}

void nl_p11_module_close(struct nl_p11_module *m)
{
	if (m->we_initialized) m->f->C_Finalize(NULL);
	dlclose(m->dl);
	m->dl = NULL;
}

void nl_p11_pad32(CK_UTF8CHAR out[32], const char *s)
{
	size_t n = strlen(s);
	memset(out, ' ', 32);
	memcpy(out, s, n > 32 ? 32 : n);
}

CK_RV nl_p11_generate_pair(CK_FUNCTION_LIST_PTR f, CK_SESSION_HANDLE s,
                           const struct nl_p11_keygen *k, CK_OBJECT_HANDLE *pub,
                           CK_OBJECT_HANDLE *priv)
{
	static CK_BYTE f4[] = {0x01, 0x00, 0x01};
	CK_BBOOL yes = CK_TRUE, no = CK_FALSE;
	CK_ULONG bits = k->rsa_bits;
	bool ec = k->ec_params != NULL;
	void *label = (void *)(uintptr_t)k->label, *id = (void *)(uintptr_t)k->id;
	CK_MECHANISM mech = {ec ? CKM_EC_KEY_PAIR_GEN : CKM_RSA_PKCS_KEY_PAIR_GEN, NULL, 0};
	/* The public half verifies only; the exponent goes last: EC has none. */
	CK_ATTRIBUTE pub_t[] = {
		{CKA_TOKEN, &yes, sizeof yes},
		{CKA_VERIFY, &yes, sizeof yes},
		{CKA_ENCRYPT, &no, sizeof no},
		{CKA_WRAP, &no, sizeof no},
		{CKA_VERIFY_RECOVER, &no, sizeof no},
		{CKA_LABEL, label, strlen(k->label)},
		{CKA_ID, id, k->id_len},
		ec ? (CK_ATTRIBUTE){CKA_EC_PARAMS, (void *)(uintptr_t)k->ec_params, k->ec_params_len}
		   : (CK_ATTRIBUTE){CKA_MODULUS_BITS, &bits, sizeof bits},
		{CKA_PUBLIC_EXPONENT, f4, sizeof f4},
	};
	/* The private half never leaves the token (sensitive, not extractable)
	 * and does one thing: it signs. No decryption, unwrapping or key
	 * derivation with a signature key (ETSI EN 319 412-2 keyUsage; a key
	 * that decrypts can be made to sign by a padding oracle). */
	CK_ATTRIBUTE priv_t[] = {
		{CKA_TOKEN, &yes, sizeof yes},
		{CKA_PRIVATE, &yes, sizeof yes},
		{CKA_SENSITIVE, &yes, sizeof yes},
		{CKA_EXTRACTABLE, &no, sizeof no},
		{CKA_SIGN, &yes, sizeof yes},
		{CKA_DECRYPT, &no, sizeof no},
		{CKA_UNWRAP, &no, sizeof no},
		{CKA_DERIVE, &no, sizeof no},
		{CKA_SIGN_RECOVER, &no, sizeof no},
		{CKA_LABEL, label, strlen(k->label)},
		{CKA_ID, id, k->id_len},
	};
	CK_ULONG npub = sizeof pub_t / sizeof pub_t[0] - (ec ? 1 : 0);
	return f->C_GenerateKeyPair(s, &mech, pub_t, npub, priv_t, sizeof priv_t / sizeof priv_t[0], pub, priv);
}
