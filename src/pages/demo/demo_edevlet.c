/* "e-Devlet Kapısı", the simulator provider of the e-Devlet door (issue 14):
 * demo mode only (404 otherwise), served by nitelikd itself and speaking
 * the real protocol over HTTP, so the relying party (drivers/oidc.h) that
 * production uses is the one the demo and the tests exercise.
 *   GET  /demo/edevlet/.well-known/openid-configuration   discovery
 *   GET  /demo/edevlet/jwks                 the public key (ES256, P-256,
 *                                           made at the first request)
 *   GET  /demo/edevlet/yetkilendir          the login page: a demo citizen's
 *   POST /demo/edevlet/yetkilendir          T.C. number (population registry
 *                                           simulator) and the password "demo"
 *   POST /demo/edevlet/token                the code (once, 60 s, PKCE S256,
 *                                           the same redirect_uri) for a signed
 *                                           ID token; client_secret_basic
 * Its issuer is [oidc] issuer (the demo configuration points it here), its
 * client the [oidc] client_id/client_secret, its one registered redirect URI
 * <base_url>/giris/edevlet/donus. The ID token carries the T.C. number in
 * the [oidc] id_claim and in sub. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include <cjose/cjose.h>
#include <sodium.h>

#include "app/app.h"
#include "pages/handlers.h"
#include "pages/pages.h"

#define SIM_PASSWORD "demo"
#define SIM_KID "edevlet-sim-1"
#define CODE_TTL 60
#define N_CODES 64

struct code {
	char code[48];
	char tckn[12];
	char nonce[128];
	char challenge[64];
	char redirect_uri[512];
	int64_t exp;
	bool used;
};

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static cjose_jwk_t *key;          /* made once, kept for the process */
static struct code codes[N_CODES];
static size_t next_code;

/* Under mu. */
static cjose_jwk_t *sim_key(void)
{
	if (!key) {
		cjose_err ce;
		key = cjose_jwk_create_EC_random(CJOSE_JWK_EC_P_256, &ce);
		if (key && !cjose_jwk_set_kid(key, SIM_KID, strlen(SIM_KID), &ce)) {
			cjose_jwk_release(key);
			key = NULL;
		}
	}
	return key;
}

static const struct nl_oidc_config *sim_cfg(struct nl_req *r)
{
	struct nl_app *app = nl_app_of(r);
	if (!nl_app_of(r)->cfg->demo || !app || !app->drivers.oidc_cfg.issuer[0]) {
		nl_resp_error(r, NL_ERR_NOT_FOUND, NULL);
		return NULL;
	}
	return &app->drivers.oidc_cfg;
}

static const char *registered_uri(struct nl_req *r)
{
	const char *b = nl_app_of(r)->cfg->base_url;
	size_t n = strlen(b);
	return nl_arena_printf(r->arena, "%.*s/giris/edevlet/donus",
	                       (int)(n && b[n - 1] == '/' ? n - 1 : n), b);
}

void nl_h_sim_edevlet_discovery(struct nl_req *r)
{
	const struct nl_oidc_config *c = sim_cfg(r);
	if (!c)
		return;
	const char *i = c->issuer;
	json_t *j = json_pack("{s:s, s:s+, s:s+, s:s+, s:[s], s:[s], s:[s], s:[s], s:[s], s:[sss]}",
		"issuer", i,
		"authorization_endpoint", i, "/yetkilendir",
		"token_endpoint", i, "/token",
		"jwks_uri", i, "/jwks",
		"response_types_supported", "code",
		"subject_types_supported", "public",
		"id_token_signing_alg_values_supported", "ES256",
		"code_challenge_methods_supported", "S256",
		"token_endpoint_auth_methods_supported", "client_secret_basic",
		"scopes_supported", "openid", "profile", c->id_claim);
	nl_resp_json(r, j ? 200 : 500, j ? j : json_object());
}

void nl_h_sim_edevlet_jwks(struct nl_req *r)
{
	if (!sim_cfg(r))
		return;
	cjose_err ce;
	pthread_mutex_lock(&mu);
	cjose_jwk_t *k = sim_key();
	char *pub = k ? cjose_jwk_to_json(k, false, &ce) : NULL;
	pthread_mutex_unlock(&mu);
	json_t *jk = pub ? json_loads(pub, 0, NULL) : NULL;
	free(pub);
	if (!jk) {
		nl_resp_error(r, NL_ERR_INTERNAL, NULL);
		return;
	}
	json_object_set_new(jk, "use", json_string("sig"));
	json_object_set_new(jk, "alg", json_string("ES256"));
	nl_resp_json(r, 200, json_pack("{s:[o]}", "keys", jk));
}

/* ---- the login page ---- */

static const char *const carried[] = {"response_type", "client_id", "redirect_uri", "scope",
	"state", "nonce", "code_challenge", "code_challenge_method"};

struct authz {
	const char *p[8];          /* carried[], in order */
	const char *tckn;
	const char *password;
};

static const struct nl_spec authz_spec[] = {
	NL_SPEC_TEXT("response_type", struct authz, p[0], 1, 32, 0),
	NL_SPEC_TEXT("client_id", struct authz, p[1], 1, 255, 0),
	NL_SPEC_TEXT("redirect_uri", struct authz, p[2], 1, 511, 0),
	NL_SPEC_TEXT("scope", struct authz, p[3], 1, 255, 0),
	NL_SPEC_TEXT("state", struct authz, p[4], 1, 255, 0),
	NL_SPEC_TEXT("nonce", struct authz, p[5], 1, 127, 0),
	NL_SPEC_TEXT("code_challenge", struct authz, p[6], 1, 63, 0),
	NL_SPEC_TEXT("code_challenge_method", struct authz, p[7], 1, 16, 0),
	NL_SPEC_TEXT("tckn", struct authz, tckn, 1, 11, 0),
	NL_SPEC_TEXT("password", struct authz, password, 1, 64, NL_SPEC_SECRET),
	NL_SPEC_END
};

/* A request the provider must refuse without sending the browser anywhere
 * (an unknown client or redirect URI), or NULL when it is acceptable. */
static const char *bad_request(struct nl_req *r, const struct nl_oidc_config *c,
                               const char *const p[8])
{
	if (!p[1] || strcmp(p[1], c->client_id) != 0)
		return "Unknown client_id.";
	if (!p[2] || strcmp(p[2], registered_uri(r)) != 0)
		return "The redirect_uri is not the one registered for this client.";
	if (!p[0] || strcmp(p[0], "code") != 0)
		return "Only response_type=code is supported.";
	if (!p[3] || !strstr(p[3], "openid"))
		return "The scope must include openid.";
	if (!p[4] || !p[5])
		return "state and nonce are required.";
	if (!p[6] || !p[7] || strcmp(p[7], "S256") != 0)
		return "PKCE with code_challenge_method=S256 is required.";
	return NULL;
}

static void login_page(struct nl_req *r, int status, const char *const p[8], const char *msg)
{
	nl_buf b = {0};
	nl_buf_puts(&b, "<!DOCTYPE html><html lang=\"tr\"><head><meta charset=\"utf-8\">"
	            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
	            "<title>e-Devlet Kapısı (simülatör)</title>"
	            "<link rel=\"stylesheet\" href=\"/static/css/site.css\"></head><body><main>"
	            "<h1>e-Devlet Kapısı</h1><p class=\"note\">Demo simülatörü: gerçek e-Devlet "
	            "değildir. Demo vatandaşın T.C. kimlik numarasını (ör. 64172043210) ve "
	            "e-Devlet şifresi olarak <b>" SIM_PASSWORD "</b> yazınız.</p>");
	if (msg) {
		nl_buf_puts(&b, "<p class=\"error\" role=\"alert\">");
		nl_buf_put_html(&b, msg);
		nl_buf_puts(&b, "</p>");
	}
	nl_buf_puts(&b, "<form method=\"post\" action=\"/demo/edevlet/yetkilendir\">"
	            "<input type=\"hidden\" name=\"csrf\" value=\"");
	nl_buf_put_html(&b, nl_session_csrf(r) ? nl_session_csrf(r) : "");
	nl_buf_puts(&b, "\">");
	for (size_t i = 0; i < 8; i++) {
		if (!p[i])
			continue;
		nl_buf_printf(&b, "<input type=\"hidden\" name=\"%s\" value=\"", carried[i]);
		nl_buf_put_html(&b, p[i]);
		nl_buf_puts(&b, "\">");
	}
	nl_buf_puts(&b, "<p><label for=\"tckn\">T.C. Kimlik No</label> <input id=\"tckn\" "
	            "name=\"tckn\" inputmode=\"numeric\" maxlength=\"11\" autocomplete=\"off\"></p>"
	            "<p><label for=\"password\">e-Devlet Şifresi</label> <input id=\"password\" "
	            "name=\"password\" type=\"password\"></p>"
	            "<p><button type=\"submit\">Giriş Yap</button></p></form></main></body></html>\n");
	nl_resp_html(r, status, &b);
	nl_buf_free(&b);
}

void nl_h_sim_edevlet_authorize(struct nl_req *r)
{
	const struct nl_oidc_config *c = sim_cfg(r);
	if (!c)
		return;
	const char *p[8];
	for (size_t i = 0; i < 8; i++)
		p[i] = nl_req_query(r, carried[i]);
	const char *bad = bad_request(r, c, p);
	if (bad) {
		nl_resp_error_status(r, 400, NL_ERR_INVALID, bad);
		return;
	}
	nl_err e = nl_session_ensure(r);
	if (e) {
		nl_resp_error(r, e, NULL);
		return;
	}
	login_page(r, 200, p, NULL);
}

void nl_h_sim_edevlet_authorize_post(struct nl_req *r)
{
	const struct nl_oidc_config *c = sim_cfg(r);
	if (!c)
		return;
	struct authz in;
	struct nl_spec_result res;
	memset(&in, 0, sizeof in);
	nl_err e = nl_req_parse_body(r, authz_spec, &in, &res);
	if (e) {
		nl_resp_error_status(r, 400, NL_ERR_INVALID, "The form is not valid.");
		return;
	}
	const char *bad = bad_request(r, c, in.p);
	if (bad) {
		nl_resp_error_status(r, 400, NL_ERR_INVALID, bad);
		return;
	}
	struct nl_app *app = nl_app_of(r);
	nl_registry *reg = app->drivers.registry;
	struct nl_citizen cz;
	struct nl_drv_error de;
	memset(&de, 0, sizeof de);
	bool known = in.tckn && strlen(in.tckn) == 11 && reg && reg->lookup &&
	             reg->lookup(reg->self, in.tckn, &cz, &de) == NL_OK && cz.alive;
	if (!known || !in.password || strcmp(in.password, SIM_PASSWORD) != 0) {
		login_page(r, 401, in.p, "T.C. kimlik numarası veya şifre hatalı.");
		return;
	}
	struct code k;
	memset(&k, 0, sizeof k);
	unsigned char raw[24];
	randombytes_buf(raw, sizeof raw);
	sodium_bin2base64(k.code, sizeof k.code, raw, sizeof raw,
	                  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	snprintf(k.tckn, sizeof k.tckn, "%s", in.tckn);
	snprintf(k.nonce, sizeof k.nonce, "%s", in.p[5]);
	snprintf(k.challenge, sizeof k.challenge, "%s", in.p[6]);
	snprintf(k.redirect_uri, sizeof k.redirect_uri, "%s", in.p[2]);
	k.exp = r->now + CODE_TTL;
	pthread_mutex_lock(&mu);
	codes[next_code++ % N_CODES] = k;
	pthread_mutex_unlock(&mu);
	nl_buf u = {0};
	nl_buf_printf(&u, "%s%ccode=%s&state=", in.p[2], strchr(in.p[2], '?') ? '&' : '?', k.code);
	for (const char *s = in.p[4]; *s; s++) {
		unsigned char ch = (unsigned char)*s;
		if ((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
		    ch == '-' || ch == '_' || ch == '.' || ch == '~')
			nl_buf_printf(&u, "%c", ch);
		else
			nl_buf_printf(&u, "%%%02X", ch);
	}
	nl_resp_redirect(r, u.data);
	nl_buf_free(&u);
}

/* ---- the token endpoint ---- */

struct token_in {
	const char *grant_type, *code, *redirect_uri, *code_verifier, *client_id, *client_secret;
};

static const struct nl_spec token_spec[] = {
	NL_SPEC_TEXT("grant_type", struct token_in, grant_type, 1, 64, 0),
	NL_SPEC_TEXT("code", struct token_in, code, 1, 64, 0),
	NL_SPEC_TEXT("redirect_uri", struct token_in, redirect_uri, 1, 511, 0),
	NL_SPEC_TEXT("code_verifier", struct token_in, code_verifier, 1, 128, NL_SPEC_SECRET),
	NL_SPEC_TEXT("client_id", struct token_in, client_id, 1, 255, 0),
	NL_SPEC_TEXT("client_secret", struct token_in, client_secret, 1, 255, NL_SPEC_SECRET),
	NL_SPEC_END
};

static void oauth_error(struct nl_req *r, int status, const char *code, const char *desc)
{
	nl_resp_json(r, status, json_pack("{s:s, s:s}", "error", code, "error_description", desc));
}

/* client_secret_basic, or the two form fields. */
static bool client_ok(struct nl_req *r, const struct nl_oidc_config *c, const struct token_in *in)
{
	char want[600], got[600] = "";
	snprintf(want, sizeof want, "%s:%s", c->client_id, c->client_secret);
	const char *h = nl_req_header(r, "Authorization");
	if (h && strncasecmp(h, "Basic ", 6) == 0) {
		size_t n = 0;
		if (sodium_base642bin((unsigned char *)got, sizeof got - 1, h + 6, strlen(h + 6), NULL,
		                      &n, NULL, sodium_base64_VARIANT_ORIGINAL) != 0)
			return false;
		got[n] = 0;
	} else if (in->client_id && in->client_secret) {
		snprintf(got, sizeof got, "%s:%s", in->client_id, in->client_secret);
	}
	return strlen(got) == strlen(want) && sodium_memcmp(got, want, strlen(want)) == 0;
}

void nl_h_sim_edevlet_token(struct nl_req *r)
{
	const struct nl_oidc_config *c = sim_cfg(r);
	if (!c)
		return;
	struct token_in in;
	struct nl_spec_result res;
	memset(&in, 0, sizeof in);
	if (nl_req_parse_body(r, token_spec, &in, &res) != NL_OK || !in.code || !in.grant_type ||
	    strcmp(in.grant_type, "authorization_code") != 0) {
		oauth_error(r, 400, "invalid_request", "grant_type=authorization_code and code are required");
		return;
	}
	if (!client_ok(r, c, &in)) {
		oauth_error(r, 401, "invalid_client", "client authentication failed");
		return;
	}
	struct code k;
	bool found = false;
	pthread_mutex_lock(&mu);
	for (size_t i = 0; i < N_CODES; i++) {
		if (codes[i].code[0] && strcmp(codes[i].code, in.code) == 0) {
			k = codes[i];
			found = !codes[i].used;
			codes[i].used = true;     /* once, whatever the outcome */
			break;
		}
	}
	pthread_mutex_unlock(&mu);
	char challenge[64] = "";
	if (in.code_verifier)
		nl_oidc_pkce_challenge(in.code_verifier, challenge, sizeof challenge);
	if (!found || k.exp < r->now || !in.redirect_uri ||
	    strcmp(in.redirect_uri, k.redirect_uri) != 0 || strcmp(challenge, k.challenge) != 0) {
		oauth_error(r, 400, "invalid_grant", "the code is unknown, used, expired or not for this request");
		return;
	}
	json_t *claims = json_pack("{s:s, s:s, s:s, s:I, s:I, s:s, s:s}",
		"iss", c->issuer, "sub", k.tckn, "aud", c->client_id,
		"iat", (json_int_t)r->now, "exp", (json_int_t)(r->now + 300),
		"nonce", k.nonce, c->id_claim, k.tckn);
	char *pt = claims ? json_dumps(claims, JSON_COMPACT) : NULL;
	json_decref(claims);
	cjose_err ce;
	char *compact = NULL;
	const char *exp_str = NULL;
	cjose_header_t *hdr = cjose_header_new(&ce);
	pthread_mutex_lock(&mu);
	cjose_jwk_t *sk = sim_key();
	cjose_jws_t *jws = NULL;
	if (pt && hdr && sk && cjose_header_set(hdr, CJOSE_HDR_ALG, CJOSE_HDR_ALG_ES256, &ce) &&
	    cjose_header_set(hdr, CJOSE_HDR_KID, SIM_KID, &ce) &&
	    cjose_header_set(hdr, "typ", "JWT", &ce))
		jws = cjose_jws_sign(sk, hdr, (const uint8_t *)pt, strlen(pt), &ce);
	pthread_mutex_unlock(&mu);
	if (jws && cjose_jws_export(jws, &exp_str, &ce))
		compact = strdup(exp_str);   /* exp_str belongs to jws */
	cjose_jws_release(jws);
	cjose_header_release(hdr);
	free(pt);
	if (!compact) {
		oauth_error(r, 500, "server_error", "the ID token could not be signed");
		return;
	}
	unsigned char raw[24];
	char at[48];
	randombytes_buf(raw, sizeof raw);
	sodium_bin2base64(at, sizeof at, raw, sizeof raw, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	nl_resp_json(r, 200, json_pack("{s:s, s:s, s:s, s:i}", "access_token", at,
	                               "token_type", "Bearer", "id_token", compact,
	                               "expires_in", 300));
	free(compact);
}
