/* Field rules shared by every door (web forms, JSON API, CSV import, CLI).
 *
 * Each check returns NULL when the value is acceptable, or a stable reason code
 * (a string constant such as "tckn_checksum") that the web layer maps to a
 * translated message next to the field. Reason codes are API: never rename one.
 * Normalising checks also write the canonical form of the value to `out`.
 *
 * Reason codes:
 *   required, too_short, too_long, utf8, control_char,
 *   tckn_length, tckn_digits, tckn_leading_zero, tckn_checksum,
 *   passport_length, passport_chars, country_unknown,
 *   mobile_format, phone_format, postal_format, postal_province,
 *   email_format, email_length, name_chars
 */
#ifndef NL_CORE_VALIDATE_H
#define NL_CORE_VALIDATE_H

#include <stdbool.h>
#include <stddef.h>

/* How a person is identified: a T.C. Kimlik No or a passport (with its issuing
 * country). Stored as "tckn" / "passport" (store_persons.h); 0 = not given. */
enum nl_id_kind { NL_ID_NONE = 0, NL_ID_TCKN, NL_ID_PASSPORT };

/* ---- identity numbers (validate_id.c) ---- */

/* True when s is non-empty and every byte is an ASCII digit 0-9 (NULL: false).
 * The shared test for "a number typed as text": T.C. numbers, codes, amounts. */
bool nl_all_digits(const char *s);

/* T.C. Kimlik No: exactly 11 ASCII digits, first not 0, both check digits. */
const char *nl_valid_tckn(const char *s);

/* Passport number: 5–20 ASCII letters/digits; lower case accepted. Writes the
 * upper-cased number to out (21 bytes). */
#define NL_PASSPORT_MAX 20
const char *nl_valid_passport(const char *s, char out[NL_PASSPORT_MAX + 1]);

/* Issuing country, ISO 3166-1 alpha-2 or alpha-3; writes upper-case alpha-2. */
const char *nl_valid_country(const char *s, char out[3]);

/* ETSI EN 319 412-1 semantics identifier for a subject's serialNumber:
 * "PNOTR-<tckn>" (PNO: the national personal number, which the T.C. Kimlik No
 * is) or "PAS<CC>-<passport>". Inputs must already be valid.
 * out needs NL_SEMANTICS_ID_MAX + 1 bytes. */
#define NL_SEMANTICS_ID_MAX (3 + 2 + 1 + NL_PASSPORT_MAX)
void nl_semantics_id_tckn(const char *tckn, char out[NL_SEMANTICS_ID_MAX + 1]);
void nl_semantics_id_passport(const char *alpha2, const char *passport,
                              char out[NL_SEMANTICS_ID_MAX + 1]);

/* ---- contact data (validate_contact.c) ---- */

/* Turkish mobile: accepts "+90 532 123 45 67", "0532-123-4567", "0090…", "90…"
 * with spaces, dashes, dots and parentheses; writes the 10 digits "5321234567". */
const char *nl_valid_mobile(const char *s, char out[11]);

/* Turkish landline (area code 2xx, 3xx, 4xx, or 850): same input forms as a mobile;
 * writes 10 digits. */
const char *nl_valid_landline(const char *s, char out[11]);

/* Either a landline or a mobile (work phones are sometimes mobiles). */
const char *nl_valid_phone(const char *s, char out[11]);

/* 5-digit postal code whose first two digits are a province plate code 01–81. */
const char *nl_valid_postal_code(const char *s);

/* Pragmatic e-mail check (not full RFC 5322): ASCII only, one '@', local part of
 * atext characters and single dots (1–64), domain of LDH labels with at least one
 * dot and an alphabetic TLD, total at most 254. */
#define NL_EMAIL_MAX 254
const char *nl_valid_email(const char *s);

/* ---- text (validate_text.c) ---- */

/* Text of a form field: valid UTF-8, no NUL, no C0 controls (tab and newline only
 * when multiline), no DEL or C1 controls, min_chars..max_chars code points
 * (min_chars 0 allows empty; otherwise empty is "required"). */
const char *nl_valid_text(const char *s, size_t min_chars, size_t max_chars, bool multiline);

/* A person's name or surname: letters (ASCII, Latin-1 and Latin Extended-A/B, so
 * every Turkish letter), single spaces between words, apostrophe (' or U+2019),
 * hyphen, dot; must start with a letter; 1..max_chars code points. */
const char *nl_valid_person_name(const char *s, size_t max_chars);

#endif
