/* The pre-issuance linter: our own checks of RFC 5280 and ETSI EN 319 412-1/-2/-5
 * for the qualified natural-person profile (and lighter ones for the CA and OCSP
 * responder certificates). The signer runs it on every certificate before it
 * signs; it reports every failure, not only the first, so an operator can fix a
 * profile in one go. */
#include "pki/pki_internal.h"
#include "core/validate.h"
#include "pki/der.h"

#include <ctype.h>
#include <openssl/err.h>
#include <pthread.h>
#include <stdarg.h>
#include <string.h>

void nl_lint_fail(struct nl_lint *l, const char *fmt, ...)
{
	if (l->count >= NL_LINT_MAX) return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(l->failure[l->count++], sizeof l->failure[0], fmt, ap);
	va_end(ap);
}

/* ---- a minimal DER reader for qcStatements ---- */
/* The OIDs the linter compares, encoded once: OBJ_txt2obj per comparison was a
 * third of the lint's time. */
static const char *const known_oids[] = {
	"0.4.0.1862.1.1", "0.4.0.1862.1.4", "0.4.0.1862.1.5", "0.4.0.1862.1.6", "0.4.0.1862.1.6.1",
	"0.4.0.1862.1.7", "1.3.6.1.5.5.7.11.2", "0.4.0.194121.1.1", NL_OID_BTK_NES,
};
#define N_KNOWN (sizeof known_oids / sizeof known_oids[0])
static unsigned char known_der[N_KNOWN][32];
static int known_len[N_KNOWN];
static pthread_once_t known_once = PTHREAD_ONCE_INIT;

static void encode_known(void)
{
	for (size_t i = 0; i < N_KNOWN; i++) {
		ASN1_OBJECT *o = OBJ_txt2obj(known_oids[i], 1);
		unsigned char *der = NULL;
		int n = o ? i2d_ASN1_OBJECT(o, &der) : -1;
		if (n > 2 && n <= 32) {
			memcpy(known_der[i], der + 2, (size_t)n - 2);   /* contents, without tag and length */
			known_len[i] = n - 2;
		}
		OPENSSL_free(der);
		ASN1_OBJECT_free(o);
	}
}

static bool oid_is(const struct nl_der_rd *c, const char *dotted)
{
	pthread_once(&known_once, encode_known);
	for (size_t i = 0; i < N_KNOWN; i++)
		if (known_oids[i] == dotted || !strcmp(known_oids[i], dotted))
			return known_len[i] > 0 && (size_t)known_len[i] == (size_t)(c->end - c->p) &&
			       !memcmp(known_der[i], c->p, (size_t)known_len[i]);
	return false;   /* not in the table: a bug, caught by the tests */
}

static void lint_pds(struct nl_lint *l, struct nl_der_rd info)
{
	unsigned tag;
	struct nl_der_rd seq, loc, url, lang;
	bool en = false;
	int n = 0;
	if (!nl_der_next(&info, &tag, &seq, NULL) || tag != 0x30 || info.p != info.end) {
		nl_lint_fail(l, "QcPDS: not a SEQUENCE OF PdsLocation");
		return;
	}
	while (seq.p < seq.end) {
		if (!nl_der_next(&seq, &tag, &loc, NULL) || tag != 0x30 || !nl_der_next(&loc, &tag, &url, NULL) || tag != 0x16 ||
		    !nl_der_next(&loc, &tag, &lang, NULL) || tag != 0x13 || lang.end - lang.p != 2) {
			nl_lint_fail(l, "QcPDS: malformed PdsLocation");
			return;
		}
		n++;
		if (url.end - url.p < 8 || memcmp(url.p, "https://", 8))
			nl_lint_fail(l, "QcPDS: URL must be https (EN 319 412-5 4.3.4)");
		if (!memcmp(lang.p, "en", 2)) en = true;
		if (!islower(lang.p[0]) || !islower(lang.p[1]))
			nl_lint_fail(l, "QcPDS: language must be a lower-case ISO 639-1 code");
	}
	if (!n) nl_lint_fail(l, "QcPDS: no PdsLocation");
	if (!en) nl_lint_fail(l, "QcPDS: no English PDS (EN 319 412-5 4.3.4)");
}

/* *natural receives how many semantics-Natural statements there are: the
 * subject's serialNumber form decides how many it must be (lint_person). */
static void lint_qcstatements(struct nl_lint *l, const ASN1_OCTET_STRING *v, int *natural_out)
{
	struct nl_der_rd all = {v->data, v->data + v->length}, seq, st, id, info;
	unsigned tag;
	int compliance = 0, sscd = 0, qctype = 0, pds = 0, legis = 0, natural = 0, btk = 0;
	if (!nl_der_next(&all, &tag, &seq, NULL) || tag != 0x30 || all.p != all.end) {
		nl_lint_fail(l, "qcStatements: not a SEQUENCE");
		return;
	}
	while (seq.p < seq.end) {
		if (!nl_der_next(&seq, &tag, &st, NULL) || tag != 0x30 || !nl_der_next(&st, &tag, &id, NULL) || tag != 0x06) {
			nl_lint_fail(l, "qcStatements: malformed QCStatement");
			return;
		}
		info = st;
		if (oid_is(&id, "0.4.0.1862.1.1")) compliance++;
		else if (oid_is(&id, "0.4.0.1862.1.4")) sscd++;
		else if (oid_is(&id, "0.4.0.1862.1.5")) { pds++; lint_pds(l, info); }
		else if (oid_is(&id, NL_OID_BTK_NES)) {
			/* statementInfo: the legal sentence of Law 5070, UTF8String, as
			 * Kamu SM's qualified certificates carry it */
			struct nl_der_rd text;
			static const char want[] = NL_CA_BTK_NES_TEXT;
			btk++;
			if (!nl_der_next(&info, &tag, &text, NULL) || tag != 0x0c ||
			    (size_t)(text.end - text.p) != sizeof want - 1 || memcmp(text.p, want, sizeof want - 1))
				nl_lint_fail(l, "BTK statement: statementInfo must be the UTF8String \"Bu sertifika, 5070 sayılı ...\"");
		}
		else if (oid_is(&id, "0.4.0.1862.1.6")) {
			struct nl_der_rd types, t;
			qctype++;
			int n = 0, esign = 0;
			if (!nl_der_next(&info, &tag, &types, NULL) || tag != 0x30) {
				nl_lint_fail(l, "QcType: not a SEQUENCE OF OID");
				continue;
			}
			while (types.p < types.end && nl_der_next(&types, &tag, &t, NULL) && tag == 0x06) {
				n++;
				if (oid_is(&t, "0.4.0.1862.1.6.1")) esign++;
			}
			if (n != 1) nl_lint_fail(l, "QcType: exactly one type required, found %d", n);
			if (!esign) nl_lint_fail(l, "QcType: must be id-etsi-qct-esign");
		} else if (oid_is(&id, "0.4.0.1862.1.7")) {
			struct nl_der_rd cs, c;
			legis++;
			if (!nl_der_next(&info, &tag, &cs, NULL) || tag != 0x30 || !nl_der_next(&cs, &tag, &c, NULL) ||
			    tag != 0x13 || c.end - c.p != 2 || memcmp(c.p, "TR", 2))
				nl_lint_fail(l, "QcCClegislation: must be the sequence { \"TR\" }");
		} else if (oid_is(&id, "1.3.6.1.5.5.7.11.2")) {
			struct nl_der_rd si, o;
			if (nl_der_next(&info, &tag, &si, NULL) && tag == 0x30 && nl_der_next(&si, &tag, &o, NULL) &&
			    tag == 0x06 && oid_is(&o, "0.4.0.194121.1.1"))
				natural++;
			else
				nl_lint_fail(l, "semantics identifier: must be id-etsi-qcs-semanticsId-Natural");
		} else {
			nl_lint_fail(l, "qcStatements: statement not in the profile");
		}
	}
	if (compliance != 1) nl_lint_fail(l, "qcStatements: QcCompliance missing or repeated");
	if (sscd != 1) nl_lint_fail(l, "qcStatements: QcSSCD missing or repeated");
	if (qctype != 1) nl_lint_fail(l, "qcStatements: exactly one QcType statement required, found %d", qctype);
	if (pds != 1) nl_lint_fail(l, "qcStatements: QcPDS missing or repeated");
	if (legis != 1) nl_lint_fail(l, "qcStatements: QcCClegislation TR missing or repeated");
	*natural_out += natural;
	if (btk != 1) nl_lint_fail(l, "qcStatements: BTK statement " NL_OID_BTK_NES " missing or repeated");
}

/* ---- subject ---- */
/* PNOTR-<T.C. no> or PAS<cc>-<no> (ETSI, *etsi = true), or the bare T.C.
 * number, as Kamu SM issues it ([ca] serial_number_form = tr). */
static bool serial_attr_ok(const char *s, bool *etsi)
{
	size_t n = strlen(s);
	*etsi = n > 6 && s[5] == '-';
	if (n == 11 && s[0] != '0' && nl_all_digits(s))
		return true;
	if (!strncmp(s, "PNOTR-", 6)) {
		if (n != 17 || s[6] == '0') return false;
		return nl_all_digits(s + 6);
	}
	if (!strncmp(s, "PAS", 3) && n >= 7 && n <= 26 && isupper((unsigned char)s[3]) &&
	    isupper((unsigned char)s[4]) && s[5] == '-') {
		for (size_t i = 6; i < n; i++)
			if (!isupper((unsigned char)s[i]) && !isdigit((unsigned char)s[i])) return false;
		return true;
	}
	return false;
}

static void lint_person_subject(struct nl_lint *l, X509_NAME *n, bool *etsi)
{
	int seen[5] = {0};
	static const int nids[5] = {NID_countryName, NID_givenName, NID_surname, NID_commonName, NID_serialNumber};
	static const char *names[5] = {"countryName", "givenName", "surname", "commonName", "serialNumber"};
	for (int i = 0; i < X509_NAME_entry_count(n); i++) {
		X509_NAME_ENTRY *e = X509_NAME_get_entry(n, i);
		int nid = OBJ_obj2nid(X509_NAME_ENTRY_get_object(e));
		const ASN1_STRING *v = X509_NAME_ENTRY_get_data(e);
		int k = -1;
		for (int j = 0; j < 5; j++) if (nids[j] == nid) k = j;
		if (k < 0) {
			char buf[80];
			OBJ_obj2txt(buf, sizeof buf, X509_NAME_ENTRY_get_object(e), 0);
			nl_lint_fail(l, "subject: attribute %s is not in the profile", buf);
			continue;
		}
		seen[k]++;
		if (ASN1_STRING_length(v) < 1 || ASN1_STRING_length(v) > 64)
			nl_lint_fail(l, "subject: %s empty or longer than 64", names[k]);
		if (nid == NID_countryName && (ASN1_STRING_type(v) != V_ASN1_PRINTABLESTRING ||
		    ASN1_STRING_length(v) != 2 || memcmp(ASN1_STRING_get0_data(v), "TR", 2)))
			nl_lint_fail(l, "subject: countryName must be PrintableString TR");
		if (nid == NID_serialNumber) {
			char s[80] = "";
			int len = ASN1_STRING_length(v);
			if (len > 0 && len < (int)sizeof s) memcpy(s, ASN1_STRING_get0_data(v), (size_t)len);
			if (ASN1_STRING_type(v) != V_ASN1_PRINTABLESTRING || !serial_attr_ok(s, etsi))
				nl_lint_fail(l, "subject: serialNumber must be PNOTR-<T.C. no>, the bare T.C. no or PAS<cc>-<no> "
				     "(EN 319 412-1 5.1.3)");
		}
	}
	for (int j = 0; j < 5; j++)
		if (seen[j] != 1)
			nl_lint_fail(l, "subject: %s %s", names[j], seen[j] ? "repeated" : "missing");
}

/* ---- keys ---- */
static void lint_key(struct nl_lint *l, X509 *x)
{
	EVP_PKEY *pk = X509_get0_pubkey(x);
	if (!pk) { nl_lint_fail(l, "public key: unreadable"); ERR_clear_error(); return; }
	int id = EVP_PKEY_base_id(pk);
	if (id == EVP_PKEY_RSA) {
		if (EVP_PKEY_get_bits(pk) < 2048) nl_lint_fail(l, "public key: RSA shorter than 2048 bits");
	} else if (id == EVP_PKEY_EC) {
		char g[64] = "";
		size_t n;
		if (EVP_PKEY_get_utf8_string_param(pk, "group", g, sizeof g, &n) != 1 ||
		    (strcmp(g, "prime256v1") && strcmp(g, "secp384r1") && strcmp(g, "secp521r1")))
			nl_lint_fail(l, "public key: unsupported curve %s (P-256, P-384, P-521 only)", g[0] ? g : "?");
	} else {
		nl_lint_fail(l, "public key: algorithm not allowed (RSA or ECDSA only)");
	}
}

/* ---- the common RFC 5280 checks ---- */
static void lint_common(struct nl_lint *l, X509 *x, X509 *issuer)
{
	const ASN1_INTEGER *sn = X509_get0_serialNumber(x);
	if (X509_get_version(x) != 2) nl_lint_fail(l, "version: must be v3");
	if (ASN1_STRING_type(sn) == V_ASN1_NEG_INTEGER || sn->length == 0 ||
	    (sn->length == 1 && sn->data[0] == 0))
		nl_lint_fail(l, "serial: must be positive (RFC 5280 4.1.2.2)");
	if (sn->length > 20) nl_lint_fail(l, "serial: longer than 20 octets");
	if (sn->length < 8 || (sn->length == 8 && sn->data[0] < 0x01))
		nl_lint_fail(l, "serial: fewer than 64 bits of entropy (CA/B BR 7.1)");
	const ASN1_TIME *nb = X509_get0_notBefore(x), *na = X509_get0_notAfter(x);
	if (ASN1_TIME_compare(nb, na) >= 0) nl_lint_fail(l, "validity: notBefore is not before notAfter");
	if (issuer) {
		if (X509_NAME_cmp(X509_get_issuer_name(x), X509_get_subject_name(issuer)))
			nl_lint_fail(l, "issuer: name differs from the issuer's subject");
		if (ASN1_TIME_compare(na, X509_get0_notAfter(issuer)) > 0)
			nl_lint_fail(l, "validity: ends after the issuer's certificate");
		if (ASN1_TIME_compare(nb, X509_get0_notBefore(issuer)) < 0)
			nl_lint_fail(l, "validity: starts before the issuer's certificate");
		const ASN1_OCTET_STRING *iski = X509_get0_subject_key_id(issuer);
		const ASN1_OCTET_STRING *aki = X509_get0_authority_key_id(x);
		if (!aki) nl_lint_fail(l, "authorityKeyIdentifier: missing (RFC 5280 4.2.1.1)");
		else if (iski && ASN1_OCTET_STRING_cmp(aki, iski))
			nl_lint_fail(l, "authorityKeyIdentifier: does not match the issuer's key");
	}
	if (!X509_get0_subject_key_id(x)) nl_lint_fail(l, "subjectKeyIdentifier: missing");
	if (X509_get_extension_flags(x) & EXFLAG_INVALID)
		nl_lint_fail(l, "extensions: invalid or duplicate extension");
	int inner = OBJ_obj2nid(X509_get0_tbs_sigalg(x)->algorithm);
	if (inner != NID_ecdsa_with_SHA256 && inner != NID_ecdsa_with_SHA384 &&
	    inner != NID_sha256WithRSAEncryption && inner != NID_sha384WithRSAEncryption &&
	    inner != NID_sha512WithRSAEncryption && inner != NID_ecdsa_with_SHA512)
		nl_lint_fail(l, "signature: algorithm not allowed");
	ERR_clear_error();
}

static bool ext_allowed(int nid, const int *allowed)
{
	for (; *allowed; allowed++) if (*allowed == nid) return true;
	return false;
}

static void lint_person(struct nl_lint *l, X509 *x)
{
	static const int allowed[] = {NID_key_usage, NID_subject_key_identifier,
		NID_authority_key_identifier, NID_certificate_policies, NID_qcStatements,
		NID_info_access, NID_crl_distribution_points, NID_basic_constraints,
		NID_subject_alt_name, NID_freshest_crl, 0};
	bool etsi = false;
	int natural = 0;
	lint_person_subject(l, X509_get_subject_name(x), &etsi);
	lint_key(l, x);
	for (int i = 0; i < X509_get_ext_count(x); i++) {
		X509_EXTENSION *e = X509_get_ext(x, i);
		int nid = OBJ_obj2nid(X509_EXTENSION_get_object(e));
		if (!ext_allowed(nid, allowed)) {
			char buf[80];
			OBJ_obj2txt(buf, sizeof buf, X509_EXTENSION_get_object(e), 1);
			nl_lint_fail(l, "extensions: %s is forbidden by the profile", buf);
		}
		if (nid == NID_qcStatements) {
			if (X509_EXTENSION_get_critical(e)) nl_lint_fail(l, "qcStatements: must not be critical");
			lint_qcstatements(l, X509_EXTENSION_get_data(e), &natural);
		}
		if (nid == NID_key_usage && !X509_EXTENSION_get_critical(e))
			nl_lint_fail(l, "keyUsage: must be critical");
		if (nid == NID_freshest_crl) {
			/* RFC 5280 4.2.1.15: non-critical, a CRLDistributionPoints
			 * naming where the delta CRLs are */
			STACK_OF(DIST_POINT) *dps = X509V3_EXT_d2i(e);
			bool uri = false;
			for (int k = 0; dps && k < sk_DIST_POINT_num(dps); k++) {
				DIST_POINT *dp = sk_DIST_POINT_value(dps, k);
				GENERAL_NAMES *gn = dp->distpoint && dp->distpoint->type == 0 ? dp->distpoint->name.fullname : NULL;
				for (int g = 0; gn && g < sk_GENERAL_NAME_num(gn); g++)
					if (sk_GENERAL_NAME_value(gn, g)->type == GEN_URI) uri = true;
			}
			sk_DIST_POINT_pop_free(dps, DIST_POINT_free);
			if (X509_EXTENSION_get_critical(e)) nl_lint_fail(l, "freshestCRL: must not be critical (RFC 5280 4.2.1.15)");
			if (!uri) nl_lint_fail(l, "freshestCRL: no URI of the delta CRL");
		}
	}
	if (X509_get_ext_by_NID(x, NID_qcStatements, -1) < 0) nl_lint_fail(l, "qcStatements: missing");
	/* EN 319 412-1 5.1.3: the semantics identifier says the serialNumber
	 * follows PNO/PAS; a bare T.C. number must not claim it. */
	else if (etsi && natural != 1)
		nl_lint_fail(l, "qcStatements: semantics identifier Natural missing or repeated");
	else if (!etsi && natural)
		nl_lint_fail(l, "qcStatements: semantics identifier Natural with a bare T.C. number");
	uint32_t ku = X509_get_key_usage(x);
	if (X509_get_ext_by_NID(x, NID_key_usage, -1) < 0) nl_lint_fail(l, "keyUsage: missing");
	else {
		if (!(ku & KU_NON_REPUDIATION)) nl_lint_fail(l, "keyUsage: nonRepudiation missing (EN 319 412-2 4.3.2)");
		if (ku & ~(uint32_t)KU_NON_REPUDIATION)
			nl_lint_fail(l, "keyUsage: only nonRepudiation is allowed for a signing certificate");
	}
	BASIC_CONSTRAINTS *bc = X509_get_ext_d2i(x, NID_basic_constraints, NULL, NULL);
	if (bc && bc->ca) nl_lint_fail(l, "basicConstraints: CA:TRUE on an end-entity certificate");
	BASIC_CONSTRAINTS_free(bc);
	CERTIFICATEPOLICIES *cp = X509_get_ext_d2i(x, NID_certificate_policies, NULL, NULL);
	int qcp = 0, other = 0;
	for (int i = 0; cp && i < sk_POLICYINFO_num(cp); i++) {
		char buf[80];
		OBJ_obj2txt(buf, sizeof buf, sk_POLICYINFO_value(cp, i)->policyid, 1);
		if (!strcmp(buf, NL_OID_QCP_N_QSCD)) qcp++;
		else if (!strcmp(buf, "2.5.29.32.0")) nl_lint_fail(l, "certificatePolicies: anyPolicy on an end entity");
		else other++;
	}
	if (!cp) nl_lint_fail(l, "certificatePolicies: missing");
	else {
		if (qcp != 1) nl_lint_fail(l, "certificatePolicies: QCP-n-qscd " NL_OID_QCP_N_QSCD " missing");
		if (!other) nl_lint_fail(l, "certificatePolicies: the provider's policy is missing");
	}
	CERTIFICATEPOLICIES_free(cp);
	AUTHORITY_INFO_ACCESS *aia = X509_get_ext_d2i(x, NID_info_access, NULL, NULL);
	int ocsp = 0, cai = 0;
	for (int i = 0; aia && i < sk_ACCESS_DESCRIPTION_num(aia); i++) {
		ACCESS_DESCRIPTION *ad = sk_ACCESS_DESCRIPTION_value(aia, i);
		if (ad->location->type != GEN_URI) continue;
		int m = OBJ_obj2nid(ad->method);
		if (m == NID_ad_OCSP) ocsp++;
		if (m == NID_ad_ca_issuers) cai++;
	}
	AUTHORITY_INFO_ACCESS_free(aia);
	if (!ocsp) nl_lint_fail(l, "authorityInfoAccess: OCSP URL missing");
	if (!cai) nl_lint_fail(l, "authorityInfoAccess: caIssuers URL missing");
	if (X509_get_ext_by_NID(x, NID_crl_distribution_points, -1) < 0)
		nl_lint_fail(l, "cRLDistributionPoints: missing");
	ERR_clear_error();
}

static void lint_ca_like(struct nl_lint *l, X509 *x, enum nl_lint_profile p)
{
	uint32_t ku = X509_get_key_usage(x);
	int crit = -1;
	BASIC_CONSTRAINTS *bc = X509_get_ext_d2i(x, NID_basic_constraints, &crit, NULL);
	lint_key(l, x);
	if (p == NL_LINT_SUB_CA) {
		if (!bc || !bc->ca || crit != 1) nl_lint_fail(l, "basicConstraints: a CA needs critical CA:TRUE");
		if (!(ku & KU_KEY_CERT_SIGN) || !(ku & KU_CRL_SIGN))
			nl_lint_fail(l, "keyUsage: a CA needs keyCertSign and cRLSign");
	} else {
		if (bc && bc->ca) nl_lint_fail(l, "basicConstraints: CA:TRUE on an OCSP responder");
		if (!(X509_get_extended_key_usage(x) & XKU_OCSP_SIGN) || !(X509_get_extension_flags(x) & EXFLAG_XKUSAGE))
			nl_lint_fail(l, "extKeyUsage: id-kp-OCSPSigning missing");
		if (X509_get_ext_by_NID(x, NID_id_pkix_OCSP_noCheck, -1) < 0)
			nl_lint_fail(l, "id-pkix-ocsp-nocheck: missing");
		if (!(ku & KU_DIGITAL_SIGNATURE)) nl_lint_fail(l, "keyUsage: digitalSignature missing");
	}
	BASIC_CONSTRAINTS_free(bc);
	ERR_clear_error();
}

nl_err nl_pki_lint_x509(X509 *x, const nl_pki_cert *issuer, enum nl_lint_profile profile,
                        struct nl_lint *out)
{
	memset(out, 0, sizeof *out);
	lint_common(out, x, issuer ? issuer->x : NULL);
	if (profile == NL_LINT_PERSON) lint_person(out, x);
	else lint_ca_like(out, x, profile);
	return out->count ? NL_ERR_INVALID : NL_OK;
}

nl_err nl_pki_lint(const void *der, size_t len, const nl_pki_cert *issuer,
                   enum nl_lint_profile profile, struct nl_lint *out)
{
	const unsigned char *p = der;
	X509 *x = d2i_X509(NULL, &p, (long)len);
	memset(out, 0, sizeof *out);
	if (!x || p != (const unsigned char *)der + len) {
		nl_lint_fail(out, "encoding: not a DER certificate");
		X509_free(x);
		ERR_clear_error();
		return NL_ERR_INVALID;
	}
	nl_err rc = nl_pki_lint_x509(x, issuer, profile, out);
	X509_free(x);
	return rc;
}
