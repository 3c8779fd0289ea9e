/* The OCSP responder's certificate renews itself (issue 12 item 7): the
 * worker asks every pass, `nitelik ca ocsp-cert renew` forces it. The new
 * certificate keeps the responder's subject and key; the issuing key signs it
 * in the signer after the responder lint, and the signer takes it over for
 * its next answers at once. DIR/ca/ocsp.pem is read fresh each time, so
 * several nodes see one node's renewal. */
#include "app/ca_ops.h"
#include "core/file.h"

#include <stdio.h>

nl_err nl_ca_ocsp_cert_renew(nl_signer *sg, const struct nl_ca *ca, int64_t now, int64_t days,
                             int64_t margin, bool force, bool *renewed, nl_buf *log)
{
	char path[700], serial[64];
	nl_buf pem = NL_BUF_INIT, tbs = NL_BUF_INIT, der = NL_BUF_INIT, newpem = NL_BUF_INIT;
	nl_pki_cert *cur = NULL, *fresh = NULL;
	int64_t not_after = 0;
	*renewed = false;
	snprintf(path, sizeof path, "%s/ca/ocsp.pem", ca->conf.dir);
	nl_err rc = nl_read_file(path, 256 * 1024, &pem);
	if (!rc) rc = nl_pki_cert_parse(pem.data, pem.len, &cur);
	if (!rc) rc = nl_pki_cert_info(cur, NULL, NULL, NULL, &not_after);
	if (rc) goto out;
	if (!force && not_after - now > margin) {
		if (log) nl_buf_printf(log, "OCSP responder certificate valid for %lld more days: not due\n",
		                       (long long)((not_after - now) / 86400));
		goto out;
	}
	if ((rc = nl_pki_ocsp_responder_renew_tbs(cur, ca->issuing, now, days, &tbs)))
		goto out;
	rc = nl_signer_call(sg, NL_SIGNER_OCSP_CERT, tbs.data, tbs.len, &der);
	if (rc) {
		if (log) nl_buf_printf(log, "the signer refused the responder certificate: %.*s\n", (int)der.len,
		                       der.data ? der.data : "");
		goto out;
	}
	/* the signer signs what it linted; we keep it only if it is what we asked */
	if ((rc = nl_pki_cert_parse(der.data, der.len, &fresh)) || !nl_pki_cert_same_key(cur, fresh)) {
		rc = rc ? rc : NL_ERR_CRYPTO;
		goto out;
	}
	if ((rc = nl_pki_cert_pem(fresh, &newpem)) || (rc = nl_write_file(path, newpem.data, newpem.len, 0644)))
		goto out;
	if (nl_pki_cert_info(fresh, serial, NULL, NULL, &not_after))
		snprintf(serial, sizeof serial, "?");   /* only for the log line */
	*renewed = true;
	if (log) nl_buf_printf(log, "OCSP responder certificate renewed: serial %s, valid until %lld (%s)\n",
	                       serial, (long long)not_after, path);
out:
	nl_pki_cert_free(cur);
	nl_pki_cert_free(fresh);
	nl_buf_free(&pem); nl_buf_free(&tbs); nl_buf_free(&der); nl_buf_free(&newpem);
	return rc;
}
