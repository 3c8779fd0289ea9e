/* DER of the two extensions OpenSSL's config syntax cannot express without a
 * config database: qcStatements (RFC 3739, ETSI EN 319 412-5) and
 * certificatePolicies with a CPS qualifier. A tiny DER writer is enough: every
 * value is a definite-length TLV built inside-out. */
#include "pki/pki_internal.h"
#include "pki/der.h"

#include <openssl/err.h>
#include <string.h>

/* Tags. */
#define T_SEQ       0x30
#define T_IA5       0x16
#define T_PRINTABLE 0x13
#define T_UTF8      0x0c

void nl_der_header(nl_buf *b, unsigned tag, size_t len)
{
	nl_buf_putc(b, (char)tag);
	if (len < 0x80) {
		nl_buf_putc(b, (char)len);
		return;
	}
	int n = 0;
	for (size_t l = len; l; l >>= 8) n++;
	nl_buf_putc(b, (char)(0x80 | n));
	for (int i = n - 1; i >= 0; i--)
		nl_buf_putc(b, (char)((len >> (8 * i)) & 0xff));
}

void nl_der_wrap(nl_buf *out, unsigned tag, const nl_buf *inner)
{
	nl_der_header(out, tag, inner->len);
	nl_buf_append(out, inner->data, inner->len);
	if (inner->oom) out->oom = true;
}

void nl_der_string(nl_buf *out, unsigned tag, const char *s)
{
	size_t n = strlen(s);
	nl_der_header(out, tag, n);
	nl_buf_append(out, s, n);
}

bool nl_der_oid(nl_buf *out, const char *dotted)
{
	ASN1_OBJECT *o = OBJ_txt2obj(dotted, 1);
	unsigned char *der = NULL;
	int n = o ? i2d_ASN1_OBJECT(o, &der) : -1;
	ASN1_OBJECT_free(o);
	if (n <= 0) {
		ERR_clear_error();
		out->oom = true;   /* poison: callers check oom once */
		return false;
	}
	nl_buf_append(out, der, (size_t)n);
	OPENSSL_free(der);
	return true;
}

/* QCStatement ::= SEQUENCE { statementId OID, statementInfo ANY OPTIONAL } */
static void statement(nl_buf *all, const char *oid, const nl_buf *info)
{
	nl_buf s = NL_BUF_INIT;
	nl_der_oid(&s, oid);
	if (info)
		nl_buf_append(&s, info->data, info->len);
	nl_der_wrap(all, T_SEQ, &s);
	nl_buf_free(&s);
}

/* PdsLocation ::= SEQUENCE { url IA5String, language PrintableString (SIZE(2)) } */
static void pds_location(nl_buf *seq, const char *url, const char *lang)
{
	nl_buf l = NL_BUF_INIT;
	nl_der_string(&l, T_IA5, url);
	nl_der_string(&l, T_PRINTABLE, lang);
	nl_der_wrap(seq, T_SEQ, &l);
	nl_buf_free(&l);
}

nl_err nl_pki_btk_statement_der(nl_buf *out)
{
	nl_buf text = NL_BUF_INIT;
	nl_der_string(&text, T_UTF8, NL_CA_BTK_NES_TEXT);
	statement(out, NL_OID_BTK_NES, &text);
	bool bad = text.oom || out->oom;
	nl_buf_free(&text);
	return bad ? NL_ERR_NOMEM : NL_OK;
}

nl_err nl_pki_qcstatements_der(const struct nl_pki_urls *u, nl_buf *out)
{
	return nl_pki_qcstatements_der_for(u, u->serial_form == NL_SERIAL_FORM_ETSI, out);
}

nl_err nl_pki_qcstatements_der_for(const struct nl_pki_urls *u, bool semantics, nl_buf *out)
{
	nl_buf all = NL_BUF_INIT, info = NL_BUF_INIT, tmp = NL_BUF_INIT;
	if (!u->pds_en || !u->pds_tr)
		return NL_ERR_CONFIG;

	/* id-qcs-pkixQCSyntax-v2 with SemanticsInformation { id-etsi-qcs-semanticsId-Natural }
	 * (EN 319 412-1 5.1.3): the serialNumber attribute follows the PNO/PAS rules.
	 * A bare T.C. number does not, so it goes without (as Kamu SM's). */
	if (semantics) {
		nl_der_oid(&tmp, NL_OID_SEMANTICS_NATURAL);
		nl_der_wrap(&info, T_SEQ, &tmp);
		statement(&all, "1.3.6.1.5.5.7.11.2", &info);
		nl_buf_reset(&tmp); nl_buf_reset(&info);
	}

	statement(&all, "0.4.0.1862.1.1", NULL);     /* QcCompliance */
	statement(&all, "0.4.0.1862.1.4", NULL);     /* QcSSCD: key in a QSCD */

	nl_der_oid(&tmp, "0.4.0.1862.1.6.1");        /* QcType: esign, exactly one */
	nl_der_wrap(&info, T_SEQ, &tmp);
	statement(&all, "0.4.0.1862.1.6", &info);
	nl_buf_reset(&tmp); nl_buf_reset(&info);

	pds_location(&tmp, u->pds_en, "en");         /* QcPDS: https, English first */
	pds_location(&tmp, u->pds_tr, "tr");
	nl_der_wrap(&info, T_SEQ, &tmp);
	statement(&all, "0.4.0.1862.1.5", &info);
	nl_buf_reset(&tmp); nl_buf_reset(&info);

	/* QcCClegislation ::= SEQUENCE OF CountryName: a qualified certificate under
	 * Turkish law (Law 5070), not under eIDAS (EN 319 412-5 4.2.4). */
	nl_der_string(&tmp, T_PRINTABLE, "TR");
	nl_der_wrap(&info, T_SEQ, &tmp);
	statement(&all, "0.4.0.1862.1.7", &info);
	nl_buf_reset(&tmp); nl_buf_reset(&info);

	/* BTK: nitelikli elektronik sertifika, with the legal sentence as its
	 * statementInfo (UTF8String), byte for byte as Kamu SM issues it. */
	nl_err_ignore(nl_pki_btk_statement_der(&all));   /* a failure is all.oom, checked below */

	nl_der_wrap(out, T_SEQ, &all);
	bool bad = all.oom || out->oom;
	nl_buf_free(&all); nl_buf_free(&info); nl_buf_free(&tmp);
	return bad ? NL_ERR_NOMEM : NL_OK;
}

/* certificatePolicies: the provider's policies, the first with its CPS URI and
 * user notice (Kamu SM's order: CPS, then the notice), then QCP-n-qscd.
 * PolicyInformation ::= SEQUENCE { policyIdentifier, policyQualifiers SEQUENCE OF
 *   PolicyQualifierInfo OPTIONAL }; PolicyQualifierInfo ::= SEQUENCE { id-qt-cps, IA5String }
 *   | SEQUENCE { id-qt-unotice, UserNotice ::= SEQUENCE { explicitText UTF8String } } */
nl_err nl_pki_policies_der(const char *provider_oids, const char *cps_url, const char *notice,
                           nl_buf *out)
{
	nl_buf all = NL_BUF_INIT, pi = NL_BUF_INIT, q = NL_BUF_INIT, qs = NL_BUF_INIT, un = NL_BUF_INIT;
	char oid[128];
	bool first = true, bad = false;
	const char *p = provider_oids ? provider_oids : "";
	while (*p) {
		size_t n = strcspn(p, " ,");
		if (n >= sizeof oid) { bad = true; break; }
		if (n) {
			memcpy(oid, p, n);
			oid[n] = '\0';
			nl_der_oid(&pi, oid);
			if (first && cps_url && *cps_url) {
				nl_der_oid(&q, "1.3.6.1.5.5.7.2.1");
				nl_der_string(&q, T_IA5, cps_url);
				nl_der_wrap(&qs, T_SEQ, &q);
				nl_buf_reset(&q);
			}
			if (first && notice && *notice) {
				nl_der_oid(&q, "1.3.6.1.5.5.7.2.2");
				nl_der_string(&un, T_UTF8, notice);
				nl_der_wrap(&q, T_SEQ, &un);
				nl_der_wrap(&qs, T_SEQ, &q);
				nl_buf_reset(&q); nl_buf_reset(&un);
			}
			if (qs.len) {
				nl_der_wrap(&pi, T_SEQ, &qs);
				nl_buf_reset(&qs);
			}
			nl_der_wrap(&all, T_SEQ, &pi);
			nl_buf_reset(&pi);
			first = false;
		}
		p += n;
		p += strspn(p, " ,");
	}
	if (first) bad = true;   /* no provider policy at all */
	nl_der_oid(&pi, NL_OID_QCP_N_QSCD);
	nl_der_wrap(&all, T_SEQ, &pi);
	nl_der_wrap(out, T_SEQ, &all);
	bad = bad || all.oom || out->oom || pi.oom || q.oom || qs.oom || un.oom;
	nl_buf_free(&all); nl_buf_free(&pi); nl_buf_free(&q); nl_buf_free(&qs); nl_buf_free(&un);
	return bad ? NL_ERR_INVALID : NL_OK;
}
