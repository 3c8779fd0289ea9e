/* Text rules: UTF-8 validity, control characters, lengths in characters, and
 * person names. */
#include "core/validate.h"

#include "core/utf8.h"

#include <string.h>

/* Controls that never belong in a form value: C0 (except tab/newline in
 * multi-line text, where CR is also let through for CRLF from browsers), DEL,
 * and C1. */
static bool is_forbidden_control(uint32_t cp, bool multiline)
{
	if (cp < 0x20)
		return !(multiline && (cp == '\t' || cp == '\n' || cp == '\r'));
	return cp == 0x7f || (cp >= 0x80 && cp <= 0x9f);
}

const char *nl_valid_text(const char *s, size_t min_chars, size_t max_chars, bool multiline)
{
	size_t len, i = 0, chars = 0;
	uint32_t cp;

	if (!s || !*s)
		return min_chars > 0 ? "required" : NULL;
	len = strlen(s);
	while (i < len) {
		size_t n = nl_utf8_decode(s + i, len - i, &cp);
		if (n == 0)
			return "utf8";
		if (is_forbidden_control(cp, multiline))
			return "control_char";
		i += n;
		chars++;
	}
	if (chars < min_chars)
		return "too_short";
	if (chars > max_chars)
		return "too_long";
	return NULL;
}

/* Latin letters: enough for every Turkish name and the Latin-script names of
 * foreign applicants. × and ÷ sit inside Latin-1's letter block and are not letters. */
static bool is_name_letter(uint32_t cp)
{
	if ((cp >= 'A' && cp <= 'Z') || (cp >= 'a' && cp <= 'z'))
		return true;
	if (cp >= 0xc0 && cp <= 0xff)
		return cp != 0xd7 && cp != 0xf7;
	return cp >= 0x100 && cp <= 0x24f;
}

const char *nl_valid_person_name(const char *s, size_t max_chars)
{
	const char *r = nl_valid_text(s, 1, max_chars, false);
	size_t len, i = 0;
	uint32_t cp, prev = 0;

	if (r)
		return r;
	len = strlen(s);
	while (i < len) {
		i += nl_utf8_decode(s + i, len - i, &cp);
		if (is_name_letter(cp)) {
			prev = cp;
			continue;
		}
		/* Separators: not first, not two spaces in a row, not a trailing space. */
		if (prev == 0)
			return "name_chars";
		if (cp == ' ') {
			if (prev == ' ' || i == len)
				return "name_chars";
		} else if (cp != '\'' && cp != 0x2019 && cp != '-' && cp != '.') {
			return "name_chars";
		}
		prev = cp;
	}
	return NULL;
}
