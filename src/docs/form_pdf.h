/* The application form as a PDF for the wet signature (SPEC §4 step 2 "Islak
 * İmza", guide 000 §2.9–2.10): A4 pages drawn with cairo's PDF surface and
 * pango (DejaVu fonts, embedded, so Turkish letters print and copy right).
 *
 * Each page carries a Code 128 barcode of the form's unique code (drawn from
 * libzint's vector output as PDF rectangles, so it stays crisp at any
 * resolution) and the code as text; then the sections of form data as
 * label/value tables, the holder's undertaking (Sertifika Sahibi
 * Taahhütnamesi), the signature box with its "düzeltme yapmadan imzalayınız"
 * guidance, and the CA's postal address. Text flows onto a new page when a
 * page is full.
 *
 * The docs layer only draws: the caller (src/app/wet.c) composes the Turkish
 * labels and values. Values are laid out as plain text (never pango markup).
 * Fonts come from the shared font map (docs/fonts.h), held while drawing. */
#ifndef NL_DOCS_FORM_PDF_H
#define NL_DOCS_FORM_PDF_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/err.h"

struct nl_pdf_field {
	const char *label;
	const char *value;      /* NULL or "" prints a dash */
};

struct nl_pdf_section {
	const char *title;
	const struct nl_pdf_field *fields;
	size_t n;
};

struct nl_form_pdf {
	const char *issuer;          /* heading: the CA's name */
	const char *title;           /* "NİTELİKLİ ELEKTRONİK SERTİFİKA BAŞVURU FORMU" */
	const char *code;            /* the barcode's content: printable ASCII, <= 64 chars */
	const char *order_no;        /* "SD-100001" */
	int64_t version;             /* form version number */
	const char *created;         /* "21.11.2026 13:15" (Europe/Istanbul) */
	const struct nl_pdf_section *sections;
	size_t n_sections;
	const char *undertaking_title;
	const char *undertaking;     /* paragraphs separated by '\n' */
	const char *holder_name;     /* printed in the signature box */
	const char *sign_guidance;   /* "Formu hiçbir düzeltme yapmadan imzalayınız..." */
	const char *delivery_note;   /* what to do with the signed paper */
	const char *postal_address;  /* lines separated by '\n' */
};

/* Renders the PDF, appending its bytes to out. NL_ERR_INVALID when the code
 * cannot be encoded as Code 128, NL_ERR_INTERNAL when cairo or pango fail. */
NL_MUST_USE nl_err nl_form_pdf_render(const struct nl_form_pdf *in, nl_buf *out);

#endif
