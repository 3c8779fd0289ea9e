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
	NL_SIGNER_CRL = 3,         /* payload: TBSCertList DER, complete or delta (pki/crl.h),
	                              judged by nl_pki_crl_lint first */
	NL_SIGNER_OCSP = 4,        /* payload: nl_ocsp_status_encode (pki/ocsp.h) */
	NL_SIGNER_OCSP_CERT = 5,   /* payload: unsigned OCSP responder certificate */
	NL_SIGNER_AUDIT_CHECKPOINT = 6, /* payload: seq (u64 BE), head hash (32 bytes), time
	                                   (u64 BE); the signer builds the checkpoint line
	                                   itself (core/audit.h) and answers its signature */
};

#define NL_SIGNER_CHECKPOINT_LEN 48
/* How far a checkpoint's time may be from the signer's clock. */
#define NL_SIGNER_CHECKPOINT_SKEW 600

/* Frame sizes. A request is at most 1 MiB (a certificate, an OCSP status),
 * except a CRL, which may list millions of entries; the signer's [signer]
 * max_request / max_crl_request settings lower or raise these. Nothing on the
 * wire is ever larger than NL_SIGNER_MAX_FRAME. */
#define NL_SIGNER_MAX_REQUEST (1u << 20)
#define NL_SIGNER_MAX_FRAME (256u * 1024 * 1024)

/* Blocking frame I/O on a socket; NL_ERR_IO on EOF or error, NL_ERR_TOO_LARGE
 * for a frame over NL_SIGNER_MAX_FRAME. */
NL_MUST_USE nl_err nl_frame_write(int fd, uint8_t kind, const void *p, size_t n);
NL_MUST_USE nl_err nl_frame_read(int fd, uint8_t *kind, nl_buf *payload);
/* The same in two steps, so that the signer can bound a request by its kind
 * before it reads (and allocates for) the payload: *len is the payload's. */
NL_MUST_USE nl_err nl_frame_read_head(int fd, uint8_t *kind, size_t *len);
NL_MUST_USE nl_err nl_frame_read_body(int fd, size_t len, nl_buf *payload);

#endif
