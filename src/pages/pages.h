/* HTML pages for handlers: the template set and catalogues loaded at start,
 * the page language, the data every page's layout needs, and the error pages
 * the server's nl_resp_error renders.
 *
 *   void nl_h_thing(struct nl_req *r) {
 *       json_t *d = nl_page_data(r, "Page title msgid");
 *       json_object_set_new(d, "items", ...);
 *       nl_page_respond(r, 200, "thing", d);     // web/templates/thing.html in layout.html
 *   }
 */
#ifndef NL_PAGES_PAGES_H
#define NL_PAGES_PAGES_H

#include <jansson.h>

#include "app/app.h"
#include "http/http.h"
#include "view/spec.h"

/* The application context on a request: the configuration, the database
 * (for the use cases in src/app, never to call the store) and the drivers.
 * The only way a page reaches them. */
static inline struct nl_app *nl_app_of(const struct nl_req *r)
{
	return r->srv->app;
}

/* Loads <cfg->web_dir>/templates and the .po files of po_dir (NULL:
 * <cfg->web_dir>/../po) and installs what the server needs from the pages:
 * srv->templates, srv->error_page, the language (nl_page_settle_lang), the
 * route table (routes.c), the person gate (entitle.h) and the API token check. Call after
 * nl_server_new and before nl_server_start. On failure err names the file and
 * line. Undo with nl_pages_free (before nl_server_free). */
NL_MUST_USE nl_err nl_pages_init(struct nl_server *srv, const char *po_dir, char *err, size_t err_size);
void nl_pages_free(struct nl_server *srv);

/* Settles r->lang for a page request: the `lang` query parameter (then
 * remembered in a `lang` cookie and in the session if there is one), else the
 * session's language, else the `lang` cookie, else Accept-Language, else the
 * configured default, else Turkish. The server's gate calls it once, before the
 * handler (srv->settle_lang, installed by nl_pages_init); handlers only read
 * r->lang. */
void nl_page_settle_lang(struct nl_req *r);

/* r->lang's translation of msgid. */
const char *nl_page_tr(const struct nl_req *r, const char *msgid);

/* A new JSON object with what layout.html needs: lang, lang_tr, lang_en, path,
 * title (title_msgid translated; may be NULL). Caller owns the reference (pass
 * it to nl_page_respond). NULL on OOM. */
json_t *nl_page_data(struct nl_req *r, const char *title_msgid);

/* Renders web/templates/<page>.html inside layout.html with data (consumed)
 * and queues it; a render failure answers 500. */
void nl_page_respond(struct nl_req *r, int status, const char *page, json_t *data);

/* ---- field specs on a request (src/view/spec.h) ---- */

/* Parses the request body (any of the three encodings) into out. */
NL_MUST_USE nl_err nl_req_parse_body(struct nl_req *r, const struct nl_spec *specs, void *out,
                         struct nl_spec_result *res);

/* The srv->error_page hook: errors/<status>.html or errors/generic.html. */
NL_MUST_USE nl_err nl_page_error(struct nl_req *r, int status, const char *message, nl_buf *out);

#endif
