/* Virtual POS: the canonical MAC and the simulator (see pos.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "drivers/pos.h"

#define FIELD_MAX 128

void nl_pos_config_defaults(struct nl_pos_config *c)
{
	memset(c, 0, sizeof *c);
	snprintf(c->driver, sizeof c->driver, "simulator");
	c->session_ttl_s = 900;
}

nl_err nl_pos_config_set(struct nl_pos_config *c, const char *key, const char *value)
{
	if (strcmp(key, "driver") == 0) {
		if (strcmp(value, "simulator") != 0)
			return NL_ERR_CONFIG;
		snprintf(c->driver, sizeof c->driver, "%s", value);
		return NL_OK;
	}
	if (strcmp(key, "secret") == 0) {
		size_t n = strlen(value);
		if (n < NL_POS_SECRET_MIN || n > NL_POS_SECRET_MAX)
			return NL_ERR_CONFIG;
		memcpy(c->secret, value, n + 1);
		return NL_OK;
	}
	if (strcmp(key, "session_ttl") == 0)
		return nl_drv_parse_long(value, 60, 86400, &c->session_ttl_s) ? NL_OK : NL_ERR_CONFIG;
	return NL_ERR_NOT_FOUND;
}

static bool field_ok(const char *f)
{
	if (!f || !*f)
		return false;
	size_t n = strnlen(f, FIELD_MAX + 1);
	return n <= FIELD_MAX && !memchr(f, '\n', n) && !memchr(f, '\r', n);
}

nl_err nl_pos_canonical(const struct nl_pos_callback *cb, char out[NL_POS_CANON_MAX])
{
	const char *f[] = {cb->session, cb->order_no, cb->amount, cb->currency, cb->status,
	                   cb->bank_ref};
	for (size_t i = 0; i < sizeof f / sizeof f[0]; i++)
		if (!field_ok(f[i]))
			return NL_ERR_INVALID;
	/* 6 fields of at most 128 bytes + "v1" + 6 newlines < 512. */
	int n = snprintf(out, NL_POS_CANON_MAX, "v1\n%s\n%s\n%s\n%s\n%s\n%s", f[0], f[1], f[2],
	                 f[3], f[4], f[5]);
	return n > 0 && n < NL_POS_CANON_MAX ? NL_OK : NL_ERR_INVALID;
}

static nl_err mac_raw(const unsigned char *key, size_t key_len, const struct nl_pos_callback *cb,
                      unsigned char mac[crypto_auth_hmacsha256_BYTES])
{
	char canon[NL_POS_CANON_MAX];
	nl_err e = nl_pos_canonical(cb, canon);
	if (e)
		return e;
	crypto_auth_hmacsha256_state st;
	crypto_auth_hmacsha256_init(&st, key, key_len);
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)canon, strlen(canon));
	crypto_auth_hmacsha256_final(&st, mac);
	sodium_memzero(&st, sizeof st);
	return NL_OK;
}

nl_err nl_pos_mac(const unsigned char *key, size_t key_len, const struct nl_pos_callback *cb,
                  char out[NL_POS_MAC_HEX])
{
	unsigned char mac[crypto_auth_hmacsha256_BYTES];
	nl_err e = mac_raw(key, key_len, cb, mac);
	if (e == NL_OK)
		sodium_bin2hex(out, NL_POS_MAC_HEX, mac, sizeof mac);
	return e;
}

nl_err nl_pos_mac_check(const unsigned char *key, size_t key_len,
                        const struct nl_pos_callback *cb)
{
	unsigned char want[crypto_auth_hmacsha256_BYTES], got[crypto_auth_hmacsha256_BYTES];
	size_t got_len = 0;
	if (!cb->mac || strlen(cb->mac) != 2 * sizeof got ||
	    sodium_hex2bin(got, sizeof got, cb->mac, strlen(cb->mac), NULL, &got_len, NULL) != 0 ||
	    got_len != sizeof got)
		return NL_ERR_UNAUTHORIZED;
	if (mac_raw(key, key_len, cb, want) != NL_OK)
		return NL_ERR_UNAUTHORIZED;
	/* Constant time: the time taken says nothing about how much matched. */
	return sodium_memcmp(want, got, sizeof want) == 0 ? NL_OK : NL_ERR_UNAUTHORIZED;
}

/* ---- the simulator ---- */

struct sim {
	unsigned char key[NL_POS_SECRET_MAX];
	size_t key_len;
};

static nl_err sim_redirect(void *self, const char *session_key, char *url, size_t size,
                           struct nl_drv_error *e)
{
	(void)self;
	int n = snprintf(url, size, "/sanal-pos/sim/%s", session_key);
	if (n < 0 || (size_t)n >= size)
		return nl_drv_fail(e, NL_ERR_INTERNAL, "redirect URL too long");
	return NL_OK;
}

static nl_err sim_verify(void *self, const struct nl_pos_callback *cb, struct nl_drv_error *e)
{
	struct sim *s = self;
	nl_err rc = nl_pos_mac_check(s->key, s->key_len, cb);
	return rc == NL_OK ? NL_OK : nl_drv_fail(e, rc, "callback MAC does not verify");
}

static nl_err sim_sign(void *self, const struct nl_pos_callback *cb, char out[NL_POS_MAC_HEX])
{
	struct sim *s = self;
	return nl_pos_mac(s->key, s->key_len, cb, out);
}

static void sim_destroy(void *self)
{
	if (self)
		sodium_memzero(self, sizeof(struct sim));
	free(self);
}

nl_err nl_pos_open(const struct nl_pos_config *c, nl_pos **out)
{
	*out = NULL;
	if (strcmp(c->driver, "simulator") != 0)
		return NL_ERR_CONFIG;
	if (sodium_init() < 0)
		return NL_ERR_CRYPTO;
	nl_pos *p = calloc(1, sizeof *p);
	struct sim *s = calloc(1, sizeof *s);
	if (!p || !s) {
		free(p);
		free(s);
		return NL_ERR_NOMEM;
	}
	s->key_len = strlen(c->secret);
	if (s->key_len) {
		memcpy(s->key, c->secret, s->key_len);
	} else {
		/* No shared secret configured: bank and merchant are one process
		 * here, so a random per-process key works (and is never known). */
		s->key_len = 32;
		randombytes_buf(s->key, s->key_len);
	}
	p->name = "simulator";
	p->self = s;
	p->redirect_url = sim_redirect;
	p->verify = sim_verify;
	p->sim_sign = sim_sign;
	p->destroy = sim_destroy;
	p->session_ttl_s = c->session_ttl_s;
	*out = p;
	return NL_OK;
}

void nl_pos_free(nl_pos *p)
{
	if (!p)
		return;
	if (p->destroy)
		p->destroy(p->self);
	free(p);
}

const char *nl_pos_sim_card_outcome(const char *card_number)
{
	char digits[24];
	size_t n = 0;
	for (const char *q = card_number ? card_number : ""; *q; q++) {
		if (*q == ' ' || *q == '-')
			continue;
		if (*q < '0' || *q > '9' || n + 1 >= sizeof digits)
			return "invalid_card";
		digits[n++] = *q;
	}
	digits[n] = '\0';
	if (!strcmp(digits, "4111111111111111") || !strcmp(digits, "5555555555554444"))
		return NULL;
	if (!strcmp(digits, "4000000000000002"))
		return "insufficient_funds";
	return "invalid_card";
}
