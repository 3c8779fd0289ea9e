/* Template parser and loader; rendering is in tmpl_render.c. */
#include "web/tmpl_int.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define TMPL_MAX_FILE   (1u << 20)   /* a template bigger than 1 MiB is a mistake */
#define TMPL_MAX_DEPTH  64           /* nested sections */
#define TMPL_MAX_DIRS   8            /* sub-folder depth below web/templates */

struct parser {
	nl_arena *a;
	const char *name;    /* template name, for messages */
	const char *src;     /* arena copy of the source: text nodes point into it */
	size_t len, pos;
	nl_buf *err;
	int depth;
};

static unsigned line_at(const struct parser *p, size_t pos)
{
	unsigned line = 1;
	for (size_t i = 0; i < pos && i < p->len; i++)
		line += p->src[i] == '\n';
	return line;
}

static nl_err fail(struct parser *p, size_t pos, const char *why, const char *detail)
{
	if (p->err)
		nl_buf_printf(p->err, "%s:%u: %s%s%s", p->name, line_at(p, pos), why,
		              detail ? ": " : "", detail ? detail : "");
	return NL_ERR_INVALID;
}

static const char *find(const char *hay, size_t from, size_t len, const char *needle)
{
	if (from >= len)
		return NULL;
	return memmem(hay + from, len - from, needle, strlen(needle));
}

static struct tnode *node_new(struct parser *p, enum tnode_kind kind)
{
	struct tnode *n = nl_arena_alloc(p->a, sizeof *n);
	if (n)
		n->kind = kind;
	return n;
}

static bool is_blank(char c) { return c == ' ' || c == '\t'; }

/* Splits a trimmed tag name into its dotted path. "." is the current value. */
static nl_err parse_name(struct parser *p, size_t at, const char *s, size_t n, struct tnode *node)
{
	while (n && is_blank(*s))
		s++, n--;
	while (n && is_blank(s[n - 1]))
		n--;
	if (n == 0)
		return fail(p, at, "empty tag name", NULL);
	if (n == 1 && *s == '.')
		return NL_OK;   /* npath 0 */
	size_t segs = 1;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (c == '.') {
			if (i == 0 || i == n - 1 || s[i - 1] == '.')
				return fail(p, at, "empty part in a dotted name", NULL);
			segs++;
		} else if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		             c == '_' || c == '-')) {
			return fail(p, at, "bad character in a tag name", NULL);
		}
	}
	node->path = nl_arena_alloc(p->a, segs * sizeof *node->path);
	if (!node->path)
		return NL_ERR_NOMEM;
	size_t start = 0, k = 0;
	for (size_t i = 0; i <= n; i++) {
		if (i == n || s[i] == '.') {
			if (!(node->path[k++] = nl_arena_strndup(p->a, s + start, i - start)))
				return NL_ERR_NOMEM;
			start = i + 1;
		}
	}
	node->npath = segs;
	return NL_OK;
}

static bool same_name(const struct tnode *n, const char *s, size_t len)
{
	while (len && is_blank(*s))
		s++, len--;
	while (len && is_blank(s[len - 1]))
		len--;
	if (n->npath == 0)
		return len == 1 && *s == '.';
	size_t off = 0;
	for (size_t i = 0; i < n->npath; i++) {
		size_t l = strlen(n->path[i]);
		if (i > 0) {
			if (off >= len || s[off] != '.')
				return false;
			off++;
		}
		if (off + l > len || memcmp(s + off, n->path[i], l) != 0)
			return false;
		off += l;
	}
	return off == len;
}

static bool is_t(const char *s, size_t n)
{
	while (n && is_blank(*s))
		s++, n--;
	while (n && is_blank(s[n - 1]))
		n--;
	return n == 1 && *s == 't';
}

/* Partial names are template names: letters, digits, _ - / (errors/404). */
static nl_err parse_partial_name(struct parser *p, size_t at, const char *s, size_t n,
                                 struct tnode *node)
{
	while (n && is_blank(*s))
		s++, n--;
	while (n && is_blank(s[n - 1]))
		n--;
	if (n == 0)
		return fail(p, at, "empty partial name", NULL);
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '_' || c == '-' || (c == '/' && i > 0 && i < n - 1 && s[i - 1] != '/')))
			return fail(p, at, "bad character in a partial name", NULL);
	}
	node->text = nl_arena_strndup(p->a, s, n);
	return node->text ? NL_OK : NL_ERR_NOMEM;
}

/* {{t "msgid"}}: a double-quoted string with \" and \\ escapes. */
static nl_err parse_quoted(struct parser *p, size_t at, const char *s, size_t n, struct tnode *node)
{
	while (n && is_blank(*s))
		s++, n--;
	while (n && is_blank(s[n - 1]))
		n--;
	if (n < 2 || s[0] != '"' || s[n - 1] != '"')
		return fail(p, at, "{{t}} needs a quoted message id", NULL);
	char *out = nl_arena_alloc(p->a, n);
	if (!out)
		return NL_ERR_NOMEM;
	size_t k = 0;
	for (size_t i = 1; i < n - 1; i++) {
		if (s[i] == '\\' && i + 1 < n - 1 && (s[i + 1] == '"' || s[i + 1] == '\\'))
			i++;
		else if (s[i] == '"')
			return fail(p, at, "unescaped quote in {{t}}", NULL);
		out[k++] = s[i];
	}
	if (k == 0)
		return fail(p, at, "empty message id", NULL);
	node->text = out;
	return NL_OK;
}

/* {{#t}}body{{/t}}: the body is plain text; runs of white space become one
 * space so a long message can be wrapped in the template. */
static nl_err parse_translate_block(struct parser *p, size_t at, struct tnode *node)
{
	const char *close = find(p->src, p->pos, p->len, "{{/t}}");
	if (!close)
		return fail(p, at, "unclosed {{#t}}", NULL);
	size_t end = (size_t)(close - p->src);
	if (find(p->src, p->pos, end, "{{"))
		return fail(p, at, "tags are not allowed inside {{#t}}", NULL);
	char *out = nl_arena_alloc(p->a, end - p->pos + 1);
	if (!out)
		return NL_ERR_NOMEM;
	size_t k = 0;
	bool space = false;
	for (size_t i = p->pos; i < end; i++) {
		char c = p->src[i];
		if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
			space = k > 0;
			continue;
		}
		if (space)
			out[k++] = ' ';
		space = false;
		out[k++] = c;
	}
	if (k == 0)
		return fail(p, at, "empty message id", NULL);
	node->text = out;
	p->pos = end + 6;
	return NL_OK;
}

/* Mustache's "standalone" rule: a section, close, comment or partial tag alone
 * on its line takes the whole line with it. Returns true and sets *text_end
 * (end of the text before the tag) and *after (where parsing resumes). */
static bool standalone(const struct parser *p, size_t tag_start, size_t tag_end,
                       size_t *text_end, size_t *after)
{
	size_t ls = tag_start;
	while (ls > p->pos && is_blank(p->src[ls - 1]))
		ls--;
	if (!(ls == 0 || p->src[ls - 1] == '\n') || ls < p->pos)
		return false;
	size_t e = tag_end;
	while (e < p->len && is_blank(p->src[e]))
		e++;
	if (e < p->len && p->src[e] == '\r' && e + 1 < p->len && p->src[e + 1] == '\n')
		e += 2;
	else if (e < p->len && p->src[e] == '\n')
		e += 1;
	else if (e != p->len)
		return false;
	*text_end = ls;
	*after = e;
	return true;
}

/* Parses nodes until the end or the {{/name}} closing `open`. */
static nl_err parse_nodes(struct parser *p, const struct tnode *open, size_t open_at,
                          struct tnode **first)
{
	struct tnode **tail = first;
	nl_err rc;
	if (++p->depth > TMPL_MAX_DEPTH)
		return fail(p, open_at, "sections nested too deep", NULL);
	for (;;) {
		const char *tag = find(p->src, p->pos, p->len, "{{");
		size_t tag_start = tag ? (size_t)(tag - p->src) : p->len;
		size_t text_end = tag_start, after = 0;
		const char *close = NULL;
		char sigil = 0;
		if (tag) {
			close = find(p->src, tag_start + 2, p->len, "}}");
			if (!close)
				return fail(p, tag_start, "unclosed tag", NULL);
			sigil = p->src[tag_start + 2];
			if (sigil == '{' || sigil == '&')
				return fail(p, tag_start, "raw output is not supported", NULL);
			if (sigil == '=')
				return fail(p, tag_start, "delimiter changes are not supported", NULL);
		}
		size_t tag_end = close ? (size_t)(close - p->src) + 2 : p->len;
		/* {{#t}} is inline text, never a standalone line */
		bool alone = tag && strchr("#^/!>", sigil) &&
		             !(sigil == '#' && is_t(p->src + tag_start + 3, tag_end - 2 - tag_start - 3)) &&
		             standalone(p, tag_start, tag_end, &text_end, &after);
		if (text_end > p->pos) {
			struct tnode *t = node_new(p, TN_TEXT);
			if (!t)
				return NL_ERR_NOMEM;
			t->text = p->src + p->pos;
			t->len = text_end - p->pos;
			*tail = t;
			tail = &t->next;
		}
		if (!tag) {
			if (open)
				return fail(p, open_at, "unclosed section", open->npath ? open->path[0] : ".");
			p->depth--;
			return NL_OK;
		}
		p->pos = alone ? after : tag_end;
		const char *body = p->src + tag_start + 2;
		size_t blen = tag_end - 2 - (tag_start + 2);
		struct tnode *n = NULL;
		switch (sigil) {
		case '!':
			continue;
		case '/':
			if (!open)
				return fail(p, tag_start, "close tag without an open section", NULL);
			if (!same_name(open, body + 1, blen - 1))
				return fail(p, tag_start, "close tag does not match the section opened on line",
				            nl_arena_printf(p->a, "%u", line_at(p, open_at)));
			p->depth--;
			return NL_OK;
		case '>':
			if (!(n = node_new(p, TN_PARTIAL)))
				return NL_ERR_NOMEM;
			if ((rc = parse_partial_name(p, tag_start, body + 1, blen - 1, n)) != NL_OK)
				return rc;
			break;
		case '#':
		case '^':
			if (sigil == '#' && is_t(body + 1, blen - 1)) {
				if (!(n = node_new(p, TN_TRANSLATE)))
					return NL_ERR_NOMEM;
				if ((rc = parse_translate_block(p, tag_start, n)) != NL_OK)
					return rc;
				break;
			}
			if (!(n = node_new(p, sigil == '#' ? TN_SECTION : TN_INVERTED)))
				return NL_ERR_NOMEM;
			if ((rc = parse_name(p, tag_start, body + 1, blen - 1, n)) != NL_OK)
				return rc;
			if ((rc = parse_nodes(p, n, tag_start, &n->child)) != NL_OK)
				return rc;
			break;
		default:
			if (blen >= 2 && body[0] == 't' && is_blank(body[1])) {
				if (!(n = node_new(p, TN_TRANSLATE)))
					return NL_ERR_NOMEM;
				if ((rc = parse_quoted(p, tag_start, body + 2, blen - 2, n)) != NL_OK)
					return rc;
				break;
			}
			if (!(n = node_new(p, TN_VAR)))
				return NL_ERR_NOMEM;
			if ((rc = parse_name(p, tag_start, body, blen, n)) != NL_OK)
				return rc;
			break;
		}
		*tail = n;
		tail = &n->next;
	}
}

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
	struct parser p = {.a = set->arena, .name = name, .len = len, .err = err};
	if (!(p.src = nl_arena_strndup(set->arena, src, len)))
		return NL_ERR_NOMEM;
	if (memchr(src, '\0', len))
		return fail(&p, 0, "NUL byte in template", NULL);
	struct tnode *root = NULL;
	nl_err rc = parse_nodes(&p, NULL, 0, &root);
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

static nl_err link_nodes(nl_tmpl_set *set, const struct tmpl *t, struct tnode *n,
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

static nl_err load_file(nl_tmpl_set *set, const char *path, const char *name, nl_buf *err)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		if (err)
			nl_buf_printf(err, "%s: cannot open", path);
		return NL_ERR_IO;
	}
	nl_buf src = NL_BUF_INIT;
	char chunk[8192];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0 && src.len <= TMPL_MAX_FILE)
		nl_buf_append(&src, chunk, n);
	fclose(f);
	nl_err rc = NL_OK;
	if (src.oom)
		rc = NL_ERR_NOMEM;
	else if (src.len > TMPL_MAX_FILE) {
		if (err)
			nl_buf_printf(err, "%s: template too large", path);
		rc = NL_ERR_TOO_LARGE;
	} else
		rc = nl_tmpl_add(set, name, src.data ? src.data : "", src.len, err);
	nl_buf_free(&src);
	return rc;
}

/* Walks dir/prefix recursively; a template's name is its path below dir. */
static nl_err load_tree(nl_tmpl_set *set, const char *dir, const char *prefix, int depth,
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
