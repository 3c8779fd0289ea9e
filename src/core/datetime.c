/* Date arithmetic without the C library's time zone state (gmtime/localtime
 * depend on TZ and are not what a server process should rely on). The civil
 * date conversions are the well-known era-based algorithms for the proleptic
 * Gregorian calendar. */
#include "core/datetime.h"

#include <stdbool.h>
#include <string.h>

static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;
	return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

int64_t nl_days_from_civil(int y, int m, int d)
{
	int64_t yy = (int64_t)y - (m <= 2);
	int64_t era = floor_div(yy, 400);
	int64_t yoe = yy - era * 400;                                   /* 0..399 */
	int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;  /* 0..365 */
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;            /* 0..146096 */
	return era * 146097 + doe - 719468;
}

struct nl_date nl_civil_from_days(int64_t days)
{
	int64_t z = days + 719468;
	int64_t era = floor_div(z, 146097);
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	struct nl_date r;

	/* doy 0..365 and mp 0..11 make day 1..31 and month 1..12; the year fits
	 * an int for the days datetime.h allows (nl_date_of clamps to 1..9999). */
	r.day = (int)(doy - (153 * mp + 2) / 5 + 1);
	r.month = (int)(mp < 10 ? mp + 3 : mp - 9);
	r.year = (int)(yoe + era * 400 + (r.month <= 2));
	return r;
}

int nl_days_in_month(int year, int month)
{
	static const int days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;

	if (month < 1 || month > 12)
		return 0;
	return month == 2 && leap ? 29 : days[month - 1];
}

/* Years 1..9999 only: beyond them the arithmetic below could overflow, and no
 * real timestamp of this system is there. Such a value is shown as "?". */
#define NL_UTC_MIN INT64_C(-62135596800)   /* 0001-01-01T00:00:00Z */
#define NL_UTC_MAX INT64_C(253402289999)   /* 9999-12-31T20:59:59Z = 23:59:59 in Istanbul */

struct nl_date nl_date_of(int64_t utc)
{
	if (utc < NL_UTC_MIN)
		utc = NL_UTC_MIN;
	if (utc > NL_UTC_MAX)
		utc = NL_UTC_MAX;
	return nl_civil_from_days(floor_div(utc + NL_TR_UTC_OFFSET, 86400));
}

/* Writes v (0 <= v < 10^width) as exactly `width` digits. Digits are written by
 * hand rather than with snprintf so that the output width is evident (and gcc's
 * truncation analysis agrees). */
static char *put_digits(char *p, int v, int width)
{
	for (int i = width - 1; i >= 0; i--) {
		p[i] = (char)('0' + v % 10);
		v /= 10;
	}
	return p + width;
}

/* parts: 1 = date, 2 = date and hh:mm, 3 = date and hh:mm:ss. At most 19 bytes + NUL. */
static void format_local(int64_t utc, char out[NL_DATETIME_FMT_MAX], int parts)
{
	char *p = out;

	if (utc < NL_UTC_MIN || utc > NL_UTC_MAX) {
		out[0] = '?';
		out[1] = '\0';
		return;
	}
	int64_t local = utc + NL_TR_UTC_OFFSET;
	int sec_of_day = (int)(local - floor_div(local, 86400) * 86400);
	struct nl_date d = nl_date_of(utc);

	p = put_digits(p, d.day, 2);
	*p++ = '.';
	p = put_digits(p, d.month, 2);
	*p++ = '.';
	p = put_digits(p, d.year, 4);
	if (parts >= 2) {
		*p++ = ' ';
		p = put_digits(p, sec_of_day / 3600, 2);
		*p++ = ':';
		p = put_digits(p, sec_of_day / 60 % 60, 2);
	}
	if (parts >= 3) {
		*p++ = ':';
		p = put_digits(p, sec_of_day % 60, 2);
	}
	*p = '\0';
}

void nl_date_format_tr(int64_t utc, char out[NL_DATETIME_FMT_MAX])
{
	format_local(utc, out, 1);
}

void nl_time_format_tr(int64_t utc, char out[NL_DATETIME_FMT_MAX])
{
	format_local(utc, out, 2);
}

void nl_time_format_tr_seconds(int64_t utc, char out[NL_DATETIME_FMT_MAX])
{
	format_local(utc, out, 3);
}

/* Reads 1..max digits; returns how many were read (0 if none). */
static size_t read_num(const char *s, size_t max, int *v)
{
	size_t n = 0;
	*v = 0;
	while (n < max && s[n] >= '0' && s[n] <= '9')
		*v = *v * 10 + (s[n++] - '0');
	return n;
}

static const char *check_date(int y, int m, int d, struct nl_date *out)
{
	if (y < 1900 || y > 9999 || m < 1 || m > 12 || d < 1 || d > nl_days_in_month(y, m))
		return "date_invalid";
	out->year = y;
	out->month = m;
	out->day = d;
	return NULL;
}

const char *nl_date_parse_tr(const char *s, struct nl_date *out)
{
	int d, m, y;
	size_t n;

	if (!s || !*s)
		return "required";
	n = read_num(s, 2, &d);
	if (n == 0 || s[n] != '.')
		return "date_format";
	s += n + 1;
	n = read_num(s, 2, &m);
	if (n == 0 || s[n] != '.')
		return "date_format";
	s += n + 1;
	n = read_num(s, 4, &y);
	if (n != 4 || s[n] != '\0')
		return "date_format";
	return check_date(y, m, d, out);
}

const char *nl_date_parse_iso(const char *s, struct nl_date *out)
{
	int d, m, y;

	if (!s || !*s)
		return "required";
	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-' ||
	    read_num(s, 4, &y) != 4 || read_num(s + 5, 2, &m) != 2 ||
	    read_num(s + 8, 2, &d) != 2)
		return "date_format";
	return check_date(y, m, d, out);
}

int64_t nl_date_start_utc(struct nl_date d)
{
	return nl_days_from_civil(d.year, d.month, d.day) * 86400 - NL_TR_UTC_OFFSET;
}
