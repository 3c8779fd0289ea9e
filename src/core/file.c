/* Whole files in and out (file.h). */
#include "core/file.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

nl_err nl_read_file(const char *path, size_t max, nl_buf *out)
{
	FILE *f = fopen(path, "rb");
	char chunk[8192];
	size_t n;
	if (!f)
		return errno == ENOENT ? NL_ERR_NOT_FOUND : NL_ERR_IO;
	size_t start = out->len;
	nl_err rc = NL_OK;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
		nl_buf_append(out, chunk, n);
		if (out->len - start > max) {
			rc = NL_ERR_TOO_LARGE;
			goto out;
		}
	}
	/* A read error ends the loop like the end of the file does. */
	if (ferror(f))
		rc = NL_ERR_IO;
	else if (out->oom)
		rc = NL_ERR_NOMEM;
out:
	fclose(f);
	return rc;
}

#define LINE_FILE_MAX 4096

nl_err nl_read_line(const char *path, char *out, size_t size)
{
	nl_buf b = NL_BUF_INIT;
	if (size == 0)
		return NL_ERR_TOO_LARGE;
	out[0] = '\0';
	nl_err rc = nl_read_file(path, LINE_FILE_MAX, &b);
	if (rc == NL_OK && b.data) {
		size_t n = strcspn(b.data, "\r\n");
		if (n >= size) {
			rc = NL_ERR_TOO_LARGE;
		} else {
			memcpy(out, b.data, n);
			out[n] = '\0';
		}
	}
	if (b.data)
		sodium_memzero(b.data, b.cap);
	nl_buf_free(&b);
	return rc;
}

nl_err nl_write_file(const char *path, const void *p, size_t n, unsigned mode)
{
	char tmp[1100];
	snprintf(tmp, sizeof tmp, "%s.tmp%d", path, (int)getpid());
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, (mode_t)mode);
	if (fd < 0)
		return NL_ERR_IO;
	const char *c = p;
	while (n) {
		ssize_t w = write(fd, c, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			close(fd);
			unlink(tmp);
			return NL_ERR_IO;
		}
		c += w;
		n -= (size_t)w;
	}
	if (close(fd) || rename(tmp, path)) {
		unlink(tmp);
		return NL_ERR_IO;
	}
	return NL_OK;
}
