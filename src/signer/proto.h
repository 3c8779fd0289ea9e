/* The signer's wire protocol over its Unix socket (mode 0600).
 *
 * Both ways a frame is: u32 big-endian length of what follows, then one byte,
 * then the payload.
 *   request:  op (enum nl_signer_op), payload
 *   response: status (enum nl_err, 0 = signed), payload = signed DER, or for a
 *             refused certificate the linter's failures, one per line.
 *
 * Why the caller sends a to-be-signed object and not a description: the profile
 * is built in one place (src/pki/profile.c) used by nitelikd, the CLI and the
 * tests, and the signer does not trust it: it re-lints every certificate and
 * checks the issuer before it signs. The signer stays small (no database, no
 * order logic), and the same lint guards certificates of every origin. */
#ifndef NL_SIGNER_PROTO_H
#define NL_SIGNER_PROTO_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/err.h"

enum nl_signer_op {
	NL_SIGNER_PING = 1,
	NL_SIGNER_CERT = 2,        /* payload: unsigned Certificate DER (person profile) */
	NL_SIGNER_CRL = 3,         /* payload: TBSCertList DER (pki/crl.h) */
	NL_SIGNER_OCSP = 4,        /* payload: nl_ocsp_status_encode (pki/ocsp.h) */
	NL_SIGNER_OCSP_CERT = 5,   /* payload: unsigned OCSP responder certificate */
};

#define NL_SIGNER_MAX_FRAME (256u * 1024 * 1024)   /* a CRL of millions of entries */

/* Blocking frame I/O on a socket; NL_ERR_IO on EOF or error. */
nl_err nl_frame_write(int fd, uint8_t kind, const void *p, size_t n);
nl_err nl_frame_read(int fd, uint8_t *kind, nl_buf *payload);

#endif
