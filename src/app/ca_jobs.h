/* The CA's periodic jobs (run by workers.c): renew the CRL before its next
 * update, keep the pre-signed OCSP responses fresh. Both do nothing when the
 * data folder has no CA (`nitelik ca init` not run). */
#ifndef NL_APP_CA_JOBS_H
#define NL_APP_CA_JOBS_H

#include "app/app.h"

NL_MUST_USE nl_err nl_ca_job_crl(struct nl_app *app, int64_t now);
NL_MUST_USE nl_err nl_ca_job_ocsp(struct nl_app *app, int64_t now);

#endif
