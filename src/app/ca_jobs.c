/* The CA's periodic jobs. Each pass opens a signer connection and closes it:
 * the jobs run minutes apart, so a connection kept open would only go stale. */
#include "app/ca_jobs.h"

#include "app/ca_ops.h"

static NL_MUST_USE nl_err with_signer(struct nl_app *app, const struct nl_ca **ca, nl_signer **sg)
{
	if (!(*ca = nl_app_ca(app)))
		return NL_ERR_NOT_FOUND;
	return nl_signer_connect((*ca)->conf.socket, sg);
}

nl_err nl_ca_job_crl(struct nl_app *app, int64_t now)
{
	const struct nl_ca *ca = NULL;
	nl_signer *sg = NULL;
	nl_err rc = with_signer(app, &ca, &sg);
	if (rc == NL_ERR_NOT_FOUND) return NL_OK;
	if (!rc) rc = nl_ca_crl_tick(app, sg, ca, now, NL_CRL_VALIDITY, NL_CRL_VALIDITY / 2);
	nl_signer_close(sg);
	return rc;
}

nl_err nl_ca_job_ocsp(struct nl_app *app, int64_t now)
{
	const struct nl_ca *ca = NULL;
	nl_signer *sg = NULL;
	nl_err rc = with_signer(app, &ca, &sg);
	if (rc == NL_ERR_NOT_FOUND) return NL_OK;
	/* the responder's own certificate first: answers signed after its
	 * renewal carry the new one */
	bool renewed = false;
	nl_err rr = rc ? NL_OK : nl_ca_ocsp_cert_renew(sg, ca, now, NL_OCSP_CERT_DAYS,
	                                               app->cfg->ca_ocsp_renew_margin_days * 86400, false,
	                                               &renewed, NULL);
	if (!rc) rc = nl_ca_ocsp_refresh(app, sg, ca, now, NL_OCSP_VALIDITY, NL_OCSP_VALIDITY / 2, NULL);
	if (!rc) rc = rr;
	nl_signer_close(sg);
	return rc;
}
