/* nitelik-signer — the only process that opens the CA keys.
 *
 *   nitelik-signer --data DIR [--socket PATH]
 *
 * Listens on a Unix socket (mode 0600, DIR/ca/signer.sock by default) and serves
 * each connection on its own thread, so several requests sign at once; the
 * PKCS#11 keys stay logged in and libp11 keeps a pool of sessions. The request
 * policy lives in src/signer/signer.c. SIGINT/SIGTERM stop it cleanly. */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "signer/signer.h"

#define MAX_CONNECTIONS 256

static volatile sig_atomic_t stop;
static atomic_int active;
static struct nl_ca *the_ca;

static void on_signal(int sig) { (void)sig; stop = 1; }

static void *serve(void *arg)
{
	int fd = (int)(intptr_t)arg;
	nl_buf req = NL_BUF_INIT, resp = NL_BUF_INIT;
	uint8_t op;
	while (!stop && nl_frame_read(fd, &op, &req) == NL_OK) {
		nl_err rc = nl_signer_handle(the_ca, op, req.data, req.len, &resp);
		if (nl_frame_write(fd, (uint8_t)rc, resp.data, resp.len))
			break;
	}
	nl_buf_free(&req);
	nl_buf_free(&resp);
	close(fd);
	atomic_fetch_sub(&active, 1);
	return NULL;
}

static int usage(void)
{
	fprintf(stderr, "usage: nitelik-signer --data DIR [--socket PATH]\n");
	return 2;
}

int main(int argc, char **argv)
{
	const char *dir = NULL, *sock = NULL;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--data") && i + 1 < argc) dir = argv[++i];
		else if (!strcmp(argv[i], "--socket") && i + 1 < argc) sock = argv[++i];
		else return usage();
	}
	if (!dir) return usage();
	nl_err rc = nl_ca_open(dir, true, &the_ca);
	if (rc) {
		fprintf(stderr, "nitelik-signer: cannot open the CA in %s: %s%s\n", dir, nl_err_code(rc),
		        rc == NL_ERR_FORBIDDEN ? " (the root CRL revokes the issuing CA)" : "");
		return 1;
	}
	if (!sock) sock = the_ca->conf.socket;

	struct sockaddr_un a = {.sun_family = AF_UNIX};
	if (strlen(sock) >= sizeof a.sun_path) {
		fprintf(stderr, "nitelik-signer: socket path too long\n");
		nl_ca_free(the_ca);
		return 1;
	}
	strcpy(a.sun_path, sock);
	unlink(sock);
	int lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	mode_t old = umask(0077);   /* the socket is born 0600: only our user signs */
	if (lfd < 0 || bind(lfd, (struct sockaddr *)&a, sizeof a) || listen(lfd, 128)) {
		umask(old);
		fprintf(stderr, "nitelik-signer: cannot listen on %s: %s\n", sock, strerror(errno));
		nl_ca_free(the_ca);
		return 1;
	}
	umask(old);
	chmod(sock, 0600);

	struct sigaction sa = {.sa_handler = on_signal};   /* no SA_RESTART: accept returns */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	fprintf(stderr, "nitelik-signer: listening on %s\n", sock);

	pthread_attr_t attr;
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	while (!stop) {
		int fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
		if (fd < 0) continue;   /* EINTR on a signal, or a transient error */
		if (atomic_load(&active) >= MAX_CONNECTIONS) { close(fd); continue; }
		pthread_t t;
		atomic_fetch_add(&active, 1);
		if (pthread_create(&t, &attr, serve, (void *)(intptr_t)fd)) {
			atomic_fetch_sub(&active, 1);
			close(fd);
		}
	}
	pthread_attr_destroy(&attr);
	close(lfd);
	unlink(sock);
	/* Let connections finish their current request (at most ~2 s). */
	for (int i = 0; i < 200 && atomic_load(&active) > 0; i++) {
		struct timespec ts = {0, 10 * 1000 * 1000};
		nanosleep(&ts, NULL);
	}
	if (atomic_load(&active) == 0)
		nl_ca_free(the_ca);
	return 0;
}
