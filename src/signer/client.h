/* The client nitelikd and the CLI use to reach nitelik-signer.
 *
 * A client is one connection and is not thread-safe: give each thread its own
 * (the signer serves connections concurrently). nl_signer_connect ->
 * nl_signer_close. */
#ifndef NL_SIGNER_CLIENT_H
#define NL_SIGNER_CLIENT_H

#include "core/buf.h"
#include "core/err.h"
#include "signer/proto.h"

typedef struct nl_signer nl_signer;

NL_MUST_USE nl_err nl_signer_connect(const char *socket_path, nl_signer **out);
void nl_signer_close(nl_signer *s);

/* Sends one request; on NL_OK out holds the signed DER. When the signer refuses,
 * returns its status and out holds the reasons (one per line, NUL-terminated). */
NL_MUST_USE nl_err nl_signer_call(nl_signer *s, enum nl_signer_op op, const void *p, size_t n, nl_buf *out);

/* Can the signer sign? Connects, asks PING, waits at most timeout_ms. NL_OK
 * when it answers; NL_ERR_IO when it is not there or does not answer in time,
 * NL_ERR_FORBIDDEN when it refuses this process (not its allowed client). */
NL_MUST_USE nl_err nl_signer_ping(const char *socket_path, int timeout_ms);

#endif
