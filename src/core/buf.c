#include "core/buf.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void nl_buf_free(nl_buf *b)
{
	free(b->data);
	*b = (nl_buf)NL_BUF_INIT;
}

void nl_buf_reset(nl_buf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
}

char *nl_buf_take(nl_buf *b)
{
	char *p = b->data;
	if (!p && !b->oom)
		p = calloc(1, 1);
	*b = (nl_buf)NL_BUF_INIT;
	return p;
}

bool nl_buf_reserve(nl_buf *b, size_t extra)
{
	if (b->oom)
		return false;
	if (extra > SIZE_MAX / 2 - b->len) {
		b->oom = true;
		return false;
	}
	size_t need = b->len + extra + 1;
	if (need <= b->cap)
		return true;
	size_t cap = b->cap ? b->cap : 256;
	while (cap < need)
		cap *= 2;
	char *p = realloc(b->data, cap);
	if (!p) {
		b->oom = true;
		return false;
	}
	b->data = p;
	b->cap = cap;
	return true;
}

void nl_buf_append(nl_buf *b, const void *p, size_t n)
{
	if (!nl_buf_reserve(b, n))
		return;
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void nl_buf_puts(nl_buf *b, const char *s) { nl_buf_append(b, s, strlen(s)); }
void nl_buf_putc(nl_buf *b, char c) { nl_buf_append(b, &c, 1); }

void nl_buf_vprintf(nl_buf *b, const char *fmt, va_list ap)
{
	va_list ap2;
	va_copy(ap2, ap);
	int n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0 || !nl_buf_reserve(b, (size_t)n))
		return;
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
}

void nl_buf_printf(nl_buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	nl_buf_vprintf(b, fmt, ap);
	va_end(ap);
}

void nl_buf_put_html_n(nl_buf *b, const char *s, size_t n)
{
	size_t start = 0;
	for (size_t i = 0; i < n; i++) {
		const char *rep = NULL;
		switch (s[i]) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = "&quot;"; break;
		case '\'': rep = "&#39;"; break;
		default: continue;
		}
		nl_buf_append(b, s + start, i - start);
		nl_buf_puts(b, rep);
		start = i + 1;
	}
	nl_buf_append(b, s + start, n - start);
}

void nl_buf_put_html(nl_buf *b, const char *s) { nl_buf_put_html_n(b, s, strlen(s)); }
