/* Turkish text: case mapping, case-insensitive comparison and sort keys for
 * UTF-8 strings, with the Turkish dotted/dotless i rules (i ↔ İ, ı ↔ I).
 *
 * Scope: Latin letters (ASCII, Latin-1, Latin Extended-A), which covers every
 * Turkish name and most foreign Latin-script ones; other characters pass through
 * unchanged. Input is assumed to be NFC (what browsers send); a decomposed
 * "i + U+0307" is not folded to İ. */
#ifndef NL_CORE_TEXT_H
#define NL_CORE_TEXT_H

#include <stdbool.h>
#include <stdint.h>

/* Single code point mappings (Turkish rules). */
uint32_t nl_tr_upper_cp(uint32_t cp);
uint32_t nl_tr_lower_cp(uint32_t cp);

/* New malloc'd string, caller frees with free(). NULL on invalid UTF-8 or OOM.
 * "istanbul ılgaz" → "İSTANBUL ILGAZ"; "IŞIK İnce" → "ışık ince". */
char *nl_tr_upper(const char *s);
char *nl_tr_lower(const char *s);

/* Turkish-aware case-insensitive comparison in Turkish alphabetical order
 * (<0, 0, >0). Invalid UTF-8 sorts after valid text, byte-wise. */
int nl_tr_casecmp(const char *a, const char *b);

/* Equality of person names as the population registry gives them: case folded
 * the Turkish way, leading/trailing spaces ignored and runs of spaces collapsed.
 * "  ayşe   IŞIK " equals "AYŞE IŞIK"; "ISIK" does not equal "IŞIK". */
bool nl_tr_name_equal(const char *a, const char *b);

/* Sort key: a malloc'd NUL-terminated byte string such that strcmp() of two keys
 * orders the texts in Turkish alphabetical order, case-insensitively
 * (a b c ç d e f g ğ h ı i j k l m n o ö p q r s ş t u ü v w x y z; â î û sort
 * with a i u; digits before letters; space and punctuation before digits).
 * Caller frees with free(). NULL on invalid UTF-8 or OOM. */
char *nl_tr_collation_key(const char *s);

/* Convenience: compares two strings by their collation keys (allocates). */
int nl_tr_collate(const char *a, const char *b);

#endif
