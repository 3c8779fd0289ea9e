/* The signer's walls (sandbox.h). */
#include "signer/sandbox.h"

#include <dirent.h>
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <seccomp.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

nl_err nl_signer_user_lookup(const char *name, struct nl_signer_user *u)
{
	struct passwd pw, *res = NULL;
	char buf[4096];
	if (!name || !*name || strlen(name) >= sizeof u->name) return NL_ERR_CONFIG;
	if (getpwnam_r(name, &pw, buf, sizeof buf, &res) || !res) return NL_ERR_NOT_FOUND;
	snprintf(u->name, sizeof u->name, "%s", name);
	u->uid = pw.pw_uid;
	u->gid = pw.pw_gid;
	return NL_OK;
}

nl_err nl_signer_become(const struct nl_signer_user *u, char *why, size_t n)
{
	if (geteuid() != 0) {
		if (getuid() == u->uid && geteuid() == u->uid) return NL_OK;
		snprintf(why, n, "started as uid %u, not as root or as %s", (unsigned)geteuid(), u->name);
		return NL_ERR_CONFIG;
	}
	/* Groups first: after setuid they could not be changed. Only the user's own
	 * (its primary group and those /etc/group gives it, e.g. to traverse the
	 * data folder); root's are gone. */
	if (initgroups(u->name, u->gid) || setresgid(u->gid, u->gid, u->gid) ||
	    setresuid(u->uid, u->uid, u->uid)) {
		snprintf(why, n, "cannot become %s: %s", u->name, strerror(errno));
		return NL_ERR_CONFIG;
	}
	/* Root must be gone for good. */
	if (setuid(0) == 0 || seteuid(0) == 0) {
		snprintf(why, n, "could regain root after becoming %s", u->name);
		return NL_ERR_INTERNAL;
	}
	return NL_OK;
}

static NL_MUST_USE nl_err check_one(const char *path, const struct stat *st, uid_t uid, char *why, size_t n)
{
	if (st->st_uid != uid) {
		snprintf(why, n, "%s belongs to uid %u, not to the signer's user (uid %u)", path,
		         (unsigned)st->st_uid, (unsigned)uid);
		return NL_ERR_FORBIDDEN;
	}
	if (!S_ISLNK(st->st_mode) && (st->st_mode & 077)) {
		snprintf(why, n, "%s is readable or writable by group or others (mode %03o); "
		                 "chmod go-rwx it", path, (unsigned)(st->st_mode & 0777));
		return NL_ERR_FORBIDDEN;
	}
	return NL_OK;
}

static NL_MUST_USE nl_err check_tree(const char *path, uid_t uid, int depth, char *why, size_t n)
{
	struct stat st;
	if (lstat(path, &st)) {
		snprintf(why, n, "%s: %s", path, strerror(errno));
		return NL_ERR_CONFIG;
	}
	nl_err rc = check_one(path, &st, uid, why, n);
	if (rc || !S_ISDIR(st.st_mode) || depth > 4) return rc;
	DIR *d = opendir(path);
	if (!d) {
		snprintf(why, n, "%s: %s", path, strerror(errno));
		return NL_ERR_CONFIG;
	}
	struct dirent *e;
	while (!rc && (e = readdir(d))) {
		char sub[1024];
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
		if ((size_t)snprintf(sub, sizeof sub, "%s/%s", path, e->d_name) >= sizeof sub) continue;
		rc = check_tree(sub, uid, depth + 1, why, n);
	}
	closedir(d);
	return rc;
}

nl_err nl_signer_check_secret(const char *path, uid_t uid, char *why, size_t n)
{
	return check_tree(path, uid, 0, why, n);
}

nl_err nl_signer_peer(int fd, uid_t *uid, gid_t *gid)
{
	struct ucred cr;
	socklen_t len = sizeof cr;
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &len) || len != sizeof cr) return NL_ERR_IO;
	*uid = cr.uid;
	*gid = cr.gid;
	return NL_OK;
}

/* What a signer does once its keys are open: serve Unix sockets on threads,
 * allocate, sign through SoftHSM2 (which re-reads and locks its token files to
 * notice changes by other processes) or an HSM module, and stop. No exec, no
 * new sockets, no ptrace, no mount, no setuid, no network. */
static const char *const allowed[] = {
	/* sockets already open, the signalfd, poll */
	"read", "write", "readv", "writev", "pread64", "pwrite64", "close", "accept4", "accept",
	"recvfrom", "sendto", "recvmsg", "sendmsg", "shutdown", "getsockopt", "setsockopt",
	"poll", "ppoll", "epoll_wait", "epoll_pwait", "select", "pselect6",
	/* threads and memory */
	"futex", "futex_waitv", "clone", "clone3", "set_robust_list", "get_robust_list", "rseq",
	"set_tid_address", "exit", "exit_group", "mmap", "munmap", "mprotect", "mremap", "madvise",
	"brk", "mlock", "munlock", "mlockall", "munlockall", "membarrier", "sched_yield",
	"sched_getaffinity", "gettid", "getpid", "getppid", "tgkill", "getuid", "geteuid",
	"getgid", "getegid",
	/* signals (stop, abort) */
	"rt_sigprocmask", "rt_sigaction", "rt_sigreturn", "sigaltstack", "restart_syscall",
	/* time and randomness */
	"clock_gettime", "clock_getres", "gettimeofday", "time", "nanosleep", "clock_nanosleep",
	"getrandom",
	/* SoftHSM2 token store and the socket removal at stop */
	"openat", "open", "fstat", "newfstatat", "stat", "lstat", "statx", "lseek", "fcntl",
	"flock", "getdents64", "access", "faccessat", "faccessat2", "readlink", "readlinkat",
	"fsync", "fdatasync", "ftruncate", "unlink", "unlinkat", "getcwd", "umask", "uname",
	"prlimit64", "getrlimit", "ioctl",
	/* PKCS#11 modules of HSMs talk to a local daemon (socket: AF_UNIX only, below) */
	"connect", "getsockname", "getpeername",
#if defined(__SANITIZE_ADDRESS__)
	/* AddressSanitizer's leak check at exit stops the threads with ptrace. */
	"ptrace", "prctl", "wait4", "waitid", "getdents", "sched_setaffinity",
#endif
};

nl_err nl_signer_seccomp(enum nl_seccomp_mode mode)
{
	if (mode == NL_SECCOMP_OFF) return NL_OK;
	scmp_filter_ctx f = seccomp_init(mode == NL_SECCOMP_KILL ? SCMP_ACT_KILL_PROCESS : SCMP_ACT_LOG);
	nl_err rc = NL_ERR_INTERNAL;
	if (!f) return rc;
	for (size_t i = 0; i < sizeof allowed / sizeof allowed[0]; i++) {
		int nr = seccomp_syscall_resolve_name(allowed[i]);
		if (nr == __NR_SCMP_ERROR) continue;   /* not on this architecture */
		if (seccomp_rule_add(f, SCMP_ACT_ALLOW, nr, 0)) goto out;
	}
	struct scmp_arg_cmp unix_only = {.arg = 0, .op = SCMP_CMP_EQ, .datum_a = AF_UNIX, .datum_b = 0};
	if (seccomp_rule_add_array(f, SCMP_ACT_ALLOW, SCMP_SYS(socket), 1, &unix_only))
		goto out;
	if (seccomp_load(f)) goto out;
	rc = NL_OK;
out:
	seccomp_release(f);
	return rc;
}
