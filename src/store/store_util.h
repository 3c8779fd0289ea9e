/* Small helpers shared by the store_*.c files (not a public API). */
#ifndef NL_STORE_UTIL_H
#define NL_STORE_UTIL_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "store/db.h"

/* Runs a statement that returns no rows; *changes (may be NULL) gets the
 * number of rows changed. Finalizes s. */
NL_MUST_USE nl_err nl_store_exec_stmt(nl_stmt *s, int64_t *changes);

/* Steps once: NL_OK with a row, NL_ERR_NOT_FOUND without, or the error. */
NL_MUST_USE nl_err nl_store_step_row(nl_stmt *s);

/* Steps once and reads column 0 of the row into *v (a count, a RETURNING
 * id); finalizes s. NL_ERR_NOT_FOUND without a row. */
NL_MUST_USE nl_err nl_store_one_int64(nl_stmt *s, int64_t *v);

/* malloc'd copy of a text column; NULL for SQL NULL. *rc becomes NL_ERR_NOMEM
 * if a copy failed (it is left alone otherwise), so that many columns can be
 * read before one check. */
char *nl_store_col_dup(nl_stmt *s, int col, nl_err *rc);

/* Copies a text column into a fixed buffer (truncating). */
void nl_store_col_copy(nl_stmt *s, int col, char *buf, size_t size);

/* Fills row (zeroed beforehand) from the current row of a statement. On
 * failure it leaves nothing allocated in row. */
typedef nl_err nl_store_read_row(nl_stmt *s, void *row);
/* Frees what read_row allocated in one row (not the row itself). */
typedef void nl_store_clear_row(void *row);

/* Steps s to the end, reading each row into a malloc'd array of elem_size
 * elements with read_row; finalizes s. On error the rows read so far are
 * cleared with clear_row (NULL when rows hold no pointers), *out is NULL and
 * *n 0. The caller frees *out (and, when clear_row is given, each row with
 * it; the store's *_list_free functions do both). */
NL_MUST_USE nl_err nl_store_rows(nl_stmt *s, size_t elem_size, nl_store_read_row *read_row,
                     nl_store_clear_row *clear_row, void **out, size_t *n);

/* nl_store_read_row for a single int64_t column (lists of ids). */
NL_MUST_USE nl_err nl_store_read_int64(nl_stmt *s, void *row);

/* UTC epoch seconds now. */
int64_t nl_store_now(void);

#endif
