/* A PKCS#11 module for tests that wraps another one (SoftHSM2) and counts
 * wrong user PINs the way a signature card does, because SoftHSM2 does not:
 * after NL_SHIM_MAX_TRIES wrong PINs in a row the user PIN is locked
 * (CKR_PIN_LOCKED, CKF_USER_PIN_LOCKED) until C_InitPIN sets a new one (the
 * PUK path of Kilit Çözme, tests/http/test_selfservice.py). C_GetTokenInfo
 * reports the flags a card shows on the way there, which nitelik-imza turns
 * into its tries-left messages (tests/http/test_esign_pin.py):
 * CKF_USER_PIN_COUNT_LOW after one wrong PIN, CKF_USER_PIN_FINAL_TRY (with
 * COUNT_LOW) after two, CKF_USER_PIN_LOCKED after three; a right PIN or
 * C_InitPIN clears them.
 *
 * Environment: NL_P11SHIM_MODULE  the real module;
 *              NL_P11SHIM_STATE   a file holding the count, so that it
 *                                 survives between processes like a card's. */
#include <dlfcn.h>
#include <p11-kit/pkcs11.h>
#include <stdio.h>
#include <stdlib.h>

#define NL_SHIM_MAX_TRIES 3

static CK_FUNCTION_LIST mine;
static CK_FUNCTION_LIST_PTR real;
static void *lib;

static int count_get(void)
{
	const char *path = getenv("NL_P11SHIM_STATE");
	FILE *f = path ? fopen(path, "r") : NULL;
	int n = 0;
	if (f) {
		if (fscanf(f, "%d", &n) != 1)
			n = 0;
		fclose(f);
	}
	return n;
}

static void count_set(int n)
{
	const char *path = getenv("NL_P11SHIM_STATE");
	FILE *f = path ? fopen(path, "w") : NULL;
	if (f) {
		fprintf(f, "%d\n", n);
		fclose(f);
	}
}

static CK_RV shim_login(CK_SESSION_HANDLE s, CK_USER_TYPE who, CK_UTF8CHAR_PTR pin, CK_ULONG len)
{
	if (who != CKU_USER)
		return real->C_Login(s, who, pin, len);
	int n = count_get();
	if (n >= NL_SHIM_MAX_TRIES)
		return CKR_PIN_LOCKED;
	CK_RV rv = real->C_Login(s, who, pin, len);
	if (rv == CKR_PIN_INCORRECT)
		count_set(n + 1);
	else if (rv == CKR_OK && n)
		count_set(0);
	return rv;
}

static CK_RV shim_token_info(CK_SLOT_ID slot, CK_TOKEN_INFO_PTR info)
{
	CK_RV rv = real->C_GetTokenInfo(slot, info);
	if (rv != CKR_OK)
		return rv;
	int n = count_get();
	info->flags &= ~(CK_FLAGS)(CKF_USER_PIN_COUNT_LOW | CKF_USER_PIN_FINAL_TRY | CKF_USER_PIN_LOCKED);
	if (n >= NL_SHIM_MAX_TRIES)
		info->flags |= CKF_USER_PIN_LOCKED;
	else if (n == NL_SHIM_MAX_TRIES - 1)
		info->flags |= CKF_USER_PIN_COUNT_LOW | CKF_USER_PIN_FINAL_TRY;
	else if (n > 0)
		info->flags |= CKF_USER_PIN_COUNT_LOW;
	return rv;
}

static CK_RV shim_init_pin(CK_SESSION_HANDLE s, CK_UTF8CHAR_PTR pin, CK_ULONG len)
{
	CK_RV rv = real->C_InitPIN(s, pin, len);
	if (rv == CKR_OK)
		count_set(0);
	return rv;
}

CK_RV C_GetFunctionList(CK_FUNCTION_LIST_PTR_PTR out);

CK_RV C_GetFunctionList(CK_FUNCTION_LIST_PTR_PTR out)
{
	if (!real) {
		const char *path = getenv("NL_P11SHIM_MODULE");
		CK_RV (*get)(CK_FUNCTION_LIST_PTR_PTR);
		if (!path || !(lib = dlopen(path, RTLD_NOW | RTLD_LOCAL)))
			return CKR_GENERAL_ERROR;
		*(void **)&get = dlsym(lib, "C_GetFunctionList");
		if (!get || get(&real) != CKR_OK)
			return CKR_GENERAL_ERROR;
		mine = *real;
		mine.C_GetFunctionList = C_GetFunctionList;
		mine.C_Login = shim_login;
		mine.C_GetTokenInfo = shim_token_info;
		mine.C_InitPIN = shim_init_pin;
	}
	*out = &mine;
	return CKR_OK;
}
