/* The application form PDF (form_pdf.h): a small flow layout on cairo's PDF
 * surface — a cursor moves down the page and a block that does not fit starts
 * a new page with the same header (barcode and code), so a page that gets
 * separated from the others still identifies its form. */
#include "docs/form_pdf.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <cairo-pdf.h>
#include <cairo.h>
#include <pango/pangocairo.h>
#include <zint.h>

#include "docs/fonts.h"

/* A4 in PostScript points; user units are points. */
#define PAGE_W 595.28
#define PAGE_H 841.89
#define MARGIN 42.0
#define CONTENT_W (PAGE_W - 2 * MARGIN)
#define FOOTER_H 24.0
#define BOTTOM (PAGE_H - MARGIN - FOOTER_H)
#define LABEL_W 165.0
#define PAD 4.0
#define BARCODE_W 200.0
#define BARCODE_H 46.0
#define CODE_MAX 64

struct pdf {
	cairo_t *cr;
	PangoLayout *lay;
	PangoFontDescription *font;
	const struct nl_form_pdf *in;
	const struct zint_vector *bars;
	double y;
	int page;
};

static cairo_status_t on_write(void *closure, const unsigned char *data, unsigned int length)
{
	nl_buf *b = closure;
	nl_buf_append(b, data, length);
	return b->oom ? CAIRO_STATUS_WRITE_ERROR : CAIRO_STATUS_SUCCESS;
}

/* Lays out len bytes of text (-1: up to the NUL; plain text, never markup) in
 * width points at size points; returns its height. align: 0 left, 1 centre,
 * 2 right, 3 justified. */
static double layout_n(struct pdf *p, const char *text, int len, double width, double size,
                       bool bold, bool mono, int align)
{
	pango_font_description_set_family(p->font, mono ? "DejaVu Sans Mono" : "DejaVu Sans");
	pango_font_description_set_weight(p->font, bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
	pango_font_description_set_absolute_size(p->font, size * PANGO_SCALE);
	pango_layout_set_font_description(p->lay, p->font);
	pango_layout_set_width(p->lay, (int)(width * PANGO_SCALE));
	pango_layout_set_wrap(p->lay, PANGO_WRAP_WORD_CHAR);
	pango_layout_set_justify(p->lay, align == 3);
	pango_layout_set_alignment(p->lay, align == 1 ? PANGO_ALIGN_CENTER
	                                   : align == 2 ? PANGO_ALIGN_RIGHT : PANGO_ALIGN_LEFT);
	if (text && *text && len != 0)
		pango_layout_set_text(p->lay, text, len);
	else
		pango_layout_set_text(p->lay, "-", -1);
	int w, h;
	pango_layout_get_size(p->lay, &w, &h);
	return (double)h / PANGO_SCALE;
}

static double layout(struct pdf *p, const char *text, double width, double size, bool bold,
                     bool mono, int align)
{
	return layout_n(p, text, -1, width, size, bold, mono, align);
}

static double text_at(struct pdf *p, double x, double y, double width, const char *text,
                      double size, bool bold, int align)
{
	double h = layout(p, text, width, size, bold, false, align);
	cairo_set_source_rgb(p->cr, 0, 0, 0);
	cairo_move_to(p->cr, x, y);
	pango_cairo_show_layout(p->cr, p->lay);
	return h;
}

/* The bars from zint's vector output, scaled into the box: rectangles in the
 * PDF, not a bitmap, so a scanner or a 200 dpi rendering sees sharp edges. */
static void draw_barcode(struct pdf *p, double x, double y)
{
	const struct zint_vector *v = p->bars;
	double sx = BARCODE_W / v->width, sy = BARCODE_H / v->height;
	cairo_set_source_rgb(p->cr, 0, 0, 0);
	for (const struct zint_vector_rect *r = v->rectangles; r; r = r->next)
		cairo_rectangle(p->cr, x + r->x * sx, y + r->y * sy, r->width * sx, r->height * sy);
	cairo_fill(p->cr);
}

static void footer(struct pdf *p)
{
	char line[160];
	snprintf(line, sizeof line, "Form Kodu: %s  ·  %s  ·  Sayfa %d", p->in->code,
	         p->in->order_no ? p->in->order_no : "", p->page);
	cairo_set_source_rgb(p->cr, 0.6, 0.6, 0.6);
	cairo_set_line_width(p->cr, 0.5);
	cairo_move_to(p->cr, MARGIN, PAGE_H - MARGIN - FOOTER_H + 6);
	cairo_line_to(p->cr, PAGE_W - MARGIN, PAGE_H - MARGIN - FOOTER_H + 6);
	cairo_stroke(p->cr);
	text_at(p, MARGIN, PAGE_H - MARGIN - FOOTER_H + 10, CONTENT_W, line, 7.5, false, 1);
}

/* Starts a page: the heading on the left, the barcode and its code on the
 * right, the order and version under the heading. */
static void new_page(struct pdf *p)
{
	const struct nl_form_pdf *in = p->in;
	if (p->page > 0) {
		footer(p);
		cairo_show_page(p->cr);
	}
	p->page++;
	double left_w = CONTENT_W - BARCODE_W - 16;
	double y = MARGIN;
	y += text_at(p, MARGIN, y, left_w, in->issuer, 9, true, 0) + 2;
	y += text_at(p, MARGIN, y, left_w, in->title, 13, true, 0) + 6;
	char meta[200];
	snprintf(meta, sizeof meta, "Sipariş No: %s\nForm Sürümü: %lld\nOluşturma Tarihi: %s",
	         in->order_no ? in->order_no : "", (long long)in->version,
	         in->created ? in->created : "");
	y += text_at(p, MARGIN, y, left_w, meta, 8.5, false, 0);

	double bx = PAGE_W - MARGIN - BARCODE_W;
	draw_barcode(p, bx, MARGIN);
	double cy = MARGIN + BARCODE_H + 3;
	double ch = layout(p, in->code, BARCODE_W, 11, true, true, 1);
	cairo_move_to(p->cr, bx, cy);
	pango_cairo_show_layout(p->cr, p->lay);
	cy += ch;
	if (cy > y)
		y = cy;
	y += 8;
	cairo_set_source_rgb(p->cr, 0, 0, 0);
	cairo_set_line_width(p->cr, 1);
	cairo_move_to(p->cr, MARGIN, y);
	cairo_line_to(p->cr, PAGE_W - MARGIN, y);
	cairo_stroke(p->cr);
	p->y = y + 10;
}

/* Starts a new page unless h more points fit on this one. */
static void need(struct pdf *p, double h)
{
	if (p->y + h > BOTTOM)
		new_page(p);
}

static double row_height(struct pdf *p, const struct nl_pdf_field *f)
{
	double lh = layout(p, f->label, LABEL_W - 2 * PAD, 8.5, true, false, 0);
	double vh = layout(p, f->value, CONTENT_W - LABEL_W - 2 * PAD, 9.5, false, false, 0);
	return (lh > vh ? lh : vh) + 2 * PAD;
}

static void section(struct pdf *p, const struct nl_pdf_section *s)
{
	double th = layout(p, s->title, CONTENT_W - 2 * PAD, 10.5, true, false, 0) + 2 * PAD;
	/* A section that fits on a page is kept whole (the officer compares it
	 * with the screen at a glance); a longer one keeps its title with its
	 * first row. */
	double whole = th;
	for (size_t i = 0; i < s->n; i++)
		whole += row_height(p, &s->fields[i]);
	if (whole <= BOTTOM - MARGIN - 100)
		need(p, whole);
	else
		need(p, th + (s->n ? row_height(p, &s->fields[0]) : 0));
	cairo_set_source_rgb(p->cr, 0.88, 0.9, 0.93);
	cairo_rectangle(p->cr, MARGIN, p->y, CONTENT_W, th);
	cairo_fill(p->cr);
	text_at(p, MARGIN + PAD, p->y + PAD, CONTENT_W - 2 * PAD, s->title, 10.5, true, 0);
	p->y += th;
	for (size_t i = 0; i < s->n; i++) {
		const struct nl_pdf_field *f = &s->fields[i];
		double h = row_height(p, f);
		need(p, h);
		cairo_set_source_rgb(p->cr, 0.75, 0.75, 0.75);
		cairo_set_line_width(p->cr, 0.5);
		cairo_rectangle(p->cr, MARGIN, p->y, LABEL_W, h);
		cairo_rectangle(p->cr, MARGIN + LABEL_W, p->y, CONTENT_W - LABEL_W, h);
		cairo_stroke(p->cr);
		text_at(p, MARGIN + PAD, p->y + PAD, LABEL_W - 2 * PAD, f->label, 8.5, true, 0);
		text_at(p, MARGIN + LABEL_W + PAD, p->y + PAD, CONTENT_W - LABEL_W - 2 * PAD,
		        f->value, 9.5, false, 0);
		p->y += h;
	}
	p->y += 10;
}

/* Paragraphs separated by '\n', each kept whole on a page (a paragraph
 * longer than a page simply runs past the bottom margin: the undertaking's
 * clauses are short). */
static void paragraphs(struct pdf *p, const char *text, double size, int align)
{
	const char *s = text ? text : "";
	while (*s) {
		const char *nl = strchr(s, '\n');
		size_t n = nl ? (size_t)(nl - s) : strlen(s);
		if (n > 0 && n < INT32_MAX) {
			double h = layout_n(p, s, (int)n, CONTENT_W, size, false, false, align);
			need(p, h);
			/* need() may have drawn a new page header: lay the paragraph out again. */
			h = layout_n(p, s, (int)n, CONTENT_W, size, false, false, align);
			cairo_set_source_rgb(p->cr, 0, 0, 0);
			cairo_move_to(p->cr, MARGIN, p->y);
			pango_cairo_show_layout(p->cr, p->lay);
			p->y += h + 3;
		}
		s += n + (nl ? 1 : 0);
	}
}

/* The box the person signs in, with the guidance above it. */
static void signature_box(struct pdf *p)
{
	const struct nl_form_pdf *in = p->in;
	double gh = layout(p, in->sign_guidance, CONTENT_W - 2 * PAD, 9, true, false, 0);
	double box = 118 + gh;
	need(p, box + 10);
	double y = p->y;
	cairo_set_source_rgb(p->cr, 0, 0, 0);
	cairo_set_line_width(p->cr, 1.2);
	cairo_rectangle(p->cr, MARGIN, y, CONTENT_W, box);
	cairo_stroke(p->cr);
	text_at(p, MARGIN + PAD, y + PAD, CONTENT_W - 2 * PAD, in->sign_guidance, 9, true, 0);
	y += gh + 2 * PAD + 4;
	char who[300];
	snprintf(who, sizeof who, "Başvuru Sahibinin Adı Soyadı: %s",
	         in->holder_name ? in->holder_name : "");
	text_at(p, MARGIN + PAD, y, CONTENT_W / 2, who, 9.5, false, 0);
	text_at(p, MARGIN + PAD, y + 28, CONTENT_W / 2, "Tarih: ....../....../............", 9.5,
	        false, 0);
	double sx = MARGIN + CONTENT_W / 2 + 10, sw = CONTENT_W / 2 - 10 - PAD;
	text_at(p, sx, y, sw, "İmza:", 9.5, true, 0);
	cairo_set_source_rgb(p->cr, 0.55, 0.55, 0.55);
	cairo_set_line_width(p->cr, 0.7);
	double dash[] = {3, 2};
	cairo_set_dash(p->cr, dash, 2, 0);
	cairo_rectangle(p->cr, sx, y + 16, sw, box - gh - 2 * PAD - 4 - 16 - PAD - 4);
	cairo_stroke(p->cr);
	cairo_set_dash(p->cr, NULL, 0, 0);
	p->y += box + 12;
}

static void draw(struct pdf *p)
{
	const struct nl_form_pdf *in = p->in;
	new_page(p);
	for (size_t i = 0; i < in->n_sections; i++)
		section(p, &in->sections[i]);
	double th = layout(p, in->undertaking_title, CONTENT_W, 11, true, false, 0);
	need(p, th + 40);
	p->y += text_at(p, MARGIN, p->y, CONTENT_W, in->undertaking_title, 11, true, 0) + 4;
	paragraphs(p, in->undertaking, 8.8, 3);
	p->y += 6;
	signature_box(p);
	double ah = layout(p, in->delivery_note, CONTENT_W, 9, false, false, 0) +
	            layout(p, in->postal_address, CONTENT_W, 9.5, true, false, 0) + 6;
	need(p, ah);
	p->y += text_at(p, MARGIN, p->y, CONTENT_W, in->delivery_note, 9, false, 0) + 4;
	p->y += text_at(p, MARGIN + 12, p->y, CONTENT_W - 12, in->postal_address, 9.5, true, 0);
	footer(p);
	cairo_show_page(p->cr);
}

/* Printable ASCII only: Code 128 set B, and the code is also a URL part. */
static bool code_ok(const char *code)
{
	size_t n = code ? strlen(code) : 0;
	if (n == 0 || n > CODE_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if (code[i] < 0x21 || code[i] > 0x7e)
			return false;
	return true;
}

nl_err nl_form_pdf_render(const struct nl_form_pdf *in, nl_buf *out)
{
	if (!code_ok(in->code))
		return NL_ERR_INVALID;
	nl_err rc = NL_ERR_INTERNAL;
	struct zint_symbol *sym = ZBarcode_Create();
	cairo_surface_t *surface = NULL;
	PangoFontMap *fonts = NULL;
	PangoContext *pc = NULL;
	struct pdf p = {.in = in};
	if (!sym)
		return NL_ERR_NOMEM;
	sym->symbology = BARCODE_CODE128;
	sym->show_hrt = 0;          /* the code is printed by us, in our font */
	sym->whitespace_width = 0;
	if (ZBarcode_Encode_and_Buffer_Vector(sym, (const unsigned char *)in->code,
	                                      (int)strlen(in->code), 0) >= ZINT_ERROR ||   /* <= CODE_MAX: code_ok */
	    !sym->vector || sym->vector->width <= 0 || sym->vector->height <= 0) {
		rc = NL_ERR_INVALID;
		goto out;
	}
	p.bars = sym->vector;

	surface = cairo_pdf_surface_create_for_stream(on_write, out, PAGE_W, PAGE_H);
	if (cairo_surface_status(surface) != CAIRO_STATUS_SUCCESS)
		goto out;
	cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, in->title);
	cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_SUBJECT, in->code);
	cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "Nitelik");
	p.cr = cairo_create(surface);
	if (!(fonts = nl_docs_fonts_lock()))
		goto out;
	pc = pango_font_map_create_context(fonts);
	pango_cairo_update_context(p.cr, pc);
	p.lay = pango_layout_new(pc);
	p.font = pango_font_description_new();
	/* No ligatures: "fi" stays two letters when the text is copied or searched. */
	PangoAttrList *attrs = pango_attr_list_new();
	pango_attr_list_insert(attrs, pango_attr_font_features_new("liga=0, clig=0"));
	pango_layout_set_attributes(p.lay, attrs);
	pango_attr_list_unref(attrs);
	draw(&p);
	cairo_surface_finish(surface);
	if (cairo_status(p.cr) == CAIRO_STATUS_SUCCESS &&
	    cairo_surface_status(surface) == CAIRO_STATUS_SUCCESS)
		rc = out->oom ? NL_ERR_NOMEM : NL_OK;
out:
	if (p.font)
		pango_font_description_free(p.font);
	if (p.lay)
		g_object_unref(p.lay);
	if (pc)
		g_object_unref(pc);
	if (fonts)
		nl_docs_fonts_unlock();
	if (p.cr)
		cairo_destroy(p.cr);
	if (surface)
		cairo_surface_destroy(surface);
	ZBarcode_Delete(sym);
	return rc;
}
