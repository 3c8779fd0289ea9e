/* ISO 3166-1 country codes, for passport issuing countries: ETSI EN 319 412-1
 * semantics identifiers ("PASTR-U12345678") carry the alpha-2 code. */
#ifndef NL_CORE_COUNTRY_H
#define NL_CORE_COUNTRY_H

#include <stdbool.h>

/* Accepts an alpha-2 or alpha-3 code in any letter case and writes the upper-case
 * alpha-2 code to out. False (out untouched) for an unknown code. */
bool nl_country_alpha2(const char *code, char out[3]);

/* Table from country_data.c (generated): nl_country_count entries of 5 letters. */
extern const char nl_country_pairs[];
extern const unsigned nl_country_count;

#endif
