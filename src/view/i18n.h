/* Translations from GNU gettext catalogues: the compiled .mo files that the
 * build makes with msgfmt and installs (po/tr.mo, po/en.mo), or in a source
 * tree the .po files themselves, read by our own small readers at start so
 * that no system locale has to be installed.
 * Message ids are English; Turkish is the default language.
 *
 * Life cycle: nl_i18n_load_dir() once at start (not thread-safe), then any
 * number of threads call nl_i18n_get() (read-only), nl_i18n_free() at exit. */
#ifndef NL_VIEW_I18N_H
#define NL_VIEW_I18N_H

#include <stdbool.h>
#include <stddef.h>

#include "core/buf.h"
#include "core/err.h"

#define NL_LANG_DEFAULT "tr"
#define NL_LANG_COOKIE  "lang"      /* cookie and query parameter name */

/* True for the languages we ship ("tr", "en"). NULL is not supported. */
bool nl_i18n_supported(const char *lang);

/* Loads <dir>/tr.mo and <dir>/en.mo (each, when absent, from its .po),
 * replacing what was loaded before.
 * On a syntax error returns NL_ERR_CONFIG and writes "file:line: reason" to err
 * (err may be NULL). */
NL_MUST_USE nl_err nl_i18n_load_dir(const char *dir, nl_buf *err);

/* Loads one catalogue from .po text (tests, and the work horse of load_dir).
 * `name` is used in error messages only. */
NL_MUST_USE nl_err nl_i18n_load_text(const char *lang, const char *name, const char *text,
                         size_t len, nl_buf *err);

/* Loads one catalogue from the bytes of a .mo file. */
NL_MUST_USE nl_err nl_i18n_load_mo(const char *lang, const char *name, const void *data, size_t len,
                                   nl_buf *err);

/* Frees every catalogue; nl_i18n_get() then returns msgids. */
void nl_i18n_free(void);

/* The translation of msgid in lang; msgid itself when there is none (or the
 * language is unknown). Never NULL for a non-NULL msgid. The result lives until
 * nl_i18n_free(). */
const char *nl_i18n_get(const char *lang, const char *msgid);

/* The languages as small indexes, so callers can keep per-language values in
 * arrays (e.g. templates resolving their {{t}} texts once at start). */
#define NL_I18N_MAX_LANG 4
size_t nl_i18n_lang_count(void);
const char *nl_i18n_lang_name(size_t i);      /* "tr", "en"; NULL past the end */
int nl_i18n_lang_index(const char *lang);     /* -1 if not supported */

/* Same with a gettext context (msgctxt). */
const char *nl_i18n_pget(const char *lang, const char *context, const char *msgid);

/* Translated user message of an error of the core table. */
const char *nl_i18n_err(const char *lang, nl_err e);

/* Number of translations loaded for lang (tests, start-up log). */
size_t nl_i18n_count(const char *lang);

/* The best supported language of an Accept-Language header, NULL if none. */
const char *nl_i18n_accept_language(const char *header);

/* Chooses the page language: the `lang` query parameter if supported (then
 * *set_cookie is true: the caller remembers the choice in the `lang` cookie),
 * else the cookie, else the best supported Accept-Language entry, else Turkish.
 * Any argument may be NULL. Returns a static string ("tr" or "en"). */
const char *nl_i18n_choose(const char *query_lang, const char *cookie_lang,
                           const char *accept_language, bool *set_cookie);

#endif
