/* The walls around nitelik-signer (docs/ca.md, "Signer deployment"), after
 * OpenBSD's acme-client key process: its own system user, one allowed client
 * user checked with SO_PEERCRED, secrets readable by the signer alone, and a
 * syscall filter once the keys are open. Only nitelik-signer links this. */
#ifndef NL_SIGNER_SANDBOX_H
#define NL_SIGNER_SANDBOX_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "core/err.h"

struct nl_signer_user {
	char name[64];
	uid_t uid;
	gid_t gid;   /* the primary group */
};

/* Looks a system user up by name. NL_ERR_NOT_FOUND when there is none. */
NL_MUST_USE nl_err nl_signer_user_lookup(const char *name, struct nl_signer_user *u);

/* Becomes `u` for good when running as root: supplementary groups (the
 * user's own, from /etc/group), gid, uid (in that order, so none can be taken
 * back). Not root: only checks that we
 * already are `u`. why receives the reason on error. */
NL_MUST_USE nl_err nl_signer_become(const struct nl_signer_user *u, char *why, size_t n);

/* A file holding a secret (PIN or key file): owned by `uid`, no access for
 * group or others. A folder (the SoftHSM2 token store): the same for the
 * folder and everything in it. NL_ERR_FORBIDDEN with the reason otherwise. */
NL_MUST_USE nl_err nl_signer_check_secret(const char *path, uid_t uid, char *why, size_t n);

/* The connecting process's uid/gid (SO_PEERCRED). */
NL_MUST_USE nl_err nl_signer_peer(int fd, uid_t *uid, gid_t *gid);

enum nl_seccomp_mode { NL_SECCOMP_OFF, NL_SECCOMP_LOG, NL_SECCOMP_KILL };
/* Loads the filter: only the syscalls a running signer needs (serving
 * sockets, threads, memory, SoftHSM2's reading of its token store); any other
 * kills the process (KILL) or is logged by the kernel and allowed (LOG). */
NL_MUST_USE nl_err nl_signer_seccomp(enum nl_seccomp_mode mode);

#endif
