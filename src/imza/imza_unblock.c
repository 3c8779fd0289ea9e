/* Kilit Çözme's steps (imza_unblock.h) on plain PKCS#11 through the module's
 * C_GetFunctionList (nothing but the token's own calls is needed), libcurl
 * and OpenSSL's certificate parser. */
#include <ctype.h>
#include <curl/curl.h>
#include <dlfcn.h>
#include <jansson.h>
#include <limits.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <p11-kit/pkcs11.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "imza/imza_i18n.h"
#include "imza/imza_unblock.h"

#define MAX_SLOTS 32
#define MAX_CERTS 16

struct nl_unblock_card {
	void *dl;
	CK_FUNCTION_LIST_PTR f;
	CK_SESSION_HANDLE s;
	bool initialized, open, logged_in;
	char label[33];
	CK_FLAGS token_flags;
};

static void say(char *msg, size_t cap, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void say(char *msg, size_t cap, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, cap, fmt, ap);
	va_end(ap);
}

void nl_unblock_target_clear(struct nl_unblock_target *t)
{
	free(t->der);
	memset(t, 0, sizeof *t);
}

bool nl_unblock_code_ok(const char *code)
{
	return strlen(code) == NL_IMZA_UNBLOCK_DIGITS &&
	       strspn(code, "0123456789") == NL_IMZA_UNBLOCK_DIGITS;
}

bool nl_unblock_pin_ok(const char *p)
{
	size_t n = strlen(p);
	if (n < 4 || n > 16)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isdigit((unsigned char)p[i]))
			return false;
	return true;
}

void nl_unblock_close(nl_unblock_card *c)
{
	if (!c)
		return;
	if (c->logged_in)
		c->f->C_Logout(c->s);
	if (c->open)
		c->f->C_CloseSession(c->s);
	if (c->initialized)
		c->f->C_Finalize(NULL);
	if (c->dl)
		dlclose(c->dl);
	free(c);
}

const char *nl_unblock_label(const nl_unblock_card *c)
{
	return c->label;
}

bool nl_unblock_pin_locked(const nl_unblock_card *c)
{
	return (c->token_flags & CKF_USER_PIN_LOCKED) != 0;
}

static void label_of(const CK_UTF8CHAR *p, char out[33])
{
	memcpy(out, p, 32);
	out[32] = '\0';
	for (int i = 31; i >= 0 && out[i] == ' '; i--)
		out[i] = '\0';
}

/* Loads the module and opens a read-write session on the token named label
 * (or the only token present). */
int nl_unblock_open(const char *module, const char *label, nl_unblock_card **out, char *msg,
                    size_t cap)
{
	CK_RV (*get)(CK_FUNCTION_LIST_PTR_PTR);
	CK_SLOT_ID slots[MAX_SLOTS];
	CK_ULONG n = MAX_SLOTS;
	int st = 2;
	nl_unblock_card *c = calloc(1, sizeof *c);
	*out = NULL;
	if (!c)
		return 2;
	if (!(c->dl = dlopen(module, RTLD_NOW | RTLD_LOCAL))) {
		say(msg, cap, T("The PKCS#11 module could not be loaded: %s"), module);
		goto fail;
	}
	*(void **)&get = dlsym(c->dl, "C_GetFunctionList");
	CK_RV rv = get && get(&c->f) == CKR_OK ? c->f->C_Initialize(NULL) : CKR_GENERAL_ERROR;
	/* Already initialised: another part of this process (the window's
	 * signing card) holds the module; it finalises it, not we. */
	if (rv != CKR_OK && rv != CKR_CRYPTOKI_ALREADY_INITIALIZED) {
		say(msg, cap, T("The PKCS#11 module could not be started: %s"), module);
		goto fail;
	}
	c->initialized = rv == CKR_OK;
	st = 3;
	if (c->f->C_GetSlotList(CK_TRUE, slots, &n) != CKR_OK)
		n = 0;
	int found = -1, count = 0;
	for (CK_ULONG i = 0; i < n; i++) {
		CK_TOKEN_INFO ti;
		char l[33];
		if (c->f->C_GetTokenInfo(slots[i], &ti) != CKR_OK || !(ti.flags & CKF_TOKEN_INITIALIZED))
			continue;
		label_of(ti.label, l);
		if (label && strcmp(l, label))
			continue;
		count++;
		if (found < 0) {
			found = (int)i;
			snprintf(c->label, sizeof c->label, "%s", l);
			c->token_flags = ti.flags;
		}
	}
	if (found < 0 || (!label && count > 1)) {
		say(msg, cap, "%s", found < 0 ? T("No card found: make sure your card is inserted.")
		                              : T("More than one card is inserted: choose one with --token."));
		goto fail;
	}
	if (c->f->C_OpenSession(slots[found], CKF_SERIAL_SESSION | CKF_RW_SESSION, NULL, NULL,
	                        &c->s) != CKR_OK) {
		say(msg, cap, "%s", T("No session could be opened with the card."));
		goto fail;
	}
	c->open = true;
	*out = c;
	return 0;
fail:
	nl_unblock_close(c);
	return st;
}

int nl_unblock_puk(nl_unblock_card *c, const char *puk, char *msg, size_t cap)
{
	CK_RV rv = c->f->C_Login(c->s, CKU_SO, (CK_UTF8CHAR_PTR)(uintptr_t)puk, (CK_ULONG)strlen(puk));
	if (rv == CKR_OK) {
		c->logged_in = true;
		return 0;
	}
	if (rv == CKR_PIN_LOCKED)
		say(msg, cap, "%s", T("The PUK is blocked too: the card cannot be opened. Apply for a new "
		                      "certificate with the reason PIN/PUK lost or stolen."));
	else
		say(msg, cap, "%s", T("Wrong PUK. Your unblock code was not used."));
	return 3;
}

static size_t sink(char *p, size_t size, size_t n, void *ctx)
{
	nl_buf *b = ctx;
	if (b->len + size * n > 65536)
		return 0;
	nl_buf_append(b, p, size * n);
	return b->oom ? 0 : size * n;
}

/* GET (check) or POST (spend) /api/v1/kilit/{code}: 0 with the answer in
 * *j, 1 with the server's reason in msg, 2 when it cannot be reached. */
static int call(const char *server, const char *code, bool post, json_t **j, char *msg, size_t cap)
{
	char url[1024];
	size_t sl = strlen(server);
	while (sl > 0 && server[sl - 1] == '/')
		sl--;
	snprintf(url, sizeof url, "%.*s/api/v1/kilit/%s", (int)sl, server, code);
	nl_buf body = NL_BUF_INIT;
	long status = 0;
	int rc = 2;
	*j = NULL;
	CURL *h = curl_easy_init();
	if (!h)
		return 2;
	struct curl_slist *hdr = curl_slist_append(NULL, "Accept: application/json");
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdr);
	if (post)
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, "");
	curl_easy_setopt(h, CURLOPT_TIMEOUT, 60L);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, sink);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &body);
	CURLcode cc = curl_easy_perform(h);
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
	curl_slist_free_all(hdr);
	curl_easy_cleanup(h);
	if (cc != CURLE_OK) {
		say(msg, cap, T("The server could not be reached (%s): %s"), url, curl_easy_strerror(cc));
		goto out;
	}
	json_t *a = json_loadb(body.data ? body.data : "", body.len, 0, NULL);
	const char *m = json_string_value(json_object_get(a, "message"));
	if (!m)
		m = json_string_value(json_object_get(json_object_get(a, "error"), "message"));
	say(msg, cap, "%s", m ? m : T("The server did not accept the code."));
	if (status == 200 && json_string_value(json_object_get(a, "serial"))) {
		*j = a;
		rc = 0;
	} else {
		json_decref(a);
		rc = 1;
	}
out:
	nl_buf_free(&body);
	return rc;
}

int nl_unblock_check(const char *server, const char *code, struct nl_unblock_target *t,
                     char *msg, size_t cap)
{
	json_t *j;
	memset(t, 0, sizeof *t);
	int rc = call(server, code, false, &j, msg, cap);
	if (rc)
		return rc;
	snprintf(t->serial, sizeof t->serial, "%s", json_string_value(json_object_get(j, "serial")));
	snprintf(t->message, sizeof t->message, "%s", msg);
	const char *b64 = json_string_value(json_object_get(j, "certificate"));
	if (b64 && *b64) {
		size_t n = strlen(b64);
		/* EVP_DecodeBlock takes an int: a longer text is no certificate. */
		t->der = n <= INT_MAX ? malloc(n) : NULL;
		int len = t->der ? EVP_DecodeBlock(t->der, (const unsigned char *)b64, (int)n) : -1;
		if (len > 0) {
			/* EVP_DecodeBlock counts the padding as zero bytes; DER knows its length. */
			const unsigned char *q = t->der;
			X509 *x = d2i_X509(NULL, &q, len);
			t->der_len = x ? (size_t)(q - t->der) : 0;
			X509_free(x);
		}
		if (!t->der_len) {
			free(t->der);
			t->der = NULL;
		}
	}
	json_decref(j);
	return 0;
}

/* Whether x has the serial (upper-case hex, leading zeros ignored). */
static bool serial_is(const X509 *x, const char *want)
{
	BIGNUM *bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(x), NULL);
	char *hex = bn ? BN_bn2hex(bn) : NULL;
	const char *h = hex;
	while (h && *h == '0')
		h++;
	while (*want == '0')
		want++;
	bool same = h && !strcasecmp(h, want);
	OPENSSL_free(hex);
	BN_free(bn);
	return same;
}

int nl_unblock_match(nl_unblock_card *c, const struct nl_unblock_target *t, char *msg, size_t cap)
{
	CK_OBJECT_CLASS cls = CKO_CERTIFICATE;
	CK_ATTRIBUTE tmpl[] = {{CKA_CLASS, &cls, sizeof cls}};
	CK_OBJECT_HANDLE objs[MAX_CERTS];
	CK_ULONG n = 0;
	bool match = false;
	X509 *want = NULL;
	if (t->der) {
		const unsigned char *q = t->der;
		want = d2i_X509(NULL, &q, (long)t->der_len);
	}
	if (c->f->C_FindObjectsInit(c->s, tmpl, 1) == CKR_OK) {
		c->f->C_FindObjects(c->s, objs, MAX_CERTS, &n);
		c->f->C_FindObjectsFinal(c->s);
	}
	/* Issuer and serial come from the certificate itself (CKA_VALUE), not
	 * from CKA_SERIAL_NUMBER or CKA_ISSUER, which not every writer sets. */
	for (CK_ULONG i = 0; i < n && !match; i++) {
		CK_ATTRIBUTE a = {CKA_VALUE, NULL, 0};
		if (c->f->C_GetAttributeValue(c->s, objs[i], &a, 1) != CKR_OK || !a.ulValueLen ||
		    a.ulValueLen > 65536)
			continue;
		unsigned char *der = malloc(a.ulValueLen);
		a.pValue = der;
		if (der && c->f->C_GetAttributeValue(c->s, objs[i], &a, 1) == CKR_OK) {
			const unsigned char *q = der;
			X509 *x = d2i_X509(NULL, &q, (long)a.ulValueLen);
			if (x && serial_is(x, t->serial))
				match = !want || !X509_NAME_cmp(X509_get_issuer_name(x), X509_get_issuer_name(want));
			X509_free(x);
		}
		free(der);
	}
	X509_free(want);
	if (!match)
		say(msg, cap, "%s", T("This unblock code was not issued for the certificate on this card."));
	return match ? 0 : 1;
}

int nl_unblock_set_pin(nl_unblock_card *c, const char *pin, char *msg, size_t cap)
{
	if (!nl_unblock_pin_ok(pin)) {
		say(msg, cap, "%s", T("The PIN must be 4 to 16 digits."));
		return 2;
	}
	CK_RV rv = c->f->C_InitPIN(c->s, (CK_UTF8CHAR_PTR)(uintptr_t)pin, (CK_ULONG)strlen(pin));
	if (rv != CKR_OK) {
		say(msg, cap, T("The card did not take the new PIN (0x%lx)."), (unsigned long)rv);
		return 3;
	}
	say(msg, cap, "%s", T("Your new PIN is on your card. Your card is unblocked."));
	return 0;
}

int nl_unblock_spend(const char *server, const char *code, char *msg, size_t cap)
{
	json_t *j;
	int rc = call(server, code, true, &j, msg, cap);
	json_decref(j);
	return rc;
}
