#include "signer/proto.h"

#include <errno.h>
#include <sys/uio.h>
#include <unistd.h>

static NL_MUST_USE nl_err read_all(int fd, void *p, size_t n)
{
	char *c = p;
	while (n) {
		ssize_t r = read(fd, c, n);
		if (r < 0 && errno == EINTR) continue;
		if (r <= 0) return NL_ERR_IO;
		c += r; n -= (size_t)r;
	}
	return NL_OK;
}

nl_err nl_frame_write(int fd, uint8_t kind, const void *p, size_t n)
{
	uint8_t h[5] = {(uint8_t)((n + 1) >> 24), (uint8_t)((n + 1) >> 16), (uint8_t)((n + 1) >> 8),
	                (uint8_t)(n + 1), kind};
	struct iovec iov[2] = {{h, 5}, {(void *)(uintptr_t)p, n}};
	int cnt = n ? 2 : 1;
	if (n + 1 > NL_SIGNER_MAX_FRAME) return NL_ERR_TOO_LARGE;
	while (cnt) {
		ssize_t w = writev(fd, iov, cnt);
		if (w < 0 && errno == EINTR) continue;
		if (w <= 0) return NL_ERR_IO;
		size_t left = (size_t)w;
		while (cnt && left >= iov[0].iov_len) {
			left -= iov[0].iov_len;
			iov[0] = iov[1];
			cnt--;
		}
		if (cnt) {
			iov[0].iov_base = (char *)iov[0].iov_base + left;
			iov[0].iov_len -= left;
		}
	}
	return NL_OK;
}

nl_err nl_frame_read_head(int fd, uint8_t *kind, size_t *len)
{
	uint8_t h[5];
	nl_err rc = read_all(fd, h, 5);
	if (rc) return rc;
	size_t n = (size_t)h[0] << 24 | (size_t)h[1] << 16 | (size_t)h[2] << 8 | h[3];
	if (n < 1 || n > NL_SIGNER_MAX_FRAME) return NL_ERR_TOO_LARGE;
	*kind = h[4];
	*len = n - 1;
	return NL_OK;
}

nl_err nl_frame_read(int fd, uint8_t *kind, nl_buf *payload)
{
	size_t n;
	nl_err rc = nl_frame_read_head(fd, kind, &n);
	return rc ? rc : nl_frame_read_body(fd, n, payload);
}

nl_err nl_frame_read_body(int fd, size_t n, nl_buf *payload)
{
	nl_err rc;
	nl_buf_reset(payload);
	if (!nl_buf_reserve(payload, n + 1)) return NL_ERR_NOMEM;
	if ((rc = read_all(fd, payload->data, n))) return rc;
	payload->len = n;
	payload->data[n] = '\0';
	return NL_OK;
}
