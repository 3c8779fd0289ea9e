/* Turkish case mapping and collation. Hand-written tables rather than the C
 * library's locale functions: tr_TR locales may be missing on a server, and
 * towupper() works on one process-wide locale, not per call. */
#include "core/text.h"

#include "core/utf8.h"

#include <stdlib.h>
#include <string.h>

uint32_t nl_tr_upper_cp(uint32_t cp)
{
	if (cp == 'i')
		return 0x130;                       /* i → İ */
	if (cp >= 'a' && cp <= 'z')
		return cp - 0x20;
	if (cp == 0x131)
		return 'I';                         /* ı → I */
	if (cp >= 0xe0 && cp <= 0xfe && cp != 0xf7)
		return cp - 0x20;
	if (cp == 0xff)
		return 0x178;
	/* Latin Extended-A alternates upper/lower, with the parity flipping in two runs. */
	if ((cp >= 0x100 && cp <= 0x12f) || (cp >= 0x132 && cp <= 0x137) ||
	    (cp >= 0x14a && cp <= 0x177))
		return cp & ~1u;
	if ((cp >= 0x139 && cp <= 0x148) || (cp >= 0x179 && cp <= 0x17e))
		return (cp & 1u) ? cp : cp - 1;
	return cp;
}

uint32_t nl_tr_lower_cp(uint32_t cp)
{
	if (cp == 'I')
		return 0x131;                       /* I → ı */
	if (cp >= 'A' && cp <= 'Z')
		return cp + 0x20;
	if (cp == 0x130)
		return 'i';                         /* İ → i */
	if (cp >= 0xc0 && cp <= 0xde && cp != 0xd7)
		return cp + 0x20;
	if (cp == 0x178)
		return 0xff;
	if ((cp >= 0x100 && cp <= 0x12f) || (cp >= 0x132 && cp <= 0x137) ||
	    (cp >= 0x14a && cp <= 0x177))
		return cp | 1u;
	if ((cp >= 0x139 && cp <= 0x148) || (cp >= 0x179 && cp <= 0x17e))
		return (cp & 1u) ? cp + 1 : cp;
	return cp;
}

static char *map_string(const char *s, uint32_t (*map)(uint32_t))
{
	size_t len = strlen(s), i = 0, o = 0;
	/* The only growth is a 1-byte letter becoming a 2-byte one (i → İ). */
	char *out = malloc(2 * len + 1);
	uint32_t cp;

	if (!out)
		return NULL;
	while (i < len) {
		size_t n = nl_utf8_decode(s + i, len - i, &cp);
		if (n == 0) {
			free(out);
			return NULL;
		}
		i += n;
		o += nl_utf8_encode(map(cp), out + o);
	}
	out[o] = '\0';
	return out;
}

char *nl_tr_upper(const char *s)
{
	return map_string(s, nl_tr_upper_cp);
}

char *nl_tr_lower(const char *s)
{
	return map_string(s, nl_tr_lower_cp);
}

/* Turkish alphabet (upper case) in order; Q, W, X have their Latin places. */
static const uint32_t tr_alphabet[] = {
	'A', 'B', 'C', 0xc7, 'D', 'E', 'F', 'G', 0x11e, 'H', 'I', 0x130, 'J', 'K', 'L',
	'M', 'N', 'O', 0xd6, 'P', 'Q', 'R', 'S', 0x15e, 'T', 'U', 0xdc, 'V', 'W', 'X',
	'Y', 'Z',
};

/* Latin-1 upper-case letters 0xC0–0xDE with their base letter for sorting, and
 * whether they are a variant (sorted right after the base letter). Î sorts with
 * İ because Turkish î is a dotted i with a circumflex. */
static const char latin1_base[] = "AAAAAAACEEEEiiiiDNOOOOO?OUUUUYT";

static uint32_t letter_rank(uint32_t up)
{
	for (uint32_t k = 0; k < sizeof tr_alphabet / sizeof tr_alphabet[0]; k++)
		if (tr_alphabet[k] == up)
			return k;
	return UINT32_MAX;
}

/* Collation weights of one code point. Primary: space < punctuation < digits <
 * letters < everything else, a letter by its place in the Turkish alphabet.
 * Secondary: 1 for an accented variant (â after a), else 0; it only decides
 * between texts whose primary weights are all equal. */
static uint32_t tr_weight(uint32_t cp, uint32_t *secondary)
{
	uint32_t up = nl_tr_upper_cp(cp), rank;

	*secondary = 0;
	if (cp == ' ' || cp == '\t')
		return 0x10;
	if (cp >= '0' && cp <= '9')
		return 0x100 + (cp - '0');
	rank = letter_rank(up);
	if (rank != UINT32_MAX)
		return 0x200 + rank;
	if (up >= 0xc0 && up <= 0xde && up != 0xd7) {
		char base = latin1_base[up - 0xc0];
		*secondary = 1;
		return 0x200 + letter_rank(base == 'i' ? 0x130 : (uint32_t)base);
	}
	if (cp < 0x80)
		return 0x20 + cp;                   /* ASCII punctuation */
	return 0x1000 + cp;
}

int nl_tr_casecmp(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i = 0, j = 0;
	bool va = nl_utf8_valid(a, la), vb = nl_utf8_valid(b, lb);
	uint32_t ca, cb, sa, sb;
	int secondary = 0;

	if (!va || !vb)
		return va ? -1 : vb ? 1 : strcmp(a, b);
	while (i < la && j < lb) {
		i += nl_utf8_decode(a + i, la - i, &ca);
		j += nl_utf8_decode(b + j, lb - j, &cb);
		uint32_t wa = tr_weight(ca, &sa), wb = tr_weight(cb, &sb);
		if (wa != wb)
			return wa < wb ? -1 : 1;
		if (secondary == 0 && sa != sb)
			secondary = sa < sb ? -1 : 1;   /* remembered, used only on a primary tie */
	}
	if ((i < la) != (j < lb))
		return (i < la) - (j < lb);
	return secondary;
}

/* Upper-cased copy with spaces trimmed and collapsed; caller frees. */
static char *name_fold(const char *s)
{
	char *up = nl_tr_upper(s);
	size_t o = 0;

	if (!up)
		return NULL;
	for (size_t i = 0; up[i]; i++) {
		if (up[i] == ' ' || up[i] == '\t') {
			if (o > 0 && up[o - 1] != ' ')
				up[o++] = ' ';
		} else {
			up[o++] = up[i];
		}
	}
	if (o > 0 && up[o - 1] == ' ')
		o--;
	up[o] = '\0';
	return up;
}

bool nl_tr_name_equal(const char *a, const char *b)
{
	char *fa = name_fold(a), *fb = name_fold(b);
	bool eq = fa && fb && strcmp(fa, fb) == 0;

	free(fa);
	free(fb);
	return eq;
}

char *nl_tr_collation_key(const char *s)
{
	size_t len = strlen(s), i = 0, o = 0, chars;
	char *key;
	uint32_t cp, sec;

	chars = nl_utf8_count(s, len);
	if (chars == (size_t)-1)
		return NULL;
	/* Primary weights, 3 bytes each (7 bits + 2: never NUL, never 1, order-
	 * preserving for weights below 2^21), then a 1 byte, then one secondary byte
	 * per character. The 1 sorts below every primary byte, so a prefix sorts first
	 * and secondaries only count when all primaries are equal. */
	key = malloc(4 * chars + 2);
	if (!key)
		return NULL;
	while (i < len) {
		i += nl_utf8_decode(s + i, len - i, &cp);
		uint32_t w = tr_weight(cp, &sec);
		key[o++] = (char)(2 + ((w >> 14) & 0x7f));
		key[o++] = (char)(2 + ((w >> 7) & 0x7f));
		key[o++] = (char)(2 + (w & 0x7f));
	}
	key[o++] = 1;
	for (i = 0; i < len;) {
		i += nl_utf8_decode(s + i, len - i, &cp);
		tr_weight(cp, &sec);
		key[o++] = (char)(2 + sec);
	}
	key[o] = '\0';
	return key;
}

int nl_tr_collate(const char *a, const char *b)
{
	char *ka = nl_tr_collation_key(a), *kb = nl_tr_collation_key(b);
	int r = (ka && kb) ? strcmp(ka, kb) : strcmp(a, b);

	free(ka);
	free(kb);
	return r < 0 ? -1 : r > 0;
}
