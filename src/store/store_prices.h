/* Prices (migration 0009): one product ("nes", the qualified certificate)
 * by period (1..3 years) and card reader ("none", "standard", "mini").
 *
 * Rows are appended, never updated: a price is in force from its valid_from
 * on until a newer row of the same product/period/reader. So the price of an
 * earlier moment stays answerable (nl_store_price_at), which is how a debt
 * stays fixed after the administrator changes a price (docs/payment.md).
 * amount_kurus is VAT-inclusive; vat_bp the rate in basis points. */
#ifndef NL_STORE_PRICES_H
#define NL_STORE_PRICES_H

#include <stdbool.h>
#include <stdint.h>

#include "core/err.h"
#include "store/db.h"

#define NL_PRODUCT_NES "nes"

struct nl_price {
	int64_t id;
	char product[16];
	int64_t period_years;       /* 1..3 */
	char card_reader[16];       /* "none" | "standard" | "mini" */
	int64_t amount_kurus;       /* VAT included */
	int64_t vat_bp;             /* 0..10000 */
	int64_t valid_from;
	char set_by[80];            /* audit actor */
};

/* True for "none", "standard", "mini". */
bool nl_price_reader_valid(const char *reader);

/* Appends a price row (in force from p->valid_from) and its audit record
 * (entity "price", action "set") on c, inside the caller's transaction when
 * there is one. NL_ERR_INVALID for a bad product, period, reader, amount
 * (1..NL_MONEY_MAX) or rate. Sets p->id. */
NL_MUST_USE nl_err nl_store_price_set(nl_conn *c, struct nl_price *p, int64_t now);

/* The price in force at `at`; NL_ERR_NOT_FOUND when none was set by then. */
NL_MUST_USE nl_err nl_store_price_at(nl_conn *c, const char *product, int64_t period_years,
                         const char *card_reader, int64_t at, struct nl_price *out);

/* Number of price rows (the demo seed sets prices only on an empty table). */
NL_MUST_USE nl_err nl_store_price_count(nl_conn *c, int64_t *n);

#endif
