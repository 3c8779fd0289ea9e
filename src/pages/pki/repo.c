/* The CA's public files and directory:
 *   GET /repo/{name}          root.crt, issuing.crt (DER), issuing.crl, root.crl,
 *                             issuing-delta.crl (the CRL distribution point,
 *                             freshestCRL and caIssuers URLs)
 *   GET /repo/audit-checkpoint(s)  the latest signed audit checkpoint, and all of
 *                             them (app/audit_checkpoint.h, docs/audit.md)
 *   GET /dizin?q=...          public directory: published certificates by name or e-mail
 *                             (web/templates/dizin.html)
 *   GET /dizin/{serial}.pem|.der   download one published certificate */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "app/repository.h"
#include "pki/pki.h"
#include "pages/handlers.h"
#include "pages/pages.h"
#include "pages/pki/pki_web.h"
#include "core/file.h"

void nl_h_repo(struct nl_req *r)
{
	const char *name = nl_req_param(r, "name");
	static const char *const files[] = {"root.crt", "issuing.crt", "issuing.crl", "root.crl",
	                                    "issuing-delta.crl", "audit-checkpoint", "audit-checkpoints"};
	const struct nl_ca *ca = nl_web_ca(r);
	bool known = false;
	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++)
		if (name && !strcmp(name, files[i])) known = true;
	if (!known || !ca) {
		nl_resp_error(r, NL_ERR_NOT_FOUND, NULL);
		return;
	}
	char path[700];
	nl_buf b = NL_BUF_INIT;
	snprintf(path, sizeof path, "%s/repo/%s", ca->conf.dir, name);
	if (nl_read_file(path, 512u * 1024 * 1024, &b) != NL_OK) {
		nl_buf_free(&b);
		nl_resp_error(r, NL_ERR_NOT_FOUND, NULL);
		return;
	}
	bool crl = strstr(name, ".crl") != NULL, cp = !strncmp(name, "audit-", 6);
	/* CRLs (complete and delta alike) change when a new one is published;
	 * CA certificates hardly ever; checkpoints every few minutes. */
	nl_resp_cacheable(r, cp ? 60 : crl ? 300 : 86400);
	nl_resp_buf(r, 200, cp ? "text/plain; charset=utf-8" : crl ? "application/pkix-crl"
	                                                         : "application/pkix-cert", &b);
}

static NL_MUST_USE nl_err list_row(void *ctx, const struct nl_cert_row *c)
{
	json_t *row = json_pack("{s:s, s:s, s:b, s:b, s:b}", "name", c->common_name, "serial", c->serial,
	                        "good", !strcmp(c->status, "good"), "hold", !strcmp(c->status, "hold"),
	                        "revoked", !strcmp(c->status, "revoked"));
	if (!row || json_array_append_new(ctx, row)) return NL_ERR_NOMEM;
	return NL_OK;
}

void nl_h_directory(struct nl_req *r)
{
	const char *q = nl_req_query(r, "q");
	json_t *d = nl_page_data(r, "Certificate Directory");
	json_t *results = json_array();
	if (!d || !results) {
		json_decref(d);
		json_decref(results);
		nl_resp_error(r, NL_ERR_NOMEM, NULL);
		return;
	}
	json_object_set_new(d, "q", json_string(q ? q : ""));
	if (q && *q) {
		nl_err rc = nl_repo_search(nl_app_of(r), q, 50, list_row, results);
		if (rc && rc != NL_ERR_INVALID) {
			json_decref(d);
			json_decref(results);
			nl_resp_error(r, rc, NULL);
			return;
		}
		json_object_set_new(d, "invalid", json_boolean(rc == NL_ERR_INVALID));
		json_object_set_new(d, "searched", json_boolean(rc == NL_OK));
		json_object_set_new(d, "has_results", json_boolean(json_array_size(results) > 0));
	}
	json_object_set_new(d, "results", results);
	nl_page_respond(r, 200, "dizin", d);
}

void nl_h_directory_file(struct nl_req *r)
{
	const char *f = nl_req_param(r, "file");
	char serial[64];
	size_t n = f ? strcspn(f, ".") : 0;
	bool pem = f && !strcmp(f + n, ".pem"), der = f && !strcmp(f + n, ".der");
	if ((!pem && !der) || n == 0 || n >= sizeof serial) {
		nl_resp_error(r, NL_ERR_NOT_FOUND, NULL);
		return;
	}
	for (size_t i = 0; i < n; i++) serial[i] = (char)toupper((unsigned char)f[i]);
	serial[n] = '\0';
	struct nl_cert_row c;
	nl_err rc = nl_repo_cert(nl_app_of(r), serial, &c);
	if (rc) {
		nl_resp_error(r, rc, NULL);
		return;
	}
	nl_buf b = NL_BUF_INIT;
	if (pem) rc = nl_pki_der_to_pem(c.der, c.der_len, &b);
	else nl_buf_append(&b, c.der, c.der_len);
	if (rc) {
		nl_buf_free(&b);
		nl_resp_error(r, rc, NULL);
		return;
	}
	char disp[120];
	snprintf(disp, sizeof disp, "attachment; filename=\"%s.%s\"", serial, pem ? "pem" : "cer");
	nl_resp_add_header(r, "Content-Disposition", disp);
	nl_resp_buf(r, 200, pem ? "application/x-pem-file" : "application/pkix-cert", &b);
	nl_cert_row_clear(&c);
}
