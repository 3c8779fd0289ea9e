/* Operations endpoints: /healthz (is the database answering?), /readyz (can
 * this node do its work: the database, and the CA signer when there is a CA)
 * and /metrics. */
#include <stdio.h>
#include <unistd.h>

#include "app/ops.h"
#include "http/server.h"
#include "pages/handlers.h"
#include "pages/pages.h"
#include "pages/pki/pki_web.h"
#include "signer/client.h"

static bool db_answers(struct nl_req *r)
{
	return nl_ops_db_answers(nl_app_of(r));
}

/* One line per component; 503 when any fails. A node without a CA in its data
 * folder has no "ca" to fail; a node whose CA cannot sign (no signer, a signer
 * that does not answer, or refuses us) is not ready: issuance, CRLs and live
 * OCSP would fail (issue 10: a wiped token stayed invisible to /healthz). */
void nl_h_readyz(struct nl_req *r)
{
	nl_buf out = NL_BUF_INIT;
	bool ok = db_answers(r);
	nl_buf_printf(&out, "database: %s\n", ok ? "ok" : "unavailable");
	char conf[NL_CONFIG_STR + 16];
	snprintf(conf, sizeof conf, "%s/ca/ca.conf", nl_app_of(r)->cfg->data_dir);
	const struct nl_ca *ca = nl_web_ca(r);
	if (ca) {
		nl_err rc = nl_signer_ping(ca->conf.socket, 2000);
		nl_buf_printf(&out, "ca: %s\n", rc == NL_OK ? "ok, the signer answers"
		              : rc == NL_ERR_FORBIDDEN ? "cannot sign: the signer refuses this user"
		              : "cannot sign: the signer does not answer");
		ok = ok && rc == NL_OK;
	} else if (access(conf, F_OK) == 0) {
		nl_buf_puts(&out, "ca: cannot sign: the CA's certificates do not load\n");
		ok = false;
	} else {
		nl_buf_puts(&out, "ca: none in this data folder\n");
	}
	nl_resp_buf(r, ok ? 200 : 503, "text/plain; charset=utf-8", &out);
}

void nl_h_healthz(struct nl_req *r)
{
	if (db_answers(r))
		nl_resp_bytes(r, 200, "text/plain; charset=utf-8", "ok\n", 3);
	else
		nl_resp_bytes(r, 503, "text/plain; charset=utf-8", "database unavailable\n", 21);
}

void nl_h_metrics(struct nl_req *r)
{
	nl_buf out = NL_BUF_INIT;
	nl_metrics_render(r->srv, &out);
	nl_web_ca_metrics(r, &out);   /* certificate days left, CRL age */
	nl_resp_buf(r, 200, "text/plain; version=0.0.4; charset=utf-8", &out);
}
