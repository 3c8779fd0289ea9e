#include "signer/client.h"

#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

struct nl_signer {
	int fd;
};

nl_err nl_signer_connect(const char *path, nl_signer **out)
{
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	if (strlen(path) >= sizeof a.sun_path) return NL_ERR_CONFIG;
	strcpy(a.sun_path, path);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) return NL_ERR_IO;
	if (connect(fd, (struct sockaddr *)&a, sizeof a)) {
		close(fd);
		return NL_ERR_IO;
	}
	*out = malloc(sizeof **out);
	if (!*out) { close(fd); return NL_ERR_NOMEM; }
	(*out)->fd = fd;
	return NL_OK;
}

void nl_signer_close(nl_signer *s)
{
	if (!s) return;
	close(s->fd);
	free(s);
}

nl_err nl_signer_call(nl_signer *s, enum nl_signer_op op, const void *p, size_t n, nl_buf *out)
{
	uint8_t status;
	nl_err rc = nl_frame_write(s->fd, (uint8_t)op, p, n);
	if (!rc) rc = nl_frame_read(s->fd, &status, out);
	if (rc) return rc;
	return status < NL_ERR__COUNT ? (nl_err)status : NL_ERR_INTERNAL;
}

nl_err nl_signer_ping(const char *path, int timeout_ms)
{
	nl_signer *s = NULL;
	nl_buf out = NL_BUF_INIT;
	nl_err rc = nl_signer_connect(path, &s);
	if (rc) return rc == NL_ERR_CONFIG ? rc : NL_ERR_IO;
	struct timeval tv = {timeout_ms / 1000, (timeout_ms % 1000) * 1000};
	setsockopt(s->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	setsockopt(s->fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
	rc = nl_signer_call(s, NL_SIGNER_PING, NULL, 0, &out);
	if (!rc && (out.len != 4 || memcmp(out.data, "pong", 4))) rc = NL_ERR_IO;
	nl_buf_free(&out);
	nl_signer_close(s);
	return rc;
}
