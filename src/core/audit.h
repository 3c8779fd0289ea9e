/* The audit trail's hash chain (no I/O here; storing is src/store/store_audit.c).
 *
 * Each record's hash is SHA-256 over a canonical, length-prefixed encoding of
 * its fields and the previous record's hash, so changing, inserting or deleting
 * any record breaks every hash after it. The first record chains to 32 zero bytes.
 *
 * A record about an order, payment, certificate or consent also holds the
 * digest of that row's state just after the change (nl_audit_state_hash), so a
 * row edited behind the trail's back no longer matches its latest record
 * (docs/audit.md). A checkpoint (seq, hash, time) signed by the CA signer and
 * kept outside the database pins the chain's length and head. */
#ifndef NL_CORE_AUDIT_H
#define NL_CORE_AUDIT_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/err.h"

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
	/* The digest of the entity row's state after the change, or NULL for a
	 * record that binds no row (another entity, or the row did not exist).
	 * A record with a state hashes under the "v2" tag, one without under
	 * "v1", so records written before state digests existed still verify. */
	const uint8_t *state;
};

void nl_audit_hash(const struct nl_audit_rec *r,
                   const uint8_t prev[NL_AUDIT_HASH_LEN],
                   uint8_t out[NL_AUDIT_HASH_LEN]);
/* Lower-case hex, 64 chars + NUL. */
void nl_audit_hex(const uint8_t h[NL_AUDIT_HASH_LEN], char out[2 * NL_AUDIT_HASH_LEN + 1]);

/* ---- the canonical state of a row ----
 *
 * A row's state is encoded column by column into a buffer (each value tagged
 * with its type so NULL, 0 and "" differ, strings length-prefixed so the
 * encoding is injective), then hashed with the entity's name under its own
 * domain tag. The same row gives the same digest on SQLite and PostgreSQL. */
void nl_audit_enc_null(nl_buf *b);
void nl_audit_enc_int(nl_buf *b, int64_t v);
void nl_audit_enc_bytes(nl_buf *b, const void *p, size_t n);
void nl_audit_state_hash(const char *entity, const nl_buf *enc, uint8_t out[NL_AUDIT_HASH_LEN]);

/* ---- checkpoints ----
 *
 * A checkpoint is one text line:
 *   "nitelik-audit-checkpoint-v1 <seq> <hash hex> <at> <signature base64>"
 * The signature is by the CA's issuing key (through the signer) over the line
 * up to the space before the signature, so the signed bytes start with the
 * tag and can never be read as a certificate or CRL (both DER, starting 0x30). */
#define NL_AUDIT_CP_TAG "nitelik-audit-checkpoint-v1"
struct nl_audit_checkpoint {
	int64_t seq;
	int64_t at;
	uint8_t hash[NL_AUDIT_HASH_LEN];
	uint8_t sig[512];
	size_t sig_len;
};
/* The bytes the signer signs: "<tag> <seq> <hex> <at>" (no newline). */
void nl_audit_cp_message(int64_t seq, const uint8_t hash[NL_AUDIT_HASH_LEN], int64_t at,
                         nl_buf *out);
/* The whole line with its signature and a trailing newline. */
void nl_audit_cp_line(const struct nl_audit_checkpoint *cp, nl_buf *out);
/* Parses one line (trailing newline allowed); NL_ERR_INVALID if malformed. */
NL_MUST_USE nl_err nl_audit_cp_parse(const char *line, size_t len, struct nl_audit_checkpoint *out);

/* What verify found wrong, the first thing it names. */
enum nl_audit_problem {
	NL_AUDIT_OK = 0,
	NL_AUDIT_RECORD_CHANGED,   /* its hashes do not match its fields or its predecessor */
	NL_AUDIT_RECORD_MISSING,   /* a gap in seq (deleted) or a record slipped in */
	NL_AUDIT_HEAD_MISMATCH,    /* audit_head differs from the last record */
	NL_AUDIT_CP_TRUNCATED,     /* the chain ends below a checkpoint's seq */
	NL_AUDIT_CP_HASH,          /* the record at a checkpoint's seq has another hash */
	NL_AUDIT_ROW_CHANGED,      /* a row's state differs from its latest record's digest */
	NL_AUDIT_ROW_UNRECORDED,   /* a row that no audit record speaks of */
	NL_AUDIT_ROW_DELETED,      /* a record speaks of a row that is gone */
};

struct nl_audit_finding {
	enum nl_audit_problem problem;
	int64_t seq;             /* the record named (for ROW_UNRECORDED 0: the row has none) */
	const char *entity;      /* the row's entity for ROW_* ("order", ...), else NULL */
	int64_t entity_id;
	int64_t checkpoint_seq;  /* the checkpoint broken for CP_* */
	int64_t problems;        /* problems found: the chain walk stops at its first, the
	                            row check counts every row */
	int64_t count;           /* audit records read */
	int64_t last_seq;        /* the chain's last record */
};

/* An English phrase for the report ("record changed", ...). */
const char *nl_audit_problem_text(enum nl_audit_problem p);

#endif
