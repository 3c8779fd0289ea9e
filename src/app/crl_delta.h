/* Delta CRLs (RFC 5280 5.2.4; docs/ca.md "CRLs"): what changed since a
 * complete CRL, published at DIR/repo/issuing-delta.crl (served at
 * /repo/issuing-delta.crl, the URL of the freshestCRL extension).
 *
 * The base is the oldest complete CRL a relying party may still hold (its
 * next update ahead), so the small delta brings every holder of a complete
 * CRL numbered from the base on up to date; the delta's own number follows
 * the newest complete CRL in the same sequence. It lists each certificate
 * whose entry differs from the base's (new revocations and suspensions, a
 * suspension turned into a revocation) and removeFromCRL for each one the
 * base lists that is no longer revoked (a released suspension). */
#ifndef NL_APP_CRL_DELTA_H
#define NL_APP_CRL_DELTA_H

#include "app/ca_ops.h"

#define NL_CRL_DELTA_VALIDITY (4 * 3600)

/* Makes, stores and writes the next delta CRL (valid `validity` seconds).
 * NL_ERR_CONFIG when delta CRLs are off ([ca] delta_crl = false),
 * NL_ERR_NOT_FOUND when there is no complete CRL to base it on. *entries (may
 * be NULL) receives its number of entries, *base (may be NULL) its base. */
NL_MUST_USE nl_err nl_ca_publish_delta_crl(const struct nl_app *app, nl_signer *sg, const struct nl_ca *ca, int64_t now,
                               int64_t validity, int64_t *entries, int64_t *base);

/* The same right after the complete CRL numbered just_published was made
 * (nl_ca_publish_crl): when that one is the base, the delta is empty without
 * reading the lists again. 0: no such CRL. */
NL_MUST_USE nl_err nl_ca_publish_delta_after(const struct nl_app *app, nl_signer *sg, const struct nl_ca *ca, int64_t now,
                                 int64_t validity, int64_t just_published, int64_t *entries,
                                 int64_t *base_out);

/* The worker's part after the complete CRL's (nl_ca_crl_tick): a new delta
 * when deltas are on and there is none, a complete CRL was published after
 * the newest one, or it reaches its next update within `margin` seconds. */
NL_MUST_USE nl_err nl_ca_delta_crl_tick(const struct nl_app *app, nl_signer *sg, const struct nl_ca *ca, int64_t now,
                            int64_t validity, int64_t margin);

#endif
