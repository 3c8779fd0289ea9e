/* PKCS#11 keys. Signing goes through libp11, which keeps a pool of sessions per
 * slot so that several threads sign at once. Token set-up and key generation use
 * the raw PKCS#11 API: libp11 0.4.12 can only generate RSA keys.
 *
 * One PKCS11_CTX per module and process, shared by every key (reference
 * counted): a second C_Initialize/C_Finalize pair would tear down the others. */
#include "pki/pki_internal.h"
#include "pki/p11_module.h"

#include <libp11.h>
#include <p11-kit/pkcs11.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct nl_p11 {
	char *module;
	PKCS11_CTX *ctx;
	PKCS11_SLOT *slots;
	unsigned nslots;
	int refs;
	struct nl_p11 *next;
};

static pthread_mutex_t p11_lock = PTHREAD_MUTEX_INITIALIZER;
static struct nl_p11 *p11_list;

static struct nl_p11 *p11_get(const char *module)
{
	struct nl_p11 *m;
	for (m = p11_list; m; m = m->next)
		if (!strcmp(m->module, module)) {
			m->refs++;
			return m;
		}
	m = calloc(1, sizeof *m);
	if (!m) return NULL;
	m->module = strdup(module);
	m->ctx = PKCS11_CTX_new();
	if (!m->module || !m->ctx || PKCS11_CTX_load(m->ctx, module) != 0)
		goto fail;
	if (PKCS11_enumerate_slots(m->ctx, &m->slots, &m->nslots) != 0) {
		PKCS11_CTX_unload(m->ctx);
		goto fail;
	}
	m->refs = 1;
	m->next = p11_list;
	p11_list = m;
	return m;
fail:
	if (m->ctx) PKCS11_CTX_free(m->ctx);
	free(m->module);
	free(m);
	return NULL;
}

static void p11_put(struct nl_p11 *m)
{
	if (--m->refs > 0) return;
	for (struct nl_p11 **pp = &p11_list; *pp; pp = &(*pp)->next)
		if (*pp == m) { *pp = m->next; break; }
	PKCS11_release_all_slots(m->ctx, m->slots, m->nslots);
	PKCS11_CTX_unload(m->ctx);
	PKCS11_CTX_free(m->ctx);
	free(m->module);
	free(m);
}

nl_err nl_p11_open(const char *module, const char *token, const char *key_label,
                   const char *pin, nl_pki_key *k)
{
	nl_err rc = NL_ERR_CONFIG;
	pthread_mutex_lock(&p11_lock);
	struct nl_p11 *m = p11_get(module);
	if (!m) { rc = NL_ERR_IO; goto out; }
	PKCS11_SLOT *slot = NULL;
	for (unsigned i = 0; i < m->nslots; i++)
		if (m->slots[i].token && m->slots[i].token->initialized &&
		    !strcmp(m->slots[i].token->label, token)) {
			slot = &m->slots[i];
			break;
		}
	if (!slot) goto fail;
	int logged = 0;
	/* Login is per application, shared by every session of the pool. */
	if (PKCS11_is_logged_in(slot, 0, &logged) != 0 || !logged) {
		if (PKCS11_open_session(slot, 0) != 0 || PKCS11_login(slot, 0, pin) != 0) {
			rc = NL_ERR_UNAUTHORIZED;
			goto fail;
		}
	}
	PKCS11_KEY *keys = NULL;
	unsigned nkeys = 0;
	if (PKCS11_enumerate_keys(slot->token, &keys, &nkeys) != 0) goto fail;
	for (unsigned i = 0; i < nkeys; i++)
		if (keys[i].isPrivate && keys[i].label && !strcmp(keys[i].label, key_label)) {
			k->pkey = PKCS11_get_private_key(&keys[i]);
			break;
		}
	if (!k->pkey) { rc = NL_ERR_NOT_FOUND; goto fail; }
	k->p11 = m;
	rc = NL_OK;
	goto out;
fail:
	p11_put(m);
out:
	pthread_mutex_unlock(&p11_lock);
	ERR_clear_error();
	return rc;
}

void nl_p11_close(nl_pki_key *k)
{
	if (!k->p11) return;
	pthread_mutex_lock(&p11_lock);
	p11_put(k->p11);
	k->p11 = NULL;
	pthread_mutex_unlock(&p11_lock);
}

/* ---- raw PKCS#11 for set-up ---- */

/* Finds the slot of an initialised token with this label, or (want_free) the
 * first slot whose token is not initialised yet (SoftHSM2 always offers one). */
static NL_MUST_USE nl_err raw_find_slot(struct nl_p11_module *r, const char *label, bool want_free,
                           CK_SLOT_ID *out)
{
	CK_SLOT_ID ids[64];
	CK_ULONG n = 64;
	CK_UTF8CHAR want[32];
	nl_p11_pad32(want, label);
	if (r->f->C_GetSlotList(CK_TRUE, ids, &n) != CKR_OK) return NL_ERR_IO;
	for (CK_ULONG i = 0; i < n; i++) {
		CK_TOKEN_INFO ti;
		if (r->f->C_GetTokenInfo(ids[i], &ti) != CKR_OK) continue;
		bool init = ti.flags & CKF_TOKEN_INITIALIZED;
		if ((want_free && !init) || (!want_free && init && !memcmp(ti.label, want, 32))) {
			*out = ids[i];
			return NL_OK;
		}
	}
	return NL_ERR_NOT_FOUND;
}

nl_err nl_pki_p11_init_token(const char *module, const char *label, const char *pin,
                             const char *so_pin)
{
	struct nl_p11_module r;
	CK_SLOT_ID slot;
	CK_SESSION_HANDLE s = CK_INVALID_HANDLE;
	CK_UTF8CHAR lab[32];
	nl_err rc = nl_p11_module_open(module, &r);
	if (rc) return rc;
	if ((rc = raw_find_slot(&r, label, true, &slot))) goto out;
	nl_p11_pad32(lab, label);
	rc = NL_ERR_CRYPTO;
	if (r.f->C_InitToken(slot, (CK_UTF8CHAR_PTR)(uintptr_t)so_pin, strlen(so_pin), lab) != CKR_OK)
		goto out;
	/* SoftHSM2 moves an initialised token to a new slot id: look it up again. */
	if ((rc = raw_find_slot(&r, label, false, &slot))) goto out;
	rc = NL_ERR_CRYPTO;
	if (r.f->C_OpenSession(slot, CKF_SERIAL_SESSION | CKF_RW_SESSION, NULL, NULL, &s) != CKR_OK ||
	    r.f->C_Login(s, CKU_SO, (CK_UTF8CHAR_PTR)(uintptr_t)so_pin, strlen(so_pin)) != CKR_OK ||
	    r.f->C_InitPIN(s, (CK_UTF8CHAR_PTR)(uintptr_t)pin, strlen(pin)) != CKR_OK)
		goto out;
	r.f->C_Logout(s);
	rc = NL_OK;
out:
	if (s != CK_INVALID_HANDLE) r.f->C_CloseSession(s);
	nl_p11_module_close(&r);
	return rc;
}

nl_err nl_p11_generate(const char *module, const char *token, const char *key_label,
                       const char *pin, enum nl_key_type t)
{
	static CK_BYTE p256[] = {0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07};
	static CK_BYTE p384[] = {0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x22};
	CK_BYTE id[NL_SERIAL_LEN];
	struct nl_p11_module r;
	CK_SLOT_ID slot;
	CK_SESSION_HANDLE s = CK_INVALID_HANDLE;
	CK_OBJECT_HANDLE pub, priv;
	bool ec = t == NL_KEY_P256 || t == NL_KEY_P384;
	nl_pki_serial_random(id);   /* any unique id ties the two halves together */
	const struct nl_p11_keygen kg = {
		.ec_params = !ec ? NULL : t == NL_KEY_P256 ? p256 : p384,
		.ec_params_len = t == NL_KEY_P256 ? sizeof p256 : sizeof p384,
		.rsa_bits = t == NL_KEY_RSA4096 ? 4096 : 3072,
		.label = key_label, .id = id, .id_len = sizeof id,
	};
	nl_err rc = nl_p11_module_open(module, &r);
	if (rc) return rc;
	if ((rc = raw_find_slot(&r, token, false, &slot))) goto out;
	rc = NL_ERR_CRYPTO;
	if (r.f->C_OpenSession(slot, CKF_SERIAL_SESSION | CKF_RW_SESSION, NULL, NULL, &s) != CKR_OK)
		goto out;
	CK_RV lv = r.f->C_Login(s, CKU_USER, (CK_UTF8CHAR_PTR)(uintptr_t)pin, strlen(pin));
	if (lv != CKR_OK && lv != CKR_USER_ALREADY_LOGGED_IN) { rc = NL_ERR_UNAUTHORIZED; goto out; }
	if (nl_p11_generate_pair(r.f, s, &kg, &pub, &priv) != CKR_OK)
		goto out;
	rc = NL_OK;
out:
	if (s != CK_INVALID_HANDLE) r.f->C_CloseSession(s);
	nl_p11_module_close(&r);
	return rc;
}
