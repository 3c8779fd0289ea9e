/* Pre-applications (ön başvuru, SPEC §1): an institution officer registers a
 * person of his institution — from the page form, a CSV file or the JSON API,
 * all through this one use case.
 *
 * For each pre-application, in ONE transaction: find or create the person by
 * identity (T.C. Kimlik No, or passport number + issuing country); refuse a
 * second open order for the same identity in the same institution (reported,
 * not added); create the order SD-<n> (audited by the store); enqueue the
 * access-password e-mail (app/notify_access.h) in the outbox. The random
 * access password is hashed (argon2id) BEFORE the transaction: hashing is slow
 * on purpose and a retried transaction must not pay for it again.
 *
 * This header deliberately does not include store_persons.h, so that web
 * handlers can include it next to view/spec.h. */
#ifndef NL_APP_PREAPPLY_H
#define NL_APP_PREAPPLY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "app/app.h"
#include "core/config.h"
#include "core/err.h"
#include "core/order.h"
#include "store/db.h"

/* Field names: the same in the page form, the CSV header and the API JSON. */
#define NL_PA_ID_NUMBER "id_number"
#define NL_PA_COUNTRY   "passport_country"
#define NL_PA_GIVEN     "given_name"
#define NL_PA_SURNAME   "surname"
#define NL_PA_EMAIL     "email"
#define NL_PA_MOBILE    "mobile"
#define NL_PA_REASON    "reason"
#define NL_PA_PAYMENT   "payment_type"
#define NL_PA_BACKUP    "backup_cert"

#define NL_PA_NAME_MAX 64                 /* characters of a name or surname */
#define NL_ACCESS_PASSWORD_LEN 10         /* characters of the e-mailed access password */

/* One pre-application, as typed (the use case validates and normalises it:
 * callers may pass raw text, e.g. a CSV cell). */
struct nl_preapply_input {
	const char *id_number;          /* 11 digits: T.C. Kimlik No; else a passport number */
	const char *passport_country;   /* passports only: ISO 3166 alpha-2/alpha-3 */
	const char *given_name;
	const char *surname;
	const char *email;
	const char *mobile;             /* Turkish mobile in any usual notation */
	enum nl_reason reason;          /* 0 = missing */
	enum nl_payment_type payment_type; /* 0 = missing */
	bool backup_cert;
};

/* The normalised values (after nl_preapply_validate). Fixed buffers: a plain value. */
struct nl_preapply_clean {
	bool passport;
	char id_number[24];             /* 11 digits or the upper-cased passport number */
	char passport_country[3];       /* alpha-2, "" for a T.C. number */
	char given_name[4 * NL_PA_NAME_MAX + 1];
	char surname[4 * NL_PA_NAME_MAX + 1];
	char email[256];
	char mobile[11];
	enum nl_reason reason;
	enum nl_payment_type payment_type;
	bool backup_cert;
};

/* One refused field: name (NL_PA_*) and a stable code (core/validate.h codes,
 * "required", "not_allowed" for a bad reason/payment type). */
struct nl_preapply_field_error {
	const char *field;
	const char *code;
};
#define NL_PA_MAX_ERRORS 9

/* Checks every field; fills out and returns NL_OK, or NL_ERR_INVALID with
 * errs[0..*n_errs) (one per bad field, at most NL_PA_MAX_ERRORS). Pure: no I/O. */
NL_MUST_USE nl_err nl_preapply_validate(const struct nl_preapply_input *in, struct nl_preapply_clean *out,
                            struct nl_preapply_field_error errs[NL_PA_MAX_ERRORS],
                            size_t *n_errs);

/* Who registers, and where the links in the e-mail point. */
struct nl_preapply_ctx {
	const struct nl_app *app;       /* the database; cfg: base_url for the mail link,
	                                   web_dir for its templates */
	int64_t institution_id;         /* the officer's (or API token's) institution */
	const char *actor;              /* "user:12", "api:token:3" for the audit trail */
	int64_t now;                    /* UTC epoch seconds */
	/* Optional: runs first inside the batch's transaction (the CSV import
	 * consumes its stored preview there, so both commit or neither). */
	nl_err (*in_tx)(nl_conn *c, void *arg);
	void *in_tx_arg;
};

enum nl_preapply_outcome {
	NL_PA_CREATED = 1,              /* order created, mail enqueued */
	NL_PA_DUPLICATE,                /* an open order exists for this identity here */
};

struct nl_preapply_result {
	enum nl_preapply_outcome outcome;
	int64_t order_id;               /* created, or the open order that blocked it */
	int64_t order_no;
	int64_t person_id;
};

/* One pre-application. NL_ERR_INVALID when a field is bad (validate first to
 * know which), NL_ERR_CONFLICT when the identity has an open order in this
 * institution (out->order_no names it), NL_ERR_NOT_FOUND when the institution
 * does not exist or is not active. out may be NULL. */
NL_MUST_USE nl_err nl_preapply_one(const struct nl_preapply_ctx *ctx, const struct nl_preapply_input *in,
                       struct nl_preapply_result *out);

/* Many already validated pre-applications in ONE transaction (the CSV
 * import): each row is created or reported as NL_PA_DUPLICATE in results[i]
 * (also a repeat of an earlier row of the same batch); any other failure rolls
 * the whole batch back and is returned. results has n entries. */
NL_MUST_USE nl_err nl_preapply_batch(const struct nl_preapply_ctx *ctx, const struct nl_preapply_clean *rows,
                         size_t n, struct nl_preapply_result *results);

/* Whether this identity has an open order in the institution (for the CSV
 * preview); *order_no receives it (0 if none). */
NL_MUST_USE nl_err nl_preapply_open_order(nl_conn *c, int64_t institution_id,
                              const struct nl_preapply_clean *row, int64_t *order_no);

#endif
