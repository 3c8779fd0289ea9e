/* Shared helpers of the outside-system drivers. */
#include "drivers/driver.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>
#include <pthread.h>

nl_err nl_drv_fail(struct nl_drv_error *e, nl_err code, const char *fmt, ...)
{
	if (e) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(e->msg, sizeof e->msg, fmt, ap);
		va_end(ap);
	}
	return code;
}

void nl_drv_error_clear(struct nl_drv_error *e)
{
	if (e) {
		e->msg[0] = '\0';
		e->permanent = false;
	}
}

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static CURLcode curl_init_rc = CURLE_FAILED_INIT;

static void curl_init_once(void)
{
	curl_init_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
}

/* curl_global_init is not thread-safe on every libcurl build, so it runs once
 * under pthread_once; the process never calls curl_global_cleanup (the
 * drivers live as long as the process). */
nl_err nl_drv_curl_init(void)
{
	pthread_once(&curl_once, curl_init_once);
	return curl_init_rc == CURLE_OK ? NL_OK : NL_ERR_INTERNAL;
}

bool nl_drv_parse_bool(const char *v, bool *out)
{
	static const char *const yes[] = {"true", "yes", "on", "1"};
	static const char *const no[] = {"false", "no", "off", "0"};
	for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++) {
		if (strcasecmp(v, yes[i]) == 0) {
			*out = true;
			return true;
		}
		if (strcasecmp(v, no[i]) == 0) {
			*out = false;
			return true;
		}
	}
	return false;
}

bool nl_drv_parse_long(const char *v, long min, long max, long *out)
{
	char *end = NULL;
	errno = 0;
	long n = strtol(v, &end, 10);
	if (errno || end == v || *end != '\0' || n < min || n > max)
		return false;
	*out = n;
	return true;
}

nl_err nl_drv_set_str(char *dst, size_t cap, const char *v)
{
	size_t n = strlen(v);
	if (n >= cap)
		return NL_ERR_CONFIG;
	memcpy(dst, v, n + 1);
	return NL_OK;
}

nl_err nl_drv_conn_set(const struct nl_drv_conn_fields *f, const char *key, const char *value)
{
	if (strcmp(key, "user") == 0)
		return nl_drv_set_str(f->user, f->user_cap, value);
	if (strcmp(key, "password") == 0)
		return nl_drv_set_str(f->password, f->password_cap, value);
	if (strcmp(key, "ca_file") == 0)
		return nl_drv_set_str(f->ca_file, f->ca_file_cap, value);
	if (strcmp(key, "tls_verify") == 0)
		return nl_drv_parse_bool(value, f->tls_verify) ? NL_OK : NL_ERR_CONFIG;
	if (strcmp(key, "timeout_ms") == 0)
		return nl_drv_parse_long(value, 100, 600000, f->timeout_ms) ? NL_OK : NL_ERR_CONFIG;
	if (strcmp(key, "connect_timeout_ms") == 0)
		return nl_drv_parse_long(value, 100, 600000, f->connect_timeout_ms) ? NL_OK
			: NL_ERR_CONFIG;
	return NL_ERR_NOT_FOUND;
}
