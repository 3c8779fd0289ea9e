/* The captcha picture: glyphs drawn one by one with pango (rotation, offset,
 * colour per glyph), bent by a two-axis sine wave, then covered with noise
 * curves and dots; PNG via cairo. */
#include "docs/captcha.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cairo.h>
#include <pango/pangocairo.h>
#include <sodium.h>

#include "core/buf.h"
#include "docs/fonts.h"

/* ---- randomness: one pool, from libsodium, or derived from a seed ---- */

struct rng {
	unsigned char pool[2048];
	size_t pos;
	bool seeded;
	unsigned char key[randombytes_SEEDBYTES];
	uint64_t counter;   /* which pool of the seeded stream we are in */
};

static void rng_fill(struct rng *r)
{
	if (r->seeded) {
		/* Each refill derives a fresh key from (seed, counter), so the
		 * stream is endless yet fixed for one seed. */
		unsigned char k[randombytes_SEEDBYTES];
		unsigned char ctr[8];
		for (int i = 0; i < 8; i++)
			ctr[i] = (unsigned char)(r->counter >> (8 * i));
		crypto_generichash(k, sizeof k, ctr, sizeof ctr, r->key, sizeof r->key);
		randombytes_buf_deterministic(r->pool, sizeof r->pool, k);
		sodium_memzero(k, sizeof k);
		r->counter++;
	} else {
		randombytes_buf(r->pool, sizeof r->pool);
	}
	r->pos = 0;
}

static void rng_init(struct rng *r, bool seeded, uint64_t seed)
{
	memset(r, 0, sizeof *r);
	r->seeded = seeded;
	if (seeded) {
		unsigned char s[8];
		for (int i = 0; i < 8; i++)
			s[i] = (unsigned char)(seed >> (8 * i));
		crypto_generichash(r->key, sizeof r->key, s, sizeof s,
			(const unsigned char *)"nitelik-captcha-seed-key-v1.....", 32);
	}
	rng_fill(r);
}

static uint32_t rng_u32(struct rng *r)
{
	if (r->pos + 4 > sizeof r->pool)
		rng_fill(r);
	uint32_t v = (uint32_t)r->pool[r->pos] | (uint32_t)r->pool[r->pos + 1] << 8
		| (uint32_t)r->pool[r->pos + 2] << 16 | (uint32_t)r->pool[r->pos + 3] << 24;
	r->pos += 4;
	return v;
}

/* Uniform in [0, n) without modulo bias (rejection sampling). */
static uint32_t rng_below(struct rng *r, uint32_t n)
{
	uint32_t limit = UINT32_MAX - UINT32_MAX % n;
	uint32_t v;
	do
		v = rng_u32(r);
	while (v >= limit);
	return v % n;
}

static double rng_range(struct rng *r, double lo, double hi)
{
	return lo + (hi - lo) * (rng_u32(r) / 4294967296.0);
}

/* ---- drawing ---- */

static void set_dark(cairo_t *cr, struct rng *r, double alpha)
{
	cairo_set_source_rgba(cr, rng_range(r, 0.0, 0.45), rng_range(r, 0.0, 0.4),
		rng_range(r, 0.1, 0.55), alpha);
}

/* Each glyph in its own slot, rotated about its centre and shifted, so no
 * two captchas of the same text line up and segmentation gets harder. */
static void draw_glyphs(PangoFontMap *font_map, cairo_t *cr, struct rng *r, const char *text,
	int w, int h)
{
	size_t n = strlen(text);
	double margin = w * 0.06;
	double slot = (w - 2 * margin) / (double)n;
	PangoContext *pc = pango_font_map_create_context(font_map);
	pango_cairo_update_context(cr, pc);
	PangoLayout *layout = pango_layout_new(pc);
	PangoFontDescription *font = pango_font_description_from_string("DejaVu Sans Bold");

	for (size_t i = 0; i < n; i++) {
		char ch[2] = {text[i], '\0'};
		int px = (int)(h * rng_range(r, 0.48, 0.62));
		pango_font_description_set_absolute_size(font, px * PANGO_SCALE);
		pango_layout_set_font_description(layout, font);
		pango_layout_set_text(layout, ch, 1);
		int gw, gh;
		pango_layout_get_pixel_size(layout, &gw, &gh);

		double cx = margin + slot * ((double)i + 0.5) + rng_range(r, -slot * 0.15, slot * 0.15);
		double cy = h * 0.5 + rng_range(r, -h * 0.12, h * 0.12);
		cairo_save(cr);
		cairo_translate(cr, cx, cy);
		cairo_rotate(cr, rng_range(r, -0.45, 0.45));
		cairo_scale(cr, rng_range(r, 0.85, 1.15), rng_range(r, 0.9, 1.1));
		cairo_move_to(cr, -gw / 2.0, -gh / 2.0);
		set_dark(cr, r, 1.0);
		pango_cairo_show_layout(cr, layout);
		cairo_restore(cr);
	}
	pango_font_description_free(font);
	g_object_unref(layout);
	g_object_unref(pc);
}

/* Bends the text layer: each output pixel takes the source pixel displaced by
 * a sine of the other coordinate (nearest neighbour; premultiplied ARGB moves
 * as one 32-bit word). */
static void wave(cairo_surface_t *src, cairo_surface_t *dst, struct rng *r)
{
	int w = cairo_image_surface_get_width(src);
	int h = cairo_image_surface_get_height(src);
	int sstride = cairo_image_surface_get_stride(src) / 4;
	int dstride = cairo_image_surface_get_stride(dst) / 4;
	cairo_surface_flush(src);
	cairo_surface_flush(dst);
	const uint32_t *s = (const uint32_t *)cairo_image_surface_get_data(src);
	uint32_t *d = (uint32_t *)cairo_image_surface_get_data(dst);
	double ax = rng_range(r, 2.0, 4.0), px = rng_range(r, h * 0.7, h * 1.3);
	double ay = rng_range(r, 3.0, 6.0), py = rng_range(r, w * 0.25, w * 0.45);
	double fx = rng_range(r, 0, 2 * M_PI), fy = rng_range(r, 0, 2 * M_PI);

	for (int y = 0; y < h; y++) {
		for (int x = 0; x < w; x++) {
			int sx = (int)lround(x + ax * sin(2 * M_PI * y / px + fx));
			int sy = (int)lround(y + ay * sin(2 * M_PI * x / py + fy));
			d[y * dstride + x] = (sx >= 0 && sx < w && sy >= 0 && sy < h)
				? s[sy * sstride + sx] : 0;
		}
	}
	cairo_surface_mark_dirty(dst);
}

static void noise(cairo_t *cr, struct rng *r, int w, int h)
{
	/* Curves through the text band in glyph-like colours, so a filter that
	 * removes them also eats the glyphs. */
	int curves = 3 + (int)rng_below(r, 3);
	for (int i = 0; i < curves; i++) {
		set_dark(cr, r, rng_range(r, 0.5, 0.9));
		cairo_set_line_width(cr, rng_range(r, 1.0, 2.6));
		cairo_move_to(cr, rng_range(r, -10, w * 0.2), rng_range(r, 0, h));
		cairo_curve_to(cr, rng_range(r, w * 0.2, w * 0.5), rng_range(r, -h * 0.3, h * 1.3),
			rng_range(r, w * 0.5, w * 0.8), rng_range(r, -h * 0.3, h * 1.3),
			rng_range(r, w * 0.8, w + 10), rng_range(r, 0, h));
		cairo_stroke(cr);
	}
	int dots = w * h / 60;
	for (int i = 0; i < dots; i++) {
		cairo_set_source_rgba(cr, rng_range(r, 0, 1), rng_range(r, 0, 1),
			rng_range(r, 0, 1), rng_range(r, 0.3, 0.8));
		cairo_arc(cr, rng_range(r, 0, w), rng_range(r, 0, h), rng_range(r, 0.5, 1.6), 0,
			2 * M_PI);
		cairo_fill(cr);
	}
}

static cairo_status_t on_png(void *ud, const unsigned char *data, unsigned int len)
{
	nl_buf *b = ud;
	nl_buf_append(b, data, len);
	return b->oom ? CAIRO_STATUS_NO_MEMORY : CAIRO_STATUS_SUCCESS;
}

nl_err nl_captcha_new(const struct nl_captcha_opts *opts, struct nl_captcha *out)
{
	static const char alphabet[] = NL_CAPTCHA_ALPHABET;
	struct nl_captcha_opts o = opts ? *opts : (struct nl_captcha_opts){0};
	nl_err rc = NL_ERR_INTERNAL;
	cairo_surface_t *text = NULL, *bent = NULL, *pic = NULL;
	cairo_t *cr = NULL;
	nl_buf png = NL_BUF_INIT;
	struct rng *r = NULL;

	memset(out, 0, sizeof *out);
	if (!o.width)
		o.width = 200;
	if (!o.height)
		o.height = 70;
	if (o.width < 120 || o.width > 600 || o.height < 40 || o.height > 200
	    || (o.length && (o.length < 5 || o.length > NL_CAPTCHA_MAX_LEN)))
		return NL_ERR_INVALID;
	if (o.text) {
		size_t tl = strlen(o.text);
		if (tl < 5 || tl > NL_CAPTCHA_MAX_LEN || strspn(o.text, alphabet) != tl)
			return NL_ERR_INVALID;
	}
	if (sodium_init() < 0)
		return NL_ERR_INTERNAL;
	r = malloc(sizeof *r);
	if (!r)
		return NL_ERR_NOMEM;
	rng_init(r, o.seeded, o.seed);

	int len = o.length ? o.length : 5 + (int)rng_below(r, 2);
	if (o.text)
		len = (int)strlen(o.text);   /* <= NL_CAPTCHA_MAX_LEN: checked above */
	for (int i = 0; i < len; i++)
		out->answer[i] = o.text ? o.text[i] : alphabet[rng_below(r, sizeof alphabet - 1)];
	out->answer[len] = '\0';

	text = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, o.width, o.height);
	bent = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, o.width, o.height);
	pic = cairo_image_surface_create(CAIRO_FORMAT_RGB24, o.width, o.height);
	if (cairo_surface_status(text) || cairo_surface_status(bent) || cairo_surface_status(pic)) {
		rc = NL_ERR_NOMEM;
		goto out;
	}

	cr = cairo_create(text);
	PangoFontMap *fonts = nl_docs_fonts_lock();
	if (!fonts) {
		rc = NL_ERR_INTERNAL;
		goto out;
	}
	draw_glyphs(fonts, cr, r, out->answer, o.width, o.height);
	nl_docs_fonts_unlock();
	cairo_destroy(cr);
	cr = NULL;
	wave(text, bent, r);

	cr = cairo_create(pic);
	cairo_set_source_rgb(cr, rng_range(r, 0.85, 1.0), rng_range(r, 0.85, 1.0),
		rng_range(r, 0.85, 1.0));
	cairo_paint(cr);
	cairo_set_source_surface(cr, bent, 0, 0);
	cairo_paint(cr);
	noise(cr, r, o.width, o.height);
	if (cairo_status(cr) != CAIRO_STATUS_SUCCESS)
		goto out;
	cairo_destroy(cr);
	cr = NULL;

	if (cairo_surface_write_to_png_stream(pic, on_png, &png) != CAIRO_STATUS_SUCCESS) {
		rc = png.oom ? NL_ERR_NOMEM : NL_ERR_INTERNAL;
		goto out;
	}
	out->png_len = png.len;
	out->png = (unsigned char *)nl_buf_take(&png);
	out->width = o.width;
	out->height = o.height;
	rc = out->png ? NL_OK : NL_ERR_NOMEM;
out:
	if (rc != NL_OK)
		nl_captcha_free(out);
	if (cr)
		cairo_destroy(cr);
	if (text)
		cairo_surface_destroy(text);
	if (bent)
		cairo_surface_destroy(bent);
	if (pic)
		cairo_surface_destroy(pic);
	nl_buf_free(&png);
	if (r) {
		sodium_memzero(r, sizeof *r);
		free(r);
	}
	return rc;
}

void nl_captcha_free(struct nl_captcha *c)
{
	if (!c)
		return;
	free(c->png);
	sodium_memzero(c, sizeof *c);
}

bool nl_captcha_normalize(const char *typed, char *out, size_t cap)
{
	size_t n = 0;
	if (cap == 0)
		return false;
	out[0] = '\0';
	if (!typed)
		return false;
	for (const char *p = typed; *p; p++) {
		char c = *p;
		if (c == ' ' || c == '-' || c == '\t')
			continue;
		if (c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		if (!strchr(NL_CAPTCHA_ALPHABET, c) || c == '\0' || n + 1 >= cap
		    || n >= NL_CAPTCHA_MAX_LEN) {
			out[0] = '\0';
			return false;
		}
		out[n++] = c;
	}
	out[n] = '\0';
	if (n < 5) {
		out[0] = '\0';
		return false;
	}
	return true;
}
