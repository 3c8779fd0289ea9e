/* Configuration: `key = value` lines grouped by `[section]`, '#' or ';' comments.
 *
 * Parsing only: this layer does no I/O; nitelikd reads the file and hands the
 * text over. Every key has a safe default (nl_config_defaults); an unknown
 * section or key, a malformed line or a value out of range is an error that
 * names the line. The keys are listed in one table in config.c and documented in
 * docs/configuration.md and nitelik.conf: add a key in all three places.
 *
 * Strings are fixed-size arrays so a config is a plain value: no allocation,
 * nothing to free, safe to copy. */
#ifndef NL_CORE_CONFIG_H
#define NL_CORE_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

#define NL_CONFIG_STR 512
#define NL_CONFIG_URL 1024

struct nl_config {
	/* [server] */
	char listen[NL_CONFIG_STR];        /* "127.0.0.1:8080", "[::1]:8080", "0.0.0.0:80" */
	char base_url[NL_CONFIG_STR];      /* public URL, used in links and mails */
	bool behind_tls_proxy;             /* a TLS-terminating proxy in front: Secure cookies, HSTS,
	                                      client address from X-Forwarded-For */
	int64_t threads;                   /* worker threads; 0 = one per CPU core */
	int64_t connection_limit;          /* simultaneous connections */
	int64_t per_ip_connection_limit;   /* 0 = no per-address limit */
	int64_t connection_timeout;        /* seconds of inactivity before a connection is closed */
	int64_t request_timeout;           /* seconds for a whole request (headers and body) to arrive */
	int64_t body_limit;                /* bytes of a request body; more is answered 413 */
	int64_t shutdown_timeout;          /* seconds to wait for requests in flight at stop */

	/* [storage] */
	char data_dir[NL_CONFIG_STR];      /* writable data folder */
	char database[NL_CONFIG_URL];      /* "sqlite:<path>" or a PostgreSQL URL; "" = <data_dir>/nitelik.db */
	char node_id[64];                  /* this node's name on claimed job rows; "" = generated
	                                      once and kept in <data_dir>/node_id */

	/* [session] */
	int64_t session_idle_timeout;      /* seconds without a request before a session ends */
	int64_t session_absolute_timeout;  /* seconds after login (creation) a session ends anyway */
	int64_t session_max_anonymous_per_address; /* live anonymous sessions per client address;
	                                              0 = no bound */
	int64_t session_max_login_codes_per_address; /* live e-İmza login codes per client address;
	                                                0 = no bound */

	/* [web] */
	char web_dir[NL_CONFIG_STR];       /* folder with templates/ and static/ */
	char default_lang[8];              /* "tr" or "en" */
	char imza_package_dir[NL_CONFIG_STR]; /* where the operator puts nitelik-imza_*.deb for
	                                         the download page /imza-uygulamasi; "" = none */

	/* [log] */
	char log_file[NL_CONFIG_STR];      /* request log (JSON lines); "" = standard error */
	char error_log_file[NL_CONFIG_STR]; /* nitelikd's messages; "" = standard error */
	bool log_requests;

	/* [demo] */
	bool demo;                         /* simulators for outside systems, demo data allowed */
	char fixed_captcha[8];             /* test setting: every captcha has this answer; demo only */

	/* [security] argon2id for human-chosen secrets (core/secret.h) */
	int64_t pwhash_memory_kib;          /* work memory per hash in KiB (OWASP minimum 19456) */
	int64_t pwhash_passes;              /* passes over it (OWASP minimum 2 at 19 MiB) */
	int64_t pwhash_threads;             /* hashing pool threads (app/pwhash_pool.h); 0 = cores */

	/* [throttle] login doors (src/app/throttle.h) */
	int64_t throttle_id_max_failures;   /* wrong answers per door and ID number before a lock */
	int64_t throttle_addr_max_failures; /* wrong answers per door and client address */
	int64_t throttle_window;            /* seconds the failures are counted for */
	int64_t throttle_id_lock;           /* seconds an ID number is locked at a door */
	int64_t throttle_addr_lock;         /* seconds a client address is locked at a door */
	int64_t throttle_id_ceiling;        /* wrong answers per door and ID from all addresses */
	int64_t throttle_max_lock;          /* repeated locks double up to this many seconds */

	/* [orders] */
	int64_t preapplication_timeout_days; /* a pre-application whose form is not completed
	                                        in this many days is cancelled ("zaman aşımı") */

	/* [audit] */
	int64_t audit_checkpoint_interval;   /* seconds between signed checkpoints of the
	                                        audit chain's head (docs/audit.md) */

	/* [ca] the certification authority as applicants see it (the wet-signature PDF,
	   the result page) */
	char ca_name[NL_CONFIG_STR];           /* "Nitelik Sertifikasyon Merkezi" */
	char ca_postal_address[NL_CONFIG_STR]; /* where signed paper forms are posted; lines
	                                          separated by '|' */

	/* [site] what every page tells (core/site.h, docs/configuration.md) */
	char site_contact_phone[64];       /* call centre; "" = not shown */
	char site_contact_email[128];      /* "" = not shown */
	char site_contact_address[NL_CONFIG_STR]; /* lines separated by '|'; "" = not shown */
	char site_payment_channels[NL_CONFIG_URL]; /* "BANK: sube internet mobil atm cagri | ...";
	                                              "" = no table */

	/* [signer] nitelik-signer, the key process (docs/ca.md, "Signer deployment") */
	char signer_user[64];              /* system user it runs as ("" = as started) */
	char signer_client_user[64];       /* the only user that may connect (nitelikd's) */
	char signer_seccomp[8];            /* "kill", "log" or "off": the syscall filter */
	int64_t signer_max_connections;    /* simultaneous client connections */
	int64_t signer_max_request;        /* bytes of a request frame (a CRL may be larger) */
	int64_t signer_max_crl_request;    /* bytes of a CRL request frame */
	/* [ca] the issuing profile (src/pki, docs/ca.md): what goes into every
	   certificate besides the holder */
	char ca_policy_oids[NL_CONFIG_STR];    /* the provider's policy OIDs, space-separated;
	                                          the first carries the CPS and the notice;
	                                          "" = none (demo: NL_CA_DEMO_POLICY_OID) */
	char ca_cps_url[NL_CONFIG_STR];        /* "" = <CA base URL host>/cps, served by nitelikd */
	char ca_user_notice[NL_CONFIG_STR];    /* UTF-8 explicitText of the policy, <= 200 chars */
	char ca_pds_tr_url[NL_CONFIG_STR];     /* "" = https://<CA host>/pds/tr, served */
	char ca_pds_en_url[NL_CONFIG_STR];     /* "" = https://<CA host>/pds/en, served */
	char ca_cps_file[NL_CONFIG_STR];       /* documents nitelikd serves at /cps, /pds/tr, */
	char ca_pds_tr_file[NL_CONFIG_STR];    /* /pds/en; "" = the samples in web_dir/docs */
	char ca_pds_en_file[NL_CONFIG_STR];
	char ca_serial_number_form[8];         /* "tr": bare T.C. number; "etsi": PNOTR-<no> */
	int64_t ca_ocsp_renew_margin_days;     /* the responder's certificate is renewed when
	                                          it ends within this many days */
	bool ca_delta_crl;                     /* publish delta CRLs (repo/issuing-delta.crl)
	                                          and name them in freshestCRL; default on */
};

/* The placeholder policy OID in BTK's arc: demo certificates only. */
#define NL_CA_DEMO_POLICY_OID "2.16.792.1.61.0.1.5070.99.1"
/* The legal sentence of Law 5070 that BTK's qualified statement and the
 * policy's user notice carry (as in Kamu SM's certificates). */
#define NL_CA_BTK_NES_TEXT \
	"Bu sertifika, 5070 sayılı Elektronik İmza Kanununa göre nitelikli elektronik sertifikadır."


/* Fills every field with its default. web_dir_default is the compiled-in folder of
 * web assets (nitelikd passes its build-time path). */
void nl_config_defaults(struct nl_config *cfg, const char *web_dir_default);

/* Parses text (len bytes, need not be NUL-terminated) over the values already in
 * cfg. On error returns NL_ERR_CONFIG and writes "line N: why" into err. */
NL_MUST_USE nl_err nl_config_parse(struct nl_config *cfg, const char *text, size_t len, char *err,
                       size_t err_size);

/* Sections owned by layers above core ([mail], [sms], [registry], [outbox] of
 * src/drivers) are handed over line by line, so one file configures every layer
 * while core knows nothing of them. set returns NL_ERR_NOT_FOUND for an unknown
 * key (reported with its line), another error for a bad value. */
struct nl_config_ext {
	bool (*has_section)(const char *section);
	nl_err (*set)(void *ctx, const char *section, const char *key, const char *value);
};
NL_MUST_USE nl_err nl_config_parse_ext(struct nl_config *cfg, const char *text, size_t len,
                           const struct nl_config_ext *ext, void *ext_ctx, char *err,
                           size_t err_size);

/* Sets one "section.key" (e.g. "server.listen") as if it were in the file; used
 * for command-line overrides. NL_ERR_CONFIG with a message on error. */
NL_MUST_USE nl_err nl_config_set(struct nl_config *cfg, const char *dotted_key, const char *value,
                     char *err, size_t err_size);

/* Checks relations between keys (e.g. session time-outs). NL_ERR_CONFIG + message. */
NL_MUST_USE nl_err nl_config_validate(const struct nl_config *cfg, char *err, size_t err_size);

/* The [ca] keys a CA needs to issue: outside demo mode a configured policy
 * that is not the placeholder; the shapes of the OIDs, URLs, notice and serial
 * form always. NL_ERR_CONFIG + message naming the key. nitelikd calls it at
 * start (and --check-config) when the data folder has a CA; the CLI before
 * issuing. */
NL_MUST_USE nl_err nl_config_validate_ca(const struct nl_config *cfg, char *err, size_t err_size);

/* Fills database with "sqlite:<data_dir>/nitelik.db" when it is empty. */
void nl_config_resolve(struct nl_config *cfg);

#endif
