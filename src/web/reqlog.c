/* JSON-lines request log: one object per request with time, method, route
 * pattern (never the path with its ids, never the query string, never the body),
 * status, duration and response bytes. Each line is one write(2) on an O_APPEND
 * descriptor, so lines of concurrent requests never interleave. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "web/server_internal.h"

nl_err nl_reqlog_open(struct nl_reqlog *l, const char *path, bool enabled)
{
	l->fd = -1;
	l->own_fd = false;
	if (!enabled)
		return NL_OK;
	if (!path || !*path) {
		l->fd = STDERR_FILENO;
		return NL_OK;
	}
	l->fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
	if (l->fd < 0)
		return NL_ERR_IO;
	l->own_fd = true;
	return NL_OK;
}

void nl_reqlog_close(struct nl_reqlog *l)
{
	if (l->own_fd && l->fd >= 0)
		close(l->fd);
	l->fd = -1;
}

/* Copies s into out as a JSON string body; anything unusual becomes '?'. */
static void json_safe(char *out, size_t size, const char *s)
{
	size_t j = 0;
	for (; s && *s && j + 1 < size; s++) {
		unsigned char c = (unsigned char)*s;
		out[j++] = (c < 0x20 || c >= 0x7f || c == '"' || c == '\\') ? '?' : (char)c;
	}
	out[j] = '\0';
}

/* The "YYYY-MM-DDTHH:MM:SS" of the current second, formatted once per second per
 * thread: strftime on every request cost more than the rest of the line. */
static const char *second_text(time_t sec)
{
	static _Thread_local time_t cached = -1;
	static _Thread_local char text[32];
	if (sec != cached) {
		struct tm tm;
		gmtime_r(&sec, &tm);
		strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &tm);
		cached = sec;
	}
	return text;
}

void nl_reqlog_write(struct nl_reqlog *l, const char *method, const char *route, int status,
                     uint64_t dur_us, uint64_t bytes)
{
	if (l->fd < 0)
		return;
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	char m[16], rt[160], line[512];
	json_safe(m, sizeof m, method);
	json_safe(rt, sizeof rt, route);
	int n = snprintf(line, sizeof line,
	                 "{\"time\":\"%s.%03ldZ\",\"method\":\"%s\",\"route\":\"%s\",\"status\":%d,"
	                 "\"duration_ms\":%llu.%03u,\"bytes\":%llu}\n",
	                 second_text(ts.tv_sec), ts.tv_nsec / 1000000L, m, rt, status,
	                 (unsigned long long)(dur_us / 1000), (unsigned)(dur_us % 1000),
	                 (unsigned long long)bytes);
	if (n > 0 && (size_t)n < sizeof line) {
		ssize_t w = write(l->fd, line, (size_t)n);
		(void)w; /* a log that cannot be written must not fail the request */
	}
}
