/* Private to spec.c (field bookkeeping), spec_value.c (value rules) and
 * spec_body.c (body encodings): every encoding is first turned into a list of
 * items, then the same rules apply. */
#ifndef NL_VIEW_SPEC_INT_H
#define NL_VIEW_SPEC_INT_H

#include "view/spec.h"

struct spec_item {
	const char *name;          /* NUL-terminated, in the arena */
	size_t name_len;
	const char *value;         /* NUL-terminated copy; may hold NUL bytes inside */
	size_t len;
	json_t *json;              /* JSON bodies: the member value (borrowed) */
	bool is_file;              /* multipart part with a filename parameter */
	const char *filename;
	const char *content_type;
};

struct spec_items {
	struct spec_item *v;
	size_t n, cap;
	const char *body_error;    /* a code when the body itself is malformed */
};

/* Appends an item; false when over NL_SPEC_MAX_FIELDS (body_error set) or OOM. */
bool nl_spec_items_add(nl_arena *a, struct spec_items *items, const struct spec_item *it);

/* Value rules (spec_value.c). */
/* Code points that never belong in a value: C0 (tab and newlines only when
 * multiline), DEL and C1. Returns an error code ("invalid_utf8",
 * "control_char") or NULL. */
const char *nl_spec_check_chars(const char *s, size_t len, bool multiline);
/* Converts one present item into m, the member spec s describes (in the
 * arena a where it needs a copy). Returns an error code ("nomem" when out of
 * memory), NULL on success; *absent when the value counts as not given
 * (empty, JSON null, an empty file input). */
const char *nl_spec_convert(nl_arena *a, const struct nl_spec *s, void *m,
                            const struct spec_item *it, bool *absent);

/* Body decoders (spec_body.c). Each returns NL_OK with items (or with
 * items->body_error set), or NL_ERR_NOMEM. */
NL_MUST_USE nl_err nl_spec_decode_urlencoded(nl_arena *a, const char *s, size_t len, struct spec_items *items);
NL_MUST_USE nl_err nl_spec_decode_multipart(nl_arena *a, const char *content_type, const char *body,
                                size_t len, struct spec_items *items);
NL_MUST_USE nl_err nl_spec_decode_json(nl_arena *a, const char *body, size_t len, json_t **root,
                           struct spec_items *items);

#endif
