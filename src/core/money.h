/* Money in integer kuruş (1 TL = 100 kuruş): never floating point. Amounts are
 * limited to ±NL_MONEY_MAX so that VAT products fit in int64 without overflow. */
#ifndef NL_CORE_MONEY_H
#define NL_CORE_MONEY_H

#include <stdint.h>

#include "core/err.h"

#define NL_MONEY_MAX INT64_C(100000000000000)   /* 10^14 kuruş = 1 trillion TL */
#define NL_MONEY_FMT_MAX 32                       /* "-1.000.000.000.000,00 TL" + NUL */

/* "1.234,56 TL" (Turkish grouping and decimal comma); "-5,00 TL" for negatives.
 * Amounts outside ±NL_MONEY_MAX are written as "?" (a caller's bug). */
void nl_money_format(int64_t kurus, char out[NL_MONEY_FMT_MAX]);
/* The number only, "1.234,56", for input fields and CSV. */
void nl_money_format_plain(int64_t kurus, char out[NL_MONEY_FMT_MAX]);

/* Parses what a person types: "1234,56", "1.234,56", "1234", "1234,5", "0,99",
 * optionally followed by " TL". Dot groups must be of three digits; no sign.
 * Returns NULL and sets *kurus, or a reason code "money_format" / "money_range". */
const char *nl_money_parse(const char *s, int64_t *kurus);

/* VAT with the rate in basis points (2000 = 20 %), rounded half up (half away
 * from zero for negatives), as Turkish invoices do. rate_bp must be 0..10000. */
enum nl_err nl_vat_of_net(int64_t net, int rate_bp, int64_t *vat);
/* Splits a VAT-inclusive price into net and VAT: net = round(gross / (1 + rate)),
 * vat = gross − net, so net + vat == gross always. */
enum nl_err nl_vat_split_gross(int64_t gross, int rate_bp, int64_t *net, int64_t *vat);

#endif
