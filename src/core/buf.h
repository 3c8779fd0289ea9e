/* Growable byte buffer, always NUL-terminated. Used for responses, SQL results,
 * templates. A buffer that failed an allocation stays failed (buf->oom) so a
 * caller can append many times and check once. */
#ifndef NL_CORE_BUF_H
#define NL_CORE_BUF_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

typedef struct nl_buf {
	char *data;    /* owned; free with nl_buf_free or take with nl_buf_take */
	size_t len;
	size_t cap;
	bool oom;
} nl_buf;

#define NL_BUF_INIT {0}

void nl_buf_free(nl_buf *b);
void nl_buf_reset(nl_buf *b);                 /* len = 0, keep memory */
char *nl_buf_take(nl_buf *b);                 /* caller frees; buffer becomes empty */
bool nl_buf_reserve(nl_buf *b, size_t extra);
void nl_buf_append(nl_buf *b, const void *p, size_t n);
void nl_buf_puts(nl_buf *b, const char *s);
void nl_buf_putc(nl_buf *b, char c);
void nl_buf_printf(nl_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void nl_buf_vprintf(nl_buf *b, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));
/* Appends s with & < > " ' escaped for HTML text and attribute values. */
void nl_buf_put_html(nl_buf *b, const char *s);
void nl_buf_put_html_n(nl_buf *b, const char *s, size_t n);

#endif
