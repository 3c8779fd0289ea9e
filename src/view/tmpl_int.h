/* Private to tmpl_parse.c (parser), tmpl.c (set, loader) and tmpl_render.c:
 * the parsed tree. */
#ifndef NL_VIEW_TMPL_INT_H
#define NL_VIEW_TMPL_INT_H

#include "core/arena.h"
#include "view/tmpl.h"

enum tnode_kind {
	TN_TEXT,       /* literal text */
	TN_VAR,        /* {{name}} */
	TN_SECTION,    /* {{#name}} … {{/name}} */
	TN_INVERTED,   /* {{^name}} … {{/name}} */
	TN_PARTIAL,    /* {{> name}} */
	TN_TRANSLATE,  /* {{t "msgid"}} and {{#t}}msgid{{/t}} */
};

#include "view/i18n.h"

struct tmpl;

struct tnode {
	enum tnode_kind kind;
	const char *text;           /* TEXT: bytes; TRANSLATE: msgid; PARTIAL: name */
	size_t len;                 /* TEXT only */
	const char **path;          /* VAR/SECTION/INVERTED: dotted name split; */
	size_t npath;               /*   npath 0 means "." (the current value) */
	struct tnode *child;        /* SECTION/INVERTED: first node of the body */
	struct tnode *next;
	const struct tmpl *partial; /* PARTIAL: linked template, NULL for a slot */
	/* TRANSLATE, after nl_tmpl_resolve_translations: the translation per
	 * language index, as text and HTML-escaped; NULL = look it up at render */
	const char *tr_text[NL_I18N_MAX_LANG];
	const char *tr_html[NL_I18N_MAX_LANG];
};

struct tmpl {
	const char *name;
	struct tnode *root;
	struct tmpl *next;
};

struct nl_tmpl_set {
	nl_arena *arena;      /* every node, name and text of every template */
	struct tmpl *list;
};

const struct tmpl *nl_tmpl_find(const nl_tmpl_set *set, const char *name);

/* Parses len bytes of src (template `name`, for messages) into *root; every
 * node and a copy of the source live in a. NL_ERR_INVALID with "name:line:
 * why" in err (may be NULL), NL_ERR_NOMEM. */
NL_MUST_USE nl_err nl_tmpl_parse(nl_arena *a, const char *name, const char *src, size_t len,
                     struct tnode **root, nl_buf *err);

#endif
