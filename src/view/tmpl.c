/* The template set and its loader: web/templates read into a set, partials
 * linked by name. The parser is in tmpl_parse.c, rendering in tmpl_render.c. */
#include "view/tmpl_int.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/file.h"

#define TMPL_MAX_FILE   (1u << 20)   /* a template bigger than 1 MiB is a mistake */
#define TMPL_MAX_DIRS   8            /* sub-folder depth below web/templates */

nl_tmpl_set *nl_tmpl_set_new(void)
{
	nl_tmpl_set *set = calloc(1, sizeof *set);
	if (set && !(set->arena = nl_arena_new())) {
		free(set);
		set = NULL;
	}
	return set;
}

void nl_tmpl_set_free(nl_tmpl_set *set)
{
	if (!set)
		return;
	nl_arena_free(set->arena);
	free(set);
}

const struct tmpl *nl_tmpl_find(const nl_tmpl_set *set, const char *name)
{
	for (const struct tmpl *t = set->list; t; t = t->next)
		if (strcmp(t->name, name) == 0)
			return t;
	return NULL;
}

bool nl_tmpl_has(const nl_tmpl_set *set, const char *name) { return nl_tmpl_find(set, name); }

nl_err nl_tmpl_add(nl_tmpl_set *set, const char *name, const char *src, size_t len, nl_buf *err)
{
	struct tnode *root = NULL;
	nl_err rc = nl_tmpl_parse(set->arena, name, src, len, &root, err);
	if (rc != NL_OK)
		return rc;
	struct tmpl *t = set->list;
	while (t && strcmp(t->name, name) != 0)
		t = t->next;
	if (!t) {
		if (!(t = nl_arena_alloc(set->arena, sizeof *t)) ||
		    !(t->name = nl_arena_strdup(set->arena, name)))
			return NL_ERR_NOMEM;
		t->next = set->list;
		set->list = t;
	}
	t->root = root;
	return NL_OK;
}

static NL_MUST_USE nl_err link_nodes(nl_tmpl_set *set, const struct tmpl *t, struct tnode *n,
                         const char *const *slots, nl_buf *err)
{
	for (; n; n = n->next) {
		if (n->kind == TN_PARTIAL) {
			n->partial = nl_tmpl_find(set, n->text);
			bool is_slot = false;
			for (size_t i = 0; slots && slots[i]; i++)
				is_slot |= strcmp(slots[i], n->text) == 0;
			if (!n->partial && !is_slot) {
				if (err)
					nl_buf_printf(err, "%s: unknown partial: %s", t->name, n->text);
				return NL_ERR_NOT_FOUND;
			}
		}
		nl_err rc = link_nodes(set, t, n->child, slots, err);
		if (rc != NL_OK)
			return rc;
	}
	return NL_OK;
}

nl_err nl_tmpl_link(nl_tmpl_set *set, const char *const *slot_names, nl_buf *err)
{
	for (struct tmpl *t = set->list; t; t = t->next) {
		nl_err rc = link_nodes(set, t, t->root, slot_names, err);
		if (rc != NL_OK)
			return rc;
	}
	return NL_OK;
}

static NL_MUST_USE nl_err load_file(nl_tmpl_set *set, const char *path, const char *name, nl_buf *err)
{
	nl_buf src = NL_BUF_INIT;
	nl_err rc = nl_read_file(path, TMPL_MAX_FILE, &src);
	if (rc == NL_OK)
		rc = nl_tmpl_add(set, name, src.data ? src.data : "", src.len, err);
	else if (err && rc == NL_ERR_TOO_LARGE)
		nl_buf_printf(err, "%s: template too large", path);
	else if (err && rc != NL_ERR_NOMEM)
		nl_buf_printf(err, "%s: cannot open", path);
	nl_buf_free(&src);
	return rc == NL_ERR_NOT_FOUND ? NL_ERR_IO : rc;
}

/* Walks dir/prefix recursively; a template's name is its path below dir. */
static NL_MUST_USE nl_err load_tree(nl_tmpl_set *set, const char *dir, const char *prefix, int depth,
                        nl_buf *err)
{
	char path[4096];
	snprintf(path, sizeof path, "%s%s%s", dir, *prefix ? "/" : "", prefix);
	DIR *d = opendir(path);
	if (!d) {
		if (err)
			nl_buf_printf(err, "%s: cannot open folder", path);
		return NL_ERR_IO;
	}
	nl_err rc = NL_OK;
	struct dirent *de;
	while (rc == NL_OK && (de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		char rel[2048], full[4096];
		snprintf(rel, sizeof rel, "%s%s%s", prefix, *prefix ? "/" : "", de->d_name);
		snprintf(full, sizeof full, "%s/%s", dir, rel);
		struct stat st;
		if (stat(full, &st) != 0)
			continue;
		size_t l = strlen(rel);
		if (S_ISDIR(st.st_mode)) {
			if (depth < TMPL_MAX_DIRS)
				rc = load_tree(set, dir, rel, depth + 1, err);
		} else if (S_ISREG(st.st_mode) && l > 5 && strcmp(rel + l - 5, ".html") == 0) {
			rel[l - 5] = '\0';
			rc = load_file(set, full, rel, err);
		} else if (S_ISREG(st.st_mode) && l > 4 && strcmp(rel + l - 4, ".txt") == 0) {
			rc = load_file(set, full, rel, err);   /* text parts keep ".txt" */
		}
	}
	closedir(d);
	return rc;
}

nl_err nl_tmpl_load_dir(const char *dir, nl_tmpl_set **out, nl_buf *err)
{
	static const char *const slots[] = {"content", NULL};
	*out = NULL;
	nl_tmpl_set *set = nl_tmpl_set_new();
	if (!set)
		return NL_ERR_NOMEM;
	nl_err rc = load_tree(set, dir, "", 0, err);
	if (rc == NL_OK)
		rc = nl_tmpl_link(set, slots, err);
	if (rc != NL_OK) {
		nl_tmpl_set_free(set);
		return rc;
	}
	*out = set;
	return NL_OK;
}

static NL_MUST_USE nl_err resolve_nodes(nl_arena *a, struct tnode *n)
{
	for (; n; n = n->next) {
		if (n->kind == TN_TRANSLATE) {
			for (size_t i = 0; i < nl_i18n_lang_count(); i++) {
				const char *t = nl_i18n_get(nl_i18n_lang_name(i), n->text);
				nl_buf html = NL_BUF_INIT;
				nl_buf_put_html(&html, t);
				n->tr_text[i] = t;   /* catalogue strings live until nl_i18n_free */
				n->tr_html[i] = html.oom ? NULL : nl_arena_strdup(a, html.data ? html.data : "");
				nl_buf_free(&html);
				if (!n->tr_html[i])
					return NL_ERR_NOMEM;
			}
		}
		nl_err rc = resolve_nodes(a, n->child);
		if (rc)
			return rc;
	}
	return NL_OK;
}

nl_err nl_tmpl_resolve_translations(nl_tmpl_set *set)
{
	for (struct tmpl *t = set->list; t; t = t->next) {
		nl_err rc = resolve_nodes(set->arena, t->root);
		if (rc)
			return rc;
	}
	return NL_OK;
}

static void each_msgid(const struct tmpl *t, const struct tnode *n,
                       void (*fn)(const char *, const char *, void *), void *arg)
{
	for (; n; n = n->next) {
		if (n->kind == TN_TRANSLATE)
			fn(t->name, n->text, arg);
		each_msgid(t, n->child, fn, arg);
	}
}

void nl_tmpl_each_msgid(const nl_tmpl_set *set,
                        void (*fn)(const char *tmpl, const char *msgid, void *arg), void *arg)
{
	for (const struct tmpl *t = set->list; t; t = t->next)
		each_msgid(t, t->root, fn, arg);
}
