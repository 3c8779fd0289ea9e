/* Identity-number rules: T.C. Kimlik No and passport numbers. */
#include "core/validate.h"

#include "core/country.h"

#include <stdio.h>
#include <string.h>

bool nl_all_digits(const char *s)
{
	if (!s || !*s)
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

/* The two check digits of the T.C. Kimlik No (the public algorithm):
 *   d10 = ((d1+d3+d5+d7+d9)*7 - (d2+d4+d6+d8)) mod 10
 *   d11 = (d1+...+d10) mod 10
 * The first difference can be negative and C's % keeps the sign, so the
 * remainder is brought back into 0..9 before it is compared. */
const char *nl_valid_tckn(const char *s)
{
	int d[11];
	int odd, even, c10, c11;
	size_t n;

	if (!s || !*s)
		return "required";
	n = strlen(s);
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return "tckn_digits";
	if (n != 11)
		return "tckn_length";
	for (int i = 0; i < 11; i++)
		d[i] = s[i] - '0';
	if (d[0] == 0)
		return "tckn_leading_zero";
	odd = d[0] + d[2] + d[4] + d[6] + d[8];
	even = d[1] + d[3] + d[5] + d[7];
	c10 = (odd * 7 - even) % 10;
	if (c10 < 0)
		c10 += 10;
	c11 = 0;
	for (int i = 0; i < 10; i++)
		c11 += d[i];
	c11 %= 10;
	if (d[9] != c10 || d[10] != c11)
		return "tckn_checksum";
	return NULL;
}

const char *nl_valid_passport(const char *s, char out[NL_PASSPORT_MAX + 1])
{
	char tmp[NL_PASSPORT_MAX + 1];
	size_t n;

	if (!s || !*s)
		return "required";
	n = strlen(s);
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')))
			return "passport_chars";
	}
	if (n < 5 || n > NL_PASSPORT_MAX)
		return "passport_length";
	for (size_t i = 0; i < n; i++)
		tmp[i] = (s[i] >= 'a' && s[i] <= 'z') ? (char)(s[i] - 'a' + 'A') : s[i];
	tmp[n] = '\0';
	memcpy(out, tmp, n + 1);
	return NULL;
}

const char *nl_valid_country(const char *s, char out[3])
{
	if (!s || !*s)
		return "required";
	return nl_country_alpha2(s, out) ? NULL : "country_unknown";
}

void nl_semantics_id_tckn(const char *tckn, char out[NL_SEMANTICS_ID_MAX + 1])
{
	snprintf(out, NL_SEMANTICS_ID_MAX + 1, "PNOTR-%.11s", tckn);
}

void nl_semantics_id_passport(const char *alpha2, const char *passport,
                              char out[NL_SEMANTICS_ID_MAX + 1])
{
	snprintf(out, NL_SEMANTICS_ID_MAX + 1, "PAS%.2s-%.20s", alpha2, passport);
}
