/* The OpenID Connect relying party (drivers/oidc.h). JOSE is cjose's (the ID
 * token's signature and its keys), HTTP is libcurl's; this file only decides
 * what to trust. */
#include "drivers/oidc.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <cjose/cjose.h>
#include <curl/curl.h>
#include <jansson.h>
#include <sodium.h>

#define MAX_BODY (256 * 1024)
#define META_TTL 3600     /* the discovery document is fetched again after an hour */

struct nl_oidc {
	struct nl_oidc_config cfg;
	pthread_mutex_t mu;
	/* discovery, cached (under mu) */
	char authz_ep[1024];
	char token_ep[1024];
	char jwks_uri[1024];
	int64_t meta_at;
	json_t *jwks;          /* the provider's key set as last fetched */
};

/* ---- configuration ---- */

void nl_oidc_config_defaults(struct nl_oidc_config *c)
{
	memset(c, 0, sizeof *c);
	snprintf(c->id_claim, sizeof c->id_claim, "tckn");
	snprintf(c->scopes, sizeof c->scopes, "openid");
}

nl_err nl_oidc_config_set(struct nl_oidc_config *c, const char *key, const char *value)
{
	if (strcmp(key, "enabled") == 0)
		return nl_drv_parse_bool(value, &c->enabled) ? NL_OK : NL_ERR_CONFIG;
	if (strcmp(key, "issuer") == 0) {
		/* The issuer is compared byte for byte; a trailing slash is the
		 * operator's slip, not a different provider. */
		nl_err rc = nl_drv_set_str(c->issuer, sizeof c->issuer, value);
		size_t n = strlen(c->issuer);
		if (!rc && n > 0 && c->issuer[n - 1] == '/')
			c->issuer[n - 1] = 0;
		return rc;
	}
	if (strcmp(key, "client_id") == 0)
		return nl_drv_set_str(c->client_id, sizeof c->client_id, value);
	if (strcmp(key, "client_secret") == 0)
		return nl_drv_set_str(c->client_secret, sizeof c->client_secret, value);
	if (strcmp(key, "id_claim") == 0) {
		if (!*value)
			return NL_ERR_CONFIG;
		return nl_drv_set_str(c->id_claim, sizeof c->id_claim, value);
	}
	if (strcmp(key, "scopes") == 0)
		return nl_drv_set_str(c->scopes, sizeof c->scopes, value);
	return NL_ERR_NOT_FOUND;
}

/* https anywhere; http only to this machine (the simulator, tests). */
static bool url_allowed(const char *u)
{
	if (strncmp(u, "https://", 8) == 0)
		return true;
	static const char *const loop[] = {"http://127.0.0.1:", "http://127.0.0.1/",
		"http://localhost:", "http://localhost/", "http://[::1]:"};
	for (size_t i = 0; i < sizeof loop / sizeof loop[0]; i++)
		if (strncmp(u, loop[i], strlen(loop[i])) == 0)
			return true;
	return false;
}

nl_err nl_oidc_config_check(const struct nl_oidc_config *c, const char **why)
{
	*why = NULL;
	if (!c->enabled)
		return NL_OK;
	if (!c->issuer[0])
		*why = "[oidc] issuer is required when enabled";
	else if (!url_allowed(c->issuer))
		*why = "[oidc] issuer must be an https URL (http only on 127.0.0.1/localhost)";
	else if (!c->client_id[0])
		*why = "[oidc] client_id is required when enabled";
	else if (!c->client_secret[0])
		*why = "[oidc] client_secret is required when enabled";
	return *why ? NL_ERR_CONFIG : NL_OK;
}

nl_err nl_oidc_open(const struct nl_oidc_config *c, nl_oidc **out)
{
	*out = NULL;
	if (!c->enabled)
		return NL_OK;
	const char *why;
	if (nl_oidc_config_check(c, &why) != NL_OK)
		return NL_ERR_CONFIG;
	if (nl_drv_curl_init() != NL_OK || sodium_init() < 0)
		return NL_ERR_INTERNAL;
	nl_oidc *o = calloc(1, sizeof *o);
	if (!o)
		return NL_ERR_NOMEM;
	o->cfg = *c;
	pthread_mutex_init(&o->mu, NULL);
	*out = o;
	return NL_OK;
}

void nl_oidc_free(nl_oidc *o)
{
	if (!o)
		return;
	json_decref(o->jwks);
	pthread_mutex_destroy(&o->mu);
	sodium_memzero(o->cfg.client_secret, sizeof o->cfg.client_secret);
	free(o);
}

/* ---- HTTP ---- */

struct body {
	char *p;
	size_t n;
	bool over;
};

static size_t on_body(char *p, size_t size, size_t nmemb, void *ud)
{
	struct body *b = ud;
	size_t n = size * nmemb;
	if (b->n + n > MAX_BODY) {
		b->over = true;
		return 0;
	}
	char *q = realloc(b->p, b->n + n + 1);
	if (!q)
		return 0;
	memcpy(q + b->n, p, n);
	b->p = q;
	b->n += n;
	b->p[b->n] = 0;
	return n;
}

/* GET url (form == NULL) or POST form with client_secret_basic; a JSON
 * object in *out. what names the endpoint in messages. */
static NL_MUST_USE nl_err fetch(const nl_oidc *o, const char *what, const char *url, const char *form,
                    json_t **out, struct nl_drv_error *e)
{
	*out = NULL;
	if (!url_allowed(url))
		return nl_drv_fail(e, NL_ERR_IO, "the provider's %s is not an https URL", what);
	CURL *h = curl_easy_init();
	if (!h)
		return nl_drv_fail(e, NL_ERR_NOMEM, "no curl handle");
	struct body b = {0};
	struct curl_slist *hdr = curl_slist_append(NULL, "Accept: application/json");
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdr);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, (long)NL_OIDC_CONNECT_TIMEOUT_MS);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, (long)NL_OIDC_TIMEOUT_MS);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &b);
	if (form) {
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, form);
		/* client_secret_basic: RFC 6749 §2.3.1 wants both form-encoded first. */
		char *u = curl_easy_escape(h, o->cfg.client_id, 0);
		char *p = curl_easy_escape(h, o->cfg.client_secret, 0);
		if (u && p) {
			curl_easy_setopt(h, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
			curl_easy_setopt(h, CURLOPT_USERNAME, u);
			curl_easy_setopt(h, CURLOPT_PASSWORD, p);
		}
		curl_free(u);
		curl_free(p);
	}
	nl_err rc = NL_OK;
	CURLcode cc = curl_easy_perform(h);
	long status = 0;
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
	if (cc == CURLE_OPERATION_TIMEDOUT) {
		rc = nl_drv_fail(e, NL_ERR_IO, "the provider's %s did not answer in time", what);
		goto out;
	}
	if (cc != CURLE_OK) {
		rc = nl_drv_fail(e, NL_ERR_IO, "the provider's %s cannot be reached: %s", what,
		                 b.over ? "answer too large" : curl_easy_strerror(cc));
		goto out;
	}
	json_t *j = b.p ? json_loadb(b.p, b.n, 0, NULL) : NULL;
	if (!json_is_object(j)) {
		json_decref(j);
		rc = nl_drv_fail(e, NL_ERR_IO, "the provider's %s answered %ld with no JSON object",
		                 what, status);
		goto out;
	}
	if (status < 200 || status > 299) {
		const char *err = json_string_value(json_object_get(j, "error"));
		/* A token endpoint's 400 is a refusal of this code (used, expired,
		 * not ours): not trusted, but the provider is up. */
		rc = nl_drv_fail(e, status == 400 || status == 401 ? NL_ERR_UNAUTHORIZED : NL_ERR_IO,
		                 "the provider's %s refused (%ld %.60s)", what, status,
		                 err ? err : "");
		json_decref(j);
		goto out;
	}
	*out = j;
out:
	curl_slist_free_all(hdr);
	curl_easy_cleanup(h);
	free(b.p);
	return rc;
}

/* ---- discovery and keys ---- */

static NL_MUST_USE nl_err copy_ep(json_t *meta, const char *name, char *dst, size_t cap,
                      struct nl_drv_error *e)
{
	const char *v = json_string_value(json_object_get(meta, name));
	if (!v || !*v || strlen(v) >= cap || !url_allowed(v))
		return nl_drv_fail(e, NL_ERR_IO, "the discovery document has no usable %s", name);
	snprintf(dst, cap, "%s", v);
	return NL_OK;
}

/* Under o->mu. */
static NL_MUST_USE nl_err ensure_meta(nl_oidc *o, struct nl_drv_error *e)
{
	int64_t now = (int64_t)time(NULL);
	if (o->meta_at && now - o->meta_at < META_TTL)
		return NL_OK;
	char url[640];
	snprintf(url, sizeof url, "%s/.well-known/openid-configuration", o->cfg.issuer);
	json_t *m = NULL;
	nl_err rc = fetch(o, "discovery document", url, NULL, &m, e);
	if (rc)
		return rc == NL_ERR_UNAUTHORIZED ? NL_ERR_IO : rc;
	const char *iss = json_string_value(json_object_get(m, "issuer"));
	if (!iss || strcmp(iss, o->cfg.issuer) != 0) {
		rc = nl_drv_fail(e, NL_ERR_IO, "the discovery document names another issuer");
		goto out;
	}
	if ((rc = copy_ep(m, "authorization_endpoint", o->authz_ep, sizeof o->authz_ep, e)) ||
	    (rc = copy_ep(m, "token_endpoint", o->token_ep, sizeof o->token_ep, e)) ||
	    (rc = copy_ep(m, "jwks_uri", o->jwks_uri, sizeof o->jwks_uri, e)))
		goto out;
	o->meta_at = now;
out:
	json_decref(m);
	return rc;
}

/* Under o->mu. */
static NL_MUST_USE nl_err refetch_jwks(nl_oidc *o, struct nl_drv_error *e)
{
	json_t *k = NULL;
	nl_err rc = fetch(o, "key set (JWKS)", o->jwks_uri, NULL, &k, e);
	if (rc)
		return rc == NL_ERR_UNAUTHORIZED ? NL_ERR_IO : rc;
	if (!json_is_array(json_object_get(k, "keys"))) {
		json_decref(k);
		return nl_drv_fail(e, NL_ERR_IO, "the provider's key set has no \"keys\" list");
	}
	json_decref(o->jwks);
	o->jwks = k;
	return NL_OK;
}

/* The key in o->jwks with this kid (any key of the right type when the token
 * names none and the set has exactly one), as a cjose key; NULL when none. */
static cjose_jwk_t *find_key(const nl_oidc *o, const char *kid, const char *kty)
{
	json_t *keys = json_object_get(o->jwks, "keys");
	json_t *pick = NULL;
	size_t i, n_typed = 0;
	json_t *k;
	json_array_foreach(keys, i, k) {
		const char *t = json_string_value(json_object_get(k, "kty"));
		const char *id = json_string_value(json_object_get(k, "kid"));
		const char *use = json_string_value(json_object_get(k, "use"));
		if (!t || strcmp(t, kty) != 0 || (use && strcmp(use, "sig") != 0))
			continue;
		n_typed++;
		if (kid ? (id && strcmp(id, kid) == 0) : true)
			pick = pick ? pick : k;
	}
	if (!pick || (!kid && n_typed != 1))
		return NULL;
	char *txt = json_dumps(pick, JSON_COMPACT);
	if (!txt)
		return NULL;
	cjose_err ce;
	cjose_jwk_t *jwk = cjose_jwk_import(txt, strlen(txt), &ce);
	free(txt);
	return jwk;
}

/* ---- the flow ---- */

static void random_b64(char *out, size_t cap, size_t nbytes)
{
	unsigned char raw[48];
	if (nbytes > sizeof raw)
		nbytes = sizeof raw;
	randombytes_buf(raw, nbytes);
	sodium_bin2base64(out, cap, raw, nbytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

void nl_oidc_pkce_challenge(const char *verifier, char *out, size_t out_size)
{
	unsigned char h[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(h, (const unsigned char *)verifier, strlen(verifier));
	sodium_bin2base64(out, out_size, h, sizeof h, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

nl_err nl_oidc_begin(nl_oidc *o, const char *redirect_uri, struct nl_oidc_start *out,
                     struct nl_drv_error *e)
{
	memset(out, 0, sizeof *out);
	if (!o)
		return nl_drv_fail(e, NL_ERR_IO, "the e-Devlet door is not configured");
	pthread_mutex_lock(&o->mu);
	nl_err rc = ensure_meta(o, e);
	char authz[sizeof o->authz_ep];
	snprintf(authz, sizeof authz, "%s", o->authz_ep);
	pthread_mutex_unlock(&o->mu);
	if (rc)
		return rc;
	random_b64(out->state, sizeof out->state, 32);
	random_b64(out->nonce, sizeof out->nonce, 32);
	random_b64(out->verifier, sizeof out->verifier, 32);
	char challenge[64];
	nl_oidc_pkce_challenge(out->verifier, challenge, sizeof challenge);
	char scopes[300];
	snprintf(scopes, sizeof scopes, "%s%s", strstr(o->cfg.scopes, "openid") ? "" : "openid ",
	         o->cfg.scopes);
	CURL *h = curl_easy_init();
	if (!h)
		return nl_drv_fail(e, NL_ERR_NOMEM, "no curl handle");
	char *cid = curl_easy_escape(h, o->cfg.client_id, 0);
	char *ru = curl_easy_escape(h, redirect_uri, 0);
	char *sc = curl_easy_escape(h, scopes, 0);
	int n = -1;
	if (cid && ru && sc)
		n = snprintf(out->url, sizeof out->url,
		             "%s%cresponse_type=code&client_id=%s&redirect_uri=%s&scope=%s"
		             "&state=%s&nonce=%s&code_challenge=%s&code_challenge_method=S256",
		             authz, strchr(authz, '?') ? '&' : '?', cid, ru, sc, out->state,
		             out->nonce, challenge);
	curl_free(cid);
	curl_free(ru);
	curl_free(sc);
	curl_easy_cleanup(h);
	if (n < 0 || (size_t)n >= sizeof out->url)
		return nl_drv_fail(e, NL_ERR_CONFIG, "the authorization URL is too long");
	return NL_OK;
}

/* aud is the client id, or a list holding it (then azp, when present, too). */
static bool audience_ok(json_t *claims, const char *client_id)
{
	json_t *aud = json_object_get(claims, "aud");
	if (json_is_string(aud))
		return strcmp(json_string_value(aud), client_id) == 0;
	if (!json_is_array(aud))
		return false;
	bool found = false;
	size_t i;
	json_t *a;
	json_array_foreach(aud, i, a)
		if (json_is_string(a) && strcmp(json_string_value(a), client_id) == 0)
			found = true;
	const char *azp = json_string_value(json_object_get(claims, "azp"));
	return found && (json_array_size(aud) == 1 || (azp && strcmp(azp, client_id) == 0));
}

/* A NumericDate (RFC 7519 2: seconds, perhaps with a fraction) as whole
 * seconds; false outside 1970..9999 (and for NaN), so that neither the cast
 * nor the skew added below can overflow. */
static bool numeric_date(json_t *v, int64_t *out)
{
	double d = json_number_value(v);
	if (!(d >= 0 && d <= 253402300799.0))
		return false;
	*out = (int64_t)d;   /* 0..253402300799: checked above */
	return true;
}

static NL_MUST_USE nl_err check_claims(const nl_oidc *o, json_t *c, const char *nonce, int64_t now,
                           char *id_out, size_t id_size, struct nl_drv_error *e)
{
	const char *iss = json_string_value(json_object_get(c, "iss"));
	if (!iss || strcmp(iss, o->cfg.issuer) != 0)
		return nl_drv_fail(e, NL_ERR_UNAUTHORIZED, "the ID token is from another issuer");
	if (!audience_ok(c, o->cfg.client_id))
		return nl_drv_fail(e, NL_ERR_UNAUTHORIZED, "the ID token is meant for another client (aud)");
	json_t *exp = json_object_get(c, "exp"), *iat = json_object_get(c, "iat");
	if (!json_is_number(exp) || !json_is_number(iat))
		return nl_drv_fail(e, NL_ERR_UNAUTHORIZED, "the ID token has no exp or iat");
	int64_t exp_at, iat_at;
	if (!numeric_date(exp, &exp_at) || !numeric_date(iat, &iat_at))
		return nl_drv_fail(e, NL_ERR_UNAUTHORIZED, "the ID token's exp or iat is out of range");
	if (exp_at + NL_OIDC_SKEW < now)
		return nl_drv_fail(e, NL_ERR_UNAUTHORIZED, "the ID token has expired");
	if (iat_at - NL_OIDC_SKEW > now)
		return nl_drv_fail(e, NL_ERR_UNAUTHORIZED, "the ID token was issued in the future (iat)");
	const char *nc = json_string_value(json_object_get(c, "nonce"));
	if (!nc || strcmp(nc, nonce) != 0)
		return nl_drv_fail(e, NL_ERR_UNAUTHORIZED, "the ID token's nonce is not this login's");
	json_t *idv = json_object_get(c, o->cfg.id_claim);
	char num[32] = "";
	if (json_is_string(idv))
		snprintf(num, sizeof num, "%s", json_string_value(idv));
	else if (json_is_integer(idv))
		snprintf(num, sizeof num, "%lld", (long long)json_integer_value(idv));
	bool digits = strlen(num) == 11;
	for (size_t i = 0; digits && num[i]; i++)
		digits = num[i] >= '0' && num[i] <= '9';
	if (!digits)
		return nl_drv_fail(e, NL_ERR_UNAUTHORIZED, "the ID token's %s claim is not a T.C. number",
		                   o->cfg.id_claim);
	snprintf(id_out, id_size, "%s", num);
	return NL_OK;
}

/* Checks the signature and the claims of the compact JWS tok. */
static NL_MUST_USE nl_err check_id_token(nl_oidc *o, const char *tok, const char *nonce, int64_t now,
                             char *id_out, size_t id_size, struct nl_drv_error *e)
{
	cjose_err ce;
	nl_err rc = NL_OK;
	cjose_jwk_t *jwk = NULL;
	json_t *claims = NULL;
	cjose_jws_t *jws = cjose_jws_import(tok, strlen(tok), &ce);
	if (!jws)
		return nl_drv_fail(e, NL_ERR_UNAUTHORIZED, "the ID token is not a signed JWT");
	cjose_header_t *hdr = cjose_jws_get_protected(jws);
	const char *alg = hdr ? cjose_header_get(hdr, CJOSE_HDR_ALG, &ce) : NULL;
	const char *kid = hdr ? cjose_header_get(hdr, CJOSE_HDR_KID, &ce) : NULL;
	/* Only asymmetric algorithms: "none" and HS256 (keyed with what an
	 * attacker may know) are never accepted. */
	const char *kty = !alg ? NULL : strcmp(alg, "RS256") == 0 ? "RSA"
	                : strcmp(alg, "ES256") == 0 ? "EC" : NULL;
	if (!kty) {
		rc = nl_drv_fail(e, NL_ERR_UNAUTHORIZED, "the ID token's algorithm is not RS256 or ES256");
		goto out;
	}
	pthread_mutex_lock(&o->mu);
	rc = o->jwks ? NL_OK : refetch_jwks(o, e);
	if (!rc && !(jwk = find_key(o, kid, kty))) {
		/* Key rotation: an unknown kid refetches the set, once. */
		rc = refetch_jwks(o, e);
		if (!rc)
			jwk = find_key(o, kid, kty);
	}
	pthread_mutex_unlock(&o->mu);
	if (rc)
		goto out;
	if (!jwk) {
		rc = nl_drv_fail(e, NL_ERR_UNAUTHORIZED, "no key in the provider's key set matches the ID token");
		goto out;
	}
	if (!cjose_jws_verify(jws, jwk, &ce)) {
		rc = nl_drv_fail(e, NL_ERR_UNAUTHORIZED, "the ID token's signature is not valid");
		goto out;
	}
	uint8_t *pt = NULL;
	size_t ptn = 0;
	if (cjose_jws_get_plaintext(jws, &pt, &ptn, &ce))
		claims = json_loadb((const char *)pt, ptn, 0, NULL);
	if (!json_is_object(claims)) {   /* a macro: its argument is evaluated twice */
		rc = nl_drv_fail(e, NL_ERR_UNAUTHORIZED, "the ID token's claims are not a JSON object");
		goto out;
	}
	rc = check_claims(o, claims, nonce, now, id_out, id_size, e);
out:
	json_decref(claims);
	cjose_jwk_release(jwk);
	cjose_jws_release(jws);
	return rc;
}

nl_err nl_oidc_finish(nl_oidc *o, const char *redirect_uri, const char *code,
                      const char *verifier, const char *nonce, int64_t now,
                      char *id_out, size_t id_size, struct nl_drv_error *e)
{
	if (id_size)
		id_out[0] = 0;
	if (!o)
		return nl_drv_fail(e, NL_ERR_IO, "the e-Devlet door is not configured");
	pthread_mutex_lock(&o->mu);
	nl_err rc = ensure_meta(o, e);
	char token_ep[sizeof o->token_ep];
	snprintf(token_ep, sizeof token_ep, "%s", o->token_ep);
	pthread_mutex_unlock(&o->mu);
	if (rc)
		return rc;
	CURL *h = curl_easy_init();
	if (!h)
		return nl_drv_fail(e, NL_ERR_NOMEM, "no curl handle");
	char *c = curl_easy_escape(h, code, 0);
	char *ru = curl_easy_escape(h, redirect_uri, 0);
	char *v = curl_easy_escape(h, verifier, 0);
	char form[4096];
	int n = -1;
	if (c && ru && v)
		n = snprintf(form, sizeof form,
		             "grant_type=authorization_code&code=%s&redirect_uri=%s&code_verifier=%s",
		             c, ru, v);
	curl_free(c);
	curl_free(ru);
	curl_free(v);
	curl_easy_cleanup(h);
	if (n < 0 || (size_t)n >= sizeof form)
		return nl_drv_fail(e, NL_ERR_UNAUTHORIZED, "the authorization code is too long");
	json_t *tok = NULL;
	if ((rc = fetch(o, "token endpoint", token_ep, form, &tok, e)) != NL_OK)
		return rc;
	const char *idt = json_string_value(json_object_get(tok, "id_token"));
	if (!idt)
		rc = nl_drv_fail(e, NL_ERR_IO, "the token endpoint's answer has no id_token");
	else
		rc = check_id_token(o, idt, nonce, now, id_out, id_size, e);
	json_decref(tok);
	return rc;
}
