/* See fonts.h. */
#include "docs/fonts.h"

#include <pthread.h>

#include <cairo.h>
#include <fontconfig/fontconfig.h>

static pthread_mutex_t font_lock = PTHREAD_MUTEX_INITIALIZER;
static PangoFontMap *font_map;

PangoFontMap *nl_docs_fonts_lock(void)
{
	pthread_mutex_lock(&font_lock);
	if (!font_map)
		font_map = pango_cairo_font_map_new();
	if (!font_map)
		pthread_mutex_unlock(&font_lock);
	return font_map;
}

void nl_docs_fonts_unlock(void)
{
	pthread_mutex_unlock(&font_lock);
}

void nl_docs_shutdown(void)
{
	pthread_mutex_lock(&font_lock);
	if (font_map) {
		g_object_unref(font_map);
		font_map = NULL;
		cairo_debug_reset_static_data();
		FcFini();
	}
	pthread_mutex_unlock(&font_lock);
}
