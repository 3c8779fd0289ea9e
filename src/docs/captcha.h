/* The captcha picture of the login doors: 5–6 characters from an alphabet
 * without look-alikes, each glyph rotated and shifted, the whole text bent by
 * a wave, with noise lines and dots over it; drawn with cairo and pango and
 * returned as PNG bytes.
 *
 * The answer goes back to the caller: the web layer keeps only its keyed hash
 * in the session (one use, 5 minutes) and compares what the person typed after
 * nl_captcha_normalize().
 *
 * Fonts come from the docs layer's shared font map (docs/fonts.h): call
 * nl_docs_shutdown() at process end for a leak-free exit.
 *
 * Deterministic mode (opts.seeded): the same seed gives the same answer and the
 * same picture, for tests. The web layer must refuse that setting outside
 * demo/test mode (issue 3, item 4). */
#ifndef NL_DOCS_CAPTCHA_H
#define NL_DOCS_CAPTCHA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

/* No 0/O/Q, 1/I/L, 2/Z, 5/S, 6/G, 8/B: what remains cannot be misread. */
#define NL_CAPTCHA_ALPHABET "ACDEFHJKMNPRTUVWXY3479"
#define NL_CAPTCHA_MAX_LEN 6

struct nl_captcha_opts {
	int width;        /* pixels; 0 = 200 (accepted 120..600) */
	int height;       /* pixels; 0 = 70 (accepted 40..200) */
	int length;       /* 5 or 6; 0 = chosen at random */
	bool seeded;      /* deterministic picture and answer from seed */
	uint64_t seed;
	const char *text; /* NULL: a random answer; else draw this one (5–6 characters
	                     of the alphabet; the demo's fixed_captcha test setting) */
};

struct nl_captcha {
	unsigned char *png;   /* malloc'd PNG bytes; nl_captcha_free frees */
	size_t png_len;
	char answer[NL_CAPTCHA_MAX_LEN + 1];
	int width, height;
};

/* Draws a new captcha. opts may be NULL (defaults, random). The caller frees
 * *out with nl_captcha_free. NL_ERR_INVALID for sizes out of range. */
NL_MUST_USE nl_err nl_captcha_new(const struct nl_captcha_opts *opts, struct nl_captcha *out);
void nl_captcha_free(struct nl_captcha *c);   /* frees png, wipes the answer */

/* Canonical form of a typed answer: spaces and dashes dropped, ASCII letters
 * upper-cased. Writes to out (cap bytes) and returns true when the result is
 * 5–6 characters of the alphabet; false (out = "") otherwise, so a caller can
 * refuse without hashing. */
bool nl_captcha_normalize(const char *typed, char *out, size_t cap);

#endif
