/* Login throttling (throttle.h) on top of store_throttle.h. */
#include "app/throttle.h"

#include <stdio.h>
#include <string.h>

#include "store/install_key.h"
#include "store/store_throttle.h"

void nl_throttle_policy_defaults(struct nl_throttle_policy *p)
{
	p->id_max_failures = 5;
	p->addr_max_failures = 30;
	p->window_s = 900;
	p->id_lock_s = 900;
	p->addr_lock_s = 900;
	p->id_ceiling = 50;
	p->max_lock_s = 86400;
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
	if (cfg->throttle_id_ceiling > 0)
		p->id_ceiling = cfg->throttle_id_ceiling;
	if (cfg->throttle_max_lock > 0)
		p->max_lock_s = cfg->throttle_max_lock;
}

/* The counter's subject: a keyed hash of kind, door and value, so the table
 * holds neither ID numbers nor addresses, and the same value at two doors
 * makes two unrelated rows. */
static NL_MUST_USE nl_err subject_of(nl_db *db, const char *door, const char *kind, const char *value,
                         char out[NL_KEYED_HEX_LEN])
{
	char msg[512];
	int n = snprintf(msg, sizeof msg, "%s\n%s\n%s", door, kind, value);
	if (n < 0 || (size_t)n >= sizeof msg)
		return NL_ERR_INVALID;
	return nl_install_keyed_hash(db, "throttle", msg, out);
}

static bool given(const char *s)
{
	return s && *s;
}

/* The three counters of a failure (throttle.h): which are in play, their
 * store kind, subject and rule. */
enum { C_PAIR, C_ID, C_ADDR, C_N };

struct counters {
	bool on[C_N];
	char subject[C_N][NL_KEYED_HEX_LEN];
	struct nl_throttle_rule rule[C_N];
};

static const char *const store_kind[C_N] = {"id", "id", "addr"};

static int64_t ceiling_of(const struct nl_throttle_policy *p)
{
	return p->id_ceiling > 0 ? p->id_ceiling : 10 * p->id_max_failures;
}

static NL_MUST_USE nl_err counters_of(nl_db *db, const struct nl_throttle_policy *p, const char *door,
                          const char *id_key, const char *addr, struct counters *k)
{
	memset(k, 0, sizeof *k);
	nl_err rc = NL_OK;
	if (given(id_key)) {
		/* The pair: ID and address in one value; an unknown address counts as
		 * one address of its own ("" ), i.e. the old per-ID rule. */
		char pair[400];
		int n = snprintf(pair, sizeof pair, "%s\n%s", id_key, given(addr) ? addr : "");
		if (n < 0 || (size_t)n >= sizeof pair)
			return NL_ERR_INVALID;
		k->on[C_PAIR] = k->on[C_ID] = true;
		if ((rc = subject_of(db, door, "idaddr", pair, k->subject[C_PAIR])) ||
		    (rc = subject_of(db, door, "id", id_key, k->subject[C_ID])))
			return rc;
	}
	if (given(addr)) {
		k->on[C_ADDR] = true;
		if ((rc = subject_of(db, door, "addr", addr, k->subject[C_ADDR])))
			return rc;
	}
	k->rule[C_PAIR] = (struct nl_throttle_rule){.max_failures = p->id_max_failures,
		.window_s = p->window_s, .lock_s = p->id_lock_s, .max_lock_s = p->max_lock_s};
	k->rule[C_ID] = (struct nl_throttle_rule){.max_failures = ceiling_of(p),
		.window_s = p->window_s, .lock_s = p->id_lock_s, .max_lock_s = p->max_lock_s};
	k->rule[C_ADDR] = (struct nl_throttle_rule){.max_failures = p->addr_max_failures,
		.window_s = p->window_s, .lock_s = p->addr_lock_s, .max_lock_s = p->max_lock_s};
	return NL_OK;
}

nl_err nl_throttle_check(const struct nl_app *app, const struct nl_throttle_policy *p, const char *door,
                         const char *id_key, const char *addr, int64_t now, int64_t *until)
{
	nl_db *db = app->db;
	if (until)
		*until = 0;
	nl_conn *c;
	struct counters k;
	nl_err rc = nl_db_conn(db, &c);
	if (rc || (rc = counters_of(db, p, door, id_key, addr, &k)))
		return rc;
	int64_t latest = 0;
	for (int i = 0; i < C_N; i++) {
		int64_t lu = 0;
		if (!k.on[i])
			continue;
		if ((rc = nl_store_throttle_locked_until(c, door, store_kind[i], k.subject[i], now,
		                                         &lu)) != NL_OK)
			return rc;
		if (lu > latest)
			latest = lu;
	}
	if (until)
		*until = latest;
	return latest > now ? NL_ERR_LOCKED : NL_OK;
}

struct fail_ctx {
	const struct counters *k;
	const char *door;
	int64_t now;
	bool locked;
};

static NL_MUST_USE nl_err fail_tx(nl_conn *c, void *arg)
{
	struct fail_ctx *x = arg;
	x->locked = false;
	for (int i = 0; i < C_N; i++) {
		int64_t lu = 0;
		if (!x->k->on[i])
			continue;
		nl_err rc = nl_store_throttle_fail(c, x->door, store_kind[i], x->k->subject[i],
		                                   &x->k->rule[i], x->now, NULL, &lu);
		if (rc)
			return rc;
		if (lu > x->now)
			x->locked = true;
	}
	return NL_OK;
}

nl_err nl_throttle_fail(const struct nl_app *app, const struct nl_throttle_policy *p, const char *door,
                        const char *id_key, const char *addr, int64_t now, bool *locked_now)
{
	nl_db *db = app->db;
	/* The subjects (and so the server key, whose first use may insert it) are
	 * made before the transaction: that insert must not be rolled back with a
	 * retried transaction. */
	struct counters k;
	nl_err rc = counters_of(db, p, door, id_key, addr, &k);
	if (rc)
		return rc;
	struct fail_ctx x = {.k = &k, .door = door, .now = now};
	rc = nl_store_run_tx(db, fail_tx, &x);
	if (rc == NL_OK && locked_now)
		*locked_now = x.locked;
	return rc;
}

nl_err nl_throttle_success(const struct nl_app *app, const char *door, const char *id_key, const char *addr,
                           int64_t now)
{
	nl_db *db = app->db;
	if (!given(id_key))
		return NL_OK;
	nl_conn *c;
	struct counters k;
	struct nl_throttle_policy any;
	nl_throttle_policy_defaults(&any);   /* rules are not used to clear */
	nl_err rc = nl_db_conn(db, &c);
	if (rc == NL_OK)
		rc = counters_of(db, &any, door, id_key, addr, &k);
	return rc ? rc : nl_store_throttle_clear(c, door, store_kind[C_PAIR], k.subject[C_PAIR], now);
}
