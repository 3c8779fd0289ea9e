/* Time for display and date input. Time is stored as UTC int64 epoch seconds and
 * shown in Europe/Istanbul.
 *
 * Assumption: Turkey has kept UTC+3 all year, without daylight saving time, since
 * 8 September 2016, so Istanbul time is UTC + 3 h for every timestamp this system
 * creates or shows. Times before that date (old certificates' validity, say) may
 * be an hour off in summer; if Turkey ever changes its rule again, this file is
 * the one place to change. (Named datetime.h, not time.h, so that it can never
 * shadow the C library's <time.h>.) */
#ifndef NL_CORE_DATETIME_H
#define NL_CORE_DATETIME_H

#include <stdint.h>

#define NL_TR_UTC_OFFSET (3 * 3600)
#define NL_DATETIME_FMT_MAX 24     /* "21.11.2026 14:05" + NUL, with room for 5-digit years */

struct nl_date {
	int year;    /* 1900..9999 */
	int month;   /* 1..12 */
	int day;     /* 1..31 */
};

/* "21.11.2026 14:05" in Istanbul time; "?" outside the years 1..9999. */
void nl_time_format_tr(int64_t utc, char out[NL_DATETIME_FMT_MAX]);
/* "21.11.2026 14:05:09" (with seconds, as the signing application shows). */
void nl_time_format_tr_seconds(int64_t utc, char out[NL_DATETIME_FMT_MAX]);
/* "21.11.2026": the Istanbul calendar day of the instant. */
void nl_date_format_tr(int64_t utc, char out[NL_DATETIME_FMT_MAX]);
/* Istanbul calendar date of an instant (clamped to the years 1..9999). */
struct nl_date nl_date_of(int64_t utc);

/* "dd.mm.yyyy" (1- or 2-digit day and month accepted: "1.2.1990"). Returns NULL
 * or a reason code: "required", "date_format", "date_invalid" (e.g. 30.02.2024). */
const char *nl_date_parse_tr(const char *s, struct nl_date *out);
/* "yyyy-mm-dd", as an HTML date input sends it. Same reason codes. */
const char *nl_date_parse_iso(const char *s, struct nl_date *out);

/* 00:00 Istanbul time on that day, as UTC epoch seconds. */
int64_t nl_date_start_utc(struct nl_date d);
/* Days since 1970-01-01 of a civil date (proleptic Gregorian), and back;
 * back only for |days| < 7.8e11, where the year fits an int. */
int64_t nl_days_from_civil(int y, int m, int d);
struct nl_date nl_civil_from_days(int64_t days);
int nl_days_in_month(int year, int month);

#endif
