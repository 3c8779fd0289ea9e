/* Strict UTF-8. Written out by hand (no locale functions) so that behaviour does
 * not depend on the process's locale and every rejected form is explicit. */
#include <string.h>

#include "core/utf8.h"

size_t nl_utf8_decode(const char *s, size_t len, uint32_t *cp)
{
	const unsigned char *p = (const unsigned char *)s;
	uint32_t c, min;
	size_t n;

	if (len == 0)
		return 0;
	if (p[0] < 0x80) {
		*cp = p[0];
		return 1;
	}
	if (p[0] >= 0xc2 && p[0] <= 0xdf) {
		n = 2; c = p[0] & 0x1fu; min = 0x80;
	} else if (p[0] >= 0xe0 && p[0] <= 0xef) {
		n = 3; c = p[0] & 0x0fu; min = 0x800;
	} else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
		n = 4; c = p[0] & 0x07u; min = 0x10000;
	} else {
		return 0;   /* continuation byte, 0xc0/0xc1 (always overlong) or 0xf5+ */
	}
	if (len < n)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (p[i] & 0x3fu);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return n;
}

size_t nl_utf8_encode(uint32_t cp, char out[4])
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp >= 0xd800 && cp <= 0xdfff)
		return 0;
	if (cp < 0x10000) {
		out[0] = (char)(0xe0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	if (cp <= 0x10ffff) {
		out[0] = (char)(0xf0 | (cp >> 18));
		out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
		out[3] = (char)(0x80 | (cp & 0x3f));
		return 4;
	}
	return 0;
}

bool nl_utf8_valid(const char *s, size_t len)
{
	return nl_utf8_count(s, len) != (size_t)-1;
}

size_t nl_utf8_count(const char *s, size_t len)
{
	size_t i = 0, count = 0;
	uint32_t cp;

	while (i < len) {
		size_t n = nl_utf8_decode(s + i, len - i, &cp);
		if (n == 0)
			return (size_t)-1;
		i += n;
		count++;
	}
	return count;
}

size_t nl_utf8_prefix(const char *s, size_t max)
{
	size_t n = strnlen(s, max);
	/* s[n] exists: a NUL, or the byte after max non-NUL bytes; while it
	 * continues a character, the cut would split that character. */
	while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
		n--;
	return n;
}
