/* The audit trail's hash chain (no I/O here; storing is src/store/store_audit.c).
 *
 * Each record's hash is SHA-256 over a canonical, length-prefixed encoding of
 * its fields and the previous record's hash, so changing, inserting or deleting
 * any record breaks every hash after it. The first record chains to 32 zero bytes. */
#ifndef NL_CORE_AUDIT_H
#define NL_CORE_AUDIT_H

#include <stddef.h>
#include <stdint.h>

#define NL_AUDIT_HASH_LEN 32

struct nl_audit_rec {
	int64_t seq;          /* 1, 2, 3, ... without gaps */
	int64_t at;           /* UTC epoch seconds */
	const char *actor;    /* "user:12", "person:7", "worker:timeout", "cli:root" */
	const char *entity;   /* "order", "payment", "certificate", "consent", ... */
	int64_t entity_id;
	const char *action;   /* "status", "create", "revoke", ... */
	const char *from;     /* previous state or "" */
	const char *to;       /* new state or "" */
	const char *reason;   /* free text or "" */
};

void nl_audit_hash(const struct nl_audit_rec *r,
                   const uint8_t prev[NL_AUDIT_HASH_LEN],
                   uint8_t out[NL_AUDIT_HASH_LEN]);
/* Lower-case hex, 64 chars + NUL. */
void nl_audit_hex(const uint8_t h[NL_AUDIT_HASH_LEN], char out[2 * NL_AUDIT_HASH_LEN + 1]);

#endif
