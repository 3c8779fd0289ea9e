/* GET /lang: a small page with the two language buttons (the no-frills fallback
 * of the switch in the page layout). POST /lang: switch the page language
 * (tr/en) for this session, then go back to the page the form was on. A form post, not a link with a query string, so the
 * language switch needs no script and carries the CSRF token like any change. */
#include <string.h>

#include "pages/handlers.h"
#include "core/hexdigit.h"

/* Decodes %XX and '+'; NULL on a malformed escape or a control byte. */
static const char *percent_decode(struct nl_req *r, const char *s, size_t n)
{
	char *d = nl_arena_alloc(r->arena, n + 1);
	size_t j = 0;
	if (!d)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		int c = (unsigned char)s[i];
		if (c == '+') {
			c = ' ';
		} else if (c == '%') {
			if (i + 2 >= n || nl_hex_digit(s[i + 1]) < 0 || nl_hex_digit(s[i + 2]) < 0)
				return NULL;
			c = nl_hex_digit(s[i + 1]) * 16 + nl_hex_digit(s[i + 2]);
			i += 2;
		}
		if (c < 0x20 || c == 0x7f)
			return NULL;
		d[j++] = (char)c;
	}
	d[j] = '\0';
	return d;
}

/* The body is tiny and fixed (lang, csrf, back): read it without the field-spec
 * machinery so this file depends only on the server. */
static const char *form_value(struct nl_req *r, const char *name)
{
	if (!r->body || strcmp(r->content_type, "application/x-www-form-urlencoded") != 0)
		return NULL;
	size_t nl = strlen(name);
	const char *s = (const char *)r->body;
	while (*s) {
		const char *e = strchr(s, '&');
		size_t n = e ? (size_t)(e - s) : strlen(s);
		if (n > nl && !strncmp(s, name, nl) && s[nl] == '=')
			return percent_decode(r, s + nl + 1, n - nl - 1);
		if (!e)
			break;
		s = e + 1;
	}
	return NULL;
}

void nl_h_lang_set(struct nl_req *r)
{
	const char *lang = form_value(r, "lang");
	if (!lang || nl_session_set_lang(r, lang) != NL_OK) {
		nl_resp_error(r, NL_ERR_INVALID, "Unknown language.");
		return;
	}
	/* back to a local page only; anything else goes home */
	const char *back = form_value(r, "back");
	if (!back || back[0] != '/' || back[1] == '/' || strpbrk(back, "\\ "))
		back = "/";
	nl_resp_redirect(r, back);
}

void nl_h_lang_page(struct nl_req *r)
{
	const char *csrf = nl_session_csrf(r);
	if (!csrf) {
		nl_resp_error(r, NL_ERR_INTERNAL, NULL);
		return;
	}
	bool en = !strcmp(r->lang, "en");
	nl_buf b = NL_BUF_INIT;
	nl_buf_printf(&b, "<!DOCTYPE html>\n<html lang=\"%s\"><head><meta charset=\"utf-8\">"
	              "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
	              "<title>%s</title><link rel=\"stylesheet\" href=\"/static/css/site.css\">"
	              "</head><body><main><h1>%s</h1>", en ? "en" : "tr",
	              en ? "Language" : "Dil", en ? "Language" : "Dil");
	static const struct { const char *code, *label; } langs[] = {
		{"tr", "Türkçe"}, {"en", "English"},
	};
	for (size_t i = 0; i < sizeof langs / sizeof langs[0]; i++) {
		nl_buf_puts(&b, "<form method=\"post\" action=\"/lang\"><input type=\"hidden\" "
		            "name=\"csrf\" value=\"");
		nl_buf_put_html(&b, csrf);
		nl_buf_printf(&b, "\"><input type=\"hidden\" name=\"lang\" value=\"%s\">"
		              "<button type=\"submit\"%s>%s</button></form>", langs[i].code,
		              !strcmp(r->lang, langs[i].code) ? " aria-current=\"true\"" : "",
		              langs[i].label);
	}
	nl_buf_puts(&b, "</main></body></html>\n");
	nl_resp_html(r, 200, &b);
}
