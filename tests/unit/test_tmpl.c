/* The template engine: escaping of every dangerous character in text and in
 * attribute values, sections, inverted sections, dotted names, partials and
 * slots, missing names, parse errors (not crashes), translated text, and the
 * real templates of web/templates. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "view/i18n.h"
#include "view/tmpl.h"

/* Renders src as template "t" with data parsed from JSON text; returns a
 * static copy of the output (or "ERR <code>: <message>" on failure). */
static char result[8192];

static const char *render_with(nl_tmpl_set *set, const char *src, const char *json,
                               const char *lang)
{
	nl_buf err = NL_BUF_INIT, out = NL_BUF_INIT;
	json_error_t jerr;
	json_t *data = json ? json_loads(json, 0, &jerr) : NULL;
	if (json && !data)
		fail_msg("bad test JSON: %s", jerr.text);
	nl_err rc = nl_tmpl_add(set, "t", src, strlen(src), &err);
	if (rc == NL_OK)
		rc = nl_tmpl_render(set, "t", data, lang, &out);
	if (rc != NL_OK)
		snprintf(result, sizeof result, "ERR %d: %s", rc, err.data ? err.data : "");
	else
		snprintf(result, sizeof result, "%s", out.data ? out.data : "");
	json_decref(data);
	nl_buf_free(&err);
	nl_buf_free(&out);
	return result;
}

static const char *render(const char *src, const char *json)
{
	nl_tmpl_set *set = nl_tmpl_set_new();
	const char *r = render_with(set, src, json, "tr");
	nl_tmpl_set_free(set);
	return r;
}

static void escaping_text_and_attributes(void **state)
{
	(void)state;
	const char *data = "{\"x\":\"<script>alert('x')&\\\"</script>\"}";
	assert_string_equal(render("<p>{{x}}</p>", data),
	                    "<p>&lt;script&gt;alert(&#39;x&#39;)&amp;&quot;&lt;/script&gt;</p>");
	/* attribute values: neither quote can close the attribute */
	assert_string_equal(render("<input value=\"{{x}}\" title='{{x}}'>", "{\"x\":\"\\\" onx='1'\"}"),
	                    "<input value=\"&quot; onx=&#39;1&#39;\" title='&quot; onx=&#39;1&#39;'>");
	/* each dangerous character alone */
	assert_string_equal(render("{{a}}{{b}}{{c}}{{d}}{{e}}",
	                           "{\"a\":\"&\",\"b\":\"<\",\"c\":\">\",\"d\":\"\\\"\",\"e\":\"'\"}"),
	                    "&amp;&lt;&gt;&quot;&#39;");
	/* an entity in data is escaped again, not passed through */
	assert_string_equal(render("{{a}}", "{\"a\":\"&lt;\"}"), "&amp;lt;");
	/* Turkish text passes unchanged */
	assert_string_equal(render("{{a}}", "{\"a\":\"İğüşöç ı\"}"), "İğüşöç ı");
}

/* Text rendering (mail text parts) writes values as they are; HTML rendering
 * of the same template escapes them. */
static void text_rendering(void **state)
{
	(void)state;
	nl_tmpl_set *set = nl_tmpl_set_new();
	nl_buf out = NL_BUF_INIT;
	const char *src = "Sayın {{name}}, {{#l}}[{{.}}]{{/l}}";
	assert_int_equal(nl_tmpl_add(set, "m", src, strlen(src), NULL), NL_OK);
	json_t *d = json_pack("{s:s, s:[s]}", "name", "O'Brien & <Ayşe>", "l", "a<b");
	assert_int_equal(nl_tmpl_render_text(set, "m", d, "tr", &out), NL_OK);
	assert_string_equal(out.data, "Sayın O'Brien & <Ayşe>, [a<b]");
	nl_buf_reset(&out);
	assert_int_equal(nl_tmpl_render(set, "m", d, "tr", &out), NL_OK);
	assert_string_equal(out.data, "Sayın O&#39;Brien &amp; &lt;Ayşe&gt;, [a&lt;b]");
	json_decref(d);
	nl_buf_free(&out);
	nl_tmpl_set_free(set);
}

/* The mail and SMS notifications render through nl_tmpl_render_message: HTML
 * escaping for the HTML part of a mail only, and a placeholder the data lacks
 * is an error rather than a blank in a message to a person. A standalone
 * comment takes its line, as the notification templates' first lines are. */
static void message_rendering(void **state)
{
	(void)state;
	nl_tmpl_set *set = nl_tmpl_set_new();
	nl_buf out = NL_BUF_INIT;
	const char *src = "{{! Placeholders: name, no. }}\nSayın {{ name }}, SD-{{no}}.\n";
	assert_int_equal(nl_tmpl_add(set, "m", src, strlen(src), NULL), NL_OK);
	json_t *d = json_pack("{s:s, s:s}", "name", "O'Brien & <Ayşe>", "no", "7");
	assert_int_equal(nl_tmpl_render_message(set, "m", d, "tr", false, &out), NL_OK);
	assert_string_equal(out.data, "Sayın O'Brien & <Ayşe>, SD-7.\n");
	nl_buf_reset(&out);
	assert_int_equal(nl_tmpl_render_message(set, "m", d, "tr", true, &out), NL_OK);
	assert_string_equal(out.data, "Sayın O&#39;Brien &amp; &lt;Ayşe&gt;, SD-7.\n");
	nl_buf_reset(&out);
	const char *typo = "Sayın {{nmae}}";
	assert_int_equal(nl_tmpl_add(set, "typo", typo, strlen(typo), NULL), NL_OK);
	assert_int_equal(nl_tmpl_render_message(set, "typo", d, "tr", false, &out), NL_ERR_INVALID);
	assert_int_equal(out.len, 0);
	/* the pages keep mustache's rule: a missing name renders as nothing */
	assert_int_equal(nl_tmpl_render_text(set, "typo", d, "tr", &out), NL_OK);
	assert_string_equal(out.data, "Sayın ");
	json_decref(d);
	nl_buf_free(&out);
	nl_tmpl_set_free(set);
}

static void raw_output_is_refused(void **state)
{
	(void)state;
	assert_non_null(strstr(render("{{{x}}}", "{\"x\":\"<b>\"}"), "raw output is not supported"));
	assert_non_null(strstr(render("{{&x}}", "{\"x\":\"<b>\"}"), "raw output is not supported"));
	assert_non_null(strstr(render("{{=<% %>=}}", NULL), "delimiter changes"));
}

static void values_and_missing_names(void **state)
{
	(void)state;
	assert_string_equal(render("[{{n}}|{{r}}|{{t}}|{{f}}|{{z}}|{{o}}|{{a}}|{{missing}}]",
	                           "{\"n\":42,\"r\":1.5,\"t\":true,\"f\":false,\"z\":null,"
	                           "\"o\":{\"k\":1},\"a\":[1]}"),
	                    "[42|1.5|true|false||||]");
	assert_string_equal(render("{{a.b.c}}/{{a.x.c}}/{{a.b}}", "{\"a\":{\"b\":{\"c\":\"deep\"}}}"),
	                    "deep//");
	/* no data at all */
	assert_string_equal(render("x{{y}}z", NULL), "xz");
}

static void sections(void **state)
{
	(void)state;
	assert_string_equal(render("{{#list}}<li>{{name}}</li>{{/list}}",
	                           "{\"list\":[{\"name\":\"a\"},{\"name\":\"<b>\"}]}"),
	                    "<li>a</li><li>&lt;b&gt;</li>");
	assert_string_equal(render("{{#list}}{{.}},{{/list}}", "{\"list\":[1,\"x\",true]}"),
	                    "1,x,true,");
	/* outer names stay visible inside a section */
	assert_string_equal(render("{{#o}}{{a}}{{b}}{{/o}}", "{\"o\":{\"a\":1},\"b\":2}"), "12");
	/* falsy: missing, null, false, "", 0, [] */
	assert_string_equal(render("{{#a}}A{{/a}}{{#b}}B{{/b}}{{#c}}C{{/c}}{{#d}}D{{/d}}"
	                           "{{#e}}E{{/e}}{{#f}}F{{/f}}{{#g}}G{{/g}}",
	                           "{\"b\":null,\"c\":false,\"d\":\"\",\"e\":0,\"f\":[],\"g\":\"y\"}"),
	                    "G");
	assert_string_equal(render("{{^a}}A{{/a}}{{^b}}B{{/b}}{{^f}}F{{/f}}{{^g}}G{{/g}}",
	                           "{\"b\":null,\"f\":[],\"g\":\"y\"}"),
	                    "ABF");
	/* dotted section names and nesting */
	assert_string_equal(render("{{#a.b}}{{#c}}[{{.}}]{{/c}}{{/a.b}}",
	                           "{\"a\":{\"b\":{\"c\":[1,2]}}}"),
	                    "[1][2]");
	/* standalone section lines vanish with their line */
	assert_string_equal(render("<ul>\n  {{#l}}\n  <li>{{.}}</li>\n  {{/l}}\n</ul>\n",
	                           "{\"l\":[1,2]}"),
	                    "<ul>\n  <li>1</li>\n  <li>2</li>\n</ul>\n");
	assert_string_equal(render("a\n{{! a comment\n over lines }}\nb", NULL), "a\nb");
	assert_string_equal(render("a {{! inline }} b", NULL), "a  b");
}

static void parse_errors_name_line(void **state)
{
	(void)state;
	static const struct {
		const char *src, *want;
	} rows[] = {
		{"a\nb\n{{#x}}open", "t:3: unclosed section"},
		{"{{/x}}", "t:1: close tag without an open section"},
		{"{{#x}}\n{{/y}}", "t:2: close tag does not match the section opened on line: 1"},
		{"line1\n{{name", "t:2: unclosed tag"},
		{"{{}}", "t:1: empty tag name"},
		{"{{a b}}", "t:1: bad character in a tag name"},
		{"{{a..b}}", "t:1: empty part in a dotted name"},
		{"{{.a}}", "t:1: empty part in a dotted name"},
		{"{{> }}", "t:1: empty partial name"},
		{"{{> ../etc}}", "t:1: bad character in a partial name"},
		{"{{t msg}}", "t:1: {{t}} needs a quoted message id"},
		{"{{t \"\"}}", "t:1: empty message id"},
		{"{{t \"a\"b\"}}", "t:1: unescaped quote in {{t}}"},
		{"{{#t}}abc", "t:1: unclosed {{#t}}"},
		{"{{#t}}a{{b}}{{/t}}", "t:1: tags are not allowed inside {{#t}}"},
		{"{{#t}} {{/t}}", "t:1: empty message id"},
	};
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		const char *r = render(rows[i].src, NULL);
		if (strncmp(r, "ERR", 3) != 0 || !strstr(r, rows[i].want))
			fail_msg("row %zu (%s): got \"%s\", want \"%s\"", i, rows[i].src, r, rows[i].want);
	}
	/* deep nesting is an error, not a stack overflow */
	char deep[64 * 12 + 1] = "";
	for (int i = 0; i < 64; i++)
		strcat(deep, "{{#a}}");
	assert_non_null(strstr(render(deep, NULL), "nested too deep"));
	/* a NUL byte in a template */
	nl_tmpl_set *set = nl_tmpl_set_new();
	nl_buf err = NL_BUF_INIT;
	assert_int_equal(nl_tmpl_add(set, "nul", "a\0b", 3, &err), NL_ERR_INVALID);
	nl_buf_free(&err);
	nl_tmpl_set_free(set);
}

static void partials_and_slots(void **state)
{
	(void)state;
	nl_tmpl_set *set = nl_tmpl_set_new();
	nl_buf err = NL_BUF_INIT, out = NL_BUF_INIT;
	const char *item = "<i>{{name}}</i>";
	const char *page = "{{#people}}{{> parts/item}}{{/people}}";
	const char *layout = "<main>{{> content}}</main><footer>{{title}}</footer>";
	const char *self = "x{{> self}}";
	assert_int_equal(nl_tmpl_add(set, "parts/item", item, strlen(item), &err), NL_OK);
	assert_int_equal(nl_tmpl_add(set, "page", page, strlen(page), &err), NL_OK);
	assert_int_equal(nl_tmpl_add(set, "layout", layout, strlen(layout), &err), NL_OK);
	assert_int_equal(nl_tmpl_add(set, "self", self, strlen(self), &err), NL_OK);
	static const char *const slots[] = {"content", NULL};
	assert_int_equal(nl_tmpl_link(set, slots, &err), NL_OK);

	json_t *data = json_pack("{s:[{s:s},{s:s}], s:s}", "people", "name", "<a>", "name", "b",
	                         "title", "T&C");
	assert_int_equal(nl_tmpl_render_page(set, "layout", "page", data, "tr", &out), NL_OK);
	assert_string_equal(out.data, "<main><i>&lt;a&gt;</i><i>b</i></main><footer>T&amp;C</footer>");

	/* a slot is trusted HTML: inserted as is */
	nl_buf_reset(&out);
	struct nl_tmpl_slot slot = {"content", "<b>ok</b>", 9};
	assert_int_equal(nl_tmpl_render_slots(set, "layout", data, "tr", &slot, 1, &out), NL_OK);
	assert_string_equal(out.data, "<main><b>ok</b></main><footer>T&amp;C</footer>");

	/* a missing slot or template: error and the output is left as it was */
	nl_buf_reset(&out);
	nl_buf_puts(&out, "before");
	assert_int_equal(nl_tmpl_render(set, "layout", data, "tr", &out), NL_ERR_NOT_FOUND);
	assert_string_equal(out.data, "before");
	assert_int_equal(nl_tmpl_render(set, "nope", data, "tr", &out), NL_ERR_NOT_FOUND);
	/* a partial including itself stops at the nesting limit */
	assert_int_equal(nl_tmpl_render(set, "self", data, "tr", &out), NL_ERR_INVALID);
	assert_string_equal(out.data, "before");

	/* linking refuses an unknown partial */
	const char *bad = "{{> nowhere}}";
	assert_int_equal(nl_tmpl_add(set, "bad", bad, strlen(bad), &err), NL_OK);
	nl_buf_reset(&err);
	assert_int_equal(nl_tmpl_link(set, slots, &err), NL_ERR_NOT_FOUND);
	assert_non_null(strstr(err.data, "bad: unknown partial: nowhere"));
	json_decref(data);
	nl_buf_free(&err);
	nl_buf_free(&out);
	nl_tmpl_set_free(set);
}

static void translated_text(void **state)
{
	(void)state;
	static const char po[] =
		"msgid \"\"\nmsgstr \"Content-Type: text/plain; charset=UTF-8\\n\"\n\n"
		"msgid \"Hello\"\nmsgstr \"Merhaba\"\n\n"
		"msgid \"Long text here\"\nmsgstr \"Uzun <metin>\"\n";
	assert_int_equal(nl_i18n_load_text("tr", "test.po", po, sizeof po - 1, NULL), NL_OK);
	nl_tmpl_set *set = nl_tmpl_set_new();
	assert_string_equal(render_with(set, "{{t \"Hello\"}}!", NULL, "tr"), "Merhaba!");
	assert_string_equal(render_with(set, "{{t \"Hello\"}}!", NULL, "en"), "Hello!");
	/* block form: whitespace runs collapse; translations are escaped too */
	assert_string_equal(render_with(set, "{{#t}}\n  Long\n  text   here\n{{/t}}", NULL, "tr"),
	                    "Uzun &lt;metin&gt;");
	/* untranslated: the English msgid, escaped */
	assert_string_equal(render_with(set, "{{t \"a \\\"q\\\" <b>\"}}", NULL, "tr"),
	                    "a &quot;q&quot; &lt;b&gt;");
	nl_tmpl_set_free(set);
	nl_i18n_free();
}

/* Texts resolved once at start (nl_tmpl_resolve_translations) render exactly as
 * the look-up at render time does: each language, escaped in HTML, raw in text
 * templates, the msgid where there is no translation. */
static void resolved_translations_match(void **state)
{
	(void)state;
	static const char po[] =
		"msgid \"\"\nmsgstr \"Content-Type: text/plain; charset=UTF-8\\n\"\n\n"
		"msgid \"Hello <you>\"\nmsgstr \"Merhaba <sen> & 'biz'\"\n";
	static const char src[] = "[{{t \"Hello <you>\"}}|{{t \"Not translated\"}}]";
	assert_int_equal(nl_i18n_load_text("tr", "test.po", po, sizeof po - 1, NULL), NL_OK);
	const char *langs[] = {"tr", "en", "xx"};
	for (size_t i = 0; i < sizeof langs / sizeof langs[0]; i++) {
		for (int text = 0; text <= 1; text++) {
			nl_tmpl_set *set = nl_tmpl_set_new();
			nl_buf err = NL_BUF_INIT, before = NL_BUF_INIT, after = NL_BUF_INIT;
			assert_int_equal(nl_tmpl_add(set, "t", src, sizeof src - 1, &err), NL_OK);
			if (text) {
				assert_int_equal(nl_tmpl_render_text(set, "t", NULL, langs[i], &before), NL_OK);
				assert_int_equal(nl_tmpl_resolve_translations(set), NL_OK);
				assert_int_equal(nl_tmpl_render_text(set, "t", NULL, langs[i], &after), NL_OK);
			} else {
				assert_int_equal(nl_tmpl_render(set, "t", NULL, langs[i], &before), NL_OK);
				assert_int_equal(nl_tmpl_resolve_translations(set), NL_OK);
				assert_int_equal(nl_tmpl_render(set, "t", NULL, langs[i], &after), NL_OK);
			}
			assert_string_equal(before.data, after.data);
			if (!text && i == 0)
				assert_string_equal(after.data,
				                    "[Merhaba &lt;sen&gt; &amp; &#39;biz&#39;|Not translated]");
			if (text && i == 0)
				assert_string_equal(after.data, "[Merhaba <sen> & 'biz'|Not translated]");
			nl_buf_free(&err);
			nl_buf_free(&before);
			nl_buf_free(&after);
			nl_tmpl_set_free(set);
		}
	}
	nl_i18n_free();
}

/* A small template must not make unbounded work: sections nested over an
 * array multiply (10 items, 12 deep = 10^12 passes), a partial that includes
 * chain of partials multiplies again, and the output is bounded too. Each is refused
 * with NL_ERR_TOO_LARGE within a bounded number of steps, and the output is
 * left as it was. The fuzz corpus has the 721-byte case (corpus/tmpl/explode). */
static void work_is_bounded(void **state)
{
	(void)state;
	const char *data = "{\"l\":[0,1,2,3,4,5,6,7,8,9],\"s\":\"0123456789abcdef\"}";
	nl_buf src = NL_BUF_INIT;
	for (int i = 0; i < 12; i++)
		nl_buf_puts(&src, "{{#l}}");
	nl_buf_puts(&src, "{{.}}{{s}}");
	for (int i = 0; i < 12; i++)
		nl_buf_puts(&src, "{{/l}}");
	assert_false(src.oom);
	time_t t0 = time(NULL);
	assert_string_equal(render(src.data, data), "ERR 10: ");
	/* the same explosion through partials, each iterating over l */
	nl_tmpl_set *set = nl_tmpl_set_new();
	nl_buf err = NL_BUF_INIT, out = NL_BUF_INIT;
	for (int i = 0; i < 10; i++) {
		char name[8], body[64];
		snprintf(name, sizeof name, "p%d", i);
		int n = i < 9 ? snprintf(body, sizeof body, "{{#l}}{{s}}{{> p%d}}{{/l}}", i + 1)
		              : snprintf(body, sizeof body, "{{s}}");
		assert_int_equal(nl_tmpl_add(set, name, body, (size_t)n, &err), NL_OK);
	}
	nl_buf_puts(&out, "kept");
	json_t *d = json_loads(data, 0, NULL);
	assert_int_equal(nl_tmpl_render(set, "p0", d, "tr", &out), NL_ERR_TOO_LARGE);
	assert_string_equal(out.data, "kept");
	json_decref(d);
	/* few steps but a huge output: 16 MiB of one value repeated */
	nl_buf big = NL_BUF_INIT;
	nl_buf_puts(&big, "{\"l\":[");
	for (int i = 0; i < 1000; i++)
		nl_buf_printf(&big, "%s0", i ? "," : "");
	nl_buf_puts(&big, "],\"s\":\"");
	for (int i = 0; i < 40000; i++)
		nl_buf_puts(&big, "<>");
	nl_buf_puts(&big, "\"}");
	d = json_loads(big.data, 0, NULL);
	assert_non_null(d);
	static const char wide[] = "{{#l}}{{s}}{{/l}}";
	assert_int_equal(nl_tmpl_add(set, "wide", wide, sizeof wide - 1, &err), NL_OK);
	nl_buf_reset(&out);
	assert_int_equal(nl_tmpl_render(set, "wide", d, "tr", &out), NL_ERR_TOO_LARGE);
	assert_true(out.len == 0);
	json_decref(d);
	assert_true(time(NULL) - t0 < 20);
	/* an ordinary list is unaffected */
	assert_string_equal(render("{{#l}}{{.}}{{/l}}", data), "0123456789");
	nl_buf_free(&big);
	nl_buf_free(&src);
	nl_buf_free(&err);
	nl_buf_free(&out);
	nl_tmpl_set_free(set);
}

/* The real templates load, link, render, and every {{t}} msgid is translated
 * in both catalogues. */
struct msgid_check {
	int missing;
};

static void check_msgid(const char *tmpl, const char *msgid, void *arg)
{
	struct msgid_check *c = arg;
	if (nl_i18n_get("tr", msgid) == msgid) {
		print_message("# %s: no Turkish translation for \"%s\"\n", tmpl, msgid);
		c->missing++;
	}
}

static void real_templates(void **state)
{
	(void)state;
	nl_buf err = NL_BUF_INIT, out = NL_BUF_INIT;
	nl_tmpl_set *set = NULL;
	nl_err rc = nl_tmpl_load_dir(NL_SOURCE_ROOT "/web/templates", &set, &err);
	if (rc != NL_OK)
		fail_msg("load: %s", err.data ? err.data : "?");
	assert_int_equal(nl_i18n_load_dir(NL_SOURCE_ROOT "/po", &err), NL_OK);
	assert_true(nl_tmpl_has(set, "layout"));
	assert_true(nl_tmpl_has(set, "home"));
	static const char *const pages[] = {"home", "errors/404", "errors/405", "errors/403",
	                                    "errors/413", "errors/500", "errors/generic"};
	json_t *data = json_pack("{s:s, s:s, s:b, s:s}", "path", "/x\"<y>", "lang", "tr",
	                         "lang_tr", 1, "message", "<script>");
	for (size_t i = 0; i < sizeof pages / sizeof pages[0]; i++) {
		nl_buf_reset(&out);
		if (nl_tmpl_render_page(set, "layout", pages[i], data, "tr", &out) != NL_OK)
			fail_msg("render %s failed", pages[i]);
		assert_null(strstr(out.data, "<script"));
		assert_null(strstr(out.data, "<y>"));
		assert_non_null(strstr(out.data, "<main"));
	}
	struct msgid_check c = {0};
	nl_tmpl_each_msgid(set, check_msgid, &c);
	assert_int_equal(c.missing, 0);
	json_decref(data);
	nl_buf_free(&err);
	nl_buf_free(&out);
	nl_tmpl_set_free(set);
	nl_i18n_free();
}

int main(void)
{
	cmocka_set_message_output(CM_OUTPUT_TAP);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(escaping_text_and_attributes),
		cmocka_unit_test(text_rendering),
		cmocka_unit_test(message_rendering),
		cmocka_unit_test(raw_output_is_refused),
		cmocka_unit_test(values_and_missing_names),
		cmocka_unit_test(sections),
		cmocka_unit_test(parse_errors_name_line),
		cmocka_unit_test(partials_and_slots),
		cmocka_unit_test(translated_text),
		cmocka_unit_test(resolved_translations_match),
		cmocka_unit_test(real_templates),
		cmocka_unit_test(work_is_bounded),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
