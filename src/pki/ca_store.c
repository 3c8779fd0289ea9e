/* A CA on disk: configuration, initialisation (`nitelik ca init`) and loading. */
#include "pki/ca_store.h"
#include "pki/crl.h"
#include "core/file.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define SOFTHSM_MODULE "/usr/lib/softhsm/libsofthsm2.so"

/* SoftHSM2 reads its configuration's path from SOFTHSM2_CONF when its module
 * initialises, so the demo token's is named just before a CA key is opened.
 * Only the CA's key operations do this: the signer at start-up and the CLI,
 * each before it has a second thread. Loading the configuration does not:
 * nitelikd loads it on request threads, where a setenv races every getenv
 * of the process (time zones, OpenSSL, libpq). */
static void softhsm_env(const char *conf)
{
	if (conf[0]) setenv("SOFTHSM2_CONF", conf, 1);
}

static void set_field(struct nl_ca_conf *c, const char *k, const char *v)
{
	struct { const char *name; char *dst; size_t n; } f[] = {
		{"base_url", c->base_url, sizeof c->base_url},
		{"root_key", c->root_key, sizeof c->root_key},
		{"issuing_key", c->issuing_key, sizeof c->issuing_key},
		{"ocsp_key", c->ocsp_key, sizeof c->ocsp_key},
		{"softhsm_conf", c->softhsm_conf, sizeof c->softhsm_conf},
		{"socket", c->socket, sizeof c->socket},
	};
	for (size_t i = 0; i < sizeof f / sizeof f[0]; i++)
		if (!strcmp(k, f[i].name)) snprintf(f[i].dst, f[i].n, "%s", v);
}

nl_err nl_ca_conf_load(const char *dir, struct nl_ca_conf *c)
{
	char path[600];
	memset(c, 0, sizeof *c);
	snprintf(c->dir, sizeof c->dir, "%s", dir);
	snprintf(path, sizeof path, "%s/ca/ca.conf", dir);
	nl_buf text = NL_BUF_INIT;
	nl_err rc = nl_read_file(path, 64 * 1024, &text);
	if (rc) {
		nl_buf_free(&text);
		return rc == NL_ERR_TOO_LARGE ? NL_ERR_CONFIG : NL_ERR_NOT_FOUND;
	}
	for (char *line = text.data, *next; line && *line; line = next) {
		next = line + strcspn(line, "\n");
		if (*next) *next++ = '\0';
		line[strcspn(line, "\r")] = '\0';
		char *eq = strstr(line, " = ");
		if (line[0] == '#' || !eq) continue;
		*eq = '\0';
		set_field(c, line, eq + 3);
	}
	nl_buf_free(&text);
	if (!c->issuing_key[0] || !c->base_url[0]) return NL_ERR_CONFIG;
	if (!c->socket[0]) snprintf(c->socket, sizeof c->socket, "%s/ca/signer.sock", dir);
	return NL_OK;
}

static NL_MUST_USE nl_err mkdir_p(const char *path, mode_t mode)
{
	if (mkdir(path, mode) && errno != EEXIST) return NL_ERR_IO;
	return NL_OK;
}

/* A random PIN (hex of 16 random bytes) for the demo token, 0600. */
static NL_MUST_USE nl_err make_pin(const char *path)
{
	uint8_t r[16];
	char hex[40];
	randombytes_buf(r, sizeof r);
	nl_pki_hex(r, sizeof r, hex);
	strcat(hex, "\n");
	nl_err rc = nl_write_file(path, hex, strlen(hex), 0600);
	sodium_memzero(hex, sizeof hex);
	return rc;
}

static NL_MUST_USE nl_err write_cert(const char *dir, const char *name, const nl_buf *der)
{
	char path[700];
	nl_buf pem = NL_BUF_INIT;
	nl_err rc = nl_pki_der_to_pem(der->data, der->len, &pem);
	if (!rc) {
		snprintf(path, sizeof path, "%s/ca/%s.pem", dir, name);
		rc = nl_write_file(path, pem.data, pem.len, 0644);
	}
	if (!rc && strcmp(name, "ocsp")) {
		snprintf(path, sizeof path, "%s/repo/%s.crt", dir, name);
		rc = nl_write_file(path, der->data, der->len, 0644);
	}
	nl_buf_free(&pem);
	return rc;
}

/* The root's CRL (DIR/repo/root.crl, the issuing CA's CRL DP), signed with the
 * root key; lists the issuing CA when it is revoked. The root is offline, so the
 * CRL lives a year; its number is the time, which only grows. */
static NL_MUST_USE nl_err write_root_crl(const char *dir, nl_pki_key *rootk, const nl_pki_cert *root,
                             const nl_pki_cert *revoked, int64_t now)
{
	char path[700], hex[80];
	nl_buf tbs = NL_BUF_INIT, der = NL_BUF_INIT, sn = NL_BUF_INIT;
	uint8_t bytes[40];
	size_t n = 0;
	struct nl_revoked r = {bytes, 0, now, NL_REASON_CA_COMPROMISE};
	if (revoked) {
		if (nl_pki_cert_info(revoked, hex, NULL, NULL, NULL)) return NL_ERR_INVALID;
		for (n = 0; hex[2 * n] && n < sizeof bytes; n++) {
			unsigned b;
			sscanf(hex + 2 * n, "%2x", &b);
			bytes[n] = (uint8_t)b;
		}
		r.serial_len = n;
	}
	nl_err rc = nl_pki_crl_tbs(root, &r, revoked ? 1 : 0, now, now, now + 365 * 86400, &tbs);
	if (!rc) rc = nl_pki_sign_crl(rootk, tbs.data, tbs.len, &der);
	snprintf(path, sizeof path, "%s/repo/root.crl", dir);
	if (!rc) rc = nl_write_file(path, der.data, der.len, 0644);
	nl_buf_free(&tbs); nl_buf_free(&der); nl_buf_free(&sn);
	return rc;
}

static const struct nl_ca_names demo_names = {
	.org = "Nitelik Demo",
	.root_cn = "Nitelik Demo Kök Sertifika Hizmet Sağlayıcısı",
	.issuing_cn = "Nitelik Demo Nitelikli Elektronik Sertifika Hizmet Sağlayıcısı",
	.ocsp_cn = "Nitelik Demo OCSP",
};

nl_err nl_ca_init(const struct nl_ca_init_opts *o, nl_buf *log)
{
	char path[700], p11pin[700], refs[3][1024];
	const char *names[3] = {"root", "issuing", "ocsp"};
	const struct nl_ca_names *n = o->names ? o->names : &demo_names;
	enum nl_key_type kt = o->key_type ? o->key_type : NL_KEY_P384;
	enum nl_key_type ot = o->ocsp_key_type ? o->ocsp_key_type : NL_KEY_P256;
	const char *base = o->base_url ? o->base_url : "http://localhost:8080";
	const char *token = o->token ? o->token : "nitelik-ca";
	const char *module = o->pkcs11_module;
	char hsm_conf[700] = "";
	nl_pki_key *rootk = NULL, *issk = NULL, *ocspk = NULL;
	nl_pki_cert *root = NULL, *iss = NULL;
	nl_buf der = NL_BUF_INIT, tbs = NL_BUF_INIT, conf = NL_BUF_INIT, ustore = NL_BUF_INIT;
	struct nl_pki_urls root_urls;
	time_t now = time(NULL);
	nl_err rc;

	snprintf(path, sizeof path, "%s/ca/ca.conf", o->dir);
	if (access(path, F_OK) == 0) return NL_ERR_CONFLICT;   /* never overwrite a CA */
	if ((rc = mkdir_p(o->dir, 0755))) return rc;
	snprintf(path, sizeof path, "%s/ca", o->dir);
	if ((rc = mkdir_p(path, 0700))) return rc;
	snprintf(path, sizeof path, "%s/repo", o->dir);
	if ((rc = mkdir_p(path, 0755))) return rc;

	if (o->key_file_demo) {
		for (int i = 0; i < 3; i++)
			snprintf(refs[i], sizeof refs[i], "file:%s/ca/%s.key", o->dir, names[i]);
	} else {
		if (!module) {
			/* Demo/test mode: a SoftHSM2 token of our own under DIR. */
			module = SOFTHSM_MODULE;
			snprintf(path, sizeof path, "%s/softhsm", o->dir);
			if ((rc = mkdir_p(path, 0700))) goto out;
			snprintf(path, sizeof path, "%s/softhsm/tokens", o->dir);
			if ((rc = mkdir_p(path, 0700))) goto out;
			snprintf(hsm_conf, sizeof hsm_conf, "%s/softhsm/softhsm2.conf", o->dir);
			nl_buf_printf(&conf, "directories.tokendir = %s/softhsm/tokens\nobjectstore.backend = file\n"
			              "log.level = ERROR\nslots.removable = false\n", o->dir);
			if ((rc = nl_write_file(hsm_conf, conf.data, conf.len, 0600))) goto out;
			nl_buf_reset(&conf);
			softhsm_env(hsm_conf);
			snprintf(p11pin, sizeof p11pin, "%s/ca/pin", o->dir);
			if ((rc = make_pin(p11pin))) goto out;
			char *pin = nl_pki_read_pin(p11pin);
			uint8_t so[16];
			char so_hex[40];
			randombytes_buf(so, sizeof so);
			nl_pki_hex(so, sizeof so, so_hex);   /* SO PIN: used once, then forgotten */
			rc = pin ? nl_pki_p11_init_token(module, token, pin, so_hex) : NL_ERR_IO;
			if (pin) { sodium_memzero(pin, strlen(pin)); free(pin); }
			sodium_memzero(so_hex, sizeof so_hex);
			if (rc) goto out;
			nl_buf_printf(log, "created SoftHSM2 token '%s' in %s/softhsm\n", token, o->dir);
		} else {
			if (!o->pin_file) { rc = NL_ERR_CONFIG; goto out; }
			snprintf(p11pin, sizeof p11pin, "%s", o->pin_file);
		}
		for (int i = 0; i < 3; i++)
			snprintf(refs[i], sizeof refs[i], "pkcs11:%s|%s|nitelik-%s|%s", module, token, names[i], p11pin);
	}
	/* Generate every key before opening any: libp11 caches the token's objects. */
	for (int i = 0; i < 3; i++) {
		if ((rc = nl_pki_key_generate(refs[i], i == 2 ? ot : kt))) goto out;
		nl_buf_printf(log, "generated %s key (%s) at %s\n", names[i], nl_key_type_name(i == 2 ? ot : kt),
		              o->key_file_demo ? refs[i] + 5 : "the token");
	}
	if ((rc = nl_pki_key_open(refs[0], &rootk)) || (rc = nl_pki_key_open(refs[1], &issk)) ||
	    (rc = nl_pki_key_open(refs[2], &ocspk)))
		goto out;

	if ((rc = nl_pki_root_cert(rootk, n, now, &der)) || (rc = write_cert(o->dir, "root", &der)) ||
	    (rc = nl_pki_cert_parse(der.data, der.len, &root)))
		goto out;
	nl_buf_reset(&der);
	/* The issuing CA's CRL DP and caIssuers point at the root's. */
	nl_pki_urls_default(&root_urls, base, &ustore);
	nl_buf_printf(&conf, "%s/repo/root.crl", base);
	nl_buf_putc(&conf, '\0');
	nl_buf_printf(&conf, "%s/repo/root.crt", base);
	root_urls.crl = conf.data;
	root_urls.delta_crl = NULL;   /* the root publishes no delta CRLs */
	root_urls.ca_issuers = conf.data + strlen(conf.data) + 1;
	if ((rc = nl_pki_issuing_tbs(issk, root, n, &root_urls, now, &tbs)) ||
	    (rc = nl_pki_sign_cert(rootk, tbs.data, tbs.len, &der)) ||
	    (rc = write_cert(o->dir, "issuing", &der)) || (rc = nl_pki_cert_parse(der.data, der.len, &iss)))
		goto out;
	/* The CA certificates pass their own lint profiles too. */
	struct nl_lint lint;
	if ((rc = nl_pki_lint(der.data, der.len, root, NL_LINT_SUB_CA, &lint))) {
		for (int i = 0; i < lint.count; i++) nl_buf_printf(log, "issuing CA: %s\n", lint.failure[i]);
		goto out;
	}
	nl_buf_reset(&der); nl_buf_reset(&tbs); nl_buf_reset(&conf);
	if ((rc = nl_pki_ocsp_responder_tbs(ocspk, iss, n, now, 365, &tbs)) ||
	    (rc = nl_pki_sign_cert(issk, tbs.data, tbs.len, &der)) || (rc = write_cert(o->dir, "ocsp", &der)))
		goto out;
	if ((rc = nl_pki_lint(der.data, der.len, iss, NL_LINT_OCSP_RESPONDER, &lint))) {
		for (int i = 0; i < lint.count; i++) nl_buf_printf(log, "OCSP responder: %s\n", lint.failure[i]);
		goto out;
	}
	if ((rc = write_root_crl(o->dir, rootk, root, NULL, now))) goto out;
	nl_buf_printf(log, "issued root, issuing CA and OCSP responder certificates in %s/ca\n", o->dir);

	nl_buf_printf(&conf, "# Nitelik CA, written by `nitelik ca init`\nbase_url = %s\nroot_key = %s\n"
	              "issuing_key = %s\nocsp_key = %s\nsofthsm_conf = %s\nsocket = %s/ca/signer.sock\n",
	              base, refs[0], refs[1], refs[2], hsm_conf, o->dir);
	snprintf(path, sizeof path, "%s/ca/ca.conf", o->dir);
	rc = conf.oom ? NL_ERR_NOMEM : nl_write_file(path, conf.data, conf.len, 0600);
out:
	nl_pki_key_free(rootk); nl_pki_key_free(issk); nl_pki_key_free(ocspk);
	nl_pki_cert_free(root); nl_pki_cert_free(iss);
	nl_buf_free(&der); nl_buf_free(&tbs); nl_buf_free(&conf); nl_buf_free(&ustore);
	return rc;
}

static NL_MUST_USE nl_err load_cert(const char *dir, const char *name, nl_pki_cert **out)
{
	char path[700];
	nl_buf b = NL_BUF_INIT;
	snprintf(path, sizeof path, "%s/ca/%s.pem", dir, name);
	nl_err rc = nl_read_file(path, 256 * 1024, &b);
	if (!rc) rc = nl_pki_cert_parse(b.data, b.len, out);
	nl_buf_free(&b);
	return rc;
}

nl_err nl_ca_open(const char *dir, bool with_keys, struct nl_ca **out)
{
	struct nl_ca *ca = calloc(1, sizeof *ca);
	nl_err rc;
	if (!ca) return NL_ERR_NOMEM;
	if ((rc = nl_ca_conf_load(dir, &ca->conf)) || (rc = load_cert(dir, "root", &ca->root)) ||
	    (rc = load_cert(dir, "issuing", &ca->issuing)) || (rc = load_cert(dir, "ocsp", &ca->ocsp)))
		goto out;
	nl_pki_urls_default(&ca->urls, ca->conf.base_url, &ca->url_store);
	if (with_keys) {
		/* A revoked issuing CA signs nothing more. */
		char path[700];
		nl_buf crl = NL_BUF_INIT;
		bool listed = false;
		snprintf(path, sizeof path, "%s/repo/root.crl", dir);
		rc = nl_read_file(path, 64 * 1024 * 1024, &crl);
		if (rc == NL_OK) rc = nl_pki_crl_lists(crl.data, crl.len, ca->root, ca->issuing, &listed);
		else if (rc == NL_ERR_NOT_FOUND) rc = NL_OK;
		nl_buf_free(&crl);
		if (!rc && listed) rc = NL_ERR_FORBIDDEN;
		if (rc) goto out;
	}
	if (with_keys) softhsm_env(ca->conf.softhsm_conf);
	if (with_keys && ((rc = nl_pki_key_open(ca->conf.issuing_key, &ca->issuing_key)) ||
	                  (rc = nl_pki_key_open(ca->conf.ocsp_key, &ca->ocsp_key))))
		goto out;
	/* A key that is not the certificate's would sign what nobody can verify. */
	if (with_keys && (!nl_pki_key_matches(ca->issuing_key, ca->issuing) ||
	                  !nl_pki_key_matches(ca->ocsp_key, ca->ocsp)))
		rc = NL_ERR_CONFIG;
out:
	if (rc) nl_ca_free(ca);
	else *out = ca;
	return rc;
}

void nl_ca_free(struct nl_ca *ca)
{
	if (!ca) return;
	nl_pki_cert_free(ca->root); nl_pki_cert_free(ca->issuing); nl_pki_cert_free(ca->ocsp);
	nl_pki_key_free(ca->issuing_key); nl_pki_key_free(ca->ocsp_key);
	nl_buf_free(&ca->url_store);
	free(ca);
}

/* revoke: list the issuing CA; otherwise keep what the current root CRL says. */
static NL_MUST_USE nl_err reissue_root_crl(const char *dir, bool revoke, nl_buf *log)
{
	struct nl_ca *ca = NULL;
	nl_pki_key *rootk = NULL;
	bool listed = revoke;
	nl_err rc = nl_ca_open(dir, false, &ca);
	if (!rc && !ca->conf.root_key[0]) rc = NL_ERR_CONFIG;
	if (!rc && !revoke) {
		char path[700];
		nl_buf crl = NL_BUF_INIT;
		snprintf(path, sizeof path, "%s/repo/root.crl", dir);
		rc = nl_read_file(path, 64 * 1024 * 1024, &crl);
		if (rc == NL_OK) rc = nl_pki_crl_lists(crl.data, crl.len, ca->root, ca->issuing, &listed);
		else if (rc == NL_ERR_NOT_FOUND) rc = NL_OK;
		nl_buf_free(&crl);
	}
	if (!rc) softhsm_env(ca->conf.softhsm_conf);
	if (!rc) rc = nl_pki_key_open(ca->conf.root_key, &rootk);
	if (!rc) rc = write_root_crl(dir, rootk, ca->root, listed ? ca->issuing : NULL, (int64_t)time(NULL));
	if (!rc) nl_buf_printf(log, "root CRL %s: %s/repo/root.crl\n",
	                       listed ? "lists the issuing CA (cACompromise)" : "renewed, empty", dir);
	nl_pki_key_free(rootk);
	nl_ca_free(ca);
	return rc;
}

nl_err nl_ca_revoke_issuing(const char *dir, nl_buf *log) { return reissue_root_crl(dir, true, log); }
nl_err nl_ca_renew_root_crl(const char *dir, nl_buf *log) { return reissue_root_crl(dir, false, log); }

bool nl_ca_url_is_private(const char *url)
{
	char host[256];
	const char *h = strstr(url, "://");
	h = h ? h + 3 : url;
	size_t n;
	if (*h == '[') {   /* [v6]:port */
		h++;
		n = strcspn(h, "]");
	} else {
		n = strcspn(h, ":/?#");
	}
	if (n == 0 || n >= sizeof host) return true;
	for (size_t i = 0; i < n; i++) host[i] = (char)tolower((unsigned char)h[i]);
	host[n] = '\0';
	if (n && host[n - 1] == '.') host[--n] = '\0';
	unsigned char a[16];
	if (inet_pton(AF_INET, host, a) == 1)
		return a[0] == 0 || a[0] == 10 || a[0] == 127 || (a[0] == 169 && a[1] == 254) ||
		       (a[0] == 172 && (a[1] & 0xf0) == 16) || (a[0] == 192 && a[1] == 168) ||
		       (a[0] == 100 && (a[1] & 0xc0) == 64) || a[0] >= 224;
	if (inet_pton(AF_INET6, host, a) == 1) {
		static const unsigned char any[16], loop[16] = {[15] = 1};
		return !memcmp(a, any, 16) || !memcmp(a, loop, 16) || (a[0] & 0xfe) == 0xfc ||
		       (a[0] == 0xfe && (a[1] & 0xc0) == 0x80) || a[0] == 0xff ||
		       /* v4-mapped: judge the v4 address */
		       (!memcmp(a, any, 10) && a[10] == 0xff && a[11] == 0xff);
	}
	size_t k;
	if (!strchr(host, '.') || !strcmp(host, "localhost")) return true;
	static const char *const suffixes[] = {".localhost", ".local", ".internal", ".lan", ".home.arpa",
	                                       ".localdomain", ".test", ".invalid", ".example"};
	for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
		k = strlen(suffixes[i]);
		if (n >= k && !strcmp(host + n - k, suffixes[i])) return true;
	}
	return false;
}

void nl_ca_doc_path(const struct nl_config *cfg, enum nl_ca_doc d, char *path, size_t size,
                    const char **content_type)
{
	static const char *const samples[] = {"cps.html", "pds-tr.html", "pds-en.html"};
	const char *set = d == NL_CA_DOC_CPS ? cfg->ca_cps_file : d == NL_CA_DOC_PDS_TR ? cfg->ca_pds_tr_file
	                                                                                : cfg->ca_pds_en_file;
	if (set[0]) snprintf(path, size, "%s", set);
	else snprintf(path, size, "%s/docs/%s", cfg->web_dir, samples[d]);
	if (content_type) {
		const char *dot = strrchr(path, '.');
		*content_type = !dot ? "application/octet-stream"
		              : !strcasecmp(dot, ".pdf") ? "application/pdf"
		              : !strcasecmp(dot, ".html") || !strcasecmp(dot, ".htm") ? "text/html; charset=utf-8"
		              : !strcasecmp(dot, ".txt") ? "text/plain; charset=utf-8" : "application/octet-stream";
	}
}

static void refuse(struct nl_ca *ca, char *err, size_t err_size, const char *why)
{
	snprintf(ca->issue_refusal, sizeof ca->issue_refusal, "%s", why);
	if (err && err_size) snprintf(err, err_size, "%s", why);
}

nl_err nl_ca_configure(struct nl_ca *ca, const struct nl_config *cfg, char *err, size_t err_size)
{
	char why[300];
	nl_buf *st = &ca->url_store;
	struct nl_pki_urls *u = &ca->urls;
	ca->issue_refusal[0] = '\0';
	ca->demo = cfg->demo;
	/* The defaults (served by nitelikd under the CA's base URL), then what
	 * [ca] overrides. Every string lives in url_store, which may move as it
	 * grows: keep offsets and make the pointers at the end. */
	nl_pki_urls_default(u, ca->conf.base_url, st);
	const char **fields[] = {&u->ocsp, &u->ca_issuers, &u->crl, &u->cps, &u->pds_en, &u->pds_tr,
	                         &u->policy_oid, &u->user_notice};
	const char *over[] = {NULL, NULL, NULL, cfg->ca_cps_url, cfg->ca_pds_en_url, cfg->ca_pds_tr_url,
	                      cfg->ca_policy_oids[0] ? cfg->ca_policy_oids : cfg->demo ? NL_OID_DEMO_POLICY : "",
	                      cfg->ca_user_notice};
	size_t off[8];
	for (int i = 0; i < 6; i++) off[i] = (size_t)(*fields[i] - st->data);   /* in st */
	size_t delta_off = (size_t)(u->delta_crl - st->data);
	for (int i = 0; i < 8; i++) {
		if (i >= 6 || (over[i] && *over[i])) {
			off[i] = st->len;
			nl_buf_puts(st, over[i]);
			nl_buf_putc(st, '\0');
		}
	}
	if (st->oom) {
		refuse(ca, err, err_size, "out of memory");
		return NL_ERR_NOMEM;
	}
	for (int i = 0; i < 8; i++) *fields[i] = st->data + off[i];
	u->delta_crl = cfg->ca_delta_crl ? st->data + delta_off : NULL;
	u->serial_form = !strcmp(cfg->ca_serial_number_form, "etsi") ? NL_SERIAL_FORM_ETSI : NL_SERIAL_FORM_TR;

	if (nl_config_validate_ca(cfg, why, sizeof why)) {
		refuse(ca, err, err_size, why);
		return NL_ERR_CONFIG;
	}
	/* A link nitelikd serves needs its document: no certificate points at a
	 * 404 (checked in demo mode too: the samples ship). */
	static const char *const keys[] = {"ca.cps_file", "ca.pds_tr_file", "ca.pds_en_file"};
	const char *over_url[] = {cfg->ca_cps_url, cfg->ca_pds_tr_url, cfg->ca_pds_en_url};
	for (int d = 0; d < 3; d++) {
		char path[700];
		if (over_url[d][0]) continue;   /* served elsewhere */
		nl_ca_doc_path(cfg, (enum nl_ca_doc)d, path, sizeof path, NULL);
		if (access(path, R_OK)) {
			snprintf(why, sizeof why, "%s: %.200s cannot be read; nitelikd serves it at the URL "
			         "every certificate names", keys[d], path);
			refuse(ca, err, err_size, why);
			return NL_ERR_CONFIG;
		}
	}
	/* The links inside a certificate outlive the demo machine: outside demo
	 * mode they must name a host relying parties can reach. */
	if (!cfg->demo && nl_ca_url_is_private(ca->conf.base_url)) {
		snprintf(why, sizeof why, "the CA's base URL %.120s (ca/ca.conf) is a loopback or private "
		         "address: certificates would carry links nobody can follow", ca->conf.base_url);
		refuse(ca, err, err_size, why);
		return NL_ERR_CONFIG;
	}
	return NL_OK;
}
