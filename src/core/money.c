/* Money formatting, parsing and VAT in integer kuruş. */
#include "core/money.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static bool in_range(int64_t v)
{
	return v >= -NL_MONEY_MAX && v <= NL_MONEY_MAX;
}

void nl_money_format_plain(int64_t kurus, char out[NL_MONEY_FMT_MAX])
{
	char digits[24];
	uint64_t abs_k;
	size_t n, o = 0;

	if (!in_range(kurus)) {
		strcpy(out, "?");
		return;
	}
	abs_k = kurus < 0 ? (uint64_t)(-kurus) : (uint64_t)kurus;
	snprintf(digits, sizeof digits, "%llu", (unsigned long long)(abs_k / 100));
	n = strlen(digits);
	if (kurus < 0)
		out[o++] = '-';
	for (size_t i = 0; i < n; i++) {
		if (i > 0 && (n - i) % 3 == 0)
			out[o++] = '.';
		out[o++] = digits[i];
	}
	snprintf(out + o, NL_MONEY_FMT_MAX - o, ",%02u", (unsigned)(abs_k % 100));
}

void nl_money_format(int64_t kurus, char out[NL_MONEY_FMT_MAX])
{
	nl_money_format_plain(kurus, out);
	if (strcmp(out, "?") != 0)
		strcat(out, " TL");
}

const char *nl_money_parse(const char *s, int64_t *kurus)
{
	int64_t lira = 0, frac = 0;
	size_t n, i = 0, int_digits = 0, group = 0;
	bool grouped = false;

	if (!s || !*s)
		return "required";
	n = strlen(s);
	if (n > 4 && strcmp(s + n - 3, " TL") == 0)
		n -= 3;
	for (; i < n && s[i] != ','; i++) {
		if (s[i] == '.') {
			/* A group separator: something before it, and (checked below) exactly
			 * three digits after each one. */
			if (int_digits == 0 || (grouped && group != 3) || (!grouped && group > 3))
				return "money_format";
			grouped = true;
			group = 0;
			continue;
		}
		if (s[i] < '0' || s[i] > '9')
			return "money_format";
		lira = lira * 10 + (s[i] - '0');
		int_digits++;
		group++;
		if (lira > NL_MONEY_MAX / 100)
			return "money_range";
	}
	if (int_digits == 0 || (grouped && group != 3))
		return "money_format";
	if (i < n) {
		size_t fd = n - i - 1;   /* digits after the comma */
		if (fd < 1 || fd > 2)
			return "money_format";
		for (size_t k = i + 1; k < n; k++) {
			if (s[k] < '0' || s[k] > '9')
				return "money_format";
			frac = frac * 10 + (s[k] - '0');
		}
		if (fd == 1)
			frac *= 10;
	}
	if (lira * 100 + frac > NL_MONEY_MAX)
		return "money_range";
	*kurus = lira * 100 + frac;   /* only on success: callers keep their value otherwise */
	return NULL;
}

/* round(num / den) with halves away from zero; den > 0. */
static int64_t div_round_half_up(int64_t num, int64_t den)
{
	if (num >= 0)
		return (num + den / 2) / den;
	return -((-num + den / 2) / den);
}

enum nl_err nl_vat_of_net(int64_t net, int rate_bp, int64_t *vat)
{
	if (!in_range(net) || rate_bp < 0 || rate_bp > 10000)
		return NL_ERR_INVALID;
	/* |net| ≤ 10^14 and rate ≤ 10^4, so the product stays below 2^63. */
	*vat = div_round_half_up(net * rate_bp, 10000);
	return NL_OK;
}

enum nl_err nl_vat_split_gross(int64_t gross, int rate_bp, int64_t *net, int64_t *vat)
{
	if (!in_range(gross) || rate_bp < 0 || rate_bp > 10000)
		return NL_ERR_INVALID;
	*net = div_round_half_up(gross * 10000, 10000 + rate_bp);
	*vat = gross - *net;
	return NL_OK;
}
