/* Virtual POS: the canonical MAC and the simulator (see pos.h). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "drivers/pos.h"

#define FIELD_MAX 128

static bool field_ok(const char *f)
{
	if (!f || !*f)
		return false;
	size_t n = strnlen(f, FIELD_MAX + 1);
	return n <= FIELD_MAX && !memchr(f, '\n', n) && !memchr(f, '\r', n);
}

void nl_pos_config_defaults(struct nl_pos_config *c)
{
	memset(c, 0, sizeof *c);
	snprintf(c->driver, sizeof c->driver, "simulator");
	c->session_ttl_s = 900;
}

nl_err nl_pos_config_set(struct nl_pos_config *c, const char *key, const char *value)
{
	if (strcmp(key, "driver") == 0) {
		if (strcmp(value, "simulator") != 0 && strcmp(value, "redirect") != 0)
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
	if (strcmp(key, "url") == 0) {
		if (strncmp(value, "https://", 8) != 0 && strncmp(value, "http://", 7) != 0)
			return NL_ERR_CONFIG;
		if (strlen(value) >= sizeof c->url || strpbrk(value, "?#"))
			return NL_ERR_CONFIG;
		memcpy(c->url, value, strlen(value) + 1);
		return NL_OK;
	}
	if (strcmp(key, "merchant_id") == 0) {
		size_t n = strlen(value);
		if (n < 1 || n >= sizeof c->merchant_id || !field_ok(value))
			return NL_ERR_CONFIG;
		memcpy(c->merchant_id, value, n + 1);
		return NL_OK;
	}
	if (strcmp(key, "session_ttl") == 0)
		return nl_drv_parse_long(value, 60, 86400, &c->session_ttl_s) ? NL_OK : NL_ERR_CONFIG;
	return NL_ERR_NOT_FOUND;
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

static NL_MUST_USE nl_err mac_raw(const unsigned char *key, size_t key_len, const struct nl_pos_callback *cb,
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

static void hmac_hex(const unsigned char *key, size_t key_len, const char *text,
                     char out[NL_POS_MAC_HEX])
{
	unsigned char mac[crypto_auth_hmacsha256_BYTES];
	crypto_auth_hmacsha256_state st;
	crypto_auth_hmacsha256_init(&st, key, key_len);
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)text, strlen(text));
	crypto_auth_hmacsha256_final(&st, mac);
	sodium_memzero(&st, sizeof st);
	sodium_bin2hex(out, NL_POS_MAC_HEX, mac, sizeof mac);
}

nl_err nl_pos_request_mac(const unsigned char *key, size_t key_len, const char *merchant,
                          const struct nl_pos_request *rq, char out[NL_POS_MAC_HEX])
{
	if (!field_ok(merchant) || !field_ok(rq->session) || !rq->return_url ||
	    strlen(rq->return_url) > 400 || strpbrk(rq->return_url, "\r\n"))
		return NL_ERR_INVALID;
	char text[NL_POS_CANON_MAX + 512];
	int n = snprintf(text, sizeof text, "v1req\n%s\n%s\n%" PRId64 "\n%" PRId64 "\nTRY\n%s",
	                 merchant, rq->session, rq->order_no, rq->amount_kurus, rq->return_url);
	if (n < 0 || (size_t)n >= sizeof text)
		return NL_ERR_INVALID;
	hmac_hex(key, key_len, text, out);
	return NL_OK;
}

/* ---- the simulator ---- */

struct sim {
	unsigned char key[NL_POS_SECRET_MAX];
	size_t key_len;
	char url[512];          /* redirect driver */
	char merchant[64];
};

static NL_MUST_USE nl_err sim_redirect(void *self, const struct nl_pos_request *rq, char *url, size_t size,
                           struct nl_drv_error *e)
{
	(void)self;
	/* The simulated bank is nitelikd itself: it reads amount and order from
	 * the session row, so the URL carries only the key. */
	int n = snprintf(url, size, "/sanal-pos/sim/%s", rq->session);
	if (n < 0 || (size_t)n >= size)
		return nl_drv_fail(e, NL_ERR_INTERNAL, "redirect URL too long");
	return NL_OK;
}

static NL_MUST_USE nl_err sim_verify(void *self, const struct nl_pos_callback *cb, struct nl_drv_error *e)
{
	struct sim *s = self;
	nl_err rc = nl_pos_mac_check(s->key, s->key_len, cb);
	return rc == NL_OK ? NL_OK : nl_drv_fail(e, rc, "callback MAC does not verify");
}

static NL_MUST_USE nl_err sim_sign(void *self, const struct nl_pos_callback *cb, char out[NL_POS_MAC_HEX])
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

/* Appends s percent-encoded (RFC 3986 unreserved characters kept). */
static bool put_enc(char *out, size_t size, size_t *len, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		bool plain = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		             (*p >= '0' && *p <= '9') || strchr("-._~", *p);
		if (*len + 4 >= size)
			return false;
		if (plain) {
			out[(*len)++] = (char)*p;
		} else {
			out[(*len)++] = '%';
			out[(*len)++] = hex[*p >> 4];
			out[(*len)++] = hex[*p & 15];
		}
	}
	out[*len] = '\0';
	return true;
}

static NL_MUST_USE nl_err redirect_url(void *self, const struct nl_pos_request *rq, char *url, size_t size,
                           struct nl_drv_error *e)
{
	struct sim *s = self;
	char mac[NL_POS_MAC_HEX], num[24];
	if (nl_pos_request_mac(s->key, s->key_len, s->merchant, rq, mac) != NL_OK)
		return nl_drv_fail(e, NL_ERR_INVALID, "payment request not signable");
	int n = snprintf(url, size, "%s?merchant=", s->url);
	bool ok = n > 0 && (size_t)n < size;
	size_t len = ok ? (size_t)n : 0;
	ok = ok && put_enc(url, size, &len, s->merchant);
	const char *names[] = {"&session=", "&order_no=", "&amount=", "&currency=", "&return_url=",
	                       "&mac="};
	char order[24];
	snprintf(order, sizeof order, "%" PRId64, rq->order_no);
	snprintf(num, sizeof num, "%" PRId64, rq->amount_kurus);
	const char *vals[] = {rq->session, order, num, "TRY", rq->return_url, mac};
	for (size_t i = 0; ok && i < sizeof names / sizeof names[0]; i++) {
		ok = len + strlen(names[i]) + 1 < size;
		if (ok) {
			memcpy(url + len, names[i], strlen(names[i]) + 1);
			len += strlen(names[i]);
			ok = put_enc(url, size, &len, vals[i]);
		}
	}
	return ok ? NL_OK : nl_drv_fail(e, NL_ERR_INTERNAL, "redirect URL too long");
}

nl_err nl_pos_open(const struct nl_pos_config *c, nl_pos **out)
{
	*out = NULL;
	bool redirect = strcmp(c->driver, "redirect") == 0;
	if (strcmp(c->driver, "simulator") != 0 && !redirect)
		return NL_ERR_CONFIG;
	/* A bank needs the shared secret, its page and our merchant number. */
	if (redirect && (!c->secret[0] || !c->url[0] || !c->merchant_id[0]))
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
	p->name = redirect ? "redirect" : "simulator";
	p->self = s;
	p->redirect_url = redirect ? redirect_url : sim_redirect;
	p->verify = sim_verify;                   /* the same callback MAC for both */
	p->sim_sign = redirect ? NULL : sim_sign; /* only the simulator is the bank */
	snprintf(s->url, sizeof s->url, "%s", c->url);
	snprintf(s->merchant, sizeof s->merchant, "%s", c->merchant_id);
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
