/* The application form (SPEC §4, issue 4): step 1 "Başvuru Bilgileri" of the
 * wizard, its field rules, drafts, versions and the choice of the approval
 * method (step 2).
 *
 * Every use case takes the person of the session and the order number and
 * answers NL_ERR_NOT_FOUND when the order is not that person's (the web layer
 * shows 404, never 403: an order's existence is not revealed).
 *
 * Ownership: struct nl_form_view owns its strings and forms; free it with
 * nl_form_view_free. Inputs are only read. */
#ifndef NL_APP_FORM_H
#define NL_APP_FORM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "app/app.h"
#include "core/err.h"
#include "drivers/registry.h"
#include "store/db.h"
#include "core/order.h"
#include "store/store_forms.h"

/* Limits of the free-text fields, in characters (shown on the page too). */
#define NL_FORM_SECWORD_MIN 8
#define NL_FORM_SECWORD_MAX 32
#define NL_FORM_UNIT_MAX 100
#define NL_FORM_TITLE_MAX 100
#define NL_FORM_REGNO_MAX 32
#define NL_FORM_ADDRESS_MIN 10
#define NL_FORM_ADDRESS_MAX 250
#define NL_FORM_DISTRICT_MAX 64

/* The use case's input: what the person typed, field by field (NULL or "" =
 * empty). The page's field specs bind straight into it
 * (pages/applicant/portal_form_fields.c). Every entry that is stored as text
 * is typed into `typed`, the store's own struct, under its stored name:
 * adding such a field to the form needs no member here. */
struct nl_form_input {
	const char *period;            /* "1" | "2" | "3" (stored as period_years) */
	const char *province;          /* plate "1".."81" (stored as a number) */
	const char *security_word;     /* never stored: its hash is */
	const char *security_word2;    /* the repetition */
	/* card_reader, publish, reason, email, mobile, operator_name, home_phone,
	 * info_channel, inst_registry_no, unit, title, work_phone, extension,
	 * address_type, address, district, postal_code, delivery_method as typed.
	 * Only the text entries are read: not its numbers, the security word's
	 * hash or the version's bookkeeping (id, status, times, ...). */
	struct nl_form typed;
};

/* One refused field: a stable code and the English message id (po/). */
struct nl_form_issue {
	const char *field;
	const char *code;
	const char *msgid;
};
#define NL_FORM_MAX_ISSUES 32
struct nl_form_check {
	struct nl_form_issue issues[NL_FORM_MAX_ISSUES];
	size_t n;
};

/* The checked entries. form is the store's struct (store_forms.h), filled
 * with normalised values (phone numbers as 10 digits, the district in its
 * official spelling) and nothing else: the use cases add the order, the
 * security word's hash, and hand it to the store read-only. Strings point into
 * the input, static tables or the buffers below (form.mobile, home_phone and
 * work_phone do): keep the struct where it was filled, valid while the input is. */
struct nl_form_values {
	struct nl_form form;
	char mobile[11], home_phone[11], work_phone[11];
};

/* Checks every field of in (all rules, every field, no early exit) and fills
 * out. Returns true when nothing was refused; otherwise chk lists the issues,
 * at most one per field. */
bool nl_form_validate(const struct nl_form_input *in, struct nl_form_check *chk,
                      struct nl_form_values *out);

/* A draft's entries (no rules: a draft may be incomplete): the typed text as
 * it is, period and province as numbers when they are valid (else 0), never
 * the security word. out's strings point into in. */
void nl_form_draft_entries(const struct nl_form_input *in, struct nl_form *out);

/* Everything the step-1 page and the later steps need about one order. The
 * person's and order's fields are copied out of the store's structs so that
 * this header does not pull store_persons.h into the web layer (whose spec.h
 * has its own enum nl_id_kind). Strings are malloc'd, "" when unknown. */
struct nl_form_view {
	int64_t order_id;
	int64_t order_no;
	enum nl_order_status status;
	enum nl_reason reason;
	enum nl_payment_type payment_type;
	bool is_tckn;                 /* T.C. Kimlik No (else a passport) */
	char *id_number, *given_name, *surname, *birth_place, *birth_date, *email, *mobile;
	char *institution_name;
	bool has_draft;
	struct nl_form draft;         /* when has_draft */
	bool has_current;
	struct nl_form current;       /* newest version that is not superseded */
	int64_t versions;             /* numbered versions so far (history) */
	bool econsent;                /* standing e-Onay consent in force */
	bool editable;                /* the order's status still allows a new version */
};
void nl_form_view_free(struct nl_form_view *v);

/* Loads the view of order SD-<order_no> for person_id. NL_ERR_NOT_FOUND when
 * there is no such order or it is someone else's. */
NL_MUST_USE nl_err nl_form_load(const struct nl_app *app, int64_t person_id, int64_t order_no, struct nl_form_view *out);

/* Saves what was typed as the order's draft, without the field rules (a draft
 * may be incomplete) and never the security word. NL_ERR_TRANSITION when the
 * order can no longer be edited. */
NL_MUST_USE nl_err nl_form_save_draft(const struct nl_app *app, int64_t person_id, int64_t order_no,
                          const struct nl_form_input *in, int64_t now);

/* Step 1 "Devam": validates (NL_ERR_INVALID with chk filled), hashes the
 * security word (argon2id), and in one transaction stores the next version
 * (superseding earlier ones, deleting the draft) with its audit record.
 * base_version is the version the page showed (0: none yet); if another
 * version was submitted since, NL_ERR_CONFLICT and nothing is stored.
 * NL_ERR_TRANSITION when the order can no longer be edited. *version gets the
 * new version number. actor: "person:<id>". */
NL_MUST_USE nl_err nl_form_submit(const struct nl_app *app, int64_t person_id, int64_t order_no,
                      const struct nl_form_input *in, int64_t base_version, int64_t now,
                      struct nl_form_check *chk, int64_t *version);

/* "Kimlik Bilgilerimi Güncelle": asks the population registry
 * (app->drivers.registry) for the
 * person's current name, surname, birth place and date and stores them
 * (audited). NL_ERR_INVALID for a passport holder (not in the registry),
 * NL_ERR_NOT_FOUND when the registry does not know the number, NL_ERR_IO when
 * it cannot be asked. */
NL_MUST_USE nl_err nl_form_refresh_identity(const struct nl_app *app, int64_t person_id, int64_t now);

/* Approval methods of step 2. */
enum nl_approval_method { NL_APPROVE_E_ONAY = 1, NL_APPROVE_E_IMZA, NL_APPROVE_ISLAK };
const char *nl_approval_method_code(enum nl_approval_method m);   /* "e_onay", ... */

/* Step 2: records the chosen method on the current version, which must be
 * `version` and sms_confirmed (NL_ERR_CONFLICT otherwise: an old or
 * unconfirmed version). e-Onay without standing consent is NL_ERR_FORBIDDEN.
 * The approval itself is issue 6's. */
NL_MUST_USE nl_err nl_form_choose_method(const struct nl_app *app, int64_t person_id, int64_t order_no, int64_t version,
                             enum nl_approval_method m, int64_t now);

/* Masks for the read-only identity block and the SMS page, as in the guides:
 * "64*******10", "A*** Y*****" (per word), "532 *** ** 67". out needs cap
 * bytes; the result is always NUL-terminated UTF-8. */
void nl_mask_id_number(const char *id, char *out, size_t cap);
void nl_mask_name(const char *name, char *out, size_t cap);
void nl_mask_mobile(const char *mobile, char *out, size_t cap);

#endif
