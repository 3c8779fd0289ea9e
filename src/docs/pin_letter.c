/* The PIN letter PDF (pin_letter.h). */
#include "docs/pin_letter.h"

#include <cairo-pdf.h>
#include <pango/pangocairo.h>
#include <stdbool.h>
#include <stdio.h>

#include "docs/fonts.h"

#define PAGE_W 595.28   /* A4 in points */
#define PAGE_H 841.89
#define MARGIN 56.0

struct letter {
	cairo_t *cr;
	PangoLayout *lay;
	PangoFontDescription *font;
};

static cairo_status_t on_write(void *closure, const unsigned char *data, unsigned int length)
{
	nl_buf *b = closure;
	nl_buf_append(b, data, length);
	return b->oom ? CAIRO_STATUS_WRITE_ERROR : CAIRO_STATUS_SUCCESS;
}

/* Draws plain text (never markup) at (x, y) in width; returns its height. */
static double text(struct letter *l, double x, double y, double width, const char *s,
                   double size, bool bold, bool mono)
{
	pango_font_description_set_family(l->font, mono ? "DejaVu Sans Mono" : "DejaVu Sans");
	pango_font_description_set_weight(l->font, bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
	pango_font_description_set_absolute_size(l->font, size * PANGO_SCALE);
	pango_layout_set_font_description(l->lay, l->font);
	pango_layout_set_width(l->lay, (int)(width * PANGO_SCALE));
	pango_layout_set_wrap(l->lay, PANGO_WRAP_WORD_CHAR);
	pango_layout_set_text(l->lay, s && *s ? s : "-", -1);
	cairo_set_source_rgb(l->cr, 0, 0, 0);
	cairo_move_to(l->cr, x, y);
	pango_cairo_show_layout(l->cr, l->lay);
	int w, h;
	pango_layout_get_size(l->lay, &w, &h);
	return (double)h / PANGO_SCALE;
}

static void draw(struct letter *l, const struct nl_pin_letter *in)
{
	double w = PAGE_W - 2 * MARGIN, y = MARGIN;
	y += text(l, MARGIN, y, w, in->issuer, 14, true, false) + 6;
	y += text(l, MARGIN, y, w, in->created, 9, false, false) + 30;
	/* The window of a C5/DL envelope: the recipient only. */
	y += text(l, MARGIN + 20, y, 260, in->recipient, 11, false, false) + 40;
	y += text(l, MARGIN, y, w, "KİŞİYE ÖZEL — PIN / PUK BİLGİSİ", 13, true, false) + 12;
	char line[160];
	snprintf(line, sizeof line, "Sipariş No: %s    Kart: %s", in->order_no, in->card_label);
	y += text(l, MARGIN, y, w, line, 10, false, false) + 20;
	cairo_set_line_width(l->cr, 1.0);
	cairo_rectangle(l->cr, MARGIN, y, w, 110);
	cairo_stroke(l->cr);
	text(l, MARGIN + 16, y + 16, 120, "PIN", 12, true, false);
	text(l, MARGIN + 140, y + 10, w - 160, in->pin, 24, true, true);
	text(l, MARGIN + 16, y + 66, 120, "PUK", 12, true, false);
	text(l, MARGIN + 140, y + 60, w - 160, in->puk, 24, true, true);
	y += 130;
	text(l, MARGIN, y, w, in->guidance, 10, false, false);
}

nl_err nl_pin_letter_pdf(const struct nl_pin_letter *in, nl_buf *out)
{
	nl_err rc = NL_ERR_INTERNAL;
	struct letter l = {0};
	PangoFontMap *fonts = NULL;
	PangoContext *pc = NULL;
	cairo_surface_t *surface = cairo_pdf_surface_create_for_stream(on_write, out, PAGE_W, PAGE_H);
	if (cairo_surface_status(surface) != CAIRO_STATUS_SUCCESS)
		goto out;
	cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, "PIN / PUK");
	cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "Nitelik");
	l.cr = cairo_create(surface);
	if (!(fonts = nl_docs_fonts_lock()))
		goto out;
	pc = pango_font_map_create_context(fonts);
	pango_cairo_update_context(l.cr, pc);
	l.lay = pango_layout_new(pc);
	l.font = pango_font_description_new();
	draw(&l, in);
	cairo_surface_finish(surface);
	if (cairo_status(l.cr) == CAIRO_STATUS_SUCCESS &&
	    cairo_surface_status(surface) == CAIRO_STATUS_SUCCESS)
		rc = out->oom ? NL_ERR_NOMEM : NL_OK;
out:
	if (l.font) pango_font_description_free(l.font);
	if (l.lay) g_object_unref(l.lay);
	if (pc) g_object_unref(pc);
	if (fonts) nl_docs_fonts_unlock();
	if (l.cr) cairo_destroy(l.cr);
	cairo_surface_destroy(surface);
	return rc;
}
