/* Static files under /static/, all held in memory.
 *
 * At start the tree web/static is walked once: every regular file whose resolved
 * path lies inside the resolved root is read, given its content type, an ETag
 * (SHA-256 prefix) and Last-Modified, and text files are gzipped once. A request
 * can only ever get one of these table entries, so no request path reaches the
 * file system: traversal is impossible by construction, and `..`, backslashes
 * and encoded dots are refused before the lookup anyway. */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <zlib.h>

#include "core/file.h"
#include "http/server_internal.h"

#define STATIC_MAX_FILE (8u * 1024u * 1024u)
#define STATIC_MAX_FILES 4096
#define STATIC_MAX_DEPTH 8
#define STATIC_MAX_AGE (7 * 24 * 3600)

static const struct {
	const char *ext, *type;
	bool text;
} types[] = {
	{"css", "text/css; charset=utf-8", true},
	{"js", "text/javascript; charset=utf-8", true},
	{"mjs", "text/javascript; charset=utf-8", true},
	{"json", "application/json", true},
	{"map", "application/json", true},
	{"svg", "image/svg+xml", true},
	{"html", "text/html; charset=utf-8", true},
	{"txt", "text/plain; charset=utf-8", true},
	{"xml", "application/xml", true},
	{"png", "image/png", false},
	{"jpg", "image/jpeg", false},
	{"jpeg", "image/jpeg", false},
	{"gif", "image/gif", false},
	{"webp", "image/webp", false},
	{"ico", "image/vnd.microsoft.icon", false},
	{"woff", "font/woff", false},
	{"woff2", "font/woff2", false},
	{"ttf", "font/ttf", false},
	{"pdf", "application/pdf", false},
};

static const char *type_of(const char *name, bool *text)
{
	const char *dot = strrchr(name, '.');
	*text = false;
	if (dot)
		for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
			if (!strcasecmp(dot + 1, types[i].ext)) {
				*text = types[i].text;
				return types[i].type;
			}
	return "application/octet-stream";
}

static NL_MUST_USE nl_err gzip_buf(const unsigned char *in, size_t n, unsigned char **out, size_t *out_len)
{
	z_stream z;
	memset(&z, 0, sizeof z);
	if (deflateInit2(&z, 9, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY) != Z_OK)
		return NL_ERR_NOMEM;
	uLong cap = deflateBound(&z, (uLong)n);
	unsigned char *buf = malloc(cap);
	if (!buf) {
		deflateEnd(&z);
		return NL_ERR_NOMEM;
	}
	z.next_in = (Bytef *)(uintptr_t)in;
	z.avail_in = (uInt)n;
	z.next_out = buf;
	z.avail_out = (uInt)cap;
	int rc = deflate(&z, Z_FINISH);
	size_t len = z.total_out;
	deflateEnd(&z);
	if (rc != Z_STREAM_END) {
		free(buf);
		return NL_ERR_INTERNAL;
	}
	*out = buf;
	*out_len = len;
	return NL_OK;
}

struct walk {
	struct nl_static *st;
	size_t cap;
	char root[PATH_MAX];
	size_t root_len;
	char *err;
	size_t err_size;
};

/* Reads the file stat() said has size bytes; a file that changed size since
 * is an error rather than a truncated or overlong answer. */
static NL_MUST_USE nl_err read_file(const char *path, size_t size, unsigned char **out)
{
	nl_buf b = NL_BUF_INIT;
	nl_err e = nl_read_file(path, size, &b);
	if (e == NL_OK && b.len != size)
		e = NL_ERR_IO;
	else if (e == NL_ERR_NOT_FOUND || e == NL_ERR_TOO_LARGE)
		e = NL_ERR_IO;
	if (e == NL_OK && !b.data && !nl_buf_reserve(&b, 1))
		e = NL_ERR_NOMEM;   /* an empty file: the answer still needs a pointer */
	if (e) {
		nl_buf_free(&b);
		return e;
	}
	*out = (unsigned char *)nl_buf_take(&b);
	return NL_OK;
}

static NL_MUST_USE nl_err add_file(struct walk *w, const char *path, const char *url, const struct stat *st)
{
	char real[PATH_MAX];
	if (!realpath(path, real) || strncmp(real, w->root, w->root_len) != 0 ||
	    real[w->root_len] != '/')
		return NL_OK; /* a link leading outside the root: skip it */
	if (st->st_size < 0 || (uint64_t)st->st_size > STATIC_MAX_FILE || w->st->n >= STATIC_MAX_FILES)
		return NL_OK;
	if (w->st->n == w->cap) {
		size_t cap = w->cap ? w->cap * 2 : 32;
		struct nl_static_file *f = realloc(w->st->files, cap * sizeof *f);
		if (!f)
			return NL_ERR_NOMEM;
		w->st->files = f;
		w->cap = cap;
	}
	struct nl_static_file *f = &w->st->files[w->st->n];
	memset(f, 0, sizeof *f);
	bool text;
	f->content_type = type_of(url, &text);
	f->len = (size_t)st->st_size;
	nl_err e = read_file(real, f->len, &f->data);
	if (e)
		return e;
	f->url_path = strdup(url);
	if (!f->url_path) {
		free(f->data);
		return NL_ERR_NOMEM;
	}
	unsigned char h[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(h, f->data, f->len);
	char hex[17];
	sodium_bin2hex(hex, sizeof hex, h, 8);
	snprintf(f->etag, sizeof f->etag, "\"%s\"", hex);
	struct tm tm;
	gmtime_r(&st->st_mtime, &tm);
	strftime(f->last_modified, sizeof f->last_modified, "%a, %d %b %Y %H:%M:%S GMT", &tm);
	if (text && f->len > 256) {
		unsigned char *gz;
		size_t gz_len;
		if (gzip_buf(f->data, f->len, &gz, &gz_len) == NL_OK) {
			if (gz_len < f->len) {
				f->gz = gz;
				f->gz_len = gz_len;
			} else {
				free(gz);
			}
		}
	}
	w->st->n++;
	return NL_OK;
}

static NL_MUST_USE nl_err walk_dir(struct walk *w, const char *dir, const char *url, int depth)
{
	if (depth > STATIC_MAX_DEPTH)
		return NL_OK;
	DIR *d = opendir(dir);
	if (!d)
		return depth == 0 && errno == ENOENT ? NL_OK : NL_ERR_IO;
	nl_err e = NL_OK;
	struct dirent *de;
	while (!e && (de = readdir(d))) {
		const char *name = de->d_name;
		if (name[0] == '.' || strchr(name, '\\'))
			continue; /* dot files (and . ..) are never served */
		char path[PATH_MAX], sub[PATH_MAX];
		if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, name) >= sizeof path ||
		    (size_t)snprintf(sub, sizeof sub, "%s/%s", url, name) >= sizeof sub)
			continue;
		struct stat st;
		if (stat(path, &st) != 0)
			continue;
		if (S_ISDIR(st.st_mode))
			e = walk_dir(w, path, sub, depth + 1);
		else if (S_ISREG(st.st_mode))
			e = add_file(w, path, sub, &st);
	}
	closedir(d);
	return e;
}

static int cmp_file(const void *a, const void *b)
{
	return strcmp(((const struct nl_static_file *)a)->url_path,
	              ((const struct nl_static_file *)b)->url_path);
}

nl_err nl_static_load(struct nl_static *st, const char *static_dir, char *err, size_t err_size)
{
	memset(st, 0, sizeof *st);
	struct walk w = {.st = st, .err = err, .err_size = err_size};
	if (!realpath(static_dir, w.root)) {
		if (errno == ENOENT)
			return NL_OK; /* no static files yet: every /static/ path is 404 */
		snprintf(err, err_size, "%s: %s", static_dir, strerror(errno));
		return NL_ERR_IO;
	}
	w.root_len = strlen(w.root);
	nl_err e = walk_dir(&w, w.root, "/static", 0);
	if (e) {
		snprintf(err, err_size, "%s: cannot read static files", static_dir);
		nl_static_free(st);
		return e;
	}
	if (st->n)
		qsort(st->files, st->n, sizeof st->files[0], cmp_file);
	return NL_OK;
}

void nl_static_free(struct nl_static *st)
{
	for (size_t i = 0; i < st->n; i++) {
		free(st->files[i].url_path);
		free(st->files[i].data);
		free(st->files[i].gz);
	}
	free(st->files);
	memset(st, 0, sizeof *st);
}

const struct nl_static_file *nl_static_find(const struct nl_static *st, const char *url_path)
{
	struct nl_static_file key = {.url_path = (char *)(uintptr_t)url_path};
	if (!st->n)
		return NULL;
	return bsearch(&key, st->files, st->n, sizeof st->files[0], cmp_file);
}

/* True when the client takes gzip (and did not say q=0 for it). */
static bool accepts_gzip(const char *ae)
{
	if (!ae)
		return false;
	const char *g = strstr(ae, "gzip");
	if (!g)
		return false;
	const char *semi = g + 4;
	while (*semi == ' ')
		semi++;
	return strncmp(semi, ";q=0", 4) != 0 || !strncmp(semi, ";q=0.", 5);
}

void nl_static_serve(struct nl_req *r)
{
	const char *path = r->path;
	if (strstr(path, "..") || strchr(path, '\\') || strstr(path, "//") || strstr(path, "/.")) {
		nl_resp_error(r, NL_ERR_INVALID, "Invalid path.");
		return;
	}
	if (r->method != NL_GET) {
		nl_resp_add_header(r, "Allow", "GET, HEAD");
		nl_resp_error_status(r, 405, NL_ERR_INVALID, "Method not allowed.");
		return;
	}
	const struct nl_static_file *f = nl_static_find(&r->srv->priv->statics, path);
	if (!f) {
		nl_resp_error(r, NL_ERR_NOT_FOUND, NULL);
		return;
	}
	nl_resp_cacheable(r, STATIC_MAX_AGE);
	nl_resp_add_header(r, "ETag", f->etag);
	nl_resp_add_header(r, "Last-Modified", f->last_modified);
	if (f->gz)
		nl_resp_add_header(r, "Vary", "Accept-Encoding");
	const char *inm = nl_req_header(r, "If-None-Match");
	const char *ims = nl_req_header(r, "If-Modified-Since");
	if ((inm && strstr(inm, f->etag)) || (!inm && ims && !strcmp(ims, f->last_modified))) {
		struct MHD_Response *resp = MHD_create_response_from_buffer(0, (void *)"",
		                                                            MHD_RESPMEM_PERSISTENT);
		nl_resp_set_mhd(r, 304, resp, 0);
		return;
	}
	bool gz = f->gz && accepts_gzip(nl_req_header(r, "Accept-Encoding"));
	struct MHD_Response *resp = MHD_create_response_from_buffer(
		gz ? f->gz_len : f->len, gz ? f->gz : f->data, MHD_RESPMEM_PERSISTENT);
	if (!resp)
		return;
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, f->content_type);
	if (gz)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_ENCODING, "gzip");
	nl_resp_set_mhd(r, 200, resp, gz ? f->gz_len : f->len);
}
