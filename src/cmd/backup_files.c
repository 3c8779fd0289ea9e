/* Walking, copying and hashing the files of a backup (backup_files.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "cmd/backup_files.h"

void nl_bk_list_free(struct nl_bk_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i].path);
	for (size_t i = 0; i < l->n_skipped; i++)
		free(l->skipped[i]);
	free(l->v);
	free(l->skipped);
	memset(l, 0, sizeof *l);
}

static void hex(const unsigned char *d, size_t n, char *out)
{
	for (size_t i = 0; i < n; i++)
		snprintf(out + 2 * i, 3, "%02x", d[i]);
}

/* Reads fd to its end into the digest, writing each block to out_fd too when
 * it is >= 0. */
static NL_MUST_USE nl_err pump(int fd, int out_fd, char sha256[65], int64_t *size)
{
	crypto_hash_sha256_state st;
	unsigned char buf[65536], d[crypto_hash_sha256_BYTES];
	int64_t total = 0;
	crypto_hash_sha256_init(&st);
	for (;;) {
		ssize_t n = read(fd, buf, sizeof buf);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return NL_ERR_IO;
		if (n == 0)
			break;
		crypto_hash_sha256_update(&st, buf, (unsigned long long)n);
		total += n;
		for (ssize_t off = 0; out_fd >= 0 && off < n;) {
			ssize_t w = write(out_fd, buf + off, (size_t)(n - off));
			if (w < 0 && errno == EINTR)
				continue;
			if (w <= 0)
				return NL_ERR_IO;
			off += w;
		}
	}
	crypto_hash_sha256_final(&st, d);
	hex(d, sizeof d, sha256);
	if (size)
		*size = total;
	return NL_OK;
}

nl_err nl_bk_hash_file(const char *path, char sha256[65], int64_t *size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? NL_ERR_NOT_FOUND : NL_ERR_IO;
	nl_err rc = pump(fd, -1, sha256, size);
	close(fd);
	return rc;
}

nl_err nl_bk_copy_file(const char *src, const char *dst, unsigned mode, char sha256[65],
                       int64_t *size)
{
	int in = open(src, O_RDONLY | O_CLOEXEC), out = -1;
	nl_err rc = NL_ERR_IO;
	if (in < 0)
		return NL_ERR_IO;
	out = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, (mode_t)(mode & 07777));
	if (out < 0) {
		rc = errno == EEXIST ? NL_ERR_CONFLICT : NL_ERR_IO;
		goto out;
	}
	if ((rc = pump(in, out, sha256, size)) != NL_OK)
		goto out;
	/* fchmod: the umask may have taken bits of mode away. */
	rc = fchmod(out, (mode_t)(mode & 07777)) == 0 && fsync(out) == 0 ? NL_OK : NL_ERR_IO;
out:
	if (out >= 0 && close(out) != 0)
		rc = NL_ERR_IO;
	close(in);
	return rc;
}

bool nl_bk_path_ok(const char *rel)
{
	if (!rel || !*rel || rel[0] == '/')
		return false;
	for (const char *p = rel; *p;) {
		const char *e = strchr(p, '/');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		if (n == 0 || (n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
			return false;
		p += n + (e ? 1 : 0);
		if (e && !*p)
			return false;
	}
	return true;
}

bool nl_bk_dir_empty(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		return errno == ENOENT;
	struct dirent *e;
	bool empty = true;
	while (empty && (e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			empty = false;
	closedir(d);
	return empty;
}

nl_err nl_bk_mkdirs(const char *path)
{
	char p[PATH_MAX];
	if (snprintf(p, sizeof p, "%s", path) >= (int)sizeof p)
		return NL_ERR_INVALID;
	for (char *s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, 0700) != 0 && errno != EEXIST)
			return NL_ERR_IO;
		*s = '/';
	}
	return mkdir(p, 0700) == 0 || errno == EEXIST ? NL_OK : NL_ERR_IO;
}

static NL_MUST_USE nl_err add(struct nl_bk_list *l, const char *rel, const struct stat *st, bool dir,
                  const char *sha256, int64_t size)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 64;
		struct nl_bk_entry *v = realloc(l->v, cap * sizeof *v);
		if (!v)
			return NL_ERR_NOMEM;
		l->v = v;
		l->cap = cap;
	}
	struct nl_bk_entry *e = &l->v[l->n];
	memset(e, 0, sizeof *e);
	if (!(e->path = strdup(rel)))
		return NL_ERR_NOMEM;
	e->dir = dir;
	e->mode = st->st_mode & 07777;
	e->size = size;
	if (sha256)
		memcpy(e->sha256, sha256, 65);
	struct passwd *pw = getpwuid(st->st_uid);
	struct group *gr = getgrgid(st->st_gid);
	snprintf(e->owner, sizeof e->owner, "%s", pw ? pw->pw_name : "");
	snprintf(e->group, sizeof e->group, "%s", gr ? gr->gr_name : "");
	l->n++;
	return NL_OK;
}

static NL_MUST_USE nl_err note_skipped(struct nl_bk_list *l, const char *rel, const char *why)
{
	if (l->n_skipped == l->cap_skipped) {
		size_t cap = l->cap_skipped ? 2 * l->cap_skipped : 8;
		char **v = realloc(l->skipped, cap * sizeof *v);
		if (!v)
			return NL_ERR_NOMEM;
		l->skipped = v;
		l->cap_skipped = cap;
	}
	size_t n = strlen(rel) + strlen(why) + 3;
	if (!(l->skipped[l->n_skipped] = malloc(n)))
		return NL_ERR_NOMEM;
	snprintf(l->skipped[l->n_skipped++], n, "%s: %s", rel, why);
	return NL_OK;
}

struct walk {
	const char *src, *dst;
	nl_bk_skip_fn skip;
	void *ctx;
	struct nl_bk_list *list;
	char *why;
	size_t why_size;
};

/* rel: "" for the top folder, else "a/b". */
static NL_MUST_USE nl_err walk_dir(struct walk *w, const char *rel)
{
	char from[PATH_MAX], to[PATH_MAX], child[PATH_MAX];
	snprintf(from, sizeof from, "%s%s%s", w->src, *rel ? "/" : "", rel);
	DIR *d = opendir(from);
	if (!d) {
		snprintf(w->why, w->why_size, "%s: %s", from, strerror(errno));
		return NL_ERR_IO;
	}
	nl_err rc = NL_OK;
	struct dirent *e;
	while (rc == NL_OK && (e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		const char *skip_why = NULL;
		struct stat st;
		if ((size_t)snprintf(child, sizeof child, "%s%s%s", rel, *rel ? "/" : "", e->d_name) >=
		        sizeof child ||
		    (size_t)snprintf(from, sizeof from, "%s/%s", w->src, child) >= sizeof from ||
		    (size_t)snprintf(to, sizeof to, "%s/%s", w->dst, child) >= sizeof to) {
			snprintf(w->why, w->why_size, "%s: path too long", child);
			rc = NL_ERR_INVALID;
			break;
		}
		if (lstat(from, &st) != 0) {
			if (errno == ENOENT)
				continue;   /* gone meanwhile (a temporary file) */
			snprintf(w->why, w->why_size, "%s: %s", from, strerror(errno));
			rc = NL_ERR_IO;
			break;
		}
		if (w->skip && w->skip(child, w->ctx, &skip_why)) {
			rc = note_skipped(w->list, child, skip_why);
			continue;
		}
		if (S_ISDIR(st.st_mode)) {
			if (mkdir(to, 0700) != 0) {
				snprintf(w->why, w->why_size, "%s: %s", to, strerror(errno));
				rc = NL_ERR_IO;
			} else if ((rc = add(w->list, child, &st, true, NULL, 0)) == NL_OK) {
				rc = walk_dir(w, child);
			}
		} else if (S_ISREG(st.st_mode)) {
			char sha[65];
			int64_t size = 0;
			if ((rc = nl_bk_copy_file(from, to, st.st_mode & 0777, sha, &size)) != NL_OK)
				snprintf(w->why, w->why_size, "%s: %s", from, strerror(errno));
			else
				rc = add(w->list, child, &st, false, sha, size);
		} else {
			rc = note_skipped(w->list, child, S_ISSOCK(st.st_mode) ? "a socket"
			                  : S_ISLNK(st.st_mode) ? "a symbolic link" : "not a regular file");
		}
	}
	closedir(d);
	return rc;
}

nl_err nl_bk_copy_tree(const char *src, const char *dst, nl_bk_skip_fn skip, void *ctx,
                       struct nl_bk_list *list, char *why, size_t why_size)
{
	struct walk w = {src, dst, skip, ctx, list, why, why_size};
	if (mkdir(dst, 0700) != 0 && errno != EEXIST) {
		snprintf(why, why_size, "%s: %s", dst, strerror(errno));
		return NL_ERR_IO;
	}
	return walk_dir(&w, "");
}
