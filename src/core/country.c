/* Country code look-up over the generated table in country_data.c. A linear scan
 * over 249 entries is fast enough for form validation and keeps the code plain. */
#include "core/country.h"

#include <string.h>

static char ascii_upper(char c)
{
	return (c >= 'a' && c <= 'z') ? (char)(c - 'a' + 'A') : c;
}

bool nl_country_alpha2(const char *code, char out[3])
{
	char up[4];
	size_t n;

	if (!code)
		return false;
	n = strlen(code);
	if (n != 2 && n != 3)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (!((code[i] >= 'A' && code[i] <= 'Z') || (code[i] >= 'a' && code[i] <= 'z')))
			return false;
		up[i] = ascii_upper(code[i]);
	}
	for (unsigned i = 0; i < nl_country_count; i++) {
		const char *row = nl_country_pairs + 5 * i;
		if (memcmp(row + (n == 2 ? 0 : 2), up, n) == 0) {
			out[0] = row[0];
			out[1] = row[1];
			out[2] = '\0';
			return true;
		}
	}
	return false;
}
