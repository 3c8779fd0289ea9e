/* Login throttling (throttle.h) on top of store_throttle.h. */
#include "app/throttle.h"

#include <stdio.h>
#include <string.h>

#include "app/server_key.h"
#include "store/store_throttle.h"

void nl_throttle_policy_defaults(struct nl_throttle_policy *p)
{
	p->id_max_failures = 5;
	p->addr_max_failures = 30;
	p->window_s = 900;
	p->id_lock_s = 900;
	p->addr_lock_s = 900;
}

void nl_throttle_policy_from_config(const struct nl_config *cfg, struct nl_throttle_policy *p)
{
	nl_throttle_policy_defaults(p);
	if (cfg->throttle_id_max_failures > 0)
		p->id_max_failures = cfg->throttle_id_max_failures;
	if (cfg->throttle_addr_max_failures > 0)
		p->addr_max_failures = cfg->throttle_addr_max_failures;
	if (cfg->throttle_window > 0)
		p->window_s = cfg->throttle_window;
	if (cfg->throttle_id_lock > 0)
		p->id_lock_s = cfg->throttle_id_lock;
	if (cfg->throttle_addr_lock > 0)
		p->addr_lock_s = cfg->throttle_addr_lock;
}

/* The counter's subject: a keyed hash of kind, door and value, so the table
 * holds neither ID numbers nor addresses, and the same value at two doors
 * makes two unrelated rows. */
static nl_err subject_of(nl_db *db, const char *door, const char *kind, const char *value,
                         char out[NL_KEYED_HEX_LEN])
{
	char msg[512];
	int n = snprintf(msg, sizeof msg, "%s\n%s\n%s", door, kind, value);
	if (n < 0 || (size_t)n >= sizeof msg)
		return NL_ERR_INVALID;
	return nl_app_keyed_hash(db, "throttle", msg, out);
}

static bool given(const char *s)
{
	return s && *s;
}

nl_err nl_throttle_check(nl_db *db, const struct nl_throttle_policy *p, const char *door,
                         const char *id_key, const char *addr, int64_t now, int64_t *until)
{
	(void)p;
	if (until)
		*until = 0;
	nl_conn *c;
	nl_err rc = nl_db_conn(db, &c);
	if (rc)
		return rc;
	const char *kinds[2] = {"id", "addr"};
	const char *values[2] = {id_key, addr};
	int64_t latest = 0;
	for (int i = 0; i < 2; i++) {
		if (!given(values[i]))
			continue;
		char subject[NL_KEYED_HEX_LEN];
		int64_t lu = 0;
		if ((rc = subject_of(db, door, kinds[i], values[i], subject)) != NL_OK ||
		    (rc = nl_store_throttle_locked_until(c, door, kinds[i], subject, now, &lu)) != NL_OK)
			return rc;
		if (lu > latest)
			latest = lu;
	}
	if (until)
		*until = latest;
	return latest > now ? NL_ERR_LOCKED : NL_OK;
}

struct fail_ctx {
	nl_db *db;
	const struct nl_throttle_policy *p;
	const char *door, *id_key, *addr;
	int64_t now;
	bool locked;
};

static nl_err fail_tx(nl_conn *c, void *arg)
{
	struct fail_ctx *x = arg;
	const struct nl_throttle_rule rules[2] = {
		{x->p->id_max_failures, x->p->window_s, x->p->id_lock_s},
		{x->p->addr_max_failures, x->p->window_s, x->p->addr_lock_s},
	};
	const char *kinds[2] = {"id", "addr"};
	const char *values[2] = {x->id_key, x->addr};
	x->locked = false;
	for (int i = 0; i < 2; i++) {
		if (!given(values[i]))
			continue;
		char subject[NL_KEYED_HEX_LEN];
		int64_t lu = 0;
		nl_err rc = subject_of(x->db, x->door, kinds[i], values[i], subject);
		if (rc == NL_OK)
			rc = nl_store_throttle_fail(c, x->door, kinds[i], subject, &rules[i], x->now,
			                            NULL, &lu);
		if (rc)
			return rc;
		if (lu > x->now)
			x->locked = true;
	}
	return NL_OK;
}

nl_err nl_throttle_fail(nl_db *db, const struct nl_throttle_policy *p, const char *door,
                        const char *id_key, const char *addr, int64_t now, bool *locked_now)
{
	/* The server key is read before the transaction: its first use may insert
	 * it, which must not be rolled back with a retried transaction. */
	char probe[NL_KEYED_HEX_LEN];
	nl_err rc = nl_app_keyed_hash(db, "throttle", "", probe);
	if (rc)
		return rc;
	struct fail_ctx x = {db, p, door, id_key, addr, now, false};
	rc = nl_store_run_tx(db, fail_tx, &x);
	if (rc == NL_OK && locked_now)
		*locked_now = x.locked;
	return rc;
}

nl_err nl_throttle_success(nl_db *db, const char *door, const char *id_key, int64_t now)
{
	if (!given(id_key))
		return NL_OK;
	nl_conn *c;
	char subject[NL_KEYED_HEX_LEN];
	nl_err rc = nl_db_conn(db, &c);
	if (rc == NL_OK)
		rc = subject_of(db, door, "id", id_key, subject);
	return rc ? rc : nl_store_throttle_clear(c, door, "id", subject, now);
}
