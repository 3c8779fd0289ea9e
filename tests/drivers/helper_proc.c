/* See helper_proc.h. */
#include "helper_proc.h"

#include <dirent.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int helper_start(struct helper *h, const char *script, const char *const args[])
{
	const char *py = getenv("NL_TEST_PYTHON");
	const char *dir = getenv("NL_TEST_SCRIPTS");
	char path[1024];
	char *argv[16];
	int fds[2];
	size_t n = 0;

	h->pid = -1;
	h->port = 0;
	if (!py || !*py)
		py = "/usr/bin/python3";
	snprintf(path, sizeof path, "%s/%s", dir && *dir ? dir : ".", script);
	/* execv wants mutable strings: give it copies (freed after the fork). */
	argv[n++] = strdup(py);
	argv[n++] = strdup(path);
	for (size_t i = 0; args && args[i] && n < 15; i++)
		argv[n++] = strdup(args[i]);
	argv[n] = NULL;
	pid_t pid = pipe(fds) == 0 ? fork() : -2;
	if (pid < 0) {
		if (pid == -1) {
			close(fds[0]);
			close(fds[1]);
		}
		for (size_t i = 0; i < n; i++)
			free(argv[i]);
		return -1;
	}
	if (pid == 0) {
		dup2(fds[1], STDOUT_FILENO);
		close(fds[0]);
		close(fds[1]);
		execv(argv[0], argv);
		_exit(127);
	}
	for (size_t i = 0; i < n; i++)
		free(argv[i]);
	close(fds[1]);
	h->pid = pid;

	/* Read the first line (the port), for at most 20 seconds. */
	char line[32] = "";
	size_t len = 0;
	struct pollfd p = {.fd = fds[0], .events = POLLIN};
	time_t until = time(NULL) + 20;
	while (len < sizeof line - 1 && time(NULL) < until) {
		if (poll(&p, 1, 500) <= 0)
			continue;
		ssize_t r = read(fds[0], line + len, 1);
		if (r <= 0)
			break;
		if (line[len] == '\n')
			break;
		len++;
	}
	line[len] = '\0';
	close(fds[0]);
	h->port = atoi(line);
	if (h->port <= 0) {
		helper_stop(h);
		return -1;
	}
	return 0;
}

void helper_stop(struct helper *h)
{
	if (h->pid > 0) {
		kill(h->pid, SIGTERM);
		waitpid(h->pid, NULL, 0);
	}
	h->pid = -1;
}

char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	char *buf = NULL;
	size_t len = 0, cap = 0;
	for (;;) {
		if (len + 4096 + 1 > cap) {
			cap = cap ? cap * 2 : 8192;
			char *p = realloc(buf, cap);
			if (!p) {
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = p;
		}
		size_t r = fread(buf + len, 1, 4096, f);
		len += r;
		if (r < 4096)
			break;
	}
	fclose(f);
	buf[len] = '\0';
	return buf;
}

int make_tmpdir(char *out, size_t size)
{
	snprintf(out, size, "/tmp/nl-drivers-test-XXXXXX");
	return mkdtemp(out) ? 0 : -1;
}

void rm_rf(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		return;
	struct dirent *e;
	char p[1024];
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
		struct stat st;
		if (lstat(p, &st) == 0 && S_ISDIR(st.st_mode))
			rm_rf(p);
		else
			unlink(p);
	}
	closedir(d);
	rmdir(dir);
}
