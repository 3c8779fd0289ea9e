/* The audit hash chain. The encoding is canonical so that the same record always
 * hashes the same way on any machine and engine:
 *
 *   "nitelik-audit-v1" (16 bytes, a domain tag so these hashes cannot be
 *   confused with any other SHA-256 use), prev (32 bytes), then the fields in
 *   header order: seq, at, actor, entity, entity_id, action, from, to, reason.
 *   An integer is 8 bytes big-endian (two's complement); a string is its byte
 *   length as 8 bytes big-endian followed by its bytes (NULL is hashed as "").
 *
 * The length prefix makes the encoding injective: ("ab","c") and ("a","bc")
 * differ. Changing this encoding invalidates every stored chain: bump the tag. */
#include "core/audit.h"

#include <sodium.h>
#include <string.h>

static const char audit_tag[] = "nitelik-audit-v1";

static void put_u64(crypto_hash_sha256_state *st, uint64_t v)
{
	unsigned char b[8];
	for (int i = 7; i >= 0; i--) {
		b[i] = (unsigned char)(v & 0xff);
		v >>= 8;
	}
	crypto_hash_sha256_update(st, b, sizeof b);
}

static void put_str(crypto_hash_sha256_state *st, const char *s)
{
	size_t n = s ? strlen(s) : 0;
	put_u64(st, (uint64_t)n);
	if (n)
		crypto_hash_sha256_update(st, (const unsigned char *)s, n);
}

void nl_audit_hash(const struct nl_audit_rec *r,
                   const uint8_t prev[NL_AUDIT_HASH_LEN],
                   uint8_t out[NL_AUDIT_HASH_LEN])
{
	crypto_hash_sha256_state st;
	crypto_hash_sha256_init(&st);
	crypto_hash_sha256_update(&st, (const unsigned char *)audit_tag, sizeof audit_tag - 1);
	crypto_hash_sha256_update(&st, prev, NL_AUDIT_HASH_LEN);
	put_u64(&st, (uint64_t)r->seq);
	put_u64(&st, (uint64_t)r->at);
	put_str(&st, r->actor);
	put_str(&st, r->entity);
	put_u64(&st, (uint64_t)r->entity_id);
	put_str(&st, r->action);
	put_str(&st, r->from);
	put_str(&st, r->to);
	put_str(&st, r->reason);
	crypto_hash_sha256_final(&st, out);
}

void nl_audit_hex(const uint8_t h[NL_AUDIT_HASH_LEN], char out[2 * NL_AUDIT_HASH_LEN + 1])
{
	static const char digits[] = "0123456789abcdef";
	for (size_t i = 0; i < NL_AUDIT_HASH_LEN; i++) {
		out[2 * i] = digits[h[i] >> 4];
		out[2 * i + 1] = digits[h[i] & 0x0f];
	}
	out[2 * NL_AUDIT_HASH_LEN] = '\0';
}
