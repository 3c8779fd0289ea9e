/* The programs' version, installed paths and configuration file (cmd_common.h). */
#include <errno.h>
#include <stddef.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "cmd/cmd_common.h"
#include "pki/ca_store.h"
#include "cmd_paths.h"
#include "core/file.h"

#define CONFIG_MAX_BYTES (1024 * 1024)

const char *nl_cmd_version(void)
{
	return NL_VERSION;
}

void nl_cmd_print_version(const char *prog)
{
	printf("%s (Nitelik) %s\n", prog, NL_VERSION);
}

bool nl_cmd_uninstalled(void)
{
	static int known = -1;   /* asked at start-up, before any thread */
	if (known >= 0)
		return known;
	char exe[PATH_MAX], build[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	known = 0;
	if (n <= 0 || !realpath(NL_BUILD_CMD_DIR, build))
		return known;
	exe[n] = '\0';
	char *slash = strrchr(exe, '/');
	if (slash) {
		*slash = '\0';
		known = strcmp(exe, build) == 0;
	}
	return known;
}

const char *nl_cmd_web_dir(void)
{
	return nl_cmd_uninstalled() ? NL_SOURCE_ROOT "/web" : NL_PKGDATADIR "/web";
}

const char *nl_cmd_demo_citizens(void)
{
	return nl_cmd_uninstalled() ? NL_SOURCE_ROOT "/data/demo-citizens.json"
	                            : NL_PKGDATADIR "/demo-citizens.json";
}

const char *nl_cmd_default_config(void)
{
	const char *env = getenv("NITELIK_CONFIG");
	if (env && *env)
		return env;
	return nl_cmd_uninstalled() ? NULL : NL_CONFIG_FILE;
}

bool nl_cmd_open_error_log(const char *prog, const char *path)
{
	if (!path || !*path)
		return true;
	int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
	if (fd < 0) {
		fprintf(stderr, "%s: error log %s: %s\n", prog, path, strerror(errno));
		return false;
	}
	/* dup2 swaps the file under descriptor 2 at once: no thread writes to a
	 * closed one. */
	fflush(stderr);
	bool ok = dup2(fd, STDERR_FILENO) >= 0;
	close(fd);
	return ok;
}

void nl_cmd_sd_notify(const char *state)
{
	const char *where = getenv("NOTIFY_SOCKET");
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	size_t n = where ? strlen(where) : 0;
	if (n < 2 || n >= sizeof a.sun_path || (where[0] != '/' && where[0] != '@'))
		return;
	memcpy(a.sun_path, where, n);
	if (a.sun_path[0] == '@')
		a.sun_path[0] = '\0';   /* an abstract socket */
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return;
	socklen_t len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n);
	if (sendto(fd, state, strlen(state), MSG_NOSIGNAL, (struct sockaddr *)&a, len) < 0)
		fprintf(stderr, "sd_notify %s: %s\n", state, strerror(errno));
	close(fd);
}

bool nl_cmd_load_config(const char *prog, const char *path, struct nl_config *cfg,
                        const struct nl_config_ext *ext, void *ext_ctx)
{
	char err[256];
	nl_buf text = NL_BUF_INIT;
	nl_err e = nl_read_file(path, CONFIG_MAX_BYTES, &text);
	if (e) {
		fprintf(stderr, "%s: %s: %s\n", prog, path,
		        e == NL_ERR_TOO_LARGE ? strerror(EFBIG) : strerror(errno));
		nl_buf_free(&text);
		return false;
	}
	e = ext ? nl_config_parse_ext(cfg, text.data, text.len, ext, ext_ctx, err, sizeof err)
	        : nl_config_parse(cfg, text.data, text.len, err, sizeof err);
	nl_buf_free(&text);
	if (e) {
		fprintf(stderr, "%s: %s: %s\n", prog, path, err);
		return false;
	}
	return true;
}
