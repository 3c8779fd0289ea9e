/* Login failure counters (store_throttle.h): one SQL text for both engines.
 * A failure is an upsert that restarts the count when the window has ended,
 * followed, when the count reached the limit, by the lock; both run in one
 * transaction, so on PostgreSQL the upsert's row lock orders concurrent
 * failures and none is lost. */
#include "store/store_throttle.h"

#include <string.h>

#include "store/store_util.h"

static bool name_ok(const char *s, size_t max)
{
	return s && *s && strlen(s) < max;
}

static bool args_ok(const char *door, const char *kind, const char *subject)
{
	return name_ok(door, NL_THROTTLE_DOOR_MAX) &&
	       (kind && (!strcmp(kind, "id") || !strcmp(kind, "addr"))) &&
	       name_ok(subject, NL_THROTTLE_SUBJECT_MAX);
}

nl_err nl_store_throttle_locked_until(nl_conn *c, const char *door, const char *kind,
                                      const char *subject, int64_t now, int64_t *locked_until)
{
	*locked_until = 0;
	if (!args_ok(door, kind, subject))
		return NL_ERR_INVALID;
	nl_stmt *s;
	nl_err rc = nl_db_query(c, &s,
		"SELECT locked_until FROM login_throttle"
		" WHERE door = $1 AND kind = $2 AND subject = $3 AND locked_until > $4",
		NL_PARAMS(NL_P_TEXT(door), NL_P_TEXT(kind), NL_P_TEXT(subject), NL_P_INT(now)));
	if (rc)
		return rc;
	rc = nl_store_one_int64(s, locked_until);
	return rc == NL_ERR_NOT_FOUND ? NL_OK : rc;
}

struct fail_ctx {
	const char *door, *kind, *subject;
	const struct nl_throttle_rule *rule;
	int64_t now, failures, locked_until, locks;
};

/* The length of the (locks+1)-th lock: lock_s doubled per earlier lock, at
 * most max_lock_s (never less than lock_s). */
static int64_t lock_length(const struct nl_throttle_rule *r, int64_t locks)
{
	int64_t len = r->lock_s;
	if (r->max_lock_s <= r->lock_s)
		return len;
	for (int64_t i = 0; i < locks && len < r->max_lock_s; i++)
		len *= 2;
	return len < r->max_lock_s ? len : r->max_lock_s;
}

static NL_MUST_USE nl_err fail_tx(nl_conn *c, void *arg)
{
	struct fail_ctx *x = arg;
	nl_stmt *s;
	/* A count whose window has ended starts again at 1 with a new window; a
	 * counter quiet for max_lock_s after its last window forgets its locks. */
	enum { TH_FAILURES, TH_LOCKED_UNTIL, TH_LOCKS };
	nl_err rc = nl_db_query(c, &s,
		"INSERT INTO login_throttle (door, kind, subject, failures, window_end, locked_until,"
		" locks) VALUES ($1, $2, $3, 1, $4 + $5, 0, 0)"
		" ON CONFLICT (door, kind, subject) DO UPDATE SET"
		" failures = CASE WHEN login_throttle.window_end <= $4 THEN 1"
		"            ELSE login_throttle.failures + 1 END,"
		" locks = CASE WHEN login_throttle.window_end + $6 <= $4 THEN 0"
		"         ELSE login_throttle.locks END,"
		" window_end = CASE WHEN login_throttle.window_end <= $4 THEN $4 + $5"
		"              ELSE login_throttle.window_end END"
		" RETURNING failures, locked_until, locks",
		NL_PARAMS(NL_P_TEXT(x->door), NL_P_TEXT(x->kind), NL_P_TEXT(x->subject),
		NL_P_INT(x->now), NL_P_INT(x->rule->window_s),
		NL_P_INT(x->rule->max_lock_s > x->rule->lock_s ? x->rule->max_lock_s
		                                               : x->rule->lock_s)));
	if (rc)
		return rc;
	rc = nl_store_step_row(s);
	if (rc == NL_OK) {
		x->failures = nl_db_col_int64(s, TH_FAILURES);
		x->locked_until = nl_db_col_int64(s, TH_LOCKED_UNTIL);
		x->locks = nl_db_col_int64(s, TH_LOCKS);
	}
	nl_db_finalize(s);
	if (rc)
		return rc == NL_ERR_NOT_FOUND ? NL_ERR_DB : rc;
	if (x->locked_until <= x->now)
		x->locked_until = 0;
	if (x->failures < x->rule->max_failures)
		return NL_OK;
	/* The limit is reached: lock, and let the count start afresh when the
	 * lock ends (window_end = end of the lock). */
	int64_t until = x->now + lock_length(x->rule, x->locks);
	rc = nl_db_query(c, &s,
		"UPDATE login_throttle SET failures = 0, locked_until = $4, window_end = $4,"
		" locks = locks + 1 WHERE door = $1 AND kind = $2 AND subject = $3",
		NL_PARAMS(NL_P_TEXT(x->door), NL_P_TEXT(x->kind), NL_P_TEXT(x->subject),
		NL_P_INT(until)));
	if (rc)
		return rc;
	if ((rc = nl_store_exec_stmt(s, NULL)) != NL_OK)
		return rc;
	x->failures = 0;
	x->locked_until = until;
	return NL_OK;
}

nl_err nl_store_throttle_fail(nl_conn *c, const char *door, const char *kind,
                              const char *subject, const struct nl_throttle_rule *rule,
                              int64_t now, int64_t *failures, int64_t *locked_until)
{
	if (!args_ok(door, kind, subject) || !rule || rule->max_failures < 1 ||
	    rule->window_s < 1 || rule->lock_s < 1)
		return NL_ERR_INVALID;
	struct fail_ctx x = {door, kind, subject, rule, now, 0, 0, 0};
	nl_err rc = nl_store_run_tx(nl_db_of(c), fail_tx, &x);
	if (rc)
		return rc;
	if (failures)
		*failures = x.failures;
	if (locked_until)
		*locked_until = x.locked_until;
	return NL_OK;
}

nl_err nl_store_throttle_clear(nl_conn *c, const char *door, const char *kind,
                               const char *subject, int64_t now)
{
	if (!args_ok(door, kind, subject))
		return NL_ERR_INVALID;
	nl_stmt *s;
	nl_err rc = nl_db_query(c, &s,
		"DELETE FROM login_throttle"
		" WHERE door = $1 AND kind = $2 AND subject = $3 AND locked_until <= $4",
		NL_PARAMS(NL_P_TEXT(door), NL_P_TEXT(kind), NL_P_TEXT(subject), NL_P_INT(now)));
	return rc ? rc : nl_store_exec_stmt(s, NULL);
}

nl_err nl_store_throttle_purge(nl_conn *c, int64_t before, int64_t *purged)
{
	nl_stmt *s;
	nl_err rc = nl_db_query(c, &s,
		"DELETE FROM login_throttle WHERE window_end < $1 AND locked_until < $1"
		" AND (locks = 0 OR window_end < $2)",
		NL_PARAMS(NL_P_INT(before), NL_P_INT(before - NL_THROTTLE_MEMORY_S)));
	return rc ? rc : nl_store_exec_stmt(s, purged);
}
