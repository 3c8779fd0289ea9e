/* Application form versions and SMS confirmation codes (migration 0006).
 *
 * A form version belongs to one order. Life of a version:
 *   draft (version 0, at most one per order, fields may be empty)
 *   submitted (validated step 1, numbered 1, 2, ...) -> sms_confirmed -> approved
 *   any of submitted/sms_confirmed/approved -> superseded when a newer version
 *   is submitted; a superseded version can never be confirmed or approved.
 * Validation happens above (src/app/form.c); this layer stores what it is
 * given. Enumerated fields are kept as their stable codes.
 *
 * Every function takes this thread's connection and works inside the caller's
 * transaction when there is one (nl_store_run_tx), so a use case can combine
 * them with the outbox and the audit trail in one commit.
 *
 * Ownership: the strings of a struct nl_form filled by a getter live in one
 * block it owns, freed by nl_form_clear. Structs passed in are only read. */
#ifndef NL_STORE_FORMS_H
#define NL_STORE_FORMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "store/db.h"

enum nl_form_status {
	NL_FORM_DRAFT = 1,
	NL_FORM_SUBMITTED,
	NL_FORM_SMS_CONFIRMED,
	NL_FORM_SUPERSEDED,
	NL_FORM_APPROVED,
};
const char *nl_form_status_code(enum nl_form_status s);   /* "draft", ...; NULL if invalid */
bool nl_form_status_parse(const char *code, enum nl_form_status *out);

/* One form version. The person's entries (period_years .. delivery_method)
 * are declared once, here: the step-1 page's specs put the text entries as
 * typed into one of these (app/form.h, struct nl_form_input.typed), the rules
 * write the checked, normalised values into another, and the store writes that
 * one read-only (const struct nl_form *): no copies between structs. Adding an
 * entry: a member here, its column in store_forms.c (COLS, insert_form,
 * read_texts) and a migration (docs/applicant-form.md "Adding a form field").
 *
 * Strings are borrowed when written; a getter points them into one block it
 * owns (strings), freed by nl_form_clear. */
struct nl_form {
	int64_t id;
	int64_t order_id;
	int64_t version;            /* 0 for the draft */
	enum nl_form_status status;
	int64_t period_years;       /* 1..3; 0 = not chosen (draft) */
	const char *card_reader;    /* "none" | "standard" | "mini" */
	const char *publish;        /* "yes" | "no" */
	const char *reason;         /* core/order.h reason code */
	const char *security_word_hash; /* argon2id PHC string; "" in a draft */
	const char *email;
	const char *mobile;         /* 10 digits */
	const char *operator_name;  /* "turkcell" | "vodafone" | "turk_telekom" */
	const char *home_phone;
	const char *info_channel;   /* "email" | "sms" | "both" */
	const char *inst_registry_no;
	const char *unit;
	const char *title;
	const char *work_phone;
	const char *extension;
	const char *address_type;   /* "institution" | "home" */
	const char *address;
	int64_t province;           /* plate 1..81; 0 = not chosen */
	const char *district;
	const char *postal_code;
	const char *delivery_method; /* "courier" | "institution" */
	const char *approval_method; /* "" | "e_onay" | "e_imza" | "islak" */
	int64_t created_at;
	int64_t updated_at;
	int64_t sms_confirmed_at;   /* 0 = not yet */
	char *strings;              /* a getter's: owns the strings above */
};

/* Frees the strings and zeroes the struct (safe on a zeroed struct). */
void nl_form_clear(struct nl_form *f);

/* What a write stored. */
struct nl_form_saved {
	int64_t id;
	int64_t version;            /* 0 for the draft */
	int64_t superseded;         /* versions superseded by this one */
};

/* Inserts or replaces the order f->order_id's draft with f's entries (NULL
 * strings are stored as ""); f's id, version, status, times and approval
 * method are not read. out (may be NULL) gets the draft's id. */
NL_MUST_USE nl_err nl_store_form_save_draft(nl_conn *c, const struct nl_form *f, int64_t now,
                                            struct nl_form_saved *out);
/* The order's draft; NL_ERR_NOT_FOUND if none. */
NL_MUST_USE nl_err nl_store_form_get_draft(nl_conn *c, int64_t order_id, struct nl_form *out);

/* Stores f's entries as the order's next version with status submitted: every
 * earlier submitted, sms_confirmed or approved version becomes superseded and
 * the draft is deleted. out (may be NULL) gets the new id, version number and
 * the number of versions superseded. Call it inside a transaction so all of it
 * commits together. */
NL_MUST_USE nl_err nl_store_form_submit(nl_conn *c, const struct nl_form *f, int64_t now,
                                        struct nl_form_saved *out);

/* The newest numbered version that is not superseded; NL_ERR_NOT_FOUND if none. */
NL_MUST_USE nl_err nl_store_form_current(nl_conn *c, int64_t order_id, struct nl_form *out);
/* Any version by id. */
NL_MUST_USE nl_err nl_store_form_get(nl_conn *c, int64_t id, struct nl_form *out);
/* Number of numbered versions of an order (the history's length). */
NL_MUST_USE nl_err nl_store_form_count(nl_conn *c, int64_t order_id, int64_t *n);

/* Moves version id from `from` to `to` (sms_confirmed also sets
 * sms_confirmed_at = now). NL_ERR_CONFLICT when it is no longer in `from`. */
NL_MUST_USE nl_err nl_store_form_set_status(nl_conn *c, int64_t id, enum nl_form_status from,
                                enum nl_form_status to, int64_t now);
/* Takes the row lock of version id until the transaction ends (a no-op
 * UPDATE: on PostgreSQL it serialises concurrent code sends and tries of one
 * form; SQLite transactions are serial anyway). NL_ERR_NOT_FOUND if none. */
NL_MUST_USE nl_err nl_store_form_lock(nl_conn *c, int64_t id);

/* Records the chosen approval method of an sms_confirmed version.
 * NL_ERR_CONFLICT when the version is not sms_confirmed. */
NL_MUST_USE nl_err nl_store_form_set_approval_method(nl_conn *c, int64_t id, const char *method,
                                         int64_t now);

/* ---- SMS codes ---- */

#define NL_SMS_HASH_LEN 65   /* = NL_KEYED_HEX_LEN */

enum nl_sms_code_status {
	NL_SMS_ACTIVE = 1,
	NL_SMS_USED,
	NL_SMS_REPLACED,
	NL_SMS_LOCKED,
};

struct nl_sms_code {
	int64_t id;
	int64_t order_id;
	int64_t form_version_id;
	char mobile[11];
	char code_hash[NL_SMS_HASH_LEN];
	int64_t sent_at;
	int64_t expires_at;
	int64_t tries;
	enum nl_sms_code_status status;
	int64_t used_at;            /* 0 = not used */
};

/* Codes sent for an order (or to a number) with sent_at >= since. */
NL_MUST_USE nl_err nl_store_sms_count_order(nl_conn *c, int64_t order_id, int64_t since, int64_t *n);
NL_MUST_USE nl_err nl_store_sms_count_mobile(nl_conn *c, const char *mobile, int64_t since, int64_t *n);

/* Marks the order's active codes replaced and inserts code (status active,
 * tries 0); sets code->id. */
NL_MUST_USE nl_err nl_store_sms_insert(nl_conn *c, struct nl_sms_code *code);

/* The newest code sent for a form version; NL_ERR_NOT_FOUND if none. */
NL_MUST_USE nl_err nl_store_sms_latest(nl_conn *c, int64_t form_version_id, struct nl_sms_code *out);

/* Writes tries, status and used_at (0 = NULL) of code id, only while it is
 * still active and has expected_tries tries: NL_ERR_CONFLICT otherwise (a
 * concurrent try came first; count again rather than lose a try). */
NL_MUST_USE nl_err nl_store_sms_update(nl_conn *c, int64_t id, int64_t expected_tries, int64_t tries,
                           enum nl_sms_code_status status, int64_t used_at);

/* ---- standing e-Onay consent (SPEC §6) ---- */

/* Whether the person has standing e-Onay consent in force: his newest signed
 * choice (store_esign.h, migration 0007) is "accept". */
NL_MUST_USE nl_err nl_store_econsent_in_force(nl_conn *c, int64_t person_id, bool *in_force);

#endif
