/* The OpenID Connect relying party behind the e-Devlet door (issue 14, SPEC §2):
 * any standard provider, e-Devlet Kapısı or the built-in simulator.
 *
 * Configuration, section [oidc] (these names only; operators' guides use them):
 *   enabled       = false            the door is shown and answers only when true
 *   issuer        = https://giris.turkiye.gov.tr   discovery is fetched from
 *                   <issuer>/.well-known/openid-configuration and its "issuer"
 *                   must be exactly this value
 *   client_id     = the id the provider gave Nitelik
 *   client_secret = its secret (client_secret_basic at the token endpoint)
 *   id_claim      = tckn             the ID token claim holding the T.C. number
 *   scopes        = openid           space-separated; "openid" is added when missing
 * The redirect URI is <base_url>/giris/edevlet/donus (pages/applicant/portal_edevlet.c).
 *
 * The flow: nl_oidc_begin gives the authorization URL and the secrets the caller
 * keeps server-side bound to the browser (state, nonce, PKCE verifier, S256);
 * nl_oidc_finish trades the code at the token endpoint, checks the ID token's
 * signature (RS256 or ES256 only) against the provider's JWKS — an unknown
 * `kid` refetches the JWKS once, for key rotation — and checks iss, aud, exp,
 * iat (NL_OIDC_SKEW seconds of clock skew) and nonce, then returns the T.C.
 * number from id_claim. Plain http is accepted for a loopback issuer only
 * (the simulator and tests); everything else must be https.
 *
 * Errors: NL_ERR_IO when the provider cannot be asked or answers garbage
 * (down, slow past the timeouts, not JSON, a 4xx/5xx); NL_ERR_UNAUTHORIZED
 * when it answered but the answer must not be trusted (bad signature, no
 * matching key, wrong iss/aud/nonce, expired, a refused code). e->msg says
 * which, for the audit trail; it never holds a token or a secret. */
#ifndef NL_DRIVERS_OIDC_H
#define NL_DRIVERS_OIDC_H

#include <stdbool.h>
#include <stdint.h>

#include "drivers/driver.h"

#define NL_OIDC_SKEW 120               /* seconds of clock difference tolerated */
#define NL_OIDC_CONNECT_TIMEOUT_MS 3000
#define NL_OIDC_TIMEOUT_MS 8000        /* a whole request to the provider */

struct nl_oidc_config {
	bool enabled;
	char issuer[512];
	char client_id[256];
	char client_secret[256];
	char id_claim[64];
	char scopes[256];
};

void nl_oidc_config_defaults(struct nl_oidc_config *c);
/* NL_ERR_NOT_FOUND for an unknown key, NL_ERR_CONFIG for a bad value. */
NL_MUST_USE nl_err nl_oidc_config_set(struct nl_oidc_config *c, const char *key, const char *value);
/* NL_ERR_CONFIG (with *why) when enabled but issuer/client_id/client_secret
 * are missing or the issuer is not https (loopback http excepted). */
NL_MUST_USE nl_err nl_oidc_config_check(const struct nl_oidc_config *c, const char **why);

typedef struct nl_oidc nl_oidc;

/* NULL *out when the door is disabled. Nothing is fetched here, so a provider
 * that is down does not stop nitelikd from starting. */
NL_MUST_USE nl_err nl_oidc_open(const struct nl_oidc_config *c, nl_oidc **out);
void nl_oidc_free(nl_oidc *o);   /* NULL is fine */

/* What nl_oidc_begin hands back; the caller stores state, nonce and verifier
 * in the browser's session and sends the browser to url. */
struct nl_oidc_start {
	char url[2048];
	char state[64];
	char nonce[64];
	char verifier[64];
};

NL_MUST_USE nl_err nl_oidc_begin(nl_oidc *o, const char *redirect_uri, struct nl_oidc_start *out,
                     struct nl_drv_error *e);

/* Trades code for tokens and checks the ID token (see above). *id_out gets the
 * T.C. number (11 digits, checksum not judged here). */
NL_MUST_USE nl_err nl_oidc_finish(nl_oidc *o, const char *redirect_uri, const char *code,
                      const char *verifier, const char *nonce, int64_t now,
                      char *id_out, size_t id_size, struct nl_drv_error *e);

/* The PKCE S256 challenge of verifier (base64url, no padding), for the
 * simulator provider and tests. out needs 44 bytes. */
void nl_oidc_pkce_challenge(const char *verifier, char *out, size_t out_size);

#endif
