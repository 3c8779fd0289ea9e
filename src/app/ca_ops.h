/* CA use cases on top of the store, the pki layer and the signer client: issue a
 * certificate, publish a CRL, answer OCSP, pre-sign OCSP responses. nitelikd,
 * its workers, the CLI and the benchmarks call these.
 *
 * Threads: a nl_signer connection belongs to one thread; struct nl_ca opened
 * without keys is read-only and may be shared. */
#ifndef NL_APP_CA_OPS_H
#define NL_APP_CA_OPS_H

#include "app/app.h"
#include "pki/ca_store.h"
#include "signer/client.h"
#include "store/db.h"
#include "store/store_certs.h"

struct nl_issue_req {
	struct nl_holder holder;
	const void *csr; size_t csr_len;   /* PEM or DER PKCS#10 */
	const void *spki; size_t spki_len; /* instead of a CSR: SubjectPublicKeyInfo DER of a
	                                      key production generated on a card itself */
	int64_t not_before;                /* now (the renewal start replaces it) */
	int years;                         /* 1..3: the ordered period; notAfter by
	                                      nl_pki_validity_end. 0: not_after below
	                                      (demo/test aid: --days) */
	int64_t not_after;                 /* only with years = 0 */
	const char *renew_serial;          /* renewal: starts the second after this
	                                      certificate ends */
	const char *email;                 /* for the public directory */
	bool publish;
	int64_t order_id, institution_id;  /* 0 = none */
	const char *actor;                 /* audit: "cli:root", "worker:production" */
};

/* Verifies the CSR, draws a serial unique in the database, builds the profile,
 * has the signer lint and sign it, stores it (audited). On a lint refusal
 * returns NL_ERR_INVALID with the failures in *failures. out is filled with
 * the stored row (nl_cert_row_clear). */
NL_MUST_USE nl_err nl_ca_issue(const struct nl_app *app, nl_signer *sg, const struct nl_ca *ca, const struct nl_issue_req *r,
                   struct nl_cert_row *out, nl_buf *failures);

/* Makes the next full CRL (valid `validity` seconds), stores it and writes
 * DIR/repo/issuing.crl; with delta CRLs on ([ca] delta_crl) it names them in
 * freshestCRL and a delta CRL follows (app/crl_delta.h). *entries (may be
 * NULL) receives the number of entries. */
NL_MUST_USE nl_err nl_ca_publish_crl(const struct nl_app *app, nl_signer *sg, const struct nl_ca *ca, int64_t now,
                         int64_t validity, int64_t *entries);
/* The CRL worker's tick: publishes a new CRL when there is none, when the newest
 * reaches its next update within `margin` seconds, or when a certificate changed
 * status since it was made (so a revocation reaches the CDP within a tick);
 * otherwise the delta CRL when it is due (nl_ca_delta_crl_tick). */
NL_MUST_USE nl_err nl_ca_crl_tick(const struct nl_app *app, nl_signer *sg, const struct nl_ca *ca, int64_t now,
                      int64_t validity, int64_t margin);

/* Answers one DER OCSPRequest: a pre-signed response when the request allows it
 * (SHA-1 CertID, no nonce), otherwise live signing. Always fills resp with a
 * DER OCSPResponse (malformedRequest, unauthorized, internalError when
 * something fails); *cacheable tells whether RFC 5019 caching headers apply,
 * *this_update / *next_update give their times. */
/* sg may be NULL (no signer): cached answers still work, others get tryLater.
 * Returns NL_ERR_IO when the signer connection failed (the caller reconnects),
 * NL_OK otherwise (also for error answers). */
NL_MUST_USE nl_err nl_ca_ocsp_answer(const struct nl_app *app, nl_signer *sg, const struct nl_ca *ca, const void *req,
                         size_t len, int64_t now, nl_buf *resp, bool *cacheable,
                         int64_t *this_update, int64_t *next_update);

/* Pre-signs responses for every certificate whose cached one is missing or
 * expires before now + margin. *count (may be NULL) receives how many. */
NL_MUST_USE nl_err nl_ca_ocsp_refresh(const struct nl_app *app, nl_signer *sg, const struct nl_ca *ca, int64_t now,
                          int64_t validity, int64_t margin, int64_t *count);

/* Tests only: called by nl_ca_ocsp_refresh for each certificate after its
 * status was read and its answer signed, before the answer is stored, so that
 * a test can change the status exactly there (tests/pki/test_ocsp_race.c).
 * NULL (the default) in nitelikd and the CLI. Not thread-safe to set. */
typedef void (*nl_ca_ocsp_refresh_hook_fn)(void *ctx, const char *serial_hex);
void nl_ca_ocsp_set_refresh_hook(nl_ca_ocsp_refresh_hook_fn fn, void *ctx);

/* Renews the OCSP responder's certificate (ca_responder.c) when it ends within
 * `margin` seconds, or at once with force: same subject and key, `days` from
 * now, signed by the issuing key in the signer (which takes it over), written
 * to DIR/ca/ocsp.pem. *renewed tells whether it did; log (may be NULL) says
 * what happened. */
NL_MUST_USE nl_err nl_ca_ocsp_cert_renew(nl_signer *sg, const struct nl_ca *ca, int64_t now, int64_t days,
                             int64_t margin, bool force, bool *renewed, nl_buf *log);
#define NL_OCSP_CERT_DAYS 365

#define NL_OCSP_VALIDITY (4 * 3600)     /* pre-signed and live responses */
#define NL_CRL_VALIDITY (24 * 3600)

#endif
