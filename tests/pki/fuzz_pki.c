/* The fuzz targets of the CA: the first byte picks the parser, the rest is its
 * input. Replayed on tests/pki/corpus in every build (suite pki, so under
 * ASan+UBSan too); with clang, build a libFuzzer binary as tests/fuzz/ explains.
 *   0: OCSP request (nl_pki_ocsp_parse)   1: certificate lint (nl_pki_lint)
 *   2: CSR (nl_pki_csr_spki)              3: signer OCSP status (nl_ocsp_status_decode)
 *   4: TBSCertList issuer check and the signer's CRL linter (nl_pki_crl_check,
 *      nl_pki_crl_lint), the stored-CRL entry reader (nl_pki_crl_each) */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pki/crl.h"
#include "pki/ocsp.h"

static nl_err count_entry(void *ctx, const uint8_t *serial, size_t len, int64_t at, int reason)
{
	(void)ctx; (void)serial; (void)len; (void)at; (void)reason;
	return NL_OK;
}

/* An issuing CA certificate made by `nitelik ca init` (the corpus requests name it). */
static const char issuer_pem[] =
	"-----BEGIN CERTIFICATE-----\n"
	"MIIC/zCCAoWgAwIBAgIQVgp3CR/S2zi7ir3XyVeJUDAKBggqhkjOPQQDAzBhMQsw\n"
	"CQYDVQQGEwJUUjEVMBMGA1UECgwMTml0ZWxpayBEZW1vMTswOQYDVQQDDDJOaXRl\n"
	"bGlrIERlbW8gS8O2ayBTZXJ0aWZpa2EgSGl6bWV0IFNhxJ9sYXnEsWPEsXPEsTAe\n"
	"Fw0yNjExMjEwODUzMjZaFw0zNjExMTgwOTUzMjZaMHExCzAJBgNVBAYTAlRSMRUw\n"
	"EwYDVQQKDAxOaXRlbGlrIERlbW8xSzBJBgNVBAMMQk5pdGVsaWsgRGVtbyBOaXRl\n"
	"bGlrbGkgRWxla3Ryb25payBTZXJ0aWZpa2EgSGl6bWV0IFNhxJ9sYXnEsWPEsXPE\n"
	"sTB2MBAGByqGSM49AgEGBSuBBAAiA2IABIEvv6IndMthwgtV1nr40Zt+dlrxDvuM\n"
	"F0X68jx0qUQ9/RdZ3AHYvDShSO+d0PC7j+yECjnUxS2+hqYia9czgU1ZvEpf/dRH\n"
	"aVGXoqezP/Yf8zpCWVT9MAKYzKAjUZ3jqqOB8TCB7jASBgNVHRMBAf8ECDAGAQH/\n"
	"AgEAMA4GA1UdDwEB/wQEAwIBBjAdBgNVHQ4EFgQUO1fGIU3O5xBh1dnKc8842Pis\n"
	"PzgwHwYDVR0jBBgwFoAU2Tt5lFBpclv3bv89wC4Fp39CTvEwEQYDVR0gBAowCDAG\n"
	"BgRVHSAAMDQGA1UdHwQtMCswKaAnoCWGI2h0dHA6Ly9sb2NhbGhvc3Q6ODA4MC9y\n"
	"ZXBvL3Jvb3QuY3JsMD8GCCsGAQUFBwEBBDMwMTAvBggrBgEFBQcwAoYjaHR0cDov\n"
	"L2xvY2FsaG9zdDo4MDgwL3JlcG8vcm9vdC5jcnQwCgYIKoZIzj0EAwMDaAAwZQIw\n"
	"QwRmM6BE8hUhueLuTzW1vi5i7gFi3pZQ272LtpaZCmgEQzs413fhTVL03z4jbgoM\n"
	"AjEA2NM6v+ojgPv5MwIdGmDsM1es6SAIHjHpSb9oTMOJErXbEFD+Btz40kFpN8kd\n"
	"8pva\n"
	"-----END CERTIFICATE-----\n"
	;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static nl_pki_cert *issuer;
	if (!issuer && nl_pki_cert_parse(issuer_pem, strlen(issuer_pem), &issuer))
		abort();
	if (size < 1)
		return 0;
	const uint8_t *p = data + 1;
	size_t n = size - 1;
	nl_buf out = NL_BUF_INIT;
	switch (data[0] % 5) {
	case 0: {
		struct nl_ocsp_req q;
		int st;
		if (nl_pki_ocsp_parse(p, n, issuer, &q, &st) == NL_OK) nl_ocsp_req_clear(&q);
		break;
	}
	case 1: {
		struct nl_lint l;
		nl_err_ignore(nl_pki_lint(p, n, issuer, NL_LINT_PERSON, &l));
		nl_err_ignore(nl_pki_lint(p, n, issuer, NL_LINT_OCSP_RESPONDER, &l));
		break;
	}
	case 2:
		nl_err_ignore(nl_pki_csr_spki(p, n, &out));
		break;
	case 3: {
		struct nl_ocsp_status s;
		if (nl_ocsp_status_decode(p, n, &s) == NL_OK) {
			nl_err_ignore(nl_ocsp_status_encode(&s, &out));
			nl_ocsp_status_clear(&s);
		}
		break;
	}
	case 4: {
		struct nl_lint l;
		bool delta;
		nl_err_ignore(nl_pki_crl_check(p, n, issuer));
		nl_err_ignore(nl_pki_crl_lint(p, n, issuer, &l, &delta));
		nl_err_ignore(nl_pki_crl_each(p, n, count_entry, &delta));
		break;
	}
	}
	nl_buf_free(&out);
	return 0;
}
