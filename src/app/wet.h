/* The wet-signature path (SPEC §4 step 2 "Islak İmza", issue 6 item 6).
 *
 * The person downloads the application form of his current, SMS-confirmed
 * version as a PDF with a Code 128 barcode of the version's unique code
 * ("NF" + 12 random base32 characters: 60 bits, not guessable). The code is
 * made on the first download and kept (0008_wet); a newer version gets its
 * own code and the old one is refused from then on ("old").
 *
 * A registration officer (role ra) scans the barcode of an arriving paper
 * form, compares the stored data shown to him with the paper and either
 * accepts it (the form is approved through nl_approve_form_tx, method islak,
 * in the same transaction) or rejects it with a reason (the version can never
 * be approved; the person is told by his information channel and makes a new
 * version). Each decision is audited.
 *
 * Nothing here allocates for the caller: struct nl_wet_view holds its text in
 * fixed buffers. */
#ifndef NL_APP_WET_H
#define NL_APP_WET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "app/app.h"
#include "app/approve.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/order.h"
#include "store/store_wet.h"

/* The holder's undertaking (Sertifika Sahibi Taahhütnamesi) printed on the
 * form, paragraphs separated by '\n'. */
extern const char nl_undertaking_title_tr[];
extern const char nl_undertaking_tr[];

/* Why a barcode cannot be registered. */
enum nl_wet_refusal {
	NL_WET_REFUSED_NONE = 0,
	NL_WET_REFUSED_FORMAT,     /* not "NF" + 12 base32 characters */
	NL_WET_REFUSED_UNKNOWN,    /* no form has this code */
	NL_WET_REFUSED_OLD,        /* its form version was replaced by a newer one */
	NL_WET_REFUSED_ACCEPTED,   /* this paper form is registered already */
	NL_WET_REFUSED_REJECTED,   /* this paper form was rejected already */
	NL_WET_REFUSED_APPROVED,   /* the version was approved otherwise (e-İmza, e-Onay) */
	NL_WET_REFUSED_CLOSED,     /* the order is cancelled, or past production */
};
const char *nl_wet_refusal_code(enum nl_wet_refusal r);    /* "old", ... */
const char *nl_wet_refusal_msgid(enum nl_wet_refusal r);   /* English message id (po/) */

/* Trims blanks (a scanner may add a CR/LF), upper-cases ASCII and checks the
 * format. false: not a form code. */
bool nl_wet_code_normalize(const char *in, char out[NL_BARCODE_LEN + 1]);

#define NL_WET_VALUE_MAX 1024
#define NL_WET_FIELDS_MAX 12
#define NL_WET_SECTIONS 5

struct nl_wet_field {
	const char *label;                 /* static Turkish label */
	char value[NL_WET_VALUE_MAX];      /* "" when empty */
};
struct nl_wet_section {
	const char *title;                 /* static Turkish title */
	struct nl_wet_field fields[NL_WET_FIELDS_MAX];
	size_t n;
};

/* A form version with everything printed on its PDF, in Turkish. */
struct nl_wet_view {
	int64_t order_id, order_no, person_id, form_id, version;
	enum nl_order_status order_status;
	char form_status[16];              /* "sms_confirmed", "approved", "superseded", ... */
	char approval_method[8];           /* "" | "e_onay" | "e_imza" | "islak" */
	char code[NL_BARCODE_LEN + 1];
	enum nl_barcode_status barcode_status;
	char reject_reason[NL_WET_VALUE_MAX];
	int64_t barcode_created_at;
	char holder_name[256];             /* "AYŞE YILMAZ" */
	struct nl_wet_section sections[NL_WET_SECTIONS];
	size_t n_sections;
};

/* The PDF of the person's current version of order SD-<order_no>, with its
 * barcode (made now if the version has none). NL_ERR_NOT_FOUND when the order
 * is not the person's; NL_ERR_CONFLICT when the current version is not
 * SMS-confirmed (nor approved with a wet signature); NL_ERR_FORBIDDEN when
 * the RA rejected its paper form (a new version is needed). pdf gets the bytes
 * (appended); code (may be NULL) the form's code. stored_identity: print the
 * person's stored name and birth data (a session that proved the person);
 * false prints the name this order's pre-application typed and no birth data
 * (an access password's session: docs/applicant.md, "Doors and entitlement"). */
NL_MUST_USE nl_err nl_wet_form_pdf(const struct nl_app *app, int64_t person_id, int64_t order_no,
                       bool stored_identity, int64_t now, nl_buf *pdf,
                       char code[NL_BARCODE_LEN + 1]);

/* Whether the RA rejected the paper form of version form_version_id; when
 * so, reason gets the officer's reason (cap bytes, NUL-terminated). For the
 * applicant's result page. */
NL_MUST_USE nl_err nl_wet_rejection(const struct nl_app *app, int64_t form_version_id, bool *rejected, char *reason,
                        size_t cap);

/* The RA's look-up of a scanned code. NL_OK with v filled and *why NONE when
 * the paper can be registered. Otherwise an error with *why set: FORMAT and
 * UNKNOWN give NL_ERR_NOT_FOUND (v untouched); the others NL_ERR_CONFLICT with
 * v filled, so the page can say which order and version it was. */
NL_MUST_USE nl_err nl_wet_lookup(const struct nl_app *app, const char *code, struct nl_wet_view *v,
                     enum nl_wet_refusal *why);

/* Kabul: the paper matches. In one transaction: the barcode becomes accepted
 * (a second registration is refused), the form is approved (method islak,
 * actor "user:<id>", evidence "wet:<code>"), the order moves on and the
 * person is told, all audited. res (may be NULL) gets the approval's result.
 * Refusals as nl_wet_lookup; an approval refusal comes in res->refusal. */
NL_MUST_USE nl_err nl_wet_accept(const struct nl_app *app, const char *code, int64_t user_id, int64_t now,
                     enum nl_wet_refusal *why, struct nl_approve_result *res);

#define NL_WET_REASON_MIN 3
#define NL_WET_REASON_MAX 500

/* Red: the paper does not match (a correction, a missing signature, ...).
 * reason (NL_WET_REASON_MIN..MAX characters, NL_ERR_INVALID otherwise) is
 * kept, audited and sent to the person by his information channel. */
NL_MUST_USE nl_err nl_wet_reject(const struct nl_app *app, const char *code, int64_t user_id,
                     const char *reason, int64_t now, enum nl_wet_refusal *why);

#endif
