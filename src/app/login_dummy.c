/* Equal answer times for every login door (login_dummy.h). */
#include "app/login_dummy.h"

#include <pthread.h>

#include "core/secret.h"

static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;
static char dummy_hash[NL_PWHASH_LEN];
static nl_err dummy_rc = NL_ERR_INTERNAL;

static void make_dummy(void)
{
	char pw[33];
	nl_random_hex(16, pw);
	dummy_rc = nl_password_hash(pw, dummy_hash);
	if (dummy_rc)
		dummy_hash[0] = '\0';
}

nl_err nl_login_dummy_hash(const char **hash)
{
	pthread_once(&dummy_once, make_dummy);
	*hash = dummy_hash;
	return dummy_rc;
}
