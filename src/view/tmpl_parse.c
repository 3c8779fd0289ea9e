/* The template parser: mustache source into the tree of tmpl_int.h. The set
 * and the loader are in tmpl.c, rendering in tmpl_render.c. */
#include "view/tmpl_int.h"

#include <stdio.h>
#include <string.h>

#define TMPL_MAX_DEPTH  64           /* nested sections */

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

static NL_MUST_USE nl_err fail(struct parser *p, size_t pos, const char *why, const char *detail)
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

/* Drops the blanks around a tag's inner text. */
static void trim_blanks(const char **s, size_t *n)
{
	while (*n && is_blank(**s))
		(*s)++, (*n)--;
	while (*n && is_blank((*s)[*n - 1]))
		(*n)--;
}

/* Splits a trimmed tag name into its dotted path. "." is the current value. */
static NL_MUST_USE nl_err parse_name(struct parser *p, size_t at, const char *s, size_t n, struct tnode *node)
{
	trim_blanks(&s, &n);
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
	trim_blanks(&s, &len);
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
	trim_blanks(&s, &n);
	return n == 1 && *s == 't';
}

/* Partial names are template names: letters, digits, _ - / (errors/404). */
static NL_MUST_USE nl_err parse_partial_name(struct parser *p, size_t at, const char *s, size_t n,
                                 struct tnode *node)
{
	trim_blanks(&s, &n);
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
static NL_MUST_USE nl_err parse_quoted(struct parser *p, size_t at, const char *s, size_t n, struct tnode *node)
{
	trim_blanks(&s, &n);
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
static NL_MUST_USE nl_err parse_translate_block(struct parser *p, size_t at, struct tnode *node)
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
static NL_MUST_USE nl_err parse_nodes(struct parser *p, const struct tnode *open, size_t open_at,
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

nl_err nl_tmpl_parse(nl_arena *a, const char *name, const char *src, size_t len,
                     struct tnode **root, nl_buf *err)
{
	struct parser p = {.a = a, .name = name, .len = len, .err = err};
	if (!(p.src = nl_arena_strndup(a, src, len)))
		return NL_ERR_NOMEM;
	if (memchr(src, '\0', len))
		return fail(&p, 0, "NUL byte in template", NULL);
	*root = NULL;
	return parse_nodes(&p, NULL, 0, root);
}
