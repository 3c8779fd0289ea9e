/* Counters of failed logins, kept in the database so that every node of a
 * cluster sees the same counts (table login_throttle, migration 0005).
 *
 * A counter is named by (door, kind, subject): door is the login door ("form",
 * "identity", "staff"), kind says what is counted ("id" for an ID number or
 * user name, "addr" for a client address), subject is an opaque string the
 * caller chooses (src/app/throttle.c passes a keyed hash, so the table holds
 * no ID numbers or addresses in the clear).
 *
 * Rules, all applied in one place (nl_store_throttle_fail):
 *   - failures are counted inside a window that starts at the first failure;
 *     a failure after the window has passed starts a new count at 1;
 *   - when the count reaches max_failures the counter is locked until
 *     now + lock_seconds and the count starts again;
 *   - growing delays: when max_lock_s is set, each further lock of the same
 *     counter lasts twice as long as the one before (lock_s, 2 lock_s, 4
 *     lock_s, ... at most max_lock_s); the counter forgets its locks after
 *     max_lock_s without failures;
 *   - a lock that has run out is no lock.
 *
 * Every function takes this thread's connection, so it can run inside the
 * caller's nl_store_run_tx or alone. Times are UTC epoch seconds. */
#ifndef NL_STORE_THROTTLE_H
#define NL_STORE_THROTTLE_H

#include <stdint.h>

#include "core/err.h"
#include "store/db.h"

#define NL_THROTTLE_DOOR_MAX 32      /* bytes of a door name */
#define NL_THROTTLE_SUBJECT_MAX 128  /* bytes of a subject */
#define NL_THROTTLE_MEMORY_S 86400   /* how long a purge keeps a counter that has locked */

struct nl_throttle_rule {
	int64_t max_failures;   /* failures inside the window that lock (>= 1) */
	int64_t window_s;       /* seconds the count of failures lasts */
	int64_t lock_s;         /* seconds a (first) lock lasts */
	int64_t max_lock_s;     /* 0: every lock lasts lock_s; else locks double up to this */
};

/* *locked_until gets the end of the counter's lock, or 0 when it is not
 * locked at now (also when there is no counter). */
NL_MUST_USE nl_err nl_store_throttle_locked_until(nl_conn *c, const char *door, const char *kind,
                                      const char *subject, int64_t now, int64_t *locked_until);

/* Counts one failure by the rules above, in one transaction (the caller's, if
 * it is in one): concurrent failures on several nodes are all counted.
 * *failures (may be NULL) gets the count after this failure (0 when this
 * failure locked the counter), *locked_until (may be NULL) the end of the lock
 * or 0. NL_ERR_INVALID for an empty door, kind or subject or a rule < 1. */
NL_MUST_USE nl_err nl_store_throttle_fail(nl_conn *c, const char *door, const char *kind,
                              const char *subject, const struct nl_throttle_rule *rule,
                              int64_t now, int64_t *failures, int64_t *locked_until);

/* Forgets a counter (a successful login clears the ID's count). A lock that is
 * still running is kept: a success cannot happen while locked, and clearing
 * it here would let a racing request undo it. Missing counters are fine. */
NL_MUST_USE nl_err nl_store_throttle_clear(nl_conn *c, const char *door, const char *kind,
                               const char *subject, int64_t now);

/* Deletes counters whose window and lock both ended before `before` and that
 * remember no lock, or whose last lock ended a day (NL_THROTTLE_MEMORY_S)
 * before `before` (house keeping; any node may run it). *purged (may be NULL) gets the count. */
NL_MUST_USE nl_err nl_store_throttle_purge(nl_conn *c, int64_t before, int64_t *purged);

#endif
