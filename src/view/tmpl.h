/* The template engine of the pages and of the mail and SMS notifications: a
 * small mustache subset with HTML escaping on (off only for text/plain
 * outputs, nl_tmpl_render_text and nl_tmpl_render_message).
 *
 *   {{name}}  {{a.b}}  {{.}}      value, HTML-escaped (& < > " ' — safe in text
 *                                 and in quoted attribute values)
 *   {{#x}}…{{/x}}                 section: once per array element, once with an
 *                                 object pushed on the context, once for other truthy
 *                                 values (true, numbers, non-empty strings)
 *   {{^x}}…{{/x}}                 inverted: when x is missing, null, false, "", 0 or []
 *   {{> name}}                    partial: another template, or a pre-rendered slot
 *   {{! comment }}
 *   {{t "msgid"}}                 translated text (escaped); \" and \\ in the msgid
 *   {{#t}}Some msgid{{/t}}        the same; whitespace runs in the body become one space
 *
 * There is no raw output: {{{x}}} and {{&x}} are parse errors. HTML produced
 * elsewhere can only enter a page as a slot, i.e. the output of an earlier
 * nl_tmpl_render (nl_tmpl_render_page does this for the layout's {{> content}}).
 * A line holding only a section, close, comment or partial tag is dropped
 * whole, as in mustache, so templates can be indented freely.
 *
 * Escaping protects text and QUOTED attribute values: always quote attributes.
 * It does not make a URL safe: data put in href/src must be a path the handler
 * built or checked (no "javascript:").
 *
 * Templates are parsed once (nl_tmpl_load_dir at start) into a tree; rendering
 * is read-only, so any number of threads may render from one set. */
#ifndef NL_VIEW_TMPL_H
#define NL_VIEW_TMPL_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "core/buf.h"
#include "core/err.h"

typedef struct nl_tmpl_set nl_tmpl_set;

/* Pre-rendered, trusted HTML that fills a {{> name}} at render time. */
struct nl_tmpl_slot {
	const char *name;
	const char *html;
	size_t len;
};

/* An empty set; caller frees with nl_tmpl_set_free. NULL on OOM. */
nl_tmpl_set *nl_tmpl_set_new(void);
void nl_tmpl_set_free(nl_tmpl_set *set);

/* Parses one template and adds it under `name` (replacing one of that name).
 * On a parse error returns NL_ERR_INVALID and writes "name:line: reason" to err. */
NL_MUST_USE nl_err nl_tmpl_add(nl_tmpl_set *set, const char *name, const char *src, size_t len, nl_buf *err);

/* Loads every *.html below dir; the name is the relative path without ".html"
 * ("home", "errors/404"). *.txt files (text parts of mails, for
 * nl_tmpl_render_text) keep their extension: "mail/access_password.txt". Then links partials: a partial that names neither a
 * template nor one of the slot names ("content") is an error. On error returns
 * non-zero, *out stays NULL and err says which template and line.
 * Caller frees *out with nl_tmpl_set_free. */
NL_MUST_USE nl_err nl_tmpl_load_dir(const char *dir, nl_tmpl_set **out, nl_buf *err);

/* Resolves {{> name}} references to templates of the set (after nl_tmpl_add
 * calls; nl_tmpl_load_dir does it). Unknown names must be among slot_names
 * (NULL-terminated, may be NULL), else NL_ERR_NOT_FOUND with the name in err. */
NL_MUST_USE nl_err nl_tmpl_link(nl_tmpl_set *set, const char *const *slot_names, nl_buf *err);

bool nl_tmpl_has(const nl_tmpl_set *set, const char *name);

/* Renders template `name` with data (any json_t; usually an object) in lang
 * (for {{t}}; "tr"/"en") and appends to out. On error out is restored to its
 * previous length: NL_ERR_NOT_FOUND (no such template or partial),
 * NL_ERR_INVALID (partials or contexts nested too deep), NL_ERR_TOO_LARGE (the
 * render passed its bound of work, 2^21 nodes visited, or of output, 16 MiB:
 * nested sections over arrays multiply), NL_ERR_NOMEM. */
NL_MUST_USE nl_err nl_tmpl_render(const nl_tmpl_set *set, const char *name, json_t *data,
                      const char *lang, nl_buf *out);

/* Same, with pre-rendered slots that take precedence over templates of the
 * same name. */
NL_MUST_USE nl_err nl_tmpl_render_slots(const nl_tmpl_set *set, const char *name, json_t *data,
                            const char *lang, const struct nl_tmpl_slot *slots,
                            size_t n_slots, nl_buf *out);

/* Plain-text rendering for text/plain outputs only (the text part of a mail):
 * values and translations are written as they are, without HTML escaping.
 * Never use it for anything a browser renders as HTML. */
NL_MUST_USE nl_err nl_tmpl_render_text(const nl_tmpl_set *set, const char *name, json_t *data,
                           const char *lang, nl_buf *out);

/* For messages that leave the house (the mail and SMS notifications of app/):
 * HTML-escaped like nl_tmpl_render when html (the HTML part of a mail), as
 * they are like nl_tmpl_render_text otherwise (the text part, an SMS). A
 * {{name}} the data lacks is NL_ERR_INVALID instead of nothing, so a
 * misspelt placeholder never reaches a person as a blank. */
NL_MUST_USE nl_err nl_tmpl_render_message(const nl_tmpl_set *set, const char *name, json_t *data,
                              const char *lang, bool html, nl_buf *out);

/* Renders `page`, then `layout` with the page's HTML in the slot "content",
 * both with the same data. */
NL_MUST_USE nl_err nl_tmpl_render_page(const nl_tmpl_set *set, const char *layout, const char *page,
                           json_t *data, const char *lang, nl_buf *out);

/* Looks every {{t "msgid"}} up once in every language and keeps the text and
 * its HTML-escaped form in the template tree, so rendering appends bytes
 * instead of hashing the msgid per request. Call once the catalogues are
 * loaded, before the set is shared between threads; a set that was never
 * resolved translates at render time. */
NL_MUST_USE nl_err nl_tmpl_resolve_translations(nl_tmpl_set *set);

/* Calls fn for every msgid used by {{t}} in the set (to check the catalogues). */
void nl_tmpl_each_msgid(const nl_tmpl_set *set,
                        void (*fn)(const char *tmpl, const char *msgid, void *arg), void *arg);

#endif
