/* The files of a backup (`nitelik backup`, `nitelik restore`): the data
 * folder's entries with their modes, owners and SHA-256 digests, copied one way
 * or the other. The manifest that lists them is cli_backup.c's. */
#ifndef NL_CMD_BACKUP_FILES_H
#define NL_CMD_BACKUP_FILES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

struct nl_bk_entry {
	char *path;          /* relative to the folder, '/'-separated, no ".." */
	bool dir;
	unsigned mode;       /* permission bits */
	int64_t size;        /* files */
	char sha256[65];     /* files: hex */
	char owner[64], group[64];   /* names, "" when unknown */
};

struct nl_bk_list {
	struct nl_bk_entry *v;
	size_t n, cap;
	char **skipped;      /* what was left out and why ("ca/pin: CA secret") */
	size_t n_skipped, cap_skipped;
};
void nl_bk_list_free(struct nl_bk_list *l);

/* Says whether a relative path is left out of a backup; why is static text. */
typedef bool (*nl_bk_skip_fn)(const char *rel, void *ctx, const char **why);

/* Copies the folders and regular files below src into dst (created, 0700),
 * leaving out what skip says and anything that is neither a folder nor a
 * regular file (the signer's socket), and lists every entry copied. On error
 * writes "path: reason" into why. */
NL_MUST_USE nl_err nl_bk_copy_tree(const char *src, const char *dst, nl_bk_skip_fn skip, void *ctx,
                       struct nl_bk_list *list, char *why, size_t why_size);

/* Copies one file to dst (created exclusively with mode), hashing it. */
NL_MUST_USE nl_err nl_bk_copy_file(const char *src, const char *dst, unsigned mode, char sha256[65],
                       int64_t *size);
NL_MUST_USE nl_err nl_bk_hash_file(const char *path, char sha256[65], int64_t *size);

/* A relative path safe to join below a folder: not empty, not absolute, no
 * "." or ".." part, no empty part. */
bool nl_bk_path_ok(const char *rel);

/* True when dir does not exist or is an empty folder. */
bool nl_bk_dir_empty(const char *dir);

/* Makes every missing folder of path (mode 0700). */
NL_MUST_USE nl_err nl_bk_mkdirs(const char *path);

#endif
