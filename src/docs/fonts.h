/* The docs layer's one pango font map, shared by everything here that draws
 * text (the captcha, the application form PDF).
 *
 * Pango objects are not thread-safe, and pango's default font map is one per
 * thread: heavy, and never freed (LeakSanitizer reports fontconfig's caches
 * once per server thread). So the layer owns one font map, created on first
 * use, and text is laid out while holding its lock. */
#ifndef NL_DOCS_FONTS_H
#define NL_DOCS_FONTS_H

#include <pango/pangocairo.h>

/* Locks the font map and returns it (NULL if it cannot be created; the lock is
 * then already released). Pair every non-NULL return with nl_docs_fonts_unlock.
 * Keep the lock only while laying out and drawing text. */
PangoFontMap *nl_docs_fonts_lock(void);
void nl_docs_fonts_unlock(void);

/* Frees the font map and fontconfig's caches, for a clean exit under
 * LeakSanitizer. Call once at process end, after every thread that draws has
 * stopped and every pango object from the map is gone; a later
 * nl_docs_fonts_lock loads everything again. */
void nl_docs_shutdown(void);

#endif
