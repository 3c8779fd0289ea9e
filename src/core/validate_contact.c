/* Contact-data rules: Turkish phone numbers, postal codes, e-mail addresses. */
#include "core/validate.h"

#include <string.h>

enum phone_kind { PHONE_MOBILE = 1, PHONE_LANDLINE = 2 };

/* Strips the separators people type and the country/trunk prefixes, leaving the
 * 10-digit national number in out. False when anything else is in the way. */
static bool phone_digits(const char *s, char out[11])
{
	char d[32];
	size_t n = 0;
	const char *p = s;

	if (*p == '+') {
		p++;
		if (p[0] != '9' || p[1] != '0')
			return false;   /* only Turkish numbers */
	}
	for (; *p; p++) {
		if (*p >= '0' && *p <= '9') {
			if (n >= sizeof d - 1)
				return false;
			d[n++] = *p;
		} else if (*p != ' ' && *p != '-' && *p != '.' && *p != '(' && *p != ')') {
			return false;
		}
	}
	d[n] = '\0';
	const char *nat = d;
	if (n == 14 && memcmp(d, "0090", 4) == 0)
		nat = d + 4;
	else if (n == 12 && memcmp(d, "90", 2) == 0)
		nat = d + 2;
	else if (n == 11 && d[0] == '0')
		nat = d + 1;
	else if (n != 10)
		return false;
	memcpy(out, nat, 11);
	return true;
}

static const char *phone_check(const char *s, char out[11], int kinds, const char *reason)
{
	char digits[11];
	bool ok = false;

	if (!s || !*s)
		return "required";
	if (!phone_digits(s, digits))
		return reason;
	if ((kinds & PHONE_MOBILE) && digits[0] == '5')
		ok = true;
	/* Geographic area codes start with 2, 3 or 4; 850 is the nationwide
	 * landline-rate number range many institutions use. */
	if ((kinds & PHONE_LANDLINE) &&
	    (digits[0] == '2' || digits[0] == '3' || digits[0] == '4' ||
	     memcmp(digits, "850", 3) == 0))
		ok = true;
	if (!ok)
		return reason;
	memcpy(out, digits, 11);
	return NULL;
}

const char *nl_valid_mobile(const char *s, char out[11])
{
	return phone_check(s, out, PHONE_MOBILE, "mobile_format");
}

const char *nl_valid_landline(const char *s, char out[11])
{
	return phone_check(s, out, PHONE_LANDLINE, "phone_format");
}

const char *nl_valid_phone(const char *s, char out[11])
{
	return phone_check(s, out, PHONE_MOBILE | PHONE_LANDLINE, "phone_format");
}

const char *nl_valid_postal_code(const char *s)
{
	int province;

	if (!s || !*s)
		return "required";
	if (strlen(s) != 5)
		return "postal_format";
	for (int i = 0; i < 5; i++)
		if (s[i] < '0' || s[i] > '9')
			return "postal_format";
	province = (s[0] - '0') * 10 + (s[1] - '0');
	if (province < 1 || province > 81)
		return "postal_province";
	return NULL;
}

static bool is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_alnum(char c)
{
	return is_alpha(c) || (c >= '0' && c <= '9');
}

static bool is_atext(char c)
{
	return is_alnum(c) || (c && strchr("!#$%&'*+/=?^_`{|}~-", c) != NULL);
}

static bool email_local_ok(const char *s, size_t n)
{
	if (n == 0 || n > 64 || s[0] == '.' || s[n - 1] == '.')
		return false;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '.') {
			if (s[i + 1] == '.')
				return false;
		} else if (!is_atext(s[i])) {
			return false;
		}
	}
	return true;
}

/* LDH labels (letters, digits, hyphen; not starting or ending with a hyphen;
 * 1–63 long), at least two of them, the last alphabetic and 2+ long. */
static bool email_domain_ok(const char *s, size_t n)
{
	size_t start = 0, labels = 0;

	if (n == 0 || n > 253)
		return false;
	for (size_t i = 0; i <= n; i++) {
		if (i < n && s[i] != '.') {
			if (!is_alnum(s[i]) && s[i] != '-')
				return false;
			continue;
		}
		size_t len = i - start;
		if (len == 0 || len > 63 || s[start] == '-' || s[i - 1] == '-')
			return false;
		labels++;
		if (i == n) {
			if (len < 2)
				return false;
			for (size_t k = start; k < i; k++)
				if (!is_alpha(s[k]))
					return false;
		}
		start = i + 1;
	}
	return labels >= 2;
}

const char *nl_valid_email(const char *s)
{
	const char *at;
	size_t n;

	if (!s || !*s)
		return "required";
	n = strlen(s);
	if (n > NL_EMAIL_MAX)
		return "email_length";
	at = strchr(s, '@');
	if (!at || strchr(at + 1, '@'))
		return "email_format";
	if (!email_local_ok(s, (size_t)(at - s)))
		return "email_format";
	if (!email_domain_ok(at + 1, n - (size_t)(at - s) - 1))
		return "email_format";
	return NULL;
}
