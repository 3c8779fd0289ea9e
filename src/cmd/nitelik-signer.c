/* nitelik-signer — the only process that opens the CA keys.
 *
 *   nitelik-signer [--config FILE] [--data DIR] [--socket PATH] [--demo]
 *
 * The CA is in the data folder: --data DIR, else the configuration's
 * storage.data_dir (--config FILE, by default /etc/nitelik/nitelik.conf when
 * installed; see cmd_common.h).
 *
 * Listens on a Unix socket (DIR/ca/signer.sock by default) and serves each
 * connection on its own thread, so several requests sign at once; the PKCS#11
 * keys stay logged in and libp11 keeps a pool of sessions. The request policy
 * lives in src/signer/signer.c, the walls in src/signer/sandbox.c; the rules
 * are in docs/ca.md ("Signer deployment").
 *
 * Signals: SIGTERM, SIGINT and SIGHUP are blocked from the first instruction
 * on, in every thread. SoftHSM2 rewrites its token file when a user logs in
 * (truncate, then write): a signal that killed us in between left the token
 * empty and the CA unusable. The main loop takes them from a signalfd:
 * SIGTERM/SIGINT stop cleanly (requests in flight finish, C_Finalize runs),
 * SIGHUP is ignored. A signal sent while the token is being opened is acted
 * on only when it is open. */
#include <errno.h>
#include <grp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "cmd/cmd_common.h"
#include "core/config.h"
#include "core/file.h"
#include "signer/sandbox.h"
#include "signer/signer.h"

struct conn {
	pthread_t thread;
	int fd;              /* -1: slot free */
	bool done;           /* the thread has finished: join it */
};

static struct nl_ca *the_ca;
static struct nl_config cfg;
static pthread_mutex_t conns_lock = PTHREAD_MUTEX_INITIALIZER;
static struct conn *conns;
static int nconns;

static void *serve(void *arg)
{
	struct conn *c = arg;
	nl_buf req = NL_BUF_INIT, resp = NL_BUF_INIT;
	uint8_t op = 0;
	size_t len = 0;
	nl_err rc;
	while ((rc = nl_frame_read_head(c->fd, &op, &len)) != NL_ERR_IO) {
		size_t max = (size_t)(op == NL_SIGNER_CRL ? cfg.signer_max_crl_request : cfg.signer_max_request);
		if (rc || len > max) {
			/* Refused before a byte of it is read or allocated; the stream is
			 * out of step after that, so the connection ends. */
			nl_buf_reset(&resp);
			nl_buf_printf(&resp, "request too large: at most %zu bytes\n", max);
			nl_err_ignore(nl_frame_write(c->fd, NL_ERR_TOO_LARGE, resp.data, resp.len));
			fprintf(stderr, "nitelik-signer: refused a request of %zu bytes (op %u)\n", len, op);
			break;
		}
		if (nl_frame_read_body(c->fd, len, &req)) break;
		rc = nl_signer_handle(the_ca, op, req.data, req.len, &resp);
		if (nl_frame_write(c->fd, (uint8_t)rc, resp.data, resp.len)) break;
	}
	nl_buf_free(&req);
	nl_buf_free(&resp);
	pthread_mutex_lock(&conns_lock);
	close(c->fd);
	c->fd = -1;
	c->done = true;
	pthread_mutex_unlock(&conns_lock);
	return NULL;
}

/* Joins finished threads; returns a free slot or NULL. */
static struct conn *free_slot(void)
{
	struct conn *slot = NULL;
	for (int i = 0; i < nconns; i++) {
		pthread_mutex_lock(&conns_lock);
		bool done = conns[i].done, idle = conns[i].fd < 0;
		pthread_mutex_unlock(&conns_lock);
		if (done) {
			pthread_join(conns[i].thread, NULL);
			conns[i].done = false;
		}
		if (idle && !slot) slot = &conns[i];
	}
	return slot;
}

/* Refuses a connection with a status frame, so the client sees why. */
static void refuse(int fd, nl_err why, const char *msg)
{
	nl_err_ignore(nl_frame_write(fd, (uint8_t)why, msg, strlen(msg)));   /* it may be gone already */
	close(fd);
}

static void accept_one(int lfd, uid_t self, uid_t client, bool demo)
{
	int fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
	if (fd < 0) return;
	uid_t pu;
	gid_t pg;
	/* Only nitelikd's user signs (and in demo mode our own user too). */
	if (nl_signer_peer(fd, &pu, &pg) || !(pu == client || (demo && pu == self))) {
		fprintf(stderr, "nitelik-signer: refused a connection from uid %u\n", (unsigned)pu);
		refuse(fd, NL_ERR_FORBIDDEN, "this user may not use the signer\n");
		return;
	}
	struct conn *c = free_slot();
	if (!c) {
		fprintf(stderr, "nitelik-signer: refused a connection: %d connections are open\n", nconns);
		refuse(fd, NL_ERR_BUSY, "too many connections to the signer\n");
		return;
	}
	struct timeval tv = {5, 0};   /* a client that stops mid-frame does not hold a slot */
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
	pthread_mutex_lock(&conns_lock);
	c->fd = fd;
	c->done = false;
	pthread_mutex_unlock(&conns_lock);
	if (pthread_create(&c->thread, NULL, serve, c)) {
		pthread_mutex_lock(&conns_lock);
		c->fd = -1;
		pthread_mutex_unlock(&conns_lock);
		refuse(fd, NL_ERR_BUSY, "the signer cannot take this connection\n");
	}
}

/* Lets every connection finish the request it is serving, then joins it. */
static void stop_connections(void)
{
	pthread_mutex_lock(&conns_lock);
	for (int i = 0; i < nconns; i++)
		if (conns[i].fd >= 0) shutdown(conns[i].fd, SHUT_RD);
	pthread_mutex_unlock(&conns_lock);
	for (int i = 0; i < nconns; i++) {
		pthread_mutex_lock(&conns_lock);
		bool running = conns[i].fd >= 0 || conns[i].done;
		pthread_mutex_unlock(&conns_lock);
		if (running) pthread_join(conns[i].thread, NULL);
	}
}

static int usage(FILE *f)
{
	const char *def = nl_cmd_default_config();
	fprintf(f, "usage: nitelik-signer [--config FILE] [--data DIR] [--socket PATH] [--demo]\n\n"
	           "  --config FILE  the data folder ([storage] data_dir) and [signer] settings\n"
	           "                 (default: %s%s)\n"
	           "  --data DIR     the data folder holding the CA (DIR/ca)\n"
	           "  --socket PATH  listen here (default: the socket named in DIR/ca/ca.conf)\n"
	           "  --demo         one user may run nitelikd and the signer (demonstrations)\n"
	           "  --version      print the version and exit\n"
	           "  --help, -h     print this help and exit\n",
	        def ? def : "none", def ? ", when it exists" : " when run from the build folder");
	return f == stdout ? 0 : 2;
}

static bool ignore_section(const char *s) { (void)s; return true; }
static NL_MUST_USE nl_err ignore_key(void *ctx, const char *s, const char *k, const char *v)
{
	(void)ctx; (void)s; (void)k; (void)v;
	return NL_OK;
}

static int load_config(const char *path)
{
	nl_buf text = NL_BUF_INIT;
	char err[300] = "";
	static const struct nl_config_ext others = {ignore_section, ignore_key};  /* not ours */
	nl_err rc = nl_read_file(path, 1 << 20, &text);
	if (!rc) rc = nl_config_parse_ext(&cfg, text.data, text.len, &others, NULL, err, sizeof err);
	if (!rc) rc = nl_config_validate(&cfg, err, sizeof err);
	nl_buf_free(&text);
	if (rc) fprintf(stderr, "nitelik-signer: %s: %s\n", path, err[0] ? err : nl_err_code(rc));
	return rc ? 1 : 0;
}

/* Production: every secret the keys need is the signer user's alone. */
static int check_secrets(const struct nl_ca_conf *cc, const char *dir, uid_t uid)
{
	char why[800], path[1100];
	const char *refs[] = {cc->issuing_key, cc->ocsp_key};
	for (int i = 0; i < 2; i++) {
		if (nl_pki_key_secret_file(refs[i], path, sizeof path)) continue;
		if (nl_signer_check_secret(path, uid, why, sizeof why)) goto bad;
	}
	if (cc->softhsm_conf[0]) {   /* the SoftHSM2 token store under DIR */
		snprintf(path, sizeof path, "%s/softhsm", dir);
		if (nl_signer_check_secret(path, uid, why, sizeof why)) goto bad;
	}
	return 0;
bad:
	fprintf(stderr, "nitelik-signer: refusing to run: %s\n", why);
	return 1;
}

int main(int argc, char **argv)
{
	/* Before anything else: see the comment at the top. */
	sigset_t term;
	sigemptyset(&term);
	sigaddset(&term, SIGTERM);
	sigaddset(&term, SIGINT);
	sigaddset(&term, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &term, NULL);
	signal(SIGPIPE, SIG_IGN);

	const char *dir = NULL, *sock = NULL, *conf = NULL;
	bool demo = false;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--data") && i + 1 < argc) dir = argv[++i];
		else if (!strcmp(argv[i], "--socket") && i + 1 < argc) sock = argv[++i];
		else if (!strcmp(argv[i], "--config") && i + 1 < argc) conf = argv[++i];
		else if (!strcmp(argv[i], "--demo")) demo = true;
		else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) return usage(stdout);
		else if (!strcmp(argv[i], "--version")) { nl_cmd_print_version("nitelik-signer"); return 0; }
		else return usage(stderr);
	}
	/* The default file is optional, a given one is not. */
	if (!conf && !dir && (conf = nl_cmd_default_config()) && access(conf, F_OK) != 0)
		conf = NULL;
	nl_config_defaults(&cfg, NULL);
	if (conf && load_config(conf)) return 1;
	if (!dir) dir = conf ? cfg.data_dir : NULL;
	if (!dir) return usage(stderr);
	demo = demo || cfg.demo;

	/* Who we become and who may connect. Production keeps the two apart. */
	struct nl_signer_user me = {.uid = geteuid(), .gid = getegid()}, client = {.uid = (uid_t)-1};
	if (cfg.signer_user[0] && nl_signer_user_lookup(cfg.signer_user, &me)) {
		fprintf(stderr, "nitelik-signer: no system user '%s' (signer.user)\n", cfg.signer_user);
		return 1;
	}
	if (cfg.signer_client_user[0] && nl_signer_user_lookup(cfg.signer_client_user, &client)) {
		fprintf(stderr, "nitelik-signer: no system user '%s' (signer.client_user)\n", cfg.signer_client_user);
		return 1;
	}
	if (!demo && !cfg.signer_client_user[0]) {
		fprintf(stderr, "nitelik-signer: refusing to run: set signer.client_user (the nitelikd user) "
		                "in the configuration, or run with --demo\n");
		return 1;
	}
	if (!demo && (me.uid == client.uid || me.uid == 0)) {
		fprintf(stderr, "nitelik-signer: refusing to run as uid %u: the signer needs its own system user "
		                "(signer.user), not root and not the client's\n", (unsigned)me.uid);
		return 1;
	}

	char why[600];
	struct nl_ca_conf cc;
	if (nl_ca_conf_load(dir, &cc)) {
		fprintf(stderr, "nitelik-signer: no CA in %s\n", dir);
		return 1;
	}
	if (!sock) sock = cc.socket;
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	if (strlen(sock) >= sizeof a.sun_path) {
		fprintf(stderr, "nitelik-signer: socket path too long\n");
		return 1;
	}
	strcpy(a.sun_path, sock);
	unlink(sock);
	int lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	mode_t old = umask(0177);   /* born 0600; opened to the client's group below */
	if (lfd < 0 || bind(lfd, (struct sockaddr *)&a, sizeof a) || listen(lfd, 128)) {
		umask(old);
		fprintf(stderr, "nitelik-signer: cannot listen on %s: %s\n", sock, strerror(errno));
		return 1;
	}
	umask(old);
	/* The client's group may connect; SO_PEERCRED then checks the very uid. */
	bool shared = client.uid != (uid_t)-1 && client.uid != me.uid;
	if (shared ? chown(sock, me.uid, client.gid) || chmod(sock, 0660) : chmod(sock, 0600)) {
		fprintf(stderr, "nitelik-signer: cannot give %s to group %u: %s\n", sock, (unsigned)client.gid,
		        strerror(errno));
		goto fail_sock;
	}
	/* Root is dropped before the token is touched: the token's files stay the
	 * signer user's, and its PIN must be readable by that user alone. */
	if (cfg.signer_user[0] && nl_signer_become(&me, why, sizeof why)) {
		fprintf(stderr, "nitelik-signer: %s\n", why);
		goto fail_sock;
	}

	/* Checked as the signer's user, before the keys are touched. */
	if (!demo && check_secrets(&cc, dir, me.uid)) goto fail_sock;
	nl_err rc = nl_ca_open(dir, true, &the_ca);
	if (rc) {
		fprintf(stderr, "nitelik-signer: cannot open the CA in %s: %s%s\n", dir, nl_err_code(rc),
		        rc == NL_ERR_FORBIDDEN ? " (the root CRL revokes the issuing CA)" : "");
		goto fail_sock;
	}

	int sfd = signalfd(-1, &term, SFD_CLOEXEC);
	nconns = (int)cfg.signer_max_connections;
	conns = calloc((size_t)nconns, sizeof *conns);
	if (sfd < 0 || !conns) {
		fprintf(stderr, "nitelik-signer: cannot set up: %s\n", strerror(errno));
		goto fail_ca;
	}
	for (int i = 0; i < nconns; i++) conns[i].fd = -1;
	/* No core dumps with the PIN or a session in them, and no ptrace or
	 * /proc/PID/mem from processes of the same user (demo mode: nitelikd's). */
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	enum nl_seccomp_mode sm = !strcmp(cfg.signer_seccomp, "off") ? NL_SECCOMP_OFF
	                        : !strcmp(cfg.signer_seccomp, "log") ? NL_SECCOMP_LOG : NL_SECCOMP_KILL;
	if (nl_signer_seccomp(sm)) {
		fprintf(stderr, "nitelik-signer: cannot load the seccomp filter\n");
		goto fail_ca;
	}
	fprintf(stderr, "nitelik-signer: listening on %s (uid %u, seccomp %s)\n", sock, (unsigned)geteuid(),
	        cfg.signer_seccomp);

	for (;;) {
		struct pollfd p[2] = {{.fd = lfd, .events = POLLIN}, {.fd = sfd, .events = POLLIN}};
		if (poll(p, 2, -1) < 0) continue;
		if (p[1].revents & POLLIN) {
			struct signalfd_siginfo si;
			if (read(sfd, &si, sizeof si) == (ssize_t)sizeof si && si.ssi_signo != SIGHUP) break;
		}
		if (p[0].revents & POLLIN) accept_one(lfd, me.uid, client.uid, demo);
	}
	close(lfd);
	unlink(sock);
	stop_connections();
	nl_ca_free(the_ca);   /* logs out; C_Finalize */
	free(conns);
	close(sfd);
	fprintf(stderr, "nitelik-signer: stopped\n");
	return 0;
fail_ca:
	nl_ca_free(the_ca);
fail_sock:
	close(lfd);
	unlink(sock);
	return 1;
}
