/* Region allocator: many small allocations, one free. Each HTTP request owns one
 * arena that is freed when the request completes, so handlers never free what
 * they allocate from it. Not thread-safe: one arena belongs to one thread. */
#ifndef NL_CORE_ARENA_H
#define NL_CORE_ARENA_H

#include <stdarg.h>
#include <stddef.h>

typedef struct nl_arena nl_arena;

nl_arena *nl_arena_new(void);              /* caller frees with nl_arena_free */
void nl_arena_free(nl_arena *a);           /* frees every allocation; NULL is fine */
void *nl_arena_alloc(nl_arena *a, size_t n);   /* zeroed; NULL only on OOM */
char *nl_arena_strdup(nl_arena *a, const char *s);
char *nl_arena_strndup(nl_arena *a, const char *s, size_t n);
char *nl_arena_printf(nl_arena *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
char *nl_arena_vprintf(nl_arena *a, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));
size_t nl_arena_used(const nl_arena *a);   /* bytes handed out, for limits and tests */

#endif
