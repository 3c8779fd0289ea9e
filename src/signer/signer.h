/* The signer's request handling, without sockets: nitelik-signer (src/cmd) reads
 * frames and calls this. The CA must be opened with its keys. */
#ifndef NL_SIGNER_SIGNER_H
#define NL_SIGNER_SIGNER_H

#include "pki/ca_store.h"
#include "signer/proto.h"

/* Handles one request. Returns the status to send; out holds the signed DER, or
 * the failures (one per line) when a certificate fails the lint or the policy. */
NL_MUST_USE nl_err nl_signer_handle(struct nl_ca *ca, uint8_t op, const void *req, size_t len, nl_buf *out);

#endif
