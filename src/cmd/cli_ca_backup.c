/* nitelik ca backup / restore — an encrypted copy of the CA's secrets
 * (docs/ca.md, "Backup and restore of the CA token"):
 *   ca backup  --data DIR --out FILE  [--passphrase-file F]
 *   ca restore --data DIR --in FILE   [--passphrase-file F] [--force]
 * The passphrase is the first line of F, or NITELIK_BACKUP_PASSPHRASE.
 *
 * What is copied: DIR/ca (ca.conf, certificates, PIN file, demo key files) and
 * DIR/softhsm (the SoftHSM2 token store), with their modes. An HSM's keys never
 * leave it: back those up with the HSM's own tools.
 *
 * Archive (before sealing with nl_pki_seal): "NLCABK1\n", then per entry:
 * type ('d' or 'f'), path relative to DIR, NUL, mode (u32 BE), size (u64 BE),
 * data. Restore accepts only paths under ca/ or softhsm/ without "..". */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd/cli_pki.h"
#include "core/file.h"

#define ARCHIVE_MAGIC "NLCABK1\n"
#define MAX_BACKUP (512u << 20)

static void put_u(nl_buf *b, uint64_t v, int bytes)
{
	for (int i = bytes - 1; i >= 0; i--) {
		char c = (char)((v >> (8 * i)) & 0xff);
		nl_buf_append(b, &c, 1);
	}
}

static NL_MUST_USE nl_err add_tree(nl_buf *ar, const char *dir, const char *rel, int depth)
{
	char path[1400];
	struct stat st;
	snprintf(path, sizeof path, "%s/%s", dir, rel);
	if (lstat(path, &st)) return errno == ENOENT && depth == 0 ? NL_OK : NL_ERR_IO;
	if (S_ISSOCK(st.st_mode) || S_ISLNK(st.st_mode) || strstr(rel, ".tmp")) return NL_OK;
	if (S_ISDIR(st.st_mode)) {
		if (depth > 6) return NL_ERR_INVALID;
		nl_buf_append(ar, "d", 1);
		nl_buf_append(ar, rel, strlen(rel) + 1);
		put_u(ar, st.st_mode & 07777, 4);
		put_u(ar, 0, 8);
		DIR *d = opendir(path);
		if (!d) return NL_ERR_IO;
		struct dirent *e;
		nl_err rc = NL_OK;
		while (!rc && (e = readdir(d))) {
			char sub[700];
			if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
			if ((size_t)snprintf(sub, sizeof sub, "%s/%s", rel, e->d_name) >= sizeof sub) { rc = NL_ERR_INVALID; break; }
			rc = add_tree(ar, dir, sub, depth + 1);
		}
		closedir(d);
		return rc;
	}
	if (!S_ISREG(st.st_mode)) return NL_OK;
	nl_buf data = NL_BUF_INIT;
	nl_err rc = nl_read_file(path, MAX_BACKUP, &data);
	if (!rc) {
		nl_buf_append(ar, "f", 1);
		nl_buf_append(ar, rel, strlen(rel) + 1);
		put_u(ar, st.st_mode & 07777, 4);
		put_u(ar, data.len, 8);
		nl_buf_append(ar, data.data ? data.data : "", data.len);
	}
	if (data.data) memset(data.data, 0, data.len);
	nl_buf_free(&data);
	return rc;
}

static char *passphrase(const char *file)
{
	if (file) return nl_pki_read_pin(file);
	const char *e = getenv("NITELIK_BACKUP_PASSPHRASE");
	return e && *e ? strdup(e) : NULL;
}

static void free_secret(char *s)
{
	if (!s) return;
	memset(s, 0, strlen(s));
	free(s);
}

int nl_cli_ca_backup(int argc, char **argv)
{
	const char *dir = NULL, *out = NULL, *pf = NULL;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (!strcmp(a, "--data") && v) { dir = v; i++; }
		else if (!strcmp(a, "--out") && v) { out = v; i++; }
		else if (!strcmp(a, "--passphrase-file") && v) { pf = v; i++; }
		else { dir = NULL; break; }
	}
	if (!dir || !out) {
		fprintf(stderr, "usage: nitelik ca backup --data DIR --out FILE [--passphrase-file F]\n");
		return 2;
	}
	char *pass = passphrase(pf);
	nl_buf ar = NL_BUF_INIT, sealed = NL_BUF_INIT;
	nl_err rc = NL_ERR_CONFIG;
	if (!pass || strlen(pass) < 12) {
		fprintf(stderr, "nitelik ca backup: give a passphrase of at least 12 characters "
		                "(--passphrase-file or NITELIK_BACKUP_PASSPHRASE)\n");
		goto out;
	}
	char conf[700];
	snprintf(conf, sizeof conf, "%s/ca/ca.conf", dir);
	if (access(conf, R_OK)) {
		fprintf(stderr, "nitelik ca backup: no CA in %s\n", dir);
		goto out;
	}
	nl_buf_puts(&ar, ARCHIVE_MAGIC);
	if ((rc = add_tree(&ar, dir, "ca", 0)) || (rc = add_tree(&ar, dir, "softhsm", 0)) ||
	    (rc = nl_pki_seal(pass, ar.data, ar.len, &sealed)) ||
	    (rc = nl_write_file(out, sealed.data, sealed.len, 0600))) {
		fprintf(stderr, "nitelik ca backup: %s\n", nl_err_code(rc));
		goto out;
	}
	printf("CA backup written to %s (%zu bytes, AES-256-GCM)\n", out, sealed.len);
out:
	if (ar.data) memset(ar.data, 0, ar.len);
	nl_buf_free(&ar);
	nl_buf_free(&sealed);
	free_secret(pass);
	return rc ? 1 : 0;
}

static bool safe_rel(const char *p)
{
	if (strncmp(p, "ca", 2) && strncmp(p, "softhsm", 7)) return false;
	if (strcmp(p, "ca") && strncmp(p, "ca/", 3) && strcmp(p, "softhsm") && strncmp(p, "softhsm/", 8))
		return false;
	return !strstr(p, "..") && !strstr(p, "//") && p[strlen(p) - 1] != '/';
}

/* Checks the whole archive first (write == false), then writes it. */
static NL_MUST_USE nl_err unpack(const nl_buf *ar, const char *dir, bool write)
{
	size_t at = 8, n = ar->len;
	const unsigned char *b = (const unsigned char *)ar->data;
	if (n < 8 || memcmp(b, ARCHIVE_MAGIC, 8)) return NL_ERR_INVALID;
	while (at < n) {
		char type = (char)b[at++];
		const char *rel = (const char *)b + at;
		size_t rl = strnlen(rel, n - at);
		if (rl == n - at || rl == 0 || rl > 600 || (type != 'd' && type != 'f') || !safe_rel(rel))
			return NL_ERR_INVALID;
		at += rl + 1;
		if (n - at < 12) return NL_ERR_INVALID;
		uint32_t mode = 0;
		uint64_t size = 0;
		for (int i = 0; i < 4; i++) mode = mode << 8 | b[at++];
		for (int i = 0; i < 8; i++) size = size << 8 | b[at++];
		if (size > n - at || (type == 'd' && size)) return NL_ERR_INVALID;
		if (write) {
			char path[1400];
			snprintf(path, sizeof path, "%s/%s", dir, rel);
			if (type == 'd') {
				if (mkdir(path, (mode_t)(mode & 0777)) && errno != EEXIST) return NL_ERR_IO;
				if (chmod(path, (mode_t)(mode & 0777))) return NL_ERR_IO;
			} else if (nl_write_file(path, b + at, (size_t)size, mode & 0777)) {
				return NL_ERR_IO;
			}
		}
		at += (size_t)size;
	}
	return NL_OK;
}

int nl_cli_ca_restore(int argc, char **argv)
{
	const char *dir = NULL, *in = NULL, *pf = NULL;
	bool force = false;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (!strcmp(a, "--data") && v) { dir = v; i++; }
		else if (!strcmp(a, "--in") && v) { in = v; i++; }
		else if (!strcmp(a, "--passphrase-file") && v) { pf = v; i++; }
		else if (!strcmp(a, "--force")) force = true;
		else { dir = NULL; break; }
	}
	if (!dir || !in) {
		fprintf(stderr, "usage: nitelik ca restore --data DIR --in FILE [--passphrase-file F] [--force]\n");
		return 2;
	}
	char *pass = passphrase(pf);
	nl_buf sealed = NL_BUF_INIT, ar = NL_BUF_INIT;
	nl_err rc = NL_ERR_CONFIG;
	struct nl_ca_conf cc;
	if (!pass) {
		fprintf(stderr, "nitelik ca restore: give the passphrase (--passphrase-file or NITELIK_BACKUP_PASSPHRASE)\n");
		goto out;
	}
	if (nl_ca_conf_load(dir, &cc) == NL_OK) {
		/* Never under a running signer; never over a CA unless asked to. */
		if (nl_signer_ping(cc.socket, 1000) != NL_ERR_IO) {
			fprintf(stderr, "nitelik ca restore: the signer of %s is running: stop it first\n", dir);
			goto out;
		}
		if (!force) {
			fprintf(stderr, "nitelik ca restore: %s already holds a CA: add --force to replace it\n", dir);
			goto out;
		}
	}
	if ((rc = nl_read_file(in, MAX_BACKUP + (1u << 20), &sealed)) ||
	    (rc = nl_pki_unseal(pass, sealed.data, sealed.len, &ar)) || (rc = unpack(&ar, dir, false))) {
		fprintf(stderr, "nitelik ca restore: %s%s\n", nl_err_code(rc),
		        rc == NL_ERR_UNAUTHORIZED ? " (wrong passphrase, or the file was changed)" : "");
		goto out;
	}
	/* Writing the token back must not be cut short by a signal. */
	sigset_t term, old;
	nl_cli_term_signals(&term);
	sigprocmask(SIG_BLOCK, &term, &old);
	if (mkdir(dir, 0755) && errno != EEXIST) rc = NL_ERR_IO;
	if (!rc) rc = unpack(&ar, dir, true);
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (rc) fprintf(stderr, "nitelik ca restore: writing into %s: %s\n", dir, nl_err_code(rc));
	else printf("CA restored into %s; start the signer again\n", dir);
out:
	if (ar.data) memset(ar.data, 0, ar.len);
	nl_buf_free(&ar);
	nl_buf_free(&sealed);
	free_secret(pass);
	return rc ? 1 : 0;
}
