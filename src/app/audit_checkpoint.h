/* Audit checkpoints (docs/audit.md): the audit chain's head (sequence number,
 * hash, time) signed by the CA's issuing key through the signer and kept
 * outside the database, one line per checkpoint (core/audit.h):
 *
 *   DIR/repo/audit-checkpoints   every checkpoint, oldest first (appended)
 *   DIR/repo/audit-checkpoint    the latest one
 *
 * both served at /repo/. `nitelik audit verify` reads them back, checks each
 * signature against the issuing certificate, and finds a tail of the trail
 * cut below a checkpoint or a record that differs from it. */
#ifndef NL_APP_AUDIT_CHECKPOINT_H
#define NL_APP_AUDIT_CHECKPOINT_H

#include <stdbool.h>
#include <stddef.h>

#include "app/app.h"
#include "core/audit.h"
#include "pki/pki.h"
#include "signer/client.h"

#define NL_AUDIT_CP_LIST "repo/audit-checkpoints"
#define NL_AUDIT_CP_LATEST "repo/audit-checkpoint"

/* Signs the head now (time now) through sg and writes it under dir (the CA's
 * data folder). *made is false, and nothing is written, when the trail is
 * empty or the head is the latest checkpoint's already. out may be NULL. */
NL_MUST_USE nl_err nl_audit_checkpoint_make(const struct nl_app *app, nl_signer *sg, const char *dir, int64_t now,
                                struct nl_audit_checkpoint *out, bool *made);

/* The periodic job (workers.c): makes a checkpoint once [audit]
 * checkpoint_interval seconds have passed since the latest one. Does nothing
 * without a CA. */
NL_MUST_USE nl_err nl_audit_checkpoint_job(struct nl_app *app, int64_t now);

/* Reads a file of checkpoint lines; with issuer, checks each signature. On
 * NL_ERR_INVALID *bad_line is the first line (1-based) that is malformed or
 * whose signature does not verify. *out is malloc'd (free it); *n may be 0. */
NL_MUST_USE nl_err nl_audit_checkpoints_read(const char *path, const nl_pki_cert *issuer,
                                 struct nl_audit_checkpoint **out, size_t *n, size_t *bad_line);

#endif
