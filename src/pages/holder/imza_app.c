/* Getting the signing application (issue 13 item 2; docs/esign.md, "Getting
 * nitelik-imza"):
 *   GET /imza-uygulamasi          how to install nitelik-imza per system, with
 *                                 a link to the Debian package when the
 *                                 operator has put one in [web] imza_package_dir
 *   GET /imza-uygulamasi/{file}   that package (only nitelik-imza_*.deb names)
 * Every e-İmza page links the first (web/templates/esign/get_app.html). The
 * folder is read at each request, so a new package shows without a restart. */
#include <dirent.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "core/file.h"
#include "pages/handlers.h"
#include "pages/pages.h"

#define PKG_PREFIX "nitelik-imza_"
#define PKG_SUFFIX ".deb"
#define PKG_MAX_BYTES (256u * 1024 * 1024)

/* A package name of `make deb-imza` (nitelik-imza_<version>_<arch>.deb):
 * nothing that could leave the folder or hide a file. */
static bool package_name_ok(const char *name)
{
	size_t n = strlen(name), pre = strlen(PKG_PREFIX), suf = strlen(PKG_SUFFIX);
	if (n <= pre + suf || n > 200 || strncmp(name, PKG_PREFIX, pre) != 0 ||
	    strcmp(name + n - suf, PKG_SUFFIX) != 0)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = name[i];
		bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		          c == '.' || c == '_' || c == '-' || c == '+' || c == '~';
		if (!ok)
			return false;
	}
	return strstr(name, "..") == NULL;
}

/* The newest package (by modification time, then name) in the folder:
 * name (size name_size) and its size. false when there is none. */
static bool newest_package(const char *dir, char *name, size_t name_size, int64_t *bytes)
{
	bool found = false;
	struct timespec best = {0, 0};
	DIR *dh = dir[0] ? opendir(dir) : NULL;
	if (!dh)
		return false;
	struct dirent *de;
	while ((de = readdir(dh)) != NULL) {
		char path[1024];
		struct stat st;
		if (!package_name_ok(de->d_name) || strlen(de->d_name) >= name_size)
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
		if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
			continue;
		bool newer = !found || st.st_mtim.tv_sec > best.tv_sec ||
		             (st.st_mtim.tv_sec == best.tv_sec && strcmp(de->d_name, name) > 0);
		if (newer) {
			found = true;
			best = st.st_mtim;
			snprintf(name, name_size, "%s", de->d_name);
			*bytes = (int64_t)st.st_size;
		}
	}
	closedir(dh);
	return found;
}

void nl_h_imza_app(struct nl_req *r)
{
	const struct nl_config *cfg = nl_app_of(r)->cfg;
	json_t *d = nl_page_data(r, "The Signing Application nitelik-imza");
	if (!d) {
		nl_resp_error(r, NL_ERR_NOMEM, NULL);
		return;
	}
	char name[256];
	int64_t bytes = 0;
	if (newest_package(cfg->imza_package_dir, name, sizeof name, &bytes)) {
		char url[300];
		snprintf(url, sizeof url, "/imza-uygulamasi/%s", name);
		json_object_set_new(d, "package", json_pack("{s:s, s:s, s:I}", "name", name, "url", url,
		                                            "kib", (json_int_t)((bytes + 1023) / 1024)));
	}
	json_object_set_new(d, "server", json_string(cfg->base_url));
	nl_page_respond(r, 200, "esign/imza_app", d);
}

void nl_h_imza_app_package(struct nl_req *r)
{
	const struct nl_config *cfg = nl_app_of(r)->cfg;
	const char *file = nl_req_param(r, "file");
	char path[1024];
	nl_buf b = NL_BUF_INIT;
	if (!cfg->imza_package_dir[0] || !file || !package_name_ok(file)) {
		nl_resp_error(r, NL_ERR_NOT_FOUND, NULL);
		return;
	}
	snprintf(path, sizeof path, "%s/%s", cfg->imza_package_dir, file);
	if (nl_read_file(path, PKG_MAX_BYTES, &b) != NL_OK) {
		nl_buf_free(&b);
		nl_resp_error(r, NL_ERR_NOT_FOUND, NULL);
		return;
	}
	char disp[300];
	snprintf(disp, sizeof disp, "attachment; filename=\"%s\"", file);
	nl_resp_add_header(r, "Content-Disposition", disp);
	nl_resp_buf(r, 200, "application/vnd.debian.binary-package", &b);
}
