#include "core/arena.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Blocks grow geometrically up to a cap; an oversize request gets a block of its own. */
#define ARENA_FIRST_BLOCK 4096u
#define ARENA_MAX_BLOCK   (256u * 1024u)
#define ARENA_ALIGN       16u

struct block {
	struct block *next;
	size_t size, used;
	_Alignas(16) unsigned char data[];
};

struct nl_arena {
	struct block *head;
	size_t next_size;
	size_t total;
};

nl_arena *nl_arena_new(void)
{
	nl_arena *a = calloc(1, sizeof *a);
	if (a)
		a->next_size = ARENA_FIRST_BLOCK;
	return a;
}

void nl_arena_free(nl_arena *a)
{
	if (!a)
		return;
	struct block *b = a->head;
	while (b) {
		struct block *n = b->next;
		free(b);
		b = n;
	}
	free(a);
}

void *nl_arena_alloc(nl_arena *a, size_t n)
{
	if (n == 0)
		n = 1;
	if (n > SIZE_MAX - ARENA_ALIGN)
		return NULL;
	n = (n + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
	struct block *b = a->head;
	if (!b || b->size - b->used < n) {
		size_t sz = a->next_size;
		if (sz < n)
			sz = n;
		if (sz > SIZE_MAX - sizeof *b)
			return NULL;
		b = malloc(sizeof *b + sz);
		if (!b)
			return NULL;
		b->size = sz;
		b->used = 0;
		b->next = a->head;
		a->head = b;
		if (a->next_size < ARENA_MAX_BLOCK)
			a->next_size *= 2;
	}
	void *p = b->data + b->used;
	b->used += n;
	a->total += n;
	memset(p, 0, n);
	return p;
}

char *nl_arena_strndup(nl_arena *a, const char *s, size_t n)
{
	char *p = nl_arena_alloc(a, n + 1);
	if (p) {
		memcpy(p, s, n);
		p[n] = '\0';
	}
	return p;
}

char *nl_arena_strdup(nl_arena *a, const char *s)
{
	return s ? nl_arena_strndup(a, s, strlen(s)) : NULL;
}

char *nl_arena_vprintf(nl_arena *a, const char *fmt, va_list ap)
{
	va_list ap2;
	va_copy(ap2, ap);
	int n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		return NULL;
	char *p = nl_arena_alloc(a, (size_t)n + 1);
	if (p)
		vsnprintf(p, (size_t)n + 1, fmt, ap);
	return p;
}

char *nl_arena_printf(nl_arena *a, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *p = nl_arena_vprintf(a, fmt, ap);
	va_end(ap);
	return p;
}

size_t nl_arena_used(const nl_arena *a) { return a->total; }
