/* Equal answer times for every login door (login_person.c, holder_login.c,
 * staff.c). */
#ifndef NL_APP_LOGIN_DUMMY_H
#define NL_APP_LOGIN_DUMMY_H

#include "core/err.h"

/* The hash of a random password nobody knows, made once per process with
 * the process's cost: a login for an unknown name is verified against it,
 * so it costs what a known one costs and the answer time does not tell
 * which names exist. *hash points to static storage; on failure it is "". */
NL_MUST_USE nl_err nl_login_dummy_hash(const char **hash);

#endif
