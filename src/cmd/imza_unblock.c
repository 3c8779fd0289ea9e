/* nitelik-imza --unblock (imza_unblock.h): Kilit Çözme on the holder's own
 * computer.
 *
 *   1. asks the one-time unblock code shown in Online İşlemler → Kilit Çözme;
 *   2. asks the PUK and logs in to the card as its security officer (PKCS#11
 *      C_Login CKU_SO: on a signature card the PUK is the SO PIN), so a wrong
 *      PUK is told before the code is spent;
 *   3. has the server check the code (POST /api/v1/kilit/{code}; used once,
 *      audited) and that the card holds the certificate the code was issued
 *      for;
 *   4. asks the new PIN twice without echo and sets it (C_InitPIN), which also
 *      clears the card's blocked state and its wrong-PIN counter.
 * The PUK and the PINs never leave this computer. NITELIK_IMZA_PUK and
 * NITELIK_IMZA_NEW_PIN stand in for the terminal in tests only.
 *
 * Plain PKCS#11 through the module's C_GetFunctionList: nothing but the
 * token's own calls is needed. */
#include <ctype.h>
#include <curl/curl.h>
#include <dlfcn.h>
#include <jansson.h>
#include <p11-kit/pkcs11.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd/imza_tty.h"
#include "cmd/imza_unblock.h"
#include "core/buf.h"

#define MAX_SLOTS 32
#define MAX_CERTS 16

struct card {
	void *dl;
	CK_FUNCTION_LIST_PTR f;
	CK_SESSION_HANDLE s;
	bool initialized, open;
	char label[33];
	CK_FLAGS token_flags;
};

static bool secret_input(const char *env, const char *prompt, char *out, size_t cap)
{
	const char *v = getenv(env);
	if (v) {
		snprintf(out, cap, "%s", v);
		return true;
	}
	return nl_imza_read_line(prompt, true, out, cap);
}

static void card_close(struct card *c)
{
	if (c->open)
		c->f->C_CloseSession(c->s);
	if (c->initialized)
		c->f->C_Finalize(NULL);
	if (c->dl)
		dlclose(c->dl);
	memset(c, 0, sizeof *c);
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
static int card_open(struct card *c, const char *module, const char *label)
{
	CK_RV (*get)(CK_FUNCTION_LIST_PTR_PTR);
	CK_SLOT_ID slots[MAX_SLOTS];
	CK_ULONG n = MAX_SLOTS;
	memset(c, 0, sizeof *c);
	if (!(c->dl = dlopen(module, RTLD_NOW | RTLD_LOCAL))) {
		fprintf(stderr, "PKCS#11 modülü yüklenemedi: %s\n", module);
		return 2;
	}
	*(void **)&get = dlsym(c->dl, "C_GetFunctionList");
	if (!get || get(&c->f) != CKR_OK || c->f->C_Initialize(NULL) != CKR_OK) {
		fprintf(stderr, "PKCS#11 modülü başlatılamadı: %s\n", module);
		return 2;
	}
	c->initialized = true;
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
		fprintf(stderr, found < 0 ? "Kart bulunamadı: kartınızın takılı olduğundan emin olunuz.\n"
		                          : "Birden fazla kart takılı: --token ile birini seçiniz.\n");
		return 3;
	}
	if (c->f->C_OpenSession(slots[found], CKF_SERIAL_SESSION | CKF_RW_SESSION, NULL, NULL,
	                        &c->s) != CKR_OK) {
		fprintf(stderr, "Kartla oturum açılamadı.\n");
		return 3;
	}
	c->open = true;
	return 0;
}

/* Whether a certificate on the card has this serial (upper-case hex).
 * CKA_SERIAL_NUMBER holds the DER INTEGER. */
static bool card_has_serial(struct card *c, const char *want)
{
	CK_OBJECT_CLASS cls = CKO_CERTIFICATE;
	CK_ATTRIBUTE tmpl[] = {{CKA_CLASS, &cls, sizeof cls}};
	CK_OBJECT_HANDLE objs[MAX_CERTS];
	CK_ULONG n = 0;
	bool match = false;
	if (c->f->C_FindObjectsInit(c->s, tmpl, 1) != CKR_OK)
		return false;
	c->f->C_FindObjects(c->s, objs, MAX_CERTS, &n);
	c->f->C_FindObjectsFinal(c->s);
	while (*want == '0')
		want++;
	for (CK_ULONG i = 0; i < n && !match; i++) {
		unsigned char der[64];
		char hex[129];
		CK_ATTRIBUTE a = {CKA_SERIAL_NUMBER, der, sizeof der};
		if (c->f->C_GetAttributeValue(c->s, objs[i], &a, 1) != CKR_OK || a.ulValueLen < 3 ||
		    der[0] != 0x02 || der[1] != a.ulValueLen - 2)
			continue;
		size_t k = 0;
		for (CK_ULONG j = 2; j < a.ulValueLen; j++)
			k += (size_t)snprintf(hex + k, sizeof hex - k, "%02X", der[j]);
		const char *h = hex;
		while (*h == '0')
			h++;
		match = !strcasecmp(h, want);
	}
	return match;
}

static size_t sink(char *p, size_t size, size_t n, void *ctx)
{
	nl_buf *b = ctx;
	if (b->len + size * n > 65536)
		return 0;
	nl_buf_append(b, p, size * n);
	return b->oom ? 0 : size * n;
}

/* POST /api/v1/kilit/{code}: 0 with the certificate's serial, 1 with the
 * server's reason printed, 2 when the server cannot be reached. */
static int server_check(const char *server, const char *code, char serial[64])
{
	char url[1024];
	size_t sl = strlen(server);
	while (sl > 0 && server[sl - 1] == '/')
		sl--;
	snprintf(url, sizeof url, "%.*s/api/v1/kilit/%s", (int)sl, server, code);
	nl_buf body = NL_BUF_INIT;
	long status = 0;
	int rc = 2;
	CURL *h = curl_easy_init();
	if (!h)
		return 2;
	struct curl_slist *hdr = curl_slist_append(NULL, "Accept: application/json");
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdr);
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
		fprintf(stderr, "Sunucuya ulaşılamadı (%s): %s\n", url, curl_easy_strerror(cc));
		goto out;
	}
	json_t *j = json_loadb(body.data ? body.data : "", body.len, 0, NULL);
	const char *s = json_string_value(json_object_get(j, "serial"));
	const char *msg = json_string_value(json_object_get(j, "message"));
	if (!msg)
		msg = json_string_value(json_object_get(json_object_get(j, "error"), "message"));
	if (status == 200 && s && strlen(s) < 64) {
		snprintf(serial, 64, "%s", s);
		if (msg)
			printf("%s\n", msg);
		rc = 0;
	} else {
		fprintf(stderr, "%s\n", msg ? msg : "Sunucu kodu kabul etmedi.");
		rc = 1;
	}
	json_decref(j);
out:
	nl_buf_free(&body);
	return rc;
}

static bool pin_ok(const char *p)
{
	size_t n = strlen(p);
	if (n < 4 || n > 16)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isdigit((unsigned char)p[i]))
			return false;
	return true;
}

int nl_imza_unblock(const char *server, const char *module, const char *token, const char *code_arg)
{
	char code[64], puk[128], pin[64], pin2[64], serial[64];
	struct card c;
	int st;
	if (!server) {
		fprintf(stderr, "--unblock needs --server URL\n");
		return 2;
	}
	if (!nl_imza_read_code(code_arg, "Kilit Çözme Kodu: ", code, sizeof code))
		return 2;
	if (strlen(code) != 12 || strspn(code, "0123456789") != 12) {
		fprintf(stderr, "Kilit çözme kodu 12 rakamdır.\n");
		return 2;
	}
	if ((st = card_open(&c, module, token)) != 0) {
		card_close(&c);
		return st;
	}
	fprintf(stderr, "Kart: %s%s\n", c.label,
	        (c.token_flags & CKF_USER_PIN_LOCKED) ? " (PIN bloke)" : "");
	st = 3;
	if (!secret_input("NITELIK_IMZA_PUK", "PUK Kodu: ", puk, sizeof puk))
		goto out;
	CK_RV rv = c.f->C_Login(c.s, CKU_SO, (CK_UTF8CHAR_PTR)puk, (CK_ULONG)strlen(puk));
	memset(puk, 0, sizeof puk);
	if (rv == CKR_PIN_LOCKED) {
		fprintf(stderr, "PUK da bloke: kart açılamaz. PIN/PUK Kayıp/Çalıntı nedeniyle yeni sertifika başvurusu yapınız.\n");
		goto out;
	}
	if (rv != CKR_OK) {
		fprintf(stderr, "PUK yanlış. Kilit çözme kodunuz kullanılmadı.\n");
		goto out;
	}
	if ((st = server_check(server, code, serial)) != 0)
		goto logout;
	if (!card_has_serial(&c, serial)) {
		fprintf(stderr, "Bu kilit çözme kodu bu karttaki sertifika için alınmamış.\n");
		st = 1;
		goto logout;
	}
	st = 3;
	for (int attempt = 0; attempt < 3; attempt++) {
		if (!secret_input("NITELIK_IMZA_NEW_PIN", "Yeni PIN: ", pin, sizeof pin) ||
		    !secret_input("NITELIK_IMZA_NEW_PIN", "Yeni PIN (tekrar): ", pin2, sizeof pin2)) {
			st = 2;
			break;
		}
		if (strcmp(pin, pin2)) {
			fprintf(stderr, "PIN'ler aynı değil.\n");
		} else if (!pin_ok(pin)) {
			fprintf(stderr, "PIN 4 ile 16 arasında rakamdan oluşmalıdır.\n");
		} else {
			rv = c.f->C_InitPIN(c.s, (CK_UTF8CHAR_PTR)pin, (CK_ULONG)strlen(pin));
			if (rv == CKR_OK) {
				printf("Yeni PIN'iniz kartınıza kaydedildi. Kartınızın kilidi çözüldü.\n");
				st = 0;
			} else {
				fprintf(stderr, "Kart yeni PIN'i kabul etmedi (0x%lx).\n", (unsigned long)rv);
			}
			break;
		}
		if (getenv("NITELIK_IMZA_NEW_PIN"))
			break;
	}
	memset(pin, 0, sizeof pin);
	memset(pin2, 0, sizeof pin2);
logout:
	c.f->C_Logout(c.s);
out:
	card_close(&c);
	return st;
}
