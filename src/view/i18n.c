#include "view/i18n.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/file.h"

/* The languages we ship, in the order of the catalogues below. */
static const char *const languages[] = {"tr", "en"};
#define N_LANG (sizeof languages / sizeof languages[0])

/* One open-addressing hash table per language. Keys are the msgid, or
 * "context\004msgid" as gettext itself stores them. */
struct entry {
	char *key;      /* owned */
	char *value;    /* owned */
	uint32_t hash;
};

struct catalogue {
	struct entry *slots;   /* owned; cap is a power of two, load <= 1/2 */
	size_t cap, count;
};

static struct catalogue catalogues[N_LANG];

static int lang_index(const char *lang)
{
	if (!lang)
		return -1;
	for (size_t i = 0; i < N_LANG; i++)
		if (strcmp(lang, languages[i]) == 0)
			return (int)i;
	return -1;
}

bool nl_i18n_supported(const char *lang) { return lang_index(lang) >= 0; }

static uint32_t hash_str(const char *s)
{
	uint32_t h = 2166136261u;   /* FNV-1a: short keys, no adversary (our own files) */
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

static void catalogue_free(struct catalogue *c)
{
	for (size_t i = 0; i < c->cap; i++) {
		free(c->slots[i].key);
		free(c->slots[i].value);
	}
	free(c->slots);
	memset(c, 0, sizeof *c);
}

static const struct entry *catalogue_find(const struct catalogue *c, const char *key)
{
	if (c->cap == 0)
		return NULL;
	uint32_t h = hash_str(key);
	for (size_t i = h & (c->cap - 1);; i = (i + 1) & (c->cap - 1)) {
		const struct entry *e = &c->slots[i];
		if (!e->key)
			return NULL;
		if (e->hash == h && strcmp(e->key, key) == 0)
			return e;
	}
}

/* Takes ownership of key and value (also on failure). A later duplicate wins,
 * which is what msgfmt would refuse: the msgfmt --check test catches those. */
static NL_MUST_USE nl_err catalogue_put(struct catalogue *c, char *key, char *value)
{
	if ((c->count + 1) * 2 > c->cap) {
		size_t ncap = c->cap ? c->cap * 2 : 64;
		struct entry *ns = calloc(ncap, sizeof *ns);
		if (!ns) {
			free(key);
			free(value);
			return NL_ERR_NOMEM;
		}
		for (size_t i = 0; i < c->cap; i++) {
			struct entry *e = &c->slots[i];
			if (!e->key)
				continue;
			size_t j = e->hash & (ncap - 1);
			while (ns[j].key)
				j = (j + 1) & (ncap - 1);
			ns[j] = *e;
		}
		free(c->slots);
		c->slots = ns;
		c->cap = ncap;
	}
	uint32_t h = hash_str(key);
	size_t i = h & (c->cap - 1);
	while (c->slots[i].key) {
		if (c->slots[i].hash == h && strcmp(c->slots[i].key, key) == 0) {
			free(c->slots[i].value);
			c->slots[i].value = value;
			free(key);
			return NL_OK;
		}
		i = (i + 1) & (c->cap - 1);
	}
	c->slots[i] = (struct entry){key, value, h};
	c->count++;
	return NL_OK;
}

/* ---- the .po reader ---------------------------------------------------- */

enum po_field { PO_NONE, PO_CTXT, PO_ID, PO_ID_PLURAL, PO_STR, PO_STR_OTHER };

struct po_entry {
	nl_buf ctxt, id, str;
	bool has_ctxt, has_id, has_str, fuzzy;
};

static void po_entry_reset(struct po_entry *e)
{
	nl_buf_reset(&e->ctxt);
	nl_buf_reset(&e->id);
	nl_buf_reset(&e->str);
	e->has_ctxt = e->has_id = e->has_str = e->fuzzy = false;
}

/* Appends the C-escaped string literal starting at p (at the opening quote). */
static bool po_unquote(const char *p, const char *end, nl_buf *out)
{
	if (p >= end || *p != '"')
		return false;
	for (p++; p < end; p++) {
		char c = *p;
		if (c == '"') {
			for (p++; p < end; p++)
				if (!isspace((unsigned char)*p))
					return false;   /* text after the closing quote */
			return true;
		}
		if (c == '\\') {
			if (++p >= end)
				return false;
			switch (*p) {
			case 'n': c = '\n'; break;
			case 't': c = '\t'; break;
			case 'r': c = '\r'; break;
			case '"': c = '"'; break;
			case '\\': c = '\\'; break;
			default: return false;
			}
		}
		nl_buf_putc(out, c);
	}
	return false;   /* no closing quote */
}

/* Stores a finished entry: the header (empty msgid), fuzzy and untranslated
 * entries are skipped so that nl_i18n_get falls back to the msgid. */
static NL_MUST_USE nl_err po_commit(struct catalogue *c, struct po_entry *e)
{
	nl_err rc = NL_OK;
	if (e->has_id && e->id.len > 0 && e->has_str && e->str.len > 0 && !e->fuzzy) {
		char *key = e->has_ctxt
			? (nl_buf_putc(&e->ctxt, '\004'), nl_buf_append(&e->ctxt, e->id.data, e->id.len),
			   nl_buf_take(&e->ctxt))
			: nl_buf_take(&e->id);
		char *value = nl_buf_take(&e->str);
		if (!key || !value) {
			free(key);
			free(value);
			rc = NL_ERR_NOMEM;
		} else {
			rc = catalogue_put(c, key, value);
		}
	}
	po_entry_reset(e);
	return rc;
}

static NL_MUST_USE nl_err po_parse(struct catalogue *c, const char *name, const char *text, size_t len,
                       nl_buf *err)
{
	struct po_entry e = {0};
	enum po_field field = PO_NONE;
	nl_err rc = NL_OK;
	const char *p = text, *end = text + len;
	unsigned line = 0;
	const char *why = NULL;

	while (p < end && rc == NL_OK) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		if (!eol)
			eol = end;
		line++;
		const char *s = p;
		while (s < eol && (*s == ' ' || *s == '\t' || *s == '\r'))
			s++;
		const char *le = eol;
		while (le > s && (le[-1] == '\r' || le[-1] == ' ' || le[-1] == '\t'))
			le--;
		p = eol < end ? eol + 1 : end;

		if (s == le)
			continue;
		if (*s == '#') {
			/* A comment starts a new entry once the previous one has its msgstr. */
			if (e.has_str && (rc = po_commit(c, &e)) != NL_OK)
				break;
			if (le - s >= 2 && s[1] == ',' && memmem(s, (size_t)(le - s), "fuzzy", 5))
				e.fuzzy = true;
			field = PO_NONE;
			continue;
		}
		nl_buf *target = NULL;
		const char *q = s;
		if (*s == '"') {
			switch (field) {
			case PO_CTXT: target = &e.ctxt; break;
			case PO_ID: target = &e.id; break;
			case PO_STR: target = &e.str; break;
			case PO_ID_PLURAL: case PO_STR_OTHER: target = NULL; break;
			case PO_NONE: why = "string outside of an entry"; goto bad;
			}
		} else {
			size_t kw = 0;
			while (s + kw < le && !isspace((unsigned char)s[kw]))
				kw++;
			q = s + kw;
			while (q < le && isspace((unsigned char)*q))
				q++;
#define KW(str) (kw == sizeof(str) - 1 && memcmp(s, str, kw) == 0)
			if (KW("msgctxt") || KW("msgid")) {
				if (e.has_str && (rc = po_commit(c, &e)) != NL_OK)
					break;
				if (KW("msgctxt")) {
					if (e.has_ctxt || e.has_id) { why = "misplaced msgctxt"; goto bad; }
					e.has_ctxt = true, field = PO_CTXT, target = &e.ctxt;
				} else {
					if (e.has_id) { why = "msgid without msgstr"; goto bad; }
					e.has_id = true, field = PO_ID, target = &e.id;
				}
			} else if (KW("msgid_plural")) {
				if (!e.has_id) { why = "msgid_plural without msgid"; goto bad; }
				field = PO_ID_PLURAL;
			} else if (KW("msgstr") || KW("msgstr[0]")) {
				if (!e.has_id || e.has_str) { why = "msgstr without msgid"; goto bad; }
				e.has_str = true, field = PO_STR, target = &e.str;
			} else if (kw > 7 && memcmp(s, "msgstr[", 7) == 0) {
				if (!e.has_str) { why = "msgstr[n] out of order"; goto bad; }
				field = PO_STR_OTHER;   /* we show the singular form only */
			} else {
				why = "unknown keyword";
				goto bad;
			}
#undef KW
		}
		nl_buf scratch = NL_BUF_INIT;
		bool ok = po_unquote(q, le, target ? target : &scratch);
		nl_buf_free(&scratch);
		if (!ok) { why = "bad string literal"; goto bad; }
		if (target && target->oom)
			rc = NL_ERR_NOMEM;
		continue;
bad:
		if (err)
			nl_buf_printf(err, "%s:%u: %s", name, line, why);
		rc = NL_ERR_CONFIG;
	}
	if (rc == NL_OK && e.has_id && !e.has_str) {
		if (err)
			nl_buf_printf(err, "%s:%u: msgid without msgstr at end of file", name, line);
		rc = NL_ERR_CONFIG;
	}
	if (rc == NL_OK)
		rc = po_commit(c, &e);
	nl_buf_free(&e.ctxt);
	nl_buf_free(&e.id);
	nl_buf_free(&e.str);
	return rc;
}

/* ---- the .mo reader ---------------------------------------------------- */

/* A GNU .mo file as msgfmt writes it: a header (magic, revision, count N,
 * the offsets of the original and the translation tables), then two tables
 * of N (length, offset) pairs pointing at NUL-terminated strings. A msgctxt
 * is joined to its msgid by \004, as the .po reader keys it. Every offset is
 * checked against the file, which may come from anywhere. */
static uint32_t mo_u32(const uint8_t *p, bool swap)
{
	uint32_t v = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	             (uint32_t)p[3] << 24;
	return swap ? __builtin_bswap32(v) : v;
}

/* The string of table entry i (at table offset tab), or NULL if it lies
 * outside the file or is not NUL-terminated. */
static const char *mo_string(const uint8_t *d, size_t len, uint32_t tab, uint32_t i, bool swap,
                             uint32_t *n)
{
	size_t at = (size_t)tab + (size_t)i * 8;
	if (at > len || len - at < 8)
		return NULL;
	*n = mo_u32(d + at, swap);
	size_t off = mo_u32(d + at + 4, swap);
	if (off > len || *n >= len - off || d[off + *n] != '\0')
		return NULL;
	return (const char *)d + off;
}

static NL_MUST_USE nl_err mo_parse(struct catalogue *c, const char *name, const uint8_t *d,
                                   size_t len, nl_buf *err)
{
	const char *why = NULL;
	bool swap = false;
	if (len < 20)
		why = "too short for a .mo file";
	else if (mo_u32(d, false) == 0x950412deu)
		swap = false;
	else if (mo_u32(d, true) == 0x950412deu)
		swap = true;
	else
		why = "not a .mo file (bad magic number)";
	uint32_t count = why ? 0 : mo_u32(d + 8, swap);
	uint32_t orig = why ? 0 : mo_u32(d + 12, swap), trans = why ? 0 : mo_u32(d + 16, swap);
	nl_err rc = NL_OK;
	for (uint32_t i = 0; !why && i < count && rc == NL_OK; i++) {
		uint32_t klen = 0, vlen = 0;
		const char *k = mo_string(d, len, orig, i, swap, &klen);
		const char *v = mo_string(d, len, trans, i, swap, &vlen);
		if (!k || !v) {
			why = "a string lies outside the file";
			break;
		}
		if (klen == 0 || vlen == 0)   /* the header; an untranslated entry */
			continue;
		char *key = strndup(k, klen), *value = strndup(v, vlen);
		if (!key || !value) {
			free(key);
			free(value);
			rc = NL_ERR_NOMEM;
			break;
		}
		rc = catalogue_put(c, key, value);
	}
	if (why) {
		if (err)
			nl_buf_printf(err, "%s: %s", name, why);
		return NL_ERR_CONFIG;
	}
	return rc;
}

/* Parses one catalogue (.po text or .mo bytes) into a fresh table and swaps
 * it in only when the whole file is good. */
static NL_MUST_USE nl_err load_catalogue(const char *lang, const char *name, bool mo,
                                         const char *data, size_t len, nl_buf *err)
{
	int li = lang_index(lang);
	if (li < 0) {
		if (err)
			nl_buf_printf(err, "%s: unsupported language", name);
		return NL_ERR_CONFIG;
	}
	struct catalogue fresh = {0};
	nl_err rc = mo ? mo_parse(&fresh, name, (const uint8_t *)data, len, err)
	               : po_parse(&fresh, name, data, len, err);
	if (rc != NL_OK) {
		catalogue_free(&fresh);
		return rc;
	}
	catalogue_free(&catalogues[li]);
	catalogues[li] = fresh;
	return NL_OK;
}

nl_err nl_i18n_load_text(const char *lang, const char *name, const char *text, size_t len,
                         nl_buf *err)
{
	return load_catalogue(lang, name, false, text, len, err);
}

nl_err nl_i18n_load_mo(const char *lang, const char *name, const void *data, size_t len,
                       nl_buf *err)
{
	return load_catalogue(lang, name, true, data, len, err);
}

/* A catalogue bigger than this is a mistake (ours are a few tens of KiB). */
#define CATALOGUE_MAX_FILE ((size_t)4 << 20)

nl_err nl_i18n_load_dir(const char *dir, nl_buf *err)
{
	for (size_t i = 0; i < N_LANG; i++) {
		/* The compiled catalogue when there is one (an installed tree has
		 * only these), else the source. */
		char path[4096];
		bool mo = true;
		snprintf(path, sizeof path, "%s/%s.mo", dir, languages[i]);
		nl_buf data = NL_BUF_INIT;
		nl_err rc = nl_read_file(path, CATALOGUE_MAX_FILE, &data);
		if (rc == NL_ERR_NOT_FOUND) {
			mo = false;
			snprintf(path, sizeof path, "%s/%s.po", dir, languages[i]);
			rc = nl_read_file(path, CATALOGUE_MAX_FILE, &data);
		}
		if (rc == NL_OK)
			rc = load_catalogue(languages[i], path, mo, data.data ? data.data : "", data.len,
			                    err);
		else if (err)
			nl_buf_printf(err, "%s: cannot read", path);
		nl_buf_free(&data);
		if (rc != NL_OK)
			return rc == NL_ERR_IO || rc == NL_ERR_NOT_FOUND ? NL_ERR_CONFIG : rc;
	}
	return NL_OK;
}

void nl_i18n_free(void)
{
	for (size_t i = 0; i < N_LANG; i++)
		catalogue_free(&catalogues[i]);
}

const char *nl_i18n_get(const char *lang, const char *msgid)
{
	int li = lang_index(lang);
	if (li < 0 || !msgid)
		return msgid;
	const struct entry *e = catalogue_find(&catalogues[li], msgid);
	return e ? e->value : msgid;
}

size_t nl_i18n_lang_count(void) { return N_LANG; }

const char *nl_i18n_lang_name(size_t i) { return i < N_LANG ? languages[i] : NULL; }

int nl_i18n_lang_index(const char *lang) { return lang_index(lang); }

_Static_assert(N_LANG <= NL_I18N_MAX_LANG, "raise NL_I18N_MAX_LANG");

const char *nl_i18n_pget(const char *lang, const char *context, const char *msgid)
{
	if (!context)
		return nl_i18n_get(lang, msgid);
	int li = lang_index(lang);
	if (li < 0 || !msgid)
		return msgid;
	char key[512];
	int n = snprintf(key, sizeof key, "%s\004%s", context, msgid);
	if (n < 0 || (size_t)n >= sizeof key)
		return msgid;
	const struct entry *e = catalogue_find(&catalogues[li], key);
	return e ? e->value : msgid;
}

const char *nl_i18n_err(const char *lang, nl_err e)
{
	return nl_i18n_get(lang, nl_err_info(e)->msgid);
}

size_t nl_i18n_count(const char *lang)
{
	int li = lang_index(lang);
	return li < 0 ? 0 : catalogues[li].count;
}

/* Accept-Language: "en-US,en;q=0.9,tr;q=0.8". The highest q among supported
 * primary tags wins; on a tie the earlier entry. q=0 means "not this one". */
const char *nl_i18n_accept_language(const char *h)
{
	const char *best = NULL;
	int best_q = 0;
	while (h && *h) {
		while (*h == ' ' || *h == ',' || *h == '\t')
			h++;
		const char *tag = h;
		while (*h && *h != ',' && *h != ';' && *h != ' ')
			h++;
		size_t taglen = (size_t)(h - tag);
		int q = 1000;
		while (*h && *h != ',') {
			if (h[0] == ';' ) {
				const char *x = h + 1;
				while (*x == ' ')
					x++;
				if ((x[0] == 'q' || x[0] == 'Q') && x[1] == '=') {
					x += 2;
					q = 0;
					if (*x == '1') {
						q = 1000;
					} else if (*x == '0') {
						x++;
						if (*x == '.') {
							int scale = 100;
							for (x++; isdigit((unsigned char)*x) && scale > 0; x++, scale /= 10)
								q += (*x - '0') * scale;
						}
					}
				}
			}
			h++;
		}
		size_t primary = 0;
		while (primary < taglen && tag[primary] != '-' && tag[primary] != '_')
			primary++;
		for (size_t i = 0; i < N_LANG; i++) {
			if (primary == strlen(languages[i]) &&
			    strncasecmp(tag, languages[i], primary) == 0 && q > best_q) {
				best = languages[i];
				best_q = q;
			}
		}
	}
	return best;
}

const char *nl_i18n_choose(const char *query_lang, const char *cookie_lang,
                           const char *accept_language, bool *set_cookie)
{
	int li;
	if (set_cookie)
		*set_cookie = false;
	if ((li = lang_index(query_lang)) >= 0) {
		if (set_cookie)
			*set_cookie = true;
		return languages[li];
	}
	if ((li = lang_index(cookie_lang)) >= 0)
		return languages[li];
	const char *al = nl_i18n_accept_language(accept_language);
	return al ? al : languages[0];
}
