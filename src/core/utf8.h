/* Strict UTF-8 decoding and encoding (RFC 3629): no overlong forms, no UTF-16
 * surrogates, nothing above U+10FFFF. The validation and Turkish text code build
 * on these; nothing here allocates. */
#ifndef NL_CORE_UTF8_H
#define NL_CORE_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Decodes one code point from s[0..len). Returns the bytes used (1–4) and sets
 * *cp, or 0 when the bytes there are not valid UTF-8 (or len is 0). */
size_t nl_utf8_decode(const char *s, size_t len, uint32_t *cp);

/* Encodes cp into out (which needs 4 bytes); returns the bytes written, 0 for a
 * code point that cannot be encoded (surrogate or > U+10FFFF). */
size_t nl_utf8_encode(uint32_t cp, char out[4]);

/* True when all of s[0..len) is valid UTF-8 (NUL bytes count as valid here:
 * the text checks in validate.h refuse them). */
bool nl_utf8_valid(const char *s, size_t len);

/* Number of code points in valid UTF-8 s[0..len); (size_t)-1 if invalid. */
size_t nl_utf8_count(const char *s, size_t len);

/* The length of the longest prefix of the NUL-terminated s that has at most
 * max bytes and does not end inside a character: for shortening a text
 * shown to a person ("%.*s"), which a cut multibyte letter would make
 * invalid UTF-8 (pages and JSON drop such text). */
size_t nl_utf8_prefix(const char *s, size_t max);

#endif
