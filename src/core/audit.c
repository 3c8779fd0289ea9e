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
static const char audit_tag_v2[] = "nitelik-audit-v2";
static const char state_tag[] = "nitelik-state-v1";

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
	if (r->state)
		crypto_hash_sha256_update(&st, (const unsigned char *)audit_tag_v2,
		                          sizeof audit_tag_v2 - 1);
	else
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
	if (r->state)
		crypto_hash_sha256_update(&st, r->state, NL_AUDIT_HASH_LEN);
	crypto_hash_sha256_final(&st, out);
}

static void enc_u64(nl_buf *b, uint64_t v)
{
	unsigned char x[8];
	for (int i = 7; i >= 0; i--) {
		x[i] = (unsigned char)(v & 0xff);
		v >>= 8;
	}
	nl_buf_append(b, x, sizeof x);
}

void nl_audit_enc_null(nl_buf *b)
{
	nl_buf_putc(b, 'n');
}

void nl_audit_enc_int(nl_buf *b, int64_t v)
{
	nl_buf_putc(b, 'i');
	enc_u64(b, (uint64_t)v);
}

void nl_audit_enc_bytes(nl_buf *b, const void *p, size_t n)
{
	nl_buf_putc(b, 's');
	enc_u64(b, (uint64_t)n);
	if (n)
		nl_buf_append(b, p, n);
}

void nl_audit_state_hash(const char *entity, const nl_buf *enc, uint8_t out[NL_AUDIT_HASH_LEN])
{
	crypto_hash_sha256_state st;
	crypto_hash_sha256_init(&st);
	crypto_hash_sha256_update(&st, (const unsigned char *)state_tag, sizeof state_tag - 1);
	put_str(&st, entity);
	if (enc->len)
		crypto_hash_sha256_update(&st, (const unsigned char *)enc->data, enc->len);
	crypto_hash_sha256_final(&st, out);
}

void nl_audit_cp_message(int64_t seq, const uint8_t hash[NL_AUDIT_HASH_LEN], int64_t at,
                         nl_buf *out)
{
	char hex[2 * NL_AUDIT_HASH_LEN + 1];
	nl_audit_hex(hash, hex);
	nl_buf_printf(out, "%s %lld %s %lld", NL_AUDIT_CP_TAG, (long long)seq, hex, (long long)at);
}

void nl_audit_cp_line(const struct nl_audit_checkpoint *cp, nl_buf *out)
{
	char b64[sizeof cp->sig * 4 / 3 + 8];
	nl_audit_cp_message(cp->seq, cp->hash, cp->at, out);
	sodium_bin2base64(b64, sizeof b64, cp->sig, cp->sig_len, sodium_base64_VARIANT_ORIGINAL);
	nl_buf_printf(out, " %s\n", b64);
}

/* A decimal int64 of at most 18 digits, no sign: enough for seq and time. */
static bool parse_num(const char *p, size_t n, int64_t *out)
{
	int64_t v = 0;
	if (n == 0 || n > 18)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			return false;
		v = v * 10 + (p[i] - '0');
	}
	*out = v;
	return true;
}

nl_err nl_audit_cp_parse(const char *line, size_t len, struct nl_audit_checkpoint *out)
{
	const char *f[5];
	size_t fl[5], nf = 0, i = 0;
	memset(out, 0, sizeof *out);
	while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
		len--;
	while (i < len && nf < 5) {
		size_t j = i;
		while (j < len && line[j] != ' ')
			j++;
		f[nf] = line + i;
		fl[nf++] = j - i;
		i = j < len ? j + 1 : j;
	}
	if (nf != 5 || i < len || fl[0] != sizeof NL_AUDIT_CP_TAG - 1 ||
	    memcmp(f[0], NL_AUDIT_CP_TAG, fl[0]) != 0 || !parse_num(f[1], fl[1], &out->seq) ||
	    out->seq < 1 || fl[2] != 2 * NL_AUDIT_HASH_LEN || !parse_num(f[3], fl[3], &out->at))
		return NL_ERR_INVALID;
	for (size_t k = 0; k < NL_AUDIT_HASH_LEN; k++) {
		int v = 0;
		for (int h = 0; h < 2; h++) {
			char ch = f[2][2 * k + (size_t)h];
			int d = ch >= '0' && ch <= '9' ? ch - '0' : ch >= 'a' && ch <= 'f' ? ch - 'a' + 10 : -1;
			if (d < 0)
				return NL_ERR_INVALID;
			v = v * 16 + d;
		}
		out->hash[k] = (uint8_t)v;
	}
	if (sodium_base642bin(out->sig, sizeof out->sig, f[4], fl[4], NULL, &out->sig_len, NULL,
	                      sodium_base64_VARIANT_ORIGINAL) != 0 || out->sig_len == 0)
		return NL_ERR_INVALID;
	return NL_OK;
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

const char *nl_audit_problem_text(enum nl_audit_problem p)
{
	switch (p) {
	case NL_AUDIT_OK: return "intact";
	case NL_AUDIT_RECORD_CHANGED: return "record changed (its hash does not match its fields)";
	case NL_AUDIT_RECORD_MISSING: return "record missing or inserted (a gap in the sequence)";
	case NL_AUDIT_HEAD_MISMATCH: return "chain head does not match the last record";
	case NL_AUDIT_CP_TRUNCATED: return "records missing: the chain ends below a signed checkpoint";
	case NL_AUDIT_CP_HASH: return "record differs from the signed checkpoint";
	case NL_AUDIT_ROW_CHANGED: return "row changed without an audit record";
	case NL_AUDIT_ROW_UNRECORDED: return "row has no audit record";
	case NL_AUDIT_ROW_DELETED: return "row deleted";
	}
	return "?";
}
