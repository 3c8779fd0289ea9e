/* The signer's CRL linter and a reader for the entries of a stored CRL.
 *
 * Both walk the DER with a small reader of their own instead of OpenSSL's
 * X509_CRL: the TBS the signer gets is unsigned (OpenSSL parses only whole
 * CertificateLists) and may hold millions of entries, which OpenSSL would
 * turn into millions of allocations. */
#include "pki/pki_internal.h"
#include "pki/crl.h"
#include "pki/der.h"

#include <openssl/err.h>
#include <stdarg.h>
#include <string.h>
#include <time.h>

static bool peek(const struct nl_der_rd *d, unsigned tag) { return d->p < d->end && *d->p == tag; }

static bool oid_is(const struct nl_der_rd *o, const char *der, size_t n)
{
	return (size_t)(o->end - o->p) == n && !memcmp(o->p, der, n);
}

/* UTCTime (YYMMDDHHMMSSZ) or GeneralizedTime (YYYYMMDDHHMMSSZ), as RFC 5280
 * 4.1.2.5 allows them; -1 if malformed. */
static int64_t parse_time(unsigned tag, const struct nl_der_rd *t)
{
	size_t n = (size_t)(t->end - t->p), y = tag == 0x17 ? 2 : 4;
	int v[7] = {0};
	if ((tag != 0x17 || n != 13) && (tag != 0x18 || n != 15)) return -1;
	if (t->p[n - 1] != 'Z') return -1;
	for (size_t i = 0; i < n - 1; i++)
		if (t->p[i] < '0' || t->p[i] > '9') return -1;
	for (size_t i = 0; i < y; i++) v[0] = v[0] * 10 + (t->p[i] - '0');
	for (int f = 1; f < 6; f++)
		v[f] = (t->p[y + 2 * (size_t)f - 2] - '0') * 10 + (t->p[y + 2 * (size_t)f - 1] - '0');
	if (tag == 0x17) v[0] += v[0] < 50 ? 2000 : 1900;
	struct tm tm = {.tm_year = v[0] - 1900, .tm_mon = v[1] - 1, .tm_mday = v[2], .tm_hour = v[3],
	                .tm_min = v[4], .tm_sec = v[5]};
	if (v[1] < 1 || v[1] > 12 || v[2] < 1 || v[2] > 31 || v[3] > 23 || v[4] > 59 || v[5] > 59) return -1;
	return (int64_t)timegm(&tm);
}

/* A positive INTEGER of 1..max content octets in minimal form. */
static bool good_uint(const struct nl_der_rd *i, size_t max)
{
	size_t n = (size_t)(i->end - i->p);
	if (n < 1 || (i->p[0] & 0x80)) return false;
	if (n > 1 && i->p[0] == 0 && !(i->p[1] & 0x80)) return false;
	return n - (i->p[0] == 0) <= max;
}

/* a < b for two good_uint values */
static bool uint_less(struct nl_der_rd a, struct nl_der_rd b)
{
	while (a.end - a.p > 1 && *a.p == 0) a.p++;
	while (b.end - b.p > 1 && *b.p == 0) b.p++;
	if (a.end - a.p != b.end - b.p) return a.end - a.p < b.end - b.p;
	return memcmp(a.p, b.p, (size_t)(a.end - a.p)) < 0;
}

static const char OID_REASON[] = {0x55, 0x1d, 0x15}, OID_INVALIDITY[] = {0x55, 0x1d, 0x18},
	OID_AKI[] = {0x55, 0x1d, 0x23}, OID_NUMBER[] = {0x55, 0x1d, 0x14},
	OID_DELTA[] = {0x55, 0x1d, 0x1b}, OID_FRESHEST[] = {0x55, 0x1d, 0x2e};
#define IS(o, oid) oid_is(&(o), oid, sizeof oid)

/* Extension ::= SEQUENCE { extnID, critical BOOLEAN DEFAULT FALSE, extnValue }. */
static bool read_ext(struct nl_der_rd *exts, struct nl_der_rd *oid, bool *critical, struct nl_der_rd *value)
{
	struct nl_der_rd e, b;
	unsigned tag;
	*critical = false;
	if (!nl_der_next(exts, &tag, &e, NULL) || tag != 0x30 || !nl_der_next(&e, &tag, oid, NULL) || tag != 0x06)
		return false;
	if (peek(&e, 0x01)) {
		/* DER leaves a FALSE default out */
		if (!nl_der_next(&e, &tag, &b, NULL) || b.end - b.p != 1 || *b.p != 0xff) return false;
		*critical = true;
	}
	return nl_der_next(&e, &tag, value, NULL) && tag == 0x04 && e.p == e.end;
}

/* One revokedCertificates entry; *reason receives its reasonCode (0 when none). */
static void lint_entry(struct nl_lint *l, struct nl_der_rd ent, size_t idx, bool delta, int *reason)
{
	struct nl_der_rd serial, t, exts, oid, val, x;
	unsigned tag;
	bool crit, seen_reason = false, seen_inv = false;
	*reason = 0;
	if (!nl_der_next(&ent, &tag, &serial, NULL) || tag != 0x02 || !good_uint(&serial, 20)) {
		nl_lint_fail(l, "CRL entry %zu: serial is not a positive INTEGER of at most 20 octets", idx);
		return;
	}
	if (!nl_der_next(&ent, &tag, &t, NULL) || parse_time(tag, &t) < 0) {
		nl_lint_fail(l, "CRL entry %zu: revocationDate is not a Time", idx);
		return;
	}
	if (ent.p == ent.end) return;
	if (!nl_der_next(&ent, &tag, &exts, NULL) || tag != 0x30 || ent.p != ent.end || exts.p == exts.end) {
		nl_lint_fail(l, "CRL entry %zu: malformed crlEntryExtensions", idx);
		return;
	}
	while (exts.p < exts.end) {
		if (!read_ext(&exts, &oid, &crit, &val)) {
			nl_lint_fail(l, "CRL entry %zu: malformed extension", idx);
			return;
		}
		if (IS(oid, OID_REASON) && !seen_reason) {
			seen_reason = true;
			if (crit || !nl_der_next(&val, &tag, &x, NULL) || tag != 0x0a || x.end - x.p != 1 || val.p != val.end) {
				nl_lint_fail(l, "CRL entry %zu: reasonCode is not a non-critical ENUMERATED", idx);
				continue;
			}
			*reason = x.p[0];
			if (*reason == 0)
				nl_lint_fail(l, "CRL entry %zu: reasonCode unspecified must be left out (RFC 5280 5.3.1)", idx);
			else if (*reason == 7 || *reason > 10)
				nl_lint_fail(l, "CRL entry %zu: reasonCode %d is not a CRLReason", idx, *reason);
			else if (*reason == NL_REASON_REMOVE_FROM_CRL && !delta)
				nl_lint_fail(l, "CRL entry %zu: removeFromCRL only in a delta CRL (RFC 5280 5.3.1)", idx);
		} else if (IS(oid, OID_INVALIDITY) && !seen_inv) {
			seen_inv = true;
			if (crit || !nl_der_next(&val, &tag, &x, NULL) || tag != 0x18 || parse_time(tag, &x) < 0)
				nl_lint_fail(l, "CRL entry %zu: invalidityDate is not a non-critical GeneralizedTime", idx);
		} else {
			nl_lint_fail(l, "CRL entry %zu: extension not allowed or repeated", idx);
		}
	}
}

nl_err nl_pki_crl_lint(const void *tbs, size_t len, const nl_pki_cert *issuer, struct nl_lint *l,
                       bool *is_delta)
{
	struct nl_der_rd all = {tbs, (const uint8_t *)tbs + len}, body, x, list, exts;
	unsigned tag;
	const uint8_t *start;
	unsigned char *der = NULL;
	nl_buf alg = NL_BUF_INIT;
	enum nl_key_type kt;
	memset(l, 0, sizeof *l);
	if (is_delta) *is_delta = false;
	if (!nl_der_next(&all, &tag, &body, NULL) || tag != 0x30 || all.p != all.end) {
		nl_lint_fail(l, "CRL: not one DER TBSCertList");
		goto out;
	}
	if (!nl_der_next(&body, &tag, &x, NULL) || tag != 0x02 || x.end - x.p != 1 || x.p[0] != 1) {
		nl_lint_fail(l, "CRL: version must be v2");
		goto out;
	}
	if (!nl_der_next(&body, &tag, &x, &start) || tag != 0x30 || nl_pki_cert_key_type(issuer->x, &kt) ||
	    nl_pki_sigalg_der(kt, &alg) || alg.len != (size_t)(body.p - start) || memcmp(alg.data, start, alg.len))
		nl_lint_fail(l, "CRL: signature algorithm is not the one of the CA's key");
	if (!nl_der_next(&body, &tag, &x, &start) || tag != 0x30) {
		nl_lint_fail(l, "CRL: issuer missing");
		goto out;
	}
	int n = i2d_X509_NAME(X509_get_subject_name(issuer->x), &der);
	if (n <= 0 || (size_t)n != (size_t)(x.end - start) || memcmp(der, start, (size_t)n))
		nl_lint_fail(l, "CRL: issuer is not this CA");
	int64_t this_update = -1, next_update = -1;
	if (nl_der_next(&body, &tag, &x, NULL)) this_update = parse_time(tag, &x);
	if (this_update < 0) {
		nl_lint_fail(l, "CRL: thisUpdate is not a Time");
		goto out;
	}
	/* RFC 5280 5.1.2.5: conforming CAs include nextUpdate */
	if (!peek(&body, 0x17) && !peek(&body, 0x18)) nl_lint_fail(l, "CRL: nextUpdate missing");
	else if (!nl_der_next(&body, &tag, &x, NULL) || (next_update = parse_time(tag, &x)) < 0)
		nl_lint_fail(l, "CRL: nextUpdate is not a Time");
	else if (next_update <= this_update) nl_lint_fail(l, "CRL: nextUpdate is not after thisUpdate");
	/* the extensions first: whether this is a delta decides what entries may say */
	struct nl_der_rd ents = {0};
	bool have_list = peek(&body, 0x30);
	if (have_list && (!nl_der_next(&body, &tag, &ents, NULL) || ents.p == ents.end)) {
		nl_lint_fail(l, "CRL: revokedCertificates malformed or empty (leave it out)");
		have_list = false;
	}
	if (!peek(&body, 0xa0) || !nl_der_next(&body, &tag, &list, NULL) || !nl_der_next(&list, &tag, &exts, NULL) ||
	    tag != 0x30 || list.p != list.end || body.p != body.end) {
		nl_lint_fail(l, "CRL: crlExtensions missing or followed by other bytes");
		goto out;
	}
	struct nl_der_rd number = {0}, base = {0}, oid, val;
	int aki = 0, num = 0, delta = 0, freshest = 0;
	bool crit;
	while (exts.p < exts.end) {
		if (!read_ext(&exts, &oid, &crit, &val)) {
			nl_lint_fail(l, "CRL: malformed extension");
			goto out;
		}
		if (IS(oid, OID_AKI)) {
			struct nl_der_rd seq, kid;
			const ASN1_OCTET_STRING *ski = X509_get0_subject_key_id(issuer->x);
			aki++;
			if (crit || !nl_der_next(&val, &tag, &seq, NULL) || tag != 0x30 || !nl_der_next(&seq, &tag, &kid, NULL) ||
			    tag != 0x80 || !ski || kid.end - kid.p != ski->length ||
			    memcmp(kid.p, ski->data, (size_t)ski->length))
				nl_lint_fail(l, "CRL: authorityKeyIdentifier is not the CA's key identifier");
		} else if (IS(oid, OID_NUMBER)) {
			num++;
			if (crit || !nl_der_next(&val, &tag, &number, NULL) || tag != 0x02 || !good_uint(&number, 20))
				nl_lint_fail(l, "CRL: cRLNumber is not a non-critical positive INTEGER (RFC 5280 5.2.3)");
		} else if (IS(oid, OID_DELTA)) {
			delta++;
			if (!crit) nl_lint_fail(l, "CRL: deltaCRLIndicator must be critical (RFC 5280 5.2.4)");
			if (!nl_der_next(&val, &tag, &base, NULL) || tag != 0x02 || !good_uint(&base, 20))
				nl_lint_fail(l, "CRL: deltaCRLIndicator is not a positive INTEGER");
		} else if (IS(oid, OID_FRESHEST)) {
			struct nl_der_rd dps, dp;
			freshest++;
			if (crit || !nl_der_next(&val, &tag, &dps, NULL) || tag != 0x30 || !nl_der_next(&dps, &tag, &dp, NULL) ||
			    tag != 0x30)
				nl_lint_fail(l, "CRL: freshestCRL is not a non-critical CRLDistributionPoints (RFC 5280 5.2.6)");
		} else {
			char shown[80] = "?";
			ASN1_OBJECT *o = NULL;
			const unsigned char *p = oid.p - 2;
			if ((o = d2i_ASN1_OBJECT(NULL, &p, oid.end - oid.p + 2)))
				OBJ_obj2txt(shown, sizeof shown, o, 1);
			ASN1_OBJECT_free(o);
			nl_lint_fail(l, "CRL: extension %s is not allowed", shown);
		}
	}
	if (aki != 1) nl_lint_fail(l, "CRL: exactly one authorityKeyIdentifier needed (RFC 5280 5.2.1)");
	if (num != 1) nl_lint_fail(l, "CRL: exactly one cRLNumber needed (RFC 5280 5.2.3)");
	if (delta > 1 || freshest > 1) nl_lint_fail(l, "CRL: an extension repeats");
	if (delta && freshest) nl_lint_fail(l, "CRL: freshestCRL in a delta CRL (RFC 5280 5.2.6)");
	if (delta == 1 && num == 1 && base.p && number.p && !uint_less(base, number))
		nl_lint_fail(l, "CRL: deltaCRLIndicator must name a base below the CRL's own number");
	if (is_delta) *is_delta = delta > 0;
	for (size_t i = 0; have_list && ents.p < ents.end && l->count < NL_LINT_MAX; i++) {
		struct nl_der_rd ent;
		int reason;
		if (!nl_der_next(&ents, &tag, &ent, NULL) || tag != 0x30) {
			nl_lint_fail(l, "CRL entry %zu: not a SEQUENCE", i);
			break;
		}
		lint_entry(l, ent, i, delta > 0, &reason);
	}
out:
	OPENSSL_free(der);
	nl_buf_free(&alg);
	ERR_clear_error();
	return l->count ? NL_ERR_INVALID : NL_OK;
}

nl_err nl_pki_crl_each(const void *der, size_t len, nl_crl_entry_fn fn, void *ctx)
{
	struct nl_der_rd all = {der, (const uint8_t *)der + len}, cl, body, x, ents;
	unsigned tag;
	if (!nl_der_next(&all, &tag, &cl, NULL) || tag != 0x30 || !nl_der_next(&cl, &tag, &body, NULL) || tag != 0x30)
		return NL_ERR_INVALID;
	/* version, signature, issuer, thisUpdate */
	for (int i = 0; i < 4; i++)
		if (!nl_der_next(&body, &tag, &x, NULL)) return NL_ERR_INVALID;
	if ((peek(&body, 0x17) || peek(&body, 0x18)) && !nl_der_next(&body, &tag, &x, NULL)) return NL_ERR_INVALID;
	if (!peek(&body, 0x30)) return NL_OK;   /* no entries */
	if (!nl_der_next(&body, &tag, &ents, NULL)) return NL_ERR_INVALID;
	while (ents.p < ents.end) {
		struct nl_der_rd ent, serial, t, exts, oid, val, e;
		bool crit;
		int reason = 0;
		if (!nl_der_next(&ents, &tag, &ent, NULL) || tag != 0x30 || !nl_der_next(&ent, &tag, &serial, NULL) ||
		    tag != 0x02 || serial.p == serial.end || !nl_der_next(&ent, &tag, &t, NULL))
			return NL_ERR_INVALID;
		int64_t at = parse_time(tag, &t);
		if (at < 0) return NL_ERR_INVALID;
		if (ent.p < ent.end) {
			if (!nl_der_next(&ent, &tag, &exts, NULL) || tag != 0x30) return NL_ERR_INVALID;
			while (exts.p < exts.end) {
				if (!read_ext(&exts, &oid, &crit, &val)) return NL_ERR_INVALID;
				if (IS(oid, OID_REASON) && nl_der_next(&val, &tag, &e, NULL) && tag == 0x0a && e.end - e.p == 1)
					reason = e.p[0];
			}
		}
		while (serial.end - serial.p > 1 && *serial.p == 0) serial.p++;
		nl_err rc = fn(ctx, serial.p, (size_t)(serial.end - serial.p), at, reason);
		if (rc) return rc;
	}
	return NL_OK;
}
