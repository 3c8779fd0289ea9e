/* The [site] keys: the payment channels table and the contact block's shapes.
 * Checked at start (nl_config_validate) so that a typo stops nitelikd with the
 * row it is in, never a page with half a table. */
#include "core/site.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static void fail(char *err, size_t err_size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void fail(char *err, size_t err_size, const char *fmt, ...)
{
	if (!err || !err_size)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, err_size, fmt, ap);
	va_end(ap);
}

static const struct {
	const char *word;
	unsigned bit;
} channel_words[] = {
	{"sube", NL_PAY_CH_BRANCH}, {"internet", NL_PAY_CH_INTERNET}, {"mobil", NL_PAY_CH_MOBILE},
	{"atm", NL_PAY_CH_ATM}, {"cagri", NL_PAY_CH_CALL},
};

static bool is_space(char c)
{
	return c == ' ' || c == '\t';
}

/* s[0..n) without the blanks around it. */
static void strip(const char **s, size_t *n)
{
	while (*n && is_space(**s)) {
		(*s)++;
		(*n)--;
	}
	while (*n && is_space((*s)[*n - 1]))
		(*n)--;
}

/* One "BANK: channels" row (row is 1-based, for the message). */
static NL_MUST_USE nl_err parse_row(const char *p, size_t len, size_t row, struct nl_pay_bank *b,
                                     char *err, size_t err_size)
{
	const char *colon = memchr(p, ':', len);
	if (!colon) {
		fail(err, err_size, "site.payment_channels: row %zu ('%.*s') has no ':' between the bank "
		     "and its channels", row, (int)(len > 60 ? 60 : len), p);
		return NL_ERR_CONFIG;
	}
	const char *name = p;
	size_t nn = (size_t)(colon - p);
	strip(&name, &nn);
	if (!nn) {
		fail(err, err_size, "site.payment_channels: row %zu has no bank name", row);
		return NL_ERR_CONFIG;
	}
	if (nn >= sizeof b->name) {
		fail(err, err_size, "site.payment_channels: row %zu: the bank name is longer than %zu "
		     "bytes", row, sizeof b->name - 1);
		return NL_ERR_CONFIG;
	}
	memcpy(b->name, name, nn);
	b->name[nn] = '\0';
	b->channels = 0;
	const char *q = colon + 1, *end = p + len;
	while (q < end) {
		while (q < end && (is_space(*q) || *q == ','))
			q++;
		const char *w = q;
		while (q < end && !is_space(*q) && *q != ',')
			q++;
		size_t wn = (size_t)(q - w);
		if (!wn)
			break;
		unsigned bit = 0;
		for (size_t i = 0; i < sizeof channel_words / sizeof channel_words[0]; i++)
			if (strlen(channel_words[i].word) == wn && !strncmp(channel_words[i].word, w, wn))
				bit = channel_words[i].bit;
		if (!bit) {
			fail(err, err_size, "site.payment_channels: row %zu (%s): unknown channel '%.*s' "
			     "(sube, internet, mobil, atm, cagri)", row, b->name, (int)(wn > 30 ? 30 : wn), w);
			return NL_ERR_CONFIG;
		}
		if (b->channels & bit) {
			fail(err, err_size, "site.payment_channels: row %zu (%s): channel '%.*s' twice", row,
			     b->name, (int)wn, w);
			return NL_ERR_CONFIG;
		}
		b->channels |= bit;
	}
	if (!b->channels) {
		fail(err, err_size, "site.payment_channels: row %zu (%s) names no channel", row, b->name);
		return NL_ERR_CONFIG;
	}
	return NL_OK;
}

nl_err nl_site_payment_channels(const char *spec, struct nl_pay_bank *out, size_t *n, char *err,
                                size_t err_size)
{
	*n = 0;
	const char *p = spec ? spec : "";
	size_t row = 0;
	while (*p) {
		size_t len = strcspn(p, "|");
		const char *r = p;
		size_t rn = len;
		strip(&r, &rn);
		row++;
		if (!rn) {
			fail(err, err_size, "site.payment_channels: row %zu is empty", row);
			return NL_ERR_CONFIG;
		}
		if (*n == NL_PAY_BANKS_MAX) {
			fail(err, err_size, "site.payment_channels: at most %d banks", NL_PAY_BANKS_MAX);
			return NL_ERR_CONFIG;
		}
		nl_err e = parse_row(r, rn, row, &out[*n], err, err_size);
		if (e)
			return e;
		for (size_t i = 0; i < *n; i++)
			if (!strcmp(out[i].name, out[*n].name)) {
				fail(err, err_size, "site.payment_channels: bank '%s' listed twice", out[i].name);
				return NL_ERR_CONFIG;
			}
		(*n)++;
		p += len;
		if (*p == '|') {
			p++;
			if (!*p) {
				fail(err, err_size, "site.payment_channels: row %zu is empty", row + 1);
				return NL_ERR_CONFIG;
			}
		}
	}
	return NL_OK;
}

nl_err nl_site_validate_contact(const char *phone, const char *email, char *err, size_t err_size)
{
	if (phone[0] && strspn(phone, "0123456789 +()-") != strlen(phone)) {
		fail(err, err_size, "site.contact_phone: only digits, spaces and + ( ) -");
		return NL_ERR_CONFIG;
	}
	const char *at = strchr(email, '@');
	if (email[0] && (!at || at == email || !at[1] || strchr(at + 1, '@') ||
	                 strpbrk(email, " \t\"<>"))) {
		fail(err, err_size, "site.contact_email: not an e-mail address");
		return NL_ERR_CONFIG;
	}
	return NL_OK;
}
