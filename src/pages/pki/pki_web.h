/* Shared by the CA's web files (ocsp.c, repo.c). */
#ifndef NL_PAGES_PKI_PKI_WEB_H
#define NL_PAGES_PKI_PKI_WEB_H

#include "pki/ca_store.h"
#include "http/http.h"

#define NL_OCSP_MAX_REQUEST_B64 4096

/* The CA of this server's data_dir, loaded on first use; NULL if there is none
 * (`nitelik ca init` not run). Shared read-only by all threads. */
const struct nl_ca *nl_web_ca(const struct nl_req *r);
/* Empties this node's OCSP answer cache: a holder's suspend, release or
 * revoke shows in the next answer, not after the cache's 10 s (selfservice). */
void nl_web_ocsp_forget(void);
/* Appends the CA's /metrics gauges (repo_docs.c): days left of the root,
 * issuing CA and OCSP responder certificates, age of the newest CRL. */
void nl_web_ca_metrics(struct nl_req *r, nl_buf *out);
/* Frees it at shutdown (nitelikd main, optional). */
void nl_web_ca_free(void);

#endif
