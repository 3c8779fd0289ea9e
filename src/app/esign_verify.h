/* Server-side verification of an e-İmza (SPEC §5.2; docs/esign.md), the use
 * case behind POST /api/v1/imza/{code}: the signing application sends a CMS
 * for a verification code, and
 *   1. the code is known, not expired, not used, not burnt (verify_code.h);
 *   2. the CMS is one CAdES-BES SignedData over exactly the text issued for the
 *      code, signed within the code's life (pki/esign.h nl_pki_cms_verify);
 *   3. its certificate chains to a root of the trust list at the signing time
 *      (the PEM files in <data_dir>/esign/trust plus our own CA's root and issuing CA),
 *      is qualified (QcCompliance) with nonRepudiation;
 *   4. it is neither revoked nor suspended: for our own CA's certificates our
 *      OCSP logic is asked directly (nl_ca_ocsp_answer, the signer signs the
 *      answer), with our newest CRL and then the certificate table as
 *      fall-backs; for other providers OCSP over HTTP at the AIA URL, then the
 *      CRL at the distribution point;
 *   5. its subject serialNumber carries the person's ID number;
 * and then, in ONE transaction, the signature, the certificate and the status
 * evidence are stored with the order (esign_signatures), the code is marked
 * used, and the purpose is carried out: approve the form version
 * (app/approve.h), record the e-Onay choice, or mark a login as signed (the
 * waiting browser page then logs the person in).
 *
 * Each refusal has its own stable code and Turkish message (the signing
 * application prints it; the waiting page shows it). A refused signature is
 * counted on the code; after NL_ESIGN_MAX_REFUSALS it is burnt. */
#ifndef NL_APP_ESIGN_VERIFY_H
#define NL_APP_ESIGN_VERIFY_H

#include <stddef.h>
#include <stdint.h>

#include "app/app.h"
#include "app/throttle.h"
#include "core/err.h"

enum nl_esign_refusal {
	NL_ESIGN_OK = 0,
	NL_ESIGN_CODE_UNKNOWN,
	NL_ESIGN_CODE_EXPIRED,
	NL_ESIGN_CODE_USED,
	NL_ESIGN_CODE_BURNT,
	NL_ESIGN_LOCKED,
	NL_ESIGN_CMS_BROKEN,
	NL_ESIGN_BAD_SIGNATURE,
	NL_ESIGN_TEXT_MISMATCH,
	NL_ESIGN_NOT_CADES,
	NL_ESIGN_SIGNING_TIME,
	NL_ESIGN_UNTRUSTED,
	NL_ESIGN_CERT_EXPIRED,
	NL_ESIGN_CERT_NOT_YET,
	NL_ESIGN_NOT_QUALIFIED,
	NL_ESIGN_NO_NONREPUDIATION,
	NL_ESIGN_REVOKED,
	NL_ESIGN_SUSPENDED,
	NL_ESIGN_STATUS_UNKNOWN,
	NL_ESIGN_OTHER_PERSON,
	NL_ESIGN_NO_ACCOUNT,
	NL_ESIGN_APPROVE_REFUSED,
	NL_ESIGN__COUNT
};
const char *nl_esign_refusal_code(enum nl_esign_refusal r);      /* "text_mismatch", ... */
const char *nl_esign_refusal_message(enum nl_esign_refusal r);   /* Turkish */
/* HTTP status the API answers with for a refusal. */
int nl_esign_refusal_status(enum nl_esign_refusal r);

struct nl_esign_outcome {
	enum nl_esign_refusal refusal;
	int64_t code_id;            /* 0 when the code was not found */
	int64_t signature_id;       /* on success */
	char purpose[16];
};

/* Verifies and carries out. Returns NL_OK with out->refusal telling the
 * verdict; errors only for infrastructure failures (database, memory). */
NL_MUST_USE nl_err nl_esign_submit(const struct nl_app *app, const struct nl_throttle_policy *pol,
                       const char *code, const void *cms, size_t cms_len, const char *addr,
                       int64_t now, struct nl_esign_outcome *out);

/* True when the certificate's subject serialNumber names id_number: the
 * ETSI forms "PNOTR-<n>", "TINTR-<n>", "IDCTR-<n>", "PAS<cc>-<n>", or the bare
 * number. Exposed for the unit tests. */
bool nl_esign_serial_matches(const char *serial_attr, const char *id_number);

#endif
