/* JSON-lines request log: one object per request with time, method, route
 * pattern (never the path with its ids, never the query string, never the body),
 * status, duration and response bytes.
 *
 * Lines are appended to an in-memory buffer under a mutex and written in one
 * write(2) by a flusher thread every FLUSH_MS, by the request that fills the
 * buffer, and at close: a write(2) per request cost more than a cached OCSP
 * answer itself. Whole lines are written on an O_APPEND descriptor, so lines
 * never interleave. A process has one request log, so its buffer is file-static. */
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "http/server_internal.h"

#define LOG_BUF_SIZE (64 * 1024)
#define FLUSH_MS 100

static struct {
	pthread_mutex_t lock;        /* guards buf/len */
	pthread_mutex_t write_lock;  /* keeps flushed chunks in order */
	char buf[LOG_BUF_SIZE];
	size_t len;
	int fd;
	pthread_t flusher;
	bool running;
	atomic_bool stop;
} logbuf = {.lock = PTHREAD_MUTEX_INITIALIZER, .write_lock = PTHREAD_MUTEX_INITIALIZER,
            .fd = -1};

/* Takes what is buffered and writes it. The write lock is taken before the
 * buffer is emptied, so chunks reach the file in the order they were filled. */
static void flush_buffer(void)
{
	static char out[LOG_BUF_SIZE];   /* used only under write_lock */
	pthread_mutex_lock(&logbuf.write_lock);
	pthread_mutex_lock(&logbuf.lock);
	size_t n = logbuf.len;
	memcpy(out, logbuf.buf, n);
	logbuf.len = 0;
	pthread_mutex_unlock(&logbuf.lock);
	for (size_t off = 0; off < n;) {
		ssize_t w = write(logbuf.fd, out + off, n - off);
		if (w <= 0)
			break; /* a log that cannot be written must not stop the server */
		off += (size_t)w;
	}
	pthread_mutex_unlock(&logbuf.write_lock);
}

static void *flusher_main(void *arg)
{
	(void)arg;
	while (!atomic_load(&logbuf.stop)) {
		struct timespec ts = {.tv_sec = 0, .tv_nsec = FLUSH_MS * 1000L * 1000L};
		nanosleep(&ts, NULL);
		flush_buffer();
	}
	return NULL;
}

nl_err nl_reqlog_open(struct nl_reqlog *l, const char *path, bool enabled)
{
	l->fd = -1;
	l->own_fd = false;
	if (!enabled)
		return NL_OK;
	if (!path || !*path) {
		l->fd = STDERR_FILENO;
	} else {
		l->fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
		if (l->fd < 0)
			return NL_ERR_IO;
		l->own_fd = true;
	}
	logbuf.fd = l->fd;
	logbuf.len = 0;
	atomic_store(&logbuf.stop, false);
	if (pthread_create(&logbuf.flusher, NULL, flusher_main, NULL) != 0) {
		nl_reqlog_close(l);
		return NL_ERR_INTERNAL;
	}
	logbuf.running = true;
	return NL_OK;
}

void nl_reqlog_close(struct nl_reqlog *l)
{
	if (logbuf.running) {
		atomic_store(&logbuf.stop, true);
		pthread_join(logbuf.flusher, NULL);
		logbuf.running = false;
	}
	if (logbuf.fd >= 0)
		flush_buffer();  /* the last lines, written before the descriptor closes */
	logbuf.fd = -1;
	if (l->own_fd && l->fd >= 0)
		close(l->fd);
	l->fd = -1;
}

nl_err nl_reqlog_reopen(struct nl_reqlog *l, const char *path)
{
	if (!l->own_fd || l->fd < 0 || !path || !*path)
		return NL_OK;   /* standard error (the journal) or off: nothing to reopen */
	int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
	if (fd < 0)
		return NL_ERR_IO;
	/* Buffered lines go to the old file; dup2 then swaps the file under the
	 * same descriptor number at once, so no writer sees a closed one. */
	flush_buffer();
	pthread_mutex_lock(&logbuf.write_lock);
	int rc = dup3(fd, l->fd, O_CLOEXEC);
	pthread_mutex_unlock(&logbuf.write_lock);
	close(fd);
	return rc < 0 ? NL_ERR_IO : NL_OK;
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
	if (n <= 0 || (size_t)n >= sizeof line)
		return;
	bool full;
	pthread_mutex_lock(&logbuf.lock);
	if (logbuf.len + (size_t)n > sizeof logbuf.buf) {
		pthread_mutex_unlock(&logbuf.lock);
		flush_buffer();   /* rare: more than a buffer's worth within FLUSH_MS */
		pthread_mutex_lock(&logbuf.lock);
	}
	if (logbuf.len + (size_t)n <= sizeof logbuf.buf) {
		memcpy(logbuf.buf + logbuf.len, line, (size_t)n);
		logbuf.len += (size_t)n;
	}
	full = logbuf.len > sizeof logbuf.buf / 2;
	pthread_mutex_unlock(&logbuf.lock);
	if (full)
		flush_buffer();
}
