/* Payment (SPEC §7, issue 7): prices, debts, recording a payment, the
 * virtual POS flow and the bank reconciliation import. docs/payment.md tells
 * the rules; this header is the contract.
 *
 * Debts. A person-paid order (Kişi Ödemeli) waiting for payment (statuses
 * form_payment_wait "Başvuru Formu ve Ödeme Bekleniyor" and payment_wait
 * "Ödeme Bekleniyor") owes the price of its product:
 *   - with a submitted form version: the period and card reader of the
 *     current version, at the price in force when that version was submitted
 *     (prices are append-only rows, so the amount stays fixed when the
 *     administrator changes prices later; if no price existed then, the price
 *     in force now);
 *   - without one yet: the default product (1 year, no card reader) at the
 *     price in force now, so a person may pay before filling the form;
 *   - no price set for that product: "not yet priced" (no amount, cannot be
 *     paid until an administrator sets the price).
 * Institution-paid orders never owe anything.
 *
 * Recording a payment is ONE transaction: the payment row (its external
 * reference unique: recorded once), the order's status change (form_payment_wait
 * -> form_wait "Başvuru Formu Bekleniyor", payment_wait -> production_wait
 * "Üretim Bekleniyor") with its audit record, the payment's audit record and
 * the "payment received" notification by the information channel (outbox;
 * templates/mail/payment_received.{txt,html}, templates/sms/payment_received.txt). */
#ifndef NL_APP_PAYMENT_H
#define NL_APP_PAYMENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "app/app.h"
#include "core/err.h"
#include "core/order.h"
#include "drivers/pos.h"
#include "store/db.h"
#include "store/store_payment.h"
#include "store/store_prices.h"

#define NL_PAY_DEFAULT_PERIOD 1
#define NL_PAY_DEFAULT_READER "none"

/* ---- prices ---- */

/* Appends a price in force from now (audited, actor "user:3" / "cli:root").
 * NL_ERR_INVALID for a bad period (1..3), reader, amount or rate (0..10000 bp). */
NL_MUST_USE nl_err nl_payment_price_set(const struct nl_app *app, int64_t period_years, const char *card_reader,
                            int64_t amount_kurus, int64_t vat_bp, const char *actor, int64_t now);

/* The nine prices in force at `now`, in the order period 1..3 × reader none,
 * standard, mini; have[i] false where none is set. */
#define NL_PRICE_COMBOS 9
NL_MUST_USE nl_err nl_payment_prices_current(const struct nl_app *app, int64_t now, struct nl_price out[NL_PRICE_COMBOS],
                                 bool have[NL_PRICE_COMBOS]);

/* A VAT rate for pages: 2000 -> "20", 1850 -> "18,5", 125 -> "1,25". */
void nl_payment_vat_rate_text(int64_t vat_bp, char *out, size_t size);

/* Demo prices (20 % VAT), only when the price table is empty. */
NL_MUST_USE nl_err nl_payment_seed_demo_prices(const struct nl_app *app, int64_t now);

/* ---- debts ---- */

struct nl_debt {
	int64_t order_id;
	int64_t order_no;
	enum nl_order_status status;
	bool priced;                 /* false: "not yet priced", amounts are 0 */
	bool from_form;              /* product from the current form version */
	int64_t period_years;
	char card_reader[16];
	int64_t amount_kurus;        /* VAT included */
	int64_t vat_bp;
	int64_t net_kurus;           /* amount = net + vat */
	int64_t vat_kurus;
};

/* The open debt of an order (see above). NL_ERR_NOT_FOUND when it owes
 * nothing (institution-paid, or not waiting for payment). */
NL_MUST_USE nl_err nl_payment_debt_of(nl_conn *c, int64_t order_id, int64_t now, struct nl_debt *out);

/* The same by order number, on this thread's connection (pages). */
NL_MUST_USE nl_err nl_payment_debt_of_no(const struct nl_app *app, int64_t order_no, int64_t now, struct nl_debt *out);

/* Open debts of the orders of a T.C. number, oldest first. *out malloc'd
 * (caller frees with free()); an unknown number gives *n = 0, the same as a
 * number without debts. */
NL_MUST_USE nl_err nl_payment_debts_by_tckn(const struct nl_app *app, const char *tckn, int64_t now, struct nl_debt **out,
                                size_t *n);

/* ---- recording ---- */

struct nl_payment_input {
	int64_t order_id;
	int64_t amount_kurus;        /* the caller has checked it against the debt */
	const char *channel;         /* "pos", "sube", "internet", "mobil", "atm", "cagri" */
	const char *external_ref;    /* "pos:<txn>" / "bank:<reference>" */
	int64_t pos_session_id;      /* 0 = none */
	int64_t import_id;           /* 0 = none */
	const char *paid_on;         /* YYYY-MM-DD or NULL */
	const char *actor;           /* audit actor */
	const char *base_url;        /* for the link in the notification; NULL = none */
	const char *web_dir;         /* templates of the notification; NULL = built-in text */
};

struct nl_payment_result {
	int64_t payment_id;
	int64_t order_no;
	enum nl_order_status from, to;
};

/* Records a payment inside the caller's transaction (or its own). Errors:
 *   NL_ERR_CONFLICT    the external reference (or the order) has a payment
 *                      already: nothing recorded twice
 *   NL_ERR_NOT_FOUND   no such order
 *   NL_ERR_TRANSITION  the order owes nothing (institution-paid, or not in a
 *                      payment-waiting status)
 *   NL_ERR_INVALID     bad input
 * res may be NULL. */
NL_MUST_USE nl_err nl_payment_record(nl_conn *c, const struct nl_payment_input *in, int64_t now,
                         struct nl_payment_result *res);

/* For production: true when the order may be produced as far as money goes
 * (institution-paid, or a payment is recorded). Production of an unpaid
 * person-paid order must check this and refuse. NL_ERR_NOT_FOUND for no order. */
NL_MUST_USE nl_err nl_payment_settled(nl_conn *c, int64_t order_id, bool *settled);

/* ---- virtual POS ---- */

/* Opens a POS session for the open, priced debt of order_no and gives the
 * URL to send the browser to (the bank page). NL_ERR_NOT_FOUND when the order
 * owes nothing or is not priced. */
NL_MUST_USE nl_err nl_payment_pos_start(struct nl_app *app, int64_t order_no, int64_t now,
                            char session_key[NL_POS_KEY_LEN + 1], char *url, size_t url_size);

/* What a session is, for the bank simulator's page and the result page. */
struct nl_pos_view {
	struct nl_pos_session_row s;
	int64_t order_no;
};
NL_MUST_USE nl_err nl_payment_pos_view(const struct nl_app *app, const char *session_key, struct nl_pos_view *out);

enum nl_pos_outcome {
	NL_POS_RECORDED = 1,          /* approved and recorded now */
	NL_POS_REPLAYED,              /* the same approved callback again: nothing new */
	NL_POS_DECLINED,              /* the bank declined the card */
	NL_POS_REFUSED,               /* forged or mismatched: refused, logged, audited */
};

struct nl_pos_result {
	enum nl_pos_outcome outcome;
	const char *reason;           /* refusal code: "bad_signature", "unknown_session",
	                                 "order_mismatch", "amount_mismatch",
	                                 "currency_mismatch", "bad_status", "session_closed",
	                                 "duplicate_reference", "not_payable" */
	int64_t order_no;             /* 0 when refused before the session was known */
	char session_key[NL_POS_KEY_LEN + 1];
};

/* Handles a bank callback: verifies the MAC (constant time), then checks the
 * fields against the stored session, then records the payment (or the
 * decline). Refusals are logged to stderr and audited (entity "pos_callback",
 * action "refused"). Returns NL_OK with res->outcome for every answer the
 * callback deserves (refusals included); other errors are database errors. */
NL_MUST_USE nl_err nl_payment_pos_callback(struct nl_app *app, const struct nl_pos_callback *cb,
                               const char *client, int64_t now, struct nl_pos_result *res);

/* ---- bank reconciliation file ---- */

/* Columns (header line required, ';' or ','):
 *   tarih;kanal;referans;siparis_no_veya_tckn;tutar
 * tarih YYYY-MM-DD or DD.MM.YYYY; kanal sube|internet|mobil|atm|cagri;
 * referans the bank's unique reference; siparis_no_veya_tckn "SD-100002",
 * "100002" or an 11-digit T.C. number (matched only when that person has
 * exactly one open debt); tutar in TL with a decimal comma ("1.180,00"). */
#define NL_IMPORT_MAX_LINES 10000

/* One line of the file checked on its own (no database): the normalised
 * values, or the refusal reason. */
struct nl_bank_line {
	char paid_on[16];             /* YYYY-MM-DD */
	char channel[24];             /* lower case */
	char reference[72];
	bool by_tckn;                 /* key is a T.C. number (else an order number) */
	char tckn[12];
	int64_t order_no;
	int64_t amount_kurus;
};
/* NULL when fields[0..n) is a good line, else the reason code ("field_count",
 * "bad_amount", "bad_date", "bad_channel", "bad_reference", "bad_key"). */
const char *nl_payment_bank_line_check(const char *const *fields, size_t n,
                                       struct nl_bank_line *out);

enum nl_import_outcome { NL_IMPORT_RECORDED = 1, NL_IMPORT_SKIPPED, NL_IMPORT_REFUSED };

struct nl_import_line {
	size_t line;                  /* line in the file */
	enum nl_import_outcome outcome;
	const char *reason;           /* "" when recorded; "duplicate" when skipped;
	                                 "field_count", "bad_date", "bad_channel",
	                                 "bad_reference", "bad_amount", "bad_key",
	                                 "unknown_order", "no_open_debt", "ambiguous",
	                                 "not_priced", "amount_mismatch" when refused */
	char reference[72];
	char key[24];                 /* the order number or T.C. number as written */
	int64_t amount_kurus;         /* 0 when unreadable */
	int64_t order_no;             /* 0 when unmatched */
};

struct nl_import_report {
	int64_t import_id;
	struct nl_import_line *lines; /* malloc'd; nl_import_report_free */
	size_t n;
	int64_t recorded, skipped, refused;
	const char *file_error;       /* the whole file refused: a CSV code, "bad_header" */
	size_t file_error_line;
};
void nl_import_report_free(struct nl_import_report *r);

/* Imports a file in ONE transaction (all recorded lines commit together;
 * refused and skipped lines are only reported). NL_ERR_INVALID with
 * rep->file_error when the file as a whole is unreadable (nothing imported). */
NL_MUST_USE nl_err nl_payment_import(const struct nl_app *app, const char *data, size_t len, const char *file_name,
                         const char *actor, const char *base_url, const char *web_dir,
                         int64_t now, struct nl_import_report *rep);

#endif
