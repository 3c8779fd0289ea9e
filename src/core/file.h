/* Whole files in and out: the one reader and the one atomic writer every
 * layer uses (templates, catalogues, configuration, CA files, static files,
 * imports). They are core's only I/O, kept here so that a size bound, a
 * read error (ferror) and a missing file (NL_ERR_NOT_FOUND) are handled the
 * same way everywhere instead of in one private reader per module. */
#ifndef NL_CORE_FILE_H
#define NL_CORE_FILE_H

#include <stddef.h>

#include "core/buf.h"
#include "core/err.h"

/* Appends the file's bytes to out (NUL-terminated as every nl_buf).
 * NL_ERR_NOT_FOUND when it does not exist, NL_ERR_TOO_LARGE past max bytes,
 * NL_ERR_IO on another open or read error, NL_ERR_NOMEM. On error out may
 * hold a part of the file: the caller frees it as usual. */
NL_MUST_USE nl_err nl_read_file(const char *path, size_t max, nl_buf *out);

/* Reads the first line of a small file (at most 4 KiB: a PIN file, the node's
 * name, a demo switch) into out, without its line end ("\n" or "\r\n"); an
 * empty file gives "". NL_ERR_NOT_FOUND, NL_ERR_IO, NL_ERR_TOO_LARGE (the file
 * or its first line does not fit). The bytes read are wiped from memory
 * before returning, as such files hold PINs. */
NL_MUST_USE nl_err nl_read_line(const char *path, char *out, size_t size);

/* Writes a whole file atomically (a temporary file, then rename) with the
 * given mode. */
NL_MUST_USE nl_err nl_write_file(const char *path, const void *p, size_t n, unsigned mode);

#endif
