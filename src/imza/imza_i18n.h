/* nitelik-imza's language (Turkish by default, English on request).
 *
 * Like the site (po/tr.po and po/en.po, docs/DESIGN.md "Translations"), msgids are English
 * and Turkish is the default; unlike the site, the program carries its
 * Turkish texts inside itself (imza_i18n.c), because it runs on the holder's
 * computer without the site's files. The server's own messages (reasons of a
 * refusal) are shown as the server wrote them. */
#ifndef NL_IMZA_I18N_H
#define NL_IMZA_I18N_H

#include <stdbool.h>

/* lang "en…" or "tr…" wins; else, when from_env, LANGUAGE, LC_ALL,
 * LC_MESSAGES and LANG are asked in that order ("en…" -> English); else
 * Turkish. The command line passes from_env = false: scripts read its
 * Turkish words whatever the locale. Call once, before any T(). */
void nl_imza_lang_init(const char *lang, bool from_env);
bool nl_imza_lang_en(void);

/* The text for the English msgid in the program's language (the msgid
 * itself when English, or when no Turkish is known). */
const char *T(const char *msgid) __attribute__((format_arg(1)));

#endif
