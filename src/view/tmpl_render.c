/* Rendering of parsed templates: read-only over the set, so thread-safe. */
#include "view/tmpl_int.h"

#include <inttypes.h>
#include <string.h>

#include "view/i18n.h"

#define RENDER_MAX_STACK    64   /* context depth: nested sections and partials */
#define RENDER_MAX_PARTIALS 16   /* partial nesting (stops a partial including itself) */
/* The work of one render is bounded whatever the template and the data:
 * sections over arrays multiply (a 721-byte template nesting sections and a
 * self-including partial took minutes), so every node visited costs a step and
 * the output has a ceiling. The biggest real page (a list of 200 orders) takes
 * a few tens of thousands of steps and well under a megabyte. */
#define RENDER_MAX_STEPS    (1u << 21)          /* nodes visited */
#define RENDER_MAX_OUTPUT   ((size_t)16 << 20)  /* bytes appended by one render */

struct render {
	const nl_tmpl_set *set;
	const char *lang;
	int lang_i;                 /* nl_i18n_lang_index(lang) */
	const struct nl_tmpl_slot *slots;
	size_t n_slots;
	json_t *stack[RENDER_MAX_STACK];
	size_t depth;
	int partials;
	bool text;     /* text/plain output: no HTML escaping */
	bool strict;   /* a {{name}} without a value is an error (nl_tmpl_render_message) */
	nl_buf *out;
	size_t out_start;           /* out->len when the render began */
	size_t steps;               /* nodes visited so far */
};

/* The first segment is looked up from the innermost context outwards (mustache
 * scoping); the rest descend into objects. NULL when missing. */
static json_t *lookup(const struct render *r, const struct tnode *n)
{
	if (n->npath == 0)
		return r->stack[r->depth - 1];
	json_t *v = NULL;
	for (size_t i = r->depth; i-- > 0;) {
		if (json_is_object(r->stack[i]) && (v = json_object_get(r->stack[i], n->path[0])))
			break;
	}
	for (size_t k = 1; v && k < n->npath; k++)
		v = json_is_object(v) ? json_object_get(v, n->path[k]) : NULL;
	return v;
}

static bool truthy(const json_t *v)
{
	if (!v)
		return false;
	switch (json_typeof(v)) {
	case JSON_NULL: case JSON_FALSE: return false;
	case JSON_ARRAY: return json_array_size(v) > 0;
	case JSON_STRING: return json_string_length(v) > 0;
	case JSON_INTEGER: return json_integer_value(v) != 0;
	case JSON_REAL: return json_real_value(v) != 0.0;
	default: return true;
	}
}

static void put_value(nl_buf *out, const json_t *v, bool text)
{
	if (!v)
		return;
	switch (json_typeof(v)) {
	case JSON_STRING:
		if (text)
			nl_buf_append(out, json_string_value(v), json_string_length(v));
		else
			nl_buf_put_html_n(out, json_string_value(v), json_string_length(v));
		break;
	case JSON_INTEGER:
		nl_buf_printf(out, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		break;
	case JSON_REAL:
		nl_buf_printf(out, "%g", json_real_value(v));
		break;
	case JSON_TRUE: nl_buf_puts(out, "true"); break;
	case JSON_FALSE: nl_buf_puts(out, "false"); break;
	default: break;   /* objects, arrays and null print nothing */
	}
}

static NL_MUST_USE nl_err render_nodes(struct render *r, const struct tnode *n);

static NL_MUST_USE nl_err push_and_render(struct render *r, json_t *ctx, const struct tnode *body)
{
	if (r->depth >= RENDER_MAX_STACK)
		return NL_ERR_INVALID;
	r->stack[r->depth++] = ctx;
	nl_err rc = render_nodes(r, body);
	r->depth--;
	return rc;
}

static NL_MUST_USE nl_err render_partial(struct render *r, const struct tnode *n)
{
	for (size_t i = 0; i < r->n_slots; i++) {
		if (strcmp(r->slots[i].name, n->text) == 0) {
			nl_buf_append(r->out, r->slots[i].html, r->slots[i].len);
			return NL_OK;
		}
	}
	/* Linked at load time; a set built by hand may not be linked yet. */
	const struct tmpl *t = n->partial ? n->partial : nl_tmpl_find(r->set, n->text);
	if (!t)
		return NL_ERR_NOT_FOUND;
	if (++r->partials > RENDER_MAX_PARTIALS)
		return NL_ERR_INVALID;
	nl_err rc = render_nodes(r, t->root);
	r->partials--;
	return rc;
}

static NL_MUST_USE nl_err render_nodes(struct render *r, const struct tnode *n)
{
	nl_err rc = NL_OK;
	for (; n && rc == NL_OK; n = n->next) {
		if (++r->steps > RENDER_MAX_STEPS || r->out->len - r->out_start > RENDER_MAX_OUTPUT)
			return NL_ERR_TOO_LARGE;
		switch (n->kind) {
		case TN_TEXT:
			nl_buf_append(r->out, n->text, n->len);
			break;
		case TN_VAR: {
			const json_t *v = lookup(r, n);
			if (!v && r->strict)
				rc = NL_ERR_INVALID;
			else
				put_value(r->out, v, r->text);
			break;
		}
		case TN_TRANSLATE:
			if (r->lang_i >= 0 && n->tr_html[r->lang_i])
				nl_buf_puts(r->out, r->text ? n->tr_text[r->lang_i] : n->tr_html[r->lang_i]);
			else if (r->text)
				nl_buf_puts(r->out, nl_i18n_get(r->lang, n->text));
			else
				nl_buf_put_html(r->out, nl_i18n_get(r->lang, n->text));
			break;
		case TN_PARTIAL:
			rc = render_partial(r, n);
			break;
		case TN_INVERTED:
			if (!truthy(lookup(r, n)))
				rc = render_nodes(r, n->child);
			break;
		case TN_SECTION: {
			json_t *v = lookup(r, n);
			if (!truthy(v))
				break;
			if (json_is_array(v)) {
				size_t i;
				json_t *item;
				json_array_foreach(v, i, item) {
					if ((rc = push_and_render(r, item, n->child)) != NL_OK)
						break;
				}
			} else {
				rc = push_and_render(r, v, n->child);
			}
			break;
		}
		}
		if (r->out->oom)
			rc = NL_ERR_NOMEM;
		else if (rc == NL_OK && r->out->len - r->out_start > RENDER_MAX_OUTPUT)
			rc = NL_ERR_TOO_LARGE;
	}
	return rc;
}

static NL_MUST_USE nl_err render_top(const nl_tmpl_set *set, const char *name, json_t *data,
                         const char *lang, const struct nl_tmpl_slot *slots, size_t n_slots,
                         bool text, bool strict, nl_buf *out)
{
	const struct tmpl *t = nl_tmpl_find(set, name);
	if (!t)
		return NL_ERR_NOT_FOUND;
	size_t start = out->len;
	struct render r = {.set = set, .lang = lang, .lang_i = nl_i18n_lang_index(lang), .slots = slots, .n_slots = n_slots,
	                   .text = text, .strict = strict, .out = out, .out_start = start};
	json_t *empty = NULL;
	if (!data && !(data = empty = json_object()))
		return NL_ERR_NOMEM;
	r.stack[r.depth++] = data;
	nl_err rc = render_nodes(&r, t->root);
	json_decref(empty);
	if (rc != NL_OK && !out->oom) {
		out->len = start;
		if (out->data)
			out->data[start] = '\0';
	}
	return rc;
}

nl_err nl_tmpl_render_slots(const nl_tmpl_set *set, const char *name, json_t *data,
                            const char *lang, const struct nl_tmpl_slot *slots,
                            size_t n_slots, nl_buf *out)
{
	return render_top(set, name, data, lang, slots, n_slots, false, false, out);
}

nl_err nl_tmpl_render_text(const nl_tmpl_set *set, const char *name, json_t *data,
                           const char *lang, nl_buf *out)
{
	return render_top(set, name, data, lang, NULL, 0, true, false, out);
}

nl_err nl_tmpl_render_message(const nl_tmpl_set *set, const char *name, json_t *data,
                              const char *lang, bool html, nl_buf *out)
{
	return render_top(set, name, data, lang, NULL, 0, !html, true, out);
}

nl_err nl_tmpl_render(const nl_tmpl_set *set, const char *name, json_t *data,
                      const char *lang, nl_buf *out)
{
	return nl_tmpl_render_slots(set, name, data, lang, NULL, 0, out);
}

nl_err nl_tmpl_render_page(const nl_tmpl_set *set, const char *layout, const char *page,
                           json_t *data, const char *lang, nl_buf *out)
{
	nl_buf body = NL_BUF_INIT;
	nl_err rc = nl_tmpl_render(set, page, data, lang, &body);
	if (rc == NL_OK) {
		struct nl_tmpl_slot slot = {"content", body.data ? body.data : "", body.len};
		rc = nl_tmpl_render_slots(set, layout, data, lang, &slot, 1, out);
	}
	nl_buf_free(&body);
	return rc;
}
