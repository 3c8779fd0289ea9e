/* schema_compare (schema_describe.h): two descriptions, item by item. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "schema_describe.h"

static const struct schema_allow *allowed(const char *key, const struct schema_allow *allow,
                                          size_t n, bool *used)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(allow[i].key, key)) {
			used[i] = true;
			return &allow[i];
		}
	return NULL;
}

size_t schema_compare(const struct schema *a, const char *a_name, const struct schema *b,
                      const char *b_name, const struct schema_allow *allow, size_t n_allow)
{
	size_t diffs = 0, i = 0, j = 0;
	bool used[64] = {0};
	if (n_allow > 64)
		n_allow = 64;
	while (i < a->n || j < b->n) {
		int cmp = i == a->n ? 1 : j == b->n ? -1 : strcmp(a->v[i].key, b->v[j].key);
		const char *key = cmp <= 0 ? a->v[i].key : b->v[j].key;
		bool differs = cmp != 0 || strcmp(a->v[i].val, b->v[j].val) != 0;
		const struct schema_allow *ok = differs ? allowed(key, allow, n_allow, used) : NULL;
		if (differs && ok) {
			printf("# allowed: %s: %s\n", key, ok->why);
		} else if (cmp < 0) {
			printf("# only in %s: %s%s%s\n", a_name, key, *a->v[i].val ? ": " : "",
			       a->v[i].val);
			diffs++;
		} else if (cmp > 0) {
			printf("# only in %s: %s%s%s\n", b_name, key, *b->v[j].val ? ": " : "",
			       b->v[j].val);
			diffs++;
		} else if (differs) {
			printf("# differs: %s\n#   %-10s %s\n#   %-10s %s\n", key, a_name, a->v[i].val,
			       b_name, b->v[j].val);
			diffs++;
		}
		i += cmp <= 0;
		j += cmp >= 0;
	}
	for (size_t k = 0; k < n_allow; k++)
		if (!used[k]) {
			printf("# allow-list entry excuses nothing any more (remove it): %s\n",
			       allow[k].key);
			diffs++;
		}
	fflush(stdout);
	return diffs;
}
