/* The CA's periodic jobs. Each pass opens a signer connection and closes it:
 * the jobs run minutes apart, so a connection kept open would only go stale. */
#include "app/ca_jobs.h"

#include <pthread.h>

#include "signer/ca_ops.h"

static pthread_once_t once = PTHREAD_ONCE_INIT;
static struct nl_ca *the_ca;
static const char *ca_dir;

static void load(void)
{
	if (nl_ca_open(ca_dir, false, &the_ca) != NL_OK)
		the_ca = NULL;
}

static nl_err with_signer(struct nl_app *app, nl_signer **sg)
{
	ca_dir = app->cfg->data_dir;
	pthread_once(&once, load);
	if (!the_ca)
		return NL_ERR_NOT_FOUND;
	return nl_signer_connect(the_ca->conf.socket, sg);
}

nl_err nl_ca_job_crl(struct nl_app *app, int64_t now)
{
	nl_signer *sg = NULL;
	nl_err rc = with_signer(app, &sg);
	if (rc == NL_ERR_NOT_FOUND) return NL_OK;
	if (!rc) rc = nl_ca_crl_tick(app->db, sg, the_ca, now, NL_CRL_VALIDITY, NL_CRL_VALIDITY / 2);
	nl_signer_close(sg);
	return rc;
}

nl_err nl_ca_job_ocsp(struct nl_app *app, int64_t now)
{
	nl_signer *sg = NULL;
	nl_err rc = with_signer(app, &sg);
	if (rc == NL_ERR_NOT_FOUND) return NL_OK;
	if (!rc) rc = nl_ca_ocsp_refresh(app->db, sg, the_ca, now, NL_OCSP_VALIDITY, NL_OCSP_VALIDITY / 2, NULL);
	nl_signer_close(sg);
	return rc;
}
