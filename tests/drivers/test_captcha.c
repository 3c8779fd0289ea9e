/* The captcha picture: a valid PNG of the asked size, answers from the
 * alphabet, the same picture for the same seed, different ones otherwise, and
 * the normalisation of typed answers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cairo.h>
#include <cmocka.h>

#include "docs/captcha.h"
#include "docs/fonts.h"

struct reader {
	const unsigned char *p;
	size_t len, pos;
};

static cairo_status_t read_png(void *ud, unsigned char *data, unsigned int len)
{
	struct reader *r = ud;
	if (r->len - r->pos < len)
		return CAIRO_STATUS_READ_ERROR;
	memcpy(data, r->p + r->pos, len);
	r->pos += len;
	return CAIRO_STATUS_SUCCESS;
}

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Decodes the PNG with cairo and returns how many pixels are "dark" (text or
 * noise), so a blank picture fails the test. */
static size_t check_png(const struct nl_captcha *c, int w, int h)
{
	static const unsigned char sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
	assert_true(c->png_len > 1000);
	assert_memory_equal(c->png, sig, 8);
	assert_memory_equal(c->png + 12, "IHDR", 4);
	assert_int_equal(be32(c->png + 16), (uint32_t)w);
	assert_int_equal(be32(c->png + 20), (uint32_t)h);
	struct reader r = {c->png, c->png_len, 0};
	cairo_surface_t *s = cairo_image_surface_create_from_png_stream(read_png, &r);
	assert_int_equal(cairo_surface_status(s), CAIRO_STATUS_SUCCESS);
	assert_int_equal(cairo_image_surface_get_width(s), w);
	assert_int_equal(cairo_image_surface_get_height(s), h);
	const unsigned char *px = cairo_image_surface_get_data(s);
	int stride = cairo_image_surface_get_stride(s);
	size_t dark = 0;
	for (int y = 0; y < h; y++) {
		for (int x = 0; x < w; x++) {
			uint32_t v;
			memcpy(&v, px + y * stride + x * 4, 4);
			unsigned lum = ((v >> 16 & 255) + (v >> 8 & 255) + (v & 255)) / 3;
			dark += lum < 128;
		}
	}
	cairo_surface_destroy(s);
	return dark;
}

static void valid_png_of_the_expected_size(void **state)
{
	(void)state;
	struct nl_captcha c;
	assert_int_equal(nl_captcha_new(NULL, &c), NL_OK);
	assert_int_equal(c.width, 200);
	assert_int_equal(c.height, 70);
	size_t dark = check_png(&c, 200, 70);
	/* text and noise cover a visible share, not all, of the picture */
	assert_true(dark > 200 * 70 / 50);
	assert_true(dark < 200 * 70 / 2);
	size_t n = strlen(c.answer);
	assert_true(n == 5 || n == 6);
	for (size_t i = 0; i < n; i++)
		assert_non_null(strchr(NL_CAPTCHA_ALPHABET, c.answer[i]));
	nl_captcha_free(&c);
	assert_null(c.png);
	assert_string_equal(c.answer, "");

	struct nl_captcha_opts o = {.width = 300, .height = 100, .length = 6};
	assert_int_equal(nl_captcha_new(&o, &c), NL_OK);
	check_png(&c, 300, 100);
	assert_int_equal(strlen(c.answer), 6);
	nl_captcha_free(&c);
}

static void seeded_is_deterministic_and_seeds_differ(void **state)
{
	(void)state;
	struct nl_captcha a, b, d;
	struct nl_captcha_opts o = {.seeded = true, .seed = 42};
	assert_int_equal(nl_captcha_new(&o, &a), NL_OK);
	assert_int_equal(nl_captcha_new(&o, &b), NL_OK);
	assert_string_equal(a.answer, b.answer);
	assert_int_equal(a.png_len, b.png_len);
	assert_memory_equal(a.png, b.png, a.png_len);
	o.seed = 43;
	assert_int_equal(nl_captcha_new(&o, &d), NL_OK);
	assert_true(d.png_len != a.png_len || memcmp(d.png, a.png, a.png_len) != 0);
	/* over many seeds the answers spread over the alphabet */
	char seen[256] = {0};
	int distinct_answers = 0;
	char prev[8] = "";
	for (uint64_t s = 0; s < 40; s++) {
		struct nl_captcha c;
		o.seed = s;
		o.width = 120;
		o.height = 40;
		assert_int_equal(nl_captcha_new(&o, &c), NL_OK);
		for (const char *p = c.answer; *p; p++)
			seen[(unsigned char)*p] = 1;
		distinct_answers += strcmp(prev, c.answer) != 0;
		snprintf(prev, sizeof prev, "%s", c.answer);
		nl_captcha_free(&c);
	}
	int letters = 0;
	for (int i = 0; i < 256; i++)
		letters += seen[i];
	assert_true(letters >= 15);
	assert_int_equal(distinct_answers, 40);
	/* unseeded pictures differ from each other */
	struct nl_captcha r1, r2;
	assert_int_equal(nl_captcha_new(NULL, &r1), NL_OK);
	assert_int_equal(nl_captcha_new(NULL, &r2), NL_OK);
	assert_true(r1.png_len != r2.png_len || memcmp(r1.png, r2.png, r1.png_len) != 0);
	nl_captcha_free(&r1);
	nl_captcha_free(&r2);

	/* a sample for people to look at, when asked for (NL_TEST_OUT_DIR) */
	const char *dir = getenv("NL_TEST_OUT_DIR");
	if (dir && *dir) {
		char path[512];
		snprintf(path, sizeof path, "%s/captcha-seed-42.png", dir);
		FILE *f = fopen(path, "wb");
		if (f) {
			fwrite(a.png, 1, a.png_len, f);
			fclose(f);
		}
	}
	nl_captcha_free(&a);
	nl_captcha_free(&b);
	nl_captcha_free(&d);
}

static void *draw_many(void *arg)
{
	int *ok = arg;
	for (int i = 0; i < 10; i++) {
		struct nl_captcha c;
		if (nl_captcha_new(NULL, &c) != NL_OK)
			return NULL;
		*ok += c.png_len > 1000;
		nl_captcha_free(&c);
	}
	return NULL;
}

/* The web server draws captchas from many threads at once. */
static void threads_draw_at_once(void **state)
{
	(void)state;
	pthread_t t[4];
	int ok[4] = {0};
	for (int i = 0; i < 4; i++)
		assert_int_equal(pthread_create(&t[i], NULL, draw_many, &ok[i]), 0);
	for (int i = 0; i < 4; i++) {
		pthread_join(t[i], NULL);
		assert_int_equal(ok[i], 10);
	}
}

static void bad_sizes(void **state)
{
	(void)state;
	struct nl_captcha c;
	struct nl_captcha_opts o = {.width = 50};
	assert_int_equal(nl_captcha_new(&o, &c), NL_ERR_INVALID);
	o = (struct nl_captcha_opts){.height = 1000};
	assert_int_equal(nl_captcha_new(&o, &c), NL_ERR_INVALID);
	o = (struct nl_captcha_opts){.length = 4};
	assert_int_equal(nl_captcha_new(&o, &c), NL_ERR_INVALID);
	o = (struct nl_captcha_opts){.length = 7};
	assert_int_equal(nl_captcha_new(&o, &c), NL_ERR_INVALID);
	assert_null(c.png);
}

/* The demo's fixed_captcha test setting draws a given answer. */
static void fixed_text_for_tests(void **state)
{
	(void)state;
	struct nl_captcha c;
	struct nl_captcha_opts o = {.text = "K3M7P"};
	assert_int_equal(nl_captcha_new(&o, &c), NL_OK);
	assert_string_equal(c.answer, "K3M7P");
	check_png(&c, 200, 70);
	nl_captcha_free(&c);
	const char *bad[] = {"K3M7", "K3M7PXA", "k3m7p", "K3M0P", "K3M7P ", ""};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		o.text = bad[i];
		assert_int_equal(nl_captcha_new(&o, &c), NL_ERR_INVALID);
	}
}

static void normalize_typed_answers(void **state)
{
	(void)state;
	char out[16];
	assert_true(nl_captcha_normalize("k3m7p", out, sizeof out));
	assert_string_equal(out, "K3M7P");
	assert_true(nl_captcha_normalize(" K3M 7P-X ", out, sizeof out));
	assert_string_equal(out, "K3M7PX");
	assert_false(nl_captcha_normalize("K3M7", out, sizeof out));      /* too short */
	assert_string_equal(out, "");
	assert_false(nl_captcha_normalize("K3M7PXA", out, sizeof out));   /* too long */
	assert_false(nl_captcha_normalize("K3M0P", out, sizeof out));     /* 0 not in the alphabet */
	assert_false(nl_captcha_normalize("ışık1", out, sizeof out));     /* not ASCII */
	assert_false(nl_captcha_normalize("", out, sizeof out));
	assert_false(nl_captcha_normalize(NULL, out, sizeof out));
	assert_false(nl_captcha_normalize("K3M7P", out, 4));              /* no room */
	/* what is drawn always normalises to itself */
	struct nl_captcha c;
	struct nl_captcha_opts o = {.seeded = true, .seed = 7};
	assert_int_equal(nl_captcha_new(&o, &c), NL_OK);
	assert_true(nl_captcha_normalize(c.answer, out, sizeof out));
	assert_string_equal(out, c.answer);
	nl_captcha_free(&c);
}

int main(void)
{
	cmocka_set_message_output(CM_OUTPUT_TAP);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(valid_png_of_the_expected_size),
		cmocka_unit_test(seeded_is_deterministic_and_seeds_differ),
		cmocka_unit_test(threads_draw_at_once),
		cmocka_unit_test(bad_sizes),
		cmocka_unit_test(fixed_text_for_tests),
		cmocka_unit_test(normalize_typed_answers),
	};
	int failed = cmocka_run_group_tests_name("captcha", tests, NULL, NULL);
	nl_docs_shutdown();   /* so LeakSanitizer sees no font caches */
	return failed;
}
