/* The PIN letter (PIN zarfı) of a produced card: one A4 page with the
 * holder's name and delivery address (for a window envelope), the order
 * number, the card's label, the PIN and the PUK in large monospaced digits,
 * and what to do with them. Drawn with cairo + pango like the form PDF.
 *
 * The docs layer only draws; src/app/card.c composes the texts. The PDF
 * holds secrets: the caller keeps it only until it is printed
 * (docs/production.md). */
#ifndef NL_DOCS_PIN_LETTER_H
#define NL_DOCS_PIN_LETTER_H

#include "core/buf.h"
#include "core/err.h"

struct nl_pin_letter {
	const char *issuer;       /* "Nitelik Sertifikasyon Merkezi" */
	const char *recipient;    /* name, then address lines separated by '\n' */
	const char *order_no;     /* "SD-100001" */
	const char *card_label;
	const char *created;      /* "21.11.2026 13:15" */
	const char *pin;
	const char *puk;
	const char *guidance;     /* paragraphs separated by '\n' */
};

/* Appends the PDF to out. */
NL_MUST_USE nl_err nl_pin_letter_pdf(const struct nl_pin_letter *in, nl_buf *out);

#endif
