/* Helpers shared by the store functions. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store/store_util.h"

nl_err nl_store_exec_stmt(nl_stmt *s, int64_t *changes)
{
	int r = nl_db_step(s);
	nl_err rc = r == NL_DB_DONE || r == NL_DB_ROW ? NL_OK : (nl_err)r;
	if (changes)
		*changes = rc == NL_OK ? nl_db_changes(s) : 0;
	nl_db_finalize(s);
	return rc;
}

nl_err nl_store_step_row(nl_stmt *s)
{
	int r = nl_db_step(s);
	if (r == NL_DB_ROW)
		return NL_OK;
	if (r == NL_DB_DONE)
		return NL_ERR_NOT_FOUND;
	return (nl_err)r;
}

nl_err nl_store_one_int64(nl_stmt *s, int64_t *v)
{
	nl_err rc = nl_store_step_row(s);
	if (rc == NL_OK)
		*v = nl_db_col_int64(s, 0);
	nl_db_finalize(s);
	return rc;
}

char *nl_store_col_dup(nl_stmt *s, int col, nl_err *rc)
{
	if (nl_db_col_is_null(s, col))
		return NULL;
	char *p = strdup(nl_db_col_text(s, col));
	if (!p)
		*rc = NL_ERR_NOMEM;
	return p;
}

void nl_store_col_copy(nl_stmt *s, int col, char *buf, size_t size)
{
	snprintf(buf, size, "%s", nl_db_col_text(s, col));
}

nl_err nl_store_rows(nl_stmt *s, size_t elem_size, nl_store_read_row *read_row,
                     nl_store_clear_row *clear_row, void **out, size_t *n)
{
	size_t cap = 0;
	*out = NULL;
	*n = 0;
	nl_err rc = NL_OK;
	int r;
	while ((r = nl_db_step(s)) == NL_DB_ROW) {
		if (*n == cap) {
			size_t nc = cap ? cap * 2 : 16;
			void *a = realloc(*out, nc * elem_size);
			if (!a) {
				rc = NL_ERR_NOMEM;
				break;
			}
			*out = a;
			cap = nc;
		}
		char *row = (char *)*out + *n * elem_size;
		memset(row, 0, elem_size);
		if ((rc = read_row(s, row)) != NL_OK)
			break;
		(*n)++;
	}
	nl_db_finalize(s);
	/* r is NL_DB_DONE after the last row, NL_DB_ROW when the loop broke
	 * (rc says why), or the step's error, an nl_err value (db.h). */
	if (rc == NL_OK && r != NL_DB_DONE)
		rc = (nl_err)r;
	if (rc != NL_OK) {
		for (size_t k = 0; clear_row && k < *n; k++)
			clear_row((char *)*out + k * elem_size);
		free(*out);
		*out = NULL;
		*n = 0;
	}
	return rc;
}

nl_err nl_store_read_int64(nl_stmt *s, void *row)
{
	*(int64_t *)row = nl_db_col_int64(s, 0);
	return NL_OK;
}

int64_t nl_store_now(void)
{
	return (int64_t)time(NULL);
}
