/* The ceiling of bench/issue.sh: C_Sign (CKM_ECDSA over a SHA-384 digest)
 * per second with the issuing key in the CA's SoftHSM2 token, on THREADS
 * threads each with its own session, as the signer would at best.
 * Usage: p11sign MODULE TOKEN_LABEL KEY_LABEL PIN_FILE THREADS SECONDS
 * (SOFTHSM2_CONF set) -> prints signatures/s */
#include <dlfcn.h>
#include <stdbool.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <p11-kit/pkcs11.h>

static CK_FUNCTION_LIST_PTR f;
static CK_SLOT_ID slot;
static const char *key_label;
static double until;
static atomic_long done;
static atomic_int failed;

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void *worker(void *arg)
{
	CK_SESSION_HANDLE s;
	CK_OBJECT_CLASS cls = CKO_PRIVATE_KEY;
	CK_ATTRIBUTE tmpl[] = {
		{CKA_CLASS, &cls, sizeof cls},
		{CKA_LABEL, (void *)key_label, strlen(key_label)},
	};
	CK_OBJECT_HANDLE key;
	CK_ULONG n = 0;
	CK_MECHANISM mech = {CKM_ECDSA, NULL, 0};
	unsigned char digest[48], sig[512];
	(void)arg;
	memset(digest, 0x5a, sizeof digest);
	if (f->C_OpenSession(slot, CKF_SERIAL_SESSION, NULL, NULL, &s) != CKR_OK ||
	    f->C_FindObjectsInit(s, tmpl, 2) != CKR_OK || f->C_FindObjects(s, &key, 1, &n) != CKR_OK ||
	    f->C_FindObjectsFinal(s) != CKR_OK || n != 1) {
		atomic_store(&failed, 1);
		return NULL;
	}
	while (now() < until) {
		CK_ULONG len = sizeof sig;
		if (f->C_SignInit(s, &mech, key) != CKR_OK ||
		    f->C_Sign(s, digest, sizeof digest, sig, &len) != CKR_OK) {
			atomic_store(&failed, 1);
			break;
		}
		atomic_fetch_add(&done, 1);
	}
	f->C_CloseSession(s);
	return NULL;
}

int main(int argc, char **argv)
{
	if (argc != 7)
		return 2;
	void *dl = dlopen(argv[1], RTLD_NOW);
	CK_C_GetFunctionList get = dl ? (CK_C_GetFunctionList)dlsym(dl, "C_GetFunctionList") : NULL;
	CK_C_INITIALIZE_ARGS ia = {.flags = CKF_OS_LOCKING_OK};
	if (!get || get(&f) != CKR_OK || f->C_Initialize(&ia) != CKR_OK)
		return 1;
	CK_SLOT_ID slots[64];
	CK_ULONG ns = 64;
	char want[33];
	snprintf(want, sizeof want, "%-32s", argv[2]);
	bool found = false;
	if (f->C_GetSlotList(CK_TRUE, slots, &ns) != CKR_OK)
		return 1;
	for (CK_ULONG i = 0; i < ns && !found; i++) {
		CK_TOKEN_INFO ti;
		if (f->C_GetTokenInfo(slots[i], &ti) == CKR_OK && !memcmp(ti.label, want, 32)) {
			slot = slots[i];
			found = true;
		}
	}
	char pin[256] = "";
	FILE *pf = fopen(argv[4], "r");
	if (!found || !pf || !fgets(pin, sizeof pin, pf))
		return 1;
	fclose(pf);
	pin[strcspn(pin, "\r\n")] = '\0';
	CK_SESSION_HANDLE login;
	if (f->C_OpenSession(slot, CKF_SERIAL_SESSION, NULL, NULL, &login) != CKR_OK ||
	    f->C_Login(login, CKU_USER, (CK_UTF8CHAR_PTR)pin, strlen(pin)) != CKR_OK)
		return 1;
	key_label = argv[3];
	int n = atoi(argv[5]);
	double t0 = now();
	until = t0 + atof(argv[6]);
	pthread_t th[256];
	for (int i = 0; i < n && i < 256; i++)
		pthread_create(&th[i], NULL, worker, NULL);
	for (int i = 0; i < n && i < 256; i++)
		pthread_join(th[i], NULL);
	if (atomic_load(&failed))
		return 1;
	printf("%.1f\n", (double)atomic_load(&done) / (now() - t0));
	f->C_Logout(login);
	f->C_Finalize(NULL);
	return 0;
}
