/* The policy gate in front of the CA keys. The issuing key signs only
 * certificates of the qualified person profile that pass the linter, OCSP
 * responder certificates that pass theirs, and CRLs of this CA; the OCSP key
 * signs only OCSP responses. The root key is never loaded here. */
#include "signer/signer.h"
#include "pki/crl.h"
#include "pki/ocsp.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

static void failures(const struct nl_lint *l, nl_buf *out)
{
	nl_buf_reset(out);
	for (int i = 0; i < l->count; i++)
		nl_buf_printf(out, "%s\n", l->failure[i]);
}

nl_err nl_signer_handle(struct nl_ca *ca, uint8_t op, const void *req, size_t len, nl_buf *out)
{
	struct nl_lint lint;
	nl_err rc;
	nl_buf_reset(out);
	switch (op) {
	case NL_SIGNER_PING:
		nl_buf_puts(out, "pong");
		return NL_OK;
	case NL_SIGNER_CERT:
	case NL_SIGNER_OCSP_CERT: {
		char serial[64] = "?";
		rc = nl_pki_lint_and_sign(ca->issuing_key, req, len, ca->issuing,
		                          op == NL_SIGNER_CERT ? NL_LINT_PERSON : NL_LINT_OCSP_RESPONDER,
		                          &lint, out, serial);
		/* One line per certificate decision: what the issuing key signed or refused. */
		fprintf(stderr, "{\"time\":%lld,\"signer\":\"%s\",\"serial\":\"%s\",\"result\":\"%s\",\"failures\":%d}\n",
		        (long long)time(NULL), op == NL_SIGNER_CERT ? "certificate" : "ocsp-responder", serial,
		        rc ? nl_err_code(rc) : "signed", lint.count);
		if (rc == NL_ERR_INVALID) failures(&lint, out);
		return rc;
	}
	case NL_SIGNER_CRL:
		if ((rc = nl_pki_crl_check(req, len, ca->issuing))) {
			nl_buf_puts(out, "CRL: issuer is not this CA or the list is malformed\n");
			return rc;
		}
		rc = nl_pki_sign_crl(ca->issuing_key, req, len, out);
		fprintf(stderr, "{\"time\":%lld,\"signer\":\"crl\",\"bytes\":%zu,\"result\":\"%s\"}\n",
		        (long long)time(NULL), len, rc ? nl_err_code(rc) : "signed");
		return rc;
	case NL_SIGNER_OCSP: {
		struct nl_ocsp_status st;
		if ((rc = nl_ocsp_status_decode(req, len, &st))) {
			nl_buf_puts(out, "OCSP: malformed status description\n");
			return rc;
		}
		rc = nl_pki_ocsp_sign_status(ca->ocsp_key, ca->ocsp, ca->issuing, &st, out);
		nl_ocsp_status_clear(&st);
		return rc;
	}
	}
	nl_buf_puts(out, "unknown request\n");
	return NL_ERR_INVALID;
}
