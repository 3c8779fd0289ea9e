/* A CA on disk: DIR/ca/ca.conf names the keys and URLs; the certificates sit
 * beside it (PEM) and in DIR/repo/ (DER, served at /repo/).
 *
 *   DIR/ca/ca.conf      key = value lines (see nl_ca_conf)
 *   DIR/ca/pin          the token's user PIN (0600) in demo/test mode
 *   DIR/ca/{root,issuing,ocsp}.pem
 *   DIR/repo/{root,issuing}.crt, DIR/repo/{root,issuing}.crl
 *   DIR/softhsm/        SoftHSM2 config and token store in demo/test mode */
#ifndef NL_PKI_CA_STORE_H
#define NL_PKI_CA_STORE_H

#include "pki/pki.h"

struct nl_ca_conf {
	char dir[512];
	char base_url[256];
	char root_key[1024];      /* key references, see nl_pki_key_open */
	char issuing_key[1024];
	char ocsp_key[1024];
	char softhsm_conf[600];   /* "" unless demo/test SoftHSM2 */
	char socket[600];         /* the signer's Unix socket */
};

/* Reads DIR/ca/ca.conf. Leaves the environment alone: nitelikd calls it on
 * request threads (the key operations below set SOFTHSM2_CONF themselves). */
NL_MUST_USE nl_err nl_ca_conf_load(const char *dir, struct nl_ca_conf *c);

struct nl_ca_init_opts {
	const char *dir;
	const char *base_url;        /* default http://localhost:8080 */
	enum nl_key_type key_type;   /* root and issuing; default P-384 */
	enum nl_key_type ocsp_key_type;  /* default P-256 */
	const char *pkcs11_module;   /* NULL: SoftHSM2 demo token under DIR */
	const char *token;           /* token label, default "nitelik-ca" */
	const char *pin_file;        /* required with pkcs11_module */
	bool key_file_demo;          /* keys in PEM files (demo only) */
	const struct nl_ca_names *names;  /* NULL: demo names */
};
NL_MUST_USE nl_err nl_ca_init(const struct nl_ca_init_opts *o, nl_buf *log);

/* Revokes the issuing CA: a new root CRL (signed with the root key) that lists
 * it with reason cACompromise. The signer then refuses to start. */
NL_MUST_USE nl_err nl_ca_revoke_issuing(const char *dir, nl_buf *log);
/* Re-signs the root CRL for another year, keeping what it lists (the root is
 * offline: an operator runs this with the root key once a year). */
NL_MUST_USE nl_err nl_ca_renew_root_crl(const char *dir, nl_buf *log);

/* The CA as a signer sees it: keys open, certificates parsed. */
struct nl_ca {
	struct nl_ca_conf conf;
	nl_pki_cert *root, *issuing, *ocsp;
	nl_pki_key *issuing_key, *ocsp_key;   /* NULL unless opened with keys */
	struct nl_pki_urls urls;
	nl_buf url_store;
	/* Set by nl_ca_configure when this CA may not issue (a missing policy, a
	 * private base URL outside demo mode, ...): nl_ca_issue refuses with it.
	 * "" = may issue. A CA never configured (the signer) has "". */
	char issue_refusal[300];
	bool demo;   /* demo.enabled of the configuration applied */
};
/* Loads certificates; with_keys opens the issuing and OCSP keys (signer only),
 * and refuses (NL_ERR_FORBIDDEN) when the root CRL lists the issuing CA.
 * with_keys points SOFTHSM2_CONF at the demo token's configuration first, so
 * it belongs to a process's start, before its second thread (as nl_ca_init and
 * the root CRL renewal, CLI commands). */
NL_MUST_USE nl_err nl_ca_open(const char *dir, bool with_keys, struct nl_ca **out);
void nl_ca_free(struct nl_ca *ca);

/* Applies the [ca] keys of nitelik.conf to the issuing profile (policy OIDs,
 * CPS and PDS URLs, user notice, serialNumber form) and judges whether this CA
 * may issue: outside demo mode a configured, non-placeholder policy and a
 * public CA base URL are required. Returns NL_ERR_CONFIG with the reason in
 * ca->issue_refusal (and err) when it may not; the CA still answers OCSP and
 * publishes CRLs. */
NL_MUST_USE nl_err nl_ca_configure(struct nl_ca *ca, const struct nl_config *cfg, char *err, size_t err_size);

/* The documents nitelikd serves when their URL is not configured elsewhere:
 * NL_CA_DOC_CPS at /cps, NL_CA_DOC_PDS_TR at /pds/tr, NL_CA_DOC_PDS_EN at
 * /pds/en. The path is the [ca] *_file key, else the sample in
 * <web_dir>/docs/. *content_type (may be NULL) follows the extension (.pdf,
 * .html, .txt). */
enum nl_ca_doc { NL_CA_DOC_CPS, NL_CA_DOC_PDS_TR, NL_CA_DOC_PDS_EN };
void nl_ca_doc_path(const struct nl_config *cfg, enum nl_ca_doc d, char *path, size_t size,
                    const char **content_type);

/* True when the URL's host is a loopback, private, link-local or otherwise
 * non-public address or name (localhost, 10/8, 172.16/12, 192.168/16,
 * 127/8, 169.254/16, 100.64/10, ::1, fc00::/7, fe80::/10, *.local, *.internal,
 * a name without a dot). */
bool nl_ca_url_is_private(const char *url);


#endif
