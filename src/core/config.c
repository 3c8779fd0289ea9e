/* Configuration parser: one table of keys, each with its type, place and range.
 * No I/O here (core); nitelikd reads the file. */
#include "core/config.h"

#include "core/site.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum key_type { K_STR, K_INT, K_BOOL };

struct key {
	const char *section, *name;
	enum key_type type;
	size_t offset;
	size_t size;            /* K_STR: array size */
	int64_t min, max;       /* K_INT: accepted range */
};

#define STR(sec, nm, field) {sec, nm, K_STR, offsetof(struct nl_config, field), \
	sizeof(((struct nl_config *)0)->field), 0, 0}
#define INT(sec, nm, field, lo, hi) {sec, nm, K_INT, offsetof(struct nl_config, field), 0, lo, hi}
#define BOOL(sec, nm, field) {sec, nm, K_BOOL, offsetof(struct nl_config, field), 0, 0, 0}

/* Every key. Keep in step with nitelik.conf and docs/configuration.md. */
static const struct key keys[] = {
	STR("server", "listen", listen),
	STR("server", "base_url", base_url),
	BOOL("server", "behind_tls_proxy", behind_tls_proxy),
	INT("server", "threads", threads, 0, 1024),
	INT("server", "connection_limit", connection_limit, 1, 1000000),
	INT("server", "per_ip_connection_limit", per_ip_connection_limit, 0, 1000000),
	INT("server", "connection_timeout", connection_timeout, 1, 3600),
	INT("server", "request_timeout", request_timeout, 1, 3600),
	INT("server", "body_limit", body_limit, 1024, (int64_t)1 << 30),
	INT("server", "shutdown_timeout", shutdown_timeout, 0, 3600),
	STR("storage", "data_dir", data_dir),
	STR("storage", "database", database),
	STR("storage", "node_id", node_id),
	INT("session", "idle_timeout", session_idle_timeout, 60, 86400 * 30),
	INT("session", "absolute_timeout", session_absolute_timeout, 60, 86400 * 90),
	INT("session", "max_anonymous_per_address", session_max_anonymous_per_address, 0, 1000000),
	INT("session", "max_login_codes_per_address", session_max_login_codes_per_address, 0,
	    1000000),
	STR("web", "dir", web_dir),
	STR("web", "default_lang", default_lang),
	STR("web", "imza_package_dir", imza_package_dir),
	STR("log", "file", log_file),
	STR("log", "error_file", error_log_file),
	BOOL("log", "requests", log_requests),
	BOOL("demo", "enabled", demo),
	STR("demo", "fixed_captcha", fixed_captcha),
	INT("security", "pwhash_memory_kib", pwhash_memory_kib, 8, (int64_t)4 << 20),
	INT("security", "pwhash_passes", pwhash_passes, 1, 64),
	INT("security", "pwhash_threads", pwhash_threads, 0, 256),
	INT("throttle", "id_max_failures", throttle_id_max_failures, 1, 1000),
	INT("throttle", "addr_max_failures", throttle_addr_max_failures, 1, 100000),
	INT("throttle", "window", throttle_window, 10, 86400 * 7),
	INT("throttle", "id_lock", throttle_id_lock, 10, 86400 * 7),
	INT("throttle", "addr_lock", throttle_addr_lock, 10, 86400 * 7),
	INT("throttle", "id_ceiling", throttle_id_ceiling, 1, 100000),
	INT("throttle", "max_lock", throttle_max_lock, 10, 86400 * 30),
	INT("orders", "preapplication_timeout_days", preapplication_timeout_days, 1, 3650),
	INT("audit", "checkpoint_interval", audit_checkpoint_interval, 1, 86400),
	STR("ca", "name", ca_name),
	STR("ca", "postal_address", ca_postal_address),
	STR("site", "contact_phone", site_contact_phone),
	STR("site", "contact_email", site_contact_email),
	STR("site", "contact_address", site_contact_address),
	STR("site", "payment_channels", site_payment_channels),
	STR("signer", "user", signer_user),
	STR("signer", "client_user", signer_client_user),
	STR("signer", "seccomp", signer_seccomp),
	INT("signer", "max_connections", signer_max_connections, 1, 1024),
	INT("signer", "max_request", signer_max_request, 4096, 64 << 20),
	INT("signer", "max_crl_request", signer_max_crl_request, 4096, (int64_t)1 << 30),
	STR("ca", "policy_oids", ca_policy_oids),
	STR("ca", "cps_url", ca_cps_url),
	STR("ca", "user_notice", ca_user_notice),
	STR("ca", "pds_tr_url", ca_pds_tr_url),
	STR("ca", "pds_en_url", ca_pds_en_url),
	STR("ca", "cps_file", ca_cps_file),
	STR("ca", "pds_tr_file", ca_pds_tr_file),
	STR("ca", "pds_en_file", ca_pds_en_file),
	STR("ca", "serial_number_form", ca_serial_number_form),
	INT("ca", "ocsp_renew_margin_days", ca_ocsp_renew_margin_days, 1, 180),
	BOOL("ca", "delta_crl", ca_delta_crl),
};

static void copy_str(char *dst, size_t size, const char *src)
{
	snprintf(dst, size, "%s", src);
}

void nl_config_defaults(struct nl_config *cfg, const char *web_dir_default)
{
	memset(cfg, 0, sizeof *cfg);
	copy_str(cfg->listen, sizeof cfg->listen, "127.0.0.1:8080");
	copy_str(cfg->base_url, sizeof cfg->base_url, "http://127.0.0.1:8080");
	cfg->behind_tls_proxy = false;
	cfg->threads = 0;
	cfg->connection_limit = 1024;
	cfg->per_ip_connection_limit = 64;
	cfg->connection_timeout = 30;
	cfg->request_timeout = 30;
	cfg->body_limit = 1024 * 1024;
	cfg->shutdown_timeout = 30;
	copy_str(cfg->data_dir, sizeof cfg->data_dir, "/var/lib/nitelik");
	cfg->database[0] = '\0';
	cfg->session_idle_timeout = 30 * 60;
	cfg->session_absolute_timeout = 12 * 3600;
	cfg->session_max_anonymous_per_address = 200;
	cfg->session_max_login_codes_per_address = 20;
	copy_str(cfg->web_dir, sizeof cfg->web_dir, web_dir_default ? web_dir_default : "web");
	copy_str(cfg->default_lang, sizeof cfg->default_lang, "tr");
	cfg->log_file[0] = '\0';
	cfg->error_log_file[0] = '\0';
	cfg->log_requests = true;
	cfg->demo = false;
	cfg->fixed_captcha[0] = '\0';
	copy_str(cfg->signer_seccomp, sizeof cfg->signer_seccomp, "kill");
	cfg->signer_max_connections = 32;
	cfg->signer_max_request = 1 << 20;
	cfg->signer_max_crl_request = 256 << 20;
	cfg->pwhash_memory_kib = 19456;   /* OWASP's argon2id minimum: m=19 MiB, t=2, p=1 */
	cfg->pwhash_passes = 2;
	cfg->throttle_id_max_failures = 5;
	cfg->throttle_addr_max_failures = 30;
	cfg->throttle_window = 900;
	cfg->throttle_id_lock = 900;
	cfg->throttle_addr_lock = 900;
	cfg->throttle_id_ceiling = 50;
	cfg->throttle_max_lock = 86400;
	cfg->preapplication_timeout_days = 30;
	cfg->audit_checkpoint_interval = 300;
	copy_str(cfg->ca_name, sizeof cfg->ca_name, "Nitelik Sertifikasyon Merkezi");
	copy_str(cfg->ca_postal_address, sizeof cfg->ca_postal_address,
	         "Nitelik Sertifikasyon Merkezi | Atatürk Bulvarı No: 1 P.K. 74 | 06420 Çankaya / ANKARA");
	copy_str(cfg->ca_user_notice, sizeof cfg->ca_user_notice, NL_CA_BTK_NES_TEXT);
	copy_str(cfg->ca_serial_number_form, sizeof cfg->ca_serial_number_form, "tr");
	cfg->ca_ocsp_renew_margin_days = 30;
	cfg->ca_delta_crl = true;
	copy_str(cfg->site_contact_phone, sizeof cfg->site_contact_phone, "0850 000 00 00");
	copy_str(cfg->site_contact_email, sizeof cfg->site_contact_email, "bilgi@nitelik.example");
}

static void fail(char *err, size_t err_size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void fail(char *err, size_t err_size, const char *fmt, ...)
{
	if (!err || !err_size)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, err_size, fmt, ap);
	va_end(ap);
}

static const struct key *find_key(const char *section, const char *name)
{
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
		if (!strcmp(keys[i].section, section) && !strcmp(keys[i].name, name))
			return &keys[i];
	return NULL;
}

static bool section_known(const char *section)
{
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
		if (!strcmp(keys[i].section, section))
			return true;
	return false;
}

/* Stores value into the field of k. Returns a static reason on error. */
static const char *set_value(struct nl_config *cfg, const struct key *k, const char *value)
{
	char *field = (char *)cfg + k->offset;
	switch (k->type) {
	case K_STR:
		if (strlen(value) >= k->size)
			return "value too long";
		for (const unsigned char *p = (const unsigned char *)value; *p; p++)
			if (*p < 0x20 || *p == 0x7f)
				return "control character in value";
		memcpy(field, value, strlen(value) + 1);
		return NULL;
	case K_INT: {
		char *end;
		errno = 0;
		long long v = strtoll(value, &end, 10);
		if (errno || end == value || *end || !*value)
			return "not an integer";
		if (v < k->min || v > k->max)
			return "out of range";
		int64_t v64 = v;
		memcpy(field, &v64, sizeof v64);
		return NULL;
	}
	case K_BOOL: {
		bool b;
		if (!strcmp(value, "true") || !strcmp(value, "yes") || !strcmp(value, "on") ||
		    !strcmp(value, "1"))
			b = true;
		else if (!strcmp(value, "false") || !strcmp(value, "no") || !strcmp(value, "off") ||
		         !strcmp(value, "0"))
			b = false;
		else
			return "not a boolean (true/false)";
		memcpy(field, &b, sizeof b);
		return NULL;
	}
	}
	return "bad key type";
}

static char *trim(char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	size_t n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
		s[--n] = '\0';
	return s;
}

/* Values may be written in double quotes to keep leading/trailing spaces or a
 * '#'. Unquoted values end at a " #" comment. */
static const char *unquote(char *v, const char **why)
{
	*why = NULL;
	v = trim(v);
	if (v[0] == '"') {
		/* "..." then nothing or a comment */
		char *end = strchr(v + 1, '"');
		if (!end) {
			*why = "unterminated quote";
			return NULL;
		}
		char *rest = trim(end + 1);
		if (*rest && *rest != '#' && *rest != ';') {
			*why = "text after the closing quote";
			return NULL;
		}
		*end = '\0';
		return v + 1;
	}
	for (char *p = v; *p; p++)
		if ((*p == '#' || *p == ';') && (p == v || p[-1] == ' ' || p[-1] == '\t')) {
			*p = '\0';
			break;
		}
	return trim(v);
}

nl_err nl_config_parse(struct nl_config *cfg, const char *text, size_t len, char *err,
                       size_t err_size)
{
	return nl_config_parse_ext(cfg, text, len, NULL, NULL, err, err_size);
}

nl_err nl_config_parse_ext(struct nl_config *cfg, const char *text, size_t len,
                           const struct nl_config_ext *ext, void *ext_ctx, char *err,
                           size_t err_size)
{
	char section[64] = "";
	char line[4096];
	size_t pos = 0;
	unsigned lineno = 0;
	while (pos < len) {
		size_t start = pos;
		while (pos < len && text[pos] != '\n')
			pos++;
		size_t n = pos - start;
		lineno++;
		if (pos < len)
			pos++; /* the newline */
		if (n >= sizeof line) {
			fail(err, err_size, "line %u: line too long", lineno);
			return NL_ERR_CONFIG;
		}
		if (memchr(text + start, '\0', n)) {
			fail(err, err_size, "line %u: NUL byte", lineno);
			return NL_ERR_CONFIG;
		}
		memcpy(line, text + start, n);
		line[n] = '\0';
		char *s = trim(line);
		if (!*s || *s == '#' || *s == ';')
			continue;
		if (*s == '[') {
			char *e = strchr(s, ']');
			if (!e || *trim(e + 1)) {
				fail(err, err_size, "line %u: malformed section header", lineno);
				return NL_ERR_CONFIG;
			}
			*e = '\0';
			char *name = trim(s + 1);
			if (!section_known(name) && !(ext && ext->has_section(name))) {
				fail(err, err_size, "line %u: unknown section [%s]", lineno, name);
				return NL_ERR_CONFIG;
			}
			copy_str(section, sizeof section, name);
			continue;
		}
		char *eq = strchr(s, '=');
		if (!eq) {
			fail(err, err_size, "line %u: expected 'key = value'", lineno);
			return NL_ERR_CONFIG;
		}
		*eq = '\0';
		char *key = trim(s);
		const char *why;
		const char *value = unquote(eq + 1, &why);
		if (!value) {
			fail(err, err_size, "line %u: %s", lineno, why);
			return NL_ERR_CONFIG;
		}
		if (!*section) {
			fail(err, err_size, "line %u: key '%s' outside of a [section]", lineno, key);
			return NL_ERR_CONFIG;
		}
		const struct key *k = find_key(section, key);
		if (!k && ext && ext->has_section(section)) {
			nl_err e = ext->set(ext_ctx, section, key, value);
			if (e == NL_ERR_NOT_FOUND) {
				fail(err, err_size, "line %u: unknown key '%s' in [%s]", lineno, key, section);
				return NL_ERR_CONFIG;
			}
			if (e) {
				fail(err, err_size, "line %u: %s.%s: invalid value", lineno, section, key);
				return NL_ERR_CONFIG;
			}
			continue;
		}
		if (!k) {
			fail(err, err_size, "line %u: unknown key '%s' in [%s]", lineno, key, section);
			return NL_ERR_CONFIG;
		}
		why = set_value(cfg, k, value);
		if (why) {
			fail(err, err_size, "line %u: %s.%s: %s", lineno, section, key, why);
			return NL_ERR_CONFIG;
		}
	}
	return NL_OK;
}

nl_err nl_config_set(struct nl_config *cfg, const char *dotted_key, const char *value,
                     char *err, size_t err_size)
{
	const char *dot = strchr(dotted_key, '.');
	char section[64];
	if (!dot || (size_t)(dot - dotted_key) >= sizeof section) {
		fail(err, err_size, "%s: expected section.key", dotted_key);
		return NL_ERR_CONFIG;
	}
	memcpy(section, dotted_key, (size_t)(dot - dotted_key));
	section[dot - dotted_key] = '\0';
	const struct key *k = find_key(section, dot + 1);
	if (!k) {
		fail(err, err_size, "%s: unknown key", dotted_key);
		return NL_ERR_CONFIG;
	}
	const char *why = set_value(cfg, k, value);
	if (why) {
		fail(err, err_size, "%s: %s", dotted_key, why);
		return NL_ERR_CONFIG;
	}
	return NL_OK;
}

nl_err nl_config_validate(const struct nl_config *cfg, char *err, size_t err_size)
{
	if (cfg->session_idle_timeout > cfg->session_absolute_timeout) {
		fail(err, err_size, "session.idle_timeout is longer than session.absolute_timeout");
		return NL_ERR_CONFIG;
	}
	if (strcmp(cfg->default_lang, "tr") != 0 && strcmp(cfg->default_lang, "en") != 0) {
		fail(err, err_size, "web.default_lang must be tr or en");
		return NL_ERR_CONFIG;
	}
	if (strcmp(cfg->signer_seccomp, "kill") && strcmp(cfg->signer_seccomp, "log") &&
	    strcmp(cfg->signer_seccomp, "off")) {
		fail(err, err_size, "signer.seccomp must be kill, log or off");
		return NL_ERR_CONFIG;
	}
	if (!cfg->listen[0] || !strchr(cfg->listen, ':')) {
		fail(err, err_size, "server.listen must be ADDRESS:PORT");
		return NL_ERR_CONFIG;
	}
	if (strncmp(cfg->base_url, "http://", 7) != 0 && strncmp(cfg->base_url, "https://", 8) != 0) {
		fail(err, err_size, "server.base_url must start with http:// or https://");
		return NL_ERR_CONFIG;
	}
	if (!cfg->data_dir[0]) {
		fail(err, err_size, "storage.data_dir must not be empty");
		return NL_ERR_CONFIG;
	}
	/* A predictable captcha is a test aid; in production it would open the
	 * doors to scripts. */
	if (cfg->fixed_captcha[0] && !cfg->demo) {
		fail(err, err_size, "demo.fixed_captcha is allowed only with demo.enabled = true");
		return NL_ERR_CONFIG;
	}
	if (cfg->fixed_captcha[0]) {
		/* The captcha alphabet (docs/captcha.h NL_CAPTCHA_ALPHABET; core cannot
		 * include the docs layer; tests/store/test_person_app.c checks they agree). */
		static const char captcha_alphabet[] = "ACDEFHJKMNPRTUVWXY3479";
		size_t n = strlen(cfg->fixed_captcha);
		if (n < 5 || n > 6 || strspn(cfg->fixed_captcha, captcha_alphabet) != n) {
			fail(err, err_size, "demo.fixed_captcha must be 5 or 6 characters of %s",
			     captcha_alphabet);
			return NL_ERR_CONFIG;
		}
	}
	/* The contact block and the payment table are shown on pages: a typo
	 * stops the start with its row rather than showing half a table. */
	if (nl_site_validate_contact(cfg->site_contact_phone, cfg->site_contact_email, err,
	                             err_size))
		return NL_ERR_CONFIG;
	struct nl_pay_bank banks[NL_PAY_BANKS_MAX];
	size_t nbanks;
	if (nl_site_payment_channels(cfg->site_payment_channels, banks, &nbanks, err, err_size))
		return NL_ERR_CONFIG;
	return NL_OK;
}

/* A dotted OID: at least two arcs of digits, the first 0, 1 or 2. */
static bool oid_ok(const char *s, size_t n)
{
	size_t arcs = 0, digits = 0;
	if (n == 0 || s[0] < '0' || s[0] > '2')
		return false;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '.') {
			if (!digits) return false;
			arcs++;
			digits = 0;
		} else if (isdigit((unsigned char)s[i]) && digits < 18) {
			digits++;
		} else {
			return false;
		}
	}
	return digits && arcs >= 1;
}

static bool url_ok(const char *u, bool https_only)
{
	if (!strncmp(u, "https://", 8))
		return u[8] && !strpbrk(u, " \t\"<>");
	return !https_only && !strncmp(u, "http://", 7) && u[7] && !strpbrk(u, " \t\"<>");
}

/* Characters of UTF-8 text (continuation bytes not counted). */
static size_t utf8_chars(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		if (((unsigned char)*s & 0xc0) != 0x80) n++;
	return n;
}

nl_err nl_config_validate_ca(const struct nl_config *cfg, char *err, size_t err_size)
{
	const char *p = cfg->ca_policy_oids;
	int count = 0;
	while (*p) {
		size_t n = strcspn(p, " ,");
		if (n) {
			if (!oid_ok(p, n)) {
				fail(err, err_size, "ca.policy_oids: '%.*s' is not a dotted OID", (int)(n > 80 ? 80 : n), p);
				return NL_ERR_CONFIG;
			}
			/* The placeholder lives in BTK's arc: a certificate asserting
			 * it claims a policy nobody published. */
			if (!cfg->demo && n == strlen(NL_CA_DEMO_POLICY_OID) && !strncmp(p, NL_CA_DEMO_POLICY_OID, n)) {
				fail(err, err_size, "ca.policy_oids: %s is the demo placeholder; set the policy OID "
				     "your CPS publishes (demo.enabled = false)", NL_CA_DEMO_POLICY_OID);
				return NL_ERR_CONFIG;
			}
			if (++count > 4) {
				fail(err, err_size, "ca.policy_oids: at most 4 policies");
				return NL_ERR_CONFIG;
			}
		}
		p += n;
		p += strspn(p, " ,");
	}
	if (!count && !cfg->demo) {
		fail(err, err_size, "ca.policy_oids: no certificate policy configured; certificates are "
		     "issued only under the provider's own policy OID (outside demo mode)");
		return NL_ERR_CONFIG;
	}
	if (cfg->ca_cps_url[0] && !url_ok(cfg->ca_cps_url, false)) {
		fail(err, err_size, "ca.cps_url must be an http:// or https:// URL");
		return NL_ERR_CONFIG;
	}
	/* EN 319 412-5 4.3.4: the PDS is reached over https. */
	if ((cfg->ca_pds_tr_url[0] && !url_ok(cfg->ca_pds_tr_url, true)) ||
	    (cfg->ca_pds_en_url[0] && !url_ok(cfg->ca_pds_en_url, true))) {
		fail(err, err_size, "ca.pds_tr_url and ca.pds_en_url must be https:// URLs");
		return NL_ERR_CONFIG;
	}
	/* RFC 5280 4.2.1.4: explicitText is at most 200 characters. */
	size_t nc = utf8_chars(cfg->ca_user_notice);
	if (nc > 200) {
		fail(err, err_size, "ca.user_notice is %zu characters long; at most 200", nc);
		return NL_ERR_CONFIG;
	}
	if (strcmp(cfg->ca_serial_number_form, "tr") && strcmp(cfg->ca_serial_number_form, "etsi")) {
		fail(err, err_size, "ca.serial_number_form must be tr or etsi");
		return NL_ERR_CONFIG;
	}
	return NL_OK;
}

void nl_config_resolve(struct nl_config *cfg)
{
	if (!cfg->database[0])
		snprintf(cfg->database, sizeof cfg->database, "sqlite:%s/nitelik.db", cfg->data_dir);
}
