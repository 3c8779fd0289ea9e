/* The CA's public face beside its files (repo.c):
 *   GET /repo, /repo/      the repository page: CA certificates, CRLs, CPS, PDS and
 *                          the OCSP URL, as the certificates name them
 *                          (web/templates/repo.html)
 *   GET /cps               the Certification Practice Statement
 *   GET /pds/tr, /pds/en   the PKI Disclosure Statements the QcPDS statement names
 * The documents are files the operator replaces ([ca] cps_file, pds_tr_file,
 * pds_en_file; samples in web/docs/), or live elsewhere ([ca] cps_url, ...):
 * then these routes redirect there, so an old link still leads somewhere. */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "app/repository.h"
#include "pki/ca_store.h"
#include "pages/handlers.h"
#include "pages/pages.h"
#include "pages/pki/pki_web.h"
#include "core/file.h"

static void serve_doc(struct nl_req *r, enum nl_ca_doc d)
{
	const struct nl_config *cfg = nl_app_of(r)->cfg;
	const char *url = d == NL_CA_DOC_CPS ? cfg->ca_cps_url : d == NL_CA_DOC_PDS_TR ? cfg->ca_pds_tr_url
	                                                                              : cfg->ca_pds_en_url;
	if (url[0]) {
		nl_resp_redirect(r, url);
		return;
	}
	char path[700];
	const char *type;
	nl_buf b = NL_BUF_INIT;
	nl_ca_doc_path(cfg, d, path, sizeof path, &type);
	if (nl_read_file(path, 32u * 1024 * 1024, &b) != NL_OK) {
		nl_buf_free(&b);
		nl_resp_error(r, NL_ERR_NOT_FOUND, NULL);
		return;
	}
	nl_resp_cacheable(r, 3600);
	nl_resp_buf(r, 200, type, &b);
}

void nl_h_cps(struct nl_req *r) { serve_doc(r, NL_CA_DOC_CPS); }

void nl_h_pds(struct nl_req *r)
{
	const char *lang = nl_req_param(r, "lang");
	if (lang && !strcmp(lang, "tr")) serve_doc(r, NL_CA_DOC_PDS_TR);
	else if (lang && !strcmp(lang, "en")) serve_doc(r, NL_CA_DOC_PDS_EN);
	else nl_resp_error(r, NL_ERR_NOT_FOUND, NULL);
}

/* d[key] = {name, bytes} when DIR/repo/name exists: the page lists what is there. */
static void add_file(json_t *d, const char *key, const char *dir, const char *name)
{
	char path[700];
	struct stat st;
	snprintf(path, sizeof path, "%s/repo/%s", dir, name);
	if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
		return;
	json_object_set_new(d, key, json_pack("{s:s, s:I}", "name", name, "bytes", (json_int_t)st.st_size));
}

void nl_h_repo_index(struct nl_req *r)
{
	const struct nl_ca *ca = nl_web_ca(r);
	json_t *d = nl_page_data(r, "Repository");
	if (!d) {
		nl_resp_error(r, NL_ERR_NOMEM, NULL);
		return;
	}
	json_object_set_new(d, "has_ca", json_boolean(ca != NULL));
	if (ca) {
		add_file(d, "root_crt", ca->conf.dir, "root.crt");
		add_file(d, "issuing_crt", ca->conf.dir, "issuing.crt");
		add_file(d, "issuing_crl", ca->conf.dir, "issuing.crl");
		add_file(d, "issuing_delta_crl", ca->conf.dir, "issuing-delta.crl");
		add_file(d, "root_crl", ca->conf.dir, "root.crl");
		json_object_set_new(d, "ocsp", json_string(ca->urls.ocsp));
		json_object_set_new(d, "cps", json_string(ca->urls.cps));
		json_object_set_new(d, "pds_tr", json_string(ca->urls.pds_tr));
		json_object_set_new(d, "pds_en", json_string(ca->urls.pds_en));
		json_object_set_new(d, "policy", json_string(ca->urls.policy_oid));
	}
	nl_page_respond(r, 200, "repo", d);
}

/* /metrics gauges of the CA: days left of every CA and the responder
 * certificate (read from DIR/ca at each scrape, so a renewed one shows at
 * once) and the age of the newest CRL. Nothing when there is no CA. */
void nl_web_ca_metrics(struct nl_req *r, nl_buf *out)
{
	const struct nl_ca *ca = nl_web_ca(r);
	if (!ca) return;
	static const char *const names[] = {"root", "issuing", "ocsp"};
	int64_t now = (int64_t)time(NULL);
	nl_buf_puts(out, "# HELP nitelik_ca_certificate_days_left Days until the CA or OCSP responder "
	            "certificate expires.\n# TYPE nitelik_ca_certificate_days_left gauge\n");
	for (int i = 0; i < 3; i++) {
		char path[700];
		nl_buf pem = NL_BUF_INIT;
		nl_pki_cert *c = NULL;
		int64_t na = 0;
		snprintf(path, sizeof path, "%s/ca/%s.pem", ca->conf.dir, names[i]);
		if (nl_read_file(path, 256 * 1024, &pem) == NL_OK && nl_pki_cert_parse(pem.data, pem.len, &c) == NL_OK &&
		    nl_pki_cert_info(c, NULL, NULL, NULL, &na) == NL_OK)
			nl_buf_printf(out, "nitelik_ca_certificate_days_left{certificate=\"%s\"} %.3f\n", names[i],
			              (double)(na - now) / 86400.0);
		nl_pki_cert_free(c);
		nl_buf_free(&pem);
	}
	int64_t this_update = 0, next_update = 0;
	if (nl_repo_crl_times(nl_app_of(r), &this_update, &next_update) == NL_OK) {
		nl_buf_printf(out, "# HELP nitelik_ca_crl_age_seconds Seconds since the newest CRL's thisUpdate.\n"
		              "# TYPE nitelik_ca_crl_age_seconds gauge\nnitelik_ca_crl_age_seconds %lld\n"
		              "# HELP nitelik_ca_crl_seconds_to_next_update Seconds until the newest CRL's nextUpdate.\n"
		              "# TYPE nitelik_ca_crl_seconds_to_next_update gauge\n"
		              "nitelik_ca_crl_seconds_to_next_update %lld\n",
		              (long long)(now - this_update), (long long)(next_update - now));
	}
}
