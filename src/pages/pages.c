/* Page plumbing between the server and the template engine. */
#include "pages/pages.h"

#include <stdio.h>
#include <string.h>

#include "app/app.h"
#include "core/site.h"
#include "pages/entitle.h"
#include "pages/handlers.h"
#include "view/i18n.h"
#include "view/tmpl.h"

/* The payment channels table, read once at start from [site]
 * payment_channels (nl_config_validate checked it): every page shows it
 * from here, no page parses it. */
static struct nl_pay_bank pay_banks[NL_PAY_BANKS_MAX];
static size_t n_pay_banks;

nl_err nl_pages_init(struct nl_server *srv, const char *po_dir, char *err, size_t err_size)
{
	char tdir[4096], pdir[4096];
	if (nl_site_payment_channels(srv->app->cfg->site_payment_channels, pay_banks, &n_pay_banks,
	                             err, err_size) != NL_OK)
		return NL_ERR_CONFIG;
	nl_buf msg = NL_BUF_INIT;
	nl_tmpl_set *set = NULL;
	snprintf(tdir, sizeof tdir, "%s/templates", srv->app->cfg->web_dir);
	if (po_dir)
		snprintf(pdir, sizeof pdir, "%s", po_dir);
	else
		snprintf(pdir, sizeof pdir, "%s/../po", srv->app->cfg->web_dir);
	nl_err rc = nl_tmpl_load_dir(tdir, &set, &msg);
	if (rc == NL_OK && !nl_tmpl_has(set, "layout")) {
		nl_buf_printf(&msg, "%s: no layout.html", tdir);
		rc = NL_ERR_CONFIG;
	}
	if (rc == NL_OK)
		rc = nl_i18n_load_dir(pdir, &msg);
	if (rc == NL_OK)
		rc = nl_tmpl_resolve_translations(set);
	if (rc != NL_OK) {
		snprintf(err, err_size, "%s", msg.data ? msg.data : nl_err_code(rc));
		nl_tmpl_set_free(set);
	} else {
		srv->templates = set;
		srv->error_page = nl_page_error;
		srv->settle_lang = nl_page_settle_lang;
		srv->routes = nl_routes;
		srv->n_routes = nl_routes_count;
		srv->person_gate = nl_entitle_gate;
		srv->api_token_check = nl_api_token_check;   /* institution tokens */
	}
	nl_buf_free(&msg);
	return rc;
}

void nl_pages_free(struct nl_server *srv)
{
	if (!srv)
		return;
	nl_tmpl_set_free(srv->templates);
	srv->templates = NULL;
	srv->error_page = NULL;
	nl_i18n_free();
}

void nl_page_settle_lang(struct nl_req *r)
{
	bool remember = false;
	const char *q = nl_req_query(r, NL_LANG_COOKIE);
	const char *lang = NULL;
	if (nl_i18n_supported(q)) {
		lang = nl_i18n_choose(q, NULL, NULL, &remember);
	} else if (r->session.present && nl_i18n_supported(r->session.s.lang)) {
		lang = nl_i18n_choose(r->session.s.lang, NULL, NULL, NULL);
	} else {
		const char *c = r->is_api ? NULL : nl_req_cookie(r, NL_LANG_COOKIE);
		lang = nl_i18n_supported(c) ? nl_i18n_choose(c, NULL, NULL, NULL)
		                            : nl_i18n_accept_language(nl_req_header(r, "Accept-Language"));
		if (!lang)
			lang = nl_i18n_supported(nl_app_of(r)->cfg->default_lang)
				? nl_i18n_choose(nl_app_of(r)->cfg->default_lang, NULL, NULL, NULL)
				: NL_LANG_DEFAULT;
	}
	if (remember && !r->is_api) {
		/* A cookie keeps the choice without a database session; a session, when
		 * there is one, is updated too because it wins over the cookie. */
		const char *c = nl_req_cookie(r, NL_LANG_COOKIE);
		if (!c || strcmp(c, lang) != 0) {
			char cookie[128];
			snprintf(cookie, sizeof cookie, "%s=%s; Path=/; Max-Age=31536000; SameSite=Lax; HttpOnly%s",
			         NL_LANG_COOKIE, lang, nl_app_of(r)->cfg->behind_tls_proxy ? "; Secure" : "");
			nl_resp_add_header(r, "Set-Cookie", cookie);
		}
		if (r->session.present && strcmp(r->session.s.lang, lang) != 0)
			nl_err_ignore(nl_session_set_lang(r, lang));
	}
	r->lang = lang;
	r->lang_settled = true;
}

const char *nl_page_tr(const struct nl_req *r, const char *msgid)
{
	return nl_i18n_get(r->lang, msgid);
}

/* "a | b" as [{line: "a"}, {line: "b"}]. */
static json_t *lines_json(const char *text)
{
	json_t *a = json_array();
	for (const char *p = text; a && *p;) {
		size_t n = strcspn(p, "|");
		const char *s = p;
		size_t len = n;
		while (len && *s == ' ') {
			s++;
			len--;
		}
		while (len && s[len - 1] == ' ')
			len--;
		if (len)
			json_array_append_new(a, json_pack("{s:s%}", "line", s, len));
		p += n + (p[n] == '|');
	}
	return a;
}

/* What every page tells (the [site] keys, docs/configuration.md): the
 * contact block of the layout and the payment channels table that pages
 * showing a payment include (partials/payment_channels), read at start
 * (pay_banks). */
static json_t *site_json(const struct nl_config *cfg)
{
	json_t *site = json_pack("{s:s, s:s, s:b, s:o}", "contact_phone", cfg->site_contact_phone,
	                         "contact_email", cfg->site_contact_email,
	                         "has_address", cfg->site_contact_address[0] != '\0',
	                         "contact_lines", lines_json(cfg->site_contact_address));
	const struct nl_pay_bank *banks = pay_banks;
	json_t *rows = json_array();
	if (site && rows)
		for (size_t i = 0; i < n_pay_banks; i++)
			json_array_append_new(rows, json_pack("{s:s, s:b, s:b, s:b, s:b, s:b}",
				"bank", banks[i].name,
				"branch", (banks[i].channels & NL_PAY_CH_BRANCH) != 0,
				"internet", (banks[i].channels & NL_PAY_CH_INTERNET) != 0,
				"mobile", (banks[i].channels & NL_PAY_CH_MOBILE) != 0,
				"atm", (banks[i].channels & NL_PAY_CH_ATM) != 0,
				"call", (banks[i].channels & NL_PAY_CH_CALL) != 0));
	if (site && rows) {
		json_object_set_new(site, "has_pay_banks", json_boolean(json_array_size(rows) > 0));
		json_object_set_new(site, "pay_banks", rows);
	} else {
		json_decref(rows);
	}
	return site;
}

json_t *nl_page_data(struct nl_req *r, const char *title_msgid)
{
	/* Settled by the gate; an answer given before routing (404, 405) is
	 * settled here, when its page is drawn. */
	if (!r->lang_settled)
		nl_page_settle_lang(r);
	const char *lang = r->lang;
	/* edevlet: the e-Devlet door is configured, so its buttons show. */
	const struct nl_app *app = nl_app_of(r);
	json_t *d = json_pack("{s:s, s:b, s:b, s:s, s:b}", "lang", lang, "lang_tr", !strcmp(lang, "tr"),
	                      "lang_en", !strcmp(lang, "en"), "path", r->path ? r->path : "/",
	                      "edevlet", app && app->drivers.oidc);
	if (d && app && json_object_set_new(d, "site", site_json(app->cfg)) != 0) {
		json_decref(d);
		return NULL;
	}
	if (d && title_msgid &&
	    json_object_set_new(d, "title", json_string(nl_i18n_get(lang, title_msgid))) != 0) {
		json_decref(d);
		return NULL;
	}
	return d;
}

void nl_page_respond(struct nl_req *r, int status, const char *page, json_t *data)
{
	nl_buf out = NL_BUF_INIT;
	const nl_tmpl_set *set = r->srv->templates;
	nl_err rc = !data ? NL_ERR_NOMEM : !set ? NL_ERR_CONFIG
	          : nl_tmpl_render_page(set, "layout", page, data, r->lang, &out);
	json_decref(data);
	if (rc != NL_OK) {
		nl_buf_free(&out);
		nl_resp_error(r, NL_ERR_INTERNAL, NULL);
		return;
	}
	nl_resp_html(r, status, &out);
}

nl_err nl_page_error(struct nl_req *r, int status, const char *message, nl_buf *out)
{
	const nl_tmpl_set *set = r->srv->templates;
	if (!set)
		return NL_ERR_CONFIG;
	char page[32];
	snprintf(page, sizeof page, "errors/%d", status);
	if (!nl_tmpl_has(set, page))
		snprintf(page, sizeof page, "errors/generic");
	json_t *d = nl_page_data(r, NULL);
	if (!d)
		return NL_ERR_NOMEM;
	/* The message is the server's English text: show its translation if any. */
	json_object_set_new(d, "status", json_integer(status));
	if (message)
		json_object_set_new(d, "message", json_string(nl_i18n_get(r->lang, message)));
	char title[16];
	snprintf(title, sizeof title, "%d", status);
	json_object_set_new(d, "title", json_string(title));
	nl_err rc = nl_tmpl_render_page(set, "layout", page, d, r->lang, out);
	json_decref(d);
	return rc;
}

nl_err nl_req_parse_body(struct nl_req *r, const struct nl_spec *specs, void *out,
                         struct nl_spec_result *res)
{
	return nl_spec_parse(r->arena, specs, r->content_type_full, r->body, r->body_len, out, res);
}
